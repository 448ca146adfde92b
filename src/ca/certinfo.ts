// What the CA and the CLI need to know about an issued certificate: name,
// serial, validity, fingerprints, SANs and Puppet extensions.
import * as x509 from './x509.js';
import { KurokoError } from '../util/diagnostic.js';
import { decodeDerString } from './der.js';
import { fingerprints, pemToDer } from './fingerprint.js';
import { formatGeneralName, type ExtensionValue } from './csr.js';
import { OID_SAN, isPuppetExtension, shortName } from './oids.js';

export interface CertInfo {
  pem: string;
  der: Buffer;
  name: string;
  subject: string;
  issuer: string;
  serial: bigint;
  /** Upper-case hex, no leading zeros (as OpenSSL shows it and the CRL is matched). */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint: string;
  fingerprints: { default: string; SHA1: string; SHA256: string; SHA512: string };
  subjectAltNames: string[];
  /** pp_* extensions (registered, private and authorization). */
  puppetExtensions: ExtensionValue[];
  certificate: x509.X509Certificate;
}

export function parseCertificate(pem: string, certname?: string): CertInfo {
  let cert: x509.X509Certificate;
  let der: Buffer;
  try {
    der = pemToDer(pem);
    cert = new x509.X509Certificate(der);
  } catch (e) {
    throw new KurokoError(`Invalid certificate${certname ? ` for ${certname}` : ''}: ${(e as Error).message}`, { code: 'KUR0912', node: certname });
  }
  const subjectAltNames: string[] = [];
  const puppetExtensions: ExtensionValue[] = [];
  for (const ext of cert.extensions) {
    if (ext.type === OID_SAN) {
      for (const g of new x509.SubjectAlternativeNameExtension(ext.rawData).names.items) subjectAltNames.push(formatGeneralName(g));
    } else if (isPuppetExtension(ext.type)) {
      puppetExtensions.push({ oid: ext.type, name: shortName(ext.type), critical: ext.critical, value: decodeDerString(ext.value) });
    }
  }
  const serial = BigInt('0x' + (cert.serialNumber || '0'));
  return {
    pem, der, name: cert.subjectName.getField('CN')[0] ?? '', subject: cert.subject, issuer: cert.issuer,
    serial, serialHex: serial.toString(16).toUpperCase(), notBefore: cert.notBefore, notAfter: cert.notAfter,
    fingerprint: fingerprints(der).SHA256, fingerprints: fingerprints(der), subjectAltNames, puppetExtensions, certificate: cert,
  };
}

/** Normalises a serial given as hex (any case, optional 0x / colons) for comparisons. */
export function normaliseSerialHex(s: string): string {
  const hex = s.replace(/^0x/i, '').replace(/:/g, '').replace(/^0+(?=.)/, '').toUpperCase();
  return hex;
}
