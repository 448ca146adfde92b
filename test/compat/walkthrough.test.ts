// The walkthrough against real Puppet 7 (Debian's puppet-agent):
// 1. the catalogs Kuroko and `puppet catalog compile` produce for node1 and
//    node2 of the example are identical after normalisation (Puppet 7 rejects
//    `import` and node inheritance, so fixtures/walkthrough/site.pp is the
//    same nodes with the classes included directly, over examples/seed's modules);
// 2. a real `puppet agent --test` against `kuroko server`: its CSR listed and
//    signed with `kuroko cert sign` (and autosigned for node2), the catalog
//    applied with its puppet:/// file sources, the report stored and shown by
//    `kuroko report show`, the second run in sync, and its certificate refused
//    (403) another node's catalog. (test/server/interop.test.ts covers
//    pluginsync and the access log; this covers the operator's CA steps.)
// Real Puppet runs only inside a loopback-only namespace: when this process is
// not in one, part 2 re-runs this file under ../shared/bin/netns-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, tempDir } from '../helpers.js';
import { compareCatalogs } from '../compiler/harness.js';
import { freePort, kurokoAsync, startServer } from '../e2e/support.js';
import { compileSync } from '../../src/compiler/index.js';
import type { Catalog, Data } from '../../src/compiler/wire.js';

const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');
const SEED = join(ROOT, 'examples', 'seed', 'environments', 'production');
const FIXTURE = join(ROOT, 'test', 'compat', 'fixtures', 'walkthrough', 'site.pp');
const INNER = process.env.KUROKO_WALKTHROUGH_INNER === '1';
const IN_NETNS = Object.keys(networkInterfaces()).every((n) => n === 'lo');

function unavailable(): string | undefined {
  if (spawnSync('puppet', ['--version'], { encoding: 'utf8' }).status !== 0) return "Debian's puppet is not installed";
  if (!IN_NETNS && !existsSync(NETNS)) return `${NETNS} is missing`;
  if (!IN_NETNS && typeof process.getuid === 'function' && process.getuid() !== 0) return 'netns-run needs root';
  return undefined;
}

function factsFor(certname: string): Record<string, Data> {
  const base = JSON.parse(readFileSync(join(ROOT, 'test', 'compat', 'fixtures', 'compile', 'facts.json'), 'utf8')) as Record<string, Data>;
  const [host, ...domain] = certname.split('.');
  const networking = { ...(base.networking as Record<string, Data>), fqdn: certname, hostname: host, domain: domain.join('.') };
  return { ...base, fqdn: certname, hostname: host, domain: domain.join('.'), networking, clientcert: certname, kuroko_sandbox: `/srv/sandbox/${certname}` };
}

/** `puppet catalog compile` for each certname (recipe: ../shared/reference/real-puppet.md). */
function puppetCompile(certnames: string[]): Record<string, Catalog> {
  const d = tempDir('kuroko-wt-puppet-');
  mkdirSync(join(d, 'code', 'environments', 'production'), { recursive: true });
  mkdirSync(join(d, 'var', 'server_data', 'facts'), { recursive: true });
  writeFileSync(join(d, 'code', 'environments', 'production', 'environment.conf'), `manifest = ${FIXTURE}\nmodulepath = ${join(SEED, 'modules')}\nconfig_version = /bin/echo 1\n`);
  const now = Date.now();
  for (const c of certnames) {
    writeFileSync(join(d, 'var', 'server_data', 'facts', `${c}.json`), JSON.stringify({ name: c, values: factsFor(c), timestamp: new Date(now).toISOString(), expiration: new Date(now + 3600_000).toISOString() }));
  }
  const dirs = ['confdir', 'vardir', 'codedir', 'ssldir', 'logdir', 'rundir', 'publicdir'].map((s) => `--${s} ${d}/${s === 'vardir' ? 'var' : s === 'codedir' ? 'code' : s}`).join(' ');
  const script = certnames.map((c) => `puppet catalog compile ${c} ${dirs} --facts_terminus json --node_terminus plain --render-as json --color false --logdest ${d}/${c}.log --environment production > ${d}/${c}.out 2>&1`).join('\n');
  const r = spawnSync(IN_NETNS ? 'sh' : NETNS, IN_NETNS ? ['-c', script] : ['sh', '-c', script], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `puppet catalog compile failed: ${r.stderr}\n${certnames.map((c) => { try { return readFileSync(join(d, `${c}.out`), 'utf8') + readFileSync(join(d, `${c}.log`), 'utf8'); } catch { return ''; } }).join('\n')}`);
  const out: Record<string, Catalog> = {};
  for (const c of certnames) {
    const text = readFileSync(join(d, `${c}.out`), 'utf8');
    const json = text.split('\n').findIndex((l) => l.startsWith('{'));
    assert.ok(json >= 0, `no catalog from puppet for ${c}:\n${text}`);
    out[c] = JSON.parse(text.split('\n').slice(json).join('\n')) as Catalog;
  }
  return out;
}

test('Kuroko and real Puppet 7 compile the same catalogs for the walkthrough nodes', { skip: INNER, timeout: 300_000 }, (t) => {
  const why = unavailable();
  if (why) { t.skip(why); return; }
  const certnames = ['node1.test.com', 'node2.test.com'];
  const puppet = puppetCompile(certnames);
  for (const c of certnames) {
    const k = compileSync({ certname: c, facts: factsFor(c), environment: 'production', manifest: FIXTURE, modulepath: [join(SEED, 'modules')], strictVariables: false, strict: 'warning' }).catalog;
    assert.ok(puppet[c].resources.length > 10, `${c}: puppet's catalog has ${puppet[c].resources.length} resources`);
    const cmp = compareCatalogs(k, puppet[c]);
    assert.ok(cmp.same, `${c} differs from Puppet:\n  ${cmp.diff.join('\n  ')}`);
    assert.equal(cmp.orderDiff, undefined, `${c}: ${cmp.orderDiff}`);
  }
});

test('a real Puppet 7 agent walks through the CA steps against kuroko server', { timeout: 400_000 }, async (t) => {
  const why = unavailable();
  if (why) { t.skip(why); return; }
  if (!IN_NETNS) {
    // Server and agents must share one loopback-only namespace: run this file again inside one.
    const self = fileURLToPath(import.meta.url);
    const env: NodeJS.ProcessEnv = { ...process.env, KUROKO_WALKTHROUGH_INNER: '1' };
    delete env.NODE_TEST_CONTEXT; // the inner run is a plain node process, not a child of this test runner
    const child = spawn(NETNS, [process.execPath, '--import', 'tsx', '--test-reporter', 'tap', self], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    assert.equal(code, 0, out);
    assert.match(out, /# pass 1/, out);
    return;
  }
  const d = tempDir('kuroko-wt-agent-');
  const etc = join(d, 'server', 'etc');
  mkdirSync(etc, { recursive: true });
  const port = await freePort();
  writeFileSync(join(etc, 'puppet.conf'), [
    '[main]', 'certname = node3.test.com', `vardir = ${d}/server/var`, `logdir = ${d}/server/log`, `rundir = ${d}/server/run`, `codedir = ${join(ROOT, 'examples', 'seed')}`, 'basemodulepath = $codedir/modules',
    '[server]', 'bindaddress = 127.0.0.1', `serverport = ${port}`, 'dns_alt_names = node3.test.com,localhost,IP:127.0.0.1', '',
  ].join('\n'));
  const server = await startServer(['server', '--no-daemonize', '--verbose', '--confdir', etc]);
  t.after(() => server.stop());
  const admin = (args: string[]) => kurokoAsync([...args, '--confdir', etc]);

  const puppetAgent = (certname: string) => new Promise<{ status: number; out: string }>((resolve) => {
    const a = join(d, 'agents', certname);
    const sandbox = join(d, 'sandbox', certname);
    mkdirSync(sandbox, { recursive: true });
    const dirs = ['confdir', 'vardir', 'codedir', 'ssldir', 'logdir', 'rundir', 'publicdir'].flatMap((s) => [`--${s}`, join(a, s)]);
    const child = spawn('puppet', ['agent', '--test', '--server', '127.0.0.1', '--serverport', String(port), '--certname', certname, ...dirs, '--color', 'false', '--keylength', '2048'], {
      env: { ...process.env, FACTER_kuroko_sandbox: sandbox }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    const t0 = Date.now();
    child.on('close', (code) => {
      clearTimeout(timer);
      t.diagnostic(`puppet agent --test --certname ${certname}: exit ${code} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      resolve({ status: code ?? -1, out });
    });
  });
  const sb1 = join(d, 'sandbox', 'node1.test.com');

  // The first run sends a CSR and stops (exit 1); the CA lists it with the agent's fingerprint.
  const first = await puppetAgent('node1.test.com');
  assert.equal(first.status, 1, first.out);
  const fp = /Certificate Request fingerprint \(SHA256\): ([0-9A-F:]{95})/.exec(first.out)?.[1];
  assert.ok(fp, first.out);
  const list = await admin(['cert', 'list']);
  assert.match(list.stdout, new RegExp(`"node1\\.test\\.com" \\(SHA256\\) ${fp}`), list.stdout + list.stderr);
  const signed = await admin(['cert', 'sign', 'node1.test.com']);
  assert.equal(signed.status, 0, signed.stderr);

  // After signing: certificate, catalog (ERB, EPP, puppet:/// sources), applied, reported.
  const applied = await puppetAgent('node1.test.com');
  assert.equal(applied.status, 2, `${applied.out}\n--- server ---\n${server.log()}`);
  assert.equal(readFileSync(join(sb1, 'var', 'www', 'kuroko', 'index.html'), 'utf8'), readFileSync(join(SEED, 'modules', 'nginx', 'files', 'index.html'), 'utf8'));
  assert.match(readFileSync(join(sb1, 'etc', 'nginx', 'conf.d', 'kuroko_web.conf'), 'utf8'), /listen 127\.0\.0\.1:8081;/);
  await server.waitFor(/Stored report \d+ for node1\.test\.com \(changed\)/);
  const show = await admin(['report', 'show', 'node1.test.com']);
  assert.equal(show.status, 0, show.stderr);
  assert.match(show.stdout, /node1\.test\.com/);
  assert.match(show.stdout, /changed/);
  assert.match(show.stdout, /kuroko_web\.conf/);

  // The second run is in sync.
  const again = await puppetAgent('node1.test.com');
  assert.equal(again.status, 0, again.out);
  await server.waitFor(/Stored report \d+ for node1\.test\.com \(unchanged\)/);

  // node1's certificate may not fetch node2's catalog.
  const ssl = join(d, 'agents', 'node1.test.com', 'ssldir');
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: 'GET', path: '/puppet/v3/catalog/node2.test.com?environment=production', servername: 'node3.test.com',
      ca: readFileSync(join(ssl, 'certs', 'ca.pem')), cert: readFileSync(join(ssl, 'certs', 'node1.test.com.pem')), key: readFileSync(join(ssl, 'private_keys', 'node1.test.com.pem')),
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 403);

  // With autosign.conf, node2 gets its certificate and catalog on its first run.
  writeFileSync(join(etc, 'autosign.conf'), '*.test.com\n');
  const n2 = await puppetAgent('node2.test.com');
  assert.equal(n2.status, 2, `${n2.out}\n--- server ---\n${server.log()}`);
  const sb2 = join(d, 'sandbox', 'node2.test.com');
  assert.match(readFileSync(join(sb2, 'etc', 'nginx', 'conf.d', 'kuroko_proxy.conf'), 'utf8'), /proxy_pass http:\/\/127\.0\.0\.1:8081;/);
  assert.equal(readFileSync(join(sb2, 'etc', 'nginx', 'proxy_params_kuroko'), 'utf8'), readFileSync(join(SEED, 'modules', 'nginx', 'files', 'proxy_params_kuroko'), 'utf8'));
  const listed = await admin(['cert', 'list', '--all']);
  assert.match(listed.stdout, /\+ "node2\.test\.com"/);
});
