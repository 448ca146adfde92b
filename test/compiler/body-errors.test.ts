// Errors raised inside defined-type and class bodies, with the location text
// Puppet 7.23 prints (recorded from `puppet catalog compile` on the same
// manifests): a define body's error is reported as its declaring resource
// statement failing (file and line, no column) after the inner error and its
// own location; a class body's error is not wrapped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { compileSync } from '../../src/compiler/index.js';
import { KurokoError, locationSuffix } from '../../src/util/diagnostic.js';

/** The whole text as Puppet prints it: message, location suffix, node. */
function failure(code: string, opts: { strictVariables?: boolean; modules?: Record<string, string> } = {}): { text: string; site: string; mp: string } {
  const dir = tempDir();
  const site = join(dir, 'site.pp');
  writeFileSync(site, code);
  const mp = join(dir, 'modules');
  for (const [rel, text] of Object.entries(opts.modules ?? {})) {
    mkdirSync(join(mp, rel, '..'), { recursive: true });
    writeFileSync(join(mp, rel), text);
  }
  try {
    compileSync({ certname: 'node1.test.com', facts: {}, environment: 'production', manifest: site, modulepath: [mp], strictVariables: opts.strictVariables ?? false });
  } catch (e) {
    assert.ok(e instanceof KurokoError, String(e));
    return { text: e.message + locationSuffix(e.location, e.node), site, mp };
  }
  assert.fail('the compile succeeded');
}

test('fail() in a define body: the inner error, then the declaration site without a column', () => {
  const { text, site } = failure('define foo($x) {\n  notify { "a": }\n  fail("boom ${x}")\n}\nfoo { \'t1\': x => 1 }\n');
  assert.equal(text, `Evaluation Error: Error while evaluating a Resource Statement, Evaluation Error: Error while evaluating a Function Call, boom 1 (file: ${site}, line: 3, column: 3) (file: ${site}, line: 5) on node node1.test.com`);
});

test('an unknown variable under strict_variables in a define body', () => {
  const { text, site } = failure("define foo($x) {\n  notify { \"a\": message => $nope }\n}\nfoo { 't1': x => 1 }\n", { strictVariables: true });
  assert.equal(text, `Evaluation Error: Error while evaluating a Resource Statement, Evaluation Error: Unknown variable: 'nope'. (file: ${site}, line: 2, column: 28) (file: ${site}, line: 4) on node node1.test.com`);
});

test('a module define declared from a module class names the class file', () => {
  const { text, mp } = failure('include m::c\n', {
    modules: {
      'm/manifests/d.pp': 'define m::d($v = 1) {\n  notify { "md ${title}": }\n  fail("md ${v}")\n}\n',
      'm/manifests/c.pp': "class m::c {\n  m::d { 'fromc': }\n}\n",
    },
  });
  const d = join(mp, 'm/manifests/d.pp'), c = join(mp, 'm/manifests/c.pp');
  assert.equal(text, `Evaluation Error: Error while evaluating a Resource Statement, Evaluation Error: Error while evaluating a Function Call, md 1 (file: ${d}, line: 3, column: 3) (file: ${c}, line: 2) on node node1.test.com`);
});

test('a define declared by a define: wrapped once, at the inner declaration', () => {
  const { text, site } = failure("define leaf() {\n  fail(\"leaf ${title}\")\n}\ndefine branch() {\n  leaf { \"l-${title}\": }\n}\nbranch { 'b': }\n");
  assert.equal(text, `Evaluation Error: Error while evaluating a Resource Statement, Evaluation Error: Error while evaluating a Function Call, leaf l-b (file: ${site}, line: 2, column: 3) (file: ${site}, line: 5) on node node1.test.com`);
});

test('an undef access and a duplicate inside a define body keep the inner expression position', () => {
  const a = failure("define foo() { $x = $facts['nope']['deeper'] notify{$x:} }\nfoo { 'x': }\n");
  assert.equal(a.text, `Evaluation Error: Error while evaluating a Resource Statement, Evaluation Error: Operator '[]' is not applicable to an Undef Value. (file: ${a.site}, line: 1, column: 21) (file: ${a.site}, line: 2) on node node1.test.com`);
  const b = failure("define foo() { notify { 'dup': } notify { 'dup': } }\nfoo { 'x': }\n");
  assert.equal(b.text, `Evaluation Error: Error while evaluating a Resource Statement, Evaluation Error: Error while evaluating a Resource Statement, Duplicate declaration: Notify[dup] is already declared at (file: ${b.site}, line: 1); cannot redeclare (file: ${b.site}, line: 1) (file: ${b.site}, line: 1, column: 34) (file: ${b.site}, line: 2) on node node1.test.com`);
});

test('a define parameter mismatch is reported at the resource, file and line only', () => {
  const { text, site } = failure("define foo(Integer $p) { }\nfoo { 'x': p => 'str' }\n");
  assert.equal(text, `Evaluation Error: Error while evaluating a Resource Statement, Foo[x]: parameter 'p' expects an Integer value, got String (file: ${site}, line: 2) on node node1.test.com`);
});

test('class bodies: not wrapped; a resource-like declaration points at the expression start', () => {
  const a = failure("class bar {\n  notify { 'b': }\n  fail('cls')\n}\ninclude bar\n");
  assert.equal(a.text, `Evaluation Error: Error while evaluating a Function Call, cls (file: ${a.site}, line: 3, column: 3) on node node1.test.com`);
  const b = failure("class c(Integer $p) { }\nclass { 'c': p => 'str' }\n");
  assert.equal(b.text, `Evaluation Error: Error while evaluating a Resource Statement, Class[C]: parameter 'p' expects an Integer value, got String (file: ${b.site}, line: 2, column: 1) on node node1.test.com`);
});

test('assigning reserved variables: at top scope, and in class or define scope', () => {
  const a = failure('$facts = 1\n');
  assert.equal(a.text, `Evaluation Error: Attempt to assign to a reserved variable name: '$facts' (file: ${a.site}, line: 1, column: 8) on node node1.test.com`);
  const b = failure('class ar2 {\n  $facts = {}\n}\ninclude ar2\n');
  assert.equal(b.text, `Evaluation Error: Error while evaluating a '=' expression, Attempt to assign to a reserved variable name: 'facts' (file: ${b.site}, line: 2, column: 10) on node node1.test.com`);
});

test('evaluation errors carry the "Evaluation Error: " prefix and the operator position', () => {
  const cases: [string, string][] = [
    ['$x = 1 < \'a\'\n', "Evaluation Error: Comparison of: Integer < String, is not possible. Caused by 'A Numeric is not comparable to non Numeric'. (file: F, line: 1, column: 8)"],
    ['$x = {} + 1\n', "Evaluation Error: Error while evaluating a '+' expression, Can only append Array or Hash to a Hash (file: F, line: 1, column: 9)"],
    ["$x = 'q' ? {'a'=>1}\n", "Evaluation Error: No matching entry for selector parameter with value 'q' (file: F, line: 1, column: 6)"],
    ['$x = [1][1,2,3]\n', 'Evaluation Error: Array supports [] with one or two arguments. Got 3 (file: F, line: 1, column: 6)'],
    ['[$a, $b] = [1]\n', 'Evaluation Error: Mismatched number of assignable entries and values, expected 2, got 1 (file: F, line: 1, column: 10)'],
    ["notify { 'a': * => 1 }\n", 'Evaluation Error: Expected value of type Hash, got Integer (file: F, line: 1, column: 20)'],
    ['$x = undef $y = $x[1]\n', "Evaluation Error: Operator '[]' is not applicable to an Undef Value. (file: F, line: 1, column: 17)"],
    ['$x = 1.0 << 1\n', "Evaluation Error: Operator '<<' is not applicable to a Float. (file: F, line: 1, column: 6)"],
  ];
  for (const [code, want] of cases) {
    const r = failure(code);
    assert.equal(r.text.replace(r.site, 'F'), `${want} on node node1.test.com`, code);
  }
});
