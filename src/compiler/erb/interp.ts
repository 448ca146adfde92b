// The tree-walking evaluator. Ruby semantics that matter for output:
// only nil and false are falsy, operators are methods, blocks see and update
// the locals around them, `next`/`break` leave blocks.
import type { BlockNode, Node, Param } from './ast.js';
import { callMethod, callSelf, constValue, SELF_METHODS } from './methods.js';
import { STRING_MUTATORS } from './methods-string.js';
import { makeRegexp } from './regexp.js';
import {
  BreakSignal, NextSignal, ReturnSignal, RubyError, tick, unsupported, type Block, type Ctx,
} from './runtime.js';
import { importValue } from './scope.js';
import {
  ErbClass, ErbRange, ErbRegexp, hashSet, isA, isNil, rEqual, sym, toS, truthy, type ErbValue,
} from './values.js';

export class Env {
  readonly vars = new Map<string, ErbValue>();
  constructor(readonly parent: Env | null) {}
  get(name: string): ErbValue {
    for (let e: Env | null = this; e; e = e.parent) {
      const v = e.vars.get(name);
      if (v !== undefined || e.vars.has(name)) return v;
    }
    return undefined;
  }
  has(name: string): boolean {
    for (let e: Env | null = this; e; e = e.parent) if (e.vars.has(name)) return true;
    return false;
  }
  set(name: string, v: ErbValue): void {
    for (let e: Env | null = this; e; e = e.parent) {
      if (e.vars.has(name)) {
        e.vars.set(name, v);
        return;
      }
    }
    this.vars.set(name, v);
  }
}

export function lookupIvar(ctx: Ctx, name: string): ErbValue {
  if (ctx.ivars.has(name)) return ctx.ivars.get(name);
  const v = importValue(ctx.scope.lookupvar(name));
  ctx.ivars.set(name, v === null ? undefined : v);
  return v === null ? undefined : v;
}

export function evaluate(ctx: Ctx, n: Node, env: Env): ErbValue {
  switch (n.k) {
    case 'text':
      ctx.out += ctx.texts[n.i];
      return undefined;
    case 'insert':
      ctx.line = n.line;
      ctx.out += toS(evaluate(ctx, n.e, env));
      return undefined;
    case 'lit':
      return n.v;
    case 'seq': {
      let v: ErbValue;
      for (const s of n.stmts) v = evaluate(ctx, s, env);
      return v;
    }
    case 'dstr': {
      let s = '';
      for (const p of n.parts) s += typeof p === 'string' ? p : toS(evaluate(ctx, p, env));
      return s;
    }
    case 'dsym': {
      let s = '';
      for (const p of n.parts) s += typeof p === 'string' ? p : toS(evaluate(ctx, p, env));
      return sym(s);
    }
    case 'regex': {
      if (n.re) return n.re;
      let s = '';
      let dynamic = false;
      for (const p of n.parts) {
        if (typeof p === 'string') s += p;
        else {
          dynamic = true;
          const v = evaluate(ctx, p, env);
          s += v instanceof ErbRegexp ? toS(v) : toS(v);
        }
      }
      ctx.line = n.line;
      const re = makeRegexp(s, n.opts);
      if (!dynamic) n.re = re;
      return re;
    }
    case 'array': {
      const out: ErbValue[] = [];
      for (const e of n.elems) {
        if (e.k === 'splat') out.push(...splatValues(ctx, evaluate(ctx, e.e, env)));
        else out.push(evaluate(ctx, e, env));
      }
      return out;
    }
    case 'hash': {
      const h = new Map<ErbValue, ErbValue>();
      for (const [k, v] of n.pairs) {
        let key = evaluate(ctx, k, env);
        // Ruby freezes a copy of string keys; ours are immutable already.
        if (key === null) key = undefined;
        hashSet(h, key, evaluate(ctx, v, env));
      }
      return h;
    }
    case 'range':
      return new ErbRange(n.a ? evaluate(ctx, n.a, env) : undefined, n.b ? evaluate(ctx, n.b, env) : undefined, n.excl);
    case 'self':
      return ctx.self;
    case 'lvar':
      return env.get(n.name);
    case 'ivar':
      return lookupIvar(ctx, n.name);
    case 'gvar':
      return globalVar(ctx, n.name);
    case 'const':
      ctx.line = n.line;
      return constValue(n.name);
    case 'call':
      return evalCall(ctx, n, env);
    case 'splat':
    case 'blockpass':
      throw new RubyError('SyntaxError', 'unexpected splat or block argument');
    case 'not':
      return !truthy(evaluate(ctx, n.e, env));
    case 'and': {
      const a = evaluate(ctx, n.a, env);
      return truthy(a) ? evaluate(ctx, n.b, env) : a;
    }
    case 'or': {
      const a = evaluate(ctx, n.a, env);
      return truthy(a) ? a : evaluate(ctx, n.b, env);
    }
    case 'defined':
      return defined(ctx, n.e, env);
    case 'if':
      if (truthy(evaluate(ctx, n.cond, env))) return evaluate(ctx, n.then, env);
      return n.else ? evaluate(ctx, n.else, env) : undefined;
    case 'while': {
      ctx.breakTargets.push(LOOP);
      try {
        return whileLoop(ctx, n, env);
      } finally {
        ctx.breakTargets.pop();
      }
    }
    case 'for': {
      ctx.breakTargets.push(LOOP);
      try {
        return forLoop(ctx, n, env);
      } finally {
        ctx.breakTargets.pop();
      }
    }
    case 'case': {
      const subj = n.subj ? evaluate(ctx, n.subj, env) : undefined;
      for (const [conds, body] of n.whens) {
        for (const c of conds) {
          const vals = c.k === 'splat' ? splatValues(ctx, evaluate(ctx, c.e, env)) : [evaluate(ctx, c, env)];
          for (const v of vals) {
            const hit = n.subj ? caseEq(ctx, v, subj) : truthy(v);
            if (hit) return evaluate(ctx, body, env);
          }
        }
      }
      return n.else ? evaluate(ctx, n.else, env) : undefined;
    }
    case 'asgn': {
      const v = evaluate(ctx, n.value, env);
      assign(ctx, n.target, v, env);
      return v;
    }
    case 'opasgn':
      return opAssign(ctx, n, env);
    case 'masgn': {
      const v = evaluate(ctx, n.value, env);
      const vals = Array.isArray(v) ? v : isNil(v) ? [undefined] : [v];
      const t = n.targets;
      for (let i = 0; i < t.length; i++) {
        let x: ErbValue;
        if (i === n.splat) x = vals.slice(i, vals.length - (t.length - 1 - i));
        else if (n.splat >= 0 && i > n.splat) x = vals[vals.length - (t.length - i)];
        else x = vals[i];
        assign(ctx, t[i], x, env);
      }
      return v;
    }
    case 'next':
      throw new NextSignal(n.e ? evaluate(ctx, n.e, env) : undefined);
    case 'break':
      throw new BreakSignal(n.e ? evaluate(ctx, n.e, env) : undefined, ctx.breakTargets[ctx.breakTargets.length - 1] ?? LOOP);
    case 'return':
      throw new ReturnSignal(n.e ? evaluate(ctx, n.e, env) : undefined);
    case 'rescuemod':
      try {
        return evaluate(ctx, n.e, env);
      } catch (e) {
        if (e instanceof RubyError && !e.unsupported) return evaluate(ctx, n.rescue, env);
        throw e;
      }
    case 'begin':
      return evalBegin(ctx, n, env);
    case 'def':
      ctx.methods.set(n.name, { params: n.params, body: n.body });
      return sym(n.name);
  }
}

// `break` leaves the innermost while/for loop or block being run.
const LOOP: Block = { call: () => undefined, arity: 0 };

function whileLoop(ctx: Ctx, n: Extract<Node, { k: 'while' }>, env: Env): ErbValue {
  for (;;) {
    tick(ctx);
    const c = truthy(evaluate(ctx, n.cond, env));
    if (c === n.until) break;
    try {
      evaluate(ctx, n.body, env);
    } catch (e) {
      if (e instanceof NextSignal) continue;
      if (e instanceof BreakSignal && e.block === LOOP) return e.value;
      throw e;
    }
  }
  return undefined;
}

function forLoop(ctx: Ctx, n: Extract<Node, { k: 'for' }>, env: Env): ErbValue {
  const iter = evaluate(ctx, n.iter, env);
  ctx.line = n.line;
  const items = callMethod(ctx, iter, 'to_a', [], null) as ErbValue[];
  for (const item of items) {
    tick(ctx);
    bindParams(ctx, env, n.vars, n.vars.length > 1 && Array.isArray(item) ? item : [item], false);
    try {
      evaluate(ctx, n.body, env);
    } catch (e) {
      if (e instanceof NextSignal) continue;
      if (e instanceof BreakSignal && e.block === LOOP) return e.value;
      throw e;
    }
  }
  return iter;
}


function evalBegin(ctx: Ctx, n: Extract<Node, { k: 'begin' }>, env: Env): ErbValue {
  try {
    let v: ErbValue;
    try {
      v = evaluate(ctx, n.body, env);
    } catch (e) {
      if (!(e instanceof RubyError) || e.unsupported) throw e;
      for (const r of n.rescues) {
        const matches = r.classes.length === 0
          ? isStandardError(e.rubyClass)
          : r.classes.some((c) => {
            const name = c.k === 'const' ? c.name : '';
            return name === e.rubyClass || name === 'StandardError' || name === 'Exception' ||
              (RUBY_ERROR_PARENTS[e.rubyClass] ?? []).includes(name);
          });
        if (matches) {
          if (r.varName) env.set(r.varName, e.message);
          return evaluate(ctx, r.body, env);
        }
      }
      throw e;
    }
    if (n.elseBody) v = evaluate(ctx, n.elseBody, env);
    return v;
  } finally {
    if (n.ensure) evaluate(ctx, n.ensure, env);
  }
}

// Superclasses of the Ruby exceptions we raise, for `rescue ArgumentError` and friends.
const RUBY_ERROR_PARENTS: Record<string, string[]> = {
  NoMethodError: ['NameError'], KeyError: ['IndexError'], StopIteration: ['IndexError'], FloatDomainError: ['RangeError'],
  FrozenError: ['RuntimeError'], 'IPAddr::InvalidAddressError': ['ArgumentError', 'IPAddr::Error'],
  'IPAddr::AddressFamilyError': ['ArgumentError', 'IPAddr::Error'], 'JSON::ParserError': ['JSON::JSONError'],
};

function isStandardError(cls: string): boolean {
  return cls !== 'NotImplementedError' && cls !== 'SyntaxError';
}

export function splatValues(ctx: Ctx, v: ErbValue): ErbValue[] {
  if (Array.isArray(v)) return v;
  if (isNil(v)) return [];
  if (v instanceof Map || v instanceof ErbRange) return callMethod(ctx, v, 'to_a', [], null) as ErbValue[];
  return [v];
}

/** `when` tests with ===: classes match instances, ranges cover, regexps match. */
export function caseEq(ctx: Ctx, pattern: ErbValue, v: ErbValue): boolean {
  if (pattern instanceof ErbClass) return isA(v, pattern);
  if (pattern instanceof ErbRange || pattern instanceof ErbRegexp) return truthy(callMethod(ctx, pattern, '===', [v], null));
  return rEqual(pattern, v);
}

function globalVar(ctx: Ctx, name: string): ErbValue {
  if (/^\d+$/.test(name)) return ctx.lastMatch ? ctx.lastMatch.group(parseInt(name, 10)) : undefined;
  if (name === '~') return ctx.lastMatch ?? undefined;
  if (name === '&') return ctx.lastMatch ? ctx.lastMatch.group(0) : undefined;
  throw unsupported(`global variable $${name}`);
}

function defined(ctx: Ctx, e: Node, env: Env): ErbValue {
  switch (e.k) {
    case 'ivar':
      // Puppet sets instance variables only for variables with a value: undef ones are not defined.
      if (ctx.ivars.has(e.name) && ctx.ivars.get(e.name) !== undefined) return 'instance-variable';
      return isNil(lookupIvar(ctx, e.name)) ? undefined : 'instance-variable';
    case 'lvar':
      return 'local-variable';
    case 'gvar':
      return /^\d+$/.test(e.name) ? (globalVar(ctx, e.name) !== undefined ? 'global-variable' : undefined) : undefined;
    case 'const':
      try {
        constValue(e.name);
        return 'constant';
      } catch {
        return undefined;
      }
    case 'call':
      if (!e.recv) return SELF_METHODS.has(e.name) ? 'method' : undefined;
      try {
        evaluate(ctx, e.recv, env);
        return 'method';
      } catch {
        return undefined;
      }
    case 'lit': return e.v === undefined ? 'expression' : 'expression';
    case 'asgn': case 'opasgn': case 'masgn': return 'assignment';
    default: return 'expression';
  }
}

function assign(ctx: Ctx, t: Node, v: ErbValue, env: Env): void {
  switch (t.k) {
    case 'lvar':
      env.set(t.name, v);
      return;
    case 'ivar':
      ctx.ivars.set(t.name, v);
      return;
    case 'call': {
      const recv = evaluate(ctx, t.recv!, env);
      if (t.safe && isNil(recv)) return;
      const args = evalArgs(ctx, t.args, env);
      ctx.line = t.line;
      if (t.name === '[]') callMethod(ctx, recv, '[]=', [...args, v], null);
      else callMethod(ctx, recv, t.name + '=', [v], null);
      return;
    }
    case 'gvar':
      throw unsupported(`assignment to global variable $${t.name}`);
    default:
      throw unsupported('assignment target');
  }
}

function opAssign(ctx: Ctx, n: Extract<Node, { k: 'opasgn' }>, env: Env): ErbValue {
  const t = n.target;
  // Evaluate receiver and index once, as Ruby does.
  let get: () => ErbValue;
  let set: (v: ErbValue) => void;
  if (t.k === 'call') {
    const recv = evaluate(ctx, t.recv!, env);
    const args = evalArgs(ctx, t.args, env);
    ctx.line = t.line;
    if (t.name === '[]') {
      get = () => callMethod(ctx, recv, '[]', args, null);
      set = (v) => void callMethod(ctx, recv, '[]=', [...args, v], null);
    } else {
      get = () => callMethod(ctx, recv, t.name, [], null);
      set = (v) => void callMethod(ctx, recv, t.name + '=', [v], null);
    }
  } else {
    get = () => evaluate(ctx, t, env);
    set = (v) => assign(ctx, t, v, env);
  }
  const cur = get();
  let v: ErbValue;
  if (n.op === '||') {
    if (truthy(cur)) return cur;
    v = evaluate(ctx, n.value, env);
  } else if (n.op === '&&') {
    if (!truthy(cur)) return cur;
    v = evaluate(ctx, n.value, env);
  } else {
    const rhs = evaluate(ctx, n.value, env);
    ctx.line = n.line;
    v = callMethod(ctx, cur, n.op, [rhs], null);
  }
  set(v);
  return v;
}

function evalArgs(ctx: Ctx, args: Node[], env: Env): ErbValue[] {
  const out: ErbValue[] = [];
  for (const a of args) {
    if (a.k === 'splat') out.push(...splatValues(ctx, evaluate(ctx, a.e, env)));
    else if (a.k !== 'blockpass') out.push(evaluate(ctx, a, env));
  }
  return out;
}

function evalCall(ctx: Ctx, n: Extract<Node, { k: 'call' }>, env: Env): ErbValue {
  let recv: ErbValue = undefined;
  if (n.recv) {
    recv = evaluate(ctx, n.recv, env);
    if (n.safe && isNil(recv)) return undefined;
  }
  const args = n.args.length ? evalArgs(ctx, n.args, env) : [];
  let block: Block | null = null;
  if (n.block) block = makeBlock(ctx, n.block, env);
  else if (n.args.length && n.args[n.args.length - 1].k === 'blockpass') {
    const bp = evaluate(ctx, (n.args[n.args.length - 1] as { e: Node }).e, env);
    block = symbolBlock(ctx, bp);
  }
  ctx.line = n.line;
  if (typeof recv === 'string' && n.recv) {
    const mut = Object.prototype.hasOwnProperty.call(STRING_MUTATORS, n.name) ? STRING_MUTATORS[n.name] : undefined;
    const target = mut ? mutationTarget(n.recv) : null;
    if (mut && target) {
      // Ruby mutates the string object; ours are immutable, so store the result back.
      const [s, ret] = mut(ctx, recv, args, block);
      if (target.k === 'lvar') env.set(target.name, s);
      else ctx.ivars.set(target.name, s);
      return ret;
    }
  }
  if (!n.recv && ctx.methods.has(n.name)) return callDefined(ctx, n.name, args);
  try {
    return n.recv ? callMethod(ctx, recv, n.name, args, block) : callSelf(ctx, n.name, args, block);
  } catch (e) {
    if (block && e instanceof BreakSignal && e.block === block) return e.value;
    throw e;
  }
}

const MAX_DEPTH = 200;
let depth = 0;

function callDefined(ctx: Ctx, name: string, args: ErbValue[]): ErbValue {
  const m = ctx.methods.get(name)!;
  if (args.length !== m.params.length) {
    throw new RubyError('ArgumentError', `wrong number of arguments (given ${args.length}, expected ${m.params.length})`);
  }
  if (depth >= MAX_DEPTH) throw new RubyError('SystemStackError', 'stack level too deep');
  const env = new Env(null);
  m.params.forEach((p, i) => env.vars.set(p, args[i]));
  depth++;
  try {
    return evaluate(ctx, m.body, env);
  } catch (e) {
    if (e instanceof ReturnSignal) return e.value;
    throw e;
  } finally {
    depth--;
  }
}

/** The variable a string mutation lands in: `s << a << b` changes s. */
function mutationTarget(n: Node): { k: 'lvar' | 'ivar'; name: string } | null {
  if (n.k === 'lvar' || n.k === 'ivar') return n;
  if (n.k === 'call' && n.recv && (n.name === '<<' || n.name === 'concat' || n.name === 'prepend' || n.name === 'insert')) {
    return mutationTarget(n.recv);
  }
  return null;
}

function symbolBlock(ctx: Ctx, v: ErbValue): Block {
  if (isNil(v)) throw unsupported('block argument nil');
  const name = toS(v);
  if (typeof v !== 'object' || !('name' in (v as object))) throw unsupported('block argument (&) other than a symbol');
  return {
    arity: -2,
    call: (args) => {
      const [self, ...rest] = args;
      return callMethod(ctx, self, name, rest, null);
    },
  };
}

export function makeBlock(ctx: Ctx, b: BlockNode, env: Env): Block {
  const block: Block = {
    arity: b.params.length,
    call: (args: ErbValue[]) => {
      tick(ctx);
      const inner = new Env(env);
      const vals = b.spread && args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
      bindParams(ctx, inner, b.params, vals, true);
      ctx.breakTargets.push(block);
      try {
        return evaluate(ctx, b.body, inner);
      } catch (e) {
        if (e instanceof NextSignal) return e.value;
        throw e;
      } finally {
        ctx.breakTargets.pop();
      }
    },
  };
  return block;
}

function bindParams(ctx: Ctx, env: Env, params: Param[], vals: ErbValue[], local: boolean): void {
  const splatAt = params.findIndex((p) => 'name' in p && p.splat);
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    let v: ErbValue;
    if (i === splatAt) v = vals.slice(i, Math.max(i, vals.length - (params.length - 1 - i)));
    else if (splatAt >= 0 && i > splatAt) v = vals[vals.length - (params.length - i)];
    else v = vals[i];
    if ('nested' in p) bindParams(ctx, env, p.nested, Array.isArray(v) ? v : [v], local);
    else if (local) env.vars.set(p.name, v);
    else env.set(p.name, v);
  }
}
