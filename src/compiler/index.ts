// The catalog compiler's public face. `compile` turns (certname, facts,
// trusted data, environment) into a catalog in Puppet's wire format. A
// server keeps one EnvironmentCache per environment so that warm compiles
// reuse parsed files (re-read only when they change on disk).
import type { CompileRequest, CompileResult } from './api.js';
import { compileSync, resolveEnvironment } from './compile.js';
import { EnvironmentCache, parseEnvironmentTimeout } from './loader.js';

export type { CompileRequest, CompileResult } from './api.js';
export { EnvironmentCache, parseEnvironmentTimeout, resolveEnvironment, compileSync };
export { stringifyCatalog } from './catalog-json.js';
// For parts that extend the compiler (ERB, Hiera, stdlib functions): the function table and call context.
export { registerFunction } from './functions/index.js';
export { registerResourceType, type ResourceTypeInfo } from './builtin-types.js';
export type { BuiltinFunction, CallInfo } from './evaluator/context.js';
export type { Value } from './types/values.js';

const caches = new Map<string, EnvironmentCache>();

/** Compiles a catalog. Pass `cache` to share parsed code across compiles (one per environment). */
export async function compile(req: CompileRequest, cache?: EnvironmentCache): Promise<CompileResult> {
  cache?.beginCompile(); // environment_timeout: re-check, expire or keep
  return compileSync(req, cache);
}

/**
 * A process-wide cache per environment name (what a long-running server uses).
 * `timeout` is the environment's environment_timeout (0, `unlimited`, a
 * duration such as `3m`, or seconds); a changed value starts the cache afresh.
 */
export function environmentCache(name: string, timeout?: string | number): EnvironmentCache {
  const ms = timeout === undefined ? undefined : parseEnvironmentTimeout(timeout);
  let c = caches.get(name);
  if (!c) caches.set(name, (c = new EnvironmentCache({ timeoutMs: ms })));
  else if (ms !== undefined) c.applyTimeout(ms);
  return c;
}

/** Drops every environment's parsed code (`kuroko server reload`, the admin API's environment-cache flush). */
export function flushEnvironmentCaches(name?: string): void {
  for (const [n, c] of caches) if (name === undefined || n === name) c.invalidate();
}
