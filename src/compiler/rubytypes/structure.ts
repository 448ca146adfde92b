// Statements and block structure of a Ruby file, from its tokens: each
// statement is a token list; a `do ... end` block, a `def`, `if`, `case`,
// `begin`, `class`, `module` or loop becomes one placeholder token holding its
// clauses (header tokens and body statements). Brackets keep statements
// together across lines. Enough to walk a type's DSL; nothing is executed.
import { tokenize, type Token } from './lexer.js';

export interface Clause { kw: string; header: Token[]; body: Stmt[] }
export interface Compound { kw: string; clauses: Clause[]; line: number }
export interface Stmt { toks: Token[]; line: number }

/** A token standing for a compound construct inside a statement. */
export interface NodeToken extends Token { node: Compound }
export const isNode = (t: Token | undefined): t is NodeToken => !!t && (t as NodeToken).node !== undefined;

export class RubyStructureError extends Error {
  constructor(message: string, readonly line: number) { super(message); }
}

const OPENERS = new Set(['def', 'class', 'module', 'begin', 'case', 'if', 'unless', 'while', 'until', 'for']);
const CLAUSE_KWS: Record<string, string[]> = {
  if: ['elsif', 'else'], unless: ['else'], case: ['when', 'else', 'in'], begin: ['rescue', 'else', 'ensure'],
  def: ['rescue', 'else', 'ensure'], do: ['rescue', 'else', 'ensure'], class: ['rescue', 'ensure'], module: [],
  while: [], until: [], for: [],
};
const CONTINUES = new Set([',', '.', '&.', '&&', '||', '=', '+', '-', '*', '(', '[', '{', '=>', '|', '?', ':', '::', '==', '!=', '=~', '<<', '+=', '-=', '||=', '<', '>']);

function valueEnd(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'kw') return ['end', 'self', 'true', 'false', 'nil', 'return', 'break', 'next', 'redo', 'retry', 'super', 'yield', '__FILE__', '__LINE__'].includes(t.value);
  if (t.kind === 'op') return t.value === ')' || t.value === ']' || t.value === '}';
  return t.kind !== 'nl' && t.kind !== 'label';
}

export function parseStructure(src: string): Stmt[] {
  return new StructureParser(tokenize(src)).body(new Set()).stmts;
}

class StructureParser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token | undefined { return this.toks[this.i]; }

  body(stops: Set<string>): { stmts: Stmt[]; stop?: Token } {
    const stmts: Stmt[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) {
        if (stops.size) throw new RubyStructureError(`missing 'end'`, this.toks[this.toks.length - 1]?.line ?? 1);
        return { stmts };
      }
      if (t.kind === 'nl') { this.i++; continue; }
      if (t.kind === 'kw' && stops.has(t.value)) { this.i++; return { stmts, stop: t }; }
      if (t.kind === 'op' && t.value === '}' && stops.has('}')) { this.i++; return { stmts, stop: t }; }
      if (t.kind === 'kw' && (t.value === 'end' || t.value === 'elsif' || t.value === 'when' || t.value === 'rescue' || t.value === 'ensure')) {
        throw new RubyStructureError(`unexpected '${t.value}'`, t.line);
      }
      stmts.push(this.stmt(stops));
    }
  }

  /** Reads one statement; stops at a newline outside brackets, or before a stop keyword. */
  private stmt(stops: Set<string>): Stmt {
    const toks: Token[] = [];
    const line = this.peek()!.line;
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (t.kind === 'nl') {
        const prev = toks[toks.length - 1];
        const next = this.toks[this.i + 1];
        const cont = depth > 0 || (prev && prev.kind === 'op' && CONTINUES.has(prev.value)) || (prev && prev.kind === 'kw' && (prev.value === 'and' || prev.value === 'or' || prev.value === 'not'))
          || (next && next.kind === 'op' && (next.value === '.' || next.value === '&.'));
        if (!cont) break;
        this.i++;
        continue;
      }
      if (depth === 0 && t.kind === 'kw' && (stops.has(t.value) || t.value === 'end' || t.value === 'then')) {
        if (t.value === 'then') { this.i++; continue; }
        break;
      }
      if (depth === 0 && t.kind === 'op' && t.value === '}' && stops.has('}')) break;
      const prev = toks[toks.length - 1];
      if (t.kind === 'kw' && OPENERS.has(t.value)) {
        const modifier = (t.value === 'if' || t.value === 'unless' || t.value === 'while' || t.value === 'until') && valueEnd(prev);
        if (!modifier) { toks.push(this.compound(t.value)); continue; }
      }
      if (t.kind === 'kw' && t.value === 'do') { toks.push(this.compound('do')); continue; }
      if (t.kind === 'op' && '([{'.includes(t.value)) depth++;
      if (t.kind === 'op' && ')]}'.includes(t.value)) depth--;
      toks.push(t);
      this.i++;
    }
    return { toks, line };
  }

  /** Reads `kw header NL body (clause-kw header body)* end` into one node token. */
  private compound(kw: string): NodeToken {
    const start = this.peek()!;
    this.i++;
    const clauses: Clause[] = [];
    let ckw = kw;
    const stops = new Set(['end', ...(CLAUSE_KWS[kw] ?? [])]);
    for (;;) {
      const header = this.header(ckw);
      const { stmts, stop } = this.body(stops);
      clauses.push({ kw: ckw, header, body: stmts });
      if (!stop || stop.value === 'end') break;
      ckw = stop.value;
    }
    return { ...start, kind: 'op', value: `<${kw}>`, node: { kw, clauses, line: start.line } };
  }

  /** A clause's header: block params `|a, b|` for do, else the rest of the line (the condition, the def's name). */
  private header(kw: string): Token[] {
    const out: Token[] = [];
    const t0 = this.peek();
    if (kw === 'do') {
      if (t0 && t0.kind === 'op' && t0.value === '|') {
        this.i++;
        while (this.peek() && !(this.peek()!.kind === 'op' && this.peek()!.value === '|')) out.push(this.toks[this.i++]);
        this.i++;
      }
      return out;
    }
    if (kw === 'else' || kw === 'ensure' || kw === 'begin') return out;
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (!t) return out;
      if (depth === 0 && (t.kind === 'nl' || (t.kind === 'kw' && (t.value === 'then' || t.value === 'do')))) {
        const prev = out[out.length - 1];
        if (t.kind === 'nl' && prev && prev.kind === 'op' && CONTINUES.has(prev.value)) { this.i++; continue; }
        this.i++;
        return out;
      }
      if (t.kind === 'kw' && OPENERS.has(t.value) && !valueEnd(out[out.length - 1])) { out.push(this.compound(t.value)); continue; }
      if (t.kind === 'op' && '([{'.includes(t.value)) depth++;
      if (t.kind === 'op' && ')]}'.includes(t.value)) depth--;
      out.push(t);
      this.i++;
    }
  }
}
