// `kuroko quickstart` (npm start): the whole demonstration in a temp dir, on
// a free port, in the sandbox; then a second start reuses the certificates.
// --once stops the server at the end instead of waiting for Ctrl-C; a third
// start is stopped with SIGINT, as Ctrl-C would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, kurokoSpawn } from '../helpers.js';
import { kurokoAsync } from './support.js';

test('kuroko quickstart runs the walkthrough in a sandbox and leaves the server running', { timeout: 300_000 }, async () => {
  const d = join(tempDir('kuroko-quickstart-'), '.kuroko');
  const r = await kurokoAsync(['quickstart', '--once', '--dir', d, '--port', '0'], { timeout: 240_000 });
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 0, out);
  const port = /running at https:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
  assert.ok(port, out);
  // Every step is shown: the CSR and its fingerprint, cert list, signing, catalog, changes, report.
  for (const certname of ['node1.test.com', 'node2.test.com']) {
    const fp = new RegExp(`Creating a new RSA \\d+-bit key for ${certname.replace(/\./g, '\\.')}[\\s\\S]*?Certificate Request fingerprint \\(SHA256\\): ([0-9A-F:]{95})`).exec(out)?.[1];
    assert.ok(fp, `no fingerprint for ${certname}:\n${out}`);
    assert.match(out, new RegExp(`"${certname.replace(/\./g, '\\.')}" \\(SHA256\\) ${fp}`));
    assert.match(out, new RegExp(`Signed certificate request for ${certname.replace(/\./g, '\\.')}`));
    assert.match(out, new RegExp(`Compiled catalog for ${certname.replace(/\./g, '\\.')} in environment production`));
  }
  assert.match(out, /\$ kuroko cert sign node1\.test\.com/);
  assert.match(out, /\$ kuroko cert sign --all/);
  assert.match(out, /Signed the server certificate for node3\.test\.com \(alt names: [^)]*IP:127\.0\.0\.1\)/);
  assert.match(out, /node1\.test\.com\s+unchanged/);
  assert.match(out, /node2\.test\.com\s+changed/);
  assert.doesNotMatch(out, /Warning: |problem\(s\)/);
  // Managed paths stay in the sandbox.
  const sb = join(d, 'sandbox');
  assert.match(readFileSync(join(sb, 'node1.test.com', 'etc', 'nginx', 'conf.d', 'kuroko_web.conf'), 'utf8'), /listen 127\.0\.0\.1:8081;/);
  assert.match(readFileSync(join(sb, 'node2.test.com', 'etc', 'nginx', 'conf.d', 'kuroko_proxy.conf'), 'utf8'), /proxy_pass http:\/\/127\.0\.0\.1:8081;/);
  assert.ok(existsSync(join(d, 'agents', 'node1.test.com', 'etc', 'ssl', 'private_keys', 'node1.test.com.pem')));
  assert.match(out, /Kuroko server stopped/);

  // A second start reuses the CA and the agents' certificates, and stops on SIGINT (Ctrl-C).
  const child = kurokoSpawn(['quickstart', '--dir', d, '--port', '0']);
  let second = '';
  let interrupted = false;
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    second += c;
    if (!interrupted && second.includes('Press Ctrl-C')) { interrupted = true; child.kill('SIGINT'); }
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (second += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 0, second);
  assert.match(second, /node1\.test\.com already has its certificate/);
  assert.doesNotMatch(second, /Generating a new CA/);
  assert.match(second, /Kuroko server stopped/);
});
