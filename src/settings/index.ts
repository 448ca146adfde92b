// Settings: puppet.conf plus CLI flags plus defaults, resolved for a run mode.
// Precedence: CLI flag > the run mode's section > [main] > default.
// Values may interpolate other settings as $name or ${name}; cycles are errors.
import { readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { KurokoError } from '../util/diagnostic.js';
import { log } from '../log/index.js';
import { parsePuppetConf, sectionValues, type ConfFile } from './puppetconf.js';
import { SETTINGS, SETTINGS_BY_NAME, type DefaultContext, type RunMode, type SettingDefinition } from './definitions.js';

export { SETTINGS, SETTINGS_BY_NAME } from './definitions.js';
export type { RunMode, SettingDefinition } from './definitions.js';

export interface SettingSource {
  kind: 'cli' | 'section' | 'main' | 'default';
  file?: string;
  line?: number;
  section?: string;
}

export interface LoadOptions {
  runMode: RunMode;
  /** Values from command-line flags, by setting name (already known to be settings). */
  cli?: Record<string, string>;
  /** Overrides the defaults' view of the host (tests). */
  context?: Partial<DefaultContext>;
  /** Read this puppet.conf instead of $confdir/puppet.conf. */
  configFile?: string;
  /** The text of puppet.conf, instead of reading configFile (to validate an edit before writing it). */
  configText?: string;
  /** Don't warn about unknown settings (a second load of the same file). */
  quiet?: boolean;
  /** Read this section above [main] instead of the run mode's (`config print --section main`). */
  section?: 'main' | RunMode;
  env?: NodeJS.ProcessEnv;
}

/** Parses Puppet's durations: 1800, 30s, 30m, 1h, 2d, 1w, 5y; "unlimited" is Infinity. Returns seconds. */
export function parseDuration(value: string): number {
  const v = value.trim();
  if (v === 'unlimited') return Infinity;
  const m = /^(\d+(?:\.\d+)?)\s*([smhdwy]?)$/.exec(v);
  if (!m) throw new Error(`invalid duration ${JSON.stringify(value)} (expected a number of seconds or e.g. 30m, 1h, 2d)`);
  const n = Number(m[1]);
  const mult: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  return n * mult[m[2]];
}

export function parseBoolean(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'yes' || v === 'on') return true;
  if (v === 'false' || v === 'no' || v === 'off') return false;
  throw new Error(`invalid boolean ${JSON.stringify(value)} (expected true or false)`);
}

export function defaultContext(env: NodeJS.ProcessEnv = process.env): DefaultContext {
  const root = typeof process.getuid === 'function' ? process.getuid() === 0 : false;
  return { root, home: env.HOME ?? homedir(), fqdn: hostFqdn() };
}

let cachedFqdn: string | undefined;
/** The host's FQDN from local evidence: hostname, then /etc/hosts, then resolv.conf's domain. */
export function hostFqdn(): string {
  if (cachedFqdn) return cachedFqdn;
  const h = hostname().toLowerCase();
  let fqdn = h;
  if (!h.includes('.')) {
    try {
      for (const line of readFileSync('/etc/hosts', 'utf8').split('\n')) {
        const parts = line.replace(/#.*/, '').trim().split(/\s+/);
        if (parts.length > 1 && parts.slice(1).includes(h)) {
          const cand = parts.slice(1).find((p) => p.startsWith(h + '.'));
          if (cand) { fqdn = cand; break; }
        }
      }
    } catch { /* no /etc/hosts */ }
    if (fqdn === h) {
      try {
        const m = /^\s*(?:domain|search)\s+(\S+)/m.exec(readFileSync('/etc/resolv.conf', 'utf8'));
        if (m) fqdn = `${h}.${m[1]}`;
      } catch { /* no resolv.conf */ }
    }
  }
  cachedFqdn = fqdn.toLowerCase();
  return cachedFqdn;
}

export class Settings {
  readonly runMode: RunMode;
  /** The puppet.conf section read above [main] (the run mode's, unless LoadOptions.section says otherwise). */
  readonly section: 'main' | RunMode;
  readonly configFile: string;
  readonly conf?: ConfFile;
  private raw = new Map<string, { value: string; source: SettingSource }>();
  private resolved = new Map<string, string>();
  private ctx: DefaultContext;

  constructor(opts: LoadOptions) {
    this.runMode = opts.runMode;
    this.section = opts.section ?? opts.runMode;
    this.ctx = { ...defaultContext(opts.env), ...opts.context };
    const cli = { ...(opts.cli ?? {}) };
    // Normalise aliases (masterport → serverport).
    for (const k of Object.keys(cli)) {
      const def = SETTINGS_BY_NAME.get(k);
      if (!def) throw new KurokoError(`Unknown setting '${k}'`, { code: 'KUR0103', field: k });
      if (def.name !== k) { cli[def.name] = cli[k]; delete cli[k]; }
    }
    // confdir decides where puppet.conf is, so resolve it from CLI or default first.
    const confdirDef = SETTINGS_BY_NAME.get('confdir')!;
    const confdir = cli.confdir ?? this.defaultOf(confdirDef);
    this.configFile = resolve(opts.configFile ?? join(confdir, 'puppet.conf'));
    let text: string | undefined = opts.configText;
    if (text === undefined) try { text = readFileSync(this.configFile, 'utf8'); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new KurokoError(`Could not read ${this.configFile}: ${(e as Error).message}`, { code: 'KUR0100', location: { file: this.configFile } });
      }
    }
    if (text !== undefined) this.conf = parsePuppetConf(text, this.configFile);
    if (!opts.quiet) log.debug(this.conf ? `Reading settings from ${this.configFile} for the ${this.runMode} run mode` : `No ${this.configFile}: using defaults for the ${this.runMode} run mode`);
    const main = this.conf ? sectionValues(this.conf, 'main') : new Map();
    const mode = this.conf && this.section !== 'main' ? sectionValues(this.conf, this.section) : new Map();
    if (this.conf && !opts.quiet) this.warnUnknown(this.conf);
    if (this.conf) this.checkAllSections(this.conf);
    for (const def of SETTINGS) {
      const fromCli = cli[def.name];
      const fromMode = mode.get(def.name) ?? aliasValue(mode, def);
      const fromMain = main.get(def.name) ?? aliasValue(main, def);
      if (fromCli !== undefined) this.raw.set(def.name, { value: fromCli, source: { kind: 'cli' } });
      else if (fromMode) this.raw.set(def.name, { value: fromMode.value, source: { kind: 'section', file: this.configFile, line: fromMode.line, section: this.section } });
      else if (fromMain) this.raw.set(def.name, { value: fromMain.value, source: { kind: 'main', file: this.configFile, line: fromMain.line, section: 'main' } });
      else this.raw.set(def.name, { value: this.defaultOf(def), source: { kind: 'default' } });
    }
    // Validate every value now so that bad input fails at start-up with file:line.
    for (const def of SETTINGS) this.get(def.name);
  }

  private defaultOf(def: SettingDefinition): string {
    return typeof def.default === 'function' ? def.default(this.ctx) : def.default;
  }

  private warnUnknown(conf: ConfFile): void {
    for (const l of conf.lines) {
      if (l.kind === 'setting' && !SETTINGS_BY_NAME.has(l.name!)) {
        log.warning(`Setting '${l.name}' is unknown and will be ignored (file: ${conf.path}, line: ${l.line})`);
      }
    }
  }

  /** A bad literal value fails in any section, not only in the sections this run mode reads. */
  private checkAllSections(conf: ConfFile): void {
    for (const l of conf.lines) {
      if (l.kind !== 'setting' || l.value!.includes('$')) continue;
      const def = SETTINGS_BY_NAME.get(l.name!);
      if (def) this.check(def.name, l.value!, { kind: 'section', file: conf.path, line: l.line, section: l.section });
    }
  }

  /** The interpolated string value of a setting. */
  get(name: string): string {
    const def = SETTINGS_BY_NAME.get(name);
    if (!def) throw new KurokoError(`Unknown setting '${name}'`, { code: 'KUR0103', field: name });
    return this.interpolate(def.name, []);
  }

  private interpolate(name: string, chain: string[]): string {
    const cached = this.resolved.get(name);
    if (cached !== undefined) return cached;
    if (chain.includes(name)) {
      const cycle = [...chain.slice(chain.indexOf(name)), name];
      // Point at the first setting of the cycle that a file or the command line gave: that is what to fix.
      const culprit = cycle.find((n) => this.raw.get(n)!.source.kind !== 'default') ?? cycle[0];
      const src = this.raw.get(culprit)!.source;
      throw new KurokoError(`Cyclic interpolation in setting '${culprit}': ${cycle.map((n) => '$' + n).join(' -> ')}${src.kind === 'cli' ? ' (given on the command line)' : ''}`, {
        code: 'KUR0104', field: culprit, value: this.raw.get(culprit)!.value,
        location: src.file ? { file: src.file, line: src.line } : undefined,
      });
    }
    const entry = this.raw.get(name)!;
    const value = entry.value.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a: string | undefined, b: string | undefined) => {
      const ref = (a ?? b)!;
      if (ref === 'run_mode') return this.runMode;
      const def = SETTINGS_BY_NAME.get(ref);
      if (!def) return whole; // not a setting: kept literally
      return this.interpolate(def.name, [...chain, name]);
    });
    const final = SETTINGS_BY_NAME.get(name)!.type === 'path' ? expandPaths(value, this.ctx.home) : value;
    this.check(name, final, entry.source);
    this.resolved.set(name, final);
    return final;
  }

  private check(name: string, value: string, source: SettingSource): void {
    const def = SETTINGS_BY_NAME.get(name)!;
    const fail = (why: string) => {
      const where = source.file ? { file: source.file, line: source.line } : undefined;
      const how = source.kind === 'cli' ? ` (given as --${name})` : source.kind === 'default' ? ' (its default, through interpolation)' : '';
      throw new KurokoError(`Invalid value for setting '${name}'${how}: ${why}`, { code: 'KUR0102', field: name, value, location: where });
    };
    const problem = validateValue(def, value);
    if (problem) fail(problem);
  }

  bool(name: string): boolean { return parseBoolean(this.get(name)); }
  int(name: string): number { return parseInt(this.get(name), 10); }
  /** Seconds (Infinity for "unlimited"). */
  duration(name: string): number { return parseDuration(this.get(name)); }
  list(name: string): string[] { return this.get(name).split(',').map((s) => s.trim()).filter(Boolean); }
  source(name: string): SettingSource { return this.entry(name).source; }
  /** The value as given (file, flag or default), before interpolation. */
  rawValue(name: string): string { return this.entry(name).value; }

  private entry(name: string) {
    const def = SETTINGS_BY_NAME.get(name);
    if (!def) throw new KurokoError(`Unknown setting '${name}'`, { code: 'KUR0103', field: name });
    return this.raw.get(def.name)!;
  }

  /** All settings as name → value (for `config print` and genconfig). */
  all(): Map<string, string> {
    const out = new Map<string, string>();
    for (const def of SETTINGS) out.set(def.name, this.get(def.name));
    return out;
  }
}

/** Why a value does not suit a setting's type, or undefined when it does. */
export function validateValue(def: SettingDefinition, value: string): string | undefined {
  try {
    switch (def.type) {
      case 'boolean': parseBoolean(value); break;
      case 'integer': if (!/^-?\d+$/.test(value.trim())) return `${JSON.stringify(value)} is not an integer`; break;
      case 'duration': parseDuration(value); break;
      case 'enum': if (def.values && !def.values.includes(value)) return `${JSON.stringify(value)} is not one of ${def.values.join(', ')}`; break;
      default: break;
    }
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/** Like Puppet, path settings are absolute: each ':'-separated part is expanded (~ is the home directory). */
function expandPaths(value: string, home: string): string {
  if (value === '') return value;
  return value.split(':').map((p) => {
    if (p === '') return p;
    if (p === '~' || p.startsWith('~/')) p = home + p.slice(1);
    return isAbsolute(p) ? p : resolve(p);
  }).join(':');
}

function aliasValue(values: Map<string, { value: string; line: number }>, def: SettingDefinition) {
  for (const a of def.aliases ?? []) { const v = values.get(a); if (v) return v; }
  return undefined;
}

export function loadSettings(opts: LoadOptions): Settings {
  return new Settings(opts);
}
