// `npm run bench -- parse`: parse and validate every .pp file of the module
// corpus — Kuroko in-process vs `puppet parser validate` on the same files in one
// Ruby process (in a loopback-only network namespace). (.epp files are left out:
// Puppet 7's `parser validate` reads them as manifests; Kuroko's EPP figure is printed alone.) Prints files, lines,
// wall time, lines/s and peak RSS for each, and the throughput ratio (also net of
// Puppet's start-up, measured separately on an empty file).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');
const CORPUS = '/usr/share/puppet/modules';
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Puppet exits 1 on the corpus: with /usr/share/puppet/modules on its modulepath it also
// checks file locations (a class named after a module other than its directory, examples/
// files with top-level resources). Parsing and validation of every file still happen.
/** Wall seconds, CPU seconds (user + system) and peak RSS (KiB) of one command, by GNU time. */
function measure(cmd: string[]): { wall: number; cpu: number; rssKb: number } {
  const r = spawnSync(NETNS, ['/usr/bin/time', '-f', '@@%e %M %U %S', ...cmd], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const m = /@@([\d.]+) (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  if ((r.status !== 0 && r.status !== 1) || !m) throw new Error(`${cmd.slice(0, 3).join(' ')} ... failed (${r.status}): ${(r.stderr ?? '').slice(-800)}`);
  return { wall: Number(m[1]), rssKb: Number(m[2]), cpu: Number(m[3]) + Number(m[4]) };
}

export async function run(): Promise<void> {
  if (!existsSync(CORPUS)) { console.log(`Skipped: ${CORPUS} is absent (install ../shared/corpus/dev-modules.txt).`); return; }
  const { findManifestFiles, parseFile } = await import('../src/lang/files.js');
  const all = findManifestFiles(CORPUS);
  const files = all.filter((f) => f.endsWith('.pp'));
  const epps = all.filter((f) => f.endsWith('.epp'));
  let lines = 0, bytes = 0;
  for (const f of files) { const t = readFileSync(f, 'utf8'); bytes += t.length; lines += t.split('\n').length - 1; }

  // Kuroko: read, parse and validate every file, in this process.
  const parseAll = () => {
    let errors = 0;
    for (const f of files) for (const d of parseFile(f).diagnostics) if (d.severity === 'error') errors++;
    return errors;
  };
  const errors = parseAll(); // warm-up (JIT, page cache)
  const times: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    parseAll();
    const c = process.cpuUsage(c0);
    times.push((performance.now() - t0) / 1000);
    cpus.push((c.user + c.system) / 1e6);
  }
  const kWall = median(times);
  const kCpu = median(cpus);
  const kRss = process.resourceUsage().maxRSS; // KiB, this process (node + tsx + the parser)
  console.log(`corpus: ${files.length} files, ${lines} lines, ${(bytes / 1024 / 1024).toFixed(1)} MB; Kuroko errors: ${errors}`);
  const e0 = performance.now();
  for (const f of epps) parseFile(f);
  console.log(`Kuroko  EPP: ${epps.length} templates in ${((performance.now() - e0) / 1000).toFixed(3)} s (not compared)`);
  console.log(`Kuroko  parse+validate in-process: wall ${kWall.toFixed(3)} s, CPU ${kCpu.toFixed(3)} s (medians of ${RUNS}), ${Math.round(lines / kWall)} lines/s, peak RSS ${(kRss / 1024).toFixed(0)} MB (whole bench process)`);

  const havePuppet = spawnSync('sh', ['-c', 'command -v puppet'], { encoding: 'utf8' }).status === 0;
  if (!havePuppet || !existsSync(NETNS) || !existsSync('/usr/bin/time') || spawnSync(NETNS, ['true']).status !== 0) {
    console.log('Skipped the Puppet side: puppet, netns-run (needs root) or /usr/bin/time is unavailable here.');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kuroko-bench-parse-'));
  try {
    const conf = ['--confdir', join(dir, 'conf'), '--vardir', join(dir, 'var'), '--codedir', join(dir, 'code'), '--logdir', join(dir, 'log')];
    const empty = join(dir, 'empty.pp');
    writeFileSync(empty, '');
    measure(['puppet', 'parser', 'validate', ...conf, empty]); // warm the page cache
    const empties = [0, 1, 2].map(() => measure(['puppet', 'parser', 'validate', ...conf, empty]));
    const startup = median(empties.map((x) => x.wall));
    const startupCpu = median(empties.map((x) => x.cpu));
    const p = measure(['puppet', 'parser', 'validate', ...conf, ...files]);
    const net = Math.max(0.001, p.wall - startup);
    const netCpu = Math.max(0.001, p.cpu - startupCpu);
    console.log(`Puppet  parser validate (one Ruby process): wall ${p.wall.toFixed(2)} s (start-up ${startup.toFixed(2)} s, net ${net.toFixed(2)} s), CPU ${p.cpu.toFixed(2)} s (net ${netCpu.toFixed(2)} s), ${Math.round(lines / p.wall)} lines/s (${Math.round(lines / net)} net), peak RSS ${(p.rssKb / 1024).toFixed(0)} MB`);
    console.log(`ratio   in-process throughput ${(p.wall / kWall).toFixed(1)}x Puppet's whole run (${(net / kWall).toFixed(1)}x net of its start-up); by CPU time ${(p.cpu / kCpu).toFixed(1)}x (${(netCpu / kCpu).toFixed(1)}x net)`);
    console.log(`        (wall figures depend on machine load: load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs now)`);

    // The same as a whole command: `kuroko parser validate FILES` as shipped (bundled JavaScript on plain node).
    const outdir = join(ROOT, 'node_modules', '.cache', `kuroko-bench-parse-${process.pid}`);
    try {
      const esbuild = await import('esbuild');
      await esbuild.build({ entryPoints: { run: join(ROOT, 'src', 'cli', 'run.ts') }, bundle: true, splitting: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outdir, outExtension: { '.js': '.mjs' }, logLevel: 'silent' });
      const cmd = [process.execPath, join(outdir, 'run.mjs'), 'parser', 'validate', ...conf, ...files];
      measure(cmd);
      const k = [0, 1, 2].map(() => measure(cmd));
      const kw = median(k.map((x) => x.wall));
      const kc = median(k.map((x) => x.cpu));
      const kr = Math.max(...k.map((x) => x.rssKb));
      console.log(`Kuroko  kuroko parser validate (one node process): wall ${kw.toFixed(2)} s, CPU ${kc.toFixed(2)} s (medians of 3), ${Math.round(lines / kw)} lines/s, peak RSS ${(kr / 1024).toFixed(0)} MB`);
      console.log(`ratio   whole command: ${(p.wall / kw).toFixed(1)}x faster by wall, ${(p.cpu / kc).toFixed(1)}x by CPU; peak RSS ${(kr / p.rssKb).toFixed(2)}x Puppet's`);
    } catch (e) {
      console.log(`(could not bundle the CLI for the whole-command comparison: ${(e as Error).message.split('\n')[0]})`);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
