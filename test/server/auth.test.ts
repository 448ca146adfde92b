// puppetserver's default auth rules, over real mTLS: every rule allowed and
// denied for no certificate, another node's, a revoked one, the node's own
// and an admin (pp_cli_auth) certificate. Plus HOCON auth.conf parsing and
// the rule semantics (sort order, deny before allow, globs, regex $1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, request, catalogForm, type Harness } from './harness.js';
import type { Cert } from './pki.js';
import { parseHocon } from '../../src/util/hocon.js';
import { authorize, defaultRules, rulesFromConfig, loadRules } from '../../src/server/auth.js';
import { KurokoError } from '../../src/util/diagnostic.js';

let h: Harness;
let own: Cert, other: Cert, revoked: Cert, admin: Cert;

before(async () => {
  h = await startTestServer();
  own = h.pki.issue('node1.test');
  other = h.pki.issue('node2.test');
  revoked = h.pki.issue('node1.test'); // the node's own name, but revoked
  admin = h.pki.issue('admin.test', 'admin_ext');
  h.pki.revoke(revoked);
  h.server.frontEnd.updateTls({ key: h.serverCert.key, cert: h.serverCert.cert, ca: h.pki.caPem, crl: h.pki.crlPem });
});
after(async () => { await h.stop(); });

type Who = 'none' | 'other' | 'revoked' | 'own' | 'admin';
const WHO: Who[] = ['none', 'other', 'revoked', 'own', 'admin'];
const ALL: Who[] = WHO;
const ANY_CERT: Who[] = ['other', 'own', 'admin'];
const OWN: Who[] = ['own'];
const ADMIN: Who[] = ['admin'];
const NOBODY: Who[] = [];

const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
const jsonCt = { 'Content-Type': 'application/json' };
const md5 = 'd41d8cd98f00b204e9800998ecf8427e'; // md5 of the empty string

const CASES: { rule: string; method: string; path: string; body?: string; headers?: Record<string, string>; allowed: Who[] }[] = [
  { rule: 'v3 catalog GET', method: 'GET', path: '/puppet/v3/catalog/node1.test?environment=production', allowed: OWN },
  { rule: 'v3 catalog POST', method: 'POST', path: '/puppet/v3/catalog/node1.test?environment=production', body: catalogForm('node1.test', { a: 1 }), headers: form, allowed: OWN },
  { rule: 'v4 catalog', method: 'POST', path: '/puppet/v4/catalog', body: '{}', headers: jsonCt, allowed: NOBODY },
  { rule: 'certificate', method: 'GET', path: '/puppet-ca/v1/certificate/ca', allowed: ALL },
  { rule: 'crl', method: 'GET', path: '/puppet-ca/v1/certificate_revocation_list/ca', allowed: ALL },
  { rule: 'csr GET', method: 'GET', path: '/puppet-ca/v1/certificate_request/node1.test', allowed: ALL },
  { rule: 'csr PUT', method: 'PUT', path: '/puppet-ca/v1/certificate_request/node1.test', body: 'not a csr', headers: { 'Content-Type': 'text/plain' }, allowed: ALL },
  { rule: 'certificate renewal', method: 'POST', path: '/puppet-ca/v1/certificate_renewal', body: '', allowed: ANY_CERT },
  { rule: 'cert status GET', method: 'GET', path: '/puppet-ca/v1/certificate_status/node1.test', allowed: ADMIN },
  { rule: 'cert status PUT', method: 'PUT', path: '/puppet-ca/v1/certificate_status/node1.test', body: '{"desired_state":"signed"}', headers: jsonCt, allowed: ADMIN },
  { rule: 'cert status DELETE', method: 'DELETE', path: '/puppet-ca/v1/certificate_status/node1.test', allowed: ADMIN },
  { rule: 'CRL update', method: 'PUT', path: '/puppet-ca/v1/certificate_revocation_list', body: '', allowed: ADMIN },
  { rule: 'cert statuses', method: 'GET', path: '/puppet-ca/v1/certificate_statuses/any?state=requested', allowed: ADMIN },
  { rule: 'expirations', method: 'GET', path: '/puppet-ca/v1/expirations', allowed: ANY_CERT },
  { rule: 'clean', method: 'PUT', path: '/puppet-ca/v1/clean', body: '{"certnames":[]}', headers: jsonCt, allowed: ADMIN },
  { rule: 'sign', method: 'POST', path: '/puppet-ca/v1/sign', body: '{"certnames":[]}', headers: jsonCt, allowed: ADMIN },
  { rule: 'sign all', method: 'POST', path: '/puppet-ca/v1/sign/all', body: '', allowed: ADMIN },
  { rule: 'status services', method: 'GET', path: '/status/v1/services', allowed: ALL },
  { rule: 'status simple', method: 'GET', path: '/status/v1/simple', allowed: ALL },
  { rule: 'environments', method: 'GET', path: '/puppet/v3/environments', allowed: ANY_CERT },
  { rule: 'file bucket GET', method: 'GET', path: `/puppet/v3/file_bucket_file/md5/${md5}?environment=production`, allowed: ANY_CERT },
  { rule: 'file bucket HEAD', method: 'HEAD', path: `/puppet/v3/file_bucket_file/md5/${md5}?environment=production`, allowed: ANY_CERT },
  { rule: 'file bucket PUT', method: 'PUT', path: `/puppet/v3/file_bucket_file/md5/${md5}//tmp/x?environment=production`, body: '', headers: { 'Content-Type': 'application/octet-stream' }, allowed: ANY_CERT },
  { rule: 'file content', method: 'GET', path: '/puppet/v3/file_content/modules/none/x?environment=production', allowed: ANY_CERT },
  { rule: 'file metadata', method: 'GET', path: '/puppet/v3/file_metadata/modules/none/x?environment=production', allowed: ANY_CERT },
  { rule: 'file metadatas', method: 'GET', path: '/puppet/v3/file_metadatas/plugins?environment=production&recurse=true', allowed: ANY_CERT },
  { rule: 'node', method: 'GET', path: '/puppet/v3/node/node1.test?environment=production', allowed: OWN },
  { rule: 'report', method: 'PUT', path: '/puppet/v3/report/node1.test?environment=production', body: '{}', headers: jsonCt, allowed: OWN },
  { rule: 'facts', method: 'PUT', path: '/puppet/v3/facts/node1.test?environment=production', body: '{"name":"node1.test","values":{}}', headers: jsonCt, allowed: OWN },
  { rule: 'static file content', method: 'GET', path: '/puppet/v3/static_file_content/modules/x/files/y?code_id=1&environment=production', allowed: ANY_CERT },
  { rule: 'tasks', method: 'GET', path: '/puppet/v3/tasks?environment=production', allowed: ANY_CERT },
  { rule: 'environment_classes (deny all)', method: 'GET', path: '/puppet/v3/environment_classes?environment=production', allowed: NOBODY },
  { rule: 'deny all', method: 'GET', path: '/puppet/v3/nothing_here', allowed: NOBODY },
];

for (const c of CASES) {
  test(`auth rule ${c.rule}: ${c.method} allowed for ${c.allowed.join(', ') || 'nobody'} only`, async () => {
    for (const who of WHO) {
      const cert = who === 'none' ? undefined : { own, other, revoked, admin }[who];
      const r = await request(h, c.path, { method: c.method, body: c.body, headers: c.headers, cert });
      const allowed = c.allowed.includes(who);
      if (allowed) assert.notEqual(r.status, 403, `${who} should pass ${c.rule}, got 403: ${r.text}`);
      else {
        assert.equal(r.status, 403, `${who} should be refused by ${c.rule}, got ${r.status}: ${r.text.slice(0, 200)}`);
        if (c.method !== 'HEAD') assert.match(r.text, /^Forbidden request: /);
      }
    }
  });
}

test('a certificate revoked while the server runs is refused on its kept-alive connection, without a restart', async () => {
  const { Agent } = await import('node:https');
  const late = h.pki.issue('late.test');
  const agent = new Agent({ keepAlive: true, maxSockets: 1, key: late.key, cert: late.cert, ca: h.pki.caPem, servername: 'localhost' });
  try {
    const ok = await request(h, '/puppet/v3/node/late.test?environment=production', { agent });
    assert.equal(ok.status, 200);
    h.pki.revoke(late);
    h.server.frontEnd.updateTls({ key: h.serverCert.key, cert: h.serverCert.cert, ca: h.pki.caPem, crl: h.pki.crlPem });
    const refused = await request(h, '/puppet/v3/node/late.test?environment=production', { agent });
    assert.equal(refused.status, 403);
    assert.match(refused.text, /authenticated: false/);
    const fresh = await request(h, '/puppet/v3/node/late.test?environment=production', { cert: late });
    assert.equal(fresh.status, 403);
  } finally { agent.destroy(); }
});

test('a certificate from another CA is not authenticated', async () => {
  const { TestPki } = await import('./pki.js');
  const foreign = new TestPki(join(h.dir, 'foreign')).issue('node1.test');
  const r = await request(h, '/puppet/v3/node/node1.test?environment=production', { cert: foreign });
  assert.equal(r.status, 403);
});

test('HOCON: the forms puppetserver auth.conf files use', () => {
  const doc = parseHocon(`
    # comment
    authorization: {
      version: 1
      rules: [
        {
          match-request: { path: "^/puppet/v3/catalog/([^/]+)$"
                           type: regex, method: [get, post] }
          allow: "$1"   // trailing comment
          sort-order: 500
          name: "catalog"
        },
        { match-request { path: /puppet/v3/environments, type: path }
          allow: [ "*.example.com", {extensions: {pp_role: web}} ]
          name: unquoted name with spaces
        }
      ]
    }
    a.b.c = 3
    a.b.d = "x\\ty"
  `, 'auth.conf');
  const auth = doc.authorization as { rules: { name: string; allow: unknown }[] };
  assert.equal(auth.rules.length, 2);
  assert.equal(auth.rules[1].name, 'unquoted name with spaces');
  assert.deepEqual(auth.rules[1].allow, ['*.example.com', { extensions: { pp_role: 'web' } }]);
  assert.deepEqual(doc.a, { b: { c: 3, d: 'x\ty' } });
});

test('HOCON errors carry file, line and column', () => {
  assert.throws(() => parseHocon('authorization: {\n  rules: [\n    { name: "x" \n  ]\n}', 'site-auth.conf'), (e: unknown) => {
    assert.ok(e instanceof KurokoError);
    assert.equal(e.location?.file, 'site-auth.conf');
    assert.equal(e.location?.line, 4);
    return true;
  });
  assert.throws(() => parseHocon('a: ${b}', 'f'), /Substitutions/);
  assert.throws(() => parseHocon('include "other.conf"', 'f'), /include/);
});

test('rule semantics: sort order, deny beats allow, globs, regex back-references, query params', () => {
  const rules = rulesFromConfig(parseHocon(`authorization: { version: 1, rules: [
    { match-request: { path: "/x", type: path }, allow: "*", sort-order: 600, name: "late" }
    { match-request: { path: "/x", type: path, method: get }, allow: "*.example.com", deny: "bad.example.com", sort-order: 100, name: "early" }
    { match-request: { path: "^/y/([^/]+)/([^/]+)$", type: regex }, allow: "$2.$1", name: "swap" }
    { match-request: { path: "/q", type: path, query-params: { environment: [production, test] } }, allow: "/^web\\\\d+$/", name: "q" }
  ] }`, 'a.conf'), 'a.conf');
  const id = (certname: string) => ({ authenticated: true, certname, extensions: {} });
  const ask = (method: string, path: string, certname: string, query = '') => authorize(rules, { method, path, query: new URLSearchParams(query), client: id(certname) });
  assert.equal(ask('GET', '/x/1', 'a.example.com').allowed, true);
  assert.equal(ask('GET', '/x/1', 'bad.example.com').allowed, false);
  assert.equal(ask('GET', '/x/1', 'bad.example.com').rule, 'early');
  assert.equal(ask('GET', '/x/1', 'other.org').allowed, false); // first match decides
  assert.equal(ask('PUT', '/x/1', 'other.org').allowed, true); // "early" is GET only
  assert.equal(ask('GET', '/y/com/host', 'host.com').allowed, true);
  assert.equal(ask('GET', '/y/com/host', 'com.host').allowed, false);
  assert.equal(ask('GET', '/q', 'web12', 'environment=test').allowed, true);
  assert.equal(ask('GET', '/q', 'web12', 'environment=dev').allowed, false);
  assert.equal(ask('GET', '/q', 'db1', 'environment=test').allowed, false);
  assert.match(ask('GET', '/nothing', 'a').message, /no matching rule/);
});

test('auth.conf rule errors name the rule and field', () => {
  assert.throws(() => rulesFromConfig(parseHocon('authorization: { version: 1, rules: [ { match-request: { path: "/" }, name: "r" } ] }', 'x'), 'x'), /needs allow, deny or allow-unauthenticated/);
  assert.throws(() => rulesFromConfig(parseHocon('authorization: { version: 1, rules: [ { match-request: { path: "(", type: regex }, allow: "*", name: "r" } ] }', 'x'), 'x'), /invalid regex/);
  assert.throws(() => rulesFromConfig(parseHocon('authorization: { version: 1, rules: [ { match-request: { path: "/", method: fetch }, allow: "*", name: "r" } ] }', 'x'), 'x'), /unknown method 'fetch'/);
});

test('a site auth.conf replaces the defaults (puppetserver semantics), and reload applies it', async () => {
  assert.equal(defaultRules().at(-1)!.name, 'puppetlabs deny all');
  const file = join(h.dir, 'site-auth.conf');
  assert.equal(loadRules(file).source, 'built-in defaults');
  writeFileSync(file, `authorization: { version: 1, rules: [
    { match-request: { path: "/puppet/v3/environment_classes", type: path, method: get }, allow: "*", name: "classes for all" }
    { match-request: { path: "/", type: path }, deny: "*", sort-order: 999, name: "deny all" } ] }`);
  const { rules } = loadRules(file);
  h.server.app.setRules(rules);
  try {
    const r = await request(h, '/puppet/v3/environments', { cert: own });
    assert.equal(r.status, 403);
  } finally { h.server.app.setRules(defaultRules()); }
});
