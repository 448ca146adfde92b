// The HTTPS front end: TLS 1.2/1.3 with optional client certificates,
// bounded request bodies, header and idle timeouts, gzip when asked, an
// access log, and a graceful close that lets requests in flight finish.
// It adapts node:https to the plain ApiRequest/ApiResponse handlers.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { log } from '../log/index.js';
import { KurokoError } from '../util/diagnostic.js';
import type { ApiRequest, ApiResponse } from './http-types.js';
import { puppetError } from './http-types.js';
import { IdentityResolver, type TlsMaterial } from './tls.js';

const gzipAsync = promisify(gzip);

export interface FrontEndOptions {
  host: string;
  port: number;
  tls: TlsMaterial;
  handler: (req: ApiRequest) => Promise<ApiResponse>;
  /** Runs before the body is read (auth): an answer refuses the request without reading its body. */
  preflight?: (req: ApiRequest) => ApiResponse | undefined;
  /** Largest request body in bytes (413 beyond). */
  maxBodyBytes?: number;
  /** Time allowed for a client to send its headers. */
  headersTimeoutMs?: number;
  /** Time allowed for a whole request (body included). */
  requestTimeoutMs?: number;
  /** Keep-alive connections idle this long are closed. */
  idleTimeoutMs?: number;
  /** One line per request, in the spirit of puppetserver's access log. */
  accessLog?: (line: string) => void;
}

const GZIP_MIN = 1024;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class FrontEnd {
  readonly server: Server;
  private identities: IdentityResolver;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private closing = false;
  private readonly maxBody: number;

  constructor(private opts: FrontEndOptions) {
    this.maxBody = opts.maxBodyBytes ?? 32 * 1024 * 1024;
    this.identities = new IdentityResolver(opts.tls.crl);
    this.server = createServer({
      key: opts.tls.key, cert: opts.tls.cert, ca: opts.tls.ca, crl: opts.tls.crl || undefined,
      requestCert: true, rejectUnauthorized: false, // the CA endpoints work without a certificate
      minVersion: 'TLSv1.2',
      headersTimeout: opts.headersTimeoutMs ?? 30_000,
      requestTimeout: opts.requestTimeoutMs ?? 300_000,
      keepAliveTimeout: opts.idleTimeoutMs ?? 30_000,
      // How often header/request timeouts are enforced: a fraction of the header timeout.
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor((opts.headersTimeoutMs ?? 30_000) / 4))),
      maxHeaderSize: 16 * 1024,
    }, (req, res) => { void this.serve(req, res); });
    // Set here as well: not every Node 20 release reads these from the options.
    this.server.keepAliveTimeout = opts.idleTimeoutMs ?? 30_000;
    this.server.headersTimeout = opts.headersTimeoutMs ?? 30_000;
    this.server.requestTimeout = opts.requestTimeoutMs ?? 300_000;
    this.server.on('tlsClientError', (err) => log.debug(`TLS handshake failed: ${err.message}`));
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
      log.debug(`Bad HTTP request: ${err.message}`);
    });
  }

  /** Listens; resolves to the bound port. Refuses clearly when the port is taken. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        const where = `${this.opts.host}:${this.opts.port}`;
        if (e.code === 'EADDRINUSE') reject(new KurokoError(`Could not listen on ${where}: the port is already in use`, { code: 'KUR0640', field: 'serverport', value: this.opts.port }));
        else if (e.code === 'EACCES') reject(new KurokoError(`Could not listen on ${where}: permission denied`, { code: 'KUR0641', field: 'serverport', value: this.opts.port }));
        else reject(new KurokoError(`Could not listen on ${where}: ${e.message}`, { code: 'KUR0642', field: 'bindaddress', value: this.opts.host }));
      };
      this.server.once('error', onError);
      const host = this.opts.host === '*' ? undefined : this.opts.host;
      this.server.listen(this.opts.port, host, () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : this.opts.port);
      });
    });
  }

  /** New key/cert/CA/CRL for new connections; the CRL applies to every request from now on. */
  updateTls(tls: TlsMaterial): void {
    this.opts.tls = tls;
    this.server.setSecureContext({ key: tls.key, cert: tls.cert, ca: tls.ca, crl: tls.crl || undefined });
    // New ticket keys: sessions resumed from old tickets must do a full handshake.
    this.server.setTicketKeys(randomBytes(48));
    this.identities.setCrl(tls.crl);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    this.inFlight++;
    let status = 500;
    let sent = 0;
    let certname: string | undefined;
    try {
      const socket = req.socket as TLSSocket;
      const client = this.identities.identify(socket);
      certname = client.certname;
      const declared = Number(req.headers['content-length'] ?? 0);
      if (Number.isFinite(declared) && declared > this.maxBody) {
        status = 413;
        sent = this.reply(req, res, puppetError(413, `Request body of ${declared} bytes exceeds the limit of ${this.maxBody} bytes`), true);
        return;
      }
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const rawPath = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
      let path: string;
      try { path = decodeURIComponent(rawPath); } catch {
        status = 400;
        sent = this.reply(req, res, puppetError(400, `Malformed URL encoding in ${rawPath.slice(0, 200)}`), true);
        return;
      }
      let query: URLSearchParams;
      try { query = new URLSearchParams(q >= 0 ? rawUrl.slice(q + 1) : ''); } catch { query = new URLSearchParams(); }
      const apiReq: ApiRequest = {
        method: (req.method ?? 'GET').toUpperCase(), path, rawPath, query, headers: req.headers, body: Buffer.alloc(0), client,
        remoteAddress: req.socket.remoteAddress,
      };
      const refused = this.opts.preflight?.(apiReq);
      if (refused) {
        status = refused.status;
        sent = this.reply(req, res, refused, true); // the body is not read: close the connection after
        return;
      }
      const body = await this.readBody(req);
      if (body === undefined) {
        status = 413;
        sent = this.reply(req, res, puppetError(413, `Request body exceeds the limit of ${this.maxBody} bytes`), true);
        return;
      }
      apiReq.body = body;
      let out: ApiResponse;
      try { out = await this.opts.handler(apiReq); } catch (e) {
        log.err(`Unhandled error for ${apiReq.method} ${rawPath}: ${(e as Error).stack ?? e}`);
        out = puppetError(500, `Server Error: ${(e as Error).message}`);
      }
      status = out.status;
      sent = await this.replyMaybeGzip(req, res, out);
    } catch (e) {
      log.err(`Request failed: ${(e as Error).message}`);
      if (!res.headersSent) { status = 500; sent = this.reply(req, res, puppetError(500, 'Server Error'), true); } else res.destroy();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.accessLog(req, res, status, sent, certname, ms);
      if (--this.inFlight === 0 && this.drained) this.drained();
    }
  }

  /** The body, or undefined as soon as it grows past the limit. */
  private readBody(req: IncomingMessage): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on('data', (c: Buffer) => {
        if (over) return;
        size += c.length;
        // Answer 413 at once (the connection closes after it) rather than reading an endless body.
        if (size > this.maxBody) { over = true; chunks.length = 0; resolve(undefined); return; }
        chunks.push(c);
      });
      req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
      req.on('error', reject);
      req.on('aborted', () => reject(new Error('client aborted the request')));
    });
  }

  private async replyMaybeGzip(req: IncomingMessage, res: ServerResponse, out: ApiResponse): Promise<number> {
    const body = out.body === undefined ? undefined : Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body);
    const accept = String(req.headers['accept-encoding'] ?? '');
    if (body && body.length >= GZIP_MIN && /\bgzip\b/.test(accept) && req.method !== 'HEAD') {
      const z = await gzipAsync(body, { level: 1 }); // fast: catalogs are compressible, CPU is the scarce part
      return this.reply(req, res, { ...out, body: z, headers: { ...out.headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } });
    }
    return this.reply(req, res, { ...out, body });
  }

  private reply(req: IncomingMessage, res: ServerResponse, out: ApiResponse, close = false): number {
    const body = out.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(out.body) ? out.body : Buffer.from(out.body);
    const headers: Record<string, string | number> = { ...out.headers };
    if (!('Content-Length' in headers) || req.method !== 'HEAD') headers['Content-Length'] = body.length;
    if (close || this.closing) headers.Connection = 'close';
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v); // kept readable for the access log
    res.writeHead(out.status);
    if (req.method === 'HEAD' || out.status === 204 || out.status === 304) res.end();
    else res.end(body);
    return req.method === 'HEAD' ? 0 : body.length;
  }

  /**
   * puppetserver's access log columns (its request-logging.xml): host, -, user, [time], "request", status,
   * bytes, "referer", "user agent", milliseconds, request Content-Length, JRuby borrow time (always -
   * here), "request Content-Type", "Accept", "response Content-Type". The user column is the client's
   * certname, where puppetserver has -: one token either way.
   */
  private accessLog(req: IncomingMessage, res: ServerResponse, status: number, bytes: number, certname: string | undefined, ms: number): void {
    const sink = this.opts.accessLog;
    if (!sink) return;
    const t = new Date();
    const stamp = `${String(t.getUTCDate()).padStart(2, '0')}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${t.toISOString().slice(11, 19)} +0000`;
    const q = (v: unknown) => `"${v === undefined || v === '' ? '-' : String(v).replace(/["\\]/g, (c) => '\\' + c).replace(/[\x00-\x1f\x7f]/g, '?')}"`;
    const length = req.headers['content-length'] ?? '-';
    const line = `${req.socket.remoteAddress ?? '-'} - ${certname ?? '-'} [${stamp}] ${q(`${req.method} ${req.url} HTTP/${req.httpVersion}`)} ${status} ${bytes} ${q(req.headers.referer)} ${q(req.headers['user-agent'])} ${Math.round(ms)} ${length} - ${q(req.headers['content-type'])} ${q(req.headers.accept)} ${q(res.getHeader('content-type'))}`;
    sink(line);
  }

  /**
   * Stops accepting connections, lets requests in flight finish (up to
   * `graceMs`), then closes what is left.
   */
  async close(graceMs = 30_000): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => { this.drained = resolve; }),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    this.server.closeAllConnections();
    await closed;
  }
}
