// `npm run bench -- agent`: applying catalogs of 100 and 1,000 file
// resources, first run (everything created) and in-sync run (nothing to do):
// `kuroko apply --catalog` vs `puppet apply --catalog` on the same catalog,
// facts injected for Puppet (no Facter), both in a loopback-only network
// namespace. One run each: wall time and peak RSS (GNU time), with ratios.
// Then memory over 1,000 runs: a real `kuroko agent --no-daemonize` daemon
// (runinterval 0) against a real Kuroko server on 127.0.0.1, its RSS read
// from /proc as the runs go; and 1,000 in-process applies, heap after GC.
// Kuroko is measured as users run it: bin/kuroko.js executed directly (its
// #! line's node flags and environment) on a fresh tsc build of the sources
// in a temp dir (the checkout's dist/ may be stale or half-written).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');
const FACTS = join(ROOT, '..', 'shared', 'reference', 'wire-samples', 'agent-facts-payload.json');
const CERT = 'bench.example';

interface M { wall: number; rssKb: number }

function measure(cmd: string[], okCodes: number[]): M {
  const r = spawnSync(NETNS, ['/usr/bin/time', '-f', '@@%e %M', ...cmd], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const m = /@@([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  if (!okCodes.includes(r.status ?? -1) || !m) throw new Error(`${cmd.slice(0, 4).join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-800)}`);
  return { wall: Number(m[1]), rssKb: Number(m[2]) };
}

function catalog(dir: string, n: number): object {
  const resources: object[] = [
    { type: 'Stage', title: 'main', tags: ['stage'], exported: false, parameters: { name: 'main' } },
    { type: 'Class', title: 'main', tags: ['class'], exported: false, parameters: { name: 'main' } },
    { type: 'File', title: dir, tags: ['file', 'class'], exported: false, file: '/bench/site.pp', line: 1, parameters: { ensure: 'directory', mode: '0755' } },
  ];
  const edges = [{ source: 'Stage[main]', target: 'Class[main]' }, { source: 'Class[main]', target: `File[${dir}]` }];
  for (let i = 0; i < n; i++) {
    const path = `${dir}/file${i}.conf`;
    resources.push({ type: 'File', title: path, tags: ['file', 'class'], exported: false, file: '/bench/site.pp', line: 2, parameters: { ensure: 'file', content: `setting_${i} = ${'x'.repeat(40)}\n`, mode: '0644' } });
    edges.push({ source: 'Class[main]', target: `File[${path}]` });
  }
  return { tags: ['class'], name: CERT, version: 1, code_id: null, catalog_uuid: '00000000-0000-4000-8000-000000000000', catalog_format: 1, environment: 'production', resources, edges, classes: [] };
}

/** Builds the sources with tsc into work/kuroko/dist beside a copy of bin/kuroko.js: the installed layout. */
function build(work: string): { entry: string[]; how: string } {
  const home = join(work, 'kuroko');
  mkdirSync(join(home, 'bin'), { recursive: true });
  const t0 = performance.now();
  // tsc emits even when some file elsewhere does not type-check; the entry point must exist.
  spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json'), '--outDir', join(home, 'dist'), '--sourceMap', 'false'], { encoding: 'utf8' });
  if (!existsSync(join(home, 'dist', 'src', 'cli', 'main.js'))) throw new Error('tsc produced no dist/src/cli/main.js');
  copyFileSync(join(ROOT, 'bin', 'kuroko.js'), join(home, 'bin', 'kuroko.js'));
  chmodSync(join(home, 'bin', 'kuroko.js'), 0o755);
  copyFileSync(join(ROOT, 'package.json'), join(home, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(home, 'node_modules'));
  const shebang = readFileSync(join(ROOT, 'bin', 'kuroko.js'), 'utf8').split('\n')[0];
  return {
    entry: [join(home, 'bin', 'kuroko.js')],
    how: `bin/kuroko.js run directly on a tsc build (${((performance.now() - t0) / 1000).toFixed(0)} s to build), as installed: ${shebang.replace(/^#!\/usr\/bin\/env -S /, '')}`,
  };
}

const fmt = (m: M) => `${m.wall.toFixed(2)} s, ${(m.rssKb / 1024).toFixed(0)} MB`;

async function daemonMemory(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { applyCatalog } = await import('../src/agent/apply.js');
  const { log } = await import('../src/log/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'kuroko-bench-daemon-'));
  try {
    const cat = catalog(join(dir, 't'), 20) as never;
    log.setDestinations([]);
    const heapAt: Record<number, number> = {};
    const t0 = performance.now();
    for (let i = 1; i <= 1000; i++) {
      await applyCatalog(cat, { host: CERT });
      if (i === 100 || i === 1000) { gc(); heapAt[i] = process.memoryUsage().heapUsed; }
    }
    const secs = (performance.now() - t0) / 1000;
    console.log(`1,000 in-process runs of a 20-file catalog: ${secs.toFixed(1)} s; heap after GC at run 100: ${(heapAt[100] / 1048576).toFixed(1)} MB, at run 1,000: ${(heapAt[1000] / 1048576).toFixed(1)} MB (growth ${((heapAt[1000] - heapAt[100]) / 1048576).toFixed(2)} MB)`);
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** VmRSS and VmHWM (peak) of a live process, in MB, from /proc. */
function procMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch { return undefined; }
}

/** 1,000 runs of the agent daemon, a real process, against a real server in this process. */
export async function daemonRuns(entry: string[], work: string): Promise<void> {
  const RUNS = 1000;
  const [{ startTestServer }, { TestPki }] = await Promise.all([import('../test/server/harness.js'), import('../test/server/pki.js')]);
  const { log } = await import('../src/log/index.js');
  log.setDestinations([]);
  const d = join(work, 'daemon');
  const pki = new TestPki(join(d, 'pki'));
  const serverCert = pki.issue('localhost', 'server_ext');
  const agentCert = pki.issue(CERT);
  const server = await startTestServer({
    workerModule: new URL('../test/agent/fixtures/catalog-worker.ts', import.meta.url),
    tls: { key: serverCert.key, cert: serverCert.cert, ca: pki.caPem, crl: pki.crlPem },
  });
  const ssl = join(d, 'ssl');
  mkdirSync(join(ssl, 'certs'), { recursive: true });
  mkdirSync(join(ssl, 'private_keys'), { recursive: true, mode: 0o750 });
  writeFileSync(join(ssl, 'certs', 'ca.pem'), pki.caPem);
  writeFileSync(join(ssl, 'crl.pem'), pki.crlPem);
  writeFileSync(join(ssl, 'certs', `${CERT}.pem`), agentCert.cert);
  writeFileSync(join(ssl, 'private_keys', `${CERT}.pem`), agentCert.key, { mode: 0o600 });
  mkdirSync(join(d, 'managed'), { recursive: true });
  writeFileSync(join(d, 'facts.json'), JSON.stringify({ agent_test_dir: join(d, 'managed') }));
  const child = spawn(entry[0], [...entry.slice(1), 'agent', '--no-daemonize', '--runinterval', '0', '--confdir', join(d, 'etc'), '--vardir', join(d, 'var'),
    '--rundir', join(d, 'run'), '--logdir', join(d, 'log'), '--ssldir', ssl, '--certname', CERT, '--server', '127.0.0.1', '--serverport', String(server.server.port),
    '--facts-file', join(d, 'facts.json')], { env: { ...process.env, NO_COLOR: '1', KUROKO_AGENT_MAX_RUNS: String(RUNS) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const at: Record<number, { rss: number; hwm: number }> = {};
  let runs = 0;
  let tail = '';
  const t0 = performance.now();
  try {
    const code = await new Promise<number | null>((res) => {
      child.stdout.on('data', (b: Buffer) => {
        const text = tail + b.toString('utf8');
        const lines = text.split('\n');
        tail = lines.pop() ?? '';
        for (const l of lines) {
          if (!/Applied catalog in/.test(l)) continue;
          runs++;
          if (runs === 10 || runs === 100 || runs === 500 || runs === RUNS - 1) { const m = procMemory(child.pid!); if (m) at[runs] = m; }
        }
      });
      child.stderr.resume();
      child.on('exit', res);
    });
    const secs = (performance.now() - t0) / 1000;
    if (code !== 0 || runs !== RUNS) { console.log(`agent daemon: ended with code ${code} after ${runs} runs (expected ${RUNS}): no figure`); return; }
    const f = (n: number) => (at[n] ? `${at[n].rss.toFixed(1)} MB` : 'n/a');
    const growth = at[10] && at[RUNS - 1] ? (at[RUNS - 1].rss - at[10].rss).toFixed(1) : 'n/a';
    console.log(`agent daemon, ${RUNS} runs (catalog, apply, report over mTLS) in ${secs.toFixed(1)} s: RSS after run 10 ${f(10)}, 100 ${f(100)}, 500 ${f(500)}, ${RUNS - 1} ${f(RUNS - 1)} `
      + `(growth ${growth} MB; peak ${at[RUNS - 1]?.hwm.toFixed(1) ?? 'n/a'} MB). Puppet's daemon is not measured here (it needs a puppetserver).`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await server.stop();
  }
}

export async function run(): Promise<void> {
  const cleanup: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'kuroko-bench-agent-'));
  cleanup.push(work);
  try {
    const canNetns = existsSync(NETNS) && existsSync('/usr/bin/time') && spawnSync(NETNS, ['true']).status === 0;
    const havePuppet = spawnSync('sh', ['-c', 'command -v puppet'], { encoding: 'utf8' }).status === 0;
    if (!canNetns) console.log('netns-run or /usr/bin/time is unavailable (netns-run needs root): Puppet is not measured.');
    const { entry, how } = build(work);
    console.log(`Kuroko measured as ${how}. One run per cell: wall seconds, peak RSS.`);
    console.log(`Load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} CPUs (other work on the machine slows both sides).`);
    const rows: string[] = [];
    for (const n of [100, 1000]) {
      const kdir = join(work, `k${n}`);
      const pdir = join(work, `p${n}`);
      const kcat = join(work, `k${n}.json`);
      const pcat = join(work, `p${n}.json`);
      mkdirSync(kdir, { recursive: true });
      mkdirSync(pdir, { recursive: true });
      writeFileSync(kcat, JSON.stringify(catalog(join(kdir, 'target'), n)));
      writeFileSync(pcat, JSON.stringify(catalog(join(pdir, 'target'), n)));
      const kargs = [...entry, 'apply', '--catalog', kcat, '--confdir', join(kdir, 'etc'), '--vardir', join(kdir, 'var'), '--certname', CERT, '--detailed-exitcodes'];
      const run = (args: string[]) => (canNetns ? measure(args, [0, 2]) : (() => {
        const t0 = performance.now();
        const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
        if (r.status !== 0 && r.status !== 2) throw new Error(r.stderr);
        return { wall: (performance.now() - t0) / 1000, rssKb: NaN };
      })());
      const kFirst = run(kargs);
      const kSync = run(kargs);
      const line = [`${String(n).padStart(5)} files  kuroko first ${fmt(kFirst)} | in-sync ${fmt(kSync)}`];
      if (canNetns && havePuppet) {
        const pv = join(pdir, 'var');
        mkdirSync(join(pv, 'client_data', 'facts'), { recursive: true });
        const facts = JSON.parse(readFileSync(FACTS, 'utf8')) as { name: string };
        facts.name = CERT;
        writeFileSync(join(pv, 'client_data', 'facts', `${CERT}.json`), JSON.stringify(facts));
        const pargs = ['puppet', 'apply', '--catalog', pcat, '--confdir', join(pdir, 'etc'), '--vardir', pv, '--codedir', join(pdir, 'code'), '--ssldir', join(pdir, 'ssl'),
          '--logdir', join(pdir, 'log'), '--rundir', join(pdir, 'run'), '--publicdir', join(pdir, 'pub'), '--certname', CERT, '--facts_terminus', 'json',
          '--color', 'false', '--detailed-exitcodes'];
        const pFirst = measure(pargs, [0, 2]);
        const pSync = measure(pargs, [0, 2]);
        line.push(`${' '.repeat(11)}puppet first ${fmt(pFirst)} | in-sync ${fmt(pSync)}`);
        line.push(`${' '.repeat(11)}ratio (Puppet/Kuroko): first ${(pFirst.wall / kFirst.wall).toFixed(1)}x faster, RSS ${(kFirst.rssKb / pFirst.rssKb).toFixed(2)} of Puppet's; `
          + `in-sync ${(pSync.wall / kSync.wall).toFixed(1)}x faster, RSS ${(kSync.rssKb / pSync.rssKb).toFixed(2)} of Puppet's`);
      } else if (!havePuppet) line.push('           puppet is not installed: no comparison.');
      rows.push(...line);
      console.log(line.join('\n'));
    }
    await daemonRuns(entry, work);
    await daemonMemory();
  } finally {
    for (const f of cleanup) rmSync(f, { recursive: true, force: true });
  }
}
