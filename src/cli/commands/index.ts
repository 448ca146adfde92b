// The subcommands of `kuroko`. Only commands that work are listed: each
// entry is added by the change that makes its command real.
import type { CommandEntry } from '../command.js';

export const COMMANDS: CommandEntry[] = [
  { name: 'config', summary: 'Print or change settings (puppet.conf).', load: () => import('./config.js') },
  { name: 'server', aliases: ['master'], summary: 'Run the server agents talk to (HTTPS, CA, catalogs, files, reports).', load: () => import('./server.js') },
  { name: 'report', summary: 'List and show the reports agents sent to the server.', load: () => import('./report.js') },
  { name: 'catalog', summary: 'Compile a catalog for a node and print it as JSON.', load: () => import('./catalog.js') },
  { name: 'parser', summary: 'Validate Puppet manifests and templates, or print their syntax tree.', load: () => import('./parser.js') },
  { name: 'ca', summary: 'Set up and administer the CA (puppetserver style).', load: () => import('./ca.js') },
  { name: 'cert', summary: 'Manage certificates on the CA (Puppet 3 style).', load: () => import('./cert.js') },
  { name: 'ssl', summary: "Manage this node's key and certificate.", load: () => import('./ssl.js') },
  { name: 'agent', summary: 'Run the agent: facts, catalog, apply, report (once or as a daemon).', load: () => import('./agent.js') },
  { name: 'apply', summary: 'Apply a catalog (JSON) or a manifest on this machine.', load: () => import('./apply.js') },
  { name: 'facts', summary: "Print this machine's facts (Facter 4 names and structure).", load: () => import('./facts.js') },
  { name: 'lookup', summary: 'Look up Hiera data for a node (puppet lookup).', load: () => import('./lookup.js') },
  { name: 'resource', summary: 'Print live resources as Puppet code, or set one.', load: () => import('./resource.js') },
  { name: 'quickstart', summary: 'Start a server on 127.0.0.1 and run two agents against it, step by step (npm start).', load: () => import('./quickstart.js') },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
}
