// The transaction store: the desired values Kuroko last synced, by resource
// and property. A change back to the same desired value later means the
// system drifted from what was applied: Puppet's corrective_change.
import { existsSync, readFileSync } from 'node:fs';
import type { Data } from '../compiler/wire.js';
import { log } from '../log/index.js';
import { writeFileAtomic } from '../util/fsutil.js';

export type History = Map<string, Record<string, Data>>;

export function loadHistory(path: string): History {
  const out: History = new Map();
  if (!existsSync(path)) return out;
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as { resources?: Record<string, Record<string, Data>> };
    for (const [ref, props] of Object.entries(v.resources ?? {})) if (props && typeof props === 'object') out.set(ref, props);
  } catch (e) {
    log.warning(`Ignoring the unreadable transaction store ${path}: ${(e as Error).message}`);
  }
  return out;
}

/** Merges this run's synced values into the history, keeps only resources still in the catalog, and saves. */
export function saveHistory(path: string, history: History, synced: History, inCatalog: (ref: string) => boolean): void {
  const next: Record<string, Record<string, Data>> = {};
  let pruned = false;
  for (const [ref, props] of history) {
    if (inCatalog(ref)) next[ref] = { ...props };
    else pruned = true;
  }
  if (!pruned && synced.size === 0 && existsSync(path)) return; // an in-sync run changes nothing here
  for (const [ref, props] of synced) next[ref] = { ...(next[ref] ?? {}), ...props };
  writeFileAtomic(path, JSON.stringify({ format: 1, resources: next }), 0o600);
}
