// The agent's SSL bootstrap, Puppet's state machine step by step: CA
// certificate (trusted on first use), CRL, key, CSR, then the signed
// certificate (polling every waitforcert), renewal before expiry. Every
// inconsistency (a certificate that is not this key's, a CA that changed, a
// revoked certificate) stops with a message naming the mismatch and the fix,
// rather than surfacing later as an obscure TLS failure.
import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync, chmodSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { KurokoError } from '../util/diagnostic.js';
import { writeFileAtomic } from '../util/fsutil.js';
import { log } from '../log/index.js';
import type { Settings } from '../settings/index.js';
import { SslPaths, DIR_MODES } from '../ca/layout.js';
import { generateKeyPair, keyMatches, loadPrivateKey, privateKeyPem, publicKeyPem, publicOf, type KeyType } from '../ca/keys.js';
import { createCsr, parseCsr } from '../ca/csr.js';
import { parseCertificate, type CertInfo } from '../ca/certinfo.js';
import { safeFileName } from '../ca/names.js';
import * as x509 from '../ca/x509.js';
import { HttpClient, HttpError, baseUrl, type HttpClientOptions } from './http.js';

export interface SslOptions {
  ssldir: string;
  certname: string;
  /** The CA server and port (ca_server, ca_port). */
  caServer: string;
  caPort: number;
  keyType: KeyType;
  keyLength: number;
  dnsAltNames: string[];
  csrAttributes: string;
  /** Seconds between polls for the signed certificate; 0: exit at once. */
  waitforcert: number;
  /** Give up waiting after this many seconds (Infinity: never). */
  maxWaitForCert?: number;
  certificateRevocation: 'chain' | 'leaf' | 'false';
  caRefreshSeconds: number;
  crlRefreshSeconds: number;
  renewalSeconds: number;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

/** What the agent needs for every HTTPS request after bootstrap. */
export interface SslContext {
  certname: string;
  ca: string;
  crl?: string;
  cert: string;
  key: string;
  certificate: CertInfo;
}

export function sslOptionsFromSettings(s: Settings): SslOptions {
  const rev = s.get('certificate_revocation');
  return {
    ssldir: s.get('ssldir'), certname: s.get('certname'), caServer: s.get('ca_server'), caPort: s.int('ca_port'),
    keyType: s.get('key_type') === 'ec' ? 'ec' : 'rsa', keyLength: s.int('keylength'), dnsAltNames: s.list('dns_alt_names'),
    csrAttributes: s.get('csr_attributes'), waitforcert: s.duration('waitforcert'),
    certificateRevocation: rev === 'false' ? 'false' : rev === 'leaf' ? 'leaf' : 'chain',
    caRefreshSeconds: s.duration('ca_refresh_interval'), crlRefreshSeconds: s.duration('crl_refresh_interval'),
    renewalSeconds: s.duration('hostcert_renewal_interval'),
    connectTimeoutMs: s.duration('http_connect_timeout') * 1000, readTimeoutMs: s.duration('http_read_timeout') * 1000,
  };
}

const remedy = (name: string) => `To fix it, run \`kuroko ssl clean\` on this node and \`kuroko cert clean ${name}\` on the CA, then run the agent again.`;

function readIfExists(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

function ageSeconds(path: string): number {
  try { return (Date.now() - statSync(path).mtimeMs) / 1000; } catch { return Infinity; }
}

function ensureDir(path: string, mode: number): void {
  if (!existsSync(path)) mkdirSync(path, { recursive: true, mode });
  try { chmodSync(path, mode); } catch { /* not ours to change */ }
}

/** csr_attributes.yaml: custom_attributes and extension_requests, scalar values only. */
export function readCsrAttributes(file: string, certname?: string): { customAttributes: Record<string, string>; extensionRequests: Record<string, string> } {
  const text = readIfExists(file);
  const out = { customAttributes: {} as Record<string, string>, extensionRequests: {} as Record<string, string> };
  if (text === undefined) return out;
  let data: unknown;
  try { data = parseYaml(text, { schema: 'core' }); } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw new KurokoError(`Could not parse ${file}: ${(e as Error).message.split('\n')[0]}`, { code: 'KUR0940', location: { file, line: pos?.line, column: pos?.col }, sourceText: text, node: certname });
  }
  if (data === null || data === undefined) return out;
  if (typeof data !== 'object' || Array.isArray(data)) throw new KurokoError(`${file} must be a hash with custom_attributes and/or extension_requests`, { code: 'KUR0941', location: { file }, node: certname });
  for (const [section, value] of Object.entries(data as Record<string, unknown>)) {
    const target = section === 'custom_attributes' ? out.customAttributes : section === 'extension_requests' ? out.extensionRequests : undefined;
    if (!target) throw new KurokoError(`Unexpected key '${section}' in ${file} (expected custom_attributes or extension_requests)`, { code: 'KUR0941', location: { file }, field: section, node: certname });
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new KurokoError(`${section} in ${file} must be a hash`, { code: 'KUR0941', location: { file }, field: section, node: certname });
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === null || typeof v === 'object') throw new KurokoError(`${section}.${k} in ${file} must be a string, number or boolean`, { code: 'KUR0941', location: { file }, field: `${section}.${k}`, value: v, node: certname });
      target[k] = String(v);
    }
  }
  return out;
}

export class SslBootstrap {
  readonly paths: SslPaths;
  private readonly base: string;

  constructor(readonly options: SslOptions) {
    safeFileName(options.certname);
    this.paths = new SslPaths(options.ssldir);
    this.base = `${baseUrl(options.caServer, options.caPort)}/puppet-ca/v1`;
  }

  private client(extra: Partial<HttpClientOptions>): HttpClient {
    return new HttpClient({ connectTimeoutMs: this.options.connectTimeoutMs, readTimeoutMs: this.options.readTimeoutMs, ...extra });
  }

  private async withClient<T>(extra: Partial<HttpClientOptions>, fn: (c: HttpClient) => Promise<T>): Promise<T> {
    const c = this.client(extra);
    try { return await fn(c); } finally { c.close(); }
  }

  /** Runs every step until the node has a usable certificate; resolves to the material for HTTPS. */
  async run(): Promise<SslContext> {
    const ca = await this.ensureCaCert();
    const crl = this.options.certificateRevocation === 'false' ? undefined : await this.ensureCrl(ca);
    const key = await this.ensureKey();
    let certPem = readIfExists(this.paths.cert(this.options.certname));
    if (certPem === undefined) certPem = await this.obtainCertificate(ca, crl, key);
    const ctx = await this.check(ca, crl, key, certPem);
    return this.renewIfDue(ctx);
  }

  /** The CA bundle: downloaded without verification the first time (as Puppet does), then refreshed with verification. */
  async ensureCaCert(): Promise<string> {
    const path = this.paths.caCert;
    const local = readIfExists(path);
    if (local !== undefined && ageSeconds(path) < this.options.caRefreshSeconds) return local;
    const url = `${this.base}/certificate/ca`;
    const res = await this.withClient(local ? { ca: local } : { insecure: true }, (c) =>
      c.get(url, { headers: { Accept: 'text/plain', ...(local ? { 'If-Modified-Since': statSync(path).mtime.toUTCString() } : {}) } }));
    if (res.status === 304 && local) { this.touch(path, local); return local; }
    if (!res.ok) throw new HttpError(res, 'Downloading the CA certificate');
    const pem = res.text();
    try { parseCertificate(pem, 'ca'); } catch { throw new KurokoError(`The CA certificate from ${url} is not a certificate`, { code: 'KUR0942', field: 'url', value: url }); }
    if (local && local !== pem) log.notice(`The CA certificate changed on ${this.options.caServer}; saved the new one`);
    ensureDir(this.paths.ssldir, DIR_MODES.ssldir);
    ensureDir(this.paths.certsDir, DIR_MODES.certs);
    writeFileAtomic(path, pem, 0o644);
    if (!local) log.info(`Downloaded certificate for ca from ${this.base}`);
    return pem;
  }

  private touch(path: string, content: string): void { writeFileAtomic(path, content, 0o644); }

  async ensureCrl(ca: string): Promise<string> {
    const path = this.paths.crl;
    let local = readIfExists(path);
    if (local !== undefined) {
      let expired = false;
      try { expired = (new x509.X509Crl(local).nextUpdate?.getTime() ?? Infinity) < Date.now(); } catch { expired = true; }
      if (expired) local = undefined; // an expired or unreadable CRL would fail every TLS handshake: fetch it anew
      else if (ageSeconds(path) < this.options.crlRefreshSeconds) return local;
    }
    const url = `${this.base}/certificate_revocation_list/ca`;
    const res = await this.withClient({ ca }, (c) =>
      c.get(url, { headers: { Accept: 'text/plain', ...(local ? { 'If-Modified-Since': statSync(path).mtime.toUTCString() } : {}) } }));
    if (res.status === 304 && local) { this.touch(path, local); return local; }
    if (!res.ok) throw new HttpError(res, 'Downloading the CRL');
    const pem = res.text();
    await this.verifyCrl(pem, ca, url);
    writeFileAtomic(path, pem, 0o644);
    if (!local) log.info(`Downloaded certificate revocation list for ca from ${this.base}`);
    return pem;
  }

  private async verifyCrl(pem: string, ca: string, where: string): Promise<void> {
    let ok = false;
    try { ok = await new x509.X509Crl(pem).verify({ publicKey: new x509.X509Certificate(ca).publicKey }); } catch { ok = false; }
    if (!ok) throw new KurokoError(`The CRL from ${where} was not signed by our CA. If the CA was rebuilt: ${remedy(this.options.certname)}`, { code: 'KUR0943', node: this.options.certname });
  }

  async ensureKey(): Promise<ReturnType<typeof loadPrivateKey>> {
    const path = this.paths.privateKey(this.options.certname);
    const pem = readIfExists(path);
    if (pem !== undefined) return loadPrivateKey(pem, path);
    ensureDir(this.paths.ssldir, DIR_MODES.ssldir);
    ensureDir(this.paths.privateKeysDir, DIR_MODES.private_keys);
    ensureDir(this.paths.publicKeysDir, DIR_MODES.public_keys);
    log.info(`Creating a new ${this.options.keyType === 'ec' ? 'EC P-256' : `RSA ${this.options.keyLength}-bit`} key for ${this.options.certname}`);
    const { privateKey } = await generateKeyPair({ type: this.options.keyType, bits: this.options.keyLength });
    writeFileAtomic(path, privateKeyPem(privateKey), 0o600);
    writeFileAtomic(this.paths.publicKey(this.options.certname), publicKeyPem(publicOf(privateKey)), 0o644);
    return privateKey;
  }

  private async fetchCertificate(ca: string, crl: string | undefined): Promise<string | undefined> {
    const url = `${this.base}/certificate/${this.options.certname}`;
    const res = await this.withClient({ ca, crl: this.options.certificateRevocation === 'chain' ? crl : undefined }, (c) => c.get(url, { headers: { Accept: 'text/plain' } }));
    if (res.status === 404) return undefined;
    if (!res.ok) throw new HttpError(res, `Downloading the certificate for ${this.options.certname}`);
    return res.text();
  }

  async submitCsr(ca: string, key: ReturnType<typeof loadPrivateKey>): Promise<void> {
    const name = this.options.certname;
    const csrPath = this.paths.request(name);
    let pem = readIfExists(csrPath);
    if (pem !== undefined && !keyMatches(key, parseCsr(pem, name).publicKeyDer)) pem = undefined; // a stale request from an older key
    if (pem === undefined) {
      const attrs = readCsrAttributes(this.options.csrAttributes, name);
      pem = await createCsr({ certname: name, privateKey: key, dnsAltNames: this.options.dnsAltNames, ...attrs });
      ensureDir(this.paths.requestsDir, DIR_MODES.certificate_requests);
      writeFileAtomic(csrPath, pem, 0o644);
    }
    const url = `${this.base}/certificate_request/${name}`;
    const res = await this.withClient({ ca }, (c) => c.put(url, { body: pem, headers: { 'Content-Type': 'text/plain', Accept: 'text/plain' } }));
    if (res.status === 400 && /already has a (signed|revoked) certificate/.test(res.errorMessage())) {
      throw new KurokoError(`The CA refused the certificate request for '${name}': ${res.errorMessage()}. The CA already holds a certificate for this name that does not match this node's key. ${remedy(name)}`, { code: 'KUR0944', node: name });
    }
    if (!res.ok) throw new HttpError(res, `Submitting the certificate request for ${name}`);
    log.notice(`Certificate Request fingerprint (SHA256): ${parseCsr(pem, name).fingerprint}`);
    log.notice(`Submitted certificate request for '${name}' to ${this.base}`);
  }

  async obtainCertificate(ca: string, crl: string | undefined, key: ReturnType<typeof loadPrivateKey>): Promise<string> {
    const name = this.options.certname;
    let pem = await this.fetchCertificate(ca, crl);
    if (pem === undefined) {
      await this.submitCsr(ca, key);
      const started = Date.now();
      for (;;) {
        pem = await this.fetchCertificate(ca, crl);
        if (pem !== undefined) break;
        if (this.options.waitforcert <= 0) {
          throw new KurokoError(`Couldn't fetch certificate from CA server; you might still need to sign this agent's certificate (${name}). Exiting now because the waitforcert setting is set to 0.`, { code: 'KUR0945', node: name, exitCode: 1 });
        }
        if ((Date.now() - started) / 1000 >= (this.options.maxWaitForCert ?? Infinity)) {
          throw new KurokoError(`Couldn't fetch certificate from CA server; you might still need to sign this agent's certificate (${name}). Exiting now because the maxwaitforcert timeout has been exceeded.`, { code: 'KUR0945', node: name });
        }
        log.info(`Certificate for ${name} has not been signed yet`);
        log.info(`Will try again in ${this.options.waitforcert} seconds.`);
        await new Promise((r) => setTimeout(r, this.options.waitforcert * 1000));
      }
    }
    const cert = parseCertificate(pem, name);
    if (!keyMatches(key, cert.certificate.publicKey.rawData)) {
      throw new KurokoError(`The certificate retrieved from the CA does not match the agent's private key. Did you forget to run as root? The CA has a certificate for '${name}' issued to another key (an older install of this node, or another node using the same certname). ${remedy(name)}`, { code: 'KUR0946', node: name });
    }
    ensureDir(this.paths.certsDir, DIR_MODES.certs);
    writeFileAtomic(this.paths.cert(name), pem, 0o644);
    try { unlinkSync(this.paths.request(name)); } catch { /* none kept */ }
    log.notice(`Downloaded certificate for ${name} from ${this.base}`);
    return pem;
  }

  /** The local material must agree: key ↔ certificate, certificate ↔ CA, not revoked. */
  async check(ca: string, crl: string | undefined, key: ReturnType<typeof loadPrivateKey>, certPem: string): Promise<SslContext> {
    const name = this.options.certname;
    const certPath = this.paths.cert(name);
    const cert = parseCertificate(certPem, name);
    if (!keyMatches(key, cert.certificate.publicKey.rawData)) {
      throw new KurokoError(`The certificate for '${name}' (${certPath}) does not match its private key (${this.paths.privateKey(name)}): the key was regenerated or the ssldir is stale. ${remedy(name)}`, { code: 'KUR0946', node: name });
    }
    if (cert.name !== name) {
      throw new KurokoError(`The certificate in ${certPath} is for '${cert.name}', not for this node's certname '${name}'. ${remedy(name)}`, { code: 'KUR0946', node: name });
    }
    const caCert = new x509.X509Certificate(ca);
    const issued = await cert.certificate.verify({ publicKey: caCert.publicKey, signatureOnly: true }).catch(() => false);
    if (!issued) {
      throw new KurokoError(`The certificate for '${name}' was not issued by the CA in ${this.paths.caCert} (issuer: ${cert.issuer}; CA: ${caCert.subject}): the CA was rebuilt or replaced. ${remedy(name)}`, { code: 'KUR0947', node: name });
    }
    if (crl) {
      const entry = new x509.X509Crl(crl).findRevoked(cert.certificate);
      if (entry) throw new KurokoError(`The certificate for '${name}' (serial ${cert.serial}) has been revoked by the CA. ${remedy(name)}`, { code: 'KUR0948', node: name });
    }
    const caDays = (caCert.notAfter.getTime() - Date.now()) / 86400000;
    if (caDays < 60) log.warning(`The CA certificate expires in ${Math.max(0, Math.floor(caDays))} days (${caCert.notAfter.toISOString()}): the CA must be renewed before then`);
    if (crl) {
      const next = new x509.X509Crl(crl).nextUpdate;
      if (next && next.getTime() < Date.now()) log.warning(`The local CRL expired on ${next.toISOString()}: it will be refreshed from the CA`);
    }
    if (cert.notAfter.getTime() < Date.now()) {
      throw new KurokoError(`The certificate for '${name}' expired on ${cert.notAfter.toISOString()}. ${remedy(name)}`, { code: 'KUR0949', node: name });
    }
    return { certname: name, ca, crl, cert: certPem, key: privateKeyPem(key), certificate: cert };
  }

  /** Renews the certificate when it expires within hostcert_renewal_interval; a failed renewal only warns. */
  async renewIfDue(ctx: SslContext, force = false): Promise<SslContext> {
    const left = ctx.certificate.notAfter.getTime() - Date.now();
    if (!force && left > this.options.renewalSeconds * 1000) return ctx;
    const url = `${this.base}/certificate_renewal`;
    try {
      const res = await this.withClient(clientOptions(ctx, this.options), (c) => c.post(url, { headers: { Accept: 'text/plain', 'Content-Type': 'text/plain' } }));
      if (!res.ok) throw new HttpError(res, 'Renewing the certificate');
      const pem = res.text();
      const fresh = parseCertificate(pem, ctx.certname);
      if (!keyMatches(loadPrivateKey(ctx.key), fresh.certificate.publicKey.rawData) || fresh.name !== ctx.certname) {
        throw new KurokoError('The renewed certificate does not match this node', { code: 'KUR0946', node: ctx.certname });
      }
      writeFileAtomic(this.paths.cert(ctx.certname), pem, 0o644);
      log.notice(`Renewed client certificate: ${fresh.subject}, serial ${fresh.serial}, valid until ${fresh.notAfter.toISOString()}`);
      return { ...ctx, cert: pem, certificate: fresh };
    } catch (e) {
      log.warning(`Failed to automatically renew certificate: ${(e as Error).message}`);
      return ctx;
    }
  }

  /** What is on disk, checked like run() does but without the network. */
  async loadLocal(): Promise<SslContext> {
    const name = this.options.certname;
    const ca = readIfExists(this.paths.caCert);
    const keyPem = readIfExists(this.paths.privateKey(name));
    const certPem = readIfExists(this.paths.cert(name));
    if (ca === undefined) throw new KurokoError(`The CA certificate is missing from ${this.paths.caCert}`, { code: 'KUR0949', node: name });
    if (keyPem === undefined) throw new KurokoError(`The private key is missing from ${this.paths.privateKey(name)}`, { code: 'KUR0949', node: name });
    if (certPem === undefined) throw new KurokoError(`The client certificate is missing from ${this.paths.cert(name)}`, { code: 'KUR0949', node: name });
    const crl = this.options.certificateRevocation === 'false' ? undefined : readIfExists(this.paths.crl);
    if (crl !== undefined) await this.verifyCrl(crl, ca, this.paths.crl);
    return this.check(ca, crl, loadPrivateKey(keyPem, this.paths.privateKey(name)), certPem);
  }

  /** `kuroko ssl clean`: this node's key, certificate, request (and with localCa the CA certificate and CRL). */
  clean(opts: { localCa?: boolean } = {}): string[] {
    const name = this.options.certname;
    const files = [this.paths.cert(name), this.paths.privateKey(name), this.paths.publicKey(name), this.paths.request(name)];
    if (opts.localCa) files.push(this.paths.caCert, this.paths.crl);
    const removed: string[] = [];
    for (const f of files) { try { unlinkSync(f); removed.push(f); } catch { /* absent */ } }
    return removed;
  }
}

/** HttpClient options for mutual TLS with this context (CRL checked as certificate_revocation says). */
export function clientOptions(ctx: SslContext, o: Pick<SslOptions, 'certificateRevocation' | 'connectTimeoutMs' | 'readTimeoutMs'>): HttpClientOptions {
  return {
    ca: ctx.ca, cert: ctx.cert, key: ctx.key, crl: o.certificateRevocation === 'chain' ? ctx.crl : undefined,
    connectTimeoutMs: o.connectTimeoutMs, readTimeoutMs: o.readTimeoutMs,
  };
}

/** Bootstraps (or loads) the node's SSL material and returns an HTTPS client using it. */
export async function sslClient(settings: Settings): Promise<{ client: HttpClient; context: SslContext }> {
  const opts = sslOptionsFromSettings(settings);
  const context = await new SslBootstrap(opts).run();
  return { client: new HttpClient(clientOptions(context, opts)), context };
}
