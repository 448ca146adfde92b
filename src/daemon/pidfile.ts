// Pid files: written atomically and exclusively (a complete temp file is
// hard-linked into place, which fails if the pid file exists), so two
// instances starting at once cannot both win, and a reader never sees a
// half-written pid. A pid file naming a dead process is stale and replaced.
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KurokoError } from '../util/diagnostic.js';
import { log } from '../log/index.js';

/** The pid a pid file names, or undefined when it is missing or holds no pid. */
export function readPidfile(path: string): number | undefined {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return undefined; }
  const m = /^\s*(\d+)\s*$/.exec(text);
  const pid = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
export function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** The error for a pid file naming a live process. */
export function alreadyRunning(name: string, pid: number, path: string): KurokoError {
  return new KurokoError(`Could not start kuroko ${name}: another instance is already running as pid ${pid} (pidfile ${path})`, {
    code: 'KUR0201',
  });
}

/** Throws when the pid file names a live process other than this one. */
export function checkPidfile(path: string, name: string, self = process.pid): void {
  const pid = readPidfile(path);
  if (pid !== undefined && pid !== self && isAlive(pid)) throw alreadyRunning(name, pid, path);
}

/** Claims the pid file for `pid`, replacing a stale one; throws if a live process holds it. */
export function acquirePidfile(path: string, name: string, pid = process.pid): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, `${pid}\n`);
    fsyncSync(fd);
  } finally { closeSync(fd); }
  try {
    for (let attempt = 0; ; attempt++) {
      try { linkSync(tmp, path); return; } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) {
          throw new KurokoError(`Could not write pidfile ${path}: ${(e as Error).message}`, { code: 'KUR0202', field: 'pidfile', value: path });
        }
      }
      const other = readPidfile(path);
      if (other === pid) return; // already ours
      if (other !== undefined && isAlive(other)) throw alreadyRunning(name, other, path);
      log.info(`Removing stale pidfile ${path}${other !== undefined ? ` (pid ${other} is not running)` : ''}`);
      try { unlinkSync(path); } catch { /* another starter removed it first */ }
    }
  } finally {
    try { unlinkSync(tmp); } catch { /* gone */ }
  }
}

/** Removes the pid file if it still names `pid`; returns whether it did. */
export function releasePidfile(path: string, pid = process.pid): boolean {
  if (readPidfile(path) !== pid) return false;
  try { unlinkSync(path); return true; } catch { return false; }
}
