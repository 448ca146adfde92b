// How `kuroko server` is started for memory: bin/kuroko.js runs it as one
// process with the lean node flags of its #! line (no launcher process
// beside it), and the compile workers' young generation is capped only
// when node was given no --max-semi-space-size of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';
import { workerYoungGenerationMb } from '../../src/server/index.js';

test('bin/kuroko.js runs `server` and `master` in one process, with the #! line\'s flags', () => {
  const d = tempDir('kuroko-server-launcher-');
  mkdirSync(join(d, 'bin'));
  mkdirSync(join(d, 'dist', 'src', 'cli'), { recursive: true });
  writeFileSync(join(d, 'bin', 'kuroko.js'), readFileSync(join(ROOT, 'bin', 'kuroko.js')));
  chmodSync(join(d, 'bin', 'kuroko.js'), 0o755);
  // A stand-in for the built CLI that says how it was started.
  writeFileSync(join(d, 'dist', 'src', 'cli', 'main.js'),
    'export async function main(argv) { console.log(JSON.stringify({ pid: process.pid, execArgv: process.execArgv, arena: process.env.MALLOC_ARENA_MAX ?? null, argv })); return 0; }\n');
  const shebang = readFileSync(join(ROOT, 'bin', 'kuroko.js'), 'utf8').split('\n')[0];
  const flags = shebang.split(/\s+/).filter((a) => a.startsWith('--'));
  assert.ok(flags.includes('--max-semi-space-size=1'), shebang);
  const env = { ...process.env };
  delete env.MALLOC_ARENA_MAX;
  delete env.NODE_OPTIONS;
  for (const sub of ['server', 'master']) {
    const r = spawnSync(join(d, 'bin', 'kuroko.js'), [sub, '--no-daemonize'], { encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout.trim()) as { pid: number; execArgv: string[]; arena: string | null; argv: string[] };
    assert.equal(info.pid, r.pid, `${sub}: no second process`);
    assert.deepEqual(info.execArgv, flags);
    assert.equal(info.arena, '2');
    assert.deepEqual(info.argv, [sub, '--no-daemonize']);
  }
});

test('the compile workers\' young generation: capped at 8 MB unless node has its own --max-semi-space-size', () => {
  assert.equal(workerYoungGenerationMb([], ''), 8);
  assert.equal(workerYoungGenerationMb(['--max-semi-space-size=1', '--lite-mode'], ''), undefined);
  assert.equal(workerYoungGenerationMb([], '--max_semi_space_size=4'), undefined);
  assert.equal(workerYoungGenerationMb(['--max-old-space-size=100'], '--inspect'), 8);
});
