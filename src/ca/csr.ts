// Certificate signing requests: made by the agent (CN = certname,
// dns_alt_names, csr_attributes.yaml), and read by the CA, which must see
// every SAN, extension request and attribute to apply its rules.
import type { KeyObject } from 'node:crypto';
import * as x509 from './x509.js';
import { KurokoError } from '../util/diagnostic.js';
import { decodeDerString, utf8String } from './der.js';
import { fingerprint, fingerprints, pemToDer } from './fingerprint.js';
import { signingAlgorithm, toCryptoKeys } from './keys.js';
import { OID_CHALLENGE_PASSWORD, OID_EXTENSION_REQUEST, OID_SAN, resolveOid, shortName } from './oids.js';

/** Largest CSR accepted (a 16384-bit RSA CSR with attributes is well below). */
export const MAX_CSR_BYTES = 64 * 1024;

export interface ExtensionValue { oid: string; name: string; critical: boolean; value: string }

export interface CsrInfo {
  pem: string;
  der: Buffer;
  /** The subject's CN. */
  name: string;
  subject: string;
  /** SANs in Puppet's spelling: "DNS:host", "IP:addr"; others as "TYPE:value". */
  subjectAltNames: string[];
  /** Extension requests other than the SAN. */
  extensions: ExtensionValue[];
  /** Attributes other than the extension request (challengePassword, custom ones). */
  attributes: { oid: string; name: string; values: string[] }[];
  fingerprint: string;
  fingerprints: ReturnType<typeof fingerprints>;
  publicKeyDer: ArrayBuffer;
  request: x509.Pkcs10CertificateRequest;
}

/** "a,IP:1.2.3.4,DNS:b" → GeneralName JSON; bare names are DNS names, as Puppet reads dns_alt_names. */
export function parseAltNames(names: string[]): x509.JsonGeneralName[] {
  return names.map((raw) => {
    const n = raw.trim();
    const m = /^(DNS|IP):(.*)$/i.exec(n);
    if (m) return { type: m[1].toUpperCase() === 'IP' ? 'ip' : 'dns', value: m[2] } as x509.JsonGeneralName;
    return { type: 'dns', value: n } as x509.JsonGeneralName;
  }).filter((g) => g.value !== '');
}

export function formatGeneralName(g: { type: string; value: string }): string {
  return `${g.type === 'dns' ? 'DNS' : g.type === 'ip' ? 'IP' : g.type.toUpperCase()}:${g.value}`;
}

export interface CreateCsrOptions {
  certname: string;
  privateKey: KeyObject;
  /** dns_alt_names; the certname itself is added to the SAN as Puppet does. */
  dnsAltNames?: string[];
  /** csr_attributes.yaml custom_attributes: short name or OID → value. */
  customAttributes?: Record<string, string>;
  /** csr_attributes.yaml extension_requests: pp_* short name or OID → value. */
  extensionRequests?: Record<string, string>;
}

const ATTRIBUTE_NAMES: Record<string, string> = { challengePassword: OID_CHALLENGE_PASSWORD, '1.2.840.113549.1.9.7': OID_CHALLENGE_PASSWORD };

export async function createCsr(opts: CreateCsrOptions): Promise<string> {
  const extensions: x509.Extension[] = [];
  if (opts.dnsAltNames?.length) {
    const names = parseAltNames([opts.certname, ...opts.dnsAltNames.filter((n) => n !== opts.certname && n !== `DNS:${opts.certname}`)]);
    extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  }
  for (const [key, value] of Object.entries(opts.extensionRequests ?? {})) {
    const oid = resolveOid(key);
    if (!oid) throw new KurokoError(`Cannot create CSR with extension request ${key}: not an OID or a known short name`, { code: 'KUR0910', field: 'extension_requests', value: key, node: opts.certname });
    extensions.push(new x509.Extension(oid, false, utf8String(String(value))));
  }
  const attributes: x509.Attribute[] = [];
  for (const [key, value] of Object.entries(opts.customAttributes ?? {})) {
    const oid = ATTRIBUTE_NAMES[key] ?? resolveOid(key);
    if (!oid) throw new KurokoError(`Cannot create CSR with attribute ${key}: not an OID or a known name`, { code: 'KUR0910', field: 'custom_attributes', value: key, node: opts.certname });
    attributes.push(oid === OID_CHALLENGE_PASSWORD ? new x509.ChallengePasswordAttribute(String(value)) : new x509.Attribute(oid, [utf8String(String(value))]));
  }
  const keys = await toCryptoKeys(opts.privateKey);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [opts.certname] }],
    keys,
    signingAlgorithm: signingAlgorithm(opts.privateKey),
    extensions,
    attributes,
  });
  return csr.toString('pem') + '\n';
}

/** Reads a PEM CSR; a clear error naming the certname when it is not one. */
export function parseCsr(pem: string, certname?: string): CsrInfo {
  if (pem.length > MAX_CSR_BYTES) throw new KurokoError(`CSR${certname ? ` for ${certname}` : ''} is larger than ${MAX_CSR_BYTES} bytes`, { code: 'KUR0911', node: certname });
  let request: x509.Pkcs10CertificateRequest;
  let der: Buffer;
  try {
    if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(pem)) throw new Error('no PEM "CERTIFICATE REQUEST" block');
    der = pemToDer(pem);
    request = new x509.Pkcs10CertificateRequest(der);
  } catch (e) {
    throw new KurokoError(`Invalid CSR${certname ? ` for ${certname}` : ''}: ${(e as Error).message}`, { code: 'KUR0911', node: certname });
  }
  const cns = request.subjectName.getField('CN');
  const subjectAltNames: string[] = [];
  const extensions: ExtensionValue[] = [];
  for (const ext of request.extensions) {
    if (ext.type === OID_SAN) {
      const san = new x509.SubjectAlternativeNameExtension(ext.rawData);
      for (const g of san.names.items) subjectAltNames.push(formatGeneralName(g));
    } else {
      extensions.push({ oid: ext.type, name: shortName(ext.type), critical: ext.critical, value: decodeDerString(ext.value) });
    }
  }
  const attributes = [...request.attributes]
    .filter((a) => a.type !== OID_EXTENSION_REQUEST)
    .map((a) => ({ oid: a.type, name: a.type === OID_CHALLENGE_PASSWORD ? 'challengePassword' : shortName(a.type), values: a.values.map((v) => decodeDerString(v)) }));
  return {
    pem, der, name: cns[0] ?? '', subject: request.subject, subjectAltNames, extensions, attributes,
    fingerprint: fingerprint(der), fingerprints: fingerprints(der), publicKeyDer: request.publicKey.rawData, request,
  };
}
