// `kuroko apply --catalog` as a real child process: output, exit codes, files kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kuroko, tempDir } from '../helpers.js';
import { catalog } from './helpers.js';

function dirs(d: string): string[] {
  return ['--confdir', join(d, 'etc'), '--vardir', join(d, 'var'), '--certname', 'cli.example'];
}

test('apply --catalog: Puppet-style output, detailed exit codes, last run summary', () => {
  const d = tempDir();
  const f = join(d, 'hello');
  const cat = join(d, 'c.json');
  writeFileSync(cat, JSON.stringify(catalog([['File', f, { content: 'hi\n' }]])));
  const r = kuroko(['apply', '--catalog', cat, '--detailed-exitcodes', ...dirs(d)]);
  assert.equal(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stdout, new RegExp(`Notice: /Stage\\[main\\]/Main/File\\[${f}\\]/ensure: defined content as '\\{sha256\\}[0-9a-f]{64}'`));
  assert.match(r.stdout, /Notice: Applied catalog in \d+\.\d\d seconds/);
  assert.equal(readFileSync(f, 'utf8'), 'hi\n');
  const summary = readFileSync(join(d, 'var', 'state', 'last_run_summary.yaml'), 'utf8');
  assert.match(summary, /^---\nversion:\n {2}config: 1\n {2}puppet: 7\.23\.0\n/);
  assert.match(summary, /changes:\n {2}total: 1\n/);
  const report = JSON.parse(readFileSync(join(d, 'var', 'state', 'last_run_report.json'), 'utf8'));
  assert.equal(report.host, 'cli.example');
  assert.equal(report.report_format, 12);
  const again = kuroko(['apply', '--catalog', cat, '--detailed-exitcodes', ...dirs(d)]);
  assert.equal(again.status, 0, again.stderr);
  const noop = kuroko(['apply', '--catalog', cat, '--noop', ...dirs(d)]);
  assert.equal(noop.status, 0);
});

test('apply --catalog: failures give 4 with --detailed-exitcodes, 0 without', () => {
  const d = tempDir();
  const cat = join(d, 'c.json');
  writeFileSync(cat, JSON.stringify(catalog([['Exec', 'no', { command: '/bin/false' }]])));
  assert.equal(kuroko(['apply', '--catalog', cat, '--detailed-exitcodes', ...dirs(d)]).status, 4);
  const r = kuroko(['apply', '--catalog', cat, ...dirs(d)]);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /Error: \/Stage\[main\]\/Main\/Exec\[no\]\/returns: change from 'notrun' to \['0'\] failed/);
});

test('apply --catalog: bad input is a clear error', () => {
  const d = tempDir();
  writeFileSync(join(d, 'bad.json'), '{"resources": [ {"type": "File"} ]}');
  const r = kuroko(['apply', '--catalog', join(d, 'bad.json'), ...dirs(d)]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.json: not a catalog: resource #1 needs a string 'type' and 'title'/);
  const r2 = kuroko(['apply', '--catalog', join(d, 'missing.json'), ...dirs(d)]);
  assert.match(r2.stderr, /Could not read catalog .*missing\.json: ENOENT/);
  assert.equal(kuroko(['apply', ...dirs(d)]).status, 2);
  assert.equal(existsSync(join(d, 'var', 'state', 'last_run_summary.yaml')), false);
});

test('apply FILE.pp compiles locally (injected facts) and applies; -e CODE too', () => {
  const d = tempDir();
  const site = join(d, 'site.pp');
  const out = join(d, 'out.txt');
  writeFileSync(site, `file { '${out}': content => "kernel=\${facts['kernel']}\\n", mode => '0640' }\nnotify { 'from-manifest': }\n`);
  writeFileSync(join(d, 'facts.json'), JSON.stringify({ kernel: 'Plan9' }));
  const r = kuroko(['apply', site, '--facts-file', join(d, 'facts.json'), '--detailed-exitcodes', ...dirs(d)]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /Notice: Compiled catalog for cli\.example in environment production in \d+\.\d\d seconds/);
  assert.match(r.stdout, /Notice: from-manifest\n/);
  assert.equal(readFileSync(out, 'utf8'), 'kernel=Plan9\n');
  const e = kuroko(['apply', '-e', "notify { 'inline': }", '--facts-file', join(d, 'facts.json'), ...dirs(d)]);
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /Notice: inline\n/);
  const bad = kuroko(['apply', '-e', "notify { 'x' ", '--facts-file', join(d, 'facts.json'), ...dirs(d)]);
  assert.equal(bad.status, 1);
});

test('apply FILE.pp serves puppet:///modules sources from the modulepath, recursion included', () => {
  const d = tempDir();
  const mods = join(d, 'modules');
  mkdirSync(join(mods, 'demo', 'files', 'tree', 'sub'), { recursive: true });
  writeFileSync(join(mods, 'demo', 'files', 'motd'), 'message of the day\n');
  writeFileSync(join(mods, 'demo', 'files', 'tree', 'a.txt'), 'a\n');
  writeFileSync(join(mods, 'demo', 'files', 'tree', 'sub', 'b.txt'), 'b\n');
  const site = join(d, 'site.pp');
  const out = join(d, 'out');
  writeFileSync(site, [
    `file { '${out}': ensure => directory }`,
    `file { '${out}/motd': source => 'puppet:///modules/demo/motd' }`,
    `file { '${out}/tree': ensure => directory, source => 'puppet:///modules/demo/tree', recurse => true }`,
  ].join('\n') + '\n');
  writeFileSync(join(d, 'facts.json'), '{}');
  const r = kuroko(['apply', site, '--modulepath', mods, '--facts-file', join(d, 'facts.json'), '--detailed-exitcodes', ...dirs(d)]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.equal(readFileSync(join(out, 'motd'), 'utf8'), 'message of the day\n');
  assert.equal(readFileSync(join(out, 'tree', 'sub', 'b.txt'), 'utf8'), 'b\n');
  assert.match(r.stdout, new RegExp(`Notice: /Stage\\[main\\]/Main/File\\[${out}/tree/sub/b\\.txt\\]/ensure: defined content as`));
  const again = kuroko(['apply', site, '--modulepath', mods, '--facts-file', join(d, 'facts.json'), '--detailed-exitcodes', ...dirs(d)]);
  assert.equal(again.status, 0, again.stdout + again.stderr);
});
