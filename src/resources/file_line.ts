// file_line (puppetlabs-stdlib): one line in a file — appended, replacing
// lines that match a pattern, inserted after a pattern, or removed. The
// decisions follow stdlib's ruby provider so modules behave the same.
import type { Provider, Resource, ResourceType } from './type.js';
import { bool, ensureChange, ensurePresentAbsent, failure, invalid, readIfExists, rewriteFile, str } from './providers/typesupport.js';

/**
 * Ruby's regexp dialect as far as modules use it. Lines keep their newline, as
 * Ruby's readlines does: ^ and $ are line anchors there (hence the m flag),
 * \A, \z and \Z are string anchors.
 */
export function rubyRegex(r: Resource, name: string, source: string): RegExp {
  const js = source.replace(/\\A/g, '(?<![\\s\\S])').replace(/\\z/g, '(?![\\s\\S])').replace(/\\Z/g, '(?=\\n?(?![\\s\\S]))');
  try { return new RegExp(js, 'm'); } catch (e) { throw invalid(r, name, source, `Invalid regular expression: ${(e as Error).message}`); }
}

interface Spec {
  path: string;
  line?: string;
  match?: RegExp;
  after?: RegExp;
  multiple: boolean;
  replace: boolean;
  replaceAllNotMatching: boolean;
  appendOnNoMatch: boolean;
  matchForAbsence: boolean;
  ensure: 'present' | 'absent';
}

function spec(r: Resource): Spec {
  const path = str(r, 'path');
  if (!path) throw invalid(r, 'path', undefined, 'path is a required attribute');
  if (!path.startsWith('/')) throw invalid(r, 'path', path, `File paths must be fully qualified, not '${path}'`);
  const m = str(r, 'match');
  const a = str(r, 'after');
  const s: Spec = {
    path,
    line: str(r, 'line'),
    match: m ? rubyRegex(r, 'match', m) : undefined,
    after: a ? rubyRegex(r, 'after', a) : undefined,
    multiple: bool(r, 'multiple', false),
    replace: bool(r, 'replace', true),
    replaceAllNotMatching: bool(r, 'replace_all_matches_not_matching_line', false),
    appendOnNoMatch: bool(r, 'append_on_no_match', true),
    matchForAbsence: bool(r, 'match_for_absence', false),
    ensure: ensurePresentAbsent(r),
  };
  if (s.line === undefined && !(s.ensure === 'absent' && s.matchForAbsence)) throw invalid(r, 'line', undefined, 'line is a required attribute');
  if (s.replaceAllNotMatching && !s.match) throw invalid(r, 'replace_all_matches_not_matching_line', true, 'replace_all_matches_not_matching_line requires match');
  if (s.replaceAllNotMatching && !s.multiple) throw invalid(r, 'replace_all_matches_not_matching_line', true, 'replace_all_matches_not_matching_line requires multiple to be true');
  if (s.replaceAllNotMatching && !s.replace) throw invalid(r, 'replace_all_matches_not_matching_line', true, 'replace_all_matches_not_matching_line requires replace to be true');
  return s;
}

/** The file's lines with their line ends, like Ruby's readlines. */
function readLines(r: Resource, s: Spec, noop: boolean): string[] {
  const text = readIfExists(s.path);
  if (text === undefined) {
    if (noop) return [];
    throw failure(r, `No such file or directory @ rb_sysopen - ${s.path}`);
  }
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const chomp = (l: string) => l.replace(/\r?\n$/, '');

function countMatches(s: Spec, lines: string[], re: RegExp): number {
  return lines.filter((l) => (s.replaceAllNotMatching && chomp(l) === s.line ? false : re.test(l))).length;
}

/** stdlib's exists?: whether the file already satisfies 'present' (or still holds what 'absent' removes). */
function exists(s: Spec, lines: string[]): boolean {
  const linesCount = s.line === undefined ? 0 : lines.filter((l) => chomp(l) === s.line).length;
  if (!s.match) return linesCount > 0;
  const matchCount = countMatches(s, lines, s.match);
  if (s.ensure === 'present') {
    if (matchCount === 0) return linesCount > 0 || !s.appendOnNoMatch;
    if (s.replaceAllNotMatching) return false;
    if (linesCount === 0) return !s.replace;
    return true;
  }
  if (matchCount === 0) return linesCount > 0;
  if (linesCount === 0) return s.matchForAbsence;
  return true;
}

const puts = (l: string) => (l.endsWith('\n') ? l : `${l}\n`);

function created(r: Resource, s: Spec, lines: string[]): string {
  const line = s.line!;
  if (s.match) {
    let matchCount = countMatches(s, lines, s.match);
    if (matchCount > 1 && !s.multiple) throw failure(r, `More than one line in file '${s.path}' matches pattern '${str(r, 'match')}'`);
    let out = '';
    for (const l of lines) {
      const isMatch = s.replaceAllNotMatching && chomp(l) === line ? false : s.match.test(l);
      out += puts(isMatch ? line : l);
      if (matchCount === 0 && s.after && s.after.test(l)) { out += puts(line); matchCount++; }
    }
    if (matchCount === 0) out += puts(line);
    return out;
  }
  if (s.after) {
    const afterCount = lines.filter((l) => s.after!.test(l)).length;
    if (afterCount > 1 && !s.multiple) {
      throw failure(r, `${afterCount} lines match pattern '${str(r, 'after')}' in file '${s.path}'. One or no line must match the pattern.`);
    }
    let out = '';
    for (const l of lines) { out += puts(l); if (s.after.test(l)) out += puts(line); }
    if (afterCount === 0) out += puts(line);
    return out;
  }
  return lines.map(puts).join('') + puts(line);
}

function destroyed(r: Resource, s: Spec, lines: string[]): string {
  if (s.matchForAbsence && s.match) {
    const n = lines.filter((l) => s.match!.test(l)).length;
    if (n > 1 && !s.multiple) throw failure(r, `More than one line in file '${s.path}' matches pattern '${str(r, 'match')}'`);
    return lines.filter((l) => !s.match!.test(l)).join('');
  }
  return lines.filter((l) => chomp(l) !== s.line).join('');
}

export const fileLineProvider: Provider = {
  name: 'ruby',
  suitable: () => true,
  isDefault: () => true,
  async check(r, ctx) {
    const s = spec(r);
    const there = exists(s, readLines(r, s, ctx.noop));
    if (s.ensure === 'present' && !there) return [ensureChange('absent', 'present')];
    if (s.ensure === 'absent' && there) return [ensureChange('present', 'absent')];
    return [];
  },
  async apply(r) {
    const s = spec(r);
    const lines = readLines(r, s, false);
    if (s.ensure === 'present') {
      // replace => false and a line already matching: stdlib leaves the file alone.
      if (!s.replace && s.match && countMatches(s, lines, s.match) > 0) return;
      rewriteFile(s.path, created(r, s, lines));
    } else rewriteFile(s.path, destroyed(r, s, lines));
  },
};

export const fileLineType: ResourceType = {
  name: 'file_line',
  namevar: 'name',
  properties: ['ensure'],
  parameters: ['name', 'path', 'line', 'match', 'after', 'multiple', 'match_for_absence', 'replace', 'replace_all_matches_not_matching_line', 'append_on_no_match', 'encoding', 'provider'],
  validate(r) { spec(r); },
  autorequire(r) { const p = str(r, 'path'); return p ? [`File[${p}]`] : []; },
  providers: [fileLineProvider],
};
