// puppet.conf in INI form. The parse keeps every line (comments, blanks,
// order) so that `config set` can edit one value and write the rest back
// untouched. Values follow Puppet's reading: whole-line comments only (a
// `#` after a value is part of the value), one leading and one trailing quote
// stripped, a trailing `{owner = x, group = y, mode = 0640}` taken as file
// metadata.
import { KurokoError } from '../util/diagnostic.js';

export interface ConfLine {
  kind: 'blank' | 'comment' | 'section' | 'setting';
  raw: string;
  line: number;
  section?: string; // for 'section': its name; for 'setting': the section it is in
  name?: string;
  value?: string;
  /** File metadata given after the value. */
  meta?: FileMeta;
}

export interface FileMeta { owner?: string; group?: string; mode?: string }

export interface ConfFile {
  path: string;
  lines: ConfLine[];
}

/** The sections puppet.conf may have; Puppet refuses any other. */
export const ALLOWED_SECTIONS = ['main', 'server', 'master', 'agent', 'user'];

const SECTION_RE = /^\s*\[(\w+)\]\s*$/;
const SETTING_RE = /^\s*(\w+)\s*=\s*(.*?)\s*$/;
// `${name}` is interpolation, not metadata (Puppet itself fails on it; the issue asks for it).
const META_RE = /(?<!\$)\{\s*([^}]*=[^}]*?)\s*\}/;

export function parsePuppetConf(text: string, path: string): ConfFile {
  const lines: ConfLine[] = [];
  let section = 'main';
  const rows = text.split(/\r?\n/);
  if (rows.length && rows[rows.length - 1] === '') rows.pop();
  const fail = (message: string, line: number, column = 1) => new KurokoError(message, {
    code: 'KUR0101', location: { file: path, line, column }, sourceText: text,
  });
  rows.forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (t === '') { lines.push({ kind: 'blank', raw, line }); return; }
    if (t.startsWith('#') || t.startsWith(';')) { lines.push({ kind: 'comment', raw, line }); return; }
    const sm = SECTION_RE.exec(raw);
    if (sm) {
      if (!ALLOWED_SECTIONS.includes(sm[1])) {
        throw fail(`Illegal section '${sm[1]}' in puppet.conf; the only valid sections are [${ALLOWED_SECTIONS.join(', ')}]`, line, raw.indexOf('[') + 1);
      }
      section = sm[1] === 'master' ? 'server' : sm[1];
      lines.push({ kind: 'section', raw, line, section });
      return;
    }
    const m = SETTING_RE.exec(raw);
    if (m) {
      let value = m[2];
      let meta: FileMeta | undefined;
      const mm = META_RE.exec(value);
      if (mm) {
        meta = parseMeta(mm[1], (why) => fail(`${why} in the metadata of setting '${m[1]}'`, line, raw.indexOf('{') + 1));
        value = (value.slice(0, mm.index) + value.slice(mm.index + mm[0].length)).replace(/\s+$/, '');
      }
      value = unquote(value);
      lines.push({ kind: 'setting', raw, line, section, name: m[1], value, ...(meta ? { meta } : {}) });
      return;
    }
    throw fail(`Could not match line ${JSON.stringify(raw)}`, line, raw.length - raw.trimStart().length + 1);
  });
  return { path, lines };
}

/** Puppet's value translation: one leading and one trailing quote go, as does trailing space. */
export function unquote(value: string): string {
  return value.replace(/^["']|["']$/g, '').replace(/\s+$/, '');
}

/** How to write a value so that reading it back yields it unchanged. */
export function quoteIfNeeded(value: string): string {
  if (/[\r\n]/.test(value)) throw new KurokoError(`A setting value cannot span lines: ${JSON.stringify(value)}`, { code: 'KUR0102', value });
  // (Trailing space and `{owner = x}` cannot be written at all: Puppet's reading drops them.)
  return /^\s|^["']|["']$/.test(value) ? `"${value}"` : value;
}

function parseMeta(body: string, fail: (why: string) => KurokoError): FileMeta {
  const meta: FileMeta = {};
  for (const part of body.split(/\s*,\s*/)) {
    const p = /^\s*(\w+)\s*=\s*(\w+)\s*$/.exec(part);
    if (!p) throw fail(`Could not parse '${part.trim()}'`);
    const [, key, val] = p;
    if (key !== 'owner' && key !== 'group' && key !== 'mode') throw fail(`Invalid file option '${key}'`);
    if (key === 'mode' && !/^\d+$/.test(val)) throw fail('File modes must be numbers');
    meta[key] = val;
  }
  return meta;
}

/** Settings of a section as name → {value, line}. */
export function sectionValues(conf: ConfFile, section: string): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  for (const l of conf.lines) if (l.kind === 'setting' && l.section === section) out.set(l.name!, { value: l.value!, line: l.line });
  return out;
}

/**
 * Sets name = value in section, editing in place (keeping indentation and any
 * metadata) or appending to the section; returns the new text. `master` and
 * `server` are the same section.
 */
export function setInConf(conf: ConfFile, section: string, name: string, value: string): string {
  if (section === 'master') section = 'server';
  const written = quoteIfNeeded(value);
  const lines = conf.lines.map((l) => ({ ...l }));
  const existing = lines.filter((l) => l.kind === 'setting' && l.section === section && l.name === name);
  if (existing.length) {
    for (const l of existing) {
      const indent = /^\s*/.exec(l.raw)![0];
      const meta = l.meta ? ' {' + Object.entries(l.meta).map(([k, v]) => `${k} = ${v}`).join(', ') + '}' : '';
      l.raw = `${indent}${name} = ${written}${meta}`;
    }
  } else {
    // After the last non-blank line of the section (or in a new section at the end).
    let idx = -1;
    let inSection = section === 'main';
    let sectionSeen = section === 'main';
    let indent = '';
    lines.forEach((l, i) => {
      if (l.kind === 'section') { inSection = l.section === section; if (inSection) { sectionSeen = true; idx = i; } }
      else if (inSection && l.kind !== 'blank') {
        idx = i;
        if (l.kind === 'setting') indent = /^\s*/.exec(l.raw)![0];
      }
    });
    if (!sectionSeen) {
      if (lines.length && lines[lines.length - 1].kind !== 'blank') lines.push({ kind: 'blank', raw: '', line: 0 });
      lines.push({ kind: 'section', raw: `[${section}]`, line: 0, section });
      idx = lines.length - 1;
    }
    lines.splice(idx + 1, 0, { kind: 'setting', raw: `${indent}${name} = ${written}`, line: 0, section, name, value });
  }
  return lines.map((l) => l.raw).join('\n') + '\n';
}

/** Removes every `name = ...` line of a section; returns the new text, or undefined when there was none. */
export function deleteFromConf(conf: ConfFile, section: string, name: string): string | undefined {
  if (section === 'master') section = 'server';
  const keep = conf.lines.filter((l) => !(l.kind === 'setting' && l.section === section && l.name === name));
  if (keep.length === conf.lines.length) return undefined;
  return keep.map((l) => l.raw).join('\n') + (keep.length ? '\n' : '');
}
