// The CA's signing rules, as puppetserver applies them: subject, SANs,
// allowed extensions, authorization extensions, CSR signature. Each check
// throws a KurokoError whose message is the 400/409 body the client sees.
import { isIP } from 'node:net';
import { KurokoError } from '../util/diagnostic.js';
import type { CsrInfo } from './csr.js';
import { certnameProblem } from './names.js';
import { OID_SAN, PP_AUTH_CERT_EXT, PP_CLI_AUTH, PP_AUTH_AUTO_RENEW, isPuppetExtension, isUnder } from './oids.js';

export interface SigningPolicy {
  allowSubjectAltNames: boolean;
  allowAuthorizationExtensions: boolean;
}

const refuse = (name: string, message: string, code = 'KUR0920') => new KurokoError(message, { code, node: name });

/** CN equals the name asked for, and is a valid certname. */
export function validateSubject(csr: CsrInfo, urlName: string): void {
  if (csr.name !== urlName) {
    throw refuse(urlName, `Instance name "${urlName}" does not match requested key "${csr.name}"`);
  }
  const why = certnameProblem(csr.name);
  if (why) throw refuse(urlName, `Subject contains invalid characters or is not a valid certname: ${csr.name} (${why})`);
}

export async function validateSignature(csr: CsrInfo): Promise<void> {
  let ok = false;
  try { ok = await csr.request.verify(); } catch { ok = false; }
  if (!ok) throw refuse(csr.name, `CSR contains a public key that does not correspond to the signing key`, 'KUR0921');
}

/** Only the SAN and Puppet's pp_* extensions may be requested; pp_cli_auth never by a CSR. */
export function validateExtensions(csr: CsrInfo): void {
  const bad = csr.extensions.filter((e) => e.oid !== OID_SAN && (!isPuppetExtension(e.oid) || e.oid === PP_CLI_AUTH));
  if (bad.length) {
    throw refuse(csr.name, `Found extensions that are not permitted: ${bad.map((e) => e.name).join(', ')}`, 'KUR0922');
  }
}

/** Authorization extensions (pp_auth_*), other than the auto-renew signal, need allow_authorization_extensions. */
export function validateAuthorizationExtensions(csr: CsrInfo, allowed: boolean): void {
  const auth = csr.extensions.filter((e) => isUnder(e.oid, PP_AUTH_CERT_EXT) && e.oid !== PP_AUTH_AUTO_RENEW);
  if (auth.length && !allowed) {
    throw refuse(csr.name, `CSR '${csr.name}' contains an authorization extension, which is disallowed. To allow authorization extensions, set allow_authorization_extensions to true.`, 'KUR0923');
  }
}

/** SANs beyond DNS:<certname> need allow_subject_alt_names (or --allow-dns-alt-names); only DNS and IP, no wildcards. */
export function validateSubjectAltNames(csr: CsrInfo, allowed: boolean): void {
  const extra = csr.subjectAltNames.filter((s) => s !== `DNS:${csr.name}`);
  if (!extra.length) return;
  if (!allowed) {
    throw refuse(csr.name, `CSR '${csr.name}' contains subject alternative names (${extra.join(', ')}), which are disallowed. Use \`kuroko cert sign --allow-dns-alt-names ${csr.name}\` to sign this request, or set allow_subject_alt_names to true.`, 'KUR0924');
  }
  for (const san of csr.subjectAltNames) {
    const [type, ...rest] = san.split(':');
    const value = rest.join(':');
    if (type !== 'DNS' && type !== 'IP') throw refuse(csr.name, `CSR '${csr.name}' contains an unsupported subject alternative name type: ${san}`, 'KUR0924');
    if (value.includes('*')) throw refuse(csr.name, `CSR '${csr.name}' subject alternative names contain a wildcard, which is not allowed: ${san}`, 'KUR0924');
    if (type === 'IP' && !isIP(value)) throw refuse(csr.name, `CSR '${csr.name}' contains an invalid IP address: ${san}`, 'KUR0924');
    if (type === 'DNS' && certnameProblem(value.toLowerCase())) throw refuse(csr.name, `CSR '${csr.name}' contains an invalid DNS name: ${san}`, 'KUR0924');
  }
}

/** Everything checked before a CSR becomes a certificate. */
export async function validateForSigning(csr: CsrInfo, policy: SigningPolicy): Promise<void> {
  validateExtensions(csr);
  validateSubjectAltNames(csr, policy.allowSubjectAltNames);
  validateAuthorizationExtensions(csr, policy.allowAuthorizationExtensions);
  await validateSignature(csr);
}
