// Puppet's report (report_format 12) as it travels in PUT /puppet/v3/report:
// the shapes, field for field, of what Puppet 7 agents send.
import type { Data } from '../compiler/wire.js';

export interface ReportEvent {
  audited: boolean;
  property: string | null;
  previous_value: Data;
  desired_value: Data;
  historical_value: Data;
  message: string;
  name: string;
  status: 'success' | 'failure' | 'noop' | 'audit';
  time: string;
  redacted: boolean | null;
  corrective_change: boolean;
}

export interface ResourceStatus {
  title: string;
  file: string | null;
  line: number | null;
  resource: string;
  resource_type: string;
  provider_used: string | null;
  containment_path: string[];
  evaluation_time: number;
  tags: string[];
  time: string;
  failed: boolean;
  failed_to_restart: boolean;
  changed: boolean;
  out_of_sync: boolean;
  skipped: boolean;
  change_count: number;
  out_of_sync_count: number;
  events: ReportEvent[];
  corrective_change: boolean;
}

export interface ReportLog {
  level: string;
  message: string;
  source: string;
  tags: string[];
  time: string;
  file: string | null;
  line: number | null;
}

export interface Metric {
  name: string;
  label: string;
  values: [string, string, number][];
}

export type CachedCatalogStatus = 'not_used' | 'explicitly_requested' | 'on_failure';

export interface Report {
  host: string;
  time: string;
  configuration_version: string | number | null;
  transaction_uuid: string;
  report_format: 12;
  puppet_version: string;
  status: 'failed' | 'changed' | 'unchanged';
  transaction_completed: boolean;
  noop: boolean;
  noop_pending: boolean;
  environment: string;
  logs: ReportLog[];
  metrics: Record<string, Metric>;
  resource_statuses: Record<string, ResourceStatus>;
  corrective_change: boolean;
  catalog_uuid: string | null;
  cached_catalog_status: CachedCatalogStatus;
  code_id?: string | null;
  job_id?: string | null;
  server_used?: string | null;
}

/** The Puppet version Kuroko speaks as (servers check report and catalog compatibility by it). */
export const PUPPET_VERSION = '7.23.0';

/** Puppet's timestamps: "2026-11-24T14:37:40.913162512+00:00". */
export function puppetTime(d: Date = new Date()): string {
  return isoTime(d.getTime()).replace(/\.(\d{3})Z$/, '.$1000000+00:00');
}

/**
 * Date#toISOString by arithmetic: V8's own sets up its time zone cache (ICU)
 * on first use, a megabyte of memory an agent run has no other need for.
 * Days to civil date after Howard Hinnant's algorithm.
 */
export function isoTime(ms: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const dayMs = 86_400_000;
  let days = Math.floor(ms / dayMs);
  let rest = ms - days * dayMs;
  days += 719_468;
  const era = Math.floor(days / 146_097);
  const doe = days - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(rest / 3_600_000); rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000); rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  const y = year >= 0 && year <= 9999 ? p(year, 4) : new Date(ms).toISOString().slice(0, -20); // outside 0000-9999: V8's form
  return `${y}-${p(month)}-${p(day)}T${p(h)}:${p(mi)}:${p(s)}.${p(rest - s * 1000, 3)}Z`;
}
