// virtual, is_virtual and hypervisors from evidence on this machine only:
// cgroups, PID 1's environment, marker files, DMI strings, /proc/xen, the
// CPU's hypervisor flag and the kernel's clock sources. Never a network
// request (a cloud metadata service is exactly what must not be asked).
import { existsSync } from 'node:fs';
import type { Data } from '../../compiler/wire.js';
import { readLine, readText } from '../read.js';

// Hosts (not guests) that Facter still names by their virtualisation technology.
export const PHYSICAL = ['physical', 'xen0', 'vmware_server', 'vmware_workstation', 'openvzhn', 'vserver_host'];

// DMI product names and vendors that name a hypervisor, as Facter matches them.
const PRODUCTS: [string, string][] = [['VMware', 'vmware'], ['VirtualBox', 'virtualbox'], ['Parallels', 'parallels'], ['KVM', 'kvm'],
  ['Virtual Machine', 'hyperv'], ['RHEV Hypervisor', 'rhev'], ['oVirt Node', 'ovirt'], ['HVM domU', 'xenhvm'], ['Bochs', 'bochs'],
  ['OpenBSD', 'vmm'], ['BHYVE', 'bhyve']];

export interface VirtualEvidence {
  cgroup?: string; // /proc/1/cgroup
  environ?: string; // /proc/1/environ (often unreadable in containers)
  dockerenv: boolean; // /.dockerenv
  containerenv: boolean; // /run/.containerenv (podman)
  dmi: Record<string, string>;
  xenCapabilities?: string; // /proc/xen/capabilities, when /proc/xen exists
  procXen: boolean;
  openvz: 'host' | 'guest' | undefined;
  cpuHypervisorFlag: boolean;
  clocksources?: string;
  hypervisorType?: string; // /sys/hypervisor/type
}

export function gatherEvidence(dmi: Record<string, string>): VirtualEvidence {
  const cpuinfo = readText('/proc/cpuinfo') ?? '';
  return {
    cgroup: readText('/proc/1/cgroup'),
    environ: readText('/proc/1/environ')?.replace(/\0/g, '\n'),
    dockerenv: existsSync('/.dockerenv'),
    containerenv: existsSync('/run/.containerenv'),
    dmi,
    procXen: existsSync('/proc/xen'),
    xenCapabilities: readText('/proc/xen/capabilities'),
    openvz: existsSync('/proc/vz') ? (existsSync('/proc/bc') ? 'host' : 'guest') : undefined,
    cpuHypervisorFlag: /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo),
    clocksources: readLine('/sys/devices/system/clocksource/clocksource0/available_clocksource'),
    hypervisorType: readLine('/sys/hypervisor/type'),
  };
}

/** The `virtual` value and the `hypervisors` details behind it. */
export function detectVirtual(e: VirtualEvidence): { virtual: string; hypervisors: Record<string, Data> } {
  const one = (name: string, info: Record<string, Data> = {}) => ({ virtual: name, hypervisors: { [name]: info } });
  // Containers first: a container on a VM reports the container, as Facter does.
  const docker = e.cgroup && /docker[/-]([0-9a-f]{12,64})/.exec(e.cgroup);
  if (docker) return one('docker', { id: docker[1] });
  const lxc = e.cgroup && /^\d+:[^:]*:\/lxc(?:\.payload)?[/.]([^/\n]+)/m.exec(e.cgroup);
  if (lxc) return one('lxc', { name: lxc[1] });
  if (e.environ && /^container=lxc$/m.test(e.environ)) return one('lxc');
  if (e.environ && /^container=systemd-nspawn$/m.test(e.environ)) {
    const id = readLine('/etc/machine-id');
    return one('systemd_nspawn', id ? { id } : {});
  }
  if ((e.environ && /^container=(podman|oci)$/m.test(e.environ)) || e.containerenv) return one('podman');
  if ((e.environ && /^container=docker$/m.test(e.environ)) || e.dockerenv) return one('docker');

  const vendor = e.dmi.bios_vendor ?? '';
  const product = e.dmi.product_name ?? '';
  const sysVendor = e.dmi.sys_vendor ?? '';
  if (vendor.includes('Google')) return one('gce');
  if (product.includes('VMware') || sysVendor.includes('VMware')) return one('vmware');
  if (e.openvz) return e.openvz === 'host' ? one('openvzhn') : one('openvzve');
  if (e.procXen || e.hypervisorType === 'xen') {
    const privileged = (e.xenCapabilities ?? '').includes('control_d');
    return one(privileged ? 'xen0' : 'xenu', { context: product.includes('HVM') ? 'hvm' : 'pv', privileged });
  }
  if (vendor.includes('Amazon EC2')) return one('kvm');
  for (const [needle, name] of PRODUCTS) if (product.includes(needle)) return one(name);
  if (sysVendor.includes('QEMU')) return one('kvm');
  if (sysVendor.includes('Microsoft Corporation')) return one('hyperv');
  if (sysVendor.includes('innotek')) return one('virtualbox');
  // No DMI (e.g. a microVM): the kernel still says it runs under a hypervisor.
  if (e.cpuHypervisorFlag) {
    const cs = e.clocksources ?? '';
    if (cs.includes('kvm-clock')) return one('kvm');
    if (cs.includes('hyperv')) return one('hyperv');
    if (cs.includes('xen')) return one('xenhvm');
    return one('virtual');
  }
  return { virtual: 'physical', hypervisors: {} };
}

export function resolveVirtual(dmi: Record<string, string>): Record<string, Data> {
  const evidence = gatherEvidence(dmi);
  const { virtual, hypervisors } = detectVirtual(evidence);
  // `hypervisors` names every layer, as Facter's does: a container on a VM lists both.
  const machine = detectVirtual({ ...evidence, cgroup: undefined, environ: undefined, dockerenv: false, containerenv: false });
  if (machine.virtual !== 'physical' && machine.virtual !== virtual) Object.assign(hypervisors, machine.hypervisors);
  const out: Record<string, Data> = { virtual, is_virtual: !PHYSICAL.includes(virtual) };
  if (Object.keys(hypervisors).length) out.hypervisors = hypervisors;
  return out;
}
