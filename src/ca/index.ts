// Kuroko's certificate authority: Puppet's CA, file for file (cadir and
// ssldir layouts as Puppet's), with puppetserver's signing rules.
//
// Public API (what the server, the CLI and the agent call):
//   CertificateAuthority.setup(settings | CaOptions)  create the CA when missing (key, self-signed
//                                                      cert, serial, inventory, CRL) and open it
//   CertificateAuthority.open(settings | CaOptions)   open an existing CA (KUR0930 when there is none)
//   CertificateAuthority.exists(cadir)                whether cadir holds a CA
//   caOptionsFromSettings(settings)                   the CaOptions that settings describe
//   ca.ensureServerIdentity()                         the server's key and certificate (dns_alt_names,
//                                                      pp_cli_auth), made or renewed when needed:
//                                                      { certname, keyPath, certPath, caPath, crlPath, key, cert, ca, crl }
//   ca.caCertificatePem() / ca.crlPem()               current PEMs (the CRL re-read if another process changed it)
//   ca.isRevoked(serialHex) / ca.crlVersion           revocation check per TLS connection; the version
//   ca.on('crl', (pem, version) => ...)               grows, and 'crl' fires, whenever the CRL changes
//                                                      (here or, with startMaintenance(), in another process)
//   ca.startMaintenance() / ca.close()                timer: watch the CRL, re-sign it well before it expires,
//                                                      warn about CA/CRL expiry
//   ca.submitRequest(name, pem)                       PUT certificate_request rules, then autosign
//   ca.sign(name, {allowDnsAltNames, ttlSeconds}) / ca.signAll()
//   ca.revoke(name) / ca.clean(name) / ca.destroy(name) / ca.deleteRequest(name)
//   ca.generate(name, {dnsAltNames})                  a signed key pair in ssldir (pre-signed method)
//   ca.renew(certPem)                                 a fresh certificate for the same key (certificate_renewal)
//   ca.status(name) / ca.list(state?)                 host status objects (see status.ts)
//   ca.certificatePem(name) / ca.requestPem(name) / ca.expirations()
//   ca.updateCrl(pem)                                 PUT certificate_revocation_list: a newer CRL of this CA
// The HTTP endpoints are in http.ts (handleCaRequest). A TLS front end should, on 'crl', build a new
// secure context (new session ticket keys, so no session of a revoked certificate resumes) and also
// check isRevoked(serial) per request, which covers connections kept alive across a revocation.
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import * as x509 from './x509.js';
import { KurokoError } from '../util/diagnostic.js';
import { writeFileAtomic } from '../util/fsutil.js';
import { log } from '../log/index.js';
import type { Settings } from '../settings/index.js';
import { shouldAutosign } from './autosign.js';
import { parseCertificate, normaliseSerialHex, type CertInfo } from './certinfo.js';
import { derToPem, pemBlocks, pemToDer } from './fingerprint.js';
import { writeFileAtomicAsync } from './fsasync.js';
import { createCsr, parseCsr, type CsrInfo } from './csr.js';
import { decodeDerInteger } from './der.js';
import { BACKDATE_MS, createCaCertificate, createCrl, type CaSigner, type RevokedEntry } from './issue.js';
import { certParts, certSerial, csrParts, encodeCertificate } from './tbs.js';
import { scanCertificate } from './certscan.js';
import { generateKeyPair, keyMatches, loadPrivateKey, privateKeyPem, publicKeyPem, publicOf, toCryptoKeys, type KeyType } from './keys.js';
import { CaPaths, DIR_MODES, SslPaths } from './layout.js';
import { Mutex, withFileLock } from './lock.js';
import { safeFileName } from './names.js';
import { OID_CRL_NUMBER, OID_SKI } from './oids.js';
import { validateForSigning, validateSignature, validateSubject, validateExtensions } from './policy.js';
import { caDate, certificateStatus, requestStatus, type CertState, type HostStatus } from './status.js';

export type { HostStatus, CertState } from './status.js';
export type { CertInfo } from './certinfo.js';

export interface CaOptions {
  cadir: string;
  ssldir: string;
  /** The CA host's own certname (the server's certificate). */
  certname: string;
  caName: string;
  keyType: KeyType;
  keyLength: number;
  caTtlSeconds: number;
  /** The autosign setting: true, false or a path. */
  autosign: string;
  allowDuplicateCerts: boolean;
  allowSubjectAltNames: boolean;
  allowAuthorizationExtensions: boolean;
  dnsAltNames: string[];
  /** How long each CRL is valid; it is re-signed once less than a quarter of that remains. */
  crlTtlSeconds?: number;
  /** The server renews its own certificate when it expires within this time. */
  renewalSeconds?: number;
}

export interface ServerIdentity {
  certname: string;
  keyPath: string;
  certPath: string;
  /** The CA certificate (bundle) clients are verified against. */
  caPath: string;
  /** The CA's live CRL. */
  crlPath: string;
  key: string;
  cert: string;
  ca: string;
  crl: string;
}

export interface SignOptions {
  /** Sign SANs beyond DNS:<certname> (`--allow-dns-alt-names`). */
  allowDnsAltNames?: boolean;
  ttlSeconds?: number;
}

export const DEFAULT_CRL_TTL = 5 * 365 * 86400;

export function caOptionsFromSettings(s: Settings): CaOptions {
  return {
    cadir: s.get('cadir'), ssldir: s.get('ssldir'), certname: s.get('certname'), caName: s.get('ca_name'),
    keyType: s.get('key_type') === 'ec' ? 'ec' : 'rsa', keyLength: s.int('keylength'), caTtlSeconds: s.duration('ca_ttl'),
    autosign: s.get('autosign'), allowDuplicateCerts: s.bool('allow_duplicate_certs'),
    allowSubjectAltNames: s.bool('allow_subject_alt_names'), allowAuthorizationExtensions: s.bool('allow_authorization_extensions'),
    dnsAltNames: s.list('dns_alt_names'), renewalSeconds: s.duration('hostcert_renewal_interval'),
  };
}

interface IssueRequest {
  certname: string;
  /** DER of the subject Name and SubjectPublicKeyInfo, copied into the certificate as they are. */
  subject: Buffer;
  spki: Buffer;
  subjectAltNames: string[];
  puppetExtensions: { oid: string; value: string }[];
  ttlSeconds?: number;
  cliAuth?: boolean;
  removeRequest?: boolean;
}

const isSettings = (x: Settings | CaOptions): x is Settings => typeof (x as Settings).get === 'function';

function readIfExists(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function mkdirMode(path: string, mode: number): void {
  if (!existsSync(path)) mkdirSync(path, { recursive: true, mode });
  chmodSync(path, mode);
}

/** Appends a line durably (fsync) in one write, so readers never see half a line. */
function appendLine(path: string, line: string): void {
  const fd = openSync(path, 'a', 0o644);
  try { writeSync(fd, line.endsWith('\n') ? line : line + '\n'); fsyncSync(fd); } finally { closeSync(fd); }
}

export class CertificateAuthority extends EventEmitter {
  readonly paths: CaPaths;
  readonly ssl: SslPaths;
  private signer!: CaSigner;
  /** The CA certificate's subject, DER, as every issued certificate's issuer. */
  private caSubject!: Buffer;
  private caPem = '';
  private crl = { pem: '', mtimeMs: -1, size: -1, number: 0n, entries: [] as RevokedEntry[], revoked: new Set<string>(), nextUpdate: undefined as Date | undefined };
  private version = 0;
  private mutex = new Mutex();
  private timer?: NodeJS.Timeout;
  private pending: { o: IssueRequest; resolve: (pem: string) => void; reject: (e: unknown) => void }[] = [];
  private draining = false;

  private constructor(readonly options: CaOptions) {
    super();
    this.paths = new CaPaths(options.cadir);
    this.ssl = new SslPaths(options.ssldir);
  }

  static exists(cadir: string): boolean {
    const p = new CaPaths(cadir);
    return existsSync(p.caCert) && existsSync(p.caKey);
  }

  /** Opens the CA in cadir; it must have been set up. */
  static async open(from: Settings | CaOptions): Promise<CertificateAuthority> {
    const opts = isSettings(from) ? caOptionsFromSettings(from) : from;
    if (!CertificateAuthority.exists(opts.cadir)) {
      throw new KurokoError(`There is no CA in ${opts.cadir}: run \`kuroko ca setup\` (or start the server) on the CA host`, { code: 'KUR0930', field: 'cadir', value: opts.cadir });
    }
    const ca = new CertificateAuthority(opts);
    await ca.load();
    return ca;
  }

  /** Creates the CA when missing (and the server's own certificate), then opens it. */
  static async setup(from: Settings | CaOptions): Promise<CertificateAuthority> {
    const opts = isSettings(from) ? caOptionsFromSettings(from) : from;
    const ca = new CertificateAuthority(opts);
    mkdirMode(opts.cadir, DIR_MODES.cadir);
    await ca.exclusive(async () => {
      if (!CertificateAuthority.exists(opts.cadir)) await ca.create();
    });
    await ca.load();
    await ca.exclusive(async () => ca.repair());
    await ca.ensureServerIdentity();
    return ca;
  }

  private async create(): Promise<void> {
    const o = this.options;
    log.notice(`Generating a new CA (${o.keyType === 'ec' ? 'EC P-256' : `RSA ${o.keyLength}`}) in ${o.cadir}`);
    mkdirMode(this.paths.signedDir, 0o755);
    mkdirMode(this.paths.requestsDir, 0o755);
    const pair = await generateKeyPair({ type: o.keyType, bits: o.keyLength });
    const keys = await toCryptoKeys(pair.privateKey);
    const cert = await createCaCertificate({ name: o.caName, key: pair.privateKey, keys, ttlSeconds: o.caTtlSeconds, serial: 1n });
    const signer: CaSigner = { cert, keys, key: pair.privateKey, keyId: new x509.SubjectKeyIdentifierExtension(cert.getExtension(OID_SKI)!.rawData).keyId };
    const crl = await createCrl(signer, { number: 0n, entries: [], ttlSeconds: o.crlTtlSeconds ?? DEFAULT_CRL_TTL });
    // Key first, certificate last: a CA "exists" only once both are there, so a crash midway is retried from scratch.
    writeFileAtomic(this.paths.caKey, privateKeyPem(pair.privateKey), 0o600);
    writeFileAtomic(this.paths.caPub, publicKeyPem(pair.publicKey), 0o644);
    writeFileAtomic(this.paths.serial, '0002\n', 0o644);
    if (!existsSync(this.paths.inventory)) writeFileAtomic(this.paths.inventory, `0x0001 ${caDate(cert.notBefore)} ${caDate(cert.notAfter)} /${cert.subject}\n`, 0o644);
    writeFileAtomic(this.paths.caCrl, derToPem(crl.rawData, 'X509 CRL'), 0o644);
    writeFileAtomic(this.paths.caCert, cert.toString('pem') + '\n', 0o644);
  }

  /**
   * After a crash or a restore from backup: the serial file must be past every issued serial, and
   * every signed certificate must have its inventory line. Cheap (no full parse); run at setup.
   */
  private repair(): void {
    const inventory = readIfExists(this.paths.inventory) ?? '';
    const listed = new Set(inventory.split('\n').map((l) => l.split(' ')[0]).filter(Boolean).map((h) => BigInt(h.startsWith('0x') ? h : '0x' + h)));
    let max = 1n;
    const missing: string[] = [];
    for (const n of this.names(this.paths.signedDir)) {
      let serial: bigint;
      try { serial = certSerial(pemToDer(readFileSync(this.paths.signed(n), 'utf8'))); } catch (e) { log.warning(`Cannot read the signed certificate of ${n}: ${(e as Error).message}`); continue; }
      if (serial > max) max = serial;
      if (!listed.has(serial)) {
        const c = parseCertificate(readFileSync(this.paths.signed(n), 'utf8'), n);
        missing.push(`0x${serial.toString(16).padStart(4, '0')} ${caDate(c.notBefore)} ${caDate(c.notAfter)} /CN=${n}`);
      }
    }
    if (missing.length) { appendLine(this.paths.inventory, missing.join('\n')); log.warning(`Added ${missing.length} missing line(s) to ${this.paths.inventory}`); }
    const text = readIfExists(this.paths.serial)?.trim() ?? '';
    const next = /^[0-9a-fA-F]+$/.test(text) ? BigInt('0x' + text) : 0n;
    if (next <= max) {
      writeFileAtomic(this.paths.serial, (max + 1n).toString(16).toUpperCase().padStart(4, '0') + '\n', 0o644);
      log.warning(`The CA serial file was behind the certificates already issued; moved it to ${max + 1n}`);
    }
  }

  private async load(): Promise<void> {
    this.caPem = readFileSync(this.paths.caCert, 'utf8');
    const key = loadPrivateKey(readFileSync(this.paths.caKey, 'utf8'), this.paths.caKey);
    const info = parseCertificate(this.caPem, 'ca');
    if (!keyMatches(key, info.certificate.publicKey.rawData)) {
      throw new KurokoError(`The CA key ${this.paths.caKey} does not match the CA certificate ${this.paths.caCert}`, { code: 'KUR0931', field: 'cadir', value: this.options.cadir });
    }
    const skiExt = info.certificate.getExtension(OID_SKI);
    const keyId = skiExt ? new x509.SubjectKeyIdentifierExtension(skiExt.rawData).keyId
      : Buffer.from(await info.certificate.publicKey.getKeyIdentifier()).toString('hex');
    this.signer = { cert: info.certificate, keys: await toCryptoKeys(key), key, keyId };
    this.caSubject = certParts(info.der).subject;
    mkdirMode(this.paths.signedDir, 0o755);
    mkdirMode(this.paths.requestsDir, 0o755);
    this.reloadCrl();
    if (!this.crl.pem) await this.exclusive(() => this.writeCrl(this.crl.entries));
    const days = (info.notAfter.getTime() - Date.now()) / 86400000;
    if (days < 90) log.warning(`The CA certificate expires in ${Math.max(0, Math.floor(days))} days (${info.notAfter.toISOString()}): plan its renewal now`);
  }

  /** Work that changes the CA: one at a time in this process, and across processes by the lock file. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(() => withFileLock(this.paths.lock, fn));
  }

  // ---- CRL ------------------------------------------------------------------------------

  /** Re-reads the CRL when its file changed (another process revoked); true when it did. */
  private reloadCrl(): boolean {
    let st;
    try { st = statSync(this.paths.caCrl); } catch { return false; }
    if (st.mtimeMs === this.crl.mtimeMs && st.size === this.crl.size) return false;
    const pem = readFileSync(this.paths.caCrl, 'utf8');
    if (pem === this.crl.pem) { this.crl.mtimeMs = st.mtimeMs; this.crl.size = st.size; return false; }
    let parsed: x509.X509Crl;
    try { parsed = new x509.X509Crl(pem); } catch (e) {
      throw new KurokoError(`The CA's CRL ${this.paths.caCrl} cannot be read: ${(e as Error).message}`, { code: 'KUR0932', field: 'file', value: this.paths.caCrl });
    }
    const numExt = parsed.getExtension(OID_CRL_NUMBER);
    const entries = parsed.entries.map((e) => ({ serial: BigInt('0x' + e.serialNumber), date: e.revocationDate }));
    this.crl = {
      pem, mtimeMs: st.mtimeMs, size: st.size, number: numExt ? decodeDerInteger(numExt.value) : 0n, entries,
      revoked: new Set(entries.map((e) => e.serial.toString(16).toUpperCase())), nextUpdate: parsed.nextUpdate,
    };
    this.version++;
    this.emit('crl', pem, this.version);
    return true;
  }

  /** Signs and writes a new CRL with these entries and the next CRL number. Call inside exclusive(). */
  private async writeCrl(entries: RevokedEntry[]): Promise<void> {
    this.reloadCrl();
    const crl = await createCrl(this.signer, { number: this.crl.number + 1n, entries, ttlSeconds: this.options.crlTtlSeconds ?? DEFAULT_CRL_TTL });
    const pem = derToPem(crl.rawData, 'X509 CRL');
    writeFileAtomic(this.paths.caCrl, pem, 0o644);
    if (existsSync(this.ssl.crl)) writeFileAtomic(this.ssl.crl, pem, 0o644);
    this.reloadCrl();
  }

  crlPem(): string { this.reloadCrl(); return this.crl.pem; }
  get crlVersion(): number { this.reloadCrl(); return this.version; }
  caCertificatePem(): string { return this.caPem; }
  get caCertificate(): x509.X509Certificate { return this.signer.cert; }

  /** Whether the serial (hex, any case, with or without 0x or colons) is on the CRL. */
  isRevoked(serialHex: string): boolean {
    this.reloadCrl();
    return this.crl.revoked.has(normaliseSerialHex(serialHex));
  }

  /**
   * PUT certificate_revocation_list: accepts CRLs signed by this CA with a higher CRL number than the
   * current one (another instance's newer CRL); anything else is refused. True when the CRL changed.
   */
  async updateCrl(text: string): Promise<boolean> {
    const blocks = pemBlocks(text).filter((b) => /BEGIN X509 CRL/.test(b));
    if (!blocks.length) throw new KurokoError('No CRL found in the request body', { code: 'KUR0934' });
    let changed = false;
    for (const pem of blocks) {
      let crl: x509.X509Crl;
      try { crl = new x509.X509Crl(pem); } catch (e) { throw new KurokoError(`Invalid CRL: ${(e as Error).message}`, { code: 'KUR0934' }); }
      const ours = await crl.verify({ publicKey: this.signer.cert.publicKey }).catch(() => false);
      if (!ours) throw new KurokoError(`The CRL issued by ${crl.issuer} was not signed by this CA`, { code: 'KUR0934' });
      const ext = crl.getExtension(OID_CRL_NUMBER);
      const number = ext ? decodeDerInteger(ext.value) : 0n;
      await this.exclusive(async () => {
        this.reloadCrl();
        if (number <= this.crl.number) return;
        writeFileAtomic(this.paths.caCrl, pem, 0o644);
        this.reloadCrl();
        changed = true;
      });
    }
    return changed;
  }

  /** Re-signs the CRL once less than a quarter of its life remains. */
  async refreshCrl(force = false): Promise<boolean> {
    this.reloadCrl();
    const ttl = (this.options.crlTtlSeconds ?? DEFAULT_CRL_TTL) * 1000;
    const left = (this.crl.nextUpdate?.getTime() ?? 0) - Date.now();
    if (!force && left > ttl / 4) return false;
    await this.exclusive(() => this.writeCrl(this.crl.entries));
    log.info(`Re-signed the CRL (number ${this.crl.number})`);
    return true;
  }

  /** Watches the CRL (cross-process revocations) and keeps it fresh. */
  startMaintenance(intervalMs = 1000): void {
    if (this.timer) return;
    let ticks = 0;
    this.timer = setInterval(() => {
      try { this.reloadCrl(); } catch (e) { log.err((e as Error).message); }
      if (ticks++ % 3600 === 0) {
        this.refreshCrl().catch((e: Error) => log.err(`Could not re-sign the CRL: ${e.message}`));
        const days = (this.signer.cert.notAfter.getTime() - Date.now()) / 86400000;
        if (days < 90) log.warning(`The CA certificate expires in ${Math.max(0, Math.floor(days))} days`);
      }
    }, intervalMs);
    this.timer.unref();
  }

  close(): void { if (this.timer) clearInterval(this.timer); this.timer = undefined; }

  // ---- reading -------------------------------------------------------------------------

  certificatePem(name: string): string | undefined { return readIfExists(this.paths.signed(name)); }
  requestPem(name: string): string | undefined { return readIfExists(this.paths.request(name)); }
  certificate(name: string): CertInfo | undefined {
    const pem = this.certificatePem(name);
    return pem === undefined ? undefined : parseCertificate(pem, name);
  }

  status(name: string): HostStatus | undefined {
    safeFileName(name);
    const pem = this.certificatePem(name);
    if (pem !== undefined) {
      const cert = scanCertificate(pemToDer(pem));
      return certificateStatus(cert, this.isRevoked(cert.serialHex));
    }
    const csr = this.requestPem(name);
    return csr === undefined ? undefined : requestStatus(parseCsr(csr, name));
  }

  private names(dir: string): string[] {
    let files: string[];
    try { files = readdirSync(dir); } catch { return []; }
    return files.filter((f) => f.endsWith('.pem') && !f.startsWith('.')).map((f) => f.slice(0, -4)).sort();
  }

  /** Every host, or those in one state; unreadable files are warned about and skipped. */
  list(state?: CertState): HostStatus[] {
    this.reloadCrl();
    const out: HostStatus[] = [];
    if (!state || state === 'requested') {
      for (const n of this.names(this.paths.requestsDir)) {
        try { out.push(requestStatus(parseCsr(readFileSync(this.paths.request(n), 'utf8'), n))); } catch (e) { log.warning(`Skipping request ${n}: ${(e as Error).message}`); }
      }
    }
    if (!state || state !== 'requested') {
      for (const n of this.names(this.paths.signedDir)) {
        try {
          const c = scanCertificate(pemToDer(readFileSync(this.paths.signed(n), 'utf8')));
          const s = certificateStatus(c, this.crl.revoked.has(c.serialHex));
          if (!state || s.state === state) out.push(s);
        } catch (e) { log.warning(`Skipping certificate ${n}: ${(e as Error).message}`); }
      }
    }
    return out;
  }

  expirations(): { 'ca-certs': Record<string, string>; crls: Record<string, string> } {
    this.reloadCrl();
    const cn = this.signer.cert.subjectName.getField('CN')[0] ?? this.signer.cert.subject;
    return { 'ca-certs': { [cn]: caDate(this.signer.cert.notAfter) }, crls: { [cn]: this.crl.nextUpdate ? caDate(this.crl.nextUpdate) : '' } };
  }

  // ---- requests and signing ------------------------------------------------------------

  private existingState(name: string): CertState | undefined {
    const cert = this.certificate(name);
    if (cert) return this.isRevoked(cert.serialHex) ? 'revoked' : 'signed';
    return existsSync(this.paths.request(name)) ? 'requested' : undefined;
  }

  /**
   * PUT /certificate_request/NAME: subject and duplicate rules, then autosign (which also checks
   * SANs, extensions and the signature and refuses the request when they fail), else saved as pending.
   */
  async submitRequest(name: string, pem: string): Promise<{ state: 'requested' | 'signed' }> {
    safeFileName(name);
    const csr = parseCsr(pem, name);
    validateSubject(csr, name);
    const existing = this.existingState(name);
    if (existing) {
      const old = existing === 'requested' ? this.requestPem(name) : undefined;
      if (old !== undefined && Buffer.compare(parseCsr(old, name).der, csr.der) === 0) return { state: 'requested' }; // the same request again
      if (!this.options.allowDuplicateCerts) {
        throw new KurokoError(`${name} already has a ${existing} certificate; ignoring certificate request`, { code: 'KUR0925', node: name });
      }
      log.notice(`${name} already has a ${existing} certificate; new certificate will overwrite it`);
    }
    validateExtensions(csr);
    if (await shouldAutosign(this.options.autosign, name, csr.pem)) {
      await validateForSigning(csr, this.policy(false));
      await this.issueFromCsr(csr, {});
      log.notice(`Autosigned certificate request for ${name}`);
      return { state: 'signed' };
    }
    await validateSignature(csr);
    await this.exclusive(async () => writeFileAtomic(this.paths.request(name), csr.pem.endsWith('\n') ? csr.pem : csr.pem + '\n', 0o644));
    log.notice(`${name} has a waiting certificate request`);
    return { state: 'requested' };
  }

  private policy(allowDnsAltNames: boolean) {
    return { allowSubjectAltNames: allowDnsAltNames || this.options.allowSubjectAltNames, allowAuthorizationExtensions: this.options.allowAuthorizationExtensions };
  }

  /** Signs the pending request of NAME. */
  async sign(name: string, opts: SignOptions = {}): Promise<CertInfo> {
    const pem = this.requestPem(name);
    if (pem === undefined) throw new KurokoError(`Could not find certificate request for ${name}`, { code: 'KUR0926', node: name });
    const csr = parseCsr(pem, name);
    await validateForSigning(csr, this.policy(opts.allowDnsAltNames === true));
    const cert = parseCertificate(await this.issueFromCsr(csr, opts), name);
    log.notice(`Signed certificate request for ${name}`);
    return cert;
  }

  /** Signs every pending request; failures are collected, not fatal. */
  async signAll(opts: SignOptions = {}): Promise<{ signed: string[]; errors: { name: string; message: string }[] }> {
    const signed: string[] = [];
    const errors: { name: string; message: string }[] = [];
    for (const name of this.names(this.paths.requestsDir)) {
      try { await this.sign(name, opts); signed.push(name); } catch (e) { errors.push({ name, message: (e as Error).message }); }
    }
    return { signed, errors };
  }

  private async issueFromCsr(csr: CsrInfo, opts: SignOptions): Promise<string> {
    const { subject, spki } = csrParts(csr.der);
    return this.issue({
      certname: csr.name, subject, spki,
      subjectAltNames: csr.subjectAltNames, puppetExtensions: csr.extensions, ttlSeconds: opts.ttlSeconds,
      removeRequest: true,
    });
  }

  /**
   * Queues a certificate to issue. Requests arriving together are committed as one group under one lock:
   * their serials are reserved with one write (before anything is signed, so that a crash can skip
   * serials but never reuse one), they are signed in parallel, written, and recorded in the inventory
   * with one append. Concurrent submissions are thus both safe and fast.
   */
  private issue(o: IssueRequest): Promise<string> {
    return new Promise((resolve, reject) => {
      this.pending.push({ o, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, 64);
        try {
          const results = await this.exclusive(() => this.commit(batch.map((b) => b.o)));
          batch.forEach((b, i) => { const r = results[i]; if (r.status === 'fulfilled') b.resolve(r.value); else b.reject(r.reason); });
        } catch (e) { for (const b of batch) b.reject(e); }
      }
    } finally { this.draining = false; }
  }

  private async commit(batch: IssueRequest[]): Promise<PromiseSettledResult<string>[]> {
    const first = this.reserveSerials(batch.length);
    const now = Date.now();
    const notBefore = new Date(now - BACKDATE_MS);
    const results = await Promise.allSettled(batch.map(async (o, i) => {
      const serial = first + BigInt(i);
      const notAfter = new Date(Math.min(now + (o.ttlSeconds ?? this.options.caTtlSeconds) * 1000, this.signer.cert.notAfter.getTime()));
      const der = await encodeCertificate({
        serial, issuer: this.caSubject, subject: o.subject, spki: o.spki, notBefore, notAfter, certname: o.certname,
        subjectAltNames: o.subjectAltNames, puppetExtensions: o.puppetExtensions, cliAuth: o.cliAuth, caKeyId: this.signer.keyId, caKey: this.signer.key,
      });
      const pem = derToPem(der, 'CERTIFICATE');
      await writeFileAtomicAsync(this.paths.signed(o.certname), pem, 0o644);
      return { serial, notAfter, pem };
    }));
    const lines: string[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') lines.push(`0x${r.value.serial.toString(16).padStart(4, '0')} ${caDate(notBefore)} ${caDate(r.value.notAfter)} /CN=${batch[i].certname}`);
    });
    if (lines.length) appendLine(this.paths.inventory, lines.join('\n'));
    batch.forEach((o, i) => {
      if (o.removeRequest && results[i].status === 'fulfilled') { try { unlinkSync(this.paths.request(o.certname)); } catch { /* already gone */ } }
    });
    return results.map((r) => (r.status === 'fulfilled' ? { status: 'fulfilled', value: r.value.pem } : r));
  }

  /** Reserves COUNT serials: reads and advances the serial file (inside exclusive()); returns the first. */
  private reserveSerials(count: number): bigint {
    const text = readIfExists(this.paths.serial)?.trim() ?? '';
    if (text !== '' && !/^[0-9a-fA-F]+$/.test(text)) {
      throw new KurokoError(`The CA serial file ${this.paths.serial} is corrupt (${JSON.stringify(text.slice(0, 40))})`, { code: 'KUR0933', field: 'serial', value: text.slice(0, 40) });
    }
    const serial = text === '' ? 2n : BigInt('0x' + text);
    writeFileAtomic(this.paths.serial, (serial + BigInt(count)).toString(16).toUpperCase().padStart(4, '0') + '\n', 0o644);
    return serial;
  }

  // ---- revocation and cleaning ---------------------------------------------------------

  /** Revokes NAME's certificate (or a serial given as 0xHEX); the CRL changes at once. */
  async revoke(nameOrSerial: string): Promise<bigint> {
    let serial: bigint;
    if (/^0x[0-9a-f]+$/i.test(nameOrSerial)) serial = BigInt(nameOrSerial);
    else {
      const cert = this.certificate(nameOrSerial);
      if (!cert) throw new KurokoError(`Could not find a serial number for ${nameOrSerial}`, { code: 'KUR0927', node: nameOrSerial });
      serial = cert.serial;
    }
    await this.exclusive(async () => {
      this.reloadCrl();
      if (this.crl.revoked.has(serial.toString(16).toUpperCase())) return;
      await this.writeCrl([...this.crl.entries, { serial, date: new Date() }]);
    });
    log.notice(`Revoked certificate with serial ${serial}`);
    return serial;
  }

  /** `cert clean`: revokes a signed certificate, then deletes it and any request. False when nothing existed. */
  async clean(name: string): Promise<boolean> {
    const cert = this.certificate(name);
    if (cert && !this.isRevoked(cert.serialHex)) await this.revoke(name);
    return this.destroy(name);
  }

  /** DELETE certificate_status: removes the certificate and request without revoking. */
  async destroy(name: string): Promise<boolean> {
    safeFileName(name);
    return this.exclusive(async () => {
      let found = false;
      for (const p of [this.paths.signed(name), this.paths.request(name)]) {
        try { unlinkSync(p); found = true; } catch { /* absent */ }
      }
      if (found) log.notice(`Removed files for ${name} from the CA`);
      return found;
    });
  }

  async deleteRequest(name: string): Promise<boolean> {
    safeFileName(name);
    return this.exclusive(async () => { try { unlinkSync(this.paths.request(name)); return true; } catch { return false; } });
  }

  // ---- issuing without a remote agent --------------------------------------------------

  private writeNodeFiles(name: string, key: KeyObject, certPem: string): { keyPath: string; certPath: string } {
    mkdirMode(this.ssl.ssldir, DIR_MODES.ssldir);
    mkdirMode(this.ssl.privateKeysDir, DIR_MODES.private_keys);
    mkdirMode(this.ssl.publicKeysDir, DIR_MODES.public_keys);
    mkdirMode(this.ssl.certsDir, DIR_MODES.certs);
    writeFileAtomic(this.ssl.privateKey(name), privateKeyPem(key), 0o600);
    writeFileAtomic(this.ssl.publicKey(name), publicKeyPem(publicOf(key)), 0o644);
    writeFileAtomic(this.ssl.cert(name), certPem, 0o644);
    if (readIfExists(this.ssl.caCert) !== this.caPem) writeFileAtomic(this.ssl.caCert, this.caPem, 0o644);
    writeFileAtomic(this.ssl.crl, this.crlPem(), 0o644);
    return { keyPath: this.ssl.privateKey(name), certPath: this.ssl.cert(name) };
  }

  /** `cert generate NAME`: a key and a signed certificate in ssldir, to copy to a node (the pre-signed method). */
  async generate(name: string, opts: { dnsAltNames?: string[]; ttlSeconds?: number } = {}): Promise<{ keyPath: string; certPath: string; cert: CertInfo }> {
    safeFileName(name);
    const existing = this.existingState(name);
    if (existing && !this.options.allowDuplicateCerts) throw new KurokoError(`${name} already has a ${existing} certificate`, { code: 'KUR0925', node: name });
    const pair = await generateKeyPair({ type: this.options.keyType, bits: this.options.keyLength });
    const csr = parseCsr(await createCsr({ certname: name, privateKey: pair.privateKey, dnsAltNames: opts.dnsAltNames }), name);
    await validateForSigning(csr, this.policy(true));
    const cert = parseCertificate(await this.issueFromCsr(csr, { ttlSeconds: opts.ttlSeconds }), name);
    return { ...this.writeNodeFiles(name, pair.privateKey, cert.pem), cert };
  }

  /** The server's key and certificate with dns_alt_names and pp_cli_auth; made, or renewed (same key), when needed. */
  async ensureServerIdentity(): Promise<ServerIdentity> {
    const name = this.options.certname;
    safeFileName(name);
    const keyPem = readIfExists(this.ssl.privateKey(name));
    const certPem = readIfExists(this.ssl.cert(name));
    let key = keyPem ? loadPrivateKey(keyPem, this.ssl.privateKey(name)) : undefined;
    let reuse = false;
    if (key && certPem) {
      const cert = parseCertificate(certPem, name);
      const fromThisCa = await cert.certificate.verify({ publicKey: this.signer.cert.publicKey, signatureOnly: true }).catch(() => false);
      const renewBy = Date.now() + (this.options.renewalSeconds ?? 30 * 86400) * 1000;
      reuse = fromThisCa && keyMatches(key, cert.certificate.publicKey.rawData) && !this.isRevoked(cert.serialHex) && cert.notAfter.getTime() > renewBy;
    }
    if (!reuse) {
      if (!key) key = (await generateKeyPair({ type: this.options.keyType, bits: this.options.keyLength })).privateKey;
      const sans = [name, ...this.options.dnsAltNames].map((n) => (/^(DNS|IP):/i.test(n) ? n.replace(/^dns:/i, 'DNS:').replace(/^ip:/i, 'IP:') : `DNS:${n}`));
      const spki = publicOf(key).export({ format: 'der', type: 'spki' });
      const cert = parseCertificate(await this.issue({
        certname: name, subject: Buffer.from(new x509.Name([{ CN: [name] }]).toArrayBuffer()), spki,
        subjectAltNames: [...new Set(sans)], puppetExtensions: [], cliAuth: true, removeRequest: true,
      }), name);
      this.writeNodeFiles(name, key, cert.pem);
      log.notice(`Signed the server certificate for ${name} (alt names: ${cert.subjectAltNames.join(', ')})`);
    } else {
      if (readIfExists(this.ssl.caCert) !== this.caPem) writeFileAtomic(this.ssl.caCert, this.caPem, 0o644);
    }
    return {
      certname: name, keyPath: this.ssl.privateKey(name), certPath: this.ssl.cert(name), caPath: this.paths.caCert, crlPath: this.paths.caCrl,
      key: readFileSync(this.ssl.privateKey(name), 'utf8'), cert: readFileSync(this.ssl.cert(name), 'utf8'), ca: this.caPem, crl: this.crlPem(),
    };
  }

  /**
   * POST certificate_renewal: a new certificate for the same key, subject, SANs and pp_* extensions.
   * The old one must be this CA's, unrevoked, and the current certificate of its name.
   */
  async renew(certPem: string): Promise<CertInfo> {
    const old = parseCertificate(certPem);
    const ok = await old.certificate.verify({ publicKey: this.signer.cert.publicKey, signatureOnly: true }).catch(() => false);
    if (!ok) throw new KurokoError(`Certificate for ${old.name} was not issued by this CA`, { code: 'KUR0928', node: old.name });
    if (this.isRevoked(old.serialHex)) throw new KurokoError(`Certificate for ${old.name} has been revoked`, { code: 'KUR0928', node: old.name });
    safeFileName(old.name);
    const current = this.certificate(old.name);
    if (current && current.serial !== old.serial) throw new KurokoError(`Certificate for ${old.name} (serial ${old.serial}) is not its current certificate (serial ${current.serial})`, { code: 'KUR0928', node: old.name });
    const { subject, spki } = certParts(old.der);
    const renewed = parseCertificate(await this.issue({
      certname: old.name, subject, spki, subjectAltNames: old.subjectAltNames, puppetExtensions: old.puppetExtensions,
      cliAuth: old.puppetExtensions.some((e) => e.name === 'pp_cli_auth' && e.value === 'true'),
    }), old.name);
    log.notice(`Renewed the certificate for ${old.name} (serial ${old.serial} -> ${renewed.serial})`);
    return renewed;
  }
}
