// The Puppet lexer: source text to tokens. Hand-written over char codes for
// speed. Context-dependent tokens are decided here as Puppet's lexer does:
// `/` is a regex only where an operand may start, `[` after whitespace starts
// a list (not an index), `(` first on a line cannot start call arguments.
// Interpolated strings carry their `${...}` parts as nested token lists, and
// heredoc bodies are skipped at the end of the line that opened them.
// The lexer never throws: problems become diagnostics and OTHER tokens.
import type { Diagnostic } from '../util/diagnostic.js';
import { DIV_AFTER, KEYWORDS, type Segment, type Token, type TokenType } from './tokens.js';
import type { SourceFile } from './source.js';
import { scanHeredoc } from './heredoc.js';

const C_NL = 10, C_CR = 13, C_SP = 32, C_TAB = 9;

export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}
const isLower = (c: number) => c >= 97 && c <= 122;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** Escapes processed in double-quoted strings (a backslash-newline joins lines). */
export const DQ_ESCAPES = '\\$\'"rntsu\n';

/** Where a sub-lexer's offsets land in the real source (heredoc text has its margin removed). */
export type OffsetMap = (offset: number) => number;

export class Lexer {
  readonly src: string;
  pos = 0;
  /** Type of the last token produced (drives the regex/division decision). */
  private after: TokenType | undefined;
  private spaced = true;
  private lineStart = 0;
  /** Where lexing continues after the line break that ends a line with heredocs. */
  newlineJump = -1;
  /** EPP: 'text' between tags, 'epp' inside `<% %>`, 'expr' inside `<%= %>`. */
  private eppMode: 'none' | 'epp' | 'expr' = 'none';
  private readonly queue: Token[] = [];
  /** EPP: where the open `<%` tag started (-1 when none is open). */
  private eppOpen = -1;

  constructor(readonly source: SourceFile, readonly diagnostics: Diagnostic[], src?: string, readonly map?: OffsetMap) {
    this.src = src ?? source.text;
  }

  error(code: string, message: string, start: number, end = start + 1): void {
    const m = this.map;
    this.diagnostics.push(this.source.diagnostic(code, 'error', message, m ? m(start) : start, m ? m(end) : end));
  }

  warning(code: string, message: string, start: number, end = start + 1): void {
    const m = this.map;
    this.diagnostics.push(this.source.diagnostic(code, 'warning', message, m ? m(start) : start, m ? m(end) : end));
  }

  private tok(type: TokenType, start: number, end: number, value?: string): Token {
    const t: Token = { type, value: value ?? this.src.slice(start, end), start, end, spaced: this.spaced };
    this.pos = end;
    return t;
  }

  /** All tokens of a `.pp` source, ending with EOF. */
  tokenize(): Token[] {
    const out: Token[] = [];
    for (;;) {
      const t = this.next();
      out.push(t);
      if (t.type === 'EOF') return out;
    }
  }

  /** All tokens of an `.epp` template: RENDER_STRING / RENDER_EXPR / EPP_END around Puppet code. */
  tokenizeEpp(): Token[] {
    this.eppText(false);
    return this.tokenize();
  }

  /** The next token (skipping whitespace and comments). */
  next(): Token {
    const q = this.queue.shift();
    if (q) { this.after = q.type; return q; }
    const t = this.scan();
    this.after = t.type;
    this.spaced = false;
    return t;
  }

  private scan(): Token {
    const src = this.src;
    const len = src.length;
    for (;;) {
      if (this.queue.length) return this.queue.shift()!;
      const p = this.pos;
      if (p >= len) {
        if (this.eppOpen >= 0) {
          this.error('EPP_UNBALANCED_TAG', 'Unbalanced epp tag, reached <eof> without closing tag.', len, len);
          this.eppOpen = -1;
        }
        return this.tok('EOF', len, len, '');
      }
      const c = src.charCodeAt(p);
      switch (c) {
        case C_SP: case C_TAB: case C_CR: case 0xfeff: case 0xa0:
          this.pos++; this.spaced = true; continue;
        case C_NL:
          if (this.newlineJump >= 0) { this.pos = this.newlineJump; this.newlineJump = -1; } else this.pos++;
          this.lineStart = this.pos; this.spaced = true; continue;
        case 35: { // #
          const nl = src.indexOf('\n', p);
          this.pos = nl < 0 ? len : nl; this.spaced = true; continue;
        }
        case 47: { // /
          if (src.charCodeAt(p + 1) === 42) { // /*
            const e = src.indexOf('*/', p + 2);
            if (e < 0) { this.error('UNCLOSED_MLCOMMENT', 'Unclosed multiline comment', p, p + 2); this.pos = len; continue; }
            this.pos = e + 2; this.spaced = true; continue;
          }
          if (this.after === undefined || !DIV_AFTER.has(this.after)) {
            const r = this.scanRegex(p);
            if (r) return r;
          }
          return this.tok('DIV', p, p + 1);
        }
        case 46: return this.tok('DOT', p, p + 1);
        case 44: return this.tok('COMMA', p, p + 1);
        case 91: { // [
          const prev = p === 0 ? C_SP : src.charCodeAt(p - 1);
          return this.tok(prev === C_SP || prev === C_TAB || prev === C_NL || prev === C_CR || p === 0 ? 'LISTSTART' : 'LBRACK', p, p + 1);
        }
        case 93: return this.tok('RBRACK', p, p + 1);
        case 40: { // (
          let onlyWs = true;
          for (let i = this.lineStart; i < p; i++) {
            const d = src.charCodeAt(i);
            if (d !== C_SP && d !== C_TAB && d !== C_CR) { onlyWs = false; break; }
          }
          return this.tok(onlyWs ? 'WSLPAREN' : 'LPAREN', p, p + 1);
        }
        case 41: return this.tok('RPAREN', p, p + 1);
        case 59: return this.tok('SEMIC', p, p + 1);
        case 63: return this.tok('QMARK', p, p + 1);
        case 42: return this.tok('TIMES', p, p + 1);
        case 37: { // %
          if (src.charCodeAt(p + 1) === 62 && this.eppMode !== 'none') return this.eppClose(p, p + 2, false);
          return this.tok('MODULO', p, p + 1);
        }
        case 123: return this.tok('LBRACE', p, p + 1);
        case 125: return this.tok('RBRACE', p, p + 1);
        case 64: { // @
          const d = src.charCodeAt(p + 1);
          if (d === 64) return this.tok('ATAT', p, p + 2);
          if (d === 40) return this.heredoc(p);
          return this.tok('AT', p, p + 1);
        }
        case 124: { // |
          if (src.charCodeAt(p + 1) === 62) return src.charCodeAt(p + 2) === 62 ? this.tok('RRCOLLECT', p, p + 3) : this.tok('RCOLLECT', p, p + 2);
          return this.tok('PIPE', p, p + 1);
        }
        case 61: { // =
          const d = src.charCodeAt(p + 1);
          if (d === 61) return this.tok('ISEQUAL', p, p + 2);
          if (d === 62) return this.tok('FARROW', p, p + 2);
          if (d === 126) return this.tok('MATCH', p, p + 2);
          return this.tok('EQUALS', p, p + 1);
        }
        case 43: { // +
          const d = src.charCodeAt(p + 1);
          if (d === 61) return this.tok('APPENDS', p, p + 2);
          if (d === 62) return this.tok('PARROW', p, p + 2);
          return this.tok('PLUS', p, p + 1);
        }
        case 45: { // -
          const d = src.charCodeAt(p + 1);
          if (this.eppMode !== 'none' && d === 37 && src.charCodeAt(p + 2) === 62) return this.eppClose(p, p + 3, true);
          if (d === 62) return this.tok('IN_EDGE', p, p + 2);
          if (d === 61) return this.tok('DELETES', p, p + 2);
          return this.tok('MINUS', p, p + 1);
        }
        case 33: { // !
          const d = src.charCodeAt(p + 1);
          if (d === 61) return this.tok('NOTEQUAL', p, p + 2);
          if (d === 126) return this.tok('NOMATCH', p, p + 2);
          return this.tok('NOT', p, p + 1);
        }
        case 126: // ~
          return src.charCodeAt(p + 1) === 62 ? this.tok('IN_EDGE_SUB', p, p + 2) : this.tok('TILDE', p, p + 1);
        case 60: { // <
          const d = src.charCodeAt(p + 1);
          if (d === 60) return src.charCodeAt(p + 2) === 124 ? this.tok('LLCOLLECT', p, p + 3) : this.tok('LSHIFT', p, p + 2);
          if (d === 61) return this.tok('LESSEQUAL', p, p + 2);
          if (d === 124) return this.tok('LCOLLECT', p, p + 2);
          if (d === 45) return this.tok('OUT_EDGE', p, p + 2);
          if (d === 126) return this.tok('OUT_EDGE_SUB', p, p + 2);
          return this.tok('LESSTHAN', p, p + 1);
        }
        case 62: { // >
          const d = src.charCodeAt(p + 1);
          if (d === 62) return this.tok('RSHIFT', p, p + 2);
          if (d === 61) return this.tok('GREATEREQUAL', p, p + 2);
          return this.tok('GREATERTHAN', p, p + 1);
        }
        case 58: { // :
          if (src.charCodeAt(p + 1) === 58) {
            const d = src.charCodeAt(p + 2);
            if (isUpper(d)) return this.classRef(p);
            if (isLower(d) || d === 95) return this.bareWord(p);
            this.error('ILLEGAL_FULLY_QUALIFIED_NAME', 'Illegal fully qualified name', p, p + 2);
            return this.tok('OTHER', p, p + 2);
          }
          return this.tok('COLON', p, p + 1);
        }
        case 36: return this.variable(p);
        case 34: return this.dqString(p);
        case 39: return this.sqString(p);
        default:
          if (isLower(c) || c === 95) return this.bareWord(p);
          if (isUpper(c)) return this.classRef(p);
          if (isDigit(c)) return this.number(p);
          if (c === 0x2028 || c === 0x2029 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a)) { this.pos++; this.spaced = true; continue; }
          {
            const cp = src.codePointAt(p)!;
            const n = cp > 0xffff ? 2 : 1;
            return this.tok('OTHER', p, p + n);
          }
      }
    }
  }

  private scanRegex(p: number): Token | undefined {
    const src = this.src;
    let i = p + 1;
    for (;;) {
      const e = src.indexOf('/', i);
      if (e < 0) return undefined;
      // An escaped closing slash (odd number of backslashes before it) does not end the regex.
      let bs = 0;
      for (let k = e - 1; k > p && src.charCodeAt(k) === 92; k--) bs++;
      if (bs % 2 === 1) { i = e + 1; continue; }
      const body = src.slice(p + 1, e).replace(/\\\//g, '/');
      return this.tok('REGEX', p, e + 1, body);
    }
  }

  private variable(p: number): Token {
    const src = this.src;
    let i = p + 1;
    if (src.charCodeAt(i) === 58 && src.charCodeAt(i + 1) === 58) i += 2;
    const end = scanQualifiedWord(src, i);
    if (end === i) {
      // A lone `$`: the parser reports it.
      return this.tok('VARIABLE', p, p + 1, '');
    }
    return this.tok('VARIABLE', p, end, src.slice(p + 1, end));
  }

  private bareWord(p: number): Token {
    const src = this.src;
    let i = p;
    let isName = true;
    for (;;) {
      let s = i;
      if (src.charCodeAt(s) === 58 && src.charCodeAt(s + 1) === 58) s += 2;
      const c = src.charCodeAt(s);
      if (!(isLower(c) || c === 95)) break;
      if (c === 95) isName = false; // a NAME segment starts with a-z; `_x` is a bare word
      let j = s + 1;
      let lastWord = j;
      let dash = false;
      for (;;) {
        const d = src.charCodeAt(j);
        if (isWordChar(d)) { j++; lastWord = j; } else if (d === 45) { j++; dash = true; } else break;
      }
      // A trailing dash is not part of the word.
      if (dash && src.slice(s, lastWord).includes('-')) isName = false;
      i = lastWord;
      if (!(src.charCodeAt(i) === 58 && src.charCodeAt(i + 1) === 58)) break;
      const n = src.charCodeAt(i + 2);
      if (!(isLower(n) || n === 95)) break;
    }
    if (i === p) { this.error('ILLEGAL_NAME_OR_BARE_WORD', 'Illegal name or bare word', p); return this.tok('OTHER', p, p + 1); }
    const value = src.slice(p, i);
    if (isName) {
      const kw = KEYWORDS.get(value);
      if (kw) return this.tok(kw, p, i, value);
      return this.tok('NAME', p, i, value);
    }
    return this.tok('WORD', p, i, value);
  }

  private classRef(p: number): Token {
    const src = this.src;
    let i = p;
    for (;;) {
      let s = i;
      if (src.charCodeAt(s) === 58 && src.charCodeAt(s + 1) === 58) s += 2;
      if (!isUpper(src.charCodeAt(s))) break;
      let j = s + 1;
      while (isWordChar(src.charCodeAt(j))) j++;
      i = j;
    }
    if (src.charCodeAt(i) === 58 && src.charCodeAt(i + 1) === 58) {
      this.error('ILLEGAL_CLASS_REFERENCE', 'Illegal class reference', i + 1, i + 2);
      let j = i + 2;
      while (isWordChar(src.charCodeAt(j))) j++;
      return this.tok('CLASSREF', p, j, src.slice(p, j));
    }
    return this.tok('CLASSREF', p, i, src.slice(p, i));
  }

  private number(p: number): Token {
    const src = this.src;
    let i = p;
    let bad = false;
    if (src.charCodeAt(p) === 48 && (src.charCodeAt(p + 1) === 120 || src.charCodeAt(p + 1) === 88)) {
      i = p + 2;
      while (isHex(src.charCodeAt(i))) i++;
      if (i === p + 2) bad = true;
    } else {
      while (isDigit(src.charCodeAt(i))) i++;
      if (src.charCodeAt(i) === 46 && isDigit(src.charCodeAt(i + 1))) {
        i++;
        while (isDigit(src.charCodeAt(i))) i++;
      }
      const e = src.charCodeAt(i);
      if (e === 101 || e === 69) {
        let j = i + 1;
        if (src.charCodeAt(j) === 45) j++;
        if (isDigit(src.charCodeAt(j))) { while (isDigit(src.charCodeAt(j))) j++; i = j; }
      }
    }
    if (isWordChar(src.charCodeAt(i))) {
      bad = true;
      while (isWordChar(src.charCodeAt(i))) i++;
    }
    const text = src.slice(p, i);
    // Puppet's order of checks (its assert_numeric), so `1.0_0` is a bad decimal and `0_1` a bad octal.
    if (/^0[xX]/.test(text)) {
      if (!/^0[xX][0-9A-Fa-f]+$/.test(text)) this.error('NOT_HEX', `Not a valid hex number ${text}`, p, i);
    } else if (/^0[^.]/.test(text)) {
      if (!/^0[0-7]+$/.test(text)) this.error('NOT_OCTAL', `Not a valid octal number ${text}`, p, i);
    } else if (/^\d+[eE.]/.test(text)) {
      if (bad || !/^\d+(?:\.\d+)?(?:[eE]-?\d+)?$/.test(text)) this.error('NOT_DECIMAL', `Not a valid decimal number ${text}`, p, i);
    } else if (bad || !/^\d+$/.test(text)) {
      this.error('ILLEGAL_NUMBER', `Illegal number '${text}'`, p, i);
    }
    return this.tok('NUMBER', p, i, text);
  }

  private sqString(p: number): Token {
    const src = this.src;
    let i = p + 1;
    for (;;) {
      const c = src.charCodeAt(i);
      if (i >= src.length) {
        this.error('UNCLOSED_QUOTE', `Unclosed quote after "'" followed by '${followedBy(src, p + 1)}'`, p + 1);
        return this.tok('STRING', p, src.length, unescapeSq(src.slice(p + 1)));
      }
      if (c === 92) { i += 2; continue; }
      if (c === 39) break;
      i++;
    }
    return this.tok('STRING', p, i + 1, unescapeSq(src.slice(p + 1, i)));
  }

  private dqString(p: number): Token {
    const r = this.interpolate(p + 1, '"', DQ_ESCAPES, true, true);
    if (!r.closed) {
      this.error('UNCLOSED_QUOTE', `Unclosed quote after '"' followed by '${followedBy(this.src, p + 1)}'`, p + 1);
    }
    const segs = r.segments;
    const t = this.tok('DQ', p, r.end, '');
    if (segs.length === 0) { t.type = 'STRING'; t.value = ''; return t; }
    if (segs.length === 1 && segs[0].kind === 'text') { t.type = 'STRING'; t.value = segs[0].value; return t; }
    t.segments = segs;
    return t;
  }

  /**
   * Scans interpolated text from `start` until `terminator` (or the end of input when it is
   * empty), splitting `$var` and `${...}` parts. `escapes` lists the escapes processed in text
   * parts (empty: none); `backslashProtects` makes `\$` and `\"` not end a part.
   */
  interpolate(start: number, terminator: string, escapes: string, warnEscapes: boolean, backslashProtects: boolean):
    { segments: Segment[]; end: number; closed: boolean } {
    const src = this.src;
    const segs: Segment[] = [];
    const term = terminator ? terminator.charCodeAt(0) : -1;
    let textStart = start;
    let i = start;
    const pushText = (from: number, to: number) => {
      if (to > from) {
        const value = escapes ? this.unescape(src.slice(from, to), escapes, warnEscapes, from) : src.slice(from, to);
        const last = segs[segs.length - 1];
        if (last && last.kind === 'text') { last.value += value; last.end = to; } else segs.push({ kind: 'text', value, start: from, end: to });
      }
    };
    const len = src.length;
    while (i < len) {
      const c = src.charCodeAt(i);
      if (c === 92 && backslashProtects) { i += 2; continue; }
      if (c === term) {
        pushText(textStart, i);
        return { segments: segs, end: i + 1, closed: true };
      }
      if (c === 36) { // $
        const d = src.charCodeAt(i + 1);
        if (d === 123) { // ${
          pushText(textStart, i);
          const r = this.lexUntilBrace(i + 2);
          segs.push({ kind: 'expr', tokens: r.tokens, start: i, end: r.end });
          i = textStart = r.end;
          continue;
        }
        let j = i + 1;
        if (d === 58 && src.charCodeAt(i + 2) === 58) j += 2;
        const e = scanQualifiedWord(src, j);
        if (e > j) {
          pushText(textStart, i);
          segs.push({ kind: 'var', name: src.slice(i + 1, e), start: i, end: e });
          i = textStart = e;
          continue;
        }
      }
      i++;
    }
    pushText(textStart, len);
    return { segments: segs, end: len, closed: term < 0 };
  }

  /** Lexes the tokens of `${ ... }` from `start` up to the balancing `}`; `end` is past it. */
  private lexUntilBrace(start: number): { tokens: Token[]; end: number } {
    const savedPos = this.pos, savedAfter = this.after, savedSpaced = this.spaced;
    this.pos = start;
    this.after = 'LBRACE';
    this.spaced = false;
    const tokens: Token[] = [];
    let depth = 0;
    let end = this.src.length;
    for (;;) {
      const t = this.next();
      if (t.type === 'EOF') {
        this.error('UNCLOSED_INTERPOLATION', "Unclosed interpolation '${' (a '}' is missing)", start - 2, start);
        tokens.push(t);
        break;
      }
      if (t.type === 'LBRACE') depth++;
      else if (t.type === 'RBRACE') {
        if (depth === 0) {
          end = t.end;
          tokens.push({ type: 'EOF', value: '', start: t.start, end: t.start, spaced: false });
          break;
        }
        depth--;
      }
      tokens.push(t);
    }
    this.pos = savedPos; this.after = savedAfter; this.spaced = savedSpaced;
    return { tokens, end };
  }

  /** Processes backslash escapes of a text part; unknown ones stay as written. */
  unescape(s: string, escapes: string, warn: boolean, at: number): string {
    if (!s.includes('\\')) return s;
    let out = '';
    let i = 0;
    while (i < s.length) {
      const b = s.indexOf('\\', i);
      if (b < 0 || b === s.length - 1) { out += s.slice(i); break; }
      out += s.slice(i, b);
      const ch = s[b + 1];
      if (ch === 'u' && escapes.includes('u')) {
        const m = /^u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]{1,6})\})/.exec(s.slice(b + 1, b + 11));
        const cp = m ? parseInt(m[1] ?? m[2], 16) : NaN;
        if (m && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff && m[2] !== undefined)) {
          out += String.fromCodePoint(cp);
          i = b + 1 + m[0].length;
          continue;
        }
        this.warning('ILLEGAL_UNICODE_ESCAPE', 'Unicode escape \\u was not followed by 4 hex digits or 1-6 hex digits in {} or was > 10ffff', at + b, at + b + 2);
        out += '\\u'; i = b + 2; continue;
      }
      if (ch === '\r' && s[b + 2] === '\n' && escapes.includes('\n')) { i = b + 3; continue; }
      if (escapes.includes(ch)) {
        switch (ch) {
          case 'r': out += '\r'; break;
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 's': out += ' '; break;
          case '\n': break;
          default: out += ch;
        }
      } else {
        if (warn) this.warning('UNRECOGNIZED_ESCAPE', `Unrecognized escape sequence '\\${ch}'`, at + b, at + b + 2);
        out += '\\' + ch;
      }
      i = b + 2;
    }
    return out;
  }

  private heredoc(p: number): Token {
    const r = scanHeredoc(this, p);
    if (!r) return this.tok('OTHER', p, p + 2);
    const t = this.tok('HEREDOC', p, r.specEnd, r.value ?? '');
    t.syntax = r.syntax;
    t.textStart = r.textStart;
    t.textEnd = r.textEnd;
    if (r.segments) t.segments = r.segments;
    return t;
  }

  // ---------------------------------------------------------------- EPP

  /** `%>` or `-%>`: ends Puppet code; what follows is template text. */
  private eppClose(p: number, end: number, trim: boolean): Token {
    const wasExpr = this.eppMode === 'expr';
    this.eppOpen = -1;
    this.pos = end;
    const closeTok: Token = { type: 'EPP_END', value: '', start: p, end, spaced: this.spaced };
    this.eppText(trim);
    if (wasExpr) return closeTok;
    return this.queue.shift() ?? this.scan();
  }

  /** Scans template text up to the next `<%` tag and queues RENDER_STRING / RENDER_EXPR. */
  private eppText(skipLeading: boolean): void {
    const src = this.src;
    let s = '';
    let i = this.pos;
    const start = i;
    let skip = skipLeading;
    for (;;) {
      const t = src.indexOf('<%', i);
      let part = src.slice(i, t < 0 ? src.length : t + 2);
      if (skip) { part = part.replace(/^[ \t]*\r?(?:\n|$)?/, ''); skip = false; }
      part = part.replace(/%%>/g, '%>');
      s += part;
      if (t < 0) {
        this.pos = src.length;
        // Puppet renders the trailing text even when trimming left it empty.
        if (start < src.length) this.queue.push({ type: 'RENDER_STRING', value: s, start, end: src.length, spaced: false });
        this.eppMode = 'epp';
        return;
      }
      const next = src.charCodeAt(t + 2);
      if (next === 37) { i = t + 3; continue; } // <%% is a literal <%
      if (next === 35) { // <%# comment %>
        s = s.slice(0, -2);
        // `<%#-` trims the whitespace before it on its line (Puppet 7).
        if (src.charCodeAt(t + 3) === 45) s = s.replace(/[ \t]*$/, '');
        let e = t + 3;
        for (;;) {
          const c = src.indexOf('%>', e);
          if (c < 0) { this.error('EPP_UNBALANCED_COMMENT', 'Reached end of template without finding the end of a comment (%>)', t, t + 3); e = -1; break; }
          if (c > t + 3 && src.charCodeAt(c - 1) === 37) { e = c + 2; continue; }
          e = c + 2;
          if (src.charCodeAt(c - 1) === 45) skip = true;
          break;
        }
        if (e < 0) { this.pos = src.length; if (s) this.queue.push({ type: 'RENDER_STRING', value: s, start, end: t, spaced: false }); return; }
        i = e;
        continue;
      }
      s = s.slice(0, -2);
      let codeStart = t + 2;
      let mode: 'epp' | 'expr' = 'epp';
      if (next === 45) { s = s.replace(/[ \t]*$/, ''); codeStart++; } else if (next === 61) { mode = 'expr'; codeStart++; }
      if (s) this.queue.push({ type: 'RENDER_STRING', value: s, start, end: t, spaced: false });
      if (mode === 'expr') this.queue.push({ type: 'RENDER_EXPR', value: '', start: t, end: codeStart, spaced: false });
      this.eppMode = mode;
      this.eppOpen = t;
      this.pos = codeStart;
      this.spaced = true;
      this.lineStart = codeStart;
      return;
    }
  }
}

/** End of `(\w+::)*\w+` starting at i (i when there is no word). */
export function scanQualifiedWord(src: string, i: number): number {
  let end = i;
  let j = i;
  for (;;) {
    const s = j;
    while (isWordChar(src.charCodeAt(j))) j++;
    if (j === s) break;
    end = j;
    if (src.charCodeAt(j) === 58 && src.charCodeAt(j + 1) === 58 && isWordChar(src.charCodeAt(j + 2))) { j += 2; continue; }
    break;
  }
  return end;
}

function unescapeSq(s: string): string {
  return s.includes('\\') ? s.replace(/\\([\\'])/g, '$1') : s;
}

/** Puppet's excerpt after an unclosed quote: five characters and '...', or <eof>. */
function followedBy(src: string, at: number): string {
  if (at >= src.length) return '<eof>';
  return (src.slice(at, at + 5) + '...').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
