// The local filebucket (clientbucketdir): file contents kept by checksum
// before Kuroko overwrites or removes them, in Puppet's layout
// (<bucket>/<d>/<i>/<g>/<e>/<s>/<t>/<o>/<digest>/{contents,paths}).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, mkdirp } from '../util/fsutil.js';
import { crypto } from './lazy.js';

export class Filebucket {
  constructor(readonly dir: string, readonly algorithm = 'sha256') {}

  /** Stores the content (once per checksum) and records the path; returns the digest. */
  backup(path: string, content: Buffer): string {
    const digest = crypto().createHash(this.algorithm).update(content).digest('hex');
    const dir = join(this.dir, ...digest.slice(0, 8).split(''), digest);
    mkdirp(dir, 0o750);
    const contents = join(dir, 'contents');
    if (!existsSync(contents)) writeFileAtomic(contents, content, 0o640);
    const pathsFile = join(dir, 'paths');
    const paths = existsSync(pathsFile) ? readFileSync(pathsFile, 'utf8').split('\n').filter(Boolean) : [];
    if (!paths.includes(path)) writeFileAtomic(pathsFile, [...paths, path].join('\n') + '\n', 0o640);
    return digest;
  }

  get(digest: string): Buffer | undefined {
    if (!/^[0-9a-f]{32,128}$/.test(digest)) return undefined;
    const f = join(this.dir, ...digest.slice(0, 8).split(''), digest, 'contents');
    return existsSync(f) ? readFileSync(f) : undefined;
  }
}
