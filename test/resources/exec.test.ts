// The exec type with real commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { apply, catalog, messages, metric } from '../agent/helpers.js';

test('runs a command: event returns notrun -> [0], "executed successfully"', async () => {
  const d = tempDir();
  const r = await apply(catalog([['Exec', 'hello', { command: `/bin/sh -c 'echo hi > ${join(d, 'out')}'` }]]));
  assert.equal(readFileSync(join(d, 'out'), 'utf8'), 'hi\n');
  const ev = r.report.resource_statuses['Exec[hello]'].events[0];
  assert.deepEqual([ev.property, ev.previous_value, ev.desired_value, ev.message, ev.name], ['returns', 'notrun', ['0'], 'executed successfully', 'executed_command']);
  assert.equal(r.report.resource_statuses['Exec[hello]'].provider_used, 'posix');
});

test('creates, onlyif and unless decide whether it runs', async () => {
  const d = tempDir();
  writeFileSync(join(d, 'exists'), '');
  const cmd = (n: string) => `/bin/echo ${n} >> ${join(d, 'ran')}`;
  await apply(catalog([
    ['Exec', 'c1', { command: cmd('c1'), creates: join(d, 'exists') }],
    ['Exec', 'c2', { command: cmd('c2'), creates: join(d, 'missing') }],
    ['Exec', 'o1', { command: cmd('o1'), onlyif: '/bin/true' }],
    ['Exec', 'o2', { command: cmd('o2'), onlyif: ['/bin/true', '/bin/false'] }],
    ['Exec', 'u1', { command: cmd('u1'), unless: '/bin/true' }],
    ['Exec', 'u2', { command: cmd('u2'), unless: `/usr/bin/test -e ${join(d, 'missing')}` }],
  ]));
  assert.deepEqual(readFileSync(join(d, 'ran'), 'utf8').trim().split('\n'), ['c2', 'o1', 'u2']);
});

test('returns, environment, cwd, path and umask', async () => {
  const d = tempDir();
  const r = await apply(catalog([
    ['Exec', 'three', { command: '/bin/sh -c "exit 3"', returns: [0, 3] }],
    ['Exec', 'env', { command: `echo "$GREETING" > ${join(d, 'env')}`, path: '/usr/bin:/bin', environment: ['GREETING=hello there'] }],
    ['Exec', 'cwd', { command: 'pwd > here', cwd: d, path: ['/bin', '/usr/bin'] }],
    ['Exec', 'umask', { command: `touch ${join(d, 'masked')}`, path: '/usr/bin:/bin', umask: '077' }],
  ]));
  assert.equal(r.report.status, 'changed', messages(r).join('\n'));
  assert.equal(readFileSync(join(d, 'env'), 'utf8'), 'hello there\n');
  assert.equal(readFileSync(join(d, 'here'), 'utf8').trim(), d);
  const { statSync } = await import('node:fs');
  assert.equal(statSync(join(d, 'masked')).mode & 0o777, 0o600);
});

test('failures: wrong exit code, timeout, tries; logoutput on failure', async () => {
  const d = tempDir();
  const counter = join(d, 'count');
  const r = await apply(catalog([
    ['Exec', 'fail', { command: '/bin/sh -c "echo problem; exit 2"' }],
    ['Exec', 'slow', { command: '/bin/sleep 5', timeout: 0.3 }],
    ['Exec', 'retry', { command: `/bin/sh -c 'echo x >> ${counter}; test $(wc -l < ${counter}) -ge 3'`, tries: 3, try_sleep: 0 }],
  ]));
  const errs = messages(r, 'err');
  // As Puppet: the output at the resource's loglevel, the bare error, then the failed change.
  assert.ok(messages(r, 'notice').includes('/Stage[main]/Main/Exec[fail]/returns: problem'), messages(r).join('\n'));
  assert.ok(errs.includes(`'/bin/sh -c "echo problem; exit 2"' returned 2 instead of one of [0]`), errs.join('\n'));
  assert.ok(errs.includes(`/Stage[main]/Main/Exec[fail]/returns: change from 'notrun' to ['0'] failed: '/bin/sh -c "echo problem; exit 2"' returned 2 instead of one of [0]`));
  assert.ok(errs.some((m) => m.startsWith('/Stage[main]/Main/Exec[slow]/returns') && m.includes('Command exceeded timeout')));
  assert.equal(r.report.resource_statuses['Exec[retry]'].failed, false);
  assert.equal(readFileSync(counter, 'utf8').trim().split('\n').length, 3);
  assert.equal(metric(r, 'resources', 'failed'), 2);
});

test('logoutput => true logs every line at notice', async () => {
  const r = await apply(catalog([['Exec', 'talk', { command: '/bin/sh -c "echo one; echo two >&2"', logoutput: true }]]));
  const n = messages(r, 'notice');
  assert.ok(n.includes('/Stage[main]/Main/Exec[talk]/returns: one') && n.includes('/Stage[main]/Main/Exec[talk]/returns: two'), n.join('\n'));
});

test('an unqualified command without path is refused; refreshonly never runs without events', async () => {
  const d = tempDir();
  const r = await apply(catalog([['Exec', 'bare', { command: 'touch x' }], ['Exec', 'ro', { command: `/usr/bin/touch ${join(d, 'ro')}`, refreshonly: true }]]));
  assert.match(messages(r, 'err').join('\n'), /'touch' is not qualified and no path was specified/);
  assert.equal(existsSync(join(d, 'ro')), false);
});

test('user: runs as another user (root only)', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('needs root to switch users'); return; }
  const d = tempDir();
  const { chmodSync } = await import('node:fs');
  chmodSync(d, 0o777);
  await apply(catalog([['Exec', 'who', { command: `/usr/bin/id -un > ${join(d, 'who')}`, user: 'nobody' }]]));
  assert.equal(readFileSync(join(d, 'who'), 'utf8').trim(), 'nobody');
});
