// Static catalogs through the real server and its real compile workers, as
// puppetserver compiles them: code_id from the site's code_id_command, file
// metadata inlined (metadata / recursive_metadata with content_uri) for
// module files inside the environment only, nothing inlined without
// static_catalog=true, a code id, or with static_catalogs = false; a failing
// or invalid code-id command fails the request with puppetserver's message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, request, writeFiles, catalogForm, type Harness } from './harness.js';
import type { Cert } from './pki.js';
import type { Catalog } from '../../src/compiler/wire.js';
import { commonChecksumType } from '../../src/server/static-catalog.js';

const COMPILE_WORKER = new URL('../../src/server/compile-worker.ts', import.meta.url);

// ENVIRONMENT: prints the code id; environments named for it fail or print a bad id.
const CODE_ID = `#!/bin/sh
case "$1" in
  broken) echo "cannot read the repository" >&2; exit 4 ;;
  badid) echo "not valid!" ;;
  noisy) echo "a warning" >&2; echo "noisy-1" ;;
  *) printf 'c0ffee:%s\\n' "$1" ;;
esac
`;

const SITE = `
node default {
  $t = $facts['target']
  file { "\${t}/hello": source => 'puppet:///modules/envmod/hello.txt' }
  file { 'base file': path => "\${t}/base", source => 'puppet:///modules/basemod/base.txt' }
  file { "\${t}/tree": ensure => directory, recurse => true, source => 'puppet:///modules/envmod/tree/' }
  file { "\${t}/gone": ensure => absent, source => 'puppet:///modules/envmod/hello.txt' }
  file { "\${t}/multi": source => ['puppet:///modules/envmod/missing.txt', 'puppet:///modules/envmod/hello.txt'] }
  file { "\${t}/md5": source => 'puppet:///modules/envmod/hello.txt', checksum => 'md5' }
  file { "\${t}/inline": content => "inline\\n" }
}
`;

const HELLO = 'hello from the environment\n';

let h: Harness; // code_id_command set
let bare: Harness; // none
let node: Cert;
let bareNode: Cert;

function code(dir: string): void {
  const script = join(dir, 'code-id.sh');
  writeFileSync(script, CODE_ID);
  chmodSync(script, 0o755);
  const env = (name: string) => `code/environments/${name}`;
  const files: Record<string, string> = {
    'etc/puppet.conf': `[server]\ncode_id_command = ${script}\ncode_content_command = /bin/cat\n`,
    'code/modules/basemod/files/base.txt': 'from the basemodulepath\n',
    [`${env('production')}/modules/envmod/files/hello.txt`]: HELLO,
    [`${env('production')}/modules/envmod/files/tree/a.txt`]: 'a\n',
    [`${env('production')}/modules/envmod/files/tree/sub/b.txt`]: 'b\n',
    [`${env('production')}/manifests/site.pp`]: SITE,
    [`${env('nostatic')}/environment.conf`]: 'static_catalogs = false\n',
    [`${env('missing')}/manifests/site.pp`]: "file { '/tmp/never': source => 'puppet:///modules/envmod/nothing.txt' }\n",
  };
  for (const e of ['nostatic', 'broken', 'badid', 'noisy']) {
    files[`${env(e)}/manifests/site.pp`] = SITE;
    files[`${env(e)}/modules/envmod/files/hello.txt`] = HELLO;
    files[`${env(e)}/modules/envmod/files/tree/a.txt`] = 'a\n';
  }
  writeFiles(dir, files);
}

before(async () => {
  h = await startTestServer({ workerModule: COMPILE_WORKER, setup: code });
  node = h.pki.issue('node1.test');
  bare = await startTestServer({
    workerModule: COMPILE_WORKER,
    setup: (dir) => { code(dir); writeFileSync(join(dir, 'etc', 'puppet.conf'), ''); },
  });
  bareNode = bare.pki.issue('node1.test');
});
after(async () => { await h?.stop(); await bare?.stop(); });

async function catalogOf(server: Harness, cert: Cert, extra: Record<string, string> = {}): Promise<{ status: number; text: string; catalog: Catalog }> {
  const r = await request(server, `/puppet/v3/catalog/${cert.name}`, {
    method: 'POST', cert, body: catalogForm(cert.name, { target: '/srv/t' }, extra),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
  });
  return { status: r.status, text: r.text, catalog: r.status === 200 ? r.json<Catalog>() : ({} as Catalog) };
}

type Meta = Record<string, unknown> & { checksum: { type: string; value: string } };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

test('a static catalog: code_id from the command, metadata and content_uri for a module file in the environment', async () => {
  const { status, text, catalog } = await catalogOf(h, node);
  assert.equal(status, 200, text);
  assert.equal(catalog.code_id, 'c0ffee:production');
  const meta = catalog.metadata as Record<string, Meta>;
  assert.ok(meta, text);
  const hello = meta['/srv/t/hello'];
  const file = join(h.codedir, 'environments', 'production', 'modules', 'envmod', 'files', 'hello.txt');
  assert.deepEqual(hello, {
    path: file, relative_path: null, links: 'manage', owner: process.getuid?.(), group: process.getgid?.(), mode: 0o666 & ~process.umask(),
    checksum: { type: 'sha256', value: `{sha256}${sha256(HELLO)}` }, type: 'file', destination: null,
    content_uri: 'puppet:///modules/envmod/files/hello.txt', source: 'puppet:///modules/envmod/hello.txt',
  });
  // The first source that exists, as Puppet chooses; a per-resource checksum wins over the agent's.
  assert.equal(meta['/srv/t/multi'].source, 'puppet:///modules/envmod/hello.txt');
  assert.deepEqual(meta['/srv/t/md5'].checksum, { type: 'md5', value: `{md5}${md5(HELLO)}` });
  // Not inlined: a basemodulepath module (outside the environment), ensure => absent, content.
  assert.deepEqual(Object.keys(meta).sort(), ['/srv/t/hello', '/srv/t/md5', '/srv/t/multi']);
});

test('recurse => true: recursive_metadata keyed by title, then by the (normalized) source', async () => {
  const { catalog, text } = await catalogOf(h, node);
  const rec = catalog.recursive_metadata as Record<string, Record<string, Meta[]>>;
  assert.ok(rec, text);
  assert.deepEqual(Object.keys(rec), ['/srv/t/tree']);
  const list = rec['/srv/t/tree']['puppet:///modules/envmod/tree'];
  assert.ok(Array.isArray(list), JSON.stringify(rec));
  const base = join(h.codedir, 'environments', 'production', 'modules', 'envmod', 'files', 'tree');
  const byRel = new Map(list.map((m) => [m.relative_path as string, m]));
  assert.deepEqual([...byRel.keys()].sort(), ['.', 'a.txt', 'sub', 'sub/b.txt']);
  for (const m of list) assert.equal(m.path, base);
  assert.equal(byRel.get('.')!.content_uri, 'puppet:///modules/envmod/files/tree');
  assert.equal(byRel.get('.')!.type, 'directory');
  assert.equal(byRel.get('sub/b.txt')!.content_uri, 'puppet:///modules/envmod/files/tree/sub/b.txt');
  assert.deepEqual(byRel.get('sub/b.txt')!.checksum, { type: 'sha256', value: `{sha256}${sha256('b\n')}` });
  assert.equal(byRel.get('a.txt')!.source, undefined, 'listing entries carry no source, as Puppet');
});

test('the agent\'s checksum types: the first the server knows is used; none known is a 500 naming them', async () => {
  const md5Only = await catalogOf(h, node, { checksum_type: 'blake9.md5.sha256' });
  assert.equal(md5Only.status, 200, md5Only.text);
  const meta = md5Only.catalog.metadata as Record<string, Meta>;
  assert.deepEqual(meta['/srv/t/hello'].checksum, { type: 'md5', value: `{md5}${md5(HELLO)}` });
  const none = await catalogOf(h, node, { checksum_type: 'blake9.crc' });
  assert.equal(none.status, 500);
  assert.match(none.text, /Unable to find a common checksum type between agent 'blake9\.crc' and master/);
  assert.equal(commonChecksumType('sha512.md5'), 'sha512');
  assert.equal(commonChecksumType(''), undefined);
});

test('no inlining when static_catalog is false, or the environment says static_catalogs = false; code_id is set all the same', async () => {
  const plain = await catalogOf(h, node, { static_catalog: 'false' });
  assert.equal(plain.status, 200, plain.text);
  assert.equal(plain.catalog.code_id, 'c0ffee:production');
  assert.equal(plain.catalog.metadata, undefined);
  assert.equal(plain.catalog.recursive_metadata, undefined);
  const off = await catalogOf(h, node, { environment: 'nostatic' });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.catalog.code_id, 'c0ffee:nostatic');
  assert.equal(off.catalog.metadata, undefined);
  assert.equal(off.catalog.recursive_metadata, undefined);
});

test('without a code_id_command: code_id null and no inlining, even when the agent asks for a static catalog', async () => {
  const r = await catalogOf(bare, bareNode);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.catalog.code_id, null);
  assert.equal(r.catalog.metadata, undefined);
  assert.equal(r.catalog.recursive_metadata, undefined);
  assert.ok(r.catalog.resources.some((x) => x.type === 'File' && x.title === '/srv/t/hello'));
});

test('a failing code-id command fails the catalog request with its exit code and stderr; an invalid id too', async () => {
  const broken = await catalogOf(h, node, { environment: 'broken' });
  assert.equal(broken.status, 500);
  assert.match(broken.text, /Non-zero exit code returned while running '[^']*code-id\.sh'\. exit-code: '4', stdout: '', stderr: 'cannot read the repository'/);
  const bad = await catalogOf(h, node, { environment: 'badid' });
  assert.equal(bad.status, 500);
  assert.match(bad.text, /Invalid code-id 'not valid!'\. Must contain only alpha-numerics and '-', '_', or ':'/);
  // Output on stderr with exit 0 is only logged, as puppetserver does.
  const noisy = await catalogOf(h, node, { environment: 'noisy' });
  assert.equal(noisy.status, 200, noisy.text);
  assert.equal(noisy.catalog.code_id, 'noisy-1');
  // The server keeps serving.
  assert.equal((await catalogOf(h, node)).status, 200);
});

test('a static compile whose puppet:/// source exists nowhere fails, as puppetserver\'s does', async () => {
  const r = await catalogOf(h, node, { environment: 'missing' });
  assert.equal(r.status, 500);
  assert.match(r.text, /Could not get metadata for puppet:\/\/\/modules\/envmod\/nothing\.txt/);
  // Not static: the agent finds out itself.
  assert.equal((await catalogOf(h, node, { environment: 'missing', static_catalog: 'false' })).status, 200);
});
