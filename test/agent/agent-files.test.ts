// Files in agent runs against a real Kuroko server over mTLS on 127.0.0.1:
// backups to the server's filebucket (filebucket { path => false }), show_diff
// of source and inline content (redacted for Sensitive, off by show_diff =>
// false), static catalogs (inline metadata, content by code_id) and
// pluginsync of modules' lib/ into plugindest.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kurokoAsync, tempDir, type RunResult } from '../helpers.js';
import { startTestServer, type Harness } from '../server/harness.js';
import { TestPki, type Cert } from '../server/pki.js';

const WORKER = new URL('./fixtures/catalog-worker.ts', import.meta.url);
const CERTNAME = 'files1.example';

// Made at file level: tempDir() inside a test is removed when that test ends.
const BIN = tempDir('kuroko-files-bin-');
const PKI = tempDir('kuroko-files-pki-');
let server: Harness;
let agentCert: Cert;
let caPem = '';
let crlPem = '';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function start(): Promise<void> {
  if (server) return;
  const pki = new TestPki(join(PKI, 'pki'));
  const serverCert = pki.issue('localhost', 'server_ext');
  agentCert = pki.issue(CERTNAME);
  caPem = pki.caPem;
  crlPem = pki.crlPem;
  // The site's code-content command: prints what the file was at CODE_ID (here: a line naming both).
  const cmd = join(BIN, 'code-content');
  writeFileSync(cmd, '#!/bin/sh\nprintf "static %s at %s\\n" "$3" "$2"\n');
  chmodSync(cmd, 0o755);
  server = await startTestServer({ workerModule: WORKER, tls: { key: serverCert.key, cert: serverCert.cert, ca: caPem, crl: crlPem }, codeContentCommand: cmd });
}

after(async () => { await server?.stop(); });

function agentDir(d: string, facts: Record<string, unknown>): string[] {
  const ssl = join(d, 'ssl');
  mkdirSync(join(ssl, 'certs'), { recursive: true });
  mkdirSync(join(ssl, 'private_keys'), { recursive: true, mode: 0o750 });
  writeFileSync(join(ssl, 'certs', 'ca.pem'), caPem);
  writeFileSync(join(ssl, 'crl.pem'), crlPem);
  writeFileSync(join(ssl, 'certs', `${CERTNAME}.pem`), agentCert.cert);
  writeFileSync(join(ssl, 'private_keys', `${CERTNAME}.pem`), agentCert.key, { mode: 0o600 });
  mkdirSync(join(d, 'managed'), { recursive: true });
  setFacts(d, facts);
  return ['--confdir', join(d, 'etc'), '--vardir', join(d, 'var'), '--rundir', join(d, 'run'), '--ssldir', ssl, '--certname', CERTNAME,
    '--server', '127.0.0.1', '--serverport', String(server.server.port), '--facts-file', join(d, 'facts.json')];
}

function setFacts(d: string, facts: Record<string, unknown>): void {
  writeFileSync(join(d, 'facts.json'), JSON.stringify({ agent_test_dir: join(d, 'managed'), ...facts }));
}

/** The CLI as a child process, asynchronously: the server runs in this process and must keep answering. */
const kuroko = (args: string[]): Promise<RunResult> => kurokoAsync(args, { timeout: 60_000 });

test('backup to a filebucket on the server: the old content goes there by PUT, named by its checksum and path', async () => {
  await start();
  const d = tempDir();
  const args = agentDir(d, { agent_test_bucket: 'version one\n' });
  const first = await kuroko(['agent', '--test', ...args]);
  assert.equal(first.status, 2, first.stdout + first.stderr);
  const path = join(d, 'managed', 'bucketed');
  assert.equal(readFileSync(path, 'utf8'), 'version one\n');
  setFacts(d, { agent_test_bucket: 'version two\n' });
  const second = await kuroko(['agent', '--test', ...args]);
  assert.equal(second.status, 2, second.stdout + second.stderr);
  const sum = sha256('version one\n');
  assert.match(second.stdout, new RegExp(`Info: .*File\\[${path.replace(/[.]/g, '\\.')}\\]: Filebucketed ${path.replace(/[.]/g, '\\.')} to main with sum ${sum}`));
  assert.equal(readFileSync(path, 'utf8'), 'version two\n');
  // On the server, in Puppet's layout under its bucketdir; nothing in the agent's local clientbucket.
  const stored = join(server.settingsCli.vardir, 'bucket', ...sum.slice(0, 8).split(''), sum);
  assert.equal(readFileSync(join(stored, 'contents'), 'utf8'), 'version one\n');
  assert.equal(readFileSync(join(stored, 'paths'), 'utf8'), `${path}\n`);
  assert.equal(existsSync(join(d, 'var', 'clientbucket')), false);
});

test('a remote filebucket without a server (kuroko apply) fails that resource with a clear error', async () => {
  const d = tempDir();
  const target = join(d, 'f');
  writeFileSync(target, 'old\n');
  const catalog = {
    tags: [], name: 'x', version: 1, code_id: null, catalog_uuid: 'u', catalog_format: 1, environment: 'production', classes: [], edges: [],
    resources: [
      { type: 'Filebucket', title: 'main', tags: ['filebucket'], exported: false, parameters: { path: false } },
      { type: 'File', title: target, tags: ['file'], exported: false, parameters: { content: 'new\n', backup: 'main' } },
    ],
  };
  writeFileSync(join(d, 'c.json'), JSON.stringify(catalog));
  const r = await kuroko(['apply', '--catalog', join(d, 'c.json'), '--confdir', join(d, 'etc'), '--vardir', join(d, 'var'), '--detailed-exitcodes']);
  assert.equal(r.status, 4, r.stdout + r.stderr);
  assert.match(r.stderr, /Could not back up to filebucket 'main': it is on a server \(path => false\) and this run has none/);
  assert.equal(readFileSync(target, 'utf8'), 'old\n', 'nothing overwritten without its backup');
});

test('show_diff: source content changes are diffed, Sensitive content is [diff redacted], show_diff => false stays quiet', async () => {
  await start();
  const d = tempDir();
  const files = join(server.codedir, 'modules', 'demo', 'files');
  mkdirSync(files, { recursive: true });
  writeFileSync(join(files, 'diffed'), 'alpha\nbeta\ngamma\n');
  const args = agentDir(d, { agent_test_diff: 'secret one\n' });
  const first = await kuroko(['agent', '--test', ...args]);
  assert.equal(first.status, 2, first.stdout + first.stderr);
  writeFileSync(join(files, 'diffed'), 'alpha\nBETA\ngamma\n');
  setFacts(d, { agent_test_diff: 'secret two\n' });
  const second = await kuroko(['agent', '--test', ...args]);
  assert.equal(second.status, 2, second.stdout + second.stderr);
  const out = second.stdout;
  assert.match(out, /diffed\]\/content: \n--- .*diffed\n\+\+\+ .*diffed\.kuroko-new\n@@ -1,3 \+1,3 @@\n alpha\n-beta\n\+BETA\n gamma/);
  assert.match(out, /secret\]\/content: \[diff redacted\]/);
  assert.doesNotMatch(out, /secret (one|two)/, 'Sensitive content never printed');
  assert.doesNotMatch(out, /quiet\]\/content: \n/, 'show_diff => false prints no diff');
  assert.match(out, /quiet\]\/content: content changed/);
  assert.equal(readFileSync(join(d, 'managed', 'diffed'), 'utf8'), 'alpha\nBETA\ngamma\n');
  // Without the show_diff setting (an --onetime run), no diff at all.
  writeFileSync(join(files, 'diffed'), 'alpha\n');
  const third = await kuroko(['agent', '--onetime', '--no-daemonize', ...args]);
  assert.equal(third.status, 0, third.stdout + third.stderr);
  assert.doesNotMatch(third.stdout, /\+\+\+ /);
});

test('a static catalog: inline metadata instead of file_metadata, content from static_file_content at the code_id', async () => {
  await start();
  const d = tempDir();
  const want = 'static modules/demo/files/static.txt at code-v1\n';
  const wantTree = 'static modules/demo/files/stree/a.txt at code-v1\n';
  const meta = (rel: string | null, type: string, checksum: string, contentUri?: string) => ({
    path: `/srv/code/modules/demo/files/${rel ?? 'static.txt'}`, relative_path: rel, links: 'manage', owner: 0, group: 0, mode: 0o644,
    checksum: { type: type === 'file' ? 'sha256' : 'ctime', value: checksum }, type, destination: null, ...(contentUri ? { content_uri: contentUri } : {}),
  });
  const facts = {
    agent_test_static: {
      file: { ...meta(null, 'file', `{sha256}${sha256(want)}`, 'puppet:///modules/demo/files/static.txt'), source: 'puppet:///modules/demo/static.txt' },
      tree: [meta('.', 'directory', '{ctime}2026-01-01 00:00:00 +0000'), meta('a.txt', 'file', `{sha256}${sha256(wantTree)}`, 'puppet:///modules/demo/files/stree/a.txt')],
    },
  };
  // The module has no such files on the server: only the inline metadata and the code-content command know them.
  const args = agentDir(d, facts);
  const r = await kuroko(['agent', '--test', '--debug', ...args]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.equal(readFileSync(join(d, 'managed', 'static'), 'utf8'), want);
  assert.equal(readFileSync(join(d, 'managed', 'statictree', 'a.txt'), 'utf8'), wantTree);
  assert.match(r.stdout, /GET https:\/\/127\.0\.0\.1:\d+\/puppet\/v3\/static_file_content\/modules\/demo\/files\/static\.txt\?code_id=code-v1&environment=production/);
  assert.doesNotMatch(r.stdout, /file_metadatas?\/modules\/demo\/(static|stree)/, 'no metadata requests for static files');
  const again = await kuroko(['agent', '--test', '--debug', ...args]);
  assert.doesNotMatch(again.stdout, /static_file_content/, 'in sync by the inline checksum: no content fetched');
  assert.doesNotMatch(again.stdout, /static(tree\/a\.txt)?\]\/(ensure|content)/);
});

test('pluginsync also mirrors the modules\' lib/ (Ruby plugins) into plugindest, purging strays; nothing runs them', async () => {
  await start();
  const d = tempDir();
  const lib = join(server.codedir, 'modules', 'demo', 'lib');
  mkdirSync(join(lib, 'facter'), { recursive: true });
  mkdirSync(join(lib, 'puppet', 'type'), { recursive: true });
  writeFileSync(join(lib, 'facter', 'role.rb'), "Facter.add(:role) { setcode { File.write('/tmp/kuroko-must-not-run', 'ran'); 'web' } }\n");
  writeFileSync(join(lib, 'puppet', 'type', 'thing.rb'), 'Puppet::Type.newtype(:thing) {}\n');
  const args = agentDir(d, {});
  const dest = join(d, 'var', 'lib');
  mkdirSync(join(dest, 'facter'), { recursive: true });
  writeFileSync(join(dest, 'facter', 'stale.rb'), '# gone from the server\n');
  const r = await kuroko(['agent', '--test', '--debug', ...args]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /Info: Retrieving plugin\n/);
  assert.equal(readFileSync(join(dest, 'facter', 'role.rb'), 'utf8'), readFileSync(join(lib, 'facter', 'role.rb'), 'utf8'));
  assert.ok(existsSync(join(dest, 'puppet', 'type', 'thing.rb')));
  assert.equal(existsSync(join(dest, 'facter', 'stale.rb')), false);
  assert.match(r.stdout, /Kuroko does not execute Ruby/);
  assert.equal(existsSync('/tmp/kuroko-must-not-run'), false);
});
