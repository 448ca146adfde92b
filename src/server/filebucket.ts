// The server's filebucket: GET, HEAD and PUT /puppet/v3/file_bucket_file/
// :algo/:sum[/:orig_path] (agents send `sha256/<sum>//etc/motd`: the path
// keeps its leading slash). Contents are addressed by checksum and stored as
// Puppet does, under bucketdir/<first 8 hex digits, one level each>/<sum>/
// {contents,paths}. As in Puppet, a GET or HEAD naming an original path finds
// the contents only when that path was backed up with them. Unlike Puppet, a
// PUT whose body does not match its checksum is refused (400), and the
// client's `bucket_path` parameter is never used (it would let a client pick
// a directory on the server).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fsutil.js';
import { log } from '../log/index.js';
import { puppetError, type ApiRequest, type ApiResponse } from './http-types.js';

/** The digests Puppet's filebucket accepts, with their hex lengths. */
const LENGTHS: Record<string, number> = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128 };

export interface BucketKey { algo: string; sum: string; origPath?: string }

/** Parses `ALGO/SUM[/ORIGINAL PATH]`; a string is the reason it is refused. */
export function parseBucketKey(key: string): BucketKey | string {
  const m = /^([a-z0-9]+)\/([0-9a-fA-F]+)(?:\/(.*))?$/s.exec(key);
  if (!m) return `Invalid file bucket key '${key.slice(0, 200)}' (expected ALGORITHM/CHECKSUM[/PATH])`;
  const algo = m[1];
  const sum = m[2].toLowerCase();
  if (!(algo in LENGTHS)) return `Unsupported checksum type '${algo}' (expected one of ${Object.keys(LENGTHS).join(', ')})`;
  if (sum.length !== LENGTHS[algo]) return `Invalid ${algo} checksum '${sum}' (${LENGTHS[algo]} hex digits expected)`;
  const rest = m[3];
  if (rest && /[\0\n]/.test(rest)) return 'Invalid original path: NUL and newline are not allowed';
  // `sha256/SUM//etc/motd` carries `/etc/motd`; `sha256/SUM/etc/motd` is read the same way.
  const origPath = rest ? (rest.startsWith('/') ? rest : '/' + rest) : undefined;
  return { algo, sum, origPath };
}

/** Where a checksum's files live (Puppet's layout). */
export function bucketDirFor(bucketdir: string, sum: string): string {
  return join(bucketdir, ...sum.slice(0, 8).split(''), sum);
}

function readPaths(dir: string): string[] {
  try { return readFileSync(join(dir, 'paths'), 'utf8').split('\n').filter(Boolean); } catch { return []; }
}

function digestOf(algo: string, data: Uint8Array): string {
  return createHash(algo).update(data).digest('hex');
}

export function fileBucketFile(bucketdir: string, req: ApiRequest, key: string): ApiResponse {
  const parsed = parseBucketKey(key);
  if (typeof parsed === 'string') return puppetError(400, parsed);
  const { algo, sum, origPath } = parsed;
  const dir = bucketDirFor(bucketdir, sum);
  const contents = join(dir, 'contents');
  const notFound = () => puppetError(404, `Not Found: Could not find file_bucket_file ${algo}/${sum}${origPath ? '/' + origPath : ''}`, 'RESOURCE_NOT_FOUND');

  if (req.method === 'HEAD' || req.method === 'GET') {
    if (req.method === 'GET' && req.query.has('list_all')) return puppetError(500, 'Server Error: Listing remote file buckets is not allowed');
    if (req.method === 'GET' && req.query.has('diff_with')) return puppetError(400, 'diff_with is not supported by this server: fetch both files and compare them locally');
    let size: number;
    try {
      const st = statSync(contents);
      if (!st.isFile()) return notFound();
      size = st.size;
    } catch { return notFound(); }
    if (origPath && !readPaths(dir).includes(origPath)) return req.method === 'HEAD' ? { status: 404, headers: {} } : notFound();
    if (req.method === 'HEAD') return { status: 200, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) } };
    return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: readFileSync(contents) };
  }

  if (req.method === 'PUT' || req.method === 'POST') {
    const actual = digestOf(algo, req.body);
    if (actual !== sum) return puppetError(400, `Content does not match its checksum: expected ${algo} ${sum}, got ${actual}`);
    // Existing contents are kept when they still match (a duplicate backup); damaged ones are replaced.
    let keep = false;
    try { keep = digestOf(algo, readFileSync(contents)) === sum; } catch { keep = false; }
    if (!keep) {
      if (existsSync(contents)) log.warning(`Filebucket: replacing damaged contents of ${algo}/${sum}`);
      writeFileAtomic(contents, req.body, 0o640);
    }
    if (origPath) {
      const paths = readPaths(dir);
      if (!paths.includes(origPath)) writeFileAtomic(join(dir, 'paths'), [...paths, origPath].join('\n') + '\n', 0o640);
    }
    log.info(`Filebucket: stored ${algo}/${sum}${origPath ? ` (${origPath})` : ''}${keep ? ' (already present)' : ''}`);
    // Puppet answers a save with the saved file rendered in the binary format: its contents.
    return { status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: req.body };
  }
  return puppetError(405, `Method ${req.method} not allowed for file_bucket_file`);
}
