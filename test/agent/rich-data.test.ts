// Rich-data catalogs on the agent: Deferred values resolved on the agent
// (nested, inside arrays and hashes, '$facts' digs, Puppet-language functions
// of the modulepath), the other `__ptype` values converted, Sensitive values
// redacted, Binary file content written as bytes; end to end through
// `kuroko apply`, and against Debian's real `puppet apply`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, Data } from '../../src/compiler/wire.js';
import { resolveRichData, typeString } from '../../src/agent/rich-data.js';
import { CATALOG_ACCEPT } from '../../src/agent/run.js';
import { CLI, ROOT, kuroko, kurokoAsync, tempDir, type RunResult } from '../helpers.js';
import { startTestServer, writeFiles } from '../server/harness.js';
import { apply, catalog, messages } from './helpers.js';

const deferred = (name: string, args?: Data[]): Data => (args === undefined ? { __ptype: 'Deferred', name } : { __ptype: 'Deferred', name, arguments: args });
const sensitive = (v: Data): Data => ({ __ptype: 'Sensitive', __pvalue: v });

function params(c: Catalog, ref: string): Record<string, Data> {
  const r = c.resources.find((x) => `${x.type}[${x.title}]` === ref);
  assert.ok(r, `no ${ref}`);
  return r.parameters ?? {};
}

test('nested Deferred: sprintf with a Deferred argument, resolved innermost first, written as file content', async () => {
  const d = tempDir();
  const cat = catalog([
    ['File', join(d, 'a'), { ensure: 'file', content: deferred('sprintf', ['%s/%s/%s', deferred('join', [['a', 'b'], '-']), deferred('upcase', ['x']), deferred('$facts', ['os', 'family'])]) }],
    ['Notify', 'n', { message: deferred('join', [[1, 2, 3], '+']) }],
  ]);
  const before = JSON.stringify(cat);
  const r = await apply(cat, { deferred: { facts: { os: { family: 'Debian' } } } });
  assert.equal(r.report.transaction_completed, true, messages(r).join('\n'));
  assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'a-b/X/Debian');
  assert.ok(messages(r).includes('1+2+3'), messages(r).join('\n'));
  assert.equal(JSON.stringify(cat), before, 'the catalog given (what is cached) keeps its Deferred values');
});

test('Deferred inside arrays, hashes, Hash pairs and Sensitive; the other rich values converted', async () => {
  const cat = catalog([
    ['Notify', 'x', {
      message: [1, deferred('join', [['a', 'b'], '-']), { k: deferred('downcase', ['ABC']), plain: { __ptype: 'Default' } }],
      pairs: { __ptype: 'Hash', __pvalue: [1, deferred('sprintf', ['%d', 7]), 'b', { __ptype: 'Regexp', __pvalue: 'ab+c' }] },
      secret: sensitive(deferred('join', [['s', 't'], ''])),
      when: { __ptype: 'Timestamp', __pvalue: '2021-01-01T00:00:00.000000000 UTC' },
      span: { __ptype: 'Timespan', __pvalue: '1-00:00:00.0' },
      type: { __ptype: 'Pcore::IntegerType', from: 1, to: 2 },
      version: { __ptype: 'SemVer', __pvalue: '1.2.3' },
      bytes: { __ptype: 'Binary', __pvalue: Buffer.from('hi').toString('base64') },
    }],
  ]);
  const out = await resolveRichData(cat);
  assert.notEqual(out, cat);
  const p = params(out, 'Notify[x]');
  assert.deepEqual(p.message, [1, 'a-b', { k: 'abc', plain: 'default' }]);
  assert.deepEqual(p.pairs, { 1: '7', b: '(?-mix:ab+c)' });
  assert.equal(p.secret, 'st');
  assert.equal(p.when, '2021-01-01T00:00:00.000000000 UTC');
  assert.equal(p.span, '1-00:00:00.0');
  assert.equal(p.type, 'Integer[1, 2]');
  assert.equal(p.version, '1.2.3');
  assert.equal(p.bytes, 'hi');
  assert.deepEqual(out.resources.find((x) => x.title === 'x')?.sensitive_parameters, ['secret']);
  // Only the changed resource is copied; the others are the very same objects.
  assert.equal(out.resources[0], cat.resources[0]);
});

test('a catalog without rich values comes back as it is', async () => {
  const cat = catalog([['Notify', 'x', { message: 'hi', tags: ['a'], h: { a: [1, { b: 2 }] } }]]);
  assert.equal(await resolveRichData(cat), cat);
});

test('types print as Puppet prints them', () => {
  assert.equal(typeString({ __ptype: 'Pcore::StringType' }), 'String');
  assert.equal(typeString({ __ptype: 'Pcore::EnumType', values: ['a', "b'c"] }), "Enum['a', 'b\\'c']");
  assert.equal(typeString({ __ptype: 'Pcore::ArrayType', element_type: { __ptype: 'Pcore::StringType' }, size_type: { __ptype: 'Pcore::IntegerType', from: 1 } }), 'Array[String, 1]');
  assert.equal(typeString({ __ptype: 'Pcore::OptionalType', type: { __ptype: 'Pcore::IntegerType', to: 5 } }), 'Optional[Integer[default, 5]]');
  assert.equal(typeString({ __ptype: 'Pcore::ResourceType', type_name: 'file' }), 'File');
});

test('Binary file content is written byte for byte', async () => {
  const d = tempDir();
  const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x41, 0x0a]);
  const r = await apply(catalog([['File', join(d, 'bin'), { ensure: 'file', content: { __ptype: 'Binary', __pvalue: bytes.toString('base64') } }]]));
  assert.equal(r.report.transaction_completed, true, messages(r).join('\n'));
  assert.deepEqual(readFileSync(join(d, 'bin')), bytes);
  const again = await apply(catalog([['File', join(d, 'bin'), { ensure: 'file', content: { __ptype: 'Binary', __pvalue: bytes.toString('base64') } }]]));
  assert.equal(again.report.resource_statuses[`File[${join(d, 'bin')}]`].changed, false, 'in sync on the second run');
});

test('Sensitive content, direct or from a Deferred, is redacted in events, logs and the diff', async () => {
  const d = tempDir();
  writeFileSync(join(d, 'a'), 'old-a\n');
  writeFileSync(join(d, 'b'), 'old-b\n');
  const cat = catalog([
    ['File', join(d, 'a'), { ensure: 'file', content: sensitive('top-secret-a\n'), show_diff: true }],
    ['File', join(d, 'b'), { ensure: 'file', content: sensitive(deferred('join', [['top', 'secret', 'b'], '-'])), show_diff: true }],
  ]);
  const r = await apply(cat, { settings: { get: (n: string) => (n === 'show_diff' ? 'true' : n === 'digest_algorithm' ? 'sha256' : '') } });
  assert.equal(r.report.transaction_completed, true, messages(r).join('\n'));
  assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'top-secret-a\n');
  assert.equal(readFileSync(join(d, 'b'), 'utf8'), 'top-secret-b');
  const text = JSON.stringify(r.report);
  assert.ok(!text.includes('top-secret') && !text.includes('top-secret-b'), 'no secret in the report');
  for (const f of ['a', 'b']) {
    const ev = r.report.resource_statuses[`File[${join(d, f)}]`].events[0];
    assert.equal(ev.message, 'changed [redacted] to [redacted]');
    assert.equal(ev.redacted, true);
  }
});

test('a Puppet-language function of the modulepath runs; its Sensitive result stays sensitive', async () => {
  const d = tempDir();
  mkdirSync(join(d, 'modules', 'mymod', 'functions'), { recursive: true });
  writeFileSync(join(d, 'modules', 'mymod', 'functions', 'secret.pp'), 'function mymod::secret(String $s) >> Sensitive { Sensitive("<${s}>") }\n');
  const cat = catalog([['File', join(d, 'out'), { ensure: 'file', content: deferred('mymod::secret', ['pw']) }]]);
  const r = await apply(cat, { deferred: { modulepath: [join(d, 'modules')] } });
  assert.equal(r.report.transaction_completed, true, messages(r).join('\n'));
  assert.equal(readFileSync(join(d, 'out'), 'utf8'), '<pw>');
  assert.ok(!JSON.stringify(r.report).includes('<pw>'));
  const out = await resolveRichData(cat, { modulepath: [join(d, 'modules')] });
  assert.deepEqual(out.resources.at(-1)?.sensitive_parameters, ['content']);
});

test('an unknown function fails the run naming the function and the resource; a Ruby one says so', async () => {
  const d = tempDir();
  const target = join(d, 'never');
  const cat = catalog([
    ['Notify', 'a', { message: deferred('nosuchfn', ['x']) }],
    ['File', target, { ensure: 'file', content: 'x' }],
  ]);
  const r = await apply(cat);
  assert.equal(r.report.transaction_completed, false);
  assert.equal(r.report.status, 'failed');
  const err = messages(r, 'err').join('\n');
  assert.match(err, /Failed to apply catalog: Unknown function 'nosuchfn' in a Deferred value of Notify\[a\] \(parameter 'message'\)/);
  assert.match(err, /Ruby/);
  assert.equal(existsSync(target), false, 'nothing applied: resolution comes before the transaction');

  mkdirSync(join(d, 'modules', 'vault', 'lib', 'puppet', 'functions', 'vault'), { recursive: true });
  const rb = join(d, 'modules', 'vault', 'lib', 'puppet', 'functions', 'vault', 'lookup.rb');
  writeFileSync(rb, 'Puppet::Functions.create_function(:"vault::lookup") do\nend\n');
  await assert.rejects(resolveRichData(catalog([['Notify', 'v', { message: deferred('vault::lookup', ['k']) }]]), { modulepath: [join(d, 'modules')] }),
    (e: Error) => e.message.includes(`written in Ruby (${rb})`) && e.message.includes('Notify[v]'));
  // A function's own failure names the resource too.
  await assert.rejects(resolveRichData(catalog([['Notify', 'w', { message: deferred('join', []) }]])), (e: Error) => /Notify\[w\].*Deferred function 'join' failed/.test(e.message));
  await assert.rejects(resolveRichData(catalog([['Notify', 'u', { message: { __ptype: 'Acme::Thing', x: 1 } }]])), /No implementation mapping found for Puppet Type Acme::Thing/);
});

test('the catalog request asks for rich data as a Puppet 7.23 agent does', () => {
  assert.equal(CATALOG_ACCEPT, 'application/vnd.puppet.rich+json, application/json, text/pson');
});

test('kuroko apply -e and --catalog resolve Deferred values', () => {
  const d = tempDir();
  const facts = join(d, 'facts.json');
  writeFileSync(facts, JSON.stringify({ name: 'rich.example', values: { kernel: 'Linux', os: { family: 'Debian' } } }));
  const base = ['--confdir', join(d, 'etc'), '--vardir', join(d, 'var'), '--certname', 'rich.example', '--facts-file', facts];
  const code = `notify { 'n': message => Deferred('join', [['a','b'], '-']) }\n`
    + `file { '${d}/f': content => Deferred('sprintf', ['%s:%s', Deferred('join', [['a','b'], '-']), $facts['kernel']]) }\n`;
  const r = kuroko(['apply', '-e', code, ...base]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^Notice: a-b$/m);
  assert.match(r.stdout, /Notify\[n\]\/message: defined 'message' as 'a-b'/);
  assert.equal(readFileSync(join(d, 'f'), 'utf8'), 'a-b:Linux');
  // The same from a JSON catalog: facts from --facts-file, here a '$facts' dig.
  const cat = catalog([['File', join(d, 'g'), { ensure: 'file', content: deferred('$facts', ['os', 'family']) }]]);
  writeFileSync(join(d, 'c.json'), JSON.stringify(cat));
  const c = kuroko(['apply', '--catalog', join(d, 'c.json'), ...base]);
  assert.equal(c.status, 0, c.stdout + c.stderr);
  assert.equal(readFileSync(join(d, 'g'), 'utf8'), 'Debian');
  const bad = kuroko(['apply', '-e', "notify { 'x': message => Deferred('nosuchfn', []) }", ...base]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /Unknown function 'nosuchfn' in a Deferred value of Notify\[x\]/);
});


test('agent run: the server sends rich data, the agent resolves Deferred with its own facts and caches the catalog unresolved', async () => {
  const h = await startTestServer({
    workerModule: undefined, // the real compile worker
    setup(dir) {
      writeFiles(`${dir}/code/environments/production/manifests`, {
        'site.pp': "file { \"${facts['rich_dir']}/out\": content => Deferred('sprintf', ['%s@%s', Deferred('join', [['a', 'b'], '-']), Deferred('$facts', ['os', 'family'])]) }\n"
          + "notify { 'secret': message => Sensitive(Deferred('upcase', ['psst'])) }\n",
      });
    },
  });
  try {
    const d = tempDir();
    const certname = 'rich-agent.example';
    const cert = h.pki.issue(certname);
    const ssl = join(d, 'ssl');
    mkdirSync(join(ssl, 'certs'), { recursive: true });
    mkdirSync(join(ssl, 'private_keys'), { recursive: true, mode: 0o750 });
    writeFileSync(join(ssl, 'certs', 'ca.pem'), h.pki.caPem);
    writeFileSync(join(ssl, 'crl.pem'), h.pki.crlPem);
    writeFileSync(join(ssl, 'certs', `${certname}.pem`), cert.cert);
    writeFileSync(join(ssl, 'private_keys', `${certname}.pem`), cert.key, { mode: 0o600 });
    writeFileSync(join(d, 'facts.json'), JSON.stringify({ rich_dir: d, os: { family: 'Plan9' } }));
    const r = await kurokoAsync(['agent', '--test', '--confdir', join(d, 'etc'), '--vardir', join(d, 'var'), '--rundir', join(d, 'run'), '--ssldir', ssl,
      '--certname', certname, '--server', '127.0.0.1', '--serverport', String(h.server.port), '--facts-file', join(d, 'facts.json')]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.equal(readFileSync(join(d, 'out'), 'utf8'), 'a-b@Plan9');
    assert.match(r.stdout, /^Notice: Sensitive \[value redacted\]$/m);
    assert.ok(!r.stdout.includes('PSST'), r.stdout);
    const cached = readFileSync(join(d, 'var', 'client_data', 'catalog', `${certname}.json`), 'utf8');
    assert.match(cached, /"__ptype":"Deferred","name":"sprintf"/, 'the cache holds the catalog as received');
  } finally { await h.stop(); }
});

const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');

test('differential: files written from Deferred values match real puppet apply', (t) => {
  const havePuppet = spawnSync('sh', ['-c', 'command -v puppet'], { encoding: 'utf8' }).status === 0;
  if (process.getuid?.() !== 0 || !havePuppet || !existsSync(NETNS) || spawnSync(NETNS, ['true']).status !== 0) {
    t.skip("needs root, Debian's puppet and ../shared/bin/netns-run to run real Puppet");
    return;
  }
  const d = tempDir();
  const facts = { name: 'diff.example', values: { kernel: 'Linux', os: { family: 'Debian', release: { major: '12' } }, networking: { hostname: 'diff' } } };
  mkdirSync(join(d, 'pvar', 'client_data', 'facts'), { recursive: true });
  writeFileSync(join(d, 'pvar', 'client_data', 'facts', 'diff.example.json'), JSON.stringify(facts));
  writeFileSync(join(d, 'facts.json'), JSON.stringify(facts));
  const files = (dir: string) => [
    `file { '${dir}/join': content => Deferred('join', [['a','b'], '-']) }`,
    `file { '${dir}/nested': content => Deferred('sprintf', ["%s|%s|%05.1f\\n", Deferred('join', [[Deferred('upcase', ['x']), 'y'], '+']), $facts['os']['family'], 3.14159]) }`,
    `file { '${dir}/dig': content => Deferred('$facts', ['os', 'release', 'major']) }`,
    `file { '${dir}/sens': content => Sensitive(Deferred('join', [['zq', 'x', 'v'], ''])) }`,
    `file { '${dir}/bin': content => Binary('/wBBCg==') }`,
    `file { '${dir}/fmt': content => Deferred('sprintf', ['%s %s', Deferred('downcase', ['ABC']), Deferred('join', [[1, 2], ','])]) }`,
  ].join('\n') + '\n';
  const names = ['join', 'nested', 'dig', 'sens', 'bin', 'fmt'];
  for (const w of ['p', 'k']) mkdirSync(join(d, w));
  writeFileSync(join(d, 'p.pp'), files(join(d, 'p')));
  writeFileSync(join(d, 'k.pp'), files(join(d, 'k')));
  const p = spawnSync(NETNS, ['puppet', 'apply', join(d, 'p.pp'), '--confdir', join(d, 'petc'), '--vardir', join(d, 'pvar'), '--codedir', join(d, 'pcode'),
    '--ssldir', join(d, 'pssl'), '--logdir', join(d, 'plog'), '--rundir', join(d, 'prun'), '--publicdir', join(d, 'ppub'), '--certname', 'diff.example',
    '--facts_terminus', 'json', '--color', 'false'], { encoding: 'utf8', timeout: 120_000 });
  assert.match(p.stdout, /Applied catalog/, p.stdout + p.stderr);
  const k = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'apply', join(d, 'k.pp'), '--confdir', join(d, 'ketc'), '--vardir', join(d, 'kvar'),
    '--certname', 'diff.example', '--facts-file', join(d, 'facts.json')], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(k.status, 0, k.stdout + k.stderr);
  for (const n of names) {
    assert.deepEqual(readFileSync(join(d, 'k', n)), readFileSync(join(d, 'p', n)), `${n}: kuroko wrote ${JSON.stringify(readFileSync(join(d, 'k', n), 'latin1'))}, puppet ${JSON.stringify(readFileSync(join(d, 'p', n), 'latin1'))}`);
  }
  // Neither shows the Sensitive content.
  assert.equal(readFileSync(join(d, 'k', 'sens'), 'utf8'), 'zqxv');
  assert.ok(!k.stdout.includes('zqxv') && !p.stdout.includes('zqxv'), k.stdout + p.stdout);
});
