// ini_setting against real files: inifile's placement rules and messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { iniSettingType } from '../../src/resources/ini_setting.js';
import { context, converge, messages, resource } from './typehelpers.js';

const dir = tempDir('kuroko-ini-');
let n = 0;
const file = (content?: string) => { const p = join(dir, `f${++n}.ini`); if (content !== undefined) writeFileSync(p, content); return p; };
const ini = (p: string, params: Record<string, string | number | boolean>) => resource('ini_setting', `s${n}`, { path: p, ...params });

test('creates the file, the section and the setting; then in sync', async () => {
  const p = file();
  const { changes, after } = await converge(iniSettingType, ini(p, { section: 'main', setting: 'server', value: 'puppet.example' }));
  assert.deepEqual(messages(changes), ['ensure: created']);
  assert.deepEqual(after, []);
  assert.equal(readFileSync(p, 'utf8'), '[main]\nserver = puppet.example\n');
});

test('changes a value in place, keeping its spacing, and redacts it unless show_diff', async () => {
  const p = file('[main]\n  server=old   \n# x\n\n[agent]\nfoo = 1\n');
  const r = ini(p, { section: 'main', setting: 'server', value: 'new' });
  const { changes } = await converge(iniSettingType, r);
  assert.deepEqual(messages(changes), ['value: value changed [redacted sensitive information] to [redacted sensitive information]']);
  assert.equal(readFileSync(p, 'utf8'), '[main]\n  server=new\n# x\n\n[agent]\nfoo = 1\n');
  const shown = await iniSettingType.providers[0].check(ini(p, { section: 'main', setting: 'server', value: 'newer' }), context({ settings: { show_diff: 'true' } }));
  assert.deepEqual(messages(shown), ['value: value changed new to newer']);
});

test('a new setting goes after the last line of its section, before blank lines', async () => {
  const p = file('[a]\nx = 1\n\n[b]\ny = 2\n');
  await converge(iniSettingType, ini(p, { section: 'a', setting: 'z', value: '3' }));
  assert.equal(readFileSync(p, 'utf8'), '[a]\nx = 1\nz = 3\n\n[b]\ny = 2\n');
});

test('a new setting follows its commented-out form', async () => {
  const p = file('[a]\n# z = 0\nx = 1\n');
  await converge(iniSettingType, ini(p, { section: 'a', setting: 'z', value: '3' }));
  assert.equal(readFileSync(p, 'utf8'), '[a]\n# z = 0\nz = 3\nx = 1\n');
});

test('a new section is appended after a blank line; global settings go first', async () => {
  const p = file('[a]\nx = 1\n');
  await converge(iniSettingType, ini(p, { section: 'b', setting: 'y', value: '2' }));
  assert.equal(readFileSync(p, 'utf8'), '[a]\nx = 1\n\n[b]\ny = 2\n');
  await converge(iniSettingType, ini(p, { section: '', setting: 'top', value: 'yes' }));
  assert.equal(readFileSync(p, 'utf8'), 'top = yes\n\n[a]\nx = 1\n\n[b]\ny = 2\n');
});

test('key_val_separator and absent; an emptied section goes away', async () => {
  const p = file('[a]\nx=1\n\n[b]\ny=2\n');
  await converge(iniSettingType, ini(p, { section: 'a', setting: 'w', value: '0', key_val_separator: '=' }));
  assert.equal(readFileSync(p, 'utf8'), '[a]\nx=1\nw=0\n\n[b]\ny=2\n');
  const { changes, after } = await converge(iniSettingType, ini(p, { section: 'b', setting: 'y', ensure: 'absent' }));
  assert.deepEqual(messages(changes), ['ensure: removed']);
  assert.deepEqual(after, []);
  assert.equal(readFileSync(p, 'utf8'), '[a]\nx=1\nw=0\n\n');
});

test('without a setting, only the section is made to exist; indentation follows the section', async () => {
  const p = file('[a]\n    x = 1\n      y = 2\n');
  const { changes, after } = await converge(iniSettingType, ini(p, { section: 'new' }));
  assert.deepEqual(messages(changes), ['ensure: created']);
  assert.deepEqual(after, []);
  await converge(iniSettingType, ini(p, { section: 'a', setting: 'z', value: '3' }));
  assert.equal(readFileSync(p, 'utf8'), '[a]\n    x = 1\n      y = 2\n    z = 3\n\n[new]\n');
});

test('bad input names the attribute', () => {
  assert.throws(() => iniSettingType.validate!(resource('ini_setting', 'x', { path: 'rel', setting: 'a' })), (e: Error & { field?: string }) => e.field === 'path');
  assert.throws(() => iniSettingType.validate!(resource('ini_setting', 'x', { path: '/tmp/a.ini', setting: 'a', value: 'x\ny' })), /newline/);
});

test('refreshonly: a different value waits for a refresh', async () => {
  const p = file('[a]\nx = 1\n');
  const r = ini(p, { section: 'a', setting: 'x', value: '2', refreshonly: true });
  const { changes } = await converge(iniSettingType, r);
  assert.deepEqual(changes, []);
  assert.equal(readFileSync(p, 'utf8'), '[a]\nx = 1\n');
  await iniSettingType.providers[0].refresh!(r, context());
  assert.equal(readFileSync(p, 'utf8'), '[a]\nx = 2\n');
});
