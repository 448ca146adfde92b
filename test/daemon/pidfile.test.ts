import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { tempDir } from '../helpers.js';
import { acquirePidfile, checkPidfile, isAlive, readPidfile, releasePidfile } from '../../src/daemon/pidfile.js';
import { KurokoError } from '../../src/util/diagnostic.js';

test('acquire writes the pid (creating the directory), release removes it', () => {
  const dir = tempDir();
  const file = join(dir, 'run', 'server.pid');
  acquirePidfile(file, 'server', 4242424);
  assert.equal(readFileSync(file, 'utf8'), '4242424\n');
  assert.equal(readPidfile(file), 4242424);
  assert.deepEqual(readdirSync(join(dir, 'run')), ['server.pid'], 'no temp file is left behind');
  assert.equal(releasePidfile(file, 1), false, 'a pid file naming another process is not removed');
  assert.ok(existsSync(file));
  assert.equal(releasePidfile(file, 4242424), true);
  assert.ok(!existsSync(file));
});

test('a live process in the pid file is refused, naming the pid and the file', async () => {
  const dir = tempDir();
  const file = join(dir, 'agent.pid');
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => other.once('spawn', r));
    writeFileSync(file, `${other.pid}\n`);
    assert.ok(isAlive(other.pid!));
    for (const f of [() => acquirePidfile(file, 'agent'), () => checkPidfile(file, 'agent')]) {
      assert.throws(f, (e: unknown) => e instanceof KurokoError
        && e.message === `Could not start kuroko agent: another instance is already running as pid ${other.pid} (pidfile ${file})`);
    }
    assert.equal(readPidfile(file), other.pid, 'left untouched');
  } finally {
    other.kill('SIGKILL');
  }
});

test('garbage or a dead pid is stale and replaced', () => {
  const dir = tempDir();
  const file = join(dir, 'x.pid');
  writeFileSync(file, 'not a pid\n');
  assert.equal(readPidfile(file), undefined);
  checkPidfile(file, 'x');
  acquirePidfile(file, 'x', process.pid);
  assert.equal(readPidfile(file), process.pid);
  acquirePidfile(file, 'x', process.pid); // our own pid: already ours
  assert.equal(releasePidfile(file), true);
  assert.equal(readPidfile(join(dir, 'missing.pid')), undefined);
});
