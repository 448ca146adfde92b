// puppetlabs-stdlib's data functions (lib/puppet/parser/functions/*.rb and
// lib/puppet/functions/*.rb, version 8.5), natively. The 3.x ones see a
// top-level undef argument as '' (Puppet's Runtime3 argument conversion),
// nested undef as nil; that is why `v3` wraps them.
import { createHash } from 'node:crypto';
import type { BuiltinFunction, CallInfo } from '../../evaluator/context.js';
import { PFloat, isHash, isNumber, numValue, valuesEqual, hashGet, hashHas, type PHash, type Value } from '../../types/values.js';
import { formatFloat, toPString } from '../../evaluator/convert.js';
import { typeNameOf } from '../../types/types.js';
import { fqdnRand, rubyRandInt } from '../ruby-random.js';
import {
  type Functions, fnError, rubyRegexp, rubyClass, rubyInspect, rubyToS, rubyInteger, rubyFloatOk, rubyToF, rubyToI, deprecation, callFunction, parseIp, ipToString,
} from './support.js';
import { toPsychYaml } from './yaml-dump.js';
import { yamlLib } from '../../lazy.js';

/** A 3.x function: top-level undef arguments arrive as ''. */
export function v3(f: BuiltinFunction): BuiltinFunction {
  return (c, args) => f(c, args.map((a) => (a === undefined ? '' : a)));
}

const pErr = fnError;

/** Ruby's == (strings case-sensitive, 1 == 1.0). */
export function rubyEq(a: Value, b: Value): boolean {
  if (isNumber(a) && isNumber(b)) return numValue(a) === numValue(b);
  return valuesEqual(a, b, true);
}
/** Ruby's eql? (what Array#-, &, |, uniq use): 1 and 1.0 differ. */
function rubyEql(a: Value, b: Value): boolean {
  return valuesEqual(a, b, true);
}
function uniqEql(a: Value[]): Value[] {
  const out: Value[] = [];
  for (const x of a) if (!out.some((y) => rubyEql(x, y))) out.push(x);
  return out;
}

/** Ruby's File.dirname. */
export function rubyDirname(p: string): string {
  let s = p.replace(/\/+$/, '');
  if (s === '') return p.startsWith('/') ? '/' : '.';
  const i = s.lastIndexOf('/');
  if (i < 0) return '.';
  s = s.slice(0, i).replace(/\/+$/, '');
  return s === '' ? '/' : s;
}

/** Ruby's File.basename(path[, suffix]). */
export function rubyBasename(p: string, suffix?: string): string {
  let s = p.replace(/\/+$/, '');
  if (s === '') return p.startsWith('/') ? '/' : '';
  s = s.slice(s.lastIndexOf('/') + 1);
  if (suffix !== undefined) {
    if (suffix === '.*') {
      const d = s.lastIndexOf('.');
      if (d > 0) s = s.slice(0, d);
    } else if (suffix !== '' && s.endsWith(suffix) && s !== suffix) s = s.slice(0, -suffix.length);
  }
  return s;
}

/** Shellwords.escape. */
export function shellEscape(s: string): string {
  if (s === '') return "''";
  return s.replace(/[^A-Za-z0-9_\-.,:+/@\n]/g, '\\$&').replace(/\n/g, "'\n'");
}

function str2boolCore(c: CallInfo, v: Value, fname = 'str2bool'): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') throw pErr(c, `${fname}(): Requires string to work with`);
  if (v === '') return false;
  if (/^(1|t|y|true|yes)$/im.test(v)) return true;
  if (/^(0|f|n|false|no)$/im.test(v)) return false;
  if (/^(undef|undefined)$/m.test(v)) return false;
  throw pErr(c, `${fname}(): Unknown type of boolean given`);
}

function num2boolCore(c: CallInfo, v: Value): boolean {
  let n: number;
  if (isNumber(v)) n = Math.trunc(numValue(v));
  else if (typeof v === 'string') {
    if (!rubyFloatOk(v)) throw pErr(c, `num2bool(): '${v}' does not look like a number: invalid value for Float(): ${rubyInspect(v)}`);
    n = Math.trunc(rubyToF(v.trim().startsWith('0x') || v.trim().startsWith('0X') ? String(parseInt(v, 16)) : v));
  } else n = rubyToI(rubyToS(v));
  return n > 0;
}

const nArgs = (c: CallInfo, name: string, got: number, want: string): Error => pErr(c, `${name}(): Wrong number of arguments given (${got} for ${want})`);

function mapStrings(c: CallInfo, name: string, args: Value[], f: (s: string) => string): Value {
  if (args.length < 1) throw nArgs(c, name, args.length, '1');
  const v = args[0];
  if (Array.isArray(v)) return v.map((i) => (typeof i === 'string' ? f(i) : i));
  if (typeof v === 'string') return f(v);
  throw pErr(c, `${name}(): Requires either array or string to work with`);
}

function swapcase(s: string): string {
  return [...s].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('');
}

function squeeze(s: string, set?: string): string {
  let out = '';
  for (const ch of s) {
    if (out.endsWith(ch) && (set === undefined || set.includes(ch))) continue;
    out += ch;
  }
  return out;
}

function fqdnOf(c: CallInfo): string {
  const v = c.ctx.topScope.lookup('fqdn');
  return v.found ? rubyToS(v.value) : '';
}

function isIntegerLike(v: Value): boolean {
  if (typeof v === 'number') return true;
  if (v instanceof PFloat) return false;
  return typeof v === 'string' && /^-?(?:(?:[1-9]\d*)|0)$/.test(v);
}

/** URI::DEFAULT_PARSER.escape (RFC 2396 unsafe characters). */
export function uriEscape(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => {
    const ch = String.fromCharCode(b);
    return b < 0x80 && /[-_.!~*'()a-zA-Z\d;/?:@&=+$,[\]]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

function deepMerge(a: PHash, b: PHash): PHash {
  const out = new Map(a);
  for (const [k, v] of b) {
    const old = out.get(k);
    out.set(k, isHash(old) && isHash(v) ? deepMerge(old, v) : v);
  }
  return out;
}

function flattenDeep(a: Value[]): Value[] {
  return a.flat(Infinity as 1) as Value[];
}

const pick: BuiltinFunction = v3((c, args) => {
  const vals = args.filter((a) => a !== undefined && a !== '');
  if (vals.length === 0 || rubyToS(vals[0]) === '') throw pErr(c, 'pick(): must receive at least one non empty value');
  return vals[0];
});

const pickDefault: BuiltinFunction = v3((c, args) => {
  if (args.length === 0) throw pErr(c, 'Must receive at least one argument.');
  const vals = args.slice(0, -1).filter((a) => a !== undefined && a !== '');
  return vals.length ? vals[0] : args[args.length - 1];
});

const any2array: BuiltinFunction = v3((c, args) => {
  if (args.length === 0) return [];
  if (args.length !== 1) return args;
  const a = args[0];
  if (Array.isArray(a)) return a;
  if (a === '') return [];
  if (isHash(a)) return [...a].flat();
  return args;
});

const any2bool: BuiltinFunction = v3((c, args) => {
  if (args.length === 0) throw nArgs(c, 'any2bool', 0, '1');
  const a = args[0];
  if (typeof a === 'boolean') return a;
  if (a === undefined) return false;
  if (isNumber(a)) return num2boolCore(c, a);
  if (typeof a === 'string') return rubyFloatOk(a) ? num2boolCore(c, a) : str2boolCore(c, a);
  return true;
});

const concat: BuiltinFunction = v3((c, args) => {
  if (args.length < 2) throw pErr(c, `concat(): Wrong number of arguments given (${args.length} for < 2)`);
  if (!Array.isArray(args[0])) throw pErr(c, 'concat(): Requires array to work with');
  let out = [...args[0]];
  for (const x of args.slice(1)) out = out.concat(Array.isArray(x) ? x : [x]);
  return out;
});

const merge: BuiltinFunction = (c, args) => {
  if (c.block) {
    const acc = new Map<Value, Value>();
    const it = args[0];
    const entries: Value[][] = isHash(it) ? [...it].map(([k, v]) => (c.blockArity === 3 ? [k, v] : [[k, v]]))
      : Array.isArray(it) ? it.map((v, i) => (c.blockArity === 3 ? [i, v] : [v]))
      : typeof it === 'number' ? Array.from({ length: Math.max(0, it) }, (_, i) => (c.blockArity === 3 ? [i, i] : [i])) : [];
    for (const e of entries) {
      const r = c.block(isHash(acc) ? [acc, ...e] : e);
      if (isHash(r)) for (const [k, v] of r) acc.set(k, v);
    }
    return acc;
  }
  const acc = new Map<Value, Value>();
  for (const h of args) {
    if (h === undefined || h === '') continue;
    if (!isHash(h)) {
      throw pErr(c, ["The function 'merge' was called with arguments it does not accept. It expects one of:",
        '  (Variant[Hash[Scalar, Any], Undef, String[0, 0]] args*)',
        `    rejected: parameter 'args' expects a value of type Undef, Hash, or String, got ${typeNameOf(h)}`,
        '  (Iterable args*, Callable[3, 3] block)', '    rejected: expects a block',
        '  (Iterable args*, Callable[2, 2] block)', '    rejected: expects a block'].join('\n'));
    }
    for (const [k, v] of h) acc.set(k, v);
  }
  return acc;
};

const deepMergeFn: BuiltinFunction = v3((c, args) => {
  if (args.length < 2) throw pErr(c, `deep_merge(): wrong number of arguments (${args.length}; must be at least 2)`);
  let out: PHash = new Map();
  for (const a of args) {
    if (a === '') continue;
    if (!isHash(a)) throw pErr(c, `deep_merge: unexpected argument type ${rubyClass(a)}, only expects hash arguments`);
    out = deepMerge(out, a);
  }
  return out;
});

const dataFunctions: Functions = {
  pick,
  pick_default: pickDefault,
  any2array,
  any2bool,
  concat,
  merge,
  deep_merge: deepMergeFn,
  str2bool: v3((c, args) => {
    if (args.length === 0) throw nArgs(c, 'str2bool', 0, '1');
    return str2boolCore(c, args[0]);
  }),
  num2bool: v3((c, args) => {
    if (args.length !== 1) throw nArgs(c, 'num2bool', args.length, '1');
    return num2boolCore(c, args[0]);
  }),
  bool2num: v3((c, args) => {
    if (args.length === 0) throw nArgs(c, 'bool2num', 0, '1');
    return str2boolCore(c, args[0]) ? 1 : 0;
  }),
  bool2str: v3((c, args) => {
    if (args.length !== 1 && args.length !== 3) throw nArgs(c, 'bool2str', args.length, '3');
    const [v, t = 'true', f = 'false'] = args;
    if (typeof v !== 'boolean') throw pErr(c, 'bool2str(): Requires a boolean to work with');
    if (typeof t !== 'string' || typeof f !== 'string') throw pErr(c, 'bool2str(): Requires strings to convert to');
    return v ? t : f;
  }),
  delete: v3((c, args) => {
    if (args.length !== 2) throw pErr(c, `delete(): Wrong number of arguments given ${args.length} for 2`);
    let coll = args[0];
    for (const item of Array.isArray(args[1]) ? args[1] : [args[1]]) {
      if (Array.isArray(coll)) coll = coll.filter((x) => !rubyEq(x, item));
      else if (isHash(coll)) { const h = new Map(coll); for (const k of h.keys()) if (rubyEql(k, item)) h.delete(k); coll = h; }
      else if (typeof coll === 'string') {
        if (typeof item !== 'string') throw pErr(c, `no implicit conversion of ${rubyClass(item)} into String`);
        coll = coll.split(item).join('');
      } else throw pErr(c, `delete(): First argument must be an Array, String, or Hash. Given an argument of class ${rubyClass(coll)}.`);
    }
    return coll;
  }),
  delete_at: v3((c, args) => {
    if (args.length < 2) throw nArgs(c, 'delete_at', args.length, '2');
    const [a, idx] = args;
    if (!Array.isArray(a)) throw pErr(c, 'delete_at(): Requires array to work with');
    if (typeof idx === 'string' && !/^\d+$/m.test(idx)) throw pErr(c, 'delete_at(): You must provide non-negative numeric index');
    const i = rubyToI(idx);
    if (i > a.length - 1) throw pErr(c, 'delete_at(): Given index exceeds size of array given');
    const out = [...a];
    out.splice(i < 0 ? out.length + i : i, 1);
    return out;
  }),
  delete_values: v3((c, args) => {
    if (args.length !== 2) throw pErr(c, `delete_values(): Wrong number of arguments given (${args.length} of 2)`);
    const [h, item] = args;
    if (!isHash(h)) throw pErr(c, `delete_values(): First argument must be a Hash. Given an argument of class ${rubyClass(h)}.`);
    return new Map([...h].filter(([, v]) => !rubyEq(item, v)));
  }),
  delete_undef_values: v3((c, args) => {
    if (args.length === 0) throw pErr(c, 'delete_undef_values(): Wrong number of arguments given (0)');
    const a = args[0];
    if (Array.isArray(a)) return a.filter((x) => x !== undefined);
    if (isHash(a)) return new Map([...a].filter(([, v]) => v !== undefined));
    throw pErr(c, `delete_undef_values(): expected an array or hash, got ${rubyToS(a)} type  ${rubyClass(a)} `);
  }),
  difference: v3((c, args) => {
    if (args.length !== 2) throw nArgs(c, 'difference', args.length, '2');
    const [a, b] = args;
    if (!Array.isArray(a) || !Array.isArray(b)) throw pErr(c, 'difference(): Requires 2 arrays');
    return a.filter((x) => !b.some((y) => rubyEql(x, y)));
  }),
  intersection: v3((c, args) => {
    if (args.length !== 2) throw nArgs(c, 'intersection', args.length, '2');
    const [a, b] = args;
    if (!Array.isArray(a) || !Array.isArray(b)) throw pErr(c, `intersection(): Requires 2 arrays, got ${rubyClass(a)} and ${rubyClass(b)}`);
    return uniqEql(a.filter((x) => b.some((y) => rubyEql(x, y))));
  }),
  union: v3((c, args) => {
    if (args.length < 2) throw pErr(c, `union(): Wrong number of arguments given (${args.length} for < 2)`);
    for (const a of args) if (!Array.isArray(a)) throw pErr(c, 'union(): Every parameter must be an array');
    return uniqEql((args as Value[][]).flat(1));
  }),
  member: v3((c, args) => {
    if (args.length < 2) throw nArgs(c, 'member', args.length, '2');
    const [a, item] = args;
    if (!Array.isArray(a)) throw pErr(c, 'member(): Requires array to work with');
    if (!(typeof item === 'string' || typeof item === 'number' || Array.isArray(item))) throw pErr(c, 'member(): Item to search for must be a string, fixnum, or array');
    const items = Array.isArray(item) ? item : [item];
    if (items.length === 0 || item === '') throw pErr(c, 'member(): You must provide item to search for within array given');
    return items.every((x) => a.some((y) => rubyEql(x, y)));
  }),
  has_key: v3((c, args) => {
    if (args.length !== 2) throw pErr(c, `has_key(): wrong number of arguments (${args.length}; must be 2)`);
    if (!isHash(args[0])) throw pErr(c, `has_key(): expects the first argument to be a hash, got ${rubyInspect(args[0])} which is of type ${rubyClass(args[0])}`);
    return hashHas(args[0], args[1]);
  }),
  hash: v3((c, args) => {
    if (args.length === 0) throw nArgs(c, 'hash', 0, '1');
    if (!Array.isArray(args[0])) throw pErr(c, 'hash(): Requires array to work with');
    const flat = flattenDeep(args[0]);
    if (flat.length % 2) throw pErr(c, 'hash(): Unable to compute hash from array given');
    const out = new Map<Value, Value>();
    for (let i = 0; i < flat.length; i += 2) out.set(flat[i], flat[i + 1]);
    return out;
  }),
  join_keys_to_values: v3((c, args) => {
    if (args.length !== 2) throw pErr(c, `join_keys_to_values(): Takes exactly two arguments, but ${args.length} given.`);
    const [h, sep] = args;
    if (!isHash(h)) throw pErr(c, `join_keys_to_values(): The first argument must be a hash, but a ${rubyClass(h)} was given.`);
    if (typeof sep !== 'string') throw pErr(c, `join_keys_to_values(): The second argument must be a string, but a ${rubyClass(sep)} was given.`);
    const out: Value[] = [];
    for (const [k, v] of h) {
      if (Array.isArray(v)) for (const x of v) out.push(rubyToS(k) + sep + rubyToS(x));
      else if (rubyToS(v) === 'undef') out.push(rubyToS(k));
      else out.push(rubyToS(k) + sep + rubyToS(v));
    }
    return out;
  }),
  prefix: v3((c, args) => affix(c, 'prefix', args, (p, s) => p + s)),
  suffix: v3((c, args) => affix(c, 'suffix', args, (p, s) => s + p)),
  values_at: v3((c, args) => valuesAt(c, args)),
  dig44: v3((c, args) => {
    if (args.length < 2) throw pErr(c, `dig44(): Wrong number of arguments given (${args.length} for at least 2)`);
    const [data, path, dflt] = args;
    if (!Array.isArray(data) && !isHash(data)) throw pErr(c, `dig44(): first argument must be a hash or an array, given ${rubyClass(data)}`);
    if (!Array.isArray(path)) throw pErr(c, `dig44(): second argument must be an array, given ${rubyClass(path)}`);
    let cur: Value = data;
    for (const key of path) {
      if (Array.isArray(cur)) {
        const i = rubyInteger(key);
        if (i === undefined) { cur = undefined; break; }
        const v: Value = cur[i < 0 ? cur.length + i : i];
        if (v === undefined) { cur = undefined; break; }
        cur = v;
      } else if (isHash(cur)) {
        const v = hashGet(cur, key);
        if (v === undefined) { cur = undefined; break; }
        cur = v;
      } else { cur = undefined; break; }
    }
    return cur === undefined ? dflt : cur;
  }),
  dirname: v3((c, args) => {
    if (args.length === 0) throw pErr(c, 'dirname(): No arguments given');
    if (args.length > 1) throw pErr(c, `dirname(): Too many arguments given (${args.length})`);
    if (typeof args[0] !== 'string') throw pErr(c, 'dirname(): Requires string as argument');
    if (args[0] === '') throw pErr(c, 'dirname(): Requires a non-empty string as argument');
    return rubyDirname(args[0]);
  }),
  basename: v3((c, args) => {
    if (args.length === 0) throw pErr(c, 'basename(): No arguments given');
    if (args.length > 2) throw pErr(c, `basename(): Too many arguments given (${args.length})`);
    if (typeof args[0] !== 'string') throw pErr(c, 'basename(): Requires string as first argument');
    if (args.length === 2 && typeof args[1] !== 'string') throw pErr(c, 'basename(): Requires string as second argument');
    return rubyBasename(args[0], args.length === 2 ? (args[1] as string) : undefined);
  }),
  grep: v3((c, args) => {
    if (args.length !== 2) throw pErr(c, `grep(): Wrong number of arguments given ${args.length} for 2`);
    const [a, p] = args;
    const re = rubyRegexp(c, p);
    if (!Array.isArray(a)) throw pErr(c, `undefined method \`grep' for ${rubyInspect(a)}:${rubyClass(a)}`);
    return a.filter((x) => typeof x === 'string' && re.test(x));
  }),
  shell_join: v3((c, args) => {
    if (args.length !== 1) throw nArgs(c, 'shell_join', args.length, '1');
    if (!Array.isArray(args[0])) throw pErr(c, `First argument is not an Array: ${rubyInspect(args[0])}`);
    return args[0].map((x) => shellEscape(rubyToS(x))).join(' ');
  }),
  shell_escape: (c, args) => {
    if (args.length !== 1) throw pErr(c, `'shell_escape' expects 1 argument, got ${args.length}`);
    return shellEscape(rubyToS(args[0]));
  },
  uriescape: v3((c, args) => mapStrings(c, 'uriescape', args, uriEscape)),
  enclose_ipv6: v3((c, args) => {
    if (args.length !== 1) throw pErr(c, `enclose_ipv6(): Wrong number of arguments given ${args.length} for 1`);
    if (typeof args[0] !== 'string' && !Array.isArray(args[0])) throw pErr(c, `enclose_ipv6(): Wrong argument type given ${rubyClass(args[0])} expected String or Array`);
    const out: Value[] = [];
    for (const v of flattenDeep([args[0]]).filter((x) => x !== undefined)) {
      let val = v;
      if (v !== '*') {
        const ip = parseIp(v);
        if (!ip) throw pErr(c, `enclose_ipv6(): Wrong argument given ${rubyToS(v)} is not an ip address.`);
        if (ip.v6) val = `[${ipToString(ip)}]`;
      }
      if (!out.some((x) => rubyEql(x, val))) out.push(val);
    }
    return out;
  }),
  fqdn_rotate: v3((c, args) => {
    if (args.length === 0) throw nArgs(c, 'fqdn_rotate', 0, '1');
    const [value, ...rest] = args;
    if (!Array.isArray(value) && typeof value !== 'string') throw pErr(c, 'fqdn_rotate(): Requires either array or string to work with');
    const items = typeof value === 'string' ? [...value] : [...value];
    if (items.length <= 1) return value;
    // Ruby's [fqdn, args].join(':') keeps the ':' even when args is empty.
    const seed = BigInt('0x' + createHash('md5').update(`${fqdnOf(c)}:${flattenDeep(rest).map(rubyToS).join(':')}`).digest('hex'));
    const offset = rubyRandInt(seed, items.length);
    const rotated = [...items.slice(offset), ...items.slice(0, offset)];
    return typeof value === 'string' ? (rotated as string[]).join('') : rotated;
  }),
  fqdn_rand_string: v3((c, args) => {
    if (args.length === 0) throw pErr(c, 'fqdn_rand_string(): wrong number of arguments (0 for 1)');
    if (!isIntegerLike(args[0]) || rubyToI(args[0]) <= 0) throw pErr(c, 'fqdn_rand_string(): first argument must be a positive integer');
    if (!(args[1] === undefined || typeof args[1] === 'string')) throw pErr(c, 'fqdn_rand_string(): second argument must be undef or a string');
    const len = rubyToI(args[0]);
    let charset = [...rubyToS(args[1])];
    if (charset.length === 0) charset = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'];
    const rest = args.slice(2).map(rubyToS);
    let out = '';
    for (let i = 1; i <= len; i++) out += charset[fqdnRand(fqdnOf(c), charset.length, [...rest, String(i)].join(':'))];
    return out;
  }),
  seeded_rand: v3((c, args) => {
    if (args.length !== 2) throw pErr(c, `seeded_rand(): wrong number of arguments (${args.length} for 2)`);
    if (!isIntegerLike(args[0]) || rubyToI(args[0]) <= 0) throw pErr(c, 'seeded_rand(): first argument must be a positive integer');
    if (typeof args[1] !== 'string') throw pErr(c, 'seeded_rand(): second argument must be a string');
    return rubyRandInt(BigInt('0x' + createHash('md5').update(args[1]).digest('hex')), rubyToI(args[0]));
  }),
  count: v3((c, args) => {
    if (args.length > 2) throw pErr(c, `count(): Wrong number of arguments given ${args.length} for 1 or 2.`);
    const [coll, item] = args;
    const list: Value[] = Array.isArray(coll) ? coll : isHash(coll) ? [...coll].map(([k, v]) => [k, v]) : [];
    if (args.length > 1 && item !== false) return list.filter((x) => rubyEq(x, item)).length;
    return list.filter((x) => x !== undefined && x !== '').length;
  }),
  range: v3((c, args) => range(c, args)),
  zip: v3((c, args) => {
    if (args.length < 2) throw nArgs(c, 'zip', args.length, '2');
    const [a, b] = args;
    if (!Array.isArray(a) || !Array.isArray(b)) throw pErr(c, 'zip(): Requires array to work with');
    const flat = args[2] !== undefined && args[2] !== '' && args[2] !== false ? str2boolCore(c, args[2]) : false;
    const out = a.map((x, i) => [x, b[i]]);
    return flat ? flattenDeep(out) : out;
  }),
  squeeze: v3((c, args) => {
    if (args.length !== 1 && args.length !== 2) throw pErr(c, `squeeze(): Wrong number of arguments given ${args.length} for 2 or 1`);
    const set = args.length > 1 && args[1] !== false ? rubyToS(args[1]) : undefined;
    const f = (s: Value) => squeeze(rubyToS(s), set);
    return Array.isArray(args[0]) ? args[0].map(f) : f(args[0]);
  }),
  swapcase: v3((c, args) => mapStrings(c, 'swapcase', args, swapcase)),
  base64: v3((c, args) => {
    if (args.length < 2) throw pErr(c, `base64(): Wrong number of arguments (${args.length}; must be >= 2)`);
    const [action, s, method = 'default'] = args;
    if (action !== 'encode' && action !== 'decode') throw pErr(c, "base64(): the first argument must be one of 'encode' or 'decode'");
    if (typeof s !== 'string') throw pErr(c, 'base64(): the second argument must be a string to base64');
    if (method !== 'default' && method !== 'strict' && method !== 'urlsafe') throw pErr(c, "base64(): the third argument must be one of 'default', 'strict', or 'urlsafe'");
    if (action === 'encode') {
      const b = Buffer.from(s, 'utf8').toString('base64');
      if (method === 'strict') return b;
      if (method === 'urlsafe') return b.replace(/\+/g, '-').replace(/\//g, '_');
      return (b.match(/.{1,60}/g) ?? []).map((l) => l + '\n').join('');
    }
    if (method === 'strict' && !/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) throw pErr(c, 'invalid base64');
    return Buffer.from(method === 'urlsafe' ? s.replace(/-/g, '+').replace(/_/g, '/') : s.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('utf8');
  }),
  to_yaml: (c, args) => {
    if (args.length < 1 || args.length > 2) throw pErr(c, `'to_yaml' expects between 1 and 2 arguments, got ${args.length}`);
    return toPsychYaml(args[0]);
  },
  to_json: (c, args) => {
    if (args.length !== 1) throw pErr(c, `'to_json' expects 1 argument, got ${args.length}`);
    return toRubyJson(args[0]);
  },
  to_json_pretty: (c, args) => {
    if (args.length < 1) throw pErr(c, `'to_json_pretty' expects between 1 and 3 arguments, got ${args.length}`);
    let data = toJson(args[0]);
    if (args[1] === true) data = pruneNulls(data);
    return prettyJson(data, 0) + '\n';
  },
  parsejson: v3((c, args) => {
    if (args.length < 1) throw pErr(c, 'Wrong number of arguments. 1 or 2 arguments should be provided.');
    try {
      const r = fromJson(JSON.parse(rubyToS(args[0])));
      return r === undefined || r === false ? args[1] : r;
    } catch (e) {
      if (args[1] === undefined || args[1] === '') throw pErr(c, (e as Error).message);
      return args[1];
    }
  }),
  parseyaml: v3((c, args) => {
    if (args.length < 1) throw pErr(c, 'Wrong number of arguments. 1 or 2 arguments should be provided.');
    try {
      const r = fromJson(yamlLib().parse(rubyToS(args[0]), { schema: 'core', version: '1.1' }));
      return r === undefined || r === false ? args[1] : r;
    } catch (e) {
      if (args[1] === undefined || args[1] === '') throw pErr(c, (e as Error).message);
      return args[1];
    }
  }),
  type_of: (c, args) => callFunction(c, 'type', [args[0]]),
  deprecation: (c, args) => {
    if (args.length !== 2 || typeof args[0] !== 'string' || typeof args[1] !== 'string') throw pErr(c, `'deprecation' expects 2 String arguments`);
    deprecation(c, args[0], args[1]);
    return undefined;
  },
};

function affix(c: CallInfo, name: string, args: Value[], join: (fix: string, s: string) => string): Value {
  if (args.length === 0) throw nArgs(c, name, 0, '1');
  const [e, fix] = args;
  if (!Array.isArray(e) && !isHash(e)) throw pErr(c, `${name}(): expected first argument to be an Array or a Hash, got ${rubyInspect(e)}`);
  const p = fix === undefined || fix === '' || fix === false ? undefined : fix;
  if (p !== undefined && typeof p !== 'string') throw pErr(c, `${name}(): expected second argument to be a String, got ${rubyInspect(p)}`);
  const f = (x: Value) => (p === undefined ? rubyToS(x) : join(p, rubyToS(x)));
  if (Array.isArray(e)) return e.map(f);
  return new Map([...e].map(([k, v]) => [f(k), v]));
}

function valuesAt(c: CallInfo, args: Value[]): Value {
  if (args.length < 2) throw nArgs(c, 'values_at', args.length, '2');
  const a = args[0];
  if (!Array.isArray(a)) throw pErr(c, 'values_at(): Requires array to work with');
  const indices = flattenDeep([args[1]]);
  if (indices.length === 0) throw pErr(c, 'values_at(): You must provide at least one positive index to collect');
  const list: number[] = [];
  for (const raw of indices) {
    const i = rubyToS(raw);
    const m = /^(\d+)(\.\.\.?|-)(\d+)$/m.exec(i);
    if (m) {
      const start = Number(m[1]), stop = Number(m[3]);
      if (start > stop) throw pErr(c, 'values_at(): Stop index in given indices range is smaller than the start index');
      if (stop > a.length - 1) throw pErr(c, 'values_at(): Stop index in given indices range exceeds array size');
      for (let k = start; m[2] === '...' ? k < stop : k <= stop; k++) list.push(k);
    } else {
      if (!/^\d+$/m.test(i)) throw pErr(c, 'values_at(): Unknown format of given index');
      const n = Number(i);
      if (n > a.length - 1) throw pErr(c, 'values_at(): Given index exceeds array size');
      list.push(n);
    }
  }
  return list.map((n) => a[n]).filter((x) => x !== undefined);
}

function range(c: CallInfo, args: Value[]): Value {
  if (args.length === 0) throw pErr(c, 'range(): Wrong number of arguments given (0 for 1)');
  let start: Value, stop: Value, step = 1, type = '..';
  if (args.length > 1) {
    [start, stop] = args;
    step = args[2] === undefined || args[2] === '' ? 1 : Math.abs(rubyToI(args[2]));
    if (step === 0) throw pErr(c, 'range(): 3rd arg (step size) must be a non zero integer (e.g. 1 or -1)');
  } else {
    const v = rubyToS(args[0]);
    const m = /^(\w+)(\.\.\.?|-)(\w+)$/m.exec(v);
    if (!m) throw pErr(c, v !== '' ? `range(): Unable to compute range from the value: ${v}` : `range(): Unknown range format: ${v}`);
    [, start, type, stop] = m;
  }
  const out: Value[] = [];
  if (/^\d+$/m.test(rubyToS(start))) {
    const a = rubyToI(start), b = rubyToI(stop);
    for (let i = a; type === '...' ? i < b : i <= b; i += step) { out.push(i); if (out.length >= 1_000_000) break; }
    return out;
  }
  // Ruby's String#upto: successive String#succ from start while not past stop.
  const a = rubyToS(start), b = rubyToS(stop);
  if (a.length > b.length) return out;
  let s = a;
  let n = 0;
  for (;;) {
    const last = s === b;
    if (!(type === '...' && last)) { if (n % step === 0) out.push(s); n++; }
    if (last || s.length > b.length || out.length >= 1_000_000) break;
    s = rubySucc(s);
  }
  return out;
}

/** Ruby's String#succ for alphanumeric strings. */
export function rubySucc(s: string): string {
  const chars = [...s];
  let i = chars.length - 1;
  if (!/[A-Za-z0-9]/.test(s)) { chars[i] = String.fromCharCode(chars[i].charCodeAt(0) + 1); return chars.join(''); }
  while (i >= 0) {
    const ch = chars[i];
    if (!/[A-Za-z0-9]/.test(ch)) { i--; continue; }
    if (ch === 'z') { chars[i] = 'a'; } else if (ch === 'Z') { chars[i] = 'A'; } else if (ch === '9') { chars[i] = '0'; } else { chars[i] = String.fromCharCode(ch.charCodeAt(0) + 1); return chars.join(''); }
    let j = i - 1;
    while (j >= 0 && !/[A-Za-z0-9]/.test(chars[j])) j--;
    if (j < 0) { chars.splice(i, 0, ch === 'z' ? 'a' : ch === 'Z' ? 'A' : '1'); return chars.join(''); }
    i = j;
  }
  return chars.join('');
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function toJson(v: Value): Json {
  if (v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof PFloat) return v.value;
  if (Array.isArray(v)) return v.map(toJson);
  if (isHash(v)) { const o: { [k: string]: Json } = {}; for (const [k, x] of v) o[rubyToS(k)] = toJson(x); return o; }
  return toPString(v);
}

/** Ruby's #to_json: compact, floats keep their ".0". */
export function toRubyJson(v: Value): string {
  if (v instanceof PFloat) return Number.isFinite(v.value) ? formatFloat(v.value) : 'null';
  if (Array.isArray(v)) return `[${v.map(toRubyJson).join(',')}]`;
  if (isHash(v)) return `{${[...v].map(([k, x]) => `${JSON.stringify(rubyToS(k))}:${toRubyJson(x)}`).join(',')}}`;
  return JSON.stringify(toJson(v));
}

/** Ruby's JSON.pretty_generate layout (empty containers keep their newlines). */
function prettyJson(v: Json, depth: number): string {
  const ind = (n: number) => '  '.repeat(n);
  if (Array.isArray(v)) {
    if (v.length === 0) return `[\n\n${ind(depth)}]`;
    return `[\n${v.map((x) => ind(depth + 1) + prettyJson(x, depth + 1)).join(',\n')}\n${ind(depth)}]`;
  }
  if (v !== null && typeof v === 'object') {
    const e = Object.entries(v);
    if (e.length === 0) return `{\n${ind(depth)}}`;
    return `{\n${e.map(([k, x]) => `${ind(depth + 1)}${JSON.stringify(k)}: ${prettyJson(x, depth + 1)}`).join(',\n')}\n${ind(depth)}}`;
  }
  return typeof v === 'number' && !Number.isInteger(v) ? String(v) : JSON.stringify(v);
}

function pruneNulls(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => x !== null);
  if (v && typeof v === 'object') { const o: { [k: string]: Json } = {}; for (const [k, x] of Object.entries(v)) if (x !== null) o[k] = x; return o; }
  return v;
}

export function fromJson(v: unknown): Value {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return Number.isInteger(v) ? v : new PFloat(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(fromJson);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [fromJson(k), fromJson(x)]));
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJson(x)]));
  return String(v);
}

export const STDLIB_DATA_FUNCTIONS: Functions = dataFunctions;
