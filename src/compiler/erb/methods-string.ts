// String methods. JS strings are immutable, so Ruby's mutating methods
// (<<, gsub!, strip!, ...) are in STRING_MUTATORS: they compute the new
// string and the interpreter stores it back into the variable that held it.
import { rubyFormat } from './format.js';
import { Enumerator } from './methods-enum.js';
import { execAt, expandReplacement, makeRegexp, regexpEscape } from './regexp.js';
import { argError, checkArgs, MatchData, typeError, type Block, type Ctx } from './runtime.js';
import {
  classNameOf, compare, ErbFloat, ErbRange, ErbRegexp, hashGet, inspect, inspectString, isNil, rEqual, sym, toS,
  type ErbValue,
} from './values.js';

export type StrImpl = (ctx: Ctx, self: string, args: ErbValue[], block: Block | null) => ErbValue;

export function implicitName(v: ErbValue): string {
  return isNil(v) ? 'nil' : v === true ? 'true' : v === false ? 'false' : classNameOf(v);
}

/** Templates render config files: refuse to build absurdly large values. */
export const MAX_VALUE_SIZE = 64 * 1024 * 1024;
export function checkSize(n: number): void {
  if (n > MAX_VALUE_SIZE) throw argError(`argument too big (a value of ${n} elements or characters)`);
}

export function strArg(v: ErbValue): string {
  if (typeof v === 'string') return v;
  throw typeError(`no implicit conversion of ${implicitName(v)} into String`);
}

export function intArg(v: ErbValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof ErbFloat) return Math.trunc(v.value);
  throw typeError(`no implicit conversion of ${implicitName(v)} into Integer`);
}

const WS = ' \t\n\v\f\r\0';
const lstrip = (s: string) => {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i])) i++;
  return s.slice(i);
};
const rstrip = (s: string) => {
  let e = s.length;
  while (e > 0 && WS.includes(s[e - 1])) e--;
  return s.slice(0, e);
};
const capitalize = (s: string) => (s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s);
const swapcase = (s: string) => s.replace(/[a-zA-Z]/g, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
function chomp(s: string, arg?: ErbValue): string {
  if (arg === undefined) {
    if (s.endsWith('\r\n')) return s.slice(0, -2);
    if (s.endsWith('\n') || s.endsWith('\r')) return s.slice(0, -1);
    return s;
  }
  if (isNil(arg)) return s;
  const suf = strArg(arg);
  if (suf === '') return s.replace(/(\r?\n)+$/, '');
  return s.endsWith(suf) ? s.slice(0, -suf.length) : s;
}

/** A pattern argument: a Regexp, or a String matched literally. */
export function toPattern(v: ErbValue): ErbRegexp {
  if (v instanceof ErbRegexp) return v;
  return makeRegexp(regexpEscape(strArg(v)), '');
}

export function matchAt(ctx: Ctx, re: ErbRegexp, s: string, pos = 0): MatchData | null {
  const m = execAt(re, s, pos);
  ctx.lastMatch = m ? new MatchData(m, s) : null;
  return ctx.lastMatch;
}

function gsub(ctx: Ctx, s: string, args: ErbValue[], block: Block | null, global: boolean): string {
  checkArgs(global ? 'gsub' : 'sub', args, block ? 1 : 2, 2);
  const re = toPattern(args[0]);
  let out = '';
  let pos = 0;
  let last = 0;
  while (pos <= s.length) {
    const m = execAt(re, s, pos);
    if (!m) break;
    out += s.slice(last, m.index);
    let rep: string;
    if (args.length === 2) {
      const r = args[1];
      if (r instanceof Map) rep = toS(hashGet(r, m[0]));
      else rep = expandReplacement(strArg(r), m, s);
    } else {
      ctx.lastMatch = new MatchData(m, s);
      rep = toS(block!.call([m[0]]));
    }
    out += rep;
    last = m.index + m[0].length;
    if (m[0].length === 0) {
      if (m.index < s.length) out += s[m.index];
      last = m.index + 1;
      pos = m.index + 1;
    } else pos = last;
    if (!global) break;
  }
  if (last < s.length) out += s.slice(last);
  return out;
}

function split(s: string, args: ErbValue[]): ErbValue[] {
  checkArgs('split', args, 0, 2);
  const limit = args.length > 1 ? intArg(args[1]) : 0;
  const pat = args[0];
  let parts: string[];
  if (isNil(pat) || pat === ' ') {
    const t = lstrip(s);
    if (t === '') return [];
    if (limit > 0) {
      parts = [];
      let rest = t;
      while (parts.length < limit - 1) {
        const m = /[ \t\n\v\f\r]+/.exec(rest);
        if (!m) break;
        parts.push(rest.slice(0, m.index));
        rest = rest.slice(m.index + m[0].length);
        if (rest === '') break;
      }
      parts.push(rest);
      return parts;
    }
    parts = t.split(/[ \t\n\v\f\r]+/);
  } else {
    const re = pat instanceof ErbRegexp ? pat : null;
    const str = re ? null : strArg(pat);
    if (str === '' || (re && re.source === '')) {
      parts = Array.from(s);
      if (limit > 0 && parts.length > limit) parts = parts.slice(0, limit - 1).concat(parts.slice(limit - 1).join(''));
    } else {
      parts = [];
      const r = re ?? toPattern(str!);
      let pos = 0;
      let start = 0;
      while (pos <= s.length) {
        if (limit > 0 && parts.length >= limit - 1) break;
        const m = execAt(r, s, pos);
        if (!m) break;
        if (m[0].length === 0) {
          if (m.index >= s.length) break;
          if (m.index === start) {
            pos = m.index + 1;
            continue;
          }
        }
        parts.push(s.slice(start, m.index));
        for (let g = 1; g < m.length; g++) if (m[g] !== undefined) parts.push(m[g]);
        start = m.index + m[0].length;
        pos = m[0].length === 0 ? m.index + 1 : start;
      }
      parts.push(s.slice(start));
    }
  }
  if (limit === 0) while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** tr/delete/count character sets: ranges a-z, ^ negation. */
function expandSet(spec: string): { chars: string[]; neg: boolean } {
  let neg = false;
  if (spec.length > 1 && spec[0] === '^') {
    neg = true;
    spec = spec.slice(1);
  }
  const chars: string[] = [];
  const cs = Array.from(spec);
  for (let i = 0; i < cs.length; i++) {
    if (cs[i] === '\\' && i + 1 < cs.length) {
      chars.push(cs[++i]);
    } else if (i + 2 < cs.length && cs[i + 1] === '-') {
      const a = cs[i].codePointAt(0)!, b = cs[i + 2].codePointAt(0)!;
      if (a > b) throw argError(`invalid range "${cs[i]}-${cs[i + 2]}" in string transliteration`);
      for (let c = a; c <= b; c++) chars.push(String.fromCodePoint(c));
      i += 2;
    } else chars.push(cs[i]);
  }
  return { chars, neg };
}

function tr(s: string, from: string, to: string, squeeze = false): string {
  const f = expandSet(from);
  const t = expandSet(to).chars;
  let out = '';
  let lastRep: string | null = null;
  for (const c of s) {
    const idx = f.chars.indexOf(c);
    const hit = f.neg ? idx < 0 : idx >= 0;
    if (!hit) {
      out += c;
      lastRep = null;
      continue;
    }
    if (t.length === 0) continue;
    const rep = f.neg ? t[t.length - 1] : t[Math.min(idx, t.length - 1)];
    if (squeeze && rep === lastRep) continue;
    out += rep;
    lastRep = rep;
  }
  return out;
}

function inSets(c: string, sets: { chars: string[]; neg: boolean }[]): boolean {
  return sets.every((st) => (st.chars.includes(c) ? !st.neg : st.neg));
}

export function strToI(s: string, base = 10): number {
  const t = lstrip(s).replace(/(\d)_(?=\d)/g, '$1');
  const digits = base === 16 ? '[0-9a-fA-F]' : base === 8 ? '[0-7]' : base === 2 ? '[01]' : '\\d';
  const prefix = base === 16 ? '(?:0[xX])?' : base === 2 ? '(?:0[bB])?' : base === 8 ? '(?:0[oO]?)?' : '';
  const m = new RegExp(`^([+-]?)${prefix}(${digits}+)`).exec(t);
  if (!m) return 0;
  const v = parseInt(m[2], base);
  return m[1] === '-' ? -v : v;
}

export function strToF(s: string): number {
  const m = /^[+-]?(\d[\d_]*)?(\.\d+)?([eE][+-]?\d+)?/.exec(lstrip(s));
  if (!m || !m[0] || m[0] === '+' || m[0] === '-') return 0;
  const v = parseFloat(m[0].replace(/_/g, ''));
  return Number.isNaN(v) ? 0 : v;
}

function index(ctx: Ctx, s: string, args: ErbValue[], reverse: boolean): ErbValue {
  checkArgs(reverse ? 'rindex' : 'index', args, 1, 2);
  const pat = args[0];
  if (pat instanceof ErbRegexp) {
    if (reverse) {
      let found: number | undefined;
      const lim = args.length > 1 ? intArg(args[1]) : s.length;
      for (let p = 0; p <= lim; p++) {
        const m = execAt(pat, s, p);
        if (!m || m.index > lim) break;
        found = m.index;
        p = m.index;
      }
      return found;
    }
    const m = matchAt(ctx, pat, s, args.length > 1 ? intArg(args[1]) : 0);
    return m ? m.m.index : undefined;
  }
  const sub = strArg(pat);
  let r: number;
  if (reverse) r = s.lastIndexOf(sub, args.length > 1 ? intArg(args[1]) : Infinity);
  else {
    let start = args.length > 1 ? intArg(args[1]) : 0;
    if (start < 0) start += s.length;
    r = s.indexOf(sub, start);
  }
  return r < 0 ? undefined : r;
}

function justify(s: string, args: ErbValue[], how: 'l' | 'r' | 'c'): string {
  checkArgs('ljust', args, 1, 2);
  const w = intArg(args[0]);
  const padStr = args.length > 1 ? strArg(args[1]) : ' ';
  if (padStr === '') throw argError('zero width padding');
  const len = Array.from(s).length;
  if (w <= len) return s;
  checkSize(w);
  const fill = (n: number) => padStr.repeat(Math.ceil(n / padStr.length)).slice(0, n);
  const total = w - len;
  if (how === 'l') return s + fill(total);
  if (how === 'r') return fill(total) + s;
  const left = Math.floor(total / 2);
  return fill(left) + s + fill(total - left);
}

export function strIndex(ctx: Ctx, s: string, args: ErbValue[]): ErbValue {
  checkArgs('[]', args, 1, 2);
  const a = args[0];
  const chars = Array.from(s);
  if (args.length === 2) {
    if (a instanceof ErbRegexp) {
      const m = matchAt(ctx, a, s);
      if (!m) return undefined;
      return typeof args[1] === 'string' ? m.named(args[1]) : m.group(intArg(args[1]));
    }
    let start = intArg(a);
    const len = intArg(args[1]);
    if (start < 0) start += chars.length;
    if (start < 0 || start > chars.length || len < 0) return undefined;
    return chars.slice(start, start + len).join('');
  }
  if (typeof a === 'number' || a instanceof ErbFloat) {
    let i = intArg(a);
    if (i < 0) i += chars.length;
    return i >= 0 && i < chars.length ? chars[i] : undefined;
  }
  if (a instanceof ErbRange) {
    const r = rangeBounds(a, chars.length);
    if (!r) return undefined;
    return chars.slice(r[0], r[0] + r[1]).join('');
  }
  if (typeof a === 'string') return s.includes(a) ? a : undefined;
  if (a instanceof ErbRegexp) {
    const m = matchAt(ctx, a, s);
    return m ? m.group(0) : undefined;
  }
  throw typeError(`no implicit conversion of ${implicitName(a)} into Integer`);
}

/** [start, length] of a range over a sequence of `len` items, or null when out of bounds. */
export function rangeBounds(r: ErbRange, len: number): [number, number] | null {
  let b = isNil(r.begin) ? 0 : intArg(r.begin);
  let e = isNil(r.end) ? -1 : intArg(r.end);
  const excl = isNil(r.end) ? false : r.exclusive;
  if (b < 0) b += len;
  if (b < 0 || b > len) return null;
  if (e < 0) e += len;
  let n = e - b + (excl ? 0 : 1);
  if (n < 0) n = 0;
  if (b + n > len) n = len - b;
  return [b, n];
}

export const STRING: Record<string, StrImpl> = {
  length: (_c, s) => Array.from(s).length,
  size: (_c, s) => Array.from(s).length,
  bytesize: (_c, s) => Buffer.byteLength(s, 'utf8'),
  to_s: (_c, s) => s,
  to_str: (_c, s) => s,
  inspect: (_c, s) => inspectString(s),
  dump: (_c, s) => inspectString(s),
  to_sym: (_c, s) => sym(s),
  intern: (_c, s) => sym(s),
  to_i: (_c, s, a) => strToI(s, a.length ? intArg(a[0]) : 10),
  to_f: (_c, s) => new ErbFloat(strToF(s)),
  hex: (_c, s) => strToI(s, 16),
  oct: (_c, s) => strToI(s, 8),
  upcase: (_c, s) => s.toUpperCase(),
  downcase: (_c, s) => s.toLowerCase(),
  capitalize: (_c, s) => capitalize(s),
  swapcase: (_c, s) => swapcase(s),
  strip: (_c, s) => rstrip(lstrip(s)),
  lstrip: (_c, s) => lstrip(s),
  rstrip: (_c, s) => rstrip(s),
  chomp: (_c, s, a) => chomp(s, a[0]),
  chop: (_c, s) => (s.endsWith('\r\n') ? s.slice(0, -2) : s.slice(0, -1)),
  chr: (_c, s) => s.slice(0, 1),
  chars: (_c, s) => Array.from(s),
  bytes: (_c, s) => Array.from(Buffer.from(s, 'utf8')),
  lines: (_c, s) => s.match(/[^\n]*\n|[^\n]+$/g) ?? [],
  each_line: (_c, s, _a, b) => {
    const lines = s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    if (!b) return new Enumerator(lines, null);
    for (const l of lines) b.call([l]);
    return s;
  },
  each_char: (_c, s, _a, b) => {
    if (!b) return new Enumerator(Array.from(s), null);
    for (const ch of s) b.call([ch]);
    return s;
  },
  'empty?': (_c, s) => s.length === 0,
  reverse: (_c, s) => Array.from(s).reverse().join(''),
  ord: (_c, s) => {
    if (!s) throw argError('empty string');
    return s.codePointAt(0)!;
  },
  split: (_c, s, a) => split(s, a),
  gsub: (c, s, a, b) => gsub(c, s, a, b, true),
  sub: (c, s, a, b) => gsub(c, s, a, b, false),
  tr: (_c, s, a) => (checkArgs('tr', a, 2), tr(s, strArg(a[0]), strArg(a[1]))),
  tr_s: (_c, s, a) => (checkArgs('tr_s', a, 2), tr(s, strArg(a[0]), strArg(a[1]), true)),
  delete: (_c, s, a) => {
    const sets = a.map((x) => expandSet(strArg(x)));
    return Array.from(s).filter((ch) => !inSets(ch, sets)).join('');
  },
  squeeze: (_c, s, a) => {
    const sets = a.map((x) => expandSet(strArg(x)));
    let out = '';
    for (const ch of s) if (!(out.endsWith(ch) && (sets.length === 0 || inSets(ch, sets)))) out += ch;
    return out;
  },
  count: (_c, s, a) => {
    const sets = a.map((x) => expandSet(strArg(x)));
    return Array.from(s).filter((ch) => inSets(ch, sets)).length;
  },
  scan: (c, s, a, b) => {
    checkArgs('scan', a, 1);
    const re = toPattern(a[0]);
    const out: ErbValue[] = [];
    let pos = 0;
    while (pos <= s.length) {
      const m = execAt(re, s, pos);
      if (!m) break;
      const item: ErbValue = m.length > 1 ? m.slice(1).map((g) => (g === undefined ? undefined : g)) : m[0];
      c.lastMatch = new MatchData(m, s);
      if (b) b.call([item]);
      else out.push(item);
      pos = m[0].length === 0 ? m.index + 1 : m.index + m[0].length;
    }
    return b ? s : out;
  },
  '=~': (c, s, a) => {
    checkArgs('=~', a, 1);
    if (typeof a[0] === 'string') throw typeError("wrong argument type String (expected Regexp)");
    if (isNil(a[0])) return undefined;
    const m = matchAt(c, a[0] as ErbRegexp, s);
    return m ? m.m.index : undefined;
  },
  match: (c, s, a) => {
    checkArgs('match', a, 1, 2);
    return matchAt(c, a[0] instanceof ErbRegexp ? a[0] : makeRegexp(strArg(a[0]), ''), s, a.length > 1 ? intArg(a[1]) : 0) ?? undefined;
  },
  'match?': (_c, s, a) => {
    checkArgs('match?', a, 1, 2);
    return execAt(a[0] instanceof ErbRegexp ? a[0] : makeRegexp(strArg(a[0]), ''), s, a.length > 1 ? intArg(a[1]) : 0) !== null;
  },
  'start_with?': (c, s, a) => a.some((p) => (p instanceof ErbRegexp ? (matchAt(c, p, s)?.m.index === 0) : s.startsWith(strArg(p)))),
  'end_with?': (_c, s, a) => a.some((p) => s.endsWith(strArg(p))),
  'include?': (_c, s, a) => (checkArgs('include?', a, 1), s.includes(strArg(a[0]))),
  index: (c, s, a) => index(c, s, a, false),
  rindex: (c, s, a) => index(c, s, a, true),
  ljust: (_c, s, a) => justify(s, a, 'l'),
  rjust: (_c, s, a) => justify(s, a, 'r'),
  center: (_c, s, a) => justify(s, a, 'c'),
  '+': (_c, s, a) => (checkArgs('+', a, 1), s + strArg(a[0])),
  '*': (_c, s, a) => {
    checkArgs('*', a, 1);
    const n = intArg(a[0]);
    if (n < 0) throw argError('negative argument');
    checkSize(s.length * n);
    return s.repeat(n);
  },
  '%': (_c, s, a) => (checkArgs('%', a, 1), rubyFormat(s, Array.isArray(a[0]) ? a[0] : [a[0]])),
  '==': (_c, s, a) => rEqual(s, a[0]),
  '===': (_c, s, a) => rEqual(s, a[0]),
  'eql?': (_c, s, a) => s === a[0],
  '<=>': (_c, s, a) => (typeof a[0] === 'string' ? compare(s, a[0]) : undefined),
  '<': (_c, s, a) => compare(s, strCmpArg(a[0]))! < 0,
  '>': (_c, s, a) => compare(s, strCmpArg(a[0]))! > 0,
  '<=': (_c, s, a) => compare(s, strCmpArg(a[0]))! <= 0,
  '>=': (_c, s, a) => compare(s, strCmpArg(a[0]))! >= 0,
  'between?': (_c, s, a) => compare(s, strCmpArg(a[0]))! >= 0 && compare(s, strCmpArg(a[1]))! <= 0,
  casecmp: (_c, s, a) => (typeof a[0] === 'string' ? compare(s.toLowerCase(), a[0].toLowerCase()) : undefined),
  'casecmp?': (_c, s, a) => (typeof a[0] === 'string' ? s.toLowerCase() === a[0].toLowerCase() : undefined),
  '[]': (c, s, a) => strIndex(c, s, a),
  slice: (c, s, a) => strIndex(c, s, a),
  freeze: (_c, s) => s,
  'frozen?': () => false,
  dup: (_c, s) => s,
  clone: (_c, s) => s,
  '+@': (_c, s) => s,
  '-@': (_c, s) => s,
  force_encoding: (_c, s) => s,
  encode: (_c, s) => s,
  unicode_normalize: (_c, s) => s.normalize('NFC'),
  'ascii_only?': (_c, s) => /^[\x00-\x7f]*$/.test(s),
  'valid_encoding?': () => true,
  succ: (_c, s) => succ(s),
  next: (_c, s) => succ(s),
  'delete_prefix': (_c, s, a) => (s.startsWith(strArg(a[0])) ? s.slice(strArg(a[0]).length) : s),
  'delete_suffix': (_c, s, a) => (s.endsWith(strArg(a[0])) && strArg(a[0]) !== '' ? s.slice(0, -strArg(a[0]).length) : s),
  to_json: (_c, s) => JSON.stringify(s),
  shellescape: (_c, s) => (s === '' ? "''" : s.replace(/[^A-Za-z0-9_\-.,:+\/@\n]/g, '\\$&').replace(/\n/g, "'\n'")),
  upto: (_c, s, a, b) => {
    let cur = s;
    const end = strArg(a[0]);
    for (let i = 0; i < 100000; i++) {
      b!.call([cur]);
      if (cur === end || cur.length > end.length) break;
      cur = succ(cur);
    }
    return s;
  },
};

function strCmpArg(v: ErbValue): string {
  if (typeof v === 'string') return v;
  throw argError(`comparison of String with ${isNil(v) ? 'nil' : inspect(v)} failed`);
}

function succ(s: string): string {
  if (s === '') return '';
  const cs = s.split('');
  let i = cs.length - 1;
  if (!/[A-Za-z0-9]/.test(s)) {
    cs[i] = String.fromCharCode(cs[i].charCodeAt(0) + 1);
    return cs.join('');
  }
  while (i >= 0) {
    const c = cs[i];
    if (!/[A-Za-z0-9]/.test(c)) {
      i--;
      continue;
    }
    if (c === 'z') cs[i] = 'a';
    else if (c === 'Z') cs[i] = 'A';
    else if (c === '9') cs[i] = '0';
    else {
      cs[i] = String.fromCharCode(c.charCodeAt(0) + 1);
      return cs.join('');
    }
    const carry = c === 'z' ? 'a' : c === 'Z' ? 'A' : '1';
    let j = i - 1;
    while (j >= 0 && !/[A-Za-z0-9]/.test(cs[j])) j--;
    if (j < 0) {
      cs.splice(i, 0, carry);
      return cs.join('');
    }
    i = j;
  }
  return cs.join('');
}

/** Mutating methods: [new string, return value]. */
export const STRING_MUTATORS: Record<string, (ctx: Ctx, s: string, args: ErbValue[], block: Block | null) => [string, ErbValue]> = {
  '<<': (_c, s, a) => {
    checkArgs('<<', a, 1);
    const v = typeof a[0] === 'number' ? String.fromCodePoint(a[0]) : strArg(a[0]);
    return [s + v, s + v];
  },
  concat: (_c, s, a) => {
    const v = s + a.map(strArg).join('');
    return [v, v];
  },
  prepend: (_c, s, a) => {
    const v = a.map(strArg).join('') + s;
    return [v, v];
  },
  replace: (_c, _s, a) => [strArg(a[0]), strArg(a[0])],
  insert: (_c, s, a) => {
    let i = intArg(a[0]);
    if (i < 0) i += s.length + 1;
    const v = s.slice(0, i) + strArg(a[1]) + s.slice(i);
    return [v, v];
  },
};
for (const name of ['gsub', 'sub', 'strip', 'lstrip', 'rstrip', 'chomp', 'chop', 'upcase', 'downcase', 'capitalize', 'swapcase', 'squeeze', 'tr', 'delete', 'reverse', 'succ', 'next']) {
  STRING_MUTATORS[name + '!'] = (ctx, s, args, block) => {
    const v = STRING[name](ctx, s, args, block) as string;
    return [v, v === s ? undefined : v];
  };
}

// Method names come from templates: no inherited Object.prototype members.
Object.setPrototypeOf(STRING, null);
Object.setPrototypeOf(STRING_MUTATORS, null);
