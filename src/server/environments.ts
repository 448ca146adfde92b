// Environments as the server sees them for file serving and the
// environments endpoint: directories under environmentpath, each with an
// optional environment.conf (modulepath, manifest, environment_timeout,
// config_version). Names are checked before they become paths.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { KurokoError } from '../util/diagnostic.js';

export interface EnvironmentInfo {
  name: string;
  dir: string;
  modulepath: string[];
  manifest: string;
  environmentTimeout: string;
  configVersion: string;
  /** static_catalogs (environment.conf, else puppet.conf; default true): whether static catalogs may be compiled. */
  staticCatalogs: boolean;
}

export interface EnvironmentSettings {
  environmentpath: string[];
  basemodulepath: string[];
  /** environment_timeout from puppet.conf (the default for environment.conf). */
  environmentTimeout: string;
  /** static_catalogs from puppet.conf (the default for environment.conf); true when absent. */
  staticCatalogs?: boolean;
}

const NAME_RE = /^[a-z0-9_]+$/;

export function validEnvironmentName(name: string): boolean {
  return NAME_RE.test(name);
}

function parseEnvConf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s*#.*$/, '').trim();
    if (!line || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}

export class Environments {
  constructor(private s: EnvironmentSettings) {}

  /** The directory of an environment, or undefined when it does not exist. */
  find(name: string): EnvironmentInfo | undefined {
    if (!validEnvironmentName(name)) return undefined;
    for (const base of this.s.environmentpath) {
      const dir = join(base, name);
      try { if (!statSync(dir).isDirectory()) continue; } catch { continue; }
      return this.load(name, dir);
    }
    return undefined;
  }

  /** Like find(), but a missing or invalid environment is an error naming it. */
  get(name: string): EnvironmentInfo {
    if (!validEnvironmentName(name)) throw new KurokoError(`Invalid environment name '${name}'`, { code: 'KUR0660', field: 'environment', value: name });
    const env = this.find(name);
    if (!env) throw new KurokoError(`Could not find environment '${name}'`, { code: 'KUR0661', field: 'environment', value: name });
    return env;
  }

  list(): EnvironmentInfo[] {
    const seen = new Map<string, EnvironmentInfo>();
    for (const base of this.s.environmentpath) {
      let names: string[] = [];
      try { names = readdirSync(base); } catch { continue; }
      for (const n of names.sort()) {
        if (seen.has(n) || !validEnvironmentName(n)) continue;
        const dir = join(base, n);
        try { if (!statSync(dir).isDirectory()) continue; } catch { continue; }
        seen.set(n, this.load(n, dir));
      }
    }
    return [...seen.values()];
  }

  private load(name: string, dir: string): EnvironmentInfo {
    const confFile = join(dir, 'environment.conf');
    const conf = existsSync(confFile) ? parseEnvConf(readFileSync(confFile, 'utf8')) : new Map<string, string>();
    const expand = (p: string) => p.replace(/\$basemodulepath|\$\{basemodulepath\}/g, this.s.basemodulepath.join(':')).replace(/\$environment|\$\{environment\}/g, name);
    const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
    const modulepath = conf.has('modulepath')
      ? expand(conf.get('modulepath')!).split(':').filter(Boolean).map(abs)
      : [join(dir, 'modules'), ...this.s.basemodulepath];
    return {
      name, dir, modulepath,
      manifest: abs(expand(conf.get('manifest') ?? 'manifests')),
      environmentTimeout: conf.get('environment_timeout') ?? this.s.environmentTimeout,
      configVersion: conf.get('config_version') ?? '',
      staticCatalogs: conf.has('static_catalogs') ? conf.get('static_catalogs') !== 'false' : this.s.staticCatalogs ?? true,
    };
  }

  /** GET /puppet/v3/environments body. */
  toJson(): { search_paths: string[]; environments: Record<string, { settings: Record<string, unknown> }> } {
    const environments: Record<string, { settings: Record<string, unknown> }> = {};
    for (const e of this.list()) {
      const t = e.environmentTimeout;
      environments[e.name] = {
        settings: {
          modulepath: e.modulepath, manifest: e.manifest,
          environment_timeout: t === 'unlimited' ? 'unlimited' : Number.isFinite(Number(t)) ? Number(t) : t,
          config_version: e.configVersion,
        },
      };
    }
    return { search_paths: this.s.environmentpath.map((p) => `file://${p}`), environments };
  }
}
