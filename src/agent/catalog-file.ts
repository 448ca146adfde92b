// Reading a catalog from JSON (a file, the cache, a server answer) with
// clear errors for what is not a catalog.
import { readFileSync } from 'node:fs';
import type { Catalog, Data } from '../compiler/wire.js';
import { KurokoError } from '../util/diagnostic.js';

/** Checks the shape of a parsed catalog; `where` names the file or source in errors. */
export function asCatalog(v: unknown, where: string): Catalog {
  const fail = (field: string, value: unknown, why: string) => new KurokoError(`${where}: not a catalog: ${why}`, { code: 'KUR7010', field, value });
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail('(document)', typeof v, 'expected a JSON object');
  const o = v as Record<string, unknown>;
  // puppet catalog find wraps it as {"document_type":"Catalog","data":{...}} in old versions.
  if (o.document_type === 'Catalog' && typeof o.data === 'object') return asCatalog(o.data, where);
  if (!Array.isArray(o.resources)) throw fail('resources', o.resources, "'resources' must be an array");
  if (o.edges !== undefined && !Array.isArray(o.edges)) throw fail('edges', o.edges, "'edges' must be an array");
  o.resources.forEach((r: unknown, i: number) => {
    const x = r as Record<string, unknown>;
    if (typeof x !== 'object' || x === null || typeof x.type !== 'string' || typeof x.title !== 'string') {
      throw fail(`resources[${i}]`, r, `resource #${i + 1} needs a string 'type' and 'title'`);
    }
    if (x.parameters !== undefined && (typeof x.parameters !== 'object' || x.parameters === null || Array.isArray(x.parameters))) {
      throw fail(`resources[${i}].parameters`, x.parameters, `'parameters' of ${x.type}[${x.title}] must be an object`);
    }
  });
  const object = (x: unknown): x is Record<string, Data> => typeof x === 'object' && x !== null && !Array.isArray(x);
  return {
    // A static catalog's inline file metadata (keyed by resource title) travels with it.
    ...(object(o.metadata) ? { metadata: o.metadata } : {}),
    ...(object(o.recursive_metadata) ? { recursive_metadata: o.recursive_metadata } : {}),
    tags: (o.tags as string[]) ?? [], name: String(o.name ?? ''), version: (o.version as string | number) ?? '', code_id: (o.code_id as string | null) ?? null,
    catalog_uuid: String(o.catalog_uuid ?? ''), catalog_format: Number(o.catalog_format ?? 1), environment: String(o.environment ?? 'production'),
    resources: o.resources as Catalog['resources'], edges: (o.edges as Catalog['edges']) ?? [], classes: (o.classes as string[]) ?? [],
  };
}

export function parseCatalog(text: string, where: string): Catalog {
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) {
    throw new KurokoError(`${where}: not valid JSON: ${(e as Error).message}`, { code: 'KUR7011', location: { file: where } });
  }
  return asCatalog(v, where);
}

export function readCatalogFile(path: string): Catalog {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new KurokoError(`Could not read catalog ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { code: 'KUR7012', field: 'catalog', value: path });
  }
  return parseCatalog(text, path);
}

/** Facts from JSON: a facts document ({name, values}) or a plain map. */
export function readFactsFile(path: string): Record<string, Data> {
  let v: unknown;
  try { v = JSON.parse(readFileSync(path, 'utf8')); } catch (e) {
    throw new KurokoError(`Could not read facts from ${path}: ${(e as Error).message}`, { code: 'KUR7040', field: 'facts-file', value: path });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new KurokoError(`${path}: facts must be a JSON object`, { code: 'KUR7040', field: 'facts-file', value: path });
  const o = v as Record<string, unknown>;
  return (typeof o.values === 'object' && o.values !== null && typeof o.name === 'string' ? o.values : o) as Record<string, Data>;
}
