// Shared runtime pieces: the evaluation context, blocks, Ruby exceptions and
// the control-flow signals (next/break/return) the interpreter uses.
import type { ErbScope } from './scope.js';
import { classNameOf, inspect, type ErbObject, type ErbValue } from './values.js';

/** A Ruby exception raised while rendering (NoMethodError, TypeError, ...). */
export class RubyError extends Error {
  constructor(readonly rubyClass: string, message: string, readonly unsupported = false) {
    super(message);
  }
}

export const typeError = (msg: string) => new RubyError('TypeError', msg);
export const argError = (msg: string) => new RubyError('ArgumentError', msg);
export const unsupported = (what: string) => new RubyError('NotImplementedError', what, true);

export function noMethod(name: string, self: ErbValue): RubyError {
  const desc = self === undefined || self === null ? 'nil' : typeof self === 'boolean' ? String(self) : `an instance of ${classNameOf(self)}`;
  if (self === undefined || self === null || typeof self === 'boolean') {
    return new RubyError('NoMethodError', `undefined method \`${name}' for ${desc}:${classNameOf(self)}`);
  }
  // Either Ruby lacks it or Kuroko does not interpret it: say both.
  return new RubyError('NoMethodError', `undefined or unsupported method \`${name}' for ${inspectShort(self)}:${classNameOf(self)}`, true);
}

function inspectShort(v: ErbValue): string {
  const s = inspect(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

export function checkArgs(name: string, args: ErbValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? String(min) : max === Infinity ? `${min}+` : `${min}..${max}`;
    throw argError(`wrong number of arguments calling \`${name}' (given ${args.length}, expected ${want})`);
  }
}

export class NextSignal {
  constructor(readonly value: ErbValue) {}
}
export class BreakSignal {
  constructor(readonly value: ErbValue, readonly block: Block) {}
}
export class ReturnSignal {
  constructor(readonly value: ErbValue) {}
}

/** A block as methods see it: call it with the yielded values. */
export interface Block {
  call(args: ErbValue[]): ErbValue;
  /** Number of declared parameters (a Proc's arity, roughly). */
  readonly arity: number;
}

export const yield1 = (b: Block, v: ErbValue): ErbValue => b.call([v]);

/** MatchData from =~, match, $~. */
export class MatchData implements ErbObject {
  readonly erbObject = 'MatchData';
  constructor(readonly m: RegExpExecArray, readonly input: string) {}
  group(i: number): ErbValue {
    const g = this.m[i];
    return g === undefined ? undefined : g;
  }
  named(name: string): ErbValue {
    const g = this.m.groups?.[name];
    return g === undefined ? undefined : g;
  }
}

/** The template's `scope` object. */
export class ScopeObject implements ErbObject {
  readonly erbObject = 'Puppet::Parser::Scope';
  constructor(readonly scope: ErbScope) {}
}

/** `self` in a template: Puppet's TemplateWrapper. */
export class TemplateSelf implements ErbObject {
  readonly erbObject = 'Puppet::Parser::TemplateWrapper';
}

export interface Ctx {
  out: string;
  readonly file: string;
  readonly texts: string[];
  readonly scope: ErbScope;
  readonly scopeObj: ScopeObject;
  readonly self: TemplateSelf;
  /** Instance variables: looked up from the scope once, or assigned by the template. */
  readonly ivars: Map<string, ErbValue>;
  lastMatch: MatchData | null;
  /** Innermost first-class target of `break`: the running block or loop. */
  readonly breakTargets: Block[];
  /** Methods the template defines with `def`. */
  readonly methods: Map<string, { params: string[]; body: import('./ast.js').Node }>;
  line: number;
  steps: number;
}

/** Bounds loops so a template cannot spin forever. */
export const MAX_STEPS = 5_000_000;

export function tick(ctx: Ctx): void {
  if (++ctx.steps > MAX_STEPS) throw new RubyError('RuntimeError', `template evaluation exceeded ${MAX_STEPS} steps`);
}
