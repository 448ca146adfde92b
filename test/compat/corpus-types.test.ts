// Module resource types written in Ruby, Kuroko (static reader) vs real Puppet 7:
// a temp module with a composite-namevar type (title patterns from a helper
// module), a type whose namevar is not `name`, and a mixin-built *_config type;
// the catalogs must be identical, and an unknown attribute must fail the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { puppetUnavailable, kurokoCompile, errorCore } from '../compiler/harness.js';
import { puppetCatalogCompile, compareTarget, type Target } from './support/normalize-corpus.js';
import { tempDir } from '../helpers.js';

const FILES: Record<string, string> = {
  'lib/puppet_x/demo/split.rb': `module PuppetX
  module Demo
    module Split
      def self.not_two_colon_regex
        Regexp.new(/(?:[^:]|:[^:])+/)
      end

      def self.patterns(prefix, suffix, separator = '::')
        re = not_two_colon_regex
        [
          [/^(#{re})#{separator}(#{re})$/, [[prefix], [suffix]]],
          [/^(#{re})$/, [[prefix]]]
        ]
      end
    end
  end
end
`,
  'lib/puppet_x/demo/ini_setting.rb': `module PuppetX
  module Demo
    module IniSetting
      def create_parameters
        ensurable
        newparam(:name, :namevar => true) do
          newvalues(/\\S+\\/\\S+/)
        end
        newproperty(:value)
        newparam(:secret, :boolean => true) do
          defaultto false
        end
      end
    end
  end
end
`,
  'lib/puppet/type/demo_service.rb': `require File.expand_path(File.join(File.dirname(__FILE__), '..', '..', 'puppet_x', 'demo', 'split'))
Puppet::Type.newtype(:demo_service) do
  ensurable
  newparam(:name, :namevar => true)
  newparam(:type) do
    isnamevar
  end
  newproperty(:description)
  def self.title_patterns
    PuppetX::Demo::Split.patterns(:name, :type)
  end
end
`,
  'lib/puppet/type/demo_repo.rb': `Puppet::Type.newtype(:demo_repo) do
  newparam :path do
    desc "Absolute path"
    isnamevar
  end
  newparam(:source)
  newproperty(:revision)
end
`,
  'lib/puppet/type/demo_config.rb': `require File.expand_path(File.join(File.dirname(__FILE__), '..', '..', 'puppet_x', 'demo', 'ini_setting'))
Puppet::Type.newtype(:demo_config) do
  extend PuppetX::Demo::IniSetting
  create_parameters
end
`,
};

const GOOD = `demo_service { 'nova::compute': ensure => present, description => 'd' }
demo_service { 'glance': ensure => present }
demo_service { 'heat::orchestration': type => 'other' }
demo_repo { '/srv/a': source => 'x', revision => 'main' }
demo_repo { 'b': path => '/srv/b' }
demo_repo { 'c': path => 'c' }
demo_config { 'DEFAULT/debug': value => true, secret => true }
demo_config { 'DEFAULT/verbose': ensure => absent }
`;

function fixture(): { good: Target; bad: Target } {
  const root = tempDir();
  for (const [rel, text] of Object.entries(FILES)) {
    const p = join(root, 'modules', 'demo', rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  }
  writeFileSync(join(root, 'good.pp'), GOOD);
  writeFileSync(join(root, 'bad.pp'), `demo_config { 'DEFAULT/x':\n  value => 1,\n  bogus => 2,\n}\n`);
  const mk = (id: string): Target => ({ id, manifest: join(root, `${id}.pp`), modulepath: [join(root, 'modules')], stored: '' });
  return { good: mk('good'), bad: mk('bad') };
}

test('Ruby module types: catalogs and errors as in real Puppet 7', (t) => {
  const why = puppetUnavailable();
  if (why) { t.skip(why); return; }
  const { good, bad } = fixture();
  const facts = { kernel: 'Linux', osfamily: 'Debian' };
  const p = puppetCatalogCompile(good, facts);
  assert.ok(p.catalog, `Puppet failed: ${p.error}`);
  const k = kurokoCompile(good, facts);
  if ('error' in k) assert.fail(`Kuroko failed: ${k.error}`);
  const cmp = compareTarget(k.catalog, p.catalog);
  assert.ok(cmp.same, `differs from Puppet:\n  ${cmp.diff.join('\n  ')}`);

  const pb = puppetCatalogCompile(bad, facts);
  const kb = kurokoCompile(bad, facts);
  assert.ok(pb.error && 'error' in kb, 'an unknown attribute fails in both');
  const puppetLine = pb.error.split('\n').find((l) => l.startsWith('Error: ') && !l.includes("Could not call 'find'"))!.replace(/^Error: /, '');
  assert.equal(errorCore(kb.error), errorCore(puppetLine));
});
