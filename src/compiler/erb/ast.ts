// The syntax tree of the Ruby subset. Operators are method calls, as in Ruby.
import type { ErbRegexp } from './values.js';

export type Node =
  | { k: 'text'; i: number; line: number }
  | { k: 'insert'; e: Node; line: number }
  | { k: 'lit'; v: import('./values.js').ErbValue; line: number }
  | { k: 'dstr'; parts: (string | Node)[]; line: number }
  | { k: 'dsym'; parts: (string | Node)[]; line: number }
  | { k: 'regex'; parts: (string | Node)[]; opts: string; re?: ErbRegexp; line: number }
  | { k: 'array'; elems: Node[]; line: number }
  | { k: 'hash'; pairs: [Node, Node][]; line: number }
  | { k: 'range'; a: Node | null; b: Node | null; excl: boolean; line: number }
  | { k: 'self'; line: number }
  | { k: 'lvar'; name: string; line: number }
  | { k: 'ivar'; name: string; line: number }
  | { k: 'gvar'; name: string; line: number }
  | { k: 'const'; name: string; line: number }
  | { k: 'call'; recv: Node | null; name: string; args: Node[]; block: BlockNode | null; safe: boolean; line: number }
  | { k: 'splat'; e: Node; line: number }
  | { k: 'blockpass'; e: Node; line: number }
  | { k: 'not'; e: Node; line: number }
  | { k: 'and'; a: Node; b: Node; line: number }
  | { k: 'or'; a: Node; b: Node; line: number }
  | { k: 'defined'; e: Node; line: number }
  | { k: 'if'; cond: Node; then: Node; else: Node | null; line: number }
  | { k: 'while'; cond: Node; body: Node; until: boolean; line: number }
  | { k: 'for'; vars: Param[]; iter: Node; body: Node; line: number }
  | { k: 'case'; subj: Node | null; whens: [Node[], Node][]; else: Node | null; line: number }
  | { k: 'asgn'; target: Node; value: Node; line: number }
  | { k: 'opasgn'; target: Node; op: string; value: Node; line: number }
  | { k: 'masgn'; targets: Node[]; splat: number; value: Node; line: number }
  | { k: 'seq'; stmts: Node[]; line: number }
  | { k: 'next' | 'break' | 'return'; e: Node | null; line: number }
  | { k: 'begin'; body: Node; rescues: RescueClause[]; elseBody: Node | null; ensure: Node | null; line: number }
  | { k: 'rescuemod'; e: Node; rescue: Node; line: number }
  | { k: 'def'; name: string; params: string[]; body: Node; line: number };

export interface RescueClause {
  classes: Node[];
  varName: string | null;
  body: Node;
}

export type Param = { name: string; splat?: boolean } | { nested: Param[] };

export interface BlockNode {
  params: Param[];
  /** `|a, |` or more than one param: a yielded array is spread over the params. */
  spread: boolean;
  body: Node;
  line: number;
}
