// A template's error names the template file and line, and is placed at the
// manifest line that called template(), in Puppet's "Failed to parse template" form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { compileSync } from '../../src/compiler/index.js';
import { formatDiagnostic, KurokoError } from '../../src/util/diagnostic.js';

test('an ERB error names the template and its line, at the calling manifest line', () => {
  const d = tempDir();
  mkdirSync(join(d, 'm', 't', 'templates'), { recursive: true });
  mkdirSync(join(d, 'm', 't', 'manifests'), { recursive: true });
  const tpl = join(d, 'm', 't', 'templates', 'bad.erb');
  writeFileSync(tpl, 'line one\n<%= @x.no_such_method %>\n');
  const init = join(d, 'm', 't', 'manifests', 'init.pp');
  writeFileSync(init, "class t {\n  $x = 'a'\n  file { '/tmp/x': content => template('t/bad.erb') }\n}\n");
  const site = join(d, 'site.pp');
  writeFileSync(site, 'include t\n');
  assert.throws(
    () => compileSync({ certname: 'n1', facts: {}, environment: 'production', manifest: site, modulepath: [join(d, 'm')] }),
    (e: unknown) => {
      assert.ok(e instanceof KurokoError);
      assert.equal(e.location?.file, init);
      assert.equal(e.location?.line, 3);
      assert.equal(e.node, 'n1');
      assert.match(e.message, /Failed to parse template /);
      assert.match(e.message, new RegExp(`Filepath: ${tpl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
      assert.match(e.message, /Line: 2/);
      assert.match(e.message, /no_such_method/);
      assert.match(formatDiagnostic(e.toDiagnostic()), /template\('t\/bad\.erb'\)/);
      return true;
    },
  );
});
