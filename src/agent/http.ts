// The agent's HTTPS client: mutual TLS with the node's certificate, the
// server verified against the CA bundle (and the CRL), Puppet's headers
// (X-Puppet-Version, User-Agent), gzip, connect and read timeouts, bounded
// bodies, JSON helpers. One keep-alive connection pool per client.
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';
import { KurokoError } from '../util/diagnostic.js';
import { log } from '../log/index.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** The Puppet version agents announce (servers gate features on it); Kuroko speaks Puppet 7's protocol. */
export const PUPPET_VERSION = '7.23.0';

export interface HttpClientOptions {
  /** CA bundle (PEM) the server's certificate must chain to; omitted only for the insecure first CA download. */
  ca?: string;
  /** CRL (PEM) checked for the server's chain. */
  crl?: string;
  /** The node's certificate and key, for mutual TLS. */
  cert?: string;
  key?: string;
  /** Skip server verification: only to fetch the CA certificate the first time, as Puppet does. */
  insecure?: boolean;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  maxResponseBytes?: number;
  userAgent?: string;
  puppetVersion?: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
  query?: Record<string, string | string[] | undefined>;
}

export class HttpResponse {
  constructor(readonly url: string, readonly status: number, readonly headers: IncomingHttpHeaders, readonly body: Buffer) {}
  get ok(): boolean { return this.status >= 200 && this.status < 300; }
  text(): string { return this.body.toString('utf8'); }
  json<T = unknown>(): T {
    try { return JSON.parse(this.text()) as T; } catch (e) {
      throw new KurokoError(`Invalid JSON from ${this.url}: ${(e as Error).message}`, { code: 'KUR0951', field: 'url', value: this.url });
    }
  }
  /** The server's error message: Puppet's JSON {message} / {msg}, or the text body. */
  errorMessage(): string {
    const t = this.text().trim();
    try {
      const j = JSON.parse(t) as { message?: string; msg?: string };
      if (typeof j.message === 'string') return j.message;
      if (typeof j.msg === 'string') return j.msg;
    } catch { /* text body */ }
    return t.slice(0, 2000);
  }
}

/** An HTTP answer outside 2xx (when the caller asked for one). */
export class HttpError extends KurokoError {
  constructor(readonly response: HttpResponse, what: string) {
    super(`${what} failed: ${response.status} ${response.errorMessage() || '(no message)'} (${response.url})`, { code: 'KUR0950', field: 'url', value: response.url });
  }
  get status(): number { return this.response.status; }
}

function describeTlsError(e: NodeJS.ErrnoException, url: string): string {
  const code = e.code ?? '';
  if (code === 'CERT_REVOKED') return `The server's certificate at ${url} has been revoked`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `Server hostname did not match the server certificate (${e.message}) at ${url}`;
  if (code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' || code === 'CERT_SIGNATURE_FAILURE') {
    return `The server's certificate at ${url} was not issued by our CA (${code}). If the CA was rebuilt, run \`kuroko ssl clean\` on this node and \`kuroko cert clean NAME\` on the CA, then bootstrap again`;
  }
  if (code === 'CRL_HAS_EXPIRED') return `The CRL has expired (${url}): refresh it from the CA`;
  return `${e.message}${code ? ` (${code})` : ''} (${url})`;
}

export class HttpClient {
  private agent: https.Agent;

  constructor(readonly options: HttpClientOptions = {}) {
    if (!options.insecure && !options.ca) throw new KurokoError('An HTTPS client needs the CA bundle to verify the server', { code: 'KUR0952' });
    // One secure context for every connection of this client (tls.connect would parse the CA bundle,
    // CRL, certificate and key again for each new socket): a daemon's runs add no native churn.
    const tlsOptions = { ca: options.ca, crl: options.crl, cert: options.cert, key: options.key };
    this.agent = new https.Agent({
      keepAlive: true, maxSockets: 8, ...tlsOptions, secureContext: createSecureContext(tlsOptions),
      rejectUnauthorized: !options.insecure,
    });
  }

  close(): void { this.agent.destroy(); }

  private headers(extra: Record<string, string> | undefined, body: Buffer | undefined): OutgoingHttpHeaders {
    const version = this.options.puppetVersion ?? PUPPET_VERSION;
    const h: OutgoingHttpHeaders = {
      'X-Puppet-Version': version,
      'User-Agent': this.options.userAgent ?? `Puppet/${version} Ruby/3.1.2 (x86_64-linux) Kuroko`,
      'Accept-Encoding': 'gzip, deflate',
      ...extra,
    };
    if (body) h['Content-Length'] = String(body.length);
    return h;
  }

  async request(method: string, url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const u = new URL(url);
    if (u.protocol !== 'https:') throw new KurokoError(`Only https:// URLs are allowed, not ${url}`, { code: 'KUR0953', field: 'url', value: url });
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, one);
    }
    const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
    const connectTimeout = this.options.connectTimeoutMs ?? 120_000;
    const readTimeout = this.options.readTimeoutMs ?? 600_000;
    const max = this.options.maxResponseBytes ?? 512 * 1024 * 1024;
    const where = u.toString();
    log.debug(`${method} ${where}`);
    const raw = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      // Settled once; errors are passed here rather than through destroy(err), which could surface uncaught.
      let settled = false;
      const fail = (e: Error) => { if (!settled) { settled = true; clearTimeout(connectTimer); reject(e); } };
      const req = https.request(u, { method, agent: this.agent, headers: this.headers(opts.headers, body) }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) {
            fail(new KurokoError(`Response from ${where} is larger than ${max} bytes`, { code: 'KUR0954', field: 'url', value: where }));
            res.destroy(); req.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => { if (!settled) { settled = true; resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }); } });
        res.on('error', (e) => fail(new KurokoError(`Reading the response from ${where} failed: ${e.message}`, { code: 'KUR0957', field: 'url', value: where })));
        res.on('close', () => fail(new KurokoError(`The connection to ${where} closed before the response ended`, { code: 'KUR0957', field: 'url', value: where })));
      });
      let connected = false;
      const connectTimer = setTimeout(() => {
        if (!connected) { fail(new KurokoError(`Connecting to ${u.host} timed out after ${connectTimeout / 1000}s`, { code: 'KUR0955', field: 'url', value: where })); req.destroy(); }
      }, connectTimeout);
      req.on('socket', (s) => {
        const done = () => { connected = true; clearTimeout(connectTimer); };
        if (!s.connecting) done(); else s.once('secureConnect', done);
      });
      req.setTimeout(readTimeout, () => { fail(new KurokoError(`No answer from ${where} within ${readTimeout / 1000}s`, { code: 'KUR0955', field: 'url', value: where })); req.destroy(); });
      req.on('error', (e: NodeJS.ErrnoException) => {
        fail(new KurokoError(describeTlsError(e, where), { code: e.code === 'ECONNREFUSED' ? 'KUR0956' : 'KUR0957', field: 'url', value: where, cause: e }));
      });
      req.on('close', () => clearTimeout(connectTimer));
      req.end(body);
    });
    let data = raw.body;
    const enc = String(raw.headers['content-encoding'] ?? '').toLowerCase();
    if (enc === 'gzip' || enc === 'deflate') {
      try { data = await (enc === 'gzip' ? gunzipAsync(data, { maxOutputLength: max }) : inflateAsync(data, { maxOutputLength: max })); } catch (e) {
        throw new KurokoError(`Could not decompress the ${enc} response from ${where}: ${(e as Error).message}`, { code: 'KUR0958' });
      }
    }
    return new HttpResponse(where, raw.status, raw.headers, data);
  }

  get(url: string, opts?: RequestOptions): Promise<HttpResponse> { return this.request('GET', url, opts); }
  put(url: string, opts?: RequestOptions): Promise<HttpResponse> { return this.request('PUT', url, opts); }
  post(url: string, opts?: RequestOptions): Promise<HttpResponse> { return this.request('POST', url, opts); }
  delete(url: string, opts?: RequestOptions): Promise<HttpResponse> { return this.request('DELETE', url, opts); }

  /** GET, expecting 2xx JSON. */
  async getJson<T = unknown>(url: string, opts: RequestOptions = {}): Promise<T> {
    const r = await this.get(url, { ...opts, headers: { Accept: 'application/json', ...opts.headers } });
    if (!r.ok) throw new HttpError(r, `GET ${url}`);
    return r.json<T>();
  }

  /** Sends JSON with METHOD, expecting 2xx; the parsed answer, or undefined for an empty body. */
  async sendJson<T = unknown>(method: 'PUT' | 'POST' | 'DELETE', url: string, value: unknown, opts: RequestOptions = {}): Promise<T | undefined> {
    const r = await this.request(method, url, {
      ...opts, body: JSON.stringify(value), headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...opts.headers },
    });
    if (!r.ok) throw new HttpError(r, `${method} ${url}`);
    return r.body.length ? r.json<T>() : undefined;
  }
  putJson<T = unknown>(url: string, value: unknown, opts?: RequestOptions): Promise<T | undefined> { return this.sendJson<T>('PUT', url, value, opts); }
  postJson<T = unknown>(url: string, value: unknown, opts?: RequestOptions): Promise<T | undefined> { return this.sendJson<T>('POST', url, value, opts); }
}

/** https://HOST:PORT for a host that may be an IPv6 literal. */
export function baseUrl(host: string, port: number | string): string {
  return `https://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}
