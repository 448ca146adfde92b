// The token cursor under the Ruby parser: lookahead, expectations, errors,
// and the set of local variables in scope (which decides `x [1]` vs `foo [1]`).
import type { Param } from './ast.js';
import type { Token } from './lexer.js';

export class ErbSyntaxError extends Error {
  /** `unsupported` is the name of a Ruby construct Kuroko does not interpret. */
  constructor(message: string, readonly line: number, readonly unsupported = false) {
    super(message);
  }
}

export const UNSUPPORTED_KW: Record<string, string> = {
  class: 'class definition (class)', module: 'module definition (module)',
  yield: 'yield', super: 'super', alias: 'alias', undef: 'undef', BEGIN: 'BEGIN block', END: 'END block',
  redo: 'redo', retry: 'retry', __method__: '__method__',
};

export const BINARY: Record<string, number> = {
  '..': 1, '...': 1, '||': 2, '&&': 3,
  '<=>': 5, '==': 5, '===': 5, '!=': 5, '=~': 5, '!~': 5,
  '<': 6, '<=': 6, '>': 6, '>=': 6, '|': 7, '^': 7, '&': 8, '<<': 9, '>>': 9,
  '+': 10, '-': 10, '*': 11, '/': 11, '%': 11,
};
export const ASSIGN_OPS = new Set(['+=', '-=', '*=', '/=', '%=', '**=', '||=', '&&=', '|=', '&=', '^=', '<<=', '>>=']);
export const ARG_KW = new Set(['nil', 'true', 'false', 'self', 'not', 'defined?', '__FILE__', '__LINE__']);

export class TokenStream {
  protected i = 0;
  protected noDo = 0;
  constructor(protected readonly toks: Token[], protected readonly file: string, protected locals: Set<string>[]) {}

  protected get tok(): Token {
    return this.toks[this.i];
  }
  protected peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)];
  }
  protected next(): Token {
    return this.toks[this.i++];
  }
  protected isOp(v: string, t: Token = this.tok): boolean {
    return t.t === 'op' && t.v === v;
  }
  protected isKw(v: string, t: Token = this.tok): boolean {
    return t.t === 'kw' && t.v === v;
  }
  protected fail(msg: string, t: Token = this.tok): never {
    throw new ErbSyntaxError(msg, t.line);
  }
  protected unsupported(what: string, t: Token = this.tok): never {
    throw new ErbSyntaxError(what, t.line, true);
  }
  protected describe(t: Token): string {
    if (t.t === 'eof') return 'end of template';
    if (t.t === 'nl') return 'end of line';
    if (t.t === 'text') return 'template text';
    return `'${t.v}'`;
  }
  protected expectOp(v: string): Token {
    if (!this.isOp(v)) this.fail(`syntax error: expected '${v}' but found ${this.describe(this.tok)}`);
    return this.next();
  }
  protected expectKw(v: string): Token {
    if (!this.isKw(v)) this.fail(`syntax error: expected '${v}' but found ${this.describe(this.tok)}`);
    return this.next();
  }
  expectEof(): void {
    if (this.tok.t !== 'eof') this.fail(`syntax error: unexpected ${this.describe(this.tok)}`);
  }
  protected skipNl(): void {
    while (this.tok.t === 'nl') this.i++;
  }
  protected isLocal(name: string): boolean {
    for (let j = this.locals.length - 1; j >= 0; j--) if (this.locals[j].has(name)) return true;
    return false;
  }
  protected declare(name: string): void {
    if (!this.isLocal(name)) this.locals[this.locals.length - 1].add(name);
  }


  protected parseParams(close: string): { params: Param[]; spread: boolean } {
    const params: Param[] = [];
    let trailingComma = false;
    while (!this.isOp(close)) {
      trailingComma = false;
      if (this.isOp('(')) {
        this.next();
        const inner = this.parseParams(')');
        this.expectOp(')');
        params.push({ nested: inner.params });
      } else {
        const splat = this.isOp('*');
        if (splat) this.next();
        const t = this.next();
        if (t.t !== 'ident') this.fail(`syntax error: unexpected ${this.describe(t)} in block parameters`, t);
        this.locals[this.locals.length - 1].add(t.v);
        params.push(splat ? { name: t.v, splat: true } : { name: t.v });
      }
      if (this.isOp(';')) this.unsupported('block-local variables');
      if (!this.isOp(',')) break;
      this.next();
      trailingComma = true;
    }
    const spread = params.length > 1 || trailingComma || params.some((p) => 'splat' in p && p.splat);
    return { params, spread };
  }
}
