// `kuroko server`'s engine: the CA and the server's own certificate, the
// store, the compile pool, the auth rules and mounts, the HTTPS front end;
// reload (SIGHUP, `kuroko server reload`) and graceful shutdown.
//
// Public API:
//   startServer(opts) → RunningServer { port, app, frontEnd, context, reload(), close() }
//   The CA engine is src/ca; the compiler is src/compiler (run in worker threads).
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { log } from '../log/index.js';
import { KurokoError } from '../util/diagnostic.js';
import type { Settings } from '../settings/index.js';
import type { Store } from '../store/types.js';
import { SqliteStore } from '../store/sqlite.js';
import type { CompileRequest, CompileResult } from '../compiler/api.js';
import { App, type CaHandler } from './app.js';
import { loadRules } from './auth.js';
import type { CodeSettings, ServerContext } from './context.js';
import { Environments } from './environments.js';
import { FrontEnd } from './https.js';
import { loadFileserverConf } from './mounts.js';
import { WorkerPool } from './pool.js';
import type { TlsMaterial } from './tls.js';
import type { ApiRequest } from './http-types.js';

/**
 * Young-generation cap of each compile worker, MB (see PoolOptions), unless
 * node was started with its own --max-semi-space-size (bin/kuroko.js gives
 * the server one), which then applies to the workers as well.
 */
export function workerYoungGenerationMb(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): number | undefined {
  const semi = [...execArgv, ...nodeOptions.split(/\s+/)].some((a) => /^--max[-_]semi[-_]space[-_]size/.test(a));
  return semi ? undefined : 8;
}

export interface StartOptions {
  settings: Settings;
  /** Overrides bindaddress / serverport (tests: 127.0.0.1 and 0). */
  host?: string;
  port?: number;
  /** TLS material to use instead of the CA's (then no CA endpoints unless `ca` is true). */
  tls?: TlsMaterial;
  /** Run the CA (default true, as `ca` is on in puppetserver by default). */
  ca?: boolean;
  /** The compile worker module (default: compile-worker); tests pass their own. */
  workerModule?: URL;
  workers?: number;
  maxQueue?: number;
  /** Per-task compile limit, ms (0: none). */
  compileTimeoutMs?: number;
  store?: Store;
  /** /static_file_content's command; default: the code_content_command setting. */
  codeContentCommand?: string;
  /** Each catalog's code_id command; default: the code_id_command setting. */
  codeIdCommand?: string;
  /** Access log file; default $logdir/server-access.log; false: none. */
  accessLog?: string | false;
  version?: string;
}

export interface RunningServer {
  port: number;
  app: App;
  frontEnd: FrontEnd;
  context: ServerContext;
  pool: WorkerPool<CompileRequest, CompileResult>;
  reload(): Promise<void>;
  close(graceMs?: number): Promise<void>;
}

function codeSettings(s: Settings): CodeSettings {
  const strict = s.get('strict');
  return {
    environmentpath: s.get('environmentpath'),
    basemodulepath: s.get('basemodulepath').split(':').filter(Boolean),
    codedir: s.get('codedir'),
    hieraConfig: s.get('hiera_config'),
    strict: strict === 'off' || strict === 'error' ? strict : 'warning',
    strictVariables: s.bool('strict_variables'),
  };
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const s = opts.settings;
  const version = opts.version ?? '0.0.0';
  const certname = s.get('certname');
  log.notice(`Starting Kuroko server version ${version}`);

  // Certificates: the CA (created when missing) issues the server's own.
  let tls = opts.tls;
  let caHandler: CaHandler | undefined;
  let closeCa: (() => void) | undefined;
  let onCrl: ((cb: (pem: string) => void) => void) | undefined;
  if (opts.ca !== false && !opts.tls || opts.ca === true) {
    const { CertificateAuthority } = await import('../ca/index.js');
    const { handleCaRequest } = await import('../ca/http.js');
    log.info(`Using the CA in ${s.get('cadir')}`);
    let ca: Awaited<ReturnType<typeof CertificateAuthority.setup>>;
    try {
      ca = await CertificateAuthority.setup(s);
      if (!tls) {
        const id = await ca.ensureServerIdentity();
        log.info(`Using the server certificate ${id.certPath}`);
        tls = { key: id.key, cert: id.cert, ca: id.ca, crl: id.crl };
      }
    } catch (e) {
      if (e instanceof KurokoError) throw e;
      // Unreadable or unwritable ssldir/cadir: say which directory and why.
      throw new KurokoError(`Cannot use the SSL directory ${s.get('ssldir')} (cadir ${s.get('cadir')}): ${(e as Error).message}`, { code: 'KUR0644', field: 'ssldir', value: s.get('ssldir'), cause: e });
    }
    ca.startMaintenance();
    caHandler = (req) => handleCaRequest(ca, req);
    closeCa = () => ca.close();
    onCrl = (cb) => { ca.on('crl', (pem: string) => cb(pem)); };
  }
  if (!tls) throw new KurokoError('No TLS material: run with the CA or give the server its certificate', { code: 'KUR0643' });

  const store = opts.store ?? new SqliteStore(s.get('storedb'));
  log.info(`Using the store ${s.get('storedb')}`);
  const code = codeSettings(s);
  const envs = new Environments({ environmentpath: code.environmentpath.split(':').filter(Boolean), basemodulepath: code.basemodulepath, environmentTimeout: s.get('environment_timeout'), staticCatalogs: s.bool('static_catalogs') });
  const maxWorkers = opts.workers ?? s.int('max_workers');
  const pool = new WorkerPool<CompileRequest, CompileResult>({
    module: opts.workerModule ?? new URL(import.meta.url.endsWith('.ts') ? './compile-worker.ts' : './compile-worker.js', import.meta.url),
    size: maxWorkers, maxQueue: opts.maxQueue ?? s.int('max_queued_requests'), taskTimeoutMs: opts.compileTimeoutMs ?? 0,
    maxYoungGenerationSizeMb: workerYoungGenerationMb(),
  });
  try { await pool.whenReady(); } catch (e) { await pool.close(0); closeCa?.(); await (opts.store ? undefined : store.close()); throw e; }
  log.info(`Started ${pool.size} compile worker${pool.size === 1 ? '' : 's'}`);
  const ctx: ServerContext = {
    certname, version, store, compilePool: pool, environments: envs,
    mounts: loadFileserverConf(s.get('fileserverconfig')),
    bucketdir: s.get('bucketdir'), code,
    staticContent: { command: opts.codeContentCommand ?? s.get('code_content_command') }, retryAfterSeconds: 10, startedAt: new Date(),
    codeId: { command: opts.codeIdCommand ?? s.get('code_id_command') },
  };
  // puppetserver refuses to start with only one of the two; here the one set still works, with a warning.
  if (!ctx.codeId?.command !== !ctx.staticContent?.command) {
    log.warning('Only one of code_id_command and code_content_command is set: static catalogs need both (puppetserver\'s versioned-code settings)');
  }
  const { rules, source } = loadRules(s.get('rest_authconfig'));
  log.info(`Authorization rules: ${rules.length} from ${source}`);
  // The language parser is loaded on the first environment_classes request, not in every server.
  const environmentClasses = async (c: ServerContext, req: ApiRequest) => (await import('./environment-classes.js')).environmentClasses(c, req);
  const app = new App({ context: ctx, rules, ca: caHandler, environmentClasses });

  let access: WriteStream | undefined;
  if (opts.accessLog !== false) {
    const path = opts.accessLog ?? join(s.get('logdir'), 'server-access.log');
    try {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(path, '..'), { recursive: true, mode: 0o750 });
      access = createWriteStream(path, { flags: 'a', mode: 0o640 });
      access.on('error', (e) => { log.warning(`Access log ${path}: ${e.message}`); access = undefined; });
    } catch (e) { log.warning(`No access log: ${(e as Error).message}`); }
  }
  const host = opts.host ?? s.get('bindaddress');
  const frontEnd = new FrontEnd({
    host, port: opts.port ?? s.int('serverport'), tls, preflight: (req) => app.preflight(req), handler: (req) => app.route(req),
    maxBodyBytes: s.int('max_request_size'),
    accessLog: (line) => { access?.write(line + '\n'); if (log.enabled('debug')) log.debug(line); },
  });
  onCrl?.((crl) => {
    log.notice('The CRL changed; revoked certificates are refused from now on');
    frontEnd.updateTls({ ...tls!, crl });
  });

  // Report retention: reportttl (default 14d), applied now, then hourly (or at half the ttl when that is shorter).
  const ttl = s.duration('reportttl');
  const prune = async () => {
    if (!Number.isFinite(ttl)) return;
    try {
      const n = await store.pruneReports(new Date(Date.now() - ttl * 1000));
      if (n) log.info(`Removed ${n} report${n === 1 ? '' : 's'} older than ${s.get('reportttl')}`);
    } catch (e) { log.warning(`Report retention failed: ${(e as Error).message}`); }
  };
  await prune();
  const pruneEvery = Number.isFinite(ttl) ? Math.min(3600, Math.max(1, ttl / 2)) : 3600;
  const pruneTimer = setInterval(() => { void prune(); }, pruneEvery * 1000);
  pruneTimer.unref();

  let port: number;
  try { port = await frontEnd.listen(); } catch (e) {
    await pool.close(0); closeCa?.(); await store.close();
    throw e;
  }
  log.notice(`Kuroko server ${certname} (version ${version}) listening on ${host === '*' ? '0.0.0.0' : host}:${port}`);

  const running: RunningServer = {
    port, app, frontEnd, context: ctx, pool,
    async reload() {
      log.notice('Reloading: auth rules, file server mounts and compile workers');
      try {
        const next = loadRules(s.get('rest_authconfig'));
        app.setRules(next.rules);
        ctx.mounts = loadFileserverConf(s.get('fileserverconfig'));
      } catch (e) {
        log.err(`Reload failed, keeping the previous configuration: ${(e as Error).message}`);
        throw e;
      }
      pool.reload();
    },
    async close(graceMs = 30_000) {
      log.notice('Shutting down: finishing requests in flight');
      clearInterval(pruneTimer);
      await frontEnd.close(graceMs);
      await pool.close(graceMs);
      closeCa?.();
      await store.close();
      await new Promise<void>((resolve) => { if (access) access.end(() => resolve()); else resolve(); });
      log.notice('Kuroko server stopped');
    },
  };
  return running;
}
