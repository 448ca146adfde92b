// Applying one catalog: the transaction wrapped in Puppet's run messages
// ("Applying configuration version", "Applied catalog in N seconds"), the
// local filebucket, and the report. Shared by `kuroko apply` and the agent run.
import { randomUUID } from 'node:crypto';
import type { Catalog } from '../compiler/wire.js';
import type { FileSourceClient } from '../resources/type.js';
import { log, MemoryDestination } from '../log/index.js';
import { describeError } from '../util/diagnostic.js';
import { AgentCatalog } from './catalog.js';
import { Filebucket } from './filebucket.js';
import { buildReport, exitStatus, type Report } from './report.js';
import type { CachedCatalogStatus } from './report-types.js';
import { Transaction } from './transaction.js';
import { loadHistory, saveHistory } from './txstore.js';

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
}

export interface ApplyResult {
  report: Report;
  /** --detailed-exitcodes value: 0, 2, 4 or 6. */
  exitStatus: number;
  transaction?: Transaction;
}

export async function applyCatalog(wire: Catalog, opts: ApplyOptions): Promise<ApplyResult> {
  const startTime = opts.startTime ?? new Date();
  const ownLogs = !opts.logs;
  const logs = opts.logs ?? new MemoryDestination();
  if (ownLogs) log.addDestination(logs);
  const timings: Record<string, number> = { ...(opts.timings ?? {}) };
  let tx: Transaction | undefined;
  let completed = false;
  const began = performance.now();
  try {
    log.info(`Applying configuration version '${wire.version}'`);
    const catalog = new AgentCatalog(wire);
    const bucket = opts.bucketDir ? new Filebucket(opts.bucketDir, safeDigest(opts.settings)) : undefined;
    const history = opts.transactionStore ? loadHistory(opts.transactionStore) : undefined;
    tx = await Transaction.prepare(catalog, {
      noop: opts.noop, tags: opts.tags, skipTags: opts.skipTags, fileSource: opts.fileSource, settings: opts.settings, history,
      backup: bucket ? async (path, content) => bucket.backup(path, content) : undefined,
    });
    const evalStart = performance.now();
    await tx.evaluate();
    timings.transaction_evaluation = (performance.now() - evalStart) / 1000;
    if (opts.transactionStore && history) {
      try {
        saveHistory(opts.transactionStore, history, tx.synced, (ref) => catalog.find(ref) !== undefined);
      } catch (e) { log.warning(`Could not save the transaction store: ${describeError(e)}`); }
    }
    completed = true;
  } catch (e) {
    log.err(`Failed to apply catalog: ${describeError(e)}`);
  }
  const elapsed = (performance.now() - began) / 1000;
  timings.catalog_application = elapsed;
  if (completed) log.notice(`Applied catalog in ${elapsed.toFixed(2)} seconds`);
  if (ownLogs) log.removeDestination(logs);
  const report = buildReport(completed ? tx : undefined, {
    host: opts.host, environment: opts.environment ?? wire.environment, transactionUuid: opts.transactionUuid ?? randomUUID(),
    time: startTime, noop: opts.noop === true, configurationVersion: wire.version, catalogUuid: wire.catalog_uuid,
    codeId: wire.code_id, cachedCatalogStatus: opts.cachedCatalogStatus, transactionCompleted: completed, timings,
    logs: logs.entries, serverUsed: opts.serverUsed,
  });
  return { report, exitStatus: exitStatus(report), transaction: tx };
}

function safeDigest(settings: ApplyOptions['settings']): string {
  try { return settings?.get('digest_algorithm') ?? 'sha256'; } catch { return 'sha256'; }
}
