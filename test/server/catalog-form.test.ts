// The catalog request's form body: parseForm() must read every body exactly
// as URLSearchParams does (it replaces it for speed), including the agent's
// twice-encoded facts and malformed escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseForm, decodeFacts } from '../../src/server/v3-catalog.js';
import { catalogForm } from './harness.js';

test('parseForm reads bodies as URLSearchParams does', () => {
  const facts = encodeURIComponent(encodeURIComponent(JSON.stringify({ name: 'n', values: { s: 'a b+c&d=e%f €' } })));
  const cases = [
    'a=1&b=2', 'a=x+y%2Bz', 'a', 'a=&=b', '&&a=1&&', 'a=%zz&b=%E2%82%AC', 'a=%', 'a=%4', 'k%20ey=v%20al', 'a=1&a=2', 'x=%E2%82', 'x=a=b',
    `facts_format=application%2Fjson&facts=${facts}`, '', '=', '+=+', 'a=%%41', 'a=%C3%28',
  ];
  for (const c of cases) assert.deepEqual(parseForm(c), [...new URLSearchParams(c)], c);
});

test('the agent\'s form: the facts survive both encodings', () => {
  const values = { os: { family: 'Debian' }, weird: 'x+y %41 & = ; €' };
  const params = new URLSearchParams(parseForm(catalogForm('node1.test', values)));
  const doc = decodeFacts(params);
  assert.deepEqual(doc?.values, values);
  assert.equal(params.get('transaction_uuid'), '6f5b0e62-30e3-4a59-ae25-9b0d6f26a52e');
});
