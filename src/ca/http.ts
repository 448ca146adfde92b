// The /puppet-ca/v1 endpoints as plain functions over ApiRequest/ApiResponse,
// for the server to mount (and tests to call). Who may call what is the
// server's auth rules' business; here every input is still validated:
// names, JSON bodies, sizes, and the path itself.
import { statSync } from 'node:fs';
import type { ApiRequest, ApiResponse } from '../server/http-types.js';
import { json, text } from '../server/http-types.js';
import { KurokoError } from '../util/diagnostic.js';
import { log } from '../log/index.js';
import type { CertificateAuthority } from './index.js';
import { MAX_CSR_BYTES } from './csr.js';
import { certnameProblem } from './names.js';
import type { CertState } from './status.js';

export const CA_PREFIX = '/puppet-ca/v1/';
/** Largest JSON body accepted by sign/clean/certificate_status. */
export const MAX_JSON_BYTES = 1024 * 1024;

const plain = (status: number, body: string, headers: Record<string, string> = {}) => text(status, body, headers);

function badName(name: string): ApiResponse | undefined {
  const why = certnameProblem(name);
  return why ? plain(400, `Invalid certname '${name}': ${why}`) : undefined;
}

/** 304 when the file has not changed since If-Modified-Since; else the body with Last-Modified. */
function conditional(req: ApiRequest, file: string, body: () => string): ApiResponse {
  let mtime: Date | undefined;
  try { mtime = statSync(file).mtime; } catch { mtime = undefined; }
  const headers: Record<string, string> = {};
  if (mtime) {
    headers['Last-Modified'] = mtime.toUTCString();
    const since = req.headers['if-modified-since'];
    const sinceMs = typeof since === 'string' ? Date.parse(since) : NaN;
    // HTTP dates have whole seconds: a change within the client's second must not be answered 304.
    if (!Number.isNaN(sinceMs) && Math.floor(mtime.getTime() / 1000) * 1000 < sinceMs) return { status: 304, headers };
  }
  return plain(200, body(), headers);
}

function parseJsonBody(req: ApiRequest): { ok: true; value: unknown } | { ok: false; response: ApiResponse } {
  if (req.body.length > MAX_JSON_BYTES) return { ok: false, response: plain(413, `Request body is larger than ${MAX_JSON_BYTES} bytes`) };
  try { return { ok: true, value: JSON.parse(req.body.toString('utf8') || 'null') } } catch (e) {
    return { ok: false, response: plain(400, `Request body is not valid JSON: ${(e as Error).message}`) };
  }
}

function certnamesOf(value: unknown): string[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const names = (value as { certnames?: unknown }).certnames;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) return undefined;
  return names as string[];
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Answers a /puppet-ca/v1 request, or undefined when the path is not the CA's.
 * Errors the client caused are 4xx text bodies, as puppetserver sends them.
 */
export async function handleCaRequest(ca: CertificateAuthority, req: ApiRequest): Promise<ApiResponse | undefined> {
  if (!req.path.startsWith(CA_PREFIX)) return undefined;
  if (/\/\.\.?(\/|$)|%2f|%5c|\\|\0/i.test(req.rawPath) || /\/\.\.?(\/|$)/.test(req.path)) return plain(400, 'Invalid path');
  const parts = req.path.slice(CA_PREFIX.length).split('/');
  const [endpoint, name, ...rest] = parts;
  const m = req.method;
  try {
    switch (endpoint) {
      case 'certificate': {
        if (m !== 'GET' || name === undefined || rest.length) break;
        if (name === 'ca') return conditional(req, ca.paths.caCert, () => ca.caCertificatePem());
        const bad = badName(name); if (bad) return bad;
        const pem = ca.certificatePem(name);
        return pem === undefined ? plain(404, `Could not find certificate ${name}`) : conditional(req, ca.paths.signed(name), () => pem);
      }
      case 'certificate_request': {
        if (name === undefined || rest.length) break;
        const bad = badName(name); if (bad) return bad;
        if (m === 'GET') {
          const pem = ca.requestPem(name);
          return pem === undefined ? plain(404, `Could not find certificate_request ${name}`) : plain(200, pem);
        }
        if (m === 'PUT') {
          if (req.body.length > MAX_CSR_BYTES) return plain(400, `CSR for ${name} is larger than ${MAX_CSR_BYTES} bytes`);
          try { await ca.submitRequest(name, req.body.toString('utf8')); } catch (e) {
            if (e instanceof KurokoError) return plain(400, e.message);
            throw e;
          }
          return plain(200, '');
        }
        if (m === 'DELETE') return (await ca.deleteRequest(name)) ? { status: 204 } : plain(404, `Could not find certificate_request ${name}`);
        break;
      }
      case 'certificate_revocation_list': {
        if (m === 'GET' && name === 'ca' && !rest.length) return conditional(req, ca.paths.caCrl, () => ca.crlPem());
        if (m === 'PUT' && name === undefined) {
          if (req.body.length > MAX_JSON_BYTES) return plain(413, `Request body is larger than ${MAX_JSON_BYTES} bytes`);
          try { await ca.updateCrl(req.body.toString('utf8')); } catch (e) {
            if (e instanceof KurokoError) return plain(400, e.message);
            throw e;
          }
          return plain(200, 'Successfully updated CRLs.');
        }
        break;
      }
      case 'certificate_status': {
        if (name === undefined || rest.length) break;
        const bad = badName(name); if (bad) return bad;
        if (m === 'GET') {
          const st = ca.status(name);
          return st ? json(200, st) : plain(404, `Could not find certificate or CSR for ${name}`);
        }
        if (m === 'DELETE') return (await ca.destroy(name)) ? { status: 204 } : plain(404, `Invalid certificate subject or CSR for ${name}`);
        if (m === 'PUT') return putStatus(ca, req, name);
        break;
      }
      case 'certificate_statuses': {
        if (m !== 'GET' || rest.length) break;
        const state = req.query.get('state');
        if (state !== null && !['requested', 'signed', 'revoked'].includes(state)) return plain(400, `State ${state} invalid; Must specify one of 'requested', 'signed', or 'revoked'`);
        return json(200, ca.list((state ?? undefined) as CertState | undefined));
      }
      case 'clean': {
        if (m !== 'PUT' || name !== undefined) break;
        const body = parseJsonBody(req); if (!body.ok) return body.response;
        const names = certnamesOf(body.value);
        if (!names) return plain(400, 'Request body must be {"certnames": [...]}');
        if ((body.value as { async?: unknown }).async === true) return plain(400, 'Asynchronous cleaning is not supported');
        for (const n of names) { const bad = badName(n); if (bad) return bad; }
        const missing: string[] = [];
        for (const n of names) if (!(await ca.clean(n))) missing.push(n);
        return plain(200, missing.length ? `The following certs do not exist and cannot be revoked: ${JSON.stringify(missing)}` : 'Successfully cleaned all certs.');
      }
      case 'sign': {
        if (m !== 'POST') break;
        let names: string[];
        if (name === 'all' && !rest.length) {
          names = ca.list('requested').map((s) => s.name);
        } else if (name === undefined) {
          const body = parseJsonBody(req); if (!body.ok) return body.response;
          const ns = certnamesOf(body.value);
          if (!ns) return plain(422, 'Request body must be {"certnames": [...]}');
          names = ns;
        } else break;
        const out = { signed: [] as string[], 'no-csr': [] as string[], 'signing-errors': [] as string[] };
        for (const n of names) {
          if (certnameProblem(n) || ca.requestPem(n) === undefined) { out['no-csr'].push(n); continue; }
          try { await ca.sign(n); out.signed.push(n); } catch (e) { log.warning(message(e)); out['signing-errors'].push(n); }
        }
        return json(200, out);
      }
      case 'expirations': {
        if (m !== 'GET' || name !== undefined) break;
        return json(200, ca.expirations());
      }
      case 'certificate_renewal': {
        if (m !== 'POST' || name !== undefined) break;
        const cert = req.client.certificate;
        if (!req.client.authenticated || !cert) return plain(400, 'No certificate found in renewal request');
        try {
          const renewed = await ca.renew(cert.toString());
          return plain(200, renewed.pem);
        } catch (e) {
          if (e instanceof KurokoError) return plain(403, e.message);
          throw e;
        }
      }
      default:
        return plain(404, `No CA endpoint ${req.path}`);
    }
    return plain(405, `Method ${m} is not allowed on ${req.path}`);
  } catch (e) {
    if (e instanceof KurokoError && e.code === 'KUR0901') return plain(400, e.message);
    log.err(`CA request ${m} ${req.path} failed: ${message(e)}`);
    return plain(500, `Internal error: ${message(e)}`);
  }
}

async function putStatus(ca: CertificateAuthority, req: ApiRequest, name: string): Promise<ApiResponse> {
  const body = parseJsonBody(req); if (!body.ok) return body.response;
  const v = body.value as { desired_state?: unknown; cert_ttl?: unknown } | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return plain(400, 'Request body must be a JSON object');
  const ttl = v.cert_ttl;
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0)) return plain(400, `cert_ttl must be a positive integer number of seconds, not ${JSON.stringify(ttl)}`);
  if (v.desired_state === 'signed') {
    if (ca.requestPem(name) === undefined) return plain(409, `Cannot sign certificate for ${name}: no certificate request`);
    try { await ca.sign(name, { ttlSeconds: ttl as number | undefined }); } catch (e) { return plain(409, message(e)); }
    return { status: 204 };
  }
  if (v.desired_state === 'revoked') {
    if (ca.certificatePem(name) === undefined) return plain(409, `Cannot revoke certificate for ${name}: no signed certificate`);
    await ca.revoke(name);
    return { status: 204 };
  }
  return plain(400, `State ${JSON.stringify(v.desired_state)} invalid; Must specify desired state of 'signed' or 'revoked' for host ${name}`);
}
