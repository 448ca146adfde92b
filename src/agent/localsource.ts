// puppet:///modules/NAME/PATH for masterless runs, served from the local
// modulepath with the metadata a server would give. Kept apart from the
// HTTP client so that `kuroko apply` never loads TLS.
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Data } from '../compiler/wire.js';
import type { FileSourceClient } from '../resources/type.js';
import { KurokoError } from '../util/diagnostic.js';
import { crypto } from './lazy.js';

/** "puppet:///modules/x/f" or "puppet://host/modules/x/f" → "modules/x/f" (each segment URL-encoded). */
export function sourcePath(source: string): string {
  const m = /^puppet:\/\/[^/]*\/(.*)$/.exec(source);
  if (!m || !m[1]) throw new KurokoError(`Not a puppet:/// source: ${source}`, { code: 'KUR7020', field: 'source', value: source });
  const parts = m[1].split('/').filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.')) throw new KurokoError(`Refusing a source path with '..': ${source}`, { code: 'KUR7021', field: 'source', value: source });
  return parts.map(encodeURIComponent).join('/');
}

/**
 * puppet:///modules/NAME/PATH served from the local modulepath (NAME/files/PATH), for masterless
 * runs: the same metadata a server would give, computed here.
 */
export class LocalFileSource implements FileSourceClient {
  constructor(private modulepath: string[]) {}

  private resolve(source: string): string | undefined {
    const parts = sourcePath(source).split('/').map(decodeURIComponent);
    if (parts[0] !== 'modules' || parts.length < 2) {
      throw new KurokoError(`Masterless runs serve only puppet:///modules/... sources, not ${source}`, { code: 'KUR7022', field: 'source', value: source });
    }
    const [, mod, ...rest] = parts;
    for (const dir of this.modulepath) {
      const p = join(dir, mod, 'files', ...rest);
      if (existsSync(p)) return p;
    }
    return undefined;
  }

  private meta(path: string, rel: string | null, links: 'manage' | 'follow', checksumType: string): Record<string, Data> {
    const st = links === 'follow' ? statSync(path) : lstatSync(path);
    const type = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'directory' : 'file';
    const algo = /^(md5|sha1|sha224|sha256|sha384|sha512)$/.test(checksumType) ? checksumType : 'sha256';
    const checksum = type === 'file'
      ? { type: algo, value: `{${algo}}${crypto().createHash(algo).update(readFileSync(path)).digest('hex')}` }
      : { type: 'ctime', value: `{ctime}${st.ctime.toISOString()}` };
    return {
      path, relative_path: rel, links, owner: st.uid, group: st.gid, mode: st.mode & 0o7777, checksum, type,
      destination: type === 'link' ? readlinkSync(path) : null,
    };
  }

  async metadata(source: string, opts: { links?: 'manage' | 'follow'; checksumType?: string }): Promise<Record<string, Data> | undefined> {
    const p = this.resolve(source);
    return p === undefined ? undefined : this.meta(p, null, opts.links ?? 'manage', opts.checksumType ?? 'sha256');
  }

  async metadatas(source: string, opts: { links?: 'manage' | 'follow'; checksumType?: string; recurselimit?: number; ignore?: string[] }): Promise<Record<string, Data>[]> {
    const root = this.resolve(source);
    if (root === undefined) return [];
    const links = opts.links ?? 'manage';
    const sum = opts.checksumType ?? 'sha256';
    const out = [this.meta(root, '.', links, sum)];
    const limit = opts.recurselimit ?? Infinity;
    const ignore = (opts.ignore ?? []).map((g) => new RegExp('^' + g.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$'));
    const walk = (rel: string, depth: number) => {
      if (depth > limit) return;
      for (const name of readdirSync(rel ? join(root, rel) : root).sort()) {
        if (ignore.some((re) => re.test(name))) continue;
        const childRel = rel ? `${rel}/${name}` : name;
        const m = this.meta(join(root, childRel), childRel, links, sum);
        out.push(m);
        if (m.type === 'directory') walk(childRel, depth + 1);
      }
    };
    if (out[0].type === 'directory') walk('', 1);
    return out;
  }

  async content(source: string): Promise<Buffer> {
    const p = this.resolve(source);
    if (p === undefined) throw new KurokoError(`Could not find ${source} in the modulepath`, { code: 'KUR7023', field: 'source', value: source });
    return readFileSync(p);
  }
}
