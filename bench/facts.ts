// `npm run bench -- facts`: fact collection, Kuroko vs Debian's Facter, both as
// a whole command (`kuroko facts --json` vs `facter --json`) in a loopback-only
// network namespace: median wall time and peak RSS over several runs, with the
// ratio. Also Kuroko's in-process collection time, which is what an agent run pays.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');
const CLI = join(ROOT, 'src', 'cli', 'run.ts');
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall seconds and peak RSS (KiB) of one command, measured by GNU time inside the namespace. */
// Facter exits 1 here after logging that /proc/1/environ is unreadable; its facts are still complete.
function measure(cmd: string[], allowExit1 = false): { wall: number; rssKb: number } {
  const r = spawnSync(NETNS, ['/usr/bin/time', '-f', '@@%e %M', ...cmd], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const m = /@@([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  if (!(r.status === 0 || (allowExit1 && r.status === 1)) || !m) throw new Error(`${cmd.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-500)}`);
  return { wall: Number(m[1]), rssKb: Number(m[2]) };
}

function series(cmd: string[], allowExit1 = false): { wall: number; rssKb: number } {
  measure(cmd, allowExit1); // warm the page cache
  const runs = Array.from({ length: RUNS }, () => measure(cmd, allowExit1));
  return { wall: median(runs.map((r) => r.wall)), rssKb: Math.max(...runs.map((r) => r.rssKb)) };
}

export async function run(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'kuroko-bench-facts-'));
  const cleanup: string[] = [];
  try {
    const { collectFacts } = await import('../src/facts/index.js');
    await collectFacts({ defaultDirs: false });
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await collectFacts();
      times.push(performance.now() - t0);
    }
    console.log(`Kuroko in-process collectFacts(): median ${median(times).toFixed(1)} ms over 20 runs (min ${Math.min(...times).toFixed(1)} ms)`);

    const haveFacter = spawnSync('sh', ['-c', 'command -v facter'], { encoding: 'utf8' }).status === 0;
    if (!existsSync(NETNS) || !existsSync('/usr/bin/time') || spawnSync(NETNS, ['true']).status !== 0) {
      console.log('Skipped the command comparison: netns-run or /usr/bin/time is unavailable here (netns-run needs root).');
      return;
    }
    // Measure the product as it ships (plain node on compiled JavaScript), not tsx compiling on the fly:
    // esbuild bundles the CLI into a cache folder from which node_modules still resolves.
    let entry = [process.execPath, '--import', 'tsx', CLI];
    let how = 'through tsx, which adds its compile start-up';
    try {
      const esbuild = await import('esbuild');
      // Code splitting keeps each subcommand (and the packages it imports) in its own chunk, loaded only when run.
      const outdir = join(ROOT, 'node_modules', '.cache', `kuroko-bench-${process.pid}`);
      cleanup.push(outdir);
      await esbuild.build({ entryPoints: { run: CLI }, bundle: true, splitting: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outdir, outExtension: { '.js': '.mjs' }, logLevel: 'silent' });
      entry = [process.execPath, join(outdir, 'run.mjs')];
      how = 'bundled JavaScript on plain node';
    } catch (e) {
      console.log(`(could not bundle the CLI: ${(e as Error).message.split('\n')[0]}; measuring through tsx)`);
    }
    const kuroko = series([...entry, 'facts', '--json', '--confdir', join(home, 'etc'), '--vardir', join(home, 'var')]);
    const lines = [`kuroko facts --json: ${kuroko.wall.toFixed(2)} s wall (median of ${RUNS}), ${(kuroko.rssKb / 1024).toFixed(0)} MB peak RSS`];
    if (haveFacter) {
      const facter = series(['facter', '--json'], true);
      lines.push(`facter --json:       ${facter.wall.toFixed(2)} s wall (median of ${RUNS}), ${(facter.rssKb / 1024).toFixed(0)} MB peak RSS`);
      lines.push(`ratio: Kuroko is ${(facter.wall / kuroko.wall).toFixed(1)}x faster; its peak RSS is ${(kuroko.rssKb / facter.rssKb).toFixed(2)}x Facter's`);
      lines.push(`(Kuroko measured as ${how}; most of its RSS is Node's own baseline.)`);
    } else lines.push('facter is not installed: no comparison.');
    for (const l of lines) console.log(l);
  } finally {
    rmSync(home, { recursive: true, force: true });
    for (const f of cleanup) rmSync(f, { recursive: true, force: true });
  }
}
