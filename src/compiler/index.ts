// The catalog compiler's public face. `compile` turns (certname, facts,
// trusted data, environment) into a catalog in Puppet's wire format. A
// server keeps one EnvironmentCache per environment so that warm compiles
// reuse parsed files (re-read only when they change on disk).
import type { CompileRequest, CompileResult } from './api.js';
import { compileSync, resolveEnvironment } from './compile.js';
import { EnvironmentCache } from './loader.js';

export type { CompileRequest, CompileResult } from './api.js';
export { EnvironmentCache, resolveEnvironment, compileSync };
// For parts that extend the compiler (ERB, Hiera, stdlib functions): the function table and call context.
export { registerFunction } from './functions/index.js';
export { registerResourceType, type ResourceTypeInfo } from './builtin-types.js';
export type { BuiltinFunction, CallInfo } from './evaluator/context.js';
export type { Value } from './types/values.js';

const caches = new Map<string, EnvironmentCache>();

/** Compiles a catalog. Pass `cache` to share parsed code across compiles (one per environment). */
export async function compile(req: CompileRequest, cache?: EnvironmentCache): Promise<CompileResult> {
  return compileSync(req, cache);
}

/** A process-wide cache per environment name (what a long-running server uses by default). */
export function environmentCache(name: string): EnvironmentCache {
  let c = caches.get(name);
  if (!c) caches.set(name, (c = new EnvironmentCache()));
  return c;
}
