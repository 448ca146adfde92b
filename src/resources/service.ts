// service: running state and boot-time enablement. systemd when it is PID 1;
// otherwise Debian's init.d scripts with update-rc.d (Puppet's 'debian'
// provider), which is what this machine has.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Data } from '../compiler/wire.js';
import type { ApplyContext, Change, Provider, Resource, ResourceType } from './type.js';
import { bool, execCommand, failure, invalid, list, nameOf, param, propertyChange, str, which } from './providers/typesupport.js';

type Running = 'running' | 'stopped';

function desiredEnsure(r: Resource): Running | undefined {
  const v = param(r, 'ensure');
  if (v === undefined) return undefined;
  if (v === 'running' || v === true || v === 'true') return 'running';
  if (v === 'stopped' || v === false || v === 'false') return 'stopped';
  throw invalid(r, 'ensure', v, `Invalid value ${JSON.stringify(v)} for ensure. Valid values are stopped, running`);
}

function desiredEnable(r: Resource): string | undefined {
  const v = param(r, 'enable');
  if (v === undefined) return undefined;
  const s = String(v);
  if (!['true', 'false', 'manual', 'mask', 'delayed'].includes(s)) {
    throw invalid(r, 'enable', v, `Invalid value ${JSON.stringify(v)} for enable. Valid values are true, false, manual, mask, delayed`);
  }
  return s;
}

/** A command from the manifest (status, start, ...) runs through the shell, as Puppet runs it. */
function shell(command: string, ctx?: ApplyContext, timeoutMs?: number) {
  ctx?.log('debug', `Executing '${command}'`);
  return execCommand('/bin/sh', ['-c', command], { allowFail: true, exitOnly: true, timeoutMs });
}

function timeoutOf(r: Resource): number {
  const t = param(r, 'timeout');
  return t === undefined ? 10 * 60_000 : Number(t) * 1000;
}

/** The process table as command lines, for services without a status command. */
function processTable(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
      if (cmd) out.push(cmd);
    } catch { /* exited meanwhile */ }
  }
  return out;
}

interface ServiceOps {
  status(r: Resource, ctx?: ApplyContext): Promise<Running>;
  start(r: Resource, ctx: ApplyContext): Promise<void>;
  stop(r: Resource, ctx: ApplyContext): Promise<void>;
  restart(r: Resource, ctx: ApplyContext): Promise<void>;
  enabled(r: Resource): Promise<string>;
  enable(r: Resource, value: string, ctx: ApplyContext): Promise<void>;
}

async function runOrFail(r: Resource, what: string, command: string, ctx: ApplyContext): Promise<void> {
  const res = await shell(command, ctx, timeoutOf(r));
  if (res.code !== 0) {
    const detail = (res.stderr.trim() || res.stdout.trim()).split('\n').slice(-3).join('\n');
    throw failure(r, `Could not ${what} Service[${nameOf(r)}]: Execution of '${command}' returned ${res.code}: ${detail}`);
  }
}

function serviceProvider(name: string, suitable: () => boolean, isDefault: () => boolean, ops: ServiceOps, instances?: () => Promise<Resource[]>): Provider {
  return {
    name,
    suitable,
    isDefault,
    async check(r) {
      const changes: Change[] = [];
      const ensure = desiredEnsure(r);
      if (ensure !== undefined) {
        const current = await ops.status(r);
        // Starting a service makes pending restarts moot (Puppet's invalidate_refreshes).
        if (current !== ensure) {
          changes.push({ ...propertyChange('ensure', current, ensure), name: ensure === 'running' ? 'service_started' : 'service_stopped', invalidateRefreshes: ensure === 'running' });
        }
      }
      const enable = desiredEnable(r);
      if (enable !== undefined) {
        const current = await ops.enabled(r);
        if (current !== enable) changes.push(propertyChange('enable', current, enable));
      }
      return changes;
    },
    async apply(r, changes, ctx) {
      for (const c of changes) {
        if (c.property === 'ensure') {
          if (c.desired === 'running') await ops.start(r, ctx); else await ops.stop(r, ctx);
        } else if (c.property === 'enable') await ops.enable(r, String(c.desired), ctx);
      }
    },
    async refresh(r, ctx) {
      // Puppet restarts only a service that is running (and not meant to be stopped).
      if (desiredEnsure(r) === 'stopped') return;
      if ((await ops.status(r, ctx)) === 'running') await ops.restart(r, ctx);
      else ctx.log('debug', 'Skipping restart; service is not running');
    },
    instances,
  };
}

// ---- Debian init.d ------------------------------------------------------

const isSystemd = () => {
  try { return readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd' || existsSync('/run/systemd/system'); } catch { return false; }
};

function initScript(r: Resource): string {
  const name = nameOf(r);
  const paths = (list(r, 'path') ?? ['/etc/init.d']).flatMap((p) => p.split(':'));
  for (const dir of paths) {
    for (const candidate of [join(dir, name), join(dir, `${name}.sh`)]) {
      try { if (statSync(candidate).isFile()) return candidate; } catch { /* next */ }
    }
  }
  throw failure(r, `Could not find init script for '${name}'`);
}

/** Where the rc?.d link farms of sysvinit live. */
const RC_ROOT = '/etc';

/** Start links of a script across /etc/rc?.d, and whether it has any link at all. */
function rcLinks(name: string): { starts: number; any: boolean } {
  let starts = 0;
  let any = false;
  let dirs: string[] = [];
  try { dirs = readdirSync(RC_ROOT).filter((d) => /^rc.\.d$/.test(d)); } catch { /* none */ }
  for (const d of dirs) {
    let entries: string[] = [];
    try { entries = readdirSync(join(RC_ROOT, d)); } catch { continue; }
    for (const e of entries) {
      const m = /^([SK])\d\d(.+)$/.exec(e);
      if (m && m[2] === name) { any = true; if (m[1] === 'S') starts++; }
    }
  }
  return { starts, any };
}

const debianOps: ServiceOps = {
  async status(r, ctx) {
    const custom = str(r, 'status');
    if (custom) return (await shell(custom, ctx, timeoutOf(r))).code === 0 ? 'running' : 'stopped';
    if (bool(r, 'hasstatus', true)) {
      const res = await execCommand(initScript(r), ['status'], { allowFail: true, exitOnly: true, timeoutMs: timeoutOf(r) });
      return res.code === 0 ? 'running' : 'stopped';
    }
    const pattern = str(r, 'pattern') ?? str(r, 'binary') ?? nameOf(r);
    let re: RegExp;
    try { re = new RegExp(pattern); } catch (e) { throw invalid(r, 'pattern', pattern, `Invalid pattern: ${(e as Error).message}`); }
    return processTable().some((c) => re.test(c)) ? 'running' : 'stopped';
  },
  async start(r, ctx) {
    const custom = str(r, 'start');
    await runOrFail(r, 'start', custom ?? `${quote(initScript(r))} start`, ctx);
  },
  async stop(r, ctx) {
    const custom = str(r, 'stop');
    await runOrFail(r, 'stop', custom ?? `${quote(initScript(r))} stop`, ctx);
  },
  async restart(r, ctx) {
    const custom = str(r, 'restart');
    if (custom) return runOrFail(r, 'restart', custom, ctx);
    if (bool(r, 'hasrestart', false)) return runOrFail(r, 'restart', `${quote(initScript(r))} restart`, ctx);
    await this.stop(r, ctx);
    await this.start(r, ctx);
  },
  async enabled(r) {
    // Puppet's fallback when invoke-rc.d cannot tell (no runlevel in containers): start links in four runlevels.
    return rcLinks(nameOf(r)).starts >= 4 ? 'true' : 'false';
  },
  async enable(r, value, ctx) {
    const name = nameOf(r);
    initScript(r); // update-rc.d needs the script; fail clearly when it is missing
    if (value !== 'true' && value !== 'false') throw invalid(r, 'enable', value, `The debian provider cannot set enable to '${value}' (only true or false)`);
    const run = async (args: string[]) => {
      const res = await execCommand('update-rc.d', args, { allowFail: true });
      ctx.log('debug', `update-rc.d ${args.join(' ')}: ${res.stderr.trim()}`);
      if (res.code !== 0) throw failure(r, `Could not ${value === 'true' ? 'enable' : 'disable'} Service[${name}]: update-rc.d ${args.join(' ')} returned ${res.code}: ${res.stderr.trim()}`);
    };
    if (!rcLinks(name).any) await run([name, 'defaults']);
    await run([name, value === 'true' ? 'enable' : 'disable']);
  },
};

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// Scripts under /etc/init.d that are not services (Puppet's exclusion list).
const NOT_SERVICES = new Set(['functions', 'halt', 'killall', 'single', 'linuxconf', 'reboot', 'boot', 'wait-for-state', 'rcS', 'rc', 'module-init-tools', 'README', 'skeleton', '.depend.boot', '.depend.start', '.depend.stop', '.legacy-bootordering']);

async function debianInstances(): Promise<Resource[]> {
  let names: string[] = [];
  try { names = readdirSync('/etc/init.d').filter((n) => !NOT_SERVICES.has(n) && !n.startsWith('.')).sort(); } catch { return []; }
  const out: Resource[] = [];
  for (const n of names) {
    const r: Resource = { type: 'service', title: n, tags: [], parameters: {} };
    try { if (!statSync(join('/etc/init.d', n)).isFile()) continue; } catch { continue; }
    const ensure = await debianOps.status(r);
    const enable = await debianOps.enabled(r);
    r.parameters = { ensure, enable, provider: 'debian' } as Record<string, Data>;
    out.push(r);
  }
  return out;
}

export const debianProvider = serviceProvider(
  'debian',
  () => existsSync('/etc/debian_version') && which('update-rc.d') !== undefined,
  () => !isSystemd(),
  debianOps,
  debianInstances,
);

// ---- systemd -------------------------------------------------------------

const unitName = (r: Resource) => { const n = nameOf(r); return n.includes('.') ? n : `${n}.service`; };

const systemdOps: ServiceOps = {
  async status(r, ctx) {
    const custom = str(r, 'status');
    if (custom) return (await shell(custom, ctx, timeoutOf(r))).code === 0 ? 'running' : 'stopped';
    const res = await execCommand('systemctl', ['is-active', '--', unitName(r)], { allowFail: true });
    return res.code === 0 ? 'running' : 'stopped';
  },
  async start(r, ctx) {
    const custom = str(r, 'start');
    await runOrFail(r, 'start', custom ?? `systemctl start -- ${quote(unitName(r))}`, ctx);
  },
  async stop(r, ctx) {
    const custom = str(r, 'stop');
    await runOrFail(r, 'stop', custom ?? `systemctl stop -- ${quote(unitName(r))}`, ctx);
  },
  async restart(r, ctx) {
    const custom = str(r, 'restart');
    await runOrFail(r, 'restart', custom ?? `systemctl restart -- ${quote(unitName(r))}`, ctx);
  },
  async enabled(r) {
    const res = await execCommand('systemctl', ['is-enabled', '--', unitName(r)], { allowFail: true });
    const s = res.stdout.trim();
    // As Puppet: masked reads as 'mask' only when mask is wanted (else it is simply not enabled), indirect is not enabled.
    if (s === 'masked' || s === 'masked-runtime') return desiredEnable(r) === 'mask' ? 'mask' : 'false';
    if (s === 'indirect') return 'false';
    return res.code === 0 ? 'true' : 'false';
  },
  async enable(r, value, ctx) {
    const unit = unitName(r);
    const cmds: string[][] = value === 'mask' ? [['mask', '--', unit]]
      : value === 'true' ? [['unmask', '--', unit], ['enable', '--', unit]]
      : value === 'false' ? [['unmask', '--', unit], ['disable', '--', unit]]
      : [['unmask', '--', unit]];
    for (const c of cmds) {
      const res = await execCommand('systemctl', c, { allowFail: true });
      if (res.code !== 0) throw failure(r, `Could not set enable to '${value}' on Service[${nameOf(r)}]: systemctl ${c.join(' ')}: ${res.stderr.trim()}`);
      ctx.log('debug', `systemctl ${c.join(' ')}`);
    }
  },
};

async function systemdInstances(): Promise<Resource[]> {
  const res = await execCommand('systemctl', ['list-unit-files', '--type=service', '--no-legend', '--no-pager'], { allowFail: true });
  const out: Resource[] = [];
  for (const line of res.stdout.split('\n')) {
    const [unit, state] = line.trim().split(/\s+/);
    if (!unit || unit.includes('@')) continue;
    const r: Resource = { type: 'service', title: unit, tags: [], parameters: {} };
    const ensure = await systemdOps.status(r);
    const enable = state === 'masked' ? 'mask' : state === 'enabled' ? 'true' : 'false';
    r.parameters = { ensure, enable, provider: 'systemd' };
    out.push(r);
  }
  return out;
}

export const systemdProvider = serviceProvider('systemd', () => isSystemd() && which('systemctl') !== undefined, isSystemd, systemdOps, systemdInstances);

export const serviceType: ResourceType = {
  name: 'service',
  namevar: 'name',
  properties: ['ensure', 'enable'],
  parameters: ['name', 'provider', 'binary', 'control', 'hasrestart', 'hasstatus', 'manifest', 'path', 'pattern', 'restart', 'start', 'status', 'stop', 'flags', 'timeout', 'logonaccount', 'logonpassword'],
  refreshable: true,
  validate(r) {
    desiredEnsure(r); desiredEnable(r); bool(r, 'hasstatus', true); bool(r, 'hasrestart', false);
    // The name picks a script in the init directory: no way out of it, no option look-alikes.
    const name = nameOf(r);
    if (!name || name.includes('/') || name.startsWith('-') || name === '.' || name === '..') throw invalid(r, 'name', name, `Invalid service name '${name}'`);
  },
  providers: [systemdProvider, debianProvider],
};
