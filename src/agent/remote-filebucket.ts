// A filebucket on the server (`filebucket { 'main': path => false }`), as
// Puppet's dipper uses it: HEAD /puppet/v3/file_bucket_file/ALGO/SUM//PATH to
// see whether the server already holds these contents for this path, PUT of
// the contents when it does not.
import { HttpError, type HttpClient } from './http.js';
import { crypto } from './lazy.js';

export class RemoteFilebucket {
  constructor(private client: HttpClient, private base: string, private environment: string, readonly algorithm = 'sha256') {}

  /** Sends the contents (unless the server has them for this path already); resolves to the digest. */
  async backup(path: string, content: Buffer): Promise<string> {
    const digest = crypto().createHash(this.algorithm).update(content).digest('hex');
    // The original path keeps its leading slash: ALGO/SUM//etc/motd, each segment URL-encoded.
    const url = `${this.base}/puppet/v3/file_bucket_file/${this.algorithm}/${digest}/${path.split('/').map(encodeURIComponent).join('/')}`;
    const query = { environment: this.environment };
    const head = await this.client.request('HEAD', url, { query, headers: { Accept: 'application/octet-stream' } });
    if (head.status === 200) return digest;
    const put = await this.client.request('PUT', url, { query, body: content, headers: { 'Content-Type': 'application/octet-stream', Accept: 'application/octet-stream' } });
    if (!put.ok) throw new HttpError(put, `Filebucket backup of ${path}`);
    return digest;
  }
}
