// Hiera's merge strategies (P: lib/puppet/pops/merge_strategy.rb): first,
// unique, hash and deep (the deep_merge gem's rules, with knockout_prefix,
// sort_merged_arrays and merge_hash_arrays). Values arrive highest priority
// first; a merge of a higher value into a lower keeps the lower's key order.
import { KurokoError } from '../../util/diagnostic.js';
import { PFloat, valuesEqual, isHash, type PHash, type Value } from '../types/values.js';
import { inspect } from '../evaluator/convert.js';

export type StrategyName = 'first' | 'unique' | 'hash' | 'deep';

export interface MergeStrategy {
  strategy: StrategyName;
  knockoutPrefix?: string;
  sortMergedArrays?: boolean;
  mergeHashArrays?: boolean;
}

const ALIASES: Record<string, StrategyName> = { first: 'first', unique: 'unique', hash: 'hash', deep: 'deep', array: 'unique', native: 'first', priority: 'first' };

/** Reads a merge given as a name or as `{strategy => ..., options...}` (lookup's argument, lookup_options). */
export function toMergeStrategy(v: Value, where: string): MergeStrategy {
  if (v === undefined) return { strategy: 'first' };
  if (typeof v === 'string') {
    const s = ALIASES[v];
    if (!s) throw new KurokoError(`Unknown merge strategy '${v}'${where}`, { code: 'KUR5020', field: 'merge', value: v });
    return { strategy: s };
  }
  if (isHash(v)) {
    const name = v.get('strategy');
    const m = toMergeStrategy(typeof name === 'string' ? name : 'first', where);
    if (typeof name !== 'string') throw new KurokoError(`The merge hash${where} must have a 'strategy' key`, { code: 'KUR5020', field: 'merge', value: inspect(v) });
    for (const [k, x] of v) {
      if (k === 'strategy') continue;
      if (m.strategy !== 'deep') throw new KurokoError(`Merge strategy '${name}' takes no option '${String(k)}'${where}`, { code: 'KUR5020', field: 'merge', value: inspect(v) });
      if (k === 'knockout_prefix') m.knockoutPrefix = typeof x === 'string' ? x : undefined;
      else if (k === 'sort_merged_arrays') m.sortMergedArrays = x === true;
      else if (k === 'merge_hash_arrays') m.mergeHashArrays = x === true;
      else if (k === 'merge_debug' || k === 'unpack_arrays' || k === 'preserve_unmergeables') continue;
      else throw new KurokoError(`Unknown deep merge option '${String(k)}'${where}`, { code: 'KUR5020', field: 'merge', value: inspect(v) });
    }
    return m;
  }
  throw new KurokoError(`A merge must be a String or a Hash${where}, got ${inspect(v)}`, { code: 'KUR5020', field: 'merge', value: inspect(v) });
}

export function describeStrategy(m: MergeStrategy): string {
  return m.strategy;
}

function uniq(a: Value[]): Value[] {
  const out: Value[] = [];
  for (const x of a) if (!out.some((y) => valuesEqual(x, y, true))) out.push(x);
  return out;
}

function flatten(v: Value): Value[] {
  return Array.isArray(v) ? v.flat(Infinity as 1) as Value[] : [v];
}

/** Converts a single found value as the strategy does when nothing else merges with it. */
export function mergeSingle(m: MergeStrategy, v: Value): Value {
  return m.strategy === 'unique' ? uniq(flatten(v)) : v;
}

function typeError(m: MergeStrategy, v: Value, what: string): KurokoError {
  return new KurokoError(`The value of ${what} has wrong type for a ${m.strategy} merge: expects a Hash value, got ${inspect(v)}`, { code: 'KUR5021', field: what, value: inspect(v) });
}

/** Merges `lower` (lower priority) under `higher`. */
export function mergeTwo(m: MergeStrategy, higher: Value, lower: Value, what: string): Value {
  switch (m.strategy) {
    case 'first': return higher;
    case 'unique': return uniq([...flatten(higher), ...flatten(lower)]);
    case 'hash': {
      if (!isHash(higher)) throw typeError(m, higher, what);
      if (!isHash(lower)) throw typeError(m, lower, what);
      const out: PHash = new Map(lower);
      for (const [k, v] of higher) out.set(k, v);
      return out;
    }
    case 'deep': return deepMerge(higher, clone(lower), m); // any values (Puppet's deep value type is Any)
  }
}

function clone(v: Value): Value {
  if (Array.isArray(v)) return v.map(clone);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, clone(x)]));
  return v;
}

function sortValues(a: Value[]): Value[] {
  const key = (v: Value) => (typeof v === 'number' ? v : v instanceof PFloat ? v.value : String(v));
  return [...a].sort((x, y) => { const p = key(x), q = key(y); return p < q ? -1 : p > q ? 1 : 0; });
}

const truthy = (v: Value) => v !== undefined && v !== false;

/** Strips a leading knockout prefix (Ruby's gsub(/^prefix/, '')). */
function stripKo(s: string, ko: string): string {
  return s.startsWith(ko) ? s.slice(ko.length) : s;
}

/**
 * The deep_merge gem's deep_merge!(source, dest) as Puppet calls it
 * (preserve_unmergeables false): `source` is the higher priority value,
 * `dest` a copy of the lower one that this mutates and returns.
 */
function deepMerge(source: Value, dest: Value, m: MergeStrategy): Value {
  const ko = m.knockoutPrefix;
  if (source === undefined) return dest;
  if (!truthy(dest)) return source;
  if (source instanceof Map) {
    if (!(dest instanceof Map)) return overwriteUnmergeables(source, dest, m);
    for (const [k, sv] of source) {
      if (truthy(dest.get(k))) dest.set(k, deepMerge(sv, dest.get(k), m));
      else dest.set(k, deepMerge(sv, clone(sv), m));
    }
    return dest;
  }
  if (Array.isArray(source)) {
    let src = [...source];
    let dst: Value = dest;
    if (ko && src.some((x) => x === ko)) {
      dst = Array.isArray(dst) ? [] : dst instanceof Map ? new Map() : undefined;
      src = src.filter((x) => x !== ko);
    }
    if (Array.isArray(dst)) {
      let d: Value[] = dst;
      if (ko) {
        src = src.filter((item) => {
          if (typeof item !== 'string') return true;
          const stripped = stripKo(item, ko);
          if (stripped === item) return true;
          d = d.filter((x) => !valuesEqual(x, stripped, true) && !valuesEqual(x, item, true));
          return false;
        });
      }
      let out: Value[];
      if (m.mergeHashArrays && src.every(isHash) && d.every(isHash)) {
        out = d.map((x, i) => deepMerge(src[i] ?? new Map(), x, m));
        if (src.length > d.length) out.push(...src.slice(d.length));
      } else out = uniq([...d, ...src]);
      return m.sortMergedArrays ? sortValues(out) : out;
    }
    return overwriteUnmergeables(src, dst, m);
  }
  return overwriteUnmergeables(source, dest, m);
}

function overwriteUnmergeables(source: Value, dest: Value, m: MergeStrategy): Value {
  const ko = m.knockoutPrefix;
  if (!ko) return source;
  if (typeof source === 'string') {
    const t = stripKo(source, ko);
    return t === source ? source : '';
  }
  if (Array.isArray(source)) return source.filter((x) => !(typeof x === 'string' && x.startsWith(ko)));
  void dest;
  return source;
}
