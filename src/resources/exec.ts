// exec: runs a command when its conditions say so (creates, onlyif, unless,
// refreshonly), checks its exit code against `returns`, retries (tries,
// try_sleep), kills it after `timeout`, and logs its output (logoutput).
// Providers: posix (the command must be qualified or found on `path`) and
// shell (always through /bin/sh).
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Data } from '../compiler/wire.js';
import type { ApplyContext, Provider, Resource, ResourceType } from './type.js';
import { KurokoError } from '../util/diagnostic.js';
import { log } from '../log/index.js';

const MAX_OUTPUT = 16 * 1024 * 1024;

interface RunResult { code: number; output: string; timedOut: boolean }

function str(v: Data | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

function list(v: Data | undefined): Data[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function searchPath(r: Resource): string[] {
  return list(r.parameters.path).flatMap((p) => String(p).split(':')).filter(Boolean);
}

function isExecutable(p: string): boolean {
  try { accessSync(p, constants.X_OK); return true; } catch { return false; }
}

/** The first word of a command (what Puppet checks for qualification). */
function firstWord(cmd: Data): string {
  if (Array.isArray(cmd)) return String(cmd[0] ?? '');
  const s = String(cmd).trim();
  const m = /^(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(s);
  return m ? (m[1] ?? m[2] ?? m[3]) : '';
}

function lookupId(file: string, name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name) return Number(f[2]);
    }
  } catch { /* no such database */ }
  return undefined;
}

function environment(r: Resource): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const path = searchPath(r);
  if (path.length) env.PATH = path.join(':');
  for (const e of list(r.parameters.environment)) {
    const s = String(e);
    const eq = s.indexOf('=');
    if (eq > 0) env[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return env;
}

/** Runs one command; stdout and stderr are merged as Puppet merges them. */
function runCommand(r: Resource, cmd: Data, timeoutSec: number): Promise<RunResult> {
  const env = environment(r);
  const cwd = str(r.parameters.cwd);
  let uid: number | undefined;
  let gid: number | undefined;
  const user = str(r.parameters.user);
  const group = str(r.parameters.group);
  const root = process.getuid?.() === 0;
  if (user !== undefined) {
    uid = lookupId('/etc/passwd', user);
    if (uid === undefined) return Promise.reject(new KurokoError(`Could not find user ${user}`, { code: 'KUR7203', field: 'user', value: user }));
    if (uid !== process.getuid?.() && !root) return Promise.reject(new KurokoError('Only root can execute commands as other users', { code: 'KUR7204', field: 'user', value: user }));
    if (uid === process.getuid?.()) uid = undefined;
  }
  if (group !== undefined) {
    gid = lookupId('/etc/group', group);
    if (gid === undefined) return Promise.reject(new KurokoError(`Could not find group ${group}`, { code: 'KUR7205', field: 'group', value: group }));
    if (gid === process.getgid?.()) gid = undefined;
  }
  if (cwd !== undefined && !existsSync(cwd)) {
    return Promise.reject(new KurokoError(`Working directory ${cwd} does not exist!`, { code: 'KUR7206', field: 'cwd', value: cwd }));
  }
  const umask = str(r.parameters.umask);
  const prefix = umask && /^[0-7]{3,4}$/.test(umask) ? `umask ${umask}; ` : '';
  const [bin, args] = Array.isArray(cmd) ? [String(cmd[0]), cmd.slice(1).map(String)] : ['/bin/sh', ['-c', prefix + String(cmd)]];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      env, cwd, uid, gid, stdio: ['ignore', 'pipe', 'pipe'], detached: true, // own process group: a timeout kills it all
    });
    const chunks: Buffer[] = [];
    let size = 0;
    const take = (b: Buffer) => { if (size < MAX_OUTPUT) { chunks.push(b); size += b.length; } };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    let timedOut = false;
    const timer = timeoutSec > 0 ? setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, timeoutSec * 1000) : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new KurokoError(`Could not execute '${Array.isArray(cmd) ? cmd.join(' ') : cmd}': ${e.message}`, { code: 'KUR7207' }));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 + 9 : 1), output: Buffer.concat(chunks).toString('utf8'), timedOut });
    });
  });
}

function timeoutOf(r: Resource): number {
  const t = r.parameters.timeout;
  return t === undefined || t === null ? 300 : Number(t);
}

function returnsOf(r: Resource): number[] {
  const v = list(r.parameters.returns);
  return v.length ? v.map((x) => Number(x)) : [0];
}

/** Whether the resource's conditions allow running: creates, onlyif, unless. */
async function conditionsAllow(r: Resource, ctx: ApplyContext): Promise<boolean> {
  for (const c of list(r.parameters.creates)) {
    if (existsSync(String(c))) { ctx.log('debug', `Skipping because ${String(c)} exists`); return false; }
  }
  const t = timeoutOf(r);
  for (const c of checkCommands(r.parameters.onlyif)) {
    const res = await runCommand(r, c, t);
    if (res.code !== 0) { ctx.log('debug', `Skipping because onlyif returned ${res.code}`); return false; }
  }
  for (const c of checkCommands(r.parameters.unless)) {
    const res = await runCommand(r, c, t);
    if (res.code === 0) { ctx.log('debug', 'Skipping because unless returned 0'); return false; }
  }
  return true;
}

/** onlyif/unless: a string, an array of strings (several commands) or an array of arrays (argv form). */
function checkCommands(v: Data | undefined): Data[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.some((x) => Array.isArray(x)) ? v : v.map(String);
  return [String(v)];
}

/** Runs the command with tries and try_sleep; logs output as logoutput says; throws on a bad exit code. */
async function execute(r: Resource, ctx: ApplyContext, cmd: Data): Promise<void> {
  const tries = Math.max(1, Number(r.parameters.tries ?? 1));
  const sleep = Number(r.parameters.try_sleep ?? 0);
  const returns = returnsOf(r);
  const t = timeoutOf(r);
  let last: RunResult | undefined;
  for (let i = 0; i < tries; i++) {
    if (i > 0 && sleep > 0) await new Promise((res) => setTimeout(res, sleep * 1000));
    last = await runCommand(r, cmd, t);
    if (last.timedOut) throw new KurokoError(`Command exceeded timeout`, { code: 'KUR7208', field: 'timeout', value: t });
    if (returns.includes(last.code)) break;
  }
  const ok = returns.includes(last!.code);
  const lo = r.parameters.logoutput;
  const level = typeof r.parameters.loglevel === 'string' ? r.parameters.loglevel as 'notice' : 'notice';
  // Output goes at the resource's loglevel, as Puppet does: always (true), or when the command failed (on_failure).
  const show = lo === true || lo === 'true' || (!ok && lo !== false && lo !== 'false');
  if (show) for (const line of last!.output.split('\n')) if (line !== '') ctx.log(level, line, 'returns');
  if (!ok) {
    const shown = Array.isArray(cmd) ? cmd.join(' ') : String(cmd);
    const msg = `'${shown}' returned ${last!.code} instead of one of [${returns.join(', ')}]`;
    log.err(msg);
    throw new KurokoError(msg, { code: 'KUR7209' });
  }
}

function makeProvider(name: 'posix' | 'shell'): Provider {
  return {
    name,
    suitable: () => existsSync('/bin/sh'),
    isDefault: () => name === 'posix',
    async check(r, ctx) {
      if (r.parameters.refreshonly === true || r.parameters.refreshonly === 'true') return [];
      if (!(await conditionsAllow(r, ctx))) return [];
      return [{ property: 'returns', previous: 'notrun', desired: returnsOf(r).map(String), message: 'executed successfully', name: 'executed_command' }];
    },
    async apply(r, _changes, ctx) {
      await execute(r, ctx, commandOf(r));
    },
    async refresh(r, ctx) {
      if (!(await conditionsAllow(r, ctx))) return;
      const alt = r.parameters.refresh;
      await execute(r, ctx, alt !== undefined && alt !== null ? alt : commandOf(r));
    },
  };
}

function commandOf(r: Resource): Data {
  return r.parameters.command ?? r.title;
}

function checkQualified(r: Resource, cmd: Data, field: string): void {
  const w = firstWord(cmd);
  if (!w) throw new KurokoError(`${field} must not be empty`, { code: 'KUR7201', field, value: cmd });
  if (isAbsolute(w)) return;
  const path = searchPath(r);
  if (path.length === 0) {
    throw new KurokoError(`'${w}' is not qualified and no path was specified. Please qualify the command or specify a path.`, { code: 'KUR7202', field, value: cmd });
  }
  if (!path.some((d) => isExecutable(join(d, w))) && !/^(cd|test|\[|echo|true|false|exit|export|set|\.)$/.test(w)) {
    throw new KurokoError(`Could not find command '${w}'`, { code: 'KUR7202', field, value: cmd });
  }
}

export const resourceType: ResourceType = {
  name: 'exec',
  namevar: 'command',
  properties: ['returns'],
  parameters: ['command', 'path', 'creates', 'onlyif', 'unless', 'refreshonly', 'refresh', 'environment', 'cwd', 'user', 'group',
    'timeout', 'tries', 'try_sleep', 'logoutput', 'umask', 'provider'],
  refreshable: true,
  validate(r) {
    const num = (f: string, min: number) => {
      const v = r.parameters[f];
      if (v === undefined || v === null) return;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min) throw new KurokoError(`Invalid value ${JSON.stringify(v)} for ${f}`, { code: 'KUR7210', field: f, value: v });
    };
    num('timeout', 0); num('tries', 1); num('try_sleep', 0);
    for (const x of list(r.parameters.returns)) {
      if (!/^-?\d+$/.test(String(x))) throw new KurokoError(`Invalid value ${JSON.stringify(x)} for returns (expected exit codes)`, { code: 'KUR7210', field: 'returns', value: x });
    }
    const lo = r.parameters.logoutput;
    if (lo !== undefined && ![true, false, 'true', 'false', 'on_failure'].includes(lo as never)) {
      throw new KurokoError(`Invalid value ${JSON.stringify(lo)} for logoutput (expected true, false or on_failure)`, { code: 'KUR7210', field: 'logoutput', value: lo });
    }
    for (const c of list(r.parameters.creates)) {
      if (!isAbsolute(String(c))) throw new KurokoError(`creates must be a fully qualified path`, { code: 'KUR7210', field: 'creates', value: c });
    }
    for (const e of list(r.parameters.environment)) {
      if (!/^[^=]+=/.test(String(e))) throw new KurokoError(`Invalid environment setting '${String(e)}' (expected NAME=VALUE)`, { code: 'KUR7210', field: 'environment', value: e });
    }
    if (r.parameters.provider !== 'shell') {
      checkQualified(r, commandOf(r), 'command');
      for (const f of ['onlyif', 'unless'] as const) for (const c of checkCommands(r.parameters[f])) checkQualified(r, c, f);
    }
  },
  autorequire(r) {
    const out: string[] = [];
    const cwd = str(r.parameters.cwd);
    if (cwd) out.push(`File[${cwd}]`);
    for (const c of [commandOf(r), ...checkCommands(r.parameters.onlyif), ...checkCommands(r.parameters.unless)]) {
      const w = firstWord(c);
      if (isAbsolute(w)) out.push(`File[${w}]`);
    }
    const user = str(r.parameters.user);
    if (user) out.push(`User[${user}]`);
    return out;
  },
  providers: [makeProvider('posix'), makeProvider('shell')],
};
