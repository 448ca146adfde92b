// `kuroko <subcommand> [options]`: dispatch, help, version, and the one place
// where errors become exit codes (1 for failures, 2 for usage errors).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../util/paths.js';
import { COMMANDS, findCommand } from './commands/index.js';
import { flagHelp, GLOBAL_FLAGS, parseArgs } from './args.js';
import type { Command, CommandContext } from './command.js';
import { loadSettings, type Settings } from '../settings/index.js';
import { configureDestinations, isLogLevel, log } from '../log/index.js';
import { describeError, KurokoError } from '../util/diagnostic.js';

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
    flagHelp([...cmd.flags, ...GLOBAL_FLAGS]),
    ...(cmd.settingsFlags === false ? [] : ['', 'Every setting is also an option: --NAME VALUE, --[no-]NAME for booleans (see `kuroko config print`).']),
  ].join('\n');
}

function write(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

export async function main(argv: string[]): Promise<number> {
  try {
    const first = argv[0];
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      if (first === 'help' && argv[1]) return main([argv[1], '--help']);
      write(topHelp());
      return first === undefined ? 2 : 0;
    }
    if (first === '--version' || first === '-V' || first === 'version') { write(version()); return 0; }
    const entry = findCommand(first);
    if (!entry) throw new KurokoError(`Unknown subcommand '${first}'. Run 'kuroko --help' for the list.`, { exitCode: 2, code: 'KUR0001' });
    const { command } = await entry.load();
    const args = parseArgs(argv.slice(1), command.flags, { settingsFlags: command.settingsFlags });
    if (args.flags.help) { write(commandHelp(command)); return 0; }
    if (args.flags.debug) log.setLevel('debug');
    else if (args.flags.verbose) log.setLevel('info');
    else if (args.settings.log_level && isLogLevel(args.settings.log_level)) log.setLevel(args.settings.log_level);
    if (args.flags.logdest) configureDestinations(args.flags.logdest as string[]);
    let settings: Settings | undefined;
    const ctx: CommandContext = {
      args,
      settings: () => (settings ??= loadSettings({ runMode: command.runMode, cli: args.settings, configFile: args.flags.config as string | undefined })),
      out: write,
    };
    return await command.run(ctx);
  } catch (e) {
    const code = e instanceof KurokoError ? e.exitCode : 1;
    log.err(describeError(e));
    if (!(e instanceof KurokoError) && process.env.KUROKO_TRACE) process.stderr.write(String((e as Error).stack) + '\n');
    return code;
  }
}
