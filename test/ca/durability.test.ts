// Concurrent submissions from several processes never reuse a serial nor
// corrupt the inventory; a stale lock left by a crash does not wedge the CA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caOptions } from './helpers.js';
import { CertificateAuthority } from '../../src/ca/index.js';
import { withFileLock } from '../../src/ca/lock.js';
import { tempDir } from '../helpers.js';

const WORKER = new URL('./fixtures/submit-worker.ts', import.meta.url).pathname;

function runWorker(opts: object, prefix: string, count: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(opts), prefix, String(count)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('concurrent submissions from several processes get distinct serials and a complete inventory', async () => {
  const opts = caOptions({ autosign: 'true' });
  const ca = await CertificateAuthority.setup(opts);
  const procs = 4;
  const each = 8;
  const results = await Promise.all(Array.from({ length: procs }, (_, i) => runWorker(opts, `w${i}`, each)));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const signed = ca.list('signed').filter((h) => h.name.startsWith('w'));
  assert.equal(signed.length, procs * each);
  const serials = signed.map((h) => h.serial_number);
  assert.equal(new Set(serials).size, serials.length, 'no serial reused');
  const inventory = readFileSync(opts.cadir + '/inventory.txt', 'utf8').trim().split('\n');
  assert.equal(inventory.length, 2 + procs * each);
  const invSerials = inventory.map((l) => l.split(' ')[0]);
  assert.equal(new Set(invSerials).size, invSerials.length);
  for (const l of inventory) assert.match(l, /^0x[0-9a-f]{4,} \S+UTC \S+UTC \/CN=\S/);
  const next = parseInt(readFileSync(opts.cadir + '/serial', 'utf8'), 16);
  assert.equal(next, Math.max(...serials.map(Number)) + 1);
});

test('a lock left by a dead process is broken; a live one is waited for', async () => {
  const dir = tempDir();
  const lock = join(dir, 'x.lock');
  writeFileSync(lock, `999999999 ${(await import('node:os')).hostname()} ${Date.now()}\n`);
  assert.equal(await withFileLock(lock, () => 'ran', { timeoutMs: 2000 }), 'ran');
  writeFileSync(lock, `${process.pid} ${(await import('node:os')).hostname()} ${Date.now()}\n`);
  await assert.rejects(withFileLock(lock, () => 'ran', { timeoutMs: 200 }), /Could not lock/);
  writeFileSync(lock, `${process.pid} ${(await import('node:os')).hostname()} ${Date.now() - 10 * 60_000}\n`);
  assert.equal(await withFileLock(lock, () => 'ran', { timeoutMs: 2000 }), 'ran', 'too old: stale even if the pid is alive');
});

test('setup repairs a serial file restored from an old backup and inventory lines lost in a crash', async () => {
  const opts = caOptions({ keyType: 'ec' });
  const ca = await CertificateAuthority.setup(opts);
  const { generateKeyPair } = await import('../../src/ca/keys.js');
  const { createCsr } = await import('../../src/ca/csr.js');
  for (const n of ['r1.test', 'r2.test']) {
    const { privateKey } = await generateKeyPair({ type: 'ec' });
    await ca.submitRequest(n, await createCsr({ certname: n, privateKey }));
    await ca.sign(n);
  }
  writeFileSync(opts.cadir + '/serial', '0002\n'); // an old backup
  const inv = readFileSync(opts.cadir + '/inventory.txt', 'utf8').trim().split('\n');
  writeFileSync(opts.cadir + '/inventory.txt', inv.slice(0, 2).join('\n') + '\n'); // lost the last lines
  const again = await CertificateAuthority.setup(opts);
  assert.equal(readFileSync(opts.cadir + '/serial', 'utf8').trim(), '0005');
  assert.equal(readFileSync(opts.cadir + '/inventory.txt', 'utf8').trim().split('\n').length, 4);
  const { privateKey } = await generateKeyPair({ type: 'ec' });
  await again.submitRequest('r3.test', await createCsr({ certname: 'r3.test', privateKey }));
  assert.equal((await again.sign('r3.test')).serial, 5n, 'no serial reused after the restore');
});
