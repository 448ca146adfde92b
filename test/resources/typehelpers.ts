// Helpers for the resource type tests: run one resource through its type's
// validation and provider (check, apply, check again), as the transaction does.
import type { Data } from '../../src/compiler/wire.js';
import type { ApplyContext, Change, Resource, ResourceType } from '../../src/resources/type.js';
import { selectProvider } from '../../src/resources/providers/typesupport.js';

export function resource(type: string, title: string, parameters: Record<string, Data>): Resource {
  return { type, title, parameters, tags: [type] };
}

export function context(opts: { noop?: boolean; catalog?: Resource[]; logs?: string[]; settings?: Record<string, string> } = {}): ApplyContext {
  return {
    noop: opts.noop ?? false,
    log: (level, message) => { opts.logs?.push(`${level}: ${message}`); },
    catalogResources: () => opts.catalog ?? [],
    settings: opts.settings ? { get: (n: string) => opts.settings![n] ?? '' } : undefined,
  };
}

/** Validates, checks and applies; returns the changes made and what a second check still finds. */
export async function converge(type: ResourceType, r: Resource, ctx: ApplyContext = context()): Promise<{ changes: Change[]; after: Change[] }> {
  type.validate?.(r);
  const p = selectProvider(type, r);
  const changes = await p.check(r, ctx);
  if (changes.length) await p.apply(r, changes, ctx);
  const after = await p.check(r, ctx);
  return { changes, after };
}

export const messages = (cs: Change[]) => cs.map((c) => `${c.property}: ${c.message}`);

/** A name no other test run uses: throwaway users, groups, services. */
export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`.slice(0, 30);
}
