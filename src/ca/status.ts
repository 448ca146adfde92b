// The host (certificate status) object of /puppet-ca/v1/certificate_status,
// shared by the HTTP API, `kuroko ca list --format json` and the CLI's text.
import type { CertSummary } from './certscan.js';
import type { CsrInfo } from './csr.js';
import { isUnder, PP_AUTH_CERT_EXT } from './oids.js';

export type CertState = 'requested' | 'signed' | 'revoked';

export interface HostStatus {
  name: string;
  state: CertState;
  fingerprint: string;
  fingerprints: { default: string; SHA1: string; SHA256: string; SHA512: string };
  dns_alt_names: string[];
  subject_alt_names: string[];
  authorization_extensions: Record<string, string>;
  serial_number?: number;
  not_before?: string;
  not_after?: string;
}

/** puppetserver's date format in status objects and the inventory: 2024-05-13T20:01:33UTC. */
export function caDate(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'UTC');
}

export function requestStatus(csr: CsrInfo): HostStatus {
  const auth: Record<string, string> = {};
  for (const e of csr.extensions) if (isUnder(e.oid, PP_AUTH_CERT_EXT)) auth[e.name] = e.value;
  return {
    name: csr.name, state: 'requested', fingerprint: csr.fingerprint, fingerprints: csr.fingerprints,
    dns_alt_names: csr.subjectAltNames.filter((s) => s.startsWith('DNS:')), subject_alt_names: csr.subjectAltNames,
    authorization_extensions: auth,
  };
}

export function certificateStatus(cert: CertSummary, revoked: boolean): HostStatus {
  const auth: Record<string, string> = {};
  for (const e of cert.puppetExtensions) if (isUnder(e.oid, PP_AUTH_CERT_EXT)) auth[e.name] = e.value;
  return {
    name: cert.name, state: revoked ? 'revoked' : 'signed', fingerprint: cert.fingerprint, fingerprints: cert.fingerprints,
    dns_alt_names: cert.subjectAltNames.filter((s) => s.startsWith('DNS:')), subject_alt_names: cert.subjectAltNames,
    authorization_extensions: auth, serial_number: Number(cert.serial),
    not_before: caDate(cert.notBefore), not_after: caDate(cert.notAfter),
  };
}
