// Differential test: `kuroko facts` against Debian's real Facter on this
// machine, both run in a loopback-only network namespace (netns-run), so both
// see the same interfaces and neither can reach a metadata service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, tempDir } from '../helpers.js';

const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');
type J = Record<string, any>;

function run(cmd: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NETNS, cmd, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

function why(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v facter'], { encoding: 'utf8' }).status !== 0) return 'facter is not installed';
  if (!existsSync(NETNS)) return `no ${NETNS}`;
  if (run(['true']).status !== 0) return 'netns-run cannot create a network namespace here (needs root or user namespaces)';
  return undefined;
}

const skip = why();
let facter: J = {};
let ours: J = {};
if (!skip) {
  const home = tempDir();
  // Same environment for both; PATH is a fact, so it must be identical.
  const f = run(['facter', '--json', '--show-legacy']);
  facter = JSON.parse(f.stdout) as J;
  const k = run([process.execPath, '--import', 'tsx', CLI, 'facts', '--json', '--show-legacy', '--confdir', join(home, 'etc'), '--vardir', join(home, 'var')]);
  if (k.status !== 0) throw new Error(`kuroko facts failed: ${k.stderr}`);
  ours = JSON.parse(k.stdout) as J;
}

const get = (o: J, path: string): unknown => path.split('.').reduce<any>((c, k) => (c == null ? undefined : c[k]), o);

function keysDeep(v: unknown, prefix = ''): string[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => keysDeep(x, prefix ? `${prefix}.${k}` : k));
}

// Facts Kuroko has no equivalent for (no Ruby, no Augeas).
const NOT_OURS = new Set(['ruby', 'rubyplatform', 'rubysitedir', 'rubyversion', 'augeas', 'augeasversion', 'aio_agent_version']);

test('every fact Facter reports exists in Kuroko (but Ruby and Augeas ones)', { skip }, () => {
  const missing = Object.keys(facter).filter((k) => !(k in ours) && !NOT_OURS.has(k) && !(k === 'dhcp_servers' && Object.values(facter[k]).every((v) => v === null)));
  assert.deepEqual(missing, []);
});

test('the same structure: every nested key of the structured facts', { skip }, () => {
  for (const fact of ['os', 'identity', 'processors', 'memory', 'disks', 'networking', 'mountpoints', 'partitions', 'dmi', 'ssh', 'system_uptime', 'load_averages']) {
    if (!(fact in facter)) continue;
    assert.deepEqual(keysDeep(ours[fact]).sort(), keysDeep(facter[fact]).sort(), fact);
  }
});

test('the values that must be equal are equal', { skip }, () => {
  const exact = ['os', 'kernel', 'kernelrelease', 'kernelversion', 'kernelmajversion', 'identity', 'path', 'timezone', 'filesystems', 'fips_enabled',
    'networking.hostname', 'networking.fqdn', 'networking.domain', 'networking.ip', 'networking.ip6', 'networking.mac', 'networking.primary',
    'networking.interfaces', 'processors', 'disks', 'memory.system.total_bytes', 'memory.system.total', 'memory.swap.total_bytes',
    'partitions', 'dmi', 'ssh'];
  for (const p of exact) assert.deepEqual(get(ours, p), get(facter, p), p);
  // Legacy flat facts with stable values.
  for (const k of Object.keys(facter)) {
    if (/^(memoryfree|memoryfree_mb|swapfree|swapfree_mb|uptime.*|load_averages|mountpoints|memory|system_uptime|hypervisors|facterversion|dhcp_servers)$/.test(k) || NOT_OURS.has(k)) continue;
    if (typeof facter[k] !== 'object') assert.deepEqual(ours[k], facter[k], k);
  }
});

test('mountpoints: same mounts, devices, options and sizes (used space within 1%)', { skip }, () => {
  assert.deepEqual(Object.keys(ours.mountpoints).sort(), Object.keys(facter.mountpoints).sort());
  for (const [path, m] of Object.entries<J>(facter.mountpoints)) {
    const o = ours.mountpoints[path];
    for (const k of ['device', 'filesystem', 'options', 'size_bytes', 'size']) assert.deepEqual(o[k], m[k], `${path} ${k}`);
    assert.ok(Math.abs(o.used_bytes - m.used_bytes) <= Math.max(1 << 20, m.size_bytes * 0.01), `${path} used_bytes ${o.used_bytes} vs ${m.used_bytes}`);
  }
});

test('memory available and uptime are close', { skip }, () => {
  const a = ours.memory.system.available_bytes; const b = facter.memory.system.available_bytes;
  assert.ok(Math.abs(a - b) / b < 0.1, `available ${a} vs ${b}`);
  if (facter.system_uptime) assert.ok(Math.abs(ours.system_uptime.seconds - facter.system_uptime.seconds) < 120);
});

test('virtual facts come from local evidence and agree with Facter where it decided', { skip }, () => {
  assert.equal(typeof ours.virtual, 'string');
  assert.equal(ours.is_virtual, ours.virtual !== 'physical');
  if ('virtual' in facter) assert.equal(ours.virtual, facter.virtual);
  // Facter names every hypervisor layer it found; Kuroko finds at least those it can see without cpuid.
  for (const h of Object.keys(facter.hypervisors ?? {})) assert.ok(h in (ours.hypervisors ?? {}), `hypervisor ${h}`);
});

// A richer network in a fresh namespace: a veth pair, several IPv4 and IPv6
// addresses, a non-default MTU and a default route, seen by both tools at once.
const SETUP = [
  'ip link add kv0 type veth peer name kv1', 'ip link set kv0 mtu 1400', 'ip link set kv0 up', 'ip link set kv1 up',
  'ip addr add 192.0.2.10/24 dev kv0', 'ip addr add 198.51.100.7/25 dev kv0',
  'ip -6 addr add 2001:db8::10/64 dev kv0 nodad', 'ip -6 addr add fd00::5/64 dev kv0 nodad',
  'ip route add default via 192.0.2.1 dev kv0',
].join(' && ');

function networkScenario(): { skip?: string; facter?: J; ours?: J } {
  if (skip) return { skip };
  const dir = tempDir();
  const home = tempDir();
  const a = join(dir, 'facter.json'); const b = join(dir, 'kuroko.json');
  const kurokoCmd = [process.execPath, '--import', 'tsx', CLI, 'facts', '--json', '--show-legacy', '--confdir', join(home, 'etc'), '--vardir', join(home, 'var')]
    .map((x) => `'${x}'`).join(' ');
  const r = run(['sh', '-c', `${SETUP} || exit 97; facter --json --show-legacy > '${a}' 2>/dev/null; ${kurokoCmd} > '${b}'`]);
  if (r.status === 97) return { skip: `cannot create veth interfaces here: ${r.stderr.trim().split('\n')[0]}` };
  if (r.status !== 0) throw new Error(`scenario failed (${r.status}): ${r.stderr}`);
  return { facter: JSON.parse(readFileSync(a, 'utf8')) as J, ours: JSON.parse(readFileSync(b, 'utf8')) as J };
}

// Duplicate address detection may still be running for link-local addresses; that flag is timing, not state.
function untimed(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v), (k, x) => (k === 'flags' && Array.isArray(x) ? x.filter((f) => f !== 'tentative') : x));
}

test('networking with interfaces, addresses, MTU and a default route matches Facter', (t) => {
  const s = networkScenario();
  if (s.skip) { t.skip(s.skip); return; }
  assert.deepEqual(untimed(s.ours!.networking), untimed(s.facter!.networking));
  assert.equal(s.ours!.networking.primary, 'kv0');
  assert.equal(s.ours!.networking.ip, '192.0.2.10');
  for (const k of Object.keys(s.facter!)) {
    if (/^(ipaddress|ipaddress6|macaddress|netmask|netmask6|network|network6|scope6|mtu)(_.+)?$|^interfaces$/.test(k)) assert.deepEqual(s.ours![k], s.facter![k], k);
  }
});

test('partitions: a loop device with an ext4 filesystem, as Facter reports it', (t) => {
  if (skip) { t.skip(skip); return; }
  const have = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' }).status === 0;
  if (!have('losetup') || !have('mkfs.ext4')) { t.skip('losetup or mkfs.ext4 is not installed'); return; }
  const img = join(tempDir(), 'part.img');
  const mk = spawnSync('sh', ['-c', `truncate -s 16M '${img}' && mkfs.ext4 -q -L kuroko_t '${img}'`], { encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  const lo = spawnSync('losetup', ['-f', '--show', img], { encoding: 'utf8' });
  if (lo.status !== 0) { t.skip(`cannot attach a loop device here: ${lo.stderr.trim()}`); return; }
  const dev = lo.stdout.trim();
  try {
    const home = tempDir();
    const f = JSON.parse(run(['facter', '--json', 'partitions']).stdout) as J;
    const k = run([process.execPath, '--import', 'tsx', CLI, 'facts', '--json', 'partitions', '--confdir', join(home, 'etc'), '--vardir', join(home, 'var')]);
    assert.equal(k.status, 0, k.stderr);
    const ours = JSON.parse(k.stdout) as J;
    assert.equal(f.partitions[dev].label, 'kuroko_t');
    assert.deepEqual(ours.partitions, f.partitions);
  } finally {
    spawnSync('losetup', ['-d', dev]);
  }
});
