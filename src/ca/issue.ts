// Building what the CA signs besides node certificates (those are in
// tbs.ts): its own self-signed certificate and CRLs. Pure functions over
// keys; the files are index.ts's business.
import type { KeyObject, webcrypto } from 'node:crypto';
import * as x509 from './x509.js';
import { derInteger, ia5String } from './der.js';
import { signingAlgorithm } from './keys.js';
import { OID_CRL_NUMBER, OID_NETSCAPE_COMMENT } from './oids.js';

export const NETSCAPE_COMMENT = 'Puppet Server Internal Certificate';
/** Certificates start a day early, as puppetserver's do, so that clock skew does not make them "not yet valid". */
export const BACKDATE_MS = 24 * 3600 * 1000;

/** Hex serial as x509 wants it: even length, non-negative. */
export function serialHex(serial: bigint): string {
  let h = serial.toString(16);
  if (h.length % 2) h = '0' + h;
  if (parseInt(h[0], 16) >= 8) h = '00' + h;
  return h;
}

export interface CaSigner {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  key: KeyObject;
  /** The CA's subject key identifier (hex), used as every issued certificate's AKI. */
  keyId: string;
}

export async function createCaCertificate(opts: { name: string; key: KeyObject; keys: webcrypto.CryptoKeyPair; ttlSeconds: number; serial: bigint; now?: Date }): Promise<x509.X509Certificate> {
  const now = opts.now ?? new Date();
  const ski = await x509.SubjectKeyIdentifierExtension.create(opts.keys.publicKey);
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialHex(opts.serial),
    name: [{ CN: [opts.name] }],
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + opts.ttlSeconds * 1000),
    keys: opts.keys,
    signingAlgorithm: signingAlgorithm(opts.key),
    extensions: [
      new x509.Extension(OID_NETSCAPE_COMMENT, false, ia5String(NETSCAPE_COMMENT)),
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ski,
      new x509.AuthorityKeyIdentifierExtension(ski.keyId),
    ],
  });
}

export interface RevokedEntry { serial: bigint; date: Date }

export async function createCrl(ca: CaSigner, o: { number: bigint; entries: RevokedEntry[]; ttlSeconds: number; now?: Date }): Promise<x509.X509Crl> {
  const now = o.now ?? new Date();
  return x509.X509CrlGenerator.create({
    issuer: ca.cert.subjectName,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + o.ttlSeconds * 1000),
    signingKey: ca.keys.privateKey,
    signingAlgorithm: signingAlgorithm(ca.key),
    extensions: [
      new x509.Extension(OID_CRL_NUMBER, false, derInteger(o.number)),
      new x509.AuthorityKeyIdentifierExtension(ca.keyId),
    ],
    entries: o.entries.map((e) => ({ serialNumber: serialHex(e.serial), revocationDate: e.date })),
  });
}

