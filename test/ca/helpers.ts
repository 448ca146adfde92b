// Test helpers for the CA: options in a temp dir, and a small real HTTPS
// server (127.0.0.1, port 0) that mounts handleCaRequest with the CA's own
// certificates, enforcing the CA part of Puppet's default auth rules.
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { CertificateAuthority, type CaOptions } from '../../src/ca/index.js';
import { handleCaRequest } from '../../src/ca/http.js';
import { parseCertificate } from '../../src/ca/certinfo.js';
import type { ApiRequest, ClientIdentity } from '../../src/server/http-types.js';

export function caOptions(overrides: Partial<CaOptions> = {}, dir = tempDir('kuroko-ca-')): CaOptions {
  return {
    cadir: join(dir, 'ssl', 'ca'), ssldir: join(dir, 'ssl'), certname: 'puppet.test', caName: 'Puppet CA: puppet.test',
    keyType: 'rsa', keyLength: 2048, caTtlSeconds: 5 * 365 * 86400, autosign: 'false',
    allowDuplicateCerts: false, allowSubjectAltNames: false, allowAuthorizationExtensions: false,
    dnsAltNames: ['localhost', 'IP:127.0.0.1'], ...overrides,
  };
}

export interface TestCaServer { url: string; port: number; close(): Promise<void>; requests: { method: string; path: string; headers: Record<string, unknown> }[] }

function identity(ca: CertificateAuthority, sock: TLSSocket): ClientIdentity {
  const peer = sock.getPeerX509Certificate();
  if (!peer || !sock.authorized || ca.isRevoked(peer.serialNumber)) return { authenticated: false, extensions: {} };
  const info = parseCertificate(peer.toString());
  return { authenticated: true, certname: info.name, certificate: peer, extensions: Object.fromEntries(info.puppetExtensions.map((e) => [e.name, e.value])) };
}

/** Puppet's default auth.conf, CA part: admin endpoints need pp_cli_auth, renewal/expirations a certificate. */
function allowed(req: ApiRequest): boolean {
  const p = req.path.slice('/puppet-ca/v1/'.length);
  if (/^(certificate_status|certificate_statuses|clean|sign)(\/|$)/.test(p) || (p.startsWith('certificate_revocation_list') && req.method === 'PUT')) {
    return req.client.authenticated && req.client.extensions.pp_cli_auth === 'true';
  }
  if (p.startsWith('certificate_renewal') || p.startsWith('expirations')) return req.client.authenticated;
  return true;
}

export async function startCaServer(ca: CertificateAuthority): Promise<TestCaServer> {
  const id = await ca.ensureServerIdentity();
  const requests: TestCaServer['requests'] = [];
  const server = https.createServer({ key: id.key, cert: id.cert, ca: id.ca, crl: ca.crlPem(), requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => { size += c.length; if (size <= 1 << 20) chunks.push(c); });
    req.on('end', async () => {
      const u = new URL(req.url ?? '/', 'https://x');
      const api: ApiRequest = {
        method: req.method ?? 'GET', path: decodeURIComponent(u.pathname), rawPath: u.pathname, query: u.searchParams,
        headers: req.headers, body: Buffer.concat(chunks), client: identity(ca, req.socket as TLSSocket),
      };
      requests.push({ method: api.method, path: api.path, headers: req.headers });
      if (size > 1 << 20) { res.writeHead(413); res.end('too large'); return; }
      if (!allowed(api)) { res.writeHead(403, { 'Content-Type': 'text/plain' }); res.end(`Forbidden request: ${api.path}`); return; }
      const r = (await handleCaRequest(ca, api)) ?? { status: 404, body: 'not found' };
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    });
  });
  // A changed CRL takes effect at once: a new secure context (new session ticket keys, so no old session resumes).
  const onCrl = (pem: string) => server.setSecureContext({ key: id.key, cert: id.cert, ca: id.ca, crl: pem });
  ca.on('crl', onCrl);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`, port, requests,
    close: () => new Promise<void>((r) => { ca.off('crl', onCrl); server.closeAllConnections(); server.close(() => r()); }),
  };
}
