// GET /puppet/v3/static_file_content over real HTTPS, as puppetserver answers
// it: validation (400/403), auth (a certificate required), traversal refused,
// 500 without a code-content command, and with one (a real script in a temp
// dir) its standard output, or a 500 naming its failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, request, type Harness } from './harness.js';
import type { Cert } from './pki.js';

let bare: Harness; // no code_content_command
let versioned: Harness; // with one
let node: Cert;
let nodeV: Cert;

const SCRIPT = `#!/bin/sh
# ENVIRONMENT CODE_ID PATH: prints that version of the file, as a site's script would from git.
case "$2" in
  fail) echo "no such version" >&2; exit 3 ;;
  noisy) echo "warning on stderr" >&2 ;;
esac
printf 'env=%s code_id=%s path=%s\\n' "$1" "$2" "$3"
printf '\\000\\001binary\\377'
`;

before(async () => {
  bare = await startTestServer();
  node = bare.pki.issue('node1.test');
  versioned = await startVersioned();
  nodeV = versioned.pki.issue('node1.test');
});
after(async () => { await bare.stop(); await versioned.stop(); });

/** A server whose code_content_command setting (in puppet.conf) names the script. */
async function startVersioned(): Promise<Harness> {
  let script = '';
  return startTestServer({
    setup(dir) {
      script = join(dir, 'code-content.sh');
      writeFileSync(script, SCRIPT);
      chmodSync(script, 0o755);
      writeFileSync(join(dir, 'etc', 'puppet.conf'), `[server]\ncode_content_command = ${script}\n`);
    },
  });
}

const url = (path: string, q = 'code_id=abc123&environment=production') => `/puppet/v3/static_file_content/${path}?${q}`;

test('without a code-content command: 500 with puppetserver\'s message', async () => {
  const r = await request(bare, url('modules/foo/files/bar.txt'), { cert: node });
  assert.equal(r.status, 500);
  assert.match(r.text, /Cannot retrieve code content because the "versioned-code\.code-content-command" setting is not present in configuration/);
});

test('validation: environment, code_id and path are required and checked, as puppetserver does', async () => {
  const required = 'Error: A /static_file_content request requires an environment, a code-id, and a file-path';
  for (const q of ['environment=production', 'code_id=abc', 'code_id=&environment=production']) {
    const r = await request(bare, url('modules/foo/files/bar.txt', q), { cert: node });
    assert.equal(r.status, 400, q);
    assert.equal(r.text, required);
  }
  const env = await request(bare, url('modules/foo/files/bar.txt', 'code_id=abc&environment=prod-1'), { cert: node });
  assert.equal(env.status, 400);
  assert.equal(env.text, "The environment must be purely alphanumeric, not 'prod-1'");
  for (const bad of ['hi%23cat', 'hi%20cat', 'hi%3B%2Fusr%2Fbin%2Fcat']) {
    const r = await request(bare, url('modules/foo/files/bar.txt', `code_id=${bad}&environment=production`), { cert: node });
    assert.equal(r.status, 400, bad);
    assert.equal(r.text, `Invalid code-id '${decodeURIComponent(bad)}'. Must contain only alpha-numerics and '-', '_', ';', or ':'`);
  }
  for (const path of ['modules/foo/manifests/init.pp', 'modules/foo/files', 'foo/files/bar.txt', 'modules/foo/templates/x.erb']) {
    const r = await request(bare, url(path), { cert: node });
    assert.equal(r.status, 403, path);
    assert.match(r.text, /^Request Denied: A \/static_file_content request must be a file within the files, lib, scripts, or tasks directory of a module\.$/);
  }
});

test('auth: a client without a certificate is refused; any node\'s certificate is allowed', async () => {
  assert.equal((await request(bare, url('modules/foo/files/bar.txt'))).status, 403);
  assert.equal((await request(bare, url('modules/foo/files/bar.txt'), { cert: bare.pki.issue('node2.test') })).status, 500); // allowed, then no command
});

test('traversal is refused before the command runs', async () => {
  for (const path of ['modules/foo/files/../../../etc/passwd', 'modules/foo/files/%2e%2e/%2e%2e/x', 'modules/foo/files/a/%2E%2E/b']) {
    const r = await request(versioned, url(path), { cert: nodeV });
    assert.equal(r.status, 400, path);
    assert.doesNotMatch(r.text, /env=/);
  }
});

test('with code_content_command: its output, byte for byte, as application/octet-stream', async () => {
  const r = await request(versioned, url('modules/foo/files/sub/bar.txt', 'code_id=urn:abc-1_2;3&environment=production'), { cert: nodeV });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['content-type'], 'application/octet-stream');
  const expected = Buffer.concat([Buffer.from('env=production code_id=urn:abc-1_2;3 path=modules/foo/files/sub/bar.txt\n'), Buffer.from([0, 1]), Buffer.from('binary'), Buffer.from([0xff])]);
  assert.deepEqual(r.body, expected);
  for (const dir of ['lib', 'scripts', 'tasks']) {
    const ok = await request(versioned, url(`modules/foo/${dir}/x`), { cert: nodeV });
    assert.equal(ok.status, 200, dir);
  }
  const noisy = await request(versioned, url('modules/foo/files/bar.txt', 'code_id=noisy&environment=production'), { cert: nodeV });
  assert.equal(noisy.status, 200); // stderr alone is logged, not an error
});

test('a failing command is a 500 naming its exit code and error output', async () => {
  const r = await request(versioned, url('modules/foo/files/bar.txt', 'code_id=fail&environment=production'), { cert: nodeV });
  assert.equal(r.status, 500);
  assert.match(r.text, /Non-zero exit code returned while running '.*code-content\.sh'\. exit-code: '3', stdout: '', stderr: 'no such version'/);
});
