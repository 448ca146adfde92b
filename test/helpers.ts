// Shared test helpers: temp dirs that clean up, and running the real `kuroko`
// CLI as a child process (from the TypeScript sources, through tsx).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { after } from 'node:test';

export const ROOT = resolve(new URL('..', import.meta.url).pathname);
export const CLI = join(ROOT, 'src', 'cli', 'run.ts');

/** A fresh temp directory removed when the test file finishes. */
export function tempDir(prefix = 'kuroko-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface RunResult { status: number; stdout: string; stderr: string }

/** Runs `kuroko ARGS...` synchronously. */
export function kuroko(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeout?: number } = {}): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8', cwd: opts.cwd ?? ROOT, input: opts.input, timeout: opts.timeout ?? 60_000,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs `kuroko ARGS` to its end without blocking this process (a server
 * running in it, or its output, keeps flowing meanwhile); killed after `timeout`.
 */
export function kurokoAsync(args: string[], opts: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<RunResult> {
  const child = kurokoSpawn(args, { env: opts.env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 120_000);
  return new Promise((resolve) => child.on('close', (code) => { clearTimeout(timer); resolve({ status: code ?? -1, stdout, stderr }); }));
}

/** Starts `kuroko ARGS...` in the background; the caller kills it. */
export function kurokoSpawn(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs its command in a loopback-only network namespace: real Puppet and Facter run only inside it. */
export const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');

/** Why real Puppet cannot run here (a test's skip reason), or undefined when it can. */
export function realPuppetMissing(): string | undefined {
  if (spawnSync('puppet', ['--version'], { encoding: 'utf8' }).status !== 0) return "Debian's puppet is not installed";
  if (!existsSync(NETNS)) return `${NETNS} is missing`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'netns-run needs root';
  return undefined;
}
