// concat_file and concat_fragment (puppetlabs-concat): a file built from
// the fragments of the catalog that target it, ordered by their `order`.
// The `concat` defined type (warn header, ...) comes from the module itself;
// these are the two native types it declares.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Data } from '../compiler/wire.js';
import type { ApplyContext, Change, Provider, Resource, ResourceType } from './type.js';
import { bool, ensurePresentAbsent, execCommand, failure, fmt, invalid, list, nameOf, oneOf, param, str } from './providers/typesupport.js';
import { readGroups, readPasswd, resolveGid, resolveUid } from './providers/accounts.js';
import { writeFileAtomic } from '../util/fsutil.js';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

function pathOf(r: Resource): string {
  const p = str(r, 'path') ?? nameOf(r);
  if (!p.startsWith('/')) throw invalid(r, 'path', p, `File paths must be fully qualified, not '${p}'`);
  return p;
}

/** The fragments of the catalog that belong to this concat_file: by target (path or title) or tag. */
function fragmentsOf(r: Resource, ctx: ApplyContext): Resource[] {
  if (!ctx.catalogResources) throw failure(r, 'concat_file needs the catalog to find its fragments');
  const path = pathOf(r);
  const tag = str(r, 'tag');
  return ctx.catalogResources().filter((f) => {
    if (f.type !== 'concat_fragment') return false;
    const target = str(f, 'target');
    if (target !== undefined && (target === path || target === r.title)) return true;
    // The tag metaparameter may reach the agent as a parameter or only among the tags.
    const ftag = f.parameters.tag;
    return tag !== undefined && (ftag === tag || (Array.isArray(ftag) && ftag.includes(tag)) || f.tags.includes(tag));
  });
}

async function fragmentContent(f: Resource, ctx: ApplyContext): Promise<string> {
  const content = param(f, 'content');
  if (content !== undefined) return typeof content === 'string' ? content : String(content);
  const sources = list(f, 'source') ?? [];
  for (const s of sources) {
    if (s.startsWith('puppet://')) {
      if (!ctx.fileSource) throw failure(f, `Cannot fetch ${s}: no file server in this run`);
      try { return (await ctx.fileSource.content(s)).toString('utf8'); } catch { continue; }
    }
    const local = s.startsWith('file://') ? s.slice('file://'.length) : s;
    try { return readFileSync(local, 'utf8'); } catch { continue; }
  }
  throw failure(f, `Could not retrieve source(s) ${sources.join(', ')}`);
}

/** Splits "10___name" for the numeric order: numbers compare as numbers. */
function decompound(key: string): Array<string | number> {
  return key.split('___', 2).map((v) => (/^\d+$/.test(v) ? Number(v) : v));
}

function compare(a: Array<string | number>, b: Array<string | number>): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]; const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/** concat's nested_merge: hashes merge deeply, arrays join without duplicates, a clash needs force (the first value stays). */
function nestedMerge(r: Resource, a: Data, b: Data): Data {
  const empty = (x: Data) => x === null || x === undefined || (Array.isArray(x) ? x.length === 0 : typeof x === 'object' && Object.keys(x).length === 0);
  if (empty(b)) return a;
  if (empty(a)) return b;
  if (Array.isArray(a) && Array.isArray(b)) return uniq([...a, ...b]);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) || Array.isArray(b)) {
    throw failure(r, 'Fragments of a json or yaml concat_file must hold hashes (or, for json-array, anything)');
  }
  const out: Record<string, Data> = { ...a };
  for (const [k, v2] of Object.entries(b)) {
    if (!(k in out)) { out[k] = v2; continue; }
    const v1 = out[k];
    const isHash = (x: Data) => typeof x === 'object' && x !== null && !Array.isArray(x);
    if ((isHash(v1) && isHash(v2)) || (Array.isArray(v1) && Array.isArray(v2))) out[k] = nestedMerge(r, v1, v2);
    else if (JSON.stringify(v1) !== JSON.stringify(v2) && !bool(r, 'force', false)) {
      throw failure(r, `Duplicate key '${k}' found with values '${String(v1)}' and ${String(v2)}'. Use 'force' attribute to merge keys.`);
    }
  }
  return out;
}

function uniq(xs: Data[]): Data[] {
  const seen = new Set<string>();
  return xs.filter((x) => { const k = JSON.stringify(x); if (seen.has(k)) return false; seen.add(k); return true; });
}

/** Ruby's JSON.pretty_generate, whose empty hashes and arrays span lines ("{\n}", "[\n\n]"). */
export function rubyPrettyJson(v: Data, indent = ''): string {
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (!v.length) return `[\n\n${indent}]`;
    return `[\n${v.map((x) => inner + rubyPrettyJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    if (!entries.length) return `{\n${indent}}`;
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${rubyPrettyJson(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

/** The file's content: fragments sorted (numeric by default, or alpha) on "order___name", joined or merged. */
export async function buildContent(r: Resource, ctx: ApplyContext): Promise<string> {
  const numeric = (str(r, 'order') ?? 'numeric') === 'numeric';
  const ensureNewline = bool(r, 'ensure_newline', false);
  const items: Array<[string, string]> = [];
  for (const f of fragmentsOf(r, ctx)) {
    let c = await fragmentContent(f, ctx);
    if (ensureNewline && !c.endsWith('\n')) c += '\n';
    items.push([`${str(f, 'order') ?? '10'}___${nameOf(f)}`, c]);
  }
  // alpha compares [order, name] split at the first "__", as concat does.
  const alphaKey = (k: string): Array<string | number> => { const i = k.indexOf('__'); return [k.slice(0, i), k.slice(i + 2)]; };
  items.sort((a, b) => (numeric ? compare(decompound(a[0]), decompound(b[0])) : compare(alphaKey(a[0]), alphaKey(b[0]))));
  const format = str(r, 'format') ?? 'plain';
  const parse = (text: string, f: string): Data => {
    try { return (f === 'yaml' ? parseYaml(text) : JSON.parse(text)) as Data; } catch (e) {
      throw failure(r, `A fragment of ${pathOf(r)} is not valid ${f === 'yaml' ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
    }
  };
  switch (format) {
    case 'plain': return items.map((i) => i[1]).join('');
    case 'yaml': {
      const merged = items.map((i) => parse(i[1], 'yaml')).reduce((m: Data, c) => nestedMerge(r, m, c), {});
      return `---\n${stringifyYaml(merged, { indentSeq: false, singleQuote: true })}`;
    }
    case 'json': case 'json-pretty': {
      const merged = items.map((i) => parse(i[1], 'json')).reduce((m: Data, c) => nestedMerge(r, m, c), {});
      return format === 'json' ? JSON.stringify(merged) : rubyPrettyJson(merged);
    }
    case 'json-array': case 'json-array-pretty': {
      const all = items.map((i) => parse(i[1], 'json'));
      return format === 'json-array' ? JSON.stringify(all) : rubyPrettyJson(all);
    }
    default: throw invalid(r, 'format', format, `Invalid format '${format}'`);
  }
}

const sha256 = (s: string | Buffer) => `{sha256}${createHash('sha256').update(s).digest('hex')}`;

function desiredMode(r: Resource): string | undefined {
  const m = str(r, 'mode');
  if (m === undefined) return undefined;
  if (!/^[0-7]{3,4}$/.test(m)) throw invalid(r, 'mode', m, `mode must be numeric (e.g. '0644'), not '${m}'`);
  return m.padStart(4, '0');
}

interface Live { content: Buffer; mode: string; uid: number; gid: number }

function readLive(path: string): Live | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    return { content: readFileSync(path), mode: (st.mode & 0o7777).toString(8).padStart(4, '0'), uid: st.uid, gid: st.gid };
  } catch { return undefined; }
}

const userName = (uid: number) => readPasswd().find((u) => u.uid === uid)?.name ?? String(uid);
const groupName = (gid: number) => readGroups().find((g) => g.gid === gid)?.name ?? String(gid);

export const concatFileProvider: Provider = {
  name: 'concat_file',
  suitable: () => true,
  isDefault: () => true,
  async check(r, ctx) {
    const path = pathOf(r);
    const live = readLive(path);
    if (ensurePresentAbsent(r) === 'absent') {
      return live ? [{ property: 'ensure', previous: 'file', desired: 'absent', message: 'removed' }] : [];
    }
    const content = await buildContent(r, ctx);
    if (!live) return [{ property: 'ensure', previous: 'absent', desired: 'file', message: `defined content as '${sha256(content)}'` }];
    const changes: Change[] = [];
    if (bool(r, 'replace', true) && !live.content.equals(Buffer.from(content))) {
      changes.push({ property: 'content', previous: sha256(live.content), desired: sha256(content), message: `content changed '${sha256(live.content)}' to '${sha256(content)}'` });
    }
    const owner = str(r, 'owner');
    if (owner !== undefined) {
      const uid = resolveUid(owner);
      if (uid === undefined) throw failure(r, `Could not find user ${owner}`);
      if (uid !== live.uid) changes.push({ property: 'owner', previous: userName(live.uid), desired: owner, message: `owner changed ${fmt(userName(live.uid))} to ${fmt(owner)}` });
    }
    const group = str(r, 'group');
    if (group !== undefined) {
      const gid = resolveGid(group);
      if (gid === undefined) throw failure(r, `Could not find group ${group}`);
      if (gid !== live.gid) changes.push({ property: 'group', previous: groupName(live.gid), desired: group, message: `group changed ${fmt(groupName(live.gid))} to ${fmt(group)}` });
    }
    const mode = desiredMode(r);
    if (mode !== undefined && mode !== live.mode) changes.push({ property: 'mode', previous: live.mode, desired: mode, message: `mode changed ${fmt(live.mode)} to ${fmt(mode)}` });
    return changes;
  },
  async apply(r, changes, ctx) {
    const path = pathOf(r);
    const live = readLive(path);
    if (ensurePresentAbsent(r) === 'absent') { if (live) unlinkSync(path); return; }
    const props = new Set(changes.map((c) => c.property));
    const mode = desiredMode(r);
    const modeNum = mode !== undefined ? parseInt(mode, 8) : live ? parseInt(live.mode, 8) : 0o644;
    if (props.has('ensure') || props.has('content')) {
      const content = await buildContent(r, ctx);
      await validate(r, path, content);
      const bucket = str(r, 'backup');
      if (live && ctx.backup && param(r, 'backup') !== false && bucket !== 'false') await ctx.backup(path, live.content, !bucket || bucket === 'true' ? 'puppet' : bucket);
      writeFileAtomic(path, content, modeNum);
    } else if (props.has('mode')) chmodSync(path, modeNum);
    const owner = str(r, 'owner');
    const group = str(r, 'group');
    const uid = owner !== undefined ? resolveUid(owner)! : live?.uid ?? -1;
    const gid = group !== undefined ? resolveGid(group)! : live?.gid ?? -1;
    if (owner !== undefined || group !== undefined || live) chownSync(path, uid, gid);
  },
};

/** validate_cmd: the new content must pass the command (% = a temp copy) before it replaces the file. */
async function validate(r: Resource, path: string, content: string): Promise<void> {
  const cmd = str(r, 'validate_cmd');
  if (!cmd) return;
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.concat-validate`);
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    const res = await execCommand('/bin/sh', ['-c', cmd.split('%').join(`'${tmp}'`)], { allowFail: true });
    if (res.code !== 0) throw failure(r, `validate_cmd '${cmd}' failed (${res.code}): ${(res.stderr || res.stdout).trim()}`);
  } finally { try { unlinkSync(tmp); } catch { /* gone */ } }
}

export const concatFileType: ResourceType = {
  name: 'concat_file',
  namevar: 'path',
  properties: ['ensure', 'content', 'owner', 'group', 'mode'],
  parameters: ['path', 'tag', 'order', 'backup', 'replace', 'validate_cmd', 'ensure_newline', 'format', 'force', 'show_diff', 'selinux_ignore_defaults', 'selrange', 'selrole', 'seltype', 'seluser', 'provider'],
  validate(r) {
    pathOf(r);
    ensurePresentAbsent(r);
    oneOf(r, 'order', ['alpha', 'numeric']);
    oneOf(r, 'format', ['plain', 'yaml', 'json', 'json-array', 'json-pretty', 'json-array-pretty']);
    const backup = param(r, 'backup');
    if (backup !== undefined && typeof backup !== 'boolean' && typeof backup !== 'string') throw invalid(r, 'backup', backup, 'Backup must be a Boolean or String');
    desiredMode(r);
  },
  autorequire(r) {
    const refs: string[] = [];
    const o = str(r, 'owner'); if (o && !/^\d+$/.test(o)) refs.push(`User[${o}]`);
    const g = str(r, 'group'); if (g && !/^\d+$/.test(g)) refs.push(`Group[${g}]`);
    refs.push(`File[${dirname(pathOf(r))}]`);
    return refs;
  },
  providers: [concatFileProvider],
};

/** A fragment changes nothing itself: its concat_file reads it from the catalog. */
export const concatFragmentProvider: Provider = {
  name: 'concat_fragment',
  suitable: () => true,
  isDefault: () => true,
  async check(r, ctx) {
    // A fragment without its concat_file only warns, as in puppetlabs-concat.
    const target = str(r, 'target');
    const tag = str(r, 'tag');
    const all = ctx.catalogResources?.();
    const found = all?.some((c) => c.type === 'concat_file' && ((target !== undefined && (c.title === target || str(c, 'path') === target)) || (tag !== undefined && str(c, 'tag') === tag)));
    if (all && !found) ctx.log('warning', `Target Concat_file with path or title '${target}' ${tag ? `or tag '${tag} ` : ''}not found in the catalog`);
    return [];
  },
  async apply() { /* nothing to change */ },
};

export const concatFragmentType: ResourceType = {
  name: 'concat_fragment',
  namevar: 'name',
  properties: [],
  parameters: ['name', 'target', 'content', 'source', 'order', 'tag'],
  validate(r) {
    if (param(r, 'target') === undefined && param(r, 'tag') === undefined) throw invalid(r, 'target', undefined, "No 'target' or 'tag' set");
    const hasSource = param(r, 'source') !== undefined;
    const hasContent = param(r, 'content') !== undefined;
    if (!hasSource && !hasContent) throw invalid(r, 'content', undefined, "Set either 'source' or 'content'");
    if (hasSource && hasContent) throw invalid(r, 'source', param(r, 'source'), "Can't use 'source' and 'content' at the same time");
    const order = param(r, 'order');
    if (order !== undefined && (typeof order !== 'string' && typeof order !== 'number' || /[:\n/]/.test(String(order)))) {
      throw invalid(r, 'order', order, "Order cannot contain '/', ':', or '\\n'.");
    }
  },
  autorequire(r) { const t = str(r, 'target'); return t ? [`Concat_file[${t}]`] : []; },
  providers: [concatFragmentProvider],
};
