// `kuroko config print|set` through the real CLI, on a puppet.conf in a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { kuroko, tempDir } from '../helpers.js';

const ORIGINAL = [
  '# Kuroko settings',
  '[main]',
  '    # where agents go',
  '    server = puppet.example.com',
  '',
  '[master]',
  '; the classic pid file',
  'rundir = /var/run/kuroko',
  'pidfile = $rundir/master.pid',
  '',
  '[agent]',
  'runinterval = 1h',
].join('\n') + '\n';

function site() {
  const dir = tempDir();
  const file = join(dir, 'puppet.conf');
  writeFileSync(file, ORIGINAL);
  return { dir, file, flags: ['--confdir', dir] };
}

test('config print: one value, several, all, per section; flags override', () => {
  const s = site();
  let r = kuroko(['config', 'print', 'server', ...s.flags]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'puppet.example.com\n');
  r = kuroko(['config', 'print', 'pidfile', 'runinterval', '--section', 'master', ...s.flags]);
  assert.equal(r.stdout, 'pidfile = /var/run/kuroko/master.pid\nruninterval = 30m\n');
  r = kuroko(['config', 'print', 'runinterval', 'masterport', '--section', 'agent', ...s.flags]);
  assert.equal(r.stdout, 'runinterval = 1h\nmasterport = 8140\n');
  r = kuroko(['config', 'print', 'server', '--section', 'agent', '--server', 'flag.example', ...s.flags]);
  assert.equal(r.stdout, 'flag.example\n');
  r = kuroko(['config', 'print', 'all', ...s.flags]);
  assert.match(r.stdout, /^confdir = .*\ncodedir = /);
  assert.match(r.stdout, /^server = puppet\.example\.com$/m);
  assert.equal(kuroko(['config', 'print', ...s.flags]).stdout, r.stdout);
});

test('config print: bad names and sections are usage errors', () => {
  const s = site();
  let r = kuroko(['config', 'print', 'nonsense', ...s.flags]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, "Error: Unknown setting 'nonsense'\n");
  r = kuroko(['config', 'print', '--section', 'production', ...s.flags]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^Error: Unknown section 'production'/);
  r = kuroko(['config', 'frob', ...s.flags]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^Error: Unknown action 'config frob'/);
});

test('config set edits in place, keeping comments, order and indentation', () => {
  const s = site();
  let r = kuroko(['config', 'set', 'server', 'new.example.com', ...s.flags]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(s.file, 'utf8'), ORIGINAL.replace('    server = puppet.example.com', '    server = new.example.com'));
  // A new setting goes at the end of its section; master and server are the same section.
  r = kuroko(['config', 'set', 'bindaddress', '127.0.0.1', '--section', 'server', ...s.flags]);
  assert.equal(r.status, 0, r.stderr);
  r = kuroko(['config', 'set', 'splay', 'true', '--section', 'agent', ...s.flags]);
  assert.equal(r.status, 0, r.stderr);
  r = kuroko(['config', 'set', 'certname', 'agent1.example.com', '--section', 'user', ...s.flags]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(s.file, 'utf8'), [
    '# Kuroko settings', '[main]', '    # where agents go', '    server = new.example.com', '',
    '[master]', '; the classic pid file', 'rundir = /var/run/kuroko', 'pidfile = $rundir/master.pid', 'bindaddress = 127.0.0.1', '',
    '[agent]', 'runinterval = 1h', 'splay = true', '', '[user]', 'certname = agent1.example.com',
  ].join('\n') + '\n');
  assert.equal(kuroko(['config', 'print', 'bindaddress', '--section', 'server', ...s.flags]).stdout, '127.0.0.1\n');
  assert.deepEqual(readdirSync(s.dir), ['puppet.conf'], 'no temp files left');
});

test('config set creates puppet.conf when there is none, and keeps the file mode', () => {
  const dir = tempDir();
  const r = kuroko(['config', 'set', 'runinterval', '2d', '--section', 'agent', '--confdir', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'puppet.conf'), 'utf8'), '[agent]\nruninterval = 2d\n');
  const s = site();
  chmodSync(s.file, 0o600);
  assert.equal(kuroko(['config', 'set', 'noop', 'true', ...s.flags]).status, 0);
  assert.equal(statSync(s.file).mode & 0o777, 0o600);
});

test('config set refuses what would break the file, and writes nothing', () => {
  const s = site();
  const cases: [string[], RegExp][] = [
    [['runinterval', 'abc'], /^Error: Not saved: invalid value for setting 'runinterval': invalid duration "abc"/],
    [['noop', 'perhaps'], /^Error: Not saved: invalid value for setting 'noop': invalid boolean "perhaps"/],
    [['rundir', '$pidfile/x', '--section', 'master'], /^Error: Not saved: with rundir = \$pidfile\/x in \[server\], Cyclic interpolation/],
    [['nosuch', '1'], /^Error: Unknown setting 'nosuch'/],
    [['server'], /^Error: Usage: kuroko config set NAME VALUE/],
  ];
  for (const [args, why] of cases) {
    const r = kuroko(['config', 'set', ...args, ...s.flags]);
    assert.notEqual(r.status, 0, args.join(' '));
    assert.match(r.stderr, why, args.join(' '));
    assert.equal(readFileSync(s.file, 'utf8'), ORIGINAL, `${args.join(' ')} left the file as it was`);
  }
  assert.deepEqual(readdirSync(s.dir), ['puppet.conf']);
});

test('a broken puppet.conf is reported with file:line by any command that reads it', () => {
  const dir = tempDir();
  const file = join(dir, 'puppet.conf');
  writeFileSync(file, '[main]\nserver = a\nthis is not a setting\n');
  let r = kuroko(['config', 'print', 'server', '--confdir', dir]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `Error: Could not match line "this is not a setting" (file: ${file}, line: 3, column: 1)\n  this is not a setting\n  ^\n`);
  writeFileSync(file, '[agent]\n\nruninterval = abc\n');
  r = kuroko(['config', 'print', 'server', '--confdir', dir]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `Error: Invalid value for setting 'runinterval': invalid duration "abc" (expected a number of seconds or e.g. 30m, 1h, 2d) (file: ${file}, line: 3) [runinterval="abc"]\n`);
  writeFileSync(file, '[main]\nfrobnicate = 1\nserver = b\n');
  r = kuroko(['config', 'print', 'server', '--confdir', dir]);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'b\n');
  assert.equal(r.stderr, `Warning: Setting 'frobnicate' is unknown and will be ignored (file: ${file}, line: 2)\n`);
});

test('config delete removes a setting from its section, keeping the rest; refuses what would break the file', () => {
  const s = site();
  let r = kuroko(['config', 'delete', 'pidfile', '--section', 'master', '--verbose', ...s.flags]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `Info: Deleted pidfile from [server] of ${s.file}\n`);
  assert.equal(readFileSync(s.file, 'utf8'), ORIGINAL.replace('pidfile = $rundir/master.pid\n', ''));
  assert.equal(kuroko(['config', 'print', 'pidfile', '--section', 'server', ...s.flags]).stdout, '/var/run/kuroko/server.pid\n');
  r = kuroko(['config', 'delete', 'pidfile', '--section', 'master', ...s.flags]);
  assert.equal(r.status, 0);
  assert.equal(r.stderr, `Warning: No setting 'pidfile' in [server] of ${s.file}: nothing to delete\n`);
  // Without [main]'s splaylimit, the agent's runinterval = $splaylimit meets splaylimit's default, $runinterval.
  const before = '[main]\nsplaylimit = 5m\n[agent]\nruninterval = $splaylimit\n';
  writeFileSync(s.file, before);
  r = kuroko(['config', 'delete', 'splaylimit', ...s.flags]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^Error: Not saved: without splaylimit in \[main\], Cyclic interpolation in setting 'runinterval'/);
  assert.equal(readFileSync(s.file, 'utf8'), before);
});
