// How the compiler plugs in: template() from a template renders another
// template with the same scope, and values set with scope.setvar come back as
// the same object (apache's vhost templates rely on both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileErb, renderErb, sym, type ErbScope, type ErbValue } from '../../../src/compiler/erb/index.js';

test('nested template() sees what the outer template stored with setvar', () => {
  const files: Record<string, string> = {
    'apache/vhost/_directories.erb': `<%- scope.setvar('_template_scope', {}) -%>\n<%- @dirs.each do |d| -%>\n<%- scope.lookupvar('_template_scope')[:item] = d -%>\n<Directory <%= d['path'] %>>\n<%= scope.function_template(["apache/vhost/_require.erb"]) -%>\n</Directory>\n<%- end -%>\n`,
    'apache/vhost/_require.erb': `<%- _item = scope.lookupvar('_template_scope')[:item] -%>\n  Require <%= _item['require'] || 'all granted' %>\n`,
  };
  const vars = new Map<string, ErbValue>([
    ['dirs', [new Map([['path', '/a'], ['require', 'ip 10.0.0.0/8']]), new Map([['path', '/b']])]],
  ]);
  const cache = new Map<string, ReturnType<typeof compileErb>>();
  const scope: ErbScope = {
    lookupvar: (n) => vars.get(n),
    setvar: (n, v) => void vars.set(n, v),
    callFunction: (name, args) => {
      assert.equal(name, 'template');
      const file = args[0] as string;
      let tpl = cache.get(file);
      if (!tpl) cache.set(file, (tpl = compileErb(files[file], file)));
      return renderErb(tpl, scope);
    },
  };
  const out = renderErb(compileErb(files['apache/vhost/_directories.erb'], 'apache/vhost/_directories.erb'), scope);
  assert.equal(out, '<Directory /a>\n  Require ip 10.0.0.0/8\n</Directory>\n<Directory /b>\n  Require all granted\n</Directory>\n');
  assert.ok((vars.get('_template_scope') as Map<ErbValue, ErbValue>).has(sym('item')));
});

test('plain objects from the host read as hashes; Puppet default is :default', () => {
  const scope: ErbScope = {
    lookupvar: (n) => (n === 'cfg' ? ({ a: 1, nested: { b: [true, null] } } as unknown as ErbValue) : n === 'd' ? sym('default') : undefined),
    callFunction: () => undefined,
  };
  const out = renderErb(compileErb('<%= @cfg["nested"]["b"].inspect %> <%= @cfg.keys.join(",") %> <%= @d == :default %> <%= @d %>', 't.erb'), scope);
  assert.equal(out, '[true, nil] a,nested true default');
});
