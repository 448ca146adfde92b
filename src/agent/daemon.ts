// `kuroko agent` as a daemon: a run every runinterval (after a random splay
// when asked), SIGUSR1 for a run now, SIGTERM/SIGINT to stop after the
// current run, a pid file. Nothing is kept between runs, so memory stays flat.
import { unlinkSync } from 'node:fs';
import type { Data } from '../compiler/wire.js';
import type { Settings } from '../settings/index.js';
import { log } from '../log/index.js';
import { describeError } from '../util/diagnostic.js';
import { writeFileAtomic } from '../util/fsutil.js';
import type { HttpClient } from './http.js';
import { runAgentOnce } from './run.js';
import { PUPPET_VERSION } from './report-types.js';

export interface DaemonOptions {
  settings: Settings;
  facts?: Record<string, Data>;
  /** Stop after this many runs (tests and benchmarks); default: run until signalled. */
  maxRuns?: number;
}

export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const s = opts.settings;
  const pidfile = s.get('pidfile');
  writeFileAtomic(pidfile, `${process.pid}\n`, 0o644);
  log.notice(`Starting Puppet client version ${PUPPET_VERSION}`);
  let stopping = false;
  let wake: (() => void) | undefined;
  let runNow = false;
  const onUsr1 = () => { runNow = true; log.notice('Caught USR1; running now'); wake?.(); };
  const onStop = (sig: string) => () => { log.notice(`Caught ${sig}; exiting`); stopping = true; wake?.(); };
  const onTerm = onStop('TERM');
  const onInt = onStop('INT');
  process.on('SIGUSR1', onUsr1);
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  const sleep = (secs: number) => new Promise<void>((res) => {
    if (stopping || runNow) { res(); return; }
    const t = setTimeout(() => { wake = undefined; res(); }, Math.min(secs, 2 ** 31 / 1000) * 1000);
    wake = () => { clearTimeout(t); wake = undefined; res(); };
  });
  let client: HttpClient | undefined;
  let runs = 0;
  try {
    while (!stopping) {
      if (s.bool('splay') && !runNow) {
        const limit = s.duration('splaylimit');
        const wait = Math.random() * (Number.isFinite(limit) ? limit : s.duration('runinterval'));
        log.info(`Sleeping for ${wait.toFixed(0)} seconds (splay is enabled)`);
        await sleep(wait);
        if (stopping) break;
      }
      runNow = false;
      if (!client) {
        try {
          const { sslClient } = await import('./ssl.js');
          client = (await sslClient(s)).client;
        } catch (e) {
          log.err(`Could not set up SSL: ${describeError(e)}`);
        }
      }
      const res = await runAgentOnce({ settings: s, client, facts: opts.facts });
      if (res.report?.cached_catalog_status === 'on_failure') { client?.close(); client = undefined; } // reconnect next time
      runs++;
      if (opts.maxRuns !== undefined && runs >= opts.maxRuns) break;
      if (stopping) break;
      const interval = s.duration('runinterval');
      if (interval === 0) continue;
      await sleep(interval);
    }
  } finally {
    process.off('SIGUSR1', onUsr1);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    client?.close();
    try { unlinkSync(pidfile); } catch { /* gone */ }
  }
  return 0;
}
