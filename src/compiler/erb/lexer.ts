// Tokens of the Ruby subset templates use. Ruby's grammar depends on
// context (is `/` a regexp or a division? `:x` a symbol?); like Ruby we
// decide from the previous token and the spacing around.
import { TEXT_MARK, INSERT_MARK } from './scanner.js';

export type TokType =
  | 'int' | 'float' | 'str' | 'xsym' | 'sym' | 'regex' | 'words' | 'ident' | 'const' | 'ivar' | 'gvar'
  | 'kw' | 'op' | 'nl' | 'text' | 'insert' | 'label' | 'eof';

/** A piece of a string literal: text, or code interpolated with #{}. */
export type StrPart = string | { code: string; line: number };

export interface Token {
  t: TokType;
  v: string;
  line: number;
  /** Whitespace before the token. */
  sp: boolean;
  num?: number;
  parts?: StrPart[];
  words?: StrPart[][];
  /** Regexp options, or 'i' for %i[] symbol word lists. */
  opts?: string;
}

export class LexError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

const KEYWORDS = new Set([
  'if', 'unless', 'elsif', 'else', 'end', 'while', 'until', 'for', 'in', 'do', 'then', 'case', 'when', 'begin',
  'rescue', 'ensure', 'and', 'or', 'not', 'nil', 'true', 'false', 'self', 'def', 'class', 'module', 'return',
  'next', 'break', 'redo', 'retry', 'yield', 'super', 'defined?', '__FILE__', '__LINE__', 'alias', 'undef',
  'BEGIN', 'END', '__method__',
]);
// After these keywords a value is complete (so `/` divides, newline ends).
const VALUE_KW = new Set(['end', 'self', 'nil', 'true', 'false', '__FILE__', '__LINE__']);

const OPS = [
  '**=', '<=>', '===', '...', '<<=', '>>=', '&&=', '||=',
  '**', '==', '!=', '>=', '<=', '&&', '||', '<<', '>>', '=~', '!~', '..', '::', '->', '=>', '+=', '-=', '*=', '/=',
  '%=', '|=', '&=', '^=', '&.',
  '+', '-', '*', '/', '%', '=', '<', '>', '!', '&', '|', '^', '~', '?', ':', ',', '.', '(', ')', '[', ']', '{', '}',
];
// A newline after one of these continues the expression.
const CONTINUE_OPS = new Set(OPS.filter((o) => !['(', ')', ']', '}', '?', ':', '!', '~'].includes(o)).concat(['(', '?']));

const isIdentStart = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  return (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || x === 95 || x >= 0x80;
};
const isIdentChar = (c: string | undefined): boolean => isIdentStart(c) || (c !== undefined && c >= '0' && c <= '9');
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
// Operators by first character, longest first.
const OPS_BY_CHAR = new Map<string, string[]>();
/** Matches `re` (sticky) at `pos`. */
function matchAt(re: RegExp, src: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(src);
}
const RE_RADIX = /0([xXbBoO])([0-9a-fA-F_]+)/y;
const RE_NUMBER = /\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?/y;
const RE_OPSYM = /(\[\]=?|<=>|===?|=~|!=|<<|>>|<=|>=|\*\*|[+\-*\/%<>!~])/y;
const RE_PERCENT = /%([qQwWiIr]?)([^A-Za-z0-9\s])/y;
const RE_HEREDOC = /<<([~-]?)(['"]?)([A-Za-z_]\w*)\2/y;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

for (const o of OPS) {
  const l = OPS_BY_CHAR.get(o[0]) ?? [];
  l.push(o);
  OPS_BY_CHAR.set(o[0], l);
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };

export function tokenize(src: string, firstLine = 1): Token[] {
  const toks: Token[] = [];
  let pos = 0;
  let line = firstLine;
  let sp = false;
  let ternary = 0;
  const n = src.length;

  const prev = (): Token | undefined => toks[toks.length - 1];
  const valueExpected = (): boolean => {
    const p = prev();
    if (!p) return true;
    switch (p.t) {
      case 'nl': case 'insert': case 'text': case 'label': return true;
      case 'kw': return !VALUE_KW.has(p.v);
      case 'op': return p.v !== ')' && p.v !== ']' && p.v !== '}';
      default: return false;
    }
  };
  // `foo /x/` or `foo -1`: an identifier followed by a space, then no space: an argument starts.
  const argStart = (): boolean => {
    const p = prev();
    return !!p && p.t === 'ident' && sp && pos + 1 < n && !isSpace(src[pos + 1]);
  };
  const push = (t: TokType, v: string, extra?: Partial<Token>) => {
    const tok: Token = { t, v, line, sp };
    if (extra) Object.assign(tok, extra);
    toks.push(tok);
    sp = false;
  };
  const fail = (msg: string): never => {
    throw new LexError(msg, line);
  };

  // Reads a string body up to `close` (nesting `open`), with escapes and #{} when `interp`.
  const readString = (open: string, close: string, interp: boolean, regex = false): StrPart[] => {
    const parts: StrPart[] = [];
    let buf = '';
    let depth = 0;
    for (;;) {
      if (pos >= n) fail('unterminated string or regexp literal');
      const c = src[pos];
      if (c === close && depth === 0) {
        pos++;
        break;
      }
      if (open !== close && c === open) depth++;
      if (open !== close && c === close) depth--;
      if (c === '\n') line++;
      if (c === '\\') {
        const d = src[pos + 1];
        if (regex) {
          // Regexps keep escapes for the regexp engine, except an escaped delimiter.
          if (d === close || d === open) buf += d === '/' ? '\\/' : d;
          else buf += c + d;
          if (d === '\n') line++;
          pos += 2;
          continue;
        }
        if (!interp) {
          buf += d === close || d === '\\' || (d === open && open !== close) ? d : c + d;
          pos += 2;
          continue;
        }
        pos += 2;
        buf += readEscape(d);
        continue;
      }
      if (interp && c === '#' && src[pos + 1] === '{') {
        if (buf) parts.push(buf);
        buf = '';
        pos += 2;
        const start = pos;
        const startLine = line;
        let level = 1;
        while (pos < n && level > 0) {
          const x = src[pos];
          if (x === '{') level++;
          else if (x === '}') level--;
          else if (x === '\n') line++;
          else if (x === '"' || x === "'") {
            // skip a nested quoted string so its braces do not count
            pos++;
            while (pos < n && src[pos] !== x) pos += src[pos] === '\\' ? 2 : 1;
          }
          pos++;
        }
        if (level > 0) fail('unterminated #{} in string');
        parts.push({ code: src.slice(start, pos - 1), line: startLine });
        continue;
      }
      if (interp && c === '#' && (src[pos + 1] === '@' || src[pos + 1] === '$') && isIdentStart(src[pos + 2])) {
        if (buf) parts.push(buf);
        buf = '';
        let e = pos + 2;
        while (isIdentChar(src[e])) e++;
        parts.push({ code: src.slice(pos + 1, e), line });
        pos = e;
        continue;
      }
      buf += c;
      pos++;
    }
    if (buf || parts.length === 0) parts.push(buf);
    return parts;
  };

  const readEscape = (d: string): string => {
    switch (d) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'e': return '\x1b';
      case 's': return ' ';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case '0': return '\0';
      case '\n': line++; return '';
      case 'u': {
        if (src[pos] === '{') {
          const e = src.indexOf('}', pos);
          const cps = src.slice(pos + 1, e).trim().split(/\s+/).map((h) => parseInt(h, 16));
          pos = e + 1;
          return String.fromCodePoint(...cps);
        }
        const h = src.slice(pos, pos + 4);
        pos += 4;
        return String.fromCharCode(parseInt(h, 16));
      }
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(src.slice(pos, pos + 2));
        if (!m) fail('invalid hex escape');
        pos += m![0].length;
        return String.fromCharCode(parseInt(m![0], 16));
      }
      default: return d;
    }
  };

  // A heredoc's body follows the line it starts on: skip it when that line ends.
  let skipAt = -1, skipTo = -1, skipLines = 0;
  const readHeredoc = (m: RegExpExecArray): void => {
    const [all, kind, quote, id] = m;
    pos += all.length;
    if (skipAt >= 0) fail('heredoc');
    const nl = src.indexOf('\n', pos);
    if (nl < 0) fail('unterminated heredoc');
    const lines: string[] = [];
    let q = nl + 1;
    for (;;) {
      if (q > n) fail(`heredoc ${id} without its terminator`);
      let e = src.indexOf('\n', q);
      if (e < 0) e = n;
      const l = src.slice(q, e);
      q = e + 1;
      if ((kind ? l.trim() : l) === id) break;
      lines.push(l + '\n');
    }
    let body = lines;
    if (kind === '~') {
      const ind = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
      body = lines.map((l) => l.slice(Number.isFinite(ind) ? ind : 0));
    }
    const text = body.join('');
    let parts: StrPart[];
    if (quote === "'") parts = [text];
    else {
      const sub = tokenize('"' + text.replace(/\\|"/g, (x) => (x === '"' ? '\\"' : x)) + '"', line + 1);
      parts = sub[0].parts!;
    }
    push('str', quote === "'" ? "'" : '"', { parts });
    skipAt = nl;
    skipLines += lines.length + 1;
    skipTo = Math.min(q, n);
  };

  while (pos < n) {
    const c = src[pos];
    if (pos === skipAt) {
      // End of the line that opened heredocs: continue after their bodies.
      pos = skipTo - 1;
      line += skipLines;
      skipAt = -1;
      skipLines = 0;
      if (src[pos] !== '\n') {
        pos++;
        continue;
      }
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      pos++;
      sp = true;
      continue;
    }
    if (c === '\\' && src[pos + 1] === '\n') {
      pos += 2;
      line++;
      sp = true;
      continue;
    }
    if (c === '#') {
      while (pos < n && src[pos] !== '\n') pos++;
      continue;
    }
    if (c === '\n' || c === ';') {
      pos++;
      const p = prev();
      if (c === '\n') {
        line++;
        // A line starting with `.meth` continues the previous one.
        let q = pos;
        while (q < n && (src[q] === ' ' || src[q] === '\t' || src[q] === '\r')) q++;
        if ((src[q] === '.' && src[q + 1] !== '.') || (src[q] === '&' && src[q + 1] === '.')) {
          sp = true;
          continue;
        }
      }
      if (!p || p.t === 'nl' || (p.t === 'op' && CONTINUE_OPS.has(p.v) && !(c === ';' && p.v === '|')) ||
          (p.t === 'kw' && (p.v === 'and' || p.v === 'or' || p.v === 'not'))) {
        sp = true;
        continue;
      }
      push('nl', c);
      continue;
    }
    if (c === TEXT_MARK) {
      const e = src.indexOf(TEXT_MARK, pos + 1);
      push('text', src.slice(pos + 1, e));
      pos = e + 1;
      continue;
    }
    if (c === INSERT_MARK) {
      push('insert', '');
      pos++;
      continue;
    }
    if (isDigit(c) || ((c === '-' || c === '+') && isDigit(src[pos + 1]) && (valueExpected() || argStart()))) {
      let e = pos + (c === '-' || c === '+' ? 1 : 0);
      let text: string;
      if (src[e] === '0' && /[xXbBoO]/.test(src[e + 1] ?? '')) {
        const m = matchAt(RE_RADIX, src, e)!;
        const base = /[xX]/.test(m[1]) ? 16 : /[bB]/.test(m[1]) ? 2 : 8;
        const v = parseInt(m[2].replace(/_/g, ''), base) * (c === '-' ? -1 : 1);
        pos = e + m[0].length;
        push('int', String(v), { num: v });
        continue;
      }
      const m = matchAt(RE_NUMBER, src, e)!;
      text = src.slice(pos, e + m[0].length).replace(/_/g, '');
      pos = e + m[0].length;
      if (m[1] || m[2]) push('float', text, { num: parseFloat(text) });
      else if (/^[+-]?0\d/.test(text)) push('int', text, { num: parseInt(text, 8) });
      else push('int', text, { num: parseInt(text, 10) });
      continue;
    }
    if (c === '@') {
      let e = pos + 1;
      if (src[e] === '@') fail('class variables (@@) are not supported');
      while (isIdentChar(src[e])) e++;
      push('ivar', src.slice(pos + 1, e));
      pos = e;
      continue;
    }
    if (c === '$') {
      let e = pos + 1;
      if (isDigit(src[e])) while (isDigit(src[e])) e++;
      else if (/[~&`'!@\/\\;,.<>_0*$?:"]/.test(src[e] ?? '') && !isIdentChar(src[e + 1])) e++;
      else while (isIdentChar(src[e])) e++;
      push('gvar', src.slice(pos + 1, e));
      pos = e;
      continue;
    }
    if (isIdentStart(c)) {
      let e = pos;
      while (isIdentChar(src[e])) e++;
      if ((src[e] === '?' || src[e] === '!') && src[e + 1] !== '=' ) e++;
      else if ((src[e] === '?' || src[e] === '!') && src[e + 1] === '=' && src[e + 2] === '=') e++;
      let word = src.slice(pos, e);
      const p = prev();
      const afterDot = p && p.t === 'op' && (p.v === '.' || p.v === '&.' || (p.v === '::' && !/^[A-Z]/.test(word)));
      if (src[e] === ':' && src[e + 1] !== ':' && !afterDot && ternary === 0 && !word.endsWith('?')) {
        pos = e + 1;
        push('label', word);
        continue;
      }
      pos = e;
      if (word === 'defined' && src[e] === '?') {
        word = 'defined?';
        pos++;
      }
      if (!afterDot && KEYWORDS.has(word)) push('kw', word);
      else if (/^[A-Z]/.test(word)) push('const', word);
      else push('ident', word);
      continue;
    }
    if (c === '"' || c === '`') {
      pos++;
      const parts = readString(c, c, true);
      if (src[pos] === ':' && src[pos + 1] !== ':' && ternary === 0 && parts.length === 1 && typeof parts[0] === 'string') {
        pos++;
        push('label', parts[0]);
        continue;
      }
      push('str', '"', { parts });
      continue;
    }
    if (c === "'") {
      pos++;
      const parts = readString("'", "'", false);
      push('str', "'", { parts });
      continue;
    }
    if (c === ':' && src[pos + 1] === "'") {
      pos += 2;
      push('sym', (readString("'", "'", false) as string[]).join(''));
      continue;
    }
    if (c === ':' && src[pos + 1] === '"') {
      pos += 2;
      push('xsym', '', { parts: readString('"', '"', true) });
      continue;
    }
    if (c === ':' && (isIdentStart(src[pos + 1])) && (valueExpected() || (sp && !isSpace(src[pos + 1])) || ternary === 0)) {
      let e = pos + 1;
      while (isIdentChar(src[e])) e++;
      if (src[e] === '?' || src[e] === '!' || (src[e] === '=' && src[e + 1] !== '>' && src[e + 1] !== '=')) e++;
      push('sym', src.slice(pos + 1, e));
      pos = e;
      continue;
    }
    const opSym = c === ':' && (valueExpected() || sp) && !isSpace(src[pos + 1]) ? matchAt(RE_OPSYM, src, pos + 1) : null;
    if (opSym) {
      const m = opSym;
      push('sym', m[1]);
      pos += 1 + m[1].length;
      continue;
    }
    if (c === '/' && (valueExpected() || argStart())) {
      pos++;
      const parts = readString('/', '/', true, true);
      let e = pos;
      while (/[imxounse]/.test(src[e] ?? '')) e++;
      push('regex', '/', { parts, opts: src.slice(pos, e) });
      pos = e;
      continue;
    }
    if (c === '%' && (valueExpected() || argStart())) {
      const m = matchAt(RE_PERCENT, src, pos);
      if (m) {
        const kind = m[1];
        const open = m[2];
        const close = CLOSERS[open] ?? open;
        pos += m[0].length;
        if (kind === 'w' || kind === 'W' || kind === 'i' || kind === 'I') {
          const body = readString(open, close, kind === 'W' || kind === 'I');
          // Split the literal text on whitespace; interpolations join their word.
          const words: StrPart[][] = [];
          let cur: StrPart[] = [];
          let curStr = '';
          const flush = () => {
            if (curStr) cur.push(curStr);
            curStr = '';
            if (cur.length) words.push(cur);
            cur = [];
          };
          for (const part of body) {
            if (typeof part !== 'string') {
              if (curStr) cur.push(curStr);
              curStr = '';
              cur.push(part);
              continue;
            }
            for (let i = 0; i < part.length; i++) {
              const ch = part[i];
              if (/\s/.test(ch)) flush();
              else if (ch === '\\' && i + 1 < part.length) curStr += part[++i];
              else curStr += ch;
            }
          }
          flush();
          push('words', kind, { words, opts: kind.toLowerCase() === 'i' ? 'i' : '' });
          continue;
        }
        if (kind === 'r') {
          const parts = readString(open, close, true, true);
          let e = pos;
          while (/[imxounse]/.test(src[e] ?? '')) e++;
          push('regex', '/', { parts, opts: src.slice(pos, e) });
          pos = e;
          continue;
        }
        push('str', kind === 'q' ? "'" : '"', { parts: readString(open, close, kind !== 'q') });
        continue;
      }
    }
    if (c === '?' && valueExpected() && pos + 1 < n && !isSpace(src[pos + 1]) && !isIdentChar(src[pos + 2])) {
      push('str', "'", { parts: [src[pos + 1]] });
      pos += 2;
      continue;
    }
    if (c === '<' && src[pos + 1] === '<' && (valueExpected() || argStart())) {
      const m = matchAt(RE_HEREDOC, src, pos);
      if (m) {
        readHeredoc(m);
        continue;
      }
    }
    if (c === '=' && src.startsWith('=begin', pos) && (pos === 0 || src[pos - 1] === '\n')) {
      const e = src.indexOf('\n=end', pos);
      if (e < 0) fail('unterminated =begin');
      for (let i = pos; i < e + 5; i++) if (src[i] === '\n') line++;
      pos = e + 5;
      while (pos < n && src[pos] !== '\n') pos++;
      continue;
    }
    let op: string | undefined;
    for (const o of OPS_BY_CHAR.get(c) ?? []) {
      if (src.startsWith(o, pos)) {
        op = o;
        break;
      }
    }
    if (!op) fail(`unexpected character ${JSON.stringify(c)}`);
    pos += op!.length;
    if (op === '?') ternary++;
    else if (op === ':' && ternary > 0) ternary--;
    push('op', op!);
  }
  push('eof', '');
  return toks;
}
