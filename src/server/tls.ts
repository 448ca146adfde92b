// Who is asking: the client certificate of a TLS connection, verified by
// OpenSSL against our CA (and CRL) during the handshake, then checked on
// every request against the CRL currently loaded, so that a certificate
// revoked while the server runs is refused at once, on kept-alive and
// resumed connections alike. Puppet extensions are decoded for auth rules
// and $trusted.
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import * as x509 from '../ca/x509.js';
import { KurokoError } from '../util/diagnostic.js';
import { shortName, isPuppetExtension } from '../ca/oids.js';
import type { ClientIdentity } from './http-types.js';

/** The PEM material the HTTPS service needs. */
export interface TlsMaterial {
  /** The server's private key. */
  key: string;
  /** The server's certificate (its chain may follow). */
  cert: string;
  /** The CA certificate(s) client certificates must chain to. */
  ca: string;
  /** The CRL chain; revoked client certificates are refused. */
  crl?: string;
}

const PEM_RE = (label: string) => new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, 'g');

export function pemBlocksOf(text: string, label: string): string[] {
  return text.match(PEM_RE(label)) ?? [];
}

/** Serial numbers revoked by each issuer (by issuer DN), upper-case hex without leading zeros. */
export class RevocationList {
  private byIssuer = new Map<string, Set<string>>();
  readonly count: number;

  constructor(crlPem: string | undefined) {
    let n = 0;
    for (const block of pemBlocksOf(crlPem ?? '', 'X509 CRL')) {
      let crl: x509.X509Crl;
      try { crl = new x509.X509Crl(block); } catch (e) {
        throw new KurokoError(`Invalid CRL: ${(e as Error).message}`, { code: 'KUR0630', field: 'crl' });
      }
      const set = this.byIssuer.get(crl.issuer) ?? new Set<string>();
      for (const entry of crl.entries) { set.add(normaliseSerial(entry.serialNumber)); n++; }
      this.byIssuer.set(crl.issuer, set);
    }
    this.count = n;
  }

  isRevoked(issuer: string, serialHex: string): boolean {
    const s = normaliseSerial(serialHex);
    const set = this.byIssuer.get(issuer);
    if (set) return set.has(s);
    // Issuer names may be rendered differently by the two parsers; fall back to any issuer.
    for (const other of this.byIssuer.values()) if (other.has(s)) return true;
    return false;
  }
}

export function normaliseSerial(s: string): string {
  return s.replace(/:/g, '').replace(/^0+(?=.)/, '').toUpperCase();
}

/** Decodes a DER string value (UTF8String, PrintableString, IA5String, …); other values as hex. */
function derString(raw: ArrayBuffer): string {
  const b = Buffer.from(raw);
  if (b.length >= 2 && [0x0c, 0x13, 0x16, 0x14, 0x1a, 0x1e].includes(b[0])) {
    let len = b[1];
    let off = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n && off < b.length; i++) len = len * 256 + b[off++];
    }
    if (off + len <= b.length) return b[0] === 0x1e ? b.subarray(off, off + len).swap16().toString('utf16le') : b.subarray(off, off + len).toString('utf8');
  }
  return b.toString('hex');
}

export interface CertDetails {
  certname: string;
  extensions: Record<string, string>;
  issuer: string;
  serial: string;
}

/** CN, issuer, serial and Puppet extensions of a certificate (DER). */
export function certDetails(der: Buffer): CertDetails {
  const cert = new x509.X509Certificate(der);
  const extensions: Record<string, string> = {};
  for (const ext of cert.extensions) {
    if (isPuppetExtension(ext.type)) extensions[shortName(ext.type)] = derString(ext.value);
  }
  return { certname: cert.subjectName.getField('CN')[0] ?? '', extensions, issuer: cert.issuer, serial: normaliseSerial(cert.serialNumber) };
}

/**
 * Resolves and caches client identities. The handshake's verdict
 * (socket.authorized) covers chain and expiry against the CA; the CRL check
 * here runs per request so that a new CRL applies without a restart.
 */
export class IdentityResolver {
  private cache = new Map<string, CertDetails>(); // by SHA-256 fingerprint
  private revocations: RevocationList;

  constructor(crlPem: string | undefined, private readonly maxCache = 10_000) {
    this.revocations = new RevocationList(crlPem);
  }

  setCrl(crlPem: string | undefined): void {
    this.revocations = new RevocationList(crlPem);
  }

  identify(socket: TLSSocket): ClientIdentity {
    let cert: X509Certificate | undefined;
    try { cert = socket.getPeerX509Certificate(); } catch { cert = undefined; }
    if (!cert) return { authenticated: false, extensions: {} };
    let details = this.cache.get(cert.fingerprint256);
    if (!details) {
      try { details = certDetails(cert.raw); } catch { return { authenticated: false, extensions: {} }; }
      if (this.cache.size >= this.maxCache) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(cert.fingerprint256, details);
    }
    const verified = socket.authorized === true && !this.revocations.isRevoked(details.issuer, details.serial);
    if (!verified) return { authenticated: false, extensions: {} };
    return { certname: details.certname, authenticated: true, extensions: details.extensions, certificate: cert };
  }
}
