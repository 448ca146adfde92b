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
  if (e.functor.kind === 'QualifiedReference') {
    const t = resolveTypeName(ctx, e.functor.name, e.functor.loc);
    return invoke(ctx, 'new', [t, ...args], e.lambda, scope, e.loc);
  }
  return invoke(ctx, e.functor.name.replace(/^::/, ''), args, e.lambda, scope, e.loc);
}

export function callMethod(ctx: Context, e: A.CallMethodExpression, scope: Scope): Value {
  const recv = evaluate(ctx, e.receiver, scope);
  const args = evalList(ctx, e.args, scope);
  // Puppet places a method call at its '(' and calls it a "Method call" in errors.
  const n = e.nameLoc;
  const paren = ctx.env.sourceOf(n.file)?.[n.offset + e.name.length] === '(';
  const loc = paren ? { ...n, column: n.column + e.name.length, offset: n.offset + e.name.length, length: 1 } : e.loc;
  try {
    if (recv instanceof PType && e.name === 'new') return invoke(ctx, 'new', [recv, ...args], e.lambda, scope, loc);
    // An Object instance's attribute: `$x.a`.
    if (recv instanceof PObject && !args.length && !e.lambda && recv.values.has(e.name)) return recv.values.get(e.name);
    return invoke(ctx, e.name, [recv, ...args], e.lambda, scope, loc);
  } catch (err) {
    const prefix = 'Evaluation Error: Error while evaluating a Function Call, ';
    if (paren && err instanceof KurokoError && err.message.startsWith(prefix) && err.location?.offset === loc.offset && err.location?.file === loc.file) {
      throw ctx.error(`Evaluation Error: Error while evaluating a Method call, ${err.message.slice(prefix.length)}`, loc);
    }
    throw err;
  }
}

export function invoke(ctx: Context, name: string, args: Value[], lambda: A.LambdaExpression | undefined, scope: Scope, loc: A.Loc): Value {
  let block: Block | undefined;
  if (lambda) {
    const l = new Lambda(lambda, scope);
    block = (a: Value[]) => callLambda(ctx, l, a, loc);
  }
  const fn = ctx.functions.get(name);
  if (fn) {
    const info: CallInfo = { ctx, scope, loc, name, block, blockArity: lambda?.parameters.length };
    return fn(info, args);
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
