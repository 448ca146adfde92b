// Ruby's Kernel#format as Puppet's sprintf() and String formats use it:
// flags (- + space 0 #), width, precision, `*`, %<name>x and %{name}, and
// Ruby's text for values (%s is to_s, %p is inspect: "a", [1, "a"], {"a"=>1}).
import { DEFAULT, PBinary, PFloat, PRegexp, PSensitive, isHash, isNumber, numValue, type Value } from '../types/values.js';
import { PType } from '../types/types.js';
import { formatFloat, toPString } from '../evaluator/convert.js';
import { parseNumeric } from '../evaluator/operators.js';

/** Thrown for what Ruby rejects (ArgumentError); callers add their own prefix. */
export class FormatError extends Error {}

/** Ruby's String#inspect. */
export function rubyQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x1b') out += '\\e';
    else if (ch === '#') out += '#';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** The Ruby object's to_s. */
export function rubyToS(v: Value): string {
  if (v === undefined) return '';
  if (Array.isArray(v) || isHash(v)) return rubyInspect(v);
  if (v instanceof PRegexp) return `(?-mix:${v.source})`;
  return toPString(v);
}

/** The Ruby object's inspect. */
export function rubyInspect(v: Value): string {
  if (v === undefined) return 'nil';
  if (typeof v === 'string') return rubyQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof PFloat) return formatFloat(v.value);
  if (Array.isArray(v)) return `[${v.map(rubyInspect).join(', ')}]`;
  if (isHash(v)) return `{${[...v].map(([k, x]) => `${rubyInspect(k)}=>${rubyInspect(x)}`).join(', ')}}`;
  if (v === DEFAULT) return ':default';
  if (v instanceof PRegexp) return `/${v.source}/`;
  if (v instanceof PSensitive) return '#<Sensitive [value redacted]>';
  if (v instanceof PBinary) return rubyQuote(v.toBase64());
  if (v instanceof PType) return v.toString();
  return toPString(v);
}

function toInteger(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof PFloat) return v.value < 0 ? Math.ceil(v.value) : Math.floor(v.value);
  if (typeof v === 'string') {
    const n = parseNumeric(v.replace(/_/g, ''));
    if (n === undefined || !(typeof n === 'number')) throw new FormatError(`invalid value for Integer(): ${rubyQuote(v)}`);
    return n;
  }
  if (v === undefined) throw new FormatError("can't convert nil into Integer");
  throw new FormatError(`can't convert ${rubyClassName(v)} into Integer`);
}

function toFloat(v: Value): number {
  if (isNumber(v)) return numValue(v);
  if (typeof v === 'string') {
    const n = parseNumeric(v.replace(/_/g, ''));
    if (n === undefined) throw new FormatError(`invalid value for Float(): ${rubyQuote(v)}`);
    return numValue(n);
  }
  if (v === undefined) throw new FormatError("can't convert nil into Float");
  throw new FormatError(`can't convert ${rubyClassName(v)} into Float`);
}

function rubyClassName(v: Value): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return 'Array';
  if (isHash(v)) return 'Hash';
  return 'Object';
}

/** Digits of a negative number in Ruby's two's-complement notation ("..f01" for -255 in hex). */
function negativeRadix(n: number, base: number): string {
  const abs = -n;
  let k = 0;
  while (base ** k < abs) k++;
  const max = (base - 1).toString(base);
  let digits = k ? (base ** k - abs).toString(base).padStart(k, '0') : '';
  while (digits.startsWith(max)) digits = digits.slice(1);
  return `..${max}${digits}`;
}

/** toFixed with C's rounding: an exact tie rounds to even (2.25 → "2.2"), where JS rounds up. */
export function cFixed(x: number, prec: number): string {
  const s = x.toFixed(prec);
  if (prec > 70) return s;
  const exact = x.toFixed(Math.min(100, prec + 30));
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + prec);
  if (!/^50*$/.test(rest)) return s;
  const kept = exact.slice(0, dot + 1 + prec).replace(/\.$/, '');
  const last = Number(kept[kept.length - 1]);
  return last % 2 === 0 ? kept : s;
}

/** C's %g: the shorter of %e and %f by the exponent, trailing zeros removed unless `alt`. */
function formatG(x: number, prec: number, alt: boolean, upper: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (x === 0) return alt ? (0).toFixed(p - 1) : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toExponential(p - 1)))));
  let s: string;
  if (exp < -4 || exp >= p) {
    s = expForm(x, p - 1);
    if (!alt) s = s.replace(/\.?0+e/, 'e');
  } else {
    s = cFixed(x, Math.max(0, p - 1 - exp));
    if (!alt && s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  return upper ? s.toUpperCase() : s;
}

function expForm(x: number, prec: number): string {
  return x.toExponential(prec).replace(/e([+-])(\d)$/, 'e$10$2');
}

interface Spec { flags: string; width?: number; prec?: number; conv: string }

/** One directive applied to one value. */
export function formatOne(spec: Spec, v: Value): string {
  const { flags, conv } = spec;
  const left = flags.includes('-'), alt = flags.includes('#'), zero = flags.includes('0') && !left;
  const plus = flags.includes('+'), space = flags.includes(' ');
  let body: string;
  let sign = '';
  let numeric = false;
  switch (conv) {
    case 's': case 'p': {
      body = conv === 's' ? rubyToS(v) : rubyInspect(v);
      if (spec.prec !== undefined) body = [...body].slice(0, spec.prec).join('');
      break;
    }
    case 'c': {
      if (typeof v === 'string') {
        if ([...v].length !== 1) throw new FormatError('%c requires a character');
        body = v;
      } else body = String.fromCodePoint(toInteger(v));
      break;
    }
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'b': case 'B': {
      numeric = true;
      const n = toInteger(v);
      const base = conv === 'x' || conv === 'X' ? 16 : conv === 'o' ? 8 : conv === 'b' || conv === 'B' ? 2 : 10;
      const explicitSign = plus || space || base === 10;
      if (n < 0 && explicitSign) { sign = '-'; body = (-n).toString(base); }
      else if (n < 0) body = negativeRadix(n, base);
      else { body = n.toString(base); if (plus) sign = '+'; else if (space) sign = ' '; }
      if (spec.prec !== undefined && !body.startsWith('..')) body = body.padStart(spec.prec, '0');
      if (alt && n !== 0) {
        const prefix = ({ x: '0x', X: '0X', o: '0', b: '0b', B: '0B' } as Record<string, string>)[conv] ?? '';
        sign += prefix;
      }
      if (conv === 'X') body = body.toUpperCase();
      break;
    }
    case 'f': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A': {
      numeric = true;
      const x = toFloat(v);
      const prec = spec.prec ?? 6;
      if (!isFinite(x)) body = isNaN(x) ? 'NaN' : 'Inf';
      else if (conv === 'f') body = cFixed(Math.abs(x), prec);
      else if (conv === 'e' || conv === 'E') { body = expForm(Math.abs(x), prec); if (conv === 'E') body = body.toUpperCase(); }
      else body = formatG(Math.abs(x), prec, alt, conv === 'G');
      if (alt && conv === 'f' && prec === 0) body += '.';
      if (x < 0 || Object.is(x, -0)) sign = '-';
      else if (plus) sign = '+';
      else if (space) sign = ' ';
      break;
    }
    default:
      throw new FormatError(`malformed format string - %${conv}`);
  }
  const w = spec.width ?? 0;
  const len = [...sign].length + [...body].length;
  if (len >= w) return sign + body;
  if (left) return sign + body + ' '.repeat(w - len);
  // Zero padding applies to numbers without a precision (as in C).
  if (zero && numeric && (spec.prec === undefined || !/[dixXobBu]/.test(conv))) return sign + '0'.repeat(w - len) + body;
  return ' '.repeat(w - len) + sign + body;
}

const DIRECTIVE = /%([-+ 0#]*)(\d+|\*)?(?:\.(\d+|\*))?([a-zA-Z%])|%<(\w+)>([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z])|%\{(\w+)\}/g;

/** Ruby's format(fmt, *args). Puppet passes undef at the top level as ''. */
export function kernelFormat(fmt: string, args: Value[]): string {
  let ai = 0;
  const next = (): Value => {
    if (ai >= args.length) throw new FormatError('too few arguments');
    return args[ai++];
  };
  return fmt.replace(DIRECTIVE, (_all, flags: string | undefined, width: string | undefined, prec: string | undefined, conv: string | undefined,
    name?: string, nflags?: string, nwidth?: string, nprec?: string, nconv?: string, bname?: string) => {
    if (bname !== undefined || name !== undefined) {
      const h = args[0];
      if (!isHash(h)) throw new FormatError('one hash required');
      const key = bname ?? name!;
      if (!h.has(key)) throw new FormatError(`key<${key}> not found`);
      const v = h.get(key);
      if (bname !== undefined) return rubyToS(v);
      return formatOne({ flags: nflags ?? '', width: nwidth ? Number(nwidth) : undefined, prec: nprec ? Number(nprec) : undefined, conv: nconv! }, v);
    }
    if (conv === '%') return '%';
    let w: number | undefined;
    let f = flags ?? '';
    if (width === '*') { w = toInteger(next()); if (w < 0) { f += '-'; w = -w; } } else if (width) w = Number(width);
    const p = prec === '*' ? toInteger(next()) : prec !== undefined ? Number(prec) : undefined;
    return formatOne({ flags: f, width: w, prec: p, conv: conv! }, next());
  });
}
