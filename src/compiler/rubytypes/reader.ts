// readRubyType: what a module's lib/puppet/type/NAME.rb declares, read
// statically (never run): the type's name, parameters, properties, key
// attributes (namevars), title patterns, features and whether it is ensurable.
// Patterns handled: `Puppet::Type.newtype(:x) do ... end` (also `Type.newtype`
// inside `module Puppet`), `newparam(:x, :namevar => true)` / `namevar: true`,
// `isnamevar` inside a parameter's block, `ensurable`, `feature :f`,
// `[:a, :b].each do |p| newparam(p) ... end`, `def self.title_patterns`, and
// mixins (`extend Mod` then a call of one of Mod's methods, whose body is read
// as if written in place; the module's file is found by the resolver).
import { KurokoError } from '../../util/diagnostic.js';
import { RubyLexError, type Token } from './lexer.js';
import { isNode, parseStructure, RubyStructureError, type Clause, type Stmt } from './structure.js';
import { evalTitlePatterns, RubyEvalError, type HelperResolver } from './evaluate.js';

export interface TitlePattern {
  /** Ruby's pattern text and options, for messages. */
  source: string;
  options: string;
  regexp: RegExp;
  /** The attribute each capture group (1, 2, ...) sets. */
  attributes: string[];
}

export interface RubyTypeInfo {
  name: string;
  file: string;
  /** Parameters in declaration order (namevars included; `provider` when the type has providers). */
  parameters: string[];
  /** Properties in declaration order (`ensure` first when ensurable). */
  properties: string[];
  /** Puppet's key_attributes: parameters that are namevars (or named `name`), in order. */
  keyAttributes: string[];
  /** The namevar as Puppet's Resource#namevar sees it: the only key attribute, else `name`. */
  namevar: string;
  /** From `self.title_patterns`; undefined means Puppet's default (the whole title is the namevar). */
  titlePatterns?: TitlePattern[];
  /** Why the title patterns could not be read statically (the type is still usable). */
  titlePatternsProblem?: string;
  features: string[];
  ensurable: boolean;
}

/** Everything readRubyType needs beyond the source: how to find mixin modules and helper functions. */
export interface ReadOptions {
  resolver?: HelperResolver;
}

export function readRubyType(source: string, file: string, opts: ReadOptions = {}): RubyTypeInfo {
  let stmts: Stmt[];
  try {
    stmts = parseStructure(source);
  } catch (e) {
    if (e instanceof RubyLexError || e instanceof RubyStructureError) {
      const line = e.line;
      throw new KurokoError(`Could not read the Ruby resource type in ${file} line ${line}: ${e.message}`, {
        code: 'KUR5401', location: { file, line, column: e instanceof RubyLexError ? e.column : 1 }, sourceText: source,
      });
    }
    throw e;
  }
  const found = findNewtype(stmts);
  if (!found) {
    throw new KurokoError(`No Puppet::Type.newtype(...) in ${file}`, { code: 'KUR5402', location: { file, line: 1, column: 1 } });
  }
  const info: RubyTypeInfo = { name: found.name, file, parameters: [], properties: [], keyAttributes: [], namevar: 'name', features: [], ensurable: false };
  const namevarFlags = new Map<string, boolean>();
  const walker = new TypeWalker(info, namevarFlags, opts.resolver, file);
  walker.walk(found.body, new Map());
  info.keyAttributes = info.parameters.filter((p) => namevarFlags.get(p) || p === 'name');
  info.namevar = info.keyAttributes.length === 1 ? info.keyAttributes[0] : 'name';
  if (walker.titlePatterns) {
    try {
      info.titlePatterns = evalTitlePatterns(walker.titlePatterns, opts.resolver, file);
    } catch (e) {
      if (!(e instanceof RubyEvalError)) throw e;
      info.titlePatternsProblem = `${file} line ${e.line}: ${e.message}`;
    }
  }
  return info;
}

/** The `newtype(:name) do ... end` statement, anywhere at module/top level. */
function findNewtype(stmts: Stmt[]): { name: string; body: Stmt[] } | undefined {
  for (const s of stmts) {
    const t = s.toks;
    const k = t.findIndex((x) => x.kind === 'id' && x.value === 'newtype');
    if (k > 0 && t[k - 1].value === '.') {
      const sym = t.slice(k + 1).find((x) => x.kind === 'sym' || x.kind === 'str');
      const block = t.find((x) => isNode(x) && x.node.kw === 'do');
      if (sym && block && isNode(block)) return { name: sym.value, body: block.node.clauses[0].body };
    }
    for (const x of t) {
      if (!isNode(x) || x.node.kw === 'def') continue;
      for (const c of x.node.clauses) {
        const r = findNewtype(c.body);
        if (r) return r;
      }
    }
  }
  return undefined;
}

type Bindings = Map<string, string>;

class TypeWalker {
  titlePatterns?: Clause;
  private readonly mixins: string[] = [];
  private depth = 0;
  constructor(private readonly info: RubyTypeInfo, private readonly namevars: Map<string, boolean>,
    private readonly resolver: HelperResolver | undefined, private readonly file: string) {}

  walk(stmts: Stmt[], env: Bindings): void {
    for (const s of stmts) this.stmt(s, env);
  }

  private nameArg(toks: Token[], env: Bindings): string | undefined {
    let i = 0;
    if (toks[i]?.value === '(') i++;
    const t = toks[i];
    if (!t) return undefined;
    if (t.kind === 'sym' || t.kind === 'str') return t.value;
    if (t.kind === 'id') return env.get(t.value);
    return undefined;
  }

  /** `:namevar => true` or `namevar: true` among the call's arguments. */
  private hasOption(toks: Token[], opt: string): boolean {
    for (let i = 0; i < toks.length - 1; i++) {
      const t = toks[i];
      const isKey = (t.kind === 'sym' && t.value === opt && toks[i + 1].value === '=>') || (t.kind === 'label' && t.value === opt);
      if (!isKey) continue;
      const v = t.kind === 'label' ? toks[i + 1] : toks[i + 2];
      if (v && v.kind === 'kw' && v.value === 'true') return true;
    }
    return false;
  }

  private stmt(s: Stmt, env: Bindings): void {
    const t = s.toks;
    let head = 0;
    if (t[0]?.kind === 'kw' && t[0].value === 'self' && t[1]?.value === '.') head = 2;
    const first = t[head];
    if (!first) return;
    const block = t.find((x) => isNode(x) && x.node.kw === 'do');
    const blockBody = block && isNode(block) ? block.node.clauses[0].body : undefined;
    if (first.kind === 'id' && (first.value === 'newparam' || first.value === 'newproperty')) {
      const name = this.nameArg(t.slice(head + 1), env);
      if (!name) return;
      const list = first.value === 'newparam' ? this.info.parameters : this.info.properties;
      if (!list.includes(name)) list.push(name);
      let isNv = this.hasOption(t, 'namevar');
      if (blockBody && blockBody.some((b) => b.toks[0]?.kind === 'id' && b.toks[0].value === 'isnamevar')) isNv = true;
      // Only parameters count as key attributes (Puppet's key_attribute_parameters).
      if (isNv && first.value === 'newparam') this.namevars.set(name, true);
      return;
    }
    if (first.kind === 'id' && first.value === 'ensurable') {
      this.info.ensurable = true;
      if (!this.info.properties.includes('ensure')) this.info.properties.unshift('ensure');
      return;
    }
    if (first.kind === 'id' && first.value === 'feature') {
      const name = this.nameArg(t.slice(head + 1), env);
      if (name && !this.info.features.includes(name)) this.info.features.push(name);
      return;
    }
    if (first.kind === 'id' && first.value === 'extend') {
      const path = constPath(t, head + 1);
      if (path) this.mixins.push(path);
      return;
    }
    if (isNode(first) && first.node.kw === 'def') {
      const h = first.node.clauses[0].header;
      if (h[0]?.value === 'self' && h[1]?.value === '.' && h[2]?.value === 'title_patterns') this.titlePatterns = first.node.clauses[0];
      return;
    }
    // [:a, :b].each do |p| ... end  /  %w[a b].each do |p| ... end
    if (blockBody && block && isNode(block)) {
      const each = t.findIndex((x) => x.kind === 'id' && x.value === 'each');
      if (each > 0 && t[each - 1].value === '.') {
        const items = literalNames(t.slice(0, each - 1));
        const param = block.node.clauses[0].header.find((x) => x.kind === 'id')?.value;
        if (items && param) {
          for (const it of items) this.walk(blockBody, new Map([...env, [param, it]]));
          return;
        }
      }
    }
    // A bare call of a mixin's method (`create_parameters`): its body is part of the type.
    if (first.kind === 'id' && t.length === head + 1 && this.mixins.length && this.resolver && this.depth < 5) {
      for (const m of this.mixins) {
        const def = this.resolver.method(m, first.value, false);
        if (def) {
          this.depth++;
          this.walk(def.body, env);
          this.depth--;
          return;
        }
      }
    }
  }
}

/** `A::B::C` starting at toks[i]. */
export function constPath(toks: Token[], i: number): string | undefined {
  const parts: string[] = [];
  while (toks[i]?.kind === 'const') {
    parts.push(toks[i].value);
    if (toks[i + 1]?.value !== '::') break;
    i += 2;
  }
  return parts.length ? parts.join('::') : undefined;
}

/** Names in a literal `[:a, 'b']` or `%w[a b]` / `%i[a b]`. */
function literalNames(toks: Token[]): string[] | undefined {
  if (toks.length === 1 && toks[0].kind === 'words') return toks[0].words;
  if (toks[0]?.value !== '[' || toks[toks.length - 1]?.value !== ']') return undefined;
  const out: string[] = [];
  for (const x of toks.slice(1, -1)) {
    if (x.value === ',') continue;
    if (x.kind !== 'sym' && x.kind !== 'str') return undefined;
    out.push(x.value);
  }
  return out;
}
