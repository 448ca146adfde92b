// The request pipeline: refuse path tricks, apply the auth rules, then
// route to the CA, /puppet/v3 or /status/v1 handlers. Pure over
// ApiRequest/ApiResponse, so tests can call it without TLS.
import { log } from '../log/index.js';
import { puppetError, text, type ApiRequest, type ApiResponse } from './http-types.js';
import { authorize, type AuthRule } from './auth.js';
import type { ServerContext } from './context.js';
import { catalog } from './v3-catalog.js';
import { environments, node, putFacts, putReport, status } from './v3-agent.js';
import { fileContent, fileMetadata, fileMetadatas } from './v3-files.js';
import { fileBucketFile } from './filebucket.js';
import { staticFileContent } from './static-content.js';

export type CaHandler = (req: ApiRequest) => Promise<ApiResponse | undefined>;

export interface AppOptions {
  context: ServerContext;
  rules: AuthRule[];
  ca?: CaHandler;
  /** GET /puppet/v3/environment_classes when the language parser is available. */
  environmentClasses?: (ctx: ServerContext, req: ApiRequest) => Promise<ApiResponse>;
}

/** `.`/`..` segments, encoded or not, NUL bytes and backslashes are never legitimate here. */
export function hasTraversal(req: Pick<ApiRequest, 'path'>): boolean {
  // `path` is already percent-decoded, so %2e%2e and %2f arrive here as `..` and `/`.
  return /\0|\\/.test(req.path) || /(^|\/)\.\.?(\/|$)/.test(req.path);
}

const V3 = '/puppet/v3/';
const ADMIN_ENV_CACHE = '/puppet-admin-api/v1/environment-cache';

export class App {
  constructor(private opts: AppOptions) {}

  setRules(rules: AuthRule[]): void { this.opts.rules = rules; }
  get context(): ServerContext { return this.opts.context; }

  /** Traversal and auth checks, which need no body: an answer when the request is refused. */
  preflight(req: ApiRequest): ApiResponse | undefined {
    if (hasTraversal(req)) {
      log.warning(`Refused a path with traversal from ${req.client.certname ?? req.remoteAddress}: ${req.rawPath.slice(0, 200)}`);
      return puppetError(400, 'Invalid path: relative segments (.. or .) are not allowed');
    }
    const decision = authorize(this.opts.rules, req);
    if (!decision.allowed) {
      log.warning(decision.message);
      return text(403, decision.message);
    }
    return undefined;
  }

  /** The whole pipeline: preflight, then the endpoint. */
  async handle(req: ApiRequest): Promise<ApiResponse> {
    return this.preflight(req) ?? this.route(req);
  }

  /** The endpoint alone, for a front end that ran preflight() before reading the body. */
  async route(req: ApiRequest): Promise<ApiResponse> {
    const ctx = this.opts.context;
    const m = req.method;
    const p = req.path;
    if (p.startsWith('/puppet-ca/v1/')) {
      if (!this.opts.ca) return text(404, 'The CA is not enabled on this server');
      return (await this.opts.ca(req)) ?? text(404, 'Not Found');
    }
    if (p.startsWith('/status/v1/')) {
      if (m !== 'GET') return puppetError(405, `Method ${m} not allowed`);
      return status(ctx, req, p.slice('/status/v1/'.length).split('/'));
    }
    if (p === ADMIN_ENV_CACHE) {
      // puppetserver's environment-cache flush. Allowed only by a site auth.conf rule (the defaults deny it).
      // Parsed code lives in the compile workers, so every environment is flushed by fresh workers.
      if (m !== 'DELETE') return puppetError(405, `Method ${m} not allowed for ${p}`);
      log.notice(`Flushing the environment cache (asked by ${req.client.certname ?? req.remoteAddress})`);
      ctx.compilePool?.reload();
      return { status: 204, headers: {}, body: '' };
    }
    if (!p.startsWith(V3)) return puppetError(404, `Not Found: ${p}`, 'RESOURCE_NOT_FOUND');
    const rest = p.slice(V3.length);
    const slash = rest.indexOf('/');
    const indirection = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? '' : rest.slice(slash + 1);
    const one = key !== '' && !key.includes('/');
    const allow = (...methods: string[]) => methods.includes(m);
    const notAllowed = () => puppetError(405, `Method ${m} not allowed for ${indirection}`);
    switch (indirection) {
      case 'catalog': if (!one) break; return allow('GET', 'POST') ? catalog(ctx, req, key) : notAllowed();
      case 'node': if (!one) break; return allow('GET') ? node(ctx, req, key) : notAllowed();
      case 'facts': if (!one) break; return allow('PUT') ? putFacts(ctx, req, key) : notAllowed();
      case 'report': if (!one) break; return allow('PUT') ? putReport(ctx, req, key) : notAllowed();
      case 'file_metadata': if (!key) break; return allow('GET', 'POST') ? fileMetadata(ctx, req, key) : notAllowed();
      case 'file_metadatas': if (!key) break; return allow('GET', 'POST') ? fileMetadatas(ctx, req, key) : notAllowed();
      case 'file_content': if (!key) break; return allow('GET') ? fileContent(ctx, req, key) : notAllowed();
      case 'static_file_content': if (!key) break; return allow('GET') ? staticFileContent(ctx.staticContent ?? {}, req, key) : notAllowed();
      case 'file_bucket_file': if (!key) break; return allow('GET', 'HEAD', 'PUT', 'POST') ? fileBucketFile(ctx.bucketdir, req, key) : notAllowed();
      case 'environments': if (key) break; return allow('GET') ? environments(ctx) : notAllowed();
      case 'environment_classes':
        if (key || !this.opts.environmentClasses) break;
        return allow('GET') ? this.opts.environmentClasses(ctx, req) : notAllowed();
      default: break;
    }
    return puppetError(404, `Not Found: no route for ${m} ${p}`, 'RESOURCE_NOT_FOUND');
  }
}
