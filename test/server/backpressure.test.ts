// Back-pressure as puppetserver does it: 503 + Retry-After only for agents
// whose X-Puppet-Version is 5.3.1 or later; older agents (or clients that do
// not say) are queued past max_queued_requests, up to a hard bound, and then
// get a plain 503 without Retry-After.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, request, catalogForm, type Harness } from './harness.js';
import type { Cert } from './pki.js';
import { honoursRetryAfter } from '../../src/server/v3-catalog.js';
import { OVERFLOW_FACTOR } from '../../src/server/pool.js';

let h: Harness;
let node: Cert;

before(async () => {
  h = await startTestServer({ maxQueue: 1 });
  node = h.pki.issue('node1.test');
  await h.server.pool.whenReady();
});
after(async () => { await h.stop(); });

const post = (sleepMs: number, version?: string) => request(h, `/puppet/v3/catalog/${node.name}?environment=production`, {
  method: 'POST', cert: node, body: catalogForm(node.name, { sleep_ms: sleepMs }),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(version ? { 'X-Puppet-Version': version } : {}) },
});

test('honoursRetryAfter: 5.3.1 and later only', () => {
  for (const v of ['5.3.1', '5.3.2', '5.4.0', '6.0.0', '7.23.0', '8.10.0', '10.0.0']) assert.equal(honoursRetryAfter(v), true, v);
  for (const v of ['5.3.0', '5.2.9', '4.10.12', '3.8.7', undefined, '', 'garbage']) assert.equal(honoursRetryAfter(v), false, String(v));
  assert.equal(honoursRetryAfter(['7.1.0']), true);
});

test('a current agent gets 503 with Retry-After once the queue is full', async () => {
  const results = await Promise.all(Array.from({ length: 4 }, () => post(600, '7.23.0')));
  const codes = results.map((r) => r.status).sort();
  assert.deepEqual(codes, [200, 200, 503, 503]); // one compiling, one queued, two refused
  for (const r of results.filter((x) => x.status === 503)) assert.ok(Number(r.headers['retry-after']) > 0);
});

test('agents older than 5.3.1 are queued instead, then refused without Retry-After at the hard bound', async () => {
  // max_queued_requests 1 would refuse two of these four; old agents wait instead.
  const queued = await Promise.all([post(250, '5.3.0'), post(250, '4.10.12'), post(250), post(250, '5.3.0')]);
  assert.deepEqual(queued.map((r) => r.status), [200, 200, 200, 200]);
  // One compiling plus OVERFLOW_FACTOR × max_queued_requests waiting; the next old agent gets a plain 503.
  const n = 1 + OVERFLOW_FACTOR * 1 + 1;
  const results = await Promise.all(Array.from({ length: n }, () => post(400, '4.10.12')));
  const refused = results.filter((r) => r.status === 503);
  assert.equal(refused.length, 1);
  assert.equal(refused[0].headers['retry-after'], undefined);
  assert.match(refused[0].text, /Too many requests queued/);
});

test('the built-in auth rules deny the admin API (environment-cache flush) to every node', async () => {
  const r = await request(h, '/puppet-admin-api/v1/environment-cache', { method: 'DELETE', cert: node });
  assert.equal(r.status, 403);
  const anon = await request(h, '/puppet-admin-api/v1/environment-cache', { method: 'DELETE' });
  assert.equal(anon.status, 403);
});
