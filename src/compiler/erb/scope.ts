// What a template can reach of the Puppet compiler: the contract the compiler implements.
import { ErbFloat, type ErbValue } from './values.js';

/**
 * The Puppet scope a template renders in. Values crossing this boundary are
 * ErbValues (see values.ts); the compiler converts its Puppet values:
 *   undef -> undefined (or null), String -> string, Integer -> number,
 *   Float -> ErbFloat, Boolean -> boolean, Array -> array, Hash -> Map
 *   (plain objects are accepted too and read as hashes with string keys),
 *   default -> sym('default'), Regexp -> ErbRegexp (makeRegexp(source, '')),
 *   Sensitive -> the string 'Sensitive [value redacted]', types -> their string form.
 * Arrays and Maps are shared, not copied: as in Puppet 7 (which does not freeze
 * them), a template's `@list << x` changes the variable. Pass copies to isolate.
 * Values coming back (function arguments) are ErbValues too: convert them back
 * (ErbSymbol 'undef'/'default' mean undef/default, ErbFloat a Float).
 */
export interface ErbScope {
  /**
   * A variable by Puppet name: 'x', '::x', 'apache::params::user'.
   * Returns undefined when no such variable exists; null (or undefined) when
   * it exists with the value undef. has_variable?('x') is true only for the
   * former (anything but undefined); defined?(@x) is nil for both, as in Puppet 7.
   */
  lookupvar(name: string): ErbValue;
  /** A Puppet function (scope.function_foo([...]), scope.call_function('foo', [...])). */
  callFunction(name: string, args: ErbValue[]): ErbValue;
  /** All visible variables, innermost last wins (scope.to_hash). Optional. */
  toHash?(): Map<string, ErbValue>;
  /** The tags of the containing class/resource (the template's `tags`). Optional. */
  tags?(): string[];
  /** All catalog tags so far (`all_tags`). Optional. */
  allTags?(): string[];
  /** Classes declared so far (`classes`). Optional. */
  classes?(): string[];
  /** The environment name (`scope.environment`). Optional. */
  environment?(): string;
  /**
   * scope.setvar('x', value) / scope['x'] = value. Store `value` unchanged and
   * return that very object from lookupvar('x'): apache's vhost templates set a
   * Hash, fill it, and read it back from nested template() calls. Optional
   * (without it setvar is reported as unsupported Ruby).
   */
  setvar?(name: string, value: ErbValue): void;
}

const CLEAN = new WeakSet<object>();

/** Makes a host value a proper ErbValue: plain objects become Maps (recursively). */
export function importValue(v: unknown): ErbValue {
  if (v === null || v === undefined || typeof v !== 'object') {
    if (typeof v === 'bigint') return Number(v);
    return v as ErbValue;
  }
  if (CLEAN.has(v)) return v as ErbValue;
  if (Array.isArray(v)) {
    let out: ErbValue[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = importValue(v[i]);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    const r = out ?? (v as ErbValue[]);
    CLEAN.add(r);
    return r;
  }
  if (v instanceof Map) {
    let changed = false;
    const m = new Map<ErbValue, ErbValue>();
    for (const [k, x] of v) {
      const ik = importValue(k), ix = importValue(x);
      if (ik !== k || ix !== x) changed = true;
      m.set(ik, ix);
    }
    const r = changed ? m : (v as Map<ErbValue, ErbValue>);
    CLEAN.add(r);
    return r;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const m = new Map<ErbValue, ErbValue>();
    for (const [k, x] of Object.entries(v)) m.set(k, importValue(x));
    CLEAN.add(m);
    return m;
  }
  if (v instanceof ErbFloat) return v;
  return v as ErbValue;
}

