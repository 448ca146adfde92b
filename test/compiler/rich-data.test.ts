// Rich data in the catalog (Deferred, Binary, Timestamp, types, default) and
// the plain-JSON form with Puppet's SERIALIZATION_* issues under `strict`.
// Expected values were taken from real Puppet 7.23 (`Puppet::Resource#to_data_hash`
// with rich_data on and off) on the same manifests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { compileSync, type CompileResult } from '../../src/compiler/index.js';
import { KurokoError } from '../../src/util/diagnostic.js';

function compile(code: string, opts: { richData?: boolean; strict?: 'off' | 'warning' | 'error' } = {}): CompileResult & { site: string } {
  const dir = tempDir();
  const site = join(dir, 'site.pp');
  writeFileSync(site, code);
  return { site, ...compileSync({ certname: 'n1', facts: {}, environment: 'production', manifest: site, modulepath: [], ...opts }) };
}

function messages(r: CompileResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const x of r.catalog.resources) if (x.type === 'Notify') out[x.title] = x.parameters?.message;
  return out;
}

const CODE = [
  "notify { 'd': message => Deferred('join', [['a', 'b'], '-']) }",
  "notify { 'b': message => Binary('aGVsbG8=') }",
  "notify { 'ts': message => Timestamp('2020-01-01T00:00:00Z') }",
  "notify { 'tsp': message => Timespan(3600) }",
  "notify { 't': message => Integer[1,2] }",
  "notify { 'df': message => default }",
  "notify { 'h': message => { 1 => 'a', 'b' => default } }",
  "notify { 'arr': message => [Deferred('x'), Sensitive('s')] }",
].join('\n');

test('rich data: non-Data values keep their type in the __ptype form', () => {
  const m = messages(compile(CODE));
  assert.deepEqual(m, {
    d: { __ptype: 'Deferred', name: 'join', arguments: [['a', 'b'], '-'] },
    b: { __ptype: 'Binary', __pvalue: 'aGVsbG8=' },
    ts: { __ptype: 'Timestamp', __pvalue: '2020-01-01T00:00:00.000000000 UTC' },
    tsp: { __ptype: 'Timespan', __pvalue: '0-01:00:00.0' },
    t: { __ptype: 'Pcore::IntegerType', from: 1, to: 2 },
    df: { __ptype: 'Default' },
    h: { __ptype: 'Hash', __pvalue: [1, 'a', 'b', { __ptype: 'Default' }] },
    arr: [{ __ptype: 'Deferred', name: 'x' }, { __ptype: 'Sensitive', __pvalue: 's' }],
  });
});

test('plain JSON: strings, and a warning per conversion at the resource file and line', () => {
  const r = compile(CODE, { richData: false });
  const m = messages(r);
  assert.equal(m.d, "Deferred({'name' => 'join', 'arguments' => [['a', 'b'], '-']})");
  assert.equal(m.b, 'aGVsbG8=');
  assert.equal(m.t, 'Integer[1, 2]');
  assert.deepEqual(m.h, { 1: 'a', b: 'default' });
  assert.deepEqual(m.arr, ["Deferred({'name' => 'x'})", { __ptype: 'Sensitive', __pvalue: 's' }]);
  const warnings = r.logs.filter((l) => l.level === 'warning').map((l) => l.message);
  assert.ok(warnings.includes(`Notify[d]['message'] contains a Deferred value. It will be converted to the String 'Deferred({'name' => 'join', 'arguments' => [['a', 'b'], '-']})' (file: ${r.site}, line: 1)`), warnings.join('\n'));
  assert.ok(warnings.includes(`Notify[b]['message'] contains a Puppet::Pops::Types::PBinaryType::Binary value. It will be converted to the String 'aGVsbG8=' (file: ${r.site}, line: 2)`));
  assert.ok(warnings.includes(`Notify[t]['message'] contains an Integer-Type value. It will be converted to the String 'Integer[1, 2]' (file: ${r.site}, line: 5)`));
  // Puppet's message prefix grows with each issue of the same resource; kept for identical text.
  assert.ok(warnings.includes(`Notify[h]['message'] contains a hash with an Integer key. It will be converted to the String '1' (file: ${r.site}, line: 7)`));
  assert.ok(warnings.includes(`Notify[h]['message']['message']['b'] contains the special value default. It will be converted to the String 'default' (file: ${r.site}, line: 7)`));
});

test('plain JSON: strict=off still warns; strict=error fails naming file, line and node', () => {
  const off = compile("notify { 'd': message => Deferred('x') }", { richData: false, strict: 'off' });
  assert.equal(off.logs.filter((l) => l.level === 'warning').length, 1);
  assert.throws(() => compile("\nnotify { 'd': message => Deferred('x') }", { richData: false, strict: 'error' }), (e: unknown) => {
    assert.ok(e instanceof KurokoError);
    assert.match(e.message, /^Evaluation Error: Notify\[d\]\['message'\] contains a Deferred value\. It will be converted to the String 'Deferred\(\{'name' => 'x'\}\)'$/);
    assert.equal(e.location?.line, 2);
    assert.equal(e.node, 'n1');
    return true;
  });
  // Rich data has nothing to convert: no issue at all.
  assert.equal(compile("notify { 'd': message => Deferred('x') }", { strict: 'error' }).logs.length, 0);
});

test('a parameter set to default stays default (it does not fall back to the define default)', () => {
  const m = messages(compile("define d($x = 'dflt') { notify { $title: message => $x } }\nd { 'one': x => default }"));
  assert.deepEqual(m, { one: { __ptype: 'Default' } });
});

test('Binary: creation formats, String formats, equality, length and type', () => {
  const m = messages(compile([
    "$a = Binary('aGVsbG8=')",
    "notify { 'fmts': message => [String($a, '%s'), String($a, '%B'), String($a, '%b'), String($a, '%u'), String($a, '%p'), String($a, '%t'), String($a, '%T')] }",
    "notify { 'new': message => [String(Binary.new('hello', '%s')), String(Binary.new('aGVsbG8', '%b')), String(Binary.new('aGVsbG8_', '%u')), String(Binary([104, 105]))] }",
    "notify { 'ops': message => [$a == Binary.new('hello', '%s'), $a =~ Binary, $a =~ Data, length($a), String(type($a)), \"${a}\"] }",
  ].join('\n')));
  assert.deepEqual(m, {
    fmts: ['hello', 'aGVsbG8=', 'aGVsbG8=\n', 'aGVsbG8=', 'Binary("aGVsbG8=")', 'Binary', 'BINARY'],
    new: ['aGVsbG8=', 'aGVsbG8=', 'aGVsbG8/', 'aGk='],
    ops: [true, true, false, 5, 'Binary', 'aGVsbG8='],
  });
});

test('Binary: bad Base64 and an illegal format fail as in Puppet', () => {
  assert.throws(() => compile("notify { 'x': message => String(Binary('not base64!')) }"), /invalid base64/);
  assert.throws(() => compile("notify { 'x': message => String(Binary('aGk='), '%h') }"),
    /Illegal format 'h' specified for value of Binary type - expected one of the characters 'bButTsp'/);
  assert.throws(() => compile("notify { 'x': message => Binary('aGk=') =~ Binary[2] }"), /Operator '\[\]' is not applicable to a Binary-Type/);
});
