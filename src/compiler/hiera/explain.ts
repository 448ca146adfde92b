// `--explain`: the indented trace Puppet prints (Searching for "k" / Global
// Data Provider / Hierarchy entry / Path / Found key ...), values dumped in
// Ruby's inspect style with Puppet's multi-line layout.
import { PFloat, PSensitive, type Value } from '../types/values.js';
import { formatFloat } from '../evaluator/convert.js';

export class Explainer {
  readonly lines: string[] = [];
  private depth = 0;

  line(text: string): void {
    const pad = '  '.repeat(this.depth);
    this.lines.push(pad + text.split('\n').join('\n' + pad));
  }

  nest<T>(header: string | undefined, fn: () => T): T {
    if (header !== undefined) this.line(header);
    this.depth++;
    try { return fn(); } finally { this.depth--; }
  }

  toString(): string {
    return this.lines.join('\n') + (this.lines.length ? '\n' : '');
  }
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Puppet's explain dump of a value. */
export function dumpValue(v: Value, indent = ''): string {
  if (v === undefined) return 'nil';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof PFloat) return formatFloat(v.value);
  if (v instanceof PSensitive) return 'Sensitive [value redacted]';
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[\n${v.map((x) => inner + dumpValue(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (v instanceof Map) {
    if (!v.size) return '{}';
    return `{\n${[...v].map(([k, x]) => `${inner}${dumpValue(k, inner)} => ${dumpValue(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  return String(v);
}
