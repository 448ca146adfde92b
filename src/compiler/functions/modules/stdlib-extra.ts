// More of stdlib's Ruby functions (less used in the corpus): string and
// array helpers, module metadata, local JSON/YAML files, seeded strings.
import { createHash, pbkdf2Sync, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { expandGlob } from '../../loader.js';
import { join } from 'node:path';
import { yamlLib } from '../../lazy.js';
import type { BuiltinFunction, CallInfo } from '../../evaluator/context.js';
import { PRegexp, PSensitive, isHash, isNumber, numValue, type Value } from '../../types/values.js';
import { typeNameOf } from '../../types/types.js';
import { type Functions, fnError, rubyRegexp, rubyClass, rubyToS, rubyToF, rubyToI, rubyInspect, deprecation } from './support.js';
import { v3, fromJson, rubyEq } from './stdlib.js';

/** Ruby's Regexp.escape. */
function regexpEscape(s: string): string {
  return s.replace(/[.*?+^$|()[\]{}\\#-]/g, (ch) => '\\' + ch).replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/ /g, '\\ ');
}

/** Shellwords.shellsplit. */
function shellSplit(c: CallInfo, line: string): string[] {
  const words: string[] = [];
  let field = '';
  let inWord = false;
  const re = /\s*(?:([^\s\\'"]+)|'([^']*)'|"((?:[^"\\]|\\.)*)"|(\\.?)|(\S))(\s|$)?/sy;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < line.length && (m = re.exec(line))) {
    const [, word, sq, dq, esc, garbage, sep] = m;
    if (garbage !== undefined) throw fnError(c, `Unmatched quote: ${rubyInspect(line)}`);
    if (word !== undefined) field += word;
    else if (sq !== undefined) field += sq;
    else if (dq !== undefined) field += dq.replace(/\\([$`"\\\n])/g, '$1');
    else if (esc !== undefined) field += esc.slice(1);
    inWord = true;
    if (sep !== undefined) { words.push(field); field = ''; inWord = false; }
    if (m[0] === '') break;
  }
  if (inWord) words.push(field);
  return words;
}

function moduleDir(c: CallInfo, name: string): string | undefined {
  for (const d of c.ctx.env.modulepath) { const p = join(d, name); if (existsSync(p)) return p; }
  return undefined;
}

function loadFile(c: CallInfo, args: Value[], parse: (text: string) => unknown): Value {
  if (args.length < 1) throw fnError(c, 'Wrong number of arguments. 1 or 2 arguments should be provided.');
  const path = rubyToS(args[0]);
  const dflt = args[1];
  try {
    if (/^https?:\/\//.test(path)) throw new Error(`loading '${path}' over the network while compiling is not supported by Kuroko`);
    if (!existsSync(path)) { c.ctx.log('warning', `Can't load '${path}' File does not exist!`, c.loc); return dflt; }
    const r = fromJson(parse(readFileSync(path, 'utf8')));
    return r === undefined || r === false ? dflt : r;
  } catch (e) {
    if (dflt === undefined || dflt === '' || dflt === false) throw fnError(c, (e as Error).message);
    return dflt;
  }
}

const isDomainName = (v: Value): boolean => {
  if (typeof v !== 'string') return false;
  if (v === '.') return true;
  const d = v.replace(/\.$/, '');
  if (d === '' || d.length > 255) return false;
  if (d.includes('.') && !/\.[A-Za-z]+$/m.test(d)) return false;
  return d.split('.').every((l) => l.length >= 1 && l.length <= 63 && !l.endsWith('-') && !l.startsWith('-') && /^[a-z\d-]+$/im.test(l));
};

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50, E: 2 ** 60 };

const pyOrRuby = (python: boolean): BuiltinFunction => (c, args) => {
  const f = (v: Value): string => {
    if (python && v === true) return 'True';
    if (python && v === false) return 'False';
    if (v === undefined) return python ? 'None' : 'nil';
    if (Array.isArray(v)) return `[${v.map(f).join(', ')}]`;
    if (isHash(v)) return `{${[...v].map(([k, x]) => `${f(k)}${python ? ': ' : ' => '}${f(x)}`).join(', ')}}`;
    if (v instanceof PRegexp) return rubyInspect(v.source);
    return rubyInspect(v);
  };
  if (args.length !== 1) throw fnError(c, `'${c.name}' expects 1 argument, got ${args.length}`);
  return f(args[0]);
};

export const STDLIB_EXTRA_FUNCTIONS: Functions = {
  reverse: v3((c, args) => {
    const v = args[0];
    if (Array.isArray(v)) return [...v].reverse();
    if (typeof v === 'string') return [...v].reverse().join('');
    throw fnError(c, 'reverse(): Requires either array or string to work with');
  }),
  regexpescape: v3((c, args) => {
    const v = args[0];
    if (Array.isArray(v)) return v.map((i) => (typeof i === 'string' ? regexpEscape(i) : i));
    if (typeof v === 'string') return regexpEscape(v);
    throw fnError(c, 'regexpescape(): Requires either array or string to work with');
  }),
  shell_split: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, `shell_split(): Wrong number of arguments given (${args.length} for 1)`);
    return shellSplit(c, rubyToS(args[0]));
  }),
  reject: v3((c, args) => {
    if (args.length !== 2) throw fnError(c, `reject(): Wrong number of arguments given ${args.length} for 2`);
    const re = rubyRegexp(c, args[1]);
    if (!Array.isArray(args[0])) throw fnError(c, `undefined method \`reject' for ${rubyInspect(args[0])}`);
    return args[0].filter((e) => !(typeof e === 'string' && re.test(e)));
  }),
  delete_regex: v3((c, args) => {
    if (args.length !== 2) throw fnError(c, `delete_regex(): Wrong number of arguments given ${args.length} for 2`);
    let coll = args[0];
    for (const item of Array.isArray(args[1]) ? args[1] : [args[1]]) {
      const re = rubyRegexp(c, `\\b${rubyToS(item)}\\b`);
      if (Array.isArray(coll)) coll = coll.filter((x) => !(typeof x === 'string' && re.test(x)));
      else if (isHash(coll)) coll = new Map([...coll].filter(([k, v]) => !re.test(rubyInspect([k, v]))));
      else throw fnError(c, `delete_regex(): First argument must be an Array, Hash, or String. Given an argument of class ${rubyClass(coll)}.`);
    }
    return coll;
  }),
  dos2unix: v3((c, args) => {
    if (args.length !== 1 || typeof args[0] !== 'string') throw fnError(c, 'dos2unix(): Requires string as argument');
    return args[0].replace(/\r\n/g, '\n');
  }),
  unix2dos: v3((c, args) => {
    if (args.length !== 1 || typeof args[0] !== 'string') throw fnError(c, 'unix2dos(): Requires string as argument');
    return args[0].replace(/\r*\n/g, '\r\n');
  }),
  clamp: v3((c, raw) => {
    const args = raw.flat(Infinity as 1) as Value[];
    if (args.length !== 3) throw fnError(c, 'clamp(): Wrong number of arguments, need three to clamp');
    for (const v of args) {
      if (typeof v === 'string' && !/^\d+$/m.test(v)) throw fnError(c, `clamp(): Required explicit numeric (${v}:String)`);
      if (isHash(v)) throw fnError(c, `clamp(): The Hash type is not allowed (${rubyToS(v)})`);
    }
    return args.map(rubyToI).sort((a, b) => a - b)[1];
  }),
  convert_base: v3((c, args) => {
    const [n, b] = args;
    if (!(typeof n === 'number' || typeof n === 'string')) throw fnError(c, 'convert_base(): First argument must be either a string or an integer');
    if (!(typeof b === 'number' || typeof b === 'string')) throw fnError(c, 'convert_base(): Second argument must be either a string or an integer');
    if ((typeof n === 'string' && !/^[0-9]+$/m.test(n)) || (typeof b === 'string' && !/^[0-9]+$/m.test(b))) throw fnError(c, 'convert_base(): First argument must be an integer or a string corresponding to an integer in base 10');
    const base = rubyToI(b);
    if (base < 2 || base > 36) throw fnError(c, 'convert_base(): base must be at least 2 and must not be greater than 36');
    return BigInt(rubyToI(n)).toString(base);
  }),
  to_bytes: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, `to_bytes(): Wrong number of arguments given (${args.length} for 1)`);
    const a = args[0];
    if (isNumber(a)) return a;
    const m = /([0-9.e+-]*)\s*([^bB]?)/.exec(rubyToS(a))!;
    const unit = UNITS[m[2]];
    if (unit === undefined) throw fnError(c, `to_bytes(): Unknown prefix ${m[2]}`);
    return Math.trunc(rubyToF(m[1]) * unit);
  }),
  is_mac_address: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, `is_mac_address(): Wrong number of arguments given ${args.length} for 1`);
    const m = rubyToS(args[0]);
    return /^[a-f0-9]{1,2}(:[a-f0-9]{1,2}){5}$/im.test(m) || /^[a-f0-9]{1,2}(:[a-f0-9]{1,2}){19}$/im.test(m);
  }),
  is_domain_name: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, `is_domain_name(): Wrong number of arguments given ${args.length} for 1`);
    return isDomainName(args[0]);
  }),
  validate_domain_name: v3((c, args) => {
    if (args.length === 0) throw fnError(c, 'validate_domain_name(): wrong number of arguments (0; must be > 0)');
    for (const a of args) {
      if (typeof a !== 'string') throw fnError(c, `${rubyInspect(a)} is not a string.`);
      if (!isDomainName(a)) throw fnError(c, `${rubyInspect(a)} is not a syntactically correct domain name`);
    }
    return undefined;
  }),
  get_module_path: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, 'get_module_path(): Wrong number of arguments, expects one');
    const d = moduleDir(c, rubyToS(args[0]));
    if (!d) throw fnError(c, `Could not find module ${rubyToS(args[0])} in environment ${c.ctx.env.name}`);
    return d;
  }),
  load_module_metadata: v3((c, args) => {
    if (args.length !== 1 && args.length !== 2) throw fnError(c, 'load_module_metadata(): Wrong number of arguments, expects one or two');
    const mod = rubyToS(args[0]);
    const d = moduleDir(c, mod);
    if (!d) throw fnError(c, `Could not find module ${mod} in environment ${c.ctx.env.name}`);
    const f = join(d, 'metadata.json');
    if (existsSync(f)) {
      try { return fromJson(JSON.parse(readFileSync(f, 'utf8'))); } catch (e) { throw fnError(c, `load_module_metadata(): ${(e as Error).message}`); }
    }
    if (args[1] === undefined || args[1] === '' || args[1] === false) throw fnError(c, `load_module_metadata(): No metadata.json file for module ${mod}`);
    return new Map();
  }),
  loadjson: v3((c, args) => loadFile(c, args, (t) => JSON.parse(t))),
  loadyaml: v3((c, args) => loadFile(c, args, (t) => yamlLib().parse(t, { version: '1.1' }))),
  os_version_gte: (c, args) => {
    const [os, version] = args;
    if (typeof os !== 'string' || os === '' || typeof version !== 'string' || version === '') throw fnError(c, `'os_version_gte' expects two String[1] arguments, got ${typeNameOf(os)} and ${typeNameOf(version)}`);
    const facts = c.ctx.topScope.lookup('facts').value;
    if (!isHash(facts) || !rubyEq(facts.get('operatingsystem'), os)) return false;
    return numValue(c.ctx.functions.get('versioncmp')!(c, [rubyToS(facts.get('operatingsystemmajrelease')), version]) as number) >= 0;
  },
  to_python: pyOrRuby(true),
  to_ruby: pyOrRuby(false),
  try_get_value: v3((c, args) => {
    deprecation(c, 'try_get_value', 'try_get_value() is deprecated, please use dig() instead.');
    const [data, path = '', dflt, sep = '/'] = args;
    if (path === '' || path === undefined) return data;
    let cur: Value = data;
    for (const key of rubyToS(path).split(rubyToS(sep)).filter((x) => x !== '')) {
      if (Array.isArray(cur)) { if (!/^\d+$/.test(key)) return dflt; cur = cur[Number(key)]; }
      else if (isHash(cur)) { if (!cur.has(key)) return dflt; cur = cur.get(key); }
      else return dflt;
      if (cur === undefined) return dflt;
    }
    return cur;
  }),
  is_email_address: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, `is_email_address(): Wrong number of arguments given ${args.length} for 1`);
    return isEmail(args[0]);
  }),
  validate_email_address: v3((c, args) => {
    if (args.length === 0) throw fnError(c, 'validate_email_address(): wrong number of arguments (0; must be > 0)');
    for (const a of args) {
      if (typeof a !== 'string') throw fnError(c, `${rubyInspect(a)} is not a string.`);
      if (!isEmail(a)) throw fnError(c, `${rubyInspect(a)} is not a valid email address`);
    }
    return undefined;
  }),
  has_interface_with: v3((c, args) => hasInterfaceWith(c, args)),
  has_ip_address: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, `has_ip_address(): Wrong number of arguments given (${args.length} for 1)`);
    return hasInterfaceWith(c, ['ipaddress', args[0]]);
  }),
  has_ip_network: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, `has_ip_network(): Wrong number of arguments given (${args.length} for 1)`);
    return hasInterfaceWith(c, ['network', args[0]]);
  }),
  batch_escape: (c, args) => {
    if (args.length !== 1) throw fnError(c, `'batch_escape' expects 1 argument, got ${args.length}`);
    return `"${[...rubyToS(args[0])].map((ch) => (ch === '"' ? '""' : ch === '$' || ch === '\\' ? `\\${ch}` : ch)).join('')}"`;
  },
  powershell_escape: (c, args) => {
    if (args.length !== 1) throw fnError(c, `'powershell_escape' expects 1 argument, got ${args.length}`);
    return [...rubyToS(args[0])].map((ch) => (' \'`|\n$'.includes(ch) ? `\`${ch}` : ch === '"' ? '\\`"' : ch)).join('');
  },
  fqdn_uuid: v3((c, args) => {
    if (args.length === 0) throw fnError(c, 'fqdn_uuid: No arguments given');
    if (args.length !== 1) throw fnError(c, `fqdn_uuid: Too many arguments given (${args.length})`);
    const ns = Buffer.from([0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]);
    const b = createHash('sha1').update(ns).update(rubyToS(args[0]), 'utf8').digest().subarray(0, 16);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.toString('hex');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }),
  str2saltedsha512: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, `str2saltedsha512(): Wrong number of arguments passed (${args.length} but we require 1)`);
    if (typeof args[0] !== 'string') throw fnError(c, `str2saltedsha512(): Requires a String argument, you passed: ${rubyClass(args[0])}`);
    const seed = Buffer.alloc(4);
    seed.writeUInt32LE(randomInt(2 ** 31 - 1));
    return Buffer.concat([seed, createHash('sha512').update(Buffer.concat([seed, Buffer.from(args[0], 'utf8')])).digest()]).toString('hex');
  }),
  time: v3((c, args) => {
    if (args.length > 1) throw fnError(c, `time(): Wrong number of arguments given ${args.length} for 0 or 1`);
    return Math.floor(Date.now() / 1000);
  }),
  parsepson: (c, args) => {
    if (typeof args[0] !== 'string' || args[0] === '') throw fnError(c, `'parsepson' parameter 'pson_string' expects a String[1] value, got ${typeNameOf(args[0])}`);
    try {
      return fromJson(JSON.parse(args[0]));
    } catch (e) {
      if (args.length < 2) throw fnError(c, (e as Error).message);
      return args[1];
    }
  },
  sprintf_hash: (c, args) => {
    if (typeof args[0] !== 'string' || !isHash(args[1])) throw fnError(c, `'sprintf_hash' expects a String and a Hash`);
    deprecation(c, 'sprintf_hash', 'This method is deprecated. From Puppet 4.10.10/5.3.4 please use the built-in sprintf instead');
    return c.ctx.functions.get('sprintf')!({ ...c, name: 'sprintf' }, [args[0], args[1]]);
  },
  glob: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, `glob(): Wrong number of arguments given (${args.length} for 1)`);
    const p = args[0];
    if (typeof p !== 'string' && !Array.isArray(p)) throw fnError(c, 'glob(): Requires either array or string to work');
    const out: string[] = [];
    for (const pat of (Array.isArray(p) ? p : [p]).map(rubyToS)) for (const f of expandGlob(pat)) if (!out.includes(f)) out.push(f);
    return out;
  }),
  str2saltedpbkdf2: (c, raw) => {
    if (raw.length !== 3) throw fnError(c, `str2saltedpbkdf2(): wrong number of arguments (${raw.length} for 3)`);
    const [pw, salt, iter] = raw.map((a) => (a instanceof PSensitive ? a.value : a === undefined ? '' : a));
    if (typeof pw !== 'string') throw fnError(c, 'str2saltedpbkdf2(): first argument must be a string');
    if (typeof salt !== 'string') throw fnError(c, 'str2saltedpbkdf2(): second argument must be a string');
    if (Buffer.byteLength(salt) < 8) throw fnError(c, 'str2saltedpbkdf2(): second argument must be at least 8 bytes long');
    if (typeof iter !== 'number') throw fnError(c, 'str2saltedpbkdf2(): third argument must be an integer');
    if (!(iter > 40_000 && iter < 70_000)) throw fnError(c, 'str2saltedpbkdf2(): third argument must be between 40,000 and 70,000');
    const hash = pbkdf2Sync(Buffer.from(pw, 'utf8'), Buffer.from(salt, 'utf8'), iter, 128, 'sha512');
    return new Map<Value, Value>([['password_hex', hash.toString('hex')], ['salt_hex', Buffer.from(salt, 'utf8').toString('hex')], ['iterations', iter]]);
  },
  shuffle: v3((c, args) => {
    const v = args[0];
    if (!Array.isArray(v) && typeof v !== 'string') throw fnError(c, 'shuffle(): Requires either array or string to work with');
    const items = [...v];
    for (let i = items.length - 1; i > 0; i--) { const j = randomInt(i + 1); [items[i], items[j]] = [items[j], items[i]]; }
    return typeof v === 'string' ? items.join('') : items;
  }),
};

function isEmail(v: Value): boolean {
  return typeof v === 'string' && /^([\w+-].?)+@[a-z\d-]+(\.[a-z]+)*\.[a-z]+$/.test(v);
}

function hasInterfaceWith(c: CallInfo, args: Value[]): boolean {
  if (args.length === 0 || args.length > 2) throw fnError(c, `has_interface_with(): Wrong number of arguments given (${args.length} for 1 or 2)`);
  const look = (name: string): Value => c.ctx.topScope.lookup(name).value;
  const ifaces = look('interfaces');
  if (ifaces === undefined) return false;
  const list = rubyToS(ifaces).split(',');
  if (args.length === 1) return list.includes(rubyToS(args[0]));
  const [kind, value] = args;
  if (rubyEq(look(rubyToS(kind)), value)) return true;
  return list.some((i) => rubyEq(value, look(`${rubyToS(kind)}_${i.toLowerCase()}`)));
}
