// Hiera's %{...} interpolation in hierarchy paths and data values
// (P: lib/puppet/pops/lookup/interpolation.rb): %{var}, %{::var},
// %{facts.os.family} (dotted keys dig), %{lookup('k')}, %{hiera('k')},
// %{alias('k')} (the whole string; keeps the value's type), %{literal('%')},
// %{scope('var')}. An unknown variable interpolates as the empty string.
import { KurokoError } from '../../util/diagnostic.js';
import { PFloat, type PHash, type Value } from '../types/values.js';
import { toPString } from '../evaluator/convert.js';

export interface InterpolationSource {
  /** A variable by name ('x', '::x', 'a::b::x'). */
  variable(name: string): { found: boolean; value: Value };
  /** A key looked up through Hiera (lookup, hiera, alias). */
  lookup(key: string): Value;
}

const WHOLE_ALIAS = /^%\{\s*alias\(\s*(?:'([^']*)'|"([^"]*)")\s*\)\s*\}$/;
const EXPR = /%\{([^}]*)\}/g;

/** Splits a dotted key: a.b.0, with quoted segments ("a.b".c). */
export function splitKey(key: string, where = 'key'): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= key.length) {
    const q = key[i];
    if (q === '"' || q === "'") {
      const end = key.indexOf(q, i + 1);
      if (end < 0) throw new KurokoError(`Unterminated quote in ${where} '${key}'`, { code: 'KUR5030', field: where, value: key });
      out.push(key.slice(i + 1, end));
      i = end + 1;
      if (i < key.length && key[i] !== '.') throw new KurokoError(`Syntax error in ${where} '${key}'`, { code: 'KUR5030', field: where, value: key });
      i++;
      continue;
    }
    let end = key.indexOf('.', i);
    if (end < 0) end = key.length;
    const seg = key.slice(i, end);
    if (seg === '') throw new KurokoError(`Syntax error in ${where} '${key}': empty segment`, { code: 'KUR5030', field: where, value: key });
    out.push(seg);
    i = end + 1;
  }
  return out;
}

/** Digs into a value by key segments; numeric segments index arrays. */
export function dig(v: Value, segs: string[]): { found: boolean; value: Value } {
  let cur = v;
  for (const s of segs) {
    if (cur instanceof Map) {
      if (!cur.has(s)) {
        const n = /^-?\d+$/.test(s) ? Number(s) : undefined;
        if (n !== undefined && cur.has(n)) { cur = cur.get(n); continue; }
        return { found: false, value: undefined };
      }
      cur = (cur as PHash).get(s);
    } else if (Array.isArray(cur) && /^\d+$/.test(s)) {
      const n = Number(s);
      if (n >= cur.length) return { found: false, value: undefined };
      cur = cur[n];
    } else return { found: false, value: undefined };
  }
  return { found: true, value: cur };
}

function stringOf(v: Value): string {
  if (v === undefined) return '';
  if (v instanceof PFloat) return toPString(v);
  return toPString(v);
}

function evalExpr(expr: string, src: InterpolationSource, original: string): Value {
  const e = expr.trim();
  if (e === '') return '';
  const fm = /^(\w+)\(\s*(?:'([^']*)'|"([^"]*)")\s*\)$/.exec(e);
  if (fm) {
    const arg = fm[2] ?? fm[3];
    switch (fm[1]) {
      case 'literal': return arg;
      case 'scope': return variable(arg, src);
      case 'lookup': case 'hiera': return src.lookup(arg);
      case 'alias': throw new KurokoError(`'alias' interpolation is only permitted if the expression is equal to the entire string: '${original}'`, { code: 'KUR5031', field: 'interpolation', value: original });
      default: throw new KurokoError(`Unknown interpolation method '${fm[1]}' in '${original}'`, { code: 'KUR5032', field: 'interpolation', value: original });
    }
  }
  if (/^\w+\(/.test(e)) throw new KurokoError(`Syntax error in interpolation '${original}'`, { code: 'KUR5032', field: 'interpolation', value: original });
  return variable(e, src);
}

function variable(expr: string, src: InterpolationSource): Value {
  const segs = splitKey(expr, 'interpolation');
  const r = src.variable(segs[0]);
  if (!r.found) return undefined;
  return segs.length > 1 ? dig(r.value, segs.slice(1)).value : r.value;
}

/** Interpolates one string. `%{alias('x')}` alone returns x's value, whatever its type. */
export function interpolateString(s: string, src: InterpolationSource): Value {
  if (!s.includes('%{')) return s;
  const am = WHOLE_ALIAS.exec(s);
  if (am) return src.lookup(am[1] ?? am[2]);
  return s.replace(EXPR, (_m, expr: string) => stringOf(evalExpr(expr, src, s)));
}

/** Interpolates every string in a value (hash keys too), as Hiera does with found data. */
export function interpolateValue(v: Value, src: InterpolationSource): Value {
  if (typeof v === 'string') return interpolateString(v, src);
  if (Array.isArray(v)) return v.some(needs) ? v.map((x) => interpolateValue(x, src)) : v;
  if (v instanceof Map) {
    if (!needs(v)) return v;
    const h: PHash = new Map();
    for (const [k, x] of v) h.set(interpolateValue(k, src), interpolateValue(x, src));
    return h;
  }
  return v;
}

function needs(v: Value): boolean {
  if (typeof v === 'string') return v.includes('%{');
  if (Array.isArray(v)) return v.some(needs);
  if (v instanceof Map) { for (const [k, x] of v) if (needs(k) || needs(x)) return true; }
  return false;
}
