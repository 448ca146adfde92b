// What the compiler is asked and what it answers. The server's compile
// workers, `kuroko catalog compile` and `kuroko apply` all go through this.
import type { Catalog, Data, TrustedData } from './wire.js';

export interface CompileRequest {
  certname: string;
  facts: Record<string, Data>;
  trusted?: TrustedData;
  environment: string;
  /** Where environments are (environmentpath), and code layout overrides. */
  environmentpath?: string;
  manifest?: string;
  modulepath?: string[];
  basemodulepath?: string[];
  codedir?: string;
  hieraConfig?: string;
  /** strict / strict_variables as in Puppet. */
  strict?: 'off' | 'warning' | 'error';
  strictVariables?: boolean;
  /**
   * Rich data (default true): non-Data parameter values (Deferred, Binary, Timestamp, types, default...)
   * keep their type in Pcore's `__ptype` form, as puppetserver answers `application/vnd.puppet.rich+json`.
   * false gives plain JSON (`application/json`, `puppet catalog compile`): strings, with Puppet's warnings.
   */
  richData?: boolean;
  serverFacts?: Record<string, Data>;
  transactionUuid?: string;
  /** Exported resources collected from other nodes (the store supplies them). */
  exportedResources?: import('./wire.js').CatalogResource[];
  /**
   * storeconfigs: this node's own `@@` resources stay in the catalog (exported: true) for the
   * server to store and to leave out of what the agent gets, as Puppet's compiler hands them on.
   * Defaults to true when `exportedResources` is given (a server with a store), else false
   * (`puppet apply` / `catalog compile` without storeconfigs: ignored with a warning).
   */
  storeconfigs?: boolean;
  /**
   * Integral Float parameter values become Number objects (JSON.stringify still writes `2`;
   * stringifyCatalog writes `2.0` as Puppet does). Only for callers that print with stringifyCatalog.
   */
  floatMarkers?: boolean;
}

export interface CompileResult {
  catalog: Catalog;
  /** Warnings and notices logged during the compile. */
  logs: { level: string; message: string; file?: string; line?: number }[];
}
