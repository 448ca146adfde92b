// Timestamp and Timespan as Puppet 7 has them (P: lib/puppet/pops/time/):
// exact nanoseconds, Ruby's strftime for Timestamps (with a timezone),
// Puppet's own format language for Timespans (%D %H %M %S %L %N, the
// largest unit holding the total), parsing both, and their arithmetic.
import { PFloat, PTimespan, PTimestamp, hashGet, isHash, isNumber, numValue, type Value } from '../types/values.js';

export class TimeError extends Error {}

const NS = 1_000_000_000n;
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ZONES: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, UT: 0, EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7,
  CET: 1, CEST: 2, EET: 2, EEST: 3, WET: 0, WEST: 1, BST: 1, JST: 9,
};

/** A timezone's offset in seconds (DateTime._strptime(tz, '%z') accepts these). */
export function utcOffset(tz: string): number {
  if (tz.toLowerCase() === 'current') return -new Date().getTimezoneOffset() * 60;
  const z = ZONES[tz.toUpperCase()];
  if (z !== undefined) return z * 3600;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(tz);
  if (!m || Number(m[2]) > 23) throw new TimeError(`Illegal timezone '${tz}'`);
  const s = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -s : s;
}

function pad(n: number | string, width: number, flag: string | undefined, dflt: '0' | ' '): string {
  const s = String(n);
  if (flag === '-') return s;
  const ch = flag === '_' ? ' ' : flag === '0' ? '0' : dflt;
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  return (neg ? '-' : '') + body.padStart(width - (neg ? 1 : 0), ch);
}

function isoWeek(d: Date): { year: number; week: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const y0 = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  return { year: t.getUTCFullYear(), week: Math.ceil(((t.getTime() - y0.getTime()) / 86400000 + 1) / 7) };
}

/** Ruby's Time#strftime for a time `offset` seconds east of UTC (zone name only for UTC). */
export function strftime(ts: PTimestamp, fmt: string, timezone?: string): string {
  const offset = timezone === undefined || timezone === '' ? 0 : utcOffset(timezone);
  const zoneName = timezone === undefined || timezone === '' ? 'UTC' : '';
  const local = ts.sec + offset;
  const d = new Date(local * 1000);
  const Y = d.getUTCFullYear(), mo = d.getUTCMonth(), day = d.getUTCDate(), H = d.getUTCHours(), M = d.getUTCMinutes(), S = d.getUTCSeconds();
  const wday = d.getUTCDay();
  const yday = Math.floor((Date.UTC(Y, mo, day) - Date.UTC(Y, 0, 1)) / 86400000) + 1;
  const one = (flag: string | undefined, width: string | undefined, colons: string, conv: string): string | undefined => {
    const w = width ? Number(width) : undefined;
    const num = (n: number, dw: number, dp: '0' | ' ' = '0') => pad(n, w ?? dw, flag, dp);
    const txt = (s: string) => {
      let r = flag === '^' ? s.toUpperCase() : flag === '#' ? (s === s.toUpperCase() ? s.toLowerCase() : s.toUpperCase()) : s;
      if (w !== undefined) r = r.padStart(w, flag === '0' ? '0' : ' ');
      return r;
    };
    switch (conv) {
      case 'Y': return w !== undefined ? num(Y, w) : String(Y);
      case 'C': return num(Math.floor(Y / 100), 2);
      case 'y': return num(Y % 100, 2);
      case 'm': return num(mo + 1, 2);
      case 'B': return txt(MONTHS[mo]);
      case 'b': case 'h': return txt(MONTHS[mo].slice(0, 3));
      case 'd': return num(day, 2);
      case 'e': return num(day, 2, ' ');
      case 'j': return num(yday, 3);
      case 'H': return num(H, 2);
      case 'k': return num(H, 2, ' ');
      case 'I': return num(H % 12 || 12, 2);
      case 'l': return num(H % 12 || 12, 2, ' ');
      case 'P': return txt(H < 12 ? 'am' : 'pm');
      case 'p': return flag === '#' ? (H < 12 ? 'am' : 'pm') : txt(H < 12 ? 'AM' : 'PM');
      case 'M': return num(M, 2);
      case 'S': return num(S, 2);
      case 'L': case 'N': {
        const digits = w ?? (conv === 'L' ? 3 : 9);
        const frac = String(ts.nsec).padStart(9, '0');
        return digits <= 9 ? frac.slice(0, digits) : frac.padEnd(digits, '0');
      }
      case 's': return String(ts.sec);
      case 'z': {
        const sign = offset < 0 ? '-' : '+';
        const a = Math.abs(offset), hh = String(Math.floor(a / 3600)).padStart(2, '0'), mm = String(Math.floor(a / 60) % 60).padStart(2, '0');
        const ss = String(a % 60).padStart(2, '0');
        return sign + (colons === ':' ? `${hh}:${mm}` : colons === '::' ? `${hh}:${mm}:${ss}` : `${hh}${mm}`);
      }
      case 'Z': return txt(zoneName);
      case 'A': return txt(DAYS[wday]);
      case 'a': return txt(DAYS[wday].slice(0, 3));
      case 'u': return String(wday || 7);
      case 'w': return String(wday);
      case 'U': return num(Math.floor((yday - 1 - wday + 7) / 7), 2);
      case 'W': return num(Math.floor((yday - 1 - ((wday + 6) % 7) + 7) / 7), 2);
      case 'G': return String(isoWeek(d).year);
      case 'g': return num(isoWeek(d).year % 100, 2);
      case 'V': return num(isoWeek(d).week, 2);
      case 'D': case 'x': return strftime(ts, '%m/%d/%y', timezone);
      case 'F': return `${Y}-${num(mo + 1, 2)}-${num(day, 2)}`.replace(/^/, '');
      case 'T': case 'X': return strftime(ts, '%H:%M:%S', timezone);
      case 'R': return strftime(ts, '%H:%M', timezone);
      case 'r': return strftime(ts, '%I:%M:%S %p', timezone);
      case 'c': return strftime(ts, '%a %b %e %H:%M:%S %Y', timezone);
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
    }
    return undefined;
  };
  return fmt.replace(/%([-_0^#])?(\d+)?(:{0,2})([a-zA-Z%])/g, (all, flag?: string, width?: string, colons = '', conv = '') => one(flag, width, colons, conv) ?? all);
}

// ---- Timespan formats ----

type Seg = { lit: string } | { unit: 'D' | 'H' | 'M' | 'S' | 'L' | 'N'; pad: string | null; width?: number; total?: boolean };
const UNIT_NS: Record<string, bigint> = { D: 86400n * NS, H: 3600n * NS, M: 60n * NS, S: NS, L: 1_000_000n, N: 1n };
const DEFAULT_WIDTH: Record<string, number> = { D: 1, H: 2, M: 2, S: 2, L: 3, N: 9 };
const RANK = ['N', 'L', 'S', 'M', 'H', 'D'];

function parseFormat(fmt: string): Seg[] {
  const segs: Seg[] = [];
  let i = 0;
  let highest = -1;
  const bad = (start: number, pos: number) => new TimeError(`Bad format specifier '${fmt.slice(start, pos)}' in '${fmt}', at position ${pos}`);
  while (i < fmt.length) {
    const ch = fmt[i];
    if (ch !== '%') {
      const last = segs[segs.length - 1];
      if (last && 'lit' in last) last.lit += ch; else segs.push({ lit: ch });
      i++;
      continue;
    }
    const start = i++;
    let padc: string | null = '0';
    let width: number | undefined;
    let state = 'pad';
    for (;;) {
      if (i >= fmt.length) throw bad(start, i - 1);
      const c = fmt[i++];
      if (c === '%') { segs.push({ lit: '%' }); break; }
      if (c === '-' || c === '_') { if (state !== 'pad') throw bad(start, i - 1); padc = c === '-' ? null : ' '; state = 'width'; continue; }
      if ('DHMSLN'.includes(c)) {
        highest = Math.max(highest, RANK.indexOf(c));
        segs.push({ unit: c as 'D', pad: padc, width });
        break;
      }
      if (!/[0-9]/.test(c)) throw bad(start, i - 1);
      if (state === 'pad' && c === '0') padc = '0';
      else width = (width ?? 0) * 10 + Number(c);
      state = 'width';
    }
  }
  if (highest >= 0) {
    const u = RANK[highest];
    const s = segs.find((x) => 'unit' in x && x.unit === u) as { total?: boolean };
    s.total = true;
  }
  return segs;
}

function fmtValue(seg: Extract<Seg, { unit: string }>, n: bigint): string {
  const w = seg.width ?? DEFAULT_WIDTH[seg.unit];
  const frag = seg.unit === 'L' || seg.unit === 'N';
  let v = n.toString();
  if (frag && !seg.total && seg.pad !== '0') v = v.replace(/^([0-9]+?)0*$/, '$1');
  if (seg.pad === null) return v;
  if (frag) return v.padEnd(w, ' ');
  return v.padStart(w, seg.pad);
}

/** A Timespan in Puppet's format language (P: Timespan::Format#format). */
export function formatTimespan(ts: PTimespan, fmt: string): string {
  const ns = ts.ns < 0n ? -ts.ns : ts.ns;
  let out = ts.ns < 0n ? '-' : '';
  for (const s of parseFormat(fmt)) {
    if ('lit' in s) { out += s.lit; continue; }
    let n: bigint;
    if (s.unit === 'N') {
      const w = s.width ?? 9;
      n = ns;
      if (w < 9) { n /= 10n ** BigInt(9 - w); if (!s.total) n %= 10n ** BigInt(w); } else if (!s.total) n %= NS;
    } else {
      n = ns / UNIT_NS[s.unit];
      if (!s.total) n %= { D: n + 1n, H: 24n, M: 60n, S: 60n, L: 1000n }[s.unit]!;
    }
    out += fmtValue(s, n);
  }
  return out;
}

export const TIMESPAN_DEFAULTS = ['%D-%H:%M:%S.%-N', '%H:%M:%S.%-N', '%M:%S.%-N', '%S.%-N', '%D-%H:%M:%S', '%H:%M:%S', '%D-%H:%M', '%S'];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parses with one format; undefined when it does not match. */
function parseWith(str: string, fmt: string): PTimespan | undefined {
  const segs = parseFormat(fmt);
  let re = '^-?';
  for (const s of segs) {
    if ('lit' in s) { re += `(${escapeRe(s.lit)})`; continue; }
    const dw = DEFAULT_WIDTH[s.unit];
    if (s.width === undefined) re += s.pad === ' ' ? (s.total ? '\\s*([0-9]+)' : `([0-9\\s]{1,${dw}})`) : (s.total ? '([0-9]+)' : `([0-9]{1,${dw}})`);
    else re += s.pad === null ? `([0-9]{1,${s.width}})` : s.pad === '0' ? `([0-9]{${s.width}})` : `([0-9\\s]{${s.width}})`;
  }
  const m = new RegExp(re + '$').exec(str);
  if (!m) return undefined;
  let ns = 0n;
  segs.forEach((s, i) => {
    if ('lit' in s) return;
    const g = m[i + 1].trimStart();
    if (!/^[0-9]+$/.test(g)) throw new TimeError(`Unable to parse '${str}' using format '${fmt}'`);
    if (s.unit === 'L' || s.unit === 'N') {
      if (s.total) throw new TimeError('Format specifiers %L and %N denotes fractions and must be used together with a specifier of higher magnitude');
      const p = 9 - g.length;
      ns += p <= 0 ? BigInt(g) : BigInt(g) * 10n ** BigInt(p);
    } else ns += BigInt(g) * UNIT_NS[s.unit];
  });
  return PTimespan.fromNs(str.startsWith('-') ? -ns : ns);
}

export function parseTimespan(str: string, formats?: string[]): PTimespan {
  for (const f of formats ?? TIMESPAN_DEFAULTS) {
    const r = parseWith(str, f);
    if (r) return r;
  }
  const list = formats ?? TIMESPAN_DEFAULTS;
  if (list.length === 1) throw new TimeError(`Unable to parse '${str}' using format '${list[0]}'`);
  throw new TimeError(`Unable to parse '${str}' using any of the formats ${list.join(', ')}`);
}

const HASH_UNITS: [string, bigint][] = [['days', 86400n * NS], ['hours', 3600n * NS], ['minutes', 60n * NS], ['seconds', NS], ['milliseconds', 1_000_000n], ['microseconds', 1000n], ['nanoseconds', 1n]];

function nsOf(v: Value, unit: bigint): bigint {
  if (typeof v === 'number') return BigInt(v) * unit;
  if (v instanceof PFloat) return BigInt(Math.round(v.value * Number(unit)));
  return 0n;
}

/** Timespan.new(...): seconds, a string (with formats), or a hash of units or {string, format}. */
export function newTimespan(args: Value[]): PTimespan {
  const [v, f] = args;
  if (isNumber(v)) return new PTimespan(numValue(v));
  if (v instanceof PTimespan) return v;
  if (typeof v === 'string') return parseTimespan(v, f === undefined ? undefined : Array.isArray(f) ? f.map(String) : [String(f)]);
  if (isHash(v)) {
    const s = hashGet(v, 'string');
    if (typeof s === 'string') {
      const ff = hashGet(v, 'format');
      return parseTimespan(s, ff === undefined ? undefined : Array.isArray(ff) ? ff.map(String) : [String(ff)]);
    }
    let ns = 0n;
    for (const [k, unit] of HASH_UNITS) ns += nsOf(hashGet(v, k), unit);
    return PTimespan.fromNs(hashGet(v, 'negative') === true ? -ns : ns);
  }
  if (args.length >= 3 && args.every((x) => typeof x === 'number')) {
    // Timespan.new(days, hours, minutes, seconds[, ms, us, ns])
    let ns = 0n;
    args.forEach((x, i) => { if (i < HASH_UNITS.length) ns += nsOf(x, HASH_UNITS[i][1]); });
    return PTimespan.fromNs(ns);
  }
  throw new TimeError(`Timespan cannot be created from ${args.map(String).join(', ')}`);
}

function fracNs(frac: string | undefined): number {
  return frac ? Number(frac.slice(0, 9).padEnd(9, '0')) : 0;
}

/** Timestamp.new(...): now, seconds since the epoch, or a string in Puppet's default formats. */
export function newTimestamp(args: Value[]): PTimestamp {
  const [v, , tz] = args;
  if (v === undefined) { const ms = Date.now(); return new PTimestamp(Math.floor(ms / 1000), (ms % 1000) * 1e6); }
  if (isNumber(v)) return new PTimestamp(numValue(v));
  if (v instanceof PTimestamp) return v;
  const s = String(isHash(v) ? hashGet(v, 'string') : v);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|UTC|GMT|[A-Z]{3,4}|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) throw new TimeError(`Unable to parse '${s}' using any of the formats %FT%T.%N %Z, %FT%T %Z, %F %T.%N %Z, %F %T %Z, %F %Z, %FT%T.%N, %FT%T, %F %T.%N, %F %T, %F`);
  const sec = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)) / 1000;
  const zone = m[8] ?? (typeof tz === 'string' ? tz : undefined);
  const off = zone ? utcOffset(zone) : 0;
  return new PTimestamp(sec - off, fracNs(m[7]));
}

/** Thrown where Puppet raises NoMethodError: "Operator 'op' is not applicable to X." */
export class NotApplicable extends Error {}

function className(v: Value): string {
  if (v instanceof PTimestamp) return 'Timestamp';
  if (v instanceof PTimespan) return 'Timespan';
  if (typeof v === 'number') return 'Integer';
  if (v instanceof PFloat) return 'Float';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'boolean') return v ? 'TrueClass' : 'FalseClass';
  if (Array.isArray(v)) return 'Array';
  if (isHash(v)) return 'Hash';
  if (v === undefined) return 'NilClass';
  return 'Object';
}
const aAn = (v: Value) => { const n = className(v); return /^[AEIOU]/.test(n) ? `an ${n}` : `a ${n}`; };
const aAnUc = (v: Value) => { const s = aAn(v); return s[0].toUpperCase() + s.slice(1); };

/**
 * Arithmetic where one side is a Timestamp or Timespan (numeric strings
 * already coerced), as Puppet's evaluator and Time classes do it.
 */
export function timeArithmetic(op: string, a0: Value, b0: Value): Value {
  let a = a0, b = b0;
  if ((b instanceof PTimespan || b instanceof PTimestamp) && !(a instanceof PTimespan || a instanceof PTimestamp)) {
    if (op === '+' || (op === '*' && b instanceof PTimespan)) [a, b] = [b, a];
    else if (op === '-' && b instanceof PTimespan && isNumber(a)) a = PTimespan.fromNs(BigInt(Math.trunc(numValue(a) * 1e9)));
    else throw new NotApplicable(`Operator '${op}' is not applicable to ${aAn(a)} when right side is ${aAn(b)}.`);
  }
  const secs = (x: number | PFloat) => BigInt(Math.trunc(numValue(x) * 1e9));
  if (a instanceof PTimestamp) {
    if (op === '+') {
      if (b instanceof PTimespan) return PTimestamp.fromNs(a.ns + b.ns);
      if (isNumber(b)) return PTimestamp.fromNs(a.ns + secs(b));
      throw new TimeError(`${aAnUc(b)} cannot be added to a Timestamp`);
    }
    if (op === '-') {
      if (b instanceof PTimestamp) return PTimespan.fromNs(a.ns - b.ns);
      if (b instanceof PTimespan) return PTimestamp.fromNs(a.ns - b.ns);
      if (isNumber(b)) return PTimestamp.fromNs(a.ns - secs(b));
      throw new TimeError(`${aAnUc(b)} cannot be subtracted from a Timestamp`);
    }
    throw new NotApplicable(`Operator '${op}' is not applicable to a Timestamp.`);
  }
  const t = a as PTimespan;
  switch (op) {
    case '+':
      if (b instanceof PTimestamp) return PTimestamp.fromNs(t.ns + b.ns);
      if (b instanceof PTimespan) return PTimespan.fromNs(t.ns + b.ns);
      if (isNumber(b)) return PTimespan.fromNs(t.ns + secs(b));
      throw new TimeError(`${aAnUc(b)} cannot be added to a Timespan`);
    case '-':
      if (b instanceof PTimespan) return PTimespan.fromNs(t.ns - b.ns);
      if (isNumber(b)) return PTimespan.fromNs(t.ns - secs(b));
      throw new TimeError(`${aAnUc(b)} cannot be subtracted from a Timespan`);
    case '*':
      if (typeof b === 'number') return PTimespan.fromNs(t.ns * BigInt(b));
      if (b instanceof PFloat) return PTimespan.fromNs(BigInt(Math.trunc(Number(t.ns) * b.value)));
      throw new TimeError(`A Timestamp cannot be multiplied by ${aAn(b)}`);
    case '/':
      if (b instanceof PTimespan) return new PFloat(Number(t.ns) / Number(b.ns));
      if (typeof b === 'number') {
        if (b === 0) throw new TimeError('divided by 0');
        const q = t.ns / BigInt(b), r = t.ns % BigInt(b);
        return PTimespan.fromNs(r !== 0n && (r < 0n) !== (b < 0) ? q - 1n : q);
      }
      if (b instanceof PFloat) return PTimespan.fromNs(BigInt(Math.floor(Number(t.ns) / b.value)));
      throw new TimeError(`A Timespan cannot be divided by ${aAn(b)}`);
    case '%':
      if (typeof b === 'number') { const s = Math.trunc(t.seconds); return ((s % b) + b) % b; }
      if (b instanceof PFloat) { const s = t.seconds; return new PFloat(s - Math.floor(s / b.value) * b.value); }
      throw new TimeError(`Can not do modulus on a Timespan using ${aAn(b)}`);
  }
  throw new NotApplicable(`Operator '${op}' is not applicable to a Timespan.`);
}

/** <=> for time values; undefined when they do not compare. */
export function timeCompare(a: Value, b: Value): number | undefined {
  const ns = (x: Value): bigint | undefined => (x instanceof PTimespan || x instanceof PTimestamp ? x.ns : isNumber(x) ? BigInt(Math.round(numValue(x) * 1e9)) : undefined);
  if (!(a instanceof PTimespan || a instanceof PTimestamp || b instanceof PTimespan || b instanceof PTimestamp)) return undefined;
  if ((a instanceof PTimespan && b instanceof PTimestamp) || (a instanceof PTimestamp && b instanceof PTimespan)) return undefined;
  const x = ns(a), y = ns(b);
  if (x === undefined || y === undefined) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}
