// `String(value, format)`: Puppet's StringConverter (P: lib/puppet/pops/types/
// string_converter.rb). A format is `%<flags><width>.<prec><letter>`; a
// format map gives one per type, containers take separators, delimiters
// (`%[a`, `%(h`...) and the formats of their elements.
import type { CallInfo } from '../evaluator/context.js';
import {
  DEFAULT, PBinary, PFloat, PIterator, PRegexp, PSensitive, isHash, hashGet, type Value,
} from '../types/values.js';
import {
  AnyType, ArrayType, BinaryType, FloatType, HashType, NumericType, PType, inferType, resolve, typeNameOf,
} from '../types/types.js';
import { toPString } from '../evaluator/convert.js';
import { FormatError, formatOne, kernelFormat, rubyInspect } from './kernel-format.js';
import { formatBinary } from './binary.js';

const FMT = /^%([\s[+#0{<(|-]*)([1-9][0-9]*)?(?:\.([0-9]+))?([a-zA-Z])$/;
const DELIMS: Record<string, [string, string]> = { '[': ['[', ']'], '{': ['{', '}'], '(': ['(', ')'], '<': ['<', '>'], '|': ['|', '|'] };

class Format {
  readonly letter: string;
  readonly left: boolean;
  readonly alt: boolean;
  readonly plus: 'space' | 'plus' | 'ignore';
  readonly width?: number;
  readonly prec?: number;
  readonly delimiters?: string;
  separator?: string;
  separator2?: string;
  containerFormats?: FormatMap;

  constructor(readonly orig: string) {
    const m = FMT.exec(orig);
    if (!m) throw new FormatError(`The format '${orig}' is not a valid format on the form '%<flags><width>.<prec><format>'`);
    const flags = m[1].split('');
    if (new Set(flags).size !== flags.length) throw new FormatError(`The same flag can only be used once, got '${orig}'`);
    this.letter = m[4];
    this.left = flags.includes('-');
    this.alt = flags.includes('#');
    this.plus = flags.includes(' ') ? 'space' : flags.includes('+') ? 'plus' : 'ignore';
    const ds = flags.filter((f) => f in DELIMS);
    if (ds.length > 1) throw new FormatError(`Only one of the delimiters [ { ( < | can be given in the format flags, got '${orig}'`);
    this.delimiters = ds[0];
    this.width = m[2] ? Number(m[2]) : undefined;
    this.prec = m[3] !== undefined ? Number(m[3]) : undefined;
  }

  delimiterPair(dflt: [string, string]): [string, string] {
    if (this.delimiters) return DELIMS[this.delimiters];
    if (this.plus === 'space') return ['', ''];
    return dflt;
  }
}

type FormatMap = [PType, Format][];

function fmt(s: string, sep?: string, sep2?: string, inner?: FormatMap): Format {
  const f = new Format(s);
  f.separator = sep; f.separator2 = sep2; f.containerFormats = inner;
  return f;
}

const DEFAULT_CONTAINER: FormatMap = [[new AnyType(), fmt('%p')]];
const DEFAULTS: FormatMap = [
  [new FloatType(), fmt('%f')],
  [new NumericType(), fmt('%d')],
  [new ArrayType(), fmt('%a', ', ', ', ', DEFAULT_CONTAINER)],
  [new HashType(), fmt('%h', ', ', ' => ', DEFAULT_CONTAINER)],
  [new BinaryType(), fmt('%B')],
  [new AnyType(), fmt('%s')],
];

function mergeFormat(lower: Format | undefined, higher: Format | undefined): Format {
  if (!lower || !higher) return (lower ?? higher)!;
  const r = new Format(higher.orig);
  r.separator = higher.separator ?? lower.separator;
  r.separator2 = higher.separator2 ?? lower.separator2;
  r.containerFormats = mergeMaps(lower.containerFormats, higher.containerFormats);
  return r;
}

function mergeMaps(lower: FormatMap | undefined, higher: FormatMap | undefined): FormatMap | undefined {
  if (!lower || !higher) return lower ?? higher;
  // A user's broader type replaces the defaults it covers.
  const kept = lower.filter(([lk]) => !higher.some(([hk]) => !hk.equals(lk) && hk.isAssignable(lk)));
  const out: FormatMap = [];
  for (const [k, f] of [...kept, ...higher]) {
    if (out.some(([x]) => x.equals(k))) continue;
    const lo = kept.find(([x]) => x.equals(k))?.[1];
    const hi = higher.find(([x]) => x.equals(k))?.[1];
    out.push([k, mergeFormat(lo, hi)]);
  }
  return out;
}

/** The format of the most specific type the value is an instance of (P: sort_formats, then the first match). */
function getFormat(v: Value, map: FormatMap): Format {
  let best: [PType, Format] | undefined;
  for (const e of map) {
    if (!e[0].isInstance(v)) continue;
    if (!best || (best[0].isAssignable(e[0]) && !e[0].isAssignable(best[0]))) best = e;
  }
  return best ? best[1] : new Format('%s');
}

function userMap(c: CallInfo, h: Value): FormatMap {
  if (!isHash(h)) throw new FormatError(`expected a hash with type to format mappings, got instance of '${typeNameOf(h)}'`);
  const out: FormatMap = [];
  for (const [k, v] of h) {
    if (!(k instanceof PType)) throw new FormatError(`top level keys in the format hash must be data types, got instance of '${typeNameOf(k)}'`);
    if (isHash(v)) {
      for (const key of v.keys()) {
        if (!['separator', 'separator2', 'format', 'string_formats'].includes(String(key))) {
          throw new FormatError(`only 'separator', 'separator2', 'format', 'string_formats' are allowed in a container format, got ${toPString(v)}`);
        }
      }
      const sf = hashGet(v, 'string_formats');
      const f = new Format(toPString(hashGet(v, 'format')));
      const sep = hashGet(v, 'separator'), sep2 = hashGet(v, 'separator2');
      f.separator = sep === undefined ? undefined : toPString(sep);
      f.separator2 = sep2 === undefined ? undefined : toPString(sep2);
      f.containerFormats = sf === undefined ? undefined : userMap(c, sf);
      out.push([resolve(k), f]);
    } else out.push([resolve(k), new Format(toPString(v))]);
  }
  return out;
}

function illegal(type: string, f: Format, allowed: string): FormatError {
  return new FormatError(`Illegal format '${f.letter}' specified for value of ${type} type - expected one of the characters '${allowed}'`);
}

/** Kernel.format('%<flags><width>.<prec>s', s) when any of them is given. */
function stringFlags(f: Format, s: string): string {
  if (!f.left && f.width === undefined && f.prec === undefined) return s;
  return formatOne({ flags: f.left ? '-' : '', width: f.width, prec: f.prec, conv: 's' }, s);
}

/** Puppet's quoting: single quotes, or double quotes with escapes when needed. */
export function puppetQuote(s: string, double = false): string {
  if (!double) {
    let out = "'";
    let escaped = false;
    for (const ch of s) {
      if (ch.codePointAt(0)! < 0x20) return puppetQuote(s, true);
      if (escaped) { out += '\\' + ch; escaped = false; }
      else if (ch === "'") out += "\\'";
      else if (ch === '\\') escaped = true;
      else out += ch;
    }
    if (escaped) out += '\\';
    return out + "'";
  }
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '"') out += '\\"';
    else if (ch === '$') out += '\\$';
    else if (ch === '\\') out += '\\\\';
    else if (cp < 0x20) out += `\\u{${cp.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return out + '"';
}

function isContainer(v: Value): boolean {
  return Array.isArray(v) || isHash(v);
}

function rubyCapitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s;
}

function convert(v: Value, map: FormatMap, level: number): string {
  if (v instanceof PIterator) return convert(v.values, map, level);
  const f = getFormat(v, map);
  const L = f.letter;
  if (v === undefined) {
    const s = ({ n: f.alt ? 'null' : 'nil', u: f.alt ? 'undefined' : 'undef', v: 'n/a', V: 'N/A', s: f.alt ? '""' : '', p: f.alt ? '"undef"' : 'undef' } as Record<string, string>)[L]
      ?? ('dxXobBeEfgGaA'.includes(L) ? 'NaN' : undefined);
    if (s === undefined) throw illegal('Undef', f, 'nudxXobBeEfgGaAvVsp');
    return stringFlags(f, s);
  }
  if (v === DEFAULT) {
    if ('dsp'.includes(L)) return stringFlags(f, f.alt ? '"default"' : 'default');
    if (L === 'D') return stringFlags(f, f.alt ? '"Default"' : 'Default');
    throw illegal('Default', f, 'dDsp');
  }
  if (typeof v === 'boolean') {
    const pick = (s: string) => stringFlags(f, f.alt ? s[0] : s);
    switch (L) {
      case 't': return pick(String(v));
      case 'T': return pick(v ? 'True' : 'False');
      case 'y': return pick(v ? 'yes' : 'no');
      case 'Y': return pick(v ? 'Yes' : 'No');
      case 's': case 'p': return stringFlags(f, String(v));
    }
    if ('dxXobB'.includes(L)) return kernelFormat(f.orig, [v ? 1 : 0]);
    if ('eEfgGaA'.includes(L)) return kernelFormat(f.orig, [new PFloat(v ? 1 : 0)]);
    throw illegal('Boolean', f, 'tTyYdxXobBeEfgGaAsp');
  }
  if (typeof v === 'number') {
    if ('dxXobBp'.includes(L)) return kernelFormat(f.orig, [v]);
    if ('eEfgGaA'.includes(L)) return kernelFormat(f.orig, [new PFloat(v)]);
    if (L === 'c') { const ch = String.fromCodePoint(v); return kernelFormat(f.orig.replace('c', 's'), [f.alt ? `"${ch}"` : ch]); }
    if (L === 's') return kernelFormat(f.orig.replace(/s/g, f.alt ? 'p' : 's'), [String(v)]);
    throw illegal('Integer', f, 'dxXobBeEfgGaAspc');
  }
  if (v instanceof PFloat) {
    if ('dxXobB'.includes(L)) return kernelFormat(f.orig, [Math.trunc(v.value)]);
    if ('eEfgGaAp'.includes(L)) return kernelFormat(f.orig, [v]);
    if (L === 's') { const s = rubyInspect(v); return kernelFormat(f.orig, [f.alt ? `"${s}"` : s]); }
    throw illegal('Float', f, 'dxXobBeEfgGaAsp');
  }
  if (typeof v === 'string') {
    const alt = (s: string) => (f.alt ? stringFlags(f, puppetQuote(s)) : kernelFormat(f.orig.replace(L, 's'), [s]));
    switch (L) {
      case 's': return kernelFormat(f.orig, [v]);
      case 'p': return stringFlags(f, puppetQuote(v, f.alt));
      case 'c': return alt(rubyCapitalize(v));
      case 'C': return alt(v.split('::').map(rubyCapitalize).join('::'));
      case 'u': return alt(v.toUpperCase());
      case 'd': return alt(v.toLowerCase());
      case 't': return alt(v.trim());
    }
    throw illegal('String', f, 'cCudspt');
  }
  if (v instanceof PBinary) {
    const s = formatBinary(v, L);
    if (s === undefined) throw illegal('Binary', f, 'bButTsp');
    if (L === 'p') return `Binary("${kernelFormat(f.orig.replace('p', 's'), [v.toBase64()])}")`;
    return kernelFormat(f.orig.replace(L, f.alt ? 'p' : 's'), [s]);
  }
  if (v instanceof PRegexp) {
    if (L === 'p') { const s = `/${v.source}/`; return f.orig === '%p' ? s : kernelFormat(f.orig.replace('p', 's'), [s]); }
    if (L === 's') { const s = f.alt ? puppetQuote(v.source) : v.source; return f.orig === '%s' ? s : kernelFormat(f.orig, [s]); }
    throw illegal('Regexp', f, 'sp');
  }
  if (Array.isArray(v)) {
    if (!'asp'.includes(L)) throw illegal('Array', f, 'asp');
    const sep = f.separator ?? ', ';
    const inner = f.containerFormats ?? DEFAULT_CONTAINER;
    const [open, close] = f.delimiterPair(['[', ']']);
    return open + v.map((x) => convert(x, isContainer(x) ? map : inner, level + 1)).join(sep) + close;
  }
  if (isHash(v)) {
    if (L === 'a') return convert([...v].map(([k, x]) => [k, x]), map, level);
    if (!'hsp'.includes(L)) throw illegal('Hash', f, 'hasp');
    let sep = f.separator ?? ', ';
    const assoc = f.separator2 ?? ' => ';
    const inner = f.containerFormats ?? DEFAULT_CONTAINER;
    const [open, close] = f.delimiterPair(['{', '}']);
    const pad = f.alt ? '  '.repeat(level + 1) : '';
    if (f.alt) sep = (sep.endsWith('\n') ? sep : sep.trimEnd()) + '\n';
    const body = [...v].map(([k, x]) => `${pad}${convert(k, isContainer(k) ? map : inner, level + 1)}${assoc}${convert(x, isContainer(x) ? map : inner, level + 1)}`).join(sep);
    return f.alt ? `${open}\n${body}\n${'  '.repeat(level)}${close}` : `${open}${body}${close}`;
  }
  if (v instanceof PSensitive) return stringFlags(f, L === 'p' ? '#<Sensitive [value redacted]>' : 'Sensitive [value redacted]');
  if (v instanceof PType) {
    if (L === 's') return kernelFormat(f.orig, [f.alt ? `"${v}"` : v.toString()]);
    if (L === 'p') return kernelFormat(f.orig.replace('p', 's'), [v.toString()]);
    throw illegal('Type', f, 'sp');
  }
  return kernelFormat(f.orig.replace(L, 's'), [toPString(v)]);
}

/** `String(v)` / `String(v, format)`: `format` is a format string or a hash of type => format. */
export function stringConvert(c: CallInfo, v: Value, format?: Value): string {
  let map = DEFAULTS;
  if (typeof format === 'string') {
    const t = Array.isArray(v) || v instanceof PIterator ? new ArrayType() : isHash(v) ? new HashType() : inferType(v);
    map = mergeMaps(DEFAULTS, [[t, isContainerType(t) ? fmt(format) : new Format(format)]])!;
  } else if (format !== undefined && format !== DEFAULT) {
    map = mergeMaps(DEFAULTS, userMap(c, format))!;
  }
  return convert(v, map, 0);
}

function isContainerType(t: PType): boolean {
  return t instanceof ArrayType || t instanceof HashType;
}
