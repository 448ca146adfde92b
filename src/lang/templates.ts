// Strings with interpolation, heredocs, and EPP templates as AST.
import type * as A from './ast.js';
import type { Segment, Token } from './tokens.js';
import { KEYWORD_TYPES } from './tokens.js';
import { Parser } from './parser.js';
import { parseExpression } from './expressions.js';

/** A STRING or DQ token as a LiteralString or ConcatenatedString. */
export function stringFromToken(p: Parser, t: Token): A.LiteralString | A.ConcatenatedString {
  const loc = p.source.loc(t.start, t.end);
  if (!t.segments) return { kind: 'LiteralString', value: t.value, loc };
  return { kind: 'ConcatenatedString', segments: segmentsToAst(p, t.segments), loc };
}

export function heredocFromToken(p: Parser, t: Token): A.HeredocExpression {
  const loc = p.source.loc(t.start, t.end);
  const textLoc = t.textStart !== undefined ? p.source.loc(t.textStart, t.textEnd ?? t.textStart) : loc;
  const text: A.LiteralString | A.ConcatenatedString = t.segments
    ? { kind: 'ConcatenatedString', segments: segmentsToAst(p, t.segments), loc: textLoc }
    : { kind: 'LiteralString', value: t.value, loc: textLoc };
  return { kind: 'HeredocExpression', syntax: t.syntax || undefined, text, loc };
}

function segmentsToAst(p: Parser, segs: Segment[]): A.Expression[] {
  const out: A.Expression[] = [];
  for (const s of segs) {
    const loc = p.source.loc(s.start, s.end);
    if (s.kind === 'text') out.push({ kind: 'LiteralString', value: s.value, loc });
    else if (s.kind === 'var') out.push({ kind: 'VariableExpression', name: s.name, loc });
    else out.push(interpolated(p, s.tokens, s.start));
  }
  return out;
}

const VARIABLE_LIKE = new Set(['NAME', 'NUMBER', 'WORD']);

/**
 * `${...}`: a lone name (or number) is a variable, and so is a leading name
 * followed by `[` or `.` (`${x['k']}`, `${x.y}`), as in Puppet; anything else
 * (`${f($a)}`, `${$x + 1}`) is an ordinary expression.
 */
function interpolated(p: Parser, tokens: Token[], at: number): A.Expression {
  const toks = tokens.slice();
  const n = toks.length - 1; // without EOF
  if (n === 0) {
    p.error('SYNTAX_ERROR', "Syntax error at '}'", at, at + 3);
    return { kind: 'LiteralString', value: '', loc: p.source.loc(at, at) };
  }
  const asVar = (k: number) => {
    const tk = toks[k];
    if (VARIABLE_LIKE.has(tk.type) || KEYWORD_TYPES.has(tk.type)) toks[k] = { ...tk, type: 'VARIABLE' };
  };
  if (n === 1) asVar(0);
  else if (toks[1].type === 'DOT' || toks[1].type === 'LBRACK') asVar(0);
  const sub = new Parser(toks, p.source, p.diagnostics);
  sub.depth = p.depth;
  const e = parseExpression(sub);
  if (!sub.at('EOF')) sub.fail();
  return e;
}
