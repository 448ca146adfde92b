// `kuroko server [--no-daemonize] [--verbose] [--debug]` (alias `master`):
// the HTTPS server for agents, with its CA. `kuroko server reload` makes a
// running server re-read auth.conf and fileserver.conf and restart its
// compile workers (the same as SIGHUP).
import type { Command } from '../command.js';
import { KurokoError, usageError } from '../../util/diagnostic.js';

export const command: Command = {
  name: 'server',
  summary: 'Run the server agents talk to (HTTPS, CA, catalogs, files, reports).',
  usage: ['kuroko server [--no-daemonize] [--verbose] [--debug] [--serverport PORT] [--bindaddress ADDR]', 'kuroko server reload'],
  description: [
    'Serves Puppet\'s /puppet/v3, /puppet-ca/v1 and /status/v1 APIs on bindaddress:serverport (8140).',
    'On first start it creates the CA and the server\'s own key and certificate in ssldir/cadir.',
    'Reports, facts and catalogs go to the store (storedb, SQLite). Authorization follows',
    'puppetserver\'s default rules unless rest_authconfig ($confdir/auth.conf) exists; that file uses',
    'puppetserver\'s HOCON auth.conf format and replaces the default rules entirely.',
    'Custom file mounts come from fileserverconfig ($confdir/fileserver.conf).',
    'Signals: SIGHUP (or `kuroko server reload`) reloads; SIGTERM/SIGINT finish requests in flight and stop.',
  ].join('\n'),
  runMode: 'server',
  flags: [],
  async run(ctx) {
    const [action, ...rest] = ctx.args.positional;
    const settings = ctx.settings();
    if (action === 'reload') {
      if (rest.length) throw usageError('Usage: kuroko server reload');
      const { readPidfile, isAlive } = await import('../../daemon/index.js');
      const pidfile = settings.get('pidfile');
      const pid = readPidfile(pidfile);
      if (!pid || !isAlive(pid)) throw new KurokoError(`kuroko server is not running (no live process in ${pidfile})`, { code: 'KUR0695', field: 'pidfile', value: pidfile });
      process.kill(pid, 'SIGHUP');
      ctx.out(`Asked kuroko server (pid ${pid}) to reload`);
      return 0;
    }
    if (action !== undefined) throw usageError(`Unknown action 'server ${action}' (expected reload, or nothing to run the server)`);
    const [{ runDaemon }, { startServer }, { version }] = await Promise.all([import('../../daemon/index.js'), import('../../server/index.js'), import('../main.js')]);
    let running: Awaited<ReturnType<typeof startServer>> | undefined;
    return runDaemon({
      name: 'server',
      settings,
      async start() { running = await startServer({ settings, version: version() }); },
      async stop() { await running?.close(); running = undefined; },
      async reload() { await running?.reload(); },
    });
  },
};
