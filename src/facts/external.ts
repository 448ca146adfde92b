// External facts from facts.d directories: key=value .txt files, .yaml and
// .json documents, and executables whose output is YAML, JSON or key=value.
// A broken file is reported and skipped; an executable that runs past its time
// budget is killed (with its children) and its facts are left out, so one bad
// fact can never stall or fail a run.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { homedir } from 'node:os';
import type { Data } from '../compiler/wire.js';
import type { Diagnostic } from '../util/diagnostic.js';

type Facts = Record<string, Data>;

/** Where Facter looks when running as root; Puppet adds $pluginfactdest ($vardir/facts.d). */
export const DEFAULT_FACT_DIRS = ['/etc/puppetlabs/facter/facts.d', '/etc/facter/facts.d', '/opt/puppetlabs/facter/facts.d'];

/** Facter's default directories for this user: the system ones for root, the home ones otherwise. */
export function defaultFactDirs(uid = process.getuid?.() ?? 0, home = homedir()): string[] {
  if (uid === 0) return DEFAULT_FACT_DIRS;
  return [join(home, '.facter', 'facts.d'), join(home, '.puppetlabs', 'opt', 'facter', 'facts.d')];
}

const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
const MAX_PARALLEL = 8;

export interface ExternalResult { facts: Facts; diagnostics: Diagnostic[] }

/** Facter's key=value format: one fact per line, the first "=" splits, lines without one are ignored. */
export function parseKeyValue(text: string): Facts {
  const out: Facts = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^(.+?)=(.+)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

function isMapping(v: unknown): v is Facts {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// The yaml package costs ~100 ms to load: only fact directories holding YAML or executables pay for it.
let yamlLib: typeof import('yaml') | undefined;
async function yaml(): Promise<typeof import('yaml')> {
  return (yamlLib ??= await import('yaml'));
}

/** YAML (a superset of JSON) without custom tags or unbounded aliases: data, never code. */
async function parseYamlDoc(text: string): Promise<unknown> {
  return (await yaml()).parse(text, { schema: 'core', maxAliasCount: 1000, uniqueKeys: false });
}

/** Executable output: a YAML or JSON mapping if it is one, otherwise key=value lines. */
export async function parseExecutableOutput(text: string): Promise<Facts> {
  try {
    const doc = await parseYamlDoc(text);
    if (isMapping(doc)) return doc;
  } catch { /* not YAML: fall through to key=value */ }
  return parseKeyValue(text);
}

function diag(message: string, file: string, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code: 'KUR0701', severity: 'warning', ...extra, message, location: { file, ...extra.location } };
}

/** Parses one data file (.txt, .yaml, .json); a diagnostic explains a file that cannot be used. */
export async function parseFactFile(file: string, text: string): Promise<{ facts?: Facts; diagnostic?: Diagnostic }> {
  const ext = extname(file).slice(1).toLowerCase();
  if (ext === 'txt') return { facts: parseKeyValue(text) };
  if (ext === 'json') {
    let doc: unknown;
    try { doc = JSON.parse(text); } catch (e) {
      // V8 reports "at position N"; turn it into a line and column.
      const pos = Number(/position (\d+)/.exec((e as Error).message)?.[1]);
      const loc = Number.isFinite(pos) ? lineCol(text, pos) : jsonErrorPos(text);
      // V8 may quote the whole document in its message; the excerpt shows the place instead.
      const msg = (e as Error).message.replace(/^(Unexpected token .+?), "[\s\S]*" is not valid JSON$/, '$1');
      return { diagnostic: diag(`Could not parse external fact file as JSON: ${msg}`, file, { location: { file, ...loc }, sourceText: text }) };
    }
    if (!isMapping(doc)) return { diagnostic: diag('External fact file must hold a JSON object of fact names to values', file, { value: Array.isArray(doc) ? 'array' : typeof doc }) };
    return { facts: doc as Facts };
  }
  if (ext === 'yaml') {
    let doc: unknown;
    try { doc = await parseYamlDoc(text); } catch (e) {
      const lp = e instanceof (await yaml()).YAMLParseError ? (e as import('yaml').YAMLParseError).linePos?.[0] : undefined;
      return { diagnostic: diag(`Could not parse external fact file as YAML: ${(e as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, file, { location: { file, line: lp?.line, column: lp?.col }, sourceText: text }) };
    }
    if (doc === null || doc === undefined) return { facts: {} };
    if (!isMapping(doc)) return { diagnostic: diag('External fact file must hold a YAML mapping of fact names to values', file, { value: Array.isArray(doc) ? 'array' : typeof doc }) };
    return { facts: toData(doc) as Facts };
  }
  return { diagnostic: diag(`Not a fact file (expected .txt, .yaml, .json or an executable)`, file) };
}

/**
 * Where JSON text breaks, when V8 does not say: the longest prefix that is still
 * valid-so-far ("Unexpected end of JSON input" or complete) is found by bisection.
 */
function jsonErrorPos(text: string): { line?: number; column?: number } {
  const okSoFar = (n: number) => {
    try { JSON.parse(text.slice(0, n)); return true; } catch (e) {
      // A truncated but so-far-valid text fails at its very end.
      const m = (e as Error).message;
      return /end of JSON input/.test(m) || Number(/at position (\d+)/.exec(m)?.[1]) >= n;
    }
  };
  let lo = 0; let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (okSoFar(mid)) lo = mid; else hi = mid - 1;
  }
  return lineCol(text, lo);
}

function lineCol(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return { line, column: pos - before.lastIndexOf('\n') };
}

/** YAML can yield dates and other non-JSON values; facts carry only JSON data. */
function toData(v: unknown): Data {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toData);
  if (typeof v === 'object') {
    const out: Facts = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toData(x);
    return out;
  }
  return String(v);
}

/** Runs one executable fact within its time budget; resolves with its facts or a diagnostic. */
export function runExecutableFact(file: string, timeoutMs: number): Promise<{ facts?: Facts; diagnostics: Diagnostic[] }> {
  return new Promise((resolve) => {
    const diagnostics: Diagnostic[] = [];
    let child;
    try {
      // detached: its own process group, so a timeout kills whatever it started too.
      child = spawn(file, [], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, cwd: '/' });
    } catch (e) {
      resolve({ diagnostics: [diag(`Could not run external fact: ${(e as Error).message}`, file)] });
      return;
    }
    const out: Buffer[] = []; let outLen = 0; let tooBig = false;
    const err: Buffer[] = []; let errLen = 0;
    let finished = false;
    const kill = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { try { child.kill('SIGKILL'); } catch { /* gone */ } } };
    const timer = setTimeout(() => {
      if (finished) return;
      finished = true;
      kill();
      resolve({ diagnostics: [diag(`External fact timed out after ${timeoutMs} ms; its facts are left out`, file, { code: 'KUR0702' })] });
    }, timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      outLen += b.length;
      if (outLen > MAX_OUTPUT_BYTES) { tooBig = true; kill(); return; }
      out.push(b);
    });
    child.stderr!.on('data', (b: Buffer) => { if (errLen < 64 * 1024) { err.push(b); errLen += b.length; } });
    child.on('error', (e) => {
      if (finished) return;
      finished = true; clearTimeout(timer);
      resolve({ diagnostics: [diag(`Could not run external fact: ${e.message}`, file)] });
    });
    child.on('close', (code, signal) => {
      if (finished) return;
      finished = true; clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (stderr) diagnostics.push(diag(`Command ${file} completed with the following stderr message: ${stderr}`, file, { code: 'KUR0703' }));
      if (tooBig) {
        diagnostics.push(diag(`External fact output exceeds ${MAX_OUTPUT_BYTES} bytes; its facts are left out`, file, { code: 'KUR0704' }));
        resolve({ diagnostics });
        return;
      }
      if (code !== 0) diagnostics.push(diag(`External fact exited with ${signal ? `signal ${signal}` : `status ${code}`}`, file, { code: 'KUR0705' }));
      parseExecutableOutput(Buffer.concat(out).toString('utf8')).then((facts) => resolve({ facts: toData(facts) as Facts, diagnostics }),
        (e: Error) => resolve({ diagnostics: [...diagnostics, diag(`Could not parse external fact output: ${e.message}`, file)] }));
    });
  });
}

interface Entry { file: string; stat: Stats }

function entries(dirs: string[]): Entry[] {
  const list: Entry[] = [];
  for (const dir of dirs) {
    let names: string[];
    try { names = readdirSync(dir); } catch { continue; }
    // Facter reads each directory in reverse name order and the last value set wins,
    // so within a directory the alphabetically first file wins; a later directory wins over an earlier one.
    for (const name of names.sort().reverse()) {
      if (name.startsWith('.')) continue;
      const file = join(dir, name);
      try {
        const stat = statSync(file);
        if (stat.isFile()) list.push({ file, stat });
      } catch { /* vanished or dangling link */ }
    }
  }
  return list;
}

/** Loads every external fact in `dirs` (missing directories are fine). Fact names are lower-cased, as Facter does. */
export async function loadExternalFacts(dirs: string[], opts: { timeoutMs?: number } = {}): Promise<ExternalResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const diagnostics: Diagnostic[] = [];
  const files = entries(dirs);
  const results: (Facts | undefined)[] = new Array(files.length);
  const jobs: (() => Promise<void>)[] = [];
  const parsing: Promise<void>[] = [];
  files.forEach(({ file, stat }, i) => {
    const ext = extname(file).slice(1).toLowerCase();
    if (ext === 'txt' || ext === 'yaml' || ext === 'json') {
      if (stat.size > MAX_FILE_BYTES) { diagnostics.push(diag(`External fact file is larger than ${MAX_FILE_BYTES} bytes; skipped`, file, { value: stat.size })); return; }
      let text: string;
      try { text = readFileSync(file, 'utf8'); } catch (e) { diagnostics.push(diag(`Could not read external fact file: ${(e as Error).message}`, file)); return; }
      parsing.push(parseFactFile(file, text).then((r) => {
        if (r.diagnostic) diagnostics.push(r.diagnostic);
        results[i] = r.facts;
      }));
      return;
    }
    if (!(stat.mode & 0o111)) {
      diagnostics.push(diag(`Skipping ${basename(file)}: not an executable and not a .txt, .yaml or .json file`, file, { severity: 'debug', code: 'KUR0706' }));
      return;
    }
    if (stat.mode & 0o002) {
      // Anyone could have put code there: refuse to run it as this (often root) user.
      diagnostics.push(diag('Refusing to run a world-writable external fact', file, { code: 'KUR0707', value: `0${(stat.mode & 0o7777).toString(8)}` }));
      return;
    }
    jobs.push(async () => {
      const r = await runExecutableFact(file, timeoutMs);
      diagnostics.push(...r.diagnostics);
      results[i] = r.facts;
    });
  });
  // A small pool: all executables progress together, but a directory of hundreds can't fork-bomb.
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL, jobs.length) }, async () => {
    while (next < jobs.length) await jobs[next++]();
  }));
  await Promise.all(parsing);
  const facts: Facts = {};
  for (const r of results) if (r) for (const [k, v] of Object.entries(r)) facts[k.toLowerCase()] = v;
  return { facts, diagnostics };
}

/** FACTER_name=value environment variables: facts that override all others. */
export function environmentFacts(env: NodeJS.ProcessEnv = process.env): Facts {
  const out: Facts = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && /^facter_./i.test(k)) out[k.slice(7).toLowerCase()] = v;
  }
  return out;
}
