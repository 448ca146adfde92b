// file_metadata(s) and file_content over the mounts: Puppet's metadata
// objects (A.4), recursion with recurselimit, ignore globs and max_files,
// links manage|follow, every checksum type the agent may ask for. Paths are
// confined to their mount root: `..` never reaches here (the router refuses
// it) and symlinks whose real target leaves the root are not followed.
import { createHash } from 'node:crypto';
import { lstatSync, openSync, readSync, closeSync, readFileSync, readlinkSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { KurokoError } from '../util/diagnostic.js';

export type LinksMode = 'manage' | 'follow';
export const CHECKSUM_TYPES = ['sha256', 'sha256lite', 'md5', 'md5lite', 'sha1', 'sha1lite', 'sha384', 'sha512', 'sha224', 'mtime', 'ctime', 'none'] as const;
export type ChecksumType = (typeof CHECKSUM_TYPES)[number];

export interface FileMetadata {
  path: string;
  relative_path: string | null;
  links: LinksMode;
  owner: number;
  group: number;
  mode: number;
  checksum: { type: string; value: string };
  type: 'file' | 'directory' | 'link';
  destination: string | null;
}

export interface MetadataOptions {
  links: LinksMode;
  checksumType: ChecksumType;
  /** 'ignore' | 'use' | 'use_when_creating'; metadata always carries the real owner/group/mode. */
  sourcePermissions?: string;
}

export interface SearchOptions extends MetadataOptions {
  recurse: boolean;
  recurselimit?: number;
  ignore: string[];
  /** -1 or 0: no limit (as the agent sends). */
  maxFiles?: number;
}

/** Puppet's time checksum format: "2026-11-24 14:33:01 +0000". */
function timeValue(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000');
}

const LITE_BYTES = 512;

function digestFile(path: string, algo: string, lite: boolean): string {
  if (!lite) return createHash(algo).update(readFileSync(path)).digest('hex');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(LITE_BYTES);
    const n = readSync(fd, buf, 0, LITE_BYTES, 0);
    return createHash(algo).update(buf.subarray(0, n)).digest('hex');
  } finally { closeSync(fd); }
}

function checksumOf(path: string, st: Stats, type: ChecksumType, isFile: boolean): { type: string; value: string } {
  // Directories (and anything that is not a regular file) carry a time checksum, as Puppet does.
  if (!isFile || type === 'ctime') return { type: 'ctime', value: `{ctime}${timeValue(st.ctime)}` };
  if (type === 'mtime') return { type, value: `{mtime}${timeValue(st.mtime)}` };
  if (type === 'none') return { type, value: '{none}' };
  const lite = type.endsWith('lite');
  const algo = lite ? type.slice(0, -4) : type;
  return { type, value: `{${type}}${digestFile(path, algo, lite)}` };
}

/** True when `p` (resolved through every symlink) stays inside `root` (already real). */
export function within(realRoot: string, p: string): boolean {
  let real: string;
  try { real = realpathSync(p); } catch { return false; }
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

/** Metadata of one path, or undefined when it does not exist or escapes the root. */
export function metadataOf(realRoot: string, full: string, base: string, relative: string | null, o: MetadataOptions): FileMetadata | undefined {
  let lst: Stats;
  try { lst = lstatSync(full); } catch { return undefined; }
  if (lst.isSymbolicLink()) {
    if (o.links === 'follow') {
      if (!within(realRoot, full)) return undefined;
      let st: Stats;
      try { st = statSync(full); } catch { return undefined; }
      return build(full, base, relative, o, st, st.isDirectory() ? 'directory' : 'file', null);
    }
    // manage: describe the link itself; its target is checksummed only when it stays inside the root.
    const dest = readlinkSync(full);
    let checksum: { type: string; value: string } = { type: o.checksumType, value: `{${o.checksumType}}` };
    if (within(realRoot, full)) {
      try { const st = statSync(full); checksum = checksumOf(full, st, o.checksumType, st.isFile()); } catch { /* dangling link */ }
    }
    return { path: base, relative_path: relative, links: o.links, owner: lst.uid, group: lst.gid, mode: lst.mode & 0o7777, checksum, type: 'link', destination: dest };
  }
  if (!within(realRoot, full)) return undefined; // a parent directory was a link leading out
  return build(full, base, relative, o, lst, lst.isDirectory() ? 'directory' : 'file', null);
}

function build(full: string, base: string, relative: string | null, o: MetadataOptions, st: Stats, type: 'file' | 'directory', destination: string | null): FileMetadata {
  return {
    path: base, relative_path: relative, links: o.links, owner: st.uid, group: st.gid, mode: st.mode & 0o7777,
    checksum: checksumOf(full, st, o.checksumType, type === 'file'), type, destination,
  };
}

/** Shell-style glob (`*`, `?`) for ignore= parameters, matched against a name. */
function globRegex(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

/**
 * The recursive search of file_metadatas: entries under `base` (a directory
 * or a file) as relative paths, "." for the base itself.
 */
export function searchTree(realRoot: string, base: string, o: SearchOptions, seen: Map<string, FileMetadata> = new Map(), budget = { left: Infinity }): Map<string, FileMetadata> {
  const ignores = o.ignore.map(globRegex);
  const top = metadataOf(realRoot, base, base, '.', o);
  if (!top) return seen;
  if (!seen.has('.')) seen.set('.', top);
  if (!o.recurse || top.type !== 'directory') return seen;
  const limit = o.recurselimit !== undefined && o.recurselimit >= 0 ? o.recurselimit : Infinity;
  const walk = (dir: string, rel: string, depth: number) => {
    if (depth >= limit) return;
    let names: string[];
    try { names = readdirSync(dir).sort(); } catch { return; }
    for (const n of names) {
      if (ignores.some((r) => r.test(n))) continue;
      const full = join(dir, n);
      const r = rel ? `${rel}/${n}` : n;
      if (seen.has(r)) { // merged mounts: the first root's entry wins, but directories still merge
        if (seen.get(r)!.type === 'directory') walk(full, r, depth + 1);
        continue;
      }
      const md = metadataOf(realRoot, full, base, r, o);
      if (!md) continue;
      if (budget.left <= 0) throw new KurokoError(`Too many files: more than the max_files limit`, { code: 'KUR0671', field: 'max_files' });
      budget.left--;
      seen.set(r, md);
      if (md.type === 'directory') walk(full, r, depth + 1);
    }
  };
  walk(base, '', 0);
  return seen;
}

export function realRootOf(root: string): string | undefined {
  try { return realpathSync(root); } catch { return undefined; }
}
