// Certname rules and autosign decisions, each both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { certnameProblem, safeFileName } from '../../src/ca/names.js';
import { allowListMatches, parseAllowList, patternMatches, shouldAutosign } from '../../src/ca/autosign.js';
import { log, MemoryDestination } from '../../src/log/index.js';

test('valid certnames are accepted', () => {
  for (const n of ['node1.test.com', 'a', 'web-01.example.net', '_svc.example', 'x1', 'ünï.example']) assert.equal(certnameProblem(n), undefined, n);
});

test('invalid certnames are refused with a reason', () => {
  for (const n of ['Node1.test', '*.example.com', 'node-', '-node', '', 'a..b', '.a', 'a/b', '../etc', 'a b', 'node.-x.', 'x'.repeat(256)]) {
    assert.ok(certnameProblem(n), `expected ${JSON.stringify(n)} to be refused`);
  }
  assert.throws(() => safeFileName('../../etc/passwd'), /Invalid certname/);
});

test('autosign globs match label by label from the right, and the bare domain', () => {
  assert.ok(patternMatches('*.example.com', 'web.example.com'));
  assert.ok(patternMatches('*.example.com', 'a.b.example.com'));
  assert.ok(patternMatches('*.example.com', 'example.com'));
  assert.ok(patternMatches('*.Example.COM', 'WEB.example.com'));
  assert.ok(patternMatches('*', 'anything.at.all'));
  assert.ok(patternMatches('node1.test', 'node1.test'));
  assert.ok(!patternMatches('*.example.com', 'example.com.evil.org'));
  assert.ok(!patternMatches('*.example.com', 'badexample.com'));
  assert.ok(!patternMatches('node1.test', 'node10.test'));
  assert.ok(!patternMatches('*.example.com', 'com'));
});

test('autosign.conf: comments and blank lines skipped, invalid lines warned about with their number and ignored', () => {
  const mem = new MemoryDestination();
  log.addDestination(mem);
  try {
    const text = '# agents\n\nnode1.test\nbad line here\n*.lab.test\nalso#bad\n';
    assert.deepEqual(parseAllowList(text, 'autosign.conf').map((l) => l.pattern), ['node1.test', '*.lab.test']);
    assert.ok(mem.entries.some((e) => e.level === 'warning' && /line 4/.test(e.message)));
    assert.ok(mem.entries.some((e) => e.level === 'warning' && /line 6/.test(e.message)));
    assert.ok(allowListMatches(text, 'x.lab.test'));
    assert.ok(!allowListMatches(text, 'bad'));
    assert.ok(!allowListMatches(text, 'other.test'));
  } finally { log.removeDestination(mem); }
});

test('autosign setting: true, false, missing file, allow-list read per request', async () => {
  const dir = tempDir();
  assert.equal(await shouldAutosign('true', 'n.test', ''), true);
  assert.equal(await shouldAutosign('false', 'n.test', ''), false);
  const file = join(dir, 'autosign.conf');
  assert.equal(await shouldAutosign(file, 'n.test', ''), false, 'no file: no autosign');
  writeFileSync(file, 'n.test\n');
  assert.equal(await shouldAutosign(file, 'n.test', ''), true);
  assert.equal(await shouldAutosign(file, 'm.test', ''), false);
  writeFileSync(file, '*.test\n'); // changed without restart
  assert.equal(await shouldAutosign(file, 'm.test', ''), true);
});

test('autosign policy executable: certname argument, CSR on stdin, exit 0 signs, time limit', async () => {
  const dir = tempDir();
  const policy = join(dir, 'policy.sh');
  writeFileSync(policy, '#!/bin/sh\ncsr=$(cat)\ncase "$csr" in *"BEGIN CERTIFICATE REQUEST"*) ;; *) echo "no csr" >&2; exit 3;; esac\n[ "$1" = "good.test" ] && exit 0\necho "refusing $1" >&2\nexit 1\n');
  chmodSync(policy, 0o755);
  const pem = '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n';
  assert.equal(await shouldAutosign(policy, 'good.test', pem), true);
  assert.equal(await shouldAutosign(policy, 'bad.test', pem), false);
  assert.equal(await shouldAutosign(policy, 'good.test', 'not a csr'), false);
  const { runPolicyExecutable } = await import('../../src/ca/autosign.js');
  const slow = join(dir, 'slow.sh');
  writeFileSync(slow, '#!/bin/sh\nsleep 5\nexit 0\n');
  chmodSync(slow, 0o755);
  const t = Date.now();
  assert.equal(await runPolicyExecutable(slow, 'good.test', pem, 300), false);
  assert.ok(Date.now() - t < 3000, 'time limit applied');
});
