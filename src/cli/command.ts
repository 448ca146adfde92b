// The contract every `kuroko` subcommand fulfils. A command module exports
// `command`; the registry (commands/index.ts) loads it only when it runs, so
// start-up stays fast however many commands exist.
import type { FlagSpec, ParsedArgs } from './args.js';
import type { RunMode, Settings } from '../settings/index.js';

export interface CommandContext {
  args: ParsedArgs;
  /** Settings for the command's run mode, with CLI overrides applied (loaded on first use). */
  settings(): Settings;
  /** Writes to stdout (a line per call unless the text ends in a newline already). */
  out(text: string): void;
}

export interface Command {
  name: string;
  /** One line for `kuroko --help`. */
  summary: string;
  /** Usage lines, e.g. "kuroko cert list [--all]". */
  usage: string[];
  /** Longer help text, shown by `kuroko NAME --help`. */
  description?: string;
  /** Which puppet.conf section applies. */
  runMode: RunMode;
  flags: FlagSpec[];
  /** Whether every setting is also accepted as a flag (default true). */
  settingsFlags?: boolean;
  /** Runs the command; resolves to the exit code. */
  run(ctx: CommandContext): Promise<number>;
}

export interface CommandEntry {
  name: string;
  aliases?: string[];
  summary: string;
  load(): Promise<{ command: Command }>;
}
