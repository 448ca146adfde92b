// Ruby values as the ERB interpreter sees them, and the conversions to text
// (to_s / inspect) that decide byte-identity with Ruby 3.1.
//
//   nil      -> undefined or null (both mean nil)
//   true/false -> boolean
//   Integer  -> number holding an integer (JS number; beyond 2**53 is not exact)
//   Float    -> ErbFloat (a wrapper, so 2 and 2.0 stay distinct as in Ruby)
//   String   -> string
//   Symbol   -> ErbSymbol (interned: use sym('name'))
//   Array    -> ErbValue[]
//   Hash     -> Map<ErbValue, ErbValue> (insertion-ordered)
//   Range    -> ErbRange, Regexp -> ErbRegexp

export class ErbFloat {
  constructor(readonly value: number) {}
}

export class ErbSymbol {
  private constructor(readonly name: string) {}
  private static readonly table = new Map<string, ErbSymbol>();
  static of(name: string): ErbSymbol {
    let s = ErbSymbol.table.get(name);
    if (!s) ErbSymbol.table.set(name, (s = new ErbSymbol(name)));
    return s;
  }
}

export function sym(name: string): ErbSymbol {
  return ErbSymbol.of(name);
}

export class ErbRange {
  constructor(readonly begin: ErbValue, readonly end: ErbValue, readonly exclusive: boolean) {}
}

export class ErbRegexp {
  readonly re: RegExp;
  /** `source` is Ruby's pattern text; options a subset of "imx". */
  constructor(readonly source: string, readonly options: string, re: RegExp) {
    this.re = re;
  }
}

/** A class object (String, Array, ...) as a value: for is_a?, ===, .class. */
export class ErbClass {
  constructor(readonly name: string, readonly ancestors: readonly string[]) {}
}

/** A block or lambda value (`&blk` is not supported; this is for Proc-like values in is_a?). */
export type ErbHash = Map<ErbValue, ErbValue>;

export type ErbValue =
  | undefined
  | null
  | boolean
  | number
  | string
  | ErbFloat
  | ErbSymbol
  | ErbRange
  | ErbRegexp
  | ErbClass
  | ErbValue[]
  | ErbHash
  | ErbObject;

/** Opaque host objects (the template's `scope`). */
export interface ErbObject {
  readonly erbObject: string;
}

export const isNil = (v: ErbValue): v is null | undefined => v === undefined || v === null;
export const truthy = (v: ErbValue): boolean => v !== undefined && v !== null && v !== false;
export const isHash = (v: ErbValue): v is ErbHash => v instanceof Map;
export const isInt = (v: ErbValue): v is number => typeof v === 'number';
export const isNumeric = (v: ErbValue): v is number | ErbFloat => typeof v === 'number' || v instanceof ErbFloat;
export const num = (v: number | ErbFloat): number => (typeof v === 'number' ? v : v.value);

const CLASS_ANCESTORS: Record<string, readonly string[]> = {
  NilClass: ['NilClass', 'Object', 'Kernel', 'BasicObject'],
  TrueClass: ['TrueClass', 'Object', 'Kernel', 'BasicObject'],
  FalseClass: ['FalseClass', 'Object', 'Kernel', 'BasicObject'],
  Integer: ['Integer', 'Numeric', 'Comparable', 'Object', 'Kernel', 'BasicObject'],
  Float: ['Float', 'Numeric', 'Comparable', 'Object', 'Kernel', 'BasicObject'],
  String: ['String', 'Comparable', 'Object', 'Kernel', 'BasicObject'],
  Symbol: ['Symbol', 'Comparable', 'Object', 'Kernel', 'BasicObject'],
  Array: ['Array', 'Enumerable', 'Object', 'Kernel', 'BasicObject'],
  Hash: ['Hash', 'Enumerable', 'Object', 'Kernel', 'BasicObject'],
  Range: ['Range', 'Enumerable', 'Object', 'Kernel', 'BasicObject'],
  Regexp: ['Regexp', 'Object', 'Kernel', 'BasicObject'],
  Class: ['Class', 'Module', 'Object', 'Kernel', 'BasicObject'],
  Object: ['Object', 'Kernel', 'BasicObject'],
};
const CLASSES = new Map<string, ErbClass>();
for (const [n, a] of Object.entries(CLASS_ANCESTORS)) CLASSES.set(n, new ErbClass(n, a));
// Ruby 3.1 still knows these old names as aliases.
CLASSES.set('Fixnum', CLASSES.get('Integer')!);
CLASSES.set('Bignum', CLASSES.get('Integer')!);
for (const n of ['Numeric', 'Comparable', 'Enumerable', 'Kernel', 'BasicObject']) CLASSES.set(n, new ErbClass(n, [n]));

export function rubyClass(name: string): ErbClass | undefined {
  return CLASSES.get(name);
}

export function classNameOf(v: ErbValue): string {
  if (v === undefined || v === null) return 'NilClass';
  if (v === true) return 'TrueClass';
  if (v === false) return 'FalseClass';
  if (typeof v === 'number') return 'Integer';
  if (typeof v === 'string') return 'String';
  if (v instanceof ErbFloat) return 'Float';
  if (v instanceof ErbSymbol) return 'Symbol';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Map) return 'Hash';
  if (v instanceof ErbRange) return 'Range';
  if (v instanceof ErbRegexp) return 'Regexp';
  if (v instanceof ErbClass) return 'Class';
  return (v as ErbObject).erbObject ?? 'Object';
}

export function classOf(v: ErbValue): ErbClass {
  const n = classNameOf(v);
  return CLASSES.get(n) ?? new ErbClass(n, [n, 'Object', 'Kernel', 'BasicObject']);
}

export function isA(v: ErbValue, c: ErbClass): boolean {
  return classOf(v).ancestors.includes(c.name);
}

/** Float#to_s: shortest round-trip digits, fixed notation for exponents in -4 < e <= 16. */
export function floatToS(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return 'Infinity';
  if (f === -Infinity) return '-Infinity';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  const neg = f < 0;
  const e = Math.abs(f).toExponential(); // shortest digits: "d.ddde+x"
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e)!;
  const digits = m[1] + (m[2] ?? '');
  const decpt = parseInt(m[3], 10) + 1;
  const digs = digits.length;
  let out: string;
  if (decpt > 0 && (decpt <= 15 || (decpt === 16 && digs > 16))) {
    if (digs <= decpt) out = digits + '0'.repeat(decpt - digs) + '.0';
    else out = digits.slice(0, decpt) + '.' + digits.slice(decpt);
  } else if (decpt <= 0 && decpt > -4) {
    out = '0.' + '0'.repeat(-decpt) + digits;
  } else {
    const x = decpt - 1;
    out = digits[0] + '.' + (digs > 1 ? digits.slice(1) : '0') + 'e' + (x < 0 ? '-' : '+') + String(Math.abs(x)).padStart(2, '0');
  }
  return neg ? '-' + out : out;
}

/** Object#to_s as ERB's `<%= %>` prints it. */
export function toS(v: ErbValue): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return intToS(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof ErbFloat) return floatToS(v.value);
  if (v instanceof ErbSymbol) return v.name;
  if (v instanceof ErbRange) return toS(v.begin) + (v.exclusive ? '...' : '..') + toS(v.end);
  if (v instanceof ErbRegexp) return regexpToS(v);
  if (v instanceof ErbClass) return v.name;
  return inspect(v);
}

function intToS(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (Number.isInteger(n)) return BigInt(n).toString();
  return floatToS(n); // should not happen: integers stay integral
}

function regexpToS(r: ErbRegexp): string {
  const on = ['m', 'i', 'x'].filter((o) => r.options.includes(o)).join('');
  const off = ['m', 'i', 'x'].filter((o) => !r.options.includes(o)).join('');
  return `(?${on}${off ? '-' + off : ''}:${r.source})`;
}

const SIMPLE_SYMBOL = /^(?:[A-Za-z_][A-Za-z_0-9]*[?!=]?|\[\]=?|[+\-*\/%<>~!]|\*\*|<=>|==|===|=~|!=|!~|<<|>>|<=|>=|[+-]@|\||\^|&)$/;

export function inspectString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    switch (c) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\n': out += '\\n'; break;
      case '\t': out += '\\t'; break;
      case '\r': out += '\\r'; break;
      case '\f': out += '\\f'; break;
      case '\v': out += '\\v'; break;
      case '\b': out += '\\b'; break;
      case '\x07': out += '\\a'; break;
      case '\x1b': out += '\\e'; break;
      case '#': {
        const n = s[i + 1];
        out += n === '{' || n === '$' || n === '@' ? '\\#' : '#';
        break;
      }
      default:
        if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).toUpperCase().padStart(2, '0');
        else out += c;
    }
  }
  return out + '"';
}

/** Object#inspect (Ruby 3.1: hashes as {"a"=>1}). */
export function inspect(v: ErbValue): string {
  if (typeof v === 'string') return inspectString(v);
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof ErbFloat) return toS(v);
  if (v instanceof ErbSymbol) return ':' + (SIMPLE_SYMBOL.test(v.name) ? v.name : inspectString(v.name));
  if (Array.isArray(v)) return '[' + v.map(inspect).join(', ') + ']';
  if (v instanceof Map) {
    if (v.size === 0) return '{}';
    const parts: string[] = [];
    for (const [k, x] of v) parts.push(inspect(k) + '=>' + inspect(x));
    return '{' + parts.join(', ') + '}';
  }
  if (v instanceof ErbRange) return inspect(v.begin) + (v.exclusive ? '...' : '..') + inspect(v.end);
  if (v instanceof ErbRegexp) return '/' + v.source + '/' + ['m', 'i', 'x'].filter((o) => v.options.includes(o)).join('');
  if (v instanceof ErbClass) return v.name;
  return `#<${classNameOf(v)}>`;
}

/** Ruby's == (1 == 1.0, deep for arrays and hashes, hashes ignore order). */
export function rEqual(a: ErbValue, b: ErbValue): boolean {
  if (a === b) return true;
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (isNumeric(a) && isNumeric(b)) return num(a) === num(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!rEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      const bk = hashKey(b, k);
      if (bk === NO_KEY || !rEqual(v, b.get(bk))) return false;
    }
    return true;
  }
  if (a instanceof ErbRange && b instanceof ErbRange) return a.exclusive === b.exclusive && rEqual(a.begin, b.begin) && rEqual(a.end, b.end);
  if (a instanceof ErbRegexp && b instanceof ErbRegexp) return a.source === b.source && a.options === b.options;
  return false;
}

/** eql? (no Integer/Float cross-equality): what Hash keys and uniq use. */
export function rEql(a: ErbValue, b: ErbValue): boolean {
  if (isNumeric(a) && isNumeric(b)) return typeof a === typeof b && num(a) === num(b);
  return rEqual(a, b);
}

export const NO_KEY = Symbol('no key');

/** The key object under which `k` is stored in `h` (strings, numbers and symbols are found directly). */
export function hashKey(h: ErbHash, k: ErbValue): ErbValue | typeof NO_KEY {
  if (h.has(k)) return k;
  if (k === null) return h.has(undefined) ? undefined : NO_KEY;
  if (k === undefined) return h.has(null) ? null : NO_KEY;
  if (typeof k === 'object') {
    for (const key of h.keys()) if (typeof key === 'object' && rEql(key, k)) return key;
  }
  return NO_KEY;
}

export function hashGet(h: ErbHash, k: ErbValue): ErbValue {
  const key = hashKey(h, k);
  return key === NO_KEY ? undefined : h.get(key);
}

export function hashSet(h: ErbHash, k: ErbValue, v: ErbValue): void {
  const key = hashKey(h, k);
  h.set(key === NO_KEY ? k : key, v);
}

/** <=>: a number, or undefined when the values do not compare (Ruby returns nil). */
export function compare(a: ErbValue, b: ErbValue): number | undefined {
  if (isNumeric(a) && isNumeric(b)) {
    const x = num(a), y = num(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : undefined;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (a instanceof ErbSymbol && b instanceof ErbSymbol) return compareStrings(a.name, b.name);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  if (rEqual(a, b)) return 0;
  return undefined;
}

/** Byte-wise comparison of the UTF-8 encodings, as Ruby compares strings. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Copies a Ruby value shallowly (dup). */
export function dup(v: ErbValue): ErbValue {
  if (Array.isArray(v)) return v.slice();
  if (v instanceof Map) return new Map(v);
  return v;
}

/** Hash#hash-like key for uniq/group_by over arbitrary values. */
export function valueKey(v: ErbValue): string | number | boolean | undefined | object {
  if (v === null) return undefined;
  if (typeof v === 'object' && !(v instanceof ErbSymbol) && !(v instanceof ErbClass)) {
    return '\u0000' + classNameOf(v) + ':' + inspect(v);
  }
  return v;
}
