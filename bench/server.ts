// `npm run bench -- server`: N simulated agents (real mTLS clients, each with
// its own certificate signed by the server's CA, keep-alive) POST catalog
// requests with real agent facts for T seconds. Prints catalogs/s, p50/p99
// latency, errors and the server's RSS (current and peak), beside
// puppetserver 7.9's figures when it is installed: a private puppetserver on
// 127.0.0.1 (test/compat/support/puppetserver.ts) serves the same code base to
// the same number of clients, with certificates from its own CA, for the same
// time; RSS is the sum over each server's process tree. With puppetserver the
// benchmark runs itself under ../shared/bin/netns-run (loopback only).
// Kuroko runs as shipped: the sources compiled by tsc into a temp dir beside
// a copy of bin/kuroko.js, started through that file (so the node flags it
// gives `server` apply), not through tsx, whose loader alone holds ~60 MB.
// Knobs: BENCH_CLIENTS (default 8, at most 64), BENCH_SECONDS (default 10,
// at most 60), BENCH_WARMUP_SECONDS (default 2), BENCH_PUPPETSERVER_WARMUP_SECONDS
// (default 10: JRuby's JIT needs it), BENCH_NO_PUPPETSERVER=1 to skip it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loopbackOnly, startPuppetserver, treeRssMb, whyNoPuppetserver } from '../test/compat/support/puppetserver.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FACTS = join(ROOT, '..', 'shared', 'reference', 'wire-samples', 'agent-facts-payload.json');
const clamp = (v: string | undefined, dflt: number, max: number) => Math.max(1, Math.min(max, Number(v ?? dflt) || dflt));

interface Figures { catalogs: number; seconds: number; perSecond: number; p50: number; p99: number; errors: number; rssMb: number; peakRssMb: number; firstError?: string }

// The server's RSS now (its whole process tree) and the main process's peak.
function rssOf(pid: number): { rss: number; peak: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rss: treeRssMb(pid), peak: kb('VmHWM') / 1024 };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function post(agent: Agent, port: number, ca: string, certname: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: 'POST', path: `/puppet/v3/catalog/${certname}?environment=production`, agent, ca, servername: 'localhost',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), Accept: 'application/json', 'Accept-Encoding': 'gzip', 'X-Puppet-Version': '7.23.0' },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: res.headers['content-encoding'] ? '' : Buffer.concat(chunks).toString('utf8').slice(0, 300) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Warm-up lasts `warmup` seconds and, with `warm.requests`, until that many answers came back (at most `warm.maxSeconds`).
async function load(port: number, ca: string, clients: { certname: string; key: string; cert: string }[], seconds: number, warmup: number, serverPid: number, warm?: { requests: number; maxSeconds: number }): Promise<Figures & { warmSeconds: number; warmRequests: number }> {
  const factsDoc = JSON.parse(readFileSync(FACTS, 'utf8')) as { name: string; values: Record<string, unknown> };
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let measuring = false;
  let stop = false;
  let answered = 0;
  const worker = async (c: { certname: string; key: string; cert: string }) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, key: c.key, cert: c.cert, ca });
    const facts = JSON.stringify({ ...factsDoc, name: c.certname, timestamp: new Date().toISOString() });
    const body = new URLSearchParams({ facts_format: 'application/json', facts: encodeURIComponent(facts), environment: 'production', transaction_uuid: '00000000-0000-4000-8000-000000000000', static_catalog: 'true', checksum_type: 'sha256.sha384.sha512.sha224.md5' }).toString();
    while (!stop) {
      const t0 = process.hrtime.bigint();
      try {
        const r = await post(agent, port, ca, c.certname, body);
        answered++;
        if (r.status !== 200) throw new Error(`HTTP ${r.status} ${r.text}`);
        if (measuring) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (e) {
        if (measuring) { errors++; firstError ??= (e as Error).message; }
      }
    }
    agent.destroy();
  };
  const running = clients.map(worker);
  const warmStart = Date.now();
  await new Promise((r) => setTimeout(r, warmup * 1000));
  while (warm && answered < warm.requests && Date.now() - warmStart < warm.maxSeconds * 1000) await new Promise((r) => setTimeout(r, 100));
  const warmSeconds = (Date.now() - warmStart) / 1000;
  const warmRequests = answered;
  measuring = true;
  const t0 = Date.now();
  let peakSample = 0;
  const sampler = setInterval(() => { try { peakSample = Math.max(peakSample, rssOf(serverPid).rss); } catch { /* gone */ } }, 200);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (Date.now() - t0) / 1000;
  stop = true;
  clearInterval(sampler);
  await Promise.all(running);
  const mem = rssOf(serverPid);
  latencies.sort((a, b) => a - b);
  return { catalogs: latencies.length, seconds: elapsed, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, rssMb: Math.max(mem.rss, peakSample), peakRssMb: mem.peak, firstError, warmSeconds, warmRequests };
}

/**
 * Kuroko as installed: src/ compiled by tsc into `dir`/dist, with package.json,
 * bin/kuroko.js and node_modules beside it. Returns the command to start, or
 * why it could not be built (then the benchmark runs the sources through tsx).
 */
function buildKuroko(dir: string): { command: string[] } | { why: string } {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    extends: join(ROOT, 'tsconfig.json'),
    compilerOptions: { outDir: join(dir, 'dist'), rootDir: ROOT, sourceMap: false, noEmitOnError: false, incremental: false },
    include: [join(ROOT, 'src', '**', '*.ts')],
  }));
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
  // Type errors elsewhere in a shared checkout still emit JavaScript; only a missing entry point stops us.
  if (!existsSync(join(dir, 'dist', 'src', 'cli', 'main.js'))) return { why: `tsc did not build dist/src/cli/main.js: ${(tsc.stdout + tsc.stderr).trim().split('\n').slice(0, 3).join(' / ')}` };
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(ROOT, 'bin', 'kuroko.js'), join(dir, 'bin', 'kuroko.js'));
  chmodSync(join(dir, 'bin', 'kuroko.js'), 0o755);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { command: [join(dir, 'bin', 'kuroko.js')] };
}

async function startKuroko(dir: string): Promise<{ child: ChildProcess; port: number; flags: string[]; cli: Record<string, string>; how: string }> {
  const cli: Record<string, string> = {
    confdir: join(dir, 'etc'), vardir: join(dir, 'var'), codedir: join(dir, 'code'), logdir: join(dir, 'log'), rundir: join(dir, 'run'),
    basemodulepath: join(dir, 'code', 'modules'), certname: 'localhost', key_type: 'ec', bindaddress: '127.0.0.1', serverport: '0',
    max_queued_requests: '1000',
  };
  mkdirSync(join(cli.codedir, 'environments', 'production', 'manifests'), { recursive: true });
  mkdirSync(cli.basemodulepath, { recursive: true });
  copyFileSync(join(ROOT, 'bench', 'fixtures', 'server-site.pp'), join(cli.codedir, 'environments', 'production', 'manifests', 'site.pp'));
  const flags = Object.entries(cli).flatMap(([k, v]) => [`--${k}`, v]);
  const built = buildKuroko(join(dir, 'build'));
  // Started as users start it: bin/kuroko.js through its own first line.
  const [cmd, ...args] = 'command' in built ? built.command : [process.execPath, '--import', 'tsx', join(ROOT, 'src', 'cli', 'run.ts')];
  const how = 'command' in built ? 'built with tsc, started as bin/kuroko.js' : `from sources through tsx (${built.why})`;
  const child = spawn(cmd, [...args, 'server', '--no-daemonize', ...flags], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const deadline = Date.now() + 60_000;
  while (!/listening on 127\.0\.0\.1:(\d+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) { child.kill(); throw new Error(`kuroko server did not start:\n${out}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port: Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)![1]), flags, cli, how };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');

/** Why puppetserver's half is left out of this run, or undefined. */
function whyNoReference(): string | undefined {
  if (process.env.BENCH_NO_PUPPETSERVER === '1') return 'BENCH_NO_PUPPETSERVER=1';
  return whyNoPuppetserver();
}

/** puppetserver's half: the same site.pp, the same clients, the same seconds. */
async function benchPuppetserver(clientsN: number, seconds: number, warmup: number): Promise<Figures & { startSeconds: number; idleRssMb: number; warmSeconds: number; warmRequests: number }> {
  const code = mkdtempSync(join(tmpdir(), 'kuroko-bench-pscode-'));
  try {
    mkdirSync(join(code, 'environments', 'production', 'manifests'), { recursive: true });
    mkdirSync(join(code, 'modules'), { recursive: true });
    copyFileSync(join(ROOT, 'bench', 'fixtures', 'server-site.pp'), join(code, 'environments', 'production', 'manifests', 'site.pp'));
    const ps = await startPuppetserver({ codedir: code, certname: 'localhost' });
    try {
      const idleRssMb = ps.rssMb();
      const clients = ps.generate(Array.from({ length: clientsN }, (_, i) => `agent${i}.bench.test`));
      // JRuby compiles slowly until its JIT is warm: real-puppet.md measured after 20 warm-up catalogs.
      const f = await load(ps.port, ps.caCert, clients, seconds, warmup, ps.pid, { requests: 20, maxSeconds: 90 });
      return { ...f, startSeconds: ps.startSeconds, idleRssMb };
    } finally {
      await ps.stop();
    }
  } finally {
    rmSync(code, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  // puppetserver and its clients must share a loopback-only namespace: run this benchmark again inside one.
  if (!whyNoReference() && !loopbackOnly() && existsSync(NETNS) && !process.env.KUROKO_BENCH_IN_NETNS) {
    const script = `import(${JSON.stringify(join(ROOT, 'bench', 'server.ts'))}).then((m) => m.run()).catch((e) => { console.error(e); process.exit(1); })`;
    const r = spawnSync(NETNS, [process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, KUROKO_BENCH_IN_NETNS: '1' } });
    if (r.status !== 0) throw new Error(`the benchmark under netns-run exited with ${r.status ?? r.signal}`);
    return;
  }
  const clientsN = clamp(process.env.BENCH_CLIENTS, 8, 64);
  const seconds = clamp(process.env.BENCH_SECONDS, 10, 60);
  const warmup = clamp(process.env.BENCH_WARMUP_SECONDS, 2, 30);
  const dir = mkdtempSync(join(tmpdir(), 'kuroko-bench-server-'));
  let child: ChildProcess | undefined;
  try {
    const k = await startKuroko(dir);
    child = k.child;
    const { loadSettings } = await import('../src/settings/index.js');
    const { CertificateAuthority } = await import('../src/ca/index.js');
    const settings = loadSettings({ runMode: 'server', cli: k.cli, configFile: join(k.cli.confdir, 'puppet.conf') });
    const authority = await CertificateAuthority.open(settings);
    const clients: { certname: string; key: string; cert: string }[] = [];
    for (let i = 0; i < clientsN; i++) {
      const certname = `agent${i}.bench.test`;
      const g = await authority.generate(certname);
      clients.push({ certname, key: readFileSync(g.keyPath, 'utf8'), cert: readFileSync(g.certPath, 'utf8') });
    }
    authority.close();
    const ca = readFileSync(join(k.cli.confdir, 'ssl', 'certs', 'ca.pem'), 'utf8');
    console.log(`Load: ${clientsN} mTLS keep-alive agents POSTing catalog requests (real agent facts, 42-resource catalog) for ${seconds} s after ${warmup} s of warm-up`);
    const kf = await load(k.port, ca, clients, seconds, warmup, child.pid!);
    console.log(`Kuroko ${k.how}`);
    console.log(`kuroko server:  ${fmt(kf.perSecond)} catalogs/s (${kf.catalogs} in ${fmt(kf.seconds)} s), p50 ${fmt(kf.p50)} ms, p99 ${fmt(kf.p99)} ms, errors ${kf.errors}, RSS ${fmt(kf.rssMb, 0)} MB (peak ${fmt(kf.peakRssMb, 0)} MB)`);
    if (kf.firstError) console.log(`  first error: ${kf.firstError}`);
    // Stop Kuroko before puppetserver starts: the two never share the CPUs.
    await stopChild(child);
    const why = whyNoReference();
    if (why) {
      console.log(`puppetserver:   not measured (${why}); recipe in ../shared/reference/real-puppet.md. No ratio this run.`);
      console.log('  For reference, real-puppet.md measured puppetserver 7.9.5 here at 0.86-1.2 GB RSS and ~0.10 s per warm 12-resource catalog.');
      return;
    }
    const psWarmup = clamp(process.env.BENCH_PUPPETSERVER_WARMUP_SECONDS, Math.max(10, warmup), 60);
    let pf;
    try {
      pf = await benchPuppetserver(clientsN, seconds, psWarmup);
    } catch (e) {
      console.log(`puppetserver:   could not be measured: ${(e as Error).message.split('\n')[0]}. No ratio this run.`);
      return;
    }
    console.log(`puppetserver:   ${fmt(pf.perSecond)} catalogs/s (${pf.catalogs} in ${fmt(pf.seconds)} s), p50 ${fmt(pf.p50)} ms, p99 ${fmt(pf.p99)} ms, errors ${pf.errors}, RSS ${fmt(pf.rssMb, 0)} MB (java tree; ${fmt(pf.idleRssMb, 0)} MB idle), ready after ${fmt(pf.startSeconds, 0)} s, warm-up ${fmt(pf.warmSeconds, 0)} s / ${pf.warmRequests} catalogs, max-active-instances 1, -Xmx1g`);
    if (pf.firstError) console.log(`  first error: ${pf.firstError}`);
    const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? `${(a / b).toPrecision(3)}x` : 'n/a');
    console.log(`Ratio Kuroko/puppetserver: throughput ${ratio(kf.perSecond, pf.perSecond)}, p50 latency ${ratio(kf.p50, pf.p50)}, memory ${ratio(kf.rssMb, pf.rssMb)} (puppetserver uses ${ratio(pf.rssMb, kf.rssMb)} Kuroko's RSS)`);
  } finally {
    if (child) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}
