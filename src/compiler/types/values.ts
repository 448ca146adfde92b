// Puppet runtime values as JavaScript values. The mapping is chosen so the
// common cases cost nothing: undef is `undefined`, String a JS string,
// Integer a JS number, Boolean a JS boolean, Array a JS array, Hash a Map
// (insertion-ordered, keys of any type). Only the rarer kinds get a class:
// Float (Puppet tells 2 from 2.0), default, Regexp, Sensitive, Deferred,
// Iterator, Timespan/Timestamp, Binary; types are values too (PType, types.ts).
import type { PType } from './types.js';
import { PSemVer, PSemVerRange } from './semver.js';

export { PSemVer, PSemVerRange };

export class PFloat {
  constructor(readonly value: number) {}
}

/** An instance of an Object type declared in the language: its type (an ObjectType) and attribute values in declaration order. */
export class PObject {
  constructor(readonly type: PType, readonly values: Map<string, Value>) {}
}

/** The `default` literal. */
export class PDefault {
  readonly isDefault = true;
}
export const DEFAULT = new PDefault();
export type DefaultValue = PDefault;

export class PRegexp {
  readonly re: RegExp;
  constructor(readonly source: string) {
    this.re = toJsRegExp(source);
  }
}

export class PSensitive {
  constructor(readonly value: Value) {}
}

export class PDeferred {
  /** `args` is absent when none were given (Puppet then omits them in the catalog). */
  constructor(readonly name: string, readonly args?: Value[]) {}
}

/** What `reverse_each`, `step` and friends give: evaluated eagerly (bounded by their input). */
export class PIterator {
  constructor(readonly values: Value[], readonly elementType?: PType) {}
}

/** Binary: bytes (P: PBinaryType::Binary); prints as strict Base64. */
export class PBinary {
  constructor(readonly bytes: Buffer) {}
  toBase64(): string { return this.bytes.toString('base64'); }
}

/** Whole seconds (floored) and nanoseconds 0..999999999: exact to the nanosecond as Puppet's are. */
abstract class PTime {
  readonly sec: number;
  readonly nsec: number;
  /** `seconds` may be fractional; with `nsec` given, `seconds` must be whole. */
  constructor(seconds: number, nsec?: number) {
    if (nsec === undefined) {
      const whole = Math.floor(seconds);
      let n = Math.round((seconds - whole) * 1e9);
      let w = whole;
      if (n >= 1e9) { n -= 1e9; w += 1; }
      this.sec = w; this.nsec = n;
    } else {
      this.sec = seconds + Math.floor(nsec / 1e9);
      this.nsec = ((nsec % 1e9) + 1e9) % 1e9;
    }
  }
  get seconds(): number { return this.sec + this.nsec / 1e9; }
  /** Total nanoseconds. */
  get ns(): bigint { return BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec); }
}

export class PTimespan extends PTime {
  static fromNs(ns: bigint): PTimespan {
    const sec = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
    return new PTimespan(Number(sec), Number(ns - sec * 1_000_000_000n));
  }
}
export class PTimestamp extends PTime {
  static fromNs(ns: bigint): PTimestamp {
    const sec = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
    return new PTimestamp(Number(sec), Number(ns - sec * 1_000_000_000n));
  }
}

export type Value =
  | undefined
  | string
  | number
  | boolean
  | PFloat
  | DefaultValue
  | Value[]
  | PHash
  | PRegexp
  | PSensitive
  | PDeferred
  | PIterator
  | PTimespan
  | PTimestamp
  | PBinary
  | PSemVer
  | PSemVerRange
  | PObject
  | PType;

export type PHash = Map<Value, Value>;

// Ruby regexps are close to JS ones; the differences that matter in manifests:
// \A, \z, \Z anchors, (?<name>) is the same, (?i) inline flags at the start.
export function toJsRegExp(source: string): RegExp {
  let flags = '';
  let src = source;
  const m = /^\(\?([imx]+)\)/.exec(src);
  if (m) {
    if (m[1].includes('i')) flags += 'i';
    if (m[1].includes('m')) flags += 's';
    src = src.slice(m[0].length);
  }
  src = src.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$').replace(/\\h/g, '[0-9a-fA-F]');
  // Ruby's option groups (?i:...) and (?-mix:...) (what Regexp#to_s gives): JS lacks them, so the
  // group becomes plain and an 'i' turned on anywhere applies to the whole pattern (close enough in practice).
  src = src.replace(/\(\?([mix]*)(?:-([mix]*))?:/g, (_m, on: string) => {
    if (on.includes('i') && !flags.includes('i')) flags += 'i';
    if (on.includes('m') && !flags.includes('s')) flags += 's';
    return '(?:';
  });
  // Ruby's ^ and $ are always line anchors.
  try {
    return new RegExp(src, flags + 'm');
  } catch {
    return new RegExp(src.replace(/\(\?<([a-zA-Z_]\w*)>/g, '(?<$1>'), flags + 'm');
  }
}

export function isHash(v: Value): v is PHash {
  return v instanceof Map;
}

export function isFloat(v: Value): v is PFloat {
  return v instanceof PFloat;
}

export function isNumber(v: Value): v is number | PFloat {
  return typeof v === 'number' || v instanceof PFloat;
}

export function numValue(v: number | PFloat): number {
  return typeof v === 'number' ? v : v.value;
}

/** A float result: an integral one stays a PFloat so that 2.0 prints as 2.0. */
export function makeFloat(n: number): PFloat {
  return new PFloat(n);
}

export function hashFrom(entries: Iterable<[Value, Value]>): PHash {
  return new Map(entries);
}

export function hashFromObject(o: Record<string, Value>): PHash {
  return new Map(Object.entries(o));
}

/** Looks a key up, treating Puppet's key equality (strings compare exactly, as Ruby's Hash does). */
export function hashGet(h: PHash, k: Value): Value {
  if (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' || k === undefined) return h.get(k);
  for (const [kk, vv] of h) if (valuesEqual(kk, k, true)) return vv;
  return undefined;
}

export function hashHas(h: PHash, k: Value): boolean {
  if (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' || k === undefined) return h.has(k);
  for (const kk of h.keys()) if (valuesEqual(kk, k, true)) return true;
  return false;
}

/**
 * Puppet's `==`: strings compare case-insensitively, numbers by value
 * (1 == 1.0), arrays and hashes deeply. `exact` gives Ruby's eql? (hash keys).
 */
export function valuesEqual(a: Value, b: Value, exact = false): boolean {
  if (a === b) return true;
  if (typeof a === 'string') {
    if (typeof b !== 'string') return false;
    return exact ? false : a.length === b.length && a.toLowerCase() === b.toLowerCase();
  }
  if (isNumber(a)) {
    if (!isNumber(b)) return false;
    if (exact && typeof a !== typeof b) return false;
    return numValue(a) === numValue(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i], exact)) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!hashHas(b, k)) return false;
      if (!valuesEqual(v, hashGet(b, k), exact)) return false;
    }
    return true;
  }
  if (a instanceof PRegexp) return b instanceof PRegexp && a.source === b.source;
  if (a instanceof PSensitive) return false;
  if (a instanceof PTimespan) return b instanceof PTimespan && a.sec === b.sec && a.nsec === b.nsec;
  if (a instanceof PTimestamp) return b instanceof PTimestamp && a.sec === b.sec && a.nsec === b.nsec;
  if (a instanceof PBinary) return b instanceof PBinary && a.bytes.equals(b.bytes);
  if (a instanceof PSemVer) return b instanceof PSemVer && a.equals(b);
  if (a instanceof PSemVerRange) return b instanceof PSemVerRange && a.text === b.text;
  if (a instanceof PObject) {
    if (!(b instanceof PObject) || String(a.type) !== String(b.type) || a.values.size !== b.values.size) return false;
    for (const [k, v] of a.values) if (!valuesEqual(v, b.values.get(k), exact)) return false;
    return true;
  }
  if (isTypeValue(a)) return isTypeValue(b) && a.equals(b);
  return false;
}

// Avoids a circular import at module load: types register their class here.
let typeClass: (abstract new (...a: never[]) => PType) | undefined;
export function registerTypeClass(c: abstract new (...a: never[]) => PType): void {
  typeClass = c;
}
export function isTypeValue(v: unknown): v is PType {
  return typeClass !== undefined && v instanceof typeClass;
}

/** Ruby/Puppet truthiness: only undef and false are false. */
export function isTruthy(v: Value): boolean {
  return v !== undefined && v !== false;
}

/** Plain JSON data (facts, catalog parameters, parsed data files) as values: objects become hashes, non-integral numbers Floats. */
export function dataToValue(d: unknown): Value {
  if (d === null || d === undefined) return undefined;
  if (Array.isArray(d)) return d.map(dataToValue);
  if (typeof d === 'object') {
    const h: PHash = new Map();
    for (const [k, x] of Object.entries(d as Record<string, unknown>)) h.set(k, dataToValue(x));
    return h;
  }
  if (typeof d === 'number' && !Number.isInteger(d)) return new PFloat(d);
  return d as Value;
}
