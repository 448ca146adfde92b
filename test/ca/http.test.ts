// The /puppet-ca/v1 handlers, called directly and over real HTTPS with the
// agent's bootstrap, mutual TLS, revocation without restart and renewal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { caOptions, startCaServer } from './helpers.js';
import { CertificateAuthority } from '../../src/ca/index.js';
import { handleCaRequest } from '../../src/ca/http.js';
import { generateKeyPair } from '../../src/ca/keys.js';
import { createCsr } from '../../src/ca/csr.js';
import type { ApiRequest, ClientIdentity } from '../../src/server/http-types.js';
import { SslBootstrap, clientOptions, type SslOptions } from '../../src/agent/ssl.js';
import { HttpClient, PUPPET_VERSION } from '../../src/agent/http.js';

const anon: ClientIdentity = { authenticated: false, extensions: {} };
function req(method: string, path: string, body = '', extra: Partial<ApiRequest> = {}): ApiRequest {
  const u = new URL(path, 'https://x');
  return { method, path: decodeURIComponent(u.pathname), rawPath: u.pathname, query: u.searchParams, headers: {}, body: Buffer.from(body), client: anon, ...extra };
}
async function csr(name: string, dnsAltNames?: string[]) {
  const { privateKey } = await generateKeyPair({ bits: 2048 });
  return createCsr({ certname: name, privateKey, dnsAltNames });
}
function agentOptions(port: number, certname: string, overrides: Partial<SslOptions> = {}): SslOptions {
  const dir = tempDir('kuroko-agent-');
  return {
    ssldir: join(dir, 'ssl'), certname, caServer: '127.0.0.1', caPort: port, keyType: 'rsa', keyLength: 2048, dnsAltNames: [],
    csrAttributes: join(dir, 'csr_attributes.yaml'), waitforcert: 0, certificateRevocation: 'chain',
    caRefreshSeconds: 86400, crlRefreshSeconds: 86400, renewalSeconds: 30 * 86400, connectTimeoutMs: 5000, readTimeoutMs: 10000, ...overrides,
  };
}

test('handleCaRequest: endpoints, status codes and bodies as puppetserver answers', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  assert.equal(await handleCaRequest(ca, req('GET', '/puppet/v3/catalog/x')), undefined);
  const caCert = (await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate/ca')))!;
  assert.equal(caCert.status, 200);
  assert.equal(caCert.headers!['Content-Type'], 'text/plain');
  assert.equal(caCert.body, ca.caCertificatePem());
  const later = new Date(Date.parse(caCert.headers!['Last-Modified']) + 1000).toUTCString();
  const notMod = (await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate/ca', '', { headers: { 'if-modified-since': later } })))!;
  assert.equal(notMod.status, 304);
  const sameSecond = (await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate/ca', '', { headers: { 'if-modified-since': caCert.headers!['Last-Modified'] } })))!;
  assert.equal(sameSecond.status, 200, 'a change within the same second is never hidden');
  assert.equal((await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate/nobody.test')))!.status, 404);
  assert.equal((await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate/Bad..Name')))!.status, 400);
  assert.equal((await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate/..%2f..%2fetc%2fpasswd')))!.status, 400);
  assert.equal((await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate_revocation_list/ca')))!.status, 200);
  assert.equal((await handleCaRequest(ca, req('POST', '/puppet-ca/v1/certificate/ca')))!.status, 405);

  // CSR submission: 200 empty, 400 text on any rule.
  const pem = await csr('n1.test');
  const put = (await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_request/n1.test', pem)))!;
  assert.equal(put.status, 200);
  const mismatch = (await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_request/n2.test', pem)))!;
  assert.equal(mismatch.status, 400);
  assert.match(String(mismatch.body), /does not match/);
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_request/n3.test', 'x'.repeat(70000))))!.status, 400);
  assert.equal((await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate_request/n1.test')))!.body, pem);

  // Status objects.
  const st = (await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate_status/n1.test')))!;
  const host = JSON.parse(String(st.body));
  assert.equal(host.state, 'requested');
  assert.match(host.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.deepEqual(Object.keys(host.fingerprints).sort(), ['SHA1', 'SHA256', 'SHA512', 'default']);
  const all = JSON.parse(String((await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate_statuses/any?state=requested')))!.body));
  assert.deepEqual(all.map((h: { name: string }) => h.name), ['n1.test']);
  assert.equal((await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate_statuses/any?state=bogus')))!.status, 400);
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_status/n1.test', '{bad json')))!.status, 400);
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_status/n1.test', '{"desired_state":"frozen"}')))!.status, 400);
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_status/n1.test', '{"desired_state":"signed","cert_ttl":"x"}')))!.status, 400);
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_status/n1.test', '{"desired_state":"signed","cert_ttl":86400}')))!.status, 204);
  const signed = JSON.parse(String((await handleCaRequest(ca, req('GET', '/puppet-ca/v1/certificate_status/n1.test')))!.body));
  assert.equal(signed.state, 'signed');
  assert.ok(Date.parse(signed.not_after.replace('UTC', 'Z')) - Date.now() < 2 * 86400000, 'cert_ttl applied');
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_status/none.test', '{"desired_state":"signed"}')))!.status, 409);
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_status/n1.test', '{"desired_state":"revoked"}')))!.status, 204);
  assert.equal(ca.status('n1.test')!.state, 'revoked');

  // Bulk signing.
  await ca.submitRequest('a.test', await csr('a.test'));
  await ca.submitRequest('b.test', await csr('b.test', ['alias.test']));
  const sign = JSON.parse(String((await handleCaRequest(ca, req('POST', '/puppet-ca/v1/sign', JSON.stringify({ certnames: ['a.test', 'b.test', 'c.test'] }))))!.body));
  assert.deepEqual(sign, { signed: ['a.test'], 'no-csr': ['c.test'], 'signing-errors': ['b.test'] });
  assert.equal((await handleCaRequest(ca, req('POST', '/puppet-ca/v1/sign', '{"names":[]}')))!.status, 422);
  await ca.submitRequest('d.test', await csr('d.test'));
  const signAll = JSON.parse(String((await handleCaRequest(ca, req('POST', '/puppet-ca/v1/sign/all')))!.body));
  assert.deepEqual(signAll, { signed: ['d.test'], 'no-csr': [], 'signing-errors': ['b.test'] });

  // Clean.
  const clean = (await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/clean', JSON.stringify({ certnames: ['a.test', 'gone.test'] }))))!;
  assert.equal(clean.status, 200);
  assert.match(String(clean.body), /gone\.test/);
  assert.equal(ca.status('a.test'), undefined);
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/clean', JSON.stringify({ certnames: ['x.test'], async: true }))))!.status, 400);
  assert.equal((await handleCaRequest(ca, req('DELETE', '/puppet-ca/v1/certificate_status/d.test')))!.status, 204);
  assert.equal((await handleCaRequest(ca, req('DELETE', '/puppet-ca/v1/certificate_request/b.test')))!.status, 204);
  assert.equal((await handleCaRequest(ca, req('DELETE', '/puppet-ca/v1/certificate_request/b.test')))!.status, 404);

  // CRL update: a newer CRL of this CA is taken; an older one is ignored; a foreign one refused.
  const current = ca.crlPem();
  const other = await CertificateAuthority.setup(caOptions());
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_revocation_list', other.crlPem())))!.status, 400);
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_revocation_list', 'junk')))!.status, 400);
  const twin = await CertificateAuthority.open(ca.options);
  await twin.refreshCrl(true);
  const newer = twin.crlPem();
  writeFileSync(ca.paths.caCrl, current); // as if this instance had missed the newer one
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_revocation_list', newer)))!.status, 200);
  assert.equal(ca.crlPem(), newer);
  assert.equal((await handleCaRequest(ca, req('PUT', '/puppet-ca/v1/certificate_revocation_list', current)))!.status, 200);
  assert.equal(ca.crlPem(), newer, 'an older CRL does not replace a newer one');

  const exp = JSON.parse(String((await handleCaRequest(ca, req('GET', '/puppet-ca/v1/expirations')))!.body));
  assert.deepEqual(Object.keys(exp).sort(), ['ca-certs', 'crls']);
  assert.equal((await handleCaRequest(ca, req('POST', '/puppet-ca/v1/certificate_renewal')))!.status, 400);
});

test('agent bootstrap over HTTPS: CA cert, CRL, key, CSR, autosigned certificate, Puppet headers', async (t) => {
  const ca = await CertificateAuthority.setup(caOptions({ autosign: 'true' }));
  const srv = await startCaServer(ca);
  t.after(() => srv.close());
  const o = agentOptions(srv.port, 'agent1.test');
  writeFileSync(o.csrAttributes, 'custom_attributes:\n  challengePassword: "s3cret"\nextension_requests:\n  pp_role: web\n  pp_environment: production\n');
  const ctx = await new SslBootstrap(o).run();
  assert.equal(ctx.certificate.name, 'agent1.test');
  assert.deepEqual(ctx.certificate.puppetExtensions.map((e) => [e.name, e.value]), [['pp_role', 'web'], ['pp_environment', 'production']]);
  const ssldir = o.ssldir;
  for (const f of ['certs/ca.pem', 'crl.pem', 'certs/agent1.test.pem', 'private_keys/agent1.test.pem', 'public_keys/agent1.test.pem']) assert.ok(existsSync(join(ssldir, f)), f);
  assert.equal(statSync(join(ssldir, 'private_keys/agent1.test.pem')).mode & 0o777, 0o600);
  assert.ok(srv.requests.every((r) => r.headers['x-puppet-version'] === PUPPET_VERSION && /^Puppet\//.test(String(r.headers['user-agent']))));
  assert.deepEqual(srv.requests.map((r) => `${r.method} ${r.path}`), [
    'GET /puppet-ca/v1/certificate/ca', 'GET /puppet-ca/v1/certificate_revocation_list/ca',
    'GET /puppet-ca/v1/certificate/agent1.test', 'PUT /puppet-ca/v1/certificate_request/agent1.test', 'GET /puppet-ca/v1/certificate/agent1.test',
  ]);
  // A second run uses what is on disk.
  const n = srv.requests.length;
  await new SslBootstrap(o).run();
  assert.equal(srv.requests.length, n);
  // Mutual TLS works with what bootstrap produced.
  const client = new HttpClient(clientOptions(ctx, o));
  t.after(() => client.close());
  const exp = await client.getJson<Record<string, unknown>>(`${srv.url}/puppet-ca/v1/expirations`);
  assert.ok(exp['ca-certs']);
});

test('waitforcert 0 exits with Puppet\'s message; after signing, bootstrap completes', async (t) => {
  const ca = await CertificateAuthority.setup(caOptions());
  const srv = await startCaServer(ca);
  t.after(() => srv.close());
  const o = agentOptions(srv.port, 'wait.test');
  await assert.rejects(new SslBootstrap(o).run(), /Couldn't fetch certificate from CA server; you might still need to sign this agent's certificate \(wait\.test\)\. Exiting now because the waitforcert setting is set to 0\./);
  assert.equal(ca.status('wait.test')!.state, 'requested');
  await ca.sign('wait.test');
  const ctx = await new SslBootstrap(o).run();
  assert.equal(ctx.certificate.name, 'wait.test');
});

test('waitforcert polls until the certificate is signed', async (t) => {
  const ca = await CertificateAuthority.setup(caOptions());
  const srv = await startCaServer(ca);
  t.after(() => srv.close());
  const o = agentOptions(srv.port, 'poll.test', { waitforcert: 0.2 });
  const run = new SslBootstrap(o).run();
  for (let i = 0; i < 100 && ca.status('poll.test')?.state !== 'requested'; i++) await new Promise((r) => setTimeout(r, 50));
  await ca.sign('poll.test');
  assert.equal((await run).certificate.name, 'poll.test');
});

test('mismatches stop with the cause and the remedy instead of a TLS failure', async (t) => {
  const ca = await CertificateAuthority.setup(caOptions({ autosign: 'true' }));
  const srv = await startCaServer(ca);
  t.after(() => srv.close());
  const o = agentOptions(srv.port, 'mis.test');
  await new SslBootstrap(o).run();
  // The agent was reinstalled: new key, but the CA still holds the old certificate.
  new SslBootstrap(o).clean();
  await assert.rejects(new SslBootstrap(o).run(), (e: Error) => /does not match the agent's private key/.test(e.message) && /kuroko ssl clean/.test(e.message) && /kuroko cert clean mis\.test/.test(e.message));
  // The key on disk does not match the certificate on disk.
  const o2 = agentOptions(srv.port, 'mis2.test');
  await new SslBootstrap(o2).run();
  const { privateKeyPem } = await import('../../src/ca/keys.js');
  writeFileSync(join(o2.ssldir, 'private_keys/mis2.test.pem'), privateKeyPem((await generateKeyPair({ bits: 2048 })).privateKey), { mode: 0o600 });
  await assert.rejects(new SslBootstrap(o2).run(), (e: Error) => /does not match its private key/.test(e.message) && /kuroko cert clean mis2\.test/.test(e.message));
  // The CA was rebuilt: the agent's CA certificate no longer matches the server's.
  const o3 = agentOptions(srv.port, 'mis3.test');
  await new SslBootstrap(o3).run();
  const rebuilt = await CertificateAuthority.setup(caOptions({ autosign: 'true' }));
  const srv2 = await startCaServer(rebuilt);
  t.after(() => srv2.close());
  await assert.rejects(new SslBootstrap({ ...o3, caPort: srv2.port, caRefreshSeconds: 0 }).run(), (e: Error) => /not issued by our CA/.test(e.message) && /kuroko ssl clean/.test(e.message));
  // A revoked certificate is named as such.
  const o4 = agentOptions(srv.port, 'mis4.test');
  await new SslBootstrap(o4).run();
  await ca.revoke('mis4.test');
  await assert.rejects(new SslBootstrap({ ...o4, crlRefreshSeconds: 0 }).run(), /has been revoked/);
});

test('a revoked client is refused without a restart, on kept-alive, new and resumed connections', async (t) => {
  const ca = await CertificateAuthority.setup(caOptions({ autosign: 'true' }));
  const srv = await startCaServer(ca);
  t.after(() => srv.close());
  const o = agentOptions(srv.port, 'rev.test');
  const ctx = await new SslBootstrap(o).run();
  const client = new HttpClient(clientOptions(ctx, o));
  t.after(() => client.close());
  const url = `${srv.url}/puppet-ca/v1/expirations`;
  assert.equal((await client.get(url)).status, 200);
  // A plain agent that caches TLS sessions: the second request tries to resume the first's session.
  const https = await import('node:https');
  const resumer = new https.Agent({ keepAlive: false, ca: ctx.ca, cert: ctx.cert, key: ctx.key, maxCachedSessions: 10 });
  const once = () => new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
    const r = https.get(url, { agent: resumer }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: (r.socket as import('node:tls').TLSSocket).isSessionReused() }));
    });
    r.on('error', reject);
  });
  assert.equal((await once()).status, 200);
  const second = await once();
  assert.equal(second.status, 200);
  await ca.revoke('rev.test');
  const resumed = await once();
  assert.equal(resumed.status, 403, 'a resumed session of a revoked certificate is refused');
  assert.equal(resumed.reused, false, 'the old session is not resumed after the CRL changed');
  assert.equal((await client.get(url)).status, 403, 'the kept-alive connection is refused');
  const fresh = new HttpClient(clientOptions(ctx, o));
  t.after(() => fresh.close());
  assert.equal((await fresh.get(url)).status, 403, 'a new connection is refused');
  // Other clients are unaffected.
  const o2 = agentOptions(srv.port, 'ok.test');
  const ctx2 = await new SslBootstrap(o2).run();
  const ok = new HttpClient(clientOptions(ctx2, o2));
  t.after(() => ok.close());
  assert.equal((await ok.get(url)).status, 200);
});

test('renewal over HTTPS replaces the certificate, same key, new serial', async (t) => {
  const ca = await CertificateAuthority.setup(caOptions({ autosign: 'true' }));
  const srv = await startCaServer(ca);
  t.after(() => srv.close());
  const o = agentOptions(srv.port, 'ren.test');
  const boot = new SslBootstrap(o);
  const ctx = await boot.run();
  const same = await boot.renewIfDue(ctx);
  assert.equal(same.certificate.serial, ctx.certificate.serial, 'not due: unchanged');
  const renewed = await boot.renewIfDue(ctx, true);
  assert.ok(renewed.certificate.serial > ctx.certificate.serial);
  assert.equal(readFileSync(join(o.ssldir, 'certs/ren.test.pem'), 'utf8'), renewed.cert);
  // Due by hostcert_renewal_interval: longer than the certificate's life means renew now.
  const due = await new SslBootstrap({ ...o, renewalSeconds: 10 * 365 * 86400 }).run();
  assert.ok(due.certificate.serial > renewed.certificate.serial);
});
