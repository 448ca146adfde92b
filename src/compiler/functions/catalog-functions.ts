// Functions that act on the catalog: include, contain, require, realize,
// defined, create_resources, tag, tagged, and the logging functions and fail.
import type { BuiltinFunction, CallInfo } from '../evaluator/context.js';
import { isHash, type Value } from '../types/values.js';
import { ClassType, PType, ResourceType, capitalizeTypeName, typeNameOf } from '../types/types.js';
import { declareClass, ensureClass, evaluateClass } from '../evaluator/definitions.js';
import { declareResource, refKey, type Op } from '../evaluator/catalog-exprs.js';
import { addTag } from '../catalog.js';
import { toPString } from '../evaluator/convert.js';
import { builtinType } from '../builtin-types.js';

function classNames(c: CallInfo, args: Value[]): string[] {
  const out: string[] = [];
  for (const a of args.flat(Infinity as 1)) {
    if (typeof a === 'string') out.push(a);
    else if (a instanceof ClassType && a.className) out.push(a.className);
    else if (a instanceof ResourceType && a.typeName === 'class' && a.title) out.push(a.title);
    else if (a instanceof ResourceType && a.typeName && a.title === undefined) out.push(a.typeName);
    else throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, '${c.name}' expects a value of type String, Class, or Array, got ${typeNameOf(a)}`, c.loc);
  }
  return out;
}

function includeLike(kind: 'include' | 'contain' | 'require'): BuiltinFunction {
  return (c, args) => {
    if (args.length === 0) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, '${kind}' expects at least 1 argument, got none`, c.loc);
    const refs: Value[] = [];
    const names = classNames(c, args);
    const resources = names.map((n) => ensureClass(c.ctx, n, c.scope, c.loc, { resourceLike: false, what: 'Function Call' }));
    for (const [i, n] of names.entries()) {
      const r = resources[i];
      evaluateClass(c.ctx, r, c.loc);
      refs.push(new ClassType(n.replace(/^::/, '').toLowerCase()));
      const owner = c.scope.owner.resource ?? c.ctx.mainClass;
      if (kind === 'contain' && owner !== r && !c.ctx.catalog.edges.some(([s, t]) => s === owner && t === r)) c.ctx.catalog.edges.push([owner, r]);
      if (kind === 'require' && owner !== c.ctx.mainClass) {
        const cur = owner.params.get('require');
        const ref = new ClassType(n.replace(/^::/, '').toLowerCase());
        owner.params.set('require', cur === undefined ? [ref] : [...[cur].flat(), ref]);
      }
    }
    return refs;
  };
}

const realize: BuiltinFunction = (c, args) => {
  for (const a of args.flat(Infinity as 1)) {
    const key = refKey(a);
    if (!key) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, realize(): Illegal reference ${toPString(a)}`, c.loc);
    const r = c.ctx.catalog.findByKey(key);
    if (r) {
      if (r.virtual && !r.exported) {
        r.virtual = false;
        if (r.kind === 'defined_type' && !r.evaluated) c.ctx.defineQueue.push(r);
      }
    } else c.ctx.realizeLater.push({ key, loc: c.loc });
  }
  return undefined;
};

const defined: BuiltinFunction = (c, args) => {
  for (const a of args) {
    if (typeof a === 'string') {
      if (a.startsWith('$')) {
        const name = a.slice(1);
        const idx = name.lastIndexOf('::');
        if (idx > 0) {
          const cs = c.ctx.classScope(name.slice(0, idx));
          if (cs?.vars.has(name.slice(idx + 2))) return true;
          continue;
        }
        if (c.scope.lookup(name.replace(/^::/, '')).found) return true;
        continue;
      }
      const n = a.replace(/^::/, '').toLowerCase();
      if (c.ctx.functions.has(n) || c.ctx.env.findFunction(n)) return true;
      if (builtinType(n, c.ctx.env) || c.ctx.env.findDefine(n) || c.ctx.env.findClass(n)) return true;
      continue;
    }
    if (a instanceof ClassType) {
      if (a.className === undefined) return true;
      if (c.ctx.catalog.findByKey(a.refString())) return true;
      continue;
    }
    if (a instanceof ResourceType) {
      if (a.typeName === undefined) return true;
      if (a.title === undefined) { if (builtinType(a.typeName, c.ctx.env) || c.ctx.env.findDefine(a.typeName)) return true; continue; }
      const key = refKey(a)!;
      const r = c.ctx.catalog.findByKey(key);
      if (r) return true;
      continue;
    }
    if (a instanceof PType) return true;
    throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, 'defined' parameter 'vals' expects a value of type String, Type[CatalogEntry], or Type[Type], got ${typeNameOf(a)}`, c.loc);
  }
  return false;
};

const createResources: BuiltinFunction = (c, args) => {
  const [t, h, d] = args;
  if (typeof t !== 'string' && !(t instanceof ResourceType)) throw c.ctx.error('create_resources(): first argument must be a resource type name', c.loc);
  if (!isHash(h)) throw c.ctx.error(`create_resources(): second argument must be a Hash, got ${typeNameOf(h)}`, c.loc);
  if (d !== undefined && !isHash(d)) throw c.ctx.error('create_resources(): third argument must be a Hash', c.loc);
  let type = (typeof t === 'string' ? t : t.typeName ?? '').replace(/^::/, '').toLowerCase();
  let form: 'regular' | 'virtual' | 'exported' = 'regular';
  if (type.startsWith('@@')) { form = 'exported'; type = type.slice(2); } else if (type.startsWith('@')) { form = 'virtual'; type = type.slice(1); }
  for (const [title, attrs] of h) {
    const ops: Op[] = [];
    const merged = new Map<Value, Value>(d ? [...d] : []);
    if (isHash(attrs)) for (const [k, v] of attrs) merged.set(k, v);
    for (const [k, v] of merged) ops.push({ attribute: String(k), append: false, value: v });
    if (type === 'class') {
      const params = new Map<string, Value>();
      for (const o of ops) params.set(o.attribute, o.value);
      declareClass(c.ctx, String(title), c.scope, c.loc, { params, resourceLike: true, what: 'Function Call' });
    } else declareResource(c.ctx, type, String(title), ops, form, c.scope, c.loc, title);
  }
  return undefined;
};

const tag: BuiltinFunction = (c, args) => {
  const r = c.scope.owner.resource ?? c.ctx.mainClass;
  for (const a of args.flat(Infinity as 1)) if (typeof a === 'string') addTag(r.tags, a);
  return undefined;
};

const tagged: BuiltinFunction = (c, args) => {
  const r = c.scope.owner.resource ?? c.ctx.mainClass;
  return args.flat(Infinity as 1).every((a) => typeof a === 'string' && (r.tags.has(a.toLowerCase()) || c.ctx.catalog.classes.includes(a.toLowerCase())));
};

function logFn(level: 'debug' | 'info' | 'notice' | 'warning' | 'err', label?: string): BuiltinFunction {
  return (c, args) => {
    const msg = args.map(toPString).join(' ');
    c.ctx.log(level, `Scope(${scopeLabel(c)}): ${msg}`, c.loc);
    void label;
    return undefined;
  };
}

function scopeLabel(c: CallInfo): string {
  const o = c.scope.owner;
  if (o.kind === 'class') return `Class[${capitalizeTypeName(o.name)}]`;
  if (o.kind === 'define' && o.resource) return o.resource.ref;
  if (o.kind === 'node') return `Node[${o.name}]`;
  return 'Class[main]';
}

const fail: BuiltinFunction = (c, args) => {
  throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, ${args.map(toPString).join(' ')}`, c.loc, 'KUR4100');
};

export const CATALOG_FUNCTIONS: Record<string, BuiltinFunction> = {
  include: includeLike('include'),
  contain: includeLike('contain'),
  require: includeLike('require'),
  realize,
  defined,
  create_resources: createResources,
  tag,
  tagged,
  debug: logFn('debug'),
  info: logFn('info'),
  notice: logFn('notice'),
  warning: logFn('warning'),
  err: logFn('err'),
  alert: logFn('err'),
  crit: logFn('err'),
  emerg: logFn('err'),
  fail,
};
