// String(expression) for ~150 expressions of the less common built-ins and
// formats (numeric conversion with radix, Timestamp/Timespan arithmetic and
// formats, tree_each, step, slice, split, compare, new() on types, assert_type,
// sprintf, Float printing). Expected values and errors were recorded from
// real Puppet 7.23 (fixtures/puppet-values.json); this runs without Puppet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { compileSync, EnvironmentCache } from '../../src/compiler/index.js';
import type { Data } from '../../src/compiler/wire.js';

interface Row { expr: string; value?: string; error?: string }
// The same facts as the differential fixtures (fqdn_rand and $facts depend on them).
const facts = JSON.parse(readFileSync(new URL('../compat/fixtures/compile/facts.json', import.meta.url), 'utf8')) as Record<string, Data>;
const rows = JSON.parse(readFileSync(new URL('./fixtures/puppet-values.json', import.meta.url), 'utf8')) as Row[];

function core(message: string): string {
  return message.split('\n')[0].replace(/ \(file: .*$/, '').replace(/^Evaluation Error: (Error while evaluating a (Function Call|Method call), )?/, '').trim();
}

test('less common built-ins and formats give what real Puppet 7 gives', () => {
  const dir = tempDir();
  const cache = new EnvironmentCache();
  const wrong: string[] = [];
  rows.forEach((row, i) => {
    const site = join(dir, `v${i}.pp`);
    writeFileSync(site, `notify { 'x': message => String(${row.expr}) }\n`);
    let got: Row;
    try {
      const r = compileSync({ certname: 'node1.test.com', facts, environment: 'production', manifest: site, modulepath: [] }, cache);
      got = { expr: row.expr, value: r.catalog.resources.find((x) => x.type === 'Notify')?.parameters?.message as string };
    } catch (e) {
      got = { expr: row.expr, error: core((e as Error).message) };
    }
    const want = row.error !== undefined ? { expr: row.expr, error: core(row.error) } : row;
    if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${row.expr}\n    puppet: ${JSON.stringify(want.value ?? want.error)}\n    kuroko: ${JSON.stringify(got.value ?? got.error)}`);
  });
  assert.deepEqual(wrong, [], `${wrong.length} of ${rows.length} differ`);
});
