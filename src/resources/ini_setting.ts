// ini_setting (puppetlabs-inifile): one setting in one section of an INI
// file. Existing lines keep their layout: a value is replaced in place, a
// new setting joins the end of its section (or follows its commented-out
// form), a new section goes at the end of the file.
import type { Change, Provider, Resource, ResourceType } from './type.js';
import { bool, ensureChange, ensurePresentAbsent, invalid, param, readIfExists, rewriteFile, str } from './providers/typesupport.js';

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

interface Options {
  path: string; section: string; setting?: string; separator: string;
  prefix: string; suffix: string; indentChar: string; indentWidth?: number; forceNewSection: boolean;
}

function options(r: Resource): Options {
  const path = str(r, 'path');
  if (!path) throw invalid(r, 'path', undefined, 'path is a required attribute');
  if (!path.startsWith('/')) throw invalid(r, 'path', path, `File paths must be fully qualified, not '${path}'`);
  const setting = str(r, 'setting');
  const separator = str(r, 'key_val_separator') ?? ' = ';
  if (!separator.includes('=') && !/^\s*[:\s]\s*$/.test(separator) && separator.trim() !== '') {
    throw invalid(r, 'key_val_separator', separator, `Invalid key_val_separator '${separator}'`);
  }
  const iw = param(r, 'indent_width');
  return {
    path, section: str(r, 'section') ?? '', setting: setting === '' ? undefined : setting, separator,
    prefix: str(r, 'section_prefix') ?? '[', suffix: str(r, 'section_suffix') ?? ']',
    indentChar: str(r, 'indent_char') ?? ' ', indentWidth: iw === undefined ? undefined : Number(iw),
    forceNewSection: bool(r, 'force_new_section_creation', true),
  };
}

interface Section { name: string; header: number; end: number } // header -1: the global section; end exclusive

/** An INI file as lines, with where each section starts and ends. */
export class IniFile {
  lines: string[];
  private sectionRe: RegExp;
  private settingRe: RegExp;
  private commentedRe: RegExp;

  constructor(text: string, private o: Pick<Options, 'separator' | 'prefix' | 'suffix' | 'indentChar' | 'indentWidth'>) {
    this.lines = text.split('\n');
    if (this.lines[this.lines.length - 1] === '') this.lines.pop();
    const kvs = esc(o.separator.trim() === '' ? ' ' : o.separator.trim());
    this.sectionRe = new RegExp(`^\\s*${esc(o.prefix)}(.*)${esc(o.suffix)}\\s*$`);
    this.settingRe = new RegExp(`^(\\s*)([^#;\\s]|[^#;\\s].*?[^\\s${kvs}])(\\s*${kvs}[ \\t]*)(.*)$`);
    this.commentedRe = new RegExp(`^(\\s*)[#;]+(\\s*)(.*?[^\\s${kvs}])(\\s*${kvs}[ \\t]*)(.*?)\\s*$`);
  }

  sections(): Section[] {
    const out: Section[] = [{ name: '', header: -1, end: this.lines.length }];
    this.lines.forEach((l, i) => {
      const m = this.sectionRe.exec(l);
      if (m && !/^\s*[#;]/.test(l)) { out[out.length - 1].end = i; out.push({ name: m[1], header: i, end: this.lines.length }); }
    });
    return out;
  }

  private find(section: string): Section | undefined {
    return this.sections().find((s) => s.name === section);
  }

  /** The line index and value of a setting (the last one when repeated). */
  private locate(section: string, setting: string): { line: number; value: string } | undefined {
    const s = this.find(section);
    if (!s) return undefined;
    let hit: { line: number; value: string } | undefined;
    for (let i = s.header + 1; i < s.end; i++) {
      const m = this.settingRe.exec(this.lines[i]);
      if (m && m[2] === setting && !this.sectionRe.test(this.lines[i])) hit = { line: i, value: m[4] };
    }
    return hit;
  }

  get(section: string, setting: string): string | undefined { return this.locate(section, setting)?.value; }

  hasSection(section: string): boolean { return this.find(section) !== undefined; }

  /** The indentation inifile gives new settings of a section: indent_width, else the least of its settings'. */
  private indentFor(s: Section): string {
    if (this.o.indentWidth !== undefined) return this.o.indentChar.repeat(this.o.indentWidth);
    let min: number | undefined;
    for (let i = s.header + 1; i < s.end; i++) {
      const m = this.settingRe.exec(this.lines[i]);
      if (m && (min === undefined || m[1].length < min)) min = m[1].length;
    }
    return this.o.indentChar.repeat(min ?? 0);
  }

  /** Sets a value (or, without a setting, makes sure the section exists). */
  set(section: string, setting: string | undefined, value: string): void {
    const at = setting === undefined ? undefined : this.locate(section, setting);
    if (at) {
      const m = this.settingRe.exec(this.lines[at.line])!;
      this.lines[at.line] = `${m[1]}${m[2]}${m[3]}${value}`;
      return;
    }
    const s = this.find(section);
    const line = (indent: string) => `${indent}${setting}${this.o.separator}${value}`;
    if (!s) {
      // A new section goes last, after a blank line unless it is the file's first content.
      if (this.lines.length) this.lines.push('');
      this.lines.push(`${this.o.prefix}${section}${this.o.suffix}`);
      if (setting !== undefined) this.lines.push(line(this.o.indentWidth !== undefined ? this.o.indentChar.repeat(this.o.indentWidth) : ''));
      return;
    }
    if (setting === undefined) return;
    const indent = this.indentFor(s);
    // After the commented-out form of the setting, if the section has one.
    for (let i = s.header + 1; i < s.end; i++) {
      const c = this.commentedRe.exec(this.lines[i]);
      if (c && c[3] === setting) { this.lines.splice(i + 1, 0, line(indent)); return; }
    }
    // Else after the section's last non-blank line; a global section that had no
    // lines is followed by a blank line when sections come after it.
    if (s.header === -1 && s.end === 0 && this.lines.length) { this.lines.unshift(line(indent), ''); return; }
    let last = s.header;
    for (let i = s.header + 1; i < s.end; i++) if (this.lines[i].trim() !== '') last = i;
    this.lines.splice(last + 1, 0, line(indent));
  }

  /** Removes a setting; a section left with only its header line loses that too. */
  remove(section: string, setting: string): void {
    let at = this.locate(section, setting);
    if (!at) return;
    while (at) { this.lines.splice(at.line, 1); at = this.locate(section, setting); }
    const s = this.find(section);
    if (s && s.header >= 0 && s.end - s.header === 1) this.lines.splice(s.header, 1);
  }

  text(): string { return this.lines.length ? this.lines.join('\n') + '\n' : ''; }
}

function showDiff(r: Resource, ctx?: { settings?: { get(name: string): string } }): boolean {
  let global = false;
  try { global = ctx?.settings?.get('show_diff') === 'true'; } catch { global = false; }
  return global && bool(r, 'show_diff', true);
}

function valueOf(r: Resource): string | undefined {
  const v = param(r, 'value');
  if (v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalid(r, 'value', v, 'value must be a single value');
}

export const iniSettingProvider: Provider = {
  name: 'ruby',
  suitable: () => true,
  isDefault: () => true,
  async check(r, ctx) {
    const o = options(r);
    const ini = new IniFile(readIfExists(o.path) ?? '', o);
    const ensure = ensurePresentAbsent(r);
    if (o.setting === undefined) {
      // No setting: the resource manages only that the section exists (inifile cannot remove one).
      return ensure === 'present' && !ini.hasSection(o.section) ? [ensureChange('absent', 'present')] : [];
    }
    const current = ini.get(o.section, o.setting);
    if (current === undefined) {
      if (ensure === 'absent') return [];
      if (!o.forceNewSection && !ini.hasSection(o.section)) return [];
      return [ensureChange('absent', 'present')];
    }
    if (ensure === 'absent') return [ensureChange('present', 'absent')];
    const want = valueOf(r);
    // refreshonly: a differing value waits for a refresh event (inifile's insync?).
    if (want === undefined || want === current || bool(r, 'refreshonly', false)) return [];
    // inifile prints values bare, and redacts them unless show_diff is on globally and here.
    const shown = showDiff(r, ctx);
    const say = (v: string) => (shown ? v : '[redacted sensitive information]');
    const change: Change = { property: 'value', previous: current, desired: want, message: `value changed ${say(current)} to ${say(want)}` };
    if (!shown) change.redacted = true;
    return [change];
  },
  async apply(r) {
    const o = options(r);
    const ini = new IniFile(readIfExists(o.path) ?? '', o);
    if (ensurePresentAbsent(r) === 'absent') { if (o.setting !== undefined) ini.remove(o.section, o.setting); }
    else ini.set(o.section, o.setting, valueOf(r) ?? '');
    rewriteFile(o.path, ini.text());
  },
  async refresh(r, ctx) {
    if (!bool(r, 'refreshonly', false) || ensurePresentAbsent(r) === 'absent') return;
    const o = options(r);
    const want = valueOf(r);
    if (o.setting === undefined || want === undefined) return;
    const ini = new IniFile(readIfExists(o.path) ?? '', o);
    if (ini.get(o.section, o.setting) === want) return;
    ini.set(o.section, o.setting, want);
    rewriteFile(o.path, ini.text());
    ctx.log('notice', `Set ${o.setting} in [${o.section}] on refresh`);
  },
};

export const iniSettingType: ResourceType = {
  name: 'ini_setting',
  namevar: 'name',
  properties: ['ensure', 'value'],
  parameters: ['name', 'section', 'setting', 'path', 'key_val_separator', 'section_prefix', 'section_suffix', 'indent_char', 'indent_width', 'show_diff', 'refreshonly', 'force_new_section_creation', 'provider'],
  validate(r) {
    const o = options(r);
    ensurePresentAbsent(r);
    if (o.setting?.includes('\n') || o.section.includes('\n')) throw invalid(r, 'setting', o.setting, 'section and setting cannot contain a newline');
    if (valueOf(r)?.includes('\n')) throw invalid(r, 'value', valueOf(r), 'value cannot contain a newline');
  },
  autorequire(r) { const p = str(r, 'path'); return p ? [`File[${p}]`] : []; },
  providers: [iniSettingProvider],
};
