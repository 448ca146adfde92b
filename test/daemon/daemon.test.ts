// runDaemon with real processes: a fixture daemon (fixtures/daemon.ts) run in
// the foreground and detached, a second instance refused while the first
// lives, signals, and the pid file's life cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { ROOT, tempDir } from '../helpers.js';
import { isAlive } from '../../src/daemon/pidfile.js';

const FIXTURE = join(ROOT, 'test', 'daemon', 'fixtures', 'daemon.ts');

function setup() {
  const dir = tempDir('kuroko-daemon-');
  const args = ['--confdir', join(dir, 'etc'), '--vardir', join(dir, 'var'), '--rundir', join(dir, 'run'), '--logdir', join(dir, 'log'), '--marker', join(dir, 'marker')];
  return { dir, args, pidfile: join(dir, 'run', 'agent.pid'), marker: join(dir, 'marker'), logfile: join(dir, 'log', 'kuroko-agent.log') };
}

const env = { ...process.env, NO_COLOR: '1' };
function runSync(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { cwd: ROOT, encoding: 'utf8', env, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function runBackground(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function waitFor<T>(what: string, fn: () => T | undefined | false, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const markerLines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : []);
const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.on('exit', (code) => r(code))));

test('foreground: pid file, refusal of a second instance, HUP, USR1, graceful TERM', async () => {
  const s = setup();
  const child = runBackground(['--no-daemonize', ...s.args]);
  let stdout = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  try {
    await waitFor('start', () => markerLines(s.marker).some((l) => l.startsWith('start ')));
    assert.equal(readFileSync(s.pidfile, 'utf8').trim(), String(child.pid), 'the pid file names the running instance');

    const second = runSync(['--no-daemonize', ...s.args]);
    assert.equal(second.status, 1);
    assert.match(second.stderr, new RegExp(`^Error: Could not start kuroko agent: another instance is already running as pid ${child.pid} \\(pidfile ${s.pidfile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
    assert.equal(readFileSync(s.pidfile, 'utf8').trim(), String(child.pid), 'the refused instance leaves the pid file alone');
    assert.equal(markerLines(s.marker).filter((l) => l.startsWith('start ')).length, 1, 'the refused instance never started');

    child.kill('SIGHUP');
    await waitFor('reload', () => markerLines(s.marker).includes('reload'));
    child.kill('SIGUSR1');
    await waitFor('usr1', () => markerLines(s.marker).includes('usr1'));
    assert.ok(isAlive(child.pid!), 'HUP and USR1 do not stop it');
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
    assert.deepEqual(markerLines(s.marker).slice(-1), ['stop SIGTERM']);
    assert.ok(!existsSync(s.pidfile), 'the pid file is removed on exit');
    assert.match(stdout, /Notice: Caught HUP; reloading/);
    assert.match(stdout, /Notice: Caught TERM; exiting/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('foreground: SIGINT stops gracefully; HUP without a reload hook restarts the service', async () => {
  const s = setup();
  const child = runBackground(['--no-daemonize', '--no-reload', ...s.args]);
  try {
    await waitFor('start', () => markerLines(s.marker).some((l) => l.startsWith('start ')));
    child.kill('SIGHUP');
    await waitFor('restart', () => markerLines(s.marker).filter((l) => l.startsWith('start ')).length === 2);
    assert.equal(markerLines(s.marker)[1], 'stop SIGHUP');
    child.kill('SIGINT');
    assert.equal(await exited(child), 0);
    assert.equal(markerLines(s.marker).at(-1), 'stop SIGINT');
    assert.ok(!existsSync(s.pidfile));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('a stale pid file (dead process) is replaced', async () => {
  const s = setup();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout);
  assert.ok(deadPid > 0 && !isAlive(deadPid));
  mkdirSync(join(s.dir, 'run'), { recursive: true });
  writeFileSync(s.pidfile, `${deadPid}\n`);
  const child = runBackground(['--no-daemonize', ...s.args]);
  try {
    await waitFor('start', () => markerLines(s.marker).some((l) => l.startsWith('start ')));
    assert.equal(readFileSync(s.pidfile, 'utf8').trim(), String(child.pid));
    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);
    assert.ok(!existsSync(s.pidfile));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('daemonized: the parent exits 0 once the detached child is ready; a second start is refused', async () => {
  const s = setup();
  const r = runSync(s.args);
  assert.equal(r.status, 0, r.stderr);
  const pid = Number(readFileSync(s.pidfile, 'utf8').trim());
  try {
    assert.ok(pid > 0 && isAlive(pid), 'the detached daemon runs');
    assert.ok(markerLines(s.marker).includes(`start ${pid} ${markerLines(s.marker)[0].split(' ')[2]}`), 'it was ready before the parent exited');
    // It survives its parent, in its own session.
    const ps = spawnSync('ps', ['-o', 'sid=', '-p', String(pid)], { encoding: 'utf8' });
    if (ps.status === 0) assert.equal(Number(ps.stdout.trim()), pid, 'the daemon leads its own session');

    const second = runSync(s.args);
    assert.equal(second.status, 1);
    assert.match(second.stderr, new RegExp(`already running as pid ${pid} `));

    process.kill(pid, 'SIGHUP');
    await waitFor('reload', () => markerLines(s.marker).includes('reload'));
    process.kill(pid, 'SIGTERM');
    await waitFor('exit', () => !isAlive(pid));
    assert.equal(markerLines(s.marker).at(-1), 'stop SIGTERM');
    assert.ok(!existsSync(s.pidfile), 'the pid file is removed on exit');
    const logText = readFileSync(s.logfile, 'utf8');
    assert.match(logText, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} Puppet \(notice\): Caught HUP; reloading$/m);
    assert.match(logText, /Puppet \(notice\): Caught TERM; exiting$/m);
  } finally {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('daemonized: a start that fails makes the parent exit 1 with the reason, leaving no pid file', () => {
  const s = setup();
  const r = runSync(['--fail-start', ...s.args]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^Error: Could not start kuroko agent: the fixture was told to fail \(log: .*kuroko-agent\.log\)/);
  assert.ok(!existsSync(s.pidfile));
  assert.match(readFileSync(s.logfile, 'utf8'), /the fixture was told to fail/);
});
