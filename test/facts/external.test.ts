// External facts from real files and real executables in temp dirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { environmentFacts, loadExternalFacts, parseExecutableOutput, parseKeyValue } from '../../src/facts/external.js';
import { collectFactsWithDiagnostics } from '../../src/facts/index.js';

function write(dir: string, name: string, text: string, mode = 0o644): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

test('key=value text files: first "=" splits, lines without one are ignored', () => {
  assert.deepEqual(parseKeyValue('a=1\nb = two\nnoequals\nurl=http://x/?q=1\n=empty\nc=\r\n'), { a: '1', 'b ': ' two', url: 'http://x/?q=1' });
});

test('executable output: YAML or JSON mapping, else key=value', async () => {
  assert.deepEqual(await parseExecutableOutput('{"a": {"b": [1, 2]}}'), { a: { b: [1, 2] } });
  assert.deepEqual(await parseExecutableOutput('role: web\nports:\n  - 80\n'), { role: 'web', ports: [80] });
  assert.deepEqual(await parseExecutableOutput('x=1\ny=2\n'), { x: '1', y: '2' });
});

test('txt, yaml, json and executables from facts.d; names lower-cased; dotfiles and other files skipped', async () => {
  const dir = tempDir();
  write(dir, 'plain.txt', 'Role=web\ntier=gold\n');
  write(dir, 'data.yaml', 'datacenter: ams1\nracks:\n  - r1\n  - r2\nowner:\n  team: ops\nwhen: 2024-01-02 03:04:05\n');
  write(dir, 'data.json', '{"json_fact": {"nested": true, "n": 3}}');
  write(dir, 'kv.sh', '#!/bin/sh\necho exec_fact=from_shell\necho "spaced=a b c"\n', 0o755);
  write(dir, 'yml.sh', '#!/bin/sh\nprintf "exec_yaml:\\n  k: v\\n"\n', 0o755);
  write(dir, '.hidden.txt', 'hidden=yes\n');
  write(dir, 'README', 'not a fact file\n');
  const r = await loadExternalFacts([dir]);
  assert.equal(r.facts.role, 'web');
  assert.equal(r.facts.tier, 'gold');
  assert.equal(r.facts.datacenter, 'ams1');
  assert.deepEqual(r.facts.racks, ['r1', 'r2']);
  assert.deepEqual(r.facts.owner, { team: 'ops' });
  assert.equal(typeof r.facts.when, 'string');
  assert.deepEqual(r.facts.json_fact, { nested: true, n: 3 });
  assert.equal(r.facts.exec_fact, 'from_shell');
  assert.equal(r.facts.spaced, 'a b c');
  assert.deepEqual(r.facts.exec_yaml, { k: 'v' });
  assert.equal(r.facts.hidden, undefined);
  assert.ok(!r.diagnostics.some((d) => d.severity !== 'debug'), JSON.stringify(r.diagnostics));
});

test('precedence: a later directory wins; within one directory the alphabetically first file wins', async () => {
  const a = tempDir(); const b = tempDir();
  write(a, 'a.txt', 'x=a-first\ny=a\n');
  write(a, 'b.txt', 'x=a-second\n');
  write(b, 'z.txt', 'y=b\n');
  const r = await loadExternalFacts([a, b]);
  assert.equal(r.facts.x, 'a-first');
  assert.equal(r.facts.y, 'b');
});

test('missing directories are fine', async () => {
  const r = await loadExternalFacts([join(tempDir(), 'nope')]);
  assert.deepEqual(r.facts, {});
  assert.deepEqual(r.diagnostics, []);
});

test('broken files are reported with file and line, and the rest still load', async () => {
  const dir = tempDir();
  const y = write(dir, 'bad.yaml', 'good: 1\nbad: [unclosed\n');
  const j = write(dir, 'bad.json', '{"a": 1,\n "b": }');
  const l = write(dir, 'list.json', '[1, 2]');
  write(dir, 'ok.txt', 'fine=yes\n');
  const r = await loadExternalFacts([dir]);
  assert.equal(r.facts.fine, 'yes');
  assert.equal(r.facts.good, undefined);
  const byFile = (f: string) => r.diagnostics.find((d) => d.location?.file === f);
  assert.match(byFile(y)!.message, /YAML/);
  assert.ok(byFile(y)!.location!.line! >= 2);
  assert.match(byFile(j)!.message, /JSON/);
  assert.equal(byFile(j)!.location!.line, 2);
  assert.match(byFile(l)!.message, /JSON object/);
});

test('a slow executable is killed at its time budget, with what it started, and the others still count', async () => {
  const dir = tempDir();
  const marker = join(dir, 'child-survived');
  // The script starts a grandchild that would write the marker later: the whole process group must die.
  write(dir, 'slow.sh', `#!/bin/sh\n(sleep 1.5; touch ${marker}) &\nsleep 30\necho slow=done\n`, 0o755);
  write(dir, 'fast.sh', '#!/bin/sh\necho fast=yes\n', 0o755);
  const t0 = Date.now();
  const r = await loadExternalFacts([dir], { timeoutMs: 400 });
  const took = Date.now() - t0;
  assert.ok(took < 1500, `took ${took} ms`);
  assert.equal(r.facts.fast, 'yes');
  assert.equal(r.facts.slow, undefined);
  assert.ok(r.diagnostics.some((d) => d.code === 'KUR0702' && /timed out after 400 ms/.test(d.message)));
  await new Promise((res) => setTimeout(res, 1700));
  assert.equal(existsSync(marker), false, 'the grandchild outlived the timeout');
});

test('stderr and a failing exit status are reported; output still used as Facter does', async () => {
  const dir = tempDir();
  write(dir, 'noisy.sh', '#!/bin/sh\necho warn-text >&2\necho noisy=1\nexit 3\n', 0o755);
  const r = await loadExternalFacts([dir]);
  assert.equal(r.facts.noisy, '1');
  assert.ok(r.diagnostics.some((d) => /stderr message: warn-text/.test(d.message)));
  assert.ok(r.diagnostics.some((d) => /exited with status 3/.test(d.message)));
});

test('a world-writable executable is refused', async () => {
  const dir = tempDir();
  const p = write(dir, 'open.sh', '#!/bin/sh\necho open=1\n', 0o777);
  chmodSync(p, 0o777);
  const r = await loadExternalFacts([dir]);
  assert.equal(r.facts.open, undefined);
  assert.ok(r.diagnostics.some((d) => d.code === 'KUR0707' && d.value === '0777'));
});

test('an executable that is not runnable is reported, not fatal', async () => {
  const dir = tempDir();
  write(dir, 'broken', '#!/no/such/interpreter\n', 0o755);
  const r = await loadExternalFacts([dir]);
  assert.deepEqual(r.facts, {});
  assert.ok(r.diagnostics.some((d) => /Could not run external fact/.test(d.message)), JSON.stringify(r.diagnostics));
});

test('FACTER_ variables are facts, lower-cased', () => {
  assert.deepEqual(environmentFacts({ FACTER_Role: 'db', PATH: '/bin', facter_x: '1' }), { role: 'db', x: '1' });
});

test('external facts override core facts; FACTER_ variables override everything', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'd'));
  write(join(dir, 'd'), 'o.txt', 'kernel=Overridden\ntimezone=external\n');
  const r = await collectFactsWithDiagnostics({ externalDirs: [join(dir, 'd')], defaultDirs: false, env: { FACTER_timezone: 'from-env' } });
  assert.equal(r.facts.kernel, 'Overridden');
  assert.equal(r.facts.timezone, 'from-env');
});

test("Facter's default directories: /etc for root, the home directory otherwise", async () => {
  const { defaultFactDirs, DEFAULT_FACT_DIRS } = await import('../../src/facts/external.js');
  assert.deepEqual(defaultFactDirs(0, '/root'), DEFAULT_FACT_DIRS);
  assert.deepEqual(defaultFactDirs(1000, '/home/u'), ['/home/u/.facter/facts.d', '/home/u/.puppetlabs/opt/facter/facts.d']);
});
