// Resource identity as Puppet 7 sees it: titles that are not Strings (given to
// create_resources/ensure_resource), module types' namevars, and composite
// uniqueness keys (package's command/name/provider). Expected values were taken
// from real Puppet 7.23 (`puppet catalog compile`) on the same manifests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { compileSync, EnvironmentCache } from '../../src/compiler/index.js';
import { KurokoError } from '../../src/util/diagnostic.js';
import type { CatalogResource } from '../../src/compiler/wire.js';

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function resources(manifest: string, modulepath: string[] = []): CatalogResource[] {
  const { catalog } = compileSync({ certname: 'n1', facts: {}, environment: 'production', manifest, modulepath, strictVariables: false });
  return catalog.resources;
}

function find(rs: CatalogResource[], type: string, title: string): CatalogResource {
  const r = rs.find((x) => x.type === type && x.title === title);
  assert.ok(r, `${type}[${title}] is in the catalog`);
  return r;
}

test('a non-String title from a function: the namevar is kept as a String and the title is no tag', () => {
  const d = tempDir();
  write(join(d, 'mods', 'm', 'manifests', 'd.pp'), 'define m::d($x = 1) { notify { "n${title}": message => "${name}" } }\n');
  const site = write(join(d, 'site.pp'), [
    "create_resources('m::d', {81 => {}})",
    "create_resources('notify', {85 => {}})",
    "create_resources('notify', {'86' => {}})",
    "m::d { '87': }",
  ].join('\n') + '\n');
  const rs = resources(site, [join(d, 'mods')]);
  const d81 = find(rs, 'M::D', '81');
  assert.deepEqual(d81.parameters, { name: '81', x: 1 });
  assert.deepEqual(d81.tags, ['m::d', 'm', 'd', 'class']);
  assert.deepEqual(find(rs, 'Notify', 'n81').tags, ['notify', 'n81', 'm::d', 'm', 'd', 'class']);
  assert.deepEqual(find(rs, 'Notify', 'n81').parameters, { message: '81' });
  const n85 = find(rs, 'Notify', '85');
  assert.deepEqual(n85.parameters, { name: '85' });
  assert.deepEqual(n85.tags, ['notify', 'class']);
  // String titles are unchanged: no namevar parameter, the title is a tag.
  const n86 = find(rs, 'Notify', '86');
  assert.equal(n86.parameters, undefined);
  assert.deepEqual(n86.tags, ['notify', '86', 'class']);
  assert.deepEqual(find(rs, 'M::D', '87').parameters, { x: 1 });
  assert.deepEqual(find(rs, 'M::D', '87').tags, ['m::d', 'm', 'd', '87', 'class']);
});

test('a literal non-String title in a resource statement is still an error', () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), 'notify { 80: }\n');
  assert.throws(() => resources(site), (e: unknown) => e instanceof KurokoError && /Illegal title type at index 0\. Expected String, got Integer/.test(e.message));
});

test('numbers given as tags become tags', () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "file { '/tmp/a': tag => [83] }\n");
  assert.deepEqual(find(resources(site), 'File', '/tmp/a').tags, ['83', 'file', 'class']);
});

test('composite keys: same name with another provider is no duplicate; the full key is', () => {
  const d = tempDir();
  const ok = write(join(d, 'ok.pp'), [
    "package { 'a': name => 'x', provider => 'gem' }",
    "package { 'b': name => 'x', provider => 'pip' }",
    "package { 'x': }",
    "notify { 'r': require => Package['x'] }",
  ].join('\n') + '\n');
  const rs = resources(ok);
  assert.deepEqual(find(rs, 'Package', 'b').parameters, { name: 'x', provider: 'pip' });
  assert.equal(find(rs, 'Notify', 'r').parameters?.require, 'Package[x]');
  const bad = write(join(d, 'bad.pp'), "package { 'a': name => 'x', provider => 'gem' }\npackage { 'x': provider => 'gem' }\n");
  assert.throws(() => resources(bad), (e: unknown) => e instanceof KurokoError
    && e.message.includes(`Cannot alias Package[x] to [nil, "x", "gem"] at (file: ${bad}, line: 2); resource ["Package", nil, "x", "gem"] already declared (file: ${bad}, line: 1)`));
});

test('composite keys of module types come from the Ruby type (keyAttributes)', () => {
  const d = tempDir();
  write(join(d, 'mods', 'k', 'lib', 'puppet', 'type', 'kpair.rb'), [
    'Puppet::Type.newtype(:kpair) do',
    '  newparam(:name, namevar: true)',
    '  newparam(:target, namevar: true)',
    '  def self.title_patterns',
    '    [[/^(.*)$/, [[:name]]]]',
    '  end',
    'end',
  ].join('\n') + '\n');
  const ok = write(join(d, 'ok.pp'), "kpair { 'a': name => 'x', target => 't1' }\nkpair { 'b': name => 'x', target => 't2' }\n");
  const rs = resources(ok, [join(d, 'mods')]);
  assert.deepEqual(find(rs, 'Kpair', 'b').parameters, { name: 'x', target: 't2' });
  const bad = write(join(d, 'bad.pp'), "kpair { 'a': name => 'x', target => 't1' }\nkpair { 'b': name => 'x', target => 't1' }\n");
  assert.throws(() => resources(bad, [join(d, 'mods')]), (e: unknown) => e instanceof KurokoError && /Cannot alias Kpair\[b\] to \["x", "t1"\]/.test(e.message));
});

test("module types' namevars are the static reader's (sshkey: name, vcsrepo: path)", (t) => {
  const mp = '/usr/share/puppet/modules';
  if (!existsSync(join(mp, 'vcsrepo')) || !existsSync(join(mp, 'sshkeys_core'))) {
    t.skip('the vcsrepo and sshkeys_core module packages are not installed under /usr/share/puppet/modules');
    return;
  }
  const cache = new EnvironmentCache();
  assert.equal(cache.rubyTypeNamevar([mp], 'sshkey'), 'name');
  assert.equal(cache.rubyTypeNamevar([mp], 'vcsrepo'), 'path');
  assert.equal(cache.rubyTypeNamevar([mp], 'no_such_type'), 'name');
});
