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
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000+00:00');
}
