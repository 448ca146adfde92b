// file: files, directories and symlinks, with content (inline or from a
// source: a local path or puppet:/// through the server's file_metadata and
// file_content), checksums, mode (numeric or symbolic), owner, group,
// recursion with purge, backups, validate_cmd and show_diff. Content is
// always written to a temp file beside the target and renamed over it, and a
// symlink is never written through unless `links => follow` asks for it.
import {
  chmodSync, chownSync, closeSync, copyFileSync, existsSync, fsyncSync, lchownSync, lstatSync, mkdirSync, openSync, readdirSync,
  readFileSync, readSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeSync, type Stats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { createRequire } from 'node:module';
import { isUtf8 } from 'node:buffer';
import type { Data } from '../compiler/wire.js';
import type { ApplyContext, Change, Provider, Resource, ResourceType } from './type.js';
import { KurokoError } from '../util/diagnostic.js';

type Ftype = 'file' | 'directory' | 'link' | 'absent' | 'other';

interface SourceMeta {
  type: 'file' | 'directory' | 'link';
  checksum?: string; // "{sha256}..."
  mode?: number;
  destination?: string | null;
  mtime?: number;
  /** Fetches the content (files only). */
  fetch(): Promise<Buffer>;
}

/** What check() found and apply() acts on. */
interface Plan {
  path: string;
  /** Where content goes: the path itself, or the link's target under `links => follow`. */
  writePath: string;
  current: Ftype;
  ensure?: 'file' | 'directory' | 'link' | 'absent' | 'present';
  content?: () => Promise<Buffer>;
  mode?: number;
  uid?: number;
  gid?: number;
  target?: string;
}

const plans = new WeakMap<Resource, Plan>();

// crypto and child_process load on first use: an in-sync run of inline
// content needs neither, and each costs about a megabyte of memory.
const load = createRequire(import.meta.url);
const crypto = () => load('node:crypto') as typeof import('node:crypto');
const childProcess = () => load('node:child_process') as typeof import('node:child_process');
const randomHex = (n: number) => crypto().randomBytes(n).toString('hex');

// ---- parameters -------------------------------------------------------------

function str(v: Data | undefined): string | undefined {
  return v === undefined || v === null ? undefined : typeof v === 'string' ? v : String(v);
}

function bool(v: Data | undefined, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  return v === true || v === 'true' || v === 'yes';
}

function pathOf(r: Resource): string {
  const p = str(r.parameters.path) ?? r.title;
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

/** Inline content: a string, or Puppet's rich-data Binary. */
function contentOf(r: Resource): Buffer | undefined {
  const c = r.parameters.content;
  if (c === undefined || c === null) return undefined;
  if (typeof c === 'string') return Buffer.from(c, 'utf8');
  if (typeof c === 'object' && !Array.isArray(c)) {
    const o = c as Record<string, Data>;
    if (o.__ptype === 'Binary' && typeof o.__pvalue === 'string') return Buffer.from(o.__pvalue, 'base64');
    if (o.__ptype === 'Sensitive' && typeof o.__pvalue === 'string') return Buffer.from(o.__pvalue, 'utf8');
  }
  return Buffer.from(String(c), 'utf8');
}

function desiredEnsure(r: Resource): Plan['ensure'] | undefined {
  const e = str(r.parameters.ensure);
  if (e === undefined) {
    if (r.parameters.content !== undefined || r.parameters.source !== undefined) return 'file';
    if (r.parameters.target !== undefined) return 'link';
    return undefined;
  }
  if (e === 'false') return 'absent';
  if (['file', 'directory', 'link', 'absent', 'present'].includes(e)) return e as Plan['ensure'];
  return 'link'; // ensure => '/some/target' means a symlink to it
}

function targetOf(r: Resource): string | undefined {
  const e = str(r.parameters.ensure);
  if (e && !['file', 'directory', 'link', 'absent', 'present', 'false'].includes(e)) return e;
  return str(r.parameters.target);
}

function checksumType(r: Resource, ctx: ApplyContext): string {
  const c = str(r.parameters.checksum);
  if (c && c !== 'none') return c;
  try { return ctx.settings?.get('digest_algorithm') ?? 'sha256'; } catch { return 'sha256'; }
}

export function checksum(type: string, data: Buffer): string {
  const lite = type.endsWith('lite');
  const algo = lite ? type.slice(0, -4) : type;
  const input = lite ? data.subarray(0, 512) : data;
  return `{${type}}${crypto().createHash(algo).update(input).digest('hex')}`;
}

// ---- users and groups -------------------------------------------------------

function idDb(file: string): Map<string, number> {
  const m = new Map<string, number>();
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && f[0]) m.set(f[0], Number(f[2]));
    }
  } catch { /* no database */ }
  return m;
}

function resolveId(file: string, v: Data | undefined, field: string): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  if (/^\d+$/.test(s)) return Number(s);
  const id = idDb(file).get(s); // re-read each time: a user resource may just have created it
  if (id === undefined) throw new KurokoError(`Could not find ${field === 'owner' ? 'user' : 'group'} ${s}`, { code: 'KUR7301', field, value: s });
  return id;
}

function nameOf(file: string, id: number): string {
  for (const [n, i] of idDb(file)) if (i === id) return n;
  return String(id);
}

// ---- modes ------------------------------------------------------------------

const octal = (n: number) => (n & 0o7777).toString(8).padStart(4, '0');

/** A desired mode (numeric or symbolic such as "u=rw,go=r", "a+x") applied to the current one. */
export function modeFrom(spec: string, current: number, isDir: boolean): number {
  if (/^[0-7]{1,4}$/.test(spec)) {
    let m = parseInt(spec, 8);
    if (isDir) { // Puppet adds search permission wherever read permission is set
      if (m & 0o400) m |= 0o100;
      if (m & 0o40) m |= 0o10;
      if (m & 0o4) m |= 0o1;
    }
    return m;
  }
  let mode = current & 0o7777;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXstugo]*)$/.exec(clause.trim());
    if (!m) throw new KurokoError(`The mode ${spec} is not a valid symbolic mode`, { code: 'KUR7302', field: 'mode', value: spec });
    const who = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1];
    const shifts: Record<string, number> = { u: 6, g: 3, o: 0 };
    let bits = 0;
    for (const who1 of who) {
      const sh = shifts[who1];
      for (const p of m[3]) {
        if (p === 'r') bits |= 4 << sh;
        else if (p === 'w') bits |= 2 << sh;
        else if (p === 'x') bits |= 1 << sh;
        else if (p === 'X') { if (isDir || (current & 0o111)) bits |= 1 << sh; }
        else if (p === 's') bits |= who1 === 'u' ? 0o4000 : who1 === 'g' ? 0o2000 : 0;
        else if (p === 't') bits |= 0o1000;
        else if ('ugo'.includes(p)) bits |= ((current >> shifts[p]) & 7) << sh;
      }
    }
    if (m[2] === '+') mode |= bits;
    else if (m[2] === '-') mode &= ~bits;
    else {
      let mask = 0;
      for (const who1 of who) mask |= 7 << shifts[who1];
      mode = (mode & ~mask) | bits;
    }
  }
  return mode;
}

// ---- live state --------------------------------------------------------------

function liveStat(path: string, follow: boolean): Stats | undefined {
  try { return follow ? statSync(path) : lstatSync(path); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (follow && code === 'ELOOP') return lstatSync(path);
    throw e;
  }
}

function ftype(st: Stats | undefined): Ftype {
  if (!st) return 'absent';
  if (st.isSymbolicLink()) return 'link';
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  return 'other';
}

// ---- sources -----------------------------------------------------------------

function sources(r: Resource): string[] {
  const s = r.parameters.source;
  if (s === undefined || s === null) return [];
  return (Array.isArray(s) ? s : [s]).map(String);
}

function localSourcePath(src: string): string | undefined {
  if (src.startsWith('file://')) return decodeURIComponent(src.replace(/^file:\/\/[^/]*/, ''));
  if (isAbsolute(src)) return src;
  return undefined;
}

async function sourceMeta(src: string, r: Resource, ctx: ApplyContext, sumType: string): Promise<SourceMeta | undefined> {
  const follow = str(r.parameters.links) === 'follow';
  const local = localSourcePath(src);
  if (local !== undefined) {
    const st = liveStat(local, follow);
    if (!st) return undefined;
    const type = ftype(st);
    if (type === 'other' || type === 'absent') return undefined;
    const meta: SourceMeta = {
      type, mode: st.mode & 0o7777, mtime: st.mtimeMs, destination: type === 'link' ? readlinkSync(local) : null,
      fetch: async () => readFileSync(local),
    };
    if (type === 'file') meta.checksum = checksum(sumType.startsWith('mtime') || sumType.startsWith('ctime') ? 'sha256' : sumType, readFileSync(local));
    return meta;
  }
  if (!/^puppet:\/\//.test(src)) throw new KurokoError(`Cannot use URLs of type '${src.split(':')[0]}' as source for fileserving`, { code: 'KUR7303', field: 'source', value: src });
  if (!ctx.fileSource) throw new KurokoError(`Could not retrieve ${src}: no file server in this run`, { code: 'KUR7304', field: 'source', value: src });
  // A static catalog carries the metadata (the resource's own, or its recursive parent's listing): no request for it.
  const inline = staticMeta(r, src, ctx);
  const m = inline ?? await ctx.fileSource.metadata(src, { links: follow ? 'follow' : 'manage', checksumType: sumType });
  if (!m) return undefined;
  const cs = m.checksum as { value?: string } | undefined;
  const fs = ctx.fileSource;
  const codeId = ctx.staticFiles?.codeId;
  const contentUri = typeof m.content_uri === 'string' && m.content_uri.startsWith('puppet:') ? m.content_uri : undefined;
  return {
    type: (m.type as SourceMeta['type']) ?? 'file', checksum: cs?.value, mode: typeof m.mode === 'number' ? m.mode : undefined,
    destination: (m.destination as string | null) ?? null,
    // The content as of the catalog's code_id when the metadata says where (content_uri), as Puppet agents fetch it.
    fetch: () => (contentUri && codeId && fs.staticContent ? fs.staticContent(contentUri, codeId) : fs.content(src)),
  };
}

/** Metadata a recursive parent's static listing gave a generated child, by the child's parameters object. */
const childMeta = new WeakMap<Record<string, Data>, Record<string, Data>>();

function staticMeta(r: Resource, src: string, ctx: ApplyContext): Record<string, Data> | undefined {
  // A recursive directory's own metadata is the "." entry of its listing when the catalog has no other.
  const own = childMeta.get(r.parameters) ?? ctx.staticFiles?.metadata(r.title) ?? ctx.staticFiles?.recursive(r.title, src)?.find((m) => m.relative_path === '.');
  if (!own) return undefined;
  return own.source === undefined || own.source === null || own.source === src ? own : undefined;
}

async function firstSource(r: Resource, ctx: ApplyContext, sumType: string): Promise<{ src: string; meta: SourceMeta } | undefined> {
  const all = sources(r);
  for (const src of all) {
    const meta = await sourceMeta(src, r, ctx, sumType);
    if (meta) return { src, meta };
  }
  if (all.length) throw new KurokoError(`Could not retrieve information from environment source(s) ${all.join(', ')}`, { code: 'KUR7305', field: 'source', value: all });
  return undefined;
}

// ---- check ---------------------------------------------------------------------

/** Puppet's show_diff: on when the setting is and the resource does not say show_diff => false. */
const showDiffOn = (r: Resource, ctx: ApplyContext) => {
  if (!bool(r.parameters.show_diff, true)) return false;
  try { return ctx.settings?.get('show_diff') === 'true'; } catch { return false; }
};

const DIFF_LIMIT = 4_000_000;

/** Logs the diff of a content change (inline or from a source), or "[diff redacted]" for Sensitive content, as Puppet does. */
async function showDiff(r: Resource, ctx: ApplyContext, path: string, data: Buffer, content: () => Promise<Buffer>): Promise<void> {
  if (!showDiffOn(r, ctx)) return;
  if (r.sensitiveParameters?.includes('content')) { ctx.log('notice', '[diff redacted]', 'content'); return; }
  let next: Buffer;
  try { next = await content(); } catch (e) {
    ctx.log('debug', `No diff: could not fetch the new content: ${(e as Error).message}`, 'content');
    return;
  }
  const newName = `${path}.kuroko-new`;
  if (data.length > DIFF_LIMIT || next.length > DIFF_LIMIT) { ctx.log('notice', `\n(diff too large to show: ${data.length} and ${next.length} bytes)`, 'content'); return; }
  if (binary(data) || binary(next)) { ctx.log('notice', `\nBinary files ${path} and ${newName} differ`, 'content'); return; }
  const { unifiedDiff } = await import('../agent/diff.js');
  ctx.log('notice', '\n' + unifiedDiff(data.toString('utf8'), next.toString('utf8'), path, newName), 'content');
}

/** Text for a diff is valid UTF-8 without NUL bytes. */
function binary(b: Buffer): boolean {
  return b.includes(0) || !isUtf8(b);
}

/** A plan lives from check to apply only: an in-sync resource keeps none (memory per resource). */
async function check(r: Resource, ctx: ApplyContext): Promise<Change[]> {
  const changes = await checkPlan(r, ctx);
  if (changes.length === 0) plans.delete(r);
  return changes;
}

async function checkPlan(r: Resource, ctx: ApplyContext): Promise<Change[]> {
  const path = pathOf(r);
  const follow = str(r.parameters.links) === 'follow';
  const st = liveStat(path, follow);
  const current = ftype(st);
  let ensure = desiredEnsure(r);
  const sumType = checksumType(r, ctx);
  const replace = bool(r.parameters.replace, true);
  const plan: Plan = { path, writePath: path, current, ensure };
  if (follow && st && !st.isSymbolicLink() && lstatSync(path).isSymbolicLink()) plan.writePath = realpathSync(path);
  plans.set(r, plan);
  const changes: Change[] = [];

  let src: { src: string; meta: SourceMeta } | undefined;
  if (ensure !== 'absent' && sources(r).length) {
    src = await firstSource(r, ctx, sumType);
    if (src && str(r.parameters.ensure) === undefined) ensure = plan.ensure = src.meta.type === 'link' && !follow ? 'link' : src.meta.type === 'directory' ? 'directory' : 'file';
    if (src?.meta.type === 'link' && !follow) plan.target = src.meta.destination ?? undefined;
  }
  if (ensure === undefined && current === 'absent') return []; // nothing says it should exist
  if (ensure === 'absent') {
    if (current === 'absent') return [];
    if (current === 'directory' && !bool(r.parameters.force, false)) {
      ctx.log('notice', "Not removing directory; use 'force' to override");
      return [];
    }
    return [{ property: 'ensure', previous: current, desired: 'absent', message: 'removed', name: 'file_removed' }];
  }

  // What the content should be, and its checksum.
  const inline = contentOf(r);
  // The desired checksum is computed only when needed: equal bytes are in sync without hashing.
  let wantSum: () => string | undefined = () => undefined;
  if (inline !== undefined) {
    plan.content = async () => inline;
    let memo: string | undefined;
    wantSum = () => (memo ??= checksum(sumType.startsWith('mtime') || sumType.startsWith('ctime') ? 'sha256' : sumType, inline));
  } else if (src && src.meta.type === 'file') {
    const fetch = src.meta.fetch;
    let fetched: Promise<Buffer> | undefined;
    plan.content = () => (fetched ??= fetch()); // fetched once, for show_diff and the write
    const sum = src.meta.checksum;
    wantSum = () => sum;
  }
  if (ensure === 'link') plan.target ??= targetOf(r);

  const isDirWanted = ensure === 'directory' || (ensure === undefined && current === 'directory') || (ensure === 'present' && current === 'directory');
  const modeSpec = str(r.parameters.mode);
  let uid = resolveId('/etc/passwd', r.parameters.owner, 'owner');
  const gid = resolveId('/etc/group', r.parameters.group, 'group');
  if (uid !== undefined && uid !== process.getuid?.() && process.getuid?.() !== 0) {
    ctx.log('warning', 'Cannot manage ownership unless running as root');
    uid = undefined;
  }
  plan.uid = uid; plan.gid = gid;
  if (modeSpec !== undefined) plan.mode = modeFrom(modeSpec, st && current !== 'link' ? st.mode : 0o644, isDirWanted);
  // source_permissions: take the source's mode (pluginsync uses this for executable external facts).
  const sp = str(r.parameters.source_permissions) ?? 'ignore';
  if (plan.mode === undefined && src?.meta.mode !== undefined && (sp === 'use' || (sp === 'use_when_creating' && current === 'absent'))) {
    plan.mode = src.meta.mode & 0o7777;
  }

  // Ensure: create or change the kind of thing at the path.
  const typeOk = ensure === undefined || (ensure === 'present' ? current !== 'absent' : current === ensure);
  if (!typeOk && !(current !== 'absent' && !replace && ensure === 'file')) {
    if (current === 'directory' && ensure !== 'directory' && !bool(r.parameters.force, false)) {
      throw new KurokoError(`Could not set '${ensure}' on ensure: ${path} is a directory (use force => true to replace it)`, { code: 'KUR7306', field: 'ensure', value: ensure });
    }
    const created = current === 'absent';
    const want = ensure === 'present' ? 'file' : ensure!;
    let message = created ? 'created' : `ensure changed '${current}' to '${want}'`;
    const ws = want === 'file' ? wantSum() : undefined;
    if (created && ws) message = `defined content as '${ws}'`;
    const implies: Record<string, Data> = {};
    if (ws && !r.sensitiveParameters?.includes('content')) implies.content = ws;
    if (plan.mode !== undefined) implies.mode = octal(plan.mode);
    if (want === 'link' && plan.target !== undefined) implies.target = plan.target;
    changes.push({ property: 'ensure', previous: current, desired: want, message, implies, name: created ? `${want === 'file' ? 'file' : want === 'directory' ? 'directory' : 'link'}_created` : undefined });
    return changes; // creation sets every other property at once; Puppet reports it as one event
  }
  if (current === 'absent') return changes;

  // Content (files only; replace => false leaves existing files alone).
  const byTime = sumType === 'mtime' || sumType === 'ctime';
  if (current === 'file' && plan.content && replace && !(inline !== undefined && !byTime && sameBytes(plan.writePath, inline, st!.size))) {
    const data = readFileSync(path);
    const before = changes.length;
    if (byTime) {
      const srcTime = src?.meta.mtime;
      if (srcTime !== undefined && srcTime > st!.mtimeMs) changes.push(contentChange(`{${sumType}}${st!.mtime.toISOString()}`, `{${sumType}}${new Date(srcTime).toISOString()}`));
    } else if (!(inline !== undefined && data.equals(inline))) {
      const ws = wantSum();
      const algo = ws ? /^\{(\w+)\}/.exec(ws)?.[1] ?? sumType : sumType;
      const have = checksum(algo, data);
      if (ws && have !== ws) changes.push(contentChange(have, ws));
    }
    if (changes.length > before) await showDiff(r, ctx, path, data, plan.content);
  }
  if (current === 'link' && (ensure === 'link') && plan.target !== undefined) {
    const have = readlinkSync(path);
    if (have !== plan.target) changes.push({ property: 'target', previous: have, desired: plan.target, message: `target changed '${have}' to '${plan.target}'` });
  }
  // Mode, owner, group: a link's own mode is not managed (as in Puppet).
  if (current !== 'link' || follow) {
    if (plan.mode !== undefined && (st!.mode & 0o7777) !== plan.mode) {
      const suffix = /^[0-7]+$/.test(modeSpec!) ? '' : ` (${modeSpec})`;
      changes.push({ property: 'mode', previous: octal(st!.mode), desired: octal(plan.mode), message: `mode changed '${octal(st!.mode)}' to '${octal(plan.mode)}'${suffix}` });
    }
  }
  if (uid !== undefined && st!.uid !== uid) {
    changes.push({ property: 'owner', previous: nameOf('/etc/passwd', st!.uid), desired: str(r.parameters.owner)!, message: `owner changed '${nameOf('/etc/passwd', st!.uid)}' to '${str(r.parameters.owner)}'` });
  }
  if (gid !== undefined && st!.gid !== gid) {
    changes.push({ property: 'group', previous: nameOf('/etc/group', st!.gid), desired: str(r.parameters.group)!, message: `group changed '${nameOf('/etc/group', st!.gid)}' to '${str(r.parameters.group)}'` });
  }
  return changes;
}

let scratch = Buffer.alloc(0);

/** Whether the file holds exactly these bytes: read into one reused buffer, so an in-sync run allocates nothing per file. */
function sameBytes(path: string, want: Buffer, size: number): boolean {
  if (size !== want.length) return false;
  if (size > 1 << 20) return readFileSync(path).equals(want);
  if (scratch.length < size + 1) scratch = Buffer.alloc(Math.max(4096, 2 * size + 1));
  const fd = openSync(path, 'r');
  try {
    let n = 0;
    for (let got; n <= size && (got = readSync(fd, scratch, n, scratch.length - n, null)) > 0;) n += got;
    return n === size && scratch.subarray(0, size).equals(want); // n > size: the file grew since stat
  } finally { closeSync(fd); }
}

function contentChange(have: string, want: string): Change {
  return { property: 'content', previous: have, desired: want, message: `content changed '${have}' to '${want}'` };
}

// ---- apply -----------------------------------------------------------------------

async function backupExisting(r: Resource, ctx: ApplyContext, path: string): Promise<void> {
  const b = r.parameters.backup;
  if (b === undefined || b === null || b === false || b === 'false') return;
  let st: Stats | undefined;
  try { st = lstatSync(path); } catch { return; }
  if (!st.isFile()) return;
  const name = b === true || b === 'true' ? 'puppet' : String(b);
  if (name.startsWith('.')) {
    copyFileSync(path, path + name);
    ctx.log('info', `Filebucketed ${path} to ${path + name}`);
    return;
  }
  if (!ctx.backup) throw new KurokoError(`Could not back up ${path}: no filebucket '${name}' in this run`, { code: 'KUR7307', field: 'backup', value: name });
  const sum = await ctx.backup(path, readFileSync(path), name);
  ctx.log('info', `Filebucketed ${path} to ${name} with sum ${sum}`);
}

function validate(r: Resource, tmp: string): void {
  const cmd = str(r.parameters.validate_cmd);
  if (!cmd) return;
  const token = str(r.parameters.validate_replacement) ?? '%';
  if (!cmd.includes(token)) throw new KurokoError(`validate_cmd must contain ${token}`, { code: 'KUR7308', field: 'validate_cmd', value: cmd });
  const line = cmd.split(token).join(`'${tmp.replace(/'/g, "'\\''")}'`);
  const res = childProcess().spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8', timeout: 300_000 });
  if (res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim();
    throw new KurokoError(`Execution of '${line}' returned ${res.status ?? 'a signal'}: ${out}`, { code: 'KUR7309', field: 'validate_cmd', value: cmd });
  }
}

/** Writes content beside the target with its final mode and owner, validates it, then renames it over the target. */
function writeAtomic(r: Resource, path: string, data: Buffer, mode: number, uid?: number, gid?: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.kuroko.${randomHex(6)}`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally { closeSync(fd); }
    chmodSync(tmp, mode);
    if (uid !== undefined || gid !== undefined) chownSync(tmp, uid ?? -1, gid ?? -1);
    validate(r, tmp);
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already renamed or gone */ }
    throw e;
  }
}

function removeExisting(r: Resource, p: Plan): void {
  if (p.current === 'absent') return;
  if (p.current === 'directory') {
    if (!bool(r.parameters.force, false)) throw new KurokoError(`Not removing directory ${p.path}; use 'force' to override`, { code: 'KUR7306' });
    rmSync(p.path, { recursive: true, force: true });
  } else unlinkSync(p.path);
}

function checkParent(path: string): void {
  const parent = dirname(path);
  let st: Stats | undefined;
  try { st = statSync(parent); } catch { /* missing */ }
  if (!st) throw new KurokoError(`Cannot create ${path}; parent directory ${parent} does not exist`, { code: 'KUR7310' });
  if (!st.isDirectory()) throw new KurokoError(`Cannot create ${path}; ${parent} is not a directory`, { code: 'KUR7310' });
}

const UMASK_FILE = 0o644;

async function apply(r: Resource, changes: Change[], ctx: ApplyContext): Promise<void> {
  const p = plans.get(r);
  if (!p) throw new KurokoError('file: apply without check', { code: 'KUR7311' });
  try { await applyPlan(r, p, changes, ctx); } finally { plans.delete(r); }
}

async function applyPlan(r: Resource, p: Plan, changes: Change[], ctx: ApplyContext): Promise<void> {
  const props = new Set(changes.map((c) => c.property));
  if (props.has('ensure')) {
    const want = changes.find((c) => c.property === 'ensure')!.desired as string;
    if (want === 'absent') {
      await backupExisting(r, ctx, p.path);
      removeExisting(r, p);
      return;
    }
    if (want === 'file') {
      checkParent(p.path);
      const data = p.content ? await p.content() : Buffer.alloc(0);
      await backupExisting(r, ctx, p.path);
      if (p.current === 'directory') removeExisting(r, p);
      writeAtomic(r, p.path, data, p.mode ?? UMASK_FILE, p.uid, p.gid);
      return;
    }
    if (want === 'directory') {
      checkParent(p.path);
      if (p.current !== 'absent') { await backupExisting(r, ctx, p.path); removeExisting(r, p); }
      mkdirSync(p.path, { mode: 0o700 });
      chmodSync(p.path, p.mode ?? 0o755);
      if (p.uid !== undefined || p.gid !== undefined) chownSync(p.path, p.uid ?? -1, p.gid ?? -1);
      return;
    }
    if (want === 'link') {
      if (p.target === undefined) throw new KurokoError('Cannot create a symlink without a target', { code: 'KUR7312', field: 'target' });
      checkParent(p.path);
      if (p.current === 'directory') removeExisting(r, p);
      else if (p.current === 'file') await backupExisting(r, ctx, p.path);
      replaceWithLink(p.path, p.target, p.uid, p.gid);
      return;
    }
  }
  if (props.has('target')) replaceWithLink(p.path, p.target!, p.uid, p.gid);
  if (props.has('content')) {
    const data = await p.content!();
    await backupExisting(r, ctx, p.writePath);
    const st = lstatSync(p.writePath);
    writeAtomic(r, p.writePath, data, p.mode ?? (st.mode & 0o7777), p.uid ?? st.uid, p.gid ?? st.gid);
    return; // the new file already has the desired mode and owner
  }
  if (props.has('mode')) chmodSync(p.writePath, p.mode!);
  if (props.has('owner') || props.has('group')) {
    (p.current === 'link' ? lchownSync : chownSync)(p.writePath, props.has('owner') ? p.uid! : -1, props.has('group') ? p.gid! : -1);
  }
}

/** Creates the link under a temp name and renames it over the path: no moment without it. */
function replaceWithLink(path: string, target: string, uid?: number, gid?: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.kuroko.${randomHex(6)}`);
  symlinkSync(target, tmp);
  try {
    if (uid !== undefined || gid !== undefined) lchownSync(tmp, uid ?? -1, gid ?? -1);
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* gone */ }
    throw e;
  }
}

// ---- recursion -------------------------------------------------------------------

/** Parameters a generated child inherits from its recursive parent. */
const INHERITED = ['owner', 'group', 'mode', 'backup', 'checksum', 'links', 'replace', 'force', 'show_diff', 'provider', 'noop', 'loglevel', 'source_permissions'];

function recurseDepth(r: Resource): number | undefined {
  const rec = str(r.parameters.recurse);
  if (rec === undefined || rec === 'false' || rec === 'no') return undefined;
  const lim = r.parameters.recurselimit;
  return lim === undefined || lim === null ? Infinity : Number(lim);
}

function ignored(name: string, patterns: string[]): boolean {
  return patterns.some((p) => new RegExp('^' + p.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$').test(name));
}

/** Relative paths of the local tree under dir, to the given depth. */
function localTree(dir: string, depth: number, ignore: string[]): Map<string, Ftype> {
  const out = new Map<string, Ftype>();
  const walk = (rel: string, d: number) => {
    if (d > depth) return;
    let names: string[];
    try { names = readdirSync(join(dir, rel)); } catch { return; }
    for (const n of names.sort()) {
      if (ignored(n, ignore)) continue;
      const childRel = rel ? `${rel}/${n}` : n;
      const t = ftype(liveStat(join(dir, childRel), false));
      out.set(childRel, t);
      if (t === 'directory') walk(childRel, d + 1);
    }
  };
  walk('', 1);
  return out;
}

/** Relative paths of a source tree with their metadata. */
interface TreeEntry { type: Ftype; src: string; destination?: string | null; /** From a static catalog's recursive_metadata. */ meta?: Record<string, Data> }

async function sourceTree(r: Resource, ctx: ApplyContext, depth: number, ignore: string[]): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  const all = sources(r);
  const selectAll = str(r.parameters.sourceselect) === 'all';
  for (const src of all) {
    const local = localSourcePath(src);
    if (local !== undefined) {
      if (!existsSync(local) || !statSync(local).isDirectory()) continue;
      for (const [rel, t] of localTree(local, depth, ignore)) if (!out.has(rel)) out.set(rel, { type: t, src: `${src.replace(/\/+$/, '')}/${rel}`, destination: t === 'link' ? readlinkSync(join(local, rel)) : null });
    } else if (ctx.fileSource) {
      const follow = str(r.parameters.links) === 'follow';
      const list = ctx.staticFiles?.recursive(r.title, src)
        ?? await ctx.fileSource.metadatas(src, { links: follow ? 'follow' : 'manage', checksumType: checksumType(r, ctx), recurselimit: Number.isFinite(depth) ? depth : undefined, ignore });
      if (list.length === 0) continue;
      const isStatic = ctx.staticFiles?.recursive(r.title, src) !== undefined;
      for (const m of list) {
        const rel = String(m.relative_path ?? '.');
        if (rel === '.' || out.has(rel)) continue;
        out.set(rel, { type: (m.type as Ftype) ?? 'file', src: `${src.replace(/\/+$/, '')}/${rel}`, destination: (m.destination as string | null) ?? null, meta: isStatic ? m : undefined });
      }
    }
    if (!selectAll && out.size) break;
  }
  return out;
}

async function generate(r: Resource, ctx: ApplyContext): Promise<Resource[]> {
  const depth = recurseDepth(r);
  if (depth === undefined || depth < 1) return [];
  const path = pathOf(r);
  if (ftype(liveStat(path, true)) !== 'directory' && !ctx.noop) return [];
  const ignore = (Array.isArray(r.parameters.ignore) ? r.parameters.ignore : r.parameters.ignore ? [r.parameters.ignore] : []).map(String);
  const remoteOnly = str(r.parameters.recurse) === 'remote';
  const local = remoteOnly ? new Map<string, Ftype>() : localTree(path, depth, ignore);
  const src = sources(r).length ? await sourceTree(r, ctx, depth, ignore) : undefined;
  const purge = bool(r.parameters.purge, false);
  const children = new Map<string, Resource>();
  const child = (rel: string, params: Record<string, Data>): Resource => {
    const p: Record<string, Data> = {};
    for (const k of INHERITED) if (r.parameters[k] !== undefined) p[k] = r.parameters[k];
    const full = `${path}/${rel}`;
    return { type: 'file', title: full, parameters: { ...p, path: full, ...params }, tags: r.tags, file: r.file, line: r.line };
  };
  if (src) {
    for (const [rel, m] of src) {
      const params: Record<string, Data> = { source: m.src };
      if (m.type === 'directory') params.ensure = 'directory';
      else if (m.type === 'link' && str(r.parameters.links) !== 'follow') { params.ensure = 'link'; params.target = m.destination ?? ''; delete params.source; }
      else params.ensure = 'file';
      const c = child(rel, params);
      if (m.meta) childMeta.set(c.parameters, { ...m.meta, source: m.src });
      children.set(rel, c);
    }
  }
  for (const [rel, t] of local) {
    if (children.has(rel)) continue;
    if (src) {
      if (!purge) continue;
      if (rel.split('/').some((_, i, parts) => i < parts.length - 1 && !src.has(parts.slice(0, i + 1).join('/')))) continue; // inside a purged dir
      children.set(rel, child(rel, { ensure: 'absent', force: true }));
    } else if (purge) {
      children.set(rel, child(rel, { ensure: 'absent', force: true }));
    } else if (t !== 'link' || str(r.parameters.links) === 'follow') {
      children.set(rel, child(rel, {}));
    }
  }
  return [...children.keys()].sort().map((k) => children.get(k)!);
}

// ---- the type ---------------------------------------------------------------------

const posix: Provider = {
  name: 'posix',
  suitable: () => process.platform !== 'win32',
  isDefault: () => true,
  check,
  apply,
  generate,
};

export const resourceType: ResourceType = {
  name: 'file',
  namevar: 'path',
  properties: ['ensure', 'target', 'content', 'owner', 'group', 'mode', 'checksum_value'],
  parameters: ['path', 'source', 'checksum', 'backup', 'recurse', 'recurselimit', 'purge', 'force', 'links', 'replace', 'validate_cmd',
    'validate_replacement', 'show_diff', 'ignore', 'sourceselect', 'source_permissions', 'provider', 'max_files', 'selinux_ignore_defaults'],
  refreshable: false,
  validate(r) {
    const path = pathOf(r);
    const bad = (field: string, value: Data | undefined, why: string) => new KurokoError(why, { code: 'KUR7313', field, value });
    if (!isAbsolute(path)) throw bad('path', path, `File paths must be fully qualified, not '${path}'`);
    if (path.split('/').includes('..')) throw bad('path', path, `File paths must not contain '..': '${path}'`);
    if (r.parameters.content !== undefined && r.parameters.source !== undefined) throw bad('content', null, 'You cannot specify both content and a source');
    const e = str(r.parameters.ensure);
    if (e === 'directory' && r.parameters.content !== undefined) throw bad('content', null, "You cannot specify content when using checksum 'none' or ensure 'directory'");
    const mode = str(r.parameters.mode);
    if (mode !== undefined && !/^[0-7]{1,4}$/.test(mode)) modeFrom(mode, 0o644, false); // throws when invalid
    const cs = str(r.parameters.checksum);
    if (cs !== undefined && !['md5', 'md5lite', 'sha224', 'sha256', 'sha256lite', 'sha384', 'sha512', 'sha1', 'sha1lite', 'mtime', 'ctime', 'none'].includes(cs)) {
      throw bad('checksum', cs, `Invalid checksum type '${cs}'`);
    }
    const links = str(r.parameters.links);
    if (links !== undefined && !['manage', 'follow'].includes(links)) throw bad('links', links, `Invalid value '${links}' for links (expected manage or follow)`);
    const rec = str(r.parameters.recurse);
    if (rec !== undefined && !['true', 'false', 'remote', 'yes', 'no'].includes(rec)) throw bad('recurse', rec, `Invalid value '${rec}' for recurse`);
    const lim = r.parameters.recurselimit;
    if (lim !== undefined && lim !== null && !/^\d+$/.test(String(lim))) throw bad('recurselimit', lim, `Invalid value '${String(lim)}' for recurselimit (expected a number)`);
    for (const s of sources(r)) {
      if (!/^(puppet|file):\/\//.test(s) && !isAbsolute(s)) throw bad('source', s, `Cannot use relative URLs '${s}'`);
    }
  },
  autorequire(r) {
    const path = pathOf(r);
    const out: string[] = [];
    // The nearest ancestor first; the graph keeps only those in the catalog.
    for (let d = dirname(path); ; d = dirname(d)) {
      out.push(`File[${d}]`);
      if (d === '/' || d === '.') break;
    }
    const owner = str(r.parameters.owner);
    if (owner && !/^\d+$/.test(owner)) out.push(`User[${owner}]`);
    const group = str(r.parameters.group);
    if (group && !/^\d+$/.test(group)) out.push(`Group[${group}]`);
    const t = targetOf(r);
    if (t && isAbsolute(t)) out.push(`File[${t}]`);
    for (const s of sources(r)) { const l = localSourcePath(s); if (l) out.push(`File[${l}]`); }
    return out;
  },
  providers: [posix],
};

