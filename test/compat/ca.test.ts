// Interoperability of Kuroko's CA with Debian's real Puppet 7 and OpenSSL:
// a CSR made by real Puppet is listed, signed and accepted; `puppet ssl
// verify` accepts the certificate Kuroko issued; `openssl verify -crl_check`
// accepts Kuroko's certificates and rejects a revoked one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';
import { caOptions } from '../ca/helpers.js';
import { CertificateAuthority } from '../../src/ca/index.js';
import { generateKeyPair } from '../../src/ca/keys.js';
import { createCsr } from '../../src/ca/csr.js';

const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');
const INTEROP = join(ROOT, 'test', 'ca', 'fixtures', 'interop.ts');

function whyNoPuppet(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v puppet'], { encoding: 'utf8' }).status !== 0) return 'Debian\'s puppet is not installed';
  if (!existsSync(NETNS)) return `no ${NETNS}`;
  if (spawnSync(NETNS, ['true']).status !== 0) return 'netns-run cannot create a network namespace here (needs root or user namespaces)';
  return undefined;
}
const noOpenssl = spawnSync('openssl', ['version']).status === 0 ? undefined : 'openssl is not installed';
const openssl = (args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });

test('real Puppet: its CSR is listed and signed, its agent accepts the certificate, `puppet ssl verify` passes', { skip: whyNoPuppet() }, () => {
  const dir = tempDir();
  const r = spawnSync(NETNS, [process.execPath, '--import', 'tsx', INTEROP, dir], { encoding: 'utf8', timeout: 300_000, cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    first: { status: number; out: string }; second: { status: number; out: string }; verify: { status: number; out: string };
    requested: { name: string; fingerprint: string }[]; requests: string[]; agentCert: string;
  };
  assert.notEqual(o.first.status, 0, 'waitforcert 0 with an unsigned request exits non-zero');
  assert.match(o.first.out, /Certificate Request fingerprint \(SHA256\): ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  assert.deepEqual(o.requested.map((h) => h.name), ['real.test']);
  assert.ok(o.first.out.includes(o.requested[0].fingerprint), 'the CA lists the fingerprint the agent printed');
  assert.equal(o.second.status, 0, o.second.out);
  assert.equal(o.verify.status, 0, o.verify.out);
  assert.match(o.verify.out, /Verified client certificate 'CN=real\.test'/);
  assert.ok(o.requests.includes('PUT /puppet-ca/v1/certificate_request/real.test'));
  assert.ok(o.requests.includes('GET /puppet-ca/v1/certificate_revocation_list/ca'));
  if (!noOpenssl) {
    const caDir = join(dir, 'ssl', 'ca');
    const v = openssl(['verify', '-CAfile', join(caDir, 'ca_crt.pem'), '-crl_check', '-CRLfile', join(caDir, 'ca_crl.pem'), o.agentCert]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  }
});

test('openssl verify -crl_check accepts Kuroko\'s certificates and rejects a revoked one (RSA and EC CAs)', { skip: noOpenssl }, async () => {
  for (const keyType of ['rsa', 'ec'] as const) {
    const ca = await CertificateAuthority.setup(caOptions({ keyType }));
    const names = ['good.test', 'bad.test'];
    for (const n of names) {
      const { privateKey } = await generateKeyPair({ type: keyType, bits: 2048 });
      await ca.submitRequest(n, await createCsr({ certname: n, privateKey }));
      await ca.sign(n);
    }
    await ca.revoke('bad.test');
    const check = (f: string) => openssl(['verify', '-CAfile', ca.paths.caCert, '-crl_check', '-CRLfile', ca.paths.caCrl, f]);
    const good = check(ca.paths.signed('good.test'));
    assert.equal(good.status, 0, good.stdout + good.stderr);
    const server = check(ca.paths.signed('puppet.test'));
    assert.equal(server.status, 0, server.stdout + server.stderr);
    const bad = check(ca.paths.signed('bad.test'));
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout + bad.stderr, /certificate revoked/);
    const purpose = openssl(['verify', '-CAfile', ca.paths.caCert, '-purpose', 'sslclient', ca.paths.signed('good.test')]);
    assert.equal(purpose.status, 0, purpose.stdout + purpose.stderr);
  }
});
