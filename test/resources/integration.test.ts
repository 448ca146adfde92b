// These types inside the agent's transaction: concat_file finding its
// fragments in the catalog, a changed file refreshing a real init.d service,
// and a second run changing nothing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import type { Catalog, CatalogResource, Data } from '../../src/compiler/wire.js';
import { AgentCatalog } from '../../src/agent/catalog.js';
import { Transaction } from '../../src/agent/transaction.js';
import { debianProvider } from '../../src/resources/service.js';
import { uniqueName } from './typehelpers.js';

const FIXTURE = new URL('./fixtures/kuroko-testsvc', import.meta.url).pathname;
const usable = process.getuid?.() === 0 && debianProvider.suitable() && existsSync('/etc/init.d');
const svc = uniqueName('kksvi');
const dir = tempDir('kuroko-int-');

after(() => {
  if (!usable) return;
  spawnSync(`/etc/init.d/${svc}`, ['stop'], { stdio: 'ignore' });
  rmSync(`/etc/init.d/${svc}`, { force: true });
  for (const f of readdirSync('/run')) if (f.startsWith(svc)) rmSync(join('/run', f), { force: true });
});

function res(type: string, title: string, parameters: Record<string, Data>): CatalogResource {
  return { type, title, tags: [type.toLowerCase()], exported: false, parameters };
}

function catalog(second: string): Catalog {
  const conf = join(dir, 'app.conf');
  return {
    tags: [], name: 'node', version: 1, code_id: null, catalog_uuid: '00000000-0000-0000-0000-000000000001', catalog_format: 1,
    environment: 'production', edges: [], classes: [],
    resources: [
      res('Concat_file', 'app', { path: conf, mode: '0644', notify: `Service[${svc}]` }),
      res('Concat_fragment', 'app-body', { target: 'app', content: second, order: '20' }),
      res('Concat_fragment', 'app-head', { target: 'app', content: '# head\n', order: '01' }),
      res('Ini_setting', 'port', { path: join(dir, 'app.ini'), section: 'net', setting: 'port', value: '8080', notify: `Service[${svc}]` }),
      res('Service', svc, { ensure: 'running', hasrestart: true }),
    ],
  };
}

async function run(c: Catalog) {
  const t = await Transaction.prepare(new AgentCatalog(c));
  await t.evaluate();
  return t;
}

const restarts = () => (existsSync(`/run/${svc}.log`) ? readFileSync(`/run/${svc}.log`, 'utf8').split('\n').filter((l) => l === 'restart').length : 0);

test('first run creates, a changed fragment restarts the service, a third run changes nothing', { skip: !usable && 'needs root and Debian init.d' }, async () => {
  copyFileSync(FIXTURE, `/etc/init.d/${svc}`);
  writeFileSync(join(dir, 'app.ini'), '[net]\nhost = example\n');
  let t = await run(catalog('body 1\n'));
  assert.ok(![...t.statuses.values()].some((s) => s.failed), JSON.stringify([...t.statuses.values()].filter((s) => s.failed)));
  assert.equal(readFileSync(join(dir, 'app.conf'), 'utf8'), '# head\nbody 1\n');
  assert.equal(readFileSync(join(dir, 'app.ini'), 'utf8'), '[net]\nhost = example\nport = 8080\n');
  const started = t.statuses.get(`Service[${svc}]`)!;
  assert.deepEqual(started.events.map((e) => e.message), ["ensure changed 'stopped' to 'running'"]);
  assert.equal(restarts(), 0, 'starting the service made the pending refresh moot');

  t = await run(catalog('body 2\n'));
  assert.equal(readFileSync(join(dir, 'app.conf'), 'utf8'), '# head\nbody 2\n');
  assert.equal(restarts(), 1);
  assert.match(t.statuses.get('Concat_file[app]')!.events[0].message, /^content changed '\{sha256\}/);

  t = await run(catalog('body 2\n'));
  assert.deepEqual([...t.statuses.values()].filter((s) => s.changed || s.out_of_sync).map((s) => s.resource), []);
  assert.equal(restarts(), 1);
});
