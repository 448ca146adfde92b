// Hiera 5 lookups on real files in temp dirs: layers, backends, hierarchy
// locations, interpolation, dotted keys, merges and lookup_options, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { Hiera } from '../../../src/compiler/hiera/lookup.js';
import { Explainer } from '../../../src/compiler/hiera/explain.js';
import { KurokoError } from '../../../src/util/diagnostic.js';
import { PFloat } from '../../../src/compiler/types/values.js';
import { tree, plain, vars } from './helpers.js';

const ENV_HIERA = `version: 5
defaults:
  datadir: data
  data_hash: yaml_data
hierarchy:
  - name: node
    path: "nodes/%{trusted.certname}.yaml"
  - name: os
    path: "os/%{facts.os.family}.yaml"
  - name: common
    path: common.yaml
`;
const scope = vars({ trusted: { certname: 'n1' }, facts: { os: { family: 'Debian' } }, site: 'sv' });

function hieraAt(dir: string, extra: Partial<ConstructorParameters<typeof Hiera>[0]> = {}): Hiera {
  return new Hiera({ environmentDir: join(dir, 'env'), moduleDir: (n) => join(dir, 'modules', n), ...extra });
}

test('first found wins, in hierarchy order; interpolated paths', () => {
  const dir = tree({
    'env/hiera.yaml': ENV_HIERA,
    'env/data/nodes/n1.yaml': 'a: node\n',
    'env/data/os/Debian.yaml': 'a: os\nb: os\n',
    'env/data/common.yaml': 'a: common\nb: common\nc: common\n',
  });
  const h = hieraAt(dir);
  assert.equal(h.lookup('a', scope).value, 'node');
  assert.equal(h.lookup('b', scope).value, 'os');
  assert.equal(h.lookup('c', scope).value, 'common');
  assert.deepEqual(h.lookup('zz', scope), { found: false, value: undefined });
});

test('YAML values: Psych booleans, octal, floats stay floats, null is found', () => {
  const dir = tree({ 'env/hiera.yaml': ENV_HIERA, 'env/data/common.yaml': 'b: [yes, no, on, off, y, n]\no: 0755\nf: 2.0\ni: 2\nnil: ~\n' });
  const h = hieraAt(dir);
  assert.deepEqual(h.lookup('b', scope).value, [true, false, true, false, 'y', 'n']);
  assert.equal(h.lookup('o', scope).value, 493);
  assert.ok(h.lookup('f', scope).value instanceof PFloat);
  assert.equal(h.lookup('i', scope).value, 2);
  assert.deepEqual(h.lookup('nil', scope), { found: true, value: undefined });
});

test('global, environment and module layers; module data only for its own keys', () => {
  const dir = tree({
    'conf/hiera.yaml': 'version: 5\ndefaults: {datadir: gdata, data_hash: yaml_data}\nhierarchy:\n  - name: g\n    path: g.yaml\n',
    'conf/gdata/g.yaml': 'x: global\nm::k: global-m\n',
    'env/hiera.yaml': ENV_HIERA,
    'env/data/common.yaml': 'x: env\ny: env\n',
    'modules/m/hiera.yaml': 'version: 5\n',
    'modules/m/data/common.yaml': 'm::k: module\nm::only: module-only\nother: not-visible\n',
  });
  const h = new Hiera({ globalConfig: join(dir, 'conf/hiera.yaml'), environmentDir: join(dir, 'env'), moduleDir: (n) => join(dir, 'modules', n) });
  assert.equal(h.lookup('x', scope).value, 'global');
  assert.equal(h.lookup('y', scope).value, 'env');
  assert.equal(h.lookup('m::k', scope).value, 'global-m');
  assert.equal(h.lookup('m::only', scope).value, 'module-only');
  assert.equal(h.lookup('other', scope).found, false);
});

test('global hiera.yaml version 3', () => {
  const dir = tree({
    'conf/hiera.yaml': `---\n:backends:\n  - yaml\n:hierarchy:\n  - "nodes/%{::trusted.certname}"\n  - common\n:yaml:\n  :datadir: DIR/hieradata\n`,
    'conf/hieradata/nodes/n1.yaml': 'k: node3\n',
    'conf/hieradata/common.yaml': 'k: common3\nj: common3\n',
  });
  const f = join(dir, 'conf/hiera.yaml');
  writeFileSync(f, readFileSync(f, 'utf8').replace('DIR', join(dir, 'conf')));
  const h = new Hiera({ globalConfig: f });
  assert.equal(h.lookup('k', scope).value, 'node3');
  assert.equal(h.lookup('j', scope).value, 'common3');
});

test('json_data, paths, glob and mapped_paths', () => {
  const dir = tree({
    'env/hiera.yaml': `version: 5
defaults: {datadir: data, data_hash: yaml_data}
hierarchy:
  - name: roles
    mapped_paths: [roles, role, "roles/%{role}.yaml"]
  - name: many
    paths: ["missing.yaml", "p2.yaml"]
  - name: globbed
    glob: "g/*.yaml"
  - name: json
    data_hash: json_data
    path: common.json
`,
    'env/data/roles/web.yaml': 'r: web\n',
    'env/data/roles/db.yaml': 'r: db\nu: [db]\n',
    'env/data/p2.yaml': 'p: p2\nu: [p2]\n',
    'env/data/g/a.yaml': 'gl: a\n',
    'env/data/g/b.yaml': 'gl: b\ngb: b\n',
    'env/data/common.json': '{"j": {"n": 1.5, "two": 2.0, "l": [1, "x"]}, "u": ["json"]}',
  });
  const h = hieraAt(dir);
  const s = vars({ roles: ['web', 'db'] });
  assert.equal(h.lookup('r', s).value, 'web');
  assert.equal(h.lookup('p', s).value, 'p2');
  assert.equal(h.lookup('gl', s).value, 'a');
  assert.equal(h.lookup('gb', s).value, 'b');
  assert.deepEqual(plain(h.lookup('j', s).value), { n: { float: 1.5 }, two: { float: 2 }, l: [1, 'x'] });
  assert.deepEqual(h.lookup('u', s, { merge: { strategy: 'unique' } }).value, ['db', 'p2', 'json']);
});

test('interpolation: variables, facts, lookup/hiera/alias/literal/scope; unknown is empty', () => {
  const dir = tree({
    'env/hiera.yaml': ENV_HIERA,
    'env/data/common.yaml': `
v: "site=%{site} top=%{::site} os=%{facts.os.family} cert=%{trusted.certname}"
f: "l=%{lookup('base')} h=%{hiera('base')} s=%{scope('site')} pct=100%{literal('%')} none=[%{nope}] empty=[%{}]"
base: b
arr: [1, 2]
al: "%{alias('arr')}"
bad_alias: "x %{alias('arr')}"
loop1: "%{lookup('loop2')}"
loop2: "%{lookup('loop1')}"
`,
  });
  const h = hieraAt(dir);
  assert.equal(h.lookup('v', scope).value, 'site=sv top=sv os=Debian cert=n1');
  assert.equal(h.lookup('f', scope).value, 'l=b h=b s=sv pct=100% none=[] empty=[]');
  assert.deepEqual(h.lookup('al', scope).value, [1, 2]);
  assert.throws(() => h.lookup('bad_alias', scope), /'alias' interpolation is only permitted if the expression is equal to the entire string/);
  assert.throws(() => h.lookup('loop1', scope), /Recursive lookup detected in \[loop1, loop2, loop1\]/);
});

test('dotted keys dig into hashes and arrays', () => {
  const dir = tree({ 'env/hiera.yaml': ENV_HIERA, 'env/data/common.yaml': 'a:\n  b: [zero, {c: deep}]\n"q.k": quoted\n' });
  const h = hieraAt(dir);
  assert.equal(h.lookup('a.b.0', scope).value, 'zero');
  assert.equal(h.lookup('a.b.1.c', scope).value, 'deep');
  assert.equal(h.lookup('a.x', scope).found, false);
  assert.equal(h.lookup('"q.k"', scope).value, 'quoted');
});

test('merge strategies: unique, hash, deep with knockout_prefix, sort_merged_arrays, merge_hash_arrays', () => {
  const dir = tree({
    'env/hiera.yaml': ENV_HIERA,
    'env/data/nodes/n1.yaml': 'l: [n, c]\nh: {a: n, nest: {x: n, l: [n]}, ko: "--"}\nha: [{a: 1}]\nkl: ["--c", n]\n',
    'env/data/os/Debian.yaml': 'l: o\nh: {b: o}\n',
    'env/data/common.yaml': 'l: [c, [d]]\nh: {a: c, c: c, nest: {y: c, l: [z, c]}, ko: gone}\nha: [{b: 2}, {c: 3}]\nkl: [c, d]\n',
  });
  const h = hieraAt(dir);
  assert.deepEqual(h.lookup('l', scope, { merge: { strategy: 'unique' } }).value, ['n', 'c', 'o', 'd']);
  assert.deepEqual(h.lookup('l', scope, { merge: { strategy: 'first' } }).value, ['n', 'c']);
  assert.deepEqual(plain(h.lookup('h', scope, { merge: { strategy: 'hash' } }).value), { a: 'n', c: 'c', nest: { x: 'n', l: ['n'] }, ko: '--', b: 'o' });
  // Key order: the lower priority hash's keys first, as Ruby's Hash#merge gives.
  assert.deepEqual([...(h.lookup('h', scope, { merge: { strategy: 'hash' } }).value as Map<string, unknown>).keys()], ['a', 'c', 'nest', 'ko', 'b']);
  assert.deepEqual(plain(h.lookup('h', scope, { merge: { strategy: 'deep' } }).value), { a: 'n', c: 'c', nest: { y: 'c', l: ['z', 'c', 'n'], x: 'n' }, ko: '--', b: 'o' });
  assert.deepEqual(plain(h.lookup('h', scope, { merge: { strategy: 'deep', knockoutPrefix: '--', sortMergedArrays: true } }).value), { a: 'n', c: 'c', nest: { y: 'c', l: ['c', 'n', 'z'], x: 'n' }, ko: '', b: 'o' });
  assert.deepEqual(h.lookup('kl', scope, { merge: { strategy: 'deep', knockoutPrefix: '--' } }).value, ['d', 'n']);
  assert.deepEqual(plain(h.lookup('ha', scope, { merge: { strategy: 'deep', mergeHashArrays: true } }).value), [{ b: 2, a: 1 }, { c: 3 }]);
  assert.throws(() => h.lookup('l', scope, { merge: { strategy: 'hash' } }), /wrong type for a hash merge/);
});

test('lookup_options: per key, by regex, merged over layers; module options must be namespaced', () => {
  const dir = tree({
    'env/hiera.yaml': ENV_HIERA,
    'env/data/nodes/n1.yaml': 'h: {a: n}\nlist_x: [n]\n',
    'env/data/common.yaml': 'lookup_options:\n  h: {merge: hash}\n  "^list_": {merge: unique}\nh: {b: c}\nlist_x: [c]\n',
    'modules/m/hiera.yaml': 'version: 5\n',
    'modules/m/data/common.yaml': 'lookup_options:\n  m::l: {merge: unique}\nm::l: [m]\n',
    'modules/bad/hiera.yaml': 'version: 5\n',
    'modules/bad/data/common.yaml': 'lookup_options:\n  other: {merge: unique}\nbad::k: 1\n',
  });
  const h = hieraAt(dir);
  assert.deepEqual(plain(h.lookup('h', scope).value), { b: 'c', a: 'n' });
  assert.deepEqual(h.lookup('list_x', scope).value, ['n', 'c']);
  assert.deepEqual(h.lookup('list_x', scope, { merge: { strategy: 'first' } }).value, ['n']);
  assert.deepEqual(h.lookup('m::l', scope).value, ['m']);
  assert.throws(() => h.lookup('bad::k', scope), /all lookup_options keys must start with module name 'bad'/);
});

test('--explain output has Puppet\'s shape', () => {
  const dir = tree({ 'env/hiera.yaml': ENV_HIERA, 'env/data/common.yaml': 'k: [1, {a: b}]\n' });
  const h = hieraAt(dir);
  const ex = new Explainer();
  h.lookup('k', scope, { explain: ex });
  const text = ex.toString();
  const env = join(dir, 'env');
  assert.ok(text.includes(`Searching for "k"\n  Environment Data Provider (hiera configuration version 5)\n    Using configuration "${env}/hiera.yaml"\n    Hierarchy entry "node"\n      Path "${env}/data/nodes/n1.yaml"\n        Original path: "nodes/%{trusted.certname}.yaml"\n        Path not found\n`), text);
  assert.ok(text.includes('        Found key: "k" value: [\n          1,\n          {\n            "a" => "b"\n          }\n        ]\n'), text);
});

test('errors name the file and key; YAML errors give line and column', () => {
  const dir = tree({ 'env/hiera.yaml': ENV_HIERA, 'env/data/common.yaml': 'ok: 1\nbad: [1\nx: y\n' });
  const h = hieraAt(dir);
  try {
    h.lookup('ok', scope);
    assert.fail('expected a YAML error');
  } catch (e) {
    assert.ok(e instanceof KurokoError);
    assert.match(e.message, /common\.yaml/);
    assert.match(e.message, /^Lookup of key 'ok' failed: /);
    assert.equal(e.location?.file, join(dir, 'env/data/common.yaml'));
    assert.equal(e.location?.line, 3);
    assert.equal(typeof e.location?.column, 'number');
  }
  const d2 = tree({ 'env/hiera.yaml': ENV_HIERA, 'env/data/common.yaml': '- not\n- a hash\n' });
  assert.throws(() => hieraAt(d2).lookup('k', scope), /common\.yaml: file does not contain a valid yaml hash/);
  const d3 = tree({ 'env/hiera.yaml': ENV_HIERA.replace('data_hash: yaml_data', 'data_hash: json_data'), 'env/data/common.yaml': '{"a": 1,}' });
  assert.throws(() => hieraAt(d3).lookup('a', scope), (e: unknown) => e instanceof KurokoError && /Unable to parse .*common\.yaml/.test(e.message) && e.location?.line === 1);
});

test('hiera.yaml errors name the file and the field', () => {
  const cases: [string, RegExp][] = [
    ['version: 5\nhierarchy:\n  - name: x\n    path: a.yaml\n', /One of data_hash, lookup_key, data_dig, or hiera3_backend must be defined in hierarchy 'x'/],
    ['version: 5\ndefaults: {data_hash: yaml_data}\nhierarchy:\n  - name: x\n    path: a\n    paths: [b]\n', /Only one of path, paths, glob, globs, uri, uris, mapped_paths can be defined in hierarchy 'x'/],
    ['version: 5\ndefaults: {data_hash: yaml_data}\nhierarchy:\n  - name: x\n  - name: x\n', /Hierarchy name 'x' defined more than once/],
    ['version: 5\nbogus: 1\n', /Unknown key 'bogus'/],
    ['version: 4\n', /version 4 is not supported/],
    ['version: 5\nhierarchy: [\n', /Unable to parse/],
    ['version: 5\ndefaults: {data_hash: yaml_data}\nhierarchy:\n  - name: x\n    lookup_key: eyaml_lookup_key\n    path: a.eyaml\n', /uses the lookup_key function 'eyaml_lookup_key'/],
  ];
  for (const [text, re] of cases) {
    const dir = tree({ 'env/hiera.yaml': text, 'env/data/a.yaml': 'k: 1\n' });
    assert.throws(() => hieraAt(dir).lookup('k', scope), (e: unknown) => e instanceof KurokoError && re.test(e.message) && e.message.includes(join(dir, 'env/hiera.yaml')), `${text} → ${re}`);
  }
});

test('data files are read once per Hiera (per compile)', () => {
  const dir = tree({ 'env/hiera.yaml': ENV_HIERA, 'env/data/common.yaml': 'k: first\n' });
  const h = hieraAt(dir);
  assert.equal(h.lookup('k', scope).value, 'first');
  writeFileSync(join(dir, 'env/data/common.yaml'), 'k: second\n');
  assert.equal(h.lookup('k', scope).value, 'first');
  assert.equal(hieraAt(dir).lookup('k', scope).value, 'second');
});

test('interpolated path segments may not leave the datadir', () => {
  const dir = tree({ 'env/hiera.yaml': ENV_HIERA, 'env/data/common.yaml': 'k: 1\n', 'env/secret.yaml': 'k: secret\n' });
  const evil = vars({ trusted: { certname: '../../secret' }, facts: { os: { family: 'x' } } });
  assert.throws(() => hieraAt(dir).lookup('k', evil), /interpolated path 'nodes\/..\/..\/secret.yaml' .* leaves the datadir; refused/);
});

test('hocon_data: HOCON files as data, dotted keys nested, errors with file and line', () => {
  const dir = tree({
    'env/hiera.yaml': `version: 5
hierarchy:
  - name: hocon
    data_hash: hocon_data
    path: common.conf
`,
    'env/data/common.conf': '# comment\nsvc {\n  name = "web"\n  port: 8080\n  ratio = 2.0\n}\na.b.c = unquoted text\nlist = [1, "two"]\n',
  });
  const h = hieraAt(dir);
  const s = vars({});
  assert.deepEqual(plain(h.lookup('svc', s).value), { name: 'web', port: 8080, ratio: { float: 2 } });
  assert.equal(h.lookup('a.b.c', s).value, 'unquoted text');
  assert.deepEqual(h.lookup('list', s).value, [1, 'two']);
  const bad = tree({ 'env/hiera.yaml': 'version: 5\nhierarchy:\n  - name: hocon\n    data_hash: hocon_data\n    path: common.conf\n', 'env/data/common.conf': 'a = 1\nb = [1, 2\n' });
  assert.throws(() => hieraAt(bad).lookup('a', s), (e: unknown) => e instanceof KurokoError && /common\.conf/.test(`${e.location?.file}`) && e.location?.line !== undefined);
});
