// Ruby's #to_yaml (Psych over libyaml) for Puppet data, so that stdlib's
// to_yaml gives the same text: block style, two-space indent, sequences
// under a mapping key not indented, Psych's choice of quoting for strings.
import { PFloat, isHash, type Value } from '../../types/values.js';
import { formatFloat, toPString } from '../../evaluator/convert.js';

const RESERVED = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;
const NUMBERISH = /^[-+]?(?:\d[\d_,]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0b[01_]+|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d+(?::[0-5]?\d)+(?:\.\d*)?)$/;
const DATEISH = /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ]|$)/;

function doubleQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\0') out += '\\0';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function singleQuote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function plainAllowed(s: string): boolean {
  if (s === '' || /^\s|\s$/.test(s)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/^[-?:][^\s]/.test(s)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/: |:$| #|[\0-\x08\x0b-\x1f\x7f]/.test(s)) return false;
  if (s.startsWith('---') || s.startsWith('...')) return false;
  return true;
}

function scalar(s: string, indent: string): string {
  if (/\n(?!$)/.test(s)) {
    const chomp = s.endsWith('\n') ? '' : '-';
    const body = s.replace(/\n$/, '').split('\n').map((l) => (l === '' ? '' : indent + '  ' + l)).join('\n');
    return `|${chomp}\n${body}`;
  }
  if (s === 'y' || s === 'Y' || s === 'n' || s === 'N') return doubleQuote(s);
  if (/^[^\p{L}\p{N}_][^"]*$/u.test(s)) return doubleQuote(s);
  if (s === '' || RESERVED.test(s) || NUMBERISH.test(s) || DATEISH.test(s) || /^:\w/.test(s) || /^0[0-7]*[89]/.test(s)) return singleQuote(s);
  if (/[\0-\x08\x0b-\x1f\x7f]/.test(s)) return doubleQuote(s);
  return plainAllowed(s) ? s : singleQuote(s);
}

function inline(v: Value, indent: string): string | undefined {
  if (v === undefined) return '';
  if (typeof v === 'string') return scalar(v, indent);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof PFloat) return Number.isFinite(v.value) ? formatFloat(v.value) : v.value > 0 ? '.inf' : v.value < 0 ? '-.inf' : '.nan';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  if (isHash(v)) return v.size === 0 ? '{}' : undefined;
  return scalar(toPString(v), indent);
}

function node(v: Value, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const x of v) {
      const s = inline(x, indent);
      if (s !== undefined) { out.push(`${indent}-${s === '' ? '' : ' ' + s}`); continue; }
      const sub: string[] = [];
      node(x, indent + '  ', sub);
      sub[0] = `${indent}- ${sub[0].slice(indent.length + 2)}`;
      out.push(...sub);
    }
    return;
  }
  if (isHash(v)) {
    for (const [k, x] of v) {
      const key = inline(k, indent) ?? toPString(k);
      const s = inline(x, indent);
      if (s !== undefined) { out.push(`${indent}${key}:${s === '' ? '' : ' ' + s}`); continue; }
      out.push(`${indent}${key}:`);
      node(x, Array.isArray(x) ? indent : indent + '  ', out);
    }
  }
}

/** `data.to_yaml` as Ruby 3.1's Psych prints it. */
export function toPsychYaml(v: Value): string {
  const s = inline(v, '');
  if (s !== undefined) return v === undefined ? '---\n' : `--- ${s}\n`;
  const out: string[] = [];
  node(v, '', out);
  return `---\n${out.join('\n')}\n`;
}
