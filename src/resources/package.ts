// package: software packages. Debian's apt and dpkg here; pip, npm, gem
// and the rpm family in providers/package_other.ts.
import { existsSync } from 'node:fs';
import type { ApplyContext, Resource, ResourceType } from './type.js';
import { execCommand, which, failure, invalid, nameOf } from './providers/typesupport.js';
import { installOptions, packageProvider, sourceOf, type PackageState, type PackageTool } from './providers/package_base.js';
import { dnfTool, gemTool, npmTool, pipTool, rpmTool, yumTool } from './providers/package_other.js';

const DPKG_FORMAT = '${Status} ${Package} ${Version}\\n';
const isDebian = () => existsSync('/etc/debian_version');

/** Puppet's reading of a dpkg status line: installed version, 'absent' (config files left) or 'purged'. */
function dpkgState(status: string, version: string): PackageState {
  const state = status.split(' ')[2];
  if (state === 'installed') return version;
  if (state === 'not-installed' || state === undefined) return 'purged';
  return 'absent'; // config-files, half-installed, unpacked, half-configured
}

async function dpkgQuery(name: string): Promise<PackageState> {
  const res = await execCommand('dpkg-query', ['-W', '--showformat', DPKG_FORMAT, name], { allowFail: true });
  if (res.code !== 0) return 'purged'; // unknown to dpkg
  for (const line of res.stdout.split('\n')) {
    const m = /^(\S+ \S+ \S+) (\S+) (\S*)$/.exec(line);
    if (m && (m[2] === name || m[2].split(':')[0] === name)) return dpkgState(m[1], m[3]);
  }
  return 'purged';
}

async function dpkgList(): Promise<Array<{ name: string; ensure: string }>> {
  const res = await execCommand('dpkg-query', ['-W', '--showformat', DPKG_FORMAT]);
  const out: Array<{ name: string; ensure: string }> = [];
  for (const line of res.stdout.split('\n')) {
    const m = /^(\S+ \S+ \S+) (\S+) (\S*)$/.exec(line);
    if (!m) continue;
    const ensure = dpkgState(m[1], m[3]);
    if (ensure !== 'purged') out.push({ name: m[2], ensure });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive', APT_LISTCHANGES_FRONTEND: 'none' };

function logOutput(ctx: ApplyContext, out: string): void {
  for (const line of out.split('\n')) if (line.trim()) ctx.log('debug', line);
}

export const aptTool: PackageTool = {
  name: 'apt',
  purgeable: true,
  suitable: () => which('apt-get') !== undefined && which('dpkg-query') !== undefined,
  isDefault: isDebian,
  query: (name) => dpkgQuery(name),
  async install(name, version, r, ctx) {
    const args = ['-q', '-y', '-o', 'DPkg::Options::=--force-confold'];
    if (version) args.push('--allow-downgrades');
    args.push(...installOptions(r), 'install', version ? `${name}=${version}` : name);
    const res = await execCommand('apt-get', args, { env: APT_ENV, timeoutMs: 30 * 60_000 });
    logOutput(ctx, res.stdout);
  },
  async uninstall(name, r, ctx) {
    const res = await execCommand('apt-get', ['-q', '-y', '--allow-change-held-packages', ...installOptions(r, 'uninstall_options'), 'remove', name], { env: APT_ENV });
    logOutput(ctx, res.stdout);
  },
  async purge(name, r, ctx) {
    const res = await execCommand('apt-get', ['-q', '-y', '--allow-change-held-packages', ...installOptions(r, 'uninstall_options'), 'remove', '--purge', name], { env: APT_ENV });
    logOutput(ctx, res.stdout);
    // apt leaves config files of packages it did not remove itself; dpkg finishes the purge.
    if ((await dpkgQuery(name)) !== 'purged') await execCommand('dpkg', ['--purge', name]);
  },
  async latest(name) {
    const res = await execCommand('apt-cache', ['-q', 'policy', name], { allowFail: true });
    const m = /^\s*Candidate:\s*(\S+)/m.exec(res.stdout);
    return m && m[1] !== '(none)' ? m[1] : undefined;
  },
  list: dpkgList,
  isHeld: dpkgHeld,
  setHold: aptMark,
};

async function dpkgHeld(name: string): Promise<boolean> {
  const res = await execCommand('dpkg-query', ['-W', '--showformat', '${Status}', name], { allowFail: true });
  return res.code === 0 && res.stdout.startsWith('hold ');
}

async function aptMark(name: string, hold: boolean): Promise<void> {
  await execCommand('apt-mark', [hold ? 'hold' : 'unhold', name]);
}

export const dpkgTool: PackageTool = {
  name: 'dpkg',
  purgeable: true,
  suitable: () => which('dpkg') !== undefined && which('dpkg-query') !== undefined,
  query: (name) => dpkgQuery(name),
  async install(name, _version, r, ctx) {
    const src = sourceOf(r, 'dpkg');
    if (!existsSync(src)) throw failure(r, `Package source ${src} does not exist`);
    const res = await execCommand('dpkg', ['--force-confold', ...installOptions(r), '-i', src]);
    logOutput(ctx, res.stdout);
  },
  async uninstall(name, _r, ctx) { logOutput(ctx, (await execCommand('dpkg', ['-r', name])).stdout); },
  async purge(name, _r, ctx) { logOutput(ctx, (await execCommand('dpkg', ['--purge', name])).stdout); },
  isHeld: dpkgHeld,
  setHold: async (name, hold) => {
    await execCommand('dpkg', ['--set-selections'], { input: `${name} ${hold ? 'hold' : 'install'}\n` });
  },
  async latest(_name, r) {
    const res = await execCommand('dpkg-deb', ['--show', '--showformat', '${Version}', sourceOf(r, 'dpkg')]);
    return res.stdout.trim() || undefined;
  },
};

export const packageType: ResourceType = {
  name: 'package',
  namevar: 'name',
  properties: ['ensure', 'mark'],
  parameters: [
    'name', 'command', 'provider', 'source', 'install_options', 'uninstall_options', 'responsefile', 'configfiles',
    'adminfile', 'allowcdrom', 'allow_virtual', 'reinstall_on_refresh', 'install_only', 'status', 'category', 'description', 'platform', 'root', 'instance', 'vendor',
  ],
  validate(r: Resource) {
    const name = nameOf(r);
    // A leading dash would reach apt-get or pip as an option.
    if (!name || name.startsWith('-') || /\s/.test(name)) throw invalid(r, 'name', name, `Invalid package name '${name}'`);
    const e = r.parameters.ensure;
    if (e !== undefined && e !== null && typeof e !== 'string' && typeof e !== 'boolean' && typeof e !== 'number') {
      throw failure(r, `Invalid value ${JSON.stringify(e)} for ensure`);
    }
  },
  providers: [aptTool, dpkgTool, pipTool, npmTool, gemTool, dnfTool, yumTool, rpmTool].map(packageProvider),
};
