// The classic master/agent walkthrough end to end, through the real CLI:
// `kuroko server --genconfig` writes the server's puppet.conf, the server runs
// in the foreground (--no-daemonize --verbose --debug), agents with their own
// confdir/vardir/ssldir reach it at 127.0.0.1, and the CA steps are the
// operator's commands (cert list, cert sign NAME, cert sign --all,
// autosign.conf). Code: a copy of examples/seed, edited during the test.
//
// As root (CI) the agents change this machine for real: Debian's nginx is
// installed by the package resource, started by the service resource on
// 127.0.0.1, and a request through node2's proxy returns node1's page; the
// test puts /etc/motd and nginx's default site back afterwards. Otherwise
// each agent gets a sandbox (the fact kuroko_sandbox) and package/service
// are noop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync, appendFileSync, readlinkSync, symlinkSync, lstatSync, mkdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, tempDir } from '../helpers.js';
import { startServer, freePort, kurokoAsync, type ServerProcess } from './support.js';

const REAL = typeof process.getuid === 'function' && process.getuid() === 0 && process.env.KUROKO_E2E_SANDBOX !== '1';

interface Agent { certname: string; confdir: string; sandbox: string; env: Record<string, string> }

function httpGet(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** What the real variant changes outside its temp dir, to put back afterwards. */
function saveSystem(): () => void {
  const motd = existsSync('/etc/motd') ? readFileSync('/etc/motd') : undefined;
  const site = '/etc/nginx/sites-enabled/default';
  let siteLink: string | undefined;
  try { if (lstatSync(site).isSymbolicLink()) siteLink = readlinkSync(site); } catch { /* absent */ }
  return () => {
    const pid = (() => { try { return Number(readFileSync('/run/nginx.pid', 'utf8').trim()); } catch { return 0; } })();
    if (pid > 0) { try { process.kill(pid, 'SIGQUIT'); } catch { /* gone */ } }
    for (const f of ['/etc/nginx/conf.d/kuroko_web.conf', '/etc/nginx/conf.d/kuroko_proxy.conf', '/etc/nginx/proxy_params_kuroko', '/var/www/kuroko']) rmSync(f, { recursive: true, force: true });
    if (motd !== undefined) writeFileSync('/etc/motd', motd);
    if (siteLink && !existsSync(site)) { mkdirSync('/etc/nginx/sites-enabled', { recursive: true }); symlinkSync(siteLink, site); }
  };
}

test('the classic walkthrough: CA, signing, autosign, catalogs, reports, changes and errors', { timeout: 600_000 }, async (t) => {
  const d = tempDir('kuroko-e2e-');
  const code = join(d, 'code');
  cpSync(join(ROOT, 'examples', 'seed'), code, { recursive: true });
  const etc = join(d, 'server', 'etc');
  mkdirSync(etc, { recursive: true });
  const port = await freePort();
  const srv = (args: string[]) => kurokoAsync([...args, '--confdir', etc]);

  if (REAL) {
    const restore = saveSystem();
    t.after(restore);
    // The package resource installs nginx with apt: make sure apt knows it.
    const known = spawnSync('apt-cache', ['policy', 'nginx'], { encoding: 'utf8' });
    if (!/Candidate: \d/.test(known.stdout)) spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: 180_000 });
  } else {
    t.diagnostic('not root (or KUROKO_E2E_SANDBOX=1): the sandbox variant, package and service in noop');
  }

  // 1. `kuroko server --genconfig > puppet.conf` gives a usable config: the server then needs only --confdir.
  const gen = await kurokoAsync(['server', '--genconfig', '--confdir', etc, '--vardir', join(d, 'server', 'var'), '--logdir', join(d, 'server', 'log'),
    '--rundir', join(d, 'server', 'run'), '--codedir', code, '--basemodulepath', join(code, 'modules'), '--certname', 'node3.test.com', '--bindaddress', '127.0.0.1',
    '--serverport', String(port), '--dns_alt_names', 'node3.test.com,localhost,IP:127.0.0.1']);
  assert.equal(gen.status, 0, gen.stderr);
  writeFileSync(join(etc, 'puppet.conf'), gen.stdout);

  // 2. The server in the foreground; the CA and the server certificate appear in its log.
  const server: ServerProcess = await startServer(['server', '--no-daemonize', '--verbose', '--debug', '--confdir', etc]);
  t.after(() => server.stop());
  assert.match(server.log(), /Generating a new CA/);
  assert.match(server.log(), /Signed the server certificate for node3\.test\.com \(alt names: [^)]*IP:127\.0\.0\.1/);
  assert.match(server.log(), new RegExp(`listening on 127\\.0\\.0\\.1:${port}`));

  const agent = (certname: string): Agent => {
    const confdir = join(d, 'agents', certname, 'etc');
    mkdirSync(confdir, { recursive: true });
    writeFileSync(join(confdir, 'puppet.conf'), `[main]\ncertname = ${certname}\nvardir = ${join(d, 'agents', certname, 'var')}\nlogdir = ${join(d, 'agents', certname, 'log')}\nrundir = ${join(d, 'agents', certname, 'run')}\n[agent]\nserver = 127.0.0.1\nserverport = ${port}\n`);
    const sandbox = REAL ? '' : join(d, 'sandbox', certname);
    if (sandbox) mkdirSync(sandbox, { recursive: true });
    return { certname, confdir, sandbox, env: sandbox ? { FACTER_kuroko_sandbox: sandbox } : {} };
  };
  const run = async (a: Agent) => {
    const r = await kurokoAsync(['agent', '--test', '--confdir', a.confdir], { env: a.env, timeout: 240_000 });
    return { ...r, all: r.stdout + r.stderr };
  };
  const node1 = agent('node1.test.com');
  const node2 = agent('node2.test.com');
  const node4 = agent('node4.test.com');
  // Managed paths: under each agent's sandbox, or the machine's own in the real variant.
  const root1 = node1.sandbox || '/';
  const root2 = node2.sandbox || '/';

  // 3. The agent's first run creates its key and CSR and waits (exit 1).
  const first = await run(node1);
  assert.equal(first.status, 1, first.all);
  const fp = /Certificate Request fingerprint \(SHA256\): ([0-9A-F:]{95})/.exec(first.all)?.[1];
  assert.ok(fp, `no CSR fingerprint in the agent's log:\n${first.all}`);
  assert.ok(existsSync(join(node1.confdir, 'ssl', 'private_keys', 'node1.test.com.pem')));
  assert.ok(!existsSync(join(node1.confdir, 'ssl', 'certs', 'node1.test.com.pem')));

  // 4. `kuroko cert list` shows the request with the same fingerprint; 5. `kuroko cert sign node1.test.com`.
  const list = await srv(['cert', 'list']);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`"node1\\.test\\.com" \\(SHA256\\) ${fp}`));
  const sign = await srv(['cert', 'sign', 'node1.test.com']);
  assert.equal(sign.status, 0, sign.stderr);
  assert.match(sign.stdout + sign.stderr, /Signed certificate request for node1\.test\.com/);

  // 6. The agent fetches its certificate and catalog, applies it and reports.
  const applied = await run(node1);
  assert.equal(applied.status, 2, applied.all);
  assert.match(applied.all, /Downloaded certificate for node1\.test\.com/);
  assert.doesNotMatch(applied.all, /^Error:/m);
  const webConf = join(root1, 'etc', 'nginx', 'conf.d', 'kuroko_web.conf');
  const conf = readFileSync(webConf, 'utf8');
  assert.match(conf, /listen 127\.0\.0\.1:8081;/); // the ERB template
  assert.match(conf, /# index candidate 2: index\.htm/);
  assert.equal(readFileSync(join(root1, 'var', 'www', 'kuroko', 'index.html'), 'utf8'), readFileSync(join(code, 'environments', 'production', 'modules', 'nginx', 'files', 'index.html'), 'utf8'));
  assert.match(readFileSync(join(root1, 'etc', 'motd'), 'utf8'), /It is managed by Kuroko/);
  assert.match(server.log(), /Compiled catalog for node1\.test\.com in environment production/);
  assert.match(server.log(), /Stored report \d+ for node1\.test\.com \(changed\)/);
  const reports = await srv(['report', 'list']);
  assert.match(reports.stdout, /node1\.test\.com\s+changed/);

  // 7. `kuroko cert sign --all` signs whatever waits (node4 here).
  assert.equal((await run(node4)).status, 1);
  const all = await srv(['cert', 'sign', '--all']);
  assert.equal(all.status, 0, all.stderr);
  assert.match(all.stdout + all.stderr, /Signed certificate request for node4\.test\.com/);
  const n4 = await run(node4);
  assert.ok(n4.status === 0 || n4.status === 2, n4.all);

  // 8. With *.test.com in autosign.conf, node2 gets in on its first run with no manual step.
  writeFileSync(join(etc, 'autosign.conf'), '*.test.com\n');
  const n2 = await run(node2);
  assert.equal(n2.status, 2, n2.all);
  assert.match(server.log(), /Autosign|autosign/);
  const proxyConf = readFileSync(join(root2, 'etc', 'nginx', 'conf.d', 'kuroko_proxy.conf'), 'utf8');
  assert.match(proxyConf, /proxy_pass http:\/\/127\.0\.0\.1:8081;/); // the EPP template
  assert.ok(existsSync(join(root2, 'etc', 'nginx', 'proxy_params_kuroko')));

  if (REAL) {
    // 9. The real nginx: node1's site on 8081, and node2's proxy on 8082 in front of it.
    const direct = await httpGet(8081);
    assert.match(direct.body, /Hello from node1\.test\.com/);
    const proxied = await httpGet(8082);
    assert.equal(proxied.status, 200);
    assert.match(proxied.body, /Hello from node1\.test\.com/);
  }

  // 10. A manifest change is picked up without a restart…
  const web = join(code, 'environments', 'production', 'manifests', 'nodes', 'web.pp');
  const original = readFileSync(web, 'utf8');
  const version = join(root1, 'var', 'www', 'kuroko', 'version.txt');
  const withVersion = (v: string) => original.replace('include nginx::nginx_web', `include nginx::nginx_web\n  file { "\${base::root}/var/www/kuroko/version.txt": ensure => file, content => "${v}\\n" }`);
  writeFileSync(web, withVersion('v1'));
  const changed = await run(node1);
  assert.equal(changed.status, 2, changed.all);
  assert.equal(readFileSync(version, 'utf8'), 'v1\n');
  // …and after `kuroko server reload`.
  writeFileSync(web, withVersion('v2'));
  const reload = await srv(['server', 'reload']);
  assert.equal(reload.status, 0, reload.stderr);
  await server.waitFor(/Reloading/);
  const reloaded = await run(node1);
  assert.equal(reloaded.status, 2, reloaded.all);
  assert.equal(readFileSync(version, 'utf8'), 'v2\n');

  // 11. A second run has nothing to do.
  const again = await run(node1);
  assert.equal(again.status, 0, again.all);
  assert.match((await srv(['report', 'list'])).stdout, /node1\.test\.com\s+unchanged/);

  // 12. A file changed by hand is put back.
  writeFileSync(webConf, 'server { listen 127.0.0.1:9999; }\n');
  const fixed = await run(node1);
  assert.equal(fixed.status, 2, fixed.all);
  assert.match(fixed.all, /kuroko_web\.conf\]\/content: content changed/);
  assert.equal(readFileSync(webConf, 'utf8'), conf);

  // 13. A node including a class that doesn't exist gets an error naming the class and the node;
  // the server keeps serving the others.
  appendFileSync(join(code, 'environments', 'production', 'manifests', 'site.pp'), "\nnode 'node4.test.com' inherits 'base' {\n  include nginx::no_such_role\n}\n");
  const broken = await run(node4);
  assert.equal(broken.status, 1, broken.all);
  assert.match(broken.all, /Could not find class ::nginx::no_such_role for node4\.test\.com/);
  assert.match(server.log(), /nginx::no_such_role/);
  const still = await run(node1);
  assert.equal(still.status, 0, still.all);
  assert.equal(server.exitCode(), null, 'the server is still running');
});
