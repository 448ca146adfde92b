// The agent run against a real Kuroko server over mTLS on 127.0.0.1: the
// catalog request, apply, report; the cached catalog when the server is down,
// report spooling and later delivery; disable/enable; the run lock; the daemon.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kurokoAsync, kurokoSpawn, tempDir, type RunResult } from '../helpers.js';
import { startTestServer, type Harness } from '../server/harness.js';
import { TestPki, type Cert } from '../server/pki.js';

const WORKER = new URL('./fixtures/catalog-worker.ts', import.meta.url);
const CERTNAME = 'agent1.example';

let server: Harness;
let agentCert: Cert;
let port: number;

/** The PKI, ours (not the harness's), so that a restarted server is the same server to the agent. */
let pki: { caPem: string; crlPem: string; tls: { key: string; cert: string; ca: string; crl: string } } | undefined;

async function start(): Promise<void> {
  if (!pki) {
    const own = new TestPki(join(tempDir('kuroko-agent-pki-'), 'pki'));
    const serverCert = own.issue('localhost', 'server_ext');
    agentCert = own.issue(CERTNAME);
    pki = { caPem: own.caPem, crlPem: own.crlPem, tls: { key: serverCert.key, cert: serverCert.cert, ca: own.caPem, crl: own.crlPem } };
  }
  server = await startTestServer({ workerModule: WORKER, tls: pki.tls });
  port = server.server.port;
}

after(async () => { await server?.stop(); });

function agentDir(d: string): string[] {
  const ssl = join(d, 'ssl');
  mkdirSync(join(ssl, 'certs'), { recursive: true });
  mkdirSync(join(ssl, 'private_keys'), { recursive: true, mode: 0o750 });
  writeFileSync(join(ssl, 'certs', 'ca.pem'), pki!.caPem);
  writeFileSync(join(ssl, 'crl.pem'), pki!.crlPem);
  writeFileSync(join(ssl, 'certs', `${CERTNAME}.pem`), agentCert.cert);
  writeFileSync(join(ssl, 'private_keys', `${CERTNAME}.pem`), agentCert.key, { mode: 0o600 });
  writeFileSync(join(d, 'facts.json'), JSON.stringify({ agent_test_dir: join(d, 'managed'), os: { family: 'Debian' } }));
  mkdirSync(join(d, 'managed'), { recursive: true });
  return ['--confdir', join(d, 'etc'), '--vardir', join(d, 'var'), '--rundir', join(d, 'run'), '--ssldir', ssl, '--certname', CERTNAME, '--server', '127.0.0.1', '--facts-file', join(d, 'facts.json')];
}

/** The CLI as a child process, asynchronously: the server runs in this process and must keep answering. */
const kuroko = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> => kurokoAsync(args, { env, timeout: 60_000 });

const port_ = () => ['--serverport', String(port)];

test('agent --test: catalog from the server, applied, report stored; the second run is in sync', async () => {
  await start();
  const d = tempDir();
  const args = agentDir(d);
  const r = await kuroko(['agent', '--test', ...args, ...port_()]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /Info: Using environment 'production'/);
  assert.match(r.stdout, new RegExp(`Info: Caching catalog for ${CERTNAME.replace('.', '\\.')}`));
  assert.match(r.stdout, /Notice: \/Stage\[main\]\/Demo\/File\[.*\/managed\/managed\]\/ensure: defined content as '\{sha256\}[0-9a-f]{64}'/);
  assert.match(r.stdout, /Notice: \/Stage\[main\]\/Demo\/Exec\[on-change\]: Triggered 'refresh' from 1 event/);
  assert.match(r.stdout, /Notice: Applied catalog in \d+\.\d\d seconds/);
  assert.equal(readFileSync(join(d, 'managed', 'managed'), 'utf8'), 'from the server\n');
  const stored = await server.server.context.store.getReport(CERTNAME);
  assert.ok(stored, 'the server stored the report');
  assert.equal(stored.report.report_format, 12);
  assert.equal(stored.report.status, 'changed');
  assert.equal(stored.report.cached_catalog_status, 'not_used');
  assert.ok(existsSync(join(d, 'var', 'client_data', 'catalog', `${CERTNAME}.json`)), 'the catalog is cached');
  const again = await kuroko(['agent', '--test', ...args, ...port_()]);
  assert.equal(again.status, 2, 'notify always changes'); // the notify is always out of sync, as in Puppet
  assert.doesNotMatch(again.stdout, /managed\]\/ensure|content changed/);
  assert.equal(readFileSync(join(d, 'managed', 'refreshes'), 'utf8'), 'refreshed\n');
});

test('pluginsync mirrors the modules\' facts.d into pluginfactdest (modes kept, strays purged)', async () => {
  const d = tempDir();
  const args = agentDir(d);
  const factsd = join(server.codedir, 'modules', 'demo', 'facts.d');
  mkdirSync(factsd, { recursive: true });
  writeFileSync(join(factsd, 'site.txt'), 'site=lab\n');
  writeFileSync(join(factsd, 'exe.sh'), '#!/bin/sh\necho role=web\n', { mode: 0o755 });
  const dest = join(d, 'var', 'facts.d');
  mkdirSync(dest, { recursive: true });
  writeFileSync(join(dest, 'stale.txt'), 'old=1\n');
  const r = await kuroko(['agent', '--test', ...args, ...port_()]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /Info: Retrieving pluginfacts/);
  assert.equal(readFileSync(join(dest, 'site.txt'), 'utf8'), 'site=lab\n');
  assert.equal(statSync(join(dest, 'exe.sh')).mode & 0o777, 0o755);
  assert.equal(existsSync(join(dest, 'stale.txt')), false);
  assert.match(r.stdout, new RegExp(`Notice: /File\\[${dest.replace(/[.]/g, '\\.')}/site\\.txt\\]/ensure: defined content as`));
});

test('puppet:/// sources come through file_metadata(s) and file_content, recursion included', async () => {
  const d = tempDir();
  const args = agentDir(d);
  const files = join(server.codedir, 'modules', 'demo', 'files');
  mkdirSync(join(files, 'tree', 'sub'), { recursive: true });
  writeFileSync(join(files, 'motd'), 'served motd\n');
  writeFileSync(join(files, 'tree', 'a.txt'), 'A\n');
  writeFileSync(join(files, 'tree', 'sub', 'b.txt'), 'B\n');
  writeFileSync(join(d, 'facts.json'), JSON.stringify({ agent_test_dir: join(d, 'managed'), agent_test_source: true }));
  const r = await kuroko(['agent', '--test', ...args, ...port_()]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.equal(readFileSync(join(d, 'managed', 'motd'), 'utf8'), 'served motd\n');
  assert.equal(readFileSync(join(d, 'managed', 'tree', 'sub', 'b.txt'), 'utf8'), 'B\n');
  assert.match(r.stdout, /Notice: \/Stage\[main\]\/Demo\/File\[.*\/tree\/sub\/b\.txt\]\/ensure: defined content as '\{sha256\}/);
  writeFileSync(join(files, 'motd'), 'changed on the server\n');
  const r2 = await kuroko(['agent', '--test', ...args, ...port_()]);
  assert.match(r2.stdout, /motd\]\/content: content changed '\{sha256\}[0-9a-f]+' to '\{sha256\}[0-9a-f]+'/, r2.stdout + r2.stderr);
  assert.equal(readFileSync(join(d, 'managed', 'motd'), 'utf8'), 'changed on the server\n');
});

test('server down: the cached catalog is applied with a loud warning, the report is spooled, then delivered', async () => {
  const d = tempDir();
  const args = agentDir(d);
  assert.equal((await kuroko(['agent', '--onetime', '--no-daemonize', ...args, ...port_()])).status, 0);
  const dead = String(port);
  await server.stop();
  writeFileSync(join(d, 'managed', 'managed'), 'drifted\n');
  const r = await kuroko(['agent', '--onetime', '--no-daemonize', '--detailed-exitcodes', ...args, '--serverport', dead]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /Error: Could not retrieve catalog from remote server: .*/);
  assert.match(r.stderr, /Warning: Using cached catalog from environment 'production'/);
  assert.match(r.stderr, /Warning: Could not send report: .*kept in .*report_spool/);
  assert.equal(readFileSync(join(d, 'managed', 'managed'), 'utf8'), 'from the server\n', 'the cached catalog corrected the drift');
  const last = JSON.parse(readFileSync(join(d, 'var', 'state', 'last_run_report.json'), 'utf8'));
  assert.equal(last.cached_catalog_status, 'on_failure');
  const spool = join(d, 'var', 'state', 'report_spool');
  assert.equal(readdirSync(spool).length, 1);
  // Without usecacheonfailure there is no run at all.
  const r2 = await kuroko(['agent', '--onetime', '--no-daemonize', '--no-usecacheonfailure', ...args, '--serverport', dead]);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /Could not retrieve catalog; skipping run/);
  assert.equal(readdirSync(spool).length, 2);
  // The server is back (on a new port): the spooled reports go first.
  await start();
  const r3 = await kuroko(['agent', '--onetime', '--no-daemonize', ...args, ...port_()]);
  assert.equal(r3.status, 0, r3.stdout + r3.stderr);
  assert.match(r3.stdout, /Notice: Delivered the spooled report of/);
  assert.equal(readdirSync(spool).length, 0);
  const all = await server.server.context.store.listReports({ certname: CERTNAME } as never);
  assert.equal(all.length, 3);
});

test('disable with a reason stops runs until enabled; a live run lock makes a run skip', async () => {
  const d = tempDir();
  const args = agentDir(d);
  assert.equal((await kuroko(['agent', '--disable', 'maintenance window', ...args])).status, 0);
  const r = await kuroko(['agent', '--test', ...args, ...port_()]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Notice: Skipping run of Puppet configuration client; administratively disabled \(Reason: 'maintenance window'\);/);
  assert.equal((await kuroko(['agent', '--enable', ...args])).status, 0);
  const lock = join(d, 'var', 'state', 'agent_catalog_run.lock');
  writeFileSync(lock, String(process.pid));
  const r2 = await kuroko(['agent', '--test', ...args, ...port_()]);
  assert.equal(r2.status, 1);
  assert.match(r2.stdout, /Run of Puppet configuration client already in progress; skipping/);
  writeFileSync(lock, '999999999'); // a dead process's lock is reclaimed
  assert.equal((await kuroko(['agent', '--test', ...args, ...port_()])).status, 2);
  assert.equal(existsSync(lock), false);
});

test('daemon: a run at start, SIGUSR1 runs again at once', async () => {
  const d = tempDir();
  const args = agentDir(d);
  const child = kurokoSpawn(['agent', '--no-daemonize', '--runinterval', '1h', ...args, ...port_()], { env: { KUROKO_AGENT_MAX_RUNS: '2' } });
  let out = '';
  child.stdout.on('data', (b) => { out += b; });
  child.stderr.on('data', (b) => { out += b; });
  const waitFor = async (re: RegExp, ms: number) => {
    const t0 = Date.now();
    while (!re.test(out)) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${re} in:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await waitFor(/Applied catalog in/, 30_000);
    assert.ok(existsSync(join(d, 'run', 'agent.pid')), 'the pid file exists while the daemon runs');
    child.kill('SIGUSR1');
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    assert.equal(code, 0, out);
    assert.equal((out.match(/Applied catalog in/g) ?? []).length, 2, out);
  } finally { if (child.exitCode === null) child.kill('SIGKILL'); }
});
