// GET /puppet/v3/environment_classes?environment=E: every class in the
// environment's manifests and modules with its parameters (type and default
// as source text, the default as JSON when it is a literal), per file; a
// file that does not parse is listed with its error. ETag / If-None-Match
// as puppetserver does. Parsed files are cached by path, size and mtime.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, walk, type Expression, type HostClassDefinition, type Program } from '../lang/index.js';
import { formatDiagnostic } from '../util/diagnostic.js';
import { json, puppetError, type ApiRequest, type ApiResponse } from './http-types.js';
import type { ServerContext } from './context.js';
import { validEnvironmentName, type EnvironmentInfo } from './environments.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface ParamInfo { name: string; type?: string; default_literal?: Json; default_source?: string }
type FileEntry = { path: string; classes: { name: string; params: ParamInfo[] }[] } | { path: string; error: string };

const cache = new Map<string, { key: string; entry: FileEntry }>();
const MAX_CACHE = 20_000;

function manifestFiles(path: string): string[] {
  let st;
  try { st = statSync(path); } catch { return []; }
  if (st.isFile()) return path.endsWith('.pp') ? [path] : [];
  if (!st.isDirectory()) return [];
  const out: string[] = [];
  for (const n of readdirSync(path).sort()) {
    const p = join(path, n);
    let s;
    try { s = statSync(p); } catch { continue; }
    if (s.isDirectory()) out.push(...manifestFiles(p));
    else if (n.endsWith('.pp')) out.push(p);
  }
  return out;
}

/** A literal's JSON value, or undefined when the expression is not a pure literal. */
function literal(e: Expression): Json | undefined {
  const n = e as unknown as { kind: string } & Record<string, unknown>;
  switch (n.kind) {
    case 'LiteralString': return n.value as string;
    case 'LiteralInteger': case 'LiteralFloat': return n.value as number;
    case 'LiteralBoolean': return n.value as boolean;
    case 'LiteralUndef': return null;
    case 'LiteralList': {
      const out: Json[] = [];
      for (const el of n.elements as Expression[]) { const v = literal(el); if (v === undefined) return undefined; out.push(v); }
      return out;
    }
    case 'LiteralHash': {
      const out: { [k: string]: Json } = {};
      for (const entry of n.entries as { key: Expression; value: Expression }[]) {
        const k = literal(entry.key);
        const v = literal(entry.value);
        if (typeof k !== 'string' || v === undefined) return undefined;
        out[k] = v;
      }
      return out;
    }
    default: return undefined;
  }
}

function sourceOf(text: string, e: { loc: { offset: number; length: number } }): string {
  return text.slice(e.loc.offset, e.loc.offset + e.loc.length);
}

function fileEntry(path: string): FileEntry {
  let st;
  try { st = statSync(path); } catch (e) { return { path, error: (e as Error).message }; }
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(path);
  if (hit && hit.key === key) return hit.entry;
  let entry: FileEntry;
  try {
    const text = readFileSync(path, 'utf8');
    const { program, diagnostics } = parse(text, path);
    const err = diagnostics.find((d) => d.severity === 'error');
    if (err) entry = { path, error: formatDiagnostic(err, { excerpt: false }) };
    else {
      const classes: { name: string; params: ParamInfo[] }[] = [];
      walk(program as Program, (n) => {
        if (n.kind !== 'HostClassDefinition') return;
        const c = n as HostClassDefinition;
        classes.push({
          name: c.name,
          params: c.parameters.map((p) => {
            const info: ParamInfo = { name: p.name };
            if (p.type) info.type = sourceOf(text, p.type);
            if (p.value) {
              const lit = literal(p.value);
              if (lit !== undefined) info.default_literal = lit;
              info.default_source = sourceOf(text, p.value);
            }
            return info;
          }),
        });
      });
      entry = { path, classes };
    }
  } catch (e) { entry = { path, error: (e as Error).message }; }
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value!);
  cache.set(path, { key, entry });
  return entry;
}

/** The manifest files of an environment: its main manifest(s), then each module's manifests/ (first module of a name wins). */
export function environmentManifests(env: EnvironmentInfo): string[] {
  const files = [...manifestFiles(env.manifest)];
  const seen = new Set<string>();
  for (const dir of env.modulepath) {
    let names: string[] = [];
    try { names = readdirSync(dir).sort(); } catch { continue; }
    for (const n of names) {
      if (seen.has(n) || !/^[a-z][a-z0-9_]*$/.test(n)) continue;
      seen.add(n);
      files.push(...manifestFiles(join(dir, n, 'manifests')));
    }
  }
  return files;
}

export async function environmentClasses(ctx: ServerContext, req: ApiRequest): Promise<ApiResponse> {
  const name = req.query.get('environment');
  if (!name) return puppetError(400, 'An environment parameter must be specified');
  if (!validEnvironmentName(name)) return puppetError(400, `Invalid environment name '${name}'`);
  const env = ctx.environments.find(name);
  if (!env) return puppetError(404, `Could not find environment '${name}'`, 'RESOURCE_NOT_FOUND');
  const body = JSON.stringify({ files: environmentManifests(env).map(fileEntry), name });
  const etag = createHash('sha256').update(body).digest('hex');
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string' && inm.replace(/"/g, '').split(/\s*,\s*/).includes(etag)) return { status: 304, headers: { ETag: etag } };
  return { ...json(200, null), body, headers: { 'Content-Type': 'application/json', ETag: etag } };
}
