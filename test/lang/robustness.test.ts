// Robustness: mutated real manifests and pathological input only ever give
// diagnostics — no exception escapes, no internal error, no hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseEpp, MAX_SOURCE_LENGTH } from '../../src/lang/index.js';
import { findManifestFiles, parseFile } from '../../src/lang/files.js';
import { tempDir } from '../helpers.js';

const CORPUS = '/usr/share/puppet/modules';
const CORNERS = new URL('./fixtures/corners', import.meta.url).pathname;

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = ['{', '}', '(', ')', '[', ']', '"', "'", '$', '${', '@(END)', '<%', '%>', '-%>', '<|', '|>>', '->', '=>', '+>', '*',
  '/', '|', ',', ';', ':', '\n', 'class', 'define', 'node', 'if', 'case', 'default', 'undef', '0x', '08', '\\', '#', '/*', 'END'];

function mutate(src: string, r: () => number): string {
  const n = src.length;
  const at = Math.floor(r() * (n + 1));
  const len = Math.floor(r() * Math.min(64, n - at + 1));
  switch (Math.floor(r() * 5)) {
    case 0: return src.slice(0, at); // truncate
    case 1: return src.slice(0, at) + src.slice(at + len); // delete
    case 2: return src.slice(0, at) + TOKENS[Math.floor(r() * TOKENS.length)] + src.slice(at); // insert a token
    case 3: return src.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x2ff)) + src.slice(at); // insert a char
    default: return src.slice(0, at) + src.slice(at, at + len) + src.slice(at); // duplicate
  }
}

function assertOnlyDiagnostics(src: string, epp: boolean, label: string, boundMs = 2000): number {
  const t0 = performance.now();
  let r;
  try {
    r = epp ? parseEpp(src, 'fuzz.epp') : parse(src, 'fuzz.pp');
  } catch (e) {
    assert.fail(`${label}: parse threw ${(e as Error).stack}\n--- input ---\n${src.slice(0, 2000)}`);
  }
  const ms = performance.now() - t0;
  assert.ok(ms < boundMs, `${label}: took ${ms.toFixed(0)} ms`);
  const internal = r.diagnostics.find((d) => d.code === 'INTERNAL_ERROR');
  assert.equal(internal, undefined, `${label}: ${internal?.message}\n--- input ---\n${src.slice(0, 2000)}`);
  for (const d of r.diagnostics) assert.ok(d.message && d.code && d.location?.file, `${label}: malformed diagnostic ${JSON.stringify(d)}`);
  return ms;
}

test('fuzz: 3,000 mutations of real manifests and templates give diagnostics only', (t) => {
  let files = existsSync(CORPUS) ? findManifestFiles(CORPUS) : [];
  if (!files.length) {
    t.diagnostic(`${CORPUS} is absent: fuzzing the corner fixtures only`);
    files = findManifestFiles(CORNERS);
  }
  const r = rng(20261124);
  const started = performance.now();
  let count = 0;
  for (let k = 0; k < 3000; k++) {
    const file = files[Math.floor(r() * files.length)];
    let src = readFileSync(file, 'utf8');
    const rounds = 1 + Math.floor(r() * 4);
    for (let m = 0; m < rounds; m++) src = mutate(src, r);
    assertOnlyDiagnostics(src, file.endsWith('.epp'), `mutation ${k} of ${file}`);
    count++;
  }
  t.diagnostic(`${count} mutated inputs in ${(performance.now() - started).toFixed(0)} ms`);
});

test('10,000 nested brackets, parentheses, braces, negations and interpolations', () => {
  const n = 10_000;
  const cases: [string, string][] = [
    ['lists', '$a = ' + '['.repeat(n) + ']'.repeat(n)],
    ['parentheses', '$a = ' + '('.repeat(n) + '1' + ')'.repeat(n)],
    ['hashes', '$a = ' + '{a=>'.repeat(n) + '1' + '}'.repeat(n)],
    ['ifs', 'if $a { '.repeat(n) + '}'.repeat(n)],
    ['nots', '$a = ' + '!'.repeat(n) + '$b'],
    ['minuses', '$a = ' + '- '.repeat(n) + '1'],
    ['interpolations', '$a = ' + '"${'.repeat(n) + '1' + '}"'.repeat(n)],
    ['unclosed', '$a = ' + '['.repeat(n)],
    ['access', '$a = $b' + '[1]'.repeat(n)],
    ['method chain', '$a = $b' + '.c'.repeat(n)],
    ['arithmetic chain', '$a = 1' + ' + 1'.repeat(n)],
  ];
  for (const [name, src] of cases) {
    assertOnlyDiagnostics(src, false, name, 5000);
    const r = parse(src, 'deep.pp');
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'), `${name}: an error is reported`);
  }
});

test('chains of a few hundred operators, accesses and method calls are fine', () => {
  for (const src of ['$a = 1' + ' + 1'.repeat(300), '$a = $b' + '[1]'.repeat(300), '$a = $b' + '.c'.repeat(300)]) {
    const r = parse(src, 'long.pp');
    assert.deepEqual(r.diagnostics.map((d) => d.message), []);
  }
});

test('a 50 MB file is refused with an error, quickly', () => {
  const line = "file { '/tmp/x': ensure => file, mode => '0644' }\n";
  const big = line.repeat(Math.ceil((50 * 1024 * 1024) / line.length));
  const t0 = performance.now();
  const r = parse(big, 'big.pp');
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(r.diagnostics[0].code, 'SOURCE_TOO_LARGE');
  assert.ok(big.length > MAX_SOURCE_LENGTH);
});

test('a large file within the limit parses (about 5 MB)', () => {
  const line = "file { '/tmp/x': ensure => file, mode => \"0644${x}\" }\n";
  const src = line.repeat(Math.floor((5 * 1024 * 1024) / line.length));
  const t0 = performance.now();
  const r = parse(src, 'large.pp');
  assert.deepEqual(r.diagnostics, []);
  assert.ok(performance.now() - t0 < 20_000);
});

test('invalid UTF-8 in a file is an error with its line', () => {
  const dir = tempDir();
  const f = join(dir, 'bad.pp');
  writeFileSync(f, Buffer.concat([Buffer.from("$a = 1\n$b = '"), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from("'\n")]));
  const r = parseFile(f);
  assert.equal(r.diagnostics[0].code, 'INVALID_UTF8');
  assert.equal(r.diagnostics[0].location?.line, 2);
});

test('NUL bytes, lone surrogates and stray control characters give diagnostics', () => {
  for (const src of ['$a = \u0000', '$a = "\ud800"', '\u0001\u0002 class', '$a = 1 \u200b', '@(', '@(END', '<<|', '$a = /', '"${', "'", '/*']) {
    assertOnlyDiagnostics(src, false, JSON.stringify(src));
    assertOnlyDiagnostics(src, true, JSON.stringify(src));
  }
});
