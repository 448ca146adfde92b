// What keeps an agent run small: bin/kuroko.js's node flags per subcommand
// (its #! line, or a restart when they differ), the report written in
// pieces, timestamps and UUIDs without the modules that cost memory, and
// terminal detection without Node's stream machinery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';
import { isoTime, puppetTime, writeReportFile, type Report } from '../../src/agent/report.js';
import { randomUuid } from '../../src/agent/lazy.js';
import { isTerminal } from '../../src/log/index.js';

/** A copy of bin/kuroko.js beside a stand-in dist/ whose main() reports how it was started. */
function launcher(): string {
  const d = tempDir('kuroko-launcher-');
  mkdirSync(join(d, 'bin'));
  mkdirSync(join(d, 'dist', 'src', 'cli'), { recursive: true });
  // With one more entry, for a command that wants Node's defaults (none does today).
  const src = readFileSync(join(ROOT, 'bin', 'kuroko.js'), 'utf8');
  assert.match(src, /export const NODE_SETTINGS = \{\n/);
  writeFileSync(join(d, 'bin', 'kuroko.js'), src.replace(/export const NODE_SETTINGS = \{\n/, "$&  plain: { flags: [], env: {} },\n"));
  chmodSync(join(d, 'bin', 'kuroko.js'), 0o755);
  writeFileSync(join(d, 'dist', 'src', 'cli', 'main.js'), `
export async function main(argv) {
  if (argv[1] === 'wait') { process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(7); }); console.log('waiting'); await new Promise((r) => setTimeout(r, 20000)); }
  console.log(JSON.stringify({ pid: process.pid, execArgv: process.execArgv, arena: process.env.MALLOC_ARENA_MAX ?? null, marker: process.env.KUROKO_NODE_SETTINGS ?? null, argv }));
  return Number(argv[2] ?? 0);
}
`);
  return join(d, 'bin', 'kuroko.js');
}

const LEAN = ['--max-semi-space-size=1', '--lite-mode', '--no-expose-wasm', '--single-threaded', '--expose-gc'];

function run(cmd: string, args: string[]) {
  const env = { ...process.env };
  delete env.MALLOC_ARENA_MAX;
  delete env.NODE_OPTIONS;
  const r = spawnSync(cmd, args, { encoding: 'utf8', env });
  const info = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { pid: number; execArgv: string[]; arena: string | null; marker: string | null; argv: string[] };
  return { status: r.status, info, pid: r.pid };
}

test('bin/kuroko.js: the agent side runs in one process with the lean flags of its #! line', () => {
  const bin = launcher();
  const r = run(bin, ['apply', 'x', '3']);
  assert.equal(r.status, 3, 'the exit code is main()\'s');
  assert.deepEqual(r.info.execArgv, LEAN);
  assert.equal(r.info.arena, '2');
  assert.equal(r.info.pid, r.pid, 'no second process');
  assert.equal(r.info.marker, null, 'the restart marker is not passed on to what the command runs');
  assert.deepEqual(r.info.argv, ['apply', 'x', '3']);
});

test('bin/kuroko.js: plain `node bin/kuroko.js agent` restarts once with the lean flags; a command wanting other flags gets them', () => {
  const bin = launcher();
  const a = run(process.execPath, [bin, 'agent', '--x', '5']);
  assert.equal(a.status, 5);
  assert.deepEqual(a.info.execArgv, LEAN);
  assert.equal(a.info.arena, '2');
  assert.notEqual(a.info.pid, a.pid, 'a restarted child');
  const s = run(bin, ['plain', '-', '0']);
  assert.equal(s.status, 0);
  assert.deepEqual(s.info.execArgv, []);
  assert.equal(s.info.arena, null, 'no malloc arena limit unless the entry says so');
  assert.notEqual(s.info.pid, s.pid);
  // Flags a user gave node themselves are kept: no restart.
  const own = run(process.execPath, ['--no-warnings', bin, 'agent', '-', '0']);
  assert.deepEqual(own.info.execArgv, ['--no-warnings']);
  assert.equal(own.info.pid, own.pid);
});

test('bin/kuroko.js: a restarted command gets the signals sent to the launcher, whose exit follows it', async () => {
  const bin = launcher();
  const child = spawn(bin, ['plain', 'wait'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((res) => child.stdout.on('data', (b) => { out += b; if (out.includes('waiting')) res(); }));
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  assert.match(out, /child got SIGTERM/);
  assert.equal(code, 7);
});

test('isoTime is Date#toISOString, and puppetTime Puppet\'s form of it', () => {
  const samples = [0, -1, 1, 951_782_400_000, 951_868_799_999, 1_709_164_800_000, 4_102_444_799_999, -62_135_596_800_000, 253_402_300_799_999, Date.now()];
  for (let i = 0; i < 2000; i++) samples.push(Math.floor((Math.random() * 2 - 0.5) * 1e13));
  for (const t of samples) assert.equal(isoTime(t), new Date(t).toISOString(), String(t));
  assert.equal(isoTime(-62_198_755_200_000), new Date(-62_198_755_200_000).toISOString(), 'before year 0');
  assert.match(puppetTime(new Date(Date.UTC(2026, 10, 24, 14, 37, 40, 913))), /^2026-11-24T14:37:40\.913000000\+00:00$/);
});

test('writeReportFile writes exactly JSON.stringify of the report, atomically with its mode', () => {
  const d = tempDir();
  const status = (i: number) => ({ title: `/f${i} "q"`, file: null, line: null, resource: `File[/f${i}]`, resource_type: 'File', provider_used: 'posix',
    containment_path: ['Stage[main]', 'Main', `File[/f${i}]`], evaluation_time: i / 7, tags: ['file'], time: 'x', failed: false, failed_to_restart: false,
    changed: false, out_of_sync: false, skipped: false, change_count: 0, out_of_sync_count: 0, events: [], corrective_change: false });
  const statuses: Record<string, ReturnType<typeof status>> = {};
  for (let i = 0; i < 3000; i++) statuses[`File[/f${i}]`] = status(i);
  const report = { host: 'h', time: 't', configuration_version: null, transaction_uuid: 'u', report_format: 12, puppet_version: '7.23.0', status: 'unchanged',
    transaction_completed: true, noop: false, noop_pending: false, environment: 'production', logs: [{ level: 'notice', message: 'é ✓ \u2028', source: 'Puppet', tags: [], time: 't', file: null, line: null }],
    metrics: {}, resource_statuses: statuses, corrective_change: false, catalog_uuid: null, cached_catalog_status: 'not_used', code_id: undefined } as unknown as Report;
  const path = join(d, 'sub', 'r.json');
  writeReportFile(path, report, 0o640);
  assert.equal(readFileSync(path, 'utf8'), JSON.stringify(report));
  assert.equal(spawnSync('stat', ['-c', '%a', path], { encoding: 'utf8' }).stdout.trim(), '640');
  assert.deepEqual(spawnSync('ls', ['-A', join(d, 'sub')], { encoding: 'utf8' }).stdout.trim().split('\n'), ['r.json'], 'no temp file left');
});

test('randomUuid: version 4, variant 1, and different each time', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const u = randomUuid();
    assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(u);
  }
  assert.equal(seen.size, 500);
});

test('isTerminal: files, pipes and /dev/null are not terminals', () => {
  const d = tempDir();
  writeFileSync(join(d, 'f'), 'x');
  assert.equal(isTerminal(openSync(join(d, 'f'), 'r')), false);
  assert.equal(isTerminal(openSync('/dev/null', 'r')), false);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('${join(ROOT, 'src', 'log', 'index.ts')}').then((m) => console.log(m.isTerminal(1), m.isTerminal(0)))`], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.stdout.trim(), 'false false', r.stderr);
});
