// Expressions: precedence climbing over Puppet's operator table, unary
// operators, postfix access/method calls/selectors, and the primaries.
import type * as A from './ast.js';
import type { Token, TokenType } from './tokens.js';
import { MAX_DEPTH, Parser } from './parser.js';
import { parseAttributeOperations, parseCollect, parseResourceBodies, isOperationsBlock } from './catalog.js';
import {
  parseCase, parseIf, parseUnless, parseClass, parseDefine, parseNode, parseFunction, parseTypeDefinition,
  parseStatementsInBraces, parseParameters,
} from './statements.js';
import { stringFromToken, heredocFromToken } from './templates.js';

/** Binary operators: precedence (higher binds tighter) as in Puppet's grammar. */
const BINARY: Partial<Record<TokenType, number>> = {
  EQUALS: 1, APPENDS: 1, DELETES: 1,
  IN_EDGE: 2, IN_EDGE_SUB: 2, OUT_EDGE: 2, OUT_EDGE_SUB: 2,
  OR: 3,
  AND: 4,
  GREATEREQUAL: 5, GREATERTHAN: 5, LESSTHAN: 5, LESSEQUAL: 5,
  NOTEQUAL: 6, ISEQUAL: 6,
  LSHIFT: 7, RSHIFT: 7,
  MINUS: 8, PLUS: 8,
  TIMES: 9, DIV: 9, MODULO: 9,
  MATCH: 10, NOMATCH: 10,
  IN: 11,
};

/** Assignment binds loosest, then the relationship arrows (`$r = A -> B` assigns the relationship). */
export const PREC_ASSIGNMENT = 1;
export const PREC_RELATIONSHIP = 2;
/** Operands of lists, hashes, arguments and attributes: everything but `=` and the arrows. */
export const PREC_OPERAND = 3;

/** A full expression, down to assignment. */
export function parseExpression(p: Parser, minPrec = PREC_ASSIGNMENT): A.Expression {
  const start = p.t;
  p.enter(start);
  let left = parseUnary(p);
  let chain = 0;
  for (;;) {
    const op = p.t;
    const prec = BINARY[op.type];
    if (prec === undefined || prec < minPrec) break;
    // A long operator chain builds a deep (left-leaning) tree: bounded like nesting.
    if (++chain > MAX_DEPTH) p.tooDeep(op);
    p.advance();
    // Assignment is right-associative; everything else is left-associative.
    const right = parseExpression(p, prec === PREC_ASSIGNMENT ? prec : prec + 1);
    left = makeBinary(p, op, left, right);
  }
  p.leave();
  return left;
}

function makeBinary(p: Parser, op: Token, left: A.Expression, right: A.Expression): A.Expression {
  const loc = p.loc(left.loc.offset, right.loc.offset + right.loc.length);
  const operatorLoc = p.source.loc(op.start, op.end);
  switch (op.type) {
    case 'IN_EDGE': case 'IN_EDGE_SUB': case 'OUT_EDGE': case 'OUT_EDGE_SUB':
      return { kind: 'RelationshipExpression', operator: op.value as A.RelationshipOperator, left, right, loc, operatorLoc };
    case 'EQUALS': case 'APPENDS': case 'DELETES':
      return { kind: 'AssignmentExpression', operator: op.value as A.AssignmentOperator, target: left, value: right, loc, operatorLoc };
    case 'OR': return { kind: 'OrExpression', left, right, loc, operatorLoc };
    case 'AND': return { kind: 'AndExpression', left, right, loc, operatorLoc };
    case 'IN': return { kind: 'InExpression', left, right, loc, operatorLoc };
    case 'MATCH': case 'NOMATCH':
      return { kind: 'MatchExpression', operator: op.value as A.MatchOperator, left, right, loc, operatorLoc };
    case 'GREATEREQUAL': case 'GREATERTHAN': case 'LESSTHAN': case 'LESSEQUAL': case 'NOTEQUAL': case 'ISEQUAL':
      return { kind: 'ComparisonExpression', operator: op.value as A.ComparisonOperator, left, right, loc, operatorLoc };
    default:
      return { kind: 'ArithmeticExpression', operator: op.value as A.ArithmeticOperator, left, right, loc, operatorLoc };
  }
}

function parseUnary(p: Parser): A.Expression {
  const t = p.t;
  switch (t.type) {
    case 'NOT': {
      p.advance();
      const expr = parseUnaryNested(p, t);
      return { kind: 'NotExpression', expr, loc: p.loc(t.start) };
    }
    case 'MINUS': {
      p.advance();
      const expr = parseUnaryNested(p, t);
      return { kind: 'UnaryMinusExpression', expr, loc: p.loc(t.start) };
    }
    case 'TIMES': {
      p.advance();
      const expr = parseUnaryNested(p, t);
      return { kind: 'UnfoldExpression', expr, loc: p.loc(t.start) };
    }
    case 'AT': case 'ATAT': {
      p.advance();
      const expr = parsePostfix(p);
      const form: A.ResourceForm = t.type === 'AT' ? 'virtual' : 'exported';
      if (expr.kind === 'ResourceExpression' || expr.kind === 'ResourceDefaultsExpression' || expr.kind === 'ResourceOverrideExpression') {
        expr.form = form;
        expr.loc = p.loc(t.start);
        return expr;
      }
      p.error('SYNTAX_ERROR', `Syntax error at '${t.value}'`, t.start, t.end);
      return expr;
    }
    default:
      return parsePostfix(p);
  }
}

function parseUnaryNested(p: Parser, t: Token): A.Expression {
  p.enter(t);
  const e = parseUnary(p);
  p.leave();
  return e;
}

/** A primary followed by `[...]`, `.name(...)`, `? {...}`, `<| |>` and `{ attr => ... }` suffixes. */
export function parsePostfix(p: Parser): A.Expression {
  let e = parsePrimary(p);
  for (let chain = 0; ; chain++) {
    const t = p.t;
    if (chain > MAX_DEPTH) p.tooDeep(t);
    switch (t.type) {
      case 'LBRACK': {
        p.advance();
        const keys = p.withBrace(false, () => parseList(p, 'RBRACK', PREC_OPERAND));
        e = { kind: 'AccessExpression', target: e, keys, loc: p.loc(e.loc.offset) };
        continue;
      }
      case 'LPAREN': {
        // `Struct[{a => Integer}]({a => 1})`: a parameterized type called as a conversion (new).
        if (e.kind !== 'AccessExpression' || !isTypeAccess(e)) return e;
        e = callArgs(p, e);
        continue;
      }
      case 'DOT': {
        p.advance();
        const n = p.t;
        if (n.type !== 'NAME' && n.type !== 'TYPE') p.fail();
        p.advance();
        let args: A.Expression[] = [];
        if (p.at('LPAREN')) { p.advance(); args = p.withBrace(false, () => parseList(p, 'RPAREN')); }
        const lambda = p.at('PIPE') ? parseLambda(p) : undefined;
        e = {
          kind: 'CallMethodExpression', receiver: e, name: n.value, nameLoc: p.source.loc(n.start, n.end), args, lambda,
          loc: p.loc(e.loc.offset),
        };
        continue;
      }
      case 'QMARK': {
        p.advance();
        e = parseSelector(p, e);
        continue;
      }
      case 'LCOLLECT': case 'LLCOLLECT':
        if (e.kind !== 'QualifiedReference') return e;
        e = parseCollect(p, e);
        continue;
      case 'LBRACE':
        if (p.noBrace) return e;
        if (e.kind === 'QualifiedReference' || e.kind === 'AccessExpression' || e.kind === 'VariableExpression') {
          e = parseBraceSuffix(p, e);
          continue;
        }
        return e;
      default:
        return e;
    }
  }
}

/** `Type { attrs }` (defaults), `Type['x'] { attrs }` (override) or `Resource[t] { 'x': attrs }`. */
function parseBraceSuffix(p: Parser, e: A.Expression): A.Expression {
  if (e.kind === 'VariableExpression') {
    p.error('ILLEGAL_RESOURCE_EXPRESSION', 'Expression is not valid as a resource, resource-default, or resource-override', e.loc.offset, e.loc.offset + e.loc.length);
  }
  if (!isOperationsBlock(p)) {
    p.advance();
    const bodies = p.withBrace(false, () => parseResourceBodies(p));
    return { kind: 'ResourceExpression', form: 'regular', typeName: e, bodies, loc: p.loc(e.loc.offset) };
  }
  p.advance();
  const operations = p.withBrace(false, () => parseAttributeOperations(p));
  p.expect('RBRACE');
  if (e.kind === 'QualifiedReference') {
    return { kind: 'ResourceDefaultsExpression', form: 'regular', type: e, operations, loc: p.loc(e.loc.offset) };
  }
  return { kind: 'ResourceOverrideExpression', form: 'regular', resources: e, operations, loc: p.loc(e.loc.offset) };
}

function parseSelector(p: Parser, left: A.Expression): A.SelectorExpression {
  const entry = (): A.SelectorEntry => {
    const matching = parseExpression(p, PREC_OPERAND);
    p.expect('FARROW');
    const value = parseExpression(p, PREC_OPERAND);
    return { kind: 'SelectorEntry', matching, value, loc: p.loc(matching.loc.offset) };
  };
  // `$x ? a => b` (one entry, no braces) is allowed too.
  if (!p.at('LBRACE')) return { kind: 'SelectorExpression', left, selectors: [entry()], loc: p.loc(left.loc.offset) };
  p.advance();
  const selectors: A.SelectorEntry[] = [];
  p.withBrace(false, () => {
    while (!p.at('RBRACE')) {
      selectors.push(entry());
      if (!p.accept('COMMA')) break;
    }
  });
  p.expect('RBRACE');
  return { kind: 'SelectorExpression', left, selectors, loc: p.loc(left.loc.offset) };
}

/**
 * Comma-separated entries up to `close` (consumed), a trailing comma allowed:
 * arguments, list elements and access keys. `k => v` pairs among them form a
 * hash (consecutive pairs one hash), as in Puppet: `f(1, a => 2, b => 3)`.
 */
export function parseList(p: Parser, close: TokenType, prec = PREC_ASSIGNMENT): A.Expression[] {
  const out: A.Expression[] = [];
  let hash: A.LiteralHash | undefined;
  while (!p.at(close)) {
    const e = parseEntry(p, prec);
    if (p.at('FARROW')) {
      p.advance();
      const value = parseEntry(p, PREC_ASSIGNMENT);
      const entry: A.KeyedEntry = { kind: 'KeyedEntry', key: e, value, loc: p.loc(e.loc.offset) };
      if (hash) { hash.entries.push(entry); hash.loc = p.loc(hash.loc.offset); } else {
        hash = { kind: 'LiteralHash', entries: [entry], loc: p.loc(e.loc.offset) };
        out.push(hash);
      }
    } else {
      hash = undefined;
      out.push(e);
    }
    if (!p.accept('COMMA')) break;
  }
  p.expect(close);
  return out;
}

/** A list or hash entry: the keywords `type` and `function` read as strings there. */
function parseEntry(p: Parser, prec: number): A.Expression {
  const t = p.t;
  if (t.type === 'TYPE' || t.type === 'FUNCTION') {
    const n = p.peek().type;
    if (n === 'COMMA' || n === 'RBRACK' || n === 'RBRACE' || n === 'FARROW' || n === 'RPAREN') {
      p.advance();
      return { kind: 'LiteralString', value: t.value, loc: p.loc(t.start) };
    }
  }
  return parseExpression(p, prec);
}

/** `|params| >> Type { body }` */
export function parseLambda(p: Parser): A.LambdaExpression {
  const start = p.expect('PIPE');
  const parameters = parseParameters(p, 'PIPE', true);
  let returnType: A.Expression | undefined;
  if (p.accept('RSHIFT')) returnType = parseTypeExpression(p);
  const body = parseStatementsInBraces(p);
  return { kind: 'LambdaExpression', parameters, returnType, body, loc: p.loc(start.start) };
}

/** A type in a parameter or return position: `Name` or `Name[args]`. */
export function parseTypeExpression(p: Parser): A.Expression {
  const t = p.t;
  if (t.type !== 'CLASSREF') p.fail();
  p.advance();
  let e: A.Expression = { kind: 'QualifiedReference', name: t.value, loc: p.loc(t.start) };
  while (p.at('LBRACK')) {
    p.advance();
    const keys = p.withBrace(false, () => parseList(p, 'RBRACK', PREC_OPERAND));
    e = { kind: 'AccessExpression', target: e, keys, loc: p.loc(t.start) };
  }
  return e;
}

/** Whether an access expression is a type with parameters (`Name[...]`, `Name[...][...]`). */
function isTypeAccess(e: A.AccessExpression): boolean {
  return e.target.kind === 'QualifiedReference' || (e.target.kind === 'AccessExpression' && isTypeAccess(e.target));
}

function callArgs(p: Parser, functor: A.CallNamedFunctionExpression['functor']): A.CallNamedFunctionExpression {
  p.advance(); // (
  const args = p.withBrace(false, () => parseList(p, 'RPAREN'));
  const lambda = p.at('PIPE') ? parseLambda(p) : undefined;
  return { kind: 'CallNamedFunctionExpression', functor, args, lambda, rvalRequired: true, loc: p.loc(functor.loc.offset) };
}

export function parsePrimary(p: Parser): A.Expression {
  const t = p.t;
  switch (t.type) {
    case 'VARIABLE':
      p.advance(); // a lone `$` has the empty name: validation reports it
      return { kind: 'VariableExpression', name: t.value, loc: p.loc(t.start) };
    case 'STRING': case 'DQ':
      p.advance();
      return stringFromToken(p, t);
    case 'HEREDOC':
      p.advance();
      return heredocFromToken(p, t);
    case 'NUMBER':
      p.advance();
      return numberFromToken(p, t);
    case 'REGEX':
      p.advance();
      return { kind: 'LiteralRegularExpression', pattern: t.value, loc: p.loc(t.start) };
    case 'BOOLEAN':
      p.advance();
      return { kind: 'LiteralBoolean', value: t.value === 'true', loc: p.loc(t.start) };
    case 'UNDEF':
      p.advance();
      return { kind: 'LiteralUndef', loc: p.loc(t.start) };
    case 'DEFAULT':
      p.advance();
      return { kind: 'LiteralDefault', loc: p.loc(t.start) };
    case 'NAME': {
      p.advance();
      const name: A.QualifiedName = { kind: 'QualifiedName', name: t.value, loc: p.loc(t.start) };
      if (p.at('LPAREN')) return callArgs(p, name);
      if (p.at('LBRACE') && !p.noBrace) {
        p.advance();
        const bodies = p.withBrace(false, () => parseResourceBodies(p));
        return { kind: 'ResourceExpression', form: 'regular', typeName: name, bodies, loc: p.loc(t.start) };
      }
      return name;
    }
    case 'WORD': // a bare word with dashes is a string, as in Puppet
      p.advance();
      return { kind: 'LiteralString', value: t.value, loc: p.loc(t.start) };
    case 'CLASSREF': {
      p.advance();
      const ref: A.QualifiedReference = { kind: 'QualifiedReference', name: t.value, loc: p.loc(t.start) };
      if (p.at('LPAREN')) return callArgs(p, ref);
      return ref;
    }
    case 'LISTSTART': case 'LBRACK': {
      p.advance();
      const elements = p.withBrace(false, () => parseList(p, 'RBRACK'));
      return { kind: 'LiteralList', elements, loc: p.loc(t.start) };
    }
    case 'LBRACE': {
      p.advance();
      return p.withBrace(false, () => parseHash(p, t));
    }
    case 'LPAREN': case 'WSLPAREN': {
      p.advance();
      const expr = p.withBrace(false, () => parseExpression(p));
      p.expect('RPAREN');
      return { kind: 'ParenthesizedExpression', expr, loc: p.loc(t.start) };
    }
    case 'IF': return parseIf(p);
    case 'UNLESS': return parseUnless(p);
    case 'CASE': return parseCase(p);
    case 'CLASS':
      if (p.peek().type === 'LBRACE') {
        p.advance();
        const name: A.QualifiedName = { kind: 'QualifiedName', name: 'class', loc: p.loc(t.start) };
        p.advance();
        const bodies = p.withBrace(false, () => parseResourceBodies(p));
        return { kind: 'ResourceExpression', form: 'regular', typeName: name, bodies, loc: p.loc(t.start) };
      }
      return parseClass(p);
    case 'DEFINE': return parseDefine(p);
    case 'NODE': return parseNode(p);
    case 'FUNCTION': return parseFunction(p);
    case 'TYPE':
      if (p.peek().type === 'CLASSREF' || p.peek().type === 'REGEX') return parseTypeDefinition(p);
      p.advance();
      // `type($x)` is the function that returns a value's type.
      if (p.at('LPAREN')) return callArgs(p, { kind: 'QualifiedName', name: 'type', loc: p.loc(t.start) });
      return p.fail();
    case 'ATTR': case 'PRIVATE':
      p.advance();
      p.error('RESERVED_WORD', `Use of reserved word: ${t.value}, must be quoted if intended to be a String value`, t.start, t.end);
      return { kind: 'LiteralString', value: t.value, loc: p.loc(t.start) };
    case 'RENDER_STRING':
      p.advance();
      return { kind: 'RenderStringExpression', value: t.value, loc: p.loc(t.start) };
    case 'RENDER_EXPR': {
      p.advance();
      const expr = p.withBrace(false, () => parseExpression(p));
      p.expect('EPP_END');
      return { kind: 'RenderExpression', expr, loc: p.loc(t.start) };
    }
    default:
      return p.fail();
  }
}

function parseHash(p: Parser, open: Token): A.LiteralHash {
  const entries: A.KeyedEntry[] = [];
  while (!p.at('RBRACE')) {
    const key = parseEntry(p, PREC_ASSIGNMENT);
    p.expect('FARROW');
    const value = parseEntry(p, PREC_ASSIGNMENT);
    entries.push({ kind: 'KeyedEntry', key, value, loc: p.loc(key.loc.offset) });
    if (!p.accept('COMMA')) break;
  }
  p.expect('RBRACE');
  return { kind: 'LiteralHash', entries, loc: p.loc(open.start) };
}

export function numberFromToken(p: Parser, t: Token): A.LiteralInteger | A.LiteralFloat {
  const text = t.value;
  const loc = p.loc(t.start, t.end);
  if (/^0[xX]/.test(text)) return { kind: 'LiteralInteger', value: parseInt(text.slice(2), 16) || 0, radix: 16, text, loc };
  if (/[.eE]/.test(text) && !/^0[xX]/.test(text)) return { kind: 'LiteralFloat', value: Number(text), text, loc };
  if (/^0\d/.test(text)) return { kind: 'LiteralInteger', value: parseInt(text, 8) || 0, radix: 8, text, loc };
  return { kind: 'LiteralInteger', value: Number(text) || 0, radix: 10, text, loc };
}
