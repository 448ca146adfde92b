// Catalog JSON with Floats as Puppet writes them: Ruby's JSON gives an integral
// Float as `2.0` and Float#to_s forms for large and small ones. The expected
// text below was recorded from Puppet 7.23's catalog JSON for the same manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kuroko, tempDir } from '../helpers.js';
import { compileSync, stringifyCatalog } from '../../src/compiler/index.js';

const MANIFEST = "notify { 'f': message => [2.0, 1.5, 1e20, 1.5e-7, -0.0, 3, {a => 3.0, b => [4.0]}, 0.1 + 0.2, 1e16, 123456789.0, 2.5e-5, 1.0e15], withpath => false }\n";
const PUPPET = '"message":[2.0,1.5,1.0e+20,1.5e-07,-0.0,3,{"a":3.0,"b":[4.0]},0.30000000000000004,1.0e+16,123456789.0,2.5e-05,1.0e+15]';

function site(): string {
  const f = join(tempDir(), 'site.pp');
  writeFileSync(f, MANIFEST);
  return f;
}

test('stringifyCatalog writes Floats as Puppet; everything else as JSON.stringify', () => {
  const manifest = site();
  const marked = compileSync({ certname: 'n1', facts: {}, environment: 'production', manifest, modulepath: [], floatMarkers: true }).catalog;
  const text = stringifyCatalog(marked);
  assert.ok(text.includes(PUPPET), text);
  // The markers are invisible to JSON.stringify, and a catalog without them prints as before.
  const plain = compileSync({ certname: 'n1', facts: {}, environment: 'production', manifest, modulepath: [] }).catalog;
  plain.catalog_uuid = marked.catalog_uuid;
  assert.equal(JSON.stringify(marked), JSON.stringify(plain));
  // Same data when read back (-0.0 aside: JSON.stringify writes it as 0).
  assert.equal(JSON.stringify(JSON.parse(text)), JSON.stringify(plain));
  // A compile worker's answer crosses a structured clone: the markers survive it.
  assert.ok(stringifyCatalog(structuredClone(marked)).includes(PUPPET));
  // Indentation as JSON.stringify's.
  assert.equal(stringifyCatalog({ a: [1, 'x'] }, 2), JSON.stringify({ a: [1, 'x'] }, null, 2));
});

test('strings that look like the placeholders are left alone', () => {
  const v = { s: '\u0000abc:2.0\u0000', n: Object(2) as number, t: '"2.0"' };
  assert.equal(stringifyCatalog(v), '{"s":"\\u0000abc:2.0\\u0000","n":2.0,"t":"\\"2.0\\""}');
});

test('kuroko catalog compile prints integral Floats with .0', () => {
  const manifest = site();
  const dir = tempDir();
  const r = kuroko(['catalog', 'compile', 'n1', '--manifest', manifest, '--modulepath', dir, '--vardir', join(dir, 'v'), '--confdir', join(dir, 'c'), '--codedir', join(dir, 'cd')]);
  assert.equal(r.status, 0, r.stderr);
  const compact = r.stdout.replace(/\s+/g, '');
  assert.ok(compact.includes(PUPPET), compact.slice(0, 2000));
});
