// `kuroko resource` as a real child process: printing live resources the way
// `puppet resource` does (compared with the real one when it is installed),
// and setting one through the transaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { kuroko, tempDir } from '../helpers.js';
import { toManifest, parseAttributes } from '../../src/cli/commands/resource.js';

const NETNS = '/work/shared/bin/netns-run';
const havePuppet = existsSync(NETNS) && spawnSync('sh', ['-c', 'command -v puppet'], { encoding: 'utf8' }).status === 0;

function puppetResource(args: string[]): string {
  const r = spawnSync(NETNS, ['puppet', 'resource', ...args], { encoding: 'utf8', timeout: 60_000 });
  return r.stdout;
}

test('toManifest aligns arrows, puts ensure first and quotes like Puppet', () => {
  const text = toManifest({ type: 'user', title: "o'brien", tags: [], parameters: { uid: 5, shell: '/bin/sh', ensure: 'present', groups: ['a', 'b'] } });
  assert.equal(text, "user { 'o\\'brien':\n  ensure => 'present',\n  groups => ['a', 'b'],\n  shell  => '/bin/sh',\n  uid    => 5,\n}");
  assert.deepEqual(parseAttributes(['a=1', 'b=x=y']), { a: '1', b: 'x=y' });
  assert.throws(() => parseAttributes(['novalue']), /NAME=VALUE/);
});

test('prints one resource, present or absent, exactly as puppet resource does', { skip: !havePuppet && 'Debian puppet (and netns-run) not available' }, () => {
  for (const args of [['user', 'root'], ['user', 'kuroko-no-such-user']]) {
    const ours = kuroko(['resource', ...args]);
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stdout, puppetResource(args), `kuroko resource ${args.join(' ')}`);
  }
});

test('lists users, groups, services and hosts exactly as puppet resource does', { skip: !havePuppet && 'Debian puppet (and netns-run) not available' }, () => {
  // Other tests add and remove throwaway accounts meanwhile: one retry absorbs such a race.
  for (const type of ['user', 'group', 'service', 'host']) {
    let ours = '';
    let theirs = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      theirs = puppetResource([type]);
      const r = kuroko(['resource', type]);
      assert.equal(r.status, 0, r.stderr);
      ours = r.stdout;
      if (ours === theirs) break;
    }
    assert.equal(ours, theirs, `kuroko resource ${type}`);
  }
});

test('lists services with their provider', () => {
  const r = kuroko(['resource', 'service']);
  assert.equal(r.status, 0, r.stderr);
  if (existsSync('/etc/init.d') && !existsSync('/run/systemd/system')) assert.match(r.stdout, /^service \{ '[^']+':\n  ensure   => '(running|stopped)',\n  enable   => '(true|false)',\n  provider => 'debian',\n\}/m);
});

test('sets a host in a target file through the transaction, then reports nothing more to do', () => {
  const target = join(tempDir('kuroko-rescli-'), 'hosts');
  writeFileSync(target, '127.0.0.1\tlocalhost\n');
  let r = kuroko(['resource', 'host', 'web.example', 'ip=192.0.2.7', `target=${target}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Notice: \/Host\[web\.example\]\/ensure: created\n/);
  assert.match(r.stdout, /host \{ 'web\.example':\n  ensure   => 'present',\n  ip       => '192\.0\.2\.7',\n  provider => 'parsed',\n  target   => '.*hosts',\n\}\n$/);
  assert.match(readFileSync(target, 'utf8'), /^# HEADER: .*\n# HEADER: .*\n# HEADER: .*\n127\.0\.0\.1\tlocalhost\n192\.0\.2\.7\tweb\.example\n$/);
  r = kuroko(['resource', 'host', 'web.example', 'ip=192.0.2.7', `target=${target}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /Notice:/);
});

test('--types lists the known types', () => {
  const r = kuroko(['resource', '--types']);
  assert.equal(r.status, 0, r.stderr);
  for (const t of ['concat_file', 'concat_fragment', 'cron', 'file_line', 'group', 'host', 'ini_setting', 'package', 'service', 'ssh_authorized_key', 'user']) {
    assert.ok(r.stdout.split('\n').includes(t), t);
  }
});

test('an unknown type or a bad value is a clear error', () => {
  let r = kuroko(['resource', 'no_such_type']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Unknown resource type 'no_such_type'/);
  r = kuroko(['resource', 'host', 'x', 'ip=not-an-ip']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /Invalid IP address 'not-an-ip'/);
});
