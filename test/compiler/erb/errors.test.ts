// Errors name the template and line; unsupported Ruby names the construct;
// the scope contract (lookupvar, callFunction, value conversion) holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileErb, renderErb, ErbFloat, sym, type ErbScope, type ErbValue } from '../../../src/compiler/erb/index.js';
import { KurokoError } from '../../../src/util/diagnostic.js';
import { FakeScope, render } from './helpers.js';

function erbError(fn: () => unknown): KurokoError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KurokoError, `expected KurokoError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

test('unsupported constructs name file, line and construct', () => {
  const cases: [string, number, RegExp][] = [
    ['a\n<% def foo(a = 1); end %>', 2, /method definition \(def\) with default/],
    ['<% class Foo; end %>', 1, /class definition \(class\)/],
    ['x\ny\n<%= f(<<-A, <<-B)\na\nA\nb\nB\n%>', 3, /heredoc/],
    ['<% f = ->(x) { x } %>', 1, /lambda/],
    ['<% yield %>', 1, /yield/],
  ];
  for (const [src, line, what] of cases) {
    const e = erbError(() => compileErb(src, '/m/templates/foo.erb'));
    assert.equal(e.code, 'ERB_UNSUPPORTED', src);
    assert.match(e.message, /^Unsupported Ruby in template \/m\/templates\/foo\.erb line \d+: /);
    assert.match(e.message, what);
    assert.equal(e.location?.line, line, src);
    assert.equal(e.location?.file, '/m/templates/foo.erb');
  }
});

test('unsupported at run time: require, setvar, unknown constants', () => {
  for (const [src, what] of [
    ["<% require 'yaml' %>", /require "yaml"/],
    ["<% scope.to_hash %>", /scope\.to_hash/],
    ['<%= Socket.gethostname %>', /constant Socket/],
    ['<%= "x".unpack("C") %>', /unpack/],
  ] as const) {
    const scope: ErbScope = { lookupvar: () => undefined, callFunction: () => undefined };
    const e = erbError(() => renderErb(compileErb(src, 'bar.erb'), scope));
    assert.equal(e.code, 'ERB_UNSUPPORTED', src);
    assert.match(e.message, what);
    assert.match(e.message, /template bar\.erb line 1/);
  }
});

test('syntax errors give the line', () => {
  const e = erbError(() => compileErb('ok\n<% if true %>\nno end', 't.erb'));
  assert.equal(e.code, 'ERB_SYNTAX');
  assert.match(e.message, /Syntax error in template t\.erb line \d+/);
  const e2 = erbError(() => compileErb('a\nb\n<%= 1 + %>', 't.erb'));
  assert.equal(e2.location?.line, 3);
});

test('pathological nesting is an error, not a crash', () => {
  const e = erbError(() => compileErb('<%= ' + '('.repeat(20000) + '1' + ')'.repeat(20000) + ' %>', 'deep.erb'));
  assert.equal(e.code, 'ERB_SYNTAX');
});

test('Ruby runtime errors name the template line and the Ruby error', () => {
  const e = erbError(() => render('line1\n<% x = 1 %>\n<%= @missing.upcase %>\n', {}, 'm/t.erb'));
  assert.equal(e.code, 'ERB_EVALUATION');
  assert.equal(e.location?.line, 3);
  assert.match(e.message, /undefined method `upcase' for nil:NilClass \(NoMethodError\)/);
  assert.ok(e.sourceText?.includes('@missing.upcase'));
  assert.match(erbError(() => render('<%= 1 / 0 %>')).message, /divided by 0 \(ZeroDivisionError\)/);
  assert.match(erbError(() => render('<%= "a" + 1 %>')).message, /no implicit conversion of Integer into String \(TypeError\)/);
  assert.match(erbError(() => render('<% raise "boom" %>')).message, /boom \(RuntimeError\)/);
});

test('loops and sizes are bounded', () => {
  const e = erbError(() => render('<% loop do %><% end %>'));
  assert.match(e.message, /exceeded \d+ steps/);
  assert.match(erbError(() => render('<%= "x" * 10**10 %>')).message, /argument too big/);
  assert.match(erbError(() => render('<%= Array.new(10**9, 1).size %>')).message, /argument too big/);
});

test('scope contract: lookupvar, undef vs unknown, functions, value kinds', () => {
  const calls: [string, ErbValue[]][] = [];
  const scope: ErbScope = {
    lookupvar: (n) => ({ a: 'A', u: null, f: new ErbFloat(2), i: 2, o: { k: ['v'] }, d: sym('default') } as unknown as Record<string, ErbValue>)[n.replace(/^::/, '')],
    callFunction: (name, args) => {
      calls.push([name, args]);
      return name === 'f' ? 'res' : undefined;
    },
  };
  const tpl = compileErb('<%= @a %> <%= defined?(@u).inspect %> <%= defined?(@zz).inspect %> <%= @f %> <%= @i %> <%= @o %> <%= @d %> <%= scope.function_f([1, "x"]) %> <%= scope.call_function("f", [@a]) %> <%= scope["::a"] %>', 't.erb');
  assert.equal(renderErb(tpl, scope), 'A nil nil 2.0 2 {"k"=>["v"]} default res res A');
  assert.deepEqual(calls, [['f', [1, 'x']], ['f', ['A']]]);
  const e = erbError(() => renderErb(compileErb('<%= scope.function_f(1) %>', 't.erb'), scope));
  assert.match(e.message, /expects one Array/);
});

test('errors from Puppet functions pass through unchanged', () => {
  const scope = new FakeScope({});
  const thrown = new KurokoError('Evaluation Error: boom', { code: 'X' });
  scope.callFunction = () => {
    throw thrown;
  };
  assert.throws(() => renderErb(compileErb('<%= scope.function_fail(["x"]) %>', 't.erb'), scope), (e) => e === thrown);
});

test('a compiled template renders many times with different scopes', () => {
  const tpl = compileErb('<%= @x %>', 't.erb');
  assert.equal(renderErb(tpl, new FakeScope({ x: 1 })), '1');
  assert.equal(renderErb(tpl, new FakeScope({ x: 'two' })), 'two');
});
