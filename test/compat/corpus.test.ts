// The corpus compile targets (issue 5 item 5): every ../shared/corpus/targets/*.pp
// and our own fixtures/corpus-extra/*.pp (same facts)
// is compiled by Kuroko and compared with real Puppet 7's catalog — the stored
// *.catalog.json, or a fresh `puppet catalog compile` under netns-run when
// KUROKO_REGENERATE=1 and Puppet is installed — after the normalisation of
// test/compiler/harness.ts with `file` ignored. It prints a table (target,
// resources, identical or not, a diff summary) and the most common causes.
//
// Regression gate: every target listed in corpus-baseline.json must stay
// identical. KUROKO_UPDATE_BASELINE=1 rewrites the baseline with the targets
// identical today (the compiler is still growing: the rest are reported, not failed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentCache } from '../../src/compiler/index.js';
import type { Catalog } from '../../src/compiler/wire.js';
import { writeFileAtomic } from '../../src/util/fsutil.js';
import { ROOT, puppetUnavailable } from '../compiler/harness.js';
import {
  TARGETS, EXTRA_TARGETS, DEFAULT_MODULEPATH, listTargets, targetFacts, storedCatalog, kurokoTarget, compareTarget, puppetCatalogCompile, diffCause, errorCause,
} from './support/normalize-corpus.js';

const BASELINE = join(ROOT, 'test', 'compat', 'corpus-baseline.json');

interface Row { id: string; resources: number | string; result: 'identical' | 'differs' | 'kuroko error' | 'no puppet catalog' | 'puppet error'; summary: string; order?: string }

function readBaseline(): string[] {
  if (!existsSync(BASELINE)) return [];
  const doc = JSON.parse(readFileSync(BASELINE, 'utf8')) as { identical?: unknown };
  if (!Array.isArray(doc.identical) || !doc.identical.every((x) => typeof x === 'string')) {
    throw new Error(`${BASELINE}: field "identical" must be an array of target names, got ${JSON.stringify(doc.identical)}`);
  }
  return doc.identical as string[];
}

function table(rows: Row[]): string {
  const w = [Math.max(6, ...rows.map((r) => r.id.length)), 9, 17];
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(w[0])}  ${b.padStart(w[1])}  ${c.padEnd(w[2])}  ${d}`;
  return [line('target', 'resources', 'result', 'diff summary'), ...rows.map((r) => line(r.id, String(r.resources), r.result, r.summary))].join('\n');
}

test('corpus targets vs real Puppet 7: table of all; the baseline targets stay identical', async (t) => {
  const targets = [...listTargets(), ...listTargets(EXTRA_TARGETS)];
  if (!targets.length) { t.skip(`no compile targets in ${TARGETS}`); return; }
  const missing = DEFAULT_MODULEPATH.filter((d) => !existsSync(join(d, 'stdlib')));
  if (missing.length) { t.skip(`the dev modules are not installed (no ${missing.join(', ')}/stdlib): apt-get install $(cat ../shared/corpus/dev-modules.txt)`); return; }
  const facts = targetFacts();
  const regenerate = process.env.KUROKO_REGENERATE === '1';
  const why = regenerate ? puppetUnavailable() : undefined;
  if (regenerate && why) t.diagnostic(`KUROKO_REGENERATE=1 but real Puppet cannot run (${why}): using the stored catalogs`);
  const cache = new EnvironmentCache();
  const rows: Row[] = [];
  const causes = new Map<string, Set<string>>();
  const cause = (c: string, id: string) => { if (!causes.has(c)) causes.set(c, new Set()); causes.get(c)!.add(id); };
  const diffs = new Map<string, string[]>();
  for (const tg of targets) {
    let puppet: Catalog | undefined;
    if (regenerate && !why) {
      const r = puppetCatalogCompile(tg, facts);
      if (r.error) { rows.push({ id: tg.id, resources: '-', result: 'puppet error', summary: r.error.split('\n')[0].slice(0, 120) }); continue; }
      puppet = r.catalog; // the shared targets folder is read-only: fresh catalogs are compared, not stored
    } else puppet = storedCatalog(tg);
    if (!puppet) { rows.push({ id: tg.id, resources: '-', result: 'no puppet catalog', summary: `${tg.stored} is missing` }); continue; }
    const k = kurokoTarget(tg, facts, cache);
    if ('error' in k) {
      const c = errorCause(k.error);
      cause(`compile error: ${c}`, tg.id);
      diffs.set(tg.id, [k.error]);
      rows.push({ id: tg.id, resources: puppet.resources.length, result: 'kuroko error', summary: c.slice(0, 120) });
      continue;
    }
    const cmp = compareTarget(k.catalog, puppet);
    diffs.set(tg.id, cmp.diff);
    for (const d of cmp.diff) cause(diffCause(d), tg.id);
    rows.push({
      id: tg.id, resources: puppet.resources.length, result: cmp.same ? 'identical' : 'differs',
      summary: cmp.same ? (cmp.orderDiff ? `(${cmp.orderDiff})` : '') : `${cmp.diff.length} differences; first: ${cmp.diff[0].slice(0, 140)}`,
      order: cmp.orderDiff,
    });
  }
  const identical = rows.filter((r) => r.result === 'identical').map((r) => r.id);
  const resources = rows.reduce((n, r) => n + (typeof r.resources === 'number' ? r.resources : 0), 0);
  const report = [
    table(rows),
    `total: ${identical.length}/${rows.length} targets identical to Puppet (${resources} resources in Puppet's catalogs); `
      + `${rows.filter((r) => r.result === 'differs').length} differ, ${rows.filter((r) => r.result === 'kuroko error').length} fail to compile in Kuroko; `
      + `resource order differs in ${rows.filter((r) => r.order).length}`,
  ];
  if (causes.size) {
    report.push('most common causes (targets affected):');
    for (const [c, ids] of [...causes].sort((a, b) => b[1].size - a[1].size).slice(0, 25)) report.push(`  ${String(ids.size).padStart(3)}  ${c}  [${[...ids].slice(0, 6).join(' ')}${ids.size > 6 ? ' ...' : ''}]`);
  }
  for (const l of report.join('\n').split('\n')) t.diagnostic(l);

  if (process.env.KUROKO_UPDATE_BASELINE === '1') {
    writeFileAtomic(BASELINE, JSON.stringify({ comment: 'Corpus targets identical to real Puppet 7: test/compat/corpus.test.ts fails if one stops being identical. Rewrite with KUROKO_UPDATE_BASELINE=1.', identical }, null, 2) + '\n');
    t.diagnostic(`baseline rewritten: ${identical.length} targets in ${BASELINE}`);
    return;
  }
  const baseline = readBaseline();
  const known = new Set(rows.map((r) => r.id));
  const regressions = baseline.filter((id) => known.has(id) && !identical.includes(id));
  const gone = baseline.filter((id) => !known.has(id));
  assert.deepEqual(gone, [], `targets in ${BASELINE} that no longer exist: ${gone.join(', ')}`);
  assert.deepEqual(regressions, [], `targets identical in the baseline that now differ:\n${regressions.map((id) => `${id}:\n    ${(diffs.get(id) ?? []).slice(0, 15).join('\n    ')}`).join('\n')}`);
  const newlyIdentical = identical.filter((id) => !baseline.includes(id));
  if (newlyIdentical.length) t.diagnostic(`identical now but not in the baseline (add them with KUROKO_UPDATE_BASELINE=1): ${newlyIdentical.join(', ')}`);
});
