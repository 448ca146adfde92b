// Shared helpers for the functions that modules implement in Ruby: Puppet's
// error wording, Ruby's inspect/to_s/class names as 3.x functions show them,
// deprecation warnings, IP address parsing (Ruby's IPAddr) and the check that
// a function's module is on the environment's modulepath.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltinFunction, CallInfo } from '../../evaluator/context.js';
import { DEFAULT, PFloat, PRegexp, PSensitive, isHash, type Value } from '../../types/values.js';
import { PType } from '../../types/types.js';
import { formatFloat, toPString } from '../../evaluator/convert.js';

export type Functions = Record<string, BuiltinFunction>;

/** A function call error in Puppet's words ("Error while evaluating a Function Call, msg"). */
export function fnError(c: CallInfo, msg: string): Error {
  return c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, ${msg}`, c.loc, 'KUR4200');
}

/** Ruby's class name of a value as a module's Ruby code sees it. */
export function rubyClass(v: Value): string {
  if (v === undefined) return 'NilClass';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') return 'Integer';
  if (v === true) return 'TrueClass';
  if (v === false) return 'FalseClass';
  if (v instanceof PFloat) return 'Float';
  if (Array.isArray(v)) return 'Array';
  if (isHash(v)) return 'Hash';
  if (v instanceof PRegexp) return 'Regexp';
  if (v === DEFAULT) return 'Symbol';
  if (v instanceof PSensitive) return 'Puppet::Pops::Types::PSensitiveType::Sensitive';
  if (v instanceof PType) return `Puppet::Pops::Types::P${v.name}Type`;
  return 'Object';
}

function rubyStringInspect(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '#') out += '#';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\x1b') out += '\\e';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return out.replace(/#(?=[{$@])/g, '\\#') + '"';
}

/** Ruby's #inspect (Ruby 3.1: `{"a"=>1}`, `["x", nil]`). */
export function rubyInspect(v: Value): string {
  if (v === undefined) return 'nil';
  if (typeof v === 'string') return rubyStringInspect(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof PFloat) return formatFloat(v.value);
  if (Array.isArray(v)) return `[${v.map(rubyInspect).join(', ')}]`;
  if (isHash(v)) return `{${[...v].map(([k, x]) => `${rubyInspect(k)}=>${rubyInspect(x)}`).join(', ')}}`;
  if (v instanceof PRegexp) return `/${v.source}/`;
  if (v === DEFAULT) return ':default';
  return toPString(v);
}

/** Ruby's #to_s: nil is empty, arrays and hashes print as inspect. */
export function rubyToS(v: Value): string {
  if (v === undefined) return '';
  if (Array.isArray(v) || isHash(v)) return rubyInspect(v);
  if (v instanceof PRegexp) return `(?-mix:${v.source})`;
  return toPString(v);
}

/** Ruby's Integer(x) for strings and numbers; undefined when Ruby raises. */
export function rubyInteger(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof PFloat) return Math.trunc(v.value);
  if (typeof v !== 'string') return undefined;
  const s = v.trim().replace(/_(?=\d)/g, '');
  let m: RegExpExecArray | null;
  if ((m = /^([-+]?)0[xX]([0-9a-fA-F]+)$/.exec(s))) return (m[1] === '-' ? -1 : 1) * parseInt(m[2], 16);
  if ((m = /^([-+]?)0[bB]([01]+)$/.exec(s))) return (m[1] === '-' ? -1 : 1) * parseInt(m[2], 2);
  if ((m = /^([-+]?)0[oO]?([0-7]+)$/.exec(s))) return (m[1] === '-' ? -1 : 1) * parseInt(m[2], 8);
  if (/^[-+]?\d+$/.test(s)) return parseInt(s, 10);
  return undefined;
}

/** Ruby's Float(x) acceptance for strings. */
export function rubyFloatOk(s: string): boolean {
  const t = s.trim().replace(/_(?=\d)/g, '');
  return /^[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|0[xX][0-9a-fA-F]+)$/.test(t);
}

/** Ruby's String#to_i: leading integer, else 0. */
export function rubyToI(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof PFloat) return Math.trunc(v.value);
  if (v === undefined) return 0;
  const m = /^\s*([-+]?\d[\d_]*)/.exec(String(v));
  return m ? parseInt(m[1].replace(/_/g, ''), 10) : 0;
}

/** Ruby's String#to_f. */
export function rubyToF(v: Value): number {
  if (typeof v === 'number') return v;
  if (v instanceof PFloat) return v.value;
  if (typeof v !== 'string') return 0;
  const m = /^\s*([-+]?\d[\d_]*(\.\d+)?([eE][-+]?\d+)?)/.exec(v);
  return m ? parseFloat(m[1].replace(/_/g, '')) : 0;
}

/** Regexp.new(src) (or a Regexp value); a pattern JavaScript cannot run is a clear error, not a crash. */
export function rubyRegexp(c: CallInfo, v: Value): RegExp {
  if (v instanceof PRegexp) return v.re;
  const src = rubyToS(v);
  try {
    return new PRegexp(src).re;
  } catch (e) {
    throw fnError(c, `${c.name}(): invalid regular expression ${rubyInspect(src)}: ${(e as Error).message}`);
  }
}

const deprecationsSeen = new WeakMap<object, Set<string>>();

/** Puppet.deprecation_warning: a warning once per key and compile (strict=error raises). */
export function deprecation(c: CallInfo, key: string, message: string): void {
  if (c.ctx.strict === 'off') return;
  if (c.ctx.strict === 'error') throw fnError(c, `deprecation. ${key}. ${message} at ${c.loc.file}:${c.loc.line}`);
  let seen = deprecationsSeen.get(c.ctx);
  if (!seen) deprecationsSeen.set(c.ctx, (seen = new Set()));
  if (seen.has(key)) return;
  seen.add(key);
  c.ctx.log('warning', `${message} at ${c.loc.file}:${c.loc.line}`, c.loc);
}

/** Calls another function of the table (core or module), as Ruby's call_function does. */
export function callFunction(c: CallInfo, name: string, args: Value[]): Value {
  const f = c.ctx.functions.get(name);
  if (!f) throw fnError(c, `Unknown function: '${name}'`);
  return f({ ...c, name, block: undefined, blockArity: undefined }, args);
}

// ---- IP addresses (Ruby's IPAddr.new: address with optional /prefix or /mask) ----

export interface IpAddr { v6: boolean; bytes: number[]; /** Network prefix length (all bits when none was given). */ prefix: number }

function parseV4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p.startsWith('0'))) return undefined;
    out.push(Number(p));
  }
  return out;
}

function parseV6(s: string): number[] | undefined {
  let text = s;
  let tail: number[] = [];
  const m = /^(.*):(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (m) {
    const v4 = parseV4(m[2]);
    if (!v4) return undefined;
    tail = v4;
    text = m[1].endsWith(':') ? m[1] + ':' : m[1];
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const a = groups(halves[0]);
  const b = halves.length === 2 ? groups(halves[1]) : [];
  if (!a || !b) return undefined;
  const want = tail.length ? 6 : 8;
  let words: number[];
  if (halves.length === 2) {
    if (a.length + b.length > want - 1) return undefined;
    words = [...a, ...new Array(want - a.length - b.length).fill(0), ...b];
  } else {
    if (a.length !== want) return undefined;
    words = a;
  }
  const bytes: number[] = [];
  for (const w of words) bytes.push(w >> 8, w & 0xff);
  return [...bytes, ...tail];
}

/** Parses like IPAddr.new; undefined where Ruby raises. */
export function parseIp(input: Value): IpAddr | undefined {
  if (typeof input !== 'string') return undefined;
  let s = input;
  let prefix: string | undefined;
  const slash = s.indexOf('/');
  if (slash >= 0) { prefix = s.slice(slash + 1); s = s.slice(0, slash); }
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  s = s.replace(/%.*$/, '');
  const v4 = parseV4(s);
  let addr: IpAddr | undefined;
  if (v4) addr = { v6: false, bytes: v4, prefix: 32 };
  else {
    const v6 = parseV6(s);
    if (v6) addr = { v6: true, bytes: v6, prefix: 128 };
  }
  if (!addr) return undefined;
  if (prefix !== undefined) {
    // IPAddr keeps only the network part: the address masked by the prefix.
    const bits = addr.v6 ? 128 : 32;
    let mask: number[];
    if (/^\d+$/.test(prefix)) {
      const n = Number(prefix);
      if (n > bits) return undefined;
      mask = addr.bytes.map((_, i) => (n >= (i + 1) * 8 ? 255 : n <= i * 8 ? 0 : (0xff << (8 - (n - i * 8))) & 0xff));
    } else {
      const m = parseIp(prefix);
      if (!m || m.v6 !== addr.v6) return undefined;
      mask = m.bytes;
    }
    addr.bytes = addr.bytes.map((b, i) => b & mask[i]);
    addr.prefix = mask.reduce((n, b) => n + b.toString(2).split('').filter((x) => x === '1').length, 0);
  }
  return addr;
}

/** IPAddr#include?: same family and the same first `prefix` bits. */
export function ipIncludes(net: IpAddr, ip: IpAddr): boolean {
  if (net.v6 !== ip.v6) return false;
  for (let bit = 0; bit < net.prefix; bit++) {
    const i = bit >> 3, m = 0x80 >> (bit & 7);
    if ((net.bytes[i] & m) !== (ip.bytes[i] & m)) return false;
  }
  return true;
}

/** IPAddr#to_s: IPv4 dotted, IPv6 compressed (the longest zero run as ::). */
export function ipToString(a: IpAddr): string {
  if (!a.v6) return a.bytes.join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((a.bytes[i] << 8) | a.bytes[i + 1]);
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

// ---- module availability ----

const moduleCache = new WeakMap<object, Map<string, boolean>>();

/** Whether a module is on the environment's modulepath (its Ruby functions are only loadable then). */
export function moduleAvailable(c: CallInfo, module: string): boolean {
  const env = c.ctx.env as unknown as object;
  let m = moduleCache.get(env);
  if (!m) moduleCache.set(env, (m = new Map()));
  let ok = m.get(module);
  if (ok === undefined) {
    ok = c.ctx.env.modulepath.some((d) => existsSync(join(d, module)));
    m.set(module, ok);
  }
  return ok;
}

/** Wraps a module's functions so each answers "Unknown function" when the module is absent. */
export function fromModule(module: string, fns: Functions): Functions {
  const out: Functions = {};
  for (const [name, f] of Object.entries(fns)) {
    out[name] = (c, args) => {
      if (!moduleAvailable(c, module)) throw c.ctx.error(`Evaluation Error: Unknown function: '${name}'.`, c.loc);
      return f(c, args);
    };
  }
  return out;
}
