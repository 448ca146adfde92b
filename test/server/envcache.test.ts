// environment_timeout through the real server and its real compile workers:
// an environment.conf `unlimited` keeps parsed code until `reload` or the
// admin API's environment-cache flush (denied unless a site rule allows it);
// the puppet.conf default 0 sees a changed manifest on the next catalog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTestServer, request, writeFiles, type Harness } from './harness.js';
import type { Cert } from './pki.js';
import type { Catalog } from '../../src/compiler/wire.js';

const COMPILE_WORKER = new URL('../../src/server/compile-worker.ts', import.meta.url);

const SITE_AUTH = `
authorization: {
  version: 1
  rules: [
    { match-request: { path: "^/puppet/v3/catalog/([^/]+)$", type: regex, method: [get, post] }
      allow: "$1", sort-order: 500, name: "catalog" }
    { match-request: { path: "/puppet-admin-api/v1/environment-cache", type: path, method: delete }
      allow: "admin.test", sort-order: 500, name: "environment-cache" }
    { match-request: { path: "/", type: path }
      deny: "*", sort-order: 999, name: "deny all" }
  ]
}
`;

let h: Harness;
let node: Cert, admin: Cert;

before(async () => {
  h = await startTestServer({
    workerModule: COMPILE_WORKER,
    setup: (dir) => writeFiles(dir, {
      'etc/auth.conf': SITE_AUTH,
      'code/environments/production/environment.conf': 'environment_timeout = unlimited\n',
      'code/environments/production/manifests/site.pp': "notify { 'prod v1': }\n",
      'code/environments/dev/manifests/site.pp': "notify { 'dev v1': }\n",
    }),
  });
  node = h.pki.issue('node1.test');
  admin = h.pki.issue('admin.test');
});
after(async () => { await h.stop(); });

async function notifies(env: string): Promise<string[]> {
  const r = await request(h, `/puppet/v3/catalog/${node.name}?environment=${env}`, { cert: node });
  assert.equal(r.status, 200, r.text);
  return r.json<Catalog>().resources.filter((x) => x.type === 'Notify').map((x) => x.title);
}

const edit = (env: string, text: string) => writeFiles(h.codedir, { [join('environments', env, 'manifests', 'site.pp')]: text });

test('environment_timeout 0 (the puppet.conf default): a changed manifest is compiled at once', async () => {
  assert.deepEqual(await notifies('dev'), ['dev v1']);
  edit('dev', "notify { 'dev v2, longer': }\n");
  assert.deepEqual(await notifies('dev'), ['dev v2, longer']);
});

test('environment.conf unlimited: a changed manifest is not seen until the server reloads', async () => {
  assert.deepEqual(await notifies('production'), ['prod v1']);
  edit('production', "notify { 'prod v2, longer': }\n");
  assert.deepEqual(await notifies('production'), ['prod v1']);
  await h.server.reload();
  assert.deepEqual(await notifies('production'), ['prod v2, longer']);
});

test('DELETE /puppet-admin-api/v1/environment-cache: denied by default rules, flushes when a site rule allows it', async () => {
  edit('production', "notify { 'prod v3, longer still': }\n");
  assert.deepEqual(await notifies('production'), ['prod v2, longer']);
  const denied = await request(h, '/puppet-admin-api/v1/environment-cache', { method: 'DELETE', cert: node });
  assert.equal(denied.status, 403);
  const wrongMethod = await request(h, '/puppet-admin-api/v1/environment-cache', { method: 'GET', cert: admin });
  assert.equal(wrongMethod.status, 403); // the site rule allows DELETE only
  const ok = await request(h, '/puppet-admin-api/v1/environment-cache', { method: 'DELETE', cert: admin });
  assert.equal(ok.status, 204);
  assert.deepEqual(await notifies('production'), ['prod v3, longer still']);
});
