// The node, facts and report endpoints, the environments list and the
// status service: small handlers over the store.
import { KurokoError } from '../util/diagnostic.js';
import { log } from '../log/index.js';
import { validateFacts } from '../store/validate.js';
import { json, puppetError, text, type ApiRequest, type ApiResponse } from './http-types.js';
import type { ServerContext } from './context.js';
import { validEnvironmentName } from './environments.js';

function parseJson(req: ApiRequest, what: string): { ok: true; value: unknown } | { ok: false; res: ApiResponse } {
  const ct = String(req.headers['content-type'] ?? 'application/json');
  if (!/^(application\/json|text\/pson|application\/vnd\.puppet\.rich\+json|pson)/.test(ct)) {
    return { ok: false, res: puppetError(400, `Unsupported content type '${ct}' for ${what} (expected application/json)`) };
  }
  try { return { ok: true, value: JSON.parse(req.body.toString('utf8')) }; } catch (e) {
    return { ok: false, res: puppetError(400, `Could not parse ${what}: ${(e as Error).message}`) };
  }
}

export async function node(ctx: ServerContext, req: ApiRequest, certname: string): Promise<ApiResponse> {
  const environment = req.query.get('environment') ?? 'production';
  if (!validEnvironmentName(environment)) return puppetError(400, `Invalid environment name '${environment}'`);
  const facts = await ctx.store.getFacts(certname);
  return json(200, { name: certname, environment, parameters: facts?.values ?? {}, classes: [] });
}

export async function putFacts(ctx: ServerContext, req: ApiRequest, certname: string): Promise<ApiResponse> {
  const parsed = parseJson(req, 'facts');
  if (!parsed.ok) return parsed.res;
  const environment = req.query.get('environment') ?? 'production';
  if (!validEnvironmentName(environment)) return puppetError(400, `Invalid environment name '${environment}'`);
  try {
    const doc = validateFacts(parsed.value);
    await ctx.store.saveFacts({ ...doc, name: certname }, environment);
  } catch (e) {
    if (e instanceof KurokoError) return puppetError(400, e.message);
    throw e;
  }
  return json(200, null);
}

export async function putReport(ctx: ServerContext, req: ApiRequest, certname: string): Promise<ApiResponse> {
  const parsed = parseJson(req, 'report');
  if (!parsed.ok) return parsed.res;
  try {
    const r = await ctx.store.saveReport(parsed.value);
    if (r.certname !== certname) log.warning(`Report for ${r.certname} was sent to the URL of ${certname}`);
    log.info(`Stored report ${r.id} for ${r.certname} (${r.status})`);
  } catch (e) {
    if (e instanceof KurokoError) return puppetError(400, `Could not store the report: ${e.message}`);
    throw e;
  }
  return json(200, ['store']);
}

export function environments(ctx: ServerContext): ApiResponse {
  return json(200, ctx.environments.toJson());
}

const SERVICES = ['server', 'ca', 'status-service'] as const;

function serviceStatus(ctx: ServerContext, name: string, level: string): Record<string, unknown> {
  const status: Record<string, unknown> = {};
  if (name === 'server' && level !== 'critical') {
    status.uptime_seconds = Math.round((Date.now() - ctx.startedAt.getTime()) / 1000);
    if (ctx.compilePool) status.compile_workers = { size: ctx.compilePool.size, running: ctx.compilePool.running, queued: ctx.compilePool.queued, ...ctx.compilePool.stats };
  }
  return { service_version: ctx.version, service_status_version: 1, detail_level: level, state: 'running', status, active_alerts: [] };
}

export function status(ctx: ServerContext, req: ApiRequest, rest: string[]): ApiResponse {
  const [kind, svc, ...more] = rest;
  if (more.length) return puppetError(404, 'Not Found');
  const level = req.query.get('level') ?? 'info';
  if (!['critical', 'info', 'debug'].includes(level)) return json(400, { kind: 'service-status-invalid-level', msg: `Invalid level: ${level}` });
  if (kind === 'simple') {
    if (svc !== undefined && !(SERVICES as readonly string[]).includes(svc) && svc !== 'master') return text(404, 'not found: ' + svc);
    return text(200, 'running');
  }
  if (kind === 'services') {
    if (svc !== undefined) {
      const name = svc === 'master' ? 'server' : svc;
      if (!(SERVICES as readonly string[]).includes(name)) return json(404, { kind: 'service-not-found', msg: `No status information found for service ${svc}` });
      return json(200, serviceStatus(ctx, name, level));
    }
    const out: Record<string, unknown> = {};
    for (const s of SERVICES) out[s] = serviceStatus(ctx, s, level);
    return json(200, out);
  }
  return puppetError(404, 'Not Found');
}
