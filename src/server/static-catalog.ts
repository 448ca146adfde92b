// Static catalogs, as puppetserver compiles them: after the compile, each
// File resource whose sources are all puppet:/// URIs gets its source's file
// metadata inlined (catalog.metadata[title], or for recurse => true|remote
// catalog.recursive_metadata[title][source] = the listing), each entry with a
// content_uri naming the file relative to the environment directory, so that
// the agent asks for no metadata and fetches content by the catalog's
// code_id (static_file_content). Only module files inside the environment
// directory are inlined (`<env>/<dir>/<module>/files/...`): files of
// basemodulepath modules and custom mounts are left to the agent to ask for,
// as puppetserver does. The metadata is computed by the same code as the
// file_metadata(s) endpoints.
import { realpathSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { KurokoError } from '../util/diagnostic.js';
import type { Catalog, Data } from '../compiler/wire.js';
import { CHECKSUM_TYPES, metadataOf, realRootOf, searchTree, type ChecksumType, type FileMetadata, type LinksMode } from './fileserving.js';
import { resolveMount, type CustomMount } from './mounts.js';

/** What a compile worker needs to inline metadata into one catalog (structured-clone safe). */
export interface StaticCatalogTask {
  /** The checksum type agreed with the agent (commonChecksumType). */
  checksumType: ChecksumType;
  /** The environment's directory (environmentpath/<name>). */
  environmentDir: string;
  modulepath: string[];
  mounts: CustomMount[];
}

export interface InlineSummary {
  inlined: number;
  /** Resources whose files lie outside the environment directory (or another mount). */
  outside: number;
}

/**
 * puppetserver's choice of checksum type: the first of the agent's
 * dot-separated list (checksum_type=sha256.sha384.md5) that the server knows;
 * undefined when none is known.
 */
export function commonChecksumType(agent: string): ChecksumType | undefined {
  return agent.split('.').find((t): t is ChecksumType => (CHECKSUM_TYPES as readonly string[]).includes(t));
}

/** The error puppetserver gives when the agent's checksum types are all unknown. */
export function noCommonChecksumMessage(agent: string): string {
  return `Unable to find a common checksum type between agent '${agent}' and master '[${CHECKSUM_TYPES.map((t) => `:${t}`).join(', ')}]'.`;
}

const str = (v: Data | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** Puppet's File source normalization: trailing slashes go. */
export function normalizeSource(s: string): string {
  return s.replace(/\/+$/, '');
}

interface ParsedSource { host: string; port: string; path: string }

/** `puppet://host:port/path` split up; undefined for other schemes or paths with `.`/`..` segments. */
function parseSource(s: string): ParsedSource | undefined {
  const m = /^puppet:\/\/([^/]*)\/(.*)$/s.exec(s);
  if (!m) return undefined;
  const [, authority, path] = m;
  if (/(^|\/)\.\.?(\/|$)/.test(path) || /\0|\\/.test(path)) return undefined;
  const hp = /^([^:]*)(?::(\d+))?$/.exec(authority);
  if (!hp) return undefined;
  return { host: hp[1], port: hp[2] ?? '', path };
}

/** The path of `p` relative to the environment directory, literal or through symlinks; undefined when outside. */
function environmentRelative(envDir: string, envReal: string | undefined, p: string): string | undefined {
  const under = (root: string, q: string) => (q.startsWith(root.endsWith(sep) ? root : root + sep) ? q.slice(root.length).replace(/^\/+/, '') : undefined);
  const literal = under(envDir, p);
  if (literal !== undefined) return literal;
  if (!envReal) return undefined;
  // The parent resolved, not p itself: a managed symlink is described as the link.
  let real: string;
  try { real = join(realpathSync(dirname(p)), basename(p)); } catch { return undefined; }
  return under(envReal, real);
}

/** puppetserver's inlineable_metadata?: a modules mount source whose file is `<env>/<dir>/<module>/files/...`. */
function contentUriFor(src: ParsedSource, fullPath: string, envDir: string, envReal: string | undefined): string | undefined {
  if (!src.path.startsWith('modules/')) return undefined;
  const rel = environmentRelative(envDir, envReal, fullPath);
  if (rel === undefined || !/^[^/]+\/[^/]+\/files\/.+/s.test(rel)) return undefined;
  return `puppet://${src.host}${src.port ? `:${src.port}` : ''}/${rel}`;
}

interface Lookup {
  modulepath: string[];
  mounts: CustomMount[];
  certname: string;
}

/** file_metadata of one source, as the endpoint finds it: the first root that has the path. */
function findMetadata(l: Lookup, src: ParsedSource, o: { links: LinksMode; checksumType: ChecksumType }): FileMetadata | undefined {
  const res = resolveMount(src.path, l.modulepath, l.mounts, l.certname);
  if (!res) return undefined;
  for (const root of res.roots) {
    const real = realRootOf(root);
    if (!real) continue;
    const full = res.relative ? join(root, res.relative) : root;
    const md = metadataOf(real, full, full, null, o);
    if (md) return md;
  }
  return undefined;
}

/** file_metadatas of one source with recurse, as the endpoint lists it ("." first). */
function searchMetadata(l: Lookup, src: ParsedSource, o: { links: LinksMode; checksumType: ChecksumType; recurselimit?: number; ignore: string[]; maxFiles?: number }): FileMetadata[] | undefined {
  const res = resolveMount(src.path, l.modulepath, l.mounts, l.certname);
  if (!res) return undefined;
  const seen = new Map<string, FileMetadata>();
  const budget = { left: o.maxFiles !== undefined && o.maxFiles > 0 ? o.maxFiles : Infinity };
  for (const root of res.roots) {
    const real = realRootOf(root);
    if (!real) continue;
    const base = res.relative ? join(root, res.relative) : root;
    const before = seen.size;
    searchTree(real, base, { ...o, recurse: true }, seen, budget);
    if (!res.merged && seen.size > before) break;
  }
  return seen.size ? [...seen.values()] : undefined;
}

function sourcesOf(p: Record<string, Data>): string[] | undefined {
  const v = p.source;
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((s): s is string => typeof s === 'string')) return undefined;
  return list;
}

function integer(v: Data | undefined): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

function checksumFor(p: Record<string, Data>, dflt: ChecksumType): ChecksumType {
  const c = str(p.checksum);
  return c && (CHECKSUM_TYPES as readonly string[]).includes(c) ? (c as ChecksumType) : dflt;
}

/** Puppet prints the resource's source as given: a string, or an array in Ruby's inspect form. */
function sourceText(v: Data | undefined): string {
  return Array.isArray(v) ? `[${v.map((s) => JSON.stringify(s)).join(', ')}]` : String(v);
}

/**
 * Inlines file metadata into `catalog` (in place) as puppetserver's
 * inline_metadata does. Throws a KurokoError when a non-recursive File's
 * sources all fail to resolve ("Could not get metadata for ..."), as
 * puppetserver fails such a static compile.
 */
export function inlineMetadata(catalog: Catalog, t: StaticCatalogTask): InlineSummary {
  const envReal = realRootOf(t.environmentDir);
  const lookup: Lookup = { modulepath: t.modulepath, mounts: t.mounts, certname: catalog.name };
  const metadata: Record<string, Data> = {};
  const recursive: Record<string, Data> = {};
  const summary: InlineSummary = { inlined: 0, outside: 0 };
  for (const r of catalog.resources) {
    if (r.type.toLowerCase() !== 'file' || r.exported) continue;
    const p = r.parameters ?? {};
    if (str(p.ensure) === 'absent') continue;
    const raw = sourcesOf(p);
    if (!raw || raw.length === 0 || !raw.every((s) => s.startsWith('puppet:'))) continue;
    const sources = raw.map(normalizeSource);
    const parsed = sources.map(parseSource);
    // Sources naming another server (or odd paths) are left to the agent to ask for.
    if (parsed.some((x) => !x || x.host !== '')) continue;
    const links: LinksMode = str(p.links) === 'follow' ? 'follow' : 'manage';
    const checksumType = checksumFor(p, t.checksumType);
    const recurse = p.recurse;
    if (recurse === true || recurse === 'true' || recurse === 'remote') {
      const ignore = p.ignore;
      const opts = {
        links, checksumType, recurselimit: integer(p.recurselimit), maxFiles: integer(p.max_files),
        ignore: (Array.isArray(ignore) ? ignore : ignore === undefined || ignore === null ? [] : [ignore]).map(String),
      };
      const bySource: Record<string, Data> = {};
      let inEnvironment = true;
      for (let i = 0; i < sources.length; i++) {
        let list: FileMetadata[] | undefined;
        try { list = searchMetadata(lookup, parsed[i]!, opts); } catch (e) {
          if (e instanceof KurokoError) throw new KurokoError(`Could not get metadata for ${sources[i]} of File[${r.title}]: ${e.message}`, { code: e.code, field: 'source', value: sources[i] });
          throw e;
        }
        if (!list) continue;
        const top = list.find((m) => m.relative_path === '.');
        const base = top ? contentUriFor(parsed[i]!, top.path, t.environmentDir, envReal) : undefined;
        if (!base) { inEnvironment = false; break; }
        bySource[sources[i]] = list.map((m) => ({ ...m, content_uri: m.relative_path === '.' ? base : `${base}/${m.relative_path}` })) as unknown as Data;
        const select = str(p.sourceselect);
        if (select === undefined || select === 'first') break;
      }
      if (!inEnvironment) { summary.outside++; continue; }
      if (Object.keys(bySource).length) { recursive[r.title] = bySource; summary.inlined++; }
      continue;
    }
    let found: { md: FileMetadata; i: number } | undefined;
    for (let i = 0; i < sources.length && !found; i++) {
      const md = findMetadata(lookup, parsed[i]!, { links, checksumType });
      if (md) found = { md, i };
    }
    if (!found) throw new KurokoError(`Could not get metadata for ${sourceText(p.source)}`, { code: 'KUR0686', field: 'source', value: p.source });
    const uri = contentUriFor(parsed[found.i]!, found.md.path, t.environmentDir, envReal);
    if (!uri) { summary.outside++; continue; }
    metadata[r.title] = { ...found.md, content_uri: uri, source: sources[found.i] } as unknown as Data;
    summary.inlined++;
  }
  if (Object.keys(metadata).length) catalog.metadata = metadata;
  if (Object.keys(recursive).length) catalog.recursive_metadata = recursive;
  return summary;
}
