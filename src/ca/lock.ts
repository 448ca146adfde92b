// An exclusive lock file shared by every process that changes the CA (the
// server, `kuroko cert sign` next to it): created with O_EXCL, holding the
// owner's pid and time. A lock whose owner is gone, or that is older than
// the stale limit, is broken; so a crash never wedges the CA.
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { KurokoError } from '../util/diagnostic.js';
import { log } from '../log/index.js';

export interface LockOptions { timeoutMs?: number; staleMs?: number }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ownerAlive(text: string, staleMs: number): boolean {
  const [pidS, host, timeS] = text.trim().split(' ');
  const pid = Number(pidS);
  const time = Number(timeS);
  if (!Number.isFinite(time) || Date.now() - time > staleMs) return false;
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return true; // cannot tell: trust the time
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

function tryAcquire(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, `${process.pid} ${hostname()} ${Date.now()}\n`);
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Breaks a stale lock; renaming first means two breakers cannot both delete a fresh lock. */
function breakIfStale(path: string, staleMs: number): void {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return; }
  if (text === '') {
    // An empty lock file is a creator between open and write: stale only once it is old.
    try { if (Date.now() - statSync(path).mtimeMs < staleMs) return; } catch { return; }
  } else if (ownerAlive(text, staleMs)) return;
  const aside = `${path}.stale.${process.pid}.${Date.now()}`;
  try {
    renameSync(path, aside);
    const moved = readFileSync(aside, 'utf8');
    if (moved !== text) { try { renameSync(aside, path); } catch { /* gone */ } return; }
    unlinkSync(aside);
    log.warning(`Removed a stale CA lock ${path} (${text.trim()})`);
  } catch { /* someone else broke it first */ }
}

export async function withFileLock<T>(path: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const timeout = opts.timeoutMs ?? 60_000;
  const staleMs = opts.staleMs ?? 120_000;
  const start = Date.now();
  let wait = 2;
  while (!tryAcquire(path)) {
    breakIfStale(path, staleMs);
    if (Date.now() - start > timeout) throw new KurokoError(`Could not lock ${path} within ${timeout} ms`, { code: 'KUR0904', field: 'lock', value: path });
    await sleep(wait + Math.random() * wait);
    wait = Math.min(wait * 2, 50);
  }
  try { return await fn(); } finally {
    try { unlinkSync(path); } catch { /* broken by someone as stale */ }
  }
}

/** Serialises async work inside one process, before the cross-process file lock. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
