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
  serverFacts?: Record<string, Data>;
  transactionUuid?: string;
  /** Exported resources collected from other nodes (the store supplies them). */
  exportedResources?: import('./wire.js').CatalogResource[];
}

export interface CompileResult {
  catalog: Catalog;
  /** Warnings and notices logged during the compile. */
  logs: { level: string; message: string; file?: string; line?: number }[];
}
