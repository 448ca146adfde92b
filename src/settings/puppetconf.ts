// puppet.conf in INI form. The parse keeps every line (comments, blanks,
// order) so that `config set` can edit one value and write the rest back
// untouched.
import { KurokoError } from '../util/diagnostic.js';

export interface ConfLine {
  kind: 'blank' | 'comment' | 'section' | 'setting';
  raw: string;
  line: number;
  section?: string; // for 'section': its name; for 'setting': the section it is in
  name?: string;
  value?: string;
}

export interface ConfFile {
  path: string;
  lines: ConfLine[];
}

const SECTION_RE = /^\s*\[([A-Za-z0-9_.-]+)\]\s*(?:[#;].*)?$/;
const SETTING_RE = /^\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$/;

export function parsePuppetConf(text: string, path: string): ConfFile {
  const lines: ConfLine[] = [];
  let section = 'main';
  const rows = text.split(/\r?\n/);
  if (rows.length && rows[rows.length - 1] === '') rows.pop();
  rows.forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (t === '') { lines.push({ kind: 'blank', raw, line }); return; }
    if (t.startsWith('#') || t.startsWith(';')) { lines.push({ kind: 'comment', raw, line }); return; }
    const sm = SECTION_RE.exec(raw);
    if (sm) {
      section = sm[1] === 'master' ? 'server' : sm[1];
      lines.push({ kind: 'section', raw, line, section });
      return;
    }
    const m = SETTING_RE.exec(raw);
    if (m) {
      let value = m[2];
      // Puppet allows trailing comments only after whitespace; values may be quoted.
      value = value.replace(/\s+#.*$/, '');
      if (value.length >= 2 && ((value[0] === '"' && value.endsWith('"')) || (value[0] === "'" && value.endsWith("'")))) value = value.slice(1, -1);
      lines.push({ kind: 'setting', raw, line, section, name: m[1], value });
      return;
    }
    throw new KurokoError(`Could not match line ${JSON.stringify(raw)}`, {
      code: 'KUR0101', location: { file: path, line, column: 1 }, sourceText: text,
    });
  });
  return { path, lines };
}

/** Settings of a section as name → {value, line}. */
export function sectionValues(conf: ConfFile, section: string): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  for (const l of conf.lines) if (l.kind === 'setting' && l.section === section) out.set(l.name!, { value: l.value!, line: l.line });
  return out;
}

/** Sets name = value in section, editing in place or appending; returns the new text. */
export function setInConf(conf: ConfFile, section: string, name: string, value: string): string {
  const lines = conf.lines.map((l) => ({ ...l }));
  const existing = lines.filter((l) => l.kind === 'setting' && l.section === section && l.name === name);
  if (existing.length) {
    for (const l of existing) {
      const indent = /^\s*/.exec(l.raw)![0];
      l.raw = `${indent}${name} = ${value}`;
    }
  } else {
    // After the last line of the section (or a new section at the end).
    let idx = -1;
    let inSection = section === 'main';
    let sectionSeen = section === 'main';
    lines.forEach((l, i) => {
      if (l.kind === 'section') { inSection = l.section === section; if (inSection) { sectionSeen = true; idx = i; } }
      else if (inSection && l.kind !== 'blank') idx = i;
    });
    if (!sectionSeen) {
      if (lines.length && lines[lines.length - 1].kind !== 'blank') lines.push({ kind: 'blank', raw: '', line: 0 });
      lines.push({ kind: 'section', raw: `[${section}]`, line: 0, section });
      idx = lines.length - 1;
    }
    lines.splice(idx + 1, 0, { kind: 'setting', raw: `${name} = ${value}`, line: 0, section, name, value });
  }
  return lines.map((l) => l.raw).join('\n') + '\n';
}
