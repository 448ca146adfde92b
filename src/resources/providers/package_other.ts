// Package providers beyond Debian's: pip, npm and gem (language package
// managers) and the rpm family (dnf, yum, rpm), suitable only where their
// commands exist.
import { existsSync } from 'node:fs';
import type { PackageTool } from './package_base.js';
import type { Resource } from '../type.js';
import { installOptions, sourceOf } from './package_base.js';
import { execCommand, str, which } from './typesupport.js';

/** pip and gem are "targetable" as in Puppet: `command => '/opt/venv/bin/pip'` manages that installation's packages. */
const pipCmd = (r?: Resource) => (r && str(r, 'command')) || (which('pip3') ? 'pip3' : 'pip');
const gemCmd = (r?: Resource) => (r && str(r, 'command')) || 'gem';

export const pipTool: PackageTool = {
  name: 'pip',
  suitable: () => which('pip3') !== undefined || which('pip') !== undefined,
  async query(name, r) {
    const res = await execCommand(pipCmd(r), ['show', name], { allowFail: true, env: { PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    const m = /^Version:\s*(\S+)/m.exec(res.stdout);
    return res.code === 0 && m ? m[1] : 'absent';
  },
  async install(name, version, r) {
    await execCommand(pipCmd(r), ['install', '-q', ...installOptions(r), version ? `${name}==${version}` : name], { env: { PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  },
  async uninstall(name, r) {
    await execCommand(pipCmd(r), ['uninstall', '-y', '-q', ...installOptions(r, 'uninstall_options'), name]);
  },
  async latest(name, r) {
    const res = await execCommand(pipCmd(r), ['index', 'versions', name, ...installOptions(r)], { allowFail: true, env: { PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    const m = /^\S+ \(([^)]+)\)/m.exec(res.stdout);
    return m ? m[1] : undefined;
  },
  async list() {
    const res = await execCommand(pipCmd(), ['list', '--format=json'], { env: { PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    const arr = JSON.parse(res.stdout) as Array<{ name: string; version: string }>;
    return arr.map((p) => ({ name: p.name.toLowerCase(), ensure: p.version }));
  },
};

export const npmTool: PackageTool = {
  name: 'npm',
  suitable: () => which('npm') !== undefined,
  async query(name) {
    const res = await execCommand('npm', ['ls', '-g', '--json', '--depth=0', name], { allowFail: true });
    try {
      const deps = (JSON.parse(res.stdout) as { dependencies?: Record<string, { version?: string }> }).dependencies ?? {};
      return deps[name]?.version ?? 'absent';
    } catch { return 'absent'; }
  },
  async install(name, version, r) {
    // source: a tarball or directory to install from (npm pack's output), as Puppet's npm provider takes it.
    await execCommand('npm', ['install', '-g', ...installOptions(r), str(r, 'source') ?? (version ? `${name}@${version}` : name)]);
  },
  async uninstall(name, r) { await execCommand('npm', ['uninstall', '-g', ...installOptions(r, 'uninstall_options'), name]); },
  async latest(name) {
    const res = await execCommand('npm', ['view', name, 'version'], { allowFail: true });
    return res.code === 0 && res.stdout.trim() ? res.stdout.trim() : undefined;
  },
  async list() {
    const res = await execCommand('npm', ['ls', '-g', '--json', '--depth=0'], { allowFail: true });
    const deps = (JSON.parse(res.stdout || '{}') as { dependencies?: Record<string, { version?: string }> }).dependencies ?? {};
    return Object.entries(deps).map(([name, d]) => ({ name, ensure: d.version ?? 'present' }));
  },
};

/** gem list output: "name (1.2.0, 1.1.0)" or "name (default: 1.2.0)". */
function parseGemLine(line: string): { name: string; versions: string[] } | undefined {
  const m = /^(\S+) \((.*)\)$/.exec(line.trim());
  if (!m) return undefined;
  return { name: m[1], versions: m[2].split(',').map((v) => v.replace(/^\s*default:\s*/, '').trim().split(' ')[0]).filter(Boolean) };
}

export const gemTool: PackageTool = {
  name: 'gem',
  suitable: () => which('gem') !== undefined,
  async query(name, r) {
    const res = await execCommand(gemCmd(r), ['list', '--local', '--exact', name], { allowFail: true });
    for (const line of res.stdout.split('\n')) {
      const g = parseGemLine(line);
      if (g && g.name === name && g.versions.length) return g.versions.join(', ');
    }
    return 'absent';
  },
  async install(name, version, r) {
    const args = ['install', '--no-document', ...installOptions(r)];
    if (version) args.push('-v', version);
    // source: a local .gem file (installed with --local), as Puppet's gem provider takes a file path.
    const source = str(r, 'source');
    const local = source !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source);
    if (source !== undefined && !local) args.push('--source', source);
    await execCommand(gemCmd(r), [...args, ...(local ? ['--local', source] : [name])]);
  },
  async uninstall(name, r) { await execCommand(gemCmd(r), ['uninstall', '-x', '-a', ...installOptions(r, 'uninstall_options'), name]); },
  async latest(name) {
    const res = await execCommand('gem', ['list', '--remote', '--exact', name], { allowFail: true });
    for (const line of res.stdout.split('\n')) {
      const g = parseGemLine(line);
      if (g && g.name === name) return g.versions[0];
    }
    return undefined;
  },
  async list() {
    const res = await execCommand('gem', ['list', '--local']);
    const out: Array<{ name: string; ensure: string }> = [];
    for (const line of res.stdout.split('\n')) {
      const g = parseGemLine(line);
      if (g) out.push({ name: g.name, ensure: g.versions.join(', ') });
    }
    return out;
  },
};

const RPM_QF = '%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n';

async function rpmQuery(name: string): Promise<string> {
  const res = await execCommand('rpm', ['-q', '--qf', RPM_QF, name], { allowFail: true });
  if (res.code !== 0) return 'absent';
  const line = res.stdout.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? line.split(' ')[1] : 'absent';
}

async function rpmList(): Promise<Array<{ name: string; ensure: string }>> {
  const res = await execCommand('rpm', ['-qa', '--qf', RPM_QF]);
  return res.stdout.split('\n').filter(Boolean).map((l) => { const [name, ensure] = l.split(' '); return { name, ensure }; });
}

function yumLike(cmd: 'dnf' | 'yum', isDefault: () => boolean): PackageTool {
  return {
    name: cmd,
    suitable: () => which(cmd) !== undefined && which('rpm') !== undefined,
    isDefault,
    query: rpmQuery,
    async install(name, version, r) {
      await execCommand(cmd, ['-y', '-q', ...installOptions(r), 'install', version ? `${name}-${version.replace(/^0:/, '')}` : name]);
    },
    async uninstall(name, r) { await execCommand(cmd, ['-y', '-q', ...installOptions(r, 'uninstall_options'), 'remove', name]); },
    async latest(name) {
      const res = await execCommand(cmd, ['-q', 'list', 'available', name], { allowFail: true });
      const line = res.stdout.split('\n').find((l) => l.split(/\s+/)[0]?.split('.')[0] === name);
      return line ? line.split(/\s+/)[1] : undefined;
    },
    list: rpmList,
  };
}

export const dnfTool = yumLike('dnf', () => existsSync('/etc/redhat-release'));
export const yumTool = yumLike('yum', () => existsSync('/etc/redhat-release') && which('dnf') === undefined);

export const rpmTool: PackageTool = {
  name: 'rpm',
  suitable: () => which('rpm') !== undefined,
  query: rpmQuery,
  async install(_name, _version, r) { await execCommand('rpm', ['-i', ...installOptions(r), sourceOf(r, 'rpm')]); },
  async uninstall(name, r) { await execCommand('rpm', ['-e', ...installOptions(r, 'uninstall_options'), name]); },
  list: rpmList,
};
