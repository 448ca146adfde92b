// A recursive-descent parser for the Ruby subset templates use. Like Ruby,
// it knows which identifiers are local variables (assigned earlier), which
// decides between `x [1]` (indexing) and `foo [1]` (a call with an argument).
import type { BlockNode, Node, Param, RescueClause } from './ast.js';
import { LexError, tokenize, type StrPart, type Token } from './lexer.js';
import { ErbFloat, sym } from './values.js';
import { ARG_KW, ASSIGN_OPS, BINARY, ErbSyntaxError, TokenStream, UNSUPPORTED_KW } from './parser-base.js';

export { ErbSyntaxError };

export function parseRuby(src: string, file: string, firstLine = 1): Node {
  let toks: Token[];
  try {
    toks = tokenize(src, firstLine);
  } catch (e) {
    if (e instanceof LexError) {
      if (e.message === 'heredoc') throw new ErbSyntaxError('heredoc', e.line, true);
      if (e.message.startsWith('class variables')) throw new ErbSyntaxError('class variable (@@)', e.line, true);
      throw new ErbSyntaxError(e.message, e.line);
    }
    throw e;
  }
  const p = new Parser(toks, file, [new Set()]);
  const body = p.parseStmts(new Set());
  p.expectEof();
  return body;
}

class Parser extends TokenStream {
  /** Statements until one of the keywords/closers in `stop` (not consumed) or the end. */
  parseStmts(stop: Set<string>): Node {
    const stmts: Node[] = [];
    const line = this.tok.line;
    for (;;) {
      this.skipNl();
      const t = this.tok;
      if (t.t === 'eof' || ((t.t === 'kw' || t.t === 'op') && stop.has(t.v))) break;
      stmts.push(this.parseStmt());
      if (this.tok.t !== 'nl' && this.tok.t !== 'eof' && !(this.tok.t === 'kw' || this.tok.t === 'op' ? stop.has(this.tok.v) : false)) {
        if (this.tok.t === 'text' || this.tok.t === 'insert') continue;
        this.fail(`syntax error: unexpected ${this.describe(this.tok)}`);
      }
    }
    return stmts.length === 1 ? stmts[0] : { k: 'seq', stmts, line };
  }

  private parseStmt(): Node {
    const t = this.tok;
    let node: Node;
    if (t.t === 'text') {
      this.next();
      node = { k: 'text', i: parseInt(t.v, 10), line: t.line };
    } else if (t.t === 'insert') {
      this.next();
      node = { k: 'insert', e: this.parsePrimary(), line: t.line };
    } else if (this.isMasgn()) {
      node = this.parseMasgn();
    } else {
      node = this.parseExprStmt();
    }
    for (;;) {
      const m = this.tok;
      if (m.t !== 'kw') break;
      if (m.v === 'if' || m.v === 'unless') {
        this.next();
        const cond = this.parseExprStmt();
        node = m.v === 'if'
          ? { k: 'if', cond, then: node, else: null, line: m.line }
          : { k: 'if', cond, then: { k: 'lit', v: undefined, line: m.line }, else: node, line: m.line };
      } else if (m.v === 'while' || m.v === 'until') {
        this.next();
        node = { k: 'while', cond: this.parseExprStmt(), body: node, until: m.v === 'until', line: m.line };
      } else if (m.v === 'rescue') {
        this.next();
        node = { k: 'rescuemod', e: node, rescue: this.parseExprStmt(), line: m.line };
      } else break;
    }
    return node;
  }

  private isMasgn(): boolean {
    let j = this.i;
    let count = 0;
    for (;;) {
      let t = this.toks[j];
      if (t.t === 'op' && t.v === '*') t = this.toks[++j];
      if (t.t !== 'ident' && t.t !== 'ivar') return false;
      count++;
      j++;
      const s = this.toks[j];
      if (s.t === 'op' && s.v === ',') {
        j++;
        continue;
      }
      return count > 1 && s.t === 'op' && s.v === '=';
    }
  }

  private parseMasgn(): Node {
    const line = this.tok.line;
    const targets: Node[] = [];
    let splat = -1;
    for (;;) {
      if (this.isOp('*')) {
        this.next();
        splat = targets.length;
      }
      const t = this.next();
      if (t.t === 'ident') {
        this.declare(t.v);
        targets.push({ k: 'lvar', name: t.v, line: t.line });
      } else targets.push({ k: 'ivar', name: t.v, line: t.line });
      if (this.isOp(',')) {
        this.next();
        continue;
      }
      break;
    }
    this.expectOp('=');
    let value = this.parseArg();
    if (this.isOp(',')) {
      const elems = [value];
      while (this.isOp(',')) {
        this.next();
        elems.push(this.parseArgOrSplat());
      }
      value = { k: 'array', elems, line };
    }
    return { k: 'masgn', targets, splat, value, line };
  }

  /** `not`, `and`, `or`: the loosest operators. */
  private parseExprStmt(): Node {
    let left = this.parseNotExpr();
    while (this.isKw('and') || this.isKw('or')) {
      const op = this.next();
      this.skipNl();
      const right = this.parseNotExpr();
      left = { k: op.v === 'and' ? 'and' : 'or', a: left, b: right, line: op.line };
    }
    return left;
  }

  private parseNotExpr(): Node {
    if (this.isKw('not')) {
      const t = this.next();
      return { k: 'not', e: this.parseNotExpr(), line: t.line };
    }
    return this.parseArg();
  }

  /** Assignment level (right-associative), then the ternary. */
  parseArg(): Node {
    const start = this.tok;
    const left = this.parseTernary();
    const t = this.tok;
    if (t.t === 'op' && (t.v === '=' || ASSIGN_OPS.has(t.v))) {
      const target = this.assignable(left, start);
      if (!target) return left;
      this.next();
      this.skipNl();
      if (target.k === 'lvar') this.declare(target.name);
      let value = this.parseArg();
      if (this.isKw('rescue') && t.v === '=') {
        const r = this.next();
        value = { k: 'rescuemod', e: value, rescue: this.parseArg(), line: r.line };
      }
      if (t.v === '=') return { k: 'asgn', target, value, line: t.line };
      return { k: 'opasgn', target, op: t.v.slice(0, -1), value, line: t.line };
    }
    return left;
  }

  private assignable(n: Node, start: Token): Node | null {
    switch (n.k) {
      case 'lvar': case 'ivar': case 'gvar': return n;
      case 'call':
        if (!n.recv && n.args.length === 0 && !n.block && start.t === 'ident') return { k: 'lvar', name: n.name, line: n.line };
        if (n.recv && n.name === '[]' && !n.block) return n;
        if (n.recv && n.args.length === 0 && !n.block && /^[a-z_]\w*$/.test(n.name)) return n;
        return null;
      case 'const': this.unsupported('constant assignment');
      // falls through (unsupported throws)
      default: return null;
    }
  }

  private parseTernary(): Node {
    const cond = this.parseBinary(1);
    if (this.isOp('?')) {
      const q = this.next();
      this.skipNl();
      const a = this.parseArg();
      this.skipNl();
      if (this.tok.t === 'label') {
        // `c ? x : y` lexed `x:` as a label only when no space: treat as ident then ':'.
        this.fail('syntax error in ternary operator');
      }
      this.expectOp(':');
      this.skipNl();
      const b = this.parseArg();
      return { k: 'if', cond, then: a, else: b, line: q.line };
    }
    return cond;
  }

  private parseBinary(minPrec: number): Node {
    let left = this.parseUnary();
    for (;;) {
      const t = this.tok;
      if (t.t !== 'op') break;
      const prec = BINARY[t.v];
      if (prec === undefined || prec < minPrec) break;
      this.next();
      if (t.v === '..' || t.v === '...') {
        const endless = this.tok.t === 'nl' || this.tok.t === 'eof' || this.isOp(')') || this.isOp(']') || this.isKw('then');
        const right = endless ? null : this.parseBinary(prec + 1);
        left = { k: 'range', a: left, b: right, excl: t.v === '...', line: t.line };
        continue;
      }
      const right = this.parseBinary(prec + 1);
      if (t.v === '&&') left = { k: 'and', a: left, b: right, line: t.line };
      else if (t.v === '||') left = { k: 'or', a: left, b: right, line: t.line };
      else if (t.v === '!=') left = { k: 'not', e: this.call(left, '==', [right], t), line: t.line };
      else if (t.v === '!~') left = { k: 'not', e: this.call(left, '=~', [right], t), line: t.line };
      else left = this.call(left, t.v, [right], t);
    }
    return left;
  }

  private call(recv: Node | null, name: string, args: Node[], t: Token): Node {
    return { k: 'call', recv, name, args, block: null, safe: false, line: t.line };
  }

  private parseUnary(): Node {
    const t = this.tok;
    if (this.isOp('!')) {
      this.next();
      return { k: 'not', e: this.parseUnary(), line: t.line };
    }
    if (this.isOp('-')) {
      this.next();
      return this.call(this.parsePow(), '-@', [], t);
    }
    if (this.isOp('+')) {
      this.next();
      return this.parseUnary();
    }
    if (this.isOp('~')) {
      this.next();
      return this.call(this.parseUnary(), '~', [], t);
    }
    if (this.isOp('&')) this.fail("syntax error: unexpected '&'");
    if (this.isKw('not')) {
      this.next();
      return { k: 'not', e: this.parseUnary(), line: t.line };
    }
    if (this.isKw('defined?')) {
      this.next();
      if (this.isOp('(')) {
        this.next();
        this.skipNl();
        const e = this.parseExprStmt();
        this.skipNl();
        this.expectOp(')');
        return this.parsePostfix({ k: 'defined', e, line: t.line });
      }
      return { k: 'defined', e: this.parseUnary(), line: t.line };
    }
    return this.parsePow();
  }

  private parsePow(): Node {
    const base = this.parsePostfix();
    if (this.isOp('**')) {
      const t = this.next();
      const exp = this.isOp('-') ? this.parseUnary() : this.parsePow();
      return this.call(base, '**', [exp], t);
    }
    return base;
  }

  private canStartCommandArg(): boolean {
    const t = this.tok;
    if (!t.sp) return false;
    switch (t.t) {
      case 'int': case 'float': case 'str': case 'xsym': case 'sym': case 'regex': case 'words':
      case 'ivar': case 'gvar': case 'const': case 'label': case 'ident':
        return true;
      case 'kw':
        return ARG_KW.has(t.v);
      case 'op': {
        if (t.v === '[' || t.v === '(' || t.v === '->') return true;
        const n = this.peek();
        if ((t.v === '!' || t.v === '-' || t.v === '*' || t.v === '&' || t.v === '::' || t.v === '**') && !n.sp && n.t !== 'nl') return true;
        return false;
      }
      default:
        return false;
    }
  }

  private parsePostfix(start?: Node): Node {
    let node = start ?? this.parsePrimary();
    for (;;) {
      const t = this.tok;
      if (t.t !== 'op') {
        if (this.isKw('do') && this.noDo === 0 && node.k === 'call' && !node.block) {
          node.block = this.parseBlock();
          continue;
        }
        break;
      }
      if (t.v === '.' || t.v === '&.') {
        this.next();
        this.skipNl();
        const nameTok = this.next();
        let name: string;
        if (nameTok.t === 'ident' || nameTok.t === 'const' || nameTok.t === 'kw') name = nameTok.v;
        else if (nameTok.t === 'label') {
          // `x.foo:bar` never happens; `a.b ? c: d` would; keep it simple.
          this.fail('syntax error: unexpected label', nameTok);
        } else if (nameTok.t === 'op' && nameTok.v === '(') {
          this.i--;
          name = 'call';
        } else if (nameTok.t === 'op' && ['+', '-', '*', '/', '%', '==', '<', '>', '<=', '>=', '<=>', '[', '!', '<<'].includes(nameTok.v)) {
          name = nameTok.v === '[' ? (this.expectOp(']'), '[]') : nameTok.v;
        } else this.fail(`syntax error: unexpected ${this.describe(nameTok)} after '.'`, nameTok);
        node = this.finishCall(node, name!, t.v === '&.', nameTok);
        continue;
      }
      if (t.v === '::') {
        const n = this.peek();
        if (n.t === 'const' && !this.isOp('(', this.peek(2))) {
          this.next();
          this.next();
          if (node.k !== 'const') this.unsupported('constant lookup on an expression');
          node = { k: 'const', name: node.name + '::' + n.v, line: n.line };
          continue;
        }
        if (n.t === 'ident' || n.t === 'const') {
          this.next();
          const nameTok = this.next();
          node = this.finishCall(node, nameTok.v, false, nameTok);
          continue;
        }
        break;
      }
      if (t.v === '[' && !t.sp) {
        this.next();
        this.skipNl();
        const args = this.parseCallArgs(']');
        node = { k: 'call', recv: node, name: '[]', args, block: null, safe: false, line: t.line };
        continue;
      }
      break;
    }
    return node;
  }

  /** After `recv.name`: arguments in parentheses or as a command, then a block. */
  private finishCall(recv: Node | null, name: string, safe: boolean, nameTok: Token): Node {
    let args: Node[] = [];
    let block: BlockNode | null = null;
    if (this.isOp('(') && !this.tok.sp) {
      this.next();
      this.skipNl();
      args = this.parseCallArgs(')');
    } else if (this.isOp('=') && recv && !this.isOp('=', this.peek()) && /^[a-z_]\w*$/.test(name)) {
      // attribute assignment, handled by parseArg
    } else if (this.canStartCommandArg()) {
      args = this.parseCommandArgs();
    }
    if (this.isOp('{')) block = this.parseBlock();
    else if (this.isKw('do') && this.noDo === 0) block = this.parseBlock();
    const blockPass = args.length && args[args.length - 1].k === 'blockpass';
    if (blockPass && block) this.fail('both block argument and literal block are passed');
    return { k: 'call', recv, name, args, block, safe, line: nameTok.line };
  }

  private parseCommandArgs(): Node[] {
    const args: Node[] = [];
    const pairs: [Node, Node][] = [];
    this.noDo++;
    try {
      for (;;) {
        this.parseOneArg(args, pairs);
        if (!this.isOp(',')) break;
        this.next();
        this.skipNl();
      }
    } finally {
      this.noDo--;
    }
    if (pairs.length) args.push({ k: 'hash', pairs, line: pairs[0][0].line });
    return args;
  }

  private parseCallArgs(close: string): Node[] {
    const args: Node[] = [];
    const pairs: [Node, Node][] = [];
    const saved = this.noDo;
    this.noDo = 0;
    try {
      while (!this.isOp(close)) {
        this.parseOneArg(args, pairs);
        this.skipNl();
        if (!this.isOp(',')) break;
        this.next();
        this.skipNl();
      }
      this.skipNl();
      this.expectOp(close);
    } finally {
      this.noDo = saved;
    }
    if (pairs.length) args.push({ k: 'hash', pairs, line: pairs[0][0].line });
    return args;
  }

  private parseOneArg(args: Node[], pairs: [Node, Node][]): void {
    const t = this.tok;
    if (t.t === 'label') {
      this.next();
      this.skipNl();
      pairs.push([{ k: 'lit', v: sym(t.v), line: t.line }, this.parseArg()]);
      return;
    }
    if (this.isOp('&')) {
      this.next();
      args.push({ k: 'blockpass', e: this.parseArg(), line: t.line });
      return;
    }
    if (this.isOp('**')) this.unsupported('double splat (**)');
    const a = this.parseArgOrSplat();
    if (this.isOp('=>')) {
      this.next();
      this.skipNl();
      pairs.push([a, this.parseArg()]);
      return;
    }
    args.push(a);
  }

  private parseArgOrSplat(): Node {
    if (this.isOp('*')) {
      const t = this.next();
      return { k: 'splat', e: this.parseArg(), line: t.line };
    }
    return this.parseArg();
  }

  private parseBlock(): BlockNode {
    const open = this.next();
    const brace = open.v === '{';
    const params: Param[] = [];
    let spread = false;
    this.locals.push(new Set());
    try {
      this.skipNl();
      if (this.isOp('||')) this.next();
      else if (this.isOp('|')) {
        this.next();
        const r = this.parseParams('|');
        params.push(...r.params);
        spread = r.spread;
        this.expectOp('|');
      }
      const body = this.parseStmts(new Set([brace ? '}' : 'end']));
      if (brace) this.expectOp('}');
      else this.expectKw('end');
      return { params, spread, body, line: open.line };
    } finally {
      this.locals.pop();
    }
  }

  private strParts(parts: StrPart[]): (string | Node)[] {
    return parts.map((p) => {
      if (typeof p === 'string') return p;
      const sub = new Parser(tokenize(p.code, p.line), this.file, this.locals);
      const n = sub.parseStmts(new Set());
      sub.expectEof();
      return n;
    });
  }

  private strNode(parts: (string | Node)[], line: number): Node {
    if (parts.every((p) => typeof p === 'string')) return { k: 'lit', v: (parts as string[]).join(''), line };
    return { k: 'dstr', parts, line };
  }

  parsePrimary(): Node {
    const t = this.next();
    const line = t.line;
    switch (t.t) {
      case 'int': return { k: 'lit', v: t.num!, line };
      case 'float': return { k: 'lit', v: new ErbFloat(t.num!), line };
      case 'str': {
        let parts = this.strParts(t.parts!);
        // Adjacent literals concatenate: "a" "b".
        while (this.tok.t === 'str' && this.tok.sp !== undefined && this.tok.line === line) {
          parts = parts.concat(this.strParts(this.next().parts!));
        }
        return this.strNode(parts, line);
      }
      case 'sym': return { k: 'lit', v: sym(t.v), line };
      case 'xsym': {
        const parts = this.strParts(t.parts!);
        if (parts.every((p) => typeof p === 'string')) return { k: 'lit', v: sym((parts as string[]).join('')), line };
        return { k: 'dsym', parts, line };
      }
      case 'regex': return { k: 'regex', parts: this.strParts(t.parts!), opts: t.opts ?? '', line };
      case 'words': {
        const elems = t.words!.map((w) => {
          const s = this.strNode(this.strParts(w), line);
          if (t.opts !== 'i') return s;
          return s.k === 'lit' ? { k: 'lit' as const, v: sym(s.v as string), line } : { k: 'dsym' as const, parts: (s as { parts: (string | Node)[] }).parts, line };
        });
        return { k: 'array', elems, line };
      }
      case 'ivar': return { k: 'ivar', name: t.v, line };
      case 'gvar': return { k: 'gvar', name: t.v, line };
      case 'label': this.fail(`syntax error: unexpected label '${t.v}:'`, t);
      // falls through (fail throws)
      case 'const': {
        if (this.isOp('(') && !this.tok.sp) return this.finishCall(null, t.v, false, t);
        if (this.tok.t === 'str' && this.tok.sp && /^(Array|Integer|String|Float|Hash)$/.test(t.v)) return this.finishCall(null, t.v, false, t);
        return { k: 'const', name: t.v, line };
      }
      case 'ident': {
        if (this.isLocal(t.v) && !(this.isOp('(') && !this.tok.sp)) return { k: 'lvar', name: t.v, line };
        return this.finishCall(null, t.v, false, t);
      }
      case 'nl': case 'eof': case 'text': case 'insert':
        this.fail(`syntax error: unexpected ${this.describe(t)}`, t);
      // falls through (fail throws)
      case 'kw': return this.parseKeyword(t);
      case 'op': return this.parseOpPrimary(t);
    }
    this.fail(`syntax error: unexpected ${this.describe(t)}`, t);
  }

  private parseOpPrimary(t: Token): Node {
    const line = t.line;
    switch (t.v) {
      case '(': {
        const saved = this.noDo;
        this.noDo = 0;
        this.skipNl();
        if (this.isOp(')')) {
          this.next();
          this.noDo = saved;
          return { k: 'lit', v: undefined, line };
        }
        const stmts: Node[] = [];
        for (;;) {
          stmts.push(this.parseStmt());
          this.skipNl();
          if (this.isOp(')')) break;
          if (this.tok.t === 'eof') this.fail("syntax error: expected ')'");
        }
        this.next();
        this.noDo = saved;
        return stmts.length === 1 ? stmts[0] : { k: 'seq', stmts, line };
      }
      case '[': {
        this.skipNl();
        const elems = this.parseCallArgs(']');
        return { k: 'array', elems, line };
      }
      case '{': {
        const pairs: [Node, Node][] = [];
        const saved = this.noDo;
        this.noDo = 0;
        this.skipNl();
        while (!this.isOp('}')) {
          const k = this.tok;
          if (k.t === 'label') {
            this.next();
            this.skipNl();
            pairs.push([{ k: 'lit', v: sym(k.v), line: k.line }, this.parseArg()]);
          } else {
            if (this.isOp('**')) this.unsupported('double splat (**)');
            const key = this.parseArg();
            this.skipNl();
            this.expectOp('=>');
            this.skipNl();
            pairs.push([key, this.parseArg()]);
          }
          this.skipNl();
          if (!this.isOp(',')) break;
          this.next();
          this.skipNl();
        }
        this.expectOp('}');
        this.noDo = saved;
        return { k: 'hash', pairs, line };
      }
      case '::': {
        const c = this.next();
        if (c.t !== 'const') this.fail(`syntax error: unexpected ${this.describe(c)}`, c);
        return { k: 'const', name: c.v, line };
      }
      case '..': case '...':
        return { k: 'range', a: null, b: this.parseBinary(2), excl: t.v === '...', line };
      case '->': this.unsupported('lambda (->)', t);
      // falls through (unsupported throws)
      default:
        this.fail(`syntax error: unexpected '${t.v}'`, t);
    }
  }

  private parseKeyword(t: Token): Node {
    const line = t.line;
    switch (t.v) {
      case 'nil': return { k: 'lit', v: undefined, line };
      case 'true': return { k: 'lit', v: true, line };
      case 'false': return { k: 'lit', v: false, line };
      case 'self': return { k: 'self', line };
      case '__FILE__': return { k: 'lit', v: this.file, line };
      case '__LINE__': return { k: 'lit', v: line, line };
      case 'if': case 'unless': return this.parseIf(t);
      case 'while': case 'until': {
        this.noDo++;
        const cond = this.parseExprStmt();
        this.noDo--;
        if (this.isKw('do')) this.next();
        const body = this.parseStmts(new Set(['end']));
        this.expectKw('end');
        return { k: 'while', cond, body, until: t.v === 'until', line };
      }
      case 'for': {
        const vars = this.parseParams('in' as string).params;
        for (const v of vars) if ('name' in v) this.declare(v.name);
        this.expectKw('in');
        this.noDo++;
        const iter = this.parseExprStmt();
        this.noDo--;
        if (this.isKw('do')) this.next();
        const body = this.parseStmts(new Set(['end']));
        this.expectKw('end');
        return { k: 'for', vars, iter, body, line };
      }
      case 'case': return this.parseCase(t);
      case 'begin': return this.parseBegin(t);
      case 'def': return this.parseDef(t);
      case 'return': case 'next': case 'break': {
        const n = this.tok;
        const hasValue = !(n.t === 'nl' || n.t === 'eof' || n.t === 'text' || n.t === 'insert' ||
          (n.t === 'kw' && ['if', 'unless', 'while', 'until', 'end', 'and', 'or', 'else', 'elsif', 'when'].includes(n.v)) ||
          (n.t === 'op' && (n.v === '}' || n.v === ')' || n.v === ';')));
        return { k: t.v as 'return' | 'next' | 'break', e: hasValue ? this.parseExprStmt() : null, line };
      }
      case 'not': return { k: 'not', e: this.parseExprStmt(), line };
      case 'defined?': {
        this.i--;
        return this.parseUnary();
      }
      case 'then': case 'do': case 'end': case 'else': case 'elsif': case 'when': case 'in': case 'rescue': case 'ensure':
      case 'and': case 'or':
        this.fail(`syntax error: unexpected '${t.v}'`, t);
      // falls through (fail throws)
      default:
        this.unsupported(UNSUPPORTED_KW[t.v] ?? t.v, t);
    }
  }

  private parseThen(): void {
    this.skipNl();
    if (this.isKw('then')) this.next();
  }

  private parseIf(t: Token): Node {
    const cond = this.parseExprStmt();
    this.parseThen();
    const body = this.parseStmts(new Set(['elsif', 'else', 'end']));
    let elseBody: Node | null = null;
    if (this.isKw('elsif')) {
      if (t.v === 'unless') this.fail("syntax error: unexpected 'elsif' in unless");
      const e = this.next();
      elseBody = this.parseIf({ ...e, v: 'if' });
      return t.v === 'if' ? { k: 'if', cond, then: body, else: elseBody, line: t.line } : elseBody;
    }
    if (this.isKw('else')) {
      this.next();
      elseBody = this.parseStmts(new Set(['end']));
    }
    this.expectKw('end');
    if (t.v === 'unless') return { k: 'if', cond, then: elseBody ?? { k: 'lit', v: undefined, line: t.line }, else: body, line: t.line };
    return { k: 'if', cond, then: body, else: elseBody, line: t.line };
  }

  private parseCase(t: Token): Node {
    let subj: Node | null = null;
    if (this.tok.t !== 'nl') subj = this.parseExprStmt();
    this.skipNl();
    const whens: [Node[], Node][] = [];
    if (this.isKw('in')) this.unsupported('pattern matching (case/in)');
    while (this.isKw('when')) {
      this.next();
      const conds: Node[] = [];
      for (;;) {
        conds.push(this.parseArgOrSplat());
        if (!this.isOp(',')) break;
        this.next();
        this.skipNl();
      }
      this.parseThen();
      whens.push([conds, this.parseStmts(new Set(['when', 'else', 'end']))]);
    }
    let elseBody: Node | null = null;
    if (this.isKw('else')) {
      this.next();
      elseBody = this.parseStmts(new Set(['end']));
    }
    this.expectKw('end');
    return { k: 'case', subj, whens, else: elseBody, line: t.line };
  }

  /** `def name(a, b) ... [rescue ...] end`: a template-level helper method. */
  private parseDef(t: Token): Node {
    const nameTok = this.next();
    if (nameTok.t !== 'ident' && nameTok.t !== 'const') this.unsupported('method definition (def) of this form', nameTok);
    if (this.isOp('.')) this.unsupported('singleton method definition (def self.x)');
    const params: string[] = [];
    const paren = this.isOp('(');
    if (paren) this.next();
    while (this.tok.t === 'ident') {
      params.push(this.next().v);
      if (this.isOp('=') || this.isOp('*') || this.isOp('&')) this.unsupported('method definition (def) with default, splat or block parameters');
      if (!this.isOp(',')) break;
      this.next();
    }
    if (paren) this.expectOp(')');
    const saved = this.locals;
    this.locals = [new Set(params)];
    try {
      const body = this.parseBegin(t);
      return { k: 'def', name: nameTok.v, params, body, line: t.line };
    } finally {
      this.locals = saved;
    }
  }

  private parseBegin(t: Token): Node {
    const stop = new Set(['rescue', 'else', 'ensure', 'end']);
    const body = this.parseStmts(stop);
    const rescues: RescueClause[] = [];
    while (this.isKw('rescue')) {
      this.next();
      const classes: Node[] = [];
      let varName: string | null = null;
      while (this.tok.t === 'const' || this.isOp('::')) {
        classes.push(this.parsePostfix());
        if (!this.isOp(',')) break;
        this.next();
      }
      if (this.isOp('=>')) {
        this.next();
        const v = this.next();
        if (v.t !== 'ident') this.fail('syntax error: expected a variable after =>', v);
        this.declare(v.v);
        varName = v.v;
      }
      this.parseThen();
      rescues.push({ classes, varName, body: this.parseStmts(stop) });
    }
    let elseBody: Node | null = null;
    if (this.isKw('else')) {
      this.next();
      elseBody = this.parseStmts(new Set(['ensure', 'end']));
    }
    let ensure: Node | null = null;
    if (this.isKw('ensure')) {
      this.next();
      ensure = this.parseStmts(new Set(['end']));
    }
    this.expectKw('end');
    return { k: 'begin', body, rescues, elseBody, ensure, line: t.line };
  }
}
