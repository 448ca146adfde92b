// The file type on real files in temp dirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { apply, catalog, messages, metric } from '../agent/helpers.js';
import { modeFrom } from '../../src/resources/file.js';
import { Filebucket } from '../../src/agent/filebucket.js';
import { log } from '../../src/log/index.js';

const sha = (s: string) => '{sha256}' + createHash('sha256').update(s).digest('hex');
const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
const settings = (over: Record<string, string> = {}) => ({ get: (n: string) => ({ digest_algorithm: 'sha256', show_diff: 'false', ...over })[n] ?? '' });

test('creates a file with content and mode, then changes content and mode with Puppet messages', async () => {
  const d = tempDir();
  const f = join(d, 'motd');
  const r1 = await apply(catalog([['File', f, { ensure: 'file', content: 'one\n', mode: '0640' }]]));
  assert.equal(readFileSync(f, 'utf8'), 'one\n');
  assert.equal(mode(f), '0640');
  const ev = r1.report.resource_statuses[`File[${f}]`].events;
  assert.equal(ev.length, 1);
  assert.deepEqual([ev[0].property, ev[0].previous_value, ev[0].desired_value, ev[0].message, ev[0].name],
    ['ensure', 'absent', 'file', `defined content as '${sha('one\n')}'`, 'file_created']);
  const r2 = await apply(catalog([['File', f, { ensure: 'file', content: 'two\n', mode: '0600' }]]));
  assert.equal(readFileSync(f, 'utf8'), 'two\n');
  assert.equal(mode(f), '0600');
  const msgs = messages(r2, 'notice');
  assert.ok(msgs.includes(`/Stage[main]/Main/File[${f}]/content: content changed '${sha('one\n')}' to '${sha('two\n')}'`), msgs.join('\n'));
  assert.ok(msgs.includes(`/Stage[main]/Main/File[${f}]/mode: mode changed '0640' to '0600'`), msgs.join('\n'));
  assert.equal(readdirSync(d).length, 1, 'no temp files left behind');
});

test('symbolic modes, and directories get search bits where read is set', async () => {
  assert.equal(modeFrom('u=rw,go=r', 0o777, false), 0o644);
  assert.equal(modeFrom('a+x', 0o644, false), 0o755);
  assert.equal(modeFrom('go-rwx', 0o755, false), 0o700);
  assert.equal(modeFrom('u+X', 0o644, true), 0o744);
  assert.equal(modeFrom('0644', 0, true), 0o755);
  const d = tempDir();
  const sub = join(d, 'sub');
  await apply(catalog([['File', sub, { ensure: 'directory', mode: '0640' }], ['File', join(d, 'f'), { content: '', mode: 'u=rw,g=r,o=' }]]));
  assert.equal(mode(sub), '0750');
  assert.equal(mode(join(d, 'f')), '0640');
  const r = await apply(catalog([['File', join(d, 'f'), { mode: 'g+w' }]]));
  assert.equal(mode(join(d, 'f')), '0660');
  assert.ok(messages(r).some((m) => m.endsWith("/mode: mode changed '0640' to '0660' (g+w)")));
  await assert.rejects(async () => modeFrom('q=z', 0, false));
});

test('links: created, retargeted, and a symlink is replaced rather than written through', async () => {
  const d = tempDir();
  writeFileSync(join(d, 'a'), 'A');
  writeFileSync(join(d, 'b'), 'B');
  const l = join(d, 'l');
  await apply(catalog([['File', l, { ensure: 'link', target: join(d, 'a') }]]));
  assert.equal(readlinkSync(l), join(d, 'a'));
  const r = await apply(catalog([['File', l, { ensure: join(d, 'b') }]]));
  assert.equal(readlinkSync(l), join(d, 'b'));
  assert.ok(messages(r).includes(`/Stage[main]/Main/File[${l}]/target: target changed '${join(d, 'a')}' to '${join(d, 'b')}'`));
  // ensure => file on a symlink (links => manage): the link is replaced, its target untouched.
  const r2 = await apply(catalog([['File', l, { ensure: 'file', content: 'new' }]]));
  assert.equal(lstatSync(l).isFile(), true, messages(r2).join('\n'));
  assert.equal(readFileSync(join(d, 'b'), 'utf8'), 'B');
  // links => follow writes the target's content.
  symlinkSync(join(d, 'a'), join(d, 'l2'));
  await apply(catalog([['File', join(d, 'l2'), { content: 'AA', links: 'follow' }]]));
  assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'AA');
  assert.equal(lstatSync(join(d, 'l2')).isSymbolicLink(), true);
});

test('absent: files removed; a directory only with force', async () => {
  const d = tempDir();
  writeFileSync(join(d, 'f'), 'x');
  mkdirSync(join(d, 'dir'));
  writeFileSync(join(d, 'dir', 'inner'), 'y');
  const r = await apply(catalog([['File', join(d, 'f'), { ensure: 'absent' }], ['File', join(d, 'dir'), { ensure: 'absent' }]]));
  assert.equal(existsSync(join(d, 'f')), false);
  assert.equal(existsSync(join(d, 'dir')), true);
  assert.ok(messages(r).includes(`/Stage[main]/Main/File[${join(d, 'f')}]/ensure: removed`));
  assert.ok(messages(r).includes(`/Stage[main]/Main/File[${join(d, 'dir')}]: Not removing directory; use 'force' to override`));
  await apply(catalog([['File', join(d, 'dir'), { ensure: 'absent', force: true }]]));
  assert.equal(existsSync(join(d, 'dir')), false);
});

test('replace => false leaves an existing file alone; present accepts anything', async () => {
  const d = tempDir();
  writeFileSync(join(d, 'keep'), 'mine');
  const r = await apply(catalog([['File', join(d, 'keep'), { content: 'theirs', replace: false }], ['File', join(d, 'p'), { ensure: 'present' }]]));
  assert.equal(readFileSync(join(d, 'keep'), 'utf8'), 'mine');
  assert.equal(readFileSync(join(d, 'p'), 'utf8'), '');
  assert.equal(metric(r, 'changes', 'total'), 1);
});

test('backup to the local filebucket before overwriting', async () => {
  const d = tempDir();
  const f = join(d, 'conf');
  writeFileSync(f, 'old content\n');
  const bucket = join(d, 'bucket');
  log.setLevel('info');
  const r = await apply(catalog([['File', f, { content: 'new\n', backup: 'puppet' }]]), { bucketDir: bucket, settings: settings() });
  log.setLevel('notice');
  assert.equal(readFileSync(f, 'utf8'), 'new\n');
  const digest = createHash('sha256').update('old content\n').digest('hex');
  assert.equal(new Filebucket(bucket).get(digest)?.toString(), 'old content\n');
  assert.ok(r.report.logs.some((l) => l.message === `Filebucketed ${f} to puppet with sum ${digest}`));
  // A suffix backup copies beside the file.
  await apply(catalog([['File', f, { content: 'newer\n', backup: '.bak' }]]));
  assert.equal(readFileSync(f + '.bak', 'utf8'), 'new\n');
});

test('validate_cmd: a failing check keeps the old file', async () => {
  const d = tempDir();
  const f = join(d, 'c.conf');
  writeFileSync(f, 'good\n');
  const r = await apply(catalog([['File', f, { content: 'bad\n', validate_cmd: '/bin/grep -q good %' }]]));
  assert.equal(readFileSync(f, 'utf8'), 'good\n');
  assert.equal(r.report.resource_statuses[`File[${f}]`].failed, true);
  assert.equal(readdirSync(d).length, 1, 'the temp file is gone');
  await apply(catalog([['File', f, { content: 'still good\n', validate_cmd: '/bin/grep -q good %' }]]));
  assert.equal(readFileSync(f, 'utf8'), 'still good\n');
});

test('source: a local file, with checksum md5; recurse with purge from a local tree', async () => {
  const d = tempDir();
  const src = join(d, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'a.txt'), 'a');
  writeFileSync(join(src, 'sub', 'b.txt'), 'b');
  const one = join(d, 'one');
  const r = await apply(catalog([['File', one, { source: join(src, 'a.txt'), checksum: 'md5' }]]));
  assert.equal(readFileSync(one, 'utf8'), 'a');
  assert.match(r.report.resource_statuses[`File[${one}]`].events[0].message, /^defined content as '\{md5\}0cc175b9c0f1b6a831c399e269772661'$/);
  const dst = join(d, 'dst');
  mkdirSync(dst);
  writeFileSync(join(dst, 'stray'), 'x');
  const cat = catalog([['File', dst, { ensure: 'directory', source: src, recurse: true, purge: true, force: true }]]);
  const r2 = await apply(cat);
  assert.equal(readFileSync(join(dst, 'sub', 'b.txt'), 'utf8'), 'b');
  assert.equal(existsSync(join(dst, 'stray')), false);
  assert.ok(`File[${join(dst, 'sub', 'b.txt')}]` in r2.report.resource_statuses);
  assert.ok(messages(r2).includes(`/Stage[main]/Main/File[${join(dst, 'sub')}]/ensure: created`), messages(r2).join('\n'));
  const r3 = await apply(cat);
  assert.equal(metric(r3, 'changes', 'total'), 0, messages(r3).join('\n'));
});

test('recurse without source manages the mode of everything below', async () => {
  const d = tempDir();
  mkdirSync(join(d, 't', 'x'), { recursive: true });
  writeFileSync(join(d, 't', 'x', 'f'), '');
  chmodSync(join(d, 't', 'x', 'f'), 0o600);
  await apply(catalog([['File', join(d, 't'), { ensure: 'directory', recurse: true, mode: '0644' }]]));
  assert.equal(mode(join(d, 't', 'x', 'f')), '0644');
  assert.equal(mode(join(d, 't', 'x')), '0755');
  await apply(catalog([['File', join(d, 't'), { ensure: 'directory', recurse: true, recurselimit: 1, mode: '0700' }]]));
  assert.equal(mode(join(d, 't', 'x')), '0700');
  assert.equal(mode(join(d, 't', 'x', 'f')), '0644');
});

test('show_diff logs a unified diff; Sensitive content is redacted', async () => {
  const d = tempDir();
  const f = join(d, 'f');
  writeFileSync(f, 'a\nb\nc\n');
  const r = await apply(catalog([['File', f, { content: 'a\nB\nc\n' }]]), { settings: settings({ show_diff: 'true' }) });
  const diff = r.report.logs.find((l) => l.source.endsWith('/content') && l.message.includes('@@'));
  assert.ok(diff, messages(r).join('\n'));
  assert.match(diff.message, /-b\n\+B/);
  const r2 = await apply(catalog([['File', f, { content: 'secret\n' }, { sensitive_parameters: ['content'] }]]), { settings: settings({ show_diff: 'true' }) });
  const all = JSON.stringify(r2.report);
  assert.ok(!all.includes('secret'), 'the secret appears nowhere in the report');
  assert.ok(messages(r2).includes(`/Stage[main]/Main/File[${f}]/content: changed [redacted] to [redacted]`), messages(r2).join('\n'));
  const ev = r2.report.resource_statuses[`File[${f}]`].events[0];
  assert.equal(ev.redacted, true);
  assert.equal(ev.previous_value, null);
});

test('owner and group (root only)', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root to change ownership'); return; }
  const d = tempDir();
  const f = join(d, 'o');
  writeFileSync(f, '');
  const r = await apply(catalog([['File', f, { owner: 'nobody', group: 'nogroup' }]]));
  const st = statSync(f);
  assert.notEqual(st.uid, 0);
  assert.ok(messages(r).includes(`/Stage[main]/Main/File[${f}]/owner: owner changed 'root' to 'nobody'`), messages(r).join('\n'));
  const r2 = await apply(catalog([['File', f, { owner: 'nobody', group: 'nogroup' }]]));
  assert.equal(metric(r2, 'changes', 'total'), 0);
});

test('bad input is refused with the attribute named', async () => {
  const d = tempDir();
  const r = await apply(catalog([['File', 'relative/path', { content: 'x' }], ['File', join(d, 'm'), { content: 'x', mode: 'rwx' }], ['File', join(d, 'no', 'parent'), { content: 'x' }]]));
  const errs = messages(r, 'err').join('\n');
  assert.match(errs, /File paths must be fully qualified, not 'relative\/path'/);
  assert.match(errs, /The mode rwx is not a valid symbolic mode/);
  assert.match(errs, /parent directory .* does not exist/);
});
