// storeconfigs: a node's own @@ resources stay in the catalog (exported: true)
// when the compile feeds a store (the server), and are ignored with Puppet's
// warning otherwise (puppet apply / catalog compile without storeconfigs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { compileSync } from '../../src/compiler/index.js';

const CODE = "@@file { '/etc/cluster/a': content => 'x', tag => 'cluster' }\nnotify { 'plain': }\n";

function run(opts: { storeconfigs?: boolean; exportedResources?: [] }) {
  const site = join(tempDir(), 'site.pp');
  writeFileSync(site, CODE);
  return compileSync({ certname: 'n1', facts: {}, environment: 'production', manifest: site, modulepath: [], ...opts });
}

test('with a store the exported resource is in the catalog, marked exported, with its containment edge', () => {
  const r = run({ exportedResources: [] });
  const f = r.catalog.resources.find((x) => x.type === 'File');
  assert.equal(f?.exported, true);
  assert.deepEqual(f?.parameters, { content: 'x', tag: 'cluster' });
  assert.ok(r.catalog.edges.some((e) => e.target === 'File[/etc/cluster/a]'));
  assert.equal(r.logs.filter((l) => l.level === 'warning').length, 0);
});

test('without storeconfigs the export is ignored with a warning', () => {
  const r = run({});
  assert.equal(r.catalog.resources.some((x) => x.type === 'File'), false);
  assert.match(r.logs.find((l) => l.level === 'warning')?.message ?? '', /without storeconfigs/);
  assert.equal(run({ storeconfigs: false, exportedResources: [] }).catalog.resources.some((x) => x.type === 'File'), false);
});
