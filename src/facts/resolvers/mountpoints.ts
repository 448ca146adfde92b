// mountpoints: /proc/mounts plus statfs per mount. statfs on a dead network
// mount can hang forever, so each one runs against a deadline and a mount that
// misses it is reported with zero sizes instead of stalling the run.
import { statfs } from 'node:fs/promises';
import type { Data } from '../../compiler/wire.js';
import { readText } from '../read.js';
import { bytesToHuman, mountCapacity } from '../units.js';

export interface Mount { device: string; path: string; filesystem: string; options: string[] }

/** /proc/mounts lines; octal escapes (\040 for space) decoded. A later mount on the same path wins. */
export function parseMounts(text: string): Mount[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  const byPath = new Map<string, Mount>();
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length < 4) continue;
    const m: Mount = { device: unescape(f[0]), path: unescape(f[1]), filesystem: f[2], options: f[3].split(',').map((o) => o.trim()) };
    byPath.delete(m.path);
    byPath.set(m.path, m);
  }
  return [...byPath.values()];
}

/** The mounts Facter reports: not the kernel's own /proc and /sys pseudo mounts (tmpfs there stays), not autofs. */
export function reportedMounts(): Mount[] {
  const text = readText('/proc/mounts');
  if (!text) return [];
  const rootDev = /(?:^|\s)root=(\S+)/.exec(readText('/proc/cmdline') ?? '')?.[1];
  return parseMounts(text)
    .filter((m) => !((/^\/(proc|sys)/.test(m.path) && m.filesystem !== 'tmpfs') || m.filesystem === 'autofs'))
    .map((m) => (m.device === '/dev/root' && rootDev && !rootDev.includes('=') ? { ...m, device: rootDev } : m));
}

async function sizes(path: string, deadlineMs: number): Promise<{ size: number; available: number; used: number } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((res) => { timer = setTimeout(() => res(undefined), deadlineMs); });
  try {
    const s = await Promise.race([statfs(path).catch(() => undefined), timeout]);
    if (!s) return undefined;
    const size = s.blocks * s.bsize;
    return { size, available: s.bavail * s.bsize, used: size - s.bfree * s.bsize };
  } finally { clearTimeout(timer); }
}

export async function resolveMountpoints(mounts: Mount[], deadlineMs: number): Promise<Record<string, Data>> {
  const out: Record<string, Data> = {};
  const stats = await Promise.all(mounts.map((m) => sizes(m.path, deadlineMs)));
  mounts.forEach((m, i) => {
    const s = stats[i] ?? { size: 0, available: 0, used: 0 };
    out[m.path] = {
      available: bytesToHuman(s.available), available_bytes: s.available,
      capacity: mountCapacity(s.used, s.used + s.available),
      device: m.device, filesystem: m.filesystem, options: m.options,
      size: bytesToHuman(s.size), size_bytes: s.size,
      used: bytesToHuman(s.used), used_bytes: s.used,
    };
  });
  return Object.keys(out).length ? { mountpoints: out } : {};
}
