// Classes and defined types: declaration (include/contain/require and the
// resource-like form), parameter binding with defaults that see earlier
// parameters and Puppet's type-mismatch errors, and evaluation of bodies.
import type * as A from '../../lang/ast.js';
import { Scope } from '../scope.js';
import type { Context } from './context.js';
import { Resource, addTag } from '../catalog.js';
import type { Value } from '../types/values.js';
import { PType, capitalizeTypeName } from '../types/types.js';
import { describeMismatch } from '../types/mismatch.js';
import { evaluate, evalBlock } from './expressions.js';
import { METAPARAMS } from '../builtin-types.js';
import { OVERRIDE_EVALUATED, stmtError } from './catalog-exprs.js';
import { KurokoError, locationSuffix, type SourceLocation } from '../../util/diagnostic.js';

export interface DeclareOptions {
  params?: Map<string, Value>;
  resourceLike: boolean;
  what: 'Function Call' | 'Resource Statement';
}

const MAX_DEFINE_NESTING = 200;

/** The module a scope's code comes from (Puppet's parent_module_name): none for top and node scopes. */
function moduleOf(s: Scope): string | undefined {
  const o = s.owner;
  if ((o.kind === 'class' || o.kind === 'define') && o.name) return o.name.split('::')[0];
  return undefined;
}

export function isDefinedType(ctx: Context, type: string): boolean {
  return ctx.env.findDefine(type) !== undefined;
}

/** The scope a class or define body sees variables through: the nearest node or top scope. */
export function enclosingScope(ctx: Context, scope: Scope): Scope {
  for (let s: Scope | undefined = scope; s; s = s.dynamic) if (s.kind === 'top' || s.kind === 'node') return s;
  return ctx.topScope;
}

export function classTitle(name: string): string {
  return capitalizeTypeName(name);
}

export function declareClass(ctx: Context, rawName: string, scope: Scope, loc: A.Loc, opts: DeclareOptions): Resource {
  const r = ensureClass(ctx, rawName, scope, loc, opts);
  evaluateClass(ctx, r, loc);
  return r;
}

interface PendingClass { def: A.HostClassDefinition; name: string; params: Map<string, Value>; declScope: Scope; evaluated: boolean; what: string }
const pending = new WeakMap<Resource, PendingClass>();

/**
 * Puts a class resource in the catalog (its parents first) without running
 * its body: `include a, b` adds Class[A] and Class[B] before evaluating either.
 */
export function ensureClass(ctx: Context, rawName: string, scope: Scope, loc: A.Loc, opts: DeclareOptions): Resource {
  const name = rawName.replace(/^::/, '').toLowerCase();
  if (name === '' || !/^[a-z][\w]*(::[a-z][\w]*)*$/.test(name)) stmtError(ctx, opts.what, `Illegal class name '${rawName}'`, loc);
  const key = `Class[${classTitle(name)}]`;
  const existing = ctx.catalog.findByKey(key);
  if (existing) {
    if (opts.resourceLike) stmtError(ctx, opts.what, `Duplicate declaration: Class[${classTitle(name)}] is already declared; cannot redeclare (file: ${loc.file}, line: ${loc.line})`, loc);
    return existing;
  }
  const def = ctx.env.findClass(name);
  if (!def) {
    stmtError(ctx, opts.what, opts.resourceLike ? `Could not find declared class ${name}` : `Could not find class ::${name} for ${ctx.nodeName}`, loc);
  }
  if (def.parent) {
    const pname = def.parent.replace(/^::/, '').toLowerCase();
    if (!ctx.env.findClass(pname)) stmtError(ctx, opts.what, `Could not find parent class ${pname} of class ${name}`, loc);
    ensureClass(ctx, pname, scope, loc, { resourceLike: false, what: opts.what });
    const again = ctx.catalog.findByKey(key);
    if (again) return again;
  }
  const r = new Resource('Class', classTitle(name));
  r.kind = opts.resourceLike ? 'class' : 'unknown';
  r.loc = loc;
  if (opts.resourceLike) { r.file = loc.file; r.line = loc.line; }
  r.scope = scope;
  addTag(r.tags, 'class');
  addTag(r.tags, name);
  const declarer = scope.owner.resource ?? ctx.mainClass;
  for (const t of declarer.tags) r.tags.add(t);
  const params = opts.params ?? new Map<string, Value>();
  const extraTags = params.get('tag');
  if (extraTags !== undefined) {
    for (const t of [extraTags].flat(Infinity as 1)) if (typeof t === 'string') { addTag(r.tags, t); addTag(ctx.catalog.tags, t); }
  }
  let stage = ctx.stageMain;
  const st = params.get('stage');
  if (typeof st === 'string' || st instanceof PType) {
    const sname = typeof st === 'string' ? st : String((st as { title?: string }).title);
    const sr = ctx.catalog.findByKey(`Stage[${sname}]`);
    if (!sr) stmtError(ctx, opts.what, `Could not find stage ${sname} specified by ${r.ref}`, loc);
    stage = sr;
  }
  ctx.catalog.add(r, stage);
  ctx.catalog.addClass(name);
  pending.set(r, { def, name, params, declScope: scope, evaluated: false, what: opts.what });
  return r;
}

/** Runs a class body once: its parent's body first, then parameters, then its own. */
export function evaluateClass(ctx: Context, r: Resource, loc: A.Loc): void {
  const p = pending.get(r);
  if (!p || p.evaluated) return;
  p.evaluated = true;
  const { def, name, params } = p;
  let parentScope: Scope | undefined;
  if (def.parent) {
    const pname = def.parent.replace(/^::/, '').toLowerCase();
    const pr = ctx.catalog.findByKey(`Class[${classTitle(pname)}]`);
    if (pr) evaluateClass(ctx, pr, loc);
    parentScope = ctx.classScope(pname);
  }
  const cs = new Scope('class', parentScope ?? enclosingScope(ctx, p.declScope), p.declScope);
  cs.name = name;
  cs.resource = r;
  ctx.classScopes.set(name, cs);
  cs.set('module_name', name.split('::')[0]);
  const caller = moduleOf(parentScope ?? p.declScope);
  if (caller) cs.set('caller_module_name', caller);
  bindResourceParameters(ctx, def, r, params, cs, `Class[${classTitle(name)}]`, loc, p.what);
  cs.set('title', name);
  cs.set('name', name);
  ctx.deeper(`Class[${classTitle(name)}]`, loc, () => evalBlock(ctx, def.body, cs));
}

/**
 * Binds explicit parameters, then defaults (which may use parameters to their
 * left), checks types, and records the values on the resource as Puppet does:
 * explicit ones first, defaulted ones after in declaration order.
 */
function bindResourceParameters(
  ctx: Context, def: A.HostClassDefinition | A.ResourceTypeDefinition, r: Resource, explicit: Map<string, Value>,
  scope: Scope, label: string, loc: A.Loc, what: string,
): void {
  const declared = new Set(def.parameters.map((p) => p.name));
  for (const k of explicit.keys()) {
    if (!declared.has(k) && !METAPARAMS.has(k) && !(k === 'name' && r.type !== 'Class')) {
      stmtError(ctx, what, `${label}: has no parameter named '${k}'`, loc);
    }
  }
  for (const [k, v] of explicit) if (v !== undefined && !(r.type === 'Class' && !declared.has(k) && !METAPARAMS.has(k))) r.params.set(k, v);
  if (r.type !== 'Class') {
    scope.set('title', r.title);
    scope.set('name', explicit.get('name') ?? r.title);
  }
  const missing: string[] = [];
  const mismatches: string[] = [];
  for (const p of def.parameters) {
    let v = explicit.get(p.name);
    if (v === undefined) {
      const looked = ctx.env.lookupParameter?.(ctx, `${scope.name}::${p.name}`, r.type === 'Class');
      if (looked !== undefined && looked.found) v = looked.value;
      else if (p.value) v = ctx.deeper(`${label} default for $${p.name}`, p.loc, () => evaluate(ctx, p.value!, scope));
      // An explicit undef for a parameter without default leaves it undef; an absent one is missing.
      else if (!explicit.has(p.name)) { missing.push(p.name); scope.set(p.name, undefined); continue; }
      if (v !== undefined && r.params.get(p.name) === undefined) r.params.set(p.name, v);
    }
    if (p.type) {
      const t = evaluate(ctx, p.type, scope);
      if (t instanceof PType && !t.isInstance(v)) mismatches.push(...describeMismatch(`parameter '${p.name}'`, t, v));
    }
    if (p.name !== 'name' || r.type === 'Class') scope.set(p.name, v);
    else scope.vars.set('name', v ?? r.title);
  }
  if (missing.length) {
    stmtError(ctx, what, missing.length === 1 ? `${label}: expects a value for parameter '${missing[0]}'` :
      `${label}: expects values for parameters ${missing.map((m) => `'${m}'`).join(', ').replace(/, ([^,]*)$/, ' and $1')}`, loc);
  }
  if (mismatches.length === 1) stmtError(ctx, what, `${label}: ${mismatches[0]}`, loc);
  if (mismatches.length > 1) stmtError(ctx, what, `${label}:\n  ${mismatches.join('\n  ')}`, loc);
}

/** Evaluates a queued defined-type instance. */
export function evaluateDefine(ctx: Context, r: Resource): void {
  if (r.evaluated) return;
  r.evaluated = true;
  // Defines run from the generators loop, not nested on the stack: bound their nesting by the containment chain.
  const chain: string[] = [];
  for (let c: Resource | undefined = r; c && c.kind === 'defined_type'; c = c.container) chain.unshift(c.ref);
  if (chain.length > MAX_DEFINE_NESTING) {
    const shown = [...chain.slice(0, 5), '...', ...chain.slice(-5)].join(' -> ');
    throw ctx.error(`Maximum evaluation depth (${MAX_DEFINE_NESTING}) exceeded; recursion through: ${shown}`, r.loc, 'KUR4001');
  }
  const type = r.type.toLowerCase();
  const def = ctx.env.findDefine(type);
  if (!def) throw ctx.error(`Unknown resource type: '${type}'`, r.loc);
  const declScope = (r.scope as Scope | undefined) ?? ctx.topScope;
  const ds = new Scope('define', enclosingScope(ctx, declScope), declScope);
  ds.name = type;
  ds.resource = r;
  const explicit = new Map(r.params);
  r.params.clear();
  for (const [k, v] of explicit) r.params.set(k, v);
  ds.set('module_name', type.split('::')[0]);
  const caller = moduleOf(declScope);
  if (caller) ds.set('caller_module_name', caller);
  // Puppet names a defined resource by file and line only (Puppet::Parser::Resource has no column).
  const at: SourceLocation = { file: r.loc!.file, line: r.loc!.line };
  try {
    bindResourceParameters(ctx, def, r, explicit, ds, r.ref, r.loc!, 'Resource Statement');
  } catch (e) {
    if (!(e instanceof KurokoError) || e.code === 'KUR4001') throw e;
    throw new KurokoError(e.message, { ...e.toDiagnostic(), location: at, cause: e });
  }
  try {
    ctx.deeper(r.ref, r.loc, () => evalBlock(ctx, def.body, ds));
  } catch (e) {
    // P: an error in the body is reported as the declaring resource statement failing, with the
    // inner error's own location kept in the message, once (defines run from the generators loop).
    if (!(e instanceof KurokoError) || e.code === 'KUR4001') throw e;
    const inner = e.code === OVERRIDE_EVALUATED ? e.message.replace(/^Evaluation Error: Error while evaluating a Resource Statement, /, '') : e.message + locationSuffix(e.location);
    throw new KurokoError(`Evaluation Error: Error while evaluating a Resource Statement, ${inner}`, {
      code: e.code, location: at, sourceText: ctx.env.sourceOf(r.loc!.file), node: e.node ?? ctx.nodeName, cause: e,
    });
  }
}

/** Resource defaults in effect where the resource was declared, for unset attributes. */
export function applyDefaults(r: Resource, scope: Scope): void {
  const defs = scope.collectDefaults(r.type.toLowerCase());
  for (const [k, d] of defs) {
    if (r.params.has(k)) {
      if (d.append) {
        const cur = r.params.get(k);
        r.params.set(k, [...[d.value].flat(), ...[cur].flat()]);
      }
      continue;
    }
    if (d.value === undefined) continue;
    r.params.set(k, d.value);
    if (k === 'tag') for (const t of [d.value].flat(Infinity as 1)) if (typeof t === 'string') addTag(r.tags, t);
  }
}
