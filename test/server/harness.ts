// Starts a real Kuroko server (HTTPS on 127.0.0.1, a free port) over temp
// directories and a TestPki, and makes real mTLS requests to it.
import { request as httpsRequest, Agent } from 'node:https';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadSettings } from '../../src/settings/index.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/index.js';
import { TestPki, type Cert } from './pki.js';

export const TEST_WORKER = new URL('./fixtures/test-worker.ts', import.meta.url);

export interface Harness {
  dir: string;
  pki: TestPki;
  server: RunningServer;
  serverCert: Cert;
  codedir: string;
  settingsCli: Record<string, string>;
  /** Closes the server and removes its directory. */
  stop(): Promise<void>;
}

export function testSettingsCli(dir: string): Record<string, string> {
  const confdir = join(dir, 'etc');
  mkdirSync(confdir, { recursive: true });
  return {
    confdir, vardir: join(dir, 'var'), codedir: join(dir, 'code'), logdir: join(dir, 'log'), rundir: join(dir, 'run'),
    basemodulepath: join(dir, 'code', 'modules'), certname: 'localhost',
  };
}

export async function startTestServer(extra: Partial<StartOptions> & { cli?: Record<string, string>; setup?: (dir: string) => void } = {}): Promise<Harness> {
  // Not tempDir(): hooks may start servers, and the directory must outlive them until stop().
  const dir = mkdtempSync(join(tmpdir(), 'kuroko-server-'));
  const pki = new TestPki(join(dir, 'pki'));
  const serverCert = pki.issue('localhost', 'server_ext');
  const cli = { ...testSettingsCli(dir), ...extra.cli };
  const codedir = cli.codedir;
  mkdirSync(join(codedir, 'environments', 'production', 'manifests'), { recursive: true });
  mkdirSync(join(codedir, 'modules'), { recursive: true });
  extra.setup?.(dir);
  const settings = loadSettings({ runMode: 'server', cli, configFile: join(cli.confdir, 'puppet.conf') });
  const server = await startServer({
    settings, host: '127.0.0.1', port: 0, ca: false, workers: 1, workerModule: TEST_WORKER, accessLog: false,
    tls: { key: serverCert.key, cert: serverCert.cert, ca: pki.caPem, crl: pki.crlPem },
    ...extra,
  }).catch((e) => { rmSync(dir, { recursive: true, force: true }); throw e; });
  const stop = async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); };
  return { dir, pki, server, serverCert, codedir, settingsCli: cli, stop };
}

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; text: string; json<T = unknown>(): T }

export interface RequestOpts {
  method?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  cert?: Cert;
  agent?: Agent;
}

export function request(h: Harness | { port: number; ca: string }, path: string, o: RequestOpts = {}): Promise<Reply> {
  const port = 'server' in h ? h.server.port : h.port;
  const ca = 'server' in h ? h.pki.caPem : h.ca;
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port, path, method: o.method ?? 'GET', ca, servername: 'localhost',
      key: o.cert?.key, cert: o.cert?.cert, agent: o.agent ?? false,
      headers: { ...(o.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(o.body)) } : {}), ...o.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let body = Buffer.concat(chunks);
        if (res.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
}

/** The catalog POST body the way a Puppet agent sends it: facts JSON URL-encoded, then form-encoded. */
export function catalogForm(certname: string, values: Record<string, unknown>, extra: Record<string, string> = {}): string {
  const facts = JSON.stringify({ name: certname, values, timestamp: new Date().toISOString(), expiration: new Date(Date.now() + 1800_000).toISOString() });
  const form = new URLSearchParams({ facts_format: 'application/json', facts: encodeURIComponent(facts), environment: 'production', transaction_uuid: '6f5b0e62-30e3-4a59-ae25-9b0d6f26a52e', static_catalog: 'true', checksum_type: 'sha256.sha384.sha512.sha224.md5', ...extra });
  return form.toString();
}
