// The agent daemon as real processes against a real Kuroko server over mTLS
// on 127.0.0.1 (a free port): the pid file refused while an agent daemon
// lives, SIGUSR1 runs at once, SIGHUP re-reads puppet.conf and runs,
// SIGTERM stops and removes the pid file; and the detached daemon.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kurokoSpawn, tempDir, type RunResult } from '../helpers.js';
import { startTestServer, type Harness } from '../server/harness.js';
import { TestPki, type Cert } from '../server/pki.js';

const WORKER = new URL('./fixtures/catalog-worker.ts', import.meta.url);
const CERTNAME = 'daemon1.example';

let server: Harness;
let pki: { caPem: string; crlPem: string };
let agentCert: Cert;
const pkiDir = tempDir('kuroko-daemon-pki-'); // made here: a temp dir made in before() would be gone after it

before(async () => {
  const own = new TestPki(join(pkiDir, 'pki'));
  const serverCert = own.issue('localhost', 'server_ext');
  agentCert = own.issue(CERTNAME);
  pki = { caPem: own.caPem, crlPem: own.crlPem };
  server = await startTestServer({ workerModule: WORKER, tls: { key: serverCert.key, cert: serverCert.cert, ca: pki.caPem, crl: pki.crlPem } });
});
after(async () => { await server?.stop(); });

/** An agent's directories with its certificate in place; the CLI arguments that point at them. */
function agentDir(d: string): string[] {
  const ssl = join(d, 'ssl');
  mkdirSync(join(ssl, 'certs'), { recursive: true });
  mkdirSync(join(ssl, 'private_keys'), { recursive: true, mode: 0o750 });
  writeFileSync(join(ssl, 'certs', 'ca.pem'), pki.caPem);
  writeFileSync(join(ssl, 'crl.pem'), pki.crlPem);
  writeFileSync(join(ssl, 'certs', `${CERTNAME}.pem`), agentCert.cert);
  writeFileSync(join(ssl, 'private_keys', `${CERTNAME}.pem`), agentCert.key, { mode: 0o600 });
  writeFileSync(join(d, 'facts.json'), JSON.stringify({ agent_test_dir: join(d, 'managed') }));
  mkdirSync(join(d, 'managed'), { recursive: true });
  mkdirSync(join(d, 'etc'), { recursive: true });
  return ['--confdir', join(d, 'etc'), '--vardir', join(d, 'var'), '--rundir', join(d, 'run'), '--logdir', join(d, 'log'), '--ssldir', ssl,
    '--certname', CERTNAME, '--server', '127.0.0.1', '--serverport', String(server.server.port), '--facts-file', join(d, 'facts.json')];
}

/** A running CLI process whose output is collected, with a way to wait for a line. */
function spawnAgent(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = kurokoSpawn(args, { env });
  let out = '';
  child.stdout.on('data', (b) => { out += b; });
  child.stderr.on('data', (b) => { out += b; });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void exited.then(() => clearTimeout(killer));
  return {
    child,
    exited,
    output: () => out,
    count: (re: RegExp) => (out.match(new RegExp(re.source, 'g')) ?? []).length,
    /** Waits until `re` has matched `times` times. */
    async waitFor(re: RegExp, times = 1, ms = 30_000) {
      const t0 = Date.now();
      while ((out.match(new RegExp(re.source, 'g')) ?? []).length < times) {
        if (child.exitCode !== null) throw new Error(`the agent exited (${child.exitCode}) before ${re} (x${times}):\n${out}`);
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${re} (x${times}) in:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

async function runToEnd(args: string[]): Promise<RunResult> {
  const a = spawnAgent(args);
  const status = await a.exited;
  return { status: status ?? -1, stdout: a.output(), stderr: '' };
}

const pidOf = (file: string) => Number(readFileSync(file, 'utf8').trim());
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

async function waitUntil(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('foreground daemon: pid file held and a second agent refused; USR1 runs now; HUP reloads puppet.conf and runs; TERM stops and removes the pid file', async () => {
  const d = tempDir();
  const args = agentDir(d);
  const pidfile = join(d, 'run', 'agent.pid');
  writeFileSync(join(d, 'etc', 'puppet.conf'), '[agent]\nruninterval = 1h\n');
  const agent = spawnAgent(['agent', '--no-daemonize', ...args]);
  try {
    await agent.waitFor(/Applied catalog in/);
    assert.match(agent.output(), /Notice: Starting Puppet client version 7\./);
    assert.equal(pidOf(pidfile), agent.child.pid, 'the pid file names the running daemon');
    assert.equal(readFileSync(join(d, 'managed', 'managed'), 'utf8'), 'from the server\n');

    const second = await runToEnd(['agent', '--no-daemonize', ...args]);
    assert.equal(second.status, 1, second.stdout);
    assert.match(second.stdout, new RegExp(`Could not start kuroko agent: another instance is already running as pid ${agent.child.pid}`));
    assert.equal(pidOf(pidfile), agent.child.pid, 'the refused agent left the pid file alone');

    // runinterval is an hour: only USR1 can bring the second run this soon.
    agent.child.kill('SIGUSR1');
    await agent.waitFor(/Applied catalog in/, 2);
    assert.match(agent.output(), /Starting a run now \(USR1\)/);

    // HUP: puppet.conf now says noop; the run that follows at once changes nothing.
    rmSync(join(d, 'managed', 'managed'));
    writeFileSync(join(d, 'etc', 'puppet.conf'), '[agent]\nruninterval = 1h\nnoop = true\n');
    agent.child.kill('SIGHUP');
    await agent.waitFor(/Applied catalog in/, 3);
    assert.match(agent.output(), /Reloaded the settings; runinterval is now 1h/);
    assert.match(agent.output(), /File\[.*\/managed\/managed\]\/ensure: current_value 'absent', should be 'file' \(noop\)/);
    assert.equal(existsSync(join(d, 'managed', 'managed')), false, 'noop from the reloaded puppet.conf');

    agent.child.kill('SIGTERM');
    assert.equal(await agent.exited, 0, agent.output());
    assert.match(agent.output(), /Caught TERM; exiting/);
    assert.equal(existsSync(pidfile), false, 'the pid file is removed');
    assert.equal(agent.count(/Applied catalog in/), 3, agent.output());
    assert.equal(existsSync(join(d, 'var', 'state', 'agent_catalog_run.lock')), false, 'no run lock left behind');
  } finally { if (agent.child.exitCode === null) agent.child.kill('SIGKILL'); }
});

test('a stale pid file (dead process) is replaced; KUROKO_AGENT_MAX_RUNS with runinterval 1s stops by itself and cleans up', async () => {
  const d = tempDir();
  const args = agentDir(d);
  const pidfile = join(d, 'run', 'agent.pid');
  mkdirSync(join(d, 'run'), { recursive: true });
  writeFileSync(pidfile, '999999999\n');
  const agent = spawnAgent(['agent', '--no-daemonize', '--runinterval', '1s', ...args], { KUROKO_AGENT_MAX_RUNS: '3' });
  try {
    await agent.waitFor(/Applied catalog in/);
    assert.equal(pidOf(pidfile), agent.child.pid);
    assert.equal(await agent.exited, 0, agent.output());
    assert.equal(agent.count(/Applied catalog in/), 3, agent.output());
    assert.equal(existsSync(pidfile), false);
  } finally { if (agent.child.exitCode === null) agent.child.kill('SIGKILL'); }
});

test('detached daemon: the command returns once the agent is ready; it logs to its file, refuses a second start, stops on TERM', async () => {
  const d = tempDir();
  const args = agentDir(d);
  const pidfile = join(d, 'run', 'agent.pid');
  const logfile = join(d, 'log', 'kuroko-agent.log');
  const r = await runToEnd(['agent', '--verbose', '--runinterval', '1h', ...args]);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /Started kuroko agent in the background as pid (\d+)/);
  const pid = Number(/as pid (\d+)/.exec(r.stdout)![1]);
  try {
    assert.equal(pidOf(pidfile), pid, 'the pid file names the detached agent');
    assert.ok(alive(pid));
    await waitUntil('the first run is logged', () => existsSync(logfile) && /Applied catalog in/.test(readFileSync(logfile, 'utf8')));
    const second = await runToEnd(['agent', ...args]);
    assert.equal(second.status, 1, second.stdout);
    assert.match(second.stdout, new RegExp(`another instance is already running as pid ${pid}`));
    process.kill(pid, 'SIGUSR1');
    await waitUntil('the second run is logged', () => (readFileSync(logfile, 'utf8').match(/Applied catalog in/g) ?? []).length >= 2);
    process.kill(pid, 'SIGTERM');
    await waitUntil('the agent exits', () => !alive(pid));
    assert.equal(existsSync(pidfile), false, 'the pid file is removed');
    assert.match(readFileSync(logfile, 'utf8'), /Caught TERM; exiting/);
  } finally { if (alive(pid)) process.kill(pid, 'SIGKILL'); }
});
