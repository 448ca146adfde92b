// Kernel#format / String#% with the directives templates use.
import { argError, RubyError, typeError } from './runtime.js';
import { ErbFloat, floatToS, hashGet, inspect, isNil, num, sym, toS, type ErbValue } from './values.js';

function toInteger(v: ErbValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof ErbFloat) return Math.trunc(v.value);
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    if (/^[+-]?\d+$/.test(s)) return parseInt(s, 10);
    if (/^[+-]?0x[0-9a-f]+$/i.test(s)) return parseInt(s, 16);
    throw argError(`invalid value for Integer(): ${inspect(v)}`);
  }
  if (isNil(v)) throw typeError("can't convert nil into Integer");
  throw typeError(`can't convert ${inspect(v)} into Integer`);
}

function toFloat(v: ErbValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof ErbFloat) return v.value;
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    if (/^[+-]?(\d+(\.\d+)?([eE][+-]?\d+)?|\.\d+)$/.test(s)) return parseFloat(s);
    throw argError(`invalid value for Float(): ${inspect(v)}`);
  }
  if (isNil(v)) throw typeError("can't convert nil into Float");
  throw typeError(`can't convert ${inspect(v)} into Float`);
}

function pad(body: string, sign: string, width: number, flags: string, numeric: boolean): string {
  const len = sign.length + body.length;
  if (width <= len) return sign + body;
  if (flags.includes('-')) return sign + body + ' '.repeat(width - len);
  if (flags.includes('0') && numeric) return sign + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + sign + body;
}

/**
 * %.Nf as Ruby prints it: Ruby rounds the shortest decimal form of the float,
 * ties to even ('%.2f' % 2.675 is "2.68", '%.0f' % 2.5 is "2"), where JS's
 * toFixed rounds the exact binary value.
 */
export function fixed(x: number, p: number): string {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x.toFixed(p);
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(Math.abs(x).toExponential())!;
  let digits = m[1] + (m[2] ?? '');
  const exp = parseInt(m[3], 10);
  // digits with the decimal point after position `point`
  let point = exp + 1;
  if (point <= 0) {
    digits = '0'.repeat(1 - point) + digits;
    point = 1;
  }
  const keep = point + p;
  if (digits.length > keep) {
    const rest = digits.slice(keep);
    let head = digits.slice(0, keep);
    const last = head.length ? parseInt(head[head.length - 1], 10) : 0;
    const up = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || last % 2 === 1));
    if (up) {
      // add one unit in the last kept place
      const arr = head.split('').map(Number);
      let i = arr.length - 1;
      while (i >= 0 && arr[i] === 9) arr[i--] = 0;
      if (i >= 0) arr[i]++;
      else {
        arr.unshift(1);
        point++;
      }
      head = arr.join('');
    }
    digits = head;
  } else digits = digits.padEnd(keep, '0');
  const int = digits.slice(0, point) || '0';
  const frac = digits.slice(point);
  const out = p > 0 ? `${int}.${frac}` : int;
  return x < 0 || Object.is(x, -0) ? '-' + out : out;
}

function expFormat(x: number, prec: number, upper: boolean): string {
  let s = x.toExponential(prec); // 1.50e+0
  s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

function gFormat(x: number, prec: number, flags: string, upper: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  let s: string;
  const e = Number(x.toExponential(p - 1).split('e')[1]);
  if (e < -4 || e >= p) {
    s = expFormat(x, p - 1, upper);
    if (!flags.includes('#')) s = s.replace(/\.?0+(e)/i, '$1');
  } else {
    s = x.toFixed(Math.max(0, p - 1 - e));
    if (!flags.includes('#') && s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  void exp;
  return s;
}

export function rubyFormat(fmt: string, args: ErbValue[]): string {
  let out = '';
  let argi = 0;
  const nextArg = (): ErbValue => {
    if (argi >= args.length) throw argError('too few arguments');
    return args[argi++];
  };
  const named = (name: string): ErbValue => {
    const h = args[0];
    if (!(h instanceof Map)) throw argError('one hash required');
    const k = sym(name);
    if (!h.has(k)) throw new RubyError('KeyError', `key<${name}> not found`);
    return hashGet(h, k);
  };
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^%([-+ 0#]*)(?:<(\w+)>)?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?([a-zA-Z%])|^%\{(\w+)\}/.exec(fmt.slice(i));
    if (!m) {
      if (i === fmt.length - 1) throw argError('incomplete format specifier; use %% (double %) instead');
      throw argError(`malformed format string - %${fmt[i + 1]}`);
    }
    i += m[0].length - 1;
    if (m[7]) {
      out += toS(named(m[7]));
      continue;
    }
    const flags = m[1] + m[3];
    let width = m[4] === '*' ? toInteger(nextArg()) : m[4] ? parseInt(m[4], 10) : 0;
    let fl = flags;
    if (width < 0) {
      fl += '-';
      width = -width;
    }
    const prec = m[5] === '*' ? toInteger(nextArg()) : m[5] !== undefined ? parseInt(m[5], 10) : undefined;
    const type = m[6];
    if (type === '%') {
      out += '%';
      continue;
    }
    const arg = m[2] ? named(m[2]) : nextArg();
    const signOf = (neg: boolean) => (neg ? '-' : fl.includes('+') ? '+' : fl.includes(' ') ? ' ' : '');
    switch (type) {
      case 'd': case 'i': case 'u': {
        const n = toInteger(arg);
        let body = String(Math.abs(n));
        if (prec !== undefined) body = body.padStart(prec, '0');
        out += pad(body, signOf(n < 0), width, prec !== undefined ? fl.replace('0', '') : fl, true);
        break;
      }
      case 'f': {
        const x = toFloat(arg);
        if (!Number.isFinite(x)) {
          out += pad(Number.isNaN(x) ? 'NaN' : 'Inf', signOf(x < 0), width, fl.replace('0', ''), false);
          break;
        }
        out += pad(fixed(Math.abs(x), prec ?? 6), signOf(x < 0 || Object.is(x, -0)), width, fl, true);
        break;
      }
      case 'e': case 'E': {
        const x = toFloat(arg);
        out += pad(expFormat(Math.abs(x), prec ?? 6, type === 'E'), signOf(x < 0), width, fl, true);
        break;
      }
      case 'g': case 'G': {
        const x = toFloat(arg);
        out += pad(gFormat(Math.abs(x), prec ?? 6, fl, type === 'G'), signOf(x < 0), width, fl, true);
        break;
      }
      case 's': case 'p': {
        let s = type === 's' ? toS(arg) : inspect(arg);
        if (prec !== undefined) s = s.slice(0, prec);
        out += pad(s, '', width, fl, false);
        break;
      }
      case 'x': case 'X': case 'o': case 'b': case 'B': {
        const n = toInteger(arg);
        const base = type === 'o' ? 8 : type === 'b' || type === 'B' ? 2 : 16;
        let body = Math.abs(n).toString(base);
        if (type === 'X') body = body.toUpperCase();
        if (prec !== undefined) body = body.padStart(prec, '0');
        let prefix = '';
        if (fl.includes('#') && n !== 0) prefix = type === 'o' ? '0' : type === 'x' ? '0x' : type === 'X' ? '0X' : type === 'b' ? '0b' : '0B';
        out += pad(prefix + body, signOf(n < 0), width, fl, true);
        break;
      }
      case 'c': {
        const s = typeof arg === 'string' ? arg.slice(0, 1) : String.fromCodePoint(toInteger(arg));
        out += pad(s, '', width, fl, false);
        break;
      }
      default:
        throw argError(`malformed format string - %${type}`);
    }
  }
  return out;
}

export { toInteger, toFloat };

/** Kernel#Integer. */
export function kernelInteger(v: ErbValue): number {
  if (v instanceof ErbFloat) {
    if (!Number.isFinite(v.value)) throw new RubyError('FloatDomainError', floatToS(v.value));
    return Math.trunc(v.value);
  }
  if (typeof v === 'string') {
    const s = v.trim().replace(/(\d)_(?=\d)/g, '$1');
    if (/^[+-]?(0|[1-9]\d*)$/.test(s)) return parseInt(s, 10);
    if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return parseInt(s.replace(/0[xX]/, ''), 16) * (s.startsWith('-') ? -1 : 1);
    if (/^[+-]?0[bB][01]+$/.test(s)) return parseInt(s.replace(/^([+-]?)0[bB]/, '$1'), 2);
    if (/^[+-]?0[oO]?[0-7]+$/.test(s)) return parseInt(s.replace(/^([+-]?)0[oO]?/, '$1'), 8);
    throw argError(`invalid value for Integer(): ${inspect(v)}`);
  }
  return toInteger(v);
}

export const asFloat = (v: ErbValue): number => (typeof v === 'number' || v instanceof ErbFloat ? num(v) : toFloat(v));
