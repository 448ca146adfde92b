// Differential test of the ERB interpreter against Ruby's own ERB: the
// hand-written feature cases, then every corpus template under synthetic
// bindings (plausible values guessed from variable names, variants of those,
// and no variables at all). Whatever Ruby renders, Kuroko must render byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileErb, renderErb } from '../../src/compiler/erb/index.js';
import { KurokoError } from '../../src/util/diagnostic.js';
import { CASES, VARS } from '../compiler/erb/cases.js';
import { bindingFor, corpusTemplates, readTemplate, VARIANTS } from '../compiler/erb/corpus.js';
import { cloneVars, FakeScope, RubyErb, rubyAvailable } from '../compiler/erb/helpers.js';

const haveRuby = rubyAvailable();

function firstDiff(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at offset ${i}: Ruby ${JSON.stringify(a.slice(Math.max(0, i - 30), i + 30))} vs Kuroko ${JSON.stringify(b.slice(Math.max(0, i - 30), i + 30))}`;
}

test('ERB feature cases render byte-identical to Ruby', async (t) => {
  if (!haveRuby) return t.skip('ruby (with erb and json) is not installed');
  const ruby = new RubyErb();
  try {
    const failures: string[] = [];
    for (const c of CASES) {
      const vars = c.vars ?? VARS;
      const r = await ruby.render(c.source, vars, 'case.erb');
      assert.ok(r.ok !== undefined, `Ruby failed on case ${c.name}: ${r.error}`);
      let mine: string;
      try {
        mine = renderErb(compileErb(c.source, 'case.erb'), new FakeScope(cloneVars(vars)));
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message}`);
        continue;
      }
      if (mine !== r.ok) failures.push(`${c.name}: ${firstDiff(r.ok!, mine)}`);
    }
    assert.deepEqual(failures, [], failures.join('\n'));
  } finally {
    ruby.close();
  }
});

test('corpus templates render byte-identical to Ruby', async (t) => {
  if (!haveRuby) return t.skip('ruby (with erb and json) is not installed');
  const files = corpusTemplates();
  if (!files.length) return t.skip('no corpus modules under /usr/share/puppet/modules');
  const ruby = new RubyErb();
  let rendered = 0, identical = 0, rubyErrors = 0;
  const templatesOk = new Set<string>();
  const templatesRendered = new Set<string>();
  const failures: string[] = [];
  const unsupported: string[] = [];
  try {
    for (const f of files) {
      const src = readTemplate(f);
      for (const variant of VARIANTS) {
        const vars = bindingFor(src, variant);
        const r = await ruby.render(src, vars, f);
        if (r.ok === undefined) {
          // Where Ruby fails (Puppet would fail the compile), Kuroko must fail too.
          rubyErrors++;
          try {
            renderErb(compileErb(src, f), new FakeScope(cloneVars(vars)));
            failures.push(`${f} (${variant}): Ruby raised ${r.error?.split('\n')[0]} but Kuroko rendered`);
          } catch {
            // expected
          }
          continue;
        }
        rendered++;
        templatesRendered.add(f);
        let mine: string;
        try {
          mine = renderErb(compileErb(src, f), new FakeScope(cloneVars(vars)));
        } catch (e) {
          if (e instanceof KurokoError && e.code === 'ERB_UNSUPPORTED') unsupported.push(`${f} (${variant}): ${e.message}`);
          else failures.push(`${f} (${variant}): ${(e as Error).message}`);
          continue;
        }
        if (mine === r.ok) {
          identical++;
          templatesOk.add(f);
        } else failures.push(`${f} (${variant}): ${firstDiff(r.ok!, mine)}`);
      }
    }
  } finally {
    ruby.close();
  }
  t.diagnostic(`${files.length} corpus templates; ${templatesRendered.size} render under Ruby with a synthetic binding; ` +
    `${templatesOk.size} byte-identical in Kuroko. Renders: ${rendered} compared, ${identical} identical, ` +
    `${unsupported.length} unsupported Ruby, ${failures.length} different; ${rubyErrors} bindings Ruby itself rejected (Kuroko too).`);
  for (const u of unsupported) t.diagnostic(`unsupported: ${u}`);
  assert.deepEqual(failures, [], failures.join('\n'));
  // The corpus README counts 9 templates using arbitrary Ruby (def, require, to_yaml, setvar).
  assert.ok(unsupported.length <= 9 * VARIANTS.length, `too many unsupported: ${unsupported.length}`);
});
