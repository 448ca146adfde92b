// Node's heavier built-in modules, loaded on first use: a run that needs no
// hashing or child process (an in-sync masterless run) does not pay their
// memory (about a megabyte each).
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const crypto = (): typeof import('node:crypto') => load('node:crypto') as typeof import('node:crypto');
export const childProcess = (): typeof import('node:child_process') => load('node:child_process') as typeof import('node:child_process');

/**
 * Milliseconds from an arbitrary start, as performance.now(): the global
 * `performance` sets up perf_hooks (most of a megabyte) on first use.
 */
export function now(): number {
  const [s, ns] = process.hrtime();
  return s * 1000 + ns / 1e6;
}

/**
 * A random (version 4) UUID, as crypto.randomUUID(), from the kernel's
 * /dev/urandom: a run that needs nothing else from the crypto module (an
 * in-sync apply) does not load it for its transaction_uuid.
 */
export function randomUuid(): string {
  const b = Buffer.alloc(16);
  let fd: number | undefined;
  try {
    fd = openSync('/dev/urandom', 'r');
    if (readSync(fd, b, 0, 16, null) !== 16) return crypto().randomUUID();
  } catch {
    return crypto().randomUUID();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
