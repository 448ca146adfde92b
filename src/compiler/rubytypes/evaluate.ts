// Evaluates a type's `def self.title_patterns` statically: the small Ruby it
// is written in (local variables, regexp literals with #{} interpolation,
// Regexp.new, arrays of [regexp, [[:attr], ...]], identity lambdas, helper
// functions of modules such as PuppetX::Keystone::CompositeNamevar with
// default and splat parameters, if/else on simple conditions). Anything else is
// a RubyEvalError: the type stays usable, without title patterns.
import { makeRegexp } from '../erb/regexp.js';
import { tokenize, type Token } from './lexer.js';
import { isNode, type Clause, type Compound, type Stmt } from './structure.js';
import type { TitlePattern } from './reader.js';

export class RubyEvalError extends Error {
  constructor(message: string, readonly line: number) { super(message); }
}

export interface HelperMethod { params: Token[]; body: Stmt[]; file: string; module: string }
export interface HelperResolver {
  /** `def self.NAME` (singleton) or `def NAME` of the module with this constant path (e.g. PuppetX::Keystone::CompositeNamevar). */
  method(modulePath: string, name: string, singleton: boolean): HelperMethod | undefined;
}

class Sym { constructor(readonly name: string) {} }
class RRegexp { constructor(readonly source: string, readonly options: string) {} }
class ModRef { constructor(readonly path: string) {} }
class Lambda { constructor(readonly identity: boolean) {} }
type RValue = string | number | boolean | null | Sym | RRegexp | ModRef | Lambda | RValue[];

class ReturnSignal { constructor(readonly value: RValue) {} }

interface Frame { vars: Map<string, RValue>; self?: string; depth: number }

const MAX_DEPTH = 20;

export function evalTitlePatterns(def: Clause, resolver: HelperResolver | undefined, file: string): TitlePattern[] {
  const ev = new Evaluator(resolver);
  const v = ev.runMethod(def.body, { vars: new Map(), depth: 0 });
  const line = def.body[0]?.line ?? 1;
  if (!Array.isArray(v)) throw new RubyEvalError('title_patterns did not return an array', line);
  return v.map((p) => {
    if (!Array.isArray(p) || !(p[0] instanceof RRegexp) || !Array.isArray(p[1])) throw new RubyEvalError('a title pattern is not [regexp, [[:attr], ...]]', line);
    const attrs = p[1].map((a) => {
      const [name, fn] = Array.isArray(a) ? a : [a];
      if (!(name instanceof Sym)) throw new RubyEvalError('a title pattern attribute is not a symbol', line);
      if (fn !== undefined && fn !== null && !(fn instanceof Lambda && fn.identity)) throw new RubyEvalError(`the title pattern for :${name.name} transforms its capture with a lambda`, line);
      return name.name;
    });
    let regexp: RegExp;
    try {
      const r = makeRegexp(p[0].source, p[0].options);
      regexp = new RegExp(r.re.source, r.re.flags.replace('g', ''));
    } catch (e) {
      throw new RubyEvalError(`title pattern /${p[0].source}/ cannot be translated: ${(e as Error).message}`, line);
    }
    return { source: p[0].source, options: p[0].options, regexp, attributes: attrs };
  });
}

class Evaluator {
  constructor(private readonly resolver: HelperResolver | undefined) {}

  /** A method's body: `return` ends it. */
  runMethod(stmts: Stmt[], f: Frame): RValue {
    try {
      return this.runBody(stmts, f);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.value;
      throw e;
    }
  }

  runBody(stmts: Stmt[], f: Frame): RValue {
    let last: RValue = null;
    for (const s of stmts) last = this.stmt(s, f);
    return last;
  }

  private stmt(s: Stmt, f: Frame): RValue {
    let t = s.toks;
    // `X if cond` / `X unless cond` (modifiers stay plain keywords in the statement).
    let depth = 0;
    for (let i = 0; i < t.length; i++) {
      const x = t[i];
      if (x.kind === 'op' && '([{'.includes(x.value)) depth++;
      else if (x.kind === 'op' && ')]}'.includes(x.value)) depth--;
      else if (depth === 0 && x.kind === 'kw' && (x.value === 'if' || x.value === 'unless') && i > 0) {
        const cond = truthy(this.expr(t.slice(i + 1), f));
        if (cond !== (x.value === 'if')) return null;
        t = t.slice(0, i);
        break;
      }
    }
    if (t[0]?.kind === 'id' && t[1]?.kind === 'op' && (t[1].value === '=' || t[1].value === '+=' || t[1].value === '||=')) {
      const v = this.expr(t.slice(2), f);
      const cur = f.vars.get(t[0].value);
      if (t[1].value === '=') f.vars.set(t[0].value, v);
      else if (t[1].value === '||=') { if (cur === undefined || cur === null || cur === false) f.vars.set(t[0].value, v); }
      else f.vars.set(t[0].value, plus(cur ?? null, v, s.line));
      return v;
    }
    if (t[0]?.kind === 'kw' && t[0].value === 'return') throw new ReturnSignal(t.length > 1 ? this.expr(t.slice(1), f) : null);
    if (t[0]?.kind === 'id' && (t[0].value === 'raise' || t[0].value === 'fail')) throw new RubyEvalError('the title patterns raise an error', s.line);
    return this.expr(t, f);
  }

  expr(toks: Token[], f: Frame): RValue {
    if (!toks.length) return null;
    const p = new ExprParser(toks, this, f);
    const v = p.parse();
    if (!p.done()) throw new RubyEvalError(`unsupported Ruby near '${p.peekText()}'`, toks[0].line);
    return v;
  }

  compound(n: Compound, f: Frame): RValue {
    if (n.kw === 'if' || n.kw === 'unless') {
      for (const c of n.clauses) {
        if (c.kw === 'else') return this.runBody(c.body, f);
        let cond = truthy(this.expr(c.header, f));
        if (c.kw === 'unless') cond = !cond;
        if (cond) return this.runBody(c.body, f);
      }
      return null;
    }
    throw new RubyEvalError(`unsupported Ruby construct '${n.kw}'`, n.line);
  }

  /** Interpolates `#{}` pieces: a Regexp embeds as a group, anything else as its to_s. */
  interpolate(parts: (string | { code: string; line: number })[], f: Frame, inRegexp: boolean): string {
    return parts.map((p) => {
      if (typeof p === 'string') return p;
      const v = this.expr(tokenize(p.code).filter((x) => x.kind !== 'nl'), f);
      if (v instanceof RRegexp) {
        if (!inRegexp || v.options) throw new RubyEvalError('a Regexp with options interpolated into a pattern', p.line);
        return `(?:${v.source})`;
      }
      return toS(v, p.line);
    }).join('');
  }

  call(recv: RValue | undefined, name: string, args: RValue[], line: number, f: Frame, block?: Lambda): RValue {
    if (recv === undefined) {
      if (name === 'lambda' || name === 'proc') { if (block) return block; }
      if (f.self) return this.callHelper(f.self, name, args, line, f, true);
      throw new RubyEvalError(`unknown method or variable '${name}'`, line);
    }
    if (recv instanceof ModRef) {
      if (recv.path === 'Regexp' && name === 'new') {
        const a = args[0];
        if (a instanceof RRegexp) return a;
        if (typeof a === 'string') return new RRegexp(a, '');
        throw new RubyEvalError('Regexp.new of an unsupported value', line);
      }
      if (recv.path === 'Regexp' && name === 'escape' && typeof args[0] === 'string') return args[0].replace(/[.*?+^$|()[\]{}\\/-]/g, (c) => '\\' + c);
      return this.callHelper(recv.path, name, args, line, f, true);
    }
    if (Array.isArray(recv)) {
      switch (name) {
        case 'empty?': return recv.length === 0;
        case 'count': case 'length': case 'size': return recv.length;
        case 'first': return recv[0] ?? null;
        case 'last': return recv[recv.length - 1] ?? null;
        case 'flatten': return recv.flat(Infinity as 1) as RValue[];
        case 'compact': return recv.filter((x) => x !== null);
      }
    }
    if (typeof recv === 'string') {
      switch (name) {
        case 'to_s': return recv;
        case 'empty?': return recv === '';
        case 'to_sym': return new Sym(recv);
      }
    }
    if (recv instanceof Sym && name === 'to_s') return recv.name;
    if (recv instanceof Sym && name === 'to_sym') return recv;
    if (recv instanceof RRegexp && name === 'source') return recv.source;
    if (name === 'nil?') return recv === null;
    throw new RubyEvalError(`unsupported method '${name}'`, line);
  }

  private callHelper(path: string, name: string, args: RValue[], line: number, f: Frame, singleton: boolean): RValue {
    const m = this.resolver?.method(path, name, singleton);
    if (!m) throw new RubyEvalError(`cannot find ${path}.${name} statically`, line);
    if (f.depth >= MAX_DEPTH) throw new RubyEvalError(`helper calls nest deeper than ${MAX_DEPTH}`, line);
    const frame: Frame = { vars: new Map(), self: m.module, depth: f.depth + 1 };
    this.bindParams(m.params, args, frame, line);
    return this.runMethod(m.body, frame);
  }

  /** Binds `a, b = default, *rest` to the arguments. */
  private bindParams(params: Token[], args: RValue[], f: Frame, line: number): void {
    let toks = params;
    if (toks[0]?.value === '(') toks = toks.slice(1, toks[toks.length - 1]?.value === ')' ? -1 : undefined);
    const groups: Token[][] = [[]];
    let depth = 0;
    for (const t of toks) {
      if (t.value === ',' && depth === 0) { groups.push([]); continue; }
      if ('([{'.includes(t.value) && t.kind === 'op') depth++;
      if (')]}'.includes(t.value) && t.kind === 'op') depth--;
      groups[groups.length - 1].push(t);
    }
    let ai = 0;
    for (const g of groups.filter((x) => x.length)) {
      if (g[0].value === '*' && g[1]?.kind === 'id') { f.vars.set(g[1].value, args.slice(ai)); ai = args.length; continue; }
      if (g[0].kind !== 'id' && g[0].kind !== 'label') throw new RubyEvalError('unsupported method parameters', line);
      const name = g[0].value;
      if (ai < args.length) f.vars.set(name, args[ai++]);
      else if (g[1]?.value === '=') f.vars.set(name, this.expr(g.slice(2), f));
      else throw new RubyEvalError(`missing argument '${name}'`, line);
    }
  }
}

function truthy(v: RValue): boolean { return v !== null && v !== false; }

function toS(v: RValue, line: number): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v instanceof Sym) return v.name;
  if (v instanceof RRegexp) return `(?${v.options || ''}-mix:${v.source})`;
  if (v === null) return '';
  throw new RubyEvalError('unsupported value in interpolation', line);
}

function plus(a: RValue, b: RValue, line: number): RValue {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  throw new RubyEvalError('unsupported operands of +', line);
}

function equal(a: RValue, b: RValue): boolean {
  if (a instanceof Sym && b instanceof Sym) return a.name === b.name;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (a instanceof RRegexp && b instanceof RRegexp) return a.source === b.source && a.options === b.options;
  return a === b;
}

/** Precedence climbing over one expression's tokens. */
class ExprParser {
  private i = 0;
  constructor(private readonly t: Token[], private readonly ev: Evaluator, private readonly f: Frame) {}

  done(): boolean { return this.i >= this.t.length; }
  peekText(): string { return this.t[this.i]?.value ?? ''; }
  private peek(): Token | undefined { return this.t[this.i]; }
  private is(v: string): boolean { const x = this.t[this.i]; return !!x && (x.kind === 'op' || x.kind === 'kw') && x.value === v; }
  private fail(msg: string): never { throw new RubyEvalError(msg, this.t[Math.min(this.i, this.t.length - 1)]?.line ?? 1); }

  parse(): RValue { return this.low(); }

  private low(): RValue {
    if (this.is('not')) { this.i++; return !truthy(this.low()); }
    let v = this.or();
    while (this.is('and') || this.is('or')) {
      const op = this.t[this.i++].value;
      const r = this.or();
      v = op === 'and' ? (truthy(v) ? r : v) : (truthy(v) ? v : r);
    }
    return v;
  }

  private or(): RValue {
    let v = this.and();
    while (this.is('||')) { this.i++; const r = this.and(); v = truthy(v) ? v : r; }
    return v;
  }

  private and(): RValue {
    let v = this.eq();
    while (this.is('&&')) { this.i++; const r = this.eq(); v = truthy(v) ? r : v; }
    return v;
  }

  private eq(): RValue {
    let v = this.add();
    while (this.is('==') || this.is('!=')) {
      const op = this.t[this.i++].value;
      const r = this.add();
      v = op === '==' ? equal(v, r) : !equal(v, r);
    }
    return v;
  }

  private add(): RValue {
    let v = this.unary();
    while (this.is('+')) { const line = this.t[this.i++].line; v = plus(v, this.unary(), line); }
    return v;
  }

  private unary(): RValue {
    if (this.is('!')) { this.i++; return !truthy(this.unary()); }
    return this.postfix();
  }

  private args(close: string): RValue[] {
    const out: RValue[] = [];
    while (!this.is(close)) {
      if (this.done()) this.fail(`missing '${close}'`);
      if (this.is('*')) { this.i++; const v = this.low(); if (Array.isArray(v)) out.push(...v); else out.push(v); }
      else out.push(this.low());
      if (this.is(',')) this.i++;
    }
    this.i++;
    return out;
  }

  /** `{ |x| x }` after lambda/proc: identity when the body is the parameter itself. */
  private braceBlock(): Lambda | undefined {
    if (!this.is('{')) return undefined;
    const start = this.i;
    let depth = 0;
    let end = start;
    for (; end < this.t.length; end++) {
      if (this.t[end].value === '{') depth++;
      if (this.t[end].value === '}' && --depth === 0) break;
    }
    const inner = this.t.slice(start + 1, end);
    this.i = end + 1;
    const m = inner.length === 4 && inner[0].value === '|' && inner[2].value === '|' && inner[3].kind === 'id' && inner[3].value === inner[1].value;
    return new Lambda(m);
  }

  private postfix(): RValue {
    let v = this.primary();
    for (;;) {
      if (this.is('.') || this.is('&.')) {
        this.i++;
        const name = this.peek();
        if (!name || (name.kind !== 'id' && name.kind !== 'const' && name.kind !== 'kw')) this.fail('expected a method name');
        this.i++;
        let args: RValue[] = [];
        if (this.is('(') && !this.t[this.i].spaced) { this.i++; args = this.args(')'); }
        v = { value: this.ev.call(v.value, name.value, args, name.line, this.f, this.braceBlock()) };
        continue;
      }
      if (this.is('::') && v.value instanceof ModRef && this.t[this.i + 1]?.kind === 'const') {
        this.i++;
        v = { value: new ModRef(`${v.value.path}::${this.t[this.i++].value}`) };
        continue;
      }
      if (this.is('[') && !this.t[this.i].spaced && Array.isArray(v.value)) {
        this.i++;
        const [k] = this.args(']');
        if (typeof k !== 'number') this.fail('unsupported index');
        v = { value: v.value[k < 0 ? v.value.length + k : k] ?? null };
        continue;
      }
      return v.value;
    }
  }

  private primary(): { value: RValue } {
    const t = this.peek();
    if (!t) this.fail('expression expected');
    this.i++;
    if (isNode(t)) return { value: this.ev.compound(t.node, this.f) };
    switch (t.kind) {
      case 'num': return { value: Number(t.value) };
      case 'str': return { value: t.parts ? this.ev.interpolate(t.parts, this.f, false) : t.value };
      case 'regex': return { value: new RRegexp(this.ev.interpolate(t.parts ?? [t.value], this.f, true), (t.flags ?? '').replace(/[^mix]/g, '')) };
      case 'sym': return { value: new Sym(t.value) };
      case 'words': return { value: (t.words ?? []).map((w) => (t.symbols ? new Sym(w) : w)) };
      case 'ivar': case 'gvar': this.fail(`unsupported variable ${t.value}`);
      // falls through (fail throws)
      case 'kw':
        if (t.value === 'nil') return { value: null };
        if (t.value === 'true') return { value: true };
        if (t.value === 'false') return { value: false };
        if (t.value === 'self' && this.f.self) return { value: new ModRef(this.f.self) };
        this.fail(`unsupported keyword '${t.value}'`);
      // falls through (fail throws)
      case 'const': return { value: new ModRef(t.value) };
      case 'id': {
        if (this.f.vars.has(t.value) && !(this.is('(') && !this.t[this.i].spaced)) return { value: this.f.vars.get(t.value)! };
        let args: RValue[] = [];
        if (this.is('(') && !this.t[this.i].spaced) { this.i++; args = this.args(')'); }
        return { value: this.ev.call(undefined, t.value, args, t.line, this.f, this.braceBlock()) };
      }
      case 'op':
        if (t.value === '(') { const v = this.low(); if (!this.is(')')) this.fail("missing ')'"); this.i++; return { value: v }; }
        if (t.value === '[') return { value: this.args(']') };
        if (t.value === '->') {
          // ->(x) { x }
          let param: string | undefined;
          if (this.is('(')) { this.i++; param = this.peek()?.value; while (!this.is(')') && !this.done()) this.i++; this.i++; }
          const b = this.braceBlockRaw();
          return { value: new Lambda(!!param && b.length === 1 && b[0].kind === 'id' && b[0].value === param) };
        }
        break;
    }
    this.fail(`unsupported Ruby '${t.value}'`);
  }

  private braceBlockRaw(): Token[] {
    if (!this.is('{')) this.fail("expected '{'");
    const start = this.i;
    let depth = 0, end = start;
    for (; end < this.t.length; end++) {
      if (this.t[end].value === '{') depth++;
      if (this.t[end].value === '}' && --depth === 0) break;
    }
    this.i = end + 1;
    return this.t.slice(start + 1, end);
  }
}

export type { RValue };
