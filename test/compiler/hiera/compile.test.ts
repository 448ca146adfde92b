// Hiera inside a catalog compile: lookup()/hiera*() functions, automatic
// class parameter lookup, convert_to, errors; and `kuroko lookup`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compileSync } from '../../../src/compiler/compile.js';
import { KurokoError } from '../../../src/util/diagnostic.js';
import { kuroko } from '../../helpers.js';
import { tree } from './helpers.js';

const HIERA = `version: 5
defaults: {datadir: data, data_hash: yaml_data}
hierarchy:
  - name: os
    path: "os/%{facts.os.family}.yaml"
  - name: common
    path: common.yaml
`;
const FACTS = { os: { family: 'Debian' }, fqdn: 'n1.example.com' };

function compile(files: Record<string, string>, site: string) {
  const dir = tree({ 'envs/production/hiera.yaml': HIERA, 'envs/production/manifests/site.pp': site, ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`envs/production/${k}`, v])) });
  return compileSync({ certname: 'n1.example.com', facts: FACTS, environment: 'production', environmentpath: join(dir, 'envs') });
}

function messages(r: ReturnType<typeof compile>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const res of r.catalog.resources) if (res.type === 'Notify') out[res.title] = (res.parameters as Record<string, unknown>)?.message;
  return out;
}

test('automatic class parameter lookup, with Puppet\'s undef rules', () => {
  const r = compile({
    'data/common.yaml': 'c::a: from-data\nc::b: data-loses\nc::d: ~\nc::e: ~\n',
    'modules/c/manifests/init.pp': `class c(String $a, String $b = 'def-b', String $c = 'def-c', String $d = 'def-d', Optional[String] $e = undef) {
  notify { 'c': message => "\${a}|\${b}|\${c}|\${d}|\${e}" }
}`,
  }, "class { 'c': b => 'explicit' }\n");
  assert.equal(messages(r).c, 'from-data|explicit|def-c|def-d|');
});

test('lookup(): defaults, lambda, options hash, several names, value_type, convert_to', () => {
  const r = compile({
    'data/os/Debian.yaml': 'os: debian\nlist: [o]\n',
    'data/common.yaml': 'lookup_options:\n  secret: {convert_to: Sensitive}\n  list: {merge: unique}\nos: common\nlist: [c]\nsecret: pw\nnum: 3\nh: {a: 1}\n',
  }, `
notify { 'a': message => lookup('os') }
notify { 'b': message => lookup('nope', undef, undef, 'dflt') }
notify { 'c': message => lookup('nope') |$k| { "blk-\${k}" } }
notify { 'd': message => lookup('nope', { 'default_value' => 'opt' }) }
notify { 'e': message => lookup(['nope', 'os']) }
notify { 'f': message => join(lookup('list'), ',') }
notify { 'g': message => String(lookup('secret') =~ Sensitive) }
notify { 'h': message => String(lookup('num', Integer)) }
notify { 'i': message => lookup({ 'name' => 'nope', 'default_value' => 'named' }) }
notify { 'j': message => hiera('os') }
notify { 'k': message => join(hiera_array('list'), ',') }
notify { 'l': message => String(hiera_hash('h')) }
notify { 'm': message => hiera('nope', 'hd') }
notify { 'n': message => lookup('h.a', Integer) + 1 }
`);
  assert.deepEqual(messages(r), {
    a: 'debian', b: 'dflt', c: 'blk-nope', d: 'opt', e: 'debian', f: 'o,c', g: 'true', h: '3', i: 'named', j: 'debian', k: 'o,c', l: "{'a' => 1}", m: 'hd', n: 2,
  });
});

test('hiera_include declares the classes found', () => {
  const r = compile({
    'data/common.yaml': 'classes: [x, y]\n',
    'modules/x/manifests/init.pp': "class x { notify { 'x': } }",
    'modules/y/manifests/init.pp': "class y { notify { 'y': } }",
  }, "hiera_include('classes')\n");
  assert.deepEqual(Object.keys(messages(r)).sort(), ['x', 'y']);
});

test('lookup errors: not found, wrong type, broken data (file, line and key)', () => {
  const e1 = (() => { try { compile({ 'data/common.yaml': 'a: 1\n' }, "\n  lookup('missing')\n"); } catch (e) { return e; } })();
  assert.ok(e1 instanceof KurokoError);
  assert.match(e1.message, /Function lookup\(\) did not find a value for the name 'missing'/);
  assert.equal(e1.location?.line, 2);
  assert.throws(() => compile({ 'data/common.yaml': 'a: x\n' }, "lookup('a', Integer)\n"), /Found value has wrong type, expects an Integer value, got String/);
  const e3 = (() => { try { compile({ 'data/common.yaml': 'a: [1\nb: 2\n' }, "lookup('a')\n"); } catch (e) { return e; } })();
  assert.ok(e3 instanceof KurokoError);
  assert.match(e3.message, /Lookup of key 'a' failed: Unable to parse \(.*common\.yaml\)/);
  assert.equal(e3.location?.line, 2);
  assert.match(e3.location?.file ?? '', /common\.yaml$/);
});

test('kuroko lookup: value, json, explain, not found', () => {
  const dir = tree({
    'code/environments/production/hiera.yaml': HIERA,
    'code/environments/production/data/os/Debian.yaml': 'k: {a: os}\n',
    'code/environments/production/data/common.yaml': 'k: {b: common}\ns: text\n',
    'facts.json': JSON.stringify({ name: 'n1', values: FACTS }),
  });
  const base = ['lookup', '--node', 'n1', '--facts', join(dir, 'facts.json'), '--codedir', join(dir, 'code'), '--confdir', join(dir, 'conf')];
  let r = kuroko([...base, 's']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '--- text\n');
  r = kuroko([...base, 'k', '--merge', 'hash', '--render-as', 'json']);
  assert.deepEqual(JSON.parse(r.stdout), { b: 'common', a: 'os' });
  r = kuroko([...base, 'k', '--explain']);
  assert.match(r.stdout, /^Searching for "lookup_options"/);
  assert.match(r.stdout, /Searching for "k"\n  Global Data Provider \(hiera configuration version 5\)\n    No such key: "k"\n  Environment Data Provider \(hiera configuration version 5\)\n/);
  assert.match(r.stdout, /Found key: "k" value: \{\n\s+"a" => "os"\n\s+\}/);
  r = kuroko([...base, 'nope']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Function lookup\(\) did not find a value for the name 'nope'/);
  r = kuroko([...base, 'nope', '--default', 'dv']);
  assert.equal(r.stdout, '--- dv\n');
});
