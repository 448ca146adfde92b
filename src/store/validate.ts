// Checks on what agents send before anything is stored: a malformed report
// or facts document is refused with the field at fault (the server answers
// 400 with this message), never stored half-way.
import { KurokoError } from '../util/diagnostic.js';
import type { Data, FactsDocument } from '../compiler/wire.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(field: string, value: unknown, why: string, node?: string): KurokoError {
  const shown = typeof value === 'string' && value.length > 80 ? value.slice(0, 80) + '...' : value;
  return new KurokoError(`Invalid ${field}: ${why}`, { code: 'KUR0601', field, value: isObject(shown) || Array.isArray(shown) ? undefined : shown, node });
}

export interface ValidReport {
  host: string;
  time: string;
  status: string;
  environment: string;
  configurationVersion: string;
  transactionUuid: string;
  noop: boolean;
  puppetVersion: string;
  report: Record<string, Data>;
}

/** A report as Puppet's api/schemas/report.json requires the parts we index. */
export function validateReport(value: unknown): ValidReport {
  if (!isObject(value)) throw bad('report', typeof value, 'expected a JSON object');
  const str = (k: string, required: boolean): string => {
    const v = value[k];
    if (v === undefined || v === null) {
      if (required) throw bad(`report.${k}`, v, 'is missing', typeof value.host === 'string' ? value.host : undefined);
      return '';
    }
    if (typeof v !== 'string' && typeof v !== 'number') throw bad(`report.${k}`, v, 'expected a string');
    return String(v);
  };
  const host = str('host', true);
  if (!host) throw bad('report.host', host, 'is empty');
  const time = str('time', true);
  if (Number.isNaN(Date.parse(time))) throw bad('report.time', time, 'is not an ISO-8601 time', host);
  const status = str('status', false) || 'unchanged';
  if (!['failed', 'changed', 'unchanged'].includes(status)) throw bad('report.status', status, 'expected failed, changed or unchanged', host);
  for (const k of ['logs'] as const) if (value[k] !== undefined && !Array.isArray(value[k])) throw bad(`report.${k}`, value[k], 'expected an array', host);
  for (const k of ['metrics', 'resource_statuses'] as const) if (value[k] !== undefined && value[k] !== null && !isObject(value[k])) throw bad(`report.${k}`, value[k], 'expected an object', host);
  return {
    host, time, status,
    environment: str('environment', false) || 'production',
    configurationVersion: str('configuration_version', false),
    transactionUuid: str('transaction_uuid', false),
    noop: value.noop === true,
    puppetVersion: str('puppet_version', false),
    report: value as Record<string, Data>,
  };
}

/** A facts document {name, values, timestamp?, expiration?}. */
export function validateFacts(value: unknown): FactsDocument {
  if (!isObject(value)) throw bad('facts', typeof value, 'expected a JSON object');
  if (typeof value.name !== 'string' || !value.name) throw bad('facts.name', value.name, 'expected the certname');
  if (!isObject(value.values)) throw bad('facts.values', typeof value.values, 'expected an object', value.name);
  for (const k of ['timestamp', 'expiration'] as const) {
    if (value[k] !== undefined && value[k] !== null && typeof value[k] !== 'string') throw bad(`facts.${k}`, value[k], 'expected a string', value.name);
  }
  return value as unknown as FactsDocument;
}

/** The resource counts of a report's `resources` metric ([[key, label, number], ...]). */
export function resourceCounts(report: Record<string, unknown>): { total: number; changed: number; failed: number; skipped: number; outOfSync: number } {
  const out = { total: 0, changed: 0, failed: 0, skipped: 0, outOfSync: 0 };
  const metrics = report.metrics;
  if (!isObject(metrics) || !isObject(metrics.resources) || !Array.isArray(metrics.resources.values)) return out;
  for (const row of metrics.resources.values) {
    if (!Array.isArray(row) || typeof row[2] !== 'number') continue;
    switch (row[0]) {
      case 'total': out.total = row[2]; break;
      case 'changed': out.changed = row[2]; break;
      case 'failed': out.failed = row[2]; break;
      case 'skipped': out.skipped = row[2]; break;
      case 'out_of_sync': out.outOfSync = row[2]; break;
    }
  }
  return out;
}
