// The language corners (./corners.ts), each parsed and compared with the tree
// real Puppet 7 builds for the same text, plus EPP, locations and classic forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, parseEpp } from '../../src/lang/index.js';
import { pnToString, toPN } from '../../src/lang/pn.js';
import { CORNERS } from './corners.js';


for (const [name, source, expected] of CORNERS) {
  test(`corner: ${name}`, () => {
    const r = parse(source, 'corner.pp', { validate: false });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], 'no errors');
    assert.equal(pnToString(toPN(r.program)), expected);
  });
}

test('EPP: tags, trimming, comments, literal <%% and %%>, parameters', () => {
  const src = [
    '<%- | String $name, Optional[Integer] $port = undef | -%>',
    'Hello <%= $name %>!',
    '  <%# kept indentation %>',
    '  <%#- trimmed -%>',
    '<%% literal %%>',
    '<%- if $port { -%>',
    '  port = <%= $port -%>',
    '',
    '<%- } -%>',
    'end',
  ].join('\n');
  const r = parseEpp(src, 't.epp');
  assert.deepEqual(r.diagnostics, []);
  assert.equal(pnToString(toPN(r.program)),
    '(lambda {:params {:name {:type (qr "String")} :port {:type (access (qr "Optional") (qr "Integer")) :value nil}} ' +
    ':body [(epp (render-s "Hello ") (render (var "name")) (render-s "!\\n  \\n<% literal %>\\n") ' +
    '(if {:test (var "port") :then [(render-s "  port = ") (render (var "port")) (render-s "\\n")]}) (render-s "end"))]})');
});

test('EPP without a parameter list sees no parameters', () => {
  const r = parseEpp('a <%= $x %> b', 't.epp');
  assert.equal(r.program.parameters, undefined);
  assert.equal(r.program.body.length, 3);
});

test('locations: every node has file, line, column, offset and length', () => {
  const src = "class a {\n  file { '/x':\n    mode => '0644',\n  }\n}\n";
  const r = parse(src, '/m/site.pp');
  const cls = r.program.body[0];
  assert.equal(cls.kind, 'HostClassDefinition');
  assert.deepEqual(cls.loc, { file: '/m/site.pp', line: 1, column: 1, offset: 0, length: src.length - 1 });
  if (cls.kind !== 'HostClassDefinition') return;
  const res = cls.body[0];
  assert.equal(res.kind, 'ResourceExpression');
  if (res.kind !== 'ResourceExpression') return;
  const op = res.bodies[0].operations[0];
  assert.equal(op.loc.line, 3);
  assert.equal(op.loc.column, 5);
  assert.equal(src.slice(op.loc.offset, op.loc.offset + op.loc.length), "mode => '0644'");
});

test('classic forms: import with globs, node inheritance', () => {
  const r = parse("import 'nodes/*.pp', 'web.pp'\nnode 'web1.test.com' inherits 'base' { include web }\nnode base { }\n", 'site.pp');
  assert.deepEqual(r.diagnostics, []);
  const [imp, node] = r.program.body;
  assert.equal(imp.kind, 'ImportExpression');
  if (imp.kind === 'ImportExpression') assert.deepEqual(imp.files.map((f) => f.kind === 'LiteralString' && f.value), ['nodes/*.pp', 'web.pp']);
  assert.equal(node.kind, 'NodeDefinition');
  if (node.kind === 'NodeDefinition') {
    assert.equal(node.parent?.kind, 'LiteralString');
    assert.equal(pnToString(toPN(node)), '(node {:matches ["web1.test.com"] :parent "base" :body [(invoke {:functor (qn "include") :args [(qn "web")]})]})');
  }
});

test('functions with captures-rest parameters', () => {
  const r = parse('function f(String $a, *$rest) { } $x.each |$k, *$v| { }', 'f.pp');
  assert.deepEqual(r.diagnostics, []);
  const f = r.program.body[0];
  assert.ok(f.kind === 'FunctionDefinition' && f.parameters[1].capturesRest);
});

test('type mappings and large integers keep their text', () => {
  const r = parse("type Runtime[ruby, 'X'] = Object\n$a = 9223372036854775807", 't.pp');
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.program.body[0].kind, 'TypeMapping');
  const a = r.program.body[1];
  assert.ok(a.kind === 'AssignmentExpression' && a.value.kind === 'LiteralInteger' && a.value.text === '9223372036854775807');
});
