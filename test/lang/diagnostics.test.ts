// Diagnostics: the messages, lines and columns real Puppet 7 gives for the same
// bad input (taken from `puppet parser validate`), the excerpt with a caret,
// recovery to report several errors, and Kuroko's deliberate differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, parseEpp } from '../../src/lang/index.js';
import { formatDiagnostic } from '../../src/util/diagnostic.js';

/** [source, Puppet's message, line, column] (no line/column: Puppet gives none). */
export const PUPPET_ERRORS: [string, string, number | null, number | null][] = [
  ["class a {\n  $x = 1\n  }\n}",
   "Syntax error at '}'", 4, 1],
  ["file { \"a\": mode => }",
   "Syntax error at '}'", 1, 21],
  ["$x = \"unterminated",
   "Unclosed quote after '\"' followed by 'unter...'", 1, 7],
  ["$x = 'unterminated",
   "Unclosed quote after \"'\" followed by 'unter...'", 1, 7],
  ["$x = [1, 2",
   "Syntax error at end of input", null, null],
  ["$1 = 2",
   "Illegal attempt to assign to the numeric match result variable '$1'. Numeric variables are not assignable", 1, 1],
  ["$a::b = 3",
   "Illegal attempt to assign to 'a::b'. Cannot assign to variables in other namespaces", 1, 1],
  ["define d($name) {}",
   "The parameter $name redefines a built in parameter in the 'define' expression", 1, 10],
  ["define d($x, $x) {}",
   "The parameter 'x' is declared more than once in the parameter list", 1, 14],
  ["class c($Foo) {}",
   "Illegal parameter name. The given name 'Foo' does not conform to the naming rule /^[a-z_]\\w*$/", 1, 9],
  ["if $x { class c {} }",
   "Classes, definitions, and nodes may only appear at toplevel or inside other classes", 1, 9],
  ["$x += 1",
   "The operator '+=' is no longer supported. See http://links.puppet.com/remove-plus-equals", 1, 4],
  ["class attr {}",
   "Syntax error at 'attr'", 1, 7],
  ["class integer {}",
   "The name: 'integer' is already defined by Puppet and can not be used as the name of a Host Class Definition.", 1, 1],
  ["file { \"a\": mode +> 1 }",
   "Illegal +> operation on attribute mode. This operator can not be used in a Resource Instance Definition", 1, 13],
  ["User <| uid > 1 |>",
   "Illegal query expression. A '>' expression cannot be used in a query", 1, 13],
  ["$x = 08",
   "Not a valid octal number 08", 1, 6],
  ["$x = 1x",
   "Illegal number '1x'", 1, 6],
  ["Foo::bar",
   "Illegal class reference", 1, 5],
  ["$x = @(END)\nno end",
   "Heredoc without end-tagged line", 2, 1],
  ["/* unclosed",
   "Unclosed multiline comment", 1, 1],
  ["unless $x { } elsif $y { }",
   "Syntax error at 'elsif'", 1, 15],
  ["file { \"a\": * => $a, * => $b }",
   "Unfolding of attributes from Hash can only be used once per resource body", 1, 22],
  ["notice(1) }",
   "Syntax error at '}'", 1, 11],
  ["$x = {",
   "Syntax error at end of input", null, null],
  ["1 = 2",
   "Illegal attempt to assign to 'a Literal Integer'. Not an assignable reference", 1, 1],
  ["class a { $x = 1 } class b {",
   "Syntax error at end of input", null, null],
  ["if $x { function f() {} }",
   "Classes, definitions, and nodes may only appear at toplevel or inside other classes", 1, 9],
  ["$x = attr",
   "Use of reserved word: attr, must be quoted if intended to be a String value", 1, 6],
  ["$x = $",
   "Illegal variable name, The given name '' does not conform to the naming rule /^((::)?[a-z]\\w*)*((::)?[a-z_]\\w*)$/", 1, 6],
  ["node a { node b {} }",
   "Classes, definitions, and nodes may only appear at toplevel or inside other classes", 1, 10],
  ["class a inherits b::c::D {}",
   "Syntax error at '::D'", 1, 22],
  ["$x = 0xg",
   "Not a valid hex number 0xg", 1, 6],
  ["case $x { default: {} default: {} }",
   "This 'case' statement already has a 'default' entry - this is a duplicate", 1, 23],
  ["$a = $x ? { default => 1, default => 2 }",
   "This Selector Expression already has a 'default' entry - this is a duplicate", 1, 27],
  ["@class { \"x\": }",
   "Classes are not virtualizable", 1, 1],
  ["$Foo = 1",
   "Illegal variable name, The given name 'Foo' does not conform to the naming rule /^((::)?[a-z]\\w*)*((::)?[a-z_]\\w*)$/", 1, 1],
  ["notice($Foo)",
   "Illegal variable name, The given name 'Foo' does not conform to the naming rule /^((::)?[a-z]\\w*)*((::)?[a-z_]\\w*)$/", 1, 8],
  ["node \"a b\" { }",
   "The hostname 'a b' contains illegal characters (only letters, digits, '_', '-', and '.' are allowed)", 1, 6],
  ["$ref = 1\n$ref { owner => \"x\" }",
   "Expression is not valid as a resource, resource-default, or resource-override", 2, 1],
  ["@File { mode => \"1\" }",
   "Resource Defaults are not virtualizable", 1, 1],
  ["@File[\"x\"] { mode => \"1\" }",
   "Resource Defaults are not virtualizable", 1, 1],
  ["node \"${x}\" { }",
   "An interpolated expression is not allowed in a hostname of a node", 1, 9],
  ["class a($title) {}",
   "The parameter $title redefines a built in parameter in the Host Class Definition", 1, 9],
  ["class a { } class b inherits a { } $x = class c { }",
   "Invalid use of expression. A Host Class Definition does not produce a value", 1, 41],
  ["type Foo = Integer\ntype foo::Bar = String",
   "Syntax error at 'foo'", 2, 6],
  ["$x = 1 ->",
   "Syntax error at end of input", null, null],
  ["if $x { } else { } elsif $y { }",
   "Syntax error at 'elsif'", 1, 20],
];

for (const [src, message, line, column] of PUPPET_ERRORS) {
  test(`error as Puppet reports it: ${message.slice(0, 60)}`, () => {
    const r = parse(src, '/x/site.pp');
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length >= 1, 'an error is reported');
    const d = errors[0];
    assert.equal(d.message, message);
    assert.equal(d.location?.file, '/x/site.pp');
    assert.equal(d.location?.line ?? null, line);
    assert.equal(d.location?.column ?? null, column);
    assert.match(d.code, /^[A-Z_0-9]+$/);
  });
}

test("syntax errors print Puppet's wording, then the source line and a caret", () => {
  const src = "class a {\n  file { 'x':\n    mode => ,\n  }\n}\n";
  const r = parse(src, '/etc/kuroko/code/environments/production/manifests/site.pp');
  assert.equal(r.diagnostics.length, 1);
  assert.equal(formatDiagnostic(r.diagnostics[0]), [
    "Syntax error at ',' (file: /etc/kuroko/code/environments/production/manifests/site.pp, line: 3, column: 13)",
    '      mode => ,',
    '              ^',
  ].join('\n'));
  assert.equal(r.diagnostics[0].code, 'SYNTAX_ERROR');
});

test('several syntax errors in one file are all reported (recovery at definitions)', () => {
  const src = [
    'class a {',
    '  $x = [1, 2',
    '}',
    'class b {',
    "  file { 'y': mode => }",
    '}',
    'class c { }',
    'define d { notice( }',
  ].join('\n');
  const r = parse(src, 'm.pp');
  const lines = r.diagnostics.map((d) => d.location?.line);
  assert.deepEqual(lines, [3, 5, 8]);
  assert.ok(r.program.body.some((e) => e.kind === 'HostClassDefinition' && e.name === 'c'), 'the good class survives');
});

test('assignment to $facts/$trusted/$server_facts passes validation, as in `puppet parser validate`', () => {
  for (const v of ['facts', 'trusted', 'server_facts']) {
    const r = parse(`$${v} = {}`, 'a.pp');
    assert.deepEqual(r.diagnostics, [], v);
  }
});

test('a variable name starting with a digit must be decimal (Puppet: ILLEGAL_NUMERIC_VAR_NAME)', () => {
  // Message recorded from `puppet parser validate` 7.23 for `notify { "${1e3}": }`.
  const r = parse('notify { "${1e3}": }', 'n.pp');
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0].code, 'ILLEGAL_NUMERIC_VAR_NAME');
  assert.equal(r.diagnostics[0].message, "Illegal numeric variable name, The given name '1e3' must be a decimal value if it starts with a digit 0-9");
  assert.deepEqual([r.diagnostics[0].location?.line, r.diagnostics[0].location?.column], [1, 13]);
  for (const ok of ['notice("${0} ${1} ${10}")', 'notice($2)']) assert.deepEqual(parse(ok, 'ok.pp').diagnostics, [], ok);
  assert.equal(parse('notice($01)', 'z.pp').diagnostics[0]?.code, 'ILLEGAL_NUMERIC_VAR_NAME');
});

test('expressions with no effect are errors, as in Puppet', () => {
  const r = parse("$a = 1\n'forgotten'\nclass k { 1 }\nfoo bar\n$b = 2\n", 'w.pp');
  assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code, d.location?.line]), [
    ['error', 'IDEM_EXPRESSION_NOT_LAST', 2],
    ['error', 'IDEM_NOT_ALLOWED_LAST', 3],
    ['error', 'IDEM_EXPRESSION_NOT_LAST', 4],
    ['error', 'IDEM_EXPRESSION_NOT_LAST', 4],
  ]);
  assert.equal(r.diagnostics[0].message, 'This String has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)');
});

test('duplicate hash keys are warnings at the second entry, as in Puppet', () => {
  const r = parse('$a = { a => 1, "a" => 2, 1 => 3, 1 => 4 }', 'k.pp');
  assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.message, d.location?.column]), [
    ['warning', "The key 'a' is declared more than once", 20],
    ['warning', "The key '1' is declared more than once", 36],
  ]);
});

/** Puppet's "no effect" errors (source, message, line, column), recorded from `puppet parser validate`. */
const PUPPET_NO_EFFECT: [string, string, number, number][] = [
  ["if $x { } \nnotice(1)",
   "This 'if' statement has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 1],
  ["$x\nnotice(1)",
   "This Variable has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 1],
  ["[1,2]\nnotice(1)",
   "This Array Expression has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 1],
  ["$a == 1\nnotice(1)",
   "This '==' expression has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 4],
  ["case $x { default: {} }\nnotice(1)",
   "This 'case' statement has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 1],
  ["File[\"x\"]\nnotice(1)",
   "This '[]' expression has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 1],
  ["$x ? { default => 1 }\nnotice(1)",
   "This Selector Expression has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 1],
  ["\"${f()}\"\nnotice(1)",
   "This Double Quoted String has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 1],
  ["define d { 1 }",
   "This Literal Integer has no effect. A 'define' expression can not end with a value-producing expression without other effect", 1, 12],
  ["node n { 1 }",
   "This Literal Integer has no effect. A Node Definition can not end with a value-producing expression without other effect", 1, 10],
  ["if $x { 1 } else { 2 }\nnotice(1)",
   "This 'if' statement has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 1],
  ["-$x\nnotice(1)",
   "This Unary Minus has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 1],
  ["(1)\nnotice(1)",
   "This Parenthesized Expression has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)", 1, 1],
];

for (const [src, message, line, column] of PUPPET_NO_EFFECT) {
  test(`no-effect error as Puppet words it: ${message.slice(0, 50)}`, () => {
    const d = parse(src, 'i.pp').diagnostics;
    assert.deepEqual(d.map((x) => [x.severity, x.message, x.location?.line, x.location?.column]), [['error', message, line, column]]);
  });
}

test('heredoc text tagged json must be valid JSON', () => {
  const d = parse('$a = @(END:json)\n{ "a": 1,\nEND\nnotice($a)\n', 'j.pp').diagnostics;
  assert.equal(d[0].code, 'HEREDOC_SYNTAX');
  assert.match(d[0].message, /^Invalid produced text having syntax: 'json'\. JSON syntax checker: Cannot parse invalid JSON string\./);
  assert.deepEqual([d[0].location?.line, d[0].location?.column], [2, 1]);
  assert.deepEqual(parse('$a = @(END:json)\n{ "a": 1 }\nEND\nnotice($a)\n', 'j.pp').diagnostics, []);
});

test('captures-rest parameters must come last', () => {
  const r = parse('$x.each |*$a, $b| { }', 'c.pp');
  assert.equal(r.diagnostics[0].code, 'CAPTURES_REST_NOT_LAST');
});

test('illegal definition names and reserved words', () => {
  assert.equal(parse('define foo-bar { }', 'n.pp').diagnostics[0].code, 'ILLEGAL_DEFINITION_NAME');
  assert.equal(parse('$x = private', 'n.pp').diagnostics[0].code, 'RESERVED_WORD');
  assert.equal(parse('class { "a": } node default { class b { } }', 'n.pp').diagnostics[0].code, 'NOT_TOP_LEVEL');
});

test('lexer problems: unknown escapes warn, bad unicode escapes warn, unclosed heredoc errs', () => {
  const w = parse('$a = "\\q"', 'e.pp').diagnostics;
  assert.deepEqual(w.map((d) => [d.severity, d.code, d.message]), [['warning', 'UNRECOGNIZED_ESCAPE', "Unrecognized escape sequence '\\q'"]]);
  assert.equal(parse('$a = "\\u{110000}"', 'e.pp').diagnostics[0].code, 'ILLEGAL_UNICODE_ESCAPE');
  assert.equal(parse('$a = @(END)\ntext\n', 'e.pp').diagnostics[0].code, 'HEREDOC_WITHOUT_END_TAGGED_LINE');
  assert.equal(parse('$a = @(END/x)\ntext\nEND\n', 'e.pp').diagnostics[0].code, 'HEREDOC_INVALID_ESCAPE');
});

test('EPP errors: unbalanced comment, bad code inside a tag', () => {
  assert.equal(parseEpp('a <%# no end', 't.epp').diagnostics[0].code, 'EPP_UNBALANCED_COMMENT');
  const r = parseEpp('a <%= $x + %> b', 't.epp');
  assert.equal(r.diagnostics[0].code, 'SYNTAX_ERROR');
  assert.equal(r.diagnostics[0].location?.column, 12);
});

test('EPP: an unclosed tag is an error at the end of the template, as in Puppet', () => {
  const d = parseEpp('a <% $x = 1\nb', 'u.epp').diagnostics;
  assert.deepEqual(d.map((x) => [x.code, x.message, x.location?.line, x.location?.column]), [
    ['EPP_UNBALANCED_TAG', 'Unbalanced epp tag, reached <eof> without closing tag.', 2, 2],
  ]);
});
