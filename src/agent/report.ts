// The run's report in Puppet's report_format 12, its metrics, the
// last_run_summary.yaml beside it, and --detailed-exitcodes.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LogEntry } from '../log/index.js';
import type { Transaction } from './transaction.js';
import {
  PUPPET_VERSION, puppetTime, type CachedCatalogStatus, type Metric, type Report, type ReportLog, type ResourceStatus,
} from './report-types.js';

export * from './report-types.js';

export interface ReportInput {
  host: string;
  environment: string;
  transactionUuid: string;
  /** When the run began (the report's time). */
  time: Date;
  noop: boolean;
  configurationVersion?: string | number | null;
  catalogUuid?: string | null;
  codeId?: string | null;
  cachedCatalogStatus?: CachedCatalogStatus;
  transactionCompleted: boolean;
  /** The run's phases in seconds: fact_generation, config_retrieval, catalog_application, ... */
  timings?: Record<string, number>;
  logs: LogEntry[];
  serverUsed?: string | null;
  jobId?: string | null;
}

export function reportLog(e: LogEntry): ReportLog {
  return {
    level: e.level, message: e.message, source: e.source ?? 'Puppet', tags: [e.level, ...(e.tags ?? [])],
    time: puppetTime(e.time), file: e.file ?? null, line: e.line ?? null,
  };
}

const TYPE_LABEL = (t: string) => t.split(/[_:]+/).filter(Boolean).map((s) => s[0].toUpperCase() + s.slice(1)).join(' ');

/** Puppet's phase labels. */
const PHASES: [string, string][] = [
  ['startup_time', 'Startup time'], ['node_retrieval', 'Node retrieval'], ['plugin_sync', 'Plugin sync'],
  ['fact_generation', 'Fact generation'], ['convert_catalog', 'Convert catalog'], ['config_retrieval', 'Config retrieval'],
  ['transaction_evaluation', 'Transaction evaluation'], ['catalog_application', 'Catalog application'],
];

export function buildReport(tx: Transaction | undefined, input: ReportInput): Report {
  const statuses: Record<string, ResourceStatus> = {};
  if (tx) for (const [k, s] of tx.statuses) statuses[k] = s;
  const list = Object.values(statuses);
  const count = (f: (s: ResourceStatus) => boolean) => list.filter(f).length;
  const resources: Metric = {
    name: 'resources', label: 'Resources', values: [
      ['total', 'Total', list.length],
      ['skipped', 'Skipped', count((s) => s.skipped)],
      ['failed', 'Failed', count((s) => s.failed)],
      ['failed_to_restart', 'Failed to restart', count((s) => s.failed_to_restart)],
      ['restarted', 'Restarted', tx?.restarted ?? 0],
      ['changed', 'Changed', count((s) => s.changed)],
      ['out_of_sync', 'Out of sync', count((s) => s.out_of_sync)],
      ['scheduled', 'Scheduled', 0],
      ['corrective_change', 'Corrective change', count((s) => s.corrective_change)],
    ],
  };
  const timeValues: [string, string, number][] = [];
  if (tx) for (const [t, secs] of tx.typeTimes) timeValues.push([t, TYPE_LABEL(t), secs]);
  const timings = input.timings ?? {};
  for (const [k, label] of PHASES) if (timings[k] !== undefined) timeValues.push([k, label, timings[k]]);
  for (const [k, v] of Object.entries(timings)) if (!PHASES.some(([p]) => p === k) && k !== 'total') timeValues.push([k, TYPE_LABEL(k), v]);
  const total = timings.total ?? timeValues.reduce((a, [, , v]) => a + v, 0);
  timeValues.push(['total', 'Total', total]);
  const changeTotal = list.reduce((a, s) => a + s.change_count, 0);
  const ev = new Map<string, number>([['total', 0], ['failure', 0], ['success', 0]]);
  for (const s of list) for (const e of s.events) { ev.set('total', ev.get('total')! + 1); ev.set(e.status, (ev.get(e.status) ?? 0) + 1); }
  const label = (k: string) => k[0].toUpperCase() + k.slice(1);
  const metrics: Record<string, Metric> = {
    resources,
    time: { name: 'time', label: 'Time', values: timeValues },
    changes: { name: 'changes', label: 'Changes', values: [['total', 'Total', changeTotal]] },
    events: { name: 'events', label: 'Events', values: [...ev].map(([k, v]) => [k, label(k), v] as [string, string, number]) },
  };
  const failed = !input.transactionCompleted || list.some((s) => s.failed || s.failed_to_restart);
  return {
    host: input.host,
    time: puppetTime(input.time),
    configuration_version: input.configurationVersion ?? null,
    transaction_uuid: input.transactionUuid,
    report_format: 12,
    puppet_version: PUPPET_VERSION,
    status: failed ? 'failed' : changeTotal > 0 ? 'changed' : 'unchanged',
    transaction_completed: input.transactionCompleted,
    noop: input.noop,
    noop_pending: list.some((s) => s.events.some((e) => e.status === 'noop')),
    environment: input.environment,
    logs: input.logs.map(reportLog),
    metrics,
    resource_statuses: statuses,
    corrective_change: list.some((s) => s.corrective_change),
    catalog_uuid: input.catalogUuid ?? null,
    cached_catalog_status: input.cachedCatalogStatus ?? 'not_used',
    // As Puppet: these three only when they have a value.
    ...(input.codeId ? { code_id: input.codeId } : {}),
    ...(input.jobId ? { job_id: input.jobId } : {}),
    ...(input.serverUsed ? { server_used: input.serverUsed } : {}),
  };
}

function metricValue(r: Report, metric: string, key: string): number {
  return r.metrics[metric]?.values.find(([k]) => k === key)?.[2] ?? 0;
}

/** --detailed-exitcodes: 2 changes, 4 failures, 6 both, 0 neither. */
export function exitStatus(r: Report): number {
  let s = 0;
  if (metricValue(r, 'changes', 'total') > 0) s |= 2;
  if (metricValue(r, 'resources', 'failed') > 0 || metricValue(r, 'resources', 'failed_to_restart') > 0) s |= 4;
  if (!r.transaction_completed) s |= 4;
  return s;
}

/** last_run_summary.yaml as Puppet writes it. */
export function summaryYaml(r: Report, runMode: string, initialEnvironment = r.environment): string {
  const out: Record<string, unknown> = {
    version: { config: r.configuration_version, puppet: r.puppet_version },
    application: { run_mode: runMode, initial_environment: initialEnvironment, converged_environment: r.environment },
  };
  for (const m of Object.values(r.metrics)) {
    const sec: Record<string, number> = {};
    // Puppet's summary lists each section's keys in alphabetical order.
    for (const [k, , v] of [...m.values].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) sec[k] = v;
    if (m.name !== 'time' && !('total' in sec)) sec.total = 0;
    out[m.name] = sec;
  }
  (out.time as Record<string, number>).last_run = Math.floor(Date.now() / 1000);
  return '---\n' + yamlMap(out as Record<string, Record<string, string | number | null>>);
}

/** The summary is two levels of scalars: a tiny emitter keeps the yaml package off the agent's start-up path. */
function yamlMap(sections: Record<string, Record<string, string | number | null>>): string {
  const scalar = (v: string | number | null) => {
    if (v === null) return '';
    if (typeof v === 'number') return String(v);
    return /^[\w.\-/]+$/.test(v) && !/^(true|false|yes|no|on|off|null|~|[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?)$/i.test(v) ? v : JSON.stringify(v);
  };
  let out = '';
  for (const [k, sec] of Object.entries(sections)) {
    out += `${k}:\n`;
    for (const [kk, v] of Object.entries(sec)) out += `  ${kk}:${v === null ? '' : ' ' + scalar(v)}\n`;
  }
  return out;
}

/** Writes last_run_summary.yaml (0640 as Puppet does) and the last run report (JSON). */
export function saveRunFiles(r: Report, opts: { lastrunfile?: string; lastrunreport?: string; runMode: string }): void {
  if (opts.lastrunfile) writeAtomic(opts.lastrunfile, 0o640, (put) => put(summaryYaml(r, opts.runMode)));
  if (opts.lastrunreport) writeReportFile(opts.lastrunreport, r, 0o640);
}

let tmpCounter = 0;

/**
 * Writes the report as JSON (what JSON.stringify gives, byte for byte) without
 * building it as one string: the resource statuses go out one at a time, so a
 * catalog of thousands of resources does not need a second copy of its report
 * in memory. Atomic: a temp file beside the target, fsync, rename.
 */
export function writeReportFile(path: string, r: Report, mode = 0o640): void {
  writeAtomic(path, mode, (put) => {
    put('{');
    let first = true;
    for (const [k, v] of Object.entries(r)) {
      if (v === undefined) continue;
      put(`${first ? '' : ','}${JSON.stringify(k)}:`);
      first = false;
      if (k !== 'resource_statuses') { put(JSON.stringify(v)); continue; }
      put('{');
      let firstStatus = true;
      for (const [ref, st] of Object.entries(v as Record<string, ResourceStatus>)) {
        put(`${firstStatus ? '' : ','}${JSON.stringify(ref)}:${JSON.stringify(st)}`);
        firstStatus = false;
      }
      put('}');
    }
    put('}');
  });
}

/**
 * Writes a file from pieces, in chunks, atomically (temp file beside it, fsync,
 * rename). Temp names are unique by pid and counter, created exclusively.
 */
function writeAtomic(path: string, mode: number, produce: (put: (s: string) => void) => void): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  let tmp = '';
  let fd = -1;
  for (let i = 0; fd < 0; i++) {
    tmp = join(dir, `.${basename(path)}.${process.pid}.${++tmpCounter}.tmp`);
    try { fd = openSync(tmp, 'wx', mode); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i > 100) throw e; // a stale temp file of an earlier process: next name
    }
  }
  try {
    let chunk = '';
    produce((s) => {
      chunk += s;
      if (chunk.length >= 65536) { writeAll(fd, chunk); chunk = ''; }
    });
    writeAll(fd, chunk);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* gone */ }
    throw e;
  }
  closeSync(fd);
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
}
