// Module types in compiled catalogs: unknown attributes fail as in Puppet,
// title patterns split composite titles into attributes, a namevar equal to
// the title is left out (Puppet::Resource#to_data_hash).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileSync } from '../../../src/compiler/index.js';
import { KurokoError } from '../../../src/util/diagnostic.js';
import { tempDir } from '../../helpers.js';

function setup(manifest: string): { manifest: string; modulepath: string[] } {
  const root = tempDir();
  const types = join(root, 'modules', 'demo', 'lib', 'puppet', 'type');
  mkdirSync(types, { recursive: true });
  writeFileSync(join(types, 'demo_service.rb'), `Puppet::Type.newtype(:demo_service) do
  ensurable
  newparam(:name, :namevar => true)
  newparam(:type) do
    isnamevar
  end
  newproperty(:description)
  def self.title_patterns
    [[/^(.+)::(.+)$/, [[:name], [:type]]], [/^([^:]+)$/, [[:name]]]]
  end
end
`);
  writeFileSync(join(types, 'demo_repo.rb'), `Puppet::Type.newtype(:demo_repo) do
  newparam :path do
    isnamevar
  end
  newparam(:source)
end
`);
  const site = join(root, 'site.pp');
  writeFileSync(site, manifest);
  return { manifest: site, modulepath: [join(root, 'modules')] };
}

function compile(manifest: string) {
  const s = setup(manifest);
  return compileSync({ certname: 'node1.test.com', facts: {}, environment: 'production', manifest: s.manifest, modulepath: s.modulepath }).catalog;
}

test('composite titles are split by the title patterns; the resource\'s own values win', () => {
  const c = compile(`demo_service { 'nova::compute': ensure => present, description => 'd' }
demo_service { 'glance': ensure => present }
demo_service { 'heat::orchestration': type => 'other' }
`);
  const p = (t: string) => c.resources.find((r) => r.type === 'Demo_service' && r.title === t)?.parameters;
  assert.deepEqual(p('nova::compute'), { name: 'nova', type: 'compute', ensure: 'present', description: 'd' });
  // Several key attributes: Puppet's namevar is :name, left out when it equals the title.
  assert.deepEqual(p('glance'), { ensure: 'present' });
  assert.deepEqual(p('heat::orchestration'), { name: 'heat', type: 'other' });
});

test('a single namevar other than name is left out when it equals the title', () => {
  const c = compile(`demo_repo { '/srv/a': source => 'x' }
demo_repo { 'b': path => '/srv/b' }
demo_repo { 'c': path => 'c' }
`);
  const p = (t: string) => c.resources.find((r) => r.type === 'Demo_repo' && r.title === t)?.parameters;
  assert.deepEqual(p('/srv/a'), { source: 'x' });
  assert.deepEqual(p('b'), { path: '/srv/b' });
  assert.equal(p('c'), undefined);
});

test('an unknown attribute of a module type fails as in Puppet', () => {
  assert.throws(() => compile(`demo_repo { '/srv/a':\n  source => 'x',\n  bogus => 1,\n}\n`), (e: unknown) => {
    assert.ok(e instanceof KurokoError);
    assert.match(e.message, /^no parameter named 'bogus' \(file: .*site\.pp, line: 1\) on Demo_repo\[\/srv\/a\]/);
    assert.equal(e.location?.line, 1);
    return true;
  });
});

test('a title no pattern matches fails with Puppet\'s message and the resource\'s location', () => {
  assert.throws(() => compile(`\ndemo_service { 'a:b': }\n`), (e: unknown) => {
    assert.ok(e instanceof KurokoError);
    assert.match(e.message, /^Evaluation Error: Error while evaluating a Resource Statement, No set of title patterns matched the title "a:b"\.$/);
    assert.match(e.location?.file ?? '', /site\.pp$/);
    assert.equal(e.location?.line, 2);
    return true;
  });
});
