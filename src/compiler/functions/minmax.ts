// min() and max() as Puppet 7's (P: functions/min.rb, max.rb): numbers
// numerically, strings as strings (numeric-looking ones as numbers, a
// deprecated coercion), anything else by its string form; a lambda decides
// when given. Ruby's Array#max/min keep the first of equal extremes.
import type { BuiltinFunction, CallInfo } from '../evaluator/context.js';
import { isNumber, numValue, type Value } from '../types/values.js';
import { rubyToS } from './kernel-format.js';

const NUMERIC_STRING = /^-?\d+([._eE]\d+)?$/;
const warned = new WeakMap<object, Set<string>>();

function warnOnce(c: CallInfo, key: string, message: string): void {
  let s = warned.get(c.ctx);
  if (!s) warned.set(c.ctx, (s = new Set()));
  if (s.has(key)) return;
  s.add(key);
  c.ctx.log('warning', `${message}\n   (file & line not available)`);
}

function cmpStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparator(c: CallInfo, name: string, all: Value[]): (a: Value, b: Value) => number {
  if (c.block) { const b = c.block; return (x, y) => Number(numValue(b([x, y]) as number)); }
  if (all.every(isNumber)) return (x, y) => numValue(x as number) - numValue(y as number);
  const strings = all.every((x) => typeof x === 'string');
  return (x, y) => {
    const xs = rubyToS(x), ys = rubyToS(y);
    if (NUMERIC_STRING.test(xs) && NUMERIC_STRING.test(ys)) {
      warnOnce(c, `${name}_function_numeric_coerce_string`, `The ${name}() function's auto conversion of String to Numeric is deprecated - change to convert input before calling, or use lambda`);
      return parseFloat(xs.replace(/_/g, '')) - parseFloat(ys.replace(/_/g, ''));
    }
    if (!strings) warnOnce(c, `${name}_function_string_coerce_any`, `The ${name}() function's auto conversion of Any to String is deprecated - change to convert input before calling, or use lambda`);
    return cmpStrings(xs, ys);
  };
}

function extreme(name: 'min' | 'max'): BuiltinFunction {
  return (c, args) => {
    const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
    if (!list.length) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, ${name}(): Wrong number of arguments need at least one`, c.loc);
    const cmp = comparator(c, name, list);
    let best = list[0];
    for (const x of list.slice(1)) {
      const r = cmp(x, best);
      if (name === 'max' ? r > 0 : r < 0) best = x;
    }
    return best;
  };
}

export const MINMAX_FUNCTIONS: Record<string, BuiltinFunction> = { min: extreme('min'), max: extreme('max') };
