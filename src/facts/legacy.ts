// The flat "legacy" facts Facter 4 still resolves and Puppet 7 still sends:
// old modules read $::osfamily, $::ipaddress_eth0 or $::memorysize. Each one is
// derived from the structured facts, so the two can never disagree.
import type { Data } from '../compiler/wire.js';
import { bytesToMb } from './units.js';

type Facts = Record<string, Data>;

function at(facts: Facts, path: string): Data | undefined {
  let cur: Data | undefined = facts;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Facts)[k];
  }
  return cur;
}

// legacy name -> structured path
const ALIASES: [string, string][] = [
  ['operatingsystem', 'os.name'], ['osfamily', 'os.family'], ['operatingsystemrelease', 'os.release.full'],
  ['operatingsystemmajrelease', 'os.release.major'], ['architecture', 'os.architecture'], ['hardwaremodel', 'os.hardware'],
  ['lsbdistcodename', 'os.distro.codename'], ['lsbdistdescription', 'os.distro.description'], ['lsbdistid', 'os.distro.id'],
  ['lsbdistrelease', 'os.distro.release.full'], ['lsbmajdistrelease', 'os.distro.release.major'],
  ['lsbminordistrelease', 'os.distro.release.minor'], ['lsbrelease', 'os.distro.specification'],
  ['selinux', 'os.selinux.enabled'], ['selinux_enforced', 'os.selinux.enforced'], ['selinux_config_mode', 'os.selinux.config_mode'],
  ['selinux_config_policy', 'os.selinux.config_policy'], ['selinux_current_mode', 'os.selinux.current_mode'],
  ['selinux_policyversion', 'os.selinux.policy_version'],
  ['hostname', 'networking.hostname'], ['fqdn', 'networking.fqdn'], ['domain', 'networking.domain'],
  ['ipaddress', 'networking.ip'], ['ipaddress6', 'networking.ip6'], ['macaddress', 'networking.mac'],
  ['netmask', 'networking.netmask'], ['netmask6', 'networking.netmask6'], ['network', 'networking.network'],
  ['network6', 'networking.network6'], ['scope6', 'networking.scope6'],
  ['processorcount', 'processors.count'], ['physicalprocessorcount', 'processors.physicalcount'], ['hardwareisa', 'processors.isa'],
  ['memorysize', 'memory.system.total'], ['memoryfree', 'memory.system.available'],
  ['swapsize', 'memory.swap.total'], ['swapfree', 'memory.swap.available'],
  ['uptime', 'system_uptime.uptime'], ['uptime_days', 'system_uptime.days'], ['uptime_hours', 'system_uptime.hours'],
  ['uptime_seconds', 'system_uptime.seconds'],
  ['id', 'identity.user'], ['gid', 'identity.group'],
  ['bios_vendor', 'dmi.bios.vendor'], ['bios_version', 'dmi.bios.version'], ['bios_release_date', 'dmi.bios.release_date'],
  ['boardmanufacturer', 'dmi.board.manufacturer'], ['boardproductname', 'dmi.board.product'],
  ['boardserialnumber', 'dmi.board.serial_number'], ['boardassettag', 'dmi.board.asset_tag'],
  ['chassisassettag', 'dmi.chassis.asset_tag'], ['chassistype', 'dmi.chassis.type'], ['manufacturer', 'dmi.manufacturer'],
  ['productname', 'dmi.product.name'], ['serialnumber', 'dmi.product.serial_number'], ['uuid', 'dmi.product.uuid'],
  ['xendomains', 'xen.domains'],
];

// Per-interface flat facts: NAME_<interface> from networking.interfaces.<interface>.<key>.
const PER_INTERFACE: [string, string][] = [
  ['ipaddress', 'ip'], ['ipaddress6', 'ip6'], ['macaddress', 'mac'], ['mtu', 'mtu'], ['netmask', 'netmask'],
  ['netmask6', 'netmask6'], ['network', 'network'], ['network6', 'network6'], ['scope6', 'scope6'],
];

/** The legacy facts for a set of structured facts (not including them). */
export function legacyFacts(facts: Facts): Facts {
  const out: Facts = {};
  for (const [name, path] of ALIASES) {
    const v = at(facts, path);
    if (v !== undefined && v !== null) out[name] = v;
  }
  const mem = (path: string, name: string) => {
    const v = at(facts, path);
    if (typeof v === 'number') out[name] = bytesToMb(v);
  };
  mem('memory.system.total_bytes', 'memorysize_mb');
  mem('memory.system.available_bytes', 'memoryfree_mb');
  mem('memory.swap.total_bytes', 'swapsize_mb');
  mem('memory.swap.available_bytes', 'swapfree_mb');

  const models = at(facts, 'processors.models');
  if (Array.isArray(models)) models.forEach((m, i) => { out[`processor${i}`] = m; });

  const ifaces = at(facts, 'networking.interfaces');
  if (ifaces && typeof ifaces === 'object' && !Array.isArray(ifaces)) {
    const names = Object.keys(ifaces).sort();
    if (names.length) out.interfaces = names.join(',');
    const dhcp: Facts = {};
    for (const name of names) {
      const rec = ifaces[name] as Facts;
      for (const [prefix, key] of PER_INTERFACE) if (rec[key] !== undefined) out[`${prefix}_${name}`] = rec[key];
      if (typeof rec.dhcp === 'string') dhcp[name] = rec.dhcp;
    }
    // Always present once there are interfaces; the agent sends "" for no DHCP server (Facter's nil).
    const primaryDhcp = at(facts, 'networking.dhcp');
    out.dhcp_servers = { system: typeof primaryDhcp === 'string' ? primaryDhcp : '', ...dhcp };
  }

  const disks = at(facts, 'disks');
  if (disks && typeof disks === 'object' && !Array.isArray(disks)) {
    const names = Object.keys(disks).sort();
    if (names.length) out.blockdevices = names.join(',');
    for (const name of names) {
      const d = disks[name] as Facts;
      if (d.size_bytes !== undefined) out[`blockdevice_${name}_size`] = d.size_bytes;
      if (d.model !== undefined) out[`blockdevice_${name}_model`] = d.model;
      if (d.vendor !== undefined) out[`blockdevice_${name}_vendor`] = d.vendor;
    }
  }

  const ssh = at(facts, 'ssh');
  if (ssh && typeof ssh === 'object' && !Array.isArray(ssh)) {
    for (const [algo, v] of Object.entries(ssh)) {
      const rec = v as Facts;
      const fp = rec.fingerprints as Facts | undefined;
      if (rec.key !== undefined) out[`ssh${algo}key`] = rec.key;
      if (fp) out[`sshfp_${algo}`] = `${fp.sha1}\n${fp.sha256}`;
    }
  }
  return out;
}

/** Every legacy fact name pattern, to tell them apart from core facts in output. */
export function isLegacyName(name: string): boolean {
  if (ALIAS_NAMES.has(name)) return true;
  return /^(ipaddress6?|macaddress|mtu|netmask6?|network6?|scope6)_.+$/.test(name) || /^processor\d+$/.test(name) ||
    /^blockdevice_.+_(size|model|vendor)$/.test(name) || /^ssh\w+key$/.test(name) || /^sshfp_\w+$/.test(name) ||
    ['memorysize_mb', 'memoryfree_mb', 'swapsize_mb', 'swapfree_mb', 'interfaces', 'dhcp_servers', 'blockdevices'].includes(name);
}
const ALIAS_NAMES = new Set(ALIASES.map(([n]) => n));
