// A `kuroko server` child process for end-to-end tests: its log collected,
// waits on log lines, and a stop that waits for the exit.
import { createServer } from 'node:net';
import { kurokoAsync, kurokoSpawn, type RunResult } from '../helpers.js';

export interface ServerProcess {
  pid: number;
  /** Everything the server printed so far (stdout and stderr). */
  log(): string;
  /** Resolves when the log matches `re` (rejects after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** null while running, else the exit code. */
  exitCode(): number | null;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `kuroko ARGS` (a server) and resolves once it logs "listening on". */
export async function startServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = kurokoSpawn(args, { env });
  let text = '';
  let exit: number | null = null;
  const waiters: { re: RegExp; done: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) if (w.re.test(text)) { waiters.splice(waiters.indexOf(w), 1); w.done(); }
  };
  for (const s of [child.stdout, child.stderr]) {
    s.setEncoding('utf8');
    s.on('data', (c: string) => { text += c; check(); });
  }
  const exited = new Promise<void>((resolve) => child.on('exit', (code, signal) => { exit = code ?? (signal ? 128 : 1); resolve(); }));
  const waitFor = (re: RegExp, ms = 60_000) => new Promise<void>((resolve, reject) => {
    if (re.test(text)) { resolve(); return; }
    const timer = setTimeout(() => reject(new Error(`server log never matched ${re}:\n${text}`)), ms);
    waiters.push({ re, done: () => { clearTimeout(timer); resolve(); } });
    void exited.then(() => { clearTimeout(timer); if (!re.test(text)) reject(new Error(`server exited (${exit}) before its log matched ${re}:\n${text}`)); });
  });
  const proc: ServerProcess = {
    pid: child.pid ?? 0,
    log: () => text,
    waitFor,
    exitCode: () => exit,
    async stop() {
      if (exit === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await waitFor(/listening on/);
  return proc;
}

export type Finished = RunResult;
export { kurokoAsync };
