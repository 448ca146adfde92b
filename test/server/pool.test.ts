// The worker pool's mechanics with real worker threads doing real work:
// parallelism, the bounded queue, failures and crashes isolated to their
// task, timeouts, reload and close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool, PoolBusyError, defaultPoolSize } from '../../src/server/pool.js';
import { KurokoError } from '../../src/util/diagnostic.js';
import type { CompileRequest, CompileResult } from '../../src/compiler/api.js';
import { TEST_WORKER } from './harness.js';

const req = (certname: string, facts: CompileRequest['facts'] = {}): CompileRequest => ({ certname, facts, environment: 'production' });

test('default size is cores minus one, at least one', () => {
  assert.ok(defaultPoolSize() >= 1);
});

test('runs tasks on worker threads and returns their results', async () => {
  const pool = new WorkerPool<CompileRequest, CompileResult>({ module: TEST_WORKER, size: 2, maxQueue: 10 });
  try {
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => pool.run(req(n, { x: n, hash_rounds: 2000 }))));
    assert.deepEqual(results.map((r) => r.catalog.name), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(pool.stats.completed, 5);
  } finally { await pool.close(); }
});

test('two workers run two slow tasks in parallel', async () => {
  const pool = new WorkerPool<CompileRequest, CompileResult>({ module: TEST_WORKER, size: 2, maxQueue: 10 });
  try {
    await pool.whenReady();
    const [a, b] = await Promise.all([pool.run(req('a', { sleep_ms: 300, report_times: true })), pool.run(req('b', { sleep_ms: 300, report_times: true }))]);
    const times = (r: CompileResult) => r.catalog.resources.find((x) => x.title === 'times')!.parameters as { started: number; finished: number };
    const ta = times(a), tb = times(b);
    assert.ok(ta.started < tb.finished && tb.started < ta.finished, `the two tasks overlapped: ${JSON.stringify([ta, tb])}`);
  } finally { await pool.close(); }
});

test('a full queue is refused with PoolBusyError; queued tasks still complete', async () => {
  const pool = new WorkerPool<CompileRequest, CompileResult>({ module: TEST_WORKER, size: 1, maxQueue: 2 });
  try {
    const running = pool.run(req('a', { sleep_ms: 200 }));
    const q1 = pool.run(req('b'));
    const q2 = pool.run(req('c'));
    await assert.rejects(pool.run(req('d')), (e: unknown) => e instanceof PoolBusyError && /Too many requests queued/.test(e.message));
    assert.equal(pool.stats.rejected, 1);
    assert.deepEqual((await Promise.all([running, q1, q2])).map((r) => r.catalog.name), ['a', 'b', 'c']);
  } finally { await pool.close(); }
});

test('a failing task rejects with its KurokoError (code, location, node) and others succeed', async () => {
  const pool = new WorkerPool<CompileRequest, CompileResult>({ module: TEST_WORKER, size: 1, maxQueue: 10 });
  try {
    const [bad, good] = await Promise.allSettled([pool.run(req('x', { fail_compile: 'nope' })), pool.run(req('y'))]);
    assert.equal(bad.status, 'rejected');
    const e = (bad as PromiseRejectedResult).reason as KurokoError;
    assert.ok(e instanceof KurokoError);
    assert.equal(e.code, 'EVALUATION_ERROR');
    assert.equal(e.location?.line, 3);
    assert.equal(e.node, 'x');
    assert.equal(good.status, 'fulfilled');
  } finally { await pool.close(); }
});

test('a crashing worker fails only its task and is replaced', async () => {
  const pool = new WorkerPool<CompileRequest, CompileResult>({ module: TEST_WORKER, size: 1, maxQueue: 10 });
  try {
    const crash = pool.run(req('x', { crash: true }));
    const after = pool.run(req('y'));
    await assert.rejects(crash, /worker running this task failed/);
    assert.equal((await after).catalog.name, 'y');
    assert.equal(pool.stats.restarts, 1);
  } finally { await pool.close(); }
});

test('a task over its time limit is stopped and its worker replaced', async () => {
  const pool = new WorkerPool<CompileRequest, CompileResult>({ module: TEST_WORKER, size: 1, maxQueue: 10, taskTimeoutMs: 200 });
  try {
    await assert.rejects(pool.run(req('slow', { sleep_ms: 5000 })), /took longer than 200 ms/);
    assert.equal((await pool.run(req('next'))).catalog.name, 'next');
  } finally { await pool.close(); }
});

test('reload replaces idle workers at once and busy ones after their task', async () => {
  const pool = new WorkerPool<CompileRequest, CompileResult>({ module: TEST_WORKER, size: 2, maxQueue: 10 });
  try {
    const busy = pool.run(req('busy', { sleep_ms: 200 }));
    pool.reload();
    assert.equal((await busy).catalog.name, 'busy');
    assert.equal((await pool.run(req('after'))).catalog.name, 'after');
  } finally { await pool.close(); }
});

test('close waits for running and queued tasks, then refuses new ones', async () => {
  const pool = new WorkerPool<CompileRequest, CompileResult>({ module: TEST_WORKER, size: 1, maxQueue: 10 });
  const a = pool.run(req('a', { sleep_ms: 150 }));
  const b = pool.run(req('b'));
  await pool.close();
  assert.equal((await a).catalog.name, 'a');
  assert.equal((await b).catalog.name, 'b');
  await assert.rejects(pool.run(req('c')), /shut down/);
});

test('a worker module that cannot load fails tasks clearly instead of respawning forever', async () => {
  const pool = new WorkerPool<CompileRequest, CompileResult>({ module: new URL('./fixtures/broken-worker.ts', import.meta.url), size: 1, maxQueue: 10 });
  try {
    const queued = pool.run(req('a'));
    await assert.rejects(pool.whenReady(), /Worker threads cannot start: .*broken on purpose/);
    await assert.rejects(queued, /Worker threads cannot start/);
    await assert.rejects(pool.run(req('b')), /Worker threads cannot start/);
  } finally { await pool.close(); }
});
