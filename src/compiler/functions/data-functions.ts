// Functions on values: strings, collections, numbers, types and conversion.
import { createHash } from 'node:crypto';
import type { BuiltinFunction, CallInfo } from '../evaluator/context.js';
import {
  DEFAULT, PBinary, PDeferred, PFloat, PIterator, PRegexp, PSensitive, PTimestamp, PTimespan, isHash, isNumber, numValue, valuesEqual, hashGet, type PHash, type Value,
} from '../types/values.js';
import {
  ArrayType, BinaryType, BooleanType, InitType, DeferredType, FloatType, HashType, IntegerType, NumericType, OptionalType, PType, RegexpType,
  SensitiveType, StringType, TypeAliasType, VariantType, inferType, generalize, resolve, typeNameOf, TupleType, StructType, NotUndefType,
  ScalarType, ScalarDataType, DataType, RichDataType, AnyType, EnumType, PatternType, TimestampType, TimespanType, SemVerType, SemVerRangeType, ObjectType,
} from '../types/types.js';
import { describeMismatch } from '../types/mismatch.js';
import { formatFloat, inspect, toPString } from '../evaluator/convert.js';
import { compare as compareOp, parseNumeric } from '../evaluator/operators.js';
import { fqdnRand } from './ruby-random.js';
import { newBinary } from './binary.js';
import { FormatError, kernelFormat } from './kernel-format.js';
import { stringConvert } from './string-format.js';
import { ConversionError, newFloat, newInteger, newNumeric } from './numeric-new.js';
import { newSemVer, newSemVerRange } from './semver-new.js';
import { ObjectNewError, newObject } from './object-new.js';
import { SemVerError } from '../types/semver.js';
import { TimeError, formatTimespan, newTimespan, newTimestamp, strftime } from './time.js';

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

/** Puppet's sprintf(): Ruby's Kernel#format, undef given as '' (a 3.x function's arguments). */
export function sprintf(c: CallInfo, fmt: string, args: Value[]): string {
  try {
    return kernelFormat(fmt, args.map((a) => (a === undefined ? '' : a)));
  } catch (e) {
    if (e instanceof FormatError) throw err(c, e.message);
    throw e;
  }
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
  if (v instanceof PBinary) return v.bytes.length;
  throw err(c, `'${c.name}' parameter 'arg' expects a value of type Collection, String, or Binary, got ${typeNameOf(v)}`);
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

/** Puppet.warn_once('deprecations', key, ...): once per compile, with the calling file and line when Puppet gives them. */
const deprecationsSeen = new WeakMap<object, Set<string>>();
function deprecatedOnce(c: CallInfo, key: string, message: string, withLocation = false): void {
  let seen = deprecationsSeen.get(c.ctx);
  if (!seen) deprecationsSeen.set(c.ctx, (seen = new Set()));
  if (seen.has(key)) return;
  seen.add(key);
  // Puppet prints where on a line of its own.
  c.ctx.log('warning', `${message}\n   ${withLocation ? `(file: ${c.loc.file}, line: ${c.loc.line})` : '(file & line not available)'}`, withLocation ? c.loc : undefined);
}

function timeCall<T>(c: CallInfo, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TimeError) throw err(c, e.message);
    throw e;
  }
}

/**
 * `Type.new(...)` / `Type(...)` (P: functions/new.rb): a single argument that is
 * already an instance is returned as it is; the converted value must be one.
 */
export function newValue(c: CallInfo, t: PType, args: Value[]): Value {
  if (args.length === 1 && !(resolve(t) instanceof InitType) && t.isInstance(args[0])) return args[0];
  const r = convertNew(c, t, args);
  if (!t.isInstance(r)) throw err(c, assertionText(describeMismatch(`Converted value from ${t}.new() has wrong type,`, t, r)));
  return r;
}

/** TypeAsserter's text: one mismatch as it is, several each on its own indented line. */
function assertionText(lines: string[]): string {
  return lines.length === 1 ? lines[0] : lines.map((l) => ' ' + l).join('\n ');
}

function convertNew(c: CallInfo, t: PType, args: Value[]): Value {
  const r = resolve(t);
  const v = args[0];
  const bad = () => err(c, `Converted value from ${t}.new() has wrong type, got ${typeNameOf(v)}`);
  if (r instanceof OptionalType) return v === undefined ? undefined : newValue(c, r.type ?? new AnyType(), args);
  if (r instanceof NotUndefType) return newValue(c, r.type ?? new AnyType(), args);
  if (r instanceof VariantType) throw err(c, `Creation of new instance of type '${t}' is not supported`);
  if (r instanceof IntegerType || r instanceof NumericType || r instanceof FloatType) {
    let n: number | PFloat;
    try {
      n = r instanceof IntegerType ? newInteger(args) : r instanceof FloatType ? newFloat(args) : newNumeric(args);
    } catch (e) {
      if (e instanceof ConversionError) throw err(c, e.message);
      throw e;
    }
    if (!r.isInstance(n)) throw err(c, `Converted value from ${t}.new() has wrong type, got ${typeNameOf(n)}`);
    return n;
  }
  if (r instanceof StringType || r instanceof EnumType || r instanceof PatternType) {
    try {
      return stringConvert(c, v, args[1]);
    } catch (e) {
      if (e instanceof FormatError) throw err(c, e.message);
      throw e;
    }
  }
  if (r instanceof BooleanType) {
    if (typeof v === 'boolean') return v;
    if (isNumber(v)) return numValue(v) !== 0;
    if (typeof v === 'string') {
      if (/^(true|yes|y)$/i.test(v)) return true;
      if (/^(false|no|n|)$/i.test(v)) return false;
    }
    throw err(c, typeof v === 'string' ? `'new_boolean' The string '${v}' cannot be converted to Boolean` : `'new_boolean' Value of type ${typeNameOf(v)} cannot be converted to Boolean`);
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
  if (r instanceof BinaryType) return newBinary(c, args);
  if (r instanceof TimestampType) return timeCall(c, () => newTimestamp(args));
  if (r instanceof TimespanType) return timeCall(c, () => newTimespan(args));
  if (r instanceof ObjectType && r.ownAttributes !== undefined) {
    try {
      return newObject(r, args);
    } catch (e) {
      if (e instanceof ObjectNewError) throw err(c, e.message);
      throw e;
    }
  }
  if (r instanceof SemVerType || r instanceof SemVerRangeType) {
    try {
      return r instanceof SemVerType ? newSemVer(args) : newSemVerRange(args);
    } catch (e) {
      if (e instanceof SemVerError) throw err(c, e.message);
      throw e;
    }
  }
  if (r instanceof DeferredType) {
    if (typeof v !== 'string') throw err(c, `Deferred name must be a String, got ${typeNameOf(v)}`);
    const a = args[1];
    return new PDeferred(v, Array.isArray(a) ? a : a === undefined ? undefined : [a]);
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
  throw err(c, assertionText(describeMismatch('assert_type():', type, v)));
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
  empty: (c, [v]) => {
    if (isNumber(v)) { deprecatedOnce(c, `empty-from-${c.loc.file}-${c.loc.line}`, 'Calling function empty() with Numeric value is deprecated.', true); return false; }
    return v === undefined ? true : sizeOf(c, v) === 0;
  },
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
  abs: (c, [v]) => {
    if (typeof v === 'number') return Math.abs(v);
    if (v instanceof PFloat) return new PFloat(Math.abs(v.value));
    if (typeof v === 'string') {
      deprecatedOnce(c, 'abs_function_numeric_coerce_string', "The abs() function's auto conversion of String to Numeric is deprecated - change to convert input before calling");
      if (/^-?\d+\.\d+$/m.test(v)) return new PFloat(Math.abs(parseFloat(v)));
      if (/^-?\d+$/m.test(v)) return Math.abs(parseInt(v, 10));
      throw err(c, 'abs(): Requires float or integer to work with - was given non decimal string');
    }
    throw err(c, `'abs' expects a Numeric value, got ${typeNameOf(v)}`);
  },
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
  new: (c, [t, ...args]) => {
    if (!(t instanceof PType)) throw err(c, `new(): first argument must be a Type`);
    const r = newValue(c, t, args);
    return c.block ? c.block([r]) : r;
  },
  convert_to: (c, [v, t, ...rest]) => {
    if (!(t instanceof PType)) throw err(c, 'convert_to(): second argument must be a Type');
    const r = newValue(c, t, [v, ...rest]);
    return c.block ? c.block([r]) : r;
  },
  lookup,
  hiera: lookup, hiera_array: lookup, hiera_hash: lookup,
  md5: digestFn('md5'), sha1: digestFn('sha1'), sha256: digestFn('sha256'),
  // Puppet 7's digest_algorithm defaults to sha256.
  digest: digestFn('sha256'),
  scanf: (c, [s, f]) => scanf(str(c, s, 'data'), str(c, f, 'format')),
  hiera_include: (c, [name]) => lookup(c, [name]),
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
  strftime: (c, [t, f, tz]) => timeCall(c, () => {
    if (t instanceof PTimestamp) return strftime(t, str(c, f, 'format'), tz === undefined || tz === DEFAULT ? undefined : toPString(tz));
    if (t instanceof PTimespan) return formatTimespan(t, str(c, f, 'format'));
    // The legacy form strftime(format) formats now.
    if (typeof t === 'string') {
      deprecatedOnce(c, 'legacy#strftime', 'The argument signature (String format, [String timezone]) is deprecated for #strftime. See #strftime documentation and Timespan type for more info', true);
      return strftime(newTimestamp([]), t, f === undefined ? undefined : toPString(f));
    }
    throw err(c, `'strftime' expects a Timestamp or Timespan value, got ${typeNameOf(t)}`);
  }),
  call: (c, [name, ...args]) => {
    const fn = c.ctx.functions.get(str(c, name, 'function'));
    if (!fn) throw err(c, `Unknown function: '${toPString(name)}'`);
    return fn({ ...c, name: name as string }, args);
  },
  Deferred: (c, [n, a]) => newValue(c, new DeferredType(), [n, a]),
  Sensitive: (c, [v]) => new PSensitive(v),
};

export { formatFloat, TypeAliasType, DEFAULT, ScalarType };
