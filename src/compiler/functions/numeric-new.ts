// Integer.new / Float.new / Numeric.new from values (P: types.rb new_function
// of PIntegerType, PFloatType, PNumericType): the patterns a String must
// match, Ruby's Integer()/Float() conversion with an optional radix, and the
// messages (prefixed with the Ruby function's name: 'new', 'new_float', 'new_numeric').
import { PFloat, PTimespan, PTimestamp, hashGet, isHash, isNumber, numValue, type Value } from '../types/values.js';
import { generalize, inferType } from '../types/types.js';
import { parseNumeric } from '../evaluator/operators.js';

export class ConversionError extends Error {}

const SIGN = '[+-]?\\s*';
const INTEGER_LENIENT = new RegExp(`^${SIGN}(?:\\d+|0[xX][0-9A-Fa-f]+|0[bB][01]+)$`);
const FLOAT = new RegExp(`^${SIGN}(?:(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE]-?\\d+)?|0[xX][0-9A-Fa-f]+|0[0-7]+|0[bB][01]+)$`);
const WS_AFTER_SIGN = /^([+-])[ \t]+(.*)$/s;

function rubyIntegerError(s: string): ConversionError {
  return new ConversionError(`invalid value for Integer(): ${JSON.stringify(s)}`);
}

/** Ruby's Integer(str) and Integer(str, radix) (underscores between digits allowed). */
export function rubyInteger(str: string, radix?: number): number {
  let s = str.trim();
  let neg = false;
  if (s[0] === '+' || s[0] === '-') { neg = s[0] === '-'; s = s.slice(1); }
  let base = radix ?? 10;
  const pre = /^0([xXbBoO])/.exec(s);
  if (pre) {
    const b = { x: 16, b: 2, o: 8 }[pre[1].toLowerCase() as 'x' | 'b' | 'o'];
    if (radix !== undefined && radix !== b) throw rubyIntegerError(str);
    base = b; s = s.slice(2);
  } else if (radix === undefined && /^0./.test(s)) { base = 8; s = s.slice(1); }
  if (!s || /^_|_$|__/.test(s)) throw rubyIntegerError(str);
  const digits = s.replace(/_/g, '');
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : new RegExp(`^[0-${base - 1}]+$`);
  if (!valid.test(digits)) throw rubyIntegerError(str);
  const n = parseInt(digits, base);
  return neg ? -n : n;
}

function assertRadix(r: Value): number | undefined {
  if (r === undefined || (typeof r === 'object' && r !== null && 'isDefault' in r)) return undefined;
  if (r === 2 || r === 8 || r === 10 || r === 16) return r;
  throw new ConversionError(`Illegal radix: ${String(r)}, expected 2, 8, 10, 16, or default`);
}

function mismatch(fn: string, v: Value, what: string): ConversionError {
  if (typeof v === 'string') return new ConversionError(`'${fn}' The string '${v}' cannot be converted to ${what}`);
  return new ConversionError(`'${fn}' Value of type ${generalize(inferType(v))} cannot be converted to ${what}`);
}

/** Retries Ruby's conversion without blanks between the sign and the digits ("- 5"). */
function withSignRetry<T>(s: string, f: (x: string) => T): T {
  try {
    return f(s);
  } catch (e) {
    const m = WS_AFTER_SIGN.exec(s);
    if (m) { try { return f(m[1] + m[2]); } catch { /* keep the first error */ } }
    throw e;
  }
}

/** Integer.new(from, radix?, abs?) or Integer.new({from, radix, abs}). */
export function newInteger(args: Value[]): number {
  let [from, radix, abs] = args;
  if (isHash(from) && args.length === 1) {
    const h = from;
    from = hashGet(h, 'from'); radix = hashGet(h, 'radix'); abs = hashGet(h, 'abs');
  }
  let n: number;
  if (isNumber(from)) n = Math.trunc(numValue(from));
  else if (from instanceof PTimespan || from instanceof PTimestamp) n = Math.trunc(from.seconds);
  else if (typeof from === 'boolean') n = from ? 1 : 0;
  else if (typeof from === 'string' && INTEGER_LENIENT.test(from)) {
    const r = assertRadix(radix);
    n = withSignRetry(from, (s) => rubyInteger(s, r));
  } else {
    assertRadix(radix);
    throw mismatch('new', from, 'Integer');
  }
  return abs === true ? Math.abs(n) : n;
}

/** Ruby's Float(str): decimal, or 0x hex; "0b.." goes through Integer first. */
function rubyFloat(s: string): number {
  const t = s.trim();
  if (/^[+-]?0[bB]/.test(t)) return rubyInteger(t);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return rubyInteger(t);
  if (/^[+-]?\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?(?:[eE][-+]?\d+)?$/.test(t)) return parseFloat(t.replace(/_/g, ''));
  throw new ConversionError(`invalid value for Float(): ${JSON.stringify(s)}`);
}

/** Float.new(from, abs?) or Float.new({from, abs}). */
export function newFloat(args: Value[]): PFloat {
  let [from, abs] = args;
  if (isHash(from) && args.length === 1) { const h = from; from = hashGet(h, 'from'); abs = hashGet(h, 'abs'); }
  let n: number;
  if (isNumber(from)) n = numValue(from);
  else if (from instanceof PTimespan || from instanceof PTimestamp) n = from.seconds;
  else if (typeof from === 'boolean') n = from ? 1 : 0;
  else if (typeof from === 'string' && FLOAT.test(from)) n = withSignRetry(from, rubyFloat);
  else throw mismatch('new_float', from, 'Float');
  return new PFloat(abs === true ? Math.abs(n) : n);
}

/** Numeric.new(from, abs?): an Integer or a Float by what the string holds. */
export function newNumeric(args: Value[]): number | PFloat {
  let [from, abs] = args;
  if (isHash(from) && args.length === 1) { const h = from; from = hashGet(h, 'from'); abs = hashGet(h, 'abs'); }
  let n: number | PFloat;
  if (isNumber(from)) n = from;
  else if (from instanceof PTimespan || from instanceof PTimestamp) n = new PFloat(from.seconds);
  else if (typeof from === 'boolean') n = from ? 1 : 0;
  else if (typeof from === 'string' && FLOAT.test(from)) {
    const t = from.trim();
    if (/^0[bBxX]/.test(t)) n = rubyInteger(t);
    else {
      const p = parseNumeric(t.replace(/^([+-])\s+/, '$1'));
      if (p === undefined) throw new ConversionError(`'new_numeric' The string '${from}' cannot be converted to Numeric`);
      n = p;
    }
  } else throw mismatch('new_numeric', from, 'Numeric');
  if (abs === true) n = typeof n === 'number' ? Math.abs(n) : new PFloat(Math.abs(n.value));
  return n;
}
