import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kuroko, ROOT } from '../helpers.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { main } from '../../src/cli/main.js';
import { log, MemoryDestination } from '../../src/log/index.js';

test('--help lists subcommands and exits 0', () => {
  for (const flag of ['--help', '-h', 'help']) {
    const r = kuroko([flag]);
    assert.equal(r.status, 0, flag);
    assert.match(r.stdout, /^Usage: kuroko <subcommand> \[options\]/);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), c.name);
  }
});

test('kuroko alone prints the help and exits 2 (a usage error)', () => {
  const r = kuroko([]);
  assert.equal(r.status, 2);
  assert.match(r.stdout, /^Usage: kuroko <subcommand>/);
});

test('--version prints the package version', () => {
  const expected = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  for (const flag of ['--version', '-V', 'version']) {
    const r = kuroko([flag]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${expected}\n`);
  }
});

test('an unknown subcommand is a one-line error with exit 2', () => {
  const r = kuroko(['frobnicate']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "Error: Unknown subcommand 'frobnicate'. Run 'kuroko --help' for the list.\n");
});

test('an option before the subcommand is a one-line error with exit 2', () => {
  const r = kuroko(['--verbose', 'config']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.split('\n').length, 2);
  assert.match(r.stderr, /^Error: Unknown option '--verbose'/);
});

/** Runs main() in this process, capturing stdout and the log (the loops over every command stay fast). */
async function inProcess(argv: string[]): Promise<{ status: number; stdout: string; log: string[] }> {
  const mem = new MemoryDestination();
  const saved = log.destinations.slice();
  log.setDestinations([mem]);
  let stdout = '';
  try {
    const status = await main(argv, { out: (t) => { stdout += t; } });
    return { status, stdout, log: mem.entries.map((e) => `${e.level}: ${e.message}`) };
  } finally {
    log.setDestinations(saved);
  }
}

test('unknown flags, long or short, and missing values are one-line errors with exit 2 for every subcommand', async () => {
  for (const c of COMMANDS) {
    for (const [args, msg] of [
      [['--no-such-flag'], "err: Unknown option '--no-such-flag'"],
      [['--no-such-flag=3'], "err: Unknown option '--no-such-flag'"],
      [['-Z'], "err: Unknown option '-Z'"],
    ] as [string[], string][]) {
      const r = await inProcess([c.name, ...args]);
      assert.equal(r.status, 2, `${c.name} ${args.join(' ')}: ${r.log}`);
      assert.deepEqual(r.log, [msg], `${c.name} ${args.join(' ')}`);
      assert.equal(r.stdout, '');
    }
  }
  // And for real, once: one line on stderr.
  const r = kuroko(['config', 'print', '--runinterval']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'Error: Option --runinterval needs a value\n');
});

test('every subcommand (and alias) answers --help and -h, and help NAME', async () => {
  const top = kuroko(['--help']).stdout;
  const names = [...top.matchAll(/^  ([a-z]+)\s{2,}/gm)].map((m) => m[1]);
  assert.deepEqual(names, COMMANDS.map((c) => c.name));
  for (const c of COMMANDS) {
    const { command } = await c.load();
    for (const n of [c.name, ...(c.aliases ?? [])]) {
      for (const flag of ['--help', '-h']) {
        const r = await inProcess([n, flag]);
        assert.equal(r.status, 0, `${n} ${flag}: ${r.log}`);
        assert.deepEqual(r.log, []);
        assert.match(r.stdout, /^Usage: kuroko /, n);
        assert.match(r.stdout, /^Options:$/m, n);
        assert.match(r.stdout, /--verbose/, n);
        // Daemon run modes offer --genconfig; the others do not.
        assert.equal(/--genconfig/.test(r.stdout), command.runMode !== 'user', n);
      }
    }
  }
  assert.equal(kuroko(['help', 'config']).stdout, kuroko(['config', '-h']).stdout);
  assert.match(kuroko(['config', '--help']).stdout, /kuroko config set NAME VALUE/);
});

test('every setting is a flag: --name value, --name=value, --[no-]name for booleans', () => {
  const r = kuroko(['config', 'print', 'runinterval', 'serverport', 'noop', 'splay', 'daemonize', 'usecacheonfailure', '--confdir', '/nonexistent',
    '--runinterval', '2h', '--masterport=8141', '--noop', '--splay', 'true', '--no-daemonize', '--usecacheonfailure=false']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'runinterval = 2h\nserverport = 8141\nnoop = true\nsplay = true\ndaemonize = false\nusecacheonfailure = false\n');
  const bad = kuroko(['config', 'print', '--confdir', '/nonexistent', '--runinterval', 'abc']);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, `Error: Invalid value for setting 'runinterval' (given as --runinterval): invalid duration "abc" (expected a number of seconds or e.g. 30m, 1h, 2d) [runinterval="abc"]\n`);
  const notBool = kuroko(['config', 'print', '--no-server']);
  assert.equal(notBool.status, 2);
  assert.equal(notBool.stderr, "Error: Unknown option '--no-server'\n");
});
