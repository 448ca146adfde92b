// Iteration functions with lambdas: each, map, filter, reduce, with, then,
// lest, any, all, reverse_each, step, slice, partition, group_by, tree_each.
import { ControlFlow, type BuiltinFunction, type CallInfo } from '../evaluator/context.js';
import { PIterator, isHash, isTruthy, type PHash, type Value } from '../types/values.js';
import { EnumType, IntegerType, typeNameOf } from '../types/types.js';

function needBlock(c: CallInfo): (a: Value[]) => Value {
  if (!c.block) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, '${c.name}' expects a block`, c.loc);
  return c.block;
}

/** The elements an iteration walks: arrays, hashes (as pairs), strings? no: integers (0..n-1), iterators, enumerable types. */
function elements(c: CallInfo, v: Value): { list: Value[]; hash?: PHash } {
  if (Array.isArray(v)) return { list: v };
  if (isHash(v)) return { list: [...v].map(([k, x]) => [k, x]), hash: v };
  if (v instanceof PIterator) return { list: v.values };
  if (typeof v === 'number') return { list: Array.from({ length: Math.max(0, v) }, (_, i) => i) };
  if (typeof v === 'string') return { list: [...v] };
  if (v instanceof IntegerType && isFinite(v.min) && isFinite(v.max)) {
    if (v.max - v.min > 1e6) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, ${c.name}(): the range is too large to iterate`, c.loc);
    return { list: Array.from({ length: v.max - v.min + 1 }, (_, i) => v.min + i) };
  }
  if (v instanceof EnumType) return { list: v.values };
  throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, '${c.name}' expects an Iterable value, got ${typeNameOf(v)}`, c.loc);
}

/** Calls the block for one element: (k, v) pairs for hashes with two parameters, (index, v) when asked. */
function call2(c: CallInfo, block: (a: Value[]) => Value, el: Value, index: number, isHash: boolean): Value {
  const arity = c.blockArity ?? 1;
  if (isHash) return arity >= 2 ? block(el as Value[]) : block([el]);
  return arity >= 2 ? block([index, el]) : block([el]);
}

/** Runs a loop body, honouring `break` (stops the loop) — `next` is handled by the lambda. */
function loop(fn: () => void): boolean {
  try {
    fn();
    return false;
  } catch (x) {
    if (x instanceof ControlFlow && x.kind === 'break') return true;
    throw x;
  }
}

const each: BuiltinFunction = (c, [v]) => {
  const b = needBlock(c);
  const { list, hash } = elements(c, v);
  loop(() => list.forEach((el, i) => call2(c, b, el, i, !!hash)));
  return v;
};

const reverseEach: BuiltinFunction = (c, [v]) => {
  const { list } = elements(c, v);
  const rev = [...list].reverse();
  if (!c.block) return new PIterator(rev);
  const b = c.block;
  loop(() => rev.forEach((el) => b([el])));
  return v;
};

const map: BuiltinFunction = (c, [v]) => {
  const b = needBlock(c);
  const { list, hash } = elements(c, v);
  const out: Value[] = [];
  loop(() => list.forEach((el, i) => out.push(call2(c, b, el, i, !!hash))));
  return out;
};

const filter: BuiltinFunction = (c, [v]) => {
  const b = needBlock(c);
  const { list, hash } = elements(c, v);
  if (hash) {
    const out: PHash = new Map();
    loop(() => list.forEach((el, i) => { if (isTruthy(call2(c, b, el, i, true))) out.set((el as Value[])[0], (el as Value[])[1]); }));
    return out;
  }
  const out: Value[] = [];
  loop(() => list.forEach((el, i) => { if (isTruthy(call2(c, b, el, i, false))) out.push(el); }));
  return out;
};

const reduce: BuiltinFunction = (c, args) => {
  const b = needBlock(c);
  const { list } = elements(c, args[0]);
  let acc: Value;
  let start = 0;
  if (args.length > 1) acc = args[1];
  else { if (!list.length) return undefined; acc = list[0]; start = 1; }
  loop(() => { for (let i = start; i < list.length; i++) acc = b([acc, list[i]]); });
  return acc;
};

const anyFn: BuiltinFunction = (c, [v]) => {
  const b = needBlock(c);
  const { list, hash } = elements(c, v);
  return list.some((el, i) => isTruthy(call2(c, b, el, i, !!hash)));
};
const allFn: BuiltinFunction = (c, [v]) => {
  const b = needBlock(c);
  const { list, hash } = elements(c, v);
  return list.every((el, i) => isTruthy(call2(c, b, el, i, !!hash)));
};

const partition: BuiltinFunction = (c, [v]) => {
  const b = needBlock(c);
  const { list, hash } = elements(c, v);
  const yes: Value[] = [], no: Value[] = [];
  list.forEach((el, i) => (isTruthy(call2(c, b, el, i, !!hash)) ? yes : no).push(el));
  if (hash) return [new Map(yes.map((p) => [(p as Value[])[0], (p as Value[])[1]])), new Map(no.map((p) => [(p as Value[])[0], (p as Value[])[1]]))];
  return [yes, no];
};

const groupBy: BuiltinFunction = (c, [v]) => {
  const b = needBlock(c);
  const { list, hash } = elements(c, v);
  const out: PHash = new Map();
  list.forEach((el, i) => {
    const k = call2(c, b, el, i, !!hash);
    const cur = out.get(k) as Value[] | undefined;
    if (cur) cur.push(el); else out.set(k, [el]);
  });
  return out;
};

const slice: BuiltinFunction = (c, [v, n]) => {
  if (typeof n !== 'number' || n < 1) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, slice(): size must be a positive Integer`, c.loc);
  const { list } = elements(c, v);
  const chunks: Value[][] = [];
  for (let i = 0; i < list.length; i += n) chunks.push(list.slice(i, i + n));
  if (!c.block) return chunks;
  const b = c.block;
  loop(() => chunks.forEach((ch) => ((c.blockArity ?? 1) > 1 ? b(ch) : b([ch]))));
  return v;
};

const step: BuiltinFunction = (c, args) => {
  if (args.length !== 2) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, 'step' expects 2 arguments, got ${args.length}`, c.loc);
  const [v, n] = args;
  if (typeof n !== 'number' || n < 1) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, step(): step must be a positive Integer`, c.loc);
  const { list } = elements(c, v);
  const out = list.filter((_, i) => i % n === 0);
  if (!c.block) return new PIterator(out);
  const b = c.block;
  loop(() => out.forEach((el) => b([el])));
  return v;
};

const withFn: BuiltinFunction = (c, args) => needBlock(c)(args);
const then: BuiltinFunction = (c, [v]) => (v === undefined ? undefined : needBlock(c)([v]));
const lest: BuiltinFunction = (c, [v]) => (v === undefined ? needBlock(c)([]) : v);

/** tree_each (P: pops/types/tree_iterators.rb): [path, value] pairs, depth or breadth first. */
const treeEach: BuiltinFunction = (c, [v, opts]) => {
  const opt = (k: string, d: boolean) => { const x = isHash(opts) ? opts.get(k) : undefined; return x === undefined ? d : isTruthy(x); };
  const withContainers = opt('include_containers', true), withValues = opt('include_values', true);
  const withRoot = withContainers && opt('include_root', true);
  if (!withContainers && !withValues) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, Options 'include_containers' and 'include_values' cannot both be false`, c.loc);
  const breadth = isHash(opts) && opts.get('order') === 'breadth_first';
  const children = (x: Value): [Value, Value][] => (Array.isArray(x) ? x.map((e, i) => [i, e]) : isHash(x) ? [...x] : []);
  const isContainer = (x: Value) => Array.isArray(x) || isHash(x);
  const out: [Value[], Value][] = [];
  if (withRoot) out.push([[], v]);
  if (breadth) {
    const queue: [Value[], Value][] = [[[], v]];
    while (queue.length) {
      const [path, x] = queue.shift()!;
      for (const [k, e] of children(x)) {
        const p = [...path, k];
        if (isContainer(e)) { queue.push([p, e]); if (withContainers) out.push([p, e]); }
        else out.push([p, e]); // Puppet's breadth-first iterator always gives the values
      }
    }
  } else {
    const walk = (x: Value, path: Value[]) => {
      for (const [k, e] of children(x)) {
        const p = [...path, k];
        if (isContainer(e)) { if (withContainers) out.push([p, e]); walk(e, p); }
        else if (withValues) out.push([p, e]);
      }
    };
    walk(v, []);
  }
  if (!c.block) return new PIterator(out);
  const b = c.block;
  loop(() => out.forEach(([p, x]) => ((c.blockArity ?? 1) >= 2 ? b([p, x]) : b([[p, x]]))));
  return v;
};

const breakFn: BuiltinFunction = (c) => { throw new ControlFlow('break', undefined, c.loc); };
const nextFn: BuiltinFunction = (c, [v]) => { throw new ControlFlow('next', v, c.loc); };
const returnFn: BuiltinFunction = (c, [v]) => { throw new ControlFlow('return', v, c.loc); };

export const ITERATION_FUNCTIONS: Record<string, BuiltinFunction> = {
  each, reverse_each: reverseEach, map, filter, reduce, any: anyFn, all: allFn, partition, group_by: groupBy, slice, step,
  with: withFn, then, lest, tree_each: treeEach, break: breakFn, next: nextFn, return: returnFn,
};
