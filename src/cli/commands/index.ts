// The subcommands of `kuroko`. Only commands that work are listed: each
// entry is added by the change that makes its command real.
import type { CommandEntry } from '../command.js';

export const COMMANDS: CommandEntry[] = [
  { name: 'config', summary: 'Print or change settings (puppet.conf).', load: () => import('./config.js') },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
}
