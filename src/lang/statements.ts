// Statement lists, conditionals and definitions (class, define, node,
// function, type), and the classic `import`.
import type * as A from './ast.js';
import type { TokenType } from './tokens.js';
import { KEYWORD_TYPES } from './tokens.js';
import { Parser, STATEMENT_CALLS, startsExpression, SyntaxAbort } from './parser.js';
import { isOperationsBlock, parseResourceBodies } from './catalog.js';
import { parseExpression, parsePrimary, parseTypeExpression, PREC_ASSIGNMENT, PREC_OPERAND } from './expressions.js';
import { stringFromToken } from './templates.js';

const NO_ARG_CALLS = new Set(['break', 'next', 'return']);
/** Default values of parameters stop before `=` and the arrows. */
const PREC_VALUE = PREC_OPERAND;

/** Statements up to `close` (not consumed), appended to `out`. */
export function parseStatementList(p: Parser, close: TokenType, out: A.Expression[] = []): A.Expression[] {
  const first = out.length;
  for (;;) {
    let separated = out.length === first;
    while (p.accept('SEMIC')) separated = true;
    if (p.at(close) || p.at('EOF')) return out;
    // In Puppet's grammar a `{` straight after a statement opens that expression's
    // resource body, never a hash: `$x = 1 { 'a' => 1 }.each ...` is a syntax error.
    if (!separated && p.at('LBRACE')) out[out.length - 1] = resourceBodyAfter(p, out[out.length - 1]);
    else out.push(parseStatement(p));
  }
}

/** `EXPR { ... }` where EXPR is a finished statement: titled bodies, else Puppet's shape error. */
function resourceBodyAfter(p: Parser, e: A.Expression): A.Expression {
  if (isOperationsBlock(p)) {
    p.error('ILLEGAL_RESOURCE_EXPRESSION', 'Expression is not valid as a resource, resource-default, or resource-override', e.loc.offset, e.loc.offset + e.loc.length);
    throw new SyntaxAbort();
  }
  p.advance();
  const bodies = p.withBrace(false, () => parseResourceBodies(p));
  return { kind: 'ResourceExpression', form: 'regular', typeName: e, bodies, loc: p.loc(e.loc.offset) };
}

function parseStatement(p: Parser): A.Expression {
  const t = p.t;
  if (t.type === 'NAME' && t.value === 'import' && (p.peek().type === 'STRING' || p.peek().type === 'DQ')) {
    p.advance();
    const files: A.Expression[] = [];
    do {
      const s = p.t;
      if (s.type !== 'STRING' && s.type !== 'DQ') p.fail();
      p.advance();
      files.push(stringFromToken(p, s));
    } while (p.accept('COMMA'));
    return { kind: 'ImportExpression', files, loc: p.loc(t.start) };
  }
  const e = parseExpression(p);
  // A call in statement position has its value thrown away (Puppet's "invoke").
  if (e.kind === 'CallNamedFunctionExpression') e.rvalRequired = false;
  if (e.kind === 'QualifiedName' && STATEMENT_CALLS.has(e.name)) {
    // `notice type($x)` calls the function type; `notice type Foo = T` takes an alias, as in Puppet.
    if (startsExpression(p.t) || (p.at('TYPE') && (p.peek().type === 'LPAREN' || p.peek().type === 'CLASSREF'))) {
      const args: A.Expression[] = [];
      do args.push(parseExpression(p, PREC_ASSIGNMENT)); while (p.accept('COMMA'));
      return { kind: 'CallNamedFunctionExpression', functor: e, args, rvalRequired: false, loc: p.loc(e.loc.offset) };
    }
    if (NO_ARG_CALLS.has(e.name)) {
      return { kind: 'CallNamedFunctionExpression', functor: e, args: [], rvalRequired: false, loc: e.loc };
    }
  }
  return e;
}

/** `{ statements }` */
export function parseStatementsInBraces(p: Parser): A.Expression[] {
  const open = p.expect('LBRACE');
  p.enter(open);
  const body = p.withBrace(false, () => parseStatementList(p, 'RBRACE'));
  p.expect('RBRACE');
  p.leave();
  return body;
}

/** Parameters up to `close` (consumed): `Type $name = value`, `*$rest` where allowed. */
export function parseParameters(p: Parser, close: TokenType, allowRest: boolean): A.Parameter[] {
  const params: A.Parameter[] = [];
  p.withBrace(false, () => {
    while (!p.at(close)) {
      const start = p.t;
      const type = p.at('CLASSREF') ? parseTypeExpression(p) : undefined;
      const rest = p.at('TIMES');
      if (rest) {
        if (!allowRest) p.fail();
        p.advance();
      }
      const v = p.t;
      if (v.type !== 'VARIABLE') p.fail();
      p.advance();
      let value: A.Expression | undefined;
      if (p.accept('EQUALS')) value = parseExpression(p, PREC_VALUE);
      params.push({ kind: 'Parameter', name: v.value, type, value, capturesRest: rest, loc: p.loc(start.start) });
      if (!p.accept('COMMA')) break;
    }
  });
  p.expect(close);
  return params;
}

function testExpression(p: Parser): A.Expression {
  return p.withBrace(true, () => parseExpression(p));
}

export function parseIf(p: Parser): A.IfExpression {
  const start = p.advance();
  const test = testExpression(p);
  const then = parseStatementsInBraces(p);
  let els: A.Expression[] = [];
  if (p.at('ELSIF')) {
    const e = parseIf(p);
    e.elsif = true;
    els = [e];
  } else if (p.accept('ELSE')) els = parseStatementsInBraces(p);
  return { kind: 'IfExpression', test, then, else: els, loc: p.loc(start.start) };
}

export function parseUnless(p: Parser): A.UnlessExpression {
  const start = p.advance();
  const test = testExpression(p);
  const then = parseStatementsInBraces(p);
  let els: A.Expression[] = [];
  if (p.at('ELSIF')) p.fail(); // Puppet: unless has no elsif
  if (p.accept('ELSE')) els = parseStatementsInBraces(p);
  return { kind: 'UnlessExpression', test, then, else: els, loc: p.loc(start.start) };
}

export function parseCase(p: Parser): A.CaseExpression {
  const start = p.advance();
  const test = testExpression(p);
  p.expect('LBRACE');
  const options: A.CaseOption[] = [];
  p.withBrace(false, () => {
    while (!p.at('RBRACE')) {
      const first = p.t;
      const values: A.Expression[] = [];
      do {
        if (p.at('COLON')) break; // trailing comma
        values.push(parseExpression(p, PREC_OPERAND));
      } while (p.accept('COMMA'));
      p.expect('COLON');
      const then = parseStatementsInBraces(p);
      options.push({ kind: 'CaseOption', values, then, loc: p.loc(first.start) });
    }
  });
  p.expect('RBRACE');
  return { kind: 'CaseExpression', test, options, loc: p.loc(start.start) };
}

/** A definition's name: a NAME (keywords inside qualified names are fine). */
function definitionName(p: Parser): { name: string; loc: A.Loc } {
  const t = p.t;
  if (t.type === 'NAME' || t.type === 'WORD') {
    p.advance();
    return { name: t.value, loc: p.source.loc(t.start, t.end) };
  }
  return p.fail();
}

/** Classes and defines inside a class are named within it (`class a { class b {} }` defines a::b). */
function qualify(p: Parser, n: { name: string; loc: A.Loc }): { name: string; loc: A.Loc } {
  const outer = p.namespace[p.namespace.length - 1];
  if (n.name.startsWith('::')) return { name: n.name.slice(2), loc: n.loc };
  return outer ? { name: `${outer}::${n.name}`, loc: n.loc } : n;
}

function optionalParameters(p: Parser, allowRest: boolean): A.Parameter[] {
  if (p.at('LPAREN') || p.at('WSLPAREN')) { p.advance(); return parseParameters(p, 'RPAREN', allowRest); }
  return [];
}

export function parseClass(p: Parser): A.HostClassDefinition {
  const start = p.advance();
  const n = qualify(p, definitionName(p));
  const parameters = optionalParameters(p, false);
  let parent: string | undefined;
  if (p.accept('INHERITS')) {
    const t = p.t;
    if (t.type !== 'NAME' && t.type !== 'WORD' && t.type !== 'DEFAULT' && t.type !== 'STRING') p.fail();
    p.advance();
    parent = t.value;
  }
  p.namespace.push(n.name);
  let body: A.Expression[];
  try { body = parseStatementsInBraces(p); } finally { p.namespace.pop(); }
  return { kind: 'HostClassDefinition', name: n.name, nameLoc: n.loc, parameters, parent, body, loc: p.loc(start.start) };
}

export function parseDefine(p: Parser): A.ResourceTypeDefinition {
  const start = p.advance();
  const n = qualify(p, definitionName(p));
  const parameters = optionalParameters(p, false);
  const body = parseStatementsInBraces(p);
  return { kind: 'ResourceTypeDefinition', name: n.name, nameLoc: n.loc, parameters, body, loc: p.loc(start.start) };
}

export function parseFunction(p: Parser): A.FunctionDefinition {
  const start = p.advance();
  const n = definitionName(p);
  const parameters = optionalParameters(p, true);
  let returnType: A.Expression | undefined;
  if (p.accept('RSHIFT')) returnType = parseTypeExpression(p);
  const body = parseStatementsInBraces(p);
  return { kind: 'FunctionDefinition', name: n.name, nameLoc: n.loc, parameters, returnType, body, loc: p.loc(start.start) };
}

/** One node name: a string, regex, `default`, or a (dotted) bare name such as web01.example.com. */
function hostMatch(p: Parser): A.Expression {
  const t = p.t;
  switch (t.type) {
    case 'STRING': case 'DQ': p.advance(); return stringFromToken(p, t);
    case 'REGEX': p.advance(); return { kind: 'LiteralRegularExpression', pattern: t.value, loc: p.loc(t.start) };
    case 'DEFAULT': p.advance(); return { kind: 'LiteralDefault', loc: p.loc(t.start) };
    default: break;
  }
  const part = (tt: TokenType) => tt === 'NAME' || tt === 'WORD' || tt === 'NUMBER' || (KEYWORD_TYPES.has(tt) && tt !== 'INHERITS');
  if (!part(t.type)) p.fail();
  p.advance();
  let end = t.end;
  while (p.at('DOT') && !p.t.spaced && part(p.peek().type) && !p.peek().spaced) {
    p.advance();
    end = p.advance().end;
  }
  return { kind: 'LiteralString', value: p.source.text.slice(t.start, end), loc: p.loc(t.start, end) };
}

export function parseNode(p: Parser): A.NodeDefinition {
  const start = p.advance();
  const hostMatches: A.Expression[] = [];
  do {
    if (p.at('LBRACE') || p.at('INHERITS')) break; // trailing comma
    hostMatches.push(hostMatch(p));
  } while (p.accept('COMMA'));
  let parent: A.Expression | undefined;
  if (p.accept('INHERITS')) parent = hostMatch(p);
  const body = parseStatementsInBraces(p);
  return { kind: 'NodeDefinition', hostMatches, parent, body, loc: p.loc(start.start) };
}

/** `type Name = T`, `type Runtime[...] = T` / `type /re/ = T`, `type Name inherits P { ... }`. */
export function parseTypeDefinition(p: Parser): A.Expression {
  const start = p.advance();
  const t = p.t;
  if (t.type === 'REGEX' || p.peek().type === 'LBRACK') {
    let mapping: A.Expression;
    if (t.type === 'REGEX') { p.advance(); mapping = { kind: 'LiteralRegularExpression', pattern: t.value, loc: p.loc(t.start) }; }
    else mapping = parseTypeExpression(p);
    p.expect('EQUALS');
    const type = parseExpression(p, PREC_VALUE);
    return { kind: 'TypeMapping', mapping, type, loc: p.loc(start.start) };
  }
  p.advance(); // CLASSREF
  if (p.accept('EQUALS')) {
    // The aliased type: a type name (with parameters), or a hash or array literal.
    const r = p.t;
    if (r.type !== 'CLASSREF' && r.type !== 'LBRACE' && r.type !== 'LISTSTART' && r.type !== 'LBRACK') p.fail();
    const type = r.type === 'CLASSREF' ? parseTypeExpression(p) : parsePrimary(p);
    return { kind: 'TypeAlias', name: t.value, type, loc: p.loc(start.start) };
  }
  let parent: string | undefined;
  if (p.accept('INHERITS')) parent = p.expect('CLASSREF').value;
  const open = p.t;
  const hash = parseExpression(p, PREC_VALUE);
  if (hash.kind !== 'LiteralHash') p.fail(open);
  return { kind: 'TypeDefinition', name: t.value, parent, body: [hash], loc: p.loc(start.start) };
}
