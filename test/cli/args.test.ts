import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, flagHelp, type FlagSpec } from '../../src/cli/args.js';
import { KurokoError } from '../../src/util/diagnostic.js';

const specs: FlagSpec[] = [
  { name: 'all', type: 'boolean', desc: 'all' },
  { name: 'detailed-exitcodes', type: 'boolean', desc: 'x' },
  { name: 'section', type: 'string', arg: 'S', desc: 's' },
  { name: 'test', type: 'boolean', short: 't', desc: 't' },
];

test('flags, short bundles, settings and positionals', () => {
  const a = parseArgs(['sign', '--all', '-tv', '--detailed_exitcodes', '--section=agent', 'node1', '--server', 'p.example', '--no-noop', '--', '--not-a-flag'], specs);
  assert.deepEqual(a.positional, ['sign', 'node1', '--not-a-flag']);
  assert.deepEqual(a.flags, { all: true, test: true, verbose: true, detailed_exitcodes: true, section: 'agent' });
  assert.deepEqual(a.settings, { server: 'p.example', noop: 'false' });
  assert.deepEqual(parseArgs(['--logdest', 'a', '--logdest', 'b'], []).flags.logdest, ['a', 'b']);
  assert.deepEqual(parseArgs(['--no-all'], specs).flags, { all: false });
  assert.deepEqual(parseArgs(['--all=false'], specs).flags, { all: false });
  assert.deepEqual(parseArgs(['-5'], specs).positional, ['-5'], 'a negative number is an argument');
});

test('settings flags can be turned off per command', () => {
  assert.throws(() => parseArgs(['--server', 'x'], [], { settingsFlags: false }), (e: unknown) => e instanceof KurokoError && e.exitCode === 2 && e.message === "Unknown option '--server'");
});

test('errors are usage errors (exit 2)', () => {
  for (const argv of [['--nope'], ['-q'], ['--section'], ['--environment']]) {
    assert.throws(() => parseArgs(argv, specs), (e: unknown) => e instanceof KurokoError && e.exitCode === 2, argv.join(' '));
  }
});

test('help lists flags with their placeholders', () => {
  const h = flagHelp(specs);
  assert.match(h, /^  --section S +s$/m);
  assert.match(h, /^  -t, --test +t$/m);
});
