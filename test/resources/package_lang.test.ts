// package with language package managers, real installs in temp prefixes,
// nothing from the network: pip into a fresh virtualenv (command =>) from a
// wheel built here, npm from a tarball of `npm pack` (source =>) under a temp
// global prefix, gem from a gem built here (source =>) into a temp GEM_HOME.
// Each ends absent again. dnf/yum/rpm and systemd cannot be tested on this
// Debian machine without systemd: no test pretends to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { packageType } from '../../src/resources/package.js';
import { converge, messages, resource } from './typehelpers.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;

/** A pure-Python wheel, written by hand (a zip with its dist-info), so that nothing needs fetching. */
function buildWheel(dir: string, name: string, version: string): string {
  const script = `
import base64, hashlib, sys, zipfile
d, name, ver = sys.argv[1:4]
files = {f"{name}/__init__.py": b"VALUE = 42\\n",
         f"{name}-{ver}.dist-info/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {ver}\\n".encode(),
         f"{name}-{ver}.dist-info/WHEEL": b"Wheel-Version: 1.0\\nGenerator: kuroko-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
rec = "".join(f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(b).digest()).rstrip(b'=').decode()},{len(b)}\\n" for p, b in files.items())
rec += f"{name}-{ver}.dist-info/RECORD,,\\n"
path = f"{d}/{name}-{ver}-py3-none-any.whl"
with zipfile.ZipFile(path, "w") as z:
    for p, b in files.items(): z.writestr(p, b)
    z.writestr(f"{name}-{ver}.dist-info/RECORD", rec)
print(path)
`;
  const r = spawnSync('python3', ['-c', script, dir, name, version], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('pip: a wheel from a local directory into a virtualenv (command =>), then removed', async (t) => {
  if (!has('python3')) { t.skip('python3 is not installed'); return; }
  const d = tempDir();
  const venv = join(d, 'venv');
  const mk = spawnSync('python3', ['-m', 'venv', venv], { encoding: 'utf8' });
  if (mk.status !== 0 || !existsSync(join(venv, 'bin', 'pip'))) { t.skip(`python3 -m venv cannot make a virtualenv with pip here: ${mk.stderr.trim().split('\n').pop()}`); return; }
  const wheels = join(d, 'wheels');
  mkdirSync(wheels);
  buildWheel(wheels, 'kurokotestpkg', '1.2.0');
  const params = { provider: 'pip', command: join(venv, 'bin', 'pip'), install_options: ['--no-index', { '--find-links': wheels }] };
  const r = resource('package', 'kurokotestpkg', { ...params, ensure: 'present' });
  const first = await converge(packageType, r);
  assert.deepEqual(messages(first.changes), ['ensure: created']);
  assert.deepEqual(first.after, []);
  const py = spawnSync(join(venv, 'bin', 'python'), ['-c', 'import kurokotestpkg; print(kurokotestpkg.VALUE)'], { encoding: 'utf8' });
  assert.equal(py.stdout.trim(), '42');
  const pinned = await converge(packageType, resource('package', 'kurokotestpkg', { ...params, ensure: '1.2.0' }));
  assert.deepEqual(pinned.changes, [], 'the version asked for is the one installed');
  const gone = await converge(packageType, resource('package', 'kurokotestpkg', { ...params, ensure: 'absent' }));
  assert.deepEqual(messages(gone.changes), ['ensure: removed']);
  assert.deepEqual(gone.after, []);
});

test('npm: a tarball from npm pack (source =>) under a temp global prefix, then removed', async (t) => {
  if (!has('npm')) { t.skip('npm is not installed'); return; }
  const d = tempDir();
  const pkg = join(d, 'src');
  mkdirSync(pkg);
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'kuroko-test-pkg', version: '0.3.1', main: 'index.js' }));
  writeFileSync(join(pkg, 'index.js'), 'module.exports = 42;\n');
  const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', d], { cwd: pkg, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = join(d, packed.stdout.trim().split('\n').pop()!);
  const prefix = join(d, 'prefix');
  const saved = process.env.npm_config_prefix;
  process.env.npm_config_prefix = prefix; // npm -g installs and lists here: the machine's global packages stay untouched
  try {
    const r = resource('package', 'kuroko-test-pkg', { provider: 'npm', ensure: 'present', source: tarball, install_options: ['--offline', '--no-audit', '--no-fund'] });
    const first = await converge(packageType, r);
    assert.deepEqual(messages(first.changes), ['ensure: created']);
    assert.deepEqual(first.after, []);
    assert.ok(existsSync(join(prefix, 'lib', 'node_modules', 'kuroko-test-pkg', 'index.js')));
    const pinned = await converge(packageType, resource('package', 'kuroko-test-pkg', { provider: 'npm', ensure: '0.3.1', source: tarball }));
    assert.deepEqual(pinned.changes, []);
    const gone = await converge(packageType, resource('package', 'kuroko-test-pkg', { provider: 'npm', ensure: 'absent' }));
    assert.deepEqual(messages(gone.changes), ['ensure: removed']);
    assert.equal(existsSync(join(prefix, 'lib', 'node_modules', 'kuroko-test-pkg')), false);
  } finally {
    if (saved === undefined) delete process.env.npm_config_prefix; else process.env.npm_config_prefix = saved;
  }
});

test('gem: a gem built here, installed --local from its file (source =>) into a temp GEM_HOME, then removed', async (t) => {
  if (!has('gem')) { t.skip('gem is not installed'); return; }
  const d = tempDir();
  const src = join(d, 'src');
  mkdirSync(join(src, 'lib'), { recursive: true });
  writeFileSync(join(src, 'lib', 'kuroko_test_gem.rb'), 'module KurokoTestGem; VALUE = 42; end\n');
  writeFileSync(join(src, 'kuroko_test_gem.gemspec'), `Gem::Specification.new do |s|
  s.name = 'kuroko_test_gem'; s.version = '0.2.0'; s.summary = 'Kuroko test gem'; s.authors = ['Kuroko']; s.files = ['lib/kuroko_test_gem.rb']; s.license = 'Apache-2.0'
end
`);
  const built = spawnSync('gem', ['build', 'kuroko_test_gem.gemspec'], { cwd: src, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const gemFile = join(src, 'kuroko_test_gem-0.2.0.gem');
  const home = join(d, 'gems');
  const saved = { home: process.env.GEM_HOME, path: process.env.GEM_PATH };
  process.env.GEM_HOME = home; // installs and lists here only
  process.env.GEM_PATH = home;
  try {
    const first = await converge(packageType, resource('package', 'kuroko_test_gem', { provider: 'gem', ensure: 'present', source: gemFile }));
    assert.deepEqual(messages(first.changes), ['ensure: created']);
    assert.deepEqual(first.after, []);
    assert.ok(existsSync(join(home, 'gems', 'kuroko_test_gem-0.2.0', 'lib', 'kuroko_test_gem.rb')));
    const gone = await converge(packageType, resource('package', 'kuroko_test_gem', { provider: 'gem', ensure: 'absent' }));
    assert.deepEqual(messages(gone.changes), ['ensure: removed']);
    assert.equal(existsSync(join(home, 'gems', 'kuroko_test_gem-0.2.0')), false);
  } finally {
    for (const [k, v] of [['GEM_HOME', saved.home], ['GEM_PATH', saved.path]] as const) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
});

test('dnf, yum and rpm: not testable on this Debian machine', (t) => {
  if (existsSync('/etc/redhat-release')) { t.skip('an RPM system: covered by the rpm family tests there, not here'); return; }
  t.skip('no RPM database or dnf/yum here (Debian); the rpm family providers are suitable only where rpm exists');
});
