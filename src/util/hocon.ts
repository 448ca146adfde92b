// A reader for the subset of HOCON that puppetserver's configuration files
// (auth.conf) and Hiera's hocon_data files use: objects and arrays, `key: value`, `key = value` and
// `key { ... }`, dotted keys, quoted and unquoted strings, numbers, booleans,
// null, `#` and `//` comments, commas or newlines between members, and
// duplicate object keys merged as HOCON does. Not supported (refused with a
// clear error): `include`, `${substitutions}`, `+=` and triple-quoted strings.
import { KurokoError } from './diagnostic.js';

export type HoconValue = null | boolean | number | string | HoconValue[] | { [k: string]: HoconValue };

class Reader {
  pos = 0;
  constructor(readonly text: string, readonly file: string) {}

  fail(message: string, at = this.pos): never {
    let line = 1, col = 1;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text[i] === '\n') { line++; col = 1; } else col++;
    }
    throw new KurokoError(message, { code: 'KUR0620', location: { file: this.file, line, column: col }, sourceText: this.text });
  }

  /** Skips blanks and comments; with `newlines` false, stops at a newline. */
  skip(newlines = true): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\ufeff') this.pos++;
      else if (c === '\n' && newlines) this.pos++;
      else if (c === '#' || (c === '/' && t[this.pos + 1] === '/')) { while (this.pos < t.length && t[this.pos] !== '\n') this.pos++; }
      else break;
    }
  }

  peek(): string { return this.text[this.pos] ?? ''; }
}

const UNQUOTED_STOP = new Set(['$', '"', '{', '}', '[', ']', ':', '=', ',', '+', '#', '`', '^', '?', '!', '@', '*', '&', '\\', '\n']);

function readQuoted(r: Reader): string {
  const start = r.pos;
  if (r.text.startsWith('"""', r.pos)) r.fail('Triple-quoted strings are not supported in this file');
  r.pos++; // opening quote
  let out = '';
  while (true) {
    const c = r.text[r.pos];
    if (c === undefined || c === '\n') r.fail('Unterminated string', start);
    r.pos++;
    if (c === '"') return out;
    if (c === '\\') {
      const e = r.text[r.pos++];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) out += simple[e];
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(r.text.slice(r.pos, r.pos + 4))) { out += String.fromCharCode(parseInt(r.text.slice(r.pos, r.pos + 4), 16)); r.pos += 4; }
      else r.fail(`Invalid escape \\${e ?? ''} in a string`, r.pos - 2);
    } else out += c;
  }
}

function readUnquoted(r: Reader, forKey: boolean): string {
  const start = r.pos;
  let out = '';
  while (r.pos < r.text.length) {
    const c = r.text[r.pos];
    if (UNQUOTED_STOP.has(c) && !(c === '*' && !forKey)) break;
    if (c === '/' && r.text[r.pos + 1] === '/') break;
    if (forKey && (c === ' ' || c === '\t')) break;
    out += c;
    r.pos++;
  }
  if (!out.trim()) r.fail(`Expected a ${forKey ? 'key' : 'value'}`, start);
  return forKey ? out : out.replace(/[ \t\r]+$/, '');
}

function readKey(r: Reader): string[] {
  const parts: string[] = [];
  let cur = '';
  for (;;) {
    if (r.peek() === '"') cur += readQuoted(r);
    else {
      const raw = readUnquoted(r, true);
      const segs = raw.split('.');
      cur += segs[0];
      for (const s of segs.slice(1)) { parts.push(cur); cur = s; }
    }
    if (r.peek() === '"') continue;
    break;
  }
  parts.push(cur);
  if (parts.some((p) => p === '')) r.fail('Empty key segment');
  return parts;
}

function readValue(r: Reader): HoconValue {
  r.skip();
  const c = r.peek();
  if (c === '{') return readObject(r, true);
  if (c === '[') return readArray(r);
  if (c === '"') return readQuoted(r);
  if (c === '$') r.fail('Substitutions (${...}) are not supported in this file');
  if (c === '' || c === '}' || c === ']' || c === ',') r.fail('Expected a value');
  const raw = readUnquoted(r, false);
  if (raw === 'true' || raw === 'yes' || raw === 'on') return raw === 'true' ? true : raw;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

function readArray(r: Reader): HoconValue[] {
  r.pos++; // [
  const out: HoconValue[] = [];
  for (;;) {
    r.skip();
    if (r.peek() === ']') { r.pos++; return out; }
    if (r.peek() === '') r.fail('Unterminated array');
    out.push(readValue(r));
    r.skip(false);
    if (r.peek() === ',') r.pos++;
    else if (r.peek() !== '\n' && r.peek() !== ']' && r.peek() !== '') r.fail(`Expected ',' or ']' in an array`);
  }
}

function merge(target: { [k: string]: HoconValue }, key: string, value: HoconValue): void {
  const prev = target[key];
  if (prev && typeof prev === 'object' && !Array.isArray(prev) && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) merge(prev, k, v);
  } else target[key] = value;
}

function readObject(r: Reader, braced: boolean): { [k: string]: HoconValue } {
  if (braced) r.pos++; // {
  const out: { [k: string]: HoconValue } = Object.create(null);
  for (;;) {
    r.skip();
    const c = r.peek();
    if (braced && c === '}') { r.pos++; return out; }
    if (c === '') { if (braced) r.fail('Unterminated object'); return out; }
    if (r.text.startsWith('include', r.pos) && /\s/.test(r.text[r.pos + 7] ?? '')) r.fail("'include' is not supported in this file");
    const keyAt = r.pos;
    const path = readKey(r);
    r.skip(false);
    let value: HoconValue;
    if (r.peek() === '{') value = readObject(r, true);
    else if (r.peek() === ':' || r.peek() === '=') { r.pos++; value = readValue(r); }
    else if (r.peek() === '+') r.fail("'+=' is not supported in this file");
    else r.fail(`Expected ':' or '=' after the key '${path.join('.')}'`, keyAt);
    let nested: HoconValue = value;
    for (const seg of path.slice(1).reverse()) nested = { [seg]: nested };
    merge(out, path[0], nested);
    r.skip(false);
    if (r.peek() === ',') r.pos++;
    else if (r.peek() !== '\n' && r.peek() !== '}' && r.peek() !== '') r.fail("Expected ',' or a new line between members");
  }
}

/** Parses a HOCON document (an object, braces optional at the root). */
export function parseHocon(text: string, file = '<string>'): { [k: string]: HoconValue } {
  const r = new Reader(text, file);
  r.skip();
  const braced = r.peek() === '{';
  const v = readObject(r, braced);
  r.skip();
  if (r.pos < text.length) r.fail('Unexpected text after the end of the document');
  return JSON.parse(JSON.stringify(v)); // plain prototypes
}
