// Token facts as data: the token types, the keywords, and which tokens end an
// operand (after those, `/` is division, otherwise it starts a regex).

export type TokenType =
  | 'LBRACK' | 'LISTSTART' | 'RBRACK' | 'LBRACE' | 'RBRACE' | 'LPAREN' | 'WSLPAREN' | 'RPAREN'
  | 'EQUALS' | 'APPENDS' | 'DELETES' | 'ISEQUAL' | 'NOTEQUAL' | 'MATCH' | 'NOMATCH'
  | 'GREATEREQUAL' | 'GREATERTHAN' | 'LESSEQUAL' | 'LESSTHAN'
  | 'FARROW' | 'PARROW' | 'LSHIFT' | 'LLCOLLECT' | 'LCOLLECT' | 'RSHIFT' | 'RRCOLLECT' | 'RCOLLECT'
  | 'PLUS' | 'MINUS' | 'DIV' | 'TIMES' | 'MODULO' | 'NOT' | 'DOT' | 'PIPE' | 'AT' | 'ATAT'
  | 'COLON' | 'COMMA' | 'SEMIC' | 'QMARK' | 'TILDE'
  | 'IN_EDGE' | 'IN_EDGE_SUB' | 'OUT_EDGE' | 'OUT_EDGE_SUB'
  | 'STRING' | 'DQ' | 'WORD' | 'NAME' | 'CLASSREF' | 'NUMBER' | 'VARIABLE' | 'REGEX' | 'HEREDOC'
  | 'CASE' | 'CLASS' | 'DEFAULT' | 'DEFINE' | 'IF' | 'ELSIF' | 'ELSE' | 'INHERITS' | 'NODE'
  | 'AND' | 'OR' | 'UNDEF' | 'BOOLEAN' | 'IN' | 'UNLESS' | 'FUNCTION' | 'TYPE' | 'ATTR' | 'PRIVATE'
  | 'RENDER_STRING' | 'RENDER_EXPR' | 'EPP_END'
  | 'OTHER' | 'EOF';

/** A piece of an interpolated string: text, `$name`, or the tokens of `${...}`. */
export type Segment =
  | { kind: 'text'; value: string; start: number; end: number }
  | { kind: 'var'; name: string; start: number; end: number }
  | { kind: 'expr'; tokens: Token[]; start: number; end: number };

export interface Token {
  type: TokenType;
  /** Name, processed string value, number or regex text, keyword, or the operator itself. */
  value: string;
  start: number;
  end: number;
  /** Whitespace, a comment or a line break comes right before this token. */
  spaced: boolean;
  /** DQ strings and interpolating heredocs. */
  segments?: Segment[];
  /** Heredoc syntax tag (`@(END:json)` gives 'json'). */
  syntax?: string;
  /** Heredoc: where its text lines start and end in the source. */
  textStart?: number;
  textEnd?: number;
}

export const KEYWORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['case', 'CASE'], ['class', 'CLASS'], ['default', 'DEFAULT'], ['define', 'DEFINE'], ['if', 'IF'],
  ['elsif', 'ELSIF'], ['else', 'ELSE'], ['inherits', 'INHERITS'], ['node', 'NODE'], ['and', 'AND'],
  ['or', 'OR'], ['undef', 'UNDEF'], ['false', 'BOOLEAN'], ['true', 'BOOLEAN'], ['in', 'IN'],
  ['unless', 'UNLESS'], ['function', 'FUNCTION'], ['type', 'TYPE'], ['attr', 'ATTR'], ['private', 'PRIVATE'],
]);

export const KEYWORD_TYPES: ReadonlySet<TokenType> = new Set(KEYWORDS.values());

/** After these a `/` is division (they end an operand); after anything else it starts a regex. */
export const DIV_AFTER: ReadonlySet<TokenType> = new Set<TokenType>([
  'RPAREN', 'RBRACK', 'RRCOLLECT', 'RCOLLECT',
  'NAME', 'CLASSREF', 'NUMBER', 'STRING', 'BOOLEAN', 'DQ', 'HEREDOC', 'REGEX', 'VARIABLE', 'WORD',
]);

/** How a token reads in a message: `Syntax error at 'x'`. */
export function tokenText(t: Token, src: string): string {
  if (t.type === 'EOF') return 'end of input';
  const raw = src.slice(t.start, Math.min(t.end, t.start + 40));
  const nl = raw.indexOf('\n');
  return nl >= 0 ? raw.slice(0, nl) : raw;
}
