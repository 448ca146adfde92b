// `kuroko config print [NAME...] [--section S]` and `kuroko config set NAME VALUE [--section S]`.
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from '../command.js';
import { usageError, KurokoError } from '../../util/diagnostic.js';
import { loadSettings, SETTINGS_BY_NAME } from '../../settings/index.js';
import { parsePuppetConf, setInConf } from '../../settings/puppetconf.js';
import { writeFileAtomic } from '../../util/fsutil.js';
import type { RunMode } from '../../settings/definitions.js';

const SECTION_MODES: Record<string, RunMode> = { main: 'user', user: 'user', agent: 'agent', server: 'server', master: 'server' };

export const command: Command = {
  name: 'config',
  summary: 'Print or change settings (puppet.conf).',
  usage: ['kuroko config print [NAME...] [--section SECTION]', 'kuroko config set NAME VALUE [--section SECTION]'],
  runMode: 'user',
  flags: [{ name: 'section', type: 'string', arg: 'SECTION', desc: 'main, server (master), agent or user.' }],
  async run(ctx) {
    const [action, ...rest] = ctx.args.positional;
    const section = (ctx.args.flags.section as string | undefined) ?? 'main';
    if (!(section in SECTION_MODES)) throw usageError(`Unknown section '${section}' (expected main, server, agent or user)`);
    const runMode = SECTION_MODES[section];
    const settings = loadSettings({ runMode, cli: ctx.args.settings, configFile: ctx.args.flags.config as string | undefined });
    if (action === 'print' || action === undefined) {
      const names = rest.length ? rest : [...settings.all().keys()];
      for (const n of names) if (!SETTINGS_BY_NAME.has(n)) throw usageError(`Unknown setting '${n}'`);
      if (names.length === 1) ctx.out(settings.get(names[0]));
      else for (const n of names) ctx.out(`${n} = ${settings.get(n)}`);
      return 0;
    }
    if (action === 'set') {
      if (rest.length !== 2) throw usageError('Usage: kuroko config set NAME VALUE [--section SECTION]');
      const [name, value] = rest;
      const def = SETTINGS_BY_NAME.get(name);
      if (!def) throw usageError(`Unknown setting '${name}'`);
      const file = settings.configFile;
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      const conf = parsePuppetConf(text, file);
      const next = setInConf(conf, section === 'master' ? 'server' : section, def.name, value);
      // Validate the edited file before it replaces the old one: nothing half-written.
      const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { tmpdir } = await import('node:os');
      const dir = mkdtempSync(join(tmpdir(), 'kuroko-conf-'));
      try {
        writeFileSync(join(dir, 'puppet.conf'), next);
        loadSettings({ runMode, cli: { ...ctx.args.settings }, configFile: join(dir, 'puppet.conf') });
      } catch (e) {
        throw new KurokoError(`Not saved: ${(e as Error).message}`, { field: name, value, code: 'KUR0105' });
      } finally { rmSync(dir, { recursive: true, force: true }); }
      writeFileAtomic(file, next);
      return 0;
    }
    throw usageError(`Unknown action 'config ${action}' (expected print or set)`);
  },
};
