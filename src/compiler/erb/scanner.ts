// ERB's own scanner and compiler, ported from Ruby 3.1's erb.rb
// (ExplicitScanner, the one trim mode '-' selects), so that text, tags and
// trimming split exactly as Ruby's does. Instead of Ruby source with
// `_erbout.<< "text".freeze` we produce the same lines with placeholders:
// "\x00N\x00" puts text chunk N, "\x01(code)" inserts the value of code.
// Line structure is kept, so a line in the result is a line of the template.

export interface ErbSource {
  /** The Ruby program with placeholders (see above). */
  code: string;
  /** Literal text chunks, indexed by the placeholders. */
  texts: string[];
}

export const TEXT_MARK = '\x00';
export const INSERT_MARK = '\x01';

type Tok = string | 1; // 1 = :cr

function* scan(src: string): Generator<Tok> {
  let pos = 0;
  let inTag = false;
  const n = src.length;
  while (pos < n) {
    if (!inTag) {
      // /(.*?)(^[ \t]*<%-|<%-|<%%|<%=|<%#|<%|\z)/m; `^` also matches where the scan starts.
      let c = src.indexOf('<%', pos);
      if (c < 0) {
        yield src.slice(pos);
        pos = n;
        break;
      }
      let start = c;
      let tag: string;
      if (src[c + 2] === '-') {
        let b = c;
        while (b > pos && (src[b - 1] === ' ' || src[b - 1] === '\t')) b--;
        if (b === pos || src[b - 1] === '\n') start = b;
        tag = '<%-';
      } else if (src[c + 2] === '%' || src[c + 2] === '=' || src[c + 2] === '#') {
        tag = src.slice(c, c + 3);
      } else {
        tag = '<%';
      }
      yield src.slice(pos, start);
      pos = c + tag.length;
      if (tag === '<%-') yield '<%';
      else yield tag;
      // The scanner itself does not track state; the compiler sets it (see below).
      inTag = tag !== '<%%';
    } else {
      // /(.*?)(-%>|%%>|%>|\z)/m
      const c = src.indexOf('%>', pos);
      if (c < 0) {
        yield src.slice(pos);
        pos = n;
        break;
      }
      if (c - 1 >= pos && src[c - 1] === '-') {
        yield src.slice(pos, c - 1);
        pos = c + 2;
        yield '%>';
        inTag = false;
        if (src.startsWith('\r\n', pos)) { pos += 2; yield 1; }
        else if (src[pos] === '\n') { pos += 1; yield 1; }
        else if (pos >= n) yield 1;
      } else if (c - 1 >= pos && src[c - 1] === '%') {
        yield src.slice(pos, c - 1);
        pos = c + 2;
        yield '%%>';
      } else {
        yield src.slice(pos, c);
        pos = c + 2;
        yield '%>';
        inTag = false;
      }
    }
  }
}

export function compileErbSource(src: string): ErbSource {
  const texts: string[] = [];
  let script = '';
  let line: string[] = [];
  const push = (s: string) => line.push(s);
  const cr = () => {
    script += line.join('; ') + '\n';
    line = [];
  };
  const putText = (s: string) => {
    texts.push(s);
    let nl = 0;
    for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) nl++;
    push(TEXT_MARK + (texts.length - 1) + TEXT_MARK + '\n'.repeat(nl));
  };
  let content = '';
  let stag: string | null = null;
  for (const token of scan(src)) {
    if (token === '') continue;
    if (stag === null) {
      if (token === 1) cr();
      else if (token === '<%' || token === '<%=' || token === '<%#') {
        stag = token;
        if (content.length > 0) putText(content);
        content = '';
      } else if (token === '<%%') content += '<%';
      else content += token;
    } else {
      if (token === '%>') {
        if (stag === '<%') {
          if (content.endsWith('\n')) {
            push(content.slice(0, -1));
            cr();
          } else push(content);
        } else if (stag === '<%=') {
          push(INSERT_MARK + '(' + content + ')');
        }
        stag = null;
        content = '';
      } else if (token === '%%>') content += '%>';
      else if (token === 1) cr();
      else content += token;
    }
  }
  if (content.length > 0) putText(content);
  script += line.join('; ');
  return { code: script, texts };
}
