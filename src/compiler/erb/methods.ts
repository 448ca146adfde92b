// Method dispatch: the receiver's class table first, then Object's methods.
// Also the template's own methods (scope, has_variable?, Kernel functions)
// and the few constants templates use (String, Array, Regexp, File, JSON...).
import { asFloat, kernelInteger, rubyFormat, toFloat } from './format.js';
import {
  ARRAY, DefaultHash, ENUMERABLE, Enumerator, HASH, hashPairs, rangeItems, setSucc, toList,
} from './methods-enum.js';
import { checkSize, intArg, matchAt, STRING, STRING_MUTATORS, strArg, strToF } from './methods-string.js';
import { isIP } from 'node:net';
import { execAt, makeRegexp, regexpEscape } from './regexp.js';
import {
  argError, BreakSignal, checkArgs, MatchData, noMethod, RubyError, ScopeObject, TemplateSelf, tick, typeError,
  unsupported, type Block, type Ctx,
} from './runtime.js';
import { importValue } from './scope.js';
import {
  classOf, compare, ErbClass, ErbFloat, ErbRange, ErbRegexp, ErbSymbol, floatToS, inspect, inspectString, isA,
  isNil, isNumeric, num, rEqual, rEql, rubyClass, sym, toS, truthy, type ErbHash, type ErbValue,
} from './values.js';

type Impl<T> = (ctx: Ctx, self: T, args: ErbValue[], block: Block | null) => ErbValue;

setSucc((s) => STRING.succ(undefined as unknown as Ctx, s, [], null) as string);

// ---- numbers -------------------------------------------------------------

const F = (x: number) => new ErbFloat(x);
function arith(op: string, a: number | ErbFloat, b: ErbValue): ErbValue {
  if (!isNumeric(b)) {
    if (op === '==' ) return false;
    throw typeError(`${isNil(b) ? 'nil' : classOf(b).name === 'String' ? 'String' : classOf(b).name} can't be coerced into ${classOf(a).name}`);
  }
  const float = a instanceof ErbFloat || b instanceof ErbFloat;
  const x = num(a), y = num(b);
  switch (op) {
    case '+': return float ? F(x + y) : x + y;
    case '-': return float ? F(x - y) : x - y;
    case '*': return float ? F(x * y) : x * y;
    case '/':
      if (float) return F(x / y);
      if (y === 0) throw new RubyError('ZeroDivisionError', 'divided by 0');
      return Math.floor(x / y);
    case '%': case 'modulo': {
      if (!float && y === 0) throw new RubyError('ZeroDivisionError', 'divided by 0');
      const m = x - y * Math.floor(x / y);
      return float ? F(m) : m;
    }
    case '**': case 'pow':
      if (!float && y < 0) return F(Math.pow(x, y));
      return float ? F(Math.pow(x, y)) : Math.pow(x, y);
    case 'fdiv': return F(x / y);
    case 'div': return Math.floor(x / y);
    case 'divmod': {
      if (!float && y === 0) throw new RubyError('ZeroDivisionError', 'divided by 0');
      const q = Math.floor(x / y);
      return float ? [F(q), F(x - y * q)] : [q, x - y * q];
    }
  }
  throw noMethod(op, a);
}

function cmpNum(a: number | ErbFloat, b: ErbValue): number {
  if (!isNumeric(b)) throw argError(`comparison of ${classOf(a).name} with ${isNil(b) ? 'nil' : inspect(b)} failed`);
  return compare(a, b)!;
}

/** Float#round(digits) as Ruby's round_half_up: corrects x * 10**d falling just below .5. */
function roundHalfAway(x: number, digits: number): number {
  if (digits < 0) {
    const p = Math.pow(10, -digits);
    return Math.sign(x) * Math.round(Math.abs(x) / p) * p;
  }
  const s = Math.pow(10, digits);
  const xs = x * s;
  let f = Math.sign(xs) * Math.round(Math.abs(xs));
  if (s === 1) return f;
  if (x > 0 && (f + 0.5) / s <= x) f += 1;
  else if (x < 0 && (f - 0.5) / s >= x) f -= 1;
  return f / s;
}

const NUMERIC: Record<string, Impl<number | ErbFloat>> = {
  '+': (_c, s, a) => arith('+', s, a[0]),
  '-': (_c, s, a) => arith('-', s, a[0]),
  '*': (_c, s, a) => arith('*', s, a[0]),
  '/': (_c, s, a) => arith('/', s, a[0]),
  '%': (_c, s, a) => arith('%', s, a[0]),
  modulo: (_c, s, a) => arith('%', s, a[0]),
  '**': (_c, s, a) => arith('**', s, a[0]),
  pow: (_c, s, a) => arith('**', s, a[0]),
  fdiv: (_c, s, a) => arith('fdiv', s, a[0]),
  div: (_c, s, a) => arith('div', s, a[0]),
  divmod: (_c, s, a) => arith('divmod', s, a[0]),
  '-@': (_c, s) => (typeof s === 'number' ? -s : F(-s.value)),
  '+@': (_c, s) => s,
  '==': (_c, s, a) => rEqual(s, a[0]),
  '===': (_c, s, a) => rEqual(s, a[0]),
  'eql?': (_c, s, a) => rEql(s, a[0]),
  '<=>': (_c, s, a) => (isNumeric(a[0]) ? compare(s, a[0]) : undefined),
  '<': (_c, s, a) => cmpNum(s, a[0]) < 0,
  '>': (_c, s, a) => cmpNum(s, a[0]) > 0,
  '<=': (_c, s, a) => cmpNum(s, a[0]) <= 0,
  '>=': (_c, s, a) => cmpNum(s, a[0]) >= 0,
  'between?': (_c, s, a) => cmpNum(s, a[0]) >= 0 && cmpNum(s, a[1]) <= 0,
  clamp: (_c, s, a) => (cmpNum(s, a[0]) < 0 ? a[0] : cmpNum(s, a[1]) > 0 ? a[1] : s),
  abs: (_c, s) => (typeof s === 'number' ? Math.abs(s) : F(Math.abs(s.value))),
  magnitude: (_c, s) => (typeof s === 'number' ? Math.abs(s) : F(Math.abs(s.value))),
  to_i: (_c, s) => Math.trunc(num(s)),
  to_int: (_c, s) => Math.trunc(num(s)),
  truncate: (_c, s) => Math.trunc(num(s)),
  to_f: (_c, s) => F(num(s)),
  'zero?': (_c, s) => num(s) === 0,
  'positive?': (_c, s) => num(s) > 0,
  'negative?': (_c, s) => num(s) < 0,
  'nonzero?': (_c, s) => (num(s) === 0 ? undefined : s),
  'integer?': (_c, s) => typeof s === 'number',
  'finite?': (_c, s) => Number.isFinite(num(s)),
  'infinite?': (_c, s) => (Number.isFinite(num(s)) || Number.isNaN(num(s)) ? undefined : num(s) > 0 ? 1 : -1),
  'nan?': (_c, s) => Number.isNaN(num(s)),
  floor: (_c, s, a) => (a.length && intArg(a[0]) > 0 ? F(Math.floor(num(s) * 10 ** intArg(a[0])) / 10 ** intArg(a[0])) : Math.floor(num(s))),
  ceil: (_c, s, a) => (a.length && intArg(a[0]) > 0 ? F(Math.ceil(num(s) * 10 ** intArg(a[0])) / 10 ** intArg(a[0])) : Math.ceil(num(s))),
  round: (_c, s, a) => {
    const d = a.length && !(a[0] instanceof Map) ? intArg(a[0]) : 0;
    if (typeof s === 'number') return d >= 0 ? s : roundHalfAway(s, d);
    return d > 0 ? F(roundHalfAway(s.value, d)) : roundHalfAway(s.value, d);
  },
  coerce: (_c, s, a) => [a[0], s],
};

const INTEGER: Record<string, Impl<number>> = {
  to_s: (_c, s, a) => (a.length ? s.toString(intArg(a[0])) : toS(s)),
  inspect: (_c, s) => toS(s),
  chr: (_c, s) => String.fromCharCode(s),
  ord: (_c, s) => s,
  succ: (_c, s) => s + 1,
  next: (_c, s) => s + 1,
  pred: (_c, s) => s - 1,
  'even?': (_c, s) => s % 2 === 0,
  'odd?': (_c, s) => Math.abs(s % 2) === 1,
  times: (c, s, _a, b) => {
    if (!b) return new Enumerator(Array.from({ length: Math.max(0, s) }, (_x, i) => i), null);
    for (let i = 0; i < s; i++) {
      tick(c);
      b.call([i]);
    }
    return s;
  },
  upto: (c, s, a, b) => {
    const e = intArg(a[0]);
    if (!b) return new Enumerator(rangeItems(new ErbRange(s, e, false)), null);
    for (let i = s; i <= e; i++) {
      tick(c);
      b.call([i]);
    }
    return s;
  },
  downto: (c, s, a, b) => {
    const e = intArg(a[0]);
    const items: number[] = [];
    for (let i = s; i >= e; i--) items.push(i);
    if (!b) return new Enumerator(items, null);
    for (const i of items) {
      tick(c);
      b.call([i]);
    }
    return s;
  },
  step: (c, s, a, b) => {
    const e = num(a[0] as number), st = num(a[1] as number);
    if (st === 0) throw argError("step can't be 0");
    const items: number[] = [];
    for (let i = s; st > 0 ? i <= e : i >= e; i += st) items.push(i);
    if (!b) return new Enumerator(items, null);
    for (const i of items) {
      tick(c);
      b.call([i]);
    }
    return s;
  },
  '&': (_c, s, a) => s & intArg(a[0]),
  '|': (_c, s, a) => s | intArg(a[0]),
  '^': (_c, s, a) => s ^ intArg(a[0]),
  '~': (_c, s) => ~s,
  '<<': (_c, s, a) => s * 2 ** intArg(a[0]),
  '>>': (_c, s, a) => Math.floor(s / 2 ** intArg(a[0])),
  '[]': (_c, s, a) => (s >> intArg(a[0])) & 1,
  gcd: (_c, s, a) => {
    let x = Math.abs(s), y = Math.abs(intArg(a[0]));
    while (y) [x, y] = [y, x % y];
    return x;
  },
  digits: (_c, s) => String(Math.abs(s)).split('').reverse().map(Number),
  size: () => 8,
  bit_length: (_c, s) => (s < 0 ? (~s).toString(2).length : s === 0 ? 0 : s.toString(2).length),
};

const FLOAT: Record<string, Impl<ErbFloat>> = {
  to_s: (_c, s) => floatToS(s.value),
  inspect: (_c, s) => floatToS(s.value),
};

// ---- nil, booleans, symbols ---------------------------------------------

const NIL: Record<string, Impl<null | undefined>> = {
  to_s: () => '',
  to_a: () => [],
  to_h: () => new Map(),
  to_i: () => 0,
  to_f: () => F(0),
  inspect: () => 'nil',
  '&': () => false,
  '|': (_c, _s, a) => truthy(a[0]),
};

const BOOL: Record<string, Impl<boolean>> = {
  to_s: (_c, s) => String(s),
  inspect: (_c, s) => String(s),
  '&': (_c, s, a) => s && truthy(a[0]),
  '|': (_c, s, a) => s || truthy(a[0]),
  '^': (_c, s, a) => s !== truthy(a[0]),
};

const SYMBOL: Record<string, Impl<ErbSymbol>> = {
  to_s: (_c, s) => s.name,
  id2name: (_c, s) => s.name,
  name: (_c, s) => s.name,
  to_sym: (_c, s) => s,
  inspect: (_c, s) => inspect(s),
  length: (_c, s) => Array.from(s.name).length,
  size: (_c, s) => Array.from(s.name).length,
  upcase: (_c, s) => sym(s.name.toUpperCase()),
  downcase: (_c, s) => sym(s.name.toLowerCase()),
  capitalize: (c, s) => sym(STRING.capitalize(c, s.name, [], null) as string),
  'empty?': (_c, s) => s.name === '',
  '<=>': (_c, s, a) => (a[0] instanceof ErbSymbol ? compare(s, a[0]) : undefined),
  '[]': (c, s, a) => STRING['[]'](c, s.name, a, null),
  'start_with?': (c, s, a) => STRING['start_with?'](c, s.name, a, null),
  'end_with?': (c, s, a) => STRING['end_with?'](c, s.name, a, null),
  to_proc: () => {
    throw unsupported('Symbol#to_proc as a value');
  },
};

// ---- ranges, regexps, match data ------------------------------------------

function rangeCover(r: ErbRange, v: ErbValue): boolean {
  if (isNil(v)) return false;
  const lo = isNil(r.begin) ? -1 : compare(r.begin, v);
  if (lo === undefined || lo > 0) return false;
  if (isNil(r.end)) return true;
  const hi = compare(v, r.end);
  return hi !== undefined && (r.exclusive ? hi < 0 : hi <= 0);
}

const RANGE: Record<string, Impl<ErbRange>> = {
  begin: (_c, r) => r.begin,
  end: (_c, r) => r.end,
  first: (_c, r, a) => (a.length ? rangeItems(r).slice(0, intArg(a[0])) : r.begin),
  last: (_c, r, a) => (a.length ? rangeItems(r).slice(-intArg(a[0])) : r.end),
  'exclude_end?': (_c, r) => r.exclusive,
  'include?': (_c, r, a) => rangeCover(r, a[0]),
  'member?': (_c, r, a) => rangeCover(r, a[0]),
  'cover?': (_c, r, a) => rangeCover(r, a[0]),
  '===': (_c, r, a) => rangeCover(r, a[0]),
  size: (_c, r) => rangeItems(r).length,
  count: (c, r, a, b) => ENUMERABLE.count(c, r, rangeItems(r), a, b),
  each: (c, r, _a, b) => {
    for (const v of rangeItems(r)) {
      tick(c);
      b ? b.call([v]) : undefined;
    }
    return r;
  },
  step: (c, r, a, b) => {
    const st = intArg(a[0]);
    const items = rangeItems(r).filter((_v, i) => i % st === 0);
    if (!b) return new Enumerator(items, null);
    items.forEach((v) => (tick(c), b.call([v])));
    return r;
  },
  to_s: (_c, r) => toS(r),
  inspect: (_c, r) => inspect(r),
  '==': (_c, r, a) => rEqual(r, a[0]),
};

const REGEXP: Record<string, Impl<ErbRegexp>> = {
  match: (c, r, a) => (isNil(a[0]) ? ((c.lastMatch = null), undefined) : matchAt(c, r, strArg(toStrLike(a[0])), a.length > 1 ? intArg(a[1]) : 0) ?? undefined),
  'match?': (_c, r, a) => !isNil(a[0]) && execAt(r, strArg(toStrLike(a[0]))) !== null,
  '=~': (c, r, a) => {
    if (isNil(a[0])) return undefined;
    const m = matchAt(c, r, strArg(toStrLike(a[0])));
    return m ? m.m.index : undefined;
  },
  '===': (c, r, a) => (typeof a[0] === 'string' || a[0] instanceof ErbSymbol ? matchAt(c, r, toS(a[0])) !== null : false),
  source: (_c, r) => r.source,
  to_s: (_c, r) => toS(r),
  inspect: (_c, r) => inspect(r),
  'casefold?': (_c, r) => r.options.includes('i'),
  names: (_c, r) => Array.from(r.source.matchAll(/\(\?<([A-Za-z_]\w*)>/g), (m) => m[1]),
  '==': (_c, r, a) => rEqual(r, a[0]),
};

const toStrLike = (v: ErbValue): ErbValue => (v instanceof ErbSymbol ? v.name : v);

const MATCH: Record<string, Impl<MatchData>> = {
  '[]': (c, m, a) => {
    if (typeof a[0] === 'string' || a[0] instanceof ErbSymbol) return m.named(toS(a[0]));
    if (a.length > 1 || a[0] instanceof ErbRange) return ARRAY['[]'](c, MATCH.to_a(c, m, [], null) as ErbValue[], a, null);
    return m.group(intArg(a[0]) < 0 ? m.m.length + intArg(a[0]) : intArg(a[0]));
  },
  captures: (_c, m) => m.m.slice(1).map((g) => (g === undefined ? undefined : g)),
  named_captures: (_c, m) => new Map(Object.entries(m.m.groups ?? {}).map(([k, v]) => [k, v === undefined ? undefined : v])),
  names: (_c, m) => Object.keys(m.m.groups ?? {}),
  to_a: (_c, m) => Array.from(m.m, (g) => (g === undefined ? undefined : g)),
  to_s: (_c, m) => m.m[0],
  pre_match: (_c, m) => m.input.slice(0, m.m.index),
  post_match: (_c, m) => m.input.slice(m.m.index + m.m[0].length),
  string: (_c, m) => m.input,
  size: (_c, m) => m.m.length,
  length: (_c, m) => m.m.length,
  begin: (_c, m, a) => (intArg(a[0]) === 0 ? m.m.index : unsupportedV('MatchData#begin(n)')),
  end: (_c, m, a) => (intArg(a[0]) === 0 ? m.m.index + m.m[0].length : unsupportedV('MatchData#end(n)')),
  values_at: (_c, m, a) => a.map((i) => m.group(intArg(i))),
};

const unsupportedV = (what: string): never => {
  throw unsupported(what);
};

// ---- Object ---------------------------------------------------------------

function toJson(v: ErbValue, pretty: boolean, indent = ''): string {
  if (isNil(v)) return 'null';
  if (typeof v === 'string' || v instanceof ErbSymbol) {
    return JSON.stringify(toS(v)).replace(/[\u007f-\uffff]/g, (c) => c).replace(/\\u007f/g, '\u007f');
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof ErbFloat) return toS(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    if (!pretty) return '[' + v.map((x) => toJson(x, false)).join(',') + ']';
    return '[\n' + v.map((x) => inner + toJson(x, true, inner)).join(',\n') + '\n' + indent + ']';
  }
  if (v instanceof Map) {
    if (!v.size) return '{}';
    const items = Array.from(v, ([k, x]) => JSON.stringify(toS(k)) + (pretty ? ': ' : ':') + toJson(x, pretty, inner));
    if (!pretty) return '{' + items.join(',') + '}';
    return '{\n' + items.map((s) => inner + s).join(',\n') + '\n' + indent + '}';
  }
  return JSON.stringify(toS(v));
}

function fromJson(x: unknown): ErbValue {
  if (Array.isArray(x)) return x.map(fromJson);
  if (x !== null && typeof x === 'object') return new Map(Object.entries(x).map(([k, v]) => [k, fromJson(v)]));
  if (typeof x === 'number' && !Number.isInteger(x)) return F(x);
  return x === null ? undefined : (x as ErbValue);
}

const OBJECT: Record<string, Impl<ErbValue>> = {
  'nil?': (_c, s) => isNil(s),
  'is_a?': (_c, s, a) => isA(s, classArg(a[0])),
  'kind_of?': (_c, s, a) => isA(s, classArg(a[0])),
  'instance_of?': (_c, s, a) => classOf(s) === classArg(a[0]),
  class: (_c, s) => classOf(s),
  to_s: (_c, s) => toS(s),
  inspect: (_c, s) => inspect(s),
  '==': (_c, s, a) => rEqual(s, a[0]),
  '!=': (_c, s, a) => !rEqual(s, a[0]),
  '!': (_c, s) => !truthy(s),
  'equal?': (_c, s, a) => s === a[0] || (isNil(s) && isNil(a[0])),
  'eql?': (_c, s, a) => rEql(s, a[0]),
  '===': (_c, s, a) => rEqual(s, a[0]),
  '=~': () => undefined,
  'respond_to?': (c, s, a) => respondTo(c, s, toS(a[0])),
  freeze: (_c, s) => s,
  'frozen?': (_c, s) => !(Array.isArray(s) || s instanceof Map),
  dup: (_c, s) => (Array.isArray(s) ? s.slice() : s instanceof Map ? new Map(s) : s),
  clone: (_c, s) => (Array.isArray(s) ? s.slice() : s instanceof Map ? new Map(s) : s),
  itself: (_c, s) => s,
  tap: (_c, s, _a, b) => (b?.call([s]), s),
  then: (_c, s, _a, b) => (b ? b.call([s]) : s),
  yield_self: (_c, s, _a, b) => (b ? b.call([s]) : s),
  send: (c, s, a, b) => callMethod(c, s, toS(a[0]), a.slice(1), b),
  public_send: (c, s, a, b) => callMethod(c, s, toS(a[0]), a.slice(1), b),
  to_json: (_c, s) => toJson(s, false),
};

function classArg(v: ErbValue): ErbClass {
  if (v instanceof ErbClass) return v;
  throw typeError('class or module required');
}

function respondTo(c: Ctx, s: ErbValue, name: string): boolean {
  return tableFor(s)?.[name] !== undefined || name in OBJECT ||
    ((Array.isArray(s) || s instanceof Map || s instanceof ErbRange) && name in ENUMERABLE) ||
    (typeof s === 'string' && name in STRING_MUTATORS) || (isNumeric(s) && name in NUMERIC) || (void c, false);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function tableFor(v: ErbValue): Record<string, Impl<any>> | undefined {
  if (typeof v === 'string') return STRING;
  if (Array.isArray(v)) return ARRAY;
  if (v instanceof Map) return HASH;
  if (typeof v === 'number') return INTEGER;
  if (v instanceof ErbFloat) return FLOAT;
  if (isNil(v)) return NIL;
  if (typeof v === 'boolean') return BOOL;
  if (v instanceof ErbSymbol) return SYMBOL;
  if (v instanceof ErbRange) return RANGE;
  if (v instanceof ErbRegexp) return REGEXP;
  if (v instanceof MatchData) return MATCH;
  if (v instanceof IPAddrValue) return IPADDR;
  return undefined;
}

export function callMethod(ctx: Ctx, self: ErbValue, name: string, args: ErbValue[], block: Block | null): ErbValue {
  const table = tableFor(self);
  const impl = table?.[name];
  if (impl) return impl(ctx, self, args, block);
  if (typeof self === 'string') {
    const mut = STRING_MUTATORS[name];
    if (mut) return mut(ctx, self, args, block)[1];
  }
  if (isNumeric(self)) {
    const n = NUMERIC[name];
    if (n) return n(ctx, self, args, block);
  }
  if (Array.isArray(self)) {
    const e = ENUMERABLE[name];
    if (e) return e(ctx, self, self, args, block);
  } else if (self instanceof Map) {
    const e = ENUMERABLE[name];
    if (e) return e(ctx, self, hashPairs(self), args, block);
  } else if (self instanceof ErbRange) {
    const e = ENUMERABLE[name];
    if (e) return e(ctx, self, rangeItems(self), args, block);
  } else if (self instanceof Enumerator) {
    return enumeratorMethod(ctx, self, name, args, block);
  } else if (self instanceof ScopeObject) {
    return scopeMethod(ctx, self, name, args, block);
  } else if (self instanceof TemplateSelf) {
    return callSelf(ctx, name, args, block);
  } else if (self instanceof ErbClass) {
    const r = classMethod(ctx, self, name, args, block);
    if (r !== NOT_FOUND) return r as ErbValue;
  }
  const o = OBJECT[name];
  if (o) return o(ctx, self, args, block);
  // A method we know on other classes is a genuine Ruby NoMethodError (the data has another type).
  if (ALL_TABLES.some((t) => name in t)) {
    throw new RubyError('NoMethodError', `undefined method \`${name}' for ${inspect(self).slice(0, 200)}:${classOf(self).name}`);
  }
  throw noMethod(name, self);
}

function enumeratorMethod(ctx: Ctx, e: Enumerator, name: string, args: ErbValue[], block: Block | null): ErbValue {
  if ((name === 'with_index' || name === 'each_with_index') && block) {
    let i = name === 'with_index' && args.length ? intArg(args[0]) : 0;
    if (!e.apply) return ENUMERABLE.each_with_index(ctx, e, e.items, [], block);
    return e.apply({ arity: 1, call: (a) => block.call([a.length === 1 ? a[0] : a, i++]) });
  }
  if ((name === 'with_index' || name === 'each_with_index') && !block) {
    const off = name === 'with_index' && args.length ? intArg(args[0]) : 0;
    const apply = e.apply;
    return new Enumerator(e.items.map((v, i) => [v, i + off]), apply ? (b) => {
      let i = off;
      return apply({ arity: b.arity, call: (a) => b.call([a.length === 1 ? a[0] : a, i++]) });
    } : null);
  }
  if (name === 'with_object' && block) {
    const memo = args[0];
    if (e.apply) e.apply({ arity: 1, call: (a) => block.call([a.length === 1 ? a[0] : a, memo]) });
    return memo;
  }
  if ((name === 'each') && block) return e.apply ? e.apply(block) : (e.items.forEach((v) => block.call([v])), e);
  if (name === 'next' || name === 'peek') throw unsupported('external enumeration (Enumerator#next)');
  if (name === 'size') return e.items.length;
  const f = ENUMERABLE[name];
  if (f) return f(ctx, e, e.items, args, block);
  if (name === 'to_s' || name === 'inspect') return '#<Enumerator: ...>';
  throw noMethod(name, e as unknown as ErbValue);
}

// ---- scope and the template itself ----------------------------------------

function lookup(ctx: Ctx, name: ErbValue): ErbValue {
  const v = importValue(ctx.scope.lookupvar(strArg(toStrLike(name))));
  return v === null ? undefined : v;
}

function functionArgs(name: string, a: ErbValue[]): ErbValue[] {
  if (a.length !== 1 || !Array.isArray(a[0])) {
    throw argError(`${name}(): Wrong number of arguments given (function_* expects one Array of arguments)`);
  }
  return a[0];
}

function scopeMethod(ctx: Ctx, s: ScopeObject, name: string, a: ErbValue[], block: Block | null): ErbValue {
  void block;
  if (name.startsWith('function_')) {
    const fn = name.slice('function_'.length);
    return importValue(ctx.scope.callFunction(fn, functionArgs(fn, a)));
  }
  switch (name) {
    case 'lookupvar':
    case '[]':
      checkArgs(name, a, 1, 2);
      return lookup(ctx, a[0]);
    case 'call_function': {
      checkArgs(name, a, 1, 2);
      const args = a.length > 1 ? (Array.isArray(a[1]) ? a[1] : [a[1]]) : [];
      return importValue(ctx.scope.callFunction(strArg(a[0]), args));
    }
    case 'include?':
    case 'exist?':
    case 'bound?':
      return ctx.scope.lookupvar(strArg(toStrLike(a[0]))) !== undefined;
    case 'to_hash': {
      if (!ctx.scope.toHash) throw unsupported('scope.to_hash');
      return importValue(ctx.scope.toHash()) as ErbHash;
    }
    case 'environment':
      if (!ctx.scope.environment) throw unsupported('scope.environment');
      return ctx.scope.environment();
    case 'tags':
      return ctx.scope.tags ? ctx.scope.tags() : [];
    case 'setvar':
    case '[]=':
      checkArgs(name, a, 2, 3);
      if (!ctx.scope.setvar) throw unsupported('setting Puppet variables from a template (scope.setvar)');
      {
        const vname = strArg(toStrLike(a[0]));
        // Puppet copies the visible variables into @ivars when the template
        // starts: @x keeps its earlier value (nil if none) after setvar.
        if (!ctx.ivars.has(vname)) ctx.ivars.set(vname, importValue(ctx.scope.lookupvar(vname)) ?? undefined);
        ctx.scope.setvar(vname, a[1]);
      }
      return a[1];
    case 'to_s':
    case 'inspect':
      return 'Scope()';
    case 'nil?':
      return false;
  }
  void s;
  throw unsupported(`scope.${name}`);
}

/** Receiver-less methods a template can call (for defined?). */
export const SELF_METHODS = new Set([
  'scope', 'file', 'has_variable?', 'tags', 'all_tags', 'classes', 'Array', 'String', 'Integer', 'Float', 'Hash',
  'format', 'sprintf', 'raise', 'fail', 'puts', 'print', 'p', 'pp', 'warn', 'loop', 'block_given?', 'instance_variable_get',
]);

/** Methods called without a receiver: the template wrapper's and Kernel's. */
export function callSelf(ctx: Ctx, name: string, a: ErbValue[], block: Block | null): ErbValue {
  switch (name) {
    case 'scope':
      return ctx.scopeObj;
    case 'file':
      return ctx.file;
    case 'has_variable?':
      checkArgs(name, a, 1);
      return ctx.scope.lookupvar(strArg(toStrLike(a[0]))) !== undefined;
    case 'tags':
      return ctx.scope.tags ? ctx.scope.tags() : [];
    case 'all_tags':
      return ctx.scope.allTags ? ctx.scope.allTags() : [];
    case 'classes':
      return ctx.scope.classes ? ctx.scope.classes() : [];
    case 'Array':
      checkArgs(name, a, 1);
      return isNil(a[0]) ? [] : Array.isArray(a[0]) ? a[0] : a[0] instanceof Map ? hashPairs(a[0]) : [a[0]];
    case 'String':
      checkArgs(name, a, 1);
      return toS(a[0]);
    case 'Integer':
      checkArgs(name, a, 1, 2);
      if (a.length === 2 && typeof a[0] === 'string' && !(a[1] instanceof Map)) return parseIntStrict(a[0], intArg(a[1]));
      if (isNil(a[0])) throw typeError("can't convert nil into Integer");
      return kernelInteger(a[0]);
    case 'Float':
      checkArgs(name, a, 1);
      if (isNil(a[0])) throw typeError("can't convert nil into Float");
      return F(toFloat(a[0]));
    case 'Hash':
      checkArgs(name, a, 1);
      if (isNil(a[0]) || (Array.isArray(a[0]) && !a[0].length)) return new Map();
      if (a[0] instanceof Map) return a[0];
      throw typeError(`can't convert ${classOf(a[0]).name} into Hash`);
    case 'format':
    case 'sprintf':
      if (!a.length) throw argError('too few arguments');
      return rubyFormat(strArg(a[0]), a.slice(1));
    case 'raise':
    case 'fail': {
      if (!a.length) throw new RubyError('RuntimeError', 'unhandled exception');
      if (a[0] instanceof ErbClass) throw new RubyError(a[0].name, a.length > 1 ? toS(a[1]) : a[0].name);
      throw new RubyError('RuntimeError', toS(a[0]));
    }
    case 'puts': case 'print': case 'p': case 'pp': case 'warn':
      // These write to Puppet's stdout/stderr, not into the template output.
      return name === 'p' ? (a.length === 1 ? a[0] : a.length ? a : undefined) : undefined;
    case 'loop': {
      if (!block) throw unsupported('loop without a block');
      try {
        for (;;) {
          tick(ctx);
          block.call([]);
        }
      } catch (e) {
        if (e instanceof RubyError && e.rubyClass === 'StopIteration') return undefined;
        if (e instanceof BreakSignal && e.block === block) return e.value;
        throw e;
      }
    }
    case 'block_given?':
      return false;
    case 'instance_variable_get':
      return callSelfIvar(ctx, toS(a[0]));
    case 'to_s':
    case 'inspect':
      return `template[${ctx.file}]`;
    case 'require':
      // Libraries whose few features we provide natively (JSON, IPAddr) load as no-ops.
      if (a.length === 1 && typeof a[0] === 'string' && ['json', 'ipaddr', 'set'].includes(a[0])) return false;
      throw unsupported(`${name} ${a.length ? inspect(a[0]) : ''}`.trim());
    case 'load':
      throw unsupported(`${name} ${a.length ? inspect(a[0]) : ''}`.trim());
    case 'lambda': case 'proc':
      throw unsupported(`${name} (code blocks as values)`);
    case 'binding': case 'eval': case 'instance_eval': case 'system': case 'exec': case 'spawn': case '`': case 'open':
      throw unsupported(name);
    case 'rand': case 'srand': case 'sleep':
      throw unsupported(name);
  }
  if (OBJECT[name] && name !== 'to_json') return OBJECT[name](ctx, ctx.self, a, block);
  if (a.length === 0 && !block) {
    throw new RubyError('NameError', `undefined local variable or method \`${name}' for template ${ctx.file}`);
  }
  throw new RubyError('NoMethodError', `undefined or unsupported method \`${name}' for template ${ctx.file}`, true);
}

function callSelfIvar(ctx: Ctx, name: string): ErbValue {
  const n = name.replace(/^@/, '');
  if (ctx.ivars.has(n)) return ctx.ivars.get(n);
  const v = importValue(ctx.scope.lookupvar(n));
  return v === null ? undefined : v;
}

function parseIntStrict(s: string, base: number): number {
  const t = s.trim().replace(/_/g, '');
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  const re = new RegExp(`^[+-]?[${digits}]+$`, 'i');
  if (!re.test(t)) throw argError(`invalid value for Integer(): ${inspectString(s)}`);
  return parseInt(t, base);
}

// ---- IPAddr (the validation templates use it for) ----------------------------

class IPAddrValue {
  readonly erbObject = 'IPAddr';
  constructor(readonly addr: string, readonly family: 4 | 6) {}
}

function ipAddr(v: ErbValue): IPAddrValue {
  const s = strArg(v);
  const [addr, prefix, extra] = s.replace(/^\[(.*)\]$/, '$1').split('/');
  const fam = isIP(addr);
  const prefixOk = prefix === undefined || /^\d+$/.test(prefix) || (fam === 4 && isIP(prefix) === 4);
  if (!fam || extra !== undefined || !prefixOk) throw new RubyError('IPAddr::InvalidAddressError', `invalid address: ${s}`);
  return new IPAddrValue(fam === 4 ? addr : addr.toLowerCase(), fam as 4 | 6);
}

const IPADDR: Record<string, Impl<IPAddrValue>> = {
  to_s: (_c, a) => a.addr,
  'ipv4?': (_c, a) => a.family === 4,
  'ipv6?': (_c, a) => a.family === 6,
};

// ---- constants and class methods --------------------------------------------

const NOT_FOUND = Symbol('not found');
const EXTRA_CLASSES = new Map<string, ErbClass>(
  ['File', 'JSON', 'Math', 'StandardError', 'RuntimeError', 'ArgumentError', 'TypeError', 'NameError', 'NoMethodError',
    'KeyError', 'IndexError', 'ZeroDivisionError', 'Exception', 'StopIteration', 'Enumerator', 'MatchData', 'Proc', 'IPAddr',
    'IPAddr::InvalidAddressError', 'IPAddr::AddressFamilyError', 'JSON::ParserError']
    .map((n) => [n, new ErbClass(n, [n])]),
);

export function constValue(name: string): ErbValue {
  const c = rubyClass(name) ?? EXTRA_CLASSES.get(name);
  if (c) return c;
  throw unsupported(`constant ${name}`);
}

function classMethod(ctx: Ctx, c: ErbClass, name: string, a: ErbValue[], block: Block | null): ErbValue | typeof NOT_FOUND {
  void block;
  switch (name) {
    case '===': return isA(a[0], c);
    case 'name': case 'to_s': case 'inspect': return c.name;
    case '==': return a[0] === c;
  }
  switch (c.name + '.' + name) {
    case 'String.new': return a.length ? strArg(a[0]) : '';
    case 'Array.new': {
      if (!a.length) return [];
      const n = intArg(a[0]);
      if (n < 0) throw argError('negative array size');
      checkSize(n);
      if (block) return Array.from({ length: n }, (_x, i) => block.call([i]));
      return Array.from({ length: n }, () => a[1]);
    }
    case 'Hash.[]': {
      if (a.length === 1 && a[0] instanceof Map) return new Map(a[0]);
      if (a.length === 1 && Array.isArray(a[0])) return ENUMERABLE.to_h(ctx, a[0], a[0], [], null);
      if (a.length % 2) throw argError('odd number of arguments for Hash');
      const h: ErbHash = new Map();
      for (let i = 0; i < a.length; i += 2) h.set(a[i], a[i + 1]);
      return h;
    }
    case 'Array.[]': return a;
    case 'Hash.new':
      return a.length || block ? new DefaultHash(a[0], block) : new Map();
    case 'Regexp.escape': case 'Regexp.quote': return regexpEscape(toS(a[0]));
    case 'Regexp.new': {
      if (a[0] instanceof ErbRegexp) return a[0];
      const o = a[1];
      const opts = o === true ? 'i' : typeof o === 'number' ? (o & 1 ? 'i' : '') + (o & 2 ? 'x' : '') + (o & 4 ? 'm' : '') : typeof o === 'string' ? o : '';
      return makeRegexp(strArg(a[0]), opts);
    }
    case 'Regexp.union': {
      const items = a.length === 1 && Array.isArray(a[0]) ? a[0] : a;
      return makeRegexp(items.map((x) => (x instanceof ErbRegexp ? toS(x) : regexpEscape(strArg(x)))).join('|'), '');
    }
    case 'File.basename': {
      let b = strArg(a[0]).replace(/\/+$/, '');
      b = b.slice(b.lastIndexOf('/') + 1) || (strArg(a[0]).startsWith('/') ? '/' : '');
      if (a.length > 1) {
        const ext = strArg(a[1]);
        if (ext === '.*') b = b.replace(/(.)\.[^.]*$/, '$1');
        else if (b.endsWith(ext) && b !== ext) b = b.slice(0, -ext.length);
      }
      return b;
    }
    case 'File.dirname': {
      const s = strArg(a[0]).replace(/(.)\/+$/, '$1');
      const i = s.lastIndexOf('/');
      return i < 0 ? '.' : i === 0 ? '/' : s.slice(0, i).replace(/(.)\/+$/, '$1');
    }
    case 'File.extname': {
      const b = callMethod(ctx, c, 'basename', [a[0]], null) as string;
      const m = /[^.]\.([^.]+)$/.exec(b);
      return m ? '.' + m[1] : '';
    }
    case 'File.join': return a.flat(Infinity as 1).map((x) => toS(x)).join('/').replace(/\/+/g, '/');
    case 'JSON.generate': case 'JSON.dump': return toJson(a[0], false);
    case 'JSON.pretty_generate': return toJson(a[0], true);
    case 'JSON.parse':
      try {
        return fromJson(JSON.parse(strArg(a[0])));
      } catch (e) {
        if (e instanceof RubyError) throw e;
        throw new RubyError('JSON::ParserError', (e as Error).message);
      }
    case 'IPAddr.new': return ipAddr(a.length ? a[0] : '::');
    case 'Integer.sqrt': return Math.floor(Math.sqrt(intArg(a[0])));
    case 'Math.sqrt': return F(Math.sqrt(asFloat(a[0])));
    case 'Float.parse': return F(strToF(strArg(a[0])));
  }
  return NOT_FOUND;
}

export { toList };

// Method names come from templates: no inherited Object.prototype members.
for (const t of [NUMERIC, INTEGER, FLOAT, NIL, BOOL, SYMBOL, RANGE, REGEXP, MATCH, OBJECT, IPADDR]) Object.setPrototypeOf(t, null);
const ALL_TABLES: object[] = [STRING, STRING_MUTATORS, ARRAY, HASH, ENUMERABLE, NUMERIC, INTEGER, FLOAT, SYMBOL, RANGE, REGEXP, MATCH];
