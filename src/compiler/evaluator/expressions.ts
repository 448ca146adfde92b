// The expression evaluator (expressions.md; P: evaluator_impl.rb): literals,
// variables, strings, operators, conditionals and access. Catalog
// expressions and calls live in their own modules.
import type * as A from '../../lang/ast.js';
import type { Scope } from '../scope.js';
import { ControlFlow, Lambda, lambdaBinder, type Context } from './context.js';
import { DEFAULT, PFloat, PRegexp, isTruthy, isNumber, numValue, type PHash, type Value } from '../types/values.js';
import { PType, ResourceType, typeNameOf } from '../types/types.js';
import { arithmetic, compare, match, inOperator, caseMatches } from './operators.js';
import { accessValue, coreType } from './access.js';
import { toPString } from './convert.js';
import { evalResource, evalResourceDefaults, evalResourceOverride, evalCollect, evalRelationship } from './catalog-exprs.js';
import { callFunction, callMethod } from './calls.js';

export function evaluate(ctx: Context, e: A.Expression, scope: Scope): Value {
  switch (e.kind) {
    case 'LiteralString': return e.value;
    case 'ConcatenatedString': return interpolate(ctx, e, scope);
    case 'HeredocExpression': return evaluate(ctx, e.text, scope);
    case 'LiteralInteger': return e.value;
    case 'LiteralFloat': return new PFloat(e.value);
    case 'LiteralRegularExpression': return new PRegexp(e.pattern);
    case 'LiteralBoolean': return e.value;
    case 'LiteralUndef': return undefined;
    case 'LiteralDefault': return DEFAULT;
    case 'LiteralList': return evalList(ctx, e.elements, scope);
    case 'LiteralHash': {
      const h: PHash = new Map();
      for (const en of e.entries) h.set(evaluate(ctx, en.key, scope), evaluate(ctx, en.value, scope));
      return h;
    }
    case 'VariableExpression': return ctx.lookupVariable(e.name, scope, e.loc);
    case 'QualifiedName': return e.name;
    case 'QualifiedReference': return resolveTypeName(ctx, e.name, e.loc);
    case 'AccessExpression': {
      const target = evaluate(ctx, e.target, scope);
      return accessValue(ctx, target, evalList(ctx, e.keys, scope), e.loc);
    }
    case 'ArithmeticExpression':
      return arithmetic(ctx, e.operator, evaluate(ctx, e.left, scope), evaluate(ctx, e.right, scope), e.loc, [e.left.loc, e.right.loc], e.operatorLoc);
    case 'ComparisonExpression':
      return compare(ctx, e.operator, evaluate(ctx, e.left, scope), evaluate(ctx, e.right, scope), e.operatorLoc);
    case 'MatchExpression': {
      const l = evaluate(ctx, e.left, scope), r = evaluate(ctx, e.right, scope);
      const m = match(ctx, l, r, scope, guardDepthOf(scope), e.loc);
      return e.operator === '=~' ? m : !m;
    }
    case 'InExpression': return inOperator(evaluate(ctx, e.left, scope), evaluate(ctx, e.right, scope));
    case 'AndExpression': return isTruthy(evaluate(ctx, e.left, scope)) && isTruthy(evaluate(ctx, e.right, scope));
    case 'OrExpression': return isTruthy(evaluate(ctx, e.left, scope)) || isTruthy(evaluate(ctx, e.right, scope));
    case 'NotExpression': return !isTruthy(evaluate(ctx, e.expr, scope));
    case 'UnaryMinusExpression': {
      const v = evaluate(ctx, e.expr, scope);
      if (typeof v === 'number') return -v;
      if (v instanceof PFloat) return new PFloat(-v.value);
      if (typeof v === 'string') return arithmetic(ctx, '*', v, -1, e.loc, [e.expr.loc, e.loc]);
      throw ctx.error(`Operator '-' is not applicable to ${typeNameOf(v)}.`, e.loc);
    }
    case 'UnfoldExpression': {
      const v = evaluate(ctx, e.expr, scope);
      return Array.isArray(v) ? v : v instanceof Map ? [...v].map(([k, x]) => [k, x]) : [v];
    }
    case 'ParenthesizedExpression': return evaluate(ctx, e.expr, scope);
    case 'AssignmentExpression': return assign(ctx, e, scope);
    case 'RelationshipExpression': return evalRelationship(ctx, e, scope);
    case 'SelectorExpression': return evalSelector(ctx, e, scope);
    case 'IfExpression': return guarded(scope, () => isTruthy(evaluate(ctx, e.test, scope)) ? evalBlock(ctx, e.then, scope) : evalBlock(ctx, e.else, scope));
    case 'UnlessExpression': return guarded(scope, () => !isTruthy(evaluate(ctx, e.test, scope)) ? evalBlock(ctx, e.then, scope) : evalBlock(ctx, e.else, scope));
    case 'CaseExpression': return evalCase(ctx, e, scope);
    case 'CallNamedFunctionExpression': return callFunction(ctx, e, scope);
    case 'CallMethodExpression': return callMethod(ctx, e, scope);
    case 'LambdaExpression': return new Lambda(e, scope) as unknown as Value;
    case 'ResourceExpression': return evalResource(ctx, e, scope);
    case 'ResourceDefaultsExpression': return evalResourceDefaults(ctx, e, scope);
    case 'ResourceOverrideExpression': return evalResourceOverride(ctx, e, scope);
    case 'CollectExpression': return evalCollect(ctx, e, scope);
    case 'HostClassDefinition':
    case 'ResourceTypeDefinition':
    case 'NodeDefinition':
    case 'FunctionDefinition':
    case 'TypeAlias':
    case 'TypeMapping':
    case 'TypeDefinition':
    case 'ImportExpression':
      // Registered by the loader when the file was read; evaluating them does nothing.
      return undefined;
    case 'RenderStringExpression':
      ctx.eppOut?.push(e.value);
      return undefined;
    case 'RenderExpression': {
      const v = evaluate(ctx, e.expr, scope);
      ctx.eppOut?.push(toPString(v));
      return undefined;
    }
    case 'ErrorExpression':
      throw ctx.error('Syntax error', e.loc);
  }
  throw ctx.error(`Unsupported expression ${(e as A.Expression).kind}`, (e as A.Expression).loc);
}

export function evalBlock(ctx: Context, body: A.Expression[], scope: Scope): Value {
  let last: Value = undefined;
  for (const x of body) last = evaluate(ctx, x, scope);
  return last;
}

/** Evaluates a list of expressions, unfolding `*x` splats. */
export function evalList(ctx: Context, items: A.Expression[], scope: Scope): Value[] {
  const out: Value[] = [];
  for (const x of items) {
    if (x.kind === 'UnfoldExpression') {
      const v = evaluate(ctx, x.expr, scope);
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    } else out.push(evaluate(ctx, x, scope));
  }
  return out;
}

// Match variables set inside an if/case/selector are visible in it and gone after it.
const guardStack = new WeakMap<Scope, number[]>();
function guardDepthOf(scope: Scope): number {
  const g = guardStack.get(scope);
  return g && g.length ? g[g.length - 1] : 0;
}
export function guarded<T>(scope: Scope, fn: () => T): T {
  const depth = scope.matchDepth;
  let g = guardStack.get(scope);
  if (!g) guardStack.set(scope, (g = []));
  g.push(depth);
  try {
    return fn();
  } finally {
    g.pop();
    scope.truncateMatches(depth);
  }
}

function interpolate(ctx: Context, e: A.ConcatenatedString, scope: Scope): string {
  let s = '';
  for (const seg of e.segments) {
    if (seg.kind === 'LiteralString') s += seg.value;
    else if (seg.kind === 'QualifiedName') s += toPString(ctx.lookupVariable(seg.name, scope, seg.loc));
    else s += toPString(evaluate(ctx, seg, scope));
  }
  return s;
}

function assign(ctx: Context, e: A.AssignmentExpression, scope: Scope): Value {
  const v = evaluate(ctx, e.value, scope);
  if (e.operator !== '=') throw ctx.error(`The operator '${e.operator}' is no longer supported. See http://links.puppet.com/remove-plus-equals`, e.loc);
  const t = e.target;
  if (t.kind === 'VariableExpression') {
    setVariable(ctx, t.name, v, scope, e.operatorLoc ?? t.loc);
  } else if (t.kind === 'LiteralList') {
    if (v instanceof Map) {
      for (const x of t.elements) {
        if (x.kind !== 'VariableExpression') throw ctx.error('Assignment target must be a variable', x.loc);
        if (!v.has(x.name)) throw ctx.error(`No value for required key '${x.name}' in assignment to variables from hash`, x.loc);
        setVariable(ctx, x.name, v.get(x.name), scope, x.loc);
      }
    } else if (Array.isArray(v)) {
      if (v.length !== t.elements.length) throw ctx.error(`Evaluation Error: Mismatched number of assignable entries and values, expected ${t.elements.length}, got ${v.length}`, e.operatorLoc ?? e.loc);
      t.elements.forEach((x, i) => {
        if (x.kind !== 'VariableExpression') throw ctx.error('Assignment target must be a variable', x.loc);
        setVariable(ctx, x.name, v[i], scope, x.loc);
      });
    } else throw ctx.error(`Can only assign an Array or Hash to [] of variables`, e.loc);
  } else throw ctx.error('Illegal assignment target', t.loc);
  return v;
}

const RESERVED = new Set(['facts', 'trusted', 'server_facts']);

export function setVariable(ctx: Context, name: string, v: Value, scope: Scope, loc: A.Loc): void {
  if (name.includes('::')) throw ctx.error(`Cannot assign to a variable in another namespace: '$${name}'`, loc);
  if (/^\d+$/.test(name)) throw ctx.error(`Illegal attempt to assign to the numeric match result variable '$${name}'`, loc);
  if (RESERVED.has(name) && (scope.kind !== 'top' || scope.hasLocal(name))) {
    // P: where the name is already bound (top and node scope) the evaluator refuses it; in a class or
    // define scope Scope#setvar does, and the '=' expression reports it.
    if (scope.kind === 'top' || scope.kind === 'node' || scope.hasLocal(name)) throw ctx.error(`Evaluation Error: Attempt to assign to a reserved variable name: '$${name}'`, loc);
    throw ctx.error(`Evaluation Error: Error while evaluating a '=' expression, Attempt to assign to a reserved variable name: '${name}'`, loc);
  }
  if (scope.hasLocal(name)) {
    // P: Issues::ILLEGAL_REASSIGNMENT names $title and $name as built in.
    const builtIn = name === 'title' || name === 'name';
    throw ctx.error(`Evaluation Error: Cannot reassign ${builtIn ? 'built in (or already assigned) ' : ''}variable '$${name}'`, loc);
  }
  scope.set(name, v);
}

function evalSelector(ctx: Context, e: A.SelectorExpression, scope: Scope): Value {
  const test = evaluate(ctx, e.left, scope);
  return guarded(scope, () => {
    let dflt: A.SelectorEntry | undefined;
    for (const en of e.selectors) {
      if (en.matching.kind === 'LiteralDefault') { dflt = en; continue; }
      const opts = en.matching.kind === 'UnfoldExpression' ? evalList(ctx, [en.matching], scope) : [evaluate(ctx, en.matching, scope)];
      for (const o of opts) if (caseMatches(ctx, test, o, scope, guardDepthOf(scope), en.loc)) return evaluate(ctx, en.value, scope);
    }
    if (dflt) return evaluate(ctx, dflt.value, scope);
    throw ctx.error(`Evaluation Error: No matching entry for selector parameter with value '${toPString(test)}'`, e.loc);
  });
}

function evalCase(ctx: Context, e: A.CaseExpression, scope: Scope): Value {
  const test = evaluate(ctx, e.test, scope);
  return guarded(scope, () => {
    let dflt: A.CaseOption | undefined;
    for (const opt of e.options) {
      for (const vx of opt.values) {
        if (vx.kind === 'LiteralDefault') { dflt = opt; continue; }
        const vals = vx.kind === 'UnfoldExpression' ? evalList(ctx, [vx], scope) : [evaluate(ctx, vx, scope)];
        for (const v of vals) if (caseMatches(ctx, test, v, scope, guardDepthOf(scope), vx.loc)) return evalBlock(ctx, opt.then, scope);
      }
    }
    return dflt ? evalBlock(ctx, dflt.then, scope) : undefined;
  });
}

/** A capitalised name as a value: a core type, a type alias, or a resource type reference. */
export function resolveTypeName(ctx: Context, name: string, loc: A.Loc): PType {
  const n = name.replace(/^::/, '');
  const core = coreType(n);
  if (core) return core;
  const alias = ctx.env.typeAlias(ctx, n, loc);
  if (alias) return alias;
  return new ResourceType(n.toLowerCase());
}

/** Invokes a lambda with arguments, binding its parameters (defaults, types, captures-rest). */
export function callLambda(ctx: Context, l: Lambda, args: Value[], loc: A.Loc, call = 'Function Call'): Value {
  const { bindParameters } = lambdaBinder;
  // P: binding a lambda parameter is an assignment, so $facts, $trusted and $server_facts are refused, at the call.
  for (const p of l.ast.parameters) {
    if (RESERVED.has(p.name)) throw ctx.error(`Evaluation Error: Error while evaluating a ${call}, Attempt to assign to a reserved variable name: '${p.name}'`, loc);
  }
  const s = new (l.scope.constructor as typeof Scope)('lambda', l.scope, l.scope);
  s.resource = l.scope.resource;
  s.name = l.scope.name;
  bindParameters(ctx, l.ast.parameters, args, s, loc, 'lambda');
  try {
    return ctx.deeper('lambda', loc, () => evalBlock(ctx, l.ast.body, s));
  } catch (x) {
    if (x instanceof ControlFlow && x.kind === 'next') return x.value;
    throw x;
  }
}


export function isNumeric(v: Value): boolean { return isNumber(v); }
export { numValue };
