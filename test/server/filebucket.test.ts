// The filebucket over real HTTPS, the way Puppet agents use it: HEAD then
// PUT `ALGO/SUM//original/path`, GET by checksum (with or without the path),
// for md5 and sha256; Puppet's on-disk layout under bucketdir; duplicates,
// damaged contents, wrong checksums, size limits and parameters refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, request, type Harness } from './harness.js';
import type { Cert } from './pki.js';
import { bucketDirFor, parseBucketKey } from '../../src/server/filebucket.js';

let h: Harness;
let node: Cert;
const octet = { 'Content-Type': 'application/octet-stream' };
const digest = (algo: string, data: string | Buffer) => createHash(algo).update(data).digest('hex');
const bucketdir = () => join(h.settingsCli.vardir, 'bucket');

before(async () => {
  h = await startTestServer({ cli: { max_request_size: '4096' } });
  node = h.pki.issue('node1.test');
});
after(async () => { await h.stop(); });

for (const algo of ['md5', 'sha256']) {
  test(`${algo}: HEAD (absent), PUT with the original path, HEAD and GET by checksum and by path, Puppet's layout on disk`, async () => {
    const body = Buffer.concat([Buffer.from(`contents of /etc/motd for ${algo}\n`), Buffer.from([0, 0xff, 0x80])]);
    const sum = digest(algo, body);
    const withPath = `/puppet/v3/file_bucket_file/${algo}/${sum}//etc/motd?environment=production`;
    const bare = `/puppet/v3/file_bucket_file/${algo}/${sum}?environment=production`;
    assert.equal((await request(h, withPath, { method: 'HEAD', cert: node })).status, 404);
    assert.equal((await request(h, bare, { cert: node })).status, 404);

    const put = await request(h, withPath, { method: 'PUT', cert: node, body, headers: octet });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, body); // Puppet answers a save with the saved contents

    const head = await request(h, withPath, { method: 'HEAD', cert: node });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(body.length));
    for (const url of [bare, withPath]) {
      const got = await request(h, url, { cert: node });
      assert.equal(got.status, 200, url);
      assert.equal(got.headers['content-type'], 'application/octet-stream');
      assert.deepEqual(got.body, body);
    }
    // A path never backed up with these contents is not found, as in Puppet.
    const otherPath = `/puppet/v3/file_bucket_file/${algo}/${sum}//etc/issue?environment=production`;
    assert.equal((await request(h, otherPath, { method: 'HEAD', cert: node })).status, 404);
    assert.equal((await request(h, otherPath, { cert: node })).status, 404);

    const dir = join(bucketdir(), ...sum.slice(0, 8).split(''), sum);
    assert.equal(bucketDirFor(bucketdir(), sum), dir);
    assert.deepEqual(readFileSync(join(dir, 'contents')), body);
    assert.equal(readFileSync(join(dir, 'paths'), 'utf8'), '/etc/motd\n');
  });
}

test('the same contents from a second path: one copy, both paths; a repeated PUT changes nothing', async () => {
  const body = 'shared contents\n';
  const sum = digest('sha256', body);
  for (const p of ['/etc/a.conf', '/etc/b.conf', '/etc/a.conf']) {
    const r = await request(h, `/puppet/v3/file_bucket_file/sha256/${sum}/${p}?environment=production`, { method: 'PUT', cert: node, body, headers: octet });
    assert.equal(r.status, 200, r.text);
  }
  assert.equal(readFileSync(join(bucketDirFor(bucketdir(), sum), 'paths'), 'utf8'), '/etc/a.conf\n/etc/b.conf\n');
  assert.equal((await request(h, `/puppet/v3/file_bucket_file/sha256/${sum}//etc/b.conf`, { method: 'HEAD', cert: node })).status, 200);
});

test('damaged contents on disk are replaced by the next PUT of the right bytes', async () => {
  const body = 'precious\n';
  const sum = digest('sha256', body);
  const url = `/puppet/v3/file_bucket_file/sha256/${sum}?environment=production`;
  assert.equal((await request(h, url, { method: 'PUT', cert: node, body, headers: octet })).status, 200);
  const contents = join(bucketDirFor(bucketdir(), sum), 'contents');
  writeFileSync(contents, 'bit rot\n');
  assert.equal((await request(h, url, { method: 'PUT', cert: node, body, headers: octet })).status, 200);
  assert.equal(readFileSync(contents, 'utf8'), body);
  assert.equal(statSync(contents).mode & 0o777, 0o640);
});

test('refused: a body that does not match its checksum, unknown digests, malformed sums; nothing is written', async () => {
  const sum = digest('sha256', 'the declared contents');
  const wrong = await request(h, `/puppet/v3/file_bucket_file/sha256/${sum}//etc/x`, { method: 'PUT', cert: node, body: 'other contents', headers: octet });
  assert.equal(wrong.status, 400);
  assert.match(wrong.json<{ message: string }>().message, /does not match its checksum/);
  assert.equal(existsSync(bucketDirFor(bucketdir(), sum)), false);
  const md5 = digest('md5', 'x');
  for (const [url, why] of [
    [`/puppet/v3/file_bucket_file/crc32/${md5}`, /Unsupported checksum type 'crc32'/],
    [`/puppet/v3/file_bucket_file/sha256/${md5}`, /Invalid sha256 checksum/],
    [`/puppet/v3/file_bucket_file/md5/not-hex`, /Invalid file bucket key/],
    [`/puppet/v3/file_bucket_file/md5`, /no route|Invalid file bucket key/],
  ] as const) {
    const r = await request(h, url, { cert: node });
    assert.ok(r.status === 400 || r.status === 404, `${url}: ${r.status}`);
    assert.match(r.text, why);
  }
});

test('size limit: a body over max_request_size is answered 413 and not stored', async () => {
  const body = Buffer.alloc(5000, 'a');
  const sum = digest('sha256', body);
  const r = await request(h, `/puppet/v3/file_bucket_file/sha256/${sum}//big`, { method: 'PUT', cert: node, body, headers: octet });
  assert.equal(r.status, 413);
  assert.equal(existsSync(bucketDirFor(bucketdir(), sum)), false);
});

test('a client cannot choose the bucket directory, list the bucket, or use it without a certificate', async () => {
  const body = 'elsewhere\n';
  const sum = digest('sha256', body);
  const evil = join(h.dir, 'evil-bucket');
  const put = await request(h, `/puppet/v3/file_bucket_file/sha256/${sum}?environment=production&bucket_path=${encodeURIComponent(evil)}`, { method: 'PUT', cert: node, body, headers: octet });
  assert.equal(put.status, 200);
  assert.equal(existsSync(evil), false);
  assert.equal(existsSync(join(bucketDirFor(bucketdir(), sum), 'contents')), true);
  const list = await request(h, `/puppet/v3/file_bucket_file/sha256/${sum}?environment=production&list_all=true`, { cert: node });
  assert.equal(list.status, 500);
  assert.match(list.text, /Listing remote file buckets is not allowed/);
  assert.equal((await request(h, `/puppet/v3/file_bucket_file/sha256/${sum}`)).status, 403);
  assert.equal((await request(h, `/puppet/v3/file_bucket_file/sha256/${sum}`, { method: 'PUT', body, headers: octet })).status, 403);
});

test('parseBucketKey: the forms agents send', () => {
  const s = digest('sha256', '');
  assert.deepEqual(parseBucketKey(`sha256/${s}//etc/motd`), { algo: 'sha256', sum: s, origPath: '/etc/motd' });
  assert.deepEqual(parseBucketKey(`sha256/${s.toUpperCase()}/etc/motd`), { algo: 'sha256', sum: s, origPath: '/etc/motd' });
  assert.deepEqual(parseBucketKey(`sha256/${s}`), { algo: 'sha256', sum: s, origPath: undefined });
  assert.deepEqual(parseBucketKey(`sha256/${s}/`), { algo: 'sha256', sum: s, origPath: undefined });
  assert.equal(typeof parseBucketKey(`sha256/${s}//a\nb`), 'string');
});
