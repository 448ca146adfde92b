// `npm run bench -- server`: N simulated agents (real mTLS clients, each with
// its own certificate signed by the server's CA, keep-alive) POST catalog
// requests with real agent facts for T seconds. Prints catalogs/s, p50/p99
// latency, errors and the server's RSS (current and peak), beside
// puppetserver 7.9's figures when it is installed.
// Knobs: BENCH_CLIENTS (default 8, at most 64), BENCH_SECONDS (default 10,
// at most 60), BENCH_WARMUP_SECONDS (default 2).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FACTS = join(ROOT, '..', 'shared', 'reference', 'wire-samples', 'agent-facts-payload.json');
const clamp = (v: string | undefined, dflt: number, max: number) => Math.max(1, Math.min(max, Number(v ?? dflt) || dflt));

interface Figures { catalogs: number; seconds: number; perSecond: number; p50: number; p99: number; errors: number; rssMb: number; peakRssMb: number; firstError?: string }

function rssOf(pid: number): { rss: number; peak: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
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

async function load(port: number, ca: string, clients: { certname: string; key: string; cert: string }[], seconds: number, warmup: number, serverPid: number): Promise<Figures> {
  const factsDoc = JSON.parse(readFileSync(FACTS, 'utf8')) as { name: string; values: Record<string, unknown> };
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let measuring = false;
  let stop = false;
  const worker = async (c: { certname: string; key: string; cert: string }) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, key: c.key, cert: c.cert, ca });
    const facts = JSON.stringify({ ...factsDoc, name: c.certname, timestamp: new Date().toISOString() });
    const body = new URLSearchParams({ facts_format: 'application/json', facts: encodeURIComponent(facts), environment: 'production', transaction_uuid: '00000000-0000-4000-8000-000000000000', static_catalog: 'true', checksum_type: 'sha256.sha384.sha512.sha224.md5' }).toString();
    while (!stop) {
      const t0 = process.hrtime.bigint();
      try {
        const r = await post(agent, port, ca, c.certname, body);
        if (r.status !== 200) throw new Error(`HTTP ${r.status} ${r.text}`);
        if (measuring) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (e) {
        if (measuring) { errors++; firstError ??= (e as Error).message; }
      }
    }
    agent.destroy();
  };
  const running = clients.map(worker);
  await new Promise((r) => setTimeout(r, warmup * 1000));
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
  return { catalogs: latencies.length, seconds: elapsed, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, rssMb: Math.max(mem.rss, peakSample), peakRssMb: mem.peak, firstError };
}

async function startKuroko(dir: string): Promise<{ child: ChildProcess; port: number; flags: string[]; cli: Record<string, string> }> {
  const cli: Record<string, string> = {
    confdir: join(dir, 'etc'), vardir: join(dir, 'var'), codedir: join(dir, 'code'), logdir: join(dir, 'log'), rundir: join(dir, 'run'),
    basemodulepath: join(dir, 'code', 'modules'), certname: 'localhost', key_type: 'ec', bindaddress: '127.0.0.1', serverport: '0',
    max_queued_requests: '1000',
  };
  mkdirSync(join(cli.codedir, 'environments', 'production', 'manifests'), { recursive: true });
  mkdirSync(cli.basemodulepath, { recursive: true });
  copyFileSync(join(ROOT, 'bench', 'fixtures', 'server-site.pp'), join(cli.codedir, 'environments', 'production', 'manifests', 'site.pp'));
  const flags = Object.entries(cli).flatMap(([k, v]) => [`--${k}`, v]);
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'run.ts'), 'server', '--no-daemonize', ...flags], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const deadline = Date.now() + 60_000;
  while (!/listening on 127\.0\.0\.1:(\d+)/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) { child.kill(); throw new Error(`kuroko server did not start:\n${out}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port: Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)![1]), flags, cli };
}

function puppetserverInstalled(): boolean {
  return existsSync('/usr/share/puppetserver/cli/apps/foreground');
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

export async function run(): Promise<void> {
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
    console.log(`kuroko server:  ${fmt(kf.perSecond)} catalogs/s (${kf.catalogs} in ${fmt(kf.seconds)} s), p50 ${fmt(kf.p50)} ms, p99 ${fmt(kf.p99)} ms, errors ${kf.errors}, RSS ${fmt(kf.rssMb, 0)} MB (peak ${fmt(kf.peakRssMb, 0)} MB)`);
    if (kf.firstError) console.log(`  first error: ${kf.firstError}`);
    if (!puppetserverInstalled()) {
      console.log('puppetserver:   not installed here (apt-get install puppetserver; recipe in ../shared/reference/real-puppet.md), so no ratio this run.');
      console.log('  For reference, real-puppet.md measured puppetserver 7.9.5 here at 0.86-1.2 GB RSS and ~0.10 s per warm 12-resource catalog.');
    } else {
      console.log('puppetserver:   installed, but this benchmark does not drive it yet: start it per real-puppet.md and compare by hand. No ratio this run.');
    }
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
