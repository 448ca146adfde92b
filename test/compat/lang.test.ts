// Differential tests of the language front end against Debian's real Puppet 7:
// 1. the syntax tree of every corpus file and every corner fixture equals the one
//    Puppet's own parser builds (compared in Puppet Notation, the form of
//    `puppet parser dump --format json`), parsed in one Ruby process;
// 2. bad input gets the error message, line and column `puppet parser validate` gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { dirname, join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';
import { parse, parseEpp } from '../../src/lang/index.js';
import { findManifestFiles } from '../../src/lang/files.js';
import { pnToString, toPN } from '../../src/lang/pn.js';

const NETNS = join(ROOT, '..', 'shared', 'bin', 'netns-run');
const CORPUS = '/usr/share/puppet/modules';
const CORNERS = join(ROOT, 'test', 'lang', 'fixtures', 'corners');

function whyNoPuppet(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v puppet'], { encoding: 'utf8' }).status !== 0) return "Debian's puppet is not installed";
  if (!existsSync(NETNS)) return `no ${NETNS}`;
  if (spawnSync(NETNS, ['true']).status !== 0) return 'netns-run cannot create a network namespace here (needs root or user namespaces)';
  return undefined;
}
const skip = whyNoPuppet();

// Reads file names on stdin; prints one JSON line per file with Puppet's tree in PN (parse only, no validation).
const PN_SCRIPT = `
require 'puppet'
require 'json'
require 'puppet/pops/pn'
require 'puppet/pops/model/pn_transformer'
dir = ARGV[0]
Puppet.initialize_settings(['--confdir', dir + '/conf', '--vardir', dir + '/var', '--codedir', dir + '/code', '--logdir', dir + '/log'])
pp = Puppet::Pops::Parser::Parser.new
STDIN.each_line do |f|
  f = f.chomp
  begin
    r = f.end_with?('.epp') ? Puppet::Pops::Parser::EppParser.new.parse_file(f) : pp.parse_file(f)
    m = r.respond_to?(:model) ? r.model : r
    puts JSON.generate({ 'file' => f, 'pn' => Puppet::Pops::Model::PNTransformer.transform(m).to_data })
  rescue => e
    puts JSON.generate({ 'file' => f, 'error' => e.message })
  end
end
`;

function puppetTrees(files: string[]): { file: string; pn?: unknown; error?: string }[] {
  const dir = tempDir();
  const script = join(dir, 'pn.rb');
  writeFileSync(script, PN_SCRIPT);
  const r = spawnSync(NETNS, ['ruby', script, dir], { input: files.join('\n') + '\n', encoding: 'utf8', timeout: 600_000, maxBuffer: 512 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; pn?: unknown; error?: string });
}

function compareTrees(files: string[]): void {
  const theirs = puppetTrees(files);
  assert.equal(theirs.length, files.length);
  const diffs: string[] = [];
  for (const p of theirs) {
    assert.equal(p.error, undefined, `Puppet failed on ${p.file}: ${p.error}`);
    const src = readFileSync(p.file, 'utf8');
    const mine = (p.file.endsWith('.epp') ? parseEpp : parse)(src, p.file, { validate: false });
    const pn = JSON.parse(JSON.stringify(toPN(mine.program)));
    if (!isDeepStrictEqual(pn, p.pn)) {
      const a = pnToString(pn), b = pnToString(p.pn as never);
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      diffs.push(`${p.file}\n  kuroko: ...${a.slice(Math.max(0, i - 100), i + 100)}\n  puppet: ...${b.slice(Math.max(0, i - 100), i + 100)}`);
    }
  }
  assert.deepEqual(diffs.slice(0, 5), [], `${diffs.length} of ${files.length} trees differ`);
}

test('every corpus .pp and .epp file gives the syntax tree Puppet builds', { skip: skip ?? (existsSync(CORPUS) ? undefined : `${CORPUS} is absent`) }, () => {
  compareTrees(findManifestFiles(CORPUS));
});

test('the corner fixtures give the syntax trees Puppet builds', { skip }, () => {
  compareTrees(findManifestFiles(CORNERS));
});

test('the language corners of test/lang/corners.ts match Puppet', { skip }, async () => {
  const { CORNERS: rows } = await import('../lang/corners.js');
  const dir = tempDir();
  const files = rows.map(([, src], i) => {
    const f = join(dir, `c${i}.pp`);
    writeFileSync(f, src);
    return f;
  });
  const theirs = puppetTrees(files);
  rows.forEach(([name, , expected], i) => {
    assert.equal(pnToString(theirs[i].pn as never), expected, name);
  });
});

const BAD: string[] = [
  'class a {\n  $x = 1\n  }\n}',
  'file { "a": mode => }',
  '$x = "unterminated',
  '$x = [1, 2',
  '$1 = 2',
  '$a::b = 3',
  'define d($name) {}',
  'define d($x, $x) {}',
  'class c($Foo) {}',
  'if $x { class c {} }',
  '$x += 1',
  'class integer {}',
  'file { "a": mode +> 1 }',
  'User <| uid > 1 |>',
  '$x = 08',
  '$x = 0xg',
  'Foo::bar',
  '$x = @(END)\nno end',
  '/* unclosed',
  'unless $x { } elsif $y { }',
  'file { "a": * => $a, * => $b }',
  '1 = 2',
  '$x = attr',
  'node a { node b {} }',
  'case $x { default: {} default: {} }',
  '$a = $x ? { default => 1, default => 2 }',
  '@class { "x": }',
  '$Foo = 1',
  'node "a b" { }',
  '@File { mode => "1" }',
  'node "${x}" { }',
  'class a($title) {}',
  'class a { } class b inherits a { } $x = class c { }',
  'type Foo = Integer\ntype foo::Bar = String',
  "$x = 1\n{ 'a' => 1 }.each |$k, $v| { }",
  "if true {}\n{ 'a' => 1 }",
  '$x = 1_000',
  '$x = 1.0_0',
  '$x = 0_1',
];
// Puppet aborts the whole run on this one (and then prints only its error): validated on its own.
const BAD_ALONE = ['$ref = 1\n$ref { owner => "x" }'];

/** `name` places each source: by default `bNN.pp` in a temp dir; with `modulepath`, Puppet gets it too. */
function compareErrors(sources: string[], name?: (dir: string, i: number) => string, modulepath?: (dir: string) => string): void {
  const dir = tempDir();
  const files = sources.map((src, i) => {
    const f = name ? name(dir, i) : join(dir, `b${String(i).padStart(2, '0')}.pp`);
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, src + '\n');
    return f;
  });
  const mp = modulepath?.(dir);
  const conf = ['--confdir', join(dir, 'conf'), '--vardir', join(dir, 'var'), '--codedir', join(dir, 'code'), '--logdir', join(dir, 'log'), ...(mp ? ['--modulepath', mp] : [])];
  const r = spawnSync(NETNS, ['puppet', 'parser', 'validate', '--color', 'false', ...conf, ...files], { encoding: 'utf8', timeout: 300_000 });
  const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '');
  for (const f of files) {
    const line = out.split('\n').find((l) => l.includes(`(file: ${f}`));
    assert.ok(line, `Puppet reported ${f}: ${out}`);
    const m = /^Error: (?:Could not parse for environment \w+: )?(.*) \(file: [^,)]*(?:, line: (\d+), column: (\d+))?\)$/.exec(line);
    assert.ok(m, line);
    const mine = parse(readFileSync(f, 'utf8'), f, mp ? { modulepath: [mp] } : {}).diagnostics.find((d) => d.severity === 'error');
    assert.ok(mine, `Kuroko reports an error for ${f}`);
    assert.deepEqual([mine.message, mine.location?.line ?? null, mine.location?.column ?? null],
      [m[1], m[2] ? Number(m[2]) : null, m[3] ? Number(m[3]) : null], readFileSync(f, 'utf8'));
  }
}

test('errors for bad input: the message, line and column of `puppet parser validate`', { skip }, () => {
  compareErrors(BAD);
  compareErrors(BAD_ALONE);
  compareErrors(['notice(1)\n{ a => 1 }.each |$k, $v| { }']);
});

// Module-location checks: [path under the modulepath, source]; Puppet runs them with --modulepath.
const MODULE_FILES: [string, string][] = [
  ['foo/manifests/bar.pp', 'class foo::bar {}\nclass other {}'],
  ['foo/manifests/top.pp', 'class foo::top {}\nnotice(1)'],
  ['foo/manifests/assign.pp', '$x = 1'],
  ['foo/manifests/node.pp', 'node default {}'],
  ['foo/functions/f.pp', 'function foo::f() {}\nfunction f() {}'],
  ['foo/examples/init.pp', "file { '/tmp/x': }"],
  ['foo/README.pp', 'class foo::readme {}'],
];

test('module files on the modulepath: the location errors of `puppet parser validate`', { skip }, () => {
  compareErrors(MODULE_FILES.map(([, src]) => src), (dir, i) => join(dir, 'modules', MODULE_FILES[i][0]), (dir) => join(dir, 'modules'));
});

const RUBY_REGEX_ERROR = /regular expression|regexp|repeat operator|POSIX bracket|premature end|empty range|too short|unmatched/;

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('mutated corpus manifests: Kuroko accepts and rejects what Puppet does, with the same trees', { skip: skip ?? (existsSync(CORPUS) ? undefined : `${CORPUS} is absent`) }, () => {
  const sources = findManifestFiles(CORPUS).filter((f) => f.endsWith('.pp'));
  const r = rng(12);
  const TOKENS = ['{', '}', '(', ')', '[', ']', '"', "'", '$', '${', '<|', '|>', '->', '=>', '+>', '*', '/', '|', ',', ';', ':', '\n', 'class', 'if', 'default', 'undef', '!', '-', '?', '@', '.', '=', 'in', 'and'];
  const dir = tempDir();
  const files: string[] = [];
  for (let k = 0; k < 300; k++) {
    let src = readFileSync(sources[Math.floor(r() * sources.length)], 'utf8');
    const at = Math.floor(r() * src.length);
    const len = 1 + Math.floor(r() * 8);
    const m = Math.floor(r() * 3);
    if (m === 0) src = src.slice(0, at) + src.slice(at + len);
    else if (m === 1) src = src.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)] + src.slice(at);
    else src = src.slice(0, at) + src.slice(at, at + len) + src.slice(at);
    const f = join(dir, `m${k}.pp`);
    writeFileSync(f, src);
    files.push(f);
  }
  const problems: string[] = [];
  let rejected = 0;
  for (const p of puppetTrees(files)) {
    const src = readFileSync(p.file, 'utf8');
    const parsed = parse(src, p.file, { validate: false });
    const kErr = parsed.diagnostics.find((d) => d.severity === 'error');
    if (p.error !== undefined) {
      rejected++;
      if (kErr) continue;
      // Puppet compiles regexes (Ruby syntax) while parsing; Kuroko leaves that to the evaluator.
      if (RUBY_REGEX_ERROR.test(p.error)) continue;
      // Some checks Puppet makes while parsing are Kuroko's validation checks (e.g. parameter names).
      if (parse(src, p.file).diagnostics.some((d) => d.severity === 'error')) continue;
      problems.push(`${p.file}: Puppet rejects (${p.error.split('\n')[0]}), Kuroko accepts`);
    } else if (kErr) {
      problems.push(`${p.file}: Kuroko rejects (${kErr.message} at ${kErr.location?.line}:${kErr.location?.column}), Puppet accepts`);
    } else if (!isDeepStrictEqual(JSON.parse(JSON.stringify(toPN(parsed.program))), p.pn)) {
      problems.push(`${p.file}: the trees differ`);
    }
  }
  assert.ok(rejected > 50, `the mutations exercise errors (${rejected} rejected)`);
  assert.deepEqual(problems, []);
});
