// `strict` (off, warning, error) wherever Puppet 7 applies it: numeric
// coercion, duplicate hash keys, unknown variables, overriding a resource
// that has already been evaluated, unparsable module metadata. Messages and
// locations were taken from real Puppet 7.23 (`Puppet[:strict]` set, same manifests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { compileSync, type CompileResult } from '../../src/compiler/index.js';
import { KurokoError } from '../../src/util/diagnostic.js';

type Strict = 'off' | 'warning' | 'error';

function compile(code: string, strict: Strict, modulepath: string[] = []): CompileResult & { site: string } {
  const site = join(tempDir(), 'site.pp');
  writeFileSync(site, code);
  return { site, ...compileSync({ certname: 'n1', facts: {}, environment: 'production', manifest: site, modulepath, strict }) };
}

function warnings(r: CompileResult): string[] {
  return r.logs.filter((l) => l.level === 'warning').map((l) => l.message);
}

function fails(code: string, strict: Strict, message: RegExp, line: number, column?: number, modulepath: string[] = []): void {
  assert.throws(() => compile(code, strict, modulepath), (e: unknown) => {
    assert.ok(e instanceof KurokoError, String(e));
    assert.match(e.message, message);
    assert.equal(e.location?.line, line);
    if (column !== undefined) assert.equal(e.location?.column, column);
    assert.equal(e.node, 'n1');
    return true;
  });
}

test('NUMERIC_COERCION: a warning at the string operand, an error with strict=error, nothing with strict=off', () => {
  const code = '$a = "1" + 1\n$b = "2.5" * 2\n$c = 3 - "0x10"\nnotify { \'n\': message => [$a, $b, $c] }';
  const w = compile(code, 'warning');
  assert.deepEqual(warnings(w), [
    `The string '1' was automatically coerced to the numerical value 1 (file: ${w.site}, line: 1, column: 6)`,
    `The string '2.5' was automatically coerced to the numerical value 2.5 (file: ${w.site}, line: 2, column: 6)`,
    `The string '0x10' was automatically coerced to the numerical value 16 (file: ${w.site}, line: 3, column: 10)`,
  ]);
  assert.deepEqual(warnings(compile(code, 'off')), []);
  fails(code, 'error', /^Evaluation Error: The string '1' was automatically coerced to the numerical value 1$/, 1, 6);
});

test('DUPLICATE_KEY: a validation warning, a parse error with strict=error, silent with strict=off', () => {
  const code = "$h = { 'a' => 1, 'b' => 2, 'a' => 3 }\nnotify { 'n': message => $h }";
  const w = compile(code, 'warning');
  assert.deepEqual(w.catalog.resources.find((r) => r.type === 'Notify')?.parameters, { message: { a: 3, b: 2 } });
  assert.deepEqual(warnings(w), [`The key 'a' is declared more than once (file: ${w.site}, line: 1, column: 32)`]);
  assert.deepEqual(warnings(compile(code, 'off')), []);
  fails(code, 'error', /^Could not parse for environment production: The key 'a' is declared more than once$/, 1, 32);
});

test('UNKNOWN_VARIABLE follows strict when strict_variables is off (qualified names too)', () => {
  const code = "class notyet { $v = 1 }\nnotify { 'a': message => \"[${notyet::v}][${::nope}]\" }";
  assert.deepEqual(warnings(compile(code, 'warning')).map((m) => m.replace(/ \(file: .*$/, '')), ["Unknown variable: 'notyet::v'.", "Unknown variable: '::nope'."]);
  assert.deepEqual(warnings(compile(code, 'off')), []);
  fails(code, 'error', /^Evaluation Error: Unknown variable: 'notyet::v'\.$/, 2, 30);
});

test('overriding a defined resource that has already been evaluated: warning, error or nothing', () => {
  const code = [
    'define d($p = 1) { notify { "d-${title}": message => $p } }',
    "class base { d { 'a': } }",
    'define trig() { include sub }',
    'class sub inherits base {',
    "  D['a'] { p => 2 }",
    '}',
    'include base',
    "trig { 'x': }",
  ].join('\n');
  const w = compile(code, 'warning');
  assert.deepEqual(warnings(w), [`Attempt to override an already evaluated resource, defined at (file: ${w.site}, line: 2), with new values (file: ${w.site}, line: 5)`]);
  // The define's body already ran with the old value.
  assert.deepEqual(w.catalog.resources.find((r) => r.title === 'd-a')?.parameters, { message: 1 });
  assert.deepEqual(warnings(compile(code, 'off')), []);
  // Raised inside trig's body: Puppet 7.23 names trig's declaration (line 8), the inner error bare.
  fails(code, 'error', /^Evaluation Error: Error while evaluating a Resource Statement, Attempt to override an already evaluated resource, defined at \(file: .*, line: 2\), with new values \(file: .*, line: 5\)$/, 8);
});

test('a class cannot be the target of a resource override', () => {
  fails("class cc($p = 1) { }\nclass { 'cc': }\nClass['cc'] { p => 2 }", 'warning', /^Evaluation Error: Resource Override can only operate on resources, got: Class\[cc\]-Type$/, 3);
});

test('an unparsable metadata.json: a warning, an error-level log with strict=error, nothing with strict=off; the compile goes on', () => {
  const mp = tempDir();
  mkdirSync(join(mp, 'badmeta', 'manifests'), { recursive: true });
  writeFileSync(join(mp, 'badmeta', 'metadata.json'), '{ "name": "x", ');
  mkdirSync(join(mp, 'okmod', 'manifests'), { recursive: true });
  writeFileSync(join(mp, 'okmod', 'metadata.json'), '{"name": "x-okmod"}');
  writeFileSync(join(mp, 'okmod', 'manifests', 'init.pp'), "class okmod { notify { 'ok': } }");
  const msg = /^badmeta has an invalid and unparsable metadata\.json file\. The parse error: /;
  const w = compile('include okmod', 'warning', [mp]);
  assert.equal(warnings(w).length, 1);
  assert.match(warnings(w)[0], msg);
  const e = compile('include okmod', 'error', [mp]);
  assert.ok(e.catalog.resources.some((r) => r.title === 'ok'));
  assert.match(e.logs.find((l) => l.level === 'err')?.message ?? '', msg);
  assert.equal(compile('include okmod', 'off', [mp]).logs.length, 0);
});

test("hiera.yaml version 3 in an environment: ignored with Puppet's warnings, an error with strict=error", () => {
  const envs = tempDir();
  const env = join(envs, 'production');
  mkdirSync(join(env, 'manifests'), { recursive: true });
  mkdirSync(join(env, 'hieradata'), { recursive: true });
  writeFileSync(join(env, 'hiera.yaml'), '---\n:backends:\n  - yaml\n:hierarchy:\n  - common\n');
  writeFileSync(join(env, 'hieradata', 'common.yaml'), "k: 'from v3'\n");
  writeFileSync(join(env, 'manifests', 'site.pp'), "notify { 'x': message => lookup('k', undef, undef, 'dflt') }\n");
  const run = (strict: Strict) => compileSync({ certname: 'n1', facts: {}, environment: 'production', environmentpath: envs, strict });
  const file = join(env, 'hiera.yaml');
  const w = run('warning');
  assert.equal(w.catalog.resources.find((r) => r.title === 'x')?.parameters?.message, 'dflt');
  assert.deepEqual(warnings(w), [
    `${file}: Use of 'hiera.yaml' version 3 is deprecated. It should be converted to version 5`,
    'hiera.yaml version 3 found at the environment root was ignored',
  ]);
  assert.deepEqual(warnings(run('off')), ['hiera.yaml version 3 found at the environment root was ignored']);
  assert.throws(() => run('error'), /hiera\.yaml version 3 cannot be used in an environment/);
});

test('deprecated built-in forms warn once per compile, as Puppet.warn_once prints them', () => {
  const r = compile("notify { 'a': message => [empty(1), empty(2), abs('-3'), abs('-2.5'), max('10', '9')] }", 'warning');
  assert.deepEqual(r.catalog.resources.find((x) => x.title === 'a')?.parameters?.message, [false, false, 3, 2.5, '10']);
  assert.deepEqual(warnings(r), [
    `Calling function empty() with Numeric value is deprecated.\n   (file: ${r.site}, line: 1)`,
    "The abs() function's auto conversion of String to Numeric is deprecated - change to convert input before calling\n   (file & line not available)",
    "The max() function's auto conversion of String to Numeric is deprecated - change to convert input before calling, or use lambda\n   (file & line not available)",
  ]);
});
