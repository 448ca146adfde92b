// Facts: what the agent tells the server about this machine, with Facter 4's
// names and structure (and the legacy flat names Puppet 7 still sends).
// Every core resolver reads /proc, /sys and /etc directly and runs against a
// time budget; external facts come from facts.d directories and FACTER_*
// environment variables, and override core facts of the same name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nodeOs from 'node:os';
import type { Data, FactsDocument } from '../compiler/wire.js';
import type { Diagnostic } from '../util/diagnostic.js';
import { formatDiagnostic } from '../util/diagnostic.js';
import { log } from '../log/index.js';
import { projectRoot } from '../util/paths.js';
import { defaultFactDirs, environmentFacts, loadExternalFacts } from './external.js';
import { legacyFacts } from './legacy.js';
import { resolveIdentity, resolveKernel, resolveMisc, resolveOs, systemUptime, uptimeSeconds } from './resolvers/os.js';
import { dmiFacts, readDmi, resolveDisks, resolveFilesystems, resolveMemory, resolvePartitions, resolveProcessors } from './resolvers/hardware.js';
import { reportedMounts, resolveMountpoints } from './resolvers/mountpoints.js';
import { resolveNetworking } from './resolvers/networking.js';
import { resolveSsh } from './resolvers/ssh.js';
import { resolveVirtual } from './resolvers/virtual.js';

export type Facts = Record<string, Data>;
export { DEFAULT_FACT_DIRS, defaultFactDirs, loadExternalFacts, environmentFacts } from './external.js';
export { legacyFacts, isLegacyName } from './legacy.js';

/** The Facter release whose fact names and structure Kuroko reproduces: reported as `facterversion`. */
export const FACTER_COMPAT_VERSION = '4.3.0';
/** The Puppet release Kuroko is wire-compatible with: reported as `puppetversion` and `clientversion`. */
export const PUPPET_COMPAT_VERSION = '7.23.0';

export interface CollectOptions {
  /** More facts.d directories, read after Facter's defaults (e.g. the agent's $pluginfactdest). */
  externalDirs?: string[];
  /** Read Facter's default facts.d directories (defaultFactDirs(): the /etc ones for root, ~/.facter/facts.d otherwise); default true. */
  defaultDirs?: boolean;
  /** Time budget of each resolver and each executable fact, in ms (default 5000). */
  timeoutMs?: number;
  /** When given, the agent's own facts are added: clientcert, clientversion, clientnoop. */
  certname?: string;
  noop?: boolean;
  /** Include the legacy flat facts (hostname, osfamily, ipaddress_eth0, ...); default true, as Puppet 7 sends them. */
  legacy?: boolean;
  /** Environment for FACTER_* overrides (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface CollectResult { facts: Facts; diagnostics: Diagnostic[] }

let kurokoVersion: string | undefined;
function ownVersion(): string {
  if (kurokoVersion === undefined) {
    try { kurokoVersion = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version; } catch { kurokoVersion = '0.0.0'; }
  }
  return kurokoVersion;
}

/** Resolves with fn's facts, or with nothing (and a diagnostic) when it fails or misses its deadline (the per-resolver budget). */
export async function budgeted(name: string, timeoutMs: number, diagnostics: Diagnostic[], fn: () => Facts | Promise<Facts>): Promise<Facts> {
  let timer: NodeJS.Timeout | undefined;
  // Not unref'd: while a resolver is pending, its deadline must keep the process alive to fire.
  const deadline = new Promise<'timeout'>((res) => { timer = setTimeout(() => res('timeout'), timeoutMs); });
  try {
    const r = await Promise.race([Promise.resolve().then(fn), deadline]);
    if (r === 'timeout') {
      diagnostics.push({ code: 'KUR0710', severity: 'warning', message: `Fact resolver '${name}' timed out after ${timeoutMs} ms; its facts are left out` });
      return {};
    }
    return r;
  } catch (e) {
    diagnostics.push({ code: 'KUR0711', severity: 'warning', message: `Fact resolver '${name}' failed: ${(e as Error).message}` });
    return {};
  } finally { clearTimeout(timer); }
}

/** The core facts only (no external facts, no legacy names). */
export async function coreFacts(opts: { timeoutMs?: number } = {}, diagnostics: Diagnostic[] = []): Promise<Facts> {
  const t = opts.timeoutMs ?? 5000;
  const dmiRaw = readDmi();
  const mounts = reportedMounts();
  const parts = await Promise.all([
    budgeted('os', t, diagnostics, resolveOs),
    budgeted('kernel', t, diagnostics, resolveKernel),
    budgeted('identity', t, diagnostics, resolveIdentity),
    budgeted('misc', t, diagnostics, resolveMisc),
    budgeted('memory', t, diagnostics, resolveMemory),
    budgeted('disks', t, diagnostics, resolveDisks),
    budgeted('partitions', t, diagnostics, () => resolvePartitions(mounts)),
    budgeted('filesystems', t, diagnostics, resolveFilesystems),
    budgeted('mountpoints', t, diagnostics, () => resolveMountpoints(mounts, t)),
    budgeted('networking', t, diagnostics, resolveNetworking),
    budgeted('dmi', t, diagnostics, () => dmiFacts(dmiRaw)),
    budgeted('virtual', t, diagnostics, () => resolveVirtual(dmiRaw)),
    budgeted('ssh', t, diagnostics, () => resolveSsh()),
  ]);
  const facts: Facts = Object.assign({}, ...parts);
  const family = (facts.os as Facts | undefined)?.family;
  Object.assign(facts, await budgeted('processors', t, diagnostics, () => resolveProcessors(family === 'RedHat' || family === 'Suse', nodeOs.machine())));
  const hyper = facts.hypervisors as Facts | undefined;
  const up = uptimeSeconds(hyper?.docker !== undefined);
  if (up !== undefined) facts.system_uptime = systemUptime(up);
  facts.facterversion = FACTER_COMPAT_VERSION;
  facts.puppetversion = PUPPET_COMPAT_VERSION;
  facts.kuroko_version = ownVersion();
  return facts;
}

/** All facts with the diagnostics met on the way (unparseable fact files, timeouts, stderr of executables). */
export async function collectFactsWithDiagnostics(opts: CollectOptions = {}): Promise<CollectResult> {
  const diagnostics: Diagnostic[] = [];
  const dirs = [...(opts.defaultDirs === false ? [] : defaultFactDirs()), ...(opts.externalDirs ?? [])];
  const [core, external] = await Promise.all([
    coreFacts({ timeoutMs: opts.timeoutMs }, diagnostics),
    loadExternalFacts(dirs, { timeoutMs: opts.timeoutMs ?? 5000 }),
  ]);
  diagnostics.push(...external.diagnostics);
  const facts: Facts = { ...(opts.legacy === false ? {} : legacyFacts(core)), ...core };
  if (opts.certname !== undefined) {
    facts.clientcert = opts.certname;
    facts.clientversion = PUPPET_COMPAT_VERSION;
    facts.clientnoop = opts.noop ?? false;
  }
  Object.assign(facts, external.facts, environmentFacts(opts.env));
  const sorted: Facts = {};
  for (const k of Object.keys(facts).sort()) sorted[k] = facts[k];
  return { facts: sorted, diagnostics };
}

/**
 * All facts, as the agent sends them (PUT /puppet/v3/facts, catalog requests).
 * Problems are logged as warnings (debug for skipped non-fact files); they never fail the call.
 */
export async function collectFacts(opts: CollectOptions = {}): Promise<Facts> {
  const { facts, diagnostics } = await collectFactsWithDiagnostics(opts);
  for (const d of diagnostics) {
    const text = formatDiagnostic(d);
    if (d.severity === 'debug') log.debug(text); else log.warning(text);
  }
  return facts;
}

/**
 * A fact by name; a dotted name walks into hashes and arrays (`os.release.major`,
 * `processors.models.0`). Keys that themselves hold dots (`mountpoints./mnt/a.b`) match whole.
 */
export function lookupFact(facts: Facts, name: string): Data | undefined {
  return walk(facts, name);
}

function walk(cur: Data, path: string): Data | undefined {
  if (Array.isArray(cur)) {
    const m = /^(\d+)(?:\.(.*))?$/s.exec(path);
    if (!m || Number(m[1]) >= cur.length) return undefined;
    return m[2] === undefined ? cur[Number(m[1])] : walk(cur[Number(m[1])], m[2]);
  }
  if (cur === null || typeof cur !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(cur, path)) return cur[path];
  // Try the longest key that is a prefix of the path up to a dot first.
  for (let dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
    const key = path.slice(0, dot);
    if (Object.prototype.hasOwnProperty.call(cur, key)) {
      const r = walk(cur[key], path.slice(dot + 1));
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/**
 * The facts document the agent uploads (PUT /puppet/v3/facts) and sends with a
 * catalog request: Puppet stamps it now and lets it expire one runinterval later.
 */
export function factsDocument(certname: string, values: Facts, opts: { now?: Date; runintervalSeconds?: number } = {}): FactsDocument {
  const now = opts.now ?? new Date();
  const stamp = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000+00:00');
  return {
    name: certname,
    values,
    timestamp: stamp(now),
    expiration: stamp(new Date(now.getTime() + (opts.runintervalSeconds ?? 1800) * 1000)),
  };
}
