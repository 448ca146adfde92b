// Functions on values: strings, collections, numbers, types and conversion.
import { createHash } from 'node:crypto';
import type { BuiltinFunction, CallInfo } from '../evaluator/context.js';
import {
  DEFAULT, PDeferred, PFloat, PIterator, PRegexp, PSensitive, PTimestamp, PTimespan, isHash, isNumber, numValue, valuesEqual, hashGet, type PHash, type Value,
} from '../types/values.js';
import {
  ArrayType, BooleanType, DeferredType, FloatType, HashType, IntegerType, NumericType, OptionalType, PType, RegexpType,
  SensitiveType, StringType, TypeAliasType, VariantType, inferType, generalize, resolve, typeNameOf, TupleType, StructType, NotUndefType,
  ScalarType, ScalarDataType, DataType, RichDataType, AnyType, EnumType, PatternType, TimestampType, TimespanType,
} from '../types/types.js';
import { describeMismatch } from '../types/mismatch.js';
import { formatFloat, inspect, toPString } from '../evaluator/convert.js';
import { compare as compareOp, parseNumeric } from '../evaluator/operators.js';
import { fqdnRand } from './ruby-random.js';

function err(c: CallInfo, msg: string): Error {
  return c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, ${msg}`, c.loc);
}

function str(c: CallInfo, v: Value, what = 'argument'): string {
  if (typeof v !== 'string') throw err(c, `'${c.name}' parameter '${what}' expects a String value, got ${typeNameOf(v)}`);
  return v;
}

/** Ruby's String#split: a regexp separator, trailing empty fields dropped. */
export function rubySplit(s: string, sep: RegExp | string): string[] {
  if (sep === '' || (sep instanceof RegExp && sep.source === '(?:)')) return [...s];
  let parts: string[];
  if (typeof sep === 'string') parts = s.split(sep);
  else {
    parts = [];
    const re = new RegExp(sep.source, sep.flags.includes('g') ? sep.flags : sep.flags + 'g');
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      if (m[0] === '') { if (m.index >= s.length) break; if (m.index === last && m.index === 0) { re.lastIndex++; continue; } }
      parts.push(s.slice(last, m.index), ...m.slice(1).filter((x) => x !== undefined));
      last = m.index + m[0].length;
      if (m[0] === '') re.lastIndex++;
    }
    parts.push(s.slice(last));
  }
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const split: BuiltinFunction = (c, [s, p]) => {
  const text = str(c, s, 'str');
  if (p instanceof PRegexp) return rubySplit(text, p.re);
  if (p instanceof RegexpType && p.pattern) return rubySplit(text, p.pattern.re);
  return rubySplit(text, new PRegexp(str(c, p, 'pattern')).re);
};

const join: BuiltinFunction = (c, [a, sep]) => {
  if (!Array.isArray(a)) throw err(c, `'join' parameter 'arg' expects an Array value, got ${typeNameOf(a)}`);
  return a.flat(Infinity as 1).map(toPString).join(sep === undefined ? '' : toPString(sep));
};

/** Ruby's Kernel#format for the common directives. */
export function sprintf(c: CallInfo, fmt: string, args: Value[]): string {
  let ai = 0;
  return fmt.replace(/%([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sdifxXobeEgGcp%])|%<(\w+)>([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifxXobeEgp])|%\{(\w+)\}/g,
    (all, flags: string, width: string, prec: string, conv: string, name?: string, nflags?: string, nwidth?: string, nprec?: string, nconv?: string, bname?: string) => {
      if (conv === '%') return '%';
      let v: Value;
      if (bname !== undefined || name !== undefined) {
        const h = args[0];
        if (!isHash(h)) throw err(c, 'sprintf(): named references require a Hash argument');
        v = h.get(bname ?? name!);
        if (bname !== undefined) return toPString(v);
        flags = nflags ?? ''; width = nwidth ?? ''; prec = nprec ?? ''; conv = nconv!;
      } else {
        if (width === '*') width = String(args[ai++]);
        v = args[ai++];
      }
      let out: string;
      const n = (): number => (isNumber(v) ? numValue(v) : typeof v === 'string' ? Number(numValue(parseNumeric(v) ?? 0)) : 0);
      switch (conv) {
        case 's': out = toPString(v); if (prec) out = out.slice(0, Number(prec)); break;
        case 'p': out = inspect(v); break;
        case 'd': case 'i': out = String(Math.trunc(n())); if (flags.includes('+') && n() >= 0) out = '+' + out; else if (flags.includes(' ') && n() >= 0) out = ' ' + out; break;
        case 'f': out = n().toFixed(prec ? Number(prec) : 6); if (flags.includes('+') && n() >= 0) out = '+' + out; break;
        case 'e': case 'E': { out = n().toExponential(prec ? Number(prec) : 6).replace(/e([+-])(\d)$/, 'e$10$2'); if (conv === 'E') out = out.toUpperCase(); break; }
        case 'g': case 'G': out = String(Number(n().toPrecision(prec ? Number(prec) : 6))); break;
        case 'x': out = Math.trunc(n()).toString(16); if (flags.includes('#')) out = '0x' + out; break;
        case 'X': out = Math.trunc(n()).toString(16).toUpperCase(); if (flags.includes('#')) out = '0X' + out; break;
        case 'o': out = Math.trunc(n()).toString(8); if (flags.includes('#')) out = '0' + out; break;
        case 'b': out = Math.trunc(n()).toString(2); if (flags.includes('#')) out = '0b' + out; break;
        case 'c': out = typeof v === 'number' ? String.fromCharCode(v) : toPString(v).slice(0, 1); break;
        default: return all;
      }
      const w = width ? Number(width) : 0;
      if (out.length < w) {
        if (flags.includes('-')) out = out.padEnd(w);
        else if (flags.includes('0') && /[difxXobeE]/.test(conv)) {
          const sign = /^[-+ ]/.test(out) ? out[0] : '';
          out = sign + out.slice(sign.length).padStart(w - sign.length, '0');
        } else out = out.padStart(w);
      }
      return out;
    });
}

const sprintfFn: BuiltinFunction = (c, [f, ...rest]) => sprintf(c, str(c, f, 'format'), rest);

/** Ruby's gsub/sub replacement: \0-\9 and \\ back-references. */
function substitute(target: string, re: RegExp, repl: string, global: boolean): string {
  const flags = re.flags.replace('g', '') + (global ? 'g' : '');
  const r = new RegExp(re.source, flags);
  return target.replace(r, (...m: unknown[]) => {
    const groups = m.slice(0, -2).filter((_, i, arr) => !(typeof arr[arr.length - 1] === 'object')) as (string | undefined)[];
    return repl.replace(/\\(\\|\d|&)/g, (_a, g: string) => {
      if (g === '\\') return '\\';
      if (g === '&') return groups[0] ?? '';
      return groups[Number(g)] ?? '';
    });
  });
}

const regsubst: BuiltinFunction = (c, [t, p, r, flags, _enc]) => {
  const f = typeof flags === 'string' ? flags : '';
  let re: RegExp;
  if (p instanceof PRegexp) re = p.re;
  else {
    const src = str(c, p, 'pattern');
    re = new PRegexp(f.includes('I') ? `(?i)${src}` : src).re;
  }
  if (f.includes('I') && !re.flags.includes('i')) re = new RegExp(re.source, re.flags + 'i');
  const rep = str(c, r, 'replacement');
  const g = f.includes('G');
  if (Array.isArray(t)) return t.map((x) => substitute(str(c, x, 'target'), re, rep, g));
  return substitute(str(c, t, 'target'), re, rep, g);
};

/** Puppet's versioncmp (P: Puppet::Util::Package.versioncmp). */
export function versioncmp(a: string, b: string): number {
  const re = /(\d+|[a-zA-Z]+|[.-])/g;
  const va = a.match(re) ?? [], vb = b.match(re) ?? [];
  while (va.length && vb.length) {
    const x = va.shift()!, y = vb.shift()!;
    if (x === y) continue;
    if (x === '-' && y === '-') continue;
    if (x === '-') return -1;
    if (y === '-') return 1;
    if (x === '.' && y === '.') continue;
    if (x === '.') return -1;
    if (y === '.') return 1;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
      if (x.startsWith('0') || y.startsWith('0')) { const c = x.toUpperCase() < y.toUpperCase() ? -1 : x.toUpperCase() > y.toUpperCase() ? 1 : 0; if (c) return c; }
      else { const c = Number(x) - Number(y); if (c) return c < 0 ? -1 : 1; }
    } else {
      const c = x.toUpperCase() < y.toUpperCase() ? -1 : x.toUpperCase() > y.toUpperCase() ? 1 : 0;
      if (c) return c;
    }
  }
  return a.length === b.length ? 0 : (va.length > vb.length ? 1 : va.length < vb.length ? -1 : a < b ? -1 : a > b ? 1 : 0);
}

function mapString(f: (s: string) => string): BuiltinFunction {
  return (c, [v]) => {
    const ap = (x: Value): Value => (typeof x === 'string' ? f(x) : Array.isArray(x) ? x.map(ap) : isHash(x) ? new Map([...x].map(([k, y]) => [ap(k), ap(y)])) : x);
    if (typeof v !== 'string' && !Array.isArray(v) && !isHash(v) && !isNumber(v)) throw err(c, `'${c.name}' expects a String value, got ${typeNameOf(v)}`);
    return ap(v);
  };
}

function sizeOf(c: CallInfo, v: Value): number {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isHash(v)) return v.size;
  if (v instanceof PIterator) return v.values.length;
  throw err(c, `'${c.name}' expects a Collection, String, or Binary value, got ${typeNameOf(v)}`);
}

function sortCmp(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (isNumber(a) && isNumber(b)) return numValue(a) - numValue(b);
  return 0;
}

const flattenV = (v: Value): Value[] => (Array.isArray(v) ? v.flatMap(flattenV) : [v]);

function uniq(list: Value[]): Value[] {
  const out: Value[] = [];
  for (const x of list) if (!out.some((y) => valuesEqual(x, y, true))) out.push(x);
  return out;
}

function dig(v: Value, keys: Value[]): Value {
  let cur = v;
  for (const k of keys) {
    if (cur === undefined) return undefined;
    if (Array.isArray(cur)) cur = typeof k === 'number' ? cur[k < 0 ? cur.length + k : k] : undefined;
    else if (isHash(cur)) cur = hashGet(cur, k);
    else return undefined;
  }
  return cur;
}

/** `Type.new(...)` / `Type(...)` conversions (P: the `new` function). */
export function newValue(c: CallInfo, t: PType, args: Value[]): Value {
  const r = resolve(t);
  const v = args[0];
  const bad = () => err(c, `Converted value from ${t}.new() has wrong type, got ${typeNameOf(v)}`);
  if (r instanceof OptionalType) return v === undefined ? undefined : newValue(c, r.type ?? new AnyType(), args);
  if (r instanceof NotUndefType) return newValue(c, r.type ?? new AnyType(), args);
  if (r instanceof VariantType) {
    for (const x of r.types) { try { return newValue(c, x, args); } catch { /* next */ } }
    throw bad();
  }
  if (r instanceof IntegerType || r instanceof NumericType || r instanceof FloatType) {
    let n: number | PFloat | undefined;
    if (isNumber(v)) n = v;
    else if (typeof v === 'boolean') n = v ? 1 : 0;
    else if (typeof v === 'string') {
      const radix = args[1];
      if (typeof radix === 'number' && radix !== 10) { const p = parseInt(v.replace(/^0[xXbB]/, ''), radix); n = isNaN(p) ? undefined : p; }
      else n = parseNumeric(v.replace(/_/g, ''));
    }
    if (n === undefined) throw err(c, `The string '${toPString(v)}' cannot be converted to ${r instanceof IntegerType ? 'Integer' : r instanceof FloatType ? 'Float' : 'Numeric'}`);
    if (r instanceof IntegerType) n = Math.trunc(numValue(n));
    else if (r instanceof FloatType) n = new PFloat(numValue(n));
    if (!r.isInstance(n)) throw err(c, `Converted value from ${t}.new() has wrong type, got ${typeNameOf(n)}`);
    return n;
  }
  if (r instanceof StringType || r instanceof EnumType || r instanceof PatternType) {
    // Puppet's default formats: %s for scalars, %a/%h for collections, whose
    // elements are shown quoted (%p) -- unlike string interpolation.
    if (args[1] === '%p') return inspect(v);
    if (typeof v === 'string') return v;
    if (v instanceof PFloat) return v.value.toFixed(6); // Float's default format is %f
    return Array.isArray(v) || isHash(v) ? inspect(v) : toPString(v);
  }
  if (r instanceof BooleanType) {
    if (typeof v === 'boolean') return v;
    if (isNumber(v)) return numValue(v) !== 0;
    if (typeof v === 'string') {
      if (/^(true|yes|y)$/i.test(v)) return true;
      if (/^(false|no|n|)$/i.test(v)) return false;
    }
    throw err(c, `The string '${toPString(v)}' cannot be converted to Boolean`);
  }
  if (r instanceof ArrayType || r instanceof TupleType) {
    if (Array.isArray(v)) return args[1] === true ? [v] : v;
    if (isHash(v)) return args[1] === true ? [v] : [...v].map(([k, x]) => [k, x]);
    if (v instanceof PIterator) return v.values;
    if (typeof v === 'string' && args[1] !== true) return [...v];
    return [v];
  }
  if (r instanceof HashType || r instanceof StructType) {
    if (isHash(v)) return v;
    if (Array.isArray(v)) {
      const h: PHash = new Map();
      if (v.every((x) => Array.isArray(x))) for (const p of v as Value[][]) h.set(p[0], p[1]);
      else for (let i = 0; i < v.length; i += 2) h.set(v[i], v[i + 1]);
      return h;
    }
    throw bad();
  }
  if (r instanceof SensitiveType) return new PSensitive(v);
  if (r instanceof TimestampType) {
    if (v === undefined) return new PTimestamp(Date.now() / 1000);
    if (isNumber(v)) return new PTimestamp(numValue(v));
    const ms = Date.parse(toPString(v));
    if (isNaN(ms)) throw err(c, `Unable to parse '${toPString(v)}' using any of the formats`);
    return new PTimestamp(ms / 1000);
  }
  if (r instanceof TimespanType) {
    if (isNumber(v)) return new PTimespan(numValue(v));
    throw err(c, `Timespan from ${typeNameOf(v)} is not supported`);
  }
  if (r instanceof DeferredType) {
    if (typeof v !== 'string') throw err(c, `Deferred name must be a String, got ${typeNameOf(v)}`);
    const a = args[1];
    return new PDeferred(v, Array.isArray(a) ? a : a === undefined ? [] : [a]);
  }
  if (r instanceof RegexpType) return v instanceof PRegexp ? v : new PRegexp(toPString(v));
  if (r instanceof ScalarType || r instanceof ScalarDataType || r instanceof DataType || r instanceof RichDataType || r instanceof AnyType) return v;
  throw err(c, `Creation of new instance of type '${t}' is not supported`);
}

const lookup: BuiltinFunction = (c, args) => {
  const name = args[0];
  let dflt: Value, hasDefault = false;
  if (isHash(args[1])) { const o = args[1]; if (o.has('default_value')) { hasDefault = true; dflt = o.get('default_value'); } }
  else if (args.length >= 4) { hasDefault = true; dflt = args[3]; }
  const hook = c.ctx.env.lookupParameter?.(c.ctx, String(Array.isArray(name) ? name[0] : name), false);
  if (hook?.found) return hook.value;
  if (c.block) return c.block([name]);
  if (hasDefault) return dflt;
  throw err(c, `Function lookup() did not find a value for the name '${toPString(Array.isArray(name) ? name[0] : name)}'`);
};

function digestFn(alg: string): BuiltinFunction {
  return (c, [v]) => createHash(alg).update(str(c, v, 'string')).digest('hex');
}

const shellquote: BuiltinFunction = (_c, args) => args.flat(Infinity as 1).map((a) => {
  const s = toPString(a);
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  if (!/[!$`"\\]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}).join(' ');

const assertType: BuiltinFunction = (c, [t, v]) => {
  const type = typeof t === 'string' ? undefined : t;
  if (!(type instanceof PType)) throw err(c, `assert_type(): first argument must be a Type`);
  if (type.isInstance(v)) return v;
  if (c.block) return c.block([type, generalize(inferType(v))]);
  throw err(c, describeMismatch('', type, v).join('\n').replace(/^expects/, 'expects'));
};

/** Ruby's String#scanf for %d, %i, %f, %s, %x and literal text (stops at the first mismatch). */
function scanf(s: string, fmt: string): Value[] {
  const out: Value[] = [];
  let i = 0;
  const re = /%(\d*)([difsxc])|\s+|[^%\s]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fmt))) {
    if (m[0].trim() === '') { while (i < s.length && /\s/.test(s[i])) i++; continue; }
    if (!m[2]) { if (!s.startsWith(m[0], i)) break; i += m[0].length; continue; }
    if (m[2] !== 'c') while (i < s.length && /\s/.test(s[i])) i++;
    const width = m[1] ? Number(m[1]) : Infinity;
    const rest = s.slice(i, i + (isFinite(width) ? width : s.length));
    const pat = m[2] === 'd' ? /^[-+]?\d+/ : m[2] === 'i' ? /^[-+]?(0x[0-9a-f]+|0[0-7]*|\d+)/i : m[2] === 'f' ? /^[-+]?\d*\.?\d+([eE][-+]?\d+)?/ : m[2] === 'x' ? /^[-+]?(0x)?[0-9a-f]+/i : m[2] === 'c' ? /^[\s\S]/ : /^\S+/;
    const mm = pat.exec(rest);
    if (!mm) break;
    i += mm[0].length;
    if (m[2] === 'd') out.push(parseInt(mm[0], 10));
    else if (m[2] === 'i') out.push(Number(numValue(parseNumeric(mm[0]) ?? 0)));
    else if (m[2] === 'f') out.push(new PFloat(parseFloat(mm[0])));
    else if (m[2] === 'x') out.push(parseInt(mm[0], 16));
    else out.push(mm[0]);
  }
  return out;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Ruby's strftime for UTC timestamps (the directives manifests use). */
export function strftime(seconds: number, fmt: string, _tz: string): string {
  const d = new Date(seconds * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const frac = seconds - Math.floor(seconds);
  return fmt.replace(/%([-0^#]?)(\d*)([a-zA-Z%])/g, (_all, _flag: string, _w: string, k: string) => {
    switch (k) {
      case 'Y': return String(d.getUTCFullYear());
      case 'y': return p(d.getUTCFullYear() % 100);
      case 'm': return p(d.getUTCMonth() + 1);
      case 'd': return p(d.getUTCDate());
      case 'e': return String(d.getUTCDate()).padStart(2, ' ');
      case 'H': return p(d.getUTCHours());
      case 'M': return p(d.getUTCMinutes());
      case 'S': return p(d.getUTCSeconds());
      case 'L': return p(Math.floor(frac * 1000), 3);
      case 'N': return p(Math.floor(frac * 1e9), 9);
      case 's': return String(Math.floor(seconds));
      case 'j': return p(Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 864e5) + 1, 3);
      case 'a': return DAYS[d.getUTCDay()].slice(0, 3);
      case 'A': return DAYS[d.getUTCDay()];
      case 'b': return MONTHS[d.getUTCMonth()].slice(0, 3);
      case 'B': return MONTHS[d.getUTCMonth()];
      case 'F': return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
      case 'T': return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
      case 'Z': return 'UTC';
      case 'z': return '+0000';
      case '%': return '%';
    }
    return _all;
  });
}

export const DATA_FUNCTIONS: Record<string, BuiltinFunction> = {
  split, join, sprintf: sprintfFn, regsubst,
  versioncmp: (c, [a, b]) => versioncmp(str(c, a, 'a'), str(c, b, 'b')),
  upcase: mapString((s) => s.toUpperCase()),
  downcase: mapString((s) => s.toLowerCase()),
  capitalize: mapString((s) => (s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s)),
  camelcase: mapString((s) => s.split('_').map((p) => (p ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p)).join('')),
  chomp: mapString((s) => s.replace(/(\r\n|\n|\r)$/, '')),
  chop: mapString((s) => (s.endsWith('\r\n') ? s.slice(0, -2) : s.slice(0, -1))),
  strip: mapString((s) => s.replace(/^[\s\0]+|[\s\0]+$/g, '')),
  lstrip: mapString((s) => s.replace(/^\s+/, '')),
  rstrip: mapString((s) => s.replace(/[\s\0]+$/, '')),
  size: (c, [v]) => sizeOf(c, v),
  length: (c, [v]) => sizeOf(c, v),
  empty: (c, [v]) => (isNumber(v) ? false : v === undefined ? true : sizeOf(c, v) === 0),
  keys: (c, [h]) => { if (!isHash(h)) throw err(c, `'keys' expects a Hash value, got ${typeNameOf(h)}`); return [...h.keys()]; },
  values: (c, [h]) => { if (!isHash(h)) throw err(c, `'values' expects a Hash value, got ${typeNameOf(h)}`); return [...h.values()]; },
  flatten: (_c, args) => flattenV(args.length === 1 ? args[0] : args),
  unique: (c, [v]) => {
    if (typeof v === 'string') return [...new Set([...v])].join('');
    if (Array.isArray(v)) return uniq(v);
    if (isHash(v)) { const out: PHash = new Map(); const seen: Value[] = []; for (const [k, x] of v) if (!seen.some((y) => valuesEqual(x, y, true))) { seen.push(x); out.set(k, x); } return out; }
    throw err(c, `'unique' expects an Iterable value, got ${typeNameOf(v)}`);
  },
  sort: (c, [v]) => {
    if (typeof v === 'string') return [...v].sort().join('');
    if (!Array.isArray(v)) throw err(c, `'sort' expects an Array value, got ${typeNameOf(v)}`);
    if (c.block) { const b = c.block; return [...v].sort((a, x) => Number(b([a, x]))); }
    return [...v].sort(sortCmp);
  },
  min: (c, args) => { const l = args.length === 1 && Array.isArray(args[0]) ? args[0] : args; return l.reduce((a, b) => (c.block ? (Number(c.block([a, b])) <= 0 ? a : b) : sortCmp(a, b) <= 0 ? a : b)); },
  max: (c, args) => { const l = args.length === 1 && Array.isArray(args[0]) ? args[0] : args; return l.reduce((a, b) => (c.block ? (Number(c.block([a, b])) >= 0 ? a : b) : sortCmp(a, b) >= 0 ? a : b)); },
  abs: (c, [v]) => { if (typeof v === 'number') return Math.abs(v); if (v instanceof PFloat) return new PFloat(Math.abs(v.value)); throw err(c, `'abs' expects a Numeric value, got ${typeNameOf(v)}`); },
  ceiling: (_c, [v]) => Math.ceil(isNumber(v) ? numValue(v) : Number(v)),
  floor: (_c, [v]) => Math.floor(isNumber(v) ? numValue(v) : Number(v)),
  round: (_c, [v]) => { const n = isNumber(v) ? numValue(v) : Number(v); return Math.sign(n) * Math.round(Math.abs(n)); },
  dig: (_c, [v, ...keys]) => dig(v, keys),
  get: (c, [v, path, dflt]) => {
    const p = typeof path === 'string' ? (path === '' ? [] : path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s))) : [];
    const r = dig(v, p);
    if (r === undefined && c.block) return c.block([undefined]);
    return r === undefined ? dflt : r;
  },
  getvar: (c, [name, dflt]) => {
    const parts = str(c, name, 'variable').split('.');
    const lookupName = parts[0].replace(/^\$/, '');
    const idx = lookupName.lastIndexOf('::');
    let v: Value;
    if (idx > 0) {
      // As a qualified $a::b::x: the class's own variables, then (like Puppet's
      // lookupvar in that scope) its inherited class and enclosing scopes.
      const cs = c.ctx.classScope(lookupName.slice(0, idx));
      const leaf = lookupName.slice(idx + 2);
      v = cs === undefined ? undefined : cs.vars.has(leaf) ? cs.vars.get(leaf) : cs.lookup(leaf).value;
    }
    else v = c.scope.lookup(lookupName.replace(/^::/, '')).value;
    v = dig(v, parts.slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s)));
    return v === undefined ? dflt : v;
  },
  assert_type: assertType,
  type: (_c, [v, mode]) => (mode === 'generalized' ? generalize(inferType(v)) : inferType(v)),
  new: (c, [t, ...args]) => { if (!(t instanceof PType)) throw err(c, `new(): first argument must be a Type`); return newValue(c, t, args); },
  convert_to: (c, [v, t]) => { if (!(t instanceof PType)) throw err(c, 'convert_to(): second argument must be a Type'); return newValue(c, t, [v]); },
  lookup,
  hiera: lookup, hiera_array: lookup, hiera_hash: lookup,
  md5: digestFn('md5'), sha1: digestFn('sha1'), sha256: digestFn('sha256'),
  // Puppet 7's digest_algorithm defaults to sha256.
  digest: digestFn('sha256'),
  scanf: (c, [s, f]) => scanf(str(c, s, 'data'), str(c, f, 'format')),
  hiera_include: (c, [name]) => lookup(c, [name]),
  annotate: (c) => { throw err(c, 'annotate(): Object annotations are not supported'); },
  binary_file: (c) => { throw err(c, 'binary_file(): Binary values are not supported yet'); },
  shellquote,
  unwrap: (_c, [v]) => (v instanceof PSensitive ? v.value : v),
  index: (c, [v, x]) => {
    if (typeof v === 'string' && typeof x === 'string') { const i = v.indexOf(x); return i < 0 ? undefined : i; }
    if (Array.isArray(v)) { const i = c.block ? v.findIndex((e) => c.block!([e])) : v.findIndex((e) => valuesEqual(e, x)); return i < 0 ? undefined : i; }
    if (isHash(v)) { for (const [k, e] of v) if (c.block ? c.block([e]) : valuesEqual(e, x)) return k; return undefined; }
    return undefined;
  },
  compare: (c, [a, b, ic]) => {
    if (typeof a === 'string' && typeof b === 'string' && ic === false) return a < b ? -1 : a > b ? 1 : 0;
    if (valuesEqual(a, b)) return 0;
    return compareOp(c.ctx, '<', a, b, c.loc) ? -1 : 1;
  },
  match: (c, [v, p]) => {
    const re = p instanceof PRegexp ? p.re : p instanceof PatternType ? p.patterns[0]?.re : typeof p === 'string' ? new PRegexp(p).re : undefined;
    if (!re) throw err(c, `match(): pattern must be a String, Regexp or Pattern`);
    const one = (s: Value): Value => { if (typeof s !== 'string') return undefined; const m = re.exec(s); return m ? Array.from(m, (x) => x ?? undefined) : undefined; };
    return Array.isArray(v) ? v.map(one) : one(v);
  },
  fqdn_rand: (c, [max, seed, downcase]) => {
    const facts = c.ctx.topScope.vars.get('facts');
    let fqdn = toPString(dig(facts, ['networking', 'fqdn']));
    if (downcase === true) fqdn = fqdn.toLowerCase();
    const m = Math.trunc(Number(numValue(parseNumeric(toPString(max)) ?? 0)));
    return fqdnRand(fqdn, m, seed === undefined ? '' : toPString(seed));
  },
  generate: (c) => { throw err(c, `generate(): running commands on the compiler is not supported`); },
  strftime: (c, [t, f, tz]) => {
    if (t instanceof PTimestamp) return strftime(t.seconds, str(c, f, 'format'), tz === undefined ? 'UTC' : toPString(tz));
    if (t instanceof PTimespan) return String(Math.trunc(t.seconds));
    // The legacy form strftime(format) formats now.
    if (typeof t === 'string') return strftime(Date.now() / 1000, t, 'UTC');
    throw err(c, `'strftime' expects a Timestamp or Timespan value, got ${typeNameOf(t)}`);
  },
  call: (c, [name, ...args]) => {
    const fn = c.ctx.functions.get(str(c, name, 'function'));
    if (!fn) throw err(c, `Unknown function: '${toPString(name)}'`);
    return fn({ ...c, name: name as string }, args);
  },
  Deferred: (c, [n, a]) => newValue(c, new DeferredType(), [n, a]),
  Sensitive: (c, [v]) => new PSensitive(v),
};

export { formatFloat, TypeAliasType, DEFAULT, ScalarType };
