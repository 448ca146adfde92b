// The Store: everything the server remembers between requests (reports,
// facts, each node's last catalog and its exported resources). The server
// keeps no other state, so several servers can share one database. Methods
// are async so that a networked implementation (PostgreSQL) can fill the
// same interface; the SQLite one answers synchronously underneath.
import type { Catalog, CatalogResource, Data, FactsDocument } from '../compiler/wire.js';

export type ReportStatus = 'failed' | 'changed' | 'unchanged';

/** One row of `kuroko report list`. */
export interface ReportSummary {
  id: number;
  certname: string;
  environment: string;
  status: ReportStatus | string;
  /** The run's start time as the agent reported it (ISO-8601). */
  time: string;
  /** When the server stored it (ISO-8601). */
  received: string;
  configurationVersion: string;
  transactionUuid: string;
  noop: boolean;
  puppetVersion: string;
  /** Resource counts from the report's `resources` metric. */
  resources: { total: number; changed: number; failed: number; skipped: number; outOfSync: number };
}

export interface StoredReport extends ReportSummary {
  /** The report exactly as the agent sent it (report_format 12). */
  report: Record<string, Data>;
}

export interface StoredFacts {
  certname: string;
  environment: string;
  timestamp: string;
  received: string;
  values: Record<string, Data>;
}

export interface StoredCatalog {
  certname: string;
  environment: string;
  received: string;
  catalog: Catalog;
}

export interface ReportQuery {
  node?: string;
  status?: string;
  /** Newest first; at most this many (default 100). */
  limit?: number;
}

export interface ExportedQuery {
  /** Capitalised resource type ("Nagios_host", "Sshkey"); any when absent. */
  type?: string;
  /** Leave out this node's own exports (a compile collects others' resources). */
  excludeNode?: string;
  environment?: string;
}

export interface Store {
  /** Validates and stores a report; resolves to its summary (with the new id). */
  saveReport(report: unknown): Promise<ReportSummary>;
  listReports(query?: ReportQuery): Promise<ReportSummary[]>;
  /** A report by id, or the newest report of a node. */
  getReport(idOrNode: number | string): Promise<StoredReport | undefined>;
  /** Deletes reports received before `before`; resolves to how many went. */
  pruneReports(before: Date): Promise<number>;

  saveFacts(doc: FactsDocument, environment?: string): Promise<void>;
  getFacts(certname: string): Promise<StoredFacts | undefined>;

  /** Stores a node's catalog and, in the same transaction, replaces its exported resources. */
  saveCatalog(certname: string, catalog: Catalog): Promise<void>;
  getCatalog(certname: string): Promise<StoredCatalog | undefined>;
  exportedResources(query?: ExportedQuery): Promise<(CatalogResource & { certname: string })[]>;

  nodes(): Promise<string[]>;
  close(): Promise<void>;
}
