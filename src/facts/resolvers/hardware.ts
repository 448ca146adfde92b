// processors, memory, disks, partitions, filesystems and dmi: read from
// /proc and /sys only, never from a helper program, so they cost microseconds.
import { existsSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { Data } from '../../compiler/wire.js';
import { listDir, readLine, readText } from '../read.js';
import { bytesToHuman, hertzToHuman, memoryCapacity } from '../units.js';

type Facts = Record<string, Data>;

export interface CpuInfo {
  count: number;
  models: string[];
  physicalIds: number[];
  speedHz?: number;
  coresPerSocket?: number;
  siblings?: number;
}

export function parseCpuinfo(text: string): CpuInfo {
  const info: CpuInfo = { count: 0, models: [], physicalIds: [] };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor') info.count++;
    else if (key === 'model name' || key === 'cpu') info.models.push(value);
    else if (key === 'physical id') info.physicalIds.push(parseInt(value, 10));
    else if (key === 'cpu MHz' || key === 'clock') {
      const m = /^(\d+)/.exec(value);
      if (m) info.speedHz = Number(m[1]) * 1_000_000;
    } else if (key === 'cpu cores' && info.coresPerSocket === undefined) info.coresPerSocket = Number(value);
    else if (key === 'siblings' && info.siblings === undefined) info.siblings = Number(value);
  }
  return info;
}

export function resolveProcessors(isaFromMachine: boolean, machine: string): Facts {
  const text = readText('/proc/cpuinfo');
  if (!text) return {};
  const cpu = parseCpuinfo(text);
  let physicalcount = new Set(cpu.physicalIds).size;
  if (physicalcount === 0) {
    const ids = new Set<string>();
    for (const d of listDir('/sys/devices/system/cpu')) {
      if (!/^cpu\d+$/.test(d)) continue;
      const id = readLine(`/sys/devices/system/cpu/${d}/topology/physical_package_id`);
      if (id !== undefined) ids.add(id);
    }
    physicalcount = ids.size;
  }
  const processors: Facts = {
    count: cpu.count,
    models: cpu.models,
    physicalcount,
    // GNU uname -p says "unknown" unless the distribution patches it (Red Hat and SUSE do).
    isa: isaFromMachine ? machine : 'unknown',
  };
  const speed = cpu.speedHz ? hertzToHuman(cpu.speedHz) : undefined;
  if (speed) processors.speed = speed;
  if (cpu.coresPerSocket) {
    processors.cores = cpu.coresPerSocket;
    if (cpu.siblings) processors.threads = Math.max(1, Math.round(cpu.siblings / cpu.coresPerSocket));
  }
  return { processors };
}

/** /proc/meminfo -> memory.system and (when there is swap) memory.swap. */
export function parseMeminfo(text: string): Facts {
  const kb = (k: string): number | undefined => {
    const m = new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  if (total === undefined) return {};
  const available = kb('MemAvailable') ?? (kb('MemFree') ?? 0) + (kb('Buffers') ?? 0) + (kb('Cached') ?? 0);
  const memory: Facts = { system: memBlock(total, available) };
  const swapTotal = kb('SwapTotal');
  if (swapTotal) memory.swap = memBlock(swapTotal, kb('SwapFree') ?? 0);
  return { memory };
}

function memBlock(total: number, available: number): Facts {
  const used = total - available;
  return {
    available: bytesToHuman(available), available_bytes: available,
    capacity: memoryCapacity(used, total),
    total: bytesToHuman(total), total_bytes: total,
    used: bytesToHuman(used), used_bytes: used,
  };
}

export function resolveMemory(): Facts {
  const text = readText('/proc/meminfo');
  return text ? parseMeminfo(text) : {};
}

/** Whole disks: block devices backed by a device (not loop, ram or device-mapper). */
export function resolveDisks(): Facts {
  const disks: Facts = {};
  for (const name of listDir('/sys/block')) {
    const base = `/sys/block/${name}`;
    if (!existsSync(`${base}/device`)) continue;
    const d: Facts = {};
    const sectors = readLine(`${base}/size`);
    if (sectors !== undefined) { d.size_bytes = Number(sectors) * 512; d.size = bytesToHuman(d.size_bytes); }
    const model = readLine(`${base}/device/model`);
    if (model) d.model = model;
    const vendor = readLine(`${base}/device/vendor`);
    if (vendor) d.vendor = vendor;
    const rot = readLine(`${base}/queue/rotational`);
    if (rot !== undefined) d.type = rot === '0' ? 'ssd' : 'hdd';
    const serial = readLine(`${base}/device/serial`);
    if (serial) d.serial = serial;
    const wwn = readLine(`${base}/device/wwid`);
    if (wwn) d.wwn = wwn.replace(/^naa\./, '0x');
    disks[name] = d;
  }
  return Object.keys(disks).length ? { disks } : {};
}

/** Symlinks in /dev/disk/by-* that point at each device: uuid, label, partuuid, partlabel without running blkid. */
function diskIds(): Map<string, Facts> {
  const ids = new Map<string, Facts>();
  const kinds: [string, string][] = [['by-uuid', 'uuid'], ['by-label', 'label'], ['by-partuuid', 'partuuid'], ['by-partlabel', 'partlabel']];
  for (const [dir, key] of kinds) {
    for (const entry of listDir(`/dev/disk/${dir}`)) {
      try {
        const target = readlinkSync(`/dev/disk/${dir}/${entry}`);
        const dev = `/dev/${target.split('/').at(-1)}`;
        const rec = ids.get(dev) ?? {};
        // udev escapes unusual characters as \xNN.
        rec[key] = entry.replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
        ids.set(dev, rec);
      } catch { /* dangling link */ }
    }
  }
  return ids;
}

/** `blkid` output: device -> {filesystem, uuid, label, partuuid, partlabel}. */
export function parseBlkid(text: string): Map<string, Facts> {
  const keys: Record<string, string> = { TYPE: 'filesystem', UUID: 'uuid', LABEL: 'label', PARTUUID: 'partuuid', PARTLABEL: 'partlabel' };
  const out = new Map<string, Facts>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    const rec: Facts = {};
    for (const m of line.slice(colon + 2).matchAll(/([A-Z_]+)="((?:[^"\\]|\\.)*)"/g)) if (keys[m[1]]) rec[keys[m[1]]] = m[2].replace(/\\(.)/g, '$1');
    out.set(line.slice(0, colon), rec);
  }
  return out;
}

/**
 * Filesystem type, UUID and labels per device. Like Facter, ask blkid (one short,
 * time-boxed run, only when there are partitions); udev's /dev/disk/by-* links
 * fill in what it cannot say (blkid run by a non-root user may know nothing).
 */
function partitionIds(): Map<string, Facts> {
  const ids = diskIds();
  const r = spawnSync('blkid', [], { encoding: 'utf8', timeout: 2000, env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/sbin:/usr/sbin` } });
  if (r.status === 0 && r.stdout) {
    for (const [dev, rec] of parseBlkid(r.stdout)) ids.set(dev, { ...(ids.get(dev) ?? {}), ...rec });
  }
  return ids;
}

export function resolvePartitions(mounts: { device: string; path: string; filesystem: string }[]): Facts {
  const parts: Facts = {};
  const found: [string, string, Facts][] = [];
  const add = (name: string, sysPath: string, extra: Facts = {}) => { found.push([name, sysPath, extra]); };
  for (const dev of listDir('/sys/block')) {
    const base = `/sys/block/${dev}`;
    if (existsSync(`${base}/device`)) {
      for (const sub of listDir(base)) if (sub.startsWith(dev) && existsSync(`${base}/${sub}/partition`)) add(`/dev/${sub}`, `${base}/${sub}`);
    } else if (existsSync(`${base}/dm`)) {
      const mapName = readLine(`${base}/dm/name`);
      add(mapName ? `/dev/mapper/${mapName}` : `/dev/${dev}`, base);
    } else if (existsSync(`${base}/loop`)) {
      const backing = readLine(`${base}/loop/backing_file`);
      if (backing) add(`/dev/${dev}`, base, { backing_file: backing });
    }
  }
  if (!found.length) return {};
  const ids = partitionIds();
  for (const [name, sysPath, extra] of found) {
    const size_bytes = Number(readLine(`${sysPath}/size`) ?? '0') * 512;
    const p: Facts = { size_bytes, size: bytesToHuman(size_bytes), ...extra, ...(ids.get(name) ?? {}) };
    const m = mounts.find((x) => x.device === name);
    if (m) p.mount = m.path;
    parts[name] = p;
  }
  return { partitions: parts };
}

export function resolveFilesystems(): Facts {
  const text = readText('/proc/filesystems');
  if (!text) return {};
  const names = text.split('\n').map((l) => l.trim()).filter((l) => l && !/\s/.test(l) && l !== 'fuseblk');
  return { filesystems: names.sort().join(',') };
}

const CHASSIS = ['Other', null, 'Desktop', 'Low Profile Desktop', 'Pizza Box', 'Mini Tower', 'Tower', 'Portable', 'Laptop',
  'Notebook', 'Hand Held', 'Docking Station', 'All in One', 'Sub Notebook', 'Space-Saving', 'Lunch Box', 'Main System Chassis',
  'Expansion Chassis', 'SubChassis', 'Bus Expansion Chassis', 'Peripheral Chassis', 'Storage Chassis', 'Rack Mount Chassis',
  'Sealed-Case PC', 'Multi-system', 'CompactPCI', 'AdvancedTCA', 'Blade', 'Blade Enclosure', 'Tablet', 'Convertible', 'Detachable'];

/** Raw DMI strings from /sys/class/dmi/id (root-only files such as product_serial are absent otherwise). */
export function readDmi(): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync('/sys/class/dmi/id')) return out;
  for (const f of ['bios_date', 'bios_vendor', 'bios_version', 'board_asset_tag', 'board_vendor', 'board_name', 'board_serial',
    'chassis_asset_tag', 'chassis_type', 'sys_vendor', 'product_name', 'product_serial', 'product_uuid']) {
    const v = readLine(`/sys/class/dmi/id/${f}`);
    if (v) out[f] = v;
  }
  return out;
}

export function dmiFacts(raw: Record<string, string>): Facts {
  if (!Object.keys(raw).length) return {};
  const group = (pairs: [string, string][]): Facts | undefined => {
    const g: Facts = {};
    for (const [k, f] of pairs) if (raw[f] !== undefined) g[k] = raw[f];
    return Object.keys(g).length ? g : undefined;
  };
  const dmi: Facts = {};
  const bios = group([['release_date', 'bios_date'], ['vendor', 'bios_vendor'], ['version', 'bios_version']]);
  if (bios) dmi.bios = bios;
  const board = group([['asset_tag', 'board_asset_tag'], ['manufacturer', 'board_vendor'], ['product', 'board_name'], ['serial_number', 'board_serial']]);
  if (board) dmi.board = board;
  const chassis: Facts = {};
  if (raw.chassis_asset_tag) chassis.asset_tag = raw.chassis_asset_tag;
  const ct = raw.chassis_type ? CHASSIS[Number(raw.chassis_type) - 1] : undefined;
  if (ct) chassis.type = ct;
  if (Object.keys(chassis).length) dmi.chassis = chassis;
  if (raw.sys_vendor) dmi.manufacturer = raw.sys_vendor;
  const product = group([['name', 'product_name'], ['serial_number', 'product_serial'], ['uuid', 'product_uuid']]);
  if (product) dmi.product = product;
  return { dmi };
}
