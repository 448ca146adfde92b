// `kuroko facts` as a real child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CLI, kuroko, ROOT, tempDir } from '../helpers.js';

const dir = tempDir();
writeFileSync(join(dir, 'site.yaml'), 'site:\n  name: ams1\n  racks: [r1, r2]\n');
writeFileSync(join(dir, 'role.sh'), '#!/bin/sh\necho role=web\n');
chmodSync(join(dir, 'role.sh'), 0o755);
// An isolated confdir/vardir so the run reads no real puppet.conf or pluginfactdest.
const home = tempDir();
const env = { HOME: home };
const base = ['--confdir', join(home, 'etc'), '--vardir', join(home, 'var')];

test('names, dotted names and external facts; missing names print empty', () => {
  const r = kuroko(['facts', ...base, '--external-dir', dir, 'kernel', 'site.name', 'site.racks.1', 'role', 'no_such_fact'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'kernel => Linux\nno_such_fact => \nrole => web\nsite.name => ams1\nsite.racks.1 => r2\n');
});

test('one name prints its bare value; hashes in Facter form', () => {
  assert.equal(kuroko(['facts', ...base, 'kernel'], { env }).stdout, 'Linux\n');
  const r = kuroko(['facts', ...base, '--external-dir', dir, 'site'], { env });
  assert.equal(r.stdout, '{\n  name => "ams1",\n  racks => [\n    "r1",\n    "r2"\n  ]\n}\n');
});

test('--json and --yaml print parseable documents', () => {
  const j = JSON.parse(kuroko(['facts', ...base, '--json', 'os.family', 'no_such_fact'], { env }).stdout);
  assert.equal(typeof j['os.family'], 'string');
  assert.equal(j.no_such_fact, null);
  const all = JSON.parse(kuroko(['facts', ...base, '--json'], { env }).stdout);
  for (const k of ['os', 'kernel', 'networking', 'processors', 'memory', 'identity', 'path', 'facterversion', 'virtual', 'is_virtual']) assert.ok(k in all, k);
  assert.ok(!('osfamily' in all), 'legacy facts are hidden without --show-legacy');
  const legacy = JSON.parse(kuroko(['facts', ...base, '--json', '--show-legacy'], { env }).stdout);
  assert.equal(legacy.osfamily, all.os.family);
  const y = parseYaml(kuroko(['facts', ...base, '--yaml', 'identity', 'kernel'], { env }).stdout);
  assert.equal(y.kernel, 'Linux');
  assert.equal(typeof y.identity.uid, 'number');
});

test('a legacy fact asked for by name is printed', () => {
  const r = kuroko(['facts', ...base, 'osfamily'], { env });
  assert.equal(r.status, 0);
  assert.ok(r.stdout.trim().length > 0);
});

test('--strict fails on a missing name; bad flags are usage errors', () => {
  const s = kuroko(['facts', ...base, '--strict', 'no_such_fact'], { env });
  assert.equal(s.status, 1);
  assert.match(s.stderr, /No value for fact: no_such_fact/);
  assert.equal(kuroko(['facts', ...base, '--json', '--yaml'], { env }).status, 2);
  const t = kuroko(['facts', ...base, '--timeout', 'soon'], { env });
  assert.equal(t.status, 2);
  assert.match(t.stderr, /--timeout must be a positive number/);
});

test('a broken fact file is a warning naming the file; the other facts still print', () => {
  const d = tempDir();
  writeFileSync(join(d, 'bad.json'), '{"a": ');
  writeFileSync(join(d, 'good.txt'), 'good=1\n');
  const r = kuroko(['facts', ...base, '--external-dir', d, 'good'], { env });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '1\n');
  assert.match(r.stderr, /Warning: Could not parse external fact file as JSON.*bad\.json/);
});

test('$pluginfactdest is read; --no-external-facts reads none', () => {
  const vardir = join(home, 'var2');
  const pf = join(vardir, 'facts.d');
  mkdirSync(pf, { recursive: true });
  writeFileSync(join(pf, 'p.txt'), 'plugin_fact=yes\n');
  const args = ['facts', '--confdir', join(home, 'etc'), '--vardir', vardir];
  assert.equal(kuroko([...args, 'plugin_fact'], { env }).stdout, 'yes\n');
  assert.equal(kuroko([...args, '--no-external-facts', 'plugin_fact'], { env }).stdout, '\n');
});

test('collecting facts sends nothing over IP (no metadata service, no DNS)', (t) => {
  if (spawnSync('sh', ['-c', 'command -v strace'], { encoding: 'utf8' }).status !== 0) { t.skip('strace is not installed'); return; }
  const trace = join(tempDir(), 'trace.txt');
  const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=connect,sendto,sendmsg', '-o', trace, process.execPath, '--import', 'tsx', CLI, 'facts', '--json', ...base],
    { encoding: 'utf8', env: { ...process.env, ...env }, cwd: ROOT, timeout: 60_000 });
  if (r.status !== 0 && /ptrace|Operation not permitted/.test(r.stderr)) { t.skip(`strace cannot trace here: ${r.stderr.trim().split('\n')[0]}`); return; }
  assert.equal(r.status, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).networking);
  const ipCalls = readFileSync(trace, 'utf8').split('\n').filter((l) => /sa_family=AF_INET6?\b/.test(l));
  assert.deepEqual(ipCalls, []);
});
