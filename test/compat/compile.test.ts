// Differential test: every fixture in fixtures/compile/*.pp is compiled by
// Kuroko and by real Puppet 7 (one batch under netns-run) and the catalogs
// are compared after the normalisation documented in test/compiler/harness.ts.
// Fixtures named err_*.pp must fail in both, with the same message (err_exact_*.pp:
// the same text to the character, file, line, column and node included).
// Classic forms Puppet 7 rejects (import, node inheritance) live in
// fixtures/compile/classic/ and are checked against written expectations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, puppetUnavailable, puppetCompileBatch, kurokoCompile, compareCatalogs, errorCore, type Fixture } from '../compiler/harness.js';
import { EnvironmentCache } from '../../src/compiler/index.js';
import type { CatalogResource, Data } from '../../src/compiler/wire.js';

const DIR = join(ROOT, 'test', 'compat', 'fixtures', 'compile');
const MODULES = join(DIR, 'modules');
const facts = JSON.parse(readFileSync(join(DIR, 'facts.json'), 'utf8')) as Record<string, Data>;
const fixtures: Fixture[] = readdirSync(DIR).filter((f) => f.endsWith('.pp')).sort()
  .map((f) => ({ id: f.replace(/\.pp$/, ''), manifest: join(DIR, f), modulepath: [MODULES] }));

test('compile fixtures match real Puppet 7', async (t) => {
  const why = puppetUnavailable();
  if (why) { t.skip(why); return; }
  const puppet = puppetCompileBatch(fixtures, facts);
  const cache = new EnvironmentCache();
  let same = 0;
  const orderNotes: string[] = [];
  for (const fx of fixtures) {
    await t.test(fx.id, () => {
      const p = puppet[fx.id];
      const k = kurokoCompile(fx, facts, cache);
      assert.ok(p, `no Puppet result for ${fx.id}`);
      if ('error' in p) {
        assert.ok('error' in k, `Puppet failed but Kuroko compiled ${fx.id}. Puppet: ${p.error}`);
        // err_exact_*: the whole text, locations and "on node" included (both read the same files).
        if (fx.id.startsWith('err_exact_')) assert.equal(k.error, p.error, `exact error message of ${fx.id}`);
        else assert.equal(errorCore(k.error), errorCore(p.error), `error message of ${fx.id}`);
        assert.ok(fx.id.startsWith('err_'), `${fx.id} fails in Puppet (${p.error}); name it err_* if that is intended`);
        same++;
        return;
      }
      if ('error' in k) assert.fail(`Kuroko failed on ${fx.id}: ${k.error}`);
      const cmp = compareCatalogs(k.catalog, p.catalog);
      if (cmp.orderDiff) orderNotes.push(`${fx.id}: ${cmp.orderDiff}`);
      assert.ok(cmp.same, `${fx.id} differs from Puppet:\n  ${cmp.diff.join('\n  ')}`);
      same++;
    });
  }
  t.diagnostic(`${same}/${fixtures.length} fixtures identical to Puppet; resource order differs in ${orderNotes.length}`);
  for (const n of orderNotes) t.diagnostic(n);
});

// Old forms that Puppet 7 rejects: compared against expectations written by hand.
const CLASSIC = join(DIR, 'classic');
for (const f of existsSync(CLASSIC) ? readdirSync(CLASSIC).filter((x) => x.endsWith('.pp') && !x.includes('/')).sort() : []) {
  test(`classic form: ${f}`, () => {
    const id = f.replace(/\.pp$/, '');
    const expected = JSON.parse(readFileSync(join(CLASSIC, `${id}.expected.json`), 'utf8')) as { resources: string[]; parameters?: Record<string, Record<string, Data>>; classes?: string[] };
    const k = kurokoCompile({ id, manifest: join(CLASSIC, f), modulepath: [MODULES] }, facts);
    if ('error' in k) assert.fail(`Kuroko failed on ${id}: ${k.error}`);
    const refs = k.catalog.resources.map((r) => `${r.type}[${r.title}]`);
    assert.deepEqual(refs, expected.resources);
    for (const [ref, params] of Object.entries(expected.parameters ?? {})) {
      const r: CatalogResource | undefined = k.catalog.resources.find((x) => `${x.type}[${x.title}]` === ref);
      assert.deepEqual(r?.parameters ?? {}, params, `parameters of ${ref}`);
    }
    if (expected.classes) assert.deepEqual(k.catalog.classes, expected.classes);
  });
}
