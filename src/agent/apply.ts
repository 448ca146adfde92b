// Applying one catalog: the transaction wrapped in Puppet's run messages
// ("Applying configuration version", "Applied catalog in N seconds"), the
// local filebucket, and the report. Shared by `kuroko apply` and the agent run.
import type { Catalog, Data } from '../compiler/wire.js';
import type { FileSourceClient, StaticFiles } from '../resources/type.js';
import { log, MemoryDestination } from '../log/index.js';
import { describeError, KurokoError } from '../util/diagnostic.js';
import { AgentCatalog } from './catalog.js';
import { Filebucket } from './filebucket.js';
import { buildReport, exitStatus, type Report } from './report.js';
import type { CachedCatalogStatus } from './report-types.js';
import { Transaction } from './transaction.js';
import { now, randomUuid } from './lazy.js';
import { loadHistory, saveHistory } from './txstore.js';
import { resolveRichData, type DeferredOptions } from './rich-data.js';

export interface ApplyOptions {
  host: string;
  environment?: string;
  noop?: boolean;
  tags?: string[];
  skipTags?: string[];
  transactionUuid?: string;
  fileSource?: FileSourceClient;
  /** Settings the providers read (digest_algorithm, show_diff, ...). */
  settings?: { get(name: string): string };
  /** clientbucketdir: where backups go (backup => 'puppet'). */
  bucketDir?: string;
  cachedCatalogStatus?: CachedCatalogStatus;
  /** Phases timed by the caller (fact_generation, config_retrieval, ...), in seconds. */
  timings?: Record<string, number>;
  /** When the run started (default now). */
  startTime?: Date;
  /** The caller's log capture, when it began before the catalog (the agent run); else one is made here. */
  logs?: MemoryDestination;
  serverUsed?: string | null;
  /** The transaction store (desired values last synced) that makes corrective_change; none when omitted. */
  transactionStore?: string;
  /** A filebucket on the server (a catalog's `filebucket { NAME: path => false }`); none in runs without a server. */
  remoteFilebucket?(server: string | undefined, port: number | undefined): { backup(path: string, content: Buffer): Promise<string> } | undefined;
  /** What Deferred values in the catalog are resolved with (facts, modulepath); empty facts when omitted. */
  deferred?: DeferredOptions;
}

export interface ApplyResult {
  report: Report;
  /** --detailed-exitcodes value: 0, 2, 4 or 6. */
  exitStatus: number;
}

export async function applyCatalog(wire: Catalog, opts: ApplyOptions): Promise<ApplyResult> {
  const startTime = opts.startTime ?? new Date();
  const ownLogs = !opts.logs;
  const logs = opts.logs ?? new MemoryDestination();
  if (ownLogs) log.addDestination(logs);
  const timings: Record<string, number> = { ...(opts.timings ?? {}) };
  let tx: Transaction | undefined;
  let completed = false;
  const began = now();
  try {
    // Rich data (Deferred, Sensitive, Binary...) resolved first, as Puppet's convert_catalog does; a failure fails the run.
    const resolved = await resolveRichData(wire, { environment: wire.environment, certname: opts.host, ...opts.deferred });
    log.info(`Applying configuration version '${wire.version}'`);
    const catalog = new AgentCatalog(resolved);
    const buckets = filebuckets(catalog, opts);
    const history = opts.transactionStore ? loadHistory(opts.transactionStore) : undefined;
    tx = await Transaction.prepare(catalog, {
      noop: opts.noop, tags: opts.tags, skipTags: opts.skipTags, fileSource: opts.fileSource, settings: opts.settings, history, staticFiles: staticFiles(wire),
      backup: async (path, content, name = 'puppet') => buckets(name).backup(path, content),
    });
    const evalStart = now();
    await tx.evaluate();
    timings.transaction_evaluation = (now() - evalStart) / 1000;
    if (opts.transactionStore && history) {
      try {
        saveHistory(opts.transactionStore, history, tx.synced, (ref) => catalog.find(ref) !== undefined);
      } catch (e) { log.warning(`Could not save the transaction store: ${describeError(e)}`); }
    }
    completed = true;
  } catch (e) {
    log.err(`Failed to apply catalog: ${describeError(e)}`);
  }
  const elapsed = (now() - began) / 1000;
  timings.catalog_application = elapsed;
  if (completed) log.notice(`Applied catalog in ${elapsed.toFixed(2)} seconds`);
  if (ownLogs) log.removeDestination(logs);
  const report = buildReport(completed ? tx : undefined, {
    host: opts.host, environment: opts.environment ?? wire.environment, transactionUuid: opts.transactionUuid ?? randomUuid(),
    time: startTime, noop: opts.noop === true, configurationVersion: wire.version, catalogUuid: wire.catalog_uuid,
    codeId: wire.code_id, cachedCatalogStatus: opts.cachedCatalogStatus, transactionCompleted: completed, timings,
    logs: logs.entries, serverUsed: opts.serverUsed,
  });
  // The transaction (catalog, graph) is not handed back: callers need the report only, and the
  // memory of a large catalog can go before the report is written.
  return { report, exitStatus: exitStatus(report) };
}

/** A static catalog's metadata and recursive_metadata, when it has them. */
function staticFiles(wire: Catalog): StaticFiles | undefined {
  const obj = (x: Data | undefined): Record<string, Data> | undefined => (typeof x === 'object' && x !== null && !Array.isArray(x) ? x : undefined);
  const meta = obj(wire.metadata);
  const rec = obj(wire.recursive_metadata);
  if (!meta && !rec) return undefined;
  return {
    codeId: wire.code_id ?? null,
    metadata: (title) => (meta && Object.prototype.hasOwnProperty.call(meta, title) ? obj(meta[title]) : undefined),
    recursive: (title, source) => {
      const bySource = rec && Object.prototype.hasOwnProperty.call(rec, title) ? obj(rec[title]) : undefined;
      const list = bySource && Object.prototype.hasOwnProperty.call(bySource, source) ? bySource[source] : undefined;
      return Array.isArray(list) ? list.filter((m): m is Record<string, Data> => obj(m) !== undefined) : undefined;
    },
  };
}

type Bucket = { backup(path: string, content: Buffer): Promise<string> | string };

/**
 * Where `backup => NAME` sends old contents, as Puppet decides: the catalog's
 * Filebucket[NAME] (path => false: the server, its own server and port or the
 * run's; a path: a local bucket there; neither: clientbucketdir), or for
 * 'puppet' without such a resource, the local clientbucketdir.
 */
function filebuckets(catalog: AgentCatalog, opts: ApplyOptions): (name: string) => Bucket {
  const made = new Map<string, Bucket>();
  const digest = safeDigest(opts.settings);
  const local = (dir: string | undefined, name: string): Bucket => {
    if (!dir) throw new KurokoError(`Could not back up to filebucket '${name}': this run has no clientbucketdir`, { code: 'KUR7308', field: 'backup', value: name });
    return new Filebucket(dir, digest);
  };
  return (name) => {
    let b = made.get(name);
    if (b) return b;
    const res = catalog.find(`Filebucket[${name}]`);
    if (res) {
      const p = res.parameters.path;
      if (p === false || p === 'false') {
        const port = res.parameters.port;
        const server = res.parameters.server;
        const remote = opts.remoteFilebucket?.(typeof server === 'string' && server ? server : undefined, port === undefined || port === null ? undefined : Number(port));
        if (!remote) throw new KurokoError(`Could not back up to filebucket '${name}': it is on a server (path => false) and this run has none`, { code: 'KUR7308', field: 'backup', value: name });
        b = remote;
      } else b = local(typeof p === 'string' && p ? p : opts.bucketDir, name);
    } else if (name === 'puppet') b = local(opts.bucketDir, name);
    else throw new KurokoError(`Could not find filebucket ${name} specified in backup`, { code: 'KUR7308', field: 'backup', value: name });
    made.set(name, b);
    return b;
  };
}

function safeDigest(settings: ApplyOptions['settings']): string {
  try { return settings?.get('digest_algorithm') ?? 'sha256'; } catch { return 'sha256'; }
}
