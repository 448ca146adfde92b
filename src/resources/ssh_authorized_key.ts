// ssh_authorized_key: a public key in a user's authorized_keys (Puppet's
// 'parsed' provider): "[options ]type key name". The file and its .ssh
// directory belong to the user and stay private.
import { chownSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Data } from '../compiler/wire.js';
import type { Change, Provider, Resource, ResourceType } from './type.js';
import { ensureChange, ensurePresentAbsent, failure, fmt, invalid, list, nameOf, parsedFileHeader, readIfExists, str } from './providers/typesupport.js';
import { readPasswd } from './providers/accounts.js';
import { writeFileAtomic } from '../util/fsutil.js';

const TYPES = [
  'ssh-dss', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-ed25519',
  'sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ssh-ed25519@openssh.com',
  'ssh-rsa-cert-v01@openssh.com', 'ssh-ed25519-cert-v01@openssh.com', 'ssh-dss-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp521-cert-v01@openssh.com',
];
const ALIASES: Record<string, string> = { rsa: 'ssh-rsa', dsa: 'ssh-dss', ed25519: 'ssh-ed25519', 'ecdsa-sk': 'sk-ecdsa-sha2-nistp256@openssh.com', 'ed25519-sk': 'sk-ssh-ed25519@openssh.com' };

export interface KeyRecord { options: string[]; type: string; key: string; name: string }

/** Splits an options field on commas outside double quotes. */
function splitOptions(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) { out.push(cur); cur = ''; } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

export function parseKeyLine(line: string): KeyRecord | undefined {
  const t = line.trim();
  if (!t || t.startsWith('#')) return undefined;
  // Options come first when the first word is not a key type; they may hold quoted spaces.
  let rest = t;
  let options: string[] = [];
  const first = /^(\S+)/.exec(t)![1];
  if (!TYPES.includes(first)) {
    let i = 0; let quoted = false;
    for (; i < t.length; i++) { if (t[i] === '"') quoted = !quoted; else if (/\s/.test(t[i]) && !quoted) break; }
    options = splitOptions(t.slice(0, i));
    rest = t.slice(i).trim();
  }
  const m = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(rest);
  if (!m) return undefined;
  return { options, type: m[1], key: m[2], name: m[3] ?? '' };
}

export function formatKeyLine(k: KeyRecord): string {
  return [...(k.options.length ? [k.options.join(',')] : []), k.type, k.key, k.name].join(' ');
}

function userOf(r: Resource): string | undefined { return str(r, 'user'); }

function targetOf(r: Resource): string {
  const t = str(r, 'target');
  if (t) return t;
  const user = userOf(r);
  if (!user) throw invalid(r, 'user', undefined, 'Attribute user or target is mandatory');
  const pw = readPasswd().find((u) => u.name === user);
  if (!pw) throw failure(r, `User ${user} does not exist, so its authorized_keys file cannot be found`);
  return join(pw.home, '.ssh', 'authorized_keys');
}

function desiredType(r: Resource): string | undefined {
  const t = str(r, 'type');
  return t === undefined ? undefined : ALIASES[t] ?? t;
}

function desiredOptions(r: Resource): string[] | undefined {
  const o = list(r, 'options');
  return o === undefined ? undefined : o.filter((x) => x !== 'absent');
}

export const parsedKeyProvider: Provider = {
  name: 'parsed',
  suitable: () => true,
  isDefault: () => true,
  async check(r) {
    const name = nameOf(r);
    const ensure = ensurePresentAbsent(r);
    const lines = (readIfExists(targetOf(r)) ?? '').split('\n');
    const rec = lines.map(parseKeyLine).find((k) => k?.name === name);
    if (!rec) {
      if (ensure === 'absent') return [];
      if (!str(r, 'key')) throw invalid(r, 'key', undefined, 'Attribute key is mandatory for a key that does not exist');
      if (!str(r, 'type')) throw invalid(r, 'type', undefined, 'Attribute type is mandatory for a key that does not exist');
      return [ensureChange('absent', 'present')];
    }
    if (ensure === 'absent') return [ensureChange('present', 'absent')];
    const changes: Change[] = [];
    const type = desiredType(r);
    if (type !== undefined && type !== rec.type) changes.push({ property: 'type', previous: rec.type, desired: type, message: `type changed ${fmt(rec.type)} to ${fmt(type)}` });
    const key = str(r, 'key');
    if (key !== undefined && key !== rec.key) changes.push({ property: 'key', previous: rec.key, desired: key, message: `key changed ${fmt(rec.key)} to ${fmt(key)}` });
    const options = desiredOptions(r);
    if (options !== undefined && options.join(',') !== rec.options.join(',')) {
      const prev: Data = rec.options.length ? rec.options : 'absent';
      const want: Data = options.length ? options : 'absent';
      changes.push({ property: 'options', previous: prev, desired: want, message: `options changed ${fmt(prev)} to ${fmt(want)}` });
    }
    return changes;
  },
  async apply(r) {
    const name = nameOf(r);
    const target = targetOf(r);
    const text = readIfExists(target) ?? '';
    // Puppet's own header is rewritten on every write, never kept.
    const lines = text.split('\n').filter((l) => !l.startsWith('# HEADER:'));
    if (lines[lines.length - 1] === '') lines.pop();
    const idx = lines.findIndex((l) => parseKeyLine(l)?.name === name);
    if (ensurePresentAbsent(r) === 'absent') {
      if (idx >= 0) lines.splice(idx, 1);
    } else {
      const old = idx >= 0 ? parseKeyLine(lines[idx])! : { options: [], type: '', key: '', name };
      const rec: KeyRecord = { options: desiredOptions(r) ?? old.options, type: desiredType(r) ?? old.type, key: str(r, 'key') ?? old.key, name };
      if (idx >= 0) lines[idx] = formatKeyLine(rec); else lines.push(formatKeyLine(rec));
    }
    const user = userOf(r);
    const pw = user ? readPasswd().find((u) => u.name === user) : undefined;
    const dir = dirname(target);
    let dirExisted = true;
    try {
      // Root writing through a user's symlinked .ssh could overwrite any file.
      if (lstatSync(dir).isSymbolicLink()) throw failure(r, `Refusing to write ${target}: ${dir} is a symbolic link`);
    } catch (e) { if ((e as NodeJS.ErrnoException).code === 'ENOENT') dirExisted = false; else throw e; }
    if (!dirExisted) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (pw) chownSync(dir, pw.uid, pw.gid);
    }
    writeFileAtomic(target, parsedFileHeader() + lines.join('\n') + (lines.length ? '\n' : ''), 0o600);
    if (pw) chownSync(target, pw.uid, pw.gid);
  },
};

export const sshAuthorizedKeyType: ResourceType = {
  name: 'ssh_authorized_key',
  namevar: 'name',
  properties: ['ensure', 'type', 'key', 'user', 'target', 'options'],
  parameters: ['name', 'provider', 'drop_private_key'],
  validate(r) {
    ensurePresentAbsent(r);
    const type = desiredType(r);
    if (type !== undefined && !TYPES.includes(type)) throw invalid(r, 'type', str(r, 'type'), `Invalid value '${str(r, 'type')}' for type. Valid values are ${TYPES.join(', ')}`);
    const key = str(r, 'key');
    if (key !== undefined && /\s/.test(key)) throw invalid(r, 'key', key, 'Key must not contain whitespace');
    const name = nameOf(r);
    if (/[\n\r]/.test(name)) throw invalid(r, 'name', name, 'name cannot contain a newline');
    for (const o of desiredOptions(r) ?? []) if (/[\n\r]/.test(o)) throw invalid(r, 'options', o, 'options cannot contain a newline');
  },
  autorequire(r) { const u = userOf(r); return u ? [`User[${u}]`] : []; },
  providers: [parsedKeyProvider],
};
