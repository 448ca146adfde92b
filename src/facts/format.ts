// How `kuroko facts` prints: Facter's "name => value" form by default (nested
// hashes with "=>" and quoted strings), or JSON, or YAML. Keys are sorted, as
// Facter sorts them, so output is stable from run to run.
import type { Data } from '../compiler/wire.js';

export function sortDeep(v: Data): Data {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, Data> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortDeep(v[k]);
    return out;
  }
  return v;
}

function nested(v: Data, indent: string): string {
  if (v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[\n${v.map((x) => inner + nested(x, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(v).sort();
  return `{\n${keys.map((k) => `${inner}${k} => ${nested(v[k], inner)}`).join(',\n')}${keys.length ? '\n' : ''}${indent}}`;
}

/** A value at the top level: strings bare, missing values empty. */
export function formatValue(v: Data | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return nested(v, '');
}

/** Several facts (or all) as "name => value" lines. */
export function formatHocon(entries: [string, Data | undefined][]): string {
  return entries.map(([k, v]) => `${k} => ${formatValue(v)}`).join('\n');
}

export function formatJson(obj: Record<string, Data | undefined>): string {
  const out: Record<string, Data> = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k] === undefined ? null : sortDeep(obj[k] as Data);
  return JSON.stringify(out, null, 2);
}

export async function formatYaml(obj: Record<string, Data | undefined>): Promise<string> {
  const { stringify: yamlStringify } = await import('yaml');
  const out: Record<string, Data> = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k] === undefined ? '' : sortDeep(obj[k] as Data);
  return yamlStringify(out, { lineWidth: 0 }).replace(/\n$/, '');
}
