// The compiler's side of Hiera: lookup(), hiera(), hiera_array(),
// hiera_hash(), hiera_include(), and automatic class parameter lookup
// (`<class>::<param>`). One Hiera per compile (Context), so data files,
// configurations and lookup_options are read once per compile.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltinFunction, CallInfo, Context } from '../evaluator/context.js';
import type { Environment } from '../loader.js';
import type { Scope } from '../scope.js';
import { KurokoError } from '../../util/diagnostic.js';
import { isHash, type Value } from '../types/values.js';
import { PType, typeNameOf } from '../types/types.js';
import { describeMismatch } from '../types/mismatch.js';
import { evaluate } from '../evaluator/expressions.js';
import { parse } from '../../lang/index.js';
import { Hiera, type HieraSetup, type LookupScope } from './lookup.js';
import { toMergeStrategy, type MergeStrategy } from './merge.js';
import { registerFunction } from '../functions/index.js';

export interface HieraPlaces {
  /** The global hiera.yaml (the hiera_config setting). */
  globalConfig?: string;
  /** The environment directory (for <env>/hiera.yaml). */
  environmentDir?: string;
}

const places = new WeakMap<Environment, HieraPlaces>();
const perCompile = new WeakMap<Context, Hiera>();

/** Where a compile's Hiera configuration is; sets the automatic parameter lookup hook. */
export function installHiera(env: Environment, p: HieraPlaces): void {
  places.set(env, p);
  env.lookupParameter = lookupParameter;
}

function moduleDirFinder(env: Environment): (name: string) => string | undefined {
  return (name) => {
    for (const dir of env.modulepath) {
      const d = join(dir, name);
      if (existsSync(d)) return d;
    }
    return undefined;
  };
}

// Type strings in lookup_options (convert_to) are type expressions only: no calls, variables or blocks.
const TYPE_STRING = /^[A-Z][\w:]*(\[[\w\s:,.'"\[\]\-/^$*+?\\]*\])?$/;

function converter(ctx: Context): HieraSetup['convert'] {
  return (value, to, key) => {
    const spec = Array.isArray(to) ? to : [to];
    let t = spec[0];
    if (typeof t === 'string') {
      if (!TYPE_STRING.test(t)) throw new KurokoError(`Invalid data type in lookup_options for key '${key}' could not parse '${t}'`, { code: 'KUR5045', field: 'convert_to', value: t });
      const r = parse(t, '<lookup_options>');
      const e = r.program.body[0];
      if (!e || r.diagnostics.some((d) => d.severity === 'error')) throw new KurokoError(`Invalid data type in lookup_options for key '${key}' could not parse '${t}'`, { code: 'KUR5045', field: 'convert_to', value: t });
      t = evaluate(ctx, e, ctx.topScope);
    }
    const fn = ctx.functions.get('new');
    if (!(t instanceof PType) || !fn) throw new KurokoError(`The convert_to lookup_option for key '${key}' must name a type`, { code: 'KUR5045', field: 'convert_to', value: String(spec[0]) });
    try {
      return fn({ ctx, scope: ctx.topScope, loc: { file: '<lookup_options>', line: 0, column: 0, offset: 0, length: 0 } as CallInfo['loc'], name: 'new' }, [t, value, ...spec.slice(1)]);
    } catch (e) {
      throw new KurokoError(`The convert_to lookup_option for key '${key}' raised error: ${(e as Error).message}`, { code: 'KUR5045', field: 'convert_to', value: String(spec[0]), cause: e });
    }
  };
}

/** The compile's Hiera (made on first use). */
export function hieraFor(ctx: Context): Hiera {
  let h = perCompile.get(ctx);
  if (!h) {
    const p = places.get(ctx.env) ?? {};
    h = new Hiera({ globalConfig: p.globalConfig, environmentDir: p.environmentDir, moduleDir: moduleDirFinder(ctx.env), convert: converter(ctx), strict: ctx.strict, warn: (m) => ctx.log('warning', m) });
    perCompile.set(ctx, h);
  }
  return h;
}

/** Interpolation's view of the compiler's variables: `x` in `scope`, `::x` at top, `a::b::x` in class a::b. */
export function scopeVariables(ctx: Context, scope: Scope): LookupScope {
  return {
    variable(name: string) {
      let n = name;
      if (n.startsWith('::')) { n = n.slice(2); if (!n.includes('::')) return ctx.topScope.lookup(n); }
      const i = n.lastIndexOf('::');
      if (i >= 0) {
        const cs = i === 0 ? ctx.topScope : ctx.classScope(n.slice(0, i));
        const v = n.slice(i + 2);
        return cs && cs.vars.has(v) ? { found: true, value: cs.vars.get(v) } : { found: false, value: undefined };
      }
      return scope.lookup(n);
    },
  };
}

/** Automatic class parameter lookup; an undef found in data does not replace a default expression. */
function lookupParameter(ctx: Context, key: string, isClass: boolean): { found: boolean; value: Value } | undefined {
  if (!isClass) return undefined;
  const r = hieraFor(ctx).lookup(key, scopeVariables(ctx, ctx.nodeScope ?? ctx.topScope));
  if (r.found && r.value === undefined) {
    const i = key.lastIndexOf('::');
    const def = ctx.env.findClass(key.slice(0, i));
    const param = def?.parameters.find((p) => p.name === key.slice(i + 2));
    if (param?.value) return { found: false, value: undefined };
  }
  return r;
}

function fail(c: CallInfo, msg: string, code = 'KUR5050'): Error {
  const e = c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, ${msg}`, c.loc, code);
  return e;
}

function wrap<T>(c: CallInfo, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KurokoError && !e.location?.line && e.code.startsWith('KUR50')) {
      // A Hiera error: keep its file/key text, add where the manifest called lookup.
      throw new KurokoError(`Evaluation Error: Error while evaluating a Function Call, ${e.message}`, { ...e.toDiagnostic(), node: c.ctx.nodeName, cause: e,
        location: e.location?.file ? e.location : { file: c.loc.file, line: c.loc.line, column: c.loc.column } });
    }
    throw e;
  }
}

function checkType(c: CallInfo, t: PType | undefined, v: Value, subject: string): Value {
  if (t && !t.isInstance(v)) {
    const m = describeMismatch(subject, t, v)[0] ?? `${subject} expects a ${t.toString()} value, got ${typeNameOf(v)}`;
    throw fail(c, m.replace(/^(\S.*?) expects/, '$1 has wrong type, expects'));
  }
  return v;
}

interface LookupCall {
  names: string[];
  valueType?: PType;
  merge?: MergeStrategy;
  hasDefault: boolean;
  defaultValue?: Value;
  defaultValues?: Map<Value, Value>;
  override?: Map<Value, Value>;
}

function namesOf(c: CallInfo, v: Value): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'string')) return v as string[];
  throw fail(c, `'lookup' parameter 'name' expects a value of type String or Array[String], got ${typeNameOf(v)}`);
}

function mergeArg(c: CallInfo, v: Value): MergeStrategy | undefined {
  if (v === undefined) return undefined;
  return wrap(c, () => toMergeStrategy(v, ''));
}

function parseLookupArgs(c: CallInfo, args: Value[]): LookupCall {
  const [a0, a1, a2, a3] = args;
  if (isHash(a0)) {
    if (args.length > 1) throw fail(c, "'lookup' expects 1 argument when given an options hash");
    return fromOptions(c, a0, namesOf(c, a0.get('name')));
  }
  const names = namesOf(c, a0);
  if (isHash(a1) && args.length === 2) return fromOptions(c, a1, names);
  if (a1 !== undefined && !(a1 instanceof PType)) throw fail(c, `'lookup' parameter 'value_type' expects a Type value, got ${typeNameOf(a1)}`);
  return { names, valueType: a1 as PType | undefined, merge: mergeArg(c, a2), hasDefault: args.length >= 4, defaultValue: a3 };
}

function fromOptions(c: CallInfo, o: Map<Value, Value>, names: string[]): LookupCall {
  const vt = o.get('value_type');
  if (vt !== undefined && !(vt instanceof PType)) throw fail(c, `'lookup' option 'value_type' expects a Type value, got ${typeNameOf(vt)}`);
  const dv = o.get('default_values_hash');
  const ov = o.get('override');
  return {
    names, valueType: vt as PType | undefined, merge: mergeArg(c, o.get('merge')),
    hasDefault: o.has('default_value'), defaultValue: o.get('default_value'),
    defaultValues: isHash(dv) ? dv : undefined, override: isHash(ov) ? ov : undefined,
  };
}

function doLookup(c: CallInfo, call: LookupCall, fnName: string): Value {
  const hiera = hieraFor(c.ctx);
  const vars = scopeVariables(c.ctx, c.scope);
  for (const n of call.names) {
    if (call.override?.has(n)) return checkType(c, call.valueType, call.override.get(n), `Value found for key '${n}' in override hash`);
    const r = wrap(c, () => hiera.lookup(n, vars, { merge: call.merge }));
    if (r.found) return checkType(c, call.valueType, r.value, 'Found value');
  }
  for (const n of call.names) {
    if (call.defaultValues?.has(n)) return checkType(c, call.valueType, call.defaultValues.get(n), `Value found for key '${n}' in default values hash`);
  }
  if (c.block) return checkType(c, call.valueType, c.block([call.names.length === 1 ? call.names[0] : call.names]), 'Value returned from default block');
  if (call.hasDefault) return checkType(c, call.valueType, call.defaultValue, 'Default value');
  const msg = call.names.length === 1
    ? `Function ${fnName}() did not find a value for the name '${call.names[0]}'`
    : `Function ${fnName}() did not find a value for any of the names [${call.names.map((n) => `'${n}'`).join(', ')}]`;
  throw fail(c, msg, 'KUR5051');
}

const lookup: BuiltinFunction = (c, args) => doLookup(c, parseLookupArgs(c, args), 'lookup');

/** hiera(key, default, override) and friends: Hiera 3's API on top of lookup. */
const warned = new WeakMap<Context, Set<string>>();

/** Puppet warns once per compile that the hiera_* functions are deprecated. */
function deprecated(c: CallInfo, name: string): void {
  let s = warned.get(c.ctx);
  if (!s) { s = new Set(); warned.set(c.ctx, s); }
  if (s.has(name) || c.ctx.strict === 'off') return;
  s.add(name);
  c.ctx.log('warning', `The function '${name}' is deprecated in favor of using 'lookup'. See https://puppet.com/docs/puppet/7.23/deprecated_language.html`);
}

function hieraLike(strategy: 'first' | 'unique' | 'hash', name: string): BuiltinFunction {
  return (c, args) => {
    deprecated(c, name);
    const [key, dflt, override] = args;
    if (typeof key !== 'string') throw fail(c, `'${name}' parameter 'key' expects a String value, got ${typeNameOf(key)}`);
    const call: LookupCall = {
      names: [key], merge: strategy === 'first' ? undefined : { strategy }, hasDefault: args.length >= 2, defaultValue: dflt,
    };
    if (typeof override === 'string') call.override = undefined; // a Hiera 3 override level has no Hiera 5 meaning
    return doLookup(c, call, 'lookup');
  };
}

const hieraInclude: BuiltinFunction = (c, args) => {
  const classes = hieraLike('unique', 'hiera_include')(c, args);
  const include = c.ctx.functions.get('include');
  if (!include) throw fail(c, 'hiera_include() needs include()');
  const list = Array.isArray(classes) ? classes : [classes];
  if (list.length) include({ ...c, name: 'include' }, list);
  return undefined;
};

/** Registered over the placeholder lookup in the function table (functions/index.ts). */
export const HIERA_FUNCTIONS: Record<string, BuiltinFunction> = {
  lookup,
  hiera: hieraLike('first', 'hiera'),
  hiera_array: hieraLike('unique', 'hiera_array'),
  hiera_hash: hieraLike('hash', 'hiera_hash'),
  hiera_include: hieraInclude,
};

// Importing this module (compile.ts does) puts these over the placeholder lookup in the function table.
for (const [name, fn] of Object.entries(HIERA_FUNCTIONS)) registerFunction(name, fn);
