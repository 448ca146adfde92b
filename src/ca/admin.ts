// The engine under both CLI dialects (`kuroko cert ...` as Puppet 3,
// `kuroko ca ...` as puppetserver): the same operations done either on the
// local CA files or, from another host, over the CA's HTTPS API with a
// pp_cli_auth certificate.
import { readFileSync } from 'node:fs';
import { KurokoError } from '../util/diagnostic.js';
import { log } from '../log/index.js';
import type { Settings } from '../settings/index.js';
import { CertificateAuthority, caOptionsFromSettings } from './index.js';
import type { HostStatus, CertState } from './status.js';
import { parseCertificate } from './certinfo.js';
import { createCsr } from './csr.js';
import { generateKeyPair, privateKeyPem, publicKeyPem, publicOf } from './keys.js';
import { SslPaths, DIR_MODES } from './layout.js';
import { validateCertname } from './names.js';
import { writeFileAtomic, mkdirp } from '../util/fsutil.js';
import { HttpClient, HttpError, baseUrl } from '../agent/http.js';

export interface SignResult { signed: string[]; errors: { name: string; message: string }[] }

export interface CaAdmin {
  readonly where: string;
  list(state?: CertState): Promise<HostStatus[]>;
  status(name: string): Promise<HostStatus | undefined>;
  sign(names: string[], opts?: { allowDnsAltNames?: boolean }): Promise<SignResult>;
  signAll(opts?: { allowDnsAltNames?: boolean }): Promise<SignResult>;
  revoke(name: string): Promise<void>;
  /** Revoke and delete; false when nothing existed. */
  clean(name: string): Promise<boolean>;
  generate(name: string, dnsAltNames: string[]): Promise<{ keyPath: string; certPath: string }>;
  certificatePem(name: string): Promise<string | undefined>;
  close(): void;
}

class LocalAdmin implements CaAdmin {
  constructor(private ca: CertificateAuthority) {}
  get where(): string { return this.ca.paths.cadir; }
  async list(state?: CertState) { return this.ca.list(state); }
  async status(name: string) { return this.ca.status(name); }
  async sign(names: string[], opts: { allowDnsAltNames?: boolean } = {}): Promise<SignResult> {
    const out: SignResult = { signed: [], errors: [] };
    for (const n of names) {
      try { await this.ca.sign(n, opts); out.signed.push(n); } catch (e) { out.errors.push({ name: n, message: (e as Error).message }); }
    }
    return out;
  }
  signAll(opts: { allowDnsAltNames?: boolean } = {}) { return this.ca.signAll(opts); }
  async revoke(name: string) { await this.ca.revoke(name); }
  clean(name: string) { return this.ca.clean(name); }
  async generate(name: string, dnsAltNames: string[]) { const r = await this.ca.generate(name, { dnsAltNames }); return { keyPath: r.keyPath, certPath: r.certPath }; }
  async certificatePem(name: string) { return this.ca.certificatePem(name); }
  close(): void { this.ca.close(); }
}

class RemoteAdmin implements CaAdmin {
  private base: string;
  constructor(private client: HttpClient, server: string, port: number, private settings: Settings) {
    this.base = `${baseUrl(server, port)}/puppet-ca/v1`;
  }
  get where(): string { return this.base; }
  async list(state?: CertState) {
    return (await this.client.getJson<HostStatus[]>(`${this.base}/certificate_statuses/any_key`, { query: { state } })) ?? [];
  }
  async status(name: string) {
    validateCertname(name);
    const r = await this.client.get(`${this.base}/certificate_status/${name}`, { headers: { Accept: 'application/json' } });
    if (r.status === 404) return undefined;
    if (!r.ok) throw new HttpError(r, `Getting the status of ${name}`);
    return r.json<HostStatus>();
  }
  async sign(names: string[], opts: { allowDnsAltNames?: boolean } = {}): Promise<SignResult> {
    if (opts.allowDnsAltNames) log.warning('--allow-dns-alt-names applies only on the CA host; the remote CA follows its allow_subject_alt_names setting');
    const out: SignResult = { signed: [], errors: [] };
    for (const n of names) {
      validateCertname(n);
      const r = await this.client.put(`${this.base}/certificate_status/${n}`, { body: JSON.stringify({ desired_state: 'signed' }), headers: { 'Content-Type': 'application/json' } });
      if (r.ok) out.signed.push(n); else out.errors.push({ name: n, message: r.errorMessage() || `HTTP ${r.status}` });
    }
    return out;
  }
  async signAll(): Promise<SignResult> {
    const r = await this.client.postJson<{ signed: string[]; 'no-csr': string[]; 'signing-errors': string[] }>(`${this.base}/sign/all`, {});
    return { signed: r?.signed ?? [], errors: (r?.['signing-errors'] ?? []).map((n) => ({ name: n, message: 'the CA refused to sign it (see its log)' })) };
  }
  async revoke(name: string) {
    validateCertname(name);
    await this.client.putJson(`${this.base}/certificate_status/${name}`, { desired_state: 'revoked' });
  }
  async clean(name: string) {
    validateCertname(name);
    const r = await this.client.put(`${this.base}/clean`, { body: JSON.stringify({ certnames: [name] }), headers: { 'Content-Type': 'application/json' } });
    if (!r.ok) throw new HttpError(r, `Cleaning ${name}`);
    return !/do not exist/.test(r.text());
  }
  async generate(name: string, dnsAltNames: string[]) {
    validateCertname(name);
    const ssl = new SslPaths(this.settings.get('ssldir'));
    const { privateKey } = await generateKeyPair({ type: this.settings.get('key_type') === 'ec' ? 'ec' : 'rsa', bits: this.settings.int('keylength') });
    const csr = await createCsr({ certname: name, privateKey, dnsAltNames });
    let r = await this.client.put(`${this.base}/certificate_request/${name}`, { body: csr, headers: { 'Content-Type': 'text/plain' } });
    if (!r.ok) throw new HttpError(r, `Submitting a certificate request for ${name}`);
    if ((await this.status(name))?.state === 'requested') {
      r = await this.client.put(`${this.base}/certificate_status/${name}`, { body: JSON.stringify({ desired_state: 'signed' }), headers: { 'Content-Type': 'application/json' } });
      if (!r.ok) throw new HttpError(r, `Signing the certificate for ${name}`);
    }
    const pem = await this.certificatePem(name);
    if (!pem) throw new KurokoError(`The CA did not issue a certificate for ${name}`, { code: 'KUR0960', node: name });
    mkdirp(ssl.privateKeysDir, DIR_MODES.private_keys);
    mkdirp(ssl.publicKeysDir, DIR_MODES.public_keys);
    mkdirp(ssl.certsDir, DIR_MODES.certs);
    writeFileAtomic(ssl.privateKey(name), privateKeyPem(privateKey), 0o600);
    writeFileAtomic(ssl.publicKey(name), publicKeyPem(publicOf(privateKey)), 0o644);
    writeFileAtomic(ssl.cert(name), pem, 0o644);
    return { keyPath: ssl.privateKey(name), certPath: ssl.cert(name) };
  }
  async certificatePem(name: string) {
    validateCertname(name);
    const r = await this.client.get(`${this.base}/certificate/${name}`, { headers: { Accept: 'text/plain' } });
    if (r.status === 404) return undefined;
    if (!r.ok) throw new HttpError(r, `Downloading the certificate of ${name}`);
    return r.text();
  }
  close(): void { this.client.close(); }
}

/**
 * The CA to administer: the local one when cadir holds a CA (and `remote` is not asked for),
 * else the CA server's API, authenticated with this host's certificate (which needs pp_cli_auth).
 */
export async function openCaAdmin(settings: Settings, opts: { remote?: boolean } = {}): Promise<CaAdmin> {
  const caOpts = caOptionsFromSettings(settings);
  if (!opts.remote && CertificateAuthority.exists(caOpts.cadir)) return new LocalAdmin(await CertificateAuthority.open(caOpts));
  const ssl = new SslPaths(caOpts.ssldir);
  const name = caOpts.certname;
  const read = (p: string, what: string) => {
    try { return readFileSync(p, 'utf8'); } catch {
      throw new KurokoError(`There is no CA in ${caOpts.cadir}, and no ${what} (${p}) to use the CA server's API with. Run this on the CA host, or give this host a certificate with pp_cli_auth`, { code: 'KUR0961', node: name });
    }
  };
  const ca = read(ssl.caCert, 'CA certificate');
  const cert = read(ssl.cert(name), 'certificate');
  const key = read(ssl.privateKey(name), 'private key');
  if (!parseCertificate(cert, name).puppetExtensions.some((e) => e.name === 'pp_cli_auth' && e.value === 'true')) {
    log.warning(`The certificate of ${name} has no pp_cli_auth extension: the CA server will refuse administrative requests`);
  }
  let crl: string | undefined;
  try { crl = readFileSync(ssl.crl, 'utf8'); } catch { crl = undefined; }
  const client = new HttpClient({
    ca, cert, key, crl: settings.get('certificate_revocation') === 'false' ? undefined : crl,
    connectTimeoutMs: settings.duration('http_connect_timeout') * 1000, readTimeoutMs: settings.duration('http_read_timeout') * 1000,
  });
  return new RemoteAdmin(client, settings.get('ca_server'), settings.int('ca_port'), settings);
}

/** Puppet 3's `cert list` line: `+ "name" (SHA256) FP (alt names: "DNS:a", ...)`. */
export function puppet3Line(h: HostStatus, withMark: boolean): string {
  const mark = withMark ? (h.state === 'signed' ? '+ ' : h.state === 'revoked' ? '- ' : '  ') : '  ';
  const alt = h.subject_alt_names.filter((s) => s !== `DNS:${h.name}`);
  const extra = h.state === 'revoked' ? ' (certificate revoked)' : alt.length ? ` (alt names: ${h.subject_alt_names.map((s) => JSON.stringify(s)).join(', ')})` : '';
  return `${mark}${JSON.stringify(h.name)} (SHA256) ${h.fingerprint}${extra}`;
}

/** puppetserver's `ca list` block for one state. */
export function puppetserverBlock(title: string, hosts: HostStatus[]): string[] {
  if (!hosts.length) return [];
  const w = Math.max(...hosts.map((h) => h.name.length));
  return [`${title}:`, ...hosts.map((h) => {
    const alt = h.subject_alt_names.filter((s) => s !== `DNS:${h.name}`);
    const auth = Object.entries(h.authorization_extensions);
    let line = `    ${h.name.padEnd(w)}   (SHA256)  ${h.fingerprint}`;
    if (alt.length) line += `\talt names: ${JSON.stringify(h.subject_alt_names)}`;
    if (auth.length) line += `\tauthorization extensions: [${auth.map(([k, v]) => `${k}: ${v}`).join(', ')}]`;
    return line;
  })];
}

/** Signed certificates expiring within DAYS, soonest first. */
export function expiring(hosts: HostStatus[], days: number, now = Date.now()): HostStatus[] {
  const limit = now + days * 86400000;
  const when = (h: HostStatus) => Date.parse((h.not_after ?? '').replace(/UTC$/, 'Z'));
  return hosts.filter((h) => h.state === 'signed' && when(h) <= limit).sort((a, b) => when(a) - when(b));
}
