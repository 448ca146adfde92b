// The compile API and `kuroko catalog compile`: catalog shape and order,
// environments, errors with file/line/column/node, recursion limits, strict
// variables, and the parsed-file cache's invalidation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, kuroko } from '../helpers.js';
import { compile, compileSync, EnvironmentCache } from '../../src/compiler/index.js';
import { KurokoError } from '../../src/util/diagnostic.js';
import type { CompileRequest } from '../../src/compiler/api.js';

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function req(manifest: string, extra: Partial<CompileRequest> = {}): CompileRequest {
  return { certname: 'node1.test.com', facts: { osfamily: 'Debian', os: { family: 'Debian' } }, environment: 'production', manifest, modulepath: [], strictVariables: false, ...extra };
}

function compileError(r: CompileRequest): KurokoError {
  try {
    compileSync(r);
  } catch (e) {
    assert.ok(e instanceof KurokoError, `expected a KurokoError, got ${e}`);
    return e;
  }
  assert.fail('the compile should have failed');
}

test('catalog shape: fixed resources first, containment edges, classes, kinds', async () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "class web($port = 80) { file { '/etc/web': ensure => file } }\nnode default { include web }\n");
  const { catalog } = await compile(req(site));
  assert.deepEqual(catalog.resources.slice(0, 4).map((r) => `${r.type}[${r.title}]`), ['Stage[main]', 'Class[Settings]', 'Class[main]', 'Node[default]']);
  assert.equal(catalog.catalog_format, 2);
  assert.equal(catalog.name, 'node1.test.com');
  assert.deepEqual(catalog.classes, ['settings', 'default', 'web']);
  const cls = catalog.resources.find((r) => r.title === 'Web')!;
  assert.equal(cls.kind, 'unknown');
  assert.deepEqual(cls.parameters, { port: 80 });
  assert.deepEqual(cls.tags, ['class', 'web', 'node', 'default']);
  const file = catalog.resources.find((r) => r.type === 'File')!;
  assert.equal(file.line, 1);
  assert.equal(file.file, site);
  assert.ok(catalog.edges.some((e) => e.source === 'Class[Web]' && e.target === 'File[/etc/web]'));
  assert.ok(catalog.edges.some((e) => e.source === 'Stage[main]' && e.target === 'Class[Web]'));
  assert.equal(catalog.resources.find((r) => r.title === 'Settings')!.parameters, undefined);
});

test('environments: environmentpath, environment.conf (manifest dir, $basemodulepath, config_version)', () => {
  const d = tempDir();
  const env = join(d, 'code', 'environments', 'staging');
  write(join(env, 'environment.conf'), 'manifest = site\nmodulepath = mods:$basemodulepath\nconfig_version = /bin/echo v42\n');
  write(join(env, 'site', 'b.pp'), "notify { 'second file': }\n");
  write(join(env, 'site', 'a.pp'), "include localmod\ninclude basemod\n");
  write(join(env, 'mods', 'localmod', 'manifests', 'init.pp'), "class localmod { notify { 'local': } }\n");
  write(join(d, 'base', 'basemod', 'manifests', 'init.pp'), "class basemod { notify { 'base': } }\n");
  const r = compileSync({ certname: 'n1', facts: {}, environment: 'staging', codedir: join(d, 'code'), basemodulepath: [join(d, 'base')] });
  assert.equal(r.catalog.version, 'v42');
  assert.equal(r.catalog.environment, 'staging');
  assert.deepEqual(r.catalog.resources.filter((x) => x.type === 'Notify').map((x) => x.title), ['local', 'base', 'second file']);
});

test('a missing class fails with Puppet\'s message, file, line, column and node', () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "\n  include nginx::nginx_web\n");
  const e = compileError(req(site));
  assert.match(e.message, /Could not find class ::nginx::nginx_web for node1\.test\.com/);
  assert.equal(e.location?.file, site);
  assert.equal(e.location?.line, 2);
  assert.equal(e.location?.column, 3);
  assert.equal(e.node, 'node1.test.com');
});

test('type mismatches use Puppet\'s wording', () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "class foo(Integer $x) {}\nclass { 'foo': x => 'a' }\n");
  assert.match(compileError(req(site)).message, /Class\[Foo\]: parameter 'x' expects an Integer value, got String/);
});

test('unbounded recursion ends in an error naming the chain', () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "define loop() { loop { \"${title}x\": } }\nloop { 'a': }\n");
  const e = compileError(req(site));
  assert.match(e.message, /Maximum evaluation depth|too deeply nested/);
  const f = write(join(d, 'fn.pp'), "function forever($n) { forever($n + 1) }\n$x = forever(1)\n");
  const e2 = compileError(req(f));
  assert.match(e2.message, /Maximum evaluation depth \(\d+\) exceeded; recursion through: forever\(\)/);
});

test('strict_variables makes an unknown variable an error; otherwise a warning', () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "notify { \"x${nosuch}\": }\n");
  assert.match(compileError(req(site, { strictVariables: true })).message, /Unknown variable: 'nosuch'/);
  const r = compileSync(req(site));
  assert.ok(r.logs.some((l) => l.level === 'warning' && /Unknown variable: 'nosuch'/.test(l.message)));
});

test('template() renders ERB with the calling scope; a missing template fails clearly', () => {
  const d = tempDir();
  write(join(d, 'mods', 'm', 'templates', 'x.erb'), "v=<%= @v %> <% @l.each do |i| %>[<%= i %>]<% end %>\n");
  const site = write(join(d, 'site.pp'), "class c($v = 'x', $l = [1, 2]) { notify { 'n': message => template('m/x.erb') } }\ninclude c\n");
  const r = compileSync(req(site, { modulepath: [join(d, 'mods')] }));
  assert.equal(r.catalog.resources.find((x) => x.title === 'n')?.parameters?.message, 'v=x [1][2]\n');
  const bad = write(join(d, 'bad.pp'), "$x = template('m/nope.erb')\n");
  assert.match(compileError(req(bad, { modulepath: [join(d, 'mods')] })).message, /Could not find template 'm\/nope.erb'/);
});

test('syntax errors name the file and position', () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "notify { 'a': \n");
  const e = compileError(req(site));
  assert.match(e.message, /Could not parse for environment production/);
  assert.equal(e.location?.file, site);
});

test('EnvironmentCache reuses parsed files and re-reads changed ones', () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "notify { 'one': }\n");
  const cache = new EnvironmentCache();
  compileSync(req(site), cache);
  compileSync(req(site), cache);
  assert.equal(cache.parses, 1);
  writeFileSync(site, "notify { 'two': }\nnotify { 'three': }\n");
  const t = new Date(Date.now() + 5000);
  utimesSync(site, t, t);
  const r = compileSync(req(site), cache);
  assert.equal(cache.parses, 2);
  assert.deepEqual(r.catalog.resources.filter((x) => x.type === 'Notify').map((x) => x.title), ['two', 'three']);
});

test('kuroko catalog compile prints the catalog; facts as {name, values}; errors exit 1', () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "notify { \"os ${facts['os']['family']} ${::kernel}\": }\n");
  const facts = write(join(d, 'facts.json'), JSON.stringify({ name: 'web1', values: { os: { family: 'Debian' }, kernel: 'Linux' } }));
  const r = kuroko(['catalog', 'compile', 'web1', '--facts', facts, '--manifest', site, '--modulepath', join(d, 'none'), '--codedir', join(d, 'code'), '--confdir', join(d, 'conf')]);
  assert.equal(r.status, 0, r.stderr);
  const cat = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  assert.equal(cat.name, 'web1');
  assert.ok(cat.resources.some((x: { title: string }) => x.title === 'os Debian Linux'));
  const bad = write(join(d, 'bad.pp'), "include nope\n");
  const r2 = kuroko(['catalog', 'compile', 'web1', '--manifest', bad, '--codedir', join(d, 'code'), '--confdir', join(d, 'conf')]);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /Could not find class ::nope for web1 \(file: .*bad\.pp, line: 1, column: 1\) on node web1/);
  const r3 = kuroko(['catalog', 'compile', 'web1', '--facts', join(d, 'missing.json'), '--manifest', site, '--codedir', join(d, 'code'), '--confdir', join(d, 'conf')]);
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, /Could not read facts file/);
});

test('exported resources from other nodes are collected by <<| |>>', () => {
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "Host <<| tag == 'web' |>>\nNotify <<| |>> { message => 'collected' }\n");
  const r = compileSync(req(site, {
    exportedResources: [
      { type: 'Host', title: 'web1', tags: ['host', 'web1', 'web'], exported: true, parameters: { ip: '10.0.0.1' } },
      { type: 'Host', title: 'db1', tags: ['host', 'db1'], exported: true, parameters: { ip: '10.0.0.2' } },
      { type: 'Notify', title: 'hello', tags: ['notify'], exported: true },
    ],
  }));
  const titles = r.catalog.resources.map((x) => `${x.type}[${x.title}]`);
  assert.ok(titles.includes('Host[web1]') && !titles.includes('Host[db1]'));
  assert.deepEqual(r.catalog.resources.find((x) => x.title === 'hello')?.parameters, { message: 'collected' });
});

test('registerFunction adds a function for later compiles', async () => {
  const { registerFunction } = await import('../../src/compiler/index.js');
  registerFunction('kuroko_test_twice', (_c, [v]) => `${String(v)}${String(v)}`);
  const d = tempDir();
  const site = write(join(d, 'site.pp'), "notify { kuroko_test_twice('ab'): }\n");
  const r = compileSync(req(site));
  assert.ok(r.catalog.resources.some((x) => x.title === 'abab'));
});

test('registerResourceType teaches title patterns and attributes of Ruby types', async () => {
  const { registerResourceType } = await import('../../src/compiler/index.js');
  const d = tempDir();
  write(join(d, 'mods', 'ks', 'lib', 'puppet', 'type', 'ks_role.rb'), 'Puppet::Type.newtype(:ks_role) do\n  newparam(:name, namevar: true)\n  newparam(:user)\n  newparam(:project)\n  newproperty(:roles)\nend\n');
  registerResourceType('ks_role', {
    titleParams: (t) => { const m = /^(.+)@(.+)$/.exec(t); return m ? { user: m[1], project: m[2] } : undefined; },
    attributes: new Set(['user', 'project', 'roles', 'ensure']),
  });
  const site = write(join(d, 'site.pp'), "ks_role { 'nova@services': roles => ['admin'] }\n");
  const r = compileSync(req(site, { modulepath: [join(d, 'mods')] }));
  assert.deepEqual(r.catalog.resources.find((x) => x.type === 'Ks_role')?.parameters, { user: 'nova', project: 'services', roles: ['admin'] });
  const bad = write(join(d, 'bad.pp'), "ks_role { 'a@b': colour => 'red' }\n");
  assert.match(compileError(req(bad, { modulepath: [join(d, 'mods')] })).message, /no parameter named 'colour'/);
});

test('a pattern JavaScript cannot compile is an evaluation error at the call, not an internal error', () => {
  const d = tempDir();
  const site = join(d, 'site.pp');
  writeFileSync(site, "$p = '('\nnotice(regsubst('a', $p, 'b'))\n");
  const e = compileError(req(site));
  assert.match(e.message, /^Evaluation Error: Error while evaluating a Function Call, invalid regular expression \/\(\/: /);
  assert.doesNotMatch(e.message, /Internal compiler error/);
  assert.equal(e.location?.line, 2);
  assert.equal(e.location?.column, 8);
});
