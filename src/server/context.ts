// What every handler may use: the store, the compile pool, environments,
// file serving mounts, the filebucket directory and the server's settings.
// One object, built at start-up and rebuilt in part on reload.
import type { Store } from '../store/types.js';
import type { WorkerPool } from './pool.js';
import type { Environments } from './environments.js';
import type { CustomMount } from './mounts.js';
import type { CompileRequest, CompileResult } from '../compiler/api.js';
import type { StaticContentOptions } from './static-content.js';
import type { CodeIdOptions } from './code-id.js';

export interface CodeSettings {
  environmentpath: string;
  basemodulepath: string[];
  codedir: string;
  hieraConfig: string;
  strict: 'off' | 'warning' | 'error';
  strictVariables: boolean;
}

export interface ServerContext {
  /** The server's own certname (X-Puppet-Compiler-Name, status). */
  certname: string;
  version: string;
  store: Store;
  compilePool?: WorkerPool<CompileRequest, CompileResult>;
  environments: Environments;
  mounts: CustomMount[];
  bucketdir: string;
  /** /static_file_content: the site's code-content command (none: 500, as puppetserver). */
  staticContent?: StaticContentOptions;
  /** The site's code-id command: each catalog's code_id, and static catalogs (none: code_id null). */
  codeId?: CodeIdOptions;
  code: CodeSettings;
  /** Seconds suggested to agents in Retry-After when the compile queue is full. */
  retryAfterSeconds: number;
  startedAt: Date;
}
