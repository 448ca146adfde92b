// GET/POST /puppet/v3/catalog/:certname: the facts come in the request
// (POST form with the twice-encoded JSON, or the query string), are stored,
// and the catalog is compiled on the worker pool with the exported
// resources of other nodes; the catalog is stored and returned.
import { formatDiagnostic, KurokoError } from '../util/diagnostic.js';
import { log } from '../log/index.js';
import { validateFacts } from '../store/validate.js';
import type { CompileRequest, CompileResult } from '../compiler/api.js';
import type { Catalog, Data, FactsDocument, TrustedData } from '../compiler/wire.js';
import { json, puppetError, type ApiRequest, type ApiResponse, type ClientIdentity } from './http-types.js';
import type { ServerContext } from './context.js';
import { PoolBusyError } from './pool.js';
import { validEnvironmentName } from './environments.js';
import { currentCodeId } from './code-id.js';
import { stringifyCatalog } from '../compiler/catalog-json.js';
import { commonChecksumType, noCommonChecksumMessage, type InlineSummary, type StaticCatalogTask } from './static-catalog.js';

/**
 * What the server asks a compile worker: the request, the environment's
 * environment_timeout, the code id the catalog carries and, for a static
 * catalog, what the worker needs to inline file metadata after the compile
 * (there, not here: checksumming files must not hold up the event loop).
 */
export type CompileTask = CompileRequest & { environmentTimeout?: string; codeId?: string | null; staticCatalog?: StaticCatalogTask };

/** What a compile worker answers: the compiler's result, with the inlining's figures for a static catalog. */
export type CompileTaskResult = CompileResult & { staticInline?: InlineSummary & { ms: number } };

/**
 * Whether an agent understands 503 + Retry-After: puppetserver answers
 * back-pressure so only to agents whose X-Puppet-Version is 5.3.1 or later.
 */
export function honoursRetryAfter(version: string | string[] | undefined): boolean {
  const v = Array.isArray(version) ? version[0] : version;
  const m = v ? /^(\d+)\.(\d+)\.(\d+)/.exec(v.trim()) : null;
  if (!m) return false;
  const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return maj !== 5 ? maj > 5 : min !== 3 ? min > 3 : pat >= 1;
}

/** The parameters of a catalog request: query string merged with a form body (the body wins). */
export function catalogParams(req: ApiRequest): URLSearchParams {
  const params = new URLSearchParams(req.query);
  if (req.method === 'POST' && req.body.length) {
    const ct = String(req.headers['content-type'] ?? 'application/x-www-form-urlencoded');
    if (!ct.startsWith('application/x-www-form-urlencoded')) {
      throw new KurokoError(`Unsupported content type '${ct}' (expected application/x-www-form-urlencoded)`, { code: 'KUR0680', field: 'Content-Type', value: ct });
    }
    for (const [k, v] of parseForm(req.body.toString('utf8'))) params.set(k, v);
  }
  return params;
}

/** `+` then percent-decoding, leniently: a malformed escape is left as it is, as URLSearchParams does. */
function formDecode(s: string): string {
  const plus = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!plus.includes('%')) return plus;
  try { return decodeURIComponent(plus); } catch {
    return new URLSearchParams(`x=${s}`).get('x') ?? plus;
  }
}

/**
 * An application/x-www-form-urlencoded body as URLSearchParams would read it.
 * Catalog requests carry the agent's facts (tens of KB) in one field, and
 * URLSearchParams decodes in JavaScript one character at a time, which the
 * server's lean V8 flags (no optimising compiler) make slow; split() and
 * decodeURIComponent() are native.
 */
export function parseForm(body: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of body.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    out.push(eq < 0 ? [formDecode(part), ''] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))]);
  }
  return out;
}

/** The facts of a catalog request: `facts` is URL-encoded JSON inside the (already decoded) form. */
export function decodeFacts(params: URLSearchParams): FactsDocument | undefined {
  const raw = params.get('facts');
  if (raw === null || raw === '') return undefined;
  const format = params.get('facts_format') ?? 'application/json';
  if (!['application/json', 'pson', 'text/pson', 'json'].includes(format)) {
    throw new KurokoError(`Unsupported facts_format '${format}'`, { code: 'KUR0681', field: 'facts_format', value: format });
  }
  let text = raw;
  if (!raw.trimStart().startsWith('{')) {
    try { text = decodeURIComponent(raw.replace(/\+/g, ' ')); } catch {
      throw new KurokoError('Malformed URL encoding in the facts parameter', { code: 'KUR0681', field: 'facts' });
    }
  }
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) {
    throw new KurokoError(`The facts parameter is not valid JSON: ${(e as Error).message}`, { code: 'KUR0681', field: 'facts' });
  }
  return validateFacts(doc);
}

/** The media type of rich-data catalogs (Pcore `__ptype` values), which Puppet 7 agents ask for first. */
export const RICH_JSON = 'application/vnd.puppet.rich+json';

/**
 * Whether the agent accepts rich data: puppetserver answers rich JSON only
 * when it is in the Accept list; anything else gets plain JSON, where
 * non-Data values become strings (with the compiler's warnings).
 */
export function acceptsRichData(accept: string | string[] | undefined): boolean {
  const list = (Array.isArray(accept) ? accept.join(',') : accept ?? '').split(',');
  return list.some((t) => {
    const [type, ...params] = t.trim().toLowerCase().split(';');
    return type.trim() === RICH_JSON && !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
  });
}

export function trustedFor(client: ClientIdentity, certname: string): TrustedData {
  const name = client.certname ?? certname;
  const dot = name.indexOf('.');
  return {
    authenticated: client.authenticated ? 'remote' : false,
    certname: name,
    extensions: { ...client.extensions },
    hostname: dot < 0 ? name : name.slice(0, dot),
    domain: dot < 0 ? '' : name.slice(dot + 1),
    external: {},
  };
}

/** The catalog an agent applies: exported resources, and the edges that touch them, left out. */
export function withoutExported(c: Catalog): Catalog {
  if (!c.resources.some((r) => r.exported)) return c;
  const gone = new Set(c.resources.filter((r) => r.exported).map((r) => `${r.type}[${r.title}]`));
  return { ...c, resources: c.resources.filter((r) => !r.exported), edges: c.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)) };
}

export async function catalog(ctx: ServerContext, req: ApiRequest, certname: string): Promise<ApiResponse> {
  let params: URLSearchParams;
  let facts: FactsDocument | undefined;
  try {
    params = catalogParams(req);
    facts = decodeFacts(params);
  } catch (e) {
    if (e instanceof KurokoError) return puppetError(400, e.message);
    throw e;
  }
  const environment = params.get('environment') ?? 'production';
  if (!validEnvironmentName(environment)) return puppetError(400, `Invalid environment name '${environment}'`);
  const envInfo = ctx.environments.find(environment);
  if (!envInfo) return puppetError(404, `Could not find environment '${environment}'`, 'RESOURCE_NOT_FOUND');
  let values: Record<string, Data>;
  if (facts) {
    values = facts.values;
    await ctx.store.saveFacts({ ...facts, name: certname }, environment);
  } else {
    values = (await ctx.store.getFacts(certname))?.values ?? {};
  }
  if (!ctx.compilePool) return puppetError(503, 'Server Error: the catalog compiler is not available on this server', 'RUNTIME_ERROR');
  // As puppetserver: the code id of every compile, when the site has a command for it; a failing command fails the request.
  let codeId: string | null;
  try { codeId = await currentCodeId(ctx.codeId ?? {}, environment); } catch (e) {
    const msg = e instanceof KurokoError ? e.message : String(e);
    log.err(`Server Error: ${msg}`);
    return puppetError(500, `Server Error: ${msg}`);
  }
  // A static catalog when the agent asks, the environment allows it and there is a code id (puppetserver's rule).
  let staticCatalog: StaticCatalogTask | undefined;
  if (params.get('static_catalog') === 'true' && envInfo.staticCatalogs && codeId) {
    const agentTypes = params.get('checksum_type') ?? 'sha256';
    const checksumType = commonChecksumType(agentTypes);
    if (!checksumType) return puppetError(500, `Server Error: ${noCommonChecksumMessage(agentTypes)}`);
    staticCatalog = { checksumType, environmentDir: envInfo.dir, modulepath: envInfo.modulepath, mounts: ctx.mounts };
  }
  const exported = await ctx.store.exportedResources({ excludeNode: certname, environment });
  const request: CompileTask = {
    environmentTimeout: envInfo.environmentTimeout,
    certname,
    facts: values,
    trusted: trustedFor(req.client, certname),
    environment,
    environmentpath: ctx.code.environmentpath,
    basemodulepath: ctx.code.basemodulepath,
    codedir: ctx.code.codedir,
    hieraConfig: ctx.code.hieraConfig,
    strict: ctx.code.strict,
    strictVariables: ctx.code.strictVariables,
    serverFacts: { serverversion: ctx.version, servername: ctx.certname, environment },
    transactionUuid: params.get('transaction_uuid') ?? undefined,
    exportedResources: exported.map(({ certname: _owner, ...r }) => r),
    richData: acceptsRichData(req.headers.accept),
    floatMarkers: true, // integral Floats written as 2.0, as puppetserver does
    codeId,
    staticCatalog,
  };
  const started = Date.now();
  try {
    // Agents older than 5.3.1 do not honour Retry-After: like puppetserver, they are queued instead (up to a hard bound).
    const result: CompileTaskResult = await ctx.compilePool.run(request, { overflow: !honoursRetryAfter(req.headers['x-puppet-version']) });
    // Set here too, for workers that do not know code ids (tests' own); without a command, the worker's stands.
    if (codeId !== null) result.catalog.code_id = codeId;
    for (const l of result.logs) {
      const where = l.file ? ` (file: ${l.file}${l.line ? `, line: ${l.line}` : ''})` : '';
      const level = (['debug', 'info', 'notice', 'warning', 'err'] as const).find((x) => x === l.level) ?? 'notice';
      log.log(level, `${l.message}${where} on node ${certname}`, { source: 'Scope' });
    }
    // The store gets the whole catalog (its exported resources are what other nodes collect); the agent
    // gets it without them, as Puppet's catalog terminus filters what it returns.
    await ctx.store.saveCatalog(certname, result.catalog);
    const kind = staticCatalog ? 'static catalog' : 'catalog';
    log.notice(`Compiled ${kind} for ${certname} in environment ${environment} in ${((Date.now() - started) / 1000).toFixed(2)} seconds`);
    const si = result.staticInline;
    if (si) log.info(`Inlined resource metadata into static catalog for ${certname} in environment ${environment} in ${(si.ms / 1000).toFixed(2)} seconds (${si.inlined} inlined, ${si.outside} outside the environment)`);
    const headers: Record<string, string> = { 'X-Puppet-Compiler-Name': ctx.certname };
    if (request.richData) headers['Content-Type'] = `${RICH_JSON}; charset=utf-8`;
    return { status: 200, headers: { 'Content-Type': 'application/json', ...headers }, body: stringifyCatalog(withoutExported(result.catalog)) };
  } catch (e) {
    if (e instanceof PoolBusyError) {
      log.warning(`Refusing a catalog request for ${certname}: ${e.message}`);
      const headers: Record<string, string> = { 'Content-Type': 'application/json', Connection: 'close' };
      if (honoursRetryAfter(req.headers['x-puppet-version'])) headers['Retry-After'] = String(ctx.retryAfterSeconds);
      return { ...puppetError(503, `Service Unavailable: ${e.message}`), headers };
    }
    const msg = e instanceof KurokoError ? formatDiagnostic({ ...e.toDiagnostic(), node: e.node ?? certname }, { excerpt: false }) : `${(e as Error).message} on node ${certname}`;
    log.err(`Server Error: ${msg}`);
    return puppetError(500, `Server Error: ${msg}`);
  }
}
