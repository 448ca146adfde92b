// Hiera's data files: YAML (Psych's YAML 1.1 reading: yes/no are booleans,
// 0755 is octal) and JSON, converted to the compiler's values (Hash = Map,
// 2.0 stays a Float). A syntax error names the file, line and column.
import { readFileSync, statSync } from 'node:fs';
import type { Document, Node } from 'yaml';
import { yamlLib } from '../lazy.js';
import { KurokoError } from '../../util/diagnostic.js';
import { parseHocon } from '../../util/hocon.js';
import { PFloat, dataToValue, type PHash, type Value } from '../types/values.js';

/** The most bytes a data file may have: bounded reads (data is trusted but may be broken). */
const MAX_DATA_FILE = 64 * 1024 * 1024;

function readText(path: string): string {
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_DATA_FILE) throw new KurokoError(`Hiera data file ${path} is larger than ${MAX_DATA_FILE} bytes`, { code: 'KUR5010', field: 'path', value: path });
  return text;
}

function yamlNode(doc: Document, n: Node | null | undefined, depth: number): Value {
  if (depth > 1000) throw new Error('data nested too deeply');
  if (n === null || n === undefined) return undefined;
  const { isAlias, isScalar, isSeq, isMap } = yamlLib();
  if (isAlias(n)) return yamlNode(doc, n.resolve(doc) as Node | undefined, depth + 1);
  if (isScalar(n)) {
    const v = n.value;
    if (v === null || v === undefined) return undefined;
    if (typeof v === 'number') {
      const src = n.source ?? '';
      const isFloat = !Number.isInteger(v) || (n.format !== 'HEX' && n.format !== 'OCT' && /[.eE]|inf|nan/i.test(src));
      return isFloat ? new PFloat(v) : v;
    }
    if (typeof v === 'bigint') return Number(v);
    // Psych reads only yes/no/on/off/true/false as booleans; YAML 1.1's y/n stay strings.
    if (typeof v === 'boolean' && /^[yYnN]$/.test(n.source ?? '')) return n.source;
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (v instanceof Date) return n.source ?? v.toISOString();
    return String(v);
  }
  if (isSeq(n)) return n.items.map((i) => yamlNode(doc, i as Node, depth + 1));
  if (isMap(n)) {
    const h: PHash = new Map();
    for (const p of n.items) h.set(yamlNode(doc, p.key as Node, depth + 1), yamlNode(doc, p.value as Node, depth + 1));
    return h;
  }
  return undefined;
}

/** Parses YAML text into a value; errors carry the file, line and column. */
export function parseYaml(text: string, file: string): Value {
  const doc = yamlLib().parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: true });
  const e = doc.errors[0];
  if (e) {
    const pos = e.linePos?.[0];
    const msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new KurokoError(`Unable to parse (${file}): ${msg}${pos ? ` at line ${pos.line} column ${pos.col}` : ''}`, {
      code: 'KUR5011', location: { file, line: pos?.line, column: pos?.col }, sourceText: text,
    });
  }
  try {
    return yamlNode(doc, doc.contents as Node | null, 0);
  } catch (err) {
    throw new KurokoError(`Unable to parse (${file}): ${(err as Error).message}`, { code: 'KUR5011', location: { file } });
  }
}

export function parseJson(text: string, file: string): Value {
  try {
    // JSON.parse forgets "2.0" vs "2": reFloat restores integral floats written with a point.
    return reFloat(dataToValue(JSON.parse(text)), text);
  } catch (err) {
    if (err instanceof KurokoError) throw err;
    const m = /position (\d+)/.exec((err as Error).message);
    let line: number | undefined, column: number | undefined;
    if (m) {
      const before = text.slice(0, Number(m[1]));
      line = before.split('\n').length;
      column = Number(m[1]) - before.lastIndexOf('\n');
    }
    throw new KurokoError(`Unable to parse (${file}): ${(err as Error).message}`, { code: 'KUR5012', location: { file, line, column }, sourceText: text });
  }
}

/** hocon_data's files (HOCON's common subset, see src/util/hocon.ts) as values, floats kept as written. */
export function parseHoconData(text: string, file: string): Value {
  return reFloat(dataToValue(parseHocon(text, file)), text);
}

// Integral numbers written as 2.0 in JSON: rare; detect them only when the text has such a literal.
function reFloat(v: Value, text: string): Value {
  if (!/\d\.0*[^\d]/.test(text)) return v;
  const literals = new Set((text.match(/-?\d+\.0+(?:[eE][-+]?\d+)?(?=[\s,\]}])/g) ?? []).map(Number));
  const walk = (x: Value): Value => {
    if (typeof x === 'number' && literals.has(x)) return new PFloat(x);
    if (Array.isArray(x)) return x.map(walk);
    if (x instanceof Map) { for (const [k, y] of x) x.set(k, walk(y)); return x; }
    return x;
  };
  return walk(v);
}

/** Reads a data file as a hash: an empty file is an empty hash; anything else but a hash is an error. */
export type DataFileKind = 'yaml' | 'json' | 'hocon';

const KIND_NAME: Record<DataFileKind, string> = { yaml: 'yaml', json: 'JSON', hocon: 'HOCON' };

export function readDataHash(path: string, kind: DataFileKind): PHash {
  const text = readText(path);
  const v = kind === 'json' ? parseJson(text, path) : kind === 'hocon' ? parseHoconData(text, path) : parseYaml(text, path);
  if (v === undefined || v === false || v === '') return new Map();
  if (!(v instanceof Map)) {
    throw new KurokoError(`${path}: file does not contain a valid ${KIND_NAME[kind]} hash`, { code: 'KUR5013', location: { file: path }, field: 'path', value: path });
  }
  return v;
}

/** Plain JS view of a value (for the hiera.yaml reader and printing). */
export function toPlain(v: Value): unknown {
  if (v instanceof PFloat) return v.value;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[String(k)] = toPlain(x);
    return o;
  }
  return v;
}

// Parsed data files shared between compiles, keyed by path and checked by mtime and size:
// a server compiling many nodes parses each file once. Values are never mutated (merges copy).
const shared = new Map<string, { mtimeMs: number; size: number; kind: string; value: PHash }>();
const MAX_SHARED = 5000;

export function readDataHashCached(path: string, kind: DataFileKind): PHash {
  const st = statSync(path);
  const hit = shared.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.kind === kind) return hit.value;
  const value = readDataHash(path, kind);
  if (shared.size >= MAX_SHARED) shared.delete(shared.keys().next().value as string);
  shared.set(path, { mtimeMs: st.mtimeMs, size: st.size, kind, value });
  return value;
}
