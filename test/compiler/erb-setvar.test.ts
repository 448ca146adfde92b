// scope.setvar from ERB and templates changing the Arrays/Hashes they see, as
// in Puppet 7 (apache's vhost templates depend on both). The expected values
// were taken from real Puppet 7.23 (`puppet apply` of the same manifests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { kurokoCompile, errorCore, type Outcome } from './harness.js';

function moduleDir(templates: Record<string, string>): string {
  const root = tempDir('kuroko-setvar-');
  const dir = join(root, 'tpl', 'templates');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(templates)) writeFileSync(join(dir, name), text);
  return root;
}

function compile(code: string, modulepath: string[] = []): Outcome {
  const manifest = join(tempDir('kuroko-setvar-'), 'site.pp');
  writeFileSync(manifest, code);
  return kurokoCompile({ id: 'setvar', manifest, modulepath }, { networking: { fqdn: 'node1.test.com' } });
}

function messages(o: Outcome): Record<string, unknown> {
  if ('error' in o) assert.fail(`compile failed: ${o.error}`);
  const out: Record<string, unknown> = {};
  for (const r of o.catalog.resources) if (r.type === 'Notify') out[r.title] = r.parameters?.message;
  return out;
}

test('setvar stores the Hash itself: filled later, read back by a nested template', () => {
  const mp = moduleDir({
    // As apache's vhost/_directories.erb and vhost/_require.erb.
    'outer.erb': "<%- scope.setvar('_template_scope', {}) -%>\n"
      + "<%- ['a', 'b'].each do |item| -%>\n"
      + "<%- scope.lookupvar('_template_scope')[:item] = item -%>\n"
      + "<%= scope.function_template(['tpl/inner.erb']) -%>\n"
      + '<%- end -%>\n'
      + '<%= @_template_scope.inspect %> <%= scope.lookupvar(\'_template_scope\').class %>\n',
    'inner.erb': "<%- _item = scope.lookupvar('_template_scope')[:item] -%>\nitem=<%= _item %>\n",
  });
  const manifest = `
    define d() { notify { "d\${title}": message => template('tpl/outer.erb') } }
    d { 'x': }
    d { 'y': }
    class c { notify { 'c': message => template('tpl/outer.erb') } notify { 'seen': message => "\${_template_scope}" } }
    include c
  `;
  const m = messages(compile(manifest, [mp]));
  // @_template_scope is nil: instance variables are copied when the template starts.
  const expected = 'item=a\nitem=b\nnil Hash\n';
  assert.equal(m.dx, expected);
  assert.equal(m.dy, expected, 'each define instance has its own scope to set the variable in');
  assert.equal(m.c, expected);
  assert.equal(m.seen, '{item => b}', 'Puppet code sees the Hash as the template left it (symbol keys as strings)');
});

test('setvar refuses what Puppet refuses, naming the template and line', () => {
  const again = compile(`notify { 'z': message => inline_template("<% scope.setvar('y', 1) %>\\n<% scope.setvar('y', 2) %>") }`);
  assert.ok('error' in again);
  assert.match(errorCore(again.error), /Cannot reassign variable '\$y'/);
  assert.match(again.error, /inline_template line 2/);
  const existing = compile(`$x = 1\nnotify { 'z': message => inline_template("<% scope.setvar('x', 2) %>") }`);
  assert.ok('error' in existing);
  assert.match(existing.error, /Cannot reassign variable '\$x'/);
  const reserved = compile(`notify { 'z': message => inline_template("<% scope.setvar('facts', 2) %>") }`);
  assert.ok('error' in reserved);
  assert.match(reserved.error, /Attempt to assign to a reserved variable name: 'facts'/);
});

test('setvar sets in the calling scope: local in a lambda, qualified in a class', () => {
  const m = messages(compile(`
    [1].each |$i| { notify { 'w': message => inline_template("<% scope.setvar('y', [1]) %>") } notify { "in\${y}": } }
    notify { "out-\${y}-": }
    class k { notify { 'kk': message => inline_template("<% scope.setvar('r', 5) %>") } }
    include k
    notify { "kr\${k::r}": }
  `));
  assert.ok('in[1]' in m, `keys: ${Object.keys(m).join(', ')}`);
  assert.ok('out--' in m, 'a variable set in a lambda is gone after it');
  assert.ok('kr5' in m);
});

test("a template's << and []= change the Puppet Array and Hash it was given", () => {
  const m = messages(compile(`
    $list = ['a']
    $h = {'k' => 'v'}
    notify { 'm': message => inline_template("<% @list << 'b' %><% @h['n'] = 1.5 %><% @list << :sym %>") }
    notify { 'l': message => "\${list} \${h}" }
  `));
  assert.equal(m.l, '[a, b, sym] {k => v, n => 1.5}');
});
