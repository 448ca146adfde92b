// package with apt/dpkg on the real system: a tiny package (sl) installed
// from Debian's archive and removed again. Skips, saying why, without root,
// apt or a reachable archive.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { packageType, aptTool } from '../../src/resources/package.js';
import { pipTool } from '../../src/resources/providers/package_other.js';
import { context, converge, messages, resource } from './typehelpers.js';

const PKG = 'sl';
const root = process.getuid?.() === 0;
const apt = aptTool.suitable();
const dpkgStatus = () => spawnSync('dpkg-query', ['-W', '--showformat', '${Status}', PKG], { encoding: 'utf8' }).stdout;
const installedBefore = apt && dpkgStatus().endsWith(' installed');

after(() => {
  if (root && apt && !installedBefore) spawnSync('apt-mark', ['unhold', PKG], { stdio: 'ignore' });
  if (root && apt && !installedBefore) spawnSync('apt-get', ['-y', '-q', 'purge', PKG], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
});

test('a package dpkg does not know reads as purged; noop reports creation', { skip: (!apt || installedBefore) && `needs apt and ${PKG} not installed` }, async () => {
  const p = packageType.providers.find((x) => x.name === 'apt')!;
  assert.deepEqual(await p.check(resource('package', PKG, { ensure: 'absent' }), context()), []);
  assert.deepEqual(await p.check(resource('package', PKG, { ensure: 'purged' }), context()), []);
  const c = await p.check(resource('package', PKG, { ensure: 'installed' }), context({ noop: true }));
  assert.deepEqual(c.map((x) => [x.previous, x.message]), [['purged', 'created']]);
  assert.equal(await aptTool.query('kuroko-surely-no-such-package', resource('package', 'x', {})), 'purged');
});

test('installs, pins and removes a real package through apt', { skip: (!root || !apt || installedBefore) && `needs root, apt and ${PKG} not installed` }, async (t) => {
  const candidate = await aptTool.latest!(PKG, resource('package', PKG, {}));
  if (!candidate) { t.skip(`apt has no candidate for ${PKG} (package lists not downloaded)`); return; }
  let res;
  try {
    res = await converge(packageType, resource('package', PKG, { ensure: 'installed' }));
  } catch (e) {
    const msg = (e as Error).message;
    if (/Could not resolve|Failed to fetch|Temporary failure|Unable to fetch|Network is unreachable/.test(msg)) { t.skip(`Debian's archive is unreachable: ${msg.split('\n')[0]}`); return; }
    throw e;
  }
  assert.deepEqual(messages(res.changes), ['ensure: created']);
  assert.equal(res.changes[0].name, 'package_installed');
  assert.deepEqual(res.after, []);
  assert.equal(dpkgStatus(), 'install ok installed');

  // A version pin to what is installed, and latest, are both in sync.
  res = await converge(packageType, resource('package', PKG, { ensure: candidate }));
  assert.deepEqual(res.changes, []);
  res = await converge(packageType, resource('package', PKG, { ensure: 'latest' }));
  assert.deepEqual(res.changes, []);

  // Holding, through ensure => held and through mark.
  res = await converge(packageType, resource('package', PKG, { ensure: 'held' }));
  assert.deepEqual(messages(res.changes), [`ensure: ensure changed '${candidate}' to 'held'`]);
  assert.deepEqual(res.after, []);
  assert.match(dpkgStatus(), /^hold ok installed$/);
  res = await converge(packageType, resource('package', PKG, { ensure: 'installed', mark: 'none' }));
  assert.deepEqual(messages(res.changes), ["mark: mark changed 'hold' to 'none'"]);
  assert.deepEqual(res.after, []);
  assert.equal(dpkgStatus(), 'install ok installed');
  await converge(packageType, resource('package', PKG, { ensure: 'installed', mark: 'hold' }));

  // A held package is still removed when asked.
  res = await converge(packageType, resource('package', PKG, { ensure: 'absent' }));
  assert.deepEqual(messages(res.changes), ['ensure: removed']);
  assert.deepEqual(res.after, []);
  res = await converge(packageType, resource('package', PKG, { ensure: 'purged' }));
  assert.deepEqual(res.after, []);
  assert.notEqual(dpkgStatus(), 'install ok installed');
});

test('the dpkg provider installs from a .deb source and purges', { skip: (!root || !apt || installedBefore) && `needs root, apt and ${PKG} not installed` }, async (t) => {
  const dir = tempDir('kuroko-deb-');
  const dl = spawnSync('apt-get', ['-q', 'download', PKG], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
  if (dl.status !== 0 || !deb) { t.skip(`could not download ${PKG}: ${(dl.stderr || '').trim().split('\n').pop()}`); return; }
  const source = join(dir, deb);
  let res = await converge(packageType, resource('package', PKG, { provider: 'dpkg', source, ensure: 'installed' }));
  assert.deepEqual(messages(res.changes), ['ensure: created']);
  assert.deepEqual(res.after, []);
  assert.equal(dpkgStatus(), 'install ok installed');
  res = await converge(packageType, resource('package', PKG, { provider: 'dpkg', ensure: 'purged' }));
  assert.deepEqual(messages(res.changes), ['ensure: purged']);
  assert.equal(res.changes[0].name, 'package_purged');
  assert.deepEqual(res.after, []);
  await assert.rejects(converge(packageType, resource('package', PKG, { provider: 'dpkg', ensure: 'installed' })), /needs a source/);
});

test('a version apt cannot find fails the resource with apt\'s message', { skip: (!root || !apt) && 'needs root and apt' }, async () => {
  await assert.rejects(converge(packageType, resource('package', PKG, { ensure: '0.0-kuroko-nonexistent' })), /apt-get.*returned 100/s);
});

test('pip lists installed distributions', { skip: !pipTool.suitable() && 'pip is not installed' }, async () => {
  const list = await pipTool.list!();
  assert.ok(list.length > 0 && list.every((p) => typeof p.name === 'string' && p.ensure.length > 0));
  assert.equal(await pipTool.query('kuroko-surely-no-such-dist', resource('package', 'x', {})), 'absent');
});

test('npm and gem list what is installed globally', async (t) => {
  const { npmTool, gemTool } = await import('../../src/resources/providers/package_other.js');
  let ran = 0;
  for (const tool of [npmTool, gemTool]) {
    if (!tool.suitable()) continue;
    ran++;
    const list = await tool.list!();
    assert.ok(Array.isArray(list) && list.every((p) => p.name && p.ensure), tool.name);
    assert.equal(await tool.query('kuroko-surely-no-such-package', resource('package', 'x', {})), 'absent');
  }
  if (!ran) t.skip('neither npm nor gem is installed');
});
