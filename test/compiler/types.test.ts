// The type system: instance checks, assignability, type printing and Puppet's mismatch texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ArrayType, EnumType, HashType, IntegerType, OptionalType, PatternType, StringType, StructType, TupleType, VariantType,
  TypeAliasType, DATA, SCALAR_DATA, INTEGER, STRING, inferType, generalize, typeNameOf, NotUndefType, BooleanType,
} from '../../src/compiler/types/types.js';
import { describeMismatch } from '../../src/compiler/types/mismatch.js';
import { PFloat, PRegexp, hashFromObject, valuesEqual, DEFAULT } from '../../src/compiler/types/values.js';

test('instance checks of core types', () => {
  assert.ok(new IntegerType(1, 5).isInstance(3));
  assert.ok(!new IntegerType(1, 5).isInstance(6));
  assert.ok(!INTEGER.isInstance(new PFloat(1)));
  assert.ok(new StringType(2).isInstance('ab') && !new StringType(2).isInstance('a'));
  assert.ok(new EnumType(['a', 'b']).isInstance('a') && !new EnumType(['a']).isInstance('A'));
  assert.ok(new EnumType(['a'], true).isInstance('A'));
  assert.ok(new PatternType([new PRegexp('^x\\d+$')]).isInstance('x12'));
  assert.ok(new ArrayType(INTEGER, 1).isInstance([1]) && !new ArrayType(INTEGER, 1).isInstance([]));
  assert.ok(new HashType(STRING, INTEGER).isInstance(hashFromObject({ a: 1 })));
  assert.ok(new TupleType([INTEGER, STRING]).isInstance([1, 'a']) && !new TupleType([INTEGER, STRING]).isInstance([1]));
  const st = new StructType([{ key: 'a', value: INTEGER, optional: false }, { key: 'b', value: new OptionalType(STRING), optional: true }]);
  assert.ok(st.isInstance(hashFromObject({ a: 1 })));
  assert.ok(!st.isInstance(hashFromObject({ a: 1, c: 2 })));
  assert.ok(DATA.isInstance([1, 'a', hashFromObject({ k: [true] }), undefined]));
  assert.ok(!DATA.isInstance(DEFAULT));
  assert.ok(new OptionalType(STRING).isInstance(undefined));
  assert.ok(!new NotUndefType().isInstance(undefined));
  assert.ok(new VariantType([INTEGER, new BooleanType()]).isInstance(true));
});

test('assignability', () => {
  assert.ok(INTEGER.isAssignable(new IntegerType(1, 5)));
  assert.ok(!new IntegerType(1, 5).isAssignable(INTEGER));
  assert.ok(SCALAR_DATA.isAssignable(STRING) && DATA.isAssignable(new ArrayType(INTEGER)));
  assert.ok(STRING.isAssignable(new EnumType(['a'])));
  assert.ok(new OptionalType(INTEGER).isAssignable(new IntegerType(0, 1)));
  assert.ok(new ArrayType(INTEGER).isAssignable(new TupleType([INTEGER, new IntegerType(1, 1)])));
});

test('type printing and inference', () => {
  assert.equal(new IntegerType(1, 10).toString(), 'Integer[1, 10]');
  assert.equal(new IntegerType(1).toString(), 'Integer[1]');
  assert.equal(new StringType(1).toString(), 'String[1]');
  assert.equal(new EnumType(['a', "b'c"]).toString(), "Enum['a', 'b\\'c']");
  assert.equal(new ArrayType(STRING).toString(), 'Array[String]');
  assert.equal(new HashType(STRING, INTEGER).toString(), 'Hash[String, Integer]');
  assert.equal(new OptionalType(STRING).toString(), 'Optional[String]');
  assert.equal(generalize(inferType([1, 'a'])).toString(), 'Array[ScalarData]');
  assert.equal(typeNameOf('x'), 'String');
  assert.equal(typeNameOf(new PFloat(1.5)), 'Float');
  assert.equal(typeNameOf(undefined), 'Undef');
});

test("mismatch texts in Puppet's words", () => {
  assert.deepEqual(describeMismatch("parameter 'x'", INTEGER, 's'), ["parameter 'x' expects an Integer value, got String"]);
  assert.deepEqual(describeMismatch("parameter 'x'", new StringType(1), ''), ["parameter 'x' expects a String[1] value, got String"]);
  assert.deepEqual(describeMismatch("parameter 'z'", new OptionalType(STRING), 1), ["parameter 'z' expects a value of type Undef or String, got Integer"]);
  assert.deepEqual(describeMismatch("parameter 'e'", new EnumType(['a', 'b']), 'c'), ["parameter 'e' expects a match for Enum['a', 'b'], got 'c'"]);
  assert.deepEqual(describeMismatch("parameter 'a'", new ArrayType(INTEGER), [1, 'x']), ["parameter 'a' index 1 expects an Integer value, got String"]);
  assert.deepEqual(describeMismatch("parameter 'h'", new HashType(STRING, INTEGER), hashFromObject({ a: 'b' })), ["parameter 'h' entry 'a' expects an Integer value, got String"]);
  assert.deepEqual(describeMismatch("parameter 'v'", new VariantType([INTEGER, new BooleanType()]), 's'), ["parameter 'v' expects a value of type Integer or Boolean, got String"]);
  const alias = new TypeAliasType('Mymod::Port');
  alias.resolved = new IntegerType(1, 65535);
  assert.deepEqual(describeMismatch("parameter 'p'", alias, 70000), ["parameter 'p' expects a Mymod::Port = Integer[1, 65535] value, got Integer[70000, 70000]"]);
  assert.deepEqual(describeMismatch('', INTEGER, 1), []);
});

test("Puppet's == : case-insensitive strings, numeric equality, deep collections", () => {
  assert.ok(valuesEqual('ABC', 'abc'));
  assert.ok(!valuesEqual('ABC', 'abc', true));
  assert.ok(valuesEqual(1, new PFloat(1)));
  assert.ok(valuesEqual([1, hashFromObject({ a: 'X' })], [1, hashFromObject({ a: 'x' })]));
  assert.ok(!valuesEqual('1', 1));
});
