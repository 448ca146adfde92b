// The CA engine on real files: layout and modes, signing rules both ways,
// Puppet's extensions, revocation and the CRL, renewal, the server identity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';
import { caOptions } from './helpers.js';
import { CertificateAuthority } from '../../src/ca/index.js';
import { generateKeyPair } from '../../src/ca/keys.js';
import { createCsr, parseCsr } from '../../src/ca/csr.js';
import { parseCertificate } from '../../src/ca/certinfo.js';
import { PP_CLI_AUTH } from '../../src/ca/oids.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const REAL_CSR = join(ROOT, '..', 'shared', 'reference', 'wire-samples', 'csr-node1.test.com.pem');

async function csrFor(name: string, extra: Partial<Parameters<typeof createCsr>[0]> = {}) {
  const { privateKey } = await generateKeyPair({ bits: 2048 });
  return { key: privateKey, pem: await createCsr({ certname: name, privateKey, ...extra }) };
}

function openssl(args: string[]) { return spawnSync('openssl', args, { encoding: 'utf8' }); }

test('setup makes Puppet\'s layout with private keys 0600 and a server certificate with alt names and pp_cli_auth', async () => {
  const o = caOptions();
  const ca = await CertificateAuthority.setup(o);
  for (const f of ['ca_crt.pem', 'ca_key.pem', 'ca_pub.pem', 'ca_crl.pem', 'serial', 'inventory.txt', 'signed', 'requests']) assert.ok(existsSync(join(o.cadir, f)), f);
  for (const f of ['certs/ca.pem', 'certs/puppet.test.pem', 'private_keys/puppet.test.pem', 'public_keys/puppet.test.pem', 'crl.pem']) assert.ok(existsSync(join(o.ssldir, f)), f);
  assert.equal(statSync(join(o.cadir, 'ca_key.pem')).mode & 0o777, 0o600);
  assert.equal(statSync(join(o.ssldir, 'private_keys/puppet.test.pem')).mode & 0o777, 0o600);
  assert.ok([0o700, 0o750].includes(statSync(join(o.ssldir, 'private_keys')).mode & 0o777));
  assert.ok([0o700, 0o750].includes(statSync(o.cadir).mode & 0o777));
  assert.match(readFileSync(join(o.cadir, 'ca_key.pem'), 'utf8'), /BEGIN RSA PRIVATE KEY/);
  assert.equal(readFileSync(join(o.cadir, 'serial'), 'utf8').trim(), '0003');
  const inv = readFileSync(join(o.cadir, 'inventory.txt'), 'utf8').trim().split('\n');
  assert.match(inv[0], /^0x0001 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dUTC \S+ \/CN=Puppet CA: puppet\.test$/);
  assert.match(inv[1], /^0x0002 .* \/CN=puppet\.test$/);
  const server = ca.status('puppet.test')!;
  assert.equal(server.state, 'signed');
  assert.deepEqual(server.subject_alt_names, ['DNS:puppet.test', 'DNS:localhost', 'IP:127.0.0.1']);
  assert.equal(server.authorization_extensions.pp_cli_auth, 'true');
  const caInfo = parseCertificate(ca.caCertificatePem());
  assert.equal(caInfo.name, 'Puppet CA: puppet.test');
  // Opening again reuses everything: same CA, same server certificate.
  const again = await CertificateAuthority.setup(o);
  assert.equal(again.caCertificatePem(), ca.caCertificatePem());
  assert.equal(again.status('puppet.test')!.fingerprint, server.fingerprint);
  if (hasOpenssl) {
    const text = openssl(['x509', '-in', o.cadir + '/ca_crt.pem', '-noout', '-text']).stdout;
    assert.match(text, /CA:TRUE/);
    assert.match(text, /Certificate Sign, CRL Sign/);
  }
});

test('open refuses a directory without a CA, naming it', async () => {
  const o = caOptions();
  await assert.rejects(CertificateAuthority.open(o), (e: Error) => e.message.includes(o.cadir) && /kuroko ca setup/.test(e.message));
});

test('an EC P-256 CA signs EC and RSA agents', async () => {
  const ca = await CertificateAuthority.setup(caOptions({ keyType: 'ec' }));
  assert.match(readFileSync(ca.paths.caKey, 'utf8'), /BEGIN EC PRIVATE KEY/);
  const { privateKey } = await generateKeyPair({ type: 'ec' });
  await ca.submitRequest('ec.test', await createCsr({ certname: 'ec.test', privateKey }));
  const cert = await ca.sign('ec.test');
  assert.equal(cert.name, 'ec.test');
  const rsa = await csrFor('rsa.test');
  await ca.submitRequest('rsa.test', rsa.pem);
  assert.equal((await ca.sign('rsa.test')).name, 'rsa.test');
});

test('a signed agent certificate carries Puppet\'s extensions and pp_* requests; the challengePassword is not copied', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  const { pem } = await csrFor('node1.test', { extensionRequests: { pp_role: 'web', '1.3.6.1.4.1.34380.1.2.1': 'private' }, customAttributes: { challengePassword: 'secret' } });
  const parsed = parseCsr(pem);
  assert.deepEqual(parsed.attributes.map((a) => [a.name, a.values[0]]), [['challengePassword', 'secret']]);
  assert.deepEqual((await ca.submitRequest('node1.test', pem)), { state: 'requested' });
  assert.equal(ca.status('node1.test')!.state, 'requested');
  const cert = await ca.sign('node1.test');
  assert.equal(cert.serial, 3n);
  assert.deepEqual(cert.subjectAltNames, ['DNS:node1.test']);
  assert.deepEqual(cert.puppetExtensions.map((e) => [e.name, e.value]), [['pp_role', 'web'], ['1.3.6.1.4.1.34380.1.2.1', 'private']]);
  assert.ok(!existsSync(ca.paths.request('node1.test')), 'the request is removed once signed');
  if (hasOpenssl) {
    const text = openssl(['x509', '-in', ca.paths.signed('node1.test'), '-noout', '-text']).stdout;
    assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
    assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
    assert.match(text, /Digital Signature, Key Encipherment/);
    assert.match(text, /Subject Key Identifier/);
    assert.match(text, /Authority Key Identifier/);
    assert.match(text, /DNS:node1\.test/);
    assert.match(text, /Puppet Server Internal Certificate/);
    assert.doesNotMatch(text, /secret/);
  }
});

test('subject rules: CN must equal the name asked for and be a valid certname', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  const { pem } = await csrFor('node2.test');
  await assert.rejects(ca.submitRequest('other.test', pem), /does not match/);
  const upper = await csrFor('Upper.test');
  await assert.rejects(ca.submitRequest('Upper.test', upper.pem), /Invalid certname/);
  const wild = await csrFor('*.test');
  await assert.rejects(ca.submitRequest('*.test', wild.pem), /Invalid certname|wildcard/);
  await assert.rejects(ca.submitRequest('node2.test', 'garbage'), /Invalid CSR for node2.test/);
  assert.deepEqual(await ca.submitRequest('node2.test', pem), { state: 'requested' });
});

test('a CSR whose signature does not verify is refused', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  const { pem } = await csrFor('tamper.test');
  const der = parseCsr(pem).der;
  der[der.length - 5] ^= 0xff; // flip a byte of the signature
  const bad = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  await assert.rejects(ca.submitRequest('tamper.test', bad), /public key that does not correspond|signing key/);
  assert.equal(ca.status('tamper.test'), undefined);
});

test('duplicates are refused unless allow_duplicate_certs; the same request again is fine', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  const first = await csrFor('dup.test');
  await ca.submitRequest('dup.test', first.pem);
  await ca.submitRequest('dup.test', first.pem);
  const second = await csrFor('dup.test');
  await assert.rejects(ca.submitRequest('dup.test', second.pem), /already has a requested certificate/);
  await ca.sign('dup.test');
  await assert.rejects(ca.submitRequest('dup.test', second.pem), /already has a signed certificate/);
  await ca.revoke('dup.test');
  await assert.rejects(ca.submitRequest('dup.test', second.pem), /already has a revoked certificate/);
  const lax = await CertificateAuthority.open({ ...ca.options, allowDuplicateCerts: true });
  assert.deepEqual(await lax.submitRequest('dup.test', second.pem), { state: 'requested' });
  const cert = await lax.sign('dup.test');
  assert.equal(ca.status('dup.test')!.state, 'signed');
  assert.equal(ca.status('dup.test')!.serial_number, Number(cert.serial));
});

test('SANs beyond the certname need --allow-dns-alt-names or allow_subject_alt_names; wildcards never', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  const { pem } = await csrFor('alt.test', { dnsAltNames: ['puppet', 'IP:10.0.0.1'] });
  await ca.submitRequest('alt.test', pem);
  assert.deepEqual(ca.status('alt.test')!.subject_alt_names, ['DNS:alt.test', 'DNS:puppet', 'IP:10.0.0.1']);
  await assert.rejects(ca.sign('alt.test'), /subject alternative names.*disallowed.*--allow-dns-alt-names/);
  const cert = await ca.sign('alt.test', { allowDnsAltNames: true });
  assert.deepEqual(cert.subjectAltNames, ['DNS:alt.test', 'DNS:puppet', 'IP:10.0.0.1']);
  const lax = await CertificateAuthority.open({ ...ca.options, allowSubjectAltNames: true });
  const other = await csrFor('alt2.test', { dnsAltNames: ['alt2-alias.test'] });
  await lax.submitRequest('alt2.test', other.pem);
  assert.equal((await lax.sign('alt2.test')).subjectAltNames.length, 2);
  const wild = await csrFor('wild.test', { dnsAltNames: ['*.wild.test'] });
  await lax.submitRequest('wild.test', wild.pem);
  await assert.rejects(lax.sign('wild.test'), /wildcard/);
  // A SAN with just the certname needs no permission.
  const plain = await csrFor('plain.test', { dnsAltNames: ['plain.test'] });
  await ca.submitRequest('plain.test', plain.pem);
  assert.equal((await ca.sign('plain.test')).name, 'plain.test');
});

test('authorization extensions need allow_authorization_extensions; pp_cli_auth and foreign extensions never', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  const auth = await csrFor('auth.test', { extensionRequests: { pp_authorization: 'admin' } });
  await ca.submitRequest('auth.test', auth.pem);
  await assert.rejects(ca.sign('auth.test'), /authorization extension.*allow_authorization_extensions/);
  const lax = await CertificateAuthority.open({ ...ca.options, allowAuthorizationExtensions: true });
  const cert = await lax.sign('auth.test');
  assert.equal(lax.status('auth.test')!.authorization_extensions.pp_authorization, 'admin');
  assert.ok(!cert.puppetExtensions.some((e) => e.oid === PP_CLI_AUTH));
  const cli = await csrFor('cli.test', { extensionRequests: { pp_cli_auth: 'true' } });
  await assert.rejects(lax.submitRequest('cli.test', cli.pem), /not permitted: pp_cli_auth/);
  const foreign = await csrFor('foreign.test', { extensionRequests: { '1.2.3.4.5': 'x' } });
  await assert.rejects(ca.submitRequest('foreign.test', foreign.pem), /not permitted: 1\.2\.3\.4\.5/);
});

test('autosign signs at submission, still applying the SAN rule; a pending request waits otherwise', async () => {
  const dir = tempDir();
  const conf = join(dir, 'autosign.conf');
  writeFileSync(conf, '*.auto.test\n');
  const ca = await CertificateAuthority.setup(caOptions({ autosign: conf }));
  assert.deepEqual(await ca.submitRequest('a.auto.test', (await csrFor('a.auto.test')).pem), { state: 'signed' });
  assert.equal(ca.status('a.auto.test')!.state, 'signed');
  assert.deepEqual(await ca.submitRequest('b.manual.test', (await csrFor('b.manual.test')).pem), { state: 'requested' });
  await assert.rejects(ca.submitRequest('c.auto.test', (await csrFor('c.auto.test', { dnsAltNames: ['x.test'] })).pem), /subject alternative names/);
  assert.equal(ca.status('c.auto.test'), undefined);
});

test('real Puppet\'s CSR is listed with its fingerprint and signed', { skip: !existsSync(REAL_CSR) && 'wire sample missing' }, async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  const pem = readFileSync(REAL_CSR, 'utf8');
  await ca.submitRequest('node1.test.com', pem);
  const st = ca.list('requested');
  assert.equal(st.length, 1);
  assert.equal(st[0].name, 'node1.test.com');
  if (hasOpenssl) {
    const der = spawnSync('openssl', ['req', '-in', REAL_CSR, '-outform', 'DER']);
    assert.equal(der.status, 0);
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update(der.stdout).digest('hex').toUpperCase().match(/../g)!.join(':');
    assert.equal(st[0].fingerprint, expected, 'the fingerprint is the SHA-256 of the CSR as Puppet computes it');
  }
  const cert = await ca.sign('node1.test.com');
  assert.equal(cert.name, 'node1.test.com');
});

test('revocation updates the CRL at once (number, entries), signals the change, and openssl -crl_check follows it', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  const events: number[] = [];
  ca.on('crl', (_pem: string, v: number) => events.push(v));
  await ca.submitRequest('r.test', (await csrFor('r.test')).pem);
  const cert = await ca.sign('r.test');
  await ca.submitRequest('ok.test', (await csrFor('ok.test')).pem);
  await ca.sign('ok.test');
  assert.equal(ca.isRevoked(cert.serialHex), false);
  const v0 = ca.crlVersion;
  const crlBefore = ca.crlPem();
  await ca.revoke('r.test');
  assert.equal(ca.isRevoked(cert.serialHex), true);
  assert.equal(ca.isRevoked('0x0' + cert.serialHex.toLowerCase()), true);
  assert.ok(ca.crlVersion > v0);
  assert.ok(events.length >= 1);
  assert.notEqual(ca.crlPem(), crlBefore);
  assert.equal(ca.status('r.test')!.state, 'revoked');
  assert.equal(ca.status('ok.test')!.state, 'signed');
  // Another process (here: another instance) sees it too.
  const other = await CertificateAuthority.open(ca.options);
  assert.equal(other.isRevoked(cert.serialHex), true);
  if (hasOpenssl) {
    const text = openssl(['crl', '-in', ca.paths.caCrl, '-noout', '-text']).stdout;
    assert.match(text, /CRL Number:\s+\n?\s*1/);
    const ok = openssl(['verify', '-CAfile', ca.paths.caCert, '-crl_check', '-CRLfile', ca.paths.caCrl, ca.paths.signed('ok.test')]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const bad = openssl(['verify', '-CAfile', ca.paths.caCert, '-crl_check', '-CRLfile', ca.paths.caCrl, ca.paths.signed('r.test')]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout + bad.stderr, /revoked/);
  }
  await assert.rejects(ca.revoke('nobody.test'), /Could not find a serial number for nobody.test/);
});

test('clean revokes and deletes; destroy deletes without revoking', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  await ca.submitRequest('c.test', (await csrFor('c.test')).pem);
  const cert = await ca.sign('c.test');
  assert.equal(await ca.clean('c.test'), true);
  assert.equal(ca.isRevoked(cert.serialHex), true);
  assert.equal(ca.status('c.test'), undefined);
  assert.equal(await ca.clean('c.test'), false);
  // After a clean the node can ask again.
  assert.deepEqual(await ca.submitRequest('c.test', (await csrFor('c.test')).pem), { state: 'requested' });
  await ca.submitRequest('d.test', (await csrFor('d.test')).pem);
  const d = await ca.sign('d.test');
  assert.equal(await ca.destroy('d.test'), true);
  assert.equal(ca.isRevoked(d.serialHex), false);
});

test('the CRL is re-signed well before it expires, keeping its entries', async () => {
  const ca = await CertificateAuthority.setup(caOptions({ crlTtlSeconds: 3600 }));
  await ca.submitRequest('x.test', (await csrFor('x.test')).pem);
  const cert = await ca.sign('x.test');
  await ca.revoke('x.test');
  assert.equal(await ca.refreshCrl(), false, 'fresh CRL is left alone');
  const short = await CertificateAuthority.open({ ...ca.options, crlTtlSeconds: 3600 * 100 });
  assert.equal(await short.refreshCrl(), true, 'a CRL with less than a quarter of its life left is re-signed');
  assert.equal(short.isRevoked(cert.serialHex), true);
  assert.ok(ca.expirations().crls['Puppet CA: puppet.test']);
});

test('renewal issues a new certificate for the same key; refused for revoked or foreign certificates', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  const { key, pem } = await csrFor('renew.test', { extensionRequests: { pp_role: 'db' } });
  await ca.submitRequest('renew.test', pem);
  const old = await ca.sign('renew.test');
  const fresh = await ca.renew(old.pem);
  assert.ok(fresh.serial > old.serial);
  assert.equal(fresh.name, 'renew.test');
  assert.deepEqual(fresh.puppetExtensions.map((e) => e.value), ['db']);
  const { keyMatches } = await import('../../src/ca/keys.js');
  assert.ok(keyMatches(key, fresh.certificate.publicKey.rawData));
  await assert.rejects(ca.renew(old.pem), /not its current certificate/);
  await ca.revoke('renew.test');
  await assert.rejects(ca.renew(fresh.pem), /revoked/);
  const foreign = await CertificateAuthority.setup(caOptions());
  await foreign.submitRequest('f.test', (await csrFor('f.test')).pem);
  const f = await foreign.sign('f.test');
  await assert.rejects(ca.renew(f.pem), /not issued by this CA/);
});

test('generate makes a signed key pair in ssldir (the pre-signed method)', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  const r = await ca.generate('pre.test', { dnsAltNames: ['pre-alias.test'] });
  assert.equal(statSync(r.keyPath).mode & 0o777, 0o600);
  assert.deepEqual(r.cert.subjectAltNames, ['DNS:pre.test', 'DNS:pre-alias.test']);
  assert.equal(ca.status('pre.test')!.state, 'signed');
  await assert.rejects(ca.generate('pre.test'), /already has a signed certificate/);
});

test('a corrupt serial file stops signing with a clear error instead of reusing serials', async () => {
  const ca = await CertificateAuthority.setup(caOptions());
  writeFileSync(ca.paths.serial, 'zz\n');
  await ca.submitRequest('s.test', (await csrFor('s.test')).pem);
  await assert.rejects(ca.sign('s.test'), /serial file .* is corrupt/);
  assert.equal(ca.status('s.test')!.state, 'requested');
});

test('server alt names: DNS and IPv4/IPv6 addresses encoded as openssl reads them; an invalid address is refused', async () => {
  const ca = await CertificateAuthority.setup(caOptions({ keyType: 'ec', dnsAltNames: ['IP:::1', 'IP:fe80::1:2', 'IP:127.0.0.1', 'puppet'] }));
  assert.deepEqual(ca.status('puppet.test')!.subject_alt_names, ['DNS:puppet.test', 'IP:::1', 'IP:fe80::1:2', 'IP:127.0.0.1', 'DNS:puppet']);
  if (hasOpenssl) {
    const text = openssl(['x509', '-in', join(ca.options.ssldir, 'certs/puppet.test.pem'), '-noout', '-ext', 'subjectAltName,keyUsage']).stdout;
    assert.match(text, /IP Address:0:0:0:0:0:0:0:1, IP Address:FE80:0:0:0:0:0:1:2, IP Address:127\.0\.0\.1, DNS:puppet/);
    assert.match(text, /Digital Signature\n/, 'EC keys get digitalSignature only');
  }
  await assert.rejects(CertificateAuthority.setup(caOptions({ keyType: 'ec', dnsAltNames: ['IP:999.1.1.1'] })), /invalid IP address/);
});

test('the fast certificate scan used by list/status reads what the full parser reads', async () => {
  const ca = await CertificateAuthority.setup(caOptions({ keyType: 'ec', dnsAltNames: ['IP:::1', 'IP:10.1.2.3', 'puppet'] }));
  const { privateKey } = await generateKeyPair({ type: 'ec' });
  await ca.submitRequest('scan.test', await createCsr({ certname: 'scan.test', privateKey, dnsAltNames: ['a.scan.test'], extensionRequests: { pp_role: 'r', pp_uuid: 'ü-1' } }));
  await ca.sign('scan.test', { allowDnsAltNames: true });
  const { scanCertificate } = await import('../../src/ca/certscan.js');
  for (const name of ['scan.test', 'puppet.test']) {
    const full = ca.certificate(name)!;
    const fast = scanCertificate(full.der);
    for (const k of ['name', 'serial', 'serialHex', 'subjectAltNames', 'puppetExtensions', 'fingerprint'] as const) assert.deepEqual(fast[k], full[k], `${name} ${k}`);
    assert.equal(fast.notBefore.getTime(), full.notBefore.getTime());
    assert.equal(fast.notAfter.getTime(), full.notAfter.getTime());
  }
});
