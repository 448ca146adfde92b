// networking: hostname, domain and fqdn without a DNS query (/etc/hosts and
// /etc/resolv.conf, as the C resolver's files backend would answer), interfaces
// and their bindings from the kernel, the primary interface from the routing table.
import * as nodeOs from 'node:os';
import { spawnSync } from 'node:child_process';
import type { Data } from '../../compiler/wire.js';
import { listDir, readLine, readText } from '../read.js';

type Facts = Record<string, Data>;

// ---- addresses -------------------------------------------------------------

function v4ToInt(a: string): number { return a.split('.').reduce((n, o) => n * 256 + Number(o), 0); }
function intToV4(n: number): string { return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.'); }

export function v6ToBig(a: string): bigint {
  let s = a.split('%')[0];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) { const n = v4ToInt(v4[1]); s = s.slice(0, -v4[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`; }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** RFC 5952 text: lower case, the longest run of zero groups (two or more) as "::". */
export function bigToV6(n: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let best = -1; let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i; while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function prefixOf(netmask: string, v6: boolean): number {
  if (v6) { let n = v6ToBig(netmask); let c = 0; while (n) { c += Number(n & 1n); n >>= 1n; } return c; }
  let n = v4ToInt(netmask); let c = 0; while (n) { c += n & 1; n >>>= 1; } return c;
}

export function binding4(address: string, prefix: number): Facts {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { address, netmask: intToV4(mask), network: intToV4((v4ToInt(address) & mask) >>> 0) };
}

export function scope6(address: string): string {
  const n = v6ToBig(address);
  if (n === 1n) return 'host';
  const top10 = n >> 118n;
  if (top10 === 0x3fan) return 'link'; // fe80::/10
  if (top10 === 0x3fbn) return 'site'; // fec0::/10
  return 'global';
}

export function binding6(address: string, prefix: number): Facts {
  const all = (1n << 128n) - 1n;
  const mask = prefix === 0 ? 0n : (all << BigInt(128 - prefix)) & all;
  const addr = bigToV6(v6ToBig(address));
  return { address: addr, netmask: bigToV6(mask), network: bigToV6(v6ToBig(address) & mask), scope6: scope6(addr) };
}

/** Loopback, link-local and unique-local addresses are never the "main" address. */
export function ignoredAddress(a: string): boolean {
  if (!a) return true;
  if (a.includes(':')) {
    const n = v6ToBig(a);
    return n === 1n || (n >> 118n) === 0x3fan || (n >> 121n) === 0x7en;
  }
  const n = v4ToInt(a);
  return (n >>> 24) === 127 || (n >>> 16) === 0xa9fe;
}

// ---- /proc/net ------------------------------------------------------------

const IFA_FLAGS: [string, number][] = [['temporary', 0x01], ['noad', 0x02], ['optimistic', 0x04], ['dadfailed', 0x08],
  ['homeaddress', 0x10], ['deprecated', 0x20], ['tentative', 0x40], ['permanent', 0x80]];

/** /proc/net/if_inet6 -> interface -> address -> flag names. */
export function parseIfInet6(text: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 6 || f[0].length !== 32) continue;
    const addr = bigToV6(BigInt('0x' + f[0]));
    const flags = parseInt(f[4], 16);
    const names = IFA_FLAGS.filter(([, v]) => flags & v).map(([k]) => k);
    if (!out.has(f[5])) out.set(f[5], new Map());
    out.get(f[5])!.set(addr, names);
  }
  return out;
}

/** The interface of the default route in /proc/net/route, if any. */
export function primaryFromRoute(text: string): string | undefined {
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 7 && f[1] === '00000000' && f[7] === '00000000' && f[0] !== '*') return f[0];
  }
  return undefined;
}

// ---- names ----------------------------------------------------------------

/** The canonical name /etc/hosts gives a host (the first name on its line), as getaddrinfo(AI_CANONNAME) would. */
export function canonicalFromHosts(text: string, host: string): string | undefined {
  for (const raw of text.split('\n')) {
    const names = raw.replace(/#.*/, '').trim().split(/\s+/).slice(1);
    if (names.includes(host)) return names[0];
  }
  return undefined;
}

export function resolveNames(): { hostname: string; domain?: string; fqdn: string } {
  const full = nodeOs.hostname();
  const dot = full.indexOf('.');
  const hostname = dot > 0 ? full.slice(0, dot) : full;
  let domain = dot > 0 ? full.slice(dot + 1) : '';
  let fqdn: string | undefined;
  if (!domain && hostname) {
    const canon = canonicalFromHosts(readText('/etc/hosts') ?? '', hostname);
    if (canon && canon !== hostname) fqdn = canon;
    if (fqdn?.startsWith(`${hostname}.`)) domain = fqdn.slice(hostname.length + 1);
  }
  if (!domain) {
    const rc = readText('/etc/resolv.conf') ?? '';
    domain = /^domain\s+(\S+)/m.exec(rc)?.[1] ?? /^search\s+(\S+)/m.exec(rc)?.[1] ?? '';
  }
  fqdn ??= domain ? `${hostname}.${domain}` : hostname;
  return { hostname, domain: domain || undefined, fqdn };
}

// ---- DHCP -----------------------------------------------------------------

/** The DHCP server of an interface from systemd-networkd's or dhclient's lease files; no packets sent. */
function dhcpServer(iface: string, index: string | undefined): string | undefined {
  if (index) {
    const m = /^SERVER_ADDRESS=(\S+)/m.exec(readText(`/run/systemd/netif/leases/${index}`) ?? '');
    if (m) return m[1];
  }
  for (const dir of ['/var/lib/dhclient', '/var/lib/dhcp', '/var/lib/dhcp3', '/var/lib/NetworkManager', '/var/db']) {
    for (const f of listDir(dir)) {
      if (!f.includes('lease') || !(f.includes(iface) || f === 'dhclient.leases')) continue;
      const text = readText(`${dir}/${f}`) ?? '';
      const all = [...text.matchAll(/interface\s+"([^"]+)";[\s\S]*?dhcp-server-identifier\s+([\d.]+);/g)].filter((x) => x[1] === iface);
      if (all.length) return all[all.length - 1][2];
    }
  }
  return undefined;
}

// ---- links ----------------------------------------------------------------

/** `ip -o link show` lines -> name -> {mtu, mac}. */
export function parseIpLink(text: string): Map<string, { mtu?: number; mac?: string }> {
  const out = new Map<string, { mtu?: number; mac?: string }>();
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s.*?\bmtu (\d+)/.exec(line);
    if (!m) continue;
    const mac = /link\/\w+ ([0-9a-f]{2}(?::[0-9a-f]{2}){5})\b/.exec(line)?.[1];
    out.set(m[1], { mtu: Number(m[2]), mac });
  }
  return out;
}

/**
 * MTU and MAC of each interface. /sys/class/net answers for the network namespace
 * sysfs was mounted in; when that is not ours (its interfaces differ from
 * /proc/net/dev's), ask `ip link` instead, as Facter always does.
 */
function linkInfo(names: string[]): Map<string, { mtu?: number; mac?: string }> {
  const sys = listDir('/sys/class/net');
  const same = sys.length === names.length && names.every((n) => sys.includes(n));
  if (!same) {
    const r = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8', timeout: 2000 });
    if (r.status === 0) return parseIpLink(r.stdout);
  }
  const out = new Map<string, { mtu?: number; mac?: string }>();
  for (const n of names) {
    const mtu = readLine(`/sys/class/net/${n}/mtu`);
    out.set(n, { mtu: mtu === undefined ? undefined : Number(mtu), mac: readLine(`/sys/class/net/${n}/address`) });
  }
  return out;
}

// ---- the fact -------------------------------------------------------------

export function resolveNetworking(): Facts {
  const names = resolveNames();
  const networking: Facts = { hostname: names.hostname, fqdn: names.fqdn };
  if (names.domain) networking.domain = names.domain;

  const interfaces: Record<string, Facts> = {};
  const flags6 = parseIfInet6(readText('/proc/net/if_inet6') ?? '');
  // /proc/net/dev follows this process's network namespace; /sys/class/net follows sysfs's mounter.
  const kernelIfaces = (readText('/proc/net/dev') ?? '').split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean);
  const nodeIfaces = nodeOs.networkInterfaces();
  const allNames = [...new Set([...Object.keys(nodeIfaces), ...kernelIfaces])];
  const links = linkInfo(kernelIfaces.length ? kernelIfaces : allNames);
  for (const name of allNames) {
    const rec: Facts = {};
    const b4: Facts[] = []; const b6: Facts[] = [];
    let mac: string | undefined;
    for (const a of nodeIfaces[name] ?? []) {
      const prefix = a.cidr ? Number(a.cidr.split('/')[1]) : prefixOf(a.netmask, a.family === 'IPv6');
      if (a.family === 'IPv4') b4.push(binding4(a.address, prefix));
      else {
        const b = binding6(a.address, prefix);
        const fl = flags6.get(name)?.get(b.address as string);
        if (fl) b.flags = fl;
        b6.push(b);
      }
      if (a.mac && a.mac !== '00:00:00:00:00:00') mac = a.mac;
    }
    const link = links.get(name);
    const linkMac = link?.mac;
    if (!mac && linkMac && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(linkMac) && linkMac !== '00:00:00:00:00:00') mac = linkMac;
    if (b4.length) {
      rec.bindings = b4;
      const main = b4.find((b) => !ignoredAddress(b.address as string)) ?? b4[0];
      rec.ip = main.address; rec.netmask = main.netmask; rec.network = main.network;
    }
    if (b6.length) {
      rec.bindings6 = b6;
      const main = b6.find((b) => !ignoredAddress(b.address as string)) ?? b6[0];
      rec.ip6 = main.address; rec.netmask6 = main.netmask; rec.network6 = main.network; rec.scope6 = main.scope6;
    }
    if (mac) rec.mac = mac;
    if (link?.mtu !== undefined) rec.mtu = link.mtu;
    const dhcp = dhcpServer(name, readLine(`/sys/class/net/${name}/ifindex`));
    if (dhcp) rec.dhcp = dhcp;
    interfaces[name] = rec;
  }
  if (Object.keys(interfaces).length) networking.interfaces = interfaces;

  let primary = primaryFromRoute(readText('/proc/net/route') ?? '');
  if (!primary || !interfaces[primary]) {
    primary = Object.keys(interfaces).find((n) => [...((interfaces[n].bindings as Facts[] | undefined) ?? []), ...((interfaces[n].bindings6 as Facts[] | undefined) ?? [])]
      .some((b) => !ignoredAddress(b.address as string)));
  }
  if (primary) {
    networking.primary = primary;
    for (const [k, v] of Object.entries(interfaces[primary])) if (k !== 'bindings' && k !== 'bindings6') networking[k] = v;
  }
  return { networking };
}
