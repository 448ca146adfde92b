// service with Debian's init.d provider against a real init script shipped
// under fixtures/, installed as /etc/init.d/<unique name> and removed after.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { serviceType, debianProvider } from '../../src/resources/service.js';
import { context, converge, messages, resource, uniqueName } from './typehelpers.js';

const FIXTURE = new URL('./fixtures/kuroko-testsvc', import.meta.url).pathname;
const root = process.getuid?.() === 0;
const usable = root && debianProvider.suitable() && existsSync('/etc/init.d');
const why = 'needs root and Debian init.d (update-rc.d)';
const name = uniqueName('kksvc');
const script = `/etc/init.d/${name}`;
const logOf = (n: string) => (existsSync(`/run/${n}.log`) ? readFileSync(`/run/${n}.log`, 'utf8').trim().split('\n') : []);
const status = (path: string) => spawnSync(path, ['status']).status;

after(() => {
  if (!usable) return;
  if (existsSync(script)) {
    spawnSync(script, ['stop'], { stdio: 'ignore' });
    spawnSync('update-rc.d', ['-f', name, 'remove'], { stdio: 'ignore' });
    rmSync(script, { force: true });
  }
  for (const f of readdirSync('/run')) if (f.startsWith(name)) rmSync(join('/run', f), { force: true });
});

test('starts and enables a stopped service, then is in sync', { skip: !usable && why }, async () => {
  copyFileSync(FIXTURE, script);
  const r = resource('service', name, { ensure: 'running', enable: true });
  const { changes, after: again } = await converge(serviceType, r);
  assert.deepEqual(messages(changes), ["ensure: ensure changed 'stopped' to 'running'", "enable: enable changed 'false' to 'true'"]);
  assert.equal(changes[0].invalidateRefreshes, true);
  assert.equal(changes[0].name, 'service_started');
  assert.deepEqual(again, []);
  assert.equal(status(script), 0);
  assert.ok(readdirSync('/etc/rc2.d').includes(`S01${name}`) || readdirSync('/etc/rc2.d').some((f) => f.startsWith('S') && f.endsWith(name)));
});

test('refresh restarts by stop and start, or through restart with hasrestart', { skip: !usable && why }, async () => {
  const before = logOf(name).length;
  await debianProvider.refresh!(resource('service', name, { ensure: 'running' }), context());
  assert.deepEqual(logOf(name).slice(before), ['stop', 'start']);
  await debianProvider.refresh!(resource('service', name, { ensure: 'running', hasrestart: true }), context());
  assert.deepEqual(logOf(name).slice(before + 2), ['restart', 'stop', 'start']);
  assert.equal(status(script), 0);
});

test('stops and disables; refresh of a stopped service does nothing', { skip: !usable && why }, async () => {
  const { changes, after: again } = await converge(serviceType, resource('service', name, { ensure: 'stopped', enable: 'false' }));
  assert.deepEqual(messages(changes), ["ensure: ensure changed 'running' to 'stopped'", "enable: enable changed 'true' to 'false'"]);
  assert.deepEqual(again, []);
  assert.notEqual(status(script), 0);
  assert.ok(!readdirSync('/etc/rc2.d').some((f) => f.startsWith('S') && f.endsWith(name)));
  const before = logOf(name).length;
  await debianProvider.refresh!(resource('service', name, {}), context());
  assert.equal(logOf(name).length, before);
});

test('custom start/stop commands and a process pattern instead of status (script found through path)', { skip: !usable && why }, async (t) => {
  const dir = tempDir('kuroko-svc-');
  const n2 = uniqueName('kksvp');
  const s2 = join(dir, n2);
  copyFileSync(FIXTURE, s2);
  t.after(() => { spawnSync(s2, ['stop'], { stdio: 'ignore' }); for (const x of ['log', 'pid']) rmSync(`/run/${n2}.${x}`, { force: true }); });
  const r = resource('service', n2, { ensure: 'running', path: dir, hasstatus: false, pattern: `^sleep 100000$`, start: `${s2} start`, stop: `${s2} stop` });
  // The pattern may match another test's daemon; only the custom commands' log is checked strictly.
  const { after: again } = await converge(serviceType, r);
  assert.deepEqual(again, []);
  const stop = await converge(serviceType, { ...r, parameters: { ...r.parameters, ensure: 'stopped', pattern: `^kuroko-no-such-process-${n2}$`, status: `${s2} status` } });
  assert.deepEqual(stop.after, []);
  assert.notEqual(status(s2), 0);
});

test('a service without an init script fails clearly', { skip: !usable && why }, async () => {
  await assert.rejects(converge(serviceType, resource('service', 'kuroko-no-such-service', { ensure: 'running' })), /Could not find init script for 'kuroko-no-such-service'/);
  assert.throws(() => serviceType.validate!(resource('service', 'x', { ensure: 'up' })), (e: Error & { field?: string }) => e.field === 'ensure');
});
