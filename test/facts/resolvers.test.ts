// The core resolvers: their parsers on known inputs, and the live facts of this
// machine checked against what the kernel and real commands say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as nodeOs from 'node:os';
import { bytesToHuman, hertzToHuman, memoryCapacity, mountCapacity, releaseHash } from '../../src/facts/units.js';
import { parseBlkid, parseCpuinfo, parseMeminfo } from '../../src/facts/resolvers/hardware.js';
import { parseMounts } from '../../src/facts/resolvers/mountpoints.js';
import { bigToV6, binding4, binding6, canonicalFromHosts, ignoredAddress, parseIfInet6, primaryFromRoute, v6ToBig } from '../../src/facts/resolvers/networking.js';
import { detectVirtual, type VirtualEvidence } from '../../src/facts/resolvers/virtual.js';
import { osFamily, osName, osReleaseHash, systemUptime } from '../../src/facts/resolvers/os.js';
import { abbreviationAt, parseTzif } from '../../src/facts/timezone.js';
import { sshEntry } from '../../src/facts/resolvers/ssh.js';
import { legacyFacts } from '../../src/facts/legacy.js';
import { collectFacts, lookupFact } from '../../src/facts/index.js';

test("Facter's human-readable units", () => {
  assert.equal(bytesToHuman(0), '0 bytes');
  assert.equal(bytesToHuman(1023), '1023 bytes');
  assert.equal(bytesToHuman(1024), '1.00 KiB');
  assert.equal(bytesToHuman(4096), '4.00 KiB');
  assert.equal(bytesToHuman(25276502016), '23.54 GiB');
  assert.equal(bytesToHuman(313434112), '298.91 MiB');
  assert.equal(bytesToHuman(274877906944), '256.00 GiB');
  assert.equal(bytesToHuman(1024 * 1024 - 1), '1.00 MiB'); // rounds up into the next unit, as Facter does
  assert.equal(hertzToHuman(2_600_000_000), '2.60 GHz');
  assert.equal(hertzToHuman(800_000_000), '800.00 MHz');
  assert.equal(memoryCapacity(313434112, 25276502016), '1.24%');
  assert.equal(mountCapacity(0, 0), '100%');
  assert.equal(mountCapacity(0, 10), '0%');
  assert.equal(mountCapacity(23314251776, 23314251776 + 85630042112), '21.40%');
  assert.deepEqual(releaseHash('12.11'), { full: '12.11', major: '12', minor: '11' });
  assert.deepEqual(releaseHash('8'), { full: '8', major: '8' });
});

test('cpuinfo and meminfo', () => {
  const cpu = parseCpuinfo('processor\t: 0\nmodel name\t: X\nphysical id\t: 0\ncpu MHz\t\t: 2596.138\nsiblings\t: 4\ncpu cores\t: 2\n\nprocessor\t: 1\nmodel name\t: X\nphysical id\t: 1\n');
  assert.equal(cpu.count, 2);
  assert.deepEqual(cpu.models, ['X', 'X']);
  assert.deepEqual(cpu.physicalIds, [0, 1]);
  assert.equal(cpu.speedHz, 2_596_000_000);
  assert.equal(cpu.coresPerSocket, 2);
  const mem = parseMeminfo('MemTotal:       24684084 kB\nMemFree:   100 kB\nMemAvailable:   24378000 kB\nSwapTotal: 1024 kB\nSwapFree: 512 kB\n');
  const sys = (mem.memory as any).system;
  assert.equal(sys.total_bytes, 24684084 * 1024);
  assert.equal(sys.available_bytes, 24378000 * 1024);
  assert.equal(sys.used_bytes, (24684084 - 24378000) * 1024);
  assert.equal((mem.memory as any).swap.capacity, '50.00%');
  assert.equal((parseMeminfo('MemTotal: 1024 kB\nMemAvailable: 0 kB\nSwapTotal: 0 kB\n').memory as any).swap, undefined);
});

test('blkid output', () => {
  const b = parseBlkid('/dev/loop0: LABEL="my \\"disk\\"" UUID="91899e50-63d1" BLOCK_SIZE="1024" TYPE="ext4"\n/dev/vda1: PARTUUID="abc-01" PARTLABEL="EFI"\n');
  assert.deepEqual(b.get('/dev/loop0'), { label: 'my "disk"', uuid: '91899e50-63d1', filesystem: 'ext4' });
  assert.deepEqual(b.get('/dev/vda1'), { partuuid: 'abc-01', partlabel: 'EFI' });
});

test('mounts: escapes decoded, the last mount on a path wins', () => {
  const m = parseMounts('/dev/sda1 /mnt/my\\040disk ext4 rw,relatime 0 0\ntmpfs /x tmpfs rw 0 0\nother /x xfs ro 0 0\n');
  assert.deepEqual(m.map((x) => x.path), ['/mnt/my disk', '/x']);
  assert.equal(m[1].filesystem, 'xfs');
  assert.deepEqual(m[1].options, ['ro']);
});

test('addresses: bindings, networks, scopes, RFC 5952 text', () => {
  assert.deepEqual(binding4('192.0.2.2', 24), { address: '192.0.2.2', netmask: '255.255.255.0', network: '192.0.2.0' });
  assert.deepEqual(binding4('10.1.2.3', 0), { address: '10.1.2.3', netmask: '0.0.0.0', network: '0.0.0.0' });
  assert.deepEqual(binding6('fe80::fc:ff:fe00:1', 64), { address: 'fe80::fc:ff:fe00:1', netmask: 'ffff:ffff:ffff:ffff::', network: 'fe80::', scope6: 'link' });
  assert.equal(binding6('::1', 128).scope6, 'host');
  assert.equal(binding6('2001:db8::1', 48).network, '2001:db8::');
  assert.equal(bigToV6(v6ToBig('2001:db8:0:0:1:0:0:1')), '2001:db8::1:0:0:1');
  assert.equal(bigToV6(v6ToBig('::ffff:192.0.2.1')), '::ffff:c000:201');
  assert.equal(ignoredAddress('127.0.0.1'), true);
  assert.equal(ignoredAddress('169.254.1.1'), true);
  assert.equal(ignoredAddress('fd00::2'), true);
  assert.equal(ignoredAddress('fe80::1'), true);
  assert.equal(ignoredAddress('192.0.2.2'), false);
  assert.equal(ignoredAddress('2001:db8::1'), false);
  const flags = parseIfInet6('fd000000000000000000000000000002 04 40 00 82     eth0\n00000000000000000000000000000001 01 80 10 80       lo\n');
  assert.deepEqual(flags.get('eth0')!.get('fd00::2'), ['noad', 'permanent']);
  assert.deepEqual(flags.get('lo')!.get('::1'), ['permanent']);
  const route = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\neth1\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n';
  assert.equal(primaryFromRoute(route), 'eth1');
  assert.equal(primaryFromRoute(route.split('\n').slice(0, 2).join('\n')), undefined);
  assert.equal(canonicalFromHosts('127.0.0.1 localhost\n192.0.2.5 web01.example.com web01 # comment\n', 'web01'), 'web01.example.com');
  assert.equal(canonicalFromHosts('127.0.0.1 localhost\n', 'web01'), undefined);
});

test('os names and families as Facter derives them', () => {
  assert.equal(osName({ NAME: 'Debian GNU/Linux' }), 'Debian');
  assert.equal(osName({ NAME: 'Red Hat Enterprise Linux' }), 'RedHat');
  assert.equal(osName({ NAME: 'Ubuntu' }), 'Ubuntu');
  assert.equal(osName({ NAME: 'Arch Linux' }), 'Archlinux');
  assert.equal(osFamily('Ubuntu'), 'Debian');
  assert.equal(osFamily('CentOS'), 'RedHat');
  assert.equal(osFamily('Gentoo'), 'Gentoo');
  assert.equal(osFamily('Alpine'), 'Alpine');
  const files = (m: Record<string, string>) => (p: string) => m[p];
  assert.deepEqual(osReleaseHash('Debian', 'Debian', { VERSION_ID: '12' }, files({ '/etc/debian_version': '12.11' })), { full: '12.11', major: '12', minor: '11' });
  assert.deepEqual(osReleaseHash('Debian', 'Debian', { VERSION_ID: '13' }, files({ '/etc/debian_version': 'trixie/sid' })), { full: '13', major: '13' });
  assert.deepEqual(osReleaseHash('Ubuntu', 'Debian', { VERSION_ID: '22.04' }, files({ '/etc/debian_version': 'bookworm/sid' })), { full: '22.04', major: '22.04' });
  assert.deepEqual(osReleaseHash('CentOS', 'RedHat', { VERSION_ID: '7' }, files({ '/etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)' })), { full: '7.9.2009', major: '7', minor: '9' });
  assert.deepEqual(osReleaseHash('Rocky', 'RedHat', { VERSION_ID: '9.3' }, files({})), { full: '9.3', major: '9', minor: '3' });
  assert.deepEqual(osReleaseHash('Alpine', 'Alpine', { VERSION_ID: '3.18.4' }, files({ '/etc/alpine-release': '3.18.4' })), { full: '3.18.4', major: '3', minor: '18' });
  assert.deepEqual(osReleaseHash('Gentoo', 'Gentoo', { VERSION_ID: '2' }, files({})), { full: '2.0', major: '2.0' });
  assert.deepEqual(systemUptime(59), { seconds: 59, hours: 0, days: 0, uptime: '0:00 hours' });
  assert.deepEqual(systemUptime(3 * 3600 + 5 * 60), { seconds: 11100, hours: 3, days: 0, uptime: '3:05 hours' });
  assert.equal(systemUptime(86400 + 5).uptime, '1 day');
  assert.equal(systemUptime(3 * 86400).uptime, '3 days');
});

test('timezone abbreviations from real TZif files', (t) => {
  const paris = '/usr/share/zoneinfo/Europe/Paris';
  if (!existsSync(paris)) { t.skip('no tzdata installed'); return; }
  const z = parseTzif(readFileSync(paris))!;
  assert.ok(z);
  assert.equal(abbreviationAt(z, Date.UTC(2026, 0, 15) / 1000, 3600), 'CET');
  assert.equal(abbreviationAt(z, Date.UTC(2026, 6, 15) / 1000, 7200), 'CEST');
  assert.equal(abbreviationAt(z, Date.UTC(2045, 6, 15) / 1000, 7200), 'CEST'); // past the table: the POSIX rule
  const utc = parseTzif(readFileSync('/usr/share/zoneinfo/UTC'))!;
  assert.equal(abbreviationAt(utc, Date.now() / 1000, 0), 'UTC');
  assert.equal(parseTzif(Buffer.from('not a zone file at all, not at all, no......')), undefined);
});

test('virtual: only local evidence, containers before hypervisors', () => {
  const none: VirtualEvidence = { dockerenv: false, containerenv: false, dmi: {}, procXen: false, openvz: undefined, cpuHypervisorFlag: false };
  assert.equal(detectVirtual(none).virtual, 'physical');
  assert.deepEqual(detectVirtual({ ...none, cgroup: '12:pids:/docker/0123456789abcdef0123\n' }), { virtual: 'docker', hypervisors: { docker: { id: '0123456789abcdef0123' } } });
  assert.equal(detectVirtual({ ...none, cgroup: '1:name=systemd:/lxc/web1\n' }).virtual, 'lxc');
  assert.equal(detectVirtual({ ...none, environ: 'container=systemd-nspawn' }).virtual, 'systemd_nspawn');
  assert.equal(detectVirtual({ ...none, dockerenv: true, cpuHypervisorFlag: true }).virtual, 'docker');
  assert.equal(detectVirtual({ ...none, dmi: { product_name: 'VMware Virtual Platform' } }).virtual, 'vmware');
  assert.equal(detectVirtual({ ...none, dmi: { product_name: 'KVM' } }).virtual, 'kvm');
  assert.equal(detectVirtual({ ...none, dmi: { bios_vendor: 'Google' } }).virtual, 'gce');
  assert.equal(detectVirtual({ ...none, dmi: { sys_vendor: 'QEMU', product_name: 'Standard PC (Q35 + ICH9, 2009)' } }).virtual, 'kvm');
  assert.equal(detectVirtual({ ...none, procXen: true, xenCapabilities: 'control_d' }).virtual, 'xen0');
  assert.equal(detectVirtual({ ...none, procXen: true }).virtual, 'xenu');
  assert.equal(detectVirtual({ ...none, openvz: 'guest' }).virtual, 'openvzve');
  assert.equal(detectVirtual({ ...none, cpuHypervisorFlag: true, clocksources: 'tsc kvm-clock' }).virtual, 'kvm');
});

test('ssh host keys: SSHFP fingerprints of the decoded key', () => {
  const key = Buffer.from('hello key blob').toString('base64');
  const [name, e] = sshEntry(`ssh-ed25519 ${key} root@host\n`)!;
  assert.equal(name, 'ed25519');
  assert.equal((e as any).type, 'ssh-ed25519');
  assert.equal((e as any).fingerprints.sha256, 'SSHFP 4 2 ' + sha256sum('hello key blob'));
  assert.equal(sshEntry('ssh-unknown AAAA'), undefined);
});

function sha256sum(s: string): string {
  return execFileSync('sha256sum', { input: s }).toString().split(' ')[0];
}

test('legacy facts derive from structured ones', () => {
  const l = legacyFacts({
    os: { name: 'Debian', family: 'Debian', release: { full: '12.11', major: '12', minor: '11' }, hardware: 'x86_64' },
    networking: { hostname: 'h', ip: '192.0.2.2', interfaces: { eth0: { ip: '192.0.2.2', mtu: 1500, mac: 'aa:bb:cc:dd:ee:ff', dhcp: '192.0.2.1' } }, dhcp: '192.0.2.1' },
    memory: { system: { total_bytes: 1048576 * 2, total: '2.00 MiB' } },
    processors: { models: ['A', 'B'], count: 2 },
    disks: { sda: { size_bytes: 512, model: 'M' } },
  });
  assert.equal(l.operatingsystem, 'Debian');
  assert.equal(l.osfamily, 'Debian');
  assert.equal(l.operatingsystemmajrelease, '12');
  assert.equal(l.hardwaremodel, 'x86_64');
  assert.equal(l.ipaddress, '192.0.2.2');
  assert.equal(l.ipaddress_eth0, '192.0.2.2');
  assert.equal(l.mtu_eth0, 1500);
  assert.equal(l.macaddress_eth0, 'aa:bb:cc:dd:ee:ff');
  assert.equal(l.interfaces, 'eth0');
  assert.deepEqual(l.dhcp_servers, { eth0: '192.0.2.1', system: '192.0.2.1' });
  assert.deepEqual(legacyFacts({ networking: { interfaces: { lo: {} } } }).dhcp_servers, { system: '' });
  assert.equal(l.memorysize_mb, 2);
  assert.equal(l.memorysize, '2.00 MiB');
  assert.equal(l.processor1, 'B');
  assert.equal(l.processorcount, 2);
  assert.equal(l.blockdevices, 'sda');
  assert.equal(l.blockdevice_sda_size, 512);
  assert.equal(l.blockdevice_sda_model, 'M');
});

test('this machine: facts agree with the kernel and real commands, quickly', async () => {
  const t0 = performance.now();
  const f = await collectFacts({ defaultDirs: false });
  const took = performance.now() - t0;
  assert.ok(took < 2000, `collection took ${took} ms`);
  assert.equal(f.kernel, 'Linux');
  assert.equal(f.kernelrelease, execFileSync('uname', ['-r']).toString().trim());
  assert.equal(lookupFact(f, 'os.hardware'), execFileSync('uname', ['-m']).toString().trim());
  assert.equal(lookupFact(f, 'networking.hostname'), execFileSync('hostname').toString().trim().split('.')[0]);
  assert.equal(lookupFact(f, 'processors.count'), Number(execFileSync('nproc', ['--all']).toString().trim()));
  assert.equal(lookupFact(f, 'identity.uid'), Number(execFileSync('id', ['-u']).toString().trim()));
  assert.equal(lookupFact(f, 'identity.user'), execFileSync('id', ['-un']).toString().trim());
  assert.equal(lookupFact(f, 'identity.group'), execFileSync('id', ['-gn']).toString().trim());
  assert.equal(f.path, process.env.PATH);
  assert.equal(f.timezone, execFileSync('date', ['+%Z']).toString().trim());
  const totalKb = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
  assert.equal(lookupFact(f, 'memory.system.total_bytes'), totalKb * 1024);
  assert.equal(f.memorysize_mb, (totalKb * 1024) / 1048576);
  assert.equal(f.hostname, lookupFact(f, 'networking.hostname'));
  assert.equal(f.osfamily, lookupFact(f, 'os.family'));
  assert.equal(typeof f.is_virtual, 'boolean');
  assert.equal(typeof f.virtual, 'string');
  const root = lookupFact(f, 'mountpoints./') as any;
  assert.ok(root && root.size_bytes > 0 && root.device, 'the root mount is reported');
  const dfKb = Number(execFileSync('df', ['-k', '--output=size', '/']).toString().trim().split('\n')[1]);
  assert.equal(Math.round(root.size_bytes / 1024), dfKb);
  // Every interface the kernel lists in this network namespace is reported.
  for (const name of Object.keys(nodeOs.networkInterfaces())) assert.ok((lookupFact(f, 'networking.interfaces') as any)[name], name);
  if (existsSync('/etc/os-release')) {
    const id = /^ID=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]?.replace(/"/g, '');
    if (id === 'debian') {
      assert.equal(lookupFact(f, 'os.release.full'), readFileSync('/etc/debian_version', 'utf8').trim());
      assert.equal(f.operatingsystem, 'Debian');
    }
  }
});

test('lookupFact: dotted paths, array indexes, keys holding dots', () => {
  const f = { a: { b: [10, { c: 'x' }] }, 'mountpoints': { '/mnt/a.b': { size: 1 } }, 'x.y': 'flat' };
  assert.equal(lookupFact(f, 'a.b.0'), 10);
  assert.equal(lookupFact(f, 'a.b.1.c'), 'x');
  assert.equal(lookupFact(f, 'a.b.2'), undefined);
  assert.equal(lookupFact(f, 'mountpoints./mnt/a.b.size'), 1);
  assert.equal(lookupFact(f, 'x.y'), 'flat');
  assert.equal(lookupFact(f, 'a.nope'), undefined);
  assert.equal(lookupFact(f, 'constructor'), undefined);
});

test('a resolver that misses its budget or throws is left out with a warning; the others stand', async () => {
  const { budgeted } = await import('../../src/facts/index.js');
  const diags: any[] = [];
  const t0 = Date.now();
  const [slow, bad, good] = await Promise.all([
    budgeted('slow', 100, diags, () => new Promise((res) => setTimeout(() => res({ late: 1 }), 3000).unref())),
    budgeted('bad', 100, diags, () => { throw new Error('boom'); }),
    budgeted('good', 100, diags, () => ({ fine: true })),
  ]);
  assert.ok(Date.now() - t0 < 1000);
  assert.deepEqual(slow, {});
  assert.deepEqual(bad, {});
  assert.deepEqual(good, { fine: true });
  assert.ok(diags.some((d) => /'slow' timed out after 100 ms/.test(d.message)));
  assert.ok(diags.some((d) => /'bad' failed: boom/.test(d.message)));
});

test("factsDocument: Puppet's upload form, expiring one runinterval later", async () => {
  const { factsDocument } = await import('../../src/facts/index.js');
  const d = factsDocument('node1.test.com', { kernel: 'Linux' }, { now: new Date('2026-11-24T14:36:20.018Z') });
  assert.deepEqual(d, { name: 'node1.test.com', values: { kernel: 'Linux' }, timestamp: '2026-11-24T14:36:20.018000000+00:00', expiration: '2026-11-24T15:06:20.018000000+00:00' });
});
