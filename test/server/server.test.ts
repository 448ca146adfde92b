// The server's pipeline over real mTLS: catalogs (POST with twice-encoded
// facts, GET), node, facts, reports into the store, exported resources,
// compile failures isolated to their node, malformed input answered with
// 400, 413 for big bodies, 503 + Retry-After when the queue is full, gzip,
// status, the access log and a graceful shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, request, catalogForm, type Harness } from './harness.js';
import type { Cert } from './pki.js';
import type { Catalog } from '../../src/compiler/wire.js';

const REPORT = JSON.parse(readFileSync(new URL('../../../shared/reference/wire-samples/report-node1.test.com-second-run.json', import.meta.url), 'utf8')) as Record<string, unknown>;

let h: Harness;
let node1: Cert, node2: Cert;
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
const jsonCt = { 'Content-Type': 'application/json' };

before(async () => {
  h = await startTestServer({ accessLog: undefined, maxQueue: 1 });
  node1 = h.pki.issue('node1.test.com');
  node2 = h.pki.issue('node2.test');
});
after(async () => { await h.stop(); });

const postCatalog = (cert: Cert, values: Record<string, unknown>, headers: Record<string, string> = form) =>
  request(h, `/puppet/v3/catalog/${cert.name}?environment=production`, { method: 'POST', cert, body: catalogForm(cert.name, values), headers });

test('POST catalog with the twice-encoded facts form compiles, stores the facts and the catalog', async () => {
  const r = await postCatalog(node1, { os: { family: 'Debian', name: 'Debian' }, motd: 'hello world & more%' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['x-puppet-compiler-name'], 'localhost');
  assert.match(String(r.headers['content-type']), /^application\/json/);
  const cat = r.json<Catalog>();
  assert.equal(cat.name, 'node1.test.com');
  assert.deepEqual(cat.resources.map((x) => x.title), ['fact motd', 'fact os']);
  assert.equal(cat.resources[0].parameters!.message, JSON.stringify('hello world & more%'));
  const facts = await h.server.context.store.getFacts('node1.test.com');
  assert.deepEqual(facts?.values.os, { family: 'Debian', name: 'Debian' });
  assert.equal((await h.server.context.store.getCatalog('node1.test.com'))?.catalog.catalog_uuid, cat.catalog_uuid);
});

test('GET catalog uses the stored facts; node answers with them', async () => {
  const r = await request(h, '/puppet/v3/catalog/node1.test.com?environment=production', { cert: node1 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json<Catalog>().resources.length, 2);
  const n = await request(h, '/puppet/v3/node/node1.test.com?environment=production&configured_environment=production&transaction_uuid=x', { cert: node1 });
  assert.equal(n.status, 200);
  const body = n.json<{ name: string; environment: string; parameters: Record<string, unknown> }>();
  assert.equal(body.name, 'node1.test.com');
  assert.equal(body.environment, 'production');
  assert.deepEqual(body.parameters.os, { family: 'Debian', name: 'Debian' });
});

test('an unknown or invalid environment is refused clearly', async () => {
  const missing = await request(h, '/puppet/v3/catalog/node1.test.com?environment=nosuch', { cert: node1 });
  assert.equal(missing.status, 404);
  assert.match(missing.text, /Could not find environment 'nosuch'/);
  const invalid = await request(h, '/puppet/v3/catalog/node1.test.com?environment=..%2Fetc', { cert: node1 });
  assert.equal(invalid.status, 400);
});

test('a compile error goes to its node only; the others keep being served', async () => {
  const bad = await postCatalog(node2, { fail_compile: 'missing' });
  assert.equal(bad.status, 500);
  const err = bad.json<{ message: string; issue_kind: string }>();
  assert.match(err.message, /^Server Error: Could not find class ::missing for node2\.test \(file: \/etc\/site\.pp, line: 3, column: 1\) on node node2\.test$/);
  assert.equal(err.issue_kind, 'RUNTIME_ERROR');
  assert.equal((await postCatalog(node1, { ok: true })).status, 200);
});

test('a worker that dies fails only its request and is replaced', async () => {
  const dead = await postCatalog(node2, { crash: true });
  assert.equal(dead.status, 500);
  assert.match(dead.text, /worker/);
  assert.equal((await postCatalog(node1, { ok: true })).status, 200);
  assert.ok(h.server.pool.stats.restarts >= 1);
});

test('exported resources of one node are collected in the compiles of others', async () => {
  assert.equal((await postCatalog(node2, { export_host: 'node2-key' })).status, 200);
  const r = await postCatalog(node1, { ok: true });
  const cat = r.json<Catalog>();
  assert.ok(cat.resources.some((x) => x.type === 'Sshkey' && x.title === 'node2-key'), JSON.stringify(cat.resources.map((x) => x.title)));
  const own = await postCatalog(node2, { export_host: 'node2-key' });
  assert.ok(!own.json<Catalog>().resources.some((x) => x.type === 'Sshkey' && !x.exported), 'a node does not collect its own exports');
  assert.ok(!own.json<Catalog>().resources.some((x) => x.exported), 'exported resources go to the store, not to the agent');
});

test('PUT report stores it and answers ["store"]; PUT facts stores them', async () => {
  const r = await request(h, '/puppet/v3/report/node1.test.com?environment=production', { method: 'PUT', cert: node1, body: JSON.stringify(REPORT), headers: jsonCt });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.text, '["store"]');
  const stored = await h.server.context.store.getReport('node1.test.com');
  assert.equal(stored?.status, REPORT.status);
  assert.equal(stored?.transactionUuid, REPORT.transaction_uuid);
  assert.deepEqual(stored?.report.resource_statuses, REPORT.resource_statuses);
  const f = await request(h, '/puppet/v3/facts/node1.test.com?environment=production', { method: 'PUT', cert: node1, body: JSON.stringify({ name: 'node1.test.com', values: { kernel: 'Linux' } }), headers: jsonCt });
  assert.equal(f.status, 200, f.text);
  assert.deepEqual((await h.server.context.store.getFacts('node1.test.com'))?.values, { kernel: 'Linux' });
});

test('malformed bodies get 400 with a message, and the server keeps serving', async () => {
  const cases: [string, string, string, Record<string, string>][] = [
    ['PUT', '/puppet/v3/report/node1.test.com?environment=production', '{"host": "node1.test.com", ', jsonCt],
    ['PUT', '/puppet/v3/report/node1.test.com?environment=production', '[1,2,3]', jsonCt],
    ['PUT', '/puppet/v3/report/node1.test.com?environment=production', '{"host":"node1.test.com","time":"not a time"}', jsonCt],
    ['PUT', '/puppet/v3/report/node1.test.com?environment=production', '{"host":"node1.test.com","time":"2026-01-01T00:00:00Z","status":"weird"}', jsonCt],
    ['PUT', '/puppet/v3/report/node1.test.com?environment=production', '<report/>', { 'Content-Type': 'application/xml' }],
    ['PUT', '/puppet/v3/facts/node1.test.com?environment=production', '{"name":"node1.test.com","values":[]}', jsonCt],
    ['PUT', '/puppet/v3/facts/node1.test.com?environment=production', '\u0000\u0001', jsonCt],
    ['POST', '/puppet/v3/catalog/node1.test.com?environment=production', 'facts_format=application%2Fjson&facts=%257Bnot-json', form],
    ['POST', '/puppet/v3/catalog/node1.test.com?environment=production', 'facts_format=application%2Fjson&facts=%25E0%25A4%25A', form],
    ['POST', '/puppet/v3/catalog/node1.test.com?environment=production', 'facts_format=yaml&facts=x', form],
    ['POST', '/puppet/v3/catalog/node1.test.com?environment=production', '{"facts":{}}', jsonCt],
    ['GET', '/puppet/v3/file_metadatas/plugins?recurse=true&recurselimit=abc&environment=production', '', {}],
    ['GET', '/puppet/v3/file_metadata/modules/x/y?links=sideways&environment=production', '', {}],
  ];
  for (const [method, path, body, headers] of cases) {
    const r = await request(h, path, { method, cert: node1, body: method === 'GET' ? undefined : body, headers });
    assert.equal(r.status, 400, `${method} ${path} ${body}: ${r.status} ${r.text}`);
    assert.ok(r.json<{ message: string }>().message.length > 0);
  }
  const bad = await request(h, '/puppet/v3/node/%E0%A4%A?environment=production', { cert: node1 });
  assert.equal(bad.status, 400);
  assert.equal((await request(h, '/status/v1/simple')).text, 'running');
  assert.equal((await h.server.context.store.listReports({ node: 'node1.test.com' })).length, 1, 'no bad report was stored');
});

test('a body over max_request_size gets 413', async () => {
  const small = await startTestServer({ cli: { max_request_size: '1024' } });
  try {
    const cert = small.pki.issue('big.test');
    const r = await request(small, '/puppet/v3/report/big.test?environment=production', { method: 'PUT', cert, body: 'x'.repeat(4096), headers: jsonCt });
    assert.equal(r.status, 413);
    assert.equal(r.headers.connection, 'close');
    assert.equal((await request(small, '/status/v1/simple')).status, 200);
  } finally { await small.stop(); }
});

test('back-pressure: a full compile queue answers 503 with Retry-After, and CA/file/status requests are not stalled', async () => {
  // Agents from 5.3.1 on are told to retry later; older ones are queued instead (test/server/backpressure.test.ts).
  const slow = Array.from({ length: 4 }, () => postCatalog(node1, { sleep_ms: 1500 }, { ...form, 'X-Puppet-Version': '7.23.0' }));
  let compilesDone = false;
  const all = Promise.all(slow).then((r) => { compilesDone = true; return r; });
  await new Promise((r) => setTimeout(r, 150));
  const st = await request(h, '/status/v1/simple');
  const env = await request(h, '/puppet/v3/environments', { cert: node2 });
  const ca = await request(h, '/puppet-ca/v1/certificate/ca');
  assert.equal(st.status, 200);
  assert.equal(env.status, 200);
  assert.notEqual(ca.status, 403);
  assert.equal(compilesDone, false, 'status, file and CA requests were answered while the compiles were still running');
  const results = await all;
  const codes = results.map((r) => r.status).sort();
  assert.deepEqual(codes, [200, 200, 503, 503]); // one running, one queued (max_queued_requests 1), two refused
  const refused = results.find((r) => r.status === 503)!;
  assert.ok(Number(refused.headers['retry-after']) > 0);
  assert.match(refused.text, /Too many requests queued/);
});

test('gzip when asked', async () => {
  const r = await request(h, '/puppet/v3/catalog/node1.test.com?environment=production', { cert: node1, headers: { 'Accept-Encoding': 'gzip, deflate' } });
  assert.equal(r.status, 200);
  const plain = await request(h, '/status/v1/services', {});
  assert.equal(plain.headers['content-encoding'], undefined);
  const big = await request(h, '/puppet/v3/file_metadatas/plugins?recurse=true&environment=production', { cert: node1, headers: { 'Accept-Encoding': 'gzip' } });
  assert.ok(big.status === 200);
  const gz = await postCatalog(node1, Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`fact_${i}`, 'value '.repeat(10)])), { ...form, 'Accept-Encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gz.json<Catalog>().resources.filter((x) => x.title.startsWith('fact fact_')).length === 100);
});

test('status services answers every service as running', async () => {
  const r = await request(h, '/status/v1/services?level=debug');
  const body = r.json<Record<string, { state: string; detail_level: string }>>();
  assert.deepEqual(Object.keys(body).sort(), ['ca', 'server', 'status-service']);
  assert.ok(Object.values(body).every((s) => s.state === 'running' && s.detail_level === 'debug'));
  assert.equal((await request(h, '/status/v1/simple/server')).text, 'running');
  assert.equal((await request(h, '/status/v1/services/nosuch')).status, 404);
});

test('the access log has a line per request with the certname, in puppetserver\'s columns', async () => {
  await request(h, '/puppet/v3/node/node1.test.com?environment=production', { cert: node1, headers: { Accept: 'application/json, text/pson', 'User-Agent': 'Puppet/7.23.0 Ruby/3.1.2-p20 (x86_64-linux-gnu)' } });
  await request(h, '/puppet/v3/facts/node1.test.com?environment=production', { method: 'PUT', cert: node1, body: '{"name":"node1.test.com","values":{}}', headers: { 'Content-Type': 'application/json' } });
  const path = join(h.settingsCli.logdir, 'server-access.log');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(path));
  assert.match(readFileSync(path, 'utf8'), /127\.0\.0\.1 - node1\.test\.com \[[^\]]+\] "GET \/puppet\/v3\/node\/node1\.test\.com\?environment=production HTTP\/1\.1" 200 \d+ /);
  const log = readFileSync(path, 'utf8');
  // host - user [time] "request" status bytes "referer" "agent" ms request-length borrow-time "request type" "accept" "response type"
  assert.match(log, /^127\.0\.0\.1 - node1\.test\.com \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/puppet\/v3\/node\/node1\.test\.com\?environment=production HTTP\/1\.1" 200 \d+ "-" "Puppet\/7\.23\.0 Ruby\/3\.1\.2-p20 \(x86_64-linux-gnu\)" \d+ - - "-" "application\/json, text\/pson" "application\/json"$/m);
  assert.match(log, /"PUT \/puppet\/v3\/facts\/node1\.test\.com\?environment=production HTTP\/1\.1" 200 \d+ "-" "-" \d+ 37 - "application\/json" "-" "application\/json"$/m);
});

test('graceful shutdown finishes the requests in flight', async () => {
  const g = await startTestServer();
  const cert = g.pki.issue('g.test');
  const inFlight = request(g, '/puppet/v3/catalog/g.test?environment=production', { method: 'POST', cert, body: catalogForm('g.test', { sleep_ms: 400 }), headers: form });
  await new Promise((r) => setTimeout(r, 100));
  const ca = g.pki.caPem;
  const stopping = g.stop();
  const r = await inFlight;
  assert.equal(r.status, 200, r.text);
  await stopping;
  await assert.rejects(request({ port: g.server.port, ca }, '/status/v1/simple'), /ECONNREFUSED/);
});

test('TLS 1.2 and 1.3 are spoken; TLS 1.1 is refused by the server', async () => {
  const { connect } = await import('node:tls');
  const handshake = (o: import('node:tls').ConnectionOptions) => new Promise<string>((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port: h.server.port, ca: h.pki.caPem, servername: 'localhost', ...o }, () => { const p = sock.getProtocol() ?? ''; sock.end(); resolve(p); });
    sock.on('error', reject);
  });
  assert.equal(await handshake({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' }), 'TLSv1.3');
  assert.equal(await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }), 'TLSv1.2');
  // SECLEVEL=0 lets this client offer TLS 1.1, so the refusal is the server's (a protocol_version alert).
  await assert.rejects(handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), /protocol version|unsupported protocol|no protocols available/i);
});

test('a taken port is a clear error', async () => {
  await assert.rejects(startTestServer({ port: h.server.port }), /Could not listen on 127\.0\.0\.1:\d+: the port is already in use/);
});

test('a client that never finishes its headers is cut off; an idle keep-alive connection is closed', async () => {
  const { FrontEnd } = await import('../../src/server/https.js');
  const { connect } = await import('node:tls');
  const fe = new FrontEnd({
    host: '127.0.0.1', port: 0, tls: { key: h.serverCert.key, cert: h.serverCert.cert, ca: h.pki.caPem }, headersTimeoutMs: 400, requestTimeoutMs: 800, idleTimeoutMs: 300,
    handler: async () => ({ status: 200, body: 'ok' }),
  });
  const port = await fe.listen();
  const closedWithin = (sock: import('node:tls').TLSSocket, ms: number) => Promise.race([
    new Promise<boolean>((r) => sock.once('close', () => r(true))),
    new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
  ]);
  try {
    const slow = connect({ host: '127.0.0.1', port, ca: h.pki.caPem, servername: 'localhost' });
    await new Promise<void>((r) => slow.once('secureConnect', () => r()));
    let got = '';
    slow.on('data', (d: Buffer) => { got += d.toString(); });
    slow.write('GET /status/v1/simple HTTP/1.1\r\nHost: x\r\n'); // and never the blank line
    assert.equal(await closedWithin(slow, 5000), true, 'the slow client was cut off');
    assert.match(got, /^HTTP\/1\.1 408 Request Timeout/);
    const idle = connect({ host: '127.0.0.1', port, ca: h.pki.caPem, servername: 'localhost' });
    await new Promise<void>((r) => idle.once('secureConnect', () => r()));
    idle.on('data', () => {});
    idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const closed = await closedWithin(idle, 5000);
    idle.destroy();
    assert.equal(closed, true, 'the idle keep-alive connection was closed');
  } finally { await fe.close(100); }
});

test('a chunked body that grows past the limit gets 413 without being read to its end', async () => {
  const small = await startTestServer({ cli: { max_request_size: '4096' } });
  try {
    const cert = small.pki.issue('stream.test');
    const { request: httpsRequest } = await import('node:https');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: small.server.port, method: 'PUT', path: '/puppet/v3/report/stream.test?environment=production', ca: small.pki.caPem, servername: 'localhost', key: cert.key, cert: cert.cert, agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      const chunk = 'x'.repeat(1024);
      let sent = 0;
      const pump = () => { while (sent < 64 && req.write(chunk)) sent++; if (sent < 64) req.once('drain', pump); };
      pump(); // never ended: the server must answer anyway
    });
    assert.equal(status, 413);
  } finally { await small.stop(); }
});
