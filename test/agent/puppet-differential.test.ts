// Differential: the same manifest through Debian's real `puppet apply` and
// `kuroko apply`, on twin directories; the console output must be the same
// line for line (paths and timings normalised): a first run with a failure
// and its skipped dependent, a refresh, then a noop run of a changed manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, tempDir } from '../helpers.js';

const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');
const FACTS = join(ROOT, '..', 'shared', 'reference', 'wire-samples', 'agent-facts-payload.json');

function manifest(dir: string, tag: string, content: string, mode: string): string {
  return [
    `file { '${dir}/d': ensure => directory, mode => '0700' }`,
    `file { '${dir}/d/f': content => "${content}\\n", mode => '${mode}' }`,
    `file { '${dir}/l': ensure => link, target => '${dir}/d/f' }`,
    `file { '${dir}/gone': ensure => absent }`,
    `exec { 'ex-${tag}': command => '/bin/true', refreshonly => true, subscribe => File['${dir}/d/f'] }`,
    `exec { 'bad-${tag}': command => '/bin/sh -c "echo oops; exit 3"' }`,
    `file { '${dir}/after': content => 'x', require => Exec['bad-${tag}'] }`,
    `notify { 'hello': message => 'hi there' }`,
  ].join('\n') + '\n';
}

const normalise = (text: string, dir: string, tag: string) => text.split('\n')
  .filter((l) => l && !/Facter|Permission denied|serverip|^Info: Loading/.test(l))
  .map((l) => l.split(dir).join('DIR').split(`-${tag}`).join('-TAG').replace(/in [\d.]+ seconds/, 'in N seconds').replace(/\x1b\[[0-9;]*m/g, ''));

test('kuroko apply prints what puppet apply prints', async (t) => {
  const root = process.getuid?.() === 0;
  const havePuppet = spawnSync('sh', ['-c', 'command -v puppet'], { encoding: 'utf8' }).status === 0;
  if (!root || !havePuppet || !existsSync(NETNS) || spawnSync(NETNS, ['true']).status !== 0) {
    t.skip('needs root, Debian\'s puppet and ../shared/bin/netns-run to run real Puppet');
    return;
  }
  const d = tempDir();
  const pdir = join(d, 'puppet');
  const kdir = join(d, 'kuroko');
  mkdirSync(pdir); mkdirSync(kdir);
  const pv = join(d, 'pvar');
  mkdirSync(join(pv, 'client_data', 'facts'), { recursive: true });
  const facts = JSON.parse(readFileSync(FACTS, 'utf8')) as { name: string; values: Record<string, unknown> };
  facts.name = 'diff.example';
  writeFileSync(join(pv, 'client_data', 'facts', 'diff.example.json'), JSON.stringify(facts));
  writeFileSync(join(d, 'facts.json'), JSON.stringify(facts));
  const puppet = (pp: string, extra: string[] = []) => spawnSync(NETNS, ['puppet', 'apply', pp, '--confdir', join(d, 'petc'), '--vardir', pv, '--codedir', join(d, 'pcode'),
    '--ssldir', join(d, 'pssl'), '--logdir', join(d, 'plog'), '--rundir', join(d, 'prun'), '--publicdir', join(d, 'ppub'), '--certname', 'diff.example',
    '--facts_terminus', 'json', '--color', 'false', ...extra], { encoding: 'utf8' });
  const kuroko = (pp: string, extra: string[] = []) => spawnSync(process.execPath, ['--import', 'tsx', CLI, 'apply', pp, '--confdir', join(d, 'ketc'), '--vardir', join(d, 'kvar'),
    '--certname', 'diff.example', '--facts-file', join(d, 'facts.json'), ...extra], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  const phase = (content: string, mode: string, extra: string[] = []) => {
    writeFileSync(join(d, 'p.pp'), manifest(pdir, 'p', content, mode));
    writeFileSync(join(d, 'k.pp'), manifest(kdir, 'k', content, mode));
    const p = puppet(join(d, 'p.pp'), extra);
    const k = kuroko(join(d, 'k.pp'), extra);
    const expected = normalise(p.stdout + p.stderr, pdir, 'p');
    assert.ok(expected.some((l) => l.startsWith('Notice: Applied catalog in')), `puppet apply did not run: ${p.stderr}`);
    assert.deepEqual(normalise(k.stdout + k.stderr, kdir, 'k'), expected);
  };
  phase('one', '0644');
  writeFileSync(join(pdir, 'gone'), '');
  writeFileSync(join(kdir, 'gone'), '');
  phase('two', '0600', ['--noop']);
});
