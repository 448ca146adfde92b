// `npm run bench -- log`: logging cost, Kuroko vs Debian's Puppet measured in
// the same run: N notice lines to a log file (Puppet's own file destination,
// same line format), and N debug calls while debug is off (what a normal run
// pays for its debug logging). Puppet runs in a loopback-only network namespace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FileDestination, JsonDestination, Logger } from '../src/log/index.js';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');
const N = 20_000;

const PUPPET_SCRIPT = `
require 'puppet'
d = ARGV[0]
Puppet.initialize_settings(['--confdir', d, '--vardir', d + '/var', '--logdir', d + '/log', '--codedir', d + '/code'])
n = Integer(ARGV[1])
Puppet::Util::Log.level = :notice
Puppet::Util::Log.newdestination(d + '/puppet.log')
clock = -> { Process.clock_gettime(Process::CLOCK_MONOTONIC) }
t0 = clock.()
n.times { |i| Puppet.notice("Applied catalog line #{i}") }
t1 = clock.()
n.times { |i| Puppet.debug("suppressed #{i}") }
t2 = clock.()
puts "@@#{t1 - t0} #{t2 - t1}"
`;

function kuroko(dir: string): { file: number; json: number; suppressed: number } {
  const time = (fn: () => void) => { const t0 = performance.now(); fn(); return (performance.now() - t0) / 1000; };
  const logger = new Logger();
  logger.setDestinations([new FileDestination(join(dir, 'warm.log'))]);
  for (let i = 0; i < 2000; i++) logger.notice(`warm ${i}`);
  logger.setDestinations([new FileDestination(join(dir, 'kuroko.log'))]);
  const file = time(() => { for (let i = 0; i < N; i++) logger.notice(`Applied catalog line ${i}`); });
  logger.setDestinations([new JsonDestination(join(dir, 'kuroko.jsonl'))]);
  const json = time(() => { for (let i = 0; i < N; i++) logger.notice(`Applied catalog line ${i}`); });
  const suppressed = time(() => { for (let i = 0; i < N; i++) logger.debug(`suppressed ${i}`); });
  logger.close();
  const lines = readFileSync(join(dir, 'kuroko.log'), 'utf8').split('\n').length - 1;
  if (lines !== N) throw new Error(`Kuroko wrote ${lines} lines, expected ${N}`);
  return { file, json, suppressed };
}

function puppet(dir: string): { file: number; suppressed: number } | undefined {
  const script = join(dir, 'log.rb');
  writeFileSync(script, PUPPET_SCRIPT);
  const r = spawnSync(NETNS, ['ruby', script, dir, String(N)], { encoding: 'utf8', timeout: 300_000 });
  const m = /@@([\d.e-]+) ([\d.e-]+)/.exec(r.stdout ?? '');
  if (r.status !== 0 || !m) {
    console.log(`Puppet: not measured (${r.status}): ${(r.stderr ?? '').trim().slice(-300)}`);
    return undefined;
  }
  const lines = readFileSync(join(dir, 'puppet.log'), 'utf8').split('\n').length - 1;
  if (lines !== N) throw new Error(`Puppet wrote ${lines} lines, expected ${N}`);
  return { file: Number(m[1]), suppressed: Number(m[2]) };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kuroko-bench-log-'));
  try {
    const k = kuroko(dir);
    const p = puppet(dir);
    const us = (s: number) => `${((s / N) * 1e6).toFixed(2)} µs/line`;
    const row = (what: string, ks: number, ps?: number) =>
      console.log(`${what.padEnd(34)} Kuroko ${us(ks).padStart(16)}   Puppet ${ps === undefined ? 'n/a'.padStart(16) : us(ps).padStart(16)}   ${ps === undefined ? '' : `Puppet/Kuroko ${(ps / ks).toFixed(1)}x`}`);
    console.log(`${N} lines each`);
    row('notice to a log file', k.file, p?.file);
    row('debug while debug is off', k.suppressed, p?.suppressed);
    row('notice as JSON lines (Kuroko only)', k.json);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
