// Shared helpers for the resource types other than file/exec/notify:
// running system commands without a shell, reading resource parameters,
// and Puppet's wording of property changes.
import { spawn } from 'node:child_process';
import { accessSync, chownSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../../util/fsutil.js';
import { delimiter, join } from 'node:path';
import type { Data } from '../../compiler/wire.js';
import type { Change, Provider, Resource, ResourceType } from '../type.js';
import { KurokoError } from '../../util/diagnostic.js';

export interface ExecResult { code: number; stdout: string; stderr: string }

export interface ExecOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Resolve with the exit code instead of throwing when it is not 0. */
  allowFail?: boolean;
  timeoutMs?: number;
  cwd?: string;
  /** Caps how much output is kept, so a chatty command cannot exhaust memory. */
  maxOutput?: number;
  /** Finish when the process exits even if a daemon it started still holds its output open (init scripts). */
  exitOnly?: boolean;
}

const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The absolute path of a command on PATH (plus the sbin directories root uses), or undefined. */
export function which(cmd: string): string | undefined {
  if (cmd.includes('/')) return isExecutable(cmd) ? cmd : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_PATH];
  for (const d of dirs) {
    const p = join(d, cmd);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try { accessSync(p, constants.X_OK); return true; } catch { return false; }
}

/** Runs a command (no shell); throws KurokoError with its output when it fails, unless allowFail. */
export function execCommand(cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const bin = which(cmd) ?? cmd;
  const max = opts.maxOutput ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: [opts.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const stdout = child.stdout!;
    const stderr = child.stderr!;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    stdout.on('data', (b: Buffer) => { if (outLen < max) { out.push(b); outLen += b.length; } });
    stderr.on('data', (b: Buffer) => { if (errLen < max) { err.push(b); errLen += b.length; } });
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new KurokoError(`Could not run '${cmd}': ${e.message}`, { code: 'KUR7001', value: [cmd, ...args].join(' ') }));
    });
    child.on(opts.exitOnly ? 'exit' : 'close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (opts.exitOnly) { stdout.destroy(); stderr.destroy(); }
      const res = { code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
      if (res.code !== 0 && !opts.allowFail) {
        const detail = (res.stderr.trim() || res.stdout.trim()).split('\n').slice(-5).join('\n');
        reject(new KurokoError(`Execution of '${[cmd, ...args].join(' ')}' returned ${res.code}: ${detail}`, { code: 'KUR7002' }));
      } else resolve(res);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** "Package[sl]" */
export function ref(r: Resource): string {
  const t = r.type.split('::').map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('::');
  return `${t}[${r.title}]`;
}

/** A KurokoError about one attribute of a resource, with the manifest location when known. */
export function invalid(r: Resource, field: string, value: unknown, message: string): KurokoError {
  return new KurokoError(message, {
    code: 'KUR7010', field, value, location: r.file ? { file: r.file, line: r.line } : undefined,
  });
}

/** A failure while managing a resource (not about one attribute). */
export function failure(r: Resource, message: string, cause?: unknown): KurokoError {
  return new KurokoError(message, { code: 'KUR7011', cause, location: r.file ? { file: r.file, line: r.line } : undefined });
}

export function param(r: Resource, name: string): Data | undefined {
  const v = r.parameters[name];
  return v === null ? undefined : v;
}

/** A scalar parameter as a string (numbers and booleans stringified); undefined when unset. */
export function str(r: Resource, name: string): string | undefined {
  const v = param(r, name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalid(r, name, v, `Parameter ${name} must be a single value, not ${JSON.stringify(v)}`);
}

/** The namevar's value: the parameter when given, else the title. */
export function nameOf(r: Resource, namevar = 'name'): string {
  return str(r, namevar) ?? r.title;
}

export function bool(r: Resource, name: string, dflt: boolean): boolean {
  const v = param(r, name);
  if (v === undefined) return dflt;
  if (v === true || v === 'true' || v === 'yes') return true;
  if (v === false || v === 'false' || v === 'no') return false;
  throw invalid(r, name, v, `Invalid value ${JSON.stringify(v)} for ${name}. Valid values are true, false`);
}

/** A parameter that may be a value or an array of values, as strings. */
export function list(r: Resource, name: string): string[] | undefined {
  const v = param(r, name);
  if (v === undefined) return undefined;
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x) => {
    if (typeof x === 'string') return x;
    if (typeof x === 'number' || typeof x === 'boolean') return String(x);
    throw invalid(r, name, v, `Parameter ${name} must hold single values`);
  });
}

/** Checks a parameter is one of the allowed values (Puppet's newvalues). */
export function oneOf(r: Resource, name: string, allowed: readonly string[]): string | undefined {
  const v = str(r, name);
  if (v !== undefined && !allowed.includes(v)) {
    throw invalid(r, name, v, `Invalid value '${v}' for ${name}. Valid values are ${allowed.join(', ')}`);
  }
  return v;
}

/** Puppet's display form of a value (the '%#p' format): 'text', 42, ['a', 'b'], {'k' => 'v'}. */
export function fmt(v: Data | undefined): string {
  if (v === undefined || v === null) return 'undef';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(fmt).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${fmt(k)} => ${fmt(x)}`).join(', ')}}`;
}

/** Puppet::Property#change_to_s. */
export function propertyChange(property: string, previous: Data | undefined, desired: Data | undefined): Change {
  let message: string;
  if (previous === undefined || previous === 'absent') message = `defined '${property}' as ${fmt(desired)}`;
  else if (desired === undefined || desired === 'absent') message = `undefined '${property}' from ${fmt(previous)}`;
  else message = `${property} changed ${fmt(previous)} to ${fmt(desired)}`;
  return { property, previous, desired, message };
}

/** Puppet::Property::Ensure#change_to_s. */
export function ensureChange(previous: string, desired: string): Change {
  let message: string;
  if (previous === 'absent') message = 'created';
  else if (desired === 'absent') message = 'removed';
  else message = `ensure changed ${fmt(previous)} to ${fmt(desired)}`;
  return { property: 'ensure', previous, desired, message };
}

export function readIfExists(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Desired ensure for ensurable types: 'present' (default) or 'absent'. */
export function ensurePresentAbsent(r: Resource, dflt = 'present'): 'present' | 'absent' {
  const v = param(r, 'ensure');
  if (v === undefined) return dflt as 'present' | 'absent';
  if (v === 'present' || v === true) return 'present';
  if (v === 'absent' || v === false) return 'absent';
  throw invalid(r, 'ensure', v, `Invalid value ${JSON.stringify(v)} for ensure. Valid values are present, absent`);
}

/** The provider to use: the one named by the `provider` parameter, else a suitable default. */
export function selectProvider(type: ResourceType, r?: Resource): Provider {
  const wanted = r ? str(r, 'provider') : undefined;
  if (wanted) {
    const p = type.providers.find((x) => x.name === wanted);
    if (!p) throw invalid(r!, 'provider', wanted, `Invalid ${type.name} provider '${wanted}'`);
    if (!p.suitable()) throw invalid(r!, 'provider', wanted, `Provider ${wanted} is not functional on this host`);
    return p;
  }
  const suitable = type.providers.filter((p) => p.suitable());
  const p = suitable.find((x) => x.isDefault?.()) ?? suitable[0];
  if (!p) throw new KurokoError(`No suitable provider for type ${type.name} on this host`, { code: 'KUR7012', field: 'type', value: type.name });
  return p;
}

/** Replaces a file's content atomically, keeping the mode and ownership of the file it replaces. */
export function rewriteFile(target: string, content: string, newMode = 0o644): void {
  // Write through a symlink, as the Ruby providers do, instead of replacing the link with a file.
  let path = target;
  try { path = realpathSync(target); } catch { /* does not exist yet */ }
  let st: { mode: number; uid: number; gid: number } | undefined;
  try { st = statSync(path); } catch { st = undefined; }
  writeFileAtomic(path, content, st ? st.mode & 0o7777 : newMode);
  if (st && process.getuid?.() === 0) chownSync(path, st.uid, st.gid);
}

/** Ruby's Time#to_s, which Puppet's generated file headers use: "2026-11-24 22:25:23 +0000" (local time). */
export function rubyTime(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} `
    + `${sign}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
}

/** The header Puppet's parsed-file providers (host, ...) put atop every file they write. */
export function parsedFileHeader(d = new Date()): string {
  return `# HEADER: This file was autogenerated at ${rubyTime(d)}\n# HEADER: by puppet.  While it can still be managed manually, it\n# HEADER: is definitely not recommended.\n`;
}
