// The parser's core: token cursor, locations, syntax errors and recovery, and
// statement lists (with Puppet's parenthesis-less statement calls such as
// `include foo, bar`). Expressions, catalog expressions, definitions and
// templates are parsed by the functions in the sibling modules.
import type { Diagnostic } from '../util/diagnostic.js';
import type * as A from './ast.js';
import type { Token, TokenType } from './tokens.js';
import { tokenText } from './tokens.js';
import type { SourceFile } from './source.js';

/** Thrown to unwind to the nearest recovery point after a syntax error is recorded. */
export class SyntaxAbort extends Error {
  constructor() { super('syntax error'); }
}

/** Deeper nesting than this is refused (real manifests stay far below it). */
export const MAX_DEPTH = 400;
const MAX_ERRORS = 20;

/** Function names Puppet calls without parentheses at statement level. */
export const STATEMENT_CALLS: ReadonlySet<string> = new Set([
  'require', 'realize', 'include', 'contain', 'tag', 'debug', 'info', 'notice', 'warning', 'err',
  'alert', 'emerg', 'crit', 'fail', 'break', 'next', 'return',
]);

export class Parser {
  i = 0;
  depth = 0;
  /** While parsing the test of if/unless/case, `{` after an operand starts the body. */
  noBrace = false;
  errorCount = 0;
  /** Names of the classes being parsed, innermost last (they qualify nested definitions). */
  readonly namespace: string[] = [];

  constructor(readonly tokens: Token[], readonly source: SourceFile, readonly diagnostics: Diagnostic[]) {}

  get t(): Token { return this.tokens[this.i]; }
  peek(k = 1): Token { return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]; }
  at(type: TokenType): boolean { return this.tokens[this.i].type === type; }

  advance(): Token {
    const t = this.tokens[this.i];
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  accept(type: TokenType): Token | undefined {
    return this.tokens[this.i].type === type ? this.advance() : undefined;
  }

  expect(type: TokenType): Token {
    if (this.tokens[this.i].type === type) return this.advance();
    return this.fail();
  }

  /** Records `Syntax error at 'x'` for the current token and unwinds. */
  fail(tok: Token = this.t, expected?: string): never {
    this.syntaxError(tok, expected);
    throw new SyntaxAbort();
  }

  syntaxError(tok: Token, expected?: string): void {
    const what = tok.type === 'EOF' ? 'end of input' : `'${tokenText(tok, this.source.text)}'`;
    let msg = `Syntax error at ${what}`;
    if (expected) msg += `; expected '${expected}'`;
    if (tok.type === 'EOF') {
      // Puppet gives no line or column for the end of input.
      this.errorCount++;
      this.diagnostics.push({ code: 'SYNTAX_ERROR', severity: 'error', message: msg, location: { file: this.source.file } });
      return;
    }
    this.error('SYNTAX_ERROR', msg, tok.start, tok.end);
  }

  error(code: string, message: string, start: number, end = start): void {
    this.errorCount++;
    if (this.errorCount <= MAX_ERRORS) this.diagnostics.push(this.source.diagnostic(code, 'error', message, start, end));
  }

  /** The end offset of the last consumed token. */
  get lastEnd(): number { return this.i > 0 ? this.tokens[this.i - 1].end : 0; }

  loc(start: number, end: number = this.lastEnd): A.Loc {
    return this.source.loc(start, end);
  }

  enter(tok: Token): void {
    if (++this.depth > MAX_DEPTH) this.tooDeep(tok);
  }

  tooDeep(tok: Token): never {
    this.error('NESTING_TOO_DEEP', `Expressions are nested too deeply (more than ${MAX_DEPTH} levels)`, tok.start, tok.end);
    throw new SyntaxAbort();
  }
  leave(): void { this.depth--; }

  /** Runs `f` with `noBrace` set as given, restoring it afterwards. */
  withBrace<T>(noBrace: boolean, f: () => T): T {
    const saved = this.noBrace;
    this.noBrace = noBrace;
    try { return f(); } finally { this.noBrace = saved; }
  }

  /**
   * After a syntax error at top level: skips to the next definition that starts a
   * line (`class`, `define`, `node`, `function`, `type`) so later errors are found too.
   */
  recover(): boolean {
    if (this.errorCount >= MAX_ERRORS) return false;
    const toks = this.tokens;
    const src = this.source.text;
    for (let k = this.i + 1; k < toks.length; k++) {
      const tt = toks[k];
      if (tt.type === 'EOF') { this.i = k; return false; }
      if ((tt.type === 'CLASS' || tt.type === 'DEFINE' || tt.type === 'NODE' || tt.type === 'FUNCTION')
        && (tt.start === 0 || src.charCodeAt(tt.start - 1) === 10)) {
        this.i = k;
        return true;
      }
    }
    return false;
  }
}

/** Whether a token can begin an expression (used to find statement-call arguments). */
export function startsExpression(t: Token): boolean {
  switch (t.type) {
    case 'VARIABLE': case 'STRING': case 'DQ': case 'HEREDOC': case 'NUMBER': case 'REGEX': case 'NAME':
    case 'WORD': case 'CLASSREF': case 'LISTSTART': case 'LBRACK': case 'LBRACE': case 'LPAREN': case 'WSLPAREN':
    case 'NOT': case 'MINUS': case 'TIMES': case 'AT': case 'ATAT': case 'BOOLEAN': case 'UNDEF': case 'DEFAULT':
    case 'IF': case 'UNLESS': case 'CASE': case 'CLASS':
      return true;
    default:
      return false;
  }
}
