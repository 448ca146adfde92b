import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kuroko } from '../helpers.js';

test('--help lists subcommands and exits 0', () => {
  const r = kuroko(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: kuroko <subcommand>/);
  assert.match(r.stdout, /config/);
});

test('--version prints the package version', () => {
  const r = kuroko(['--version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('an unknown subcommand is a one-line error with exit 2', () => {
  const r = kuroko(['frobnicate']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /^Error: Unknown subcommand 'frobnicate'/);
});

test('an unknown flag is a one-line error with exit 2', () => {
  const r = kuroko(['config', 'print', '--no-such-flag']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^Error: Unknown option '--no-such-flag'/);
});

test('every subcommand answers --help', () => {
  const top = kuroko(['--help']).stdout;
  const names = [...top.matchAll(/^  ([a-z]+)\s{2,}/gm)].map((m) => m[1]);
  assert.ok(names.length >= 1);
  for (const n of names) {
    const r = kuroko([n, '--help']);
    assert.equal(r.status, 0, `${n} --help: ${r.stderr}`);
    assert.match(r.stdout, /^Usage: kuroko /, n);
  }
});
