// A tokenizer for the Ruby that resource type files are written in. It only
// has to be good enough to find the type DSL's statements and block
// structure (do/def/if ... end) and to read literals: strings, symbols,
// regexps (with #{} interpolation kept as code), %w/%i/%r/%q forms, heredocs.
// Nothing here runs Ruby.

export type TokKind = 'id' | 'const' | 'ivar' | 'gvar' | 'kw' | 'sym' | 'label' | 'str' | 'regex' | 'num' | 'op' | 'nl' | 'words';

/** String and regexp bodies: literal text and `#{code}` pieces. */
export type Part = string | { code: string; line: number };

export interface Token {
  kind: TokKind;
  /** Identifier, keyword, operator or symbol name; the literal text of str without interpolation. */
  value: string;
  line: number;
  column: number;
  /** Whitespace came right before this token. */
  spaced: boolean;
  parts?: Part[];
  /** Regexp options (imxo...). */
  flags?: string;
  /** %w / %i items. */
  words?: string[];
  symbols?: boolean;
}

export class RubyLexError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) { super(message); }
}

const KEYWORDS = new Set([
  'alias', 'and', 'begin', 'break', 'case', 'class', 'def', 'defined?', 'do', 'else', 'elsif', 'end', 'ensure', 'false',
  'for', 'if', 'in', 'module', 'next', 'nil', 'not', 'or', 'redo', 'rescue', 'retry', 'return', 'self', 'super', 'then',
  'true', 'undef', 'unless', 'until', 'when', 'while', 'yield', '__FILE__', '__LINE__',
]);

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };
const OPS = ['**=', '<=>', '===', '...', '<<=', '>>=', '&&=', '||=', '**', '==', '!=', '>=', '<=', '&&', '||', '<<', '>>', '=~', '!~', '..', '::', '->', '=>',
  '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '&.'];

/** Tokens that end a value: after them `/` divides and `[` indexes. */
function endsValue(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'kw') return ['end', 'self', 'true', 'false', 'nil', '__FILE__'].includes(t.value);
  if (t.kind === 'op') return t.value === ')' || t.value === ']' || t.value === '}';
  return t.kind !== 'nl' && t.kind !== 'label';
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0, line = 1, lineStart = 0;
  const heredocs: { id: string; squiggly: boolean; dash: boolean; raw: boolean; tok: Token }[] = [];
  const col = () => i - lineStart + 1;
  const err = (m: string): never => { throw new RubyLexError(m, line, col()); };
  const push = (kind: TokKind, value: string, spaced: boolean, at: { line: number; column: number }, extra: Partial<Token> = {}) => {
    out.push({ kind, value, line: at.line, column: at.column, spaced, ...extra });
  };
  const newline = () => { line++; lineStart = i; };

  // Reads a delimited body (string, regexp, %-literal) with nesting and escapes; interpolates when asked.
  function body(close: string, open: string | undefined, interp: boolean, keepEscapes: boolean): Part[] {
    const parts: Part[] = [];
    let buf = '', depth = 0;
    const startLine = line, startCol = col() - 1;
    for (;;) {
      if (i >= src.length) throw new RubyLexError(`unterminated literal (no closing '${close}')`, startLine, startCol);
      const c = src[i];
      if (c === '\\') {
        const d = src[i + 1];
        if (keepEscapes) buf += c + d;
        else if (!interp) buf += d === close || d === '\\' || (open && d === open) ? d : c + d;
        else buf += ({ n: '\n', t: '\t', s: ' ', r: '\r', e: '\x1b', '0': '\0' } as Record<string, string>)[d] ?? d;
        if (d === '\n') { i += 2; newline(); continue; }
        i += 2;
        continue;
      }
      if (interp && c === '#' && src[i + 1] === '{') {
        if (buf) parts.push(buf);
        buf = '';
        const codeLine = line;
        i += 2;
        let d = 1, code = '';
        while (i < src.length && d > 0) {
          const x = src[i];
          if (x === '{') d++;
          else if (x === '}') { d--; if (d === 0) break; }
          if (x === '\n') { code += x; i++; newline(); continue; }
          code += x;
          i++;
        }
        i++;
        parts.push({ code, line: codeLine });
        continue;
      }
      if (open && c === open) depth++;
      else if (c === close) {
        if (depth === 0) { i++; break; }
        depth--;
      }
      if (c === '\n') { buf += c; i++; newline(); continue; }
      buf += c;
      i++;
    }
    if (buf || parts.length === 0) parts.push(buf);
    return parts;
  }
  const text = (parts: Part[]) => parts.map((p) => (typeof p === 'string' ? p : '')).join('');

  while (i < src.length) {
    const c = src[i];
    const spaced = i > 0 && /[ \t\\\n]/.test(src[i - 1]);
    const at = { line, column: col() };
    if (c === '\n') {
      i++;
      newline();
      if (heredocs.length) {
        for (const h of heredocs) {
          const lines: string[] = [];
          for (;;) {
            if (i >= src.length) err(`unterminated heredoc ${h.id}`);
            const e = src.indexOf('\n', i);
            const l = src.slice(i, e < 0 ? src.length : e);
            i = e < 0 ? src.length : e + 1;
            newline();
            if ((h.dash || h.squiggly ? l.trim() : l) === h.id) break;
            lines.push(l);
          }
          let ls = lines;
          if (h.squiggly) {
            const ind = Math.min(...ls.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
            ls = ls.map((l) => l.slice(Number.isFinite(ind) ? ind : 0));
          }
          h.tok.value = ls.map((l) => l + '\n').join('');
          h.tok.parts = [h.tok.value];
        }
        heredocs.length = 0;
      }
      const last = out[out.length - 1];
      if (last && last.kind !== 'nl') push('nl', '\n', false, at);
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '\\' && src[i + 1] === '\n') { i += 2; newline(); continue; }
    if (c === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '=' && i === lineStart && src.startsWith('=begin', i)) {
      const e = src.indexOf('\n=end', i);
      const stop = e < 0 ? src.length : e + 5;
      for (let k = i; k < stop; k++) if (src[k] === '\n') { line++; lineStart = k + 1; }
      i = stop;
      continue;
    }
    if (i === lineStart && src.startsWith('__END__', i)) break;
    const prev = out[out.length - 1];
    // Identifiers, constants, keywords, labels (`key:`).
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /\w/.test(src[j])) j++;
      if ((src[j] === '?' || src[j] === '!') && src[j + 1] !== '=' ) j++;
      else if (src[j] === '?' && src[j + 1] === '=' && src[j + 2] === '=') j++;
      const w = src.slice(i, j);
      i = j;
      if (src[i] === ':' && src[i + 1] !== ':' && !(prev?.kind === 'op' && prev.value === '?')) { i++; push('label', w, spaced, at); continue; }
      if (KEYWORDS.has(w) && !(prev?.kind === 'op' && (prev.value === '.' || prev.value === '&.'))) push('kw', w, spaced, at);
      else push(/^[A-Z]/.test(w) ? 'const' : 'id', w, spaced, at);
      continue;
    }
    if (c === '@' || c === '$') {
      let j = i + 1;
      if (src[j] === '@') j++;
      while (j < src.length && /[\w!?~&*$0-9]/.test(src[j]) && !(c === '$' && j > i + 1 && !/\w/.test(src[j]))) j++;
      push(c === '@' ? 'ivar' : 'gvar', src.slice(i, j), spaced, at);
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(0[xXbBoO]?[0-9a-fA-F_]*|[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9]+)?)/.exec(src.slice(i))!;
      push('num', m[0].replace(/_/g, ''), spaced, at);
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === '`') {
      i++;
      const parts = body(c, undefined, true, false);
      push('str', text(parts), spaced, at, { parts });
      continue;
    }
    if (c === "'") {
      i++;
      const parts = body("'", undefined, false, false);
      push('str', text(parts), spaced, at, { parts });
      continue;
    }
    if (c === ':' && src[i + 1] !== ':' && !(src[i + 1] === ' ' || src[i + 1] === '\n')) {
      const n = src[i + 1];
      if (n === '"' || n === "'") {
        i += 2;
        const parts = body(n, undefined, n === '"', false);
        push('sym', text(parts), spaced, at);
        continue;
      }
      const m = /^(\[\]=?|[A-Za-z_]\w*[?!=]?|<=>|===?|=~|!=|<=|>=|<<|>>|\*\*|[+\-*\/%<>!~^&|])/.exec(src.slice(i + 1));
      if (m && !(endsValue(prev) && prev?.kind !== 'id' && !spaced)) {
        // `a ? b :c` is rare in type files; a symbol is what `:x` nearly always is.
        push('sym', m[0], spaced, at);
        i += 1 + m[0].length;
        continue;
      }
    }
    if (c === '%' && /[wWiIqQr({\[<|!\/]/.test(src[i + 1] ?? '') && !(endsValue(prev) && (!spaced || src[i + 2] === ' '))) {
      let kind = src[i + 1];
      let j = i + 2;
      if (!/[A-Za-z]/.test(kind)) { kind = 'Q'; j = i + 1; }
      const open = src[j];
      const close = CLOSERS[open] ?? open;
      i = j + 1;
      const nestOpen = CLOSERS[open] ? open : undefined;
      if (kind === 'w' || kind === 'W' || kind === 'i' || kind === 'I') {
        const parts = body(close, nestOpen, false, false);
        const words = text(parts).split(/\s+/).filter(Boolean);
        push('words', '', spaced, at, { words, symbols: kind === 'i' || kind === 'I' });
      } else if (kind === 'r') {
        const parts = body(close, nestOpen, true, true);
        let flags = '';
        while (/[imxonesu]/.test(src[i] ?? '')) flags += src[i++];
        push('regex', text(parts), spaced, at, { parts, flags });
      } else {
        const parts = body(close, nestOpen, kind !== 'q', false);
        push('str', text(parts), spaced, at, { parts });
      }
      continue;
    }
    if (c === '/' && (!endsValue(prev) || (prev?.kind === 'id' && spaced && src[i + 1] !== ' ' && src[i + 1] !== '='))) {
      i++;
      const parts = body('/', undefined, true, true);
      let flags = '';
      while (/[imxonesu]/.test(src[i] ?? '')) flags += src[i++];
      push('regex', text(parts), spaced, at, { parts, flags });
      continue;
    }
    if (c === '<' && src[i + 1] === '<' && /[-~A-Z"'_]/.test(src[i + 2] ?? '') && !(endsValue(prev) && prev?.kind !== 'id' && prev?.kind !== 'kw')) {
      const m = /^<<([-~]?)(["']?)([A-Za-z_]\w*)\2/.exec(src.slice(i));
      if (m) {
        const tok: Token = { kind: 'str', value: '', line: at.line, column: at.column, spaced, parts: [''] };
        out.push(tok);
        heredocs.push({ id: m[3], dash: m[1] === '-', squiggly: m[1] === '~', raw: m[2] === "'", tok });
        i += m[0].length;
        continue;
      }
    }
    if (c === '?' && /[A-Za-z_]/.test(src[i + 1] ?? '') && !/\w/.test(src[i + 2] ?? '') && !endsValue(prev)) {
      push('str', src[i + 1], spaced, at, { parts: [src[i + 1]] });
      i += 2;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { push('op', op, spaced, at); i += op.length; continue; }
    if (c === ';') { if (prev && prev.kind !== 'nl') push('nl', ';', spaced, at); i++; continue; }
    push('op', c, spaced, at);
    i++;
  }
  return out;
}
