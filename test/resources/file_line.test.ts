// file_line against real files in a temp dir, with stdlib's semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, statSync, chmodSync, symlinkSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { fileLineType } from '../../src/resources/file_line.js';
import { context, converge, messages, resource } from './typehelpers.js';

const dir = tempDir('kuroko-file-line-');
let n = 0;
function file(content: string): string {
  const p = join(dir, `f${++n}`);
  writeFileSync(p, content);
  return p;
}

test('appends a missing line once, then is in sync', async () => {
  const p = file('a\nb\n');
  const r = resource('file_line', 'x', { path: p, line: 'c' });
  const { changes, after } = await converge(fileLineType, r);
  assert.deepEqual(messages(changes), ['ensure: created']);
  assert.deepEqual(after, []);
  assert.equal(readFileSync(p, 'utf8'), 'a\nb\nc\n');
});

test('appends after a last line without newline', async () => {
  const p = file('a\nb');
  await converge(fileLineType, resource('file_line', 'x', { path: p, line: 'c' }));
  assert.equal(readFileSync(p, 'utf8'), 'a\nb\nc\n');
});

test('replaces the matching line and keeps the file mode', async () => {
  const p = file('# comment\nPort 22\nX 1\n');
  chmodSync(p, 0o600);
  const { changes, after } = await converge(fileLineType, resource('file_line', 'x', { path: p, line: 'Port 2222', match: '^Port ' }));
  assert.deepEqual(messages(changes), ['ensure: created']);
  assert.deepEqual(after, []);
  assert.equal(readFileSync(p, 'utf8'), '# comment\nPort 2222\nX 1\n');
  assert.equal(statSync(p).mode & 0o777, 0o600);
});

test('several matches fail without multiple, and all change with it', async () => {
  const p = file('k=1\nk=2\n');
  await assert.rejects(converge(fileLineType, resource('file_line', 'x', { path: p, line: 'k=3', match: '^k=' })), /More than one line/);
  assert.equal(readFileSync(p, 'utf8'), 'k=1\nk=2\n');
  await converge(fileLineType, resource('file_line', 'x', { path: p, line: 'k=3', match: '^k=', multiple: true }));
  assert.equal(readFileSync(p, 'utf8'), 'k=3\nk=3\n');
});

test('inserts after a pattern when nothing matches', async () => {
  const p = file('[main]\nfoo\n[other]\n');
  const r = resource('file_line', 'x', { path: p, line: 'bar', match: '^bar', after: '^\\[main\\]' });
  const { after } = await converge(fileLineType, r);
  assert.deepEqual(after, []);
  assert.equal(readFileSync(p, 'utf8'), '[main]\nbar\nfoo\n[other]\n');
  const p2 = file('[main]\nfoo\n');
  await converge(fileLineType, resource('file_line', 'y', { path: p2, line: 'bar', after: '^\\[main\\]' }));
  assert.equal(readFileSync(p2, 'utf8'), '[main]\nbar\nfoo\n');
});

test('replace => false leaves a matching line alone', async () => {
  const p = file('Port 22\n');
  const { changes } = await converge(fileLineType, resource('file_line', 'x', { path: p, line: 'Port 2222', match: '^Port', replace: false }));
  assert.deepEqual(changes, []);
  assert.equal(readFileSync(p, 'utf8'), 'Port 22\n');
});

test('ensure absent removes the line, or every match with match_for_absence', async () => {
  const p = file('a\nb\na\nc');
  const { changes, after } = await converge(fileLineType, resource('file_line', 'x', { path: p, line: 'a', ensure: 'absent' }));
  assert.deepEqual(messages(changes), ['ensure: removed']);
  assert.deepEqual(after, []);
  assert.equal(readFileSync(p, 'utf8'), 'b\nc');
  const p2 = file('x=1\ny=2\n');
  await converge(fileLineType, resource('file_line', 'y', { path: p2, ensure: 'absent', match: '^x=', match_for_absence: true }));
  assert.equal(readFileSync(p2, 'utf8'), 'y=2\n');
});

test('replace_all_matches_not_matching_line rewrites only lines that differ', async () => {
  const p = file('a=1\na=2\nb\n');
  const r = resource('file_line', 'x', { path: p, line: 'a=2', match: '^a=', multiple: true, replace_all_matches_not_matching_line: true });
  const { changes, after } = await converge(fileLineType, r);
  assert.equal(changes.length, 1);
  assert.deepEqual(after, []);
  assert.equal(readFileSync(p, 'utf8'), 'a=2\na=2\nb\n');
});

test('a missing file fails, except under noop', async () => {
  const r = resource('file_line', 'x', { path: join(dir, 'missing'), line: 'a' });
  await assert.rejects(converge(fileLineType, r), /No such file/);
  const p = fileLineType.providers[0];
  assert.deepEqual(messages(await p.check(r, context({ noop: true }))), ['ensure: created']);
});

test('bad input is refused with the attribute named', () => {
  assert.throws(() => fileLineType.validate!(resource('file_line', 'x', { path: 'relative', line: 'a' })), (e: Error & { field?: string }) => e.field === 'path');
  assert.throws(() => fileLineType.validate!(resource('file_line', 'x', { path: '/tmp/x' })), /line is a required/);
  assert.throws(() => fileLineType.validate!(resource('file_line', 'x', { path: '/tmp/x', line: 'a', match: '(' })), /Invalid regular expression/);
});

test('a symlinked path is edited through the link, which stays a link', async () => {
  const real = file('a\n');
  const link = join(dir, 'link');
  symlinkSync(real, link);
  await converge(fileLineType, resource('file_line', 'x', { path: link, line: 'b' }));
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readFileSync(real, 'utf8'), 'a\nb\n');
});
