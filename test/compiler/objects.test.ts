// Object types declared in the language (`type X = Object[{attributes => ...}]`).
// Expected values were recorded from Puppet 7.23 on the same manifests (the
// fixtures object_*.pp and err_exact_object_*.pp compare against live Puppet too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { compileSync } from '../../src/compiler/index.js';
import { KurokoError } from '../../src/util/diagnostic.js';

const DECL = "type MyObj = Object[{attributes => {a => Integer, b => {type => String, value => 'dflt'}}}]\n";

function compile(code: string) {
  const site = join(tempDir(), 'site.pp');
  writeFileSync(site, DECL + code);
  return compileSync({ certname: 'n1', facts: {}, environment: 'production', manifest: site, modulepath: [] }).catalog;
}

function message(expr: string): unknown {
  return compile(`notify { 'x': message => ${expr} }`).resources.find((r) => r.title === 'x')?.parameters?.message;
}

test('instances: new, the call form, attributes, defaults, equality, strings', () => {
  assert.deepEqual(message('MyObj.new(1)'), { __ptype: 'MyObj', a: 1 });
  assert.deepEqual(message("MyObj({a => 2, b => 'q'})"), { __ptype: 'MyObj', a: 2, b: 'q' });
  assert.deepEqual(message("[MyObj.new(1).a, MyObj.new(1).b, MyObj.new(a => 3).a, MyObj.new(1) =~ MyObj, MyObj.new(1) == MyObj(1), MyObj.new(1) == MyObj(2)]"),
    [1, 'dflt', 3, true, true, false]);
  assert.deepEqual(message("[String(MyObj.new(1)), \"${MyObj({a => 2, b => 'q'})}\"]"), ["MyObj({'a' => 1})", "MyObj({'a' => 2, 'b' => 'q'})"]);
});

test('the type as data: its init hash', () => {
  const init = { name: 'MyObj', attributes: { a: { __ptype: 'Pcore::IntegerType' }, b: { type: { __ptype: 'Pcore::StringType' }, value: 'dflt' } } };
  assert.deepEqual(message('[type(MyObj.new(1)), MyObj]'), [{ __ptype: 'Pcore::ObjectType', _pcore_init_hash: init }, { __ptype: 'Pcore::ObjectType', _pcore_init_hash: init }]);
});

test('a parent type: inherited attributes first', () => {
  const m = compile("type Pt = Object[{attributes => {x => Integer, y => Integer}}]\ntype Pt3 = Object[{parent => Pt, attributes => {z => Integer}}]\n$p = Pt3.new(1, 2, 3)\nnotify { 'x': message => [$p, $p.x, $p.z, $p =~ Pt, String($p)] }")
    .resources.find((r) => r.title === 'x')?.parameters?.message;
  assert.deepEqual(m, [{ __ptype: 'Pt3', x: 1, y: 2, z: 3 }, 1, 3, true, "Pt3({'x' => 1, 'y' => 2, 'z' => 3})"]);
});

test("new() errors in Puppet's words", () => {
  const fails = (code: string, want: string) => assert.throws(() => compile(code), (e: unknown) => {
    assert.ok(e instanceof KurokoError);
    assert.equal(e.message, want);
    return true;
  });
  fails('$x = MyObj.new()', "Evaluation Error: Error while evaluating a Method call, 'new_MyObj' expects between 1 and 2 arguments, got none");
  fails('$x = MyObj.new(1, 2, 3)', "Evaluation Error: Error while evaluating a Method call, 'new_MyObj' expects between 1 and 2 arguments, got 3");
  fails("$x = MyObj.new('str')", [
    "Evaluation Error: Error while evaluating a Method call, The function 'new_MyObj' was called with arguments it does not accept. It expects one of:",
    "  (Struct[{'a' => Integer, Optional['b'] => String}] hash)",
    "    rejected: parameter 'hash' expects a Struct value, got String",
    '  (Integer a, String b?)',
    "    rejected: parameter 'a' expects an Integer value, got String",
  ].join('\n'));
});
