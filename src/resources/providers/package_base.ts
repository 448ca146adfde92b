// The part every package provider shares: what "in sync" means for
// package's ensure (present, installed, latest, absent, purged or a
// version) and Puppet's event wording. A concrete provider only says how
// to query, install and remove through its tool.
import type { Data } from '../../compiler/wire.js';
import type { ApplyContext, Change, Provider, Resource } from '../type.js';
import { failure, invalid, nameOf, param, str } from './typesupport.js';

/** The live state of one package: an installed version, 'absent' or 'purged'. */
export type PackageState = string;

export interface PackageTool {
  name: string;
  suitable(): boolean;
  isDefault?(): boolean;
  /** Whether absent and purged differ (dpkg keeps config files). */
  purgeable?: boolean;
  query(name: string, r: Resource): Promise<PackageState>;
  install(name: string, version: string | undefined, r: Resource, ctx: ApplyContext): Promise<void>;
  uninstall(name: string, r: Resource, ctx: ApplyContext): Promise<void>;
  purge?(name: string, r: Resource, ctx: ApplyContext): Promise<void>;
  /** The newest version available for installation. */
  latest?(name: string, r: Resource): Promise<string | undefined>;
  list?(): Promise<Array<{ name: string; ensure: string }>>;
  /** Holding: the package manager must not upgrade or remove it (ensure => held, mark => hold). */
  isHeld?(name: string): Promise<boolean>;
  setHold?(name: string, hold: boolean): Promise<void>;
}

const KEYWORDS = ['present', 'installed', 'latest', 'absent', 'purged', 'held'];

/** install_options as command-line words: strings as they are, {'--opt' => 'v'} as --opt=v. */
export function installOptions(r: Resource, name = 'install_options'): string[] {
  const v = param(r, name);
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const o of arr) {
    if (typeof o === 'string' || typeof o === 'number') out.push(String(o));
    else if (o && typeof o === 'object' && !Array.isArray(o)) {
      for (const [k, x] of Object.entries(o)) out.push(`${k}=${String(x)}`);
    } else throw invalid(r, name, v, `${name} must be an array of strings or hashes`);
  }
  return out;
}

function desiredEnsure(r: Resource): string {
  const v = param(r, 'ensure');
  if (v === undefined || v === true) return 'present';
  if (v === false) return 'absent';
  if (typeof v !== 'string' && typeof v !== 'number') throw invalid(r, 'ensure', v, 'ensure must be a string');
  const s = String(v);
  if (s === '') throw invalid(r, 'ensure', v, 'ensure cannot be empty');
  return s;
}

const isGone = (s: string) => s === 'absent' || s === 'purged';

/** gem keeps several versions side by side: "1.2.0, 1.1.0". */
const installedVersions = (s: string) => s.split(', ');

/** Package's ensure change_to_s: 'purged', 'created', then the generic ensure wording. */
function packageMessage(previous: string, desired: string): string {
  if (desired === 'purged') return 'purged';
  if (isGone(previous) && desired !== 'absent') return 'created';
  if (desired === 'absent') return 'removed';
  return `ensure changed '${previous}' to '${desired}'`;
}

/** Puppet's event names for package's ensure values. */
function eventName(previous: string, desired: string): string {
  if (desired === 'absent') return 'package_removed';
  if (desired === 'purged') return 'package_purged';
  if (desired === 'held') return 'package_held';
  if (desired === 'present' || desired === 'installed') return 'package_installed';
  return isGone(previous) ? 'package_installed' : 'package_changed'; // latest or a version
}

export function packageProvider(tool: PackageTool): Provider {
  return {
    name: tool.name,
    suitable: () => tool.suitable(),
    isDefault: tool.isDefault ? () => tool.isDefault!() : undefined,
    async check(r) {
      const name = nameOf(r);
      const desired = desiredEnsure(r);
      const current = await tool.query(name, r);
      let target = desired;
      let inSync: boolean;
      switch (desired) {
        case 'present': case 'installed': inSync = !isGone(current); break;
        case 'absent': inSync = isGone(current); break;
        case 'purged': inSync = current === 'purged' || (!tool.purgeable && isGone(current)); break;
        case 'held':
          if (!tool.isHeld) throw invalid(r, 'ensure', desired, `Provider ${tool.name} does not support holding packages`);
          inSync = !isGone(current) && (await tool.isHeld(name));
          break;
        case 'latest': {
          const latest = tool.latest ? await tool.latest(name, r) : undefined;
          if (!tool.latest) throw invalid(r, 'ensure', desired, `Provider ${tool.name} does not support ensure => latest`);
          if (latest === undefined) {
            if (isGone(current)) throw failure(r, `Could not find a version of package ${name} to install`);
            inSync = true;
          } else { target = latest; inSync = installedVersions(current).includes(latest); }
          break;
        }
        default: inSync = installedVersions(current).includes(desired);
      }
      const changes: Change[] = inSync ? [] : [{ property: 'ensure', previous: current, desired: target, message: packageMessage(current, target), name: eventName(current, desired) }];
      const mark = str(r, 'mark');
      if (mark !== undefined && desired !== 'absent' && desired !== 'purged') {
        if (mark !== 'hold' && mark !== 'none') throw invalid(r, 'mark', mark, `Invalid value '${mark}' for mark. Valid values are hold, none`);
        if (!tool.isHeld) throw invalid(r, 'mark', mark, `Provider ${tool.name} does not support marking packages`);
        const held = !isGone(current) && (await tool.isHeld(name));
        if ((mark === 'hold') !== held) changes.push({ property: 'mark', previous: held ? 'hold' : 'none', desired: mark, message: `mark changed '${held ? 'hold' : 'none'}' to '${mark}'` });
      }
      return changes;
    },
    async apply(r, changes, ctx) {
      const name = nameOf(r);
      for (const c of changes) {
        if (c.property === 'mark') { await tool.setHold!(name, c.desired === 'hold'); continue; }
        if (c.property !== 'ensure') continue;
        const desired = desiredEnsure(r);
        if (desired === 'held') {
          if (isGone(String(c.previous))) await tool.install(name, undefined, r, ctx);
          await tool.setHold!(name, true);
          continue;
        }
        if (desired === 'absent') await tool.uninstall(name, r, ctx);
        else if (desired === 'purged') await (tool.purge ?? tool.uninstall)(name, r, ctx);
        else if (desired === 'present' || desired === 'installed') await tool.install(name, undefined, r, ctx);
        else if (desired === 'latest') await tool.install(name, typeof c.desired === 'string' ? c.desired : undefined, r, ctx);
        else await tool.install(name, desired, r, ctx);
        // Verify: a tool that exits 0 without installing what was asked must not report success.
        const now = await tool.query(name, r);
        const want = c.desired as string;
        const ok = KEYWORDS.includes(desired) ? (isGone(want) ? isGone(now) : !isGone(now)) && (desired !== 'latest' || installedVersions(now).includes(want)) : installedVersions(now).includes(want);
        if (!ok) throw failure(r, `Package ${name} is '${now}' after ${tool.name} ran, expected '${want}'`);
      }
    },
    instances: tool.list ? async () => {
      const pkgs = await tool.list!();
      return pkgs.map((p): Resource => ({
        type: 'package', title: p.name, tags: [], parameters: { ensure: p.ensure, provider: tool.name } as Record<string, Data>,
      }));
    } : undefined,
  };
}

/** The source parameter, required by providers that install from a file. */
export function sourceOf(r: Resource, provider: string): string {
  const s = str(r, 'source');
  if (!s) throw invalid(r, 'source', undefined, `The ${provider} provider needs a source to install from`);
  return s;
}
