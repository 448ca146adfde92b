// The same resources applied by Debian's real Puppet (stdlib's file_line,
// inifile's ini_setting, host, ssh_authorized_key) and by Kuroko, each on its own copy of the
// same starting files: the resulting files must be byte-identical
// (but for the time in generated headers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import type { Data } from '../../src/compiler/wire.js';
import type { ResourceType } from '../../src/resources/type.js';
import { fileLineType } from '../../src/resources/file_line.js';
import { iniSettingType } from '../../src/resources/ini_setting.js';
import { hostType } from '../../src/resources/host.js';
import { sshAuthorizedKeyType } from '../../src/resources/ssh_authorized_key.js';
import { context, converge, resource } from './typehelpers.js';
import { concatFileType } from '../../src/resources/concat.js';

const NETNS = '/work/shared/bin/netns-run';
const MODULES = '/usr/share/puppet/modules';
const usable = existsSync(NETNS) && existsSync(join(MODULES, 'stdlib')) && existsSync(join(MODULES, 'inifile'))
  && spawnSync('sh', ['-c', 'command -v puppet'], { encoding: 'utf8' }).status === 0;

interface Case { type: string; start?: string; params: Record<string, Data>; pathParam?: string; title?: string }

const CASES: Case[] = [
  { type: 'file_line', start: 'a\nb', params: { line: 'c' } },
  { type: 'file_line', start: '# x\nPort 22\nY\n', params: { line: 'Port 2222', match: '^Port ' } },
  { type: 'file_line', start: '[main]\nfoo\n', params: { line: 'bar', match: '^bar', after: '^\\[main\\]' } },
  { type: 'file_line', start: 'a=1\na=2\nb\n', params: { line: 'a=2', match: '^a=', multiple: true, replace_all_matches_not_matching_line: true } },
  { type: 'file_line', start: 'x=1\ny=2\n', params: { ensure: 'absent', match: '^x=', match_for_absence: true } },
  { type: 'file_line', start: 'Port 22\n', params: { line: 'Port 2', match: '^Port', replace: false } },
  { type: 'file_line', start: 'k\nv\nk\n', params: { line: 'new', after: '^k$', multiple: true } },
  { type: 'ini_setting', start: '[a]\nx = 1\n\n[b]\ny = 2\n', params: { section: 'a', setting: 'z', value: '3' } },
  { type: 'ini_setting', start: '[a]\n# z = 0\nx = 1\n', params: { section: 'a', setting: 'z', value: '3' } },
  { type: 'ini_setting', start: '[a]\nx = 1\n', params: { section: 'b', setting: 'y', value: '2' } },
  { type: 'ini_setting', start: '[a]\nx = 1\n', params: { section: '', setting: 'top', value: 'yes' } },
  { type: 'ini_setting', start: '[a]\nx=1\n\n[b]\ny=2\n', params: { section: 'b', setting: 'y', ensure: 'absent' } },
  { type: 'ini_setting', start: '[a]\nx=1\n', params: { section: 'a', setting: 'w', value: '0', key_val_separator: '=' } },
  { type: 'ini_setting', start: '[main]\n  server=old   \n', params: { section: 'main', setting: 'server', value: 'new' } },
  { type: 'ini_setting', start: '[a]\n    x = 1\n      y = 2\n', params: { section: 'a', setting: 'z', value: '3' } },
  { type: 'ini_setting', params: { section: 'main', setting: 'k', value: 'v' } },
  { type: 'host', start: '127.0.0.1\tlocalhost\n', params: { ip: '10.0.0.5', host_aliases: ['db', 'database'], comment: 'primary' }, pathParam: 'target' },
  { type: 'host', start: '# keep\n10.0.0.9\told.example old\n10.0.0.1\tx.example\n', params: { ensure: 'absent' }, pathParam: 'target', title: 'old.example' },
  { type: 'ssh_authorized_key', start: 'ssh-rsa AAAAB3NzaC1yc2EXISTING other@host\n', params: { user: 'root', type: 'ssh-ed25519', key: 'AAAAC3NzaC1lZDI1NTE5AAAA', options: ['no-pty', 'from="10.0.0.1"'] }, pathParam: 'target' },
  { type: 'ssh_authorized_key', start: 'ssh-rsa AAAAB3NzaC1yc2EOLD dev@box\n', params: { user: 'root', type: 'ssh-rsa', key: 'AAAAB3NzaC1yc2ENEW' }, pathParam: 'target', title: 'dev@box' },
];

const CONCATS: Array<{ file: Record<string, Data>; fragments: Array<Record<string, Data>> }> = [
  { file: { ensure_newline: true }, fragments: [{ content: 'ten', order: '10' }, { content: 'two\n', order: '2' }, { content: 'a', order: '10' }] },
  { file: { order: 'alpha' }, fragments: [{ content: 'ten\n', order: '10' }, { content: 'two\n', order: '2' }, { content: 'one\n', order: '01' }] },
  { file: { format: 'json-pretty' }, fragments: [{ content: '{"a": {"x": 1}, "l": [1, 2]}' }, { content: '{"a": {"y": "s"}, "l": [2, 3], "e": {}}', order: '11' }] },
  { file: { format: 'json' }, fragments: [{ content: '{"b": 1}' }, { content: '{"a": [true, null]}' }] },
  { file: { format: 'json-array' }, fragments: [{ content: '{"b": 1}' }, { content: '[1]' }] },
  { file: { format: 'yaml' }, fragments: [{ content: 'a: 1\nlist:\n  - x\n  - "y z"\n' }, { content: 'b:\n  c: true\n  d: "012"\n  e: hello world\n' }] },
];

const TYPES: Record<string, ResourceType> = { file_line: fileLineType, ini_setting: iniSettingType, host: hostType, ssh_authorized_key: sshAuthorizedKeyType };

function puppetValue(v: Data): string {
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(puppetValue).join(', ')}]`;
  return `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

test('file_line, ini_setting, host, ssh_authorized_key and concat_file leave files exactly as real Puppet does', { skip: !usable && 'Debian puppet, its modules or netns-run not available' }, async () => {
  const dir = tempDir('kuroko-diff-');
  mkdirSync(join(dir, 'puppet'));
  mkdirSync(join(dir, 'kuroko'));
  const manifest: string[] = [];
  CASES.forEach((c, i) => {
    const file = `f${i}`;
    for (const side of ['puppet', 'kuroko']) if (c.start !== undefined) writeFileSync(join(dir, side, file), c.start);
    const title = c.title ?? (c.type === 'host' ? `h${i}.example` : `case${i}`);
    const attrs = { ...c.params, [c.pathParam ?? 'path']: join(dir, 'puppet', file) };
    manifest.push(`${c.type} { '${title}':\n${Object.entries(attrs).map(([k, v]) => `  ${k} => ${puppetValue(v)},`).join('\n')}\n}`);
  });
  // concat_file with its fragments, natively in both (the concat define itself is the compiler's business).
  CONCATS.forEach((c, i) => {
    const attrs = (side: string) => ({ ...c.file, path: join(dir, side, `c${i}`) });
    manifest.push(`concat_file { 'cf${i}':\n${Object.entries(attrs('puppet')).map(([k, v]) => `  ${k} => ${puppetValue(v)},`).join('\n')}\n}`);
    c.fragments.forEach((f, j) => manifest.push(`concat_fragment { 'cf${i}-${j}':\n  target => 'cf${i}',\n${Object.entries(f).map(([k, v]) => `  ${k} => ${puppetValue(v)},`).join('\n')}\n}`));
  });
  writeFileSync(join(dir, 'site.pp'), manifest.join('\n'));
  // Private dirs and injected facts: no Facter run, nothing written outside the temp dir.
  const pd = (n: string) => join(dir, 'pp', n);
  mkdirSync(pd('var/client_data/facts'), { recursive: true });
  writeFileSync(pd('var/client_data/facts/kdiff.json'), JSON.stringify({ name: 'kdiff', values: { osfamily: 'Debian', kernel: 'Linux' }, timestamp: '2026-01-01T00:00:00Z', expiration: '2099-01-01T00:00:00Z' }));
  const dirs = ['confdir', 'vardir', 'codedir', 'ssldir', 'logdir', 'rundir', 'publicdir'].flatMap((d) => [`--${d}`, pd(d === 'vardir' ? 'var' : d)]);
  const p = spawnSync(NETNS, ['puppet', 'apply', '--certname', 'kdiff', '--facts_terminus', 'json', '--modulepath', MODULES, ...dirs, join(dir, 'site.pp')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(p.status, 0, p.stderr);
  for (const [i, c] of CASES.entries()) {
    const title = c.title ?? (c.type === 'host' ? `h${i}.example` : `case${i}`);
    const r = resource(c.type, title, { ...c.params, [c.pathParam ?? 'path']: join(dir, 'kuroko', `f${i}`) });
    const { after } = await converge(TYPES[c.type], r);
    assert.deepEqual(after, [], `case ${i} in sync after one run`);
    // Generated headers carry the time of writing: compare them without it.
    const untimed = (f: string) => readFileSync(f, 'utf8').replace(/^(# HEADER: This file was autogenerated at ).*$/m, '$1TIME');
    const theirs = untimed(join(dir, 'puppet', `f${i}`));
    const ours = untimed(join(dir, 'kuroko', `f${i}`));
    assert.equal(ours, theirs, `case ${i} (${c.type} ${JSON.stringify(c.params)})`);
  }
  for (const [i, c] of CONCATS.entries()) {
    const file = resource('concat_file', `cf${i}`, { ...c.file, path: join(dir, 'kuroko', `c${i}`) });
    const all = [file, ...c.fragments.map((f, j) => resource('concat_fragment', `cf${i}-${j}`, { target: `cf${i}`, ...f }))];
    const { after } = await converge(concatFileType, file, context({ catalog: all }));
    assert.deepEqual(after, []);
    assert.equal(readFileSync(join(dir, 'kuroko', `c${i}`), 'utf8'), readFileSync(join(dir, 'puppet', `c${i}`), 'utf8'), `concat case ${i}`);
  }
});
