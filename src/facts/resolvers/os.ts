// os, kernel*, identity, path, timezone, system_uptime, load_averages,
// fips_enabled: what the operating system says about itself.
import * as nodeOs from 'node:os';
import type { Data } from '../../compiler/wire.js';
import { nameForId, parseShellVars, readLine, readText } from '../read.js';
import { releaseHash } from '../units.js';
import { localTimezone } from '../timezone.js';

type Facts = Record<string, Data>;

// Facter's families: an os-release ID (or ID_LIKE) matching one of these belongs to the family.
const FAMILIES: [string, string[]][] = [
  ['RedHat', ['redhat', 'rhel', 'fedora', 'centos', 'scientific', 'ascendos', 'cloudlinux', 'psbm', 'oraclelinux', 'ovs', 'oel', 'amazon', 'xenserver', 'xcp-ng', 'virtuozzo', 'photon', 'mariner']],
  ['Debian', ['debian', 'ubuntu', 'huaweios', 'linuxmint', 'devuan', 'kde']],
  ['Suse', ['sles', 'sled', 'suse']],
  ['Gentoo', ['gentoo']],
  ['Archlinux', ['arch', 'manjaro']],
  ['Mandrake', ['mandrake', 'mandriva', 'mageia']],
];

export function osFamily(name: string): string {
  for (const [family, members] of FAMILIES) if (members.some((m) => name.toLowerCase().includes(m))) return family;
  return name;
}

/** os.name as Facter derives it from os-release's NAME ("Debian GNU/Linux" -> "Debian", "Red Hat ..." -> "RedHat"). */
export function osName(osRelease: Record<string, string>): string | undefined {
  const name = osRelease.NAME;
  if (!name) return undefined;
  const lower = name.toLowerCase();
  let n: string;
  if (/^(red|oracle|arch|manjaro)/.test(lower)) n = name.split(' ').slice(0, 2).join('');
  else if (lower.endsWith('mariner')) n = name.split(' ').at(-1)!.trim();
  else n = name.split(' ')[0].trim();
  if (/^(arch|manjaro)/.test(lower)) n = n.charAt(0).toUpperCase() + n.slice(1).toLowerCase();
  if (lower.startsWith('virtuozzo')) n += 'Linux';
  return n;
}

export function resolveOs(): Facts {
  const osRelease = parseShellVars(readText('/etc/os-release') ?? readText('/usr/lib/os-release'));
  const hardware = nodeOs.machine();
  const name = osName(osRelease) ?? nodeOs.type();
  const idLike = osRelease.ID_LIKE ?? osRelease.ID ?? name;
  let family = osFamily(name);
  if (family === name && idLike) {
    const f = osFamily(idLike);
    if (f !== idLike) family = f;
  }
  const release = osReleaseHash(name, family, osRelease);
  const os: Facts = {
    name,
    family,
    hardware,
    // Facter's Debian family reports dpkg's name for x86_64 only; elsewhere the kernel's.
    architecture: family === 'Debian' && hardware === 'x86_64' ? 'amd64' : hardware,
    selinux: selinux(),
  };
  if (release) os.release = release;
  const distro: Facts = {};
  if (osRelease.VERSION_CODENAME) distro.codename = osRelease.VERSION_CODENAME;
  if (osRelease.PRETTY_NAME) distro.description = osRelease.PRETTY_NAME;
  if (osRelease.ID) distro.id = family === 'Debian' ? cap(osRelease.ID) : lsbId(osRelease.ID);
  if (release) distro.release = { ...release };
  if (Object.keys(distro).length) os.distro = distro;
  return { os };
}

/** os.release the way Facter's per-distribution resolvers build it. */
export function osReleaseHash(name: string, family: string, osRelease: Record<string, string>, read: (path: string) => string | undefined = readLine): Record<string, Data> | undefined {
  const versionId = osRelease.VERSION_ID;
  if (name === 'Debian' || name === 'Devuan') {
    // Debian's point release lives in /etc/debian_version ("12.11"); testing/sid has a codename there instead.
    const dv = read('/etc/debian_version');
    return releaseHash(dv && /^\d/.test(dv) ? dv : versionId);
  }
  if (family === 'RedHat') {
    const m = /release\s+(\d[\d.]*)/.exec(read('/etc/redhat-release') ?? read('/etc/system-release') ?? '');
    return releaseHash(m?.[1] ?? versionId);
  }
  if (family === 'Suse') return releaseHash(versionId);
  if (name === 'Alpine') return releaseHash(read('/etc/alpine-release') ?? versionId);
  // Ubuntu and the generic Linux resolver report VERSION_ID whole as both full and major ("22.04").
  if (!versionId) return undefined;
  const v = name === 'Ubuntu' || versionId.includes('.') ? versionId : `${versionId}.0`;
  return { full: v, major: v };
}

function cap(s: string): string { return s.charAt(0).toUpperCase() + s.slice(1); }

/** lsb_release -i spellings for the common non-Debian ids. */
function lsbId(id: string): string {
  const map: Record<string, string> = { rhel: 'RedHatEnterprise', centos: 'CentOS', fedora: 'Fedora', ol: 'OracleServer', rocky: 'Rocky', almalinux: 'AlmaLinux', sles: 'SUSE', opensuse: 'openSUSE', amzn: 'Amazon' };
  return map[id] ?? cap(id);
}

function selinux(): Facts {
  const mounts = readText('/proc/self/mounts') ?? '';
  const m = /^\S+\s+(\S+)\s+selinuxfs\s/m.exec(mounts);
  if (!m) return { enabled: false };
  const fs = m[1];
  const out: Facts = { enabled: true };
  const enforce = readLine(`${fs}/enforce`);
  if (enforce !== undefined) {
    out.enforced = enforce === '1';
    out.current_mode = enforce === '1' ? 'enforcing' : 'permissive';
  }
  const pv = readLine(`${fs}/policyvers`);
  if (pv !== undefined) out.policy_version = pv;
  const conf = parseShellVars(readText('/etc/selinux/config'));
  if (conf.SELINUX) out.config_mode = conf.SELINUX;
  if (conf.SELINUXTYPE) out.config_policy = conf.SELINUXTYPE;
  return out;
}

export function resolveKernel(): Facts {
  const kernelrelease = nodeOs.release();
  const kernelversion = kernelrelease.split('-')[0];
  return {
    kernel: nodeOs.type(),
    kernelrelease,
    kernelversion,
    kernelmajversion: kernelversion.split('.').slice(0, 2).join('.'),
  };
}

export function resolveIdentity(): Facts {
  const uid = process.getuid?.() ?? -1;
  const gid = process.getgid?.() ?? -1;
  let user: string | undefined;
  try { user = nodeOs.userInfo().username; } catch { user = nameForId('/etc/passwd', uid); }
  const identity: Facts = { uid, gid, privileged: uid === 0 };
  if (user) identity.user = user;
  const group = nameForId('/etc/group', gid);
  if (group) identity.group = group;
  return { identity };
}

export function resolveMisc(): Facts {
  const out: Facts = {};
  if (process.env.PATH !== undefined) out.path = process.env.PATH;
  const tz = localTimezone();
  if (tz) out.timezone = tz;
  out.fips_enabled = readLine('/proc/sys/crypto/fips_enabled') === '1';
  const la = readLine('/proc/loadavg')?.split(/\s+/);
  if (la && la.length >= 3) out.load_averages = { '1m': Number(la[0]), '5m': Number(la[1]), '15m': Number(la[2]) };
  return out;
}

/** Seconds since boot, or, inside a Docker container, since its PID 1 started (as Facter does). */
export function uptimeSeconds(inDocker: boolean): number | undefined {
  const up = Number(readLine('/proc/uptime')?.split(/\s+/)[0]);
  if (!Number.isFinite(up)) return undefined;
  if (inDocker) {
    const stat = readLine('/proc/1/stat');
    // Field 22 (after the parenthesised command) is the start time in clock ticks; Linux uses 100 Hz.
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields?.[19]);
    if (Number.isFinite(start)) return Math.max(0, Math.floor(up - start / 100));
  }
  return Math.floor(up);
}

export function systemUptime(seconds: number): Facts {
  const hours = Math.floor(seconds / 3600);
  const days = Math.floor(hours / 24);
  const minutes = Math.floor(seconds / 60) % 60;
  const uptime = days === 0 ? `${hours}:${String(minutes).padStart(2, '0')} hours` : days === 1 ? '1 day' : `${days} days`;
  return { seconds, hours, days, uptime };
}

