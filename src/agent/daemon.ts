// `kuroko agent` as a daemon, the service runDaemon (src/daemon) runs: a
// run at start (after a random splay when asked; Puppet 7 splays only before
// the first run), then one every runinterval. SIGUSR1 runs now. SIGHUP
// re-reads the settings and runs at once (Puppet's HUP restarts the agent,
// which runs at start). SIGTERM/SIGINT stop after the run in progress.
// Nothing is kept between runs but the HTTPS client, so memory stays flat.
import type { Data } from '../compiler/wire.js';
import type { Settings } from '../settings/index.js';
import { log } from '../log/index.js';
import { describeError } from '../util/diagnostic.js';
import type { HttpClient } from './http.js';
import { runAgentOnce } from './run.js';
import { PUPPET_VERSION } from './report-types.js';

export interface AgentServiceOptions {
  settings: Settings;
  /** Reads the settings again (SIGHUP); default: keep the ones given. */
  loadSettings?: () => Settings;
  facts?: Record<string, Data>;
  /** Stop after this many runs (tests and benchmarks); default: run until signalled. */
  maxRuns?: number;
  /** Called when the loop ended by itself (maxRuns), so the daemon can stop. */
  onFinished?: () => void;
}

/** The agent's part of a daemon: what runDaemon's start, stop, reload and onUsr1 call. */
export interface AgentService {
  start(): Promise<void>;
  stop(): Promise<void>;
  reload(): Promise<void>;
  runNow(): void;
  /** Runs finished so far. */
  readonly runs: number;
}

/** The longest timer Node accepts, in seconds (about 24.8 days). */
const MAX_SLEEP = (2 ** 31 - 1) / 1000;

/**
 * A full garbage collection after every run (about 10 ms on an agent's small
 * heap, against a run's seconds): what a run allocated is gone before the
 * daemon sleeps, and back-to-back runs (runinterval 0, or runs longer than
 * the interval), which leave V8 no idle time for its own memory reducer, do
 * not let the heap and malloc's arenas creep up. Measured over 1,000 runs:
 * flat, against about 3 MB of growth when V8 decides alone (bench/agent.ts).
 * bin/kuroko.js starts node with --expose-gc; without it (tests through tsx)
 * nothing is done.
 */
function collector(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  return typeof gc === 'function' ? () => gc() : () => {};
}

export function agentService(opts: AgentServiceOptions): AgentService {
  let s = opts.settings;
  let stopping = false;
  let runNowFlag = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  let client: HttpClient | undefined;
  let runs = 0;
  let renewClient = false;
  const collect = collector();

  const sleep = (secs: number) => new Promise<void>((res) => {
    if (stopping || runNowFlag) { res(); return; }
    const t = setTimeout(() => { wake = undefined; res(); }, Math.min(secs, MAX_SLEEP) * 1000);
    wake = () => { clearTimeout(t); wake = undefined; res(); };
  });

  const closeClient = () => { client?.close(); client = undefined; };

  async function once(): Promise<void> {
    if (renewClient) { closeClient(); renewClient = false; }
    if (!client) {
      try {
        const { sslClient } = await import('./ssl.js');
        client = (await sslClient(s)).client;
      } catch (e) {
        log.err(`Could not set up SSL: ${describeError(e)}`);
      }
    }
    const res = await runAgentOnce({ settings: s, client, facts: opts.facts });
    if (res.report?.cached_catalog_status === 'on_failure') closeClient(); // reconnect next time
  }

  async function runLoop(): Promise<void> {
    if (s.bool('splay') && !runNowFlag) {
      const limit = s.duration('splaylimit');
      const wait = Math.random() * (Number.isFinite(limit) ? limit : s.duration('runinterval'));
      log.info(`Sleeping for ${wait.toFixed(0)} seconds (splay is enabled)`);
      await sleep(wait);
    }
    while (!stopping) {
      runNowFlag = false;
      try { await once(); } catch (e) { log.err(`The agent run failed: ${describeError(e)}`); }
      runs++;
      collect();
      if (opts.maxRuns !== undefined && runs >= opts.maxRuns) {
        log.info(`Stopping after ${runs} runs`);
        opts.onFinished?.();
        return;
      }
      if (stopping) return;
      const interval = s.duration('runinterval');
      if (interval > 0) await sleep(interval);
      else await new Promise<void>((r) => setImmediate(r)); // runinterval 0: back to back, but signals still get through
    }
  }

  return {
    get runs() { return runs; },
    async start() {
      // Bad timing settings stop the daemon from starting, rather than its loop later.
      s.duration('runinterval');
      if (s.bool('splay')) s.duration('splaylimit');
      log.notice(`Starting Puppet client version ${PUPPET_VERSION}`);
      stopping = false;
      loop = runLoop().finally(closeClient);
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      loop = undefined;
    },
    async reload() {
      if (!opts.loadSettings) return;
      const next = opts.loadSettings();
      next.duration('runinterval'); // a bad value keeps the old settings
      s = next;
      renewClient = true; // certificates or server may have changed; not closed under a run in progress
      log.notice(`Reloaded the settings; runinterval is now ${s.get('runinterval')}`);
      // Puppet's HUP restarts the agent, which runs at once: so do we (no splay).
      runNowFlag = true;
      wake?.();
    },
    runNow() {
      log.notice('Starting a run now (USR1)'); // during a run: one more right after it
      runNowFlag = true;
      wake?.();
    },
  };
}
