// Scopes (names.md; P: lib/puppet/parser/scope.rb). Variables are looked up
// lexically: local → inherited class → node scope → top scope. Resource
// defaults are the one thing still found dynamically (through the scope that
// declared a class or define). Match variables ($0..$n) live in ephemeral
// frames pushed by =~, case and selectors.
import type { Resource } from './catalog.js';
import type { Value } from './types/values.js';
import type { Expression } from '../lang/ast.js';

export type ScopeKind = 'top' | 'node' | 'class' | 'define' | 'lambda' | 'function' | 'epp';

export interface DefaultEntry { value: Value; append: boolean; file?: string; line?: number }

export class Scope {
  readonly vars = new Map<string, Value>();
  /** Where variables are found when not local (lexical). */
  readonly lexical?: Scope;
  /** Who declared this scope's class/define (resource defaults follow this chain). */
  readonly dynamic?: Scope;
  /** Resource defaults set here: type (lower case) → attribute → value. */
  defaults?: Map<string, Map<string, DefaultEntry>>;
  /** Ephemeral match frames, innermost last. */
  private matches: (string | undefined)[][] = [];
  /** The class or define name (lower case) for a class/define scope. */
  name = '';
  /** The class/define/node resource, for containment and tags. */
  resource?: Resource;
  /** Lambda scopes share the enclosing resource (containment). */

  constructor(readonly kind: ScopeKind, lexical?: Scope, dynamic?: Scope) {
    this.lexical = lexical;
    this.dynamic = dynamic;
  }

  get top(): Scope {
    let s: Scope = this;
    while (s.lexical) s = s.lexical;
    return s;
  }

  /** The class/define/node scope this lambda or function scope is inside. */
  get owner(): Scope {
    let s: Scope = this;
    while ((s.kind === 'lambda' || s.kind === 'epp') && s.lexical) s = s.lexical;
    return s;
  }

  /** Finds an unqualified variable: match frames, local, then lexical parents. */
  lookup(name: string): { found: boolean; value: Value } {
    if (/^\d+$/.test(name)) return this.lookupMatch(Number(name));
    for (let s: Scope | undefined = this; s; s = s.lexical) {
      if (s.vars.has(name)) return { found: true, value: s.vars.get(name) };
    }
    return { found: false, value: undefined };
  }

  private lookupMatch(n: number): { found: boolean; value: Value } {
    for (let s: Scope | undefined = this; s; s = s.lexical) {
      if (s.matches.length) {
        const m = s.matches[s.matches.length - 1];
        return { found: true, value: m[n] };
      }
      if (s.kind !== 'lambda' && s.kind !== 'epp') break;
    }
    return { found: true, value: undefined };
  }

  hasLocal(name: string): boolean {
    return this.vars.has(name);
  }

  set(name: string, v: Value): void {
    this.vars.set(name, v);
  }

  pushMatch(m: (string | undefined)[]): void {
    this.matches.push(m);
  }
  /** Sets the match of the current guard (an if/case/selector frame opened at `guardDepth`). */
  setMatch(m: (string | undefined)[], guardDepth: number): void {
    if (this.matches.length > guardDepth) this.matches[this.matches.length - 1] = m;
    else this.matches.push(m);
  }
  popMatch(): void {
    this.matches.pop();
  }
  get matchDepth(): number {
    return this.matches.length;
  }
  truncateMatches(depth: number): void {
    this.matches.length = depth;
  }

  setDefault(type: string, attr: string, e: DefaultEntry): void {
    if (!this.defaults) this.defaults = new Map();
    let m = this.defaults.get(type);
    if (!m) this.defaults.set(type, (m = new Map()));
    m.set(attr, e);
  }

  /** Resource defaults visible here for a type: nearest scope wins per attribute. */
  collectDefaults(type: string): Map<string, DefaultEntry> {
    const out = new Map<string, DefaultEntry>();
    const chain: Scope[] = [];
    for (let s: Scope | undefined = this; s; s = s.dynamic ?? s.lexical) chain.push(s);
    for (const s of chain) {
      const m = s.defaults?.get(type);
      if (m) for (const [k, v] of m) if (!out.has(k)) out.set(k, v);
    }
    return out;
  }
}

/** Lazily evaluated parameter default expressions carry the expression and the scope. */
export interface PendingDefault { expr: Expression; scope: Scope }
