// user and group against the real account databases: throwaway names,
// removed afterwards. Needs root (CI is root).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { userType } from '../../src/resources/user.js';
import { groupType } from '../../src/resources/group.js';
import { converge, messages, resource, uniqueName } from './typehelpers.js';

const root = process.getuid?.() === 0;
const why = 'managing users and groups needs root';
const user = uniqueName('kku');
const group = uniqueName('kkg');
const group2 = uniqueName('kkh');

after(() => {
  if (!root) return;
  spawnSync('userdel', ['-r', user], { stdio: 'ignore' });
  for (const g of [user, group, group2]) spawnSync('groupdel', [g], { stdio: 'ignore' });
});

const passwdLine = (name: string) => readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
const groupLine = (name: string) => readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));

test('group: create with a gid, change it, in sync after each', { skip: !root && why }, async () => {
  let res = await converge(groupType, resource('group', group, { ensure: 'present', gid: 47001 }));
  assert.deepEqual(messages(res.changes), ['ensure: created']);
  assert.deepEqual(res.after, []);
  assert.match(groupLine(group)!, new RegExp(`^${group}:x:47001:`));
  res = await converge(groupType, resource('group', group, { gid: 47002 }));
  assert.deepEqual(messages(res.changes), ['gid: gid changed 47001 to 47002']);
  assert.deepEqual(res.after, []);
  await converge(groupType, resource('group', group2, { ensure: 'present' }));
});

test('user: create with attributes and groups, idempotent, then modify', { skip: !root && why }, async () => {
  const r = resource('user', user, {
    ensure: 'present', uid: 47011, gid: group, comment: 'Kuroko test', home: `/home/${user}`, shell: '/bin/sh',
    managehome: true, groups: [group2], password: '!', password_max_age: 90,
  });
  let res = await converge(userType, r);
  assert.deepEqual(messages(res.changes), ['ensure: created']);
  assert.deepEqual(res.after, []);
  assert.equal(passwdLine(user), `${user}:x:47011:47002:Kuroko test:/home/${user}:/bin/sh`);
  assert.ok(existsSync(`/home/${user}`), 'managehome created the home directory');
  assert.ok(groupLine(group2)!.split(':')[3].split(',').includes(user));

  res = await converge(userType, resource('user', user, { uid: 47012, shell: '/bin/bash', comment: 'Changed', password_max_age: 60 }));
  assert.deepEqual(messages(res.changes), [
    'uid: uid changed 47011 to 47012', "comment: comment changed 'Kuroko test' to 'Changed'",
    "shell: shell changed '/bin/sh' to '/bin/bash'", 'password_max_age: password_max_age changed 90 to 60',
  ]);
  assert.deepEqual(res.after, []);
  assert.equal(passwdLine(user), `${user}:x:47012:47002:Changed:/home/${user}:/bin/bash`);

  res = await converge(userType, resource('user', user, { groups: [group2, 'users'] }));
  assert.deepEqual(messages(res.changes), [`groups: groups changed ${group2} to '${[group2, 'users'].sort().join(',')}'`]);
  assert.deepEqual(res.after, []);
  res = await converge(userType, resource('user', user, { groups: ['users'], membership: 'inclusive' }));
  assert.deepEqual(res.after, []);
  assert.ok(!groupLine(group2)!.split(':')[3].split(',').includes(user));

  res = await converge(userType, resource('user', user, { password: '$6$abc$def' }));
  assert.deepEqual(res.changes.map((c) => [c.message, c.redacted]), [['changed password', true]]);
  assert.deepEqual(res.after, []);
});

test('user and group: ensure absent removes them', { skip: !root && why }, async () => {
  let res = await converge(userType, resource('user', user, { ensure: 'absent', managehome: true }));
  assert.deepEqual(messages(res.changes), ['ensure: removed']);
  assert.deepEqual(res.after, []);
  assert.equal(passwdLine(user), undefined);
  assert.ok(!existsSync(`/home/${user}`));
  res = await converge(groupType, resource('group', group, { ensure: 'absent' }));
  assert.deepEqual(messages(res.changes), ['ensure: removed']);
  assert.equal(groupLine(group), undefined);
});

test('invalid values name the attribute', () => {
  assert.throws(() => userType.validate!(resource('user', 'x', { uid: 'abc' })), (e: Error & { field?: string }) => e.field === 'uid');
  assert.throws(() => userType.validate!(resource('user', 'bad:name', {})), /Invalid user name/);
  assert.throws(() => userType.validate!(resource('user', 'x', { expiry: 'tomorrow' })), (e: Error & { field?: string }) => e.field === 'expiry');
  assert.throws(() => groupType.validate!(resource('group', 'x', { gid: 'x1' })), (e: Error & { field?: string }) => e.field === 'gid');
});
