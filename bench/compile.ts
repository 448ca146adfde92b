// Catalog compile: Kuroko vs real Puppet 7 in the same run.
//  - cold: a new process per catalog (`kuroko catalog compile` vs `puppet catalog compile`), wall time and peak RSS;
//  - warm: Kuroko in process with parsed code cached, per catalog (target: < 20 ms for 100 resources).
// Inputs: a few fixtures from test/compat/fixtures/compile and dev-corpus classes when ../shared/corpus exists.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileSync, EnvironmentCache } from '../src/compiler/index.js';
import type { Data } from '../src/compiler/wire.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const FIX = join(ROOT, 'test', 'compat', 'fixtures', 'compile');
const NETNS = resolve(ROOT, '..', 'shared', 'bin', 'netns-run');
const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'targets');
const CERT = 'node1.test.com';

interface Case { name: string; manifest: string; modulepath: string[]; facts: Record<string, Data> }

interface Timing { secs: number; cpu: number; rssMb: number; ok: boolean }

// Wall time, CPU time (user+sys: steadier on a busy machine) and peak RSS, from GNU time.
function timed(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Timing {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [secs, user, sys, kb] = last.split(' ').map(Number);
  return { secs, cpu: user + sys, rssMb: kb / 1024, ok: r.status === 0 };
}

function puppetCold(c: Case, work: string): Timing {
  const d = mkdtempSync(join(work, 'p-'));
  const envdir = join(d, 'code', 'environments', 'production');
  mkdirSync(envdir, { recursive: true });
  writeFileSync(join(envdir, 'environment.conf'), `manifest = ${c.manifest}\nmodulepath = ${c.modulepath.join(':')}\nconfig_version = /bin/echo 1\n`);
  mkdirSync(join(d, 'var', 'server_data', 'facts'), { recursive: true });
  writeFileSync(join(d, 'var', 'server_data', 'facts', `${CERT}.json`), JSON.stringify({ name: CERT, values: c.facts, timestamp: '2026-01-01T00:00:00Z', expiration: '2030-01-01T00:00:00Z' }));
  const dirs = ['confdir', 'vardir', 'codedir', 'ssldir', 'logdir', 'rundir', 'publicdir'].flatMap((k) => [`--${k}`, join(d, k === 'vardir' ? 'var' : k === 'codedir' ? 'code' : k)]);
  return timed(NETNS, ['puppet', 'catalog', 'compile', CERT, ...dirs, '--facts_terminus', 'json', '--node_terminus', 'plain', '--render-as', 'json', '--color', 'false', '--logdest', join(d, 'log'), '--environment', 'production']);
}

type Esbuild = { build(o: Record<string, unknown>): Promise<unknown> };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/**
 * The CLI as compiled JavaScript, not transpiled at start-up, built with esbuild (tsx's own
 * dependency) in two layouts: one file per module as dist/ ships it (tsc's layout), and one
 * bundle split only at dynamic imports (what bundling dist would give). Inside the project so
 * that its packages resolve; removed when the run ends.
 */
async function buildCli(): Promise<{ perFile: string[]; bundle: string[] }> {
  try {
    const esbuild = (await import('esbuild' as string)) as Esbuild;
    const outdir = join(ROOT, 'node_modules', `.kuroko-bench-${process.pid}`);
    built = outdir;
    await esbuild.build({
      entryPoints: sourceFiles(join(ROOT, 'src')), outbase: ROOT, outdir: join(outdir, 'files'), bundle: false, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent',
    });
    // node_modules ends the package scope: say that these .js files are ES modules.
    writeFileSync(join(outdir, 'files', 'package.json'), '{"type":"module"}\n');
    await esbuild.build({
      entryPoints: { kuroko: join(ROOT, 'src', 'cli', 'run.ts') }, bundle: true, splitting: true, platform: 'node', format: 'esm', target: 'node20', outdir: join(outdir, 'bundle'), outExtension: { '.js': '.mjs' },
      packages: 'external', logLevel: 'silent',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    return { perFile: [join(outdir, 'files', 'src', 'cli', 'run.js')], bundle: [join(outdir, 'bundle', 'kuroko.mjs')] };
  } catch (e) {
    console.log(`(could not build the CLI, timing it through tsx: ${(e as Error).message.split('\n')[0]})`);
    const tsx = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'run.ts')];
    return { perFile: tsx, bundle: tsx };
  }
}

let built: string | undefined;

function kurokoCold(c: Case, work: string, cli: string[]): Timing {
  const facts = join(work, `facts-${c.name}.json`);
  writeFileSync(facts, JSON.stringify(c.facts));
  return timed(process.execPath, [...cli, 'catalog', 'compile', CERT, '--facts', facts,
    '--manifest', c.manifest, '--modulepath', c.modulepath.join(':'), '--codedir', join(work, 'code'), '--confdir', join(work, 'conf'), '--no-strict_variables']);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kuroko-bench-compile-'));
  try {
    const cli = await buildCli();
    const facts = JSON.parse(readFileSync(join(FIX, 'facts.json'), 'utf8')) as Record<string, Data>;
    const big = join(work, 'hundred.pp');
    writeFileSync(big, `class hundred { Integer[1, 100].each |$i| { file { "/tmp/h/\${i}": ensure => file, content => "line \${i}\\n", mode => '0644' } } }\ninclude hundred\n`);
    const cases: Case[] = [
      { name: 'hundred-files', manifest: big, modulepath: [join(FIX, 'modules')], facts },
      ...['classic_nginx_web', 'define_module', 'inherits_params', 'iter_map_filter'].map((n) => ({ name: n, manifest: join(FIX, `${n}.pp`), modulepath: [join(FIX, 'modules')], facts })),
    ];
    // Dev-corpus classes (real modules), when the shared corpus is present.
    const corpusFacts = join(CORPUS, 'facts-node1.test.com.json');
    if (existsSync(corpusFacts)) {
      const doc = JSON.parse(readFileSync(corpusFacts, 'utf8')) as { values?: Record<string, Data> } & Record<string, Data>;
      const cf = (doc.values ?? doc) as Record<string, Data>;
      for (const t of ['ntp__1', 'ssh__1', 'concat__1']) {
        const p = join(CORPUS, `${t}.pp`);
        if (existsSync(p)) cases.push({ name: `corpus:${t}`, manifest: p, modulepath: ['/usr/share/puppet/modules'], facts: cf });
      }
    }
    const havePuppet = existsSync('/usr/lib/ruby/vendor_ruby/puppet.rb') && existsSync(NETNS);
    if (!havePuppet) console.log('Real Puppet is not installed: Puppet columns are skipped.');
    console.log('Kuroko cold: the CLI one file per module as dist/ ships it; "bundled": the same code bundled into one file.');
    console.log('case                  kuroko cold (cpu)    puppet cold (cpu)    ratio wall / cpu   kuroko RSS  puppet RSS   bundled cold (ratio)   kuroko warm');
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    const bundleRatios: number[] = [];
    for (const c of cases) {
      const k = kurokoCold(c, work, cli.perFile);
      const kb = kurokoCold(c, work, cli.bundle);
      const p = havePuppet ? puppetCold(c, work) : undefined;
      let warm = NaN;
      let warmNote = '';
      try {
        const cache = new EnvironmentCache();
        const req = { certname: CERT, facts: c.facts, environment: 'production', manifest: c.manifest, modulepath: c.modulepath, strictVariables: false };
        let res = compileSync(req, cache);
        for (let i = 0; i < 5; i++) compileSync(req, cache);
        const n = 20;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) res = compileSync(req, cache);
        warm = (performance.now() - t0) / n;
        warmNote = `${res.catalog.resources.length} res`;
      } catch (e) {
        warmNote = `error: ${(e as Error).message.split('\n')[0].slice(0, 60)}`;
      }
      const ratio = p && k.ok && p.ok ? p.secs / k.secs : NaN;
      const cpuRatio = p && k.ok && p.ok ? p.cpu / k.cpu : NaN;
      if (!isNaN(ratio)) { ratios.push(ratio); cpuRatios.push(cpuRatio); }
      const bRatio = p && kb.ok && p.ok ? p.secs / kb.secs : NaN;
      if (!isNaN(bRatio)) bundleRatios.push(bRatio);
      const fmt = (t: Timing | undefined) => (!t ? '-' : t.ok ? `${t.secs.toFixed(2)} s (${t.cpu.toFixed(2)} s)` : 'FAILED');
      console.log(`${c.name.padEnd(21)} ${fmt(k).padEnd(20)} ${fmt(p).padEnd(20)} ${isNaN(ratio) ? '-'.padEnd(18) : `${ratio.toFixed(1)}x / ${cpuRatio.toFixed(1)}x`.padEnd(18)} ${`${k.rssMb.toFixed(0)} MB`.padEnd(11)} ${(p ? `${p.rssMb.toFixed(0)} MB` : '-').padEnd(12)} ${(kb.ok ? `${kb.secs.toFixed(2)} s (${isNaN(bRatio) ? '-' : bRatio.toFixed(1) + 'x'})` : 'FAILED').padEnd(22)} ${isNaN(warm) ? '-' : `${warm.toFixed(2)} ms`} (${warmNote})`);
    }
    if (ratios.length) console.log(`median cold speed-up, Puppet / Kuroko: wall ${median(ratios).toFixed(1)}x, CPU ${median(cpuRatios).toFixed(1)}x (target >= 10x); bundled: wall ${median(bundleRatios).toFixed(1)}x; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (built) rmSync(built, { recursive: true, force: true });
  }
}
