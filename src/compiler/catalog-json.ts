// Catalog JSON as Puppet writes it. Everything is byte-identical to
// JSON.stringify except Floats: Ruby's JSON writes an integral Float as `2.0`
// and uses Float#to_s forms (`1.0e+20`, `1.5e-07`). A Float is known by
// being non-integral, or, when integral, by being a boxed Number (the marker
// the compiler leaves with `floatMarkers: true`; it survives structured clone,
// so catalogs from compile workers keep it).
import { formatFloat } from './float-format.js';

/** JSON.stringify(value, null, indent), with Floats written as Puppet (Ruby's JSON) writes them. */
export function stringifyCatalog(value: unknown, indent?: number | string): string {
  // Most catalogs hold no Float at all: a walk is far cheaper than a replacer call per value.
  if (!hasFloat(value)) return JSON.stringify(value, null, indent);
  // A per-call nonce keeps the placeholders from colliding with any string in the catalog.
  const nonce = Math.random().toString(36).slice(2, 10);
  let used = false;
  const text = JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    // The replacer sees the holder's own value: a Number object before JSON unboxes it.
    const raw = (this as Record<string, unknown>)[key];
    let n: number | undefined;
    if (raw instanceof Number) n = raw.valueOf();
    else if (typeof v === 'number' && !Number.isInteger(v) && Number.isFinite(v)) n = v;
    if (n === undefined || !Number.isFinite(n)) return v;
    const s = formatFloat(n);
    if (!(raw instanceof Number) && s === JSON.stringify(n)) return v;
    used = true;
    return `\u0000${nonce}:${s}\u0000`;
  }, indent);
  if (!used) return text;
  return text.replace(new RegExp(`"\\\\u0000${nonce}:([^"\\\\]*)\\\\u0000"`, 'g'), '$1');
}

/** Whether `v` holds a boxed Number (an integral Float's marker) or a non-integral number anywhere. */
function hasFloat(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isInteger(v);
  if (v === null || typeof v !== 'object') return false;
  if (v instanceof Number) return true;
  if (Array.isArray(v)) {
    for (const x of v) if (hasFloat(x)) return true;
    return false;
  }
  for (const k in v) if (hasFloat((v as Record<string, unknown>)[k])) return true;
  return false;
}
