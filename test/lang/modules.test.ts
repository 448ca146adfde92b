// Puppet's module-location checks (applied when a file is in a module on the
// modulepath), and the parser follow-ups of issue 3: a `{` straight after a
// statement, and numbers with underscores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kuroko, tempDir } from '../helpers.js';
import { BAD_MODULE_FILE, namespaceForFile, parse } from '../../src/lang/index.js';

test('namespaceForFile: module, subdirectories, init.pp, other dirs, main manifest', () => {
  const mp = ['/m1', '/m2/'];
  assert.equal(namespaceForFile('/m1/foo/manifests/init.pp', mp), 'foo');
  assert.equal(namespaceForFile('/m2/Foo/manifests/A/b.pp', mp), 'foo::a::b');
  assert.equal(namespaceForFile('/m1/foo/manifests/init/init.pp', mp), 'foo::init::init');
  assert.equal(namespaceForFile('/m1/foo/functions/f.pp', mp), 'foo::f');
  assert.equal(namespaceForFile('/m1/foo/types/t.pp', mp), 'foo::t');
  assert.equal(namespaceForFile('/m1/foo/examples/init.pp', mp), BAD_MODULE_FILE);
  assert.equal(namespaceForFile('/m1/foo.pp', mp), BAD_MODULE_FILE);
  assert.equal(namespaceForFile('/m1/foo/templates/x.epp', mp), undefined);
  assert.equal(namespaceForFile('/m10/foo/manifests/init.pp', mp), undefined);
  assert.equal(namespaceForFile('/m1/foo/manifests/init.pp', mp, '/m1/foo/manifests'), undefined);
});

test('module files: only definitions at top level, each named after its file', () => {
  const file = '/mp/foo/manifests/bar.pp';
  const src = "class foo::bar {}\nclass other {}\ndefine foo::barbaz() {}\nnotice(1)\n$x = 1\nnode default {}\ntype Foo::T = Integer\nfunction foo::bar::f() {}\n";
  const errs = parse(src, file, { modulepath: ['/mp'] }).diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`);
  assert.deepEqual(errs, [
    '4:1 This Function Call is unacceptable as a top level construct in this location',
    "5:4 This '=' expression is unacceptable as a top level construct in this location",
    '6:1 This Node Definition is unacceptable as a top level construct in this location',
    `2:1 Unacceptable location. The name 'other' is unacceptable in file '${file}'`,
  ]);
  // Without a modulepath (or outside it) the same source has none of these errors.
  assert.deepEqual(parse(src, file).diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(parse(src, '/elsewhere/bar.pp', { modulepath: ['/mp'] }).diagnostics.filter((d) => d.severity === 'error'), []);
  // A file outside manifests/ etc.: any definition is misplaced, whatever its name.
  const bad = parse('class foo::readme {}\n', '/mp/foo/README.pp', { modulepath: ['/mp'] }).diagnostics;
  assert.deepEqual(bad.map((d) => d.code), ['ILLEGAL_DEFINITION_LOCATION']);
});

test('kuroko parser validate applies the module checks to files on --modulepath', () => {
  const dir = tempDir();
  const mp = join(dir, 'modules');
  mkdirSync(join(mp, 'foo', 'manifests'), { recursive: true });
  mkdirSync(join(mp, 'foo', 'examples'), { recursive: true });
  writeFileSync(join(mp, 'foo', 'manifests', 'init.pp'), 'class foo { class inner {} }\nclass foo::x {}\n');
  writeFileSync(join(mp, 'foo', 'examples', 'init.pp'), 'include foo\n');
  let r = kuroko(['parser', 'validate', '--modulepath', mp, join(mp, 'foo', 'manifests')]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  r = kuroko(['parser', 'validate', '--modulepath', mp, join(mp, 'foo')]);
  assert.equal(r.status, 1);
  assert.ok((r.stdout + r.stderr).includes(`Error: This Function Call is unacceptable as a top level construct in this location (file: ${join(mp, 'foo', 'examples', 'init.pp')}, line: 1, column: 1)`), r.stdout + r.stderr);
  // Outside the modulepath the example is an ordinary manifest.
  r = kuroko(['parser', 'validate', '--modulepath', join(dir, 'none'), join(mp, 'foo')]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

const firstError = (src: string) => {
  const d = parse(src, 'x.pp').diagnostics.find((x) => x.severity === 'error');
  return d && `${d.location?.line}:${d.location?.column} ${d.message}`;
};

test('a `{` straight after a statement opens a resource body, as in Puppet', () => {
  assert.equal(firstError("$x = 1\n{ 'a' => 1 }.each |$k, $v| { }"), "2:7 Syntax error at '=>'");
  assert.equal(firstError("if true {}\n{ 'a' => 1 }"), "2:7 Syntax error at '=>'");
  assert.equal(firstError('notice(1)\n{ a => 1 }.each |$k, $v| { }'), '1:1 Expression is not valid as a resource, resource-default, or resource-override');
  // First in a block, or after `;`, it is a hash.
  assert.equal(firstError("{ 'a' => 1 }.each |$k, $v| { }"), undefined);
  assert.equal(firstError("$x = 1; { 'a' => 1 }.each |$k, $v| { }"), undefined);
  assert.equal(firstError("class c { { 'a' => 1 }.each |$k, $v| { notice($k) } }"), undefined);
});

test('numbers with underscores and bad decimals get Puppet\'s errors', () => {
  assert.equal(firstError('$x = 1_000'), "1:6 Illegal number '1_000'");
  assert.equal(firstError('$x = 1.0_0'), '1:6 Not a valid decimal number 1.0_0');
  assert.equal(firstError('$x = 1e1_0'), '1:6 Not a valid decimal number 1e1_0');
  assert.equal(firstError('$x = 0_1'), '1:6 Not a valid octal number 0_1');
  assert.equal(firstError('$x = [1.5, 1e-5, 0x1F, 017, 0.5]'), undefined);
});
