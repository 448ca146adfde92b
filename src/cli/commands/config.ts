// `kuroko config print [NAME...|all] [--section S]`, `kuroko config set NAME VALUE [--section S]`
// and `kuroko config delete NAME [--section S]`.
import { readFileSync, statSync } from 'node:fs';
import type { Command, CommandContext } from '../command.js';
import { usageError, KurokoError } from '../../util/diagnostic.js';
import { loadSettings, SETTINGS_BY_NAME, validateValue, type LoadOptions } from '../../settings/index.js';
import { deleteFromConf, parsePuppetConf, setInConf } from '../../settings/puppetconf.js';
import { writeFileAtomic } from '../../util/fsutil.js';
import { log } from '../../log/index.js';
import type { RunMode } from '../../settings/definitions.js';

/** Which run mode and section each --section value reads: [main] alone, or a section over [main]. */
const SECTIONS: Record<string, { runMode: RunMode; section: 'main' | RunMode }> = {
  main: { runMode: 'user', section: 'main' },
  user: { runMode: 'user', section: 'user' },
  agent: { runMode: 'agent', section: 'agent' },
  server: { runMode: 'server', section: 'server' },
  master: { runMode: 'server', section: 'server' },
};

export const command: Command = {
  name: 'config',
  summary: 'Print or change settings (puppet.conf).',
  usage: ['kuroko config print [NAME...|all] [--section SECTION]', 'kuroko config set NAME VALUE [--section SECTION]', 'kuroko config delete NAME [--section SECTION]'],
  description: [
    'print shows the effective value of each setting for a section (main by default): one',
    'value alone, or NAME = VALUE lines. set edits puppet.conf in place, keeping its comments',
    'and order; delete removes a setting from a section. The edited file is checked first, and',
    'nothing is written when it is invalid.',
  ].join('\n'),
  runMode: 'user',
  flags: [{ name: 'section', type: 'string', arg: 'SECTION', desc: 'main, server (master), agent or user.' }],
  async run(ctx) {
    const [action, ...rest] = ctx.args.positional;
    const sectionName = (ctx.args.flags.section as string | undefined) ?? 'main';
    const target = SECTIONS[sectionName];
    if (!target) throw usageError(`Unknown section '${sectionName}' (expected main, server, agent or user)`);
    ctx.settings(); // applies puppet.conf's log_level and logdest, and fails early on a broken file
    const base: LoadOptions = { ...target, cli: ctx.args.settings, configFile: ctx.args.flags.config as string | undefined, quiet: true };
    if (action === 'print' || action === undefined) return print(ctx, base, rest);
    if (action === 'set') return set(base, rest);
    if (action === 'delete') return remove(base, rest);
    throw usageError(`Unknown action 'config ${action}' (expected print, set or delete)`);
  },
};

function print(ctx: CommandContext, base: LoadOptions, names: string[]): number {
  for (const n of names) if (n !== 'all' && !SETTINGS_BY_NAME.has(n)) throw usageError(`Unknown setting '${n}'`);
  const settings = loadSettings(base);
  const list = names.length === 0 || names.includes('all') ? [...settings.all().keys()] : names;
  if (list.length === 1 && names.length === 1 && names[0] !== 'all') ctx.out(settings.get(list[0]));
  else ctx.out(list.map((n) => `${n} = ${settings.get(n)}\n`).join(''));
  return 0;
}

function set(base: LoadOptions, rest: string[]): number {
  if (rest.length !== 2) throw usageError('Usage: kuroko config set NAME VALUE [--section SECTION]');
  const [name, value] = rest;
  const def = SETTINGS_BY_NAME.get(name);
  if (!def) throw usageError(`Unknown setting '${name}'`);
  // Settings given as flags decide where puppet.conf is (--confdir) but must not
  // hide the value being checked.
  const { cli, file, text, mode } = current(base, def.name, def.aliases);
  const problem = validateValue(def, value);
  if (problem) throw new KurokoError(`Not saved: invalid value for setting '${def.name}': ${problem}`, { code: 'KUR0105', field: def.name, value });
  const section = base.section ?? 'main';
  const next = setInConf(parsePuppetConf(text, file), section, def.name, value);
  save(base, cli, file, next, mode, `with ${def.name} = ${value} in [${section}]`, def.name, value);
  log.info(`Set ${def.name} = ${value} in [${section}] of ${file}`);
  return 0;
}

function remove(base: LoadOptions, rest: string[]): number {
  if (rest.length !== 1) throw usageError('Usage: kuroko config delete NAME [--section SECTION]');
  const [name] = rest;
  const def = SETTINGS_BY_NAME.get(name);
  if (!def) throw usageError(`Unknown setting '${name}'`);
  const { cli, file, text, mode } = current(base, def.name, def.aliases);
  const section = base.section ?? 'main';
  const next = deleteFromConf(parsePuppetConf(text, file), section, name);
  if (next === undefined) {
    log.warning(`No setting '${name}' in [${section}] of ${file}: nothing to delete`);
    return 0;
  }
  save(base, cli, file, next, mode, `without ${name} in [${section}]`, def.name, undefined);
  log.info(`Deleted ${name} from [${section}] of ${file}`);
  return 0;
}

/** The flags without the setting being changed, and puppet.conf as it is now (text and mode). */
function current(base: LoadOptions, name: string, aliases: string[] = []) {
  const cli = { ...base.cli };
  for (const n of [name, ...aliases]) delete cli[n];
  const file = loadSettings({ ...base, cli }).configFile;
  let text = '';
  let mode = 0o644;
  try { text = readFileSync(file, 'utf8'); mode = statSync(file).mode & 0o777; } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new KurokoError(`Could not read ${file}: ${(e as Error).message}`, { code: 'KUR0100' });
  }
  return { cli, file, text, mode };
}

/** Checks the edited file as every run mode reads it (interpolation, cycles), then replaces the old one atomically. */
function save(base: LoadOptions, cli: Record<string, string> | undefined, file: string, next: string, mode: number, what: string, field: string, value: string | undefined): void {
  for (const t of Object.values(SECTIONS)) {
    try {
      loadSettings({ ...base, ...t, cli, configFile: file, configText: next, quiet: true });
    } catch (e) {
      const why = e instanceof KurokoError ? e.message : String(e);
      throw new KurokoError(`Not saved: ${what}, ${why}`, { code: 'KUR0105', field, value });
    }
  }
  writeFileAtomic(file, next, mode);
}
