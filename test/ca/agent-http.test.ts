// The agent's HTTPS client against a real TLS server with CA-issued
// certificates: verification, Puppet's headers, gzip, JSON, limits, timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { caOptions } from './helpers.js';
import { CertificateAuthority } from '../../src/ca/index.js';
import { HttpClient, HttpError, PUPPET_VERSION } from '../../src/agent/http.js';

test('HttpClient: verified TLS, client certificate, Puppet headers, gzip, JSON, errors, limits and timeouts', async (t) => {
  const ca = await CertificateAuthority.setup(caOptions());
  const id = await ca.ensureServerIdentity();
  const agent = await ca.generate('client.test');
  const { readFileSync } = await import('node:fs');
  const clientKey = readFileSync(agent.keyPath, 'utf8');
  const seen: Record<string, string | undefined>[] = [];
  const server = https.createServer({ key: id.key, cert: id.cert, ca: id.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerX509Certificate();
    seen.push({ version: req.headers['x-puppet-version'] as string, ua: req.headers['user-agent'], enc: req.headers['accept-encoding'] as string, peer: peer?.subject });
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const u = new URL(req.url!, 'https://x');
      if (u.pathname === '/gzip') { res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' }); res.end(gzipSync(JSON.stringify({ hello: 'world', q: u.searchParams.getAll('q') }))); return; }
      if (u.pathname === '/echo') { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(Buffer.concat(body)); return; }
      if (u.pathname === '/error') { res.writeHead(404, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ message: 'Not Found: no such thing', issue_kind: 'RESOURCE_NOT_FOUND' })); return; }
      if (u.pathname === '/big') { res.writeHead(200); res.end(Buffer.alloc(4096)); return; }
      if (u.pathname === '/slow') { setTimeout(() => { try { res.end('late'); } catch { /* closed */ } }, 2000); return; }
      res.writeHead(204); res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new HttpClient({ ca: id.ca, cert: agent.cert.pem, key: clientKey, readTimeoutMs: 500, maxResponseBytes: 1024 });
  t.after(() => client.close());

  const g = await client.getJson<{ hello: string; q: string[] }>(`${base}/gzip`, { query: { q: ['a b', 'c'] } });
  assert.deepEqual(g, { hello: 'world', q: ['a b', 'c'] });
  assert.equal(seen[0].version, PUPPET_VERSION);
  assert.match(seen[0].ua!, /^Puppet\/7/);
  assert.match(seen[0].enc!, /gzip/);
  assert.equal(seen[0].peer, 'CN=client.test', 'the client certificate was presented');
  assert.deepEqual(await client.putJson(`${base}/echo`, { a: 1 }), { a: 1 });
  assert.equal(await client.postJson(`${base}/empty`, {}), undefined);
  await assert.rejects(client.getJson(`${base}/error`), (e: unknown) => e instanceof HttpError && e.status === 404 && /Not Found: no such thing/.test(e.message));
  await assert.rejects(client.get(`${base}/big`), /larger than 1024 bytes/);
  await assert.rejects(client.get(`${base}/slow`), /No answer .* within 0.5s/);
  await assert.rejects(client.get(`http://127.0.0.1:1/`), /Only https/);
  await assert.rejects(client.get(`https://127.0.0.1:1/`), /ECONNREFUSED/);

  // Another CA's server is refused, with the remedy named.
  const other = await CertificateAuthority.setup(caOptions());
  const stranger = new HttpClient({ ca: other.caCertificatePem() });
  t.after(() => stranger.close());
  await assert.rejects(stranger.get(`${base}/gzip`), /not issued by our CA/);
  // A server whose certificate does not name the address dialled is refused.
  const noip = await ca.generate('noip.test');
  const other2 = https.createServer({ key: readFileSync(noip.keyPath, 'utf8'), cert: noip.cert.pem }, (_q, r) => r.end('x'));
  await new Promise<void>((r) => other2.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { other2.closeAllConnections(); other2.close(() => r()); }));
  const byName = new HttpClient({ ca: id.ca });
  t.after(() => byName.close());
  await assert.rejects(byName.get(`https://127.0.0.1:${(other2.address() as AddressInfo).port}/`), /Server hostname did not match/);
  assert.throws(() => new HttpClient({}), /needs the CA bundle/);
});
