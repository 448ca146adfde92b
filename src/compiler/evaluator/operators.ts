// Operators (expressions.md): arithmetic on numbers, arrays and hashes,
// comparison with Puppet's case-insensitive string equality, `=~`, `in`.
import type { Loc } from '../../lang/ast.js';
import type { Context } from './context.js';
import type { Scope } from '../scope.js';
import {
  PBinary, PFloat, PRegexp, PSemVer, PSemVerRange, PTimespan, PTimestamp, isHash, isNumber, numValue, valuesEqual, hashHas, type PHash, type Value,
} from '../types/values.js';
import { formatFloat } from './convert.js';
import { rubyToS } from '../functions/kernel-format.js';
import { NotApplicable, TimeError, timeArithmetic, timeCompare } from '../functions/time.js';
import { PType, generalize, inferType, typeNameOf, VariantType, EnumType, PatternType, StringType, TypeAliasType, resolve } from '../types/types.js';

function num(ctx: Context, v: Value, op: string, loc: Loc, operandLoc?: Loc): number | PFloat {
  if (isNumber(v)) return v;
  if (typeof v === 'string') {
    const n = parseNumeric(v);
    if (n !== undefined) {
      // Issues::NUMERIC_COERCION: ignored with strict=off, else per strict, at the operand.
      if (ctx.strict !== 'off') ctx.warnOrFail(`The string '${v}' was automatically coerced to the numerical value ${typeof n === 'number' ? n : formatFloat(n.value)}`, operandLoc ?? loc, ctx.strict);
      return n;
    }
    throw ctx.error(`Evaluation Error: The value '${v}' cannot be converted to Numeric.`, loc);
  }
  // P: Runtime3Support#coerce_numeric (Issues::NOT_NUMERIC), the value as Ruby's to_s shows it.
  throw ctx.error(`Evaluation Error: The value '${rubyToS(v)}' cannot be converted to Numeric.`, operandLoc ?? loc);
}

function isTime(v: Value): boolean {
  return v instanceof PTimespan || v instanceof PTimestamp;
}

function article(s: string): string {
  return /^[AEIOU]/i.test(s) ? `an ${s}` : `a ${s}`;
}

/** Puppet's string-to-number conversion for arithmetic ("0x10", "1e3", "010" octal). */
export function parseNumeric(s: string): number | PFloat | undefined {
  const t = s.trim();
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t, 16);
  if (/^[-+]?0[0-7]+$/.test(t)) return parseInt(t, 8);
  if (/^[-+]?\d+$/.test(t)) return parseInt(t, 10);
  if (/^[-+]?(\d+\.\d+([eE][-+]?\d+)?|\d+[eE][-+]?\d+)$/.test(t)) return new PFloat(parseFloat(t));
  return undefined;
}

function numResult(a: number | PFloat, b: number | PFloat, r: number): number | PFloat {
  return typeof a === 'number' && typeof b === 'number' ? r : new PFloat(r);
}

export function arithmetic(ctx: Context, op: string, a: Value, b: Value, loc: Loc, operandLocs?: [Loc, Loc], operatorLoc?: Loc): Value {
  if (op === '+') {
    if (Array.isArray(a)) return Array.isArray(b) ? [...a, ...b] : isHash(b) ? [...a, ...[...b].map(([k, v]) => [k, v])] : [...a, b];
    if (isHash(a)) {
      const out: PHash = new Map(a);
      if (isHash(b)) for (const [k, v] of b) out.set(k, v);
      else if (Array.isArray(b)) {
        const pairs = b.length && Array.isArray(b[0]) ? b as Value[][] : chunk(b);
        for (const p of pairs) out.set(p[0], p[1]);
      } else throw ctx.error(`Evaluation Error: Error while evaluating a '+' expression, Can only append Array or Hash to a Hash`, operatorLoc ?? loc);
      return out;
    }
  }
  if (op === '-') {
    if (Array.isArray(a)) {
      const rm = Array.isArray(b) ? b : isHash(b) ? [...b].map(([k, v]) => [k, v]) : [b];
      return a.filter((x) => !rm.some((y) => valuesEqual(x, y)));
    }
    if (isHash(a)) {
      const out: PHash = new Map(a);
      const keys = isHash(b) ? [...b.keys()] : Array.isArray(b) ? b : [b];
      for (const k of keys) out.delete(k);
      return out;
    }
  }
  if (op === '<<' && Array.isArray(a)) return [...a, b];
  if (op === '<<' && isHash(a)) throw ctx.error(`Evaluation Error: Operator '<<' is not applicable to a Hash.`, operandLocs?.[0] ?? loc);
  if (op === '+' && a instanceof PBinary) {
    if (!(b instanceof PBinary)) throw ctx.error(`Evaluation Error: Error while evaluating a '+' expression, Can only append Binary to a Binary`, loc);
    return new PBinary(Buffer.concat([a.bytes, b.bytes]));
  }
  if (isTime(a) || isTime(b)) {
    // Numeric strings are coerced first, as for numbers (P: EvaluatorImpl#calculate).
    const ca = typeof a === 'string' ? num(ctx, a, op, loc, operandLocs?.[0]) : a;
    const cb = typeof b === 'string' ? num(ctx, b, op, loc, operandLocs?.[1]) : b;
    try {
      return timeArithmetic(op, ca, cb);
    } catch (e) {
      if (e instanceof NotApplicable) throw ctx.error(`Evaluation Error: ${e.message}`, operandLocs?.[0] ?? loc);
      if (e instanceof TimeError) throw ctx.error(`Evaluation Error: Error while evaluating a '${op}' expression, ${e.message}`, loc);
      throw e;
    }
  }
  const x = num(ctx, a, op, loc, operandLocs?.[0]);
  const y = num(ctx, b, op, loc, operandLocs?.[1]);
  const xv = numValue(x), yv = numValue(y);
  switch (op) {
    case '+': return numResult(x, y, xv + yv);
    case '-': return numResult(x, y, xv - yv);
    case '*': return numResult(x, y, xv * yv);
    case '/':
      if (typeof x === 'number' && typeof y === 'number') {
        if (yv === 0) throw ctx.error('Division by 0', loc);
        return Math.floor(xv / yv); // Ruby floors
      }
      if (!isFinite(xv / yv)) throw ctx.error(`Evaluation Error: The result of the / expression is Infinity`, operandLocs?.[0] ?? loc);
      return new PFloat(xv / yv);
    case '%':
      // Puppet refuses Float modulo (rounding surprises), naming the Float side.
      if (typeof x !== 'number') throw ctx.error(`Evaluation Error: Operator '%' is not applicable to a Float.`, operandLocs?.[0] ?? loc);
      if (typeof y !== 'number') throw ctx.error(`Evaluation Error: Operator '%' is not applicable to an Integer when right side is a Float.`, operandLocs?.[0] ?? loc);
      if (yv === 0) throw ctx.error('Division by 0', loc);
      // Ruby's modulo takes the divisor's sign.
      return ((xv % yv) + yv) % yv;
    case '<<':
      // Ruby: a Float has no <<; a Float shift count is truncated.
      if (typeof x !== 'number') throw ctx.error(`Evaluation Error: Operator '<<' is not applicable to a Float.`, loc);
      return Number(BigInt.asIntN(64, BigInt(xv) << BigInt(Math.trunc(yv))));
    case '>>':
      if (typeof x !== 'number') throw ctx.error(`Evaluation Error: Operator '>>' is not applicable to a Float.`, loc);
      return Math.floor(xv / 2 ** Math.trunc(yv));
  }
  throw ctx.error(`Unknown operator ${op}`, loc);
}

function chunk(a: Value[]): Value[][] {
  const out: Value[][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i], a[i + 1]]);
  return out;
}

export function compare(ctx: Context, op: string, a: Value, b: Value, loc: Loc): boolean {
  if (op === '==') return valuesEqual(a, b);
  if (op === '!=') return !valuesEqual(a, b);
  let c: number;
  if (typeof a === 'string' && typeof b === 'string') {
    const la = a.toLowerCase(), lb = b.toLowerCase();
    c = la < lb ? -1 : la > lb ? 1 : 0;
  } else if (isNumber(a) && isNumber(b)) {
    c = numValue(a) - numValue(b);
  } else if (a instanceof PType && b instanceof PType) {
    // Types compare by assignability: A < B when B is more general.
    const ab = b.isAssignable(a), ba = a.isAssignable(b);
    switch (op) {
      case '<': return ab && !ba;
      case '<=': return ab;
      case '>': return ba && !ab;
      case '>=': return ba;
    }
    return false;
  } else if (timeCompare(a, b) !== undefined) {
    c = timeCompare(a, b)!;
  } else if (a instanceof PSemVer) {
    if (!(b instanceof PSemVer)) throw ctx.error(`Evaluation Error: Comparison of: Semver ${op} ${generalize(inferType(b)).name}, is not possible. Caused by 'Versions not comparable to non Versions'.`, loc);
    c = a.compare(b);
  } else {
    // P: CompareOperator#compare's reasons.
    const why = typeof a === 'string' ? 'A String is not comparable to a non String' : isNumber(a) ? 'A Numeric is not comparable to non Numeric'
      : 'Only Strings, Numbers, Timespans, Timestamps, and Versions are comparable';
    const name = (v: Value) => (v instanceof PSemVer ? 'Semver' : generalize(inferType(v)).name);
    throw ctx.error(`Evaluation Error: Comparison of: ${name(a)} ${op} ${name(b)}, is not possible. Caused by '${why}'.`, loc);
  }
  switch (op) {
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
  return false;
}

/** `a =~ b`: regex (sets match variables), string as regex, or type. */
export function match(ctx: Context, a: Value, b: Value, scope: Scope, guardDepth: number, loc: Loc): boolean {
  if (b instanceof PType) return b.isInstance(a);
  if (b instanceof PSemVerRange) {
    if (a instanceof PSemVer) return b.includes(a);
    // P: a String left side is parsed as a version (Version.parse) before matching the range.
    if (typeof a === 'string') { const v = PSemVer.parse(a); return v !== undefined && b.includes(v); }
  }
  let re: RegExp;
  if (b instanceof PRegexp) re = b.re;
  else if (typeof b === 'string') re = new PRegexp(b).re;
  else throw ctx.error(`Can not convert right match operand to a regular expression. Caused by 'Can only match with String, Regexp or Type'.`, loc);
  if (typeof a !== 'string') throw ctx.error(`Evaluation Error: Left match operand must result in a String value. Got ${article(typeNameOf(a))}.`, loc);
  const m = re.exec(a);
  if (!m) return false;
  scope.setMatch(Array.from(m, (x) => x ?? undefined), guardDepth);
  return true;
}

/** `a in b` (P: CompareOperator#include?). */
export function inOperator(a: Value, b: Value): boolean {
  if (typeof b === 'string') {
    if (typeof a === 'string') return b.toLowerCase().includes(a.toLowerCase());
    if (a instanceof PRegexp) return a.re.test(b);
    if (a instanceof PType) return false;
    return false;
  }
  if (Array.isArray(b)) {
    if (a instanceof PRegexp) return b.some((x) => typeof x === 'string' && a.re.test(x));
    if (a instanceof PType) return b.some((x) => a.isInstance(x));
    return b.some((x) => valuesEqual(a, x));
  }
  if (isHash(b)) {
    if (a instanceof PRegexp) return [...b.keys()].some((x) => typeof x === 'string' && a.re.test(x));
    if (a instanceof PType) return [...b.keys()].some((x) => a.isInstance(x));
    if (typeof a === 'string') { for (const k of b.keys()) if (valuesEqual(a, k)) return true; return false; }
    return hashHas(b, a);
  }
  return false;
}

/** Case/selector option matching (P: case_match): regex, type, `default`, array and hash patterns, equality. */
export function caseMatches(ctx: Context, test: Value, option: Value, scope: Scope, guardDepth: number, loc: Loc): boolean {
  if (option instanceof PRegexp) {
    if (typeof test !== 'string') return false;
    return match(ctx, test, option, scope, guardDepth, loc);
  }
  if (option instanceof PType) {
    const t = resolve(option);
    if (typeof test === 'string' && (t instanceof PatternType || t instanceof EnumType || t instanceof StringType || t instanceof VariantType || option instanceof TypeAliasType)) return option.isInstance(test);
    return option.isInstance(test) || (test instanceof PType && valuesEqual(test, option));
  }
  if (Array.isArray(option) && Array.isArray(test)) {
    return option.length === test.length && option.every((o, i) => caseMatches(ctx, test[i], o, scope, guardDepth, loc));
  }
  if (isHash(option) && isHash(test)) {
    for (const [k, o] of option) if (!test.has(k) || !caseMatches(ctx, test.get(k), o, scope, guardDepth, loc)) return false;
    return true;
  }
  return valuesEqual(test, option);
}

export { inferType };
