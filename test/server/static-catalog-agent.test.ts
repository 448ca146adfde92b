// End to end: a real `kuroko agent` against a real Kuroko server (mTLS on
// 127.0.0.1, the real compile worker) that compiles static catalogs. The
// agent applies the inlined metadata and fetches module content through
// static_file_content (the site's code_content_command reads the file from
// the environment), making no file_metadata(s) requests for those files; a
// basemodulepath module's file is not inlined and is served as usual. The
// server's access log tells which requests were made.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kurokoAsync, tempDir, type RunResult } from '../helpers.js';
import { startTestServer, writeFiles, type Harness } from './harness.js';
import type { Cert } from './pki.js';

const COMPILE_WORKER = new URL('../../src/server/compile-worker.ts', import.meta.url);
const CERTNAME = 'static1.example';
const LOGS = tempDir('kuroko-static-log-');
const ACCESS_LOG = join(LOGS, 'access.log');

const SITE = `
node default {
  $t = $facts['target']
  file { "\${t}/hello": source => 'puppet:///modules/envmod/hello.txt' }
  file { "\${t}/base": source => 'puppet:///modules/basemod/base.txt' }
  file { "\${t}/tree": ensure => directory, recurse => true, source => 'puppet:///modules/envmod/tree' }
}
`;

let h: Harness;
let cert: Cert;

before(async () => {
  h = await startTestServer({
    workerModule: COMPILE_WORKER, accessLog: ACCESS_LOG,
    setup(dir) {
      const envs = join(dir, 'code', 'environments');
      // The site's versioned-code scripts: an id per environment, and content read from the environment as it is now.
      writeFiles(dir, {
        'bin/code-id': '#!/bin/sh\necho "v1-$1"\n',
        'bin/code-content': `#!/bin/sh\nexec cat "${envs}/$1/$3"\n`,
        'etc/puppet.conf': `[server]\ncode_id_command = ${join(dir, 'bin', 'code-id')}\ncode_content_command = ${join(dir, 'bin', 'code-content')}\n`,
        'code/modules/basemod/files/base.txt': 'base module file\n',
        'code/environments/production/manifests/site.pp': SITE,
        'code/environments/production/modules/envmod/files/hello.txt': 'hello, static\n',
        'code/environments/production/modules/envmod/files/tree/a.txt': 'tree a\n',
        'code/environments/production/modules/envmod/files/tree/sub/b.txt': 'tree b\n',
      });
      chmodSync(join(dir, 'bin', 'code-id'), 0o755);
      chmodSync(join(dir, 'bin', 'code-content'), 0o755);
    },
  });
  cert = h.pki.issue(CERTNAME);
});
after(async () => { await h?.stop(); });

function agentArgs(d: string): string[] {
  const ssl = join(d, 'ssl');
  mkdirSync(join(ssl, 'certs'), { recursive: true });
  mkdirSync(join(ssl, 'private_keys'), { recursive: true, mode: 0o750 });
  writeFileSync(join(ssl, 'certs', 'ca.pem'), h.pki.caPem);
  writeFileSync(join(ssl, 'crl.pem'), h.pki.crlPem);
  writeFileSync(join(ssl, 'certs', `${CERTNAME}.pem`), cert.cert);
  writeFileSync(join(ssl, 'private_keys', `${CERTNAME}.pem`), cert.key, { mode: 0o600 });
  mkdirSync(join(d, 'managed'), { recursive: true });
  writeFileSync(join(d, 'facts.json'), JSON.stringify({ target: join(d, 'managed') }));
  return ['--confdir', join(d, 'etc'), '--vardir', join(d, 'var'), '--rundir', join(d, 'run'), '--ssldir', ssl, '--certname', CERTNAME,
    '--server', '127.0.0.1', '--serverport', String(h.server.port), '--facts-file', join(d, 'facts.json')];
}

/** The CLI as a child process, asynchronously: the server runs in this process and must keep answering. */
const kuroko = (args: string[]): Promise<RunResult> => kurokoAsync(args, { timeout: 60_000 });

/** Request lines of the access log written since `from` (bytes), once the server has flushed them. */
async function requestsSince(from: number): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 100));
  const text = existsSync(ACCESS_LOG) ? readFileSync(ACCESS_LOG).subarray(from).toString('utf8') : '';
  return text.split('\n').map((l) => /"([A-Z]+ \S+) HTTP/.exec(l)?.[1]).filter((x): x is string => !!x);
}
const logSize = () => (existsSync(ACCESS_LOG) ? readFileSync(ACCESS_LOG).length : 0);

test('the agent applies a static catalog: content by static_file_content at the code_id, no metadata requests for inlined files', async () => {
  const d = tempDir();
  const args = agentArgs(d);
  const start = logSize();
  const r = await kuroko(['agent', '--test', ...args]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  const managed = join(d, 'managed');
  assert.equal(readFileSync(join(managed, 'hello'), 'utf8'), 'hello, static\n');
  assert.equal(readFileSync(join(managed, 'tree', 'a.txt'), 'utf8'), 'tree a\n');
  assert.equal(readFileSync(join(managed, 'tree', 'sub', 'b.txt'), 'utf8'), 'tree b\n');
  assert.equal(readFileSync(join(managed, 'base'), 'utf8'), 'base module file\n');
  const reqs = await requestsSince(start);
  const is = (re: RegExp) => reqs.filter((x) => re.test(x));
  assert.equal(is(/\/puppet\/v3\/catalog\//).length, 1, reqs.join('\n'));
  assert.deepEqual(is(/\/v3\/file_metadatas?\/modules\/envmod/), [], 'no metadata requests for inlined files');
  assert.deepEqual(is(/\/v3\/file_content\/modules\/envmod/), [], 'no unversioned content for inlined files');
  const statics = is(/static_file_content/);
  for (const f of ['hello.txt', 'tree/a.txt', 'tree/sub/b.txt']) {
    assert.ok(statics.some((x) => x.startsWith(`GET /puppet/v3/static_file_content/modules/envmod/files/${f}?`) && /code_id=v1-production/.test(x)), `${f}: ${statics.join('\n')}`);
  }
  // The basemodulepath file is not inlined: the agent asks for its metadata and content as usual.
  assert.ok(is(/file_metadata\/modules\/basemod\/base\.txt/).length >= 1, reqs.join('\n'));

  // A second run is in sync by the inline checksums: nothing fetched, nothing changed.
  const mid = logSize();
  const again = await kuroko(['agent', '--test', ...args]);
  assert.equal(again.status, 0, again.stdout + again.stderr);
  const reqs2 = await requestsSince(mid);
  assert.deepEqual(reqs2.filter((x) => /static_file_content|\/v3\/file_metadatas?\/modules\/envmod|\/v3\/file_content\/modules\/envmod/.test(x)), [], reqs2.join('\n'));
});
