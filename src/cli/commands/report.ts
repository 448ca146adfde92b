// `kuroko report list [--node N] [--status S] [--limit N]` and
// `kuroko report show NODE|ID [--json]`: the reports agents sent to the
// server, from the store (storedb).
import { existsSync } from 'node:fs';
import type { Command } from '../command.js';
import { KurokoError, usageError } from '../../util/diagnostic.js';
import type { ReportSummary, StoredReport } from '../../store/types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ')).join('\n');
}

function listText(reports: ReportSummary[]): string {
  if (!reports.length) return 'No reports.';
  return table([
    ['ID', 'NODE', 'STATUS', 'TIME', 'ENVIRONMENT', 'CHANGED', 'FAILED', 'TOTAL'],
    ...reports.map((r) => [String(r.id), r.certname, r.status + (r.noop ? ' (noop)' : ''), r.time, r.environment, String(r.resources.changed), String(r.resources.failed), String(r.resources.total)]),
  ]);
}

function showText(s: StoredReport): string {
  const r = s.report as Obj;
  const out: string[] = [
    `Report ${s.id} for ${s.certname}`,
    `  status:                ${s.status}${s.noop ? ' (noop)' : ''}`,
    `  time:                  ${s.time}`,
    `  received:              ${s.received}`,
    `  environment:           ${s.environment}`,
    `  configuration_version: ${s.configurationVersion}`,
    `  transaction_uuid:      ${s.transactionUuid}`,
    `  puppet_version:        ${s.puppetVersion}`,
  ];
  if (typeof r.cached_catalog_status === 'string') out.push(`  cached_catalog_status: ${r.cached_catalog_status}`);
  const metrics = isObj(r.metrics) ? r.metrics : {};
  const names = ['resources', 'events', 'changes', 'time'].filter((n) => isObj(metrics[n]));
  if (names.length) {
    out.push('', 'Metrics:');
    for (const n of names) {
      const m = metrics[n] as Obj;
      out.push(`  ${String(m.label ?? n)}:`);
      for (const v of Array.isArray(m.values) ? m.values : []) {
        if (!Array.isArray(v)) continue;
        const num = typeof v[2] === 'number' ? (Number.isInteger(v[2]) ? String(v[2]) : v[2].toFixed(3)) : String(v[2]);
        out.push(`    ${String(v[1] ?? v[0]).padEnd(24)} ${num}`);
      }
    }
  }
  const statuses = isObj(r.resource_statuses) ? r.resource_statuses : {};
  const eventful = Object.entries(statuses).filter(([, v]) => isObj(v) && ((Array.isArray(v.events) && v.events.length) || v.failed === true || v.skipped === true));
  out.push('', `Resource events (${eventful.length} of ${Object.keys(statuses).length} resources):`);
  if (!eventful.length) out.push('  none');
  for (const [title, v] of eventful) {
    const st = v as Obj;
    const flags = [st.failed ? 'failed' : '', st.changed ? 'changed' : '', st.skipped ? 'skipped' : '', st.corrective_change ? 'corrective' : ''].filter(Boolean).join(', ');
    const where = st.file ? ` (${String(st.file)}${st.line ? `:${String(st.line)}` : ''})` : '';
    out.push(`  ${title}${flags ? ` [${flags}]` : ''}${where}`);
    for (const e of Array.isArray(st.events) ? st.events : []) {
      if (!isObj(e)) continue;
      out.push(`    ${String(e.status ?? '')}: ${String(e.property ?? '')}: ${String(e.message ?? '')}`);
    }
  }
  const logs = Array.isArray(r.logs) ? r.logs.filter(isObj) : [];
  out.push('', `Logs (${logs.length}):`);
  for (const l of logs) {
    const lvl = String(l.level ?? 'notice');
    const label = lvl === 'err' ? 'Error' : lvl.charAt(0).toUpperCase() + lvl.slice(1);
    const src = l.source && l.source !== 'Puppet' ? `${String(l.source)}: ` : '';
    out.push(`  ${String(l.time ?? '')} ${label}: ${src}${String(l.message ?? '')}`);
  }
  return out.join('\n');
}

export const command: Command = {
  name: 'report',
  summary: 'List and show the reports agents sent to the server.',
  usage: ['kuroko report list [--node NODE] [--status failed|changed|unchanged] [--limit N] [--json]', 'kuroko report show NODE|ID [--json]'],
  description: 'Reads the server\'s store (the storedb setting, $vardir/kuroko.sqlite). `show NODE` shows that node\'s latest report.',
  runMode: 'server',
  flags: [
    { name: 'node', type: 'string', arg: 'NODE', desc: 'Only reports from this node.' },
    { name: 'status', type: 'string', arg: 'STATUS', desc: 'Only reports with this status: failed, changed or unchanged.' },
    { name: 'limit', type: 'string', arg: 'N', desc: 'At most N reports, newest first (default 100).' },
    { name: 'json', type: 'boolean', desc: 'Print JSON.' },
  ],
  async run(ctx) {
    const [action, ...rest] = ctx.args.positional;
    const f = ctx.args.flags;
    if (action !== 'list' && action !== 'show') throw usageError(action ? `Unknown action 'report ${action}' (expected list or show)` : 'Usage: kuroko report list|show ...');
    const status = f.status as string | undefined;
    if (status !== undefined && !['failed', 'changed', 'unchanged'].includes(status)) throw usageError(`Invalid --status '${status}' (expected failed, changed or unchanged)`);
    const limitText = f.limit as string | undefined;
    if (limitText !== undefined && !/^[1-9]\d*$/.test(limitText)) throw usageError(`Invalid --limit '${limitText}' (expected a positive number)`);
    if (action === 'show' && rest.length !== 1) throw usageError('Usage: kuroko report show NODE|ID');
    if (action === 'list' && rest.length) throw usageError('Usage: kuroko report list [--node NODE] [--status STATUS]');
    const path = ctx.settings().get('storedb');
    if (!existsSync(path)) throw new KurokoError(`No store at ${path}: the server has not stored any report yet`, { code: 'KUR0696', field: 'storedb', value: path });
    const { SqliteStore } = await import('../../store/sqlite.js');
    const store = new SqliteStore(path, { readonly: true });
    try {
      if (action === 'list') {
        const reports = await store.listReports({ node: f.node as string | undefined, status, limit: limitText ? Number(limitText) : undefined });
        ctx.out(f.json ? JSON.stringify(reports, null, 2) : listText(reports));
        return 0;
      }
      const key = rest[0];
      const report = /^\d+$/.test(key) ? await store.getReport(Number(key)) : await store.getReport(key);
      if (!report) throw new KurokoError(/^\d+$/.test(key) ? `No report with id ${key}` : `No report from node '${key}'`, { code: 'KUR0697' });
      ctx.out(f.json ? JSON.stringify(report, null, 2) : showText(report));
      return 0;
    } finally { await store.close(); }
  },
};
