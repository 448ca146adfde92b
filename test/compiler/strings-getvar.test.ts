// String() formats and getvar() as Puppet 7 has them. Expected values were
// taken from real Puppet 7.23 (`puppet apply --noop`) on the same manifests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { compileSync } from '../../src/compiler/index.js';

function messages(code: string): Record<string, unknown> {
  const site = join(tempDir(), 'site.pp');
  writeFileSync(site, code);
  const { catalog } = compileSync({ certname: 'n1', facts: {}, environment: 'production', manifest: site, modulepath: [] });
  const out: Record<string, unknown> = {};
  for (const r of catalog.resources) if (r.type === 'Notify') out[r.title] = r.parameters?.message;
  return out;
}

test('String() quotes the strings inside collections; interpolation does not; Floats default to %f', () => {
  const m = messages([
    "$h = {'a' => 1, 'b' => ['x', 2, undef, 1.5, true]}",
    "notify { 'str': message => String($h) }",
    'notify { \'interp\': message => "${h}" }',
    "notify { 'strarr': message => String(['x', 'y']) }",
    "notify { 'p': message => String('x', '%p') }",
    "notify { 'num': message => String(1.50) }",
    "notify { 'empty': message => String([]) }",
  ].join('\n'));
  assert.deepEqual(m, {
    str: "{'a' => 1, 'b' => ['x', 2, undef, 1.5, true]}",
    interp: '{a => 1, b => [x, 2, , 1.5, true]}',
    strarr: "['x', 'y']",
    p: "'x'",
    num: '1.500000',
    empty: '[]',
  });
});

test('getvar() of a qualified name follows the class it inherits, as $a::b::x does', () => {
  const m = messages([
    "class g { $s = {'a' => 1} }",
    'class p inherits g { $own = 2 }',
    'include p',
    "notify { 'own': message => String(getvar('p::own')) }",
    "notify { 'inh': message => String(getvar('p::s')) }",
    "notify { 'qual': message => String($p::s) }",
    "notify { 'missing': message => String(getvar('p::nope', 'dflt')) }",
  ].join('\n'));
  assert.deepEqual(m, { own: '2', inh: "{'a' => 1}", qual: "{'a' => 1}", missing: 'dflt' });
});
