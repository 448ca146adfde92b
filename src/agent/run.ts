// One agent run, as Puppet's configurer does it: the disable and run locks,
// SSL, facts, the catalog request in Puppet's wire form (facts inside a
// form-encoded POST, URL-encoded twice), the catalog cache and its use when
// the server fails (with a loud warning and cached_catalog_status), the
// apply, the report PUT (spooled when undeliverable, delivered on a later
// run) and the last-run files.
import { randomUUID } from 'node:crypto';
import { now } from './lazy.js';
import { existsSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, Data } from '../compiler/wire.js';
import type { Settings } from '../settings/index.js';
import { log, MemoryDestination } from '../log/index.js';
import { describeError, KurokoError } from '../util/diagnostic.js';
import { writeFileAtomic } from '../util/fsutil.js';
import { applyCatalog } from './apply.js';
import { asCatalog, parseCatalog } from './catalog-file.js';
import { HttpFileSource } from './filesource.js';
import { RemoteFilebucket } from './remote-filebucket.js';
import type { HttpClient } from './http.js';
import { acquireRunLock, disabledReason, releaseRunLock } from './lock.js';
import { buildReport, exitStatus as reportExitStatus, saveRunFiles, puppetTime, type CachedCatalogStatus, type Report } from './report.js';

export interface AgentRunOptions {
  settings: Settings;
  /** An HTTPS client already holding the node's certificate; default: the SSL bootstrap (src/agent/ssl.ts). */
  client?: HttpClient;
  /** Facts to send instead of collecting them (tests, benchmarks). */
  facts?: Record<string, Data>;
  /** A job id for the report (orchestrated runs). */
  jobId?: string;
}

export interface AgentRunResult {
  /** The detailed exit status (0, 2, 4, 6), or undefined when the run could not happen (exit 1). */
  exitStatus?: number;
  report?: Report;
}

export function catalogCachePath(s: Settings, certname: string): string {
  return join(s.get('client_datadir'), 'catalog', `${certname}.json`);
}

export function reportSpoolDir(s: Settings): string {
  return join(s.get('statedir'), 'report_spool');
}

function serverBase(s: Settings, host = s.get('server'), port: string | number = s.get('serverport')): string {
  return `https://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/** The catalog request body, exactly as Puppet 7 agents send it. */
export function catalogRequestBody(certname: string, facts: Record<string, Data>, environment: string, transactionUuid: string, jobId = ''): string {
  const now = new Date();
  const doc = { name: certname, values: facts, timestamp: puppetTime(now), expiration: puppetTime(new Date(now.getTime() + 30 * 60_000)) };
  const form = new URLSearchParams();
  form.set('facts_format', 'application/json');
  form.set('facts', encodeURIComponent(JSON.stringify(doc)));
  form.set('environment', environment);
  form.set('configured_environment', environment);
  form.set('check_environment', 'true');
  form.set('transaction_uuid', transactionUuid);
  form.set('job_uuid', jobId);
  form.set('static_catalog', 'true');
  form.set('checksum_type', 'sha256.sha384.sha512.sha224.md5');
  return form.toString().replace(/\+/g, '%20');
}

/** The catalog request's Accept header, as a Puppet 7 agent (without msgpack) sends it. */
export const CATALOG_ACCEPT = 'application/vnd.puppet.rich+json, application/json, text/pson';

async function requestCatalog(client: HttpClient, base: string, certname: string, facts: Record<string, Data>, environment: string, uuid: string, jobId?: string): Promise<Catalog> {
  const url = `${base}/puppet/v3/catalog/${encodeURIComponent(certname)}`;
  const r = await client.post(url, {
    query: { environment },
    body: catalogRequestBody(certname, facts, environment, uuid, jobId),
    // What Puppet 7.23 agents send (Catalog's supported formats, json preferred): rich data first.
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: CATALOG_ACCEPT },
  });
  if (!r.ok) throw new KurokoError(`Error ${r.status} on SERVER: ${r.errorMessage() || '(no message)'}`, { code: 'KUR7030', field: 'url', value: url });
  return asCatalog(r.json(), url);
}

/** Delivers reports spooled by earlier runs, oldest first; stops at the first failure. */
async function deliverSpooled(client: HttpClient, base: string, s: Settings): Promise<void> {
  const dir = reportSpoolDir(s);
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const path = join(dir, f);
    let report: Report;
    try { report = JSON.parse(readFileSync(path, 'utf8')) as Report; } catch {
      log.warning(`Discarding unreadable spooled report ${path}`);
      unlinkSync(path);
      continue;
    }
    try {
      await client.putJson(`${base}/puppet/v3/report/${encodeURIComponent(report.host)}`, report, { query: { environment: report.environment } });
      unlinkSync(path);
      log.notice(`Delivered the spooled report of ${report.time} (${report.transaction_uuid})`);
    } catch (e) {
      log.warning(`Could not deliver spooled reports yet: ${describeError(e)}`);
      return;
    }
  }
}

function spool(s: Settings, report: Report): string {
  const stamp = report.time.replace(/[^0-9]/g, '').slice(0, 17);
  const path = join(reportSpoolDir(s), `${stamp}-${report.transaction_uuid}.json`);
  writeFileAtomic(path, JSON.stringify(report), 0o640);
  return path;
}

function readCache(path: string): Catalog | undefined {
  if (!existsSync(path)) return undefined;
  try { return parseCatalog(readFileSync(path, 'utf8'), path); } catch (e) {
    log.warning(`Ignoring the unreadable cached catalog ${path}: ${describeError(e)}`);
    return undefined;
  }
}

export async function runAgentOnce(opts: AgentRunOptions): Promise<AgentRunResult> {
  const s = opts.settings;
  const certname = s.get('certname');
  const reason = disabledReason(s.get('agent_disabled_lockfile'));
  if (reason !== undefined) {
    log.notice(`Skipping run of Puppet configuration client; administratively disabled (Reason: '${reason}');\nUse 'kuroko agent --enable' to re-enable.`);
    return {};
  }
  const lockfile = s.get('agent_catalog_run_lockfile');
  if (!acquireRunLock(lockfile)) {
    log.notice(`Run of Puppet configuration client already in progress; skipping  (${lockfile} exists)`);
    return {};
  }
  const logs = new MemoryDestination();
  log.addDestination(logs);
  const startTime = new Date();
  const began = now();
  const timings: Record<string, number> = {};
  const uuid = randomUUID();
  let environment = s.get('environment');
  let client = opts.client;
  const ownClient = !client;
  let cachedStatus: CachedCatalogStatus = 'not_used';
  let catalog: Catalog | undefined;
  const cachePath = catalogCachePath(s, certname);
  const base = serverBase(s);
  try {
    if (!client) {
      try {
        const { sslClient } = await import('./ssl.js');
        client = (await sslClient(s)).client;
      } catch (e) {
        // No usable certificate or CA: only a cached catalog can still be applied.
        log.err(`Could not set up SSL: ${describeError(e)}`);
        if (!s.bool('usecacheonfailure') || !existsSync(cachePath)) return {};
      }
    }
    if (client) await deliverSpooled(client, base, s);
    log.info(`Using environment '${environment}'`);
    if (client && s.bool('pluginsync')) {
      const tp = now();
      try {
        const { syncPluginFacts, syncPlugins } = await import('./pluginsync.js');
        const source = new HttpFileSource(client, base, environment);
        if (await syncPluginFacts(s.get('pluginfactdest'), source)) log.err('Could not retrieve pluginfacts completely');
        try {
          if (await syncPlugins(s.get('plugindest'), source)) log.err('Could not retrieve plugins completely');
        } catch (e) { log.err(`Failed to retrieve plugins: ${describeError(e)}`); }
      } catch (e) {
        log.err(`Failed to retrieve pluginfacts: ${describeError(e)}`);
      }
      timings.plugin_sync = (now() - tp) / 1000;
    }
    const t0 = now();
    let facts = opts.facts;
    if (!facts) {
      log.info('Loading facts');
      const { collectFacts } = await import('../facts/index.js');
      facts = await collectFacts({ certname, noop: s.bool('noop'), externalDirs: [s.get('pluginfactdest')] });
    }
    timings.fact_generation = (now() - t0) / 1000;
    const t1 = now();
    if (s.bool('use_cached_catalog') && (catalog = readCache(cachePath))) {
      cachedStatus = 'explicitly_requested';
      log.notice(`Using cached catalog from environment '${catalog.environment}'`);
    } else {
      try {
        if (!client) throw new KurokoError('no connection to the server', { code: 'KUR7031' });
        catalog = await requestCatalog(client, base, certname, facts, environment, uuid, opts.jobId);
        if (catalog.environment && catalog.environment !== environment) {
          log.notice(`Local environment: '${environment}' doesn't match server specified environment '${catalog.environment}', restarting agent run with environment '${catalog.environment}'`);
          environment = catalog.environment;
          catalog = await requestCatalog(client, base, certname, facts, environment, uuid, opts.jobId);
        }
        log.info(`Caching catalog for ${certname}`);
        writeFileAtomic(cachePath, JSON.stringify(catalog), 0o640);
      } catch (e) {
        log.err(`Could not retrieve catalog from remote server: ${describeError(e)}`);
        catalog = undefined;
        if (!s.bool('usecacheonfailure')) log.warning('Not using cache on failed catalog');
        else if ((catalog = readCache(cachePath))) {
          cachedStatus = 'on_failure';
          log.warning(`Using cached catalog from environment '${catalog.environment}' (the server's catalog could not be had: this run applies the last one received)`);
          environment = catalog.environment;
        }
      }
    }
    timings.config_retrieval = (now() - t1) / 1000;
    let report: Report;
    if (catalog) {
      const fileSource = client ? new HttpFileSource(client, base, environment) : undefined;
      const res = await applyCatalog(catalog, {
        host: certname, environment, noop: s.bool('noop'), tags: s.list('tags'), skipTags: s.list('skip_tags'), transactionUuid: uuid,
        fileSource, settings: s, bucketDir: s.get('clientbucketdir'), cachedCatalogStatus: cachedStatus, timings, startTime, logs,
        serverUsed: client ? `${s.get('server')}:${s.get('serverport')}` : null, transactionStore: join(s.get('statedir'), 'transactionstore.json'),
        remoteFilebucket: client ? (host, port) => new RemoteFilebucket(client!, serverBase(s, host, port), environment, s.get('digest_algorithm')) : undefined,
        deferred: { facts, plugindest: s.get('plugindest'), environment, certname },
      });
      report = res.report;
    } else {
      log.err('Could not retrieve catalog; skipping run');
      timings.total = (now() - began) / 1000;
      report = buildReport(undefined, {
        host: certname, environment, transactionUuid: uuid, time: startTime, noop: s.bool('noop'), transactionCompleted: false,
        timings, logs: logs.entries, cachedCatalogStatus: cachedStatus, jobId: opts.jobId ?? null,
      });
    }
    log.removeDestination(logs);
    if (opts.jobId) report.job_id = opts.jobId;
    if (s.bool('report')) {
      try {
        if (!client) throw new KurokoError('no connection to the server', { code: 'KUR7031' });
        await client.putJson(`${base}/puppet/v3/report/${encodeURIComponent(certname)}`, report, { query: { environment } });
      } catch (e) {
        const where = spool(s, report);
        log.warning(`Could not send report: ${describeError(e)}; kept in ${where} for the next run`);
      }
    }
    try {
      saveRunFiles(report, { lastrunfile: s.get('lastrunfile'), lastrunreport: s.get('lastrunreport'), runMode: 'agent' });
    } catch (e) { log.warning(`Could not save the last run summary: ${describeError(e)}`); }
    return { exitStatus: catalog && report.transaction_completed ? reportExitStatus(report) : undefined, report };
  } catch (e) {
    log.err(describeError(e));
    return {};
  } finally {
    log.removeDestination(logs);
    releaseRunLock(lockfile);
    if (ownClient) client?.close();
  }
}
