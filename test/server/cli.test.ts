// `kuroko server` and `kuroko report` as real child processes: the CA and
// the server's certificate created on first start, a real compile by the
// real compiler on a worker thread, a compile error for one node only,
// reports stored and shown, `kuroko server reload` through the pid file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { kuroko, kurokoSpawn, tempDir } from '../helpers.js';
import { request, catalogForm, testSettingsCli, writeFiles } from './harness.js';
import { loadSettings } from '../../src/settings/index.js';
import type { Cert } from './pki.js';
import type { Catalog } from '../../src/compiler/wire.js';

const REPORT = JSON.parse(readFileSync(new URL('../../../shared/reference/wire-samples/report-node1.test.com-second-run.json', import.meta.url), 'utf8')) as Record<string, unknown>;

const dir = tempDir('kuroko-cli-server-');
const cli: Record<string, string> = { ...testSettingsCli(dir), certname: 'localhost', key_type: 'ec', bindaddress: '127.0.0.1', serverport: '0' };
const flags = Object.entries(cli).flatMap(([k, v]) => [`--${k}`, v]);
let child: ChildProcess;
let output = '';
let port = 0;
let ca = '';
let node1: Cert, node2: Cert;

async function certFor(name: string): Promise<Cert> {
  const { CertificateAuthority } = await import('../../src/ca/index.js');
  const settings = loadSettings({ runMode: 'server', cli, configFile: join(cli.confdir, 'puppet.conf') });
  const authority = await CertificateAuthority.open(settings);
  try {
    const g = await authority.generate(name);
    return { name, keyPath: g.keyPath, certPath: g.certPath, key: readFileSync(g.keyPath, 'utf8'), cert: readFileSync(g.certPath, 'utf8') };
  } finally { authority.close(); }
}

before(async () => {
  writeFiles(join(cli.codedir, 'environments', 'production'), {
    'manifests/site.pp': "node 'node1.test' { notify { 'hello': message => \"os is ${facts['os']['family']}\" } }\nnode default { include missing_class }\n",
  });
  mkdirSync(cli.basemodulepath, { recursive: true });
  child = kurokoSpawn(['server', '--no-daemonize', '--verbose', '--debug', ...flags]);
  child.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  const deadline = Date.now() + 60_000;
  while (!/listening on 127\.0\.0\.1:(\d+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(output)![1]);
  ca = readFileSync(join(cli.confdir, 'ssl', 'certs', 'ca.pem'), 'utf8');
  node1 = await certFor('node1.test');
  node2 = await certFor('node2.test');
});

after(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});

const srv = () => ({ port, ca });

test('start-up shows the CA, the server certificate and the port, in order', () => {
  const order = [/Starting Kuroko server version/, /CA/, /server certificate/, /listening on 127\.0\.0\.1:\d+/];
  let at = 0;
  for (const re of order) {
    const m = re.exec(output.slice(at));
    assert.ok(m, `missing ${re} after offset ${at} in:\n${output}`);
    at += m.index + m[0].length;
  }
});

test('the real compiler compiles a node on a worker thread; a compile error stays with its node', async () => {
  const ok = await request(srv(), '/puppet/v3/catalog/node1.test?environment=production', {
    method: 'POST', cert: node1, body: catalogForm('node1.test', { os: { family: 'Debian' } }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(ok.status, 200, ok.text);
  const cat = ok.json<Catalog>();
  const notify = cat.resources.find((r) => r.type === 'Notify' && r.title === 'hello');
  assert.equal(notify?.parameters?.message, 'os is Debian');
  const bad = await request(srv(), '/puppet/v3/catalog/node2.test?environment=production', {
    method: 'POST', cert: node2, body: catalogForm('node2.test', { os: { family: 'Debian' } }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(bad.status, 500);
  assert.match(bad.json<{ message: string }>().message, /missing_class/);
  const again = await request(srv(), '/puppet/v3/catalog/node1.test?environment=production', { method: 'POST', cert: node1, body: catalogForm('node1.test', { os: { family: 'RedHat' } }), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(again.json<Catalog>().resources.find((r) => r.title === 'hello')?.parameters?.message, 'os is RedHat');
});

test('the CA endpoints are mounted: the CA certificate without a client certificate', async () => {
  const r = await request(srv(), '/puppet-ca/v1/certificate/ca');
  assert.equal(r.status, 200);
  assert.match(r.text, /BEGIN CERTIFICATE/);
});

test('reports sent by agents are listed and shown by `kuroko report`', async () => {
  const report = { ...REPORT, host: 'node1.test' };
  const r = await request(srv(), '/puppet/v3/report/node1.test?environment=production', { method: 'PUT', cert: node1, body: JSON.stringify(report), headers: { 'Content-Type': 'application/json' } });
  assert.equal(r.status, 200, r.text);
  const list = kuroko(['report', 'list', '--node', 'node1.test', ...flags]);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^ID\s+NODE\s+STATUS/);
  assert.match(list.stdout, new RegExp(`node1\\.test\\s+${String(REPORT.status)}`));
  const none = kuroko(['report', 'list', '--status', 'failed', ...flags]);
  assert.equal(none.stdout.trim(), String(REPORT.status) === 'failed' ? none.stdout.trim() : 'No reports.');
  const show = kuroko(['report', 'show', 'node1.test', ...flags]);
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /^Report \d+ for node1\.test/);
  assert.match(show.stdout, /Metrics:/);
  assert.match(show.stdout, /Resource events/);
  assert.match(show.stdout, /Logs \(\d+\):/);
  const missing = kuroko(['report', 'show', 'nobody.test', ...flags]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /No report from node 'nobody\.test'/);
  const bad = kuroko(['report', 'list', '--status', 'weird', ...flags]);
  assert.equal(bad.status, 2);
});

test('`kuroko server reload` signals the running server, which reloads its configuration', async () => {
  writeFileSync(join(cli.confdir, 'auth.conf'), 'authorization: { version: 1, rules: [ { match-request: { path: "/", type: path }, deny: "*", name: "closed" } ] }\n');
  const r = kuroko(['server', 'reload', ...flags]);
  assert.equal(r.status, 0, r.stderr);
  const deadline = Date.now() + 10_000;
  while (!/Reloading/.test(output) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  await new Promise((res) => setTimeout(res, 200));
  assert.equal((await request(srv(), '/status/v1/simple')).status, 403);
});

test('a second server on the same pid file is refused; a taken port is a clear error', () => {
  const r = kuroko(['server', '--no-daemonize', ...flags]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /already running|pid/i);
  const d2 = tempDir();
  const other = { ...testSettingsCli(d2), certname: 'localhost', key_type: 'ec', bindaddress: '127.0.0.1', serverport: String(port) };
  const taken = kuroko(['server', '--no-daemonize', ...Object.entries(other).flatMap(([k, v]) => [`--${k}`, v])]);
  assert.equal(taken.status, 1);
  assert.match(taken.stderr, /the port is already in use/);
});

test('daemon mode: `kuroko server` detaches, writes its pid file, and stops on SIGTERM', async () => {
  const d2 = tempDir();
  const other: Record<string, string> = { ...testSettingsCli(d2), certname: 'localhost', key_type: 'ec', bindaddress: '127.0.0.1', serverport: '0' };
  const argv = Object.entries(other).flatMap(([k, v]) => [`--${k}`, v]);
  const r = kuroko(['server', ...argv], { timeout: 90_000 });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const { readPidfile, isAlive } = await import('../../src/daemon/index.js');
  const pidfile = join(other.rundir, 'server.pid');
  const pid = readPidfile(pidfile);
  assert.ok(pid && isAlive(pid), `no live pid in ${pidfile}`);
  try {
    assert.equal(kuroko(['server', 'reload', ...argv]).status, 0);
  } finally {
    process.kill(pid!, 'SIGTERM');
    const deadline = Date.now() + 20_000;
    while (isAlive(pid!) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(isAlive(pid!), false);
  const logText = readFileSync(join(other.logdir, 'kuroko-server.log'), 'utf8');
  assert.match(logText, /listening on 127\.0\.0\.1:\d+/);
  assert.match(logText, /Reloading/);
});

test('an unusable ssldir is a clear error naming it', () => {
  const d3 = tempDir();
  writeFileSync(join(d3, 'not-a-dir'), '');
  const other: Record<string, string> = { ...testSettingsCli(d3), certname: 'localhost', key_type: 'ec', bindaddress: '127.0.0.1', serverport: '0', ssldir: join(d3, 'not-a-dir', 'ssl') };
  const r = kuroko(['server', '--no-daemonize', ...Object.entries(other).flatMap(([k, v]) => [`--${k}`, v])]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Cannot use the SSL directory .*not-a-dir\/ssl/);
});
