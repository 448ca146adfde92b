#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --lite-mode --no-expose-wasm --single-threaded --expose-gc
// The `kuroko` executable: runs the compiled CLI from dist/ (built by `npm ci`
// through the prepare script, or `npm run build`).
//
// Node's flags and environment per subcommand. The agent runs on every
// managed machine, so one-shot commands and the agent trade V8's optimising
// compiler and large young generation for memory (LEAN: about 15 MB less
// resident), glibc keeps two malloc arenas instead of one per thread, and the
// agent daemon may collect garbage between runs (--expose-gc), so that a
// daemon's memory stays flat. The first line carries LEAN, so those
// commands start as a single process. A command whose entry differs (or a
// plain `node bin/kuroko.js ...`) is started again once with its own flags,
// signals forwarded and the exit status passed on: Node has no execve.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** @typedef {{ flags: string[], env: Record<string, string> }} NodeSettings */

/** @type {NodeSettings} */
const LEAN = {
  flags: ['--max-semi-space-size=1', '--lite-mode', '--no-expose-wasm', '--single-threaded', '--expose-gc'],
  env: { MALLOC_ARENA_MAX: '2' },
};

/** Per subcommand (by its name, not an alias); `default` for every other one. @type {Record<string, NodeSettings>} */
export const NODE_SETTINGS = {
  default: LEAN,
  agent: LEAN,
  apply: LEAN,
  // LEAN too (one process, no restart): bench/server.ts measured ~0.1 of puppetserver's RSS at ~100x its catalogs/s.
  server: LEAN,
};

const ALIASES = { master: 'server' };

function settingsFor(subcommand) {
  const name = ALIASES[subcommand] ?? subcommand;
  return Object.prototype.hasOwnProperty.call(NODE_SETTINGS, name) ? NODE_SETTINGS[name] : NODE_SETTINGS.default;
}

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether this process must be started again: its flags are ours (the first line's, or none) but not the command's. */
function needsRestart(wanted) {
  if (process.env.KUROKO_NODE_SETTINGS === '1') return false; // already restarted once: never loop
  const have = process.execArgv;
  const envOk = Object.entries(wanted.env).every(([k, v]) => process.env[k] === v);
  if (same(have, wanted.flags) && envOk) return false;
  // Flags the user gave node themselves (--inspect, ...) are theirs to keep: run as is.
  return have.length === 0 || same(have, LEAN.flags);
}

async function restart(wanted) {
  const { spawn } = await import('node:child_process'); // only here: a process that runs the command itself does not pay for it
  const self = fileURLToPath(import.meta.url);
  const env = { ...process.env, KUROKO_NODE_SETTINGS: '1' };
  for (const k of Object.keys(LEAN.env)) if (!(k in wanted.env)) delete env[k];
  Object.assign(env, wanted.env);
  const child = spawn(process.execPath, [...wanted.flags, self, ...process.argv.slice(2)], { stdio: 'inherit', env });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGQUIT'];
  const forward = (sig) => { if (child.exitCode === null) child.kill(sig); };
  for (const s of signals) process.on(s, forward);
  child.on('error', (e) => {
    process.stderr.write(`Error: could not start ${process.execPath}: ${e.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal); // die the same way
    else process.exit(code ?? 1);
  });
}

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('Error: Kuroko is not built yet: run `npm run build` (npm ci does it for you).\n');
  process.exit(1);
}
const wanted = settingsFor(process.argv[2] ?? '');
if (needsRestart(wanted)) {
  await restart(wanted);
} else {
  delete process.env.KUROKO_NODE_SETTINGS; // not for the commands this one runs
  const { main } = await import(entry.href);
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
}
