// stdlib's functions that look at or add to the catalog and the scope:
// ensure_resource(s), ensure_packages, defined_with_params, getparam,
// assert_private, fact.
import type { BuiltinFunction, CallInfo } from '../../evaluator/context.js';
import type { Resource } from '../../catalog.js';
import { isHash, hashGet, type PHash, type Value } from '../../types/values.js';
import { ResourceType, ClassType, PType, capitalizeTypeName } from '../../types/types.js';
import { toPString } from '../../evaluator/convert.js';
import { type Functions, fnError, callFunction, rubyToS } from './support.js';
import { v3, rubyEq } from './stdlib.js';

/** "Type[title]" → [type, title] (Puppet::Resource.type_and_title). */
function typeAndTitle(ref: string): [string, string] | undefined {
  const m = /^([^[\]]+)\[([\s\S]+)\]$/.exec(ref);
  return m ? [m[1], m[2]] : undefined;
}

function refOf(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof ResourceType && v.typeName) return v.title === undefined ? capitalizeTypeName(v.typeName) : v.refString();
  if (v instanceof ClassType && v.className) return v.refString();
  return undefined;
}

/** The resource whose body is running here (a define or class), for the self-check. */
function currentResource(c: CallInfo): Resource | undefined {
  return c.scope.owner.resource;
}

export function definedWithParams(c: CallInfo, reference: Value, params: Value): boolean {
  const ref = refOf(reference);
  if (ref === undefined || ref === '') throw fnError(c, 'Must specify a reference');
  const p: PHash = isHash(params) ? params : new Map();
  const tt = typeAndTitle(ref);
  const typeName = (tt ? tt[0] : ref).replace(/^::/, '').toLowerCase();
  const title = tt ? tt[1] : '';
  const candidates: Resource[] = title === ''
    ? c.ctx.catalog.resources.filter((r) => r.type.toLowerCase() === typeName)
    : [c.ctx.catalog.find(typeName, typeName === 'class' ? title.toLowerCase().replace(/^::/, '') : title)].filter((r): r is Resource => r !== undefined);
  const self = currentResource(c);
  for (const res of candidates) {
    if (self && res.key === self.key) continue;
    if (p.size === 0) return true;
    let all = true;
    for (const [k, v] of p) {
      const have = res.params.get(String(k));
      if (!((have === undefined && v === undefined) || rubyEq(have, v))) { all = false; break; }
    }
    if (all) return true;
  }
  return false;
}

function ensureResource(c: CallInfo, type: Value, title: Value, params: Value): void {
  if (type === undefined) throw fnError(c, 'Must specify a type');
  if (title === undefined) throw fnError(c, 'Must specify a title');
  const p = isHash(params) ? params : new Map<Value, Value>();
  const typeName = type instanceof PType ? (refOf(type) ?? toPString(type)) : rubyToS(type);
  for (const item of [title].flat(Infinity as 1) as Value[]) {
    const t = rubyToS(item);
    if (definedWithParams(c, `${typeName}[${t}]`, p)) continue;
    callFunction(c, 'create_resources', [typeName.charAt(0).toUpperCase() + typeName.slice(1).toLowerCase(), new Map([[item, p]])]); // the item as given: Puppet keeps a non-String title
  }
}

function ensureResources(c: CallInfo, type: Value, title: Value, params: Value): void {
  if (type === undefined) throw fnError(c, 'Must specify a type');
  if (title === undefined) throw fnError(c, 'Must specify a title');
  if (!isHash(title)) throw fnError(c, 'ensure_resources(): Requires second argument to be a Hash');
  const base = isHash(params) ? params : new Map<Value, Value>();
  for (const [name, attrs] of title) {
    const merged = new Map(base);
    if (isHash(attrs)) for (const [k, v] of attrs) merged.set(k, v);
    ensureResource(c, type, name, merged);
  }
}

const ensurePackages: BuiltinFunction = (c, args) => {
  const [packages, defaultsArg] = args;
  if (args.length < 1 || args.length > 2) throw fnError(c, `'ensure_packages' expects between 1 and 2 arguments, got ${args.length}`);
  const okName = (v: Value) => typeof v === 'string' && v.length > 0;
  if (!(okName(packages) || (Array.isArray(packages) && packages.every(okName)) || (isHash(packages) && [...packages.keys()].every(okName)))) {
    throw fnError(c, `'ensure_packages' parameter 'packages' expects a value of type String, Array, or Hash, got ${toPString(packages)}`);
  }
  if (defaultsArg !== undefined && !isHash(defaultsArg)) throw fnError(c, `'ensure_packages' parameter 'default_attributes' expects a Hash value`);
  const defaults = new Map<Value, Value>([['ensure', 'installed']]);
  if (defaultsArg) {
    for (const [k, v] of defaultsArg) defaults.set(k, v);
    if (defaults.get('ensure') === 'present') defaults.set('ensure', 'installed');
  }
  if (isHash(packages)) ensureResources(c, 'package', new Map(packages), defaults);
  else for (const name of [packages].flat() as Value[]) ensureResource(c, 'package', name, defaults);
  return undefined;
};

const assertPrivate: BuiltinFunction = v3((c, args) => {
  if (args.length > 1) throw fnError(c, `assert_private(): Wrong number of arguments given (${args.length}}) for 0 or 1)`);
  const owner = c.scope.owner;
  // scope.lookupvar('module_name') != scope.lookupvar('caller_module_name'), as stdlib compares them.
  if (owner.lookup('module_name').value === owner.lookup('caller_module_name').value) return undefined;
  if (typeof args[0] === 'string') throw fnError(c, args[0]);
  const kind = owner.kind === 'class' ? 'Class' : 'Definition';
  throw fnError(c, `${kind} ${owner.name} is private`);
});

function toDot(path: string[]): string {
  return path.map((s) => (s.includes('.') ? `"${s}"` : s)).join('.');
}

const fact: BuiltinFunction = (c, args) => {
  if (args.length !== 1 || typeof args[0] !== 'string') throw fnError(c, `'fact' expects one String argument`);
  const name = args[0];
  const path: string[] = [];
  for (const m of name.matchAll(/([^."]+)|(?:")([^"]+)(?:")/g)) path.push(m[1] ?? m[2]);
  let d: Value = c.ctx.topScope.lookup('facts').value;
  const walked: string[] = [];
  for (const k of path) {
    if (d === undefined) return undefined;
    if (Array.isArray(d)) {
      if (!/^\s*[-+]?\d+\s*$/.test(k)) {
        c.ctx.log('warning', `fact request for ${name} returning nil: '${toDot(walked)}' is an array; cannot index to '${k}'`, c.loc);
        d = undefined;
      } else { const i = Number(k); d = d[i < 0 ? d.length + i : i]; }
    } else if (isHash(d)) d = hashGet(d, k);
    else {
      c.ctx.log('warning', `fact request for ${name} returning nil: '${toDot(walked)}' is not a collection; cannot walk to '${k}'`, c.loc);
      d = undefined;
    }
    walked.push(k);
  }
  return d;
};

export const STDLIB_CATALOG_FUNCTIONS: Functions = {
  ensure_resource: v3((c, args) => { ensureResource(c, args[0], args[1], args[2]); return undefined; }),
  ensure_resources: v3((c, args) => { ensureResources(c, args[0], args[1], args[2]); return undefined; }),
  ensure_packages: ensurePackages,
  defined_with_params: v3((c, args) => definedWithParams(c, args[0], args[1])),
  getparam: v3((c, args) => {
    const [reference, param] = args;
    if (reference === undefined || reference === '') throw fnError(c, 'Must specify a reference');
    if (typeof param !== 'string') throw fnError(c, 'Must specify name of a parameter');
    if (param === '') return '';
    const ref = refOf(reference);
    const tt = ref ? typeAndTitle(ref) : undefined;
    const r = tt ? c.ctx.catalog.find(tt[0].toLowerCase(), tt[1]) : undefined;
    const v = r?.params.get(param);
    return v === undefined ? '' : v;
  }),
  assert_private: assertPrivate,
  fact,
};
