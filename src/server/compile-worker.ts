// A compile worker thread: receives CompileRequests from the pool and
// answers with the compiler's result. The compiler module (with its
// per-environment cache) lives once per worker, loaded on first use.
import { serveTasks } from './worker-host.js';
import { KurokoError } from '../util/diagnostic.js';
import type { CompileRequest, CompileResult } from '../compiler/api.js';
import type { CompileTask, CompileTaskResult } from './v3-catalog.js';
import { inlineMetadata } from './static-catalog.js';

type CompileFn = (req: CompileTask) => Promise<CompileTaskResult>;
interface CompilerModule {
  compile?: (req: CompileRequest, cache?: unknown) => Promise<CompileResult>;
  /** One parsed-code cache per environment, kept as its environment_timeout says (fresh workers on reload). */
  environmentCache?: (name: string, timeout?: string) => unknown;
}
let compileFn: Promise<CompileFn> | undefined;

// Resolved at run time so that the server type-checks and starts before the compiler lands.
const COMPILER_MODULE = new URL(import.meta.url.endsWith('.ts') ? '../compiler/index.ts' : '../compiler/index.js', import.meta.url).href;

async function loadCompiler(): Promise<CompileFn> {
  const mod = (await import(COMPILER_MODULE)) as CompilerModule;
  const compile = mod.compile;
  if (typeof compile !== 'function') throw new KurokoError('The catalog compiler is not available (src/compiler/index has no compile())', { code: 'KUR0690' });
  const cacheFor = mod.environmentCache;
  return async ({ environmentTimeout, codeId, staticCatalog, ...req }) => {
    const result: CompileTaskResult = await compile(req, cacheFor ? cacheFor(req.environment, environmentTimeout) : undefined);
    if (codeId !== undefined) result.catalog.code_id = codeId;
    if (staticCatalog) {
      // After the compile, as puppetserver's static compile does; on this thread, off the server's event loop.
      const started = performance.now();
      const summary = inlineMetadata(result.catalog, staticCatalog);
      result.staticInline = { ...summary, ms: performance.now() - started };
    }
    return result;
  };
}

// Load the compiler now, in the background, so that the first catalog is not also the slowest.
compileFn = loadCompiler();
compileFn.catch(() => { compileFn = undefined; }); // reported to the first request instead

serveTasks<CompileTask, CompileTaskResult>(async (req) => {
  compileFn ??= loadCompiler();
  const compile = await compileFn.catch((e) => { compileFn = undefined; throw e; });
  return compile(req);
});
