// `kuroko parser validate` and `kuroko parser dump`, run as real child processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kuroko, tempDir } from '../helpers.js';

test('validate: files and directories, errors with excerpt, count line, exit codes', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'm', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'm', 'good.pp'), "class good { notice('ok') }\n");
  writeFileSync(join(dir, 'm', 'sub', 't.epp'), '<%- | $x | -%>\nx=<%= $x %>\n');
  writeFileSync(join(dir, 'm', 'sub', 'ignored.txt'), '}}}');
  let r = kuroko(['parser', 'validate', join(dir, 'm')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Validated 2 files: no errors/);

  writeFileSync(join(dir, 'bad.pp'), 'class a {\n  $x = 1\n  }\n}\n');
  r = kuroko(['parser', 'validate', join(dir, 'm'), join(dir, 'bad.pp')]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Validated 3 files: 1 file with 1 error/);
  const out = r.stdout + r.stderr;
  assert.ok(out.includes(`Error: Syntax error at '}' (file: ${join(dir, 'bad.pp')}, line: 4, column: 1)\n  }\n  ^`), out);
});

test("validate with no argument checks the configured environment's manifests", () => {
  const dir = tempDir();
  const env = join(dir, 'code', 'environments', 'production', 'manifests');
  mkdirSync(env, { recursive: true });
  writeFileSync(join(env, 'site.pp'), "node default { include base }\nimport 'nodes/*.pp'\n");
  writeFileSync(join(dir, 'puppet.conf'), `[main]\nenvironmentpath = ${join(dir, 'code', 'environments')}\n`);
  let r = kuroko(['parser', 'validate', '--config', join(dir, 'puppet.conf')]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Validated 1 file: no errors/);
  writeFileSync(join(env, 'broken.pp'), "file { 'x': ");
  r = kuroko(['parser', 'validate', '--config', join(dir, 'puppet.conf')]);
  assert.equal(r.status, 1);
  assert.match(r.stdout + r.stderr, /Syntax error at end of input \(file: .*broken\.pp\)/);
});

test('dump prints the syntax tree as JSON with locations', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.pp'), "$a = 1 + 2\n");
  const r = kuroko(['parser', 'dump', join(dir, 'a.pp')]);
  assert.equal(r.status, 0, r.stderr);
  const ast = JSON.parse(r.stdout);
  assert.equal(ast.kind, 'Program');
  assert.equal(ast.body[0].kind, 'AssignmentExpression');
  assert.equal(ast.body[0].value.operator, '+');
  assert.deepEqual(ast.body[0].value.loc, { file: join(dir, 'a.pp'), line: 1, column: 6, offset: 5, length: 5 });
});

test('usage errors exit 2', () => {
  assert.equal(kuroko(['parser', 'frobnicate']).status, 2);
  assert.equal(kuroko(['parser', 'dump']).status, 2);
});

test("dump --format pn prints Puppet's notation", () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.pp'), "include foo\n$a = f(1)\n");
  const r = kuroko(['parser', 'dump', '--format', 'pn', join(dir, 'a.pp')]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { '^': ['block',
    { '^': ['invoke', { '#': ['functor', { '^': ['qn', 'include'] }, 'args', [{ '^': ['qn', 'foo'] }]] }] },
    { '^': ['=', { '^': ['var', 'a'] }, { '^': ['call', { '#': ['functor', { '^': ['qn', 'f'] }, 'args', [1]] }] }] }] });
});

test('validate follows symlinked directories once (a loop does not hang)', async () => {
  const { symlinkSync } = await import('node:fs');
  const dir = tempDir();
  mkdirSync(join(dir, 'm'));
  writeFileSync(join(dir, 'm', 'a.pp'), 'notice(1)\n');
  symlinkSync(join(dir, 'm'), join(dir, 'm', 'loop'));
  const r = kuroko(['parser', 'validate', join(dir, 'm')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Validated 1 file: no errors/);
});
