// Command-line parsing shared by every subcommand. Flags are declared per
// command; every setting is also a flag (`--name value`, `--name=value`, and
// `--[no-]name` for booleans), as in Puppet. Anything else is a usage error.
import { usageError } from '../util/diagnostic.js';
import { SETTINGS_BY_NAME } from '../settings/index.js';

export type FlagType = 'boolean' | 'string' | 'list' | 'count';

export interface FlagSpec {
  name: string; // long name without dashes, e.g. "detailed-exitcodes"
  type: FlagType;
  desc: string;
  short?: string; // one letter
  aliases?: string[];
  /** Placeholder for help output, e.g. "FILE". */
  arg?: string;
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean | string[] | number>;
  /** Values given for settings, by setting name. */
  settings: Record<string, string>;
}

/** Flags every command accepts. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'help', type: 'boolean', short: 'h', desc: 'Show help for this command.' },
  { name: 'verbose', type: 'boolean', short: 'v', desc: 'Show info messages.' },
  { name: 'debug', type: 'boolean', short: 'd', desc: 'Show debug messages.' },
  { name: 'logdest', type: 'list', arg: 'DEST', desc: 'console, syslog, json, json:FILE or a log file (repeatable).' },
  { name: 'config', type: 'string', arg: 'FILE', desc: 'Read this puppet.conf instead of $confdir/puppet.conf.' },
];

const norm = (s: string) => s.replace(/-/g, '_');

export function parseArgs(argv: string[], specs: FlagSpec[], opts: { settingsFlags?: boolean } = {}): ParsedArgs {
  const all = [...GLOBAL_FLAGS, ...specs];
  const byName = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const s of all) {
    byName.set(norm(s.name), s);
    for (const a of s.aliases ?? []) byName.set(norm(a), s);
    if (s.short) byShort.set(s.short, s);
  }
  const out: ParsedArgs = { positional: [], flags: {}, settings: {} };
  const allowSettings = opts.settingsFlags !== false;

  const setFlag = (spec: FlagSpec, value: string | boolean) => {
    const key = norm(spec.name);
    if (spec.type === 'list') {
      const prev = (out.flags[key] as string[] | undefined) ?? [];
      out.flags[key] = [...prev, String(value)];
    } else if (spec.type === 'count') {
      out.flags[key] = ((out.flags[key] as number | undefined) ?? 0) + 1;
    } else out.flags[key] = value;
  };

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { out.positional.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      let name = norm(eq >= 0 ? a.slice(2, eq) : a.slice(2));
      let inline: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined;
      let negated = false;
      let spec = byName.get(name);
      if (!spec && name.startsWith('no_') && (byName.get(name.slice(3))?.type === 'boolean' || SETTINGS_BY_NAME.get(name.slice(3))?.type === 'boolean')) {
        negated = true; name = name.slice(3); spec = byName.get(name);
      }
      if (spec) {
        if (spec.type === 'boolean' || spec.type === 'count') {
          if (inline !== undefined && spec.type === 'boolean') setFlag(spec, inline !== 'false');
          else setFlag(spec, !negated);
        } else {
          const v = inline ?? argv[++i];
          if (v === undefined) throw usageError(`Option --${spec.name} needs a value`);
          setFlag(spec, v);
        }
        continue;
      }
      const setting = allowSettings ? SETTINGS_BY_NAME.get(name) : undefined;
      if (setting) {
        if (setting.type === 'boolean') {
          const next = argv[i + 1];
          if (inline !== undefined) out.settings[setting.name] = inline;
          else if (!negated && (next === 'true' || next === 'false')) { out.settings[setting.name] = next; i++; }
          else out.settings[setting.name] = negated ? 'false' : 'true';
        } else {
          const v = inline ?? argv[++i];
          if (v === undefined) throw usageError(`Option --${name} needs a value`);
          out.settings[setting.name] = v;
        }
        continue;
      }
      throw usageError(`Unknown option '${a.split('=')[0]}'`);
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      // Bundled short flags: -tv
      for (let j = 1; j < a.length; j++) {
        const spec = byShort.get(a[j]);
        if (!spec) throw usageError(`Unknown option '-${a[j]}'`);
        if (spec.type === 'boolean' || spec.type === 'count') setFlag(spec, true);
        else {
          const v = a.slice(j + 1) || argv[++i];
          if (v === undefined) throw usageError(`Option -${a[j]} needs a value`);
          setFlag(spec, v);
          break;
        }
      }
      continue;
    }
    out.positional.push(a);
  }
  return out;
}

export function flagHelp(specs: FlagSpec[]): string {
  const rows = specs.map((s) => {
    const names = [s.short ? `-${s.short}` : '', `--${s.name}${s.type === 'boolean' || s.type === 'count' ? '' : ' ' + (s.arg ?? 'VALUE')}`].filter(Boolean).join(', ');
    return [names, s.desc] as const;
  });
  const w = Math.min(34, Math.max(...rows.map((r) => r[0].length), 0) + 2);
  return rows.map(([n, d]) => `  ${n.padEnd(w)}${d}`).join('\n');
}
