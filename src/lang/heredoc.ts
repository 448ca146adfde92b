// Heredocs: `@(TAG:syntax/escapes)` opens one; its text starts on the next
// line (after any earlier heredoc of the same line) and ends at a line holding
// `[|] [-] TAG`. `|` sets the margin removed from every line, `-` drops the
// last line break, `"TAG"` turns on interpolation, `/flags` the escapes.
import type { Segment, Token } from './tokens.js';
import { Lexer, type OffsetMap } from './lexer.js';

const SPEC = /^@\(([^:/\r\n)]+)(?::[ \t]*([a-z][a-zA-Z0-9_+]+)[ \t]*)?(?:\/((?:\w|[$])*)[ \t]*)?\)$/;

export interface HeredocScan {
  /** Offset just past `@(...)`: lexing continues there, on the same line. */
  specEnd: number;
  /** The text lines in the source (without the end-tag line). */
  textStart?: number;
  textEnd?: number;
  syntax?: string;
  value?: string;
  segments?: Segment[];
}

export function scanHeredoc(lx: Lexer, p: number): HeredocScan | undefined {
  const src = lx.src;
  const close = src.indexOf(')', p);
  const nlAfter = src.indexOf('\n', p);
  if (close < 0 || (nlAfter >= 0 && nlAfter < close)) {
    lx.error('HEREDOC_UNCLOSED_PARENTHESIS', "Unclosed parenthesis after '@(' followed by '" + src.slice(p + 2, p + 20).split('\n')[0] + "'", p, p + 2);
    return undefined;
  }
  const m = SPEC.exec(src.slice(p, close + 1));
  if (!m) { lx.error('HEREDOC_INVALID_SYNTAX', 'Heredoc syntax specification has invalid syntax', p, close + 1); return undefined; }
  let tag = m[1].trim();
  let interpolating = false;
  const q = /^"(.*)"$/.exec(tag);
  if (q) { interpolating = true; tag = q[1].trim(); }
  if (!tag) { lx.error('HEREDOC_EMPTY_ENDTAG', 'Heredoc with an empty endtag', p, close + 1); return undefined; }
  let escapes = '';
  if (m[3] !== undefined) {
    const flags = m[3] || 'trnsuL$';
    escapes = '\\';
    const seen = new Set<string>();
    for (const f of flags) {
      if (seen.has(f)) { lx.error('HEREDOC_MULTIPLE_AT_ESCAPES', `An escape char for @() may only appear once. Got '${flags}'`, p, close + 1); break; }
      seen.add(f);
      if ('trnsu$'.includes(f)) escapes += f;
      else if (f === 'L') escapes += '\n';
      else lx.error('HEREDOC_INVALID_ESCAPE', `Invalid heredoc escape char. Only t, r, n, s, u, L, $ allowed. Got '${f}'`, p, close + 1);
    }
  }
  let bodyStart: number;
  if (lx.newlineJump >= 0) bodyStart = lx.newlineJump;
  else {
    const nl = src.indexOf('\n', close);
    if (nl < 0) { lx.error('HEREDOC_WITHOUT_TEXT', 'Heredoc without any following lines of text', p, close + 1); return undefined; }
    bodyStart = nl + 1;
  }
  const endRe = new RegExp(`^([ \\t]*)(?:(\\|)[ \\t]*)?(?:(-)[ \\t]*)?${escapeRe(tag)}[ \\t]*\\r?$`);
  const lines: { start: number; text: string }[] = [];
  let pos = bodyStart;
  let endMatch: RegExpExecArray | null = null;
  while (pos < src.length) {
    const e = src.indexOf('\n', pos);
    const lineEnd = e < 0 ? src.length : e + 1;
    const line = src.slice(pos, lineEnd);
    // Only lines that contain the tag can end the heredoc: a cheap test first.
    const mm = line.includes(tag) ? endRe.exec(line.endsWith('\n') ? line.slice(0, -1) : line) : null;
    if (mm) { endMatch = mm; pos = lineEnd; break; }
    lines.push({ start: pos, text: line });
    pos = lineEnd;
  }
  if (!endMatch) {
    lx.error('HEREDOC_WITHOUT_END_TAGGED_LINE', 'Heredoc without end-tagged line', bodyStart, bodyStart);
    lx.newlineJump = src.length;
    return { specEnd: close + 1, syntax: m[2], value: '' };
  }
  lx.newlineJump = pos;
  const leading = endMatch[1];
  const margins: number[] = [];
  let texts = lines.map((l) => l.text);
  if (endMatch[2] === '|' && leading.length > 0) {
    texts = texts.map((t, k) => {
      const cut = t.startsWith(leading) ? leading.length : 0;
      margins[k] = cut;
      return t.slice(cut);
    });
  } else for (let k = 0; k < texts.length; k++) margins[k] = 0;
  let text = texts.join('');
  if (endMatch[3] === '-') text = text.replace(/\r?\n$/, '');
  const textEnd = lines.length ? lines[lines.length - 1].start + lines[lines.length - 1].text.length : bodyStart;
  const result: HeredocScan = { specEnd: close + 1, syntax: m[2]?.toLowerCase(), textStart: bodyStart, textEnd };
  if (!interpolating) {
    result.value = escapes ? lx.unescape(text, escapes, false, bodyStart) : text;
    return result;
  }
  // Offsets in the margin-stripped text map back to the real source per line.
  const procStarts: number[] = [];
  let acc = 0;
  for (const t of texts) { procStarts.push(acc); acc += t.length; }
  const map: OffsetMap = (o) => {
    let lo = 0, hi = procStarts.length - 1;
    if (hi < 0) return bodyStart;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (procStarts[mid] <= o) lo = mid; else hi = mid - 1; }
    return lines[lo].start + margins[lo] + (o - procStarts[lo]);
  };
  const sub = new Lexer(lx.source, lx.diagnostics, text, map);
  const r = sub.interpolate(0, '', escapes, false, escapes.includes('$'));
  const segs = r.segments;
  relocateSegments(segs, map);
  if (segs.length === 0) result.value = '';
  else if (segs.length === 1 && segs[0].kind === 'text') result.value = segs[0].value;
  else result.segments = segs;
  return result;
}

function relocateSegments(segs: Segment[], map: OffsetMap): void {
  for (const s of segs) {
    s.start = map(s.start); s.end = map(s.end);
    if (s.kind === 'expr') relocateTokens(s.tokens, map);
  }
}

function relocateTokens(tokens: Token[], map: OffsetMap): void {
  for (const t of tokens) {
    t.start = map(t.start); t.end = map(t.end);
    if (t.segments) relocateSegments(t.segments, map);
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
