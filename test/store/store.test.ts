// The SQLite store on real files: reports (validation, listing, filters,
// retention), facts, catalogs with their exported resources replaced in one
// transaction, WAL mode, and sharing the database between two handles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite.js';
import { KurokoError } from '../../src/util/diagnostic.js';
import type { Catalog } from '../../src/compiler/wire.js';
import { tempDir } from '../helpers.js';

const SAMPLES = new URL('../../../shared/reference/wire-samples/', import.meta.url);
const sample = (n: string) => JSON.parse(readFileSync(new URL(n, SAMPLES), 'utf8')) as Record<string, unknown>;

function catalog(name: string, exported: { type: string; title: string }[]): Catalog {
  return {
    tags: [], name, version: 1, code_id: null, catalog_uuid: 'u', catalog_format: 1, environment: 'production', edges: [], classes: [],
    resources: [{ type: 'Class', title: 'Main', tags: [], exported: false }, ...exported.map((e) => ({ ...e, tags: [], exported: true, parameters: { from: name } }))],
  };
}

test('reports from real agents are stored, listed, filtered and shown', async () => {
  const s = new SqliteStore(join(tempDir(), 'var', 'kuroko.sqlite'));
  try {
    const first = await s.saveReport(sample('report-app1.example.net-first-run.json'));
    const second = await s.saveReport(sample('report-node1.test.com-second-run.json'));
    const noop = await s.saveReport(sample('report-node1.test.com-nginx-noop.json'));
    assert.ok(second.id > first.id && noop.id > second.id);
    assert.equal(first.certname, 'app1.example.net');
    assert.ok(first.resources.total > 0);
    const all = await s.listReports();
    assert.deepEqual(all.map((r) => r.id), [noop.id, second.id, first.id]);
    assert.deepEqual((await s.listReports({ node: 'node1.test.com' })).map((r) => r.id), [noop.id, second.id]);
    const status = String(sample('report-app1.example.net-first-run.json').status);
    assert.ok((await s.listReports({ status })).some((r) => r.id === first.id));
    const shown = await s.getReport(first.id);
    assert.deepEqual(shown?.report, sample('report-app1.example.net-first-run.json'));
    assert.equal((await s.getReport('node1.test.com'))?.id, noop.id);
    assert.equal(await s.getReport(99999), undefined);
  } finally { await s.close(); }
});

test('invalid reports are refused with the field, and nothing is stored', async () => {
  const s = new SqliteStore(join(tempDir(), 'db.sqlite'));
  try {
    for (const bad of [null, [], { time: '2026-01-01T00:00:00Z' }, { host: 'h', time: 'yesterday' }, { host: 'h', time: '2026-01-01T00:00:00Z', status: 'odd' }, { host: 'h', time: '2026-01-01T00:00:00Z', logs: {} }]) {
      await assert.rejects(s.saveReport(bad), (e: unknown) => e instanceof KurokoError && typeof e.field === 'string');
    }
    assert.equal((await s.listReports()).length, 0);
  } finally { await s.close(); }
});

test('retention removes reports received before the cut-off', async () => {
  const s = new SqliteStore(join(tempDir(), 'db.sqlite'));
  try {
    await s.saveReport(sample('report-node1.test.com-second-run.json'));
    assert.equal(await s.pruneReports(new Date(Date.now() - 86400_000)), 0);
    assert.equal(await s.pruneReports(new Date(Date.now() + 1000)), 1);
    assert.equal((await s.listReports()).length, 0);
  } finally { await s.close(); }
});

test('facts are replaced per node', async () => {
  const s = new SqliteStore(join(tempDir(), 'db.sqlite'));
  try {
    const doc = sample('facts-payload-app1.example.net.json') as { name: string; values: Record<string, never> };
    await s.saveFacts(doc as never, 'production');
    assert.deepEqual((await s.getFacts(doc.name))?.values, doc.values);
    await s.saveFacts({ name: doc.name, values: { only: 'this' } }, 'test');
    const f = await s.getFacts(doc.name);
    assert.deepEqual(f?.values, { only: 'this' });
    assert.equal(f?.environment, 'test');
    await assert.rejects(s.saveFacts({ name: '', values: {} }), /facts\.name/);
    assert.deepEqual(await s.nodes(), [doc.name]);
  } finally { await s.close(); }
});

test('catalogs replace their exported resources atomically; others collect them', async () => {
  const s = new SqliteStore(join(tempDir(), 'db.sqlite'));
  try {
    await s.saveCatalog('a', catalog('a', [{ type: 'Sshkey', title: 'a-key' }, { type: 'Nagios_host', title: 'a' }]));
    await s.saveCatalog('b', catalog('b', [{ type: 'Sshkey', title: 'b-key' }]));
    assert.deepEqual((await s.exportedResources({ type: 'Sshkey' })).map((r) => `${r.certname}:${r.title}`), ['a:a-key', 'b:b-key']);
    assert.deepEqual((await s.exportedResources({ excludeNode: 'b' })).map((r) => r.title), ['a', 'a-key']);
    await s.saveCatalog('a', catalog('a', []));
    assert.deepEqual((await s.exportedResources()).map((r) => r.title), ['b-key']);
    assert.equal((await s.getCatalog('a'))?.catalog.name, 'a');
    assert.deepEqual((await s.exportedResources({ environment: 'other' })), []);
  } finally { await s.close(); }
});

test('WAL mode, and two handles on one database see each other (several servers, one store)', async () => {
  const path = join(tempDir(), 'shared.sqlite');
  const one = new SqliteStore(path);
  const two = new SqliteStore(path);
  try {
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
    await one.saveReport(sample('report-node1.test.com-second-run.json'));
    assert.equal((await two.listReports()).length, 1);
  } finally { await one.close(); await two.close(); }
});

test('an unopenable store is a clear error naming the path', () => {
  const dir = tempDir();
  assert.throws(() => new SqliteStore(join(dir, 'missing', 'x.sqlite'), { readonly: true }), (e: unknown) => e instanceof KurokoError && /Cannot open the store/.test(e.message) && e.field === 'storedb');
});
