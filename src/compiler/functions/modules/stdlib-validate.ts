// stdlib's validate_* and is_* functions and validate_legacy. The 4.x
// wrappers warn (deprecation) and then run the 3.x check; validate_legacy
// runs the 3.x check directly on the raw value, as stdlib's Ruby does.
import type { BuiltinFunction, CallInfo } from '../../evaluator/context.js';
import { PFloat, PRegexp, isHash, isNumber, type Value } from '../../types/values.js';
import { PType } from '../../types/types.js';
import { describeMismatch } from '../../types/mismatch.js';
import { parse } from '../../../lang/index.js';
import { evaluate } from '../../evaluator/expressions.js';
import { type Functions, fnError, rubyRegexp, rubyClass, rubyInspect, rubyToS, rubyInteger, rubyFloatOk, rubyToF, rubyToI, deprecation, parseIp } from './support.js';
import { formatFloat } from '../../evaluator/convert.js';
import { v3 } from './stdlib.js';

type Check = (c: CallInfo, args: Value[]) => void;

function isAbsolutePath(v: Value): boolean {
  if (typeof v !== 'string') return false;
  return /^\//.test(v) || /^(([A-Z]:[\\/])|([\\/][\\/][^\\/]+[\\/][^\\/]+)|([\\/][\\/]\?[\\/][^\\/]+))/i.test(v);
}

function floatOf(v: Value): number | undefined {
  if (isNumber(v)) return typeof v === 'number' ? v : v.value;
  const s = rubyToS(v);
  if (!rubyFloatOk(s)) return undefined;
  return /^[-+]?0[xX]/.test(s.trim()) ? parseInt(s, 16) : rubyToF(s);
}

function fmtNum(n: number, float: boolean): string {
  return float && Number.isInteger(n) ? n.toFixed(1) : String(n);
}

/** validate_integer / validate_numeric share their shape. */
function numericCheck(name: 'validate_integer' | 'validate_numeric'): Check {
  const isInt = name === 'validate_integer';
  const conv = (v: Value): number | undefined => (isInt ? rubyInteger(rubyToS(v)) : floatOf(rubyToS(v)));
  const what = isInt ? 'an Integer' : 'a Numeric';
  return (c, args) => {
    if (args.length === 0 || args.length > 3) throw fnError(c, `${name}(): Wrong number of arguments; must be 1, 2 or 3, got ${args.length}`);
    const [input] = args;
    let max: number | undefined, min: number | undefined;
    if (args.length > 1) {
      const m = rubyToS(args[1]);
      if (!(args.length > 2 && m === '')) {
        max = conv(m);
        if (max === undefined) throw fnError(c, `${name}(): Expected second argument to be unset or ${what}, got ${m}:String`);
      }
    }
    if (args.length > 2) {
      min = conv(rubyToS(args[2]));
      if (min === undefined) throw fnError(c, `${name}(): Expected third argument to be unset or ${what}, got ${rubyToS(args[2])}:${rubyClass(args[2])}`);
    }
    if (min !== undefined && max !== undefined && min > max) throw fnError(c, `${name}(): Expected second argument to be larger than third argument, got ${fmtNum(max, !isInt)} < ${fmtNum(min, !isInt)}`);
    const check = (n: number) => {
      if (max !== undefined && n > max) throw fnError(c, `${name}(): Expected ${rubyInspect(input)} to be smaller or equal to ${fmtNum(max, !isInt)}, got ${rubyInspect(input)}.`);
      if (min !== undefined && n < min) throw fnError(c, `${name}(): Expected ${rubyInspect(input)} to be greater or equal to ${fmtNum(min, !isInt)}, got ${rubyInspect(input)}.`);
    };
    if (Array.isArray(input)) {
      input.forEach((a, pos) => {
        const n = isHash(a) ? undefined : conv(a);
        if (n === undefined) throw fnError(c, `${name}(): Expected element at array position ${pos} to be ${what}, got ${rubyClass(a)}`);
        check(n);
      });
    } else if (isHash(input)) {
      throw fnError(c, `validate_integer(): Expected first argument to be ${what} or Array, got Hash`);
    } else {
      const n = conv(input);
      if (n === undefined) throw fnError(c, `${name}(): Expected first argument to be ${what} or Array, got ${rubyClass(input)}`);
      check(n);
    }
  };
}

function eachArg(name: string, ok: (v: Value) => boolean, msg: (v: Value) => string): Check {
  return (c, args) => {
    if (args.length === 0) throw fnError(c, `${name}(): wrong number of arguments (0; must be > 0)`);
    for (const a of args) if (!ok(a)) throw fnError(c, msg(a));
  };
}

/** The 3.x checks, on arguments as the 3.x function receives them. */
const CHECKS: Record<string, Check> = {
  validate_absolute_path: (c, args) => {
    if (args.length === 0) throw fnError(c, 'validate_absolute_path(): wrong number of arguments (0; must be > 0)');
    for (const a of args) for (const p of Array.isArray(a) ? a : [a]) if (!isAbsolutePath(p)) throw fnError(c, `${rubyInspect(p)} is not an absolute path.`);
  },
  validate_array: eachArg('validate_array', Array.isArray, (a) => `${rubyInspect(a)} is not an Array.  It looks to be a ${rubyClass(a)}`),
  validate_bool: eachArg('validate_bool', (a) => typeof a === 'boolean', (a) => `${rubyInspect(a)} is not a boolean.  It looks to be a ${rubyClass(a)}`),
  validate_hash: eachArg('validate_hash', isHash, (a) => `${rubyInspect(a)} is not a Hash.  It looks to be a ${rubyClass(a)}`),
  validate_string: eachArg('validate_string', (a) => typeof a === 'string' || a === undefined, (a) => `${rubyInspect(a)} is not a string.  It looks to be a ${rubyClass(a)}`),
  validate_integer: numericCheck('validate_integer'),
  validate_numeric: numericCheck('validate_numeric'),
  validate_re: (c, args) => {
    if (args.length < 2 || args.length > 3) throw fnError(c, `validate_re(): wrong number of arguments (${args.length}; must be 2 or 3)`);
    const [s, res, msg] = args;
    if (typeof s !== 'string') throw fnError(c, `validate_re(): input needs to be a String, not a ${rubyClass(s)}`);
    const list = (Array.isArray(res) ? res.flat(Infinity as 1) : [res]) as Value[];
    const ok = list.some((r) => rubyRegexp(c, r).test(s));
    if (!ok) throw fnError(c, msg !== undefined && msg !== false && msg !== '' ? rubyToS(msg) : `validate_re(): ${rubyInspect(s)} does not match ${rubyInspect(res instanceof PRegexp ? res.source : res)}`);
  },
  validate_slength: (c, args) => {
    if (args.length !== 2 && args.length !== 3) throw fnError(c, `validate_slength(): Wrong number of arguments (${args.length}; must be 2 or 3)`);
    const [input, mx, mn] = args;
    const max = rubyInteger(mx);
    if (max === undefined || max <= 0) throw fnError(c, `validate_slength(): Expected second argument to be a positive Numeric, got ${rubyToS(mx)}:${rubyClass(mx)}`);
    let min = 0;
    if (mn !== undefined && mn !== false) {
      const m = rubyInteger(mn);
      if (m === undefined || m < 0) throw fnError(c, `validate_slength(): Expected third argument to be unset or a positive Numeric, got ${rubyToS(mn)}:${rubyClass(mn)}`);
      min = m;
    }
    if (max < min) throw fnError(c, 'validate_slength(): Expected second argument to be equal to or larger than third argument');
    const check = (s: string) => {
      const len = [...s].length;
      if (len > max || len < min) throw fnError(c, `validate_slength(): Expected length of ${rubyInspect(input)} to be between ${min} and ${max}, was ${Array.isArray(input) ? input.length : len}`);
    };
    if (typeof input === 'string') check(input);
    else if (Array.isArray(input)) input.forEach((a, pos) => { if (typeof a !== 'string') throw fnError(c, `validate_slength(): Expected element at array position ${pos} to be a String, got ${rubyClass(a)}`); check(a); });
    else throw fnError(c, `validate_slength(): Expected first argument to be a String or Array, got ${rubyClass(input)}`);
  },
  validate_ip_address: eachArg('validate_ip_address', (a) => parseIp(a) !== undefined, (a) => `${rubyInspect(a)} is not a valid IP address.`),
  validate_ipv4_address: eachArg('validate_ipv4_address', (a) => parseIp(a)?.v6 === false, (a) => `${rubyInspect(a)} is not a valid IPv4 address.`),
  validate_ipv6_address: eachArg('validate_ipv6_address', (a) => parseIp(a)?.v6 === true, (a) => `${rubyInspect(a)} is not a valid IPv6 address.`),
};

const DEPRECATION_TEXT: Record<string, string> = {
  validate_absolute_path: 'Stdlib::Compat::Absolute_Path', validate_array: 'Stdlib::Compat::Array', validate_bool: 'Stdlib::Compat::Bool',
  validate_hash: 'Stdlib::Compat::Hash', validate_integer: 'Stdlib::Compat::Integer', validate_numeric: 'Stdlib::Compat::Numeric',
  validate_re: 'Stdlib::Compat::Re', validate_string: 'Stdlib::Compat::String', validate_slength: 'String[x]',
  validate_ip_address: 'Stdlib::Compat::Ip_Address', validate_ipv4_address: 'Stdlib::Compat::Ipv4', validate_ipv6_address: 'Stdlib::Compat::Ipv6',
};

function validateFn(name: string): BuiltinFunction {
  const check = CHECKS[name];
  return v3((c, args) => {
    deprecation(c, name, `This method is deprecated, please use the stdlib validate_legacy function,\n                    with ${DEPRECATION_TEXT[name]}. There is further documentation for validate_legacy function in the README.`);
    check(c, args);
    return undefined;
  });
}

function typeFromString(c: CallInfo, s: string): PType {
  const r = parse(s, `validate_legacy type string`);
  const expr = r.program.body[0];
  if (r.diagnostics.some((d) => d.severity === 'error') || !expr) throw fnError(c, `validate_legacy(): cannot parse type '${s}'`);
  const t = evaluate(c.ctx, expr, c.ctx.topScope);
  if (!(t instanceof PType)) throw fnError(c, `validate_legacy(): '${s}' is not a type`);
  return t;
}

const validateLegacy: BuiltinFunction = (c, args) => {
  if (args.length < 3) throw fnError(c, `'validate_legacy' expects at least 3 arguments, got ${args.length}`);
  const [t, fname, value, ...prev] = args;
  const type = t instanceof PType ? t : typeof t === 'string' ? typeFromString(c, t) : undefined;
  if (!type) throw fnError(c, `'validate_legacy' parameter 'target_type' expects a Type value, got ${rubyClass(t)}`);
  if (typeof fname !== 'string') throw fnError(c, `'validate_legacy' parameter 'function_name' expects a String value`);
  const check = CHECKS[fname];
  const previous = (): boolean => {
    if (!check) throw fnError(c, `undefined method \`function_${fname}' for Scope`);
    try { check(c, [value, ...prev]); return true; } catch { return false; }
  };
  if (type.isInstance(value)) {
    if (!previous()) c.ctx.log('notice', `Accepting previously invalid value for target type '${type.toString()}'`, c.loc);
    return undefined;
  }
  const msg = describeMismatch(`validate_legacy(${fname})`, type, value).join('\n');
  if (previous()) deprecation(c, 'validate_legacy', msg);
  else throw fnError(c, msg);
  return undefined;
};

function isStringValue(v: Value): boolean {
  if (v === undefined) return true;
  if (typeof v !== 'string') return false;
  return !(v === formatFloat(rubyToF(v)) || v === String(rubyToI(v)));
}

function isFn(name: string, test: (v: Value) => boolean, arity1 = false, warn = true): BuiltinFunction {
  return v3((c, args) => {
    if (warn) deprecation(c, name, `This method is deprecated, please use match expressions with Stdlib::Compat::${name.slice(3).replace(/^./, (x) => x.toUpperCase())} instead. They are described at https://docs.puppet.com/puppet/latest/reference/lang_data_type.html#match-expressions.`);
    if (args.length === 0 || (arity1 && args.length !== 1)) throw fnError(c, `${name}(): Wrong number of arguments given (${args.length} for 1)`);
    return test(args[0]);
  });
}

const isInteger = (v: Value): boolean => {
  if (typeof v === 'number') return true;
  if (v instanceof PFloat) return false;
  return typeof v === 'string' && /^-?(?:(?:[1-9]\d*)|0)$/m.test(v);
};
const isFloat = (v: Value): boolean => v instanceof PFloat || (typeof v === 'string' && v === formatFloat(rubyToF(v)));
const isNumeric = (v: Value): boolean => isNumber(v) || (typeof v === 'string' && /^-?(?:(?:[1-9]\d*)|0)(?:\.\d+)?(?:[eE]-?\d+)?$/m.test(v));

export const STDLIB_VALIDATE_FUNCTIONS: Functions = {
  validate_legacy: validateLegacy,
  ...Object.fromEntries(Object.keys(CHECKS).map((n) => [n, validateFn(n)])),
  is_array: isFn('is_array', Array.isArray),
  is_hash: isFn('is_hash', isHash, true, false),
  is_string: isFn('is_string', isStringValue),
  is_bool: isFn('is_bool', (v) => typeof v === 'boolean', true),
  is_integer: isFn('is_integer', isInteger),
  is_float: isFn('is_float', isFloat),
  is_numeric: isFn('is_numeric', isNumeric),
  is_absolute_path: isFn('is_absolute_path', isAbsolutePath, true),
  is_ip_address: isFn('is_ip_address', (v) => parseIp(v) !== undefined),
  is_ipv4_address: isFn('is_ipv4_address', (v) => parseIp(v)?.v6 === false),
  is_ipv6_address: isFn('is_ipv6_address', (v) => parseIp(v)?.v6 === true),
  is_a: (c, args) => {
    if (args.length !== 2 || !(args[1] instanceof PType)) throw fnError(c, `'is_a' expects 2 arguments (value, Type)`);
    return args[1].isInstance(args[0]);
  },
  is_function_available: v3((c, args) => {
    if (args.length !== 1) throw fnError(c, `is_function_available(): Wrong number of arguments given (${args.length} for 1)`);
    if (typeof args[0] !== 'string') return false;
    return c.ctx.functions.has(args[0]) || c.ctx.env.findFunction(args[0]) !== undefined;
  }),
};
