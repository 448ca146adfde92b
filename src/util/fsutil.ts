// File writes that never leave a half-written file: write a temp file in the
// same directory, fsync, rename over the target.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { createRequire } from 'node:module';

// crypto on first use only: loading it costs every short run (an agent apply) about a megabyte.
const load = createRequire(import.meta.url);
const randomBytes = (n: number): Buffer => (load('node:crypto') as typeof import('node:crypto')).randomBytes(n);

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  closeSync(fd);
  chmodSync(tmp, mode); // umask must not weaken or widen the mode asked for
  renameSync(tmp, path);
}

export function mkdirp(path: string, mode = 0o755): void {
  mkdirSync(path, { recursive: true, mode });
}
