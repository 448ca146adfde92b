// File serving over real HTTPS: modules/, plugins and pluginfacts (merged),
// custom fileserver.conf mounts, every metadata parameter, and traversal
// refused (.., %2e%2e, symlinks leading out of a mount).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, request, writeFiles, type Harness } from './harness.js';
import type { Cert } from './pki.js';
import type { FileMetadata } from '../../src/server/fileserving.js';

let h: Harness;
let node: Cert;
let mods: string;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

before(async () => {
  h = await startTestServer({
    setup(dir) {
      const code = join(dir, 'code');
      mods = join(code, 'environments', 'production', 'modules');
      writeFiles(mods, {
        'sandbox/files/static.txt': 'static content\n',
        'sandbox/files/tree/a.txt': 'a\n',
        'sandbox/files/tree/sub/b.txt': 'b\n',
        'sandbox/files/tree/.git/config': 'ignored\n',
        'sandbox/lib/facter/sandbox_fact.rb': 'Facter.add(:sandbox) { setcode { 1 } }\n',
        'sandbox/facts.d/static.yaml': 'role: web\n',
        'other/lib/puppet/functions/f.rb': '# f\n',
        'other/lib/facter/sandbox_fact.rb': '# from other: the first module (by name) wins\n',
      });
      writeFiles(join(dir, 'secret'), { 'passwd': 'root:x:0:0\n' });
      symlinkSync(join(dir, 'secret', 'passwd'), join(mods, 'sandbox', 'files', 'escape'));
      symlinkSync(join(dir, 'secret'), join(mods, 'sandbox', 'files', 'escapedir'));
      symlinkSync('static.txt', join(mods, 'sandbox', 'files', 'inner-link'));
      writeFiles(join(dir, 'mnt'), { 'shared/readme.txt': 'custom mount\n', 'node1.test/own.txt': 'per node\n' });
      mkdirSync(join(dir, 'etc'), { recursive: true });
      writeFileSync(join(dir, 'etc', 'fileserver.conf'), `# custom mounts\n[site]\n  path ${join(dir, 'mnt', 'shared')}\n  allow *\n[private]\n  path ${join(dir, 'mnt')}/%H\n`);
    },
  });
  node = h.pki.issue('node1.test');
});
after(async () => { await h.stop(); });

const get = (path: string) => request(h, path, { cert: node });

test('file_metadata of a module file: Puppet fields and a sha256 checksum', async () => {
  const r = await get('/puppet/v3/file_metadata/modules/sandbox/static.txt?links=manage&checksum_type=sha256&source_permissions=ignore&environment=production');
  assert.equal(r.status, 200, r.text);
  const md = r.json<FileMetadata>();
  assert.equal(md.path, join(mods, 'sandbox', 'files', 'static.txt'));
  assert.equal(md.relative_path, null);
  assert.equal(md.type, 'file');
  assert.equal(md.links, 'manage');
  assert.equal(md.destination, null);
  assert.equal(typeof md.mode, 'number');
  assert.deepEqual(md.checksum, { type: 'sha256', value: `{sha256}${sha256('static content\n')}` });
});

test('checksum types md5, mtime, ctime and none', async () => {
  const q = (t: string) => get(`/puppet/v3/file_metadata/modules/sandbox/static.txt?checksum_type=${t}&environment=production`).then((r) => r.json<FileMetadata>().checksum);
  assert.equal((await q('md5')).value, `{md5}${createHash('md5').update('static content\n').digest('hex')}`);
  assert.match((await q('mtime')).value, /^\{mtime\}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$/);
  assert.match((await q('ctime')).value, /^\{ctime\}/);
  assert.equal((await q('none')).value, '{none}');
  const bad = await get('/puppet/v3/file_metadata/modules/sandbox/static.txt?checksum_type=crc32&environment=production');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /checksum type 'crc32'/);
});

test('file_metadatas: recurse, recurselimit, ignore, relative paths', async () => {
  const r = await get('/puppet/v3/file_metadatas/modules/sandbox/tree?recurse=true&max_files=0&links=manage&checksum_type=sha256&source_permissions=ignore&ignore=.git&environment=production');
  assert.equal(r.status, 200, r.text);
  const list = r.json<FileMetadata[]>();
  assert.deepEqual(list.map((m) => m.relative_path), ['.', 'a.txt', 'sub', 'sub/b.txt']);
  assert.ok(list.every((m) => m.path === join(mods, 'sandbox', 'files', 'tree')));
  assert.equal(list[0].type, 'directory');
  assert.match(list[0].checksum.value, /^\{ctime\}/);
  const limited = (await get('/puppet/v3/file_metadatas/modules/sandbox/tree?recurse=true&recurselimit=1&environment=production')).json<FileMetadata[]>();
  assert.deepEqual(limited.map((m) => m.relative_path), ['.', '.git', 'a.txt', 'sub']);
  const flat = (await get('/puppet/v3/file_metadatas/modules/sandbox/tree?recurse=false&environment=production')).json<FileMetadata[]>();
  assert.deepEqual(flat.map((m) => m.relative_path), ['.']);
  const tooMany = await get('/puppet/v3/file_metadatas/modules/sandbox/tree?recurse=true&max_files=2&environment=production');
  assert.equal(tooMany.status, 400);
});

test('plugins and pluginfacts merge every module, as the agent asks for them', async () => {
  const r = await get('/puppet/v3/file_metadatas/plugins?recurse=true&max_files=-1&ignore=.svn&ignore=CVS&ignore=.git&ignore=.hg&links=follow&checksum_type=sha256&source_permissions=ignore&environment=production');
  assert.equal(r.status, 200, r.text);
  const list = r.json<FileMetadata[]>();
  const rel = list.map((m) => m.relative_path);
  assert.ok(rel.includes('facter/sandbox_fact.rb'));
  assert.ok(rel.includes('puppet/functions/f.rb'));
  assert.equal(rel.filter((x) => x === 'facter/sandbox_fact.rb').length, 1);
  const facts = (await get('/puppet/v3/file_metadatas/pluginfacts?recurse=true&links=follow&checksum_type=sha256&source_permissions=use&environment=production')).json<FileMetadata[]>();
  assert.deepEqual(facts.map((m) => m.relative_path), ['.', 'static.yaml']);
  const content = await get('/puppet/v3/file_content/plugins/facter/sandbox_fact.rb?environment=production');
  assert.equal(content.status, 200);
  assert.equal(content.headers['content-type'], 'application/octet-stream');
  // Metadata and content agree on which module's copy is served.
  assert.match(content.text, /from other/);
  const md = list.find((m) => m.relative_path === 'facter/sandbox_fact.rb')!;
  assert.equal(md.checksum.value, `{sha256}${sha256(content.text)}`);
});

test('file_content of module files and custom mounts (with %H)', async () => {
  assert.equal((await get('/puppet/v3/file_content/modules/sandbox/tree/sub/b.txt?environment=production')).text, 'b\n');
  assert.equal((await get('/puppet/v3/file_content/site/readme.txt?environment=production')).text, 'custom mount\n');
  assert.equal((await get('/puppet/v3/file_content/private/own.txt?environment=production')).text, 'per node\n');
  const other = h.pki.issue('node2.test');
  assert.equal((await request(h, '/puppet/v3/file_content/private/own.txt?environment=production', { cert: other })).status, 404);
  const missing = await get('/puppet/v3/file_content/modules/sandbox/nope.txt?environment=production');
  assert.equal(missing.status, 404);
  assert.equal(missing.json<{ issue_kind: string }>().issue_kind, 'RESOURCE_NOT_FOUND');
});

test('traversal is refused: .., %2e%2e, encoded slashes, and symlinks out of the mount', async () => {
  for (const p of [
    '/puppet/v3/file_content/modules/sandbox/../../../../secret/passwd',
    '/puppet/v3/file_content/modules/sandbox/%2e%2e/%2e%2e/secret/passwd',
    '/puppet/v3/file_content/modules/sandbox/%2E%2E%2F%2E%2E%2Fsecret/passwd',
    '/puppet/v3/file_content/site/..%2f..%2fsecret%2fpasswd',
    '/puppet/v3/file_metadata/modules/sandbox/./static.txt',
  ]) {
    const r = await get(p + '?environment=production');
    assert.equal(r.status, 400, `${p}: ${r.status} ${r.text}`);
  }
  for (const p of ['escape', 'escapedir/passwd']) {
    const c = await get(`/puppet/v3/file_content/modules/sandbox/${p}?environment=production`);
    assert.equal(c.status, 404, `${p}: ${c.text}`);
    assert.doesNotMatch(c.text, /root:x/);
    const m = await get(`/puppet/v3/file_metadata/modules/sandbox/${p}?links=follow&environment=production`);
    assert.equal(m.status, 404);
  }
  // Recursion never lists what lies behind an escaping link.
  const all = (await get('/puppet/v3/file_metadatas/modules/sandbox?recurse=true&links=follow&environment=production')).json<FileMetadata[]>();
  assert.ok(!all.some((m) => m.relative_path?.startsWith('escape')), JSON.stringify(all.map((m) => m.relative_path)));
  // A link inside the mount is fine: manage describes it, follow serves its target.
  const manage = (await get('/puppet/v3/file_metadata/modules/sandbox/inner-link?links=manage&environment=production')).json<FileMetadata>();
  assert.equal(manage.type, 'link');
  assert.equal(manage.destination, 'static.txt');
  assert.equal((await get('/puppet/v3/file_content/modules/sandbox/inner-link?environment=production')).text, 'static content\n');
});

test('file bucket: PUT by checksum, HEAD, GET; a wrong checksum is refused', async () => {
  const body = 'backup of /etc/motd\n';
  const sum = createHash('sha256').update(body).digest('hex');
  const url = `/puppet/v3/file_bucket_file/sha256/${sum}//etc/motd?environment=production`;
  assert.equal((await request(h, url, { method: 'HEAD', cert: node })).status, 404);
  const put = await request(h, url, { method: 'PUT', cert: node, body, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(put.status, 200, put.text);
  assert.equal((await request(h, url, { method: 'HEAD', cert: node })).status, 200);
  const got = await request(h, `/puppet/v3/file_bucket_file/sha256/${sum}?environment=production`, { cert: node });
  assert.equal(got.text, body);
  const wrong = await request(h, `/puppet/v3/file_bucket_file/sha256/${sha256('other')}?environment=production`, { method: 'PUT', cert: node, body });
  assert.equal(wrong.status, 400);
  const badAlgo = await request(h, `/puppet/v3/file_bucket_file/crc/${sum}?environment=production`, { cert: node });
  assert.equal(badAlgo.status, 400);
});

test('environments lists each environment with its settings', async () => {
  const r = await get('/puppet/v3/environments');
  assert.equal(r.status, 200);
  const body = r.json<{ search_paths: string[]; environments: Record<string, { settings: { modulepath: string[]; manifest: string; environment_timeout: unknown } }> }>();
  assert.deepEqual(Object.keys(body.environments), ['production']);
  assert.equal(body.environments.production.settings.modulepath[0], mods);
  assert.equal(body.environments.production.settings.environment_timeout, 0);
});

test('environment_classes lists classes and parameters per file (with a site rule allowing it), with ETags', async () => {
  const { loadRules, defaultRules } = await import('../../src/server/auth.js');
  writeFiles(mods, {
    'webapp/manifests/init.pp': "class webapp (\n  String $docroot = '/var/www',\n  Integer[1] $workers = 4,\n  Array[String] $names = ['a', 'b'],\n  $computed = \"${facts['x']}\",\n  $nodefault,\n) { }\n",
    'broken/manifests/init.pp': 'class broken { if { }\n',
  });
  writeFileSync(join(h.dir, 'classes-auth.conf'), `authorization: { version: 1, rules: [
    { match-request: { path: "/puppet/v3/environment_classes", type: path, method: get }, allow: "*", name: "classes" } ] }`);
  h.server.app.setRules(loadRules(join(h.dir, 'classes-auth.conf')).rules);
  try {
    const r = await get('/puppet/v3/environment_classes?environment=production');
    assert.equal(r.status, 200, r.text);
    const body = r.json<{ name: string; files: { path: string; classes?: { name: string; params: Record<string, unknown>[] }[]; error?: string }[] }>();
    assert.equal(body.name, 'production');
    const web = body.files.find((f) => f.path.endsWith('webapp/manifests/init.pp'))!;
    assert.deepEqual(web.classes, [{ name: 'webapp', params: [
      { name: 'docroot', type: 'String', default_literal: '/var/www', default_source: "'/var/www'" },
      { name: 'workers', type: 'Integer[1]', default_literal: 4, default_source: '4' },
      { name: 'names', type: 'Array[String]', default_literal: ['a', 'b'], default_source: "['a', 'b']" },
      { name: 'computed', default_source: `"\${facts['x']}"` },
      { name: 'nodefault' },
    ] }]);
    const broken = body.files.find((f) => f.path.endsWith('broken/manifests/init.pp'))!;
    assert.ok(broken.error && broken.error.length > 0);
    const again = await request(h, '/puppet/v3/environment_classes?environment=production', { cert: node, headers: { 'If-None-Match': String(r.headers.etag) } });
    assert.equal(again.status, 304);
    assert.equal((await get('/puppet/v3/environment_classes?environment=nosuch')).status, 404);
  } finally { h.server.app.setRules(defaultRules()); }
});
