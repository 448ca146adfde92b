// Readers for the local account databases (/etc/passwd, /etc/shadow,
// /etc/group), shared by the user and group types. Read fresh on every
// check: useradd and friends change them behind our back.
import { readIfExists } from './typesupport.js';

export interface PasswdEntry { name: string; uid: number; gid: number; comment: string; home: string; shell: string }
export interface ShadowEntry { name: string; password: string; min?: number; max?: number; warn?: number; expire?: number }
export interface GroupEntry { name: string; gid: number; members: string[] }

const num = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : Number(s));

export function readPasswd(file = '/etc/passwd'): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of (readIfExists(file) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#') || f[0].startsWith('+') || f[0].startsWith('-')) continue;
    out.push({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), comment: f[4], home: f[5], shell: f[6] });
  }
  return out;
}

export function readShadow(file = '/etc/shadow'): ShadowEntry[] {
  const out: ShadowEntry[] = [];
  for (const line of (readIfExists(file) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 8) continue;
    out.push({ name: f[0], password: f[1], min: num(f[3]), max: num(f[4]), warn: num(f[5]), expire: num(f[7]) });
  }
  return out;
}

export function readGroups(file = '/etc/group'): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of (readIfExists(file) ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#')) continue;
    out.push({ name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',').filter(Boolean) : [] });
  }
  return out;
}

/** A group given by name or number, as a gid (undefined when the name is unknown). */
export function resolveGid(value: string | number): number | undefined {
  if (typeof value === 'number' || /^\d+$/.test(value)) return Number(value);
  return readGroups().find((g) => g.name === value)?.gid;
}

/** A user given by name or number, as a uid. */
export function resolveUid(value: string | number): number | undefined {
  if (typeof value === 'number' || /^\d+$/.test(value)) return Number(value);
  return readPasswd().find((u) => u.name === value)?.uid;
}

/** Expiry as shadow stores it (days since the epoch) to Puppet's YYYY-MM-DD. */
export function daysToDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}
