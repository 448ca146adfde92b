// Function calls: built-in functions (TypeScript), functions written in the
// Puppet language (functions/*.pp), method-call syntax, and parameter
// binding shared by lambdas and functions.
import type * as A from '../../lang/ast.js';
import { Scope } from '../scope.js';
import { KurokoError } from '../../util/diagnostic.js';
import { ControlFlow, Lambda, lambdaBinder, type Block, type CallInfo, type Context } from './context.js';
import { PObject, type Value } from '../types/values.js';
import { PType, typeNameOf } from '../types/types.js';
import { describeMismatch } from '../types/mismatch.js';
import { evaluate, evalBlock, evalList, callLambda, resolveTypeName } from './expressions.js';

export function callFunction(ctx: Context, e: A.CallNamedFunctionExpression, scope: Scope): Value {
  const args = evalList(ctx, e.args, scope);
  if (e.functor.kind === 'AccessExpression') {
    // A parameterized type called: a conversion to it, as `Type.new(...)`.
    return invoke(ctx, 'new', [evaluate(ctx, e.functor, scope), ...args], e.lambda, scope, e.loc);
  }
  if (e.functor.kind === 'QualifiedReference') {
    const t = resolveTypeName(ctx, e.functor.name, e.functor.loc);
    return invoke(ctx, 'new', [t, ...args], e.lambda, scope, e.loc);
  }
  return invoke(ctx, e.functor.name.replace(/^::/, ''), args, e.lambda, scope, e.loc);
}

export function callMethod(ctx: Context, e: A.CallMethodExpression, scope: Scope): Value {
  const recv = evaluate(ctx, e.receiver, scope);
  const args = evalList(ctx, e.args, scope);
  // Puppet places a method call at its '(' (or, without one, at its '.') and calls it a "Method call" in errors.
  const n = e.nameLoc;
  const src = ctx.env.sourceOf(n.file);
  const paren = src?.[n.offset + e.name.length] === '(';
  const dot = !paren && src?.[n.offset - 1] === '.' && n.column > 1;
  const loc = paren ? { ...n, column: n.column + e.name.length, offset: n.offset + e.name.length, length: 1 }
    : dot ? { ...n, column: n.column - 1, offset: n.offset - 1, length: 1 } : e.loc;
  try {
    if (recv instanceof PType && e.name === 'new') return invoke(ctx, 'new', [recv, ...args], e.lambda, scope, loc);
    // An Object instance's attribute: `$x.a`.
    if (recv instanceof PObject && !args.length && !e.lambda && recv.values.has(e.name)) return recv.values.get(e.name);
    return invoke(ctx, e.name, [recv, ...args], e.lambda, scope, loc, 'Method call');
  } catch (err) {
    const prefix = 'Evaluation Error: Error while evaluating a Function Call, ';
    if ((paren || dot) && err instanceof KurokoError && err.message.startsWith(prefix) && err.location?.offset === loc.offset && err.location?.file === loc.file) {
      throw ctx.error(`Evaluation Error: Error while evaluating a Method call, ${err.message.slice(prefix.length)}`, loc);
    }
    throw err;
  }
}

/** Block parameter counts the iteration functions' dispatches accept (P: their block_param Callable[min, max]). */
const BLOCK_ARITY: Record<string, [number, number]> = {
  each: [1, 2], map: [1, 2], filter: [1, 2], any: [1, 2], all: [1, 2], partition: [1, 2], group_by: [1, 2],
  tree_each: [1, 2], index: [1, 2], reduce: [2, 2], step: [1, 1], then: [1, 1], lest: [0, 0],
};

/** Puppet refuses a block whose parameter count no dispatch accepts, before calling the function. */
function checkBlockArity(ctx: Context, name: string, lambda: A.LambdaExpression, loc: A.Loc, call = 'Function Call'): void {
  const range = BLOCK_ARITY[name];
  const params = lambda.parameters;
  // Optional and captures-rest parameters make the block's own range: those are matched by the function itself.
  if (!range || params.some((p) => p.value || p.capturesRest)) return;
  const [min, max] = range;
  const n = params.length;
  if (n >= min && n <= max) return;
  const exp = min !== max ? `between ${min} and ${max} arguments` : min === 0 ? 'no arguments' : `${min} argument${min === 1 ? '' : 's'}`;
  throw ctx.error(`Evaluation Error: Error while evaluating a ${call}, '${name}' block expects ${exp}, got ${n === 0 ? 'none' : n}`, loc);
}

export function invoke(ctx: Context, name: string, args: Value[], lambda: A.LambdaExpression | undefined, scope: Scope, loc: A.Loc, call?: string): Value {
  let block: Block | undefined;
  if (lambda) {
    const l = new Lambda(lambda, scope);
    block = (a: Value[]) => callLambda(ctx, l, a, loc, call);
  }
  const fn = ctx.functions.get(name);
  if (fn) {
    if (lambda) checkBlockArity(ctx, name, lambda, loc, call);
    const info: CallInfo = { ctx, scope, loc, name, block, blockArity: lambda?.parameters.length };
    try {
      return fn(info, args);
    } catch (e) {
      // A pattern JavaScript cannot compile (from data, a module's regsubst...) is the caller's error, not the compiler's.
      if (e instanceof SyntaxError && e.message.startsWith('Invalid regular expression')) {
        const m = /^Invalid regular expression: \/(.*)\/[a-z]*: (.*)$/s.exec(e.message);
        const what = m ? `invalid regular expression /${m[1]}/: ${m[2]}` : e.message;
        throw ctx.error(`Evaluation Error: Error while evaluating a ${call ?? 'Function Call'}, ${what}`, loc);
      }
      throw e;
    }
  }
  const def = ctx.env.findFunction(name);
  if (def) return callPuppetFunction(ctx, def, args, block, loc);
  throw ctx.error(`Evaluation Error: Unknown function: '${name}'.`, loc);
}

/** Calls a function defined in the Puppet language; its body sees only top scope. */
export function callPuppetFunction(ctx: Context, def: A.FunctionDefinition, args: Value[], block: Block | undefined, loc: A.Loc): Value {
  const s = new Scope('function', ctx.topScope, ctx.topScope);
  s.name = def.name;
  const params = def.parameters;
  const lastIsBlock = block !== undefined;
  bindParameters(ctx, params, args, s, loc, `function '${def.name}'`);
  if (lastIsBlock) s.set('__block', undefined);
  return ctx.deeper(`${def.name}()`, loc, () => {
    let r: Value;
    try {
      r = evalBlock(ctx, def.body, s);
    } catch (x) {
      if (x instanceof ControlFlow && x.kind === 'return') r = x.value;
      else throw x;
    }
    if (def.returnType) {
      const t = evaluate(ctx, def.returnType, s);
      if (t instanceof PType && !t.isInstance(r)) {
        throw ctx.error(`${def.name}(): ${describeMismatch('return value', t, r).join('\n')}`, loc);
      }
    }
    return r;
  });
}

export function bindParameters(ctx: Context, params: A.Parameter[], args: Value[], scope: Scope, loc: A.Loc, what: string): void {
  const required = params.filter((p) => !p.value && !p.capturesRest).length;
  const hasRest = params.some((p) => p.capturesRest);
  if (args.length < required || (!hasRest && args.length > params.length)) {
    const max = hasRest ? Infinity : params.length;
    const exp = required === max ? `${required}` : max === Infinity ? `at least ${required}` : `between ${required} and ${max}`;
    const label = fnLabel(what);
    throw ctx.error(`${label} expects ${exp} argument${required === 1 && exp === '1' ? '' : 's'}, got ${args.length}`, loc);
  }
  params.forEach((p, i) => {
    let v: Value;
    if (p.capturesRest) v = args.slice(i);
    else if (i < args.length) v = args[i];
    else v = p.value ? evaluate(ctx, p.value, scope) : undefined;
    if (p.type) {
      const t = evaluate(ctx, p.type, scope);
      if (t instanceof PType) {
        const check = p.capturesRest ? (v as Value[]) : [v];
        for (const x of check) {
          if (!t.isInstance(x)) {
            const prefix = what === 'lambda' ? `block parameter '${p.name}'` : `${fnLabel(what)} parameter '${p.name}'`;
            throw ctx.error(describeMismatch(prefix, t, x).join('\n'), p.loc);
          }
        }
      }
    }
    scope.set(p.name, v);
  });
}

function fnLabel(what: string): string {
  return what.startsWith("function '") ? `'${what.slice(10, -1)}'` : what === 'lambda' ? 'block' : what;
}

lambdaBinder.bindParameters = bindParameters;

/** Checks a value against a type, failing with Puppet's mismatch text. */
export function assertType(ctx: Context, t: PType, v: Value, prefix: string, loc: A.Loc): void {
  if (!t.isInstance(v)) throw ctx.error(describeMismatch(prefix, t, v).join('\n'), loc);
}

export { typeNameOf };
