// `kuroko <subcommand> [options]`: dispatch, help, version, and the one place
// where errors become exit codes (1 for failures, 2 for usage errors).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../util/paths.js';
import { COMMANDS, findCommand } from './commands/index.js';
import { flagHelp, GLOBAL_FLAGS, parseArgs, type FlagSpec, type ParsedArgs } from './args.js';
import type { Command, CommandContext } from './command.js';
import { loadSettings, type Settings } from '../settings/index.js';
import { configureDestinations, isLogLevel, log } from '../log/index.js';
import { describeError, KurokoError, usageError } from '../util/diagnostic.js';

export function version(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

function topHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: kuroko <subcommand> [options]',
    '',
    'Configuration management compatible with Puppet.',
    '',
    'Subcommands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}${c.summary}${c.aliases?.length ? ` (alias: ${c.aliases.join(', ')})` : ''}`),
    '',
    'Options:',
    '  --help        Show this help, or a subcommand\'s with `kuroko SUBCOMMAND --help`.',
    '  --version     Print the version.',
    '',
    'Every setting is also an option: --NAME VALUE, --[no-]NAME for booleans.',
  ].join('\n');
}

export function commandHelp(cmd: Command): string {
  return [
    `Usage: ${cmd.usage.join('\n       ')}`,
    '',
    cmd.summary,
    ...(cmd.description ? ['', cmd.description] : []),
    '',
    'Options:',
    flagHelp([...flagsFor(cmd), ...GLOBAL_FLAGS]),
    ...(cmd.settingsFlags === false ? [] : ['', 'Every setting is also an option: --NAME VALUE, --[no-]NAME for booleans (see `kuroko config print`).']),
  ].join('\n');
}

/** Where a command's output goes (stdout unless a caller, e.g. a test, says otherwise). */
export interface MainOptions { out?: (text: string) => void }

function stdoutWrite(text: string): void {
  process.stdout.write(text);
}

/** Flags main.ts handles itself for daemon run modes (server, agent). */
export const GENCONFIG_FLAG: FlagSpec = {
  name: 'genconfig', type: 'boolean', desc: 'Print a complete, commented puppet.conf of every setting with its value, then exit.',
};

function flagsFor(command: Command): FlagSpec[] {
  if (command.runMode === 'user' || command.flags.some((f) => f.name === 'genconfig')) return command.flags;
  return [...command.flags, GENCONFIG_FLAG];
}

/** Log level, destinations and colour from flags, then (once loaded) from puppet.conf where no flag said otherwise. */
function configureLogging(command: Command, args: ParsedArgs, settings?: Settings): void {
  if (args.flags.debug) log.setLevel('debug');
  else if (args.flags.verbose) log.setLevel('info');
  else if (args.settings.log_level && isLogLevel(args.settings.log_level)) log.setLevel(args.settings.log_level);
  else if (settings && settings.source('log_level').kind !== 'default') {
    const l = settings.get('log_level');
    if (isLogLevel(l)) log.setLevel(l);
  } else if (!settings) log.setLevel('notice');
  const colourValue = args.settings.color ?? settings?.get('color');
  const colour = colourValue === 'false' ? false : 'auto';
  const ident = command.runMode === 'user' ? 'kuroko' : `kuroko-${command.runMode}`; // as Puppet's puppet-agent, puppet-server
  const opts = { colour, ident, facility: settings?.get('syslogfacility') ?? args.settings.syslogfacility } as const;
  const flagDests = (args.flags.logdest as string[] | undefined) ?? [];
  if (!settings) { configureDestinations(flagDests, log, opts); return; }
  // puppet.conf's logdest and color apply only where no flag chose.
  const confDests = settings.source('logdest').kind !== 'default' ? settings.list('logdest') : [];
  if (!flagDests.length && (confDests.length || settings.source('color').kind !== 'default')) configureDestinations(confDests, log, opts);
}

export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const write = lineWriter(opts);
  try {
    const first = argv[0];
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      if (first === 'help' && argv[1]) return main([argv[1], '--help'], opts);
      write(topHelp());
      return first === undefined ? 2 : 0;
    }
    if (first === '--version' || first === '-V' || first === 'version') { write(version()); return 0; }
    const entry = findCommand(first);
    if (!entry) {
      if (first.startsWith('-')) throw usageError(`Unknown option '${first.split('=')[0]}': a subcommand comes first. Run 'kuroko --help' for the list.`);
      throw new KurokoError(`Unknown subcommand '${first}'. Run 'kuroko --help' for the list.`, { exitCode: 2, code: 'KUR0001' });
    }
    const { command } = await entry.load();
    return await runCommand(command, argv.slice(1), opts);
  } catch (e) {
    return reportError(e);
  }
}

function lineWriter(opts: MainOptions): (text: string) => void {
  const sink = opts.out ?? stdoutWrite;
  return (text) => sink(text.endsWith('\n') ? text : text + '\n');
}

function reportError(e: unknown): number {
  const code = e instanceof KurokoError ? e.exitCode : 1;
  log.err(describeError(e));
  if (!(e instanceof KurokoError) && process.env.KUROKO_TRACE) process.stderr.write(String((e as Error).stack) + '\n');
  return code;
}

/** Runs one subcommand with its arguments (after the subcommand's name): flags, help, logging, genconfig, errors. */
export async function runCommand(command: Command, argv: string[], opts: MainOptions = {}): Promise<number> {
  const write = lineWriter(opts);
  try {
    const args = parseArgs(argv, flagsFor(command), { settingsFlags: command.settingsFlags });
    if (args.flags.help) { write(commandHelp(command)); return 0; }
    configureLogging(command, args);
    let settings: Settings | undefined;
    const ctx: CommandContext = {
      args,
      settings: () => {
        if (!settings) {
          settings = loadSettings({ runMode: command.runMode, cli: args.settings, configFile: args.flags.config as string | undefined });
          configureLogging(command, args, settings);
        }
        return settings;
      },
      out: write,
    };
    // `kuroko server --genconfig` and `kuroko agent --genconfig`, whatever those commands do otherwise.
    if (args.flags.genconfig && command.runMode !== 'user') {
      const { renderGenconfig } = await import('../settings/genconfig.js');
      write(renderGenconfig(ctx.settings()));
      return 0;
    }
    return await command.run(ctx);
  } catch (e) {
    return reportError(e);
  }
}
