// The server over time, with real parts: report retention (reportttl)
// applied while it runs; a shutdown that still stores a report whose body
// is arriving; exported resources of one node collected in another node's
// catalog by the real compiler on a real worker thread, through the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { startTestServer, request, catalogForm, writeFiles } from './harness.js';
import type { Catalog } from '../../src/compiler/wire.js';

const SAMPLES = new URL('../../../shared/reference/wire-samples/', import.meta.url);
const REPORT = JSON.parse(readFileSync(new URL('report-node1.test.com-second-run.json', SAMPLES), 'utf8')) as Record<string, unknown>;
const jsonCt = { 'Content-Type': 'application/json' };
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };

test('reportttl: the running server removes reports older than it', async () => {
  const h = await startTestServer({ cli: { reportttl: '2s' } });
  try {
    const cert = h.pki.issue('node1.test.com');
    const put = await request(h, '/puppet/v3/report/node1.test.com?environment=production', { method: 'PUT', cert, body: JSON.stringify(REPORT), headers: jsonCt });
    assert.equal(put.status, 200, put.text);
    assert.equal((await h.server.context.store.listReports()).length, 1);
    const deadline = Date.now() + 8000;
    while ((await h.server.context.store.listReports()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.equal((await h.server.context.store.listReports()).length, 0, 'the report outlived reportttl');
  } finally { await h.stop(); }
});

test('shutdown while a report is being uploaded: the upload finishes and the report is stored', async () => {
  const h = await startTestServer();
  const cert = h.pki.issue('node1.test.com');
  const body = Buffer.from(JSON.stringify(REPORT));
  const half = Math.floor(body.length / 2);
  let closing: Promise<void> | undefined;
  let status = 0;
  try {
    status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest({
        host: '127.0.0.1', port: h.server.port, method: 'PUT', path: '/puppet/v3/report/node1.test.com?environment=production', ca: h.pki.caPem, servername: 'localhost',
        key: cert.key, cert: cert.cert, agent: false, headers: { ...jsonCt, 'Content-Length': String(body.length) },
      }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
      req.on('error', reject);
      req.write(body.subarray(0, half));
      // Once the server has the first half, it is told to stop; then the rest arrives.
      setTimeout(() => {
        closing = h.server.close(10_000);
        setTimeout(() => req.end(body.subarray(half)), 200);
      }, 200);
    });
    await closing;
    assert.equal(status, 200);
  } finally {
    if (!closing) await h.server.close(1000);
  }
  // The store is closed with the server: open the same database again to look.
  const { SqliteStore } = await import('../../src/store/sqlite.js');
  const { join } = await import('node:path');
  const store = new SqliteStore(join(h.settingsCli.vardir, 'kuroko.sqlite'));
  try {
    const stored = await store.getReport('node1.test.com');
    assert.equal(stored?.transactionUuid, REPORT.transaction_uuid);
  } finally {
    await store.close();
    const { rmSync } = await import('node:fs');
    rmSync(h.dir, { recursive: true, force: true });
  }
});

test('exported resources: the real compiler exports from one node and collects in another, through the store', async () => {
  const h = await startTestServer({
    workerModule: undefined, // the real compile worker
    setup(dir) {
      writeFiles(`${dir}/code/environments/production/manifests`, {
        'site.pp': [
          "node 'web1.test' {",
          "  @@file { '/etc/cluster/web1.test': content => $facts['ipaddress'], tag => 'cluster' }",
          "  @@file { '/etc/cluster/unrelated.test': content => '10.9.9.9', tag => 'other' }",
          '}',
          "node 'web2.test' {",
          "  @@file { '/etc/cluster/web2.test': content => $facts['ipaddress'], tag => 'cluster' }",
          '}',
          "node 'lb.test' {",
          "  File <<| tag == 'cluster' |>>",
          '}',
        ].join('\n') + '\n',
      });
    },
  });
  try {
    const compile = async (name: string, ip: string) => {
      const cert = h.pki.issue(name);
      const r = await request(h, `/puppet/v3/catalog/${name}?environment=production`, { method: 'POST', cert, body: catalogForm(name, { ipaddress: ip }), headers: form });
      assert.equal(r.status, 200, r.text);
      return r.json<Catalog>();
    };
    const hostsIn = (c: Catalog) => c.resources.filter((r) => r.type === 'File').map((r) => `${r.title.replace('/etc/cluster/', '')}=${String(r.parameters?.content)}${r.exported ? ' (exported)' : ''}`).sort();
    // Nothing exported yet: the collector finds nothing.
    assert.deepEqual(hostsIn(await compile('lb.test', '10.0.0.1')), []);
    const web1 = await compile('web1.test', '10.0.0.11');
    assert.deepEqual(hostsIn(web1), [], 'the agent does not get exported resources');
    const stored = await h.server.context.store.exportedResources({ environment: 'production' });
    assert.deepEqual(stored.map((r) => `${r.certname} ${r.type}[${r.title}]`).sort(), ['web1.test File[/etc/cluster/unrelated.test]', 'web1.test File[/etc/cluster/web1.test]']);
    await compile('web2.test', '10.0.0.12');
    assert.deepEqual(hostsIn(await compile('lb.test', '10.0.0.1')), ['web1.test=10.0.0.11', 'web2.test=10.0.0.12']);
    // web1's next catalog no longer exports: its exported resources are replaced, so they are no longer collected.
    writeFiles(`${h.dir}/code/environments/production/manifests`, {
      'site.pp': "node 'web1.test' { }\nnode 'web2.test' { @@file { '/etc/cluster/web2.test': content => $facts['ipaddress'], tag => 'cluster' } }\nnode 'lb.test' { File <<| tag == 'cluster' |>> }\n",
    });
    await compile('web1.test', '10.0.0.11');
    assert.deepEqual(hostsIn(await compile('lb.test', '10.0.0.1')), ['web2.test=10.0.0.12']);
  } finally { await h.stop(); }
});

test('rich data only for agents that ask for it: Deferred as __ptype under rich+json, a string under plain JSON', async () => {
  const h = await startTestServer({
    workerModule: undefined, // the real compile worker
    setup(dir) {
      writeFiles(`${dir}/code/environments/production/manifests`, {
        'site.pp': "notify { 'later': message => Deferred('join', [['a', 'b'], '-']) }\nnotify { 'float': message => 2.0 }\n",
      });
    },
  });
  try {
    const cert = h.pki.issue('rich.test');
    const ask = (accept: string) => request(h, '/puppet/v3/catalog/rich.test?environment=production', { method: 'POST', cert, body: catalogForm('rich.test', {}), headers: { ...form, Accept: accept } });
    const message = (c: Catalog) => c.resources.find((r) => r.type === 'Notify')?.parameters?.message;
    const rich = await ask('application/vnd.puppet.rich+json, application/json, text/pson');
    assert.equal(rich.status, 200, rich.text);
    assert.match(String(rich.headers['content-type']), /^application\/vnd\.puppet\.rich\+json/);
    assert.deepEqual(message(rich.json<Catalog>()), { __ptype: 'Deferred', name: 'join', arguments: [['a', 'b'], '-'] });
    assert.match(rich.text, /"message":2\.0[,}]/, 'an integral Float is written as Puppet writes it');
    for (const accept of ['application/json', 'application/vnd.puppet.rich+json;q=0, application/json']) {
      const plain = await ask(accept);
      assert.equal(plain.status, 200, plain.text);
      assert.match(String(plain.headers['content-type']), /^application\/json/);
      const m = message(plain.json<Catalog>());
      assert.equal(typeof m, 'string', `${accept}: ${JSON.stringify(m)}`);
      assert.match(String(m), /Deferred/);
    }
  } finally { await h.stop(); }
});

test('withoutExported: the agent\'s catalog loses exported resources and the edges touching them, nothing else', async () => {
  const { withoutExported } = await import('../../src/server/v3-catalog.js');
  const c: Catalog = {
    tags: [], name: 'n', version: 1, code_id: null, catalog_uuid: 'u', catalog_format: 1, environment: 'production', classes: [],
    resources: [
      { type: 'Class', title: 'Main', tags: [], exported: false },
      { type: 'File', title: '/a', tags: [], exported: false },
      { type: 'File', title: '/shared', tags: [], exported: true },
    ],
    edges: [{ source: 'Class[Main]', target: 'File[/a]' }, { source: 'Class[Main]', target: 'File[/shared]' }],
  };
  const out = withoutExported(c);
  assert.deepEqual(out.resources.map((r) => r.title), ['Main', '/a']);
  assert.deepEqual(out.edges, [{ source: 'Class[Main]', target: 'File[/a]' }]);
  assert.equal(c.resources.length, 3, 'the stored catalog is left whole');
  const plain = { ...c, resources: c.resources.slice(0, 2), edges: c.edges.slice(0, 1) };
  assert.equal(withoutExported(plain), plain);
});
