// Shared by the Hiera tests: write a tree of files into a temp dir, and a
// variable scope made of plain values.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '../../helpers.js';
import type { LookupScope } from '../../../src/compiler/hiera/lookup.js';
import { PFloat, type Value } from '../../../src/compiler/types/values.js';

export function tree(files: Record<string, string>, prefix = 'kuroko-hiera-'): string {
  const dir = tempDir(prefix);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

export function toValue(v: unknown): Value {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.map(toValue);
  if (typeof v === 'object') return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toValue(x)]));
  if (typeof v === 'number' && !Number.isInteger(v)) return new PFloat(v);
  return v as Value;
}

/** A plain JS view of a value for deepEqual. */
export function plain(v: Value): unknown {
  if (v instanceof PFloat) return { float: v.value };
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  return v;
}

export function vars(o: Record<string, unknown>): LookupScope {
  const m = new Map(Object.entries(o).map(([k, v]) => [k, toValue(v)]));
  return { variable: (n) => { const k = n.replace(/^::/, ''); return m.has(k) ? { found: true, value: m.get(k) } : { found: false, value: undefined }; } };
}
