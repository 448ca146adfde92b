// The store the server and `kuroko report` use. Only SQLite for now; a
// PostgreSQL implementation fills the same Store interface.
import type { Settings } from '../settings/index.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export type { Store, ReportSummary, StoredReport, StoredFacts, StoredCatalog, ReportQuery, ExportedQuery, ReportStatus } from './types.js';
export { SqliteStore } from './sqlite.js';
export { validateReport, validateFacts } from './validate.js';

/** Opens the store named by the `storedb` setting ($vardir/kuroko.sqlite). */
export function openStore(settings: Settings, opts: { readonly?: boolean } = {}): Store {
  return new SqliteStore(settings.get('storedb'), opts);
}
