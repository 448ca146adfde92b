// `kuroko agent`: the agent run (`--test`, `--onetime`), the daemon
// (`--no-daemonize` to stay in the foreground), `--disable "why"` / `--enable`.
import type { Command } from '../command.js';
import { KurokoError, usageError } from '../../util/diagnostic.js';

export const command: Command = {
  name: 'agent',
  summary: 'Run the agent: facts, catalog, apply, report (once or as a daemon).',
  usage: [
    'kuroko agent --test [--noop] [--tags T] [--skip_tags T] [--environment ENV] [--server HOST] [--serverport PORT] [--certname NAME]',
    'kuroko agent --onetime --no-daemonize [--detailed-exitcodes] [--waitforcert SECONDS]',
    'kuroko agent [--no-daemonize]        (a daemon: a run every runinterval; SIGUSR1 runs now, SIGHUP reloads)',
    'kuroko agent --disable ["why"] | --enable',
  ],
  description: '--test is --onetime --no-daemonize --verbose --detailed-exitcodes --show_diff --no-usecacheonfailure.\n'
    + 'Exit codes of one run: 0 no changes, 1 the run could not happen; with --detailed-exitcodes 2 changes, 4 failures, 6 both.',
  runMode: 'agent',
  flags: [
    { name: 'test', type: 'boolean', short: 't', desc: 'One verbose run in the foreground with detailed exit codes.' },
    { name: 'onetime', type: 'boolean', short: 'o', desc: 'Run once and exit.' },
    { name: 'disable', type: 'boolean', desc: 'Disable runs, with an optional reason as the argument.' },
    { name: 'enable', type: 'boolean', desc: 'Enable runs again.' },
    { name: 'facts-file', type: 'string', arg: 'FILE', desc: 'Send these facts (JSON: a facts document or a map) instead of collecting them.' },
  ],
  async run(ctx) {
    const flags = ctx.args.flags;
    const cli = ctx.args.settings;
    if (flags.disable || flags.enable) {
      if (flags.disable && flags.enable) throw usageError('Give --disable or --enable, not both');
      const { disableAgent, enableAgent } = await import('../../agent/lock.js');
      const file = ctx.settings().get('agent_disabled_lockfile');
      if (flags.enable) enableAgent(file);
      else disableAgent(file, ctx.args.positional.join(' ') || 'reason not specified');
      return 0;
    }
    if (ctx.args.positional.length) throw usageError('The agent command does not take parameters');
    const onetime = flags.test === true || flags.onetime === true;
    if (flags.test) {
      cli.detailed_exitcodes ??= 'true';
      cli.usecacheonfailure ??= 'false';
      cli.show_diff ??= 'true';
      cli.daemonize ??= 'false';
      cli.splay ??= 'false';
      const { log } = await import('../../log/index.js');
      if (!flags.debug && log.enabled('info') === false) log.setLevel('info');
    }
    if (onetime) cli.waitforcert ??= '0';
    const settings = ctx.settings();
    let facts;
    if (typeof flags.facts_file === 'string') {
      const { readFactsFile } = await import('../../agent/catalog-file.js');
      facts = readFactsFile(flags.facts_file);
    }
    if (onetime) {
      const { runAgentOnce } = await import('../../agent/run.js');
      const res = await runAgentOnce({ settings, facts });
      if (res.exitStatus === undefined) return 1;
      return settings.bool('detailed_exitcodes') ? res.exitStatus : 0;
    }
    // The daemon (detached unless --no-daemonize), through the shared daemon support:
    // the pid file refused while another agent lives, SIGHUP reloads, SIGUSR1 runs now.
    const [{ runDaemon }, { agentService }, { loadSettings }] = await Promise.all([
      import('../../daemon/index.js'), import('../../agent/daemon.js'), import('../../settings/index.js'),
    ]);
    const max = process.env.KUROKO_AGENT_MAX_RUNS ? Number(process.env.KUROKO_AGENT_MAX_RUNS) : undefined;
    if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
      throw new KurokoError(`KUROKO_AGENT_MAX_RUNS must be a positive whole number, not '${process.env.KUROKO_AGENT_MAX_RUNS}'`, { code: 'KUR7041', field: 'KUROKO_AGENT_MAX_RUNS', value: String(process.env.KUROKO_AGENT_MAX_RUNS) });
    }
    const agent = agentService({
      settings,
      facts,
      maxRuns: max,
      loadSettings: () => loadSettings({ runMode: 'agent', cli, configFile: flags.config as string | undefined }),
      // Ending by itself (maxRuns) goes through the daemon's own stop, which removes the pid file.
      onFinished: () => { process.kill(process.pid, 'SIGTERM'); },
    });
    return runDaemon({
      name: 'agent',
      settings,
      start: () => agent.start(),
      stop: () => agent.stop(),
      reload: () => agent.reload(),
      onUsr1: () => agent.runNow(),
    });
  },
};
