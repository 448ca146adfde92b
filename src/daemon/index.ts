// Running `kuroko server` and `kuroko agent` as daemons, as Puppet does:
// in the foreground with --no-daemonize, otherwise detached. Detaching
// re-runs this same command line as a new session leader with its output
// going to the log file; the parent waits until the child says it is ready
// (or failed) and exits 0 (or 1), so `kuroko server && next-step` works.
// Either way the running instance holds the pid file (refusing to start
// while another live instance holds it) and removes it on exit. Signals:
// SIGTERM/SIGINT stop gracefully, SIGHUP reloads, SIGUSR1 calls onUsr1 (the
// agent's "run now").
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KurokoError, describeError } from '../util/diagnostic.js';
import { ConsoleDestination, FileDestination, log } from '../log/index.js';
import type { Settings } from '../settings/index.js';
import { acquirePidfile, checkPidfile, releasePidfile } from './pidfile.js';

export { acquirePidfile, checkPidfile, isAlive, readPidfile, releasePidfile } from './pidfile.js';

export interface DaemonOptions {
  /** "server" or "agent": used in messages and the default log file name. */
  name: string;
  settings: Settings;
  /** Starts the service; resolves once it is ready (listening), rejects if it cannot start. */
  start(): Promise<void>;
  /** Stops gracefully: close listeners, let the run in progress finish. */
  stop(signal: NodeJS.Signals): Promise<void>;
  /** SIGHUP. Without it, a HUP restarts the service: stop() then start(). */
  reload?(): Promise<void>;
  /** SIGUSR1 (the agent runs at once). Without it, USR1 is logged and ignored. */
  onUsr1?(): void | Promise<void>;
  /** Overrides the daemonize setting (e.g. `agent --onetime` never detaches). */
  daemonize?: boolean;
  /** Overrides the pidfile setting. */
  pidfile?: string;
  /** Where a detached daemon's output goes; default $logdir/kuroko-NAME.log. */
  logfile?: string;
  /** How long the parent waits for a detached child to be ready (default 120 s). */
  readyTimeoutMs?: number;
  /** How long stop() may take before the process exits anyway (default 60 s). */
  stopTimeoutMs?: number;
}

/** Set in a detached child's environment, and removed at once so that its own children do not inherit it. */
const CHILD_ENV = 'KUROKO_DAEMON_CHILD';

type ChildMessage = { kuroko: 'ready'; pid: number } | { kuroko: 'failed'; message: string };

export function daemonLogfile(opts: Pick<DaemonOptions, 'name' | 'settings' | 'logfile'>): string {
  return resolve(opts.logfile ?? join(opts.settings.get('logdir'), `kuroko-${opts.name}.log`));
}

/**
 * Runs a daemon. Resolves to the exit code: in a detaching parent once the child is
 * ready (0) or has failed (1); otherwise when the service has stopped (0).
 */
export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const isChild = process.env[CHILD_ENV] === opts.name && typeof process.send === 'function';
  delete process.env[CHILD_ENV];
  const daemonize = opts.daemonize ?? opts.settings.bool('daemonize');
  const pidfile = resolve(opts.pidfile ?? opts.settings.get('pidfile'));
  if (daemonize && !isChild) return detach(opts, pidfile);
  return serve(opts, pidfile, isChild);
}

/** The parent: check the pid file, start the child, relay its verdict. */
async function detach(opts: DaemonOptions, pidfile: string): Promise<number> {
  checkPidfile(pidfile, opts.name); // a clear refusal on this terminal, before anything starts
  const logfile = daemonLogfile(opts);
  mkdirSync(dirname(logfile), { recursive: true, mode: 0o755 });
  const out = openSync(logfile, 'a', 0o640);
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ['ignore', out, out, 'ipc'],
    env: { ...process.env, [CHILD_ENV]: opts.name, NO_COLOR: '1' },
  });
  closeSync(out);
  const verdict = await new Promise<{ ok: true; pid: number } | { ok: false; message: string }>((done) => {
    const timer = setTimeout(() => {
      try { child.kill('SIGTERM'); } catch { /* gone */ }
      done({ ok: false, message: `it was not ready after ${Math.round((opts.readyTimeoutMs ?? 120_000) / 1000)} s and was stopped` });
    }, opts.readyTimeoutMs ?? 120_000);
    child.on('message', (m: ChildMessage) => {
      if (m?.kuroko === 'ready') { clearTimeout(timer); done({ ok: true, pid: m.pid }); }
      else if (m?.kuroko === 'failed') { clearTimeout(timer); done({ ok: false, message: m.message }); }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      done({ ok: false, message: `it exited (${signal ?? `code ${code}`}) before it was ready${logTail(logfile)}` });
    });
    child.on('error', (e) => { clearTimeout(timer); done({ ok: false, message: e.message }); });
  });
  child.removeAllListeners();
  if (child.connected) child.disconnect();
  child.unref();
  if (!verdict.ok) {
    throw new KurokoError(`Could not start kuroko ${opts.name}: ${verdict.message} (log: ${logfile})`, { code: 'KUR0203' });
  }
  log.info(`Started kuroko ${opts.name} in the background as pid ${verdict.pid} (pidfile ${pidfile}, log ${logfile})`);
  return 0;
}

function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-5).filter(Boolean);
    return lines.length ? `; the log ends:\n  ${lines.join('\n  ')}\n` : '';
  } catch { return ''; }
}

/** The running instance, in the foreground or as the detached child. */
async function serve(opts: DaemonOptions, pidfile: string, isChild: boolean): Promise<number> {
  const tell = (m: ChildMessage) => { if (isChild && process.connected) process.send!(m); };
  if (isChild && log.destinations.every((d) => d instanceof ConsoleDestination)) {
    // No --logdest: log lines with times to the log file (the console is that file anyway).
    log.setDestinations([new FileDestination(daemonLogfile(opts))]);
  }
  try {
    acquirePidfile(pidfile, opts.name);
  } catch (e) {
    tell({ kuroko: 'failed', message: describeError(e) });
    throw e;
  }
  const removePidfile = () => { releasePidfile(pidfile); };
  process.on('exit', removePidfile); // also after an uncaught exception or process.exit elsewhere
  let stopped!: (code: number) => void;
  const finished = new Promise<number>((r) => { stopped = r; });
  let state: 'starting' | 'running' | 'reloading' | 'stopping' = 'starting';
  let stopRequested: NodeJS.Signals | undefined;

  const stop = async (signal: NodeJS.Signals) => {
    if (state === 'stopping') {
      log.warning(`Caught ${signal} again while stopping; exiting now`);
      removePidfile();
      process.exit(1);
    }
    if (state === 'starting' || state === 'reloading') {
      if (stopRequested) { log.warning(`Caught ${signal} again; exiting now`); removePidfile(); process.exit(1); }
      stopRequested = signal;
      return;
    }
    state = 'stopping';
    log.notice(`Caught ${signal.replace(/^SIG/, '')}; exiting`);
    const timer = setTimeout(() => {
      log.err(`kuroko ${opts.name} did not stop within ${Math.round((opts.stopTimeoutMs ?? 60_000) / 1000)} s; exiting anyway`);
      removePidfile();
      process.exit(1);
    }, opts.stopTimeoutMs ?? 60_000);
    timer.unref();
    let code = 0;
    try { await opts.stop(signal); } catch (e) { log.err(`Stopping kuroko ${opts.name} failed: ${describeError(e)}`); code = 1; }
    clearTimeout(timer);
    finish(code);
  };
  const finish = (code: number) => {
    for (const [sig, fn] of handlers) process.removeListener(sig, fn);
    removePidfile();
    process.removeListener('exit', removePidfile);
    stopped(code);
  };
  const reload = async () => {
    if (state !== 'running') return;
    state = 'reloading';
    log.notice('Caught HUP; reloading');
    try {
      if (opts.reload) await opts.reload();
      else { await opts.stop('SIGHUP'); await opts.start(); }
    } catch (e) {
      log.err(`Reloading kuroko ${opts.name} failed: ${describeError(e)}`);
    }
    state = 'running';
    if (stopRequested) void stop(stopRequested);
  };
  const usr1 = async () => {
    if (state !== 'running') return;
    if (!opts.onUsr1) { log.notice(`Caught USR1; kuroko ${opts.name} has nothing to do for it`); return; }
    log.info('Caught USR1');
    try { await opts.onUsr1(); } catch (e) { log.err(`USR1 failed: ${describeError(e)}`); }
  };
  const handlers: [NodeJS.Signals, () => void][] = [
    ['SIGTERM', () => void stop('SIGTERM')],
    ['SIGINT', () => void stop('SIGINT')],
    ['SIGHUP', () => void reload()],
    ['SIGUSR1', () => void usr1()],
  ];
  for (const [sig, fn] of handlers) process.on(sig, fn);

  try {
    await opts.start();
  } catch (e) {
    tell({ kuroko: 'failed', message: describeError(e) });
    finish(1);
    throw e;
  }
  state = 'running';
  tell({ kuroko: 'ready', pid: process.pid });
  if (isChild && process.connected) process.disconnect();
  if (stopRequested) void stop(stopRequested);
  return finished;
}
