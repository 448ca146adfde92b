// Catalog expressions: resource bodies, attribute operations and collectors.
import type * as A from './ast.js';
import { KEYWORD_TYPES, type TokenType } from './tokens.js';
import type { Parser } from './parser.js';
import { parseExpression, PREC_OPERAND } from './expressions.js';

/** Attribute names: a name or any keyword (`unless`, `type`, `class`...), but not true/false. */
function isAttributeName(t: TokenType): boolean {
  return t === 'NAME' || (KEYWORD_TYPES.has(t) && t !== 'BOOLEAN');
}

/** At `{`: whether attribute operations follow (defaults/override) rather than titled resource bodies. */
export function isOperationsBlock(p: Parser): boolean {
  const a = p.peek(1), b = p.peek(2);
  if (a.type === 'RBRACE') return true;
  if (a.type === 'TIMES' && b.type === 'FARROW') return true;
  if (isAttributeName(a.type) && (b.type === 'FARROW' || b.type === 'PARROW')) return true;
  return false;
}

/** After `{`: `title: attrs; title: attrs` up to and including `}`. */
export function parseResourceBodies(p: Parser): A.ResourceBody[] {
  const bodies: A.ResourceBody[] = [];
  while (!p.at('RBRACE')) {
    const title = parseExpression(p, PREC_OPERAND);
    p.expect('COLON');
    const operations = parseAttributeOperations(p);
    bodies.push({ kind: 'ResourceBody', title, operations, loc: p.loc(title.loc.offset) });
    if (!p.accept('SEMIC')) break;
  }
  p.expect('RBRACE');
  return bodies;
}

/** `name => v, name +> v, * => $h` (a trailing comma allowed); stops before `;` or `}`. */
export function parseAttributeOperations(p: Parser): (A.AttributeOperation | A.AttributesOperation)[] {
  const ops: (A.AttributeOperation | A.AttributesOperation)[] = [];
  for (;;) {
    const t = p.t;
    if (t.type === 'TIMES') {
      p.advance();
      p.expect('FARROW');
      const expr = parseExpression(p, PREC_OPERAND);
      ops.push({ kind: 'AttributesOperation', expr, loc: p.loc(t.start) });
    } else if (isAttributeName(t.type)) {
      p.advance();
      const op = p.t;
      if (op.type !== 'FARROW' && op.type !== 'PARROW') p.fail();
      p.advance();
      const value = parseExpression(p, PREC_OPERAND);
      ops.push({ kind: 'AttributeOperation', attribute: t.value, operator: op.value as '=>' | '+>', value, loc: p.loc(t.start) });
    } else break;
    if (!p.accept('COMMA')) break;
  }
  return ops;
}

/** `Type <| query |>` / `Type <<| query |>>`, then optionally `{ attrs }`. */
export function parseCollect(p: Parser, type: A.QualifiedReference): A.CollectExpression {
  const open = p.advance();
  const exported = open.type === 'LLCOLLECT';
  const close = exported ? 'RRCOLLECT' : 'RCOLLECT';
  const expr = p.at(close) ? undefined : p.withBrace(false, () => parseExpression(p, PREC_OPERAND));
  p.expect(close);
  const query: A.VirtualQuery | A.ExportedQuery = { kind: exported ? 'ExportedQuery' : 'VirtualQuery', expr, loc: p.loc(open.start) };
  let operations: (A.AttributeOperation | A.AttributesOperation)[] = [];
  if (p.at('LBRACE') && !p.noBrace) {
    p.advance();
    operations = p.withBrace(false, () => parseAttributeOperations(p));
    p.expect('RBRACE');
  }
  return { kind: 'CollectExpression', type, query, operations, loc: p.loc(type.loc.offset) };
}
