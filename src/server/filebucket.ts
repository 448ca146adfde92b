// The server's filebucket: GET, HEAD and PUT /puppet/v3/file_bucket_file/
// :algo/:sum[/:orig_path]. Contents are addressed by checksum and stored as
// Puppet does, under bucketdir/<8 levels of the sum>/<sum>/{contents,paths};
// a PUT whose body does not match its checksum is refused.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fsutil.js';
import { puppetError, type ApiRequest, type ApiResponse } from './http-types.js';

const LENGTHS: Record<string, number> = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128 };

function dirFor(bucketdir: string, sum: string): string {
  return join(bucketdir, ...sum.slice(0, 8).split(''), sum);
}

export function fileBucketFile(bucketdir: string, req: ApiRequest, key: string): ApiResponse {
  const m = /^([a-z0-9]+)\/([0-9a-fA-F]+)(?:\/(.*))?$/.exec(key);
  if (!m) return puppetError(400, `Invalid file bucket key '${key}' (expected ALGORITHM/CHECKSUM[/PATH])`);
  const algo = m[1];
  const sum = m[2].toLowerCase();
  const origPath = m[3] ? (m[3].startsWith('/') ? m[3] : '/' + m[3]) : undefined;
  if (!(algo in LENGTHS)) return puppetError(400, `Unsupported checksum type '${algo}'`);
  if (sum.length !== LENGTHS[algo]) return puppetError(400, `Invalid ${algo} checksum '${sum}'`);
  const dir = dirFor(bucketdir, sum);
  const contents = join(dir, 'contents');
  if (req.method === 'HEAD' || req.method === 'GET') {
    if (!existsSync(contents)) return puppetError(404, `Not Found: Could not find file_bucket_file ${algo}/${sum}`, 'RESOURCE_NOT_FOUND');
    if (origPath && req.method === 'HEAD') {
      const paths = existsSync(join(dir, 'paths')) ? readFileSync(join(dir, 'paths'), 'utf8').split('\n') : [];
      if (!paths.includes(origPath)) return { status: 404, headers: {} };
    }
    if (req.method === 'HEAD') return { status: 200, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(statSync(contents).size) } };
    return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: readFileSync(contents) };
  }
  if (req.method === 'PUT' || req.method === 'POST') {
    const actual = createHash(algo).update(req.body).digest('hex');
    if (actual !== sum) return puppetError(400, `Content does not match its checksum: expected ${algo} ${sum}, got ${actual}`);
    if (!existsSync(contents)) writeFileAtomic(contents, req.body, 0o640);
    if (origPath) {
      const pathsFile = join(dir, 'paths');
      const paths = existsSync(pathsFile) ? readFileSync(pathsFile, 'utf8').split('\n').filter(Boolean) : [];
      if (!paths.includes(origPath)) writeFileAtomic(pathsFile, [...paths, origPath].join('\n') + '\n', 0o640);
    }
    return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: '' };
  }
  return puppetError(405, `Method ${req.method} not allowed for file_bucket_file`);
}
