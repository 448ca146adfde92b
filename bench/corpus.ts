// The corpus compile targets (../shared/corpus/targets), Kuroko vs real Puppet 7
// in the same run:
//  - Puppet: one `puppet catalog compile` per target (that is how it compiles
//    without a server), under netns-run; wall time and peak RSS from GNU time;
//  - Kuroko: one process per target (wall time with Node's start, peak RSS), and
//    one child process compiling the same targets in turn, each with a
//    fresh code cache (cold: every file read and parsed again), then again with
//    the cache kept (warm); per-target times, the process's peak RSS, and its
//    whole wall time including Node's start.
// Totals, medians and ratios. Which targets: a representative subset of 15
// (spread over catalog sizes) by default; `--limit=N` or KUROKO_BENCH_CORPUS_LIMIT=N
// for another count, `--limit=all` for every target.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { EnvironmentCache } from '../src/compiler/index.js';
import { puppetUnavailable } from '../test/compiler/harness.js';
import { listTargets, targetFacts, kurokoTarget, storedCatalog, puppetCatalogCompile, type Target } from '../test/compat/support/normalize-corpus.js';

const DEFAULT_COUNT = 15;

interface WorkerResult { cold: Record<string, number>; warm: Record<string, number>; errors: Record<string, string>; maxRssMb: number }

function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Every target when `count` covers them all, else `count` targets spread evenly over catalog sizes. */
function pick(all: Target[], count: number): Target[] {
  if (count >= all.length) return all;
  const sized = all.map((t) => ({ t, n: storedCatalog(t)?.resources.length ?? 0 })).sort((a, b) => a.n - b.n || a.t.id.localeCompare(b.t.id));
  const chosen = new Set<number>();
  for (let i = 0; i < count; i++) chosen.add(Math.round((i * (sized.length - 1)) / Math.max(1, count - 1)));
  return [...chosen].map((i) => sized[i].t).sort((a, b) => a.id.localeCompare(b.id));
}

function requestedCount(total: number): number {
  const arg = process.argv.find((a) => a.startsWith('--limit='))?.slice('--limit='.length) ?? process.env.KUROKO_BENCH_CORPUS_LIMIT;
  if (arg === undefined || arg === '') return Math.min(DEFAULT_COUNT, total);
  if (arg === 'all') return total;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--limit / KUROKO_BENCH_CORPUS_LIMIT must be a positive integer or "all", got '${arg}'`);
  return Math.min(n, total);
}

/** In the child process: compiles the targets named in argv, prints a WorkerResult as JSON. */
function worker(ids: string[]): void {
  const facts = targetFacts();
  const targets = listTargets().filter((t) => ids.includes(t.id));
  const res: WorkerResult = { cold: {}, warm: {}, errors: {}, maxRssMb: 0 };
  const shared = new EnvironmentCache();
  for (const t of targets) {
    const a = process.hrtime.bigint();
    const k = kurokoTarget(t, facts, new EnvironmentCache());
    res.cold[t.id] = Number(process.hrtime.bigint() - a) / 1e6;
    if ('error' in k) res.errors[t.id] = k.error.split('\n')[0];
    kurokoTarget(t, facts, shared);
    const b = process.hrtime.bigint();
    kurokoTarget(t, facts, shared);
    res.warm[t.id] = Number(process.hrtime.bigint() - b) / 1e6;
  }
  res.maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(res));
}

/**
 * The worker as plain JavaScript (bundled once with esbuild, tsx's own dependency), so that
 * Kuroko's figures do not include the TypeScript loader; through tsx when bundling fails.
 */
let workerArgs: string[] | undefined;
let bundleDir: string | undefined;
async function prepareWorker(): Promise<string> {
  const self = new URL(import.meta.url).pathname;
  try {
    const esbuild = (await import('esbuild' as string)) as { build(o: Record<string, unknown>): Promise<unknown> };
    // Inside the project so that its packages resolve; removed when the run ends.
    bundleDir = join(self, '..', '..', 'node_modules', `.kuroko-bench-corpus-${process.pid}`);
    await esbuild.build({
      entryPoints: { worker: self }, bundle: true, platform: 'node', format: 'esm', target: 'node20', outdir: bundleDir,
      outExtension: { '.js': '.mjs' }, packages: 'external', logLevel: 'silent',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    workerArgs = [join(bundleDir, 'worker.mjs')];
    return 'plain JavaScript (bundled)';
  } catch (e) {
    workerArgs = ['--import', 'tsx', self];
    return `through tsx (could not bundle: ${(e as Error).message.split('\n')[0]})`;
  }
}

function spawnWorker(ids: string[]): WorkerResult {
  const child = spawnSync(process.execPath, [...workerArgs!, '--corpus-worker', ...ids],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
  if (child.status !== 0) throw new Error(`Kuroko's compile process failed (${child.status}): ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.slice(child.stdout.indexOf('{'))) as WorkerResult;
}

export async function run(): Promise<void> {
  const all = listTargets();
  if (!all.length) { console.log('No corpus targets (../shared/corpus/targets is missing): nothing to measure.'); return; }
  const targets = pick(all, requestedCount(all.length));
  const facts = targetFacts();
  console.log(`${targets.length} of ${all.length} targets${targets.length < all.length ? ' (--limit=N or --limit=all for more)' : ''}; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);

  const how = await prepareWorker();
  try {
    await measure(targets, facts, how);
  } finally {
    if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  }
}

async function measure(targets: Target[], facts: ReturnType<typeof targetFacts>, how: string): Promise<void> {
  console.log(`Kuroko runs as ${how}.`);
  const began = process.hrtime.bigint();
  const k = spawnWorker(targets.map((t) => t.id));
  const kurokoWall = Number(process.hrtime.bigint() - began) / 1e9;
  // One process per target as well, like Puppet's: its wall time (Node's start included) and peak RSS.
  const single: Record<string, { wall: number; rssMb: number }> = {};
  for (const t of targets) {
    const a = process.hrtime.bigint();
    const r = spawnWorker([t.id]);
    single[t.id] = { wall: Number(process.hrtime.bigint() - a) / 1e9, rssMb: r.maxRssMb };
  }

  const why = puppetUnavailable();
  if (why) console.log(`Real Puppet cannot run here (${why}): Puppet columns are skipped.`);
  const p: Record<string, { seconds: number; rssMb?: number; error?: string }> = {};
  console.log('target                 resources  kuroko cold   kuroko warm  kuroko process   puppet   ratio (process)  kuroko RSS  puppet RSS');
  for (const t of targets) {
    const pr = why ? undefined : puppetCatalogCompile(t, facts);
    if (pr) p[t.id] = { seconds: pr.seconds, rssMb: pr.rssMb, error: pr.error };
    const n = storedCatalog(t)?.resources.length ?? 0;
    const kc = k.cold[t.id], kw = k.warm[t.id];
    const ratio = pr && !pr.error ? pr.seconds / single[t.id].wall : NaN;
    const note = [k.errors[t.id] ? `kuroko error: ${k.errors[t.id].slice(0, 60)}` : '', pr?.error ? `puppet error: ${pr.error.split('\n')[0].slice(0, 60)}` : ''].filter(Boolean).join('; ');
    console.log(`${t.id.padEnd(22)} ${String(n).padStart(9)}  ${`${kc.toFixed(1)} ms`.padStart(11)}  ${`${kw.toFixed(1)} ms`.padStart(11)}  ${`${single[t.id].wall.toFixed(2)} s`.padStart(14)}  ${pr ? `${pr.seconds.toFixed(2)} s`.padStart(7) : '-'.padStart(7)}  ${isNaN(ratio) ? '-'.padStart(15) : `${ratio.toFixed(1)}x`.padStart(15)}  ${`${single[t.id].rssMb.toFixed(0)} MB`.padStart(10)}  ${pr?.rssMb ? `${pr.rssMb.toFixed(0)} MB`.padStart(10) : '-'.padStart(10)}${note ? `  (${note})` : ''}`);
  }
  const ids = targets.map((t) => t.id);
  const kCold = ids.map((id) => k.cold[id]), kWarm = ids.map((id) => k.warm[id]);
  const pOk = ids.filter((id) => p[id] && !p[id].error);
  const pTimes = pOk.map((id) => p[id].seconds * 1000);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  console.log('');
  console.log(`Kuroko, all targets in one process: compile total ${(sum(kCold) / 1000).toFixed(2)} s cold (${(sum(kWarm) / 1000).toFixed(2)} s warm), median ${median(kCold).toFixed(1)} ms cold / ${median(kWarm).toFixed(1)} ms warm per target; `
    + `peak RSS ${k.maxRssMb.toFixed(0)} MB; the process's wall time ${kurokoWall.toFixed(2)} s`);
  const kProc = ids.map((id) => single[id].wall);
  const kRss = Math.max(...ids.map((id) => single[id].rssMb));
  console.log(`Kuroko, one process per target (Node's start included): total ${sum(kProc).toFixed(2)} s, median ${median(kProc).toFixed(2)} s; peak RSS ${kRss.toFixed(0)} MB (median ${median(ids.map((id) => single[id].rssMb)).toFixed(0)} MB)`);
  if (pTimes.length) {
    const pRss = Math.max(...pOk.map((id) => p[id].rssMb ?? 0));
    const kSameCold = pOk.map((id) => k.cold[id]);
    const kSameProc = pOk.map((id) => single[id].wall);
    const kSameRss = pOk.map((id) => single[id].rssMb);
    console.log(`Puppet, one process per target: total ${(sum(pTimes) / 1000).toFixed(2)} s, median ${(median(pTimes) / 1000).toFixed(2)} s; peak RSS ${pRss.toFixed(0)} MB (median ${median(pOk.map((id) => p[id].rssMb ?? 0)).toFixed(0)} MB)`);
    console.log(`Ratios, Puppet / Kuroko: process per target ${(sum(pTimes) / 1000 / sum(kSameProc)).toFixed(1)}x total, ${(median(pTimes) / 1000 / median(kSameProc)).toFixed(1)}x median; `
      + `compile alone (Kuroko cold, in process) ${(sum(pTimes) / sum(kSameCold)).toFixed(0)}x total, ${(median(pTimes) / median(kSameCold)).toFixed(0)}x median; `
      + `peak RSS ${(pRss / Math.max(...kSameRss)).toFixed(1)}x (medians ${(median(pOk.map((id) => p[id].rssMb ?? 0)) / median(kSameRss)).toFixed(1)}x)`);
    if (pOk.length < ids.length) console.log(`(${ids.length - pOk.length} targets failed in Puppet and are left out of Puppet's figures)`);
  }
}

if (process.argv.includes('--corpus-worker')) worker(process.argv.slice(process.argv.indexOf('--corpus-worker') + 1));
