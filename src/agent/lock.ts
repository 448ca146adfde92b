// The run lock (runs never overlap; a lock left by a dead process is
// reclaimed) and the administrative disable lock, in Puppet's file formats.
import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { mkdirp, writeFileAtomic } from '../util/fsutil.js';

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Takes the run lock (the file holds our pid); false when another live process holds it. */
export function acquireRunLock(path: string): boolean {
  mkdirp(dirname(path));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSafe(path).trim());
      if (pid === process.pid || alive(pid)) return false;
      try { unlinkSync(path); } catch { /* someone else reclaimed it */ }
    }
  }
  return false;
}

export function releaseRunLock(path: string): void {
  if (Number(readFileSafe(path).trim()) === process.pid) {
    try { unlinkSync(path); } catch { /* gone */ }
  }
}

/** The pid holding the run lock, if a live process does. */
export function runLockHolder(path: string): number | undefined {
  const pid = Number(readFileSafe(path).trim());
  return alive(pid) ? pid : undefined;
}

function readFileSafe(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

/** `--disable "why"`: Puppet's JSON lock file {"disabled_message": "..."}. */
export function disableAgent(path: string, message: string): void {
  writeFileAtomic(path, JSON.stringify({ disabled_message: message }), 0o644);
}

export function enableAgent(path: string): boolean {
  try { unlinkSync(path); return true; } catch { return false; }
}

/** The disable reason when the agent is disabled, else undefined. */
export function disabledReason(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as { disabled_message?: string };
    return v.disabled_message ?? 'reason not specified';
  } catch { return 'reason not specified'; }
}
