// The default Store: one SQLite database (better-sqlite3) in WAL mode under
// vardir. Each write is one transaction, so a crash leaves either the old
// state or the new one. Several server processes on one host may share the
// file (WAL allows concurrent readers and serialised writers; busy_timeout
// makes a writer wait instead of failing).
import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { KurokoError } from '../util/diagnostic.js';
import type { Catalog, CatalogResource, FactsDocument } from '../compiler/wire.js';
import type { ExportedQuery, ReportQuery, ReportSummary, Store, StoredCatalog, StoredFacts, StoredReport } from './types.js';
import { resourceCounts, validateFacts, validateReport } from './validate.js';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  certname TEXT NOT NULL,
  environment TEXT NOT NULL,
  status TEXT NOT NULL,
  time TEXT NOT NULL,
  received TEXT NOT NULL,
  configuration_version TEXT NOT NULL,
  transaction_uuid TEXT NOT NULL,
  noop INTEGER NOT NULL,
  puppet_version TEXT NOT NULL,
  res_total INTEGER NOT NULL, res_changed INTEGER NOT NULL, res_failed INTEGER NOT NULL,
  res_skipped INTEGER NOT NULL, res_out_of_sync INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_by_node ON reports (certname, id);
CREATE INDEX IF NOT EXISTS reports_by_received ON reports (received);
CREATE TABLE IF NOT EXISTS facts (
  certname TEXT PRIMARY KEY,
  environment TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  received TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS catalogs (
  certname TEXT PRIMARY KEY,
  environment TEXT NOT NULL,
  received TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS exported_resources (
  certname TEXT NOT NULL,
  environment TEXT NOT NULL,
  type TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (certname, type, title)
);
CREATE INDEX IF NOT EXISTS exported_by_type ON exported_resources (type);
`;

interface ReportRow {
  id: number; certname: string; environment: string; status: string; time: string; received: string;
  configuration_version: string; transaction_uuid: string; noop: number; puppet_version: string;
  res_total: number; res_changed: number; res_failed: number; res_skipped: number; res_out_of_sync: number;
  body?: string;
}

function summary(r: ReportRow): ReportSummary {
  return {
    id: r.id, certname: r.certname, environment: r.environment, status: r.status, time: r.time, received: r.received,
    configurationVersion: r.configuration_version, transactionUuid: r.transaction_uuid, noop: r.noop === 1, puppetVersion: r.puppet_version,
    resources: { total: r.res_total, changed: r.res_changed, failed: r.res_failed, skipped: r.res_skipped, outOfSync: r.res_out_of_sync },
  };
}

const SUMMARY_COLUMNS = 'id, certname, environment, status, time, received, configuration_version, transaction_uuid, noop, puppet_version, res_total, res_changed, res_failed, res_skipped, res_out_of_sync';

export class SqliteStore implements Store {
  readonly path: string;
  private db: Database.Database;
  private stmts: Record<string, Database.Statement>;

  constructor(path: string, opts: { readonly?: boolean } = {}) {
    this.path = path;
    try {
      if (!opts.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
      this.db = new Database(path, { readonly: opts.readonly === true, fileMustExist: opts.readonly === true });
      this.db.pragma('busy_timeout = 5000');
      // Lookups are by key, one row at a time: a 1 MiB page cache (SQLite's default is 2 MiB) is plenty.
      this.db.pragma('cache_size = -1024');
      if (!opts.readonly) {
        this.db.pragma('journal_mode = WAL');
        this.db.pragma('synchronous = NORMAL'); // durable at each WAL checkpoint; WAL keeps it consistent
        this.db.exec(SCHEMA);
        const v = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string } | undefined;
        if (!v) this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
        else if (Number(v.value) > SCHEMA_VERSION) throw new Error(`schema version ${v.value} is newer than this Kuroko understands (${SCHEMA_VERSION})`);
      }
    } catch (e) {
      throw new KurokoError(`Cannot open the store ${path}: ${(e as Error).message}`, { code: 'KUR0600', field: 'storedb', value: path, cause: e });
    }
    const p = (sql: string) => this.db.prepare(sql);
    this.stmts = {
      insertReport: p(`INSERT INTO reports (certname, environment, status, time, received, configuration_version, transaction_uuid, noop, puppet_version, res_total, res_changed, res_failed, res_skipped, res_out_of_sync, body)
        VALUES (@certname, @environment, @status, @time, @received, @configuration_version, @transaction_uuid, @noop, @puppet_version, @res_total, @res_changed, @res_failed, @res_skipped, @res_out_of_sync, @body)`),
      reportById: p(`SELECT ${SUMMARY_COLUMNS}, body FROM reports WHERE id = ?`),
      latestReport: p(`SELECT ${SUMMARY_COLUMNS}, body FROM reports WHERE certname = ? ORDER BY id DESC LIMIT 1`),
      prune: p('DELETE FROM reports WHERE received < ?'),
      upsertFacts: p(`INSERT INTO facts (certname, environment, timestamp, received, body) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (certname) DO UPDATE SET environment = excluded.environment, timestamp = excluded.timestamp, received = excluded.received, body = excluded.body`),
      getFacts: p('SELECT certname, environment, timestamp, received, body FROM facts WHERE certname = ?'),
      upsertCatalog: p(`INSERT INTO catalogs (certname, environment, received, body) VALUES (?, ?, ?, ?)
        ON CONFLICT (certname) DO UPDATE SET environment = excluded.environment, received = excluded.received, body = excluded.body`),
      getCatalog: p('SELECT certname, environment, received, body FROM catalogs WHERE certname = ?'),
      deleteExports: p('DELETE FROM exported_resources WHERE certname = ?'),
      insertExport: p('INSERT OR REPLACE INTO exported_resources (certname, environment, type, title, body) VALUES (?, ?, ?, ?, ?)'),
      nodes: p('SELECT certname FROM facts UNION SELECT certname FROM catalogs UNION SELECT certname FROM reports ORDER BY 1'),
    };
  }

  async saveReport(value: unknown): Promise<ReportSummary> {
    const r = validateReport(value);
    const counts = resourceCounts(r.report);
    const row = {
      certname: r.host, environment: r.environment, status: r.status, time: r.time, received: new Date().toISOString(),
      configuration_version: r.configurationVersion, transaction_uuid: r.transactionUuid, noop: r.noop ? 1 : 0, puppet_version: r.puppetVersion,
      res_total: counts.total, res_changed: counts.changed, res_failed: counts.failed, res_skipped: counts.skipped, res_out_of_sync: counts.outOfSync,
      body: JSON.stringify(r.report),
    };
    const info = this.stmts.insertReport.run(row);
    return summary({ ...row, id: Number(info.lastInsertRowid) });
  }

  async listReports(q: ReportQuery = {}): Promise<ReportSummary[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.node) { where.push('certname = ?'); args.push(q.node); }
    if (q.status) { where.push('status = ?'); args.push(q.status); }
    const limit = Math.max(1, Math.min(q.limit ?? 100, 100_000));
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM reports ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ${limit}`;
    return (this.db.prepare(sql).all(...args) as ReportRow[]).map(summary);
  }

  async getReport(idOrNode: number | string): Promise<StoredReport | undefined> {
    const row = (typeof idOrNode === 'number' ? this.stmts.reportById.get(idOrNode) : this.stmts.latestReport.get(idOrNode)) as ReportRow | undefined;
    if (!row) return undefined;
    return { ...summary(row), report: JSON.parse(row.body!) };
  }

  async pruneReports(before: Date): Promise<number> {
    return this.stmts.prune.run(before.toISOString()).changes;
  }

  async saveFacts(value: FactsDocument, environment = 'production'): Promise<void> {
    const doc = validateFacts(value);
    const now = new Date().toISOString();
    this.stmts.upsertFacts.run(doc.name, environment, doc.timestamp ?? now, now, JSON.stringify(doc.values));
  }

  async getFacts(certname: string): Promise<StoredFacts | undefined> {
    const row = this.stmts.getFacts.get(certname) as { certname: string; environment: string; timestamp: string; received: string; body: string } | undefined;
    if (!row) return undefined;
    return { certname: row.certname, environment: row.environment, timestamp: row.timestamp, received: row.received, values: JSON.parse(row.body) };
  }

  async saveCatalog(certname: string, catalog: Catalog): Promise<void> {
    const now = new Date().toISOString();
    const tx = this.db.transaction(() => {
      this.stmts.upsertCatalog.run(certname, catalog.environment, now, JSON.stringify(catalog));
      this.stmts.deleteExports.run(certname);
      for (const r of catalog.resources) {
        if (r.exported) this.stmts.insertExport.run(certname, catalog.environment, r.type, r.title, JSON.stringify(r));
      }
    });
    tx();
  }

  async getCatalog(certname: string): Promise<StoredCatalog | undefined> {
    const row = this.stmts.getCatalog.get(certname) as { certname: string; environment: string; received: string; body: string } | undefined;
    if (!row) return undefined;
    return { certname: row.certname, environment: row.environment, received: row.received, catalog: JSON.parse(row.body) };
  }

  async exportedResources(q: ExportedQuery = {}): Promise<(CatalogResource & { certname: string })[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.type) { where.push('type = ?'); args.push(q.type); }
    if (q.excludeNode) { where.push('certname <> ?'); args.push(q.excludeNode); }
    if (q.environment) { where.push('environment = ?'); args.push(q.environment); }
    const sql = `SELECT certname, body FROM exported_resources ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY certname, type, title`;
    return (this.db.prepare(sql).all(...args) as { certname: string; body: string }[]).map((r) => ({ ...(JSON.parse(r.body) as CatalogResource), certname: r.certname }));
  }

  async nodes(): Promise<string[]> {
    return (this.stmts.nodes.all() as { certname: string }[]).map((r) => r.certname);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
