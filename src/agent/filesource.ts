// puppet:/// sources through the server: file_metadata, file_metadatas and
// file_content in Puppet's v3 form, for the file type.
import type { Data } from '../compiler/wire.js';
import type { FileSourceClient } from '../resources/type.js';
import { KurokoError } from '../util/diagnostic.js';
import { HttpError, type HttpClient } from './http.js';
import { sourcePath } from './localsource.js';

export { sourcePath };

export class HttpFileSource implements FileSourceClient {
  constructor(private client: HttpClient, private base: string, private environment: string) {}

  async metadata(source: string, opts: { links?: 'manage' | 'follow'; checksumType?: string }): Promise<Record<string, Data> | undefined> {
    const r = await this.client.get(`${this.base}/puppet/v3/file_metadata/${sourcePath(source)}`, {
      query: { links: opts.links ?? 'manage', checksum_type: opts.checksumType ?? 'sha256', source_permissions: 'ignore', environment: this.environment },
      headers: { Accept: 'application/json' },
    });
    if (r.status === 404) return this.searchRoot(source, opts);
    if (!r.ok) throw new HttpError(r, `Could not retrieve file metadata for ${source}`);
    return r.json<Record<string, Data>>();
  }

  // puppetserver answers only searches for a mount root such as pluginfacts when no module
  // has facts.d (Puppet's agent takes a directory's own metadata from the search's "." entry).
  private async searchRoot(source: string, opts: { links?: 'manage' | 'follow'; checksumType?: string }): Promise<Record<string, Data> | undefined> {
    const r = await this.client.get(`${this.base}/puppet/v3/file_metadatas/${sourcePath(source)}`, {
      query: { recurse: 'false', links: opts.links ?? 'manage', checksum_type: opts.checksumType ?? 'sha256', source_permissions: 'ignore', environment: this.environment },
      headers: { Accept: 'application/json' },
    });
    if (!r.ok) return undefined;
    const list = r.json<Record<string, Data>[]>();
    return Array.isArray(list) ? list.find((m) => m.relative_path === '.') : undefined;
  }

  async metadatas(source: string, opts: { links?: 'manage' | 'follow'; checksumType?: string; recurselimit?: number; ignore?: string[] }): Promise<Record<string, Data>[]> {
    const r = await this.client.get(`${this.base}/puppet/v3/file_metadatas/${sourcePath(source)}`, {
      query: {
        recurse: 'true', ...(opts.recurselimit !== undefined ? { recurselimit: String(opts.recurselimit) } : {}), max_files: '0',
        ignore: opts.ignore?.length ? opts.ignore : undefined, links: opts.links ?? 'manage', checksum_type: opts.checksumType ?? 'sha256',
        source_permissions: 'ignore', environment: this.environment,
      },
      headers: { Accept: 'application/json' },
    });
    if (r.status === 404) return [];
    if (!r.ok) throw new HttpError(r, `Could not retrieve file metadata for ${source}`);
    return r.json<Record<string, Data>[]>();
  }

  async staticContent(contentUri: string, codeId: string): Promise<Buffer> {
    const r = await this.client.get(`${this.base}/puppet/v3/static_file_content/${sourcePath(contentUri)}`, {
      query: { code_id: codeId, environment: this.environment }, headers: { Accept: 'application/octet-stream' },
    });
    if (!r.ok) throw new HttpError(r, `Could not retrieve static file content for ${contentUri} (code_id ${codeId})`);
    return r.body;
  }

  async content(source: string): Promise<Buffer> {
    const r = await this.client.get(`${this.base}/puppet/v3/file_content/${sourcePath(source)}`, {
      query: { environment: this.environment }, headers: { Accept: 'application/octet-stream' },
    });
    if (!r.ok) throw new HttpError(r, `Could not retrieve file content for ${source}`);
    return r.body;
  }
}

