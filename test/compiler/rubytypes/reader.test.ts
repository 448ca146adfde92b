// The static reader of Ruby resource types: real Ruby sources (inline, in temp
// modules, and the installed modules when present), read without a Ruby runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRubyType, rubyTypesFor, rubyType, rubyTypeAccepts, parseTitle } from '../../../src/compiler/rubytypes/index.js';
import { KurokoError } from '../../../src/util/diagnostic.js';
import { tempDir } from '../../helpers.js';

const CONFIG_TYPE = `Puppet::Type.newtype(:demo_config) do

  ensurable

  newparam(:name, :namevar => true) do
    desc 'Section/setting name to manage from demo.conf'
    newvalues(/\\S+\\/\\S+/)
  end

  newproperty(:value, :array_matching => :all) do
    desc <<-EOT
      The value of the setting: "quoted" and /slashes/ stay in the heredoc.
    EOT
    munge do |value|
      value = value.to_s.strip
      value.capitalize! if value =~ /^(true|false)$/i
      value
    end
  end

  newparam(:secret, :boolean => true) do
    newvalues(:true, :false)
    defaultto false
  end

  autorequire(:anchor) do
    ['demo::install::end']
  end
end
`;

function writeModule(root: string, mod: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const p = join(root, mod, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  }
}

test('an ini *_config type: ensurable, name namevar, properties and parameters', () => {
  const t = readRubyType(CONFIG_TYPE, '/m/demo_config.rb');
  assert.equal(t.name, 'demo_config');
  assert.equal(t.ensurable, true);
  assert.deepEqual(t.properties, ['ensure', 'value']);
  assert.deepEqual(t.parameters, ['name', 'secret']);
  assert.deepEqual(t.keyAttributes, ['name']);
  assert.equal(t.namevar, 'name');
  assert.equal(t.titlePatterns, undefined);
});

test('isnamevar inside a block, namevar: true, features, and params from a literal list', () => {
  const src = `
module Puppet
  Type.newtype(:thing) do
    feature :manages_things, "Can manage things.", :methods => [:thing]
    newparam :path do
      desc "Absolute path"
      isnamevar
      validate do |value|
        raise ArgumentError, "bad" unless value =~ %r{^/}
      end
    end
    [:user, 'project'].each do |p|
      newparam(p) do
        isnamevar
      end
    end
    newproperty(:mode, required_features: :manages_things) { desc 'x' }
    newparam(:other, namevar: false)
    def self.title_patterns
      [ [ %r{^(.*)@(.*)$}, [ [:user], [:project] ] ], [ /(.*)/m, [ [:path] ] ] ]
    end
  end
end
`;
  const t = readRubyType(src, '/m/thing.rb');
  assert.equal(t.name, 'thing');
  assert.deepEqual(t.features, ['manages_things']);
  assert.deepEqual(t.parameters, ['path', 'user', 'project', 'other']);
  assert.deepEqual(t.keyAttributes, ['path', 'user', 'project']);
  assert.equal(t.namevar, 'name', 'several key attributes: Puppet uses :name');
  assert.deepEqual(t.properties, ['mode']);
  assert.equal(t.titlePatterns?.length, 2);
  assert.deepEqual(t.titlePatterns![0].attributes, ['user', 'project']);
  assert.deepEqual([...t.titlePatterns![0].regexp.exec('alice@web')!].slice(1), ['alice', 'web']);
});

test('title patterns built from local variables, interpolated regexps and identity lambdas', () => {
  const src = `Puppet::Type.newtype(:endpoint) do
  newparam(:name, :namevar => true)
  newparam(:region) do
    isnamevar
  end
  def self.title_patterns
    name = Regexp.new(/(?:[^:]|:[^:])+/)
    region = /[^\\/]+/
    identity = lambda { |x| x }
    raise(Puppet::DevError, 'never') if name.nil?
    return [[/^(#{name})$/, [[:name]]]] unless region
    [
      [/^(#{region})\\/(#{name})$/, [[:region, identity], [:name]]],
      [/^(#{name})$/, [[:name]]]
    ]
  end
end
`;
  const t = readRubyType(src, '/m/endpoint.rb');
  assert.equal(t.titlePatternsProblem, undefined);
  const m = t.titlePatterns![0].regexp.exec('RegionOne/nova')!;
  assert.deepEqual([m[1], m[2]], ['RegionOne', 'nova']);
  assert.equal(t.titlePatterns![0].regexp.exec('a/b::c'), null);
});

test('title patterns Kuroko cannot evaluate leave the type usable and say why', () => {
  const src = `Puppet::Type.newtype(:odd) do
  newparam(:name, :namevar => true)
  def self.title_patterns
    [[/(.*)/, [[:name, lambda { |x| x.downcase }]]]]
  end
end
`;
  const t = readRubyType(src, '/m/odd.rb');
  assert.equal(t.titlePatterns, undefined);
  assert.match(t.titlePatternsProblem ?? '', /lambda/);
  assert.deepEqual(t.parameters, ['name']);
});

test('bad Ruby: an error naming the file, line and column; no newtype: a clear error', () => {
  assert.throws(() => readRubyType("Puppet::Type.newtype(:x) do\n  newparam(:name, :namevar => true)\n  desc 'unterminated\n", '/m/x.rb'),
    (e: unknown) => e instanceof KurokoError && e.code === 'KUR5401' && /\/m\/x\.rb line 3/.test(e.message) && e.location?.line === 3);
  assert.throws(() => readRubyType("Puppet::Type.newtype(:x) do\n  newparam(:name) do\n", '/m/x.rb'),
    (e: unknown) => e instanceof KurokoError && e.code === 'KUR5401' && /missing 'end'/.test(e.message));
  assert.throws(() => readRubyType("module Foo\n  def bar; end\nend\n", '/m/none.rb'),
    (e: unknown) => e instanceof KurokoError && e.code === 'KUR5402' && e.message.includes('/m/none.rb'));
});

test('mixins and helper modules are read from the modules\' lib/ (extend + method, module functions with defaults)', () => {
  const root = tempDir();
  writeModule(root, 'demo', {
    'lib/puppet_x/demo/ini_setting.rb': `module PuppetX
  module Demo
    module IniSetting
      def create_parameters
        ensurable
        newparam(:name, :namevar => true) do
          newvalues(/\\S+\\/\\S+/)
        end
        newproperty(:value)
      end
    end
  end
end
`,
    'lib/puppet_x/demo/composite.rb': `module PuppetX
  module Demo
    module Composite
      def self.not_two_colon_regex
        Regexp.new(/(?:[^:]|:[^:])+/)
      end

      def self.split(prefix, suffix, separator = '::', *regexps)
        associated = []
        if regexps.empty? and separator == '::'
          associated += [not_two_colon_regex, not_two_colon_regex]
        else
          raise(Puppet::DevError, 'You must provide two regexps') if regexps.count != 2
          associated += regexps
        end
        [
          [/^(#{associated[0]})#{separator}(#{associated[1]})$/, [[prefix], [suffix]]],
          [/^(#{associated[0]})$/, [[prefix]]]
        ]
      end
    end
  end
end
`,
    'lib/puppet/type/demo_domain_config.rb': `Puppet::Type.newtype(:demo_domain_config) do
  require File.expand_path(File.join(File.dirname(__FILE__), '..', '..', 'puppet_x', 'demo', 'ini_setting'))
  extend PuppetX::Demo::IniSetting
  create_parameters
end
`,
    'lib/puppet/type/demo_service.rb': `require 'puppet_x/demo/composite'
Puppet::Type.newtype(:demo_service) do
  ensurable
  newparam(:name, :namevar => true)
  newparam(:type) do
    isnamevar
  end
  newproperty(:description)
  def self.title_patterns
    PuppetX::Demo::Composite.split(:name, :type)
  end
end
`,
    'lib/puppet/provider/demo_service/openstack.rb': 'Puppet::Type.type(:demo_service).provide(:openstack) do\nend\n',
  });
  const types = rubyTypesFor([root]);
  assert.deepEqual([...types.keys()].sort(), ['demo_domain_config', 'demo_service']);
  const cfg = types.get('demo_domain_config')!;
  assert.deepEqual(cfg.parameters, ['name']);
  assert.deepEqual(cfg.properties, ['ensure', 'value']);
  const svc = rubyType([root], 'demo_service')!;
  assert.deepEqual(svc.keyAttributes, ['name', 'type']);
  assert.deepEqual(svc.parameters, ['name', 'type', 'provider'], 'a type with providers has the provider parameter');
  assert.equal(svc.titlePatternsProblem, undefined);
  assert.deepEqual(Object.fromEntries(parseTitle([root], 'demo_service', 'nova::compute')!), { name: 'nova', type: 'compute' });
  assert.deepEqual(Object.fromEntries(parseTitle([root], 'demo_service', 'nova')!), { name: 'nova' });
  assert.equal(rubyTypeAccepts([root], 'demo_service', 'description'), true);
  assert.equal(rubyTypeAccepts([root], 'demo_service', 'require'), true, 'metaparameters are accepted');
  assert.equal(rubyTypeAccepts([root], 'demo_service', 'bogus'), false);
  assert.equal(rubyTypeAccepts([root], 'demo_domain_config', 'provider'), false, 'no providers: no provider parameter');
  assert.equal(rubyTypeAccepts([root], 'not_a_type', 'anything'), true, 'unknown types are not judged here');
});

const MODULES = '/usr/share/puppet/modules';
test('the installed modules\' types', (t) => {
  if (!existsSync(join(MODULES, 'keystone', 'lib', 'puppet', 'type'))) { t.skip(`the dev modules are not installed under ${MODULES}`); return; }
  const types = rubyTypesFor([MODULES]);
  assert.ok(types.size >= 100, `read ${types.size} types`);
  const role = types.get('keystone_user_role')!;
  assert.ok(role.keyAttributes.includes('user') && role.keyAttributes.includes('project'));
  assert.deepEqual(Object.fromEntries(parseTitle([MODULES], 'keystone_user_role', 'admin@openstack')!), { user: 'admin', project: 'openstack' });
  assert.deepEqual(Object.fromEntries(parseTitle([MODULES], 'keystone_endpoint', 'RegionOne/nova::compute')!), { region: 'RegionOne', name: 'nova', type: 'compute' });
  const nova = types.get('nova_config')!;
  assert.deepEqual(nova.keyAttributes, ['name']);
  assert.ok(nova.properties.includes('value') && nova.parameters.includes('secret') && nova.ensurable);
  assert.equal(types.get('vcsrepo')?.namevar, 'path');
  for (const n of ['ini_setting', 'concat_file', 'concat_fragment', 'file_line', 'keystone_domain_config']) assert.ok(types.has(n), `${n} is read`);
  assert.ok(types.get('keystone_domain_config')!.properties.includes('value'), 'mixin parameters of keystone_domain_config');
});
