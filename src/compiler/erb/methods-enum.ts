// Enumerable, Array, Hash and Range methods. Enumerable methods work on the
// list of yielded values: array elements, [key, value] pairs, range members.
import { callMethod } from './methods.js';
import { checkSize, intArg, rangeBounds, strArg } from './methods-string.js';
import { argError, checkArgs, RubyError, tick, typeError, unsupported, type Block, type Ctx } from './runtime.js';
import {
  compare, ErbFloat, ErbRange, ErbSymbol, hashGet, hashKey, hashSet, inspect, isNil, NO_KEY, rEqual, rEql, toS,
  truthy, valueKey, type ErbHash, type ErbValue,
} from './values.js';

export type EnumImpl = (ctx: Ctx, self: ErbValue, items: ErbValue[], args: ErbValue[], block: Block | null) => ErbValue;

/** What a block-taking method returns without a block: enough of Enumerator for chaining. */
export class Enumerator {
  readonly erbObject = 'Enumerator';
  constructor(readonly items: ErbValue[], readonly apply: ((b: Block) => ErbValue) | null) {}
}

const y = (b: Block, v: ErbValue) => b.call([v]);

function needBlock(name: string, b: Block | null): Block {
  if (!b) throw unsupported(`${name} without a block`);
  return b;
}

function cmp(a: ErbValue, b: ErbValue): number {
  const c = compare(a, b);
  if (c === undefined) throw argError(`comparison of ${clsName(a)} with ${isNil(b) ? 'nil' : inspect(b)} failed`);
  return c;
}
const clsName = (v: ErbValue) => (isNil(v) ? 'NilClass' : typeof v === 'number' ? 'Integer' : typeof v === 'string' ? 'String' : Array.isArray(v) ? 'Array' : v instanceof Map ? 'Hash' : 'Object');

function blockCmp(b: Block): (x: ErbValue, y: ErbValue) => number {
  return (p, q) => {
    const r = b.call([p, q]);
    if (typeof r !== 'number' && !(r instanceof ErbFloat)) throw argError(`comparison of ${clsName(p)} with ${clsName(q)} failed`);
    return Math.sign(typeof r === 'number' ? r : r.value);
  };
}

function sortBy(items: ErbValue[], b: Block): ErbValue[] {
  const keyed = items.map((v) => [b.call([v]), v] as const);
  keyed.sort((p, q) => cmp(p[0], q[0]));
  return keyed.map((k) => k[1]);
}

/** Enumerable#sum: exact for Integers, Kahan-Babuska compensated once a Float appears (as Ruby). */
function sum(ctx: Ctx, items: ErbValue[], init: ErbValue, b: Block | null): ErbValue {
  const vals = b ? items.map((v) => y(b, v)) : items;
  let acc = init;
  let i = 0;
  for (; i < vals.length && typeof acc === 'number' && typeof vals[i] === 'number'; i++) acc = acc + (vals[i] as number);
  if (i < vals.length && (typeof acc === 'number' || acc instanceof ErbFloat) && (vals[i] instanceof ErbFloat || acc instanceof ErbFloat)) {
    let f = typeof acc === 'number' ? acc : acc.value;
    let c = 0;
    for (; i < vals.length; i++) {
      const v = vals[i];
      if (typeof v !== 'number' && !(v instanceof ErbFloat)) break;
      const x = typeof v === 'number' ? v : v.value;
      const t = f + x;
      if (!Number.isFinite(t)) c = 0;
      else if (Math.abs(f) >= Math.abs(x)) c += (f - t) + x;
      else c += (x - t) + f;
      f = t;
    }
    acc = new ErbFloat(f + c);
  }
  for (; i < vals.length; i++) acc = callMethod(ctx, acc, '+', [vals[i]], null);
  return acc;
}

function minMax(items: ErbValue[], args: ErbValue[], b: Block | null, sign: number, by: boolean): ErbValue {
  const keyOf = (v: ErbValue) => (by ? y(b!, v) : v);
  const order = (p: ErbValue, q: ErbValue) => (b && !by ? blockCmp(b)(p, q) : cmp(keyOf(p), keyOf(q))) * sign;
  if (args.length) {
    return items.slice().sort(order).slice(0, intArg(args[0]));
  }
  let best: ErbValue = undefined;
  let first = true;
  for (const v of items) {
    if (first || order(v, best) < 0) best = v;
    first = false;
  }
  return best;
}

function flatten(a: ErbValue[], depth: number, out: ErbValue[] = []): ErbValue[] {
  for (const v of a) {
    if (Array.isArray(v) && depth !== 0) flatten(v, depth - 1, out);
    else out.push(v);
  }
  return out;
}

export function join(a: ErbValue[], sep: string, seen: Set<ErbValue[]> = new Set()): string {
  if (seen.has(a)) throw argError('recursive array join');
  seen.add(a);
  const parts = a.map((v) => (Array.isArray(v) ? join(v, sep, seen) : toS(v)));
  seen.delete(a);
  return parts.join(sep);
}

function uniq(items: ErbValue[], b: Block | null): ErbValue[] {
  const seen = new Set<unknown>();
  const out: ErbValue[] = [];
  for (const v of items) {
    const k = valueKey(b ? y(b, v) : v);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}

function inject(ctx: Ctx, items: ErbValue[], args: ErbValue[], b: Block | null): ErbValue {
  let op: string | null = null;
  let acc: ErbValue;
  let rest = items;
  if (args.length === 2) {
    acc = args[0];
    op = symName(args[1]);
  } else if (args.length === 1 && !b) {
    op = symName(args[0]);
    acc = items[0];
    rest = items.slice(1);
  } else if (args.length === 1) acc = args[0];
  else {
    acc = items[0];
    rest = items.slice(1);
  }
  for (const v of rest) acc = op ? callMethod(ctx, acc, op, [v], null) : needBlock('inject', b).call([acc, v]);
  return acc;
}

const symName = (v: ErbValue): string => (v instanceof ErbSymbol ? v.name : strArg(v));

/** Enumerable methods shared by Array, Hash (over pairs), Range and Enumerator. */
export const ENUMERABLE: Record<string, EnumImpl> = {
  to_a: (_c, _s, it) => it.slice(),
  entries: (_c, _s, it) => it.slice(),
  each_entry: (_c, s, it, _a, b) => (it.forEach((v) => y(needBlock('each_entry', b), v)), s),
  map: (_c, s, it, _a, b) => (b ? it.map((v) => y(b, v)) : new Enumerator(it, (bb) => it.map((v) => y(bb, v)))),
  collect: (c, s, it, a, b) => ENUMERABLE.map(c, s, it, a, b),
  flat_map: (_c, _s, it, _a, b) => {
    const out: ErbValue[] = [];
    for (const v of it) {
      const r = y(needBlock('flat_map', b), v);
      if (Array.isArray(r)) out.push(...r);
      else out.push(r);
    }
    return out;
  },
  collect_concat: (c, s, it, a, b) => ENUMERABLE.flat_map(c, s, it, a, b),
  select: (_c, _s, it, _a, b) => (b ? it.filter((v) => truthy(y(b, v))) : new Enumerator(it, (bb) => it.filter((v) => truthy(y(bb, v))))),
  filter: (c, s, it, a, b) => ENUMERABLE.select(c, s, it, a, b),
  find_all: (c, s, it, a, b) => ENUMERABLE.select(c, s, it, a, b),
  reject: (_c, _s, it, _a, b) => it.filter((v) => !truthy(y(needBlock('reject', b), v))),
  filter_map: (_c, _s, it, _a, b) => it.map((v) => y(needBlock('filter_map', b), v)).filter(truthy),
  find: (_c, _s, it, _a, b) => it.find((v) => truthy(y(needBlock('find', b), v))),
  detect: (c, s, it, a, b) => ENUMERABLE.find(c, s, it, a, b),
  find_index: (_c, _s, it, a, b) => {
    const i = a.length ? it.findIndex((v) => rEqual(v, a[0])) : it.findIndex((v) => truthy(y(needBlock('find_index', b), v)));
    return i < 0 ? undefined : i;
  },
  each_with_index: (_c, s, it, _a, b) => {
    if (!b) return new Enumerator(it.map((v, i) => [v, i]), (bb) => (it.forEach((v, i) => bb.call([v, i])), s));
    it.forEach((v, i) => b.call([v, i]));
    return s;
  },
  each_with_object: (_c, _s, it, a, b) => {
    checkArgs('each_with_object', a, 1);
    for (const v of it) needBlock('each_with_object', b).call([v, a[0]]);
    return a[0];
  },
  reverse_each: (_c, s, it, _a, b) => {
    for (let i = it.length - 1; i >= 0; i--) y(needBlock('reverse_each', b), it[i]);
    return s;
  },
  sort: (_c, _s, it, _a, b) => it.slice().sort(b ? blockCmp(b) : cmp),
  sort_by: (_c, _s, it, _a, b) => sortBy(it, needBlock('sort_by', b)),
  min: (_c, _s, it, a, b) => minMax(it, a, b, 1, false),
  max: (_c, _s, it, a, b) => minMax(it, a, b, -1, false),
  min_by: (_c, _s, it, a, b) => minMax(it, a, needBlock('min_by', b), 1, true),
  max_by: (_c, _s, it, a, b) => minMax(it, a, needBlock('max_by', b), -1, true),
  minmax: (_c, _s, it) => [minMax(it, [], null, 1, false), minMax(it, [], null, -1, false)],
  sum: (c, _s, it, a, b) => sum(c, it, a.length ? a[0] : 0, b),
  count: (_c, _s, it, a, b) => {
    if (a.length) return it.filter((v) => rEqual(v, a[0])).length;
    if (b) return it.filter((v) => truthy(y(b, v))).length;
    return it.length;
  },
  'any?': (c, _s, it, a, b) => it.some((v) => (a.length ? truthy(callMethod(c, a[0], '===', [v], null)) : b ? truthy(y(b, v)) : truthy(v))),
  'all?': (c, _s, it, a, b) => it.every((v) => (a.length ? truthy(callMethod(c, a[0], '===', [v], null)) : b ? truthy(y(b, v)) : truthy(v))),
  'none?': (c, _s, it, a, b) => !it.some((v) => (a.length ? truthy(callMethod(c, a[0], '===', [v], null)) : b ? truthy(y(b, v)) : truthy(v))),
  'one?': (c, _s, it, a, b) => it.filter((v) => (a.length ? truthy(callMethod(c, a[0], '===', [v], null)) : b ? truthy(y(b, v)) : truthy(v))).length === 1,
  inject: (c, _s, it, a, b) => inject(c, it, a, b),
  reduce: (c, _s, it, a, b) => inject(c, it, a, b),
  group_by: (_c, _s, it, _a, b) => {
    const h: ErbHash = new Map();
    for (const v of it) {
      const k = y(needBlock('group_by', b), v);
      const cur = hashGet(h, k) as ErbValue[] | undefined;
      if (cur) cur.push(v);
      else hashSet(h, k, [v]);
    }
    return h;
  },
  partition: (_c, _s, it, _a, b) => {
    const t: ErbValue[] = [], f: ErbValue[] = [];
    for (const v of it) (truthy(y(needBlock('partition', b), v)) ? t : f).push(v);
    return [t, f];
  },
  tally: (_c, _s, it) => {
    const h: ErbHash = new Map();
    for (const v of it) hashSet(h, v, ((hashGet(h, v) as number | undefined) ?? 0) + 1);
    return h;
  },
  uniq: (_c, _s, it, _a, b) => uniq(it, b),
  zip: (c, _s, it, a) => it.map((v, i) => [v, ...a.map((o) => (toList(c, o) as ErbValue[])[i])]),
  first: (_c, _s, it, a) => (a.length ? it.slice(0, nonNeg(intArg(a[0]))) : it[0]),
  take: (_c, _s, it, a) => it.slice(0, nonNeg(intArg(a[0]))),
  drop: (_c, _s, it, a) => it.slice(nonNeg(intArg(a[0]))),
  take_while: (_c, _s, it, _a, b) => {
    const i = it.findIndex((v) => !truthy(y(needBlock('take_while', b), v)));
    return i < 0 ? it.slice() : it.slice(0, i);
  },
  drop_while: (_c, _s, it, _a, b) => {
    const i = it.findIndex((v) => !truthy(y(needBlock('drop_while', b), v)));
    return i < 0 ? [] : it.slice(i);
  },
  'include?': (_c, _s, it, a) => it.some((v) => rEqual(v, a[0])),
  'member?': (_c, _s, it, a) => it.some((v) => rEqual(v, a[0])),
  each_slice: (_c, s, it, a, b) => {
    const n = intArg(a[0]);
    if (n <= 0) throw argError('invalid slice size');
    const slices: ErbValue[] = [];
    for (let i = 0; i < it.length; i += n) slices.push(it.slice(i, i + n));
    if (!b) return new Enumerator(slices, null);
    slices.forEach((v) => y(b, v));
    return s;
  },
  each_cons: (_c, s, it, a, b) => {
    const n = intArg(a[0]);
    const out: ErbValue[] = [];
    for (let i = 0; i + n <= it.length; i++) out.push(it.slice(i, i + n));
    if (!b) return new Enumerator(out, null);
    out.forEach((v) => y(b, v));
    return s;
  },
  to_h: (_c, _s, it, _a, b) => {
    const h: ErbHash = new Map();
    for (const v of it) {
      const pair = b ? y(b, v) : v;
      if (!Array.isArray(pair) || pair.length !== 2) throw typeError(`wrong element type ${clsName(pair)} (expected array)`);
      hashSet(h, pair[0], pair[1]);
    }
    return h;
  },
  to_set: (_c, _s, it) => uniq(it, null),
  lazy: (_c, _s, it) => new Enumerator(it, null),
  force: (_c, _s, it) => it.slice(),
  chunk_while: () => {
    throw unsupported('chunk_while');
  },
};

const nonNeg = (n: number) => {
  if (n < 0) throw argError('attempt to take negative size');
  return n;
};

/** The values an Enumerable yields (for zip, for-in, splats). */
export function toList(ctx: Ctx, v: ErbValue): ErbValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Map) return Array.from(v, ([k, x]) => [k, x]);
  if (v instanceof ErbRange) return rangeItems(v);
  if (v instanceof Enumerator) return v.items;
  if (isNil(v)) return [];
  return callMethod(ctx, v, 'to_a', [], null) as ErbValue[];
}

export function rangeItems(r: ErbRange): ErbValue[] {
  const out: ErbValue[] = [];
  if (typeof r.begin === 'number' && (typeof r.end === 'number' || r.end instanceof ErbFloat)) {
    const end = typeof r.end === 'number' ? r.end : r.end.value;
    if (end - r.begin > 10_000_000) throw new RubyError('RangeError', 'range too large to enumerate');
    for (let i = r.begin; r.exclusive ? i < end : i <= end; i++) out.push(i);
    return out;
  }
  if (typeof r.begin === 'string' && typeof r.end === 'string') {
    let cur = r.begin;
    for (let i = 0; i < 1_000_000; i++) {
      if (cur === r.end) {
        if (!r.exclusive) out.push(cur);
        break;
      }
      if (cur.length > r.end.length) break;
      out.push(cur);
      cur = callMethodStr(cur);
    }
    return out;
  }
  throw typeError(`can't iterate from ${clsName(r.begin)}`);
}
let callMethodStr: (s: string) => string = (s) => s;
export function setSucc(f: (s: string) => string): void {
  callMethodStr = f;
}

// Puppet 7 does not freeze the values it gives templates: `@list << x` changes
// the Puppet variable too. We do the same (values are passed by reference).

function arrIndex(a: ErbValue[], args: ErbValue[]): ErbValue {
  checkArgs('[]', args, 1, 2);
  const i = args[0];
  if (args.length === 2) {
    let s = intArg(i);
    const n = intArg(args[1]);
    if (s < 0) s += a.length;
    if (s < 0 || s > a.length || n < 0) return undefined;
    return a.slice(s, s + n);
  }
  if (i instanceof ErbRange) {
    const r = rangeBounds(i, a.length);
    return r ? a.slice(r[0], r[0] + r[1]) : undefined;
  }
  let n = intArg(i);
  if (n < 0) n += a.length;
  return a[n];
}

export type ArrImpl = (ctx: Ctx, self: ErbValue[], args: ErbValue[], block: Block | null) => ErbValue;

export const ARRAY: Record<string, ArrImpl> = {
  each: (_c, s, _a, b) => {
    if (!b) return new Enumerator(s, (bb) => (s.forEach((v) => y(bb, v)), s));
    for (let i = 0; i < s.length; i++) y(b, s[i]);
    return s;
  },
  length: (_c, s) => s.length,
  size: (_c, s) => s.length,
  'empty?': (_c, s) => s.length === 0,
  '[]': (_c, s, a) => arrIndex(s, a),
  slice: (_c, s, a) => arrIndex(s, a),
  at: (_c, s, a) => arrIndex(s, [a[0]]),
  dig: (c, s, a) => dig(c, s, a),
  fetch: (_c, s, a, b) => {
    let i = intArg(a[0]);
    if (i < 0) i += s.length;
    if (i >= 0 && i < s.length) return s[i];
    if (b) return y(b, a[0]);
    if (a.length > 1) return a[1];
    throw new RubyError('IndexError', `index ${intArg(a[0])} outside of array bounds: ${-s.length}...${s.length}`);
  },
  last: (_c, s, a) => (a.length ? s.slice(Math.max(0, s.length - intArg(a[0]))) : s[s.length - 1]),
  values_at: (_c, s, a) => a.map((i) => arrIndex(s, [i])),
  join: (_c, s, a) => join(s, a.length && !isNil(a[0]) ? strArg(a[0]) : ''),
  reverse: (_c, s) => s.slice().reverse(),
  rotate: (_c, s, a) => {
    if (!s.length) return [];
    const n = ((a.length ? intArg(a[0]) : 1) % s.length + s.length) % s.length;
    return s.slice(n).concat(s.slice(0, n));
  },
  compact: (_c, s) => s.filter((v) => !isNil(v)),
  flatten: (_c, s, a) => flatten(s, a.length && !isNil(a[0]) ? intArg(a[0]) : -1),
  index: (_c, s, a, b) => {
    const i = a.length ? s.findIndex((v) => rEqual(v, a[0])) : s.findIndex((v) => truthy(y(needBlock('index', b), v)));
    return i < 0 ? undefined : i;
  },
  rindex: (_c, s, a, b) => {
    for (let i = s.length - 1; i >= 0; i--) if (a.length ? rEqual(s[i], a[0]) : truthy(y(needBlock('rindex', b), s[i]))) return i;
    return undefined;
  },
  '+': (_c, s, a) => {
    if (!Array.isArray(a[0])) throw typeError(`no implicit conversion of ${clsName(a[0])} into Array`);
    return s.concat(a[0]);
  },
  '-': (_c, s, a) => {
    const o = arrArg(a[0]);
    const keys = new Set(o.map(valueKey));
    return s.filter((v) => !keys.has(valueKey(v)));
  },
  '&': (_c, s, a) => {
    const keys = new Set(arrArg(a[0]).map(valueKey));
    return uniq(s.filter((v) => keys.has(valueKey(v))), null);
  },
  '|': (_c, s, a) => uniq(s.concat(arrArg(a[0])), null),
  '*': (_c, s, a) => {
    if (typeof a[0] === 'string') return join(s, a[0]);
    const n = intArg(a[0]);
    if (n < 0) throw argError('negative argument');
    checkSize(s.length * n);
    let out: ErbValue[] = [];
    for (let i = 0; i < n; i++) out = out.concat(s);
    return out;
  },
  '==': (_c, s, a) => rEqual(s, a[0]),
  'eql?': (_c, s, a) => rEql(s, a[0]),
  '<=>': (_c, s, a) => compare(s, a[0]),
  transpose: (_c, s) => {
    if (!s.length) return [];
    const rows = s.map(arrArg);
    const n = rows[0].length;
    if (rows.some((r) => r.length !== n)) throw new RubyError('IndexError', `element size differs`);
    return Array.from({ length: n }, (_x, i) => rows.map((r) => r[i]));
  },
  assoc: (_c, s, a) => s.find((v) => Array.isArray(v) && rEqual(v[0], a[0])),
  product: (_c, s, a) => {
    let out: ErbValue[][] = s.map((v) => [v]);
    for (const o of a.map(arrArg)) out = out.flatMap((p) => o.map((v) => [...p, v]));
    return out;
  },
  to_ary: (_c, s) => s,
  pack: () => {
    throw unsupported('Array#pack');
  },
  hash: () => {
    throw unsupported('Array#hash');
  },
  // Mutators.
  push: (_c, s, a) => (s.push(...a), s),
  append: (_c, s, a) => (s.push(...a), s),
  '<<': (_c, s, a) => (s.push(a[0]), s),
  pop: (_c, s) => (s.pop()),
  shift: (_c, s) => (s.shift()),
  unshift: (_c, s, a) => (s.unshift(...a), s),
  prepend: (_c, s, a) => (s.unshift(...a), s),
  insert: (_c, s, a) => {
    let i = intArg(a[0]);
    if (i < 0) i += s.length + 1;
    s.splice(i, 0, ...a.slice(1));
    return s;
  },
  concat: (_c, s, a) => (a.forEach((o) => s.push(...arrArg(o))), s),
  '[]=': (_c, s, a) => {
    if (a.length !== 2) throw unsupported('Array#[]= with a range or length');
    let i = intArg(a[0]);
    if (i < 0) i += s.length;
    while (s.length < i) s.push(undefined);
    s[i] = a[1];
    return a[1];
  },
  delete: (_c, s, a) => {
    let found: ErbValue = undefined;
    for (let i = s.length - 1; i >= 0; i--) if (rEqual(s[i], a[0])) found = s.splice(i, 1)[0];
    return found;
  },
  delete_at: (_c, s, a) => (s.splice(intArg(a[0]), 1)[0]),
  clear: (_c, s) => ((s.length = 0), s),
  replace: (_c, s, a) => (s.splice(0, s.length, ...arrArg(a[0])), s),
};

const arrArg = (v: ErbValue): ErbValue[] => {
  if (Array.isArray(v)) return v;
  throw typeError(`no implicit conversion of ${clsName(v)} into Array`);
};

// In-place forms of the Enumerable ones: same result, stored into the array.
for (const [bang, base, nilIfSame] of [
  ['sort!', 'sort', false], ['sort_by!', 'sort_by', false], ['uniq!', 'uniq', true], ['compact!', 'compact', true],
  ['flatten!', 'flatten', true], ['map!', 'map', false], ['collect!', 'map', false], ['select!', 'select', true],
  ['filter!', 'select', true], ['keep_if', 'select', false], ['reject!', 'reject', true], ['delete_if', 'reject', false],
  ['reverse!', 'reverse', false], ['rotate!', 'rotate', false], ['shuffle!', 'shuffle', false],
] as const) {
  ARRAY[bang] = (c, s, a, b) => {
    const r = (ARRAY[base] ? ARRAY[base](c, s, a, b) : ENUMERABLE[base](c, s, s, a, b)) as ErbValue[];
    const same = r.length === s.length;
    s.splice(0, s.length, ...r);
    return nilIfSame && same ? undefined : s;
  };
}

export function dig(ctx: Ctx, v: ErbValue, keys: ErbValue[]): ErbValue {
  let cur = v;
  for (const k of keys) {
    if (isNil(cur)) return undefined;
    cur = callMethod(ctx, cur, '[]', [k], null);
  }
  return cur;
}

/** Hash.new(default) and Hash.new { |h, k| ... }: a missing key gives the default. */
export class DefaultHash extends Map<ErbValue, ErbValue> {
  constructor(readonly dflt: ErbValue, readonly block: Block | null) {
    super();
  }
}

export type HashImpl = (ctx: Ctx, self: ErbHash, args: ErbValue[], block: Block | null) => ErbValue;

const pairs = (h: ErbHash): ErbValue[] => Array.from(h, ([k, v]) => [k, v]);
// Hash#select and friends yield key and value as two values (a one-parameter block gets the key).
const kv = (b: Block, k: ErbValue, v: ErbValue) => (b.arity === 1 ? b.call([k]) : b.call([k, v]));

function filterHash(h: ErbHash, b: Block, keep: boolean): ErbHash {
  const out: ErbHash = new Map();
  for (const [k, v] of h) if (truthy(kv(b, k, v)) === keep) out.set(k, v);
  return out;
}

export const HASH: Record<string, HashImpl> = {
  each: (_c, h, _a, b) => {
    if (!b) return new Enumerator(pairs(h), (bb) => (pairs(h).forEach((p) => y(bb, p)), h));
    for (const [k, v] of h) {
      tick(_c);
      b.call([[k, v]]);
    }
    return h;
  },
  each_pair: (c, h, a, b) => HASH.each(c, h, a, b),
  each_key: (_c, h, _a, b) => (Array.from(h.keys()).forEach((k) => y(needBlock('each_key', b), k)), h),
  each_value: (_c, h, _a, b) => (Array.from(h.values()).forEach((v) => y(needBlock('each_value', b), v)), h),
  '[]': (_c, h, a) => {
    checkArgs('[]', a, 1);
    if (h instanceof DefaultHash && hashKey(h, a[0]) === NO_KEY) return h.block ? h.block.call([h, a[0]]) : h.dflt;
    return hashGet(h, a[0]);
  },
  fetch: (_c, h, a, b) => {
    checkArgs('fetch', a, 1, 2);
    const k = hashKey(h, a[0]);
    if (k !== NO_KEY) return h.get(k);
    if (b) return y(b, a[0]);
    if (a.length > 1) return a[1];
    throw new RubyError('KeyError', `key not found: ${inspect(a[0])}`);
  },
  dig: (c, h, a) => dig(c, h, a),
  key: (_c, h, a) => {
    for (const [k, v] of h) if (rEqual(v, a[0])) return k;
    return undefined;
  },
  'key?': (_c, h, a) => hashKey(h, a[0]) !== NO_KEY,
  'has_key?': (_c, h, a) => hashKey(h, a[0]) !== NO_KEY,
  'include?': (_c, h, a) => hashKey(h, a[0]) !== NO_KEY,
  'member?': (_c, h, a) => hashKey(h, a[0]) !== NO_KEY,
  'value?': (_c, h, a) => Array.from(h.values()).some((v) => rEqual(v, a[0])),
  'has_value?': (_c, h, a) => Array.from(h.values()).some((v) => rEqual(v, a[0])),
  keys: (_c, h) => Array.from(h.keys()),
  values: (_c, h) => Array.from(h.values()),
  values_at: (_c, h, a) => a.map((k) => hashGet(h, k)),
  fetch_values: (c, h, a) => a.map((k) => HASH.fetch(c, h, [k], null)),
  length: (_c, h) => h.size,
  size: (_c, h) => h.size,
  'empty?': (_c, h) => h.size === 0,
  to_h: (c, h, a, b) => (b ? ENUMERABLE.to_h(c, h, pairs(h), a, b) : h),
  to_hash: (_c, h) => h,
  select: (_c, h, _a, b) => filterHash(h, needBlock('select', b), true),
  filter: (_c, h, _a, b) => filterHash(h, needBlock('filter', b), true),
  reject: (_c, h, _a, b) => filterHash(h, needBlock('reject', b), false),
  filter_map: (_c, h, _a, b) => pairs(h).map((p) => y(needBlock('filter_map', b), p)).filter(truthy),
  'any?': (c, h, a, b) => (b ? Array.from(h).some(([k, v]) => truthy(b.arity === 1 ? b.call([[k, v]]) : b.call([k, v]))) : ENUMERABLE['any?'](c, h, pairs(h), a, b)),
  count: (c, h, a, b) => ENUMERABLE.count(c, h, pairs(h), a, b),
  min_by: (c, h, a, b) => ENUMERABLE.min_by(c, h, pairs(h), a, b),
  compact: (_c, h) => new Map(Array.from(h).filter(([, v]) => !isNil(v))),
  merge: (_c, h, a, b) => {
    const out: ErbHash = new Map(h);
    for (const o of a) mergeInto(out, hashArg(o), b);
    return out;
  },
  invert: (_c, h) => {
    const out: ErbHash = new Map();
    for (const [k, v] of h) hashSet(out, v, k);
    return out;
  },
  transform_values: (_c, h, _a, b) => new Map(Array.from(h, ([k, v]) => [k, y(needBlock('transform_values', b), v)])),
  transform_keys: (_c, h, _a, b) => {
    const out: ErbHash = new Map();
    for (const [k, v] of h) hashSet(out, y(needBlock('transform_keys', b), k), v);
    return out;
  },
  slice: (_c, h, a) => {
    const out: ErbHash = new Map();
    for (const k of a) {
      const key = hashKey(h, k);
      if (key !== NO_KEY) out.set(key, h.get(key));
    }
    return out;
  },
  except: (_c, h, a) => {
    const out: ErbHash = new Map(h);
    for (const k of a) {
      const key = hashKey(out, k);
      if (key !== NO_KEY) out.delete(key);
    }
    return out;
  },
  sort: (c, h, a, b) => ENUMERABLE.sort(c, h, pairs(h), a, b),
  '==': (_c, h, a) => rEqual(h, a[0]),
  'eql?': (_c, h, a) => rEqual(h, a[0]),
  default: (_c, h) => (h instanceof DefaultHash ? h.dflt : undefined),
  // Mutators.
  '[]=': (_c, h, a) => (hashSet(h, a[0], a[1]), a[1]),
  store: (_c, h, a) => (hashSet(h, a[0], a[1]), a[1]),
  delete: (_c, h, a, b) => {
    const key = hashKey(h, a[0]);
    if (key === NO_KEY) return b ? y(b, a[0]) : undefined;
    const v = h.get(key);
    h.delete(key);
    return v;
  },
  'merge!': (_c, h, a, b) => {
    for (const o of a) mergeInto(h, hashArg(o), b);
    return h;
  },
  update: (c, h, a, b) => HASH['merge!'](c, h, a, b),
  delete_if: (_c, h, _a, b) => {
    for (const [k, v] of Array.from(h)) if (truthy(kv(needBlock('delete_if', b), k, v))) h.delete(k);
    return h;
  },
  'reject!': (c, h, a, b) => {
    const n = h.size;
    HASH.delete_if(c, h, a, b);
    return h.size === n ? undefined : h;
  },
  keep_if: (_c, h, _a, b) => {
    for (const [k, v] of Array.from(h)) if (!truthy(kv(needBlock('keep_if', b), k, v))) h.delete(k);
    return h;
  },
  'select!': (c, h, a, b) => {
    const n = h.size;
    HASH.keep_if(c, h, a, b);
    return h.size === n ? undefined : h;
  },
  clear: (_c, h) => (h.clear(), h),
};

function hashArg(v: ErbValue): ErbHash {
  if (v instanceof Map) return v;
  throw typeError(`no implicit conversion of ${clsName(v)} into Hash`);
}

function mergeInto(out: ErbHash, o: ErbHash, b: Block | null): void {
  for (const [k, v] of o) {
    const key = hashKey(out, k);
    if (key !== NO_KEY && b) out.set(key, b.call([k, out.get(key), v]));
    else hashSet(out, k, v);
  }
}

export { pairs as hashPairs };

// Method names come from templates: no inherited Object.prototype members.
for (const t of [ENUMERABLE, ARRAY, HASH]) Object.setPrototypeOf(t, null);
