// Catalog expressions (catalog_expressions.md): resource declarations,
// resource defaults, overrides, collectors and relationship operators.
import type * as A from '../../lang/ast.js';
import { KurokoError } from '../../util/diagnostic.js';
import type { Scope } from '../scope.js';
import type { Collector, Context } from './context.js';
import { Resource, addTag, isValidTag } from '../catalog.js';
import { DEFAULT, PIterator, isHash, isTruthy, valuesEqual, type Value } from '../types/values.js';
import { ClassType, PType, ResourceType, capitalizeTypeName, typeNameOf } from '../types/types.js';
import { evaluate } from './expressions.js';
import { declareClass, isDefinedType, applyDefaults } from './definitions.js';
import { toPString } from './convert.js';
import { builtinType } from '../builtin-types.js';
import { parseTitle, rubyType } from '../rubytypes/index.js';

export type Op = { attribute: string; append: boolean; value: Value };

/** Wraps a collector so it can travel as a value (relationship operands). */
export class CollectorRef {
  /** In a chain `a -> Coll<||> -> b`: the operand left of the collector (used when it collects nothing). */
  chainedFrom?: Value;
  constructor(readonly collector: Collector) {}
}

export function stmtError(ctx: Context, what: string, message: string, loc: A.Loc): never {
  throw ctx.error(`Evaluation Error: Error while evaluating a ${what}, ${message}`, loc);
}

function hasIterator(v: Value): boolean {
  if (v instanceof PIterator) return true;
  if (Array.isArray(v)) return v.some(hasIterator);
  if (isHash(v)) { for (const [k, x] of v) if (hasIterator(k) || hasIterator(x)) return true; }
  return false;
}

function evalOps(ctx: Context, ops: (A.AttributeOperation | A.AttributesOperation)[], scope: Scope): Op[] {
  const out: Op[] = [];
  for (const op of ops) {
    if (op.kind === 'AttributeOperation') {
      const value = evaluate(ctx, op.value, scope);
      // P: Runtime3Converter refuses iterators anywhere in a parameter value.
      if (hasIterator(value)) stmtError(ctx, "'=>' expression", 'Use of an Iterator is not supported here', op.loc);
      out.push({ attribute: op.attribute, append: op.operator === '+>', value });
    } else {
      const h = evaluate(ctx, op.expr, scope);
      if (h === undefined) continue;
      if (!isHash(h)) throw ctx.error(`Evaluation Error: Expected value of type Hash, got ${typeNameOf(h)}`, op.expr.loc);
      for (const [k, v] of h) {
        if (typeof k !== 'string') throw ctx.error(`Attribute names in '* =>' must be Strings, got ${typeNameOf(k)}`, op.loc);
        out.push({ attribute: k, append: false, value: v });
      }
    }
  }
  return out;
}

/** The lower-case resource type name a resource/defaults expression names. */
function typeNameOfExpr(ctx: Context, e: A.Expression, scope: Scope): string {
  if (e.kind === 'QualifiedName') return e.name.replace(/^::/, '').toLowerCase();
  const v = evaluate(ctx, e, scope);
  if (v instanceof ResourceType && v.typeName && v.title === undefined) return v.typeName;
  if (v instanceof ClassType && v.className === undefined) return 'class';
  if (typeof v === 'string') return v.toLowerCase();
  throw ctx.error(`Illegal resource type: ${toPString(v)}`, e.loc);
}

export function evalResource(ctx: Context, e: A.ResourceExpression, scope: Scope): Value {
  const type = typeNameOfExpr(ctx, e.typeName, scope);
  const refs: Value[] = [];
  let bodyDefaults: Op[] = [];
  for (const b of e.bodies) {
    if (b.title.kind === 'LiteralDefault') { bodyDefaults = evalOps(ctx, b.operations, scope); continue; }
  }
  const seen = new Set<string>(); // P: a title is used once per resource expression, across its bodies
  for (const body of e.bodies) {
    if (body.title.kind === 'LiteralDefault') continue;
    const tv = evaluate(ctx, body.title, scope);
    const titles = Array.isArray(tv) ? tv.flat(Infinity as 1) : [tv];
    const ops = evalOps(ctx, body.operations, scope);
    const merged = bodyDefaults.filter((d) => !ops.some((o) => o.attribute === d.attribute)).concat(ops);
    // Every body of one resource expression carries the expression's position, as in Puppet
    // (its errors point at the expression's start).
    const at: A.Loc = { ...body.loc, line: e.loc.line, column: e.loc.column, offset: e.loc.offset };
    titles.forEach((t, i) => {
      if (type === 'class') {
        const name = t instanceof ClassType ? t.className : typeof t === 'string' ? t : undefined;
        if (name === undefined) stmtError(ctx, 'Resource Statement', `Illegal title type at index ${i}. Expected String, got ${typeNameOf(t)}`, body.loc);
        const params = new Map<string, Value>();
        for (const o of merged) params.set(o.attribute, o.value);
        declareClass(ctx, name, scope, at, { params, resourceLike: true, what: 'Resource Statement' });
        refs.push(new ClassType(name.replace(/^::/, '').toLowerCase()));
        return;
      }
      if (typeof t !== 'string') stmtError(ctx, 'Resource Statement', t === undefined ? 'Missing title. The title expression resulted in undef' : `Illegal title type at index ${i}. Expected String, got ${typeNameOf(t)}`, body.title.loc);
      if (t === '') stmtError(ctx, 'Resource Statement', 'Missing title. The title expression resulted in an empty string', body.title.loc);
      if (seen.has(t)) throw ctx.error(`Evaluation Error: The title '${t}' has already been used in this resource expression`, at);
      seen.add(t);
      const r = declareResource(ctx, type, t, merged, e.form, scope, at);
      refs.push(new ResourceType(r.type.toLowerCase(), r.title));
    });
  }
  return refs;
}

/**
 * Creates a (non-class) resource in the catalog; defines are queued for evaluation.
 * `titleValue` is the title as given when it was not a String (functions such as create_resources
 * accept any title): Puppet keeps that value as the title, so the namevar parsed from its string
 * form differs from it and stays in the parameters, and the title is not a tag.
 */
export function declareResource(ctx: Context, type: string, title: string, ops: Op[], form: A.ResourceForm, scope: Scope, loc: A.Loc, titleValue?: Value): Resource {
  const bt = builtinType(type, ctx.env);
  const isDefine = !bt && isDefinedType(ctx, type);
  if (!bt && !isDefine) stmtError(ctx, 'Resource Statement', `Unknown resource type: '${type}'`, loc);
  const existing = ctx.catalog.find(type, title);
  if (existing) {
    const at = existing.file ? ` at (file: ${existing.file}, line: ${existing.line})` : '';
    stmtError(ctx, 'Resource Statement', `Duplicate declaration: ${existing.ref} is already declared${at}; cannot redeclare (file: ${loc.file}, line: ${loc.line})`, loc);
  }
  const r = new Resource(capitalizeTypeName(type), title);
  r.kind = isDefine ? 'defined_type' : 'compilable_type';
  r.file = loc.file;
  r.line = loc.line;
  r.loc = loc;
  r.scope = scope;
  if (form !== 'regular') r.virtual = true;
  if (form === 'exported') r.exported = true;
  for (const o of ops) {
    if (o.attribute === 'tag') for (const t of [o.value].flat(Infinity as 1)) if (typeof t === 'string' || typeof t === 'number') addTag(r.tags, String(t));
  }
  addTag(r.tags, type);
  const titleNotString = titleValue !== undefined && typeof titleValue !== 'string';
  if (titleNotString) r.titleNotString = true;
  else if (isValidTag(title)) addTag(r.tags, title);
  const owner = scope.owner;
  const container = owner.resource ?? ctx.mainClass;
  for (const t of container.tags) r.tags.add(t);
  for (const o of ops) setParam(ctx, r, o, loc);
  // Parameters the title stands for (title patterns of Ruby types), unless given explicitly.
  const fromTitle = bt?.titleParams?.(title);
  if (fromTitle) {
    const entries = [...r.params];
    r.params.clear();
    for (const [k, v] of Object.entries(fromTitle)) if (!entries.some(([e]) => e === k)) r.params.set(k, v);
    for (const [k, v] of entries) r.params.set(k, v);
  }
  const namevar = bt?.namevar ?? 'name';
  if (titleNotString && !r.params.has(namevar)) {
    const entries = [...r.params];
    r.params.clear();
    r.params.set(namevar, title);
    for (const [k, v] of entries) r.params.set(k, v);
  }
  // File titles are paths: a trailing slash is not part of the path (Puppet's title pattern).
  if (type === 'file' && !r.params.has('path') && title.length > 1 && title.endsWith('/')) {
    const entries = [...r.params];
    r.params.clear();
    r.params.set('path', title.replace(/\/+$/, '') || '/');
    for (const [k, v] of entries) r.params.set(k, v);
  }
  // Defaults in effect where the resource is declared (later ones do not apply), after its own attributes.
  applyDefaults(r, scope);
  const nv = bt?.namevar ?? 'name';
  const nameVal = r.params.get(nv);
  // A namevar equal to the title is implied: Puppet leaves it out of the catalog.
  if (bt && nameVal === title && !titleNotString) r.params.delete(nv);
  const keyAttrs = bt && !isDefine ? compositeKeyAttributes(ctx, type) : undefined;
  if (keyAttrs) {
    // Puppet's uniqueness key: every key attribute (sorted by name), the namevar defaulting to the title.
    // It always differs from [title], so it is always an alias, and only another full key collides.
    const fromTitle = titleKeyValues(ctx, type, title);
    const values = keyAttrs.map((a) => {
      const v = r.params.get(a) ?? fromTitle?.get(a) ?? undefined;
      return v === undefined && (a === nv || a === 'name') ? (r.params.get(nv) ?? r.params.get('name') ?? title) : v;
    });
    const other = ctx.catalog.claimKey(r, values, typeof nameVal === 'string' ? nameVal : undefined);
    if (other) {
      const k = `[${values.map(rubyInspect).join(', ')}]`;
      const rk = `["${r.type}", ${values.map(rubyInspect).join(', ')}]`;
      stmtError(ctx, 'Resource Statement', `Cannot alias ${r.ref} to ${k} at (file: ${loc.file}, line: ${loc.line}); resource ${rk} already declared (file: ${other.file}, line: ${other.line})`, loc);
    }
  } else if (typeof nameVal === 'string' && nameVal !== title && !isDefine) {
    const other = ctx.catalog.claimName(r, nameVal);
    if (other) stmtError(ctx, 'Resource Statement', `Cannot alias ${r.ref} to ["${nameVal}"] at (file: ${loc.file}, line: ${loc.line}); resource ["${r.type}", "${nameVal}"] already declared (file: ${other.file}, line: ${other.line})`, loc);
  }
  const other = ctx.catalog.claimName(r, title);
  if (other) {
    const at = other.file ? ` at (file: ${other.file}, line: ${other.line})` : '';
    stmtError(ctx, 'Resource Statement', `Duplicate declaration: ${other.ref} is already declared${at}; cannot redeclare (file: ${loc.file}, line: ${loc.line})`, loc);
  }
  const alias = r.params.get('alias');
  if (alias !== undefined) for (const a of [alias].flat(Infinity as 1)) if (typeof a === 'string') ctx.catalog.claimName(r, a);
  ctx.catalog.add(r, type === 'stage' ? undefined : container);
  if (r.exported && !ctx.storeconfigs) ctx.log('warning', `You cannot collect exported resources without storeconfigs being set; the export is ignored (file: ${loc.file}, line: ${loc.line}, column: ${loc.column})`, loc);
  if (isDefine && !r.virtual) ctx.defineQueue.push(r);
  return r;
}

/** Core types whose uniqueness key has more than one attribute (Puppet's key_attributes, sorted). */
const CORE_KEY_ATTRIBUTES: Record<string, string[]> = { package: ['command', 'name', 'provider'] };

/** The sorted key attributes of a type with a composite key, else undefined. */
function compositeKeyAttributes(ctx: Context, type: string): string[] | undefined {
  const core = CORE_KEY_ATTRIBUTES[type];
  if (core) return core;
  const keys = rubyType(ctx.env.modulepath, type)?.keyAttributes;
  return keys && keys.length > 1 ? [...keys].sort() : undefined;
}

/** Key attributes the type's title patterns capture (a title no pattern matches fails later, as in Puppet). */
function titleKeyValues(ctx: Context, type: string, title: string): Map<string, string | null> | undefined {
  try {
    return parseTitle(ctx.env.modulepath, type, title);
  } catch {
    return undefined;
  }
}

/** A key value as Ruby's Array#inspect shows it in Puppet's message. */
function rubyInspect(v: Value | null): string {
  return v === undefined || v === null ? 'nil' : JSON.stringify(v);
}

export function setParam(ctx: Context, r: Resource, o: Op, loc: A.Loc): void {
  if (o.append) {
    const cur = r.params.get(o.attribute);
    const add = Array.isArray(o.value) ? o.value : [o.value];
    r.params.set(o.attribute, cur === undefined ? add : [...(Array.isArray(cur) ? cur : [cur]), ...add]);
    return;
  }
  if (o.attribute === 'tag' && r.params.has('tag') === false) { r.params.set('tag', o.value); return; }
  void loc;
  r.params.set(o.attribute, o.value);
}

export function evalResourceDefaults(ctx: Context, e: A.ResourceDefaultsExpression, scope: Scope): Value {
  const v = evaluate(ctx, e.type, scope);
  const types = (Array.isArray(v) ? v : [v]).map((t) => {
    if (t instanceof ResourceType && t.typeName) {
      if (t.title !== undefined) throw ctx.error(`Resource defaults cannot be set for a specific resource ${t}`, e.loc);
      return t.typeName;
    }
    if (t instanceof ClassType) return 'class';
    throw ctx.error(`Illegal resource defaults type: ${toPString(t)}`, e.loc);
  });
  const ops = evalOps(ctx, e.operations, scope);
  for (const t of types) for (const o of ops) scope.setDefault(t, o.attribute, { value: o.value, append: o.append, file: e.loc.file, line: e.loc.line });
  return undefined;
}

/** `File['x'] { ... }`: applied at once when the resource exists, else when the compile finishes. */
export function evalResourceOverride(ctx: Context, e: A.ResourceOverrideExpression, scope: Scope): Value {
  const v = evaluate(ctx, e.resources, scope);
  const ops = evalOps(ctx, e.operations, scope);
  for (const ref of [v].flat(Infinity as 1)) {
    if (ref instanceof CollectorRef) { ref.collector.ops.push(...ops); continue; }
    if (ref instanceof ClassType || (ref instanceof ResourceType && ref.typeName?.toLowerCase() === 'class')) {
      throw ctx.error(`Evaluation Error: Resource Override can only operate on resources, got: ${ref.toString()}-Type`, e.loc);
    }
    const key = refKey(ref);
    if (!key) throw ctx.error(`Illegal override target: ${toPString(ref)}`, e.loc);
    const r = ctx.catalog.findByKey(key);
    if (r) applyOverride(ctx, r, ops, scope, e.loc);
    else ctx.overrides.push({ key, ops, scope, loc: e.loc });
  }
  return undefined;
}

export function applyOverride(ctx: Context, r: Resource, ops: Op[], scope: Scope, loc: A.Loc, fromCollector = false): void {
  if (!fromCollector && r.scope && !mayOverrideFrom(ctx, scope, r.scope as Scope)) {
    throw new KurokoError('Only subclasses can override parameters', { code: 'KUR4000', location: { file: loc.file, line: loc.line }, node: ctx.nodeName });
  }
  if (r.evaluated && !fromCollector && ctx.strict !== 'off') overrideEvaluated(ctx, r, loc);
  for (const o of ops) {
    if (!fromCollector && !o.append && r.params.has(o.attribute) && !mayOverride(scope, r)) {
      throw ctx.error(`Evaluation Error: Error while evaluating a Resource Statement, Parameter '${o.attribute}' is already set on ${r.ref}; cannot redefine`, loc);
    }
    if (o.attribute === 'tag') for (const t of [o.value].flat(Infinity as 1)) if (typeof t === 'string' || typeof t === 'number') addTag(r.tags, String(t));
    setParam(ctx, r, o, loc);
  }
}

/** The code of the strict error below: Puppet raises it without a location (a define body reports it bare). */
export const OVERRIDE_EVALUATED = 'KUR4010';

/** P: Parser::Resource#merge — values given to a define that has already run change nothing in its body. */
function overrideEvaluated(ctx: Context, r: Resource, loc: A.Loc): void {
  const where = r.file !== undefined ? `, defined at (file: ${r.file}${r.line !== undefined ? `, line: ${r.line}` : ''})` : '';
  const msg = `Attempt to override an already evaluated resource${where}, with new values (file: ${loc.file}, line: ${loc.line})`;
  if (ctx.strict === 'error') throw ctx.error(`Evaluation Error: Error while evaluating a Resource Statement, ${msg}`, loc, OVERRIDE_EVALUATED);
  ctx.log('warning', msg, loc);
}

/** The Puppet "source" of code in a scope: the class, define or node type evaluating it (top-level code is Class[main]). */
function sourceOf(scope: Scope): { kind: string; name: string } {
  const o = scope.owner;
  if (o.kind === 'class' || o.kind === 'define' || o.kind === 'node') return { kind: o.kind, name: o.name.toLowerCase() };
  if (o.kind === 'function') return { kind: 'function', name: o.name };
  return { kind: 'class', name: '' };
}

/** P: Parser::Resource#merge: an override comes from the declaring class/define itself or a class inheriting it. */
function mayOverrideFrom(ctx: Context, from: Scope, declared: Scope): boolean {
  const src = sourceOf(from), decl = sourceOf(declared);
  if (src.kind === decl.kind && src.name === decl.name) return true;
  if (src.kind !== 'class' || decl.kind !== 'class' || decl.name === '') return false;
  let n: string | undefined = src.name;
  for (let guard = 0; n && guard < 100; guard++) {
    n = ctx.env.findClass(n)?.parent?.replace(/^::/, '').toLowerCase();
    if (n === decl.name) return true;
  }
  return false;
}

/** Overriding a set parameter is for subclasses of the class that declared it (or the same scope). */
function mayOverride(scope: Scope, r: Resource): boolean {
  const declScope = r.scope as Scope | undefined;
  if (!declScope) return true;
  const owner = declScope.owner;
  for (let s: Scope | undefined = scope.owner; s; s = s.lexical) if (s === owner) return true;
  return false;
}

/** "File[/x]" for a reference value, "Class[Foo]" for a class. */
export function refKey(v: Value): string | undefined {
  if (v instanceof ResourceType && v.typeName && v.title !== undefined) {
    if (v.typeName === 'class') return `Class[${capitalizeTypeName(v.title.replace(/^::/, '').toLowerCase())}]`;
    return `${capitalizeTypeName(v.typeName)}[${v.title}]`;
  }
  if (v instanceof ClassType && v.className) return v.refString();
  if (typeof v === 'string') {
    const m = /^([A-Za-z][\w:]*)\[(.*)\]$/s.exec(v);
    if (m) return m[1].toLowerCase() === 'class' ? `Class[${capitalizeTypeName(m[2].toLowerCase().replace(/^::/, ''))}]` : `${capitalizeTypeName(m[1].toLowerCase())}[${m[2]}]`;
  }
  return undefined;
}

export function evalCollect(ctx: Context, e: A.CollectExpression, scope: Scope): Value {
  const type = capitalizeTypeName(e.type.name.replace(/^::/, '').toLowerCase());
  const exported = e.query.kind === 'ExportedQuery';
  const match = e.query.expr ? compileQuery(ctx, e.query.expr, scope) : () => true;
  const c: Collector = { type, match, exported, ops: evalOps(ctx, e.operations, scope), scope, loc: e.loc, seen: new Set() };
  ctx.collectors.push(c);
  // Realising happens now for what exists (as Puppet's lazy collector would on its first pass).
  runCollector(ctx, c);
  return new CollectorRef(c) as unknown as Value;
}

function compileQuery(ctx: Context, q: A.Expression, scope: Scope): (r: Resource) => boolean {
  switch (q.kind) {
    case 'ParenthesizedExpression': return compileQuery(ctx, q.expr, scope);
    case 'AndExpression': { const l = compileQuery(ctx, q.left, scope), r = compileQuery(ctx, q.right, scope); return (x) => l(x) && r(x); }
    case 'OrExpression': { const l = compileQuery(ctx, q.left, scope), r = compileQuery(ctx, q.right, scope); return (x) => l(x) || r(x); }
    case 'ComparisonExpression': {
      if (q.left.kind !== 'QualifiedName') throw ctx.error('Collector query attribute must be a name', q.left.loc);
      if (q.operator !== '==' && q.operator !== '!=') throw ctx.error(`Collector query operator must be == or !=, got ${q.operator}`, q.loc);
      const attr = q.left.name;
      const val = evaluate(ctx, q.right, scope);
      const eq = (r: Resource): boolean => {
        if (attr === 'title') return typeof val === 'string' && r.title === val;
        if (attr === 'tag') return typeof val === 'string' && r.tags.has(val.toLowerCase());
        const pv = r.params.get(attr);
        if (Array.isArray(pv)) return pv.some((x) => valuesEqual(x, val, true) || (refKey(x) !== undefined && refKey(x) === refKey(val)));
        return valuesEqual(pv, val, true) || (pv !== undefined && refKey(pv) !== undefined && refKey(pv) === refKey(val));
      };
      return q.operator === '==' ? eq : (r) => !eq(r);
    }
  }
  throw ctx.error('Illegal collector query expression', q.loc);
}

/** Realises matching virtual resources and applies the collector's attribute block. */
export function runCollector(ctx: Context, c: Collector): boolean {
  let changed = false;
  if (c.exported) {
    // Exported resources of other nodes join this catalog when collected (once each).
    for (const r of ctx.exportedPool) {
      if (r.type !== c.type || c.seen.has(r) || !c.match(r)) continue;
      c.seen.add(r);
      if (ctx.catalog.findByKey(r.key)) continue;
      const container = c.scope.owner.resource ?? ctx.mainClass;
      for (const t of container.tags) r.tags.add(t);
      ctx.catalog.add(r, container);
      if (c.ops.length) applyOverride(ctx, r, c.ops, c.scope, c.loc, true);
      changed = true;
    }
  }
  for (const r of ctx.catalog.resources) {
    if (r.type !== c.type || c.seen.has(r)) continue;
    if (c.exported ? !r.exported : r.exported) continue;
    if (!c.match(r)) continue;
    c.seen.add(r);
    if (r.virtual && !c.exported) {
      r.virtual = false;
      if (r.kind === 'defined_type' && !r.evaluated) ctx.defineQueue.push(r);
      changed = true;
    }
    if (c.ops.length) applyOverride(ctx, r, c.ops, c.scope, c.loc, true);
  }
  return changed;
}

export function evalRelationship(ctx: Context, e: A.RelationshipExpression, scope: Scope): Value {
  const left = evaluate(ctx, e.left, scope);
  const right = evaluate(ctx, e.right, scope);
  ctx.relations.push({ left: left as Value, right: right as Value, op: e.operator, loc: e.loc });
  if ((right as unknown) instanceof CollectorRef) (right as unknown as CollectorRef).chainedFrom = left;
  return right;
}

/** The other side of a relationship, named in the error when this side's resource is missing. */
export interface RelationshipPeer { rel: 'from' | 'on'; name: string }

/** The reference an operand names (`Class[X]` for a bare class name), without looking it up. */
export function operandName(v: Value | CollectorRef): string | undefined {
  if (v instanceof CollectorRef) return undefined;
  if (Array.isArray(v)) return v.length ? operandName(v[0]) : undefined;
  if (v === undefined) return undefined;
  return typeof v === 'string' && !/\[/.test(v) ? `Class[${capitalizeTypeName(v.toLowerCase())}]` : refKey(v);
}

/** Resources an operand stands for when relationships are applied. */
export function operandResources(ctx: Context, v: Value | CollectorRef, loc: A.Loc, left = false, other?: RelationshipPeer): Resource[] {
  if (v instanceof CollectorRef) {
    const got = [...v.collector.seen].filter((r) => !r.virtual);
    // On the left of a chain, a collector that collected nothing passes on what was left of it (as Puppet does).
    if (!got.length && left && v.chainedFrom !== undefined) return operandResources(ctx, v.chainedFrom, loc, true, other);
    return got;
  }
  if (Array.isArray(v)) return v.flatMap((x) => operandResources(ctx, x, loc, left, other));
  if (v === undefined) return [];
  const key = operandName(v);
  if (!key) throw ctx.error(`Illegal relationship operand, can not form a relationship with ${/^[AEIOU]/.test(typeNameOf(v)) ? 'an' : 'a'} ${typeNameOf(v)}. A Catalog type is required.`, loc);
  const r = ctx.catalog.findByKey(key);
  // P: a missing source is reported "on" its target, a missing target "from" its source.
  if (!r) throw ctx.error(`Could not find resource '${key}' for relationship ${other ? `${other.rel} '${other.name}'` : `on '${key}'`}`, loc);
  return [r];
}

export { isTruthy };
