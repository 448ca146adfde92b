// `kuroko cert`, `kuroko ca` and `kuroko ssl` as real child processes: on
// the CA host's files, and remotely over HTTPS with a pp_cli_auth certificate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kuroko, kurokoSpawn, tempDir } from '../helpers.js';
import { caOptions, startCaServer } from './helpers.js';
import { CertificateAuthority } from '../../src/ca/index.js';
import { generateKeyPair } from '../../src/ca/keys.js';
import { createCsr } from '../../src/ca/csr.js';

function kurokoAsync(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = kurokoSpawn(args);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

async function submit(ca: CertificateAuthority, name: string, dnsAltNames?: string[]) {
  const { privateKey } = await generateKeyPair({ type: 'ec' });
  await ca.submitRequest(name, await createCsr({ certname: name, privateKey, dnsAltNames }));
}

test('ca setup, then the Puppet 3 walkthrough: cert list, sign, list --all, revoke, clean, generate, print, fingerprint', async () => {
  const dir = tempDir();
  const base = ['--confdir', dir, '--vardir', join(dir, 'var'), '--keylength', '2048', '--dns_alt_names', 'puppet,IP:127.0.0.1'];
  const setup = kuroko(['ca', 'setup', '--certname', 'puppet.test', ...base]);
  assert.equal(setup.status, 0, setup.stderr);
  assert.match(setup.stdout, /Generation succeeded/);
  const cert = [...base, '--certname', 'puppet.test'];
  const ca = await CertificateAuthority.open(caOptions({ cadir: join(dir, 'ssl/ca'), ssldir: join(dir, 'ssl') }));
  await submit(ca, 'node1.test.com');
  await submit(ca, 'node2.test.com');
  await submit(ca, 'alt.test.com', ['www.test.com']);
  const list = kuroko(['cert', 'list', ...cert]);
  assert.equal(list.status, 0, list.stderr);
  const lines = list.stdout.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1], /^ {2}"node1\.test\.com" \(SHA256\) ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.match(lines[0], /"alt\.test\.com" .*\(alt names: "DNS:alt\.test\.com", "DNS:www\.test\.com"\)/);
  assert.equal(kuroko(['cert', 'sign', 'node1.test.com', ...cert]).status, 0);
  const altRefused = kuroko(['cert', 'sign', 'alt.test.com', ...cert]);
  assert.notEqual(altRefused.status, 0);
  assert.match(altRefused.stderr, /--allow-dns-alt-names/);
  assert.equal(kuroko(['cert', 'sign', '--allow-dns-alt-names', 'alt.test.com', ...cert]).status, 0);
  const all = kuroko(['cert', 'list', '--all', ...cert]).stdout;
  assert.match(all, /^\+ "node1\.test\.com"/m);
  assert.match(all, /^\+ "puppet\.test" .*"IP:127\.0\.0\.1"/m);
  assert.match(all, /^ {2}"node2\.test\.com"/m);
  assert.equal(kuroko(['cert', 'sign', '--all', ...cert]).status, 0);
  assert.equal(kuroko(['cert', 'list', ...cert]).stdout.trim(), '');
  assert.equal(kuroko(['cert', 'revoke', 'node2.test.com', ...cert]).status, 0);
  assert.match(kuroko(['cert', 'list', '--all', ...cert]).stdout, /^- "node2\.test\.com" .*\(certificate revoked\)/m);
  const fp = kuroko(['cert', 'fingerprint', 'node1.test.com', ...cert]);
  assert.match(fp.stdout, /^node1\.test\.com \(SHA256\) ([0-9A-F]{2}:){31}[0-9A-F]{2}$/m);
  assert.match(kuroko(['cert', 'print', 'node1.test.com', ...cert]).stdout, /Subject: CN=node1\.test\.com/);
  const gen = kuroko(['cert', 'generate', 'pre.test.com', '--dns_alt_names', 'pre-alias.test.com', ...cert]);
  assert.equal(gen.status, 0, gen.stderr);
  assert.equal(statSync(join(dir, 'ssl/private_keys/pre.test.com.pem')).mode & 0o777, 0o600);
  assert.equal(kuroko(['cert', 'clean', 'node1.test.com', ...cert]).status, 0);
  assert.ok(!existsSync(join(dir, 'ssl/ca/signed/node1.test.com.pem')));
  const again = kuroko(['cert', 'clean', 'node1.test.com', ...cert]);
  assert.notEqual(again.status, 0);
  const bad = kuroko(['cert', 'sign', ...cert]);
  assert.equal(bad.status, 2);
  const badName = kuroko(['cert', 'sign', '../../etc', ...cert]);
  assert.notEqual(badName.status, 0);
  assert.match(badName.stderr, /Invalid certname/);
});

test('puppetserver dialect: ca list (text, json, --all, --expiring), sign, revoke, clean, generate', async () => {
  const dir = tempDir();
  const base = ['--confdir', dir, '--vardir', join(dir, 'var'), '--keylength', '2048'];
  assert.equal(kuroko(['ca', 'setup', '--certname', 'puppet.test', ...base]).status, 0);
  const ca = await CertificateAuthority.open(caOptions({ cadir: join(dir, 'ssl/ca'), ssldir: join(dir, 'ssl') }));
  await submit(ca, 'a.test');
  await submit(ca, 'b.test');
  const list = kuroko(['ca', 'list', ...base]);
  assert.match(list.stdout, /^Requested Certificates:\n {4}a\.test +\(SHA256\) {2}[0-9A-F:]+\n {4}b\.test/m);
  const sign = kuroko(['ca', 'sign', '--certname', 'a.test,b.test', ...base]);
  assert.equal(sign.status, 0, sign.stderr);
  assert.match(sign.stdout, /Successfully signed certificate request for a\.test/);
  assert.equal(kuroko(['ca', 'list', ...base]).stdout.trim(), 'No certificates to list');
  const json = JSON.parse(kuroko(['ca', 'list', '--all', '--format', 'json', ...base]).stdout);
  assert.deepEqual(json.signed.map((h: { name: string }) => h.name), ['a.test', 'b.test', 'puppet.test']);
  assert.equal(kuroko(['ca', 'revoke', '--certname', 'a.test', ...base]).status, 0);
  assert.match(kuroko(['ca', 'list', '--all', ...base]).stdout, /Revoked Certificates:\n {4}a\.test/);
  const exp = kuroko(['ca', 'list', '--expiring', '3650', ...base]).stdout;
  assert.match(exp, /^b\.test\texpires /m);
  assert.doesNotMatch(exp, /a\.test/, 'revoked certificates are not listed as expiring');
  assert.match(kuroko(['ca', 'list', '--expiring', '1', ...base]).stdout, /No certificates expire within 1 days/);
  assert.equal(kuroko(['ca', 'clean', '--certname', 'a.test', ...base]).status, 0);
  const gen = kuroko(['ca', 'generate', '--certname', 'g.test', '--subject-alt-names', 'g2.test', ...base]);
  assert.equal(gen.status, 0, gen.stderr);
  assert.match(gen.stdout, /Successfully saved certificate for g\.test/);
  assert.equal(kuroko(['ca', 'sign', ...base]).status, 2);
  assert.equal(kuroko(['ca', 'list', '--format', 'xml', ...base]).status, 2);
});

test('remote administration over HTTPS needs a pp_cli_auth certificate', async (t) => {
  const dir = tempDir();
  const opts = caOptions({}, dir);
  const ca = await CertificateAuthority.setup(opts);
  const srv = await startCaServer(ca);
  t.after(() => srv.close());
  await submit(ca, 'remote1.test');
  // `ca` takes --certname for its targets (as puppetserver's), so this host's own name comes from puppet.conf.
  writeFileSync(join(dir, 'puppet.conf'), '[main]\ncertname = puppet.test\n');
  const base = ['--confdir', dir, '--vardir', join(dir, 'var'), '--ca_server', '127.0.0.1', '--ca_port', String(srv.port), '--remote'];
  const list = await kurokoAsync(['cert', 'list', ...base]);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /"remote1\.test" \(SHA256\)/);
  const sign = await kurokoAsync(['cert', 'sign', 'remote1.test', ...base]);
  assert.equal(sign.status, 0, sign.stdout + sign.stderr);
  assert.equal(ca.status('remote1.test')!.state, 'signed');
  assert.ok(srv.requests.some((r) => r.method === 'PUT' && r.path === '/puppet-ca/v1/certificate_status/remote1.test'));
  const revoke = await kurokoAsync(['ca', 'revoke', '--certname', 'remote1.test', ...base]);
  assert.equal(revoke.status, 0, revoke.stderr);
  assert.equal(ca.status('remote1.test')!.state, 'revoked');
  const clean = await kurokoAsync(['ca', 'clean', '--certname', 'remote1.test', ...base]);
  assert.equal(clean.status, 0, clean.stderr);
  assert.equal(ca.status('remote1.test'), undefined);
  // An ordinary agent certificate (no pp_cli_auth) is refused.
  await ca.generate('plain.test');
  const refused = await kurokoAsync(['cert', 'list', '--all', ...base, '--certname', 'plain.test']);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /403|Forbidden/);
});

test('kuroko ssl bootstrap, verify, show and clean on an agent', async (t) => {
  const ca = await CertificateAuthority.setup(caOptions({ autosign: 'true' }));
  const srv = await startCaServer(ca);
  t.after(() => srv.close());
  const dir = tempDir();
  const base = ['--confdir', dir, '--vardir', join(dir, 'var'), '--certname', 'agent.test', '--ca_server', '127.0.0.1', '--ca_port', String(srv.port), '--keylength', '2048'];
  writeFileSync(join(dir, 'csr_attributes.yaml'), 'extension_requests:\n  pp_role: app\n');
  const boot = await kurokoAsync(['ssl', 'bootstrap', ...base]);
  assert.equal(boot.status, 0, boot.stderr);
  assert.match(boot.stdout, /Completed SSL initialization for agent\.test/);
  assert.equal(ca.status('agent.test')!.state, 'signed');
  const verify = kuroko(['ssl', 'verify', ...base]);
  assert.equal(verify.status, 0, verify.stderr);
  assert.match(verify.stdout, /Verified client certificate 'CN=agent\.test' fingerprint \(SHA256\)/);
  assert.match(kuroko(['ssl', 'show', ...base]).stdout, /1\.3\.6\.1\.4\.1\.34380\.1\.1\.13/);
  const clean = kuroko(['ssl', 'clean', ...base]);
  assert.equal(clean.status, 0);
  assert.ok(!existsSync(join(dir, 'ssl/private_keys/agent.test.pem')));
  assert.ok(existsSync(join(dir, 'ssl/certs/ca.pem')), 'the CA certificate stays without --localca');
  const noCert = kuroko(['ssl', 'verify', ...base]);
  assert.notEqual(noCert.status, 0);
  assert.match(noCert.stderr, /missing/);
  kuroko(['ssl', 'clean', '--localca', ...base]);
  assert.ok(!existsSync(join(dir, 'ssl/certs/ca.pem')));
  // A bad csr_attributes.yaml names the file and line.
  writeFileSync(join(dir, 'csr_attributes.yaml'), 'extension_requests:\n  pp_role: [a, b]\n');
  const bad = await kurokoAsync(['ssl', 'bootstrap', ...base.map((a) => (a === 'agent.test' ? 'agent2.test' : a))]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /extension_requests\.pp_role/);
  assert.ok(readFileSync(join(dir, 'csr_attributes.yaml'), 'utf8'));
});
