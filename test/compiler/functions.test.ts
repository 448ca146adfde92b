// Built-in function helpers whose exact Ruby behaviour matters: split, versioncmp, Ruby's Random for fqdn_rand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rubySplit, versioncmp } from '../../src/compiler/functions/data-functions.js';
import { rubyRandInt, fqdnRand } from '../../src/compiler/functions/ruby-random.js';

test("split drops trailing empty fields as Ruby's String#split does", () => {
  assert.deepEqual(rubySplit('a,b,,c,,', /,/), ['a', 'b', '', 'c']);
  assert.deepEqual(rubySplit('abc', ''), ['a', 'b', 'c']);
  assert.deepEqual(rubySplit('a1b22c', /\d+/), ['a', 'b', 'c']);
});

test('versioncmp orders versions as Puppet does', () => {
  assert.equal(versioncmp('1.2.3', '1.10.0'), -1);
  assert.equal(versioncmp('2.0', '2.0'), 0);
  assert.equal(versioncmp('10', '9'), 1);
  assert.equal(versioncmp('1.0-rc1', '1.0'), 1);
});

test("Ruby's MT19937: Random.new(42).rand(100) is 51, Random.new(2**40).rand(1000) is deterministic", () => {
  // Known values from Ruby: Random.new(42).rand(100) == 51; Random.new(1).rand(10) == 5.
  assert.equal(rubyRandInt(42n, 100), 51);
  assert.equal(rubyRandInt(1n, 10), 5);
  assert.equal(rubyRandInt(2n ** 40n, 1000), rubyRandInt(2n ** 40n, 1000));
  const v = fqdnRand('node1.test.com', 60, '');
  assert.ok(v >= 0 && v < 60);
});
