// The typed AST of the Puppet language (Puppet 8 plus the classic forms Kuroko
// keeps: `import`, node inheritance). Node kinds carry Puppet's own model names
// (puppet-specifications `models/`), so the evaluator reads like the spec.
// Every node has a location; the shape is stable: changes are additive only.

/** Where a node is: 1-based line/column, 0-based offset, length in UTF-16 units. */
export interface Loc {
  file: string;
  line: number;
  column: number;
  offset: number;
  length: number;
}

interface NodeBase { loc: Loc }

// ---------------------------------------------------------------- programs

/** A parsed `.pp` file. */
export interface Program extends NodeBase {
  kind: 'Program';
  body: Expression[];
}

/**
 * A parsed `.epp` template. `parameters` is undefined when the template has no
 * `<%- | ... | -%>` parameter list (then it sees all variables passed to it).
 */
export interface EppProgram extends NodeBase {
  kind: 'EppProgram';
  parameters?: Parameter[];
  body: Expression[];
}

/** Literal text of an EPP template, output as is. */
export interface RenderStringExpression extends NodeBase {
  kind: 'RenderStringExpression';
  value: string;
}

/** `<%= expr %>`: the value of `expr` is output. */
export interface RenderExpression extends NodeBase {
  kind: 'RenderExpression';
  expr: Expression;
}

// ---------------------------------------------------------------- literals

/** A string with no interpolation: single-quoted, or double-quoted without `$`. */
export interface LiteralString extends NodeBase {
  kind: 'LiteralString';
  value: string;
}

/**
 * A double-quoted (or interpolating heredoc) string with `$x` / `${...}`
 * parts. Text parts are LiteralString; each other segment is an expression
 * whose value is converted to a string (Puppet's TextExpression).
 */
export interface ConcatenatedString extends NodeBase {
  kind: 'ConcatenatedString';
  segments: Expression[];
}

/** `@(TAG:syntax)` ... `TAG`; `text` is the processed text (margin and escapes applied). */
export interface HeredocExpression extends NodeBase {
  kind: 'HeredocExpression';
  syntax?: string;
  text: LiteralString | ConcatenatedString;
}

export interface LiteralInteger extends NodeBase {
  kind: 'LiteralInteger';
  value: number;
  radix: 8 | 10 | 16;
  /** The digits as written (for exact 64-bit values beyond 2^53). */
  text: string;
}

export interface LiteralFloat extends NodeBase {
  kind: 'LiteralFloat';
  value: number;
  text: string;
}

/** `/pattern/`: `pattern` is the text between the slashes (`\/` kept as written). */
export interface LiteralRegularExpression extends NodeBase {
  kind: 'LiteralRegularExpression';
  pattern: string;
}

export interface LiteralBoolean extends NodeBase {
  kind: 'LiteralBoolean';
  value: boolean;
}

export interface LiteralUndef extends NodeBase { kind: 'LiteralUndef' }
export interface LiteralDefault extends NodeBase { kind: 'LiteralDefault' }

/** `[a, b, c]` */
export interface LiteralList extends NodeBase {
  kind: 'LiteralList';
  elements: Expression[];
}

/** `{ k => v, ... }` */
export interface LiteralHash extends NodeBase {
  kind: 'LiteralHash';
  entries: KeyedEntry[];
}

export interface KeyedEntry extends NodeBase {
  kind: 'KeyedEntry';
  key: Expression;
  value: Expression;
}

// ---------------------------------------------------------------- names

/** `$name`, `$::name`, `$a::b`, `$0`. `name` is without the `$` (leading `::` kept). */
export interface VariableExpression extends NodeBase {
  kind: 'VariableExpression';
  name: string;
}

/** A bare word: `foo`, `foo::bar`, `::foo` (a string value, a function or resource type name). */
export interface QualifiedName extends NodeBase {
  kind: 'QualifiedName';
  name: string;
}

/** A capitalized name: `File`, `Foo::Bar`, `Integer` (a type or resource reference). */
export interface QualifiedReference extends NodeBase {
  kind: 'QualifiedReference';
  /** As written, e.g. `Foo::Bar`. */
  name: string;
}

/** `X[k1, k2]`: type parameterization, resource references, indexing, slicing. */
export interface AccessExpression extends NodeBase {
  kind: 'AccessExpression';
  target: Expression;
  keys: Expression[];
}

// ---------------------------------------------------------------- operators

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%' | '<<' | '>>';
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type MatchOperator = '=~' | '!~';
export type RelationshipOperator = '->' | '~>' | '<-' | '<~';
export type AssignmentOperator = '=' | '+=' | '-=';

export interface ArithmeticExpression extends NodeBase {
  kind: 'ArithmeticExpression';
  /** Where the operator is: Puppet reports problems of the expression there. */
  operatorLoc: Loc;
  operator: ArithmeticOperator;
  left: Expression;
  right: Expression;
}

export interface ComparisonExpression extends NodeBase {
  kind: 'ComparisonExpression';
  /** Where the operator is: Puppet reports problems of the expression there. */
  operatorLoc: Loc;
  operator: ComparisonOperator;
  left: Expression;
  right: Expression;
}

/** `a =~ b`, `a !~ b` (right: regex, string or type). */
export interface MatchExpression extends NodeBase {
  kind: 'MatchExpression';
  /** Where the operator is: Puppet reports problems of the expression there. */
  operatorLoc: Loc;
  operator: MatchOperator;
  left: Expression;
  right: Expression;
}

/** `a in b` */
export interface InExpression extends NodeBase {
  kind: 'InExpression';
  /** Where the operator is: Puppet reports problems of the expression there. */
  operatorLoc: Loc;
  left: Expression;
  right: Expression;
}

export interface AndExpression extends NodeBase {
  kind: 'AndExpression';
  /** Where the operator is: Puppet reports problems of the expression there. */
  operatorLoc: Loc;
  left: Expression;
  right: Expression;
}

export interface OrExpression extends NodeBase {
  kind: 'OrExpression';
  /** Where the operator is: Puppet reports problems of the expression there. */
  operatorLoc: Loc;
  left: Expression;
  right: Expression;
}

/** `!x` */
export interface NotExpression extends NodeBase {
  kind: 'NotExpression';
  expr: Expression;
}

/** `-x` */
export interface UnaryMinusExpression extends NodeBase {
  kind: 'UnaryMinusExpression';
  expr: Expression;
}

/** `*x`: splat of an array into arguments, list elements or case options. */
export interface UnfoldExpression extends NodeBase {
  kind: 'UnfoldExpression';
  expr: Expression;
}

/** `( expr )`, kept because it changes meaning in a few places (e.g. resource titles). */
export interface ParenthesizedExpression extends NodeBase {
  kind: 'ParenthesizedExpression';
  expr: Expression;
}

/** `target = value` (also `+=`/`-=`, which validation rejects as in Puppet 4+). */
export interface AssignmentExpression extends NodeBase {
  kind: 'AssignmentExpression';
  /** Where the operator is: Puppet reports problems of the expression there. */
  operatorLoc: Loc;
  operator: AssignmentOperator;
  /** A VariableExpression, or a LiteralList of them (destructuring); validation checks. */
  target: Expression;
  value: Expression;
}

/** `a -> b`, `a ~> b`, `a <- b`, `a <~ b` */
export interface RelationshipExpression extends NodeBase {
  kind: 'RelationshipExpression';
  /** Where the operator is: Puppet reports problems of the expression there. */
  operatorLoc: Loc;
  operator: RelationshipOperator;
  left: Expression;
  right: Expression;
}

// ---------------------------------------------------------------- conditionals

/** `test ? { match => value, ... }` */
export interface SelectorExpression extends NodeBase {
  kind: 'SelectorExpression';
  left: Expression;
  selectors: SelectorEntry[];
}

export interface SelectorEntry extends NodeBase {
  kind: 'SelectorEntry';
  matching: Expression;
  value: Expression;
}

/** `if test { then } elsif ... else { else }`; `elsif` is an IfExpression as the sole else element. */
export interface IfExpression extends NodeBase {
  kind: 'IfExpression';
  test: Expression;
  then: Expression[];
  else: Expression[];
  /** True for an IfExpression that came from `elsif`. */
  elsif?: boolean;
}

/** `unless test { then } else { else }` */
export interface UnlessExpression extends NodeBase {
  kind: 'UnlessExpression';
  test: Expression;
  then: Expression[];
  else: Expression[];
}

/** `case test { v1, v2: { ... } default: { ... } }` */
export interface CaseExpression extends NodeBase {
  kind: 'CaseExpression';
  test: Expression;
  options: CaseOption[];
}

export interface CaseOption extends NodeBase {
  kind: 'CaseOption';
  values: Expression[];
  then: Expression[];
}

// ---------------------------------------------------------------- calls

/**
 * `f(a, b) |$x| { ... }` or the statement form `include foo, bar`.
 * `functor` is a QualifiedName, or a type for conversions: `Type(args)` (QualifiedReference), `Type[...](args)` (AccessExpression).
 */
export interface CallNamedFunctionExpression extends NodeBase {
  kind: 'CallNamedFunctionExpression';
  functor: QualifiedName | QualifiedReference | AccessExpression;
  args: Expression[];
  lambda?: LambdaExpression;
  /**
   * False when the call is a statement (its value is not used): `include foo`,
   * `notice('x')` or `each($a) |$x| { }` on a line of their own; true inside expressions.
   */
  rvalRequired: boolean;
}

/** `receiver.name(args) |$x| { ... }`; `$x.name` without parentheses has no args. */
export interface CallMethodExpression extends NodeBase {
  kind: 'CallMethodExpression';
  receiver: Expression;
  name: string;
  /** Location of the method name (for diagnostics). */
  nameLoc: Loc;
  args: Expression[];
  lambda?: LambdaExpression;
}

/** `|$a, Integer $b = 1, *$rest| >> ReturnType { body }` */
export interface LambdaExpression extends NodeBase {
  kind: 'LambdaExpression';
  parameters: Parameter[];
  returnType?: Expression;
  body: Expression[];
}

/** A parameter of a lambda, class, define, function or EPP template. */
export interface Parameter extends NodeBase {
  kind: 'Parameter';
  /** Without the `$`. */
  name: string;
  type?: Expression;
  value?: Expression;
  /** `*$rest`: captures the remaining arguments. */
  capturesRest: boolean;
}

// ---------------------------------------------------------------- catalog expressions

export type ResourceForm = 'regular' | 'virtual' | 'exported';

/**
 * `file { 'a': ...; 'b': ... }`, `@user { ... }`, `@@host { ... }`,
 * `class { 'x': ... }`, `Resource[file] { ... }`.
 * `typeName` is a QualifiedName (`file`, `class`, `foo::bar`), or an
 * AccessExpression / QualifiedReference for the `Resource[...]` forms.
 */
export interface ResourceExpression extends NodeBase {
  kind: 'ResourceExpression';
  form: ResourceForm;
  typeName: Expression;
  bodies: ResourceBody[];
}

/** `title: attr => value, ...`; `title` may be a list (several resources) or `default`. */
export interface ResourceBody extends NodeBase {
  kind: 'ResourceBody';
  title: Expression;
  operations: (AttributeOperation | AttributesOperation)[];
}

/** `name => value` or `name +> value` (append, in overrides and collectors). */
export interface AttributeOperation extends NodeBase {
  kind: 'AttributeOperation';
  attribute: string;
  operator: '=>' | '+>';
  value: Expression;
}

/** `* => $hash`: attributes from a hash. */
export interface AttributesOperation extends NodeBase {
  kind: 'AttributesOperation';
  expr: Expression;
}

/** `File { mode => '0644' }` (`type` is a QualifiedReference, or an AccessExpression such as `Resource[file]`). */
export interface ResourceDefaultsExpression extends NodeBase {
  kind: 'ResourceDefaultsExpression';
  form: ResourceForm;
  type: Expression;
  operations: (AttributeOperation | AttributesOperation)[];
}

/** `File['a'] { mode => '0600' }`, `Service['x', 'y'] { ... }`, `$ref { ... }`. */
export interface ResourceOverrideExpression extends NodeBase {
  kind: 'ResourceOverrideExpression';
  form: ResourceForm;
  resources: Expression;
  operations: (AttributeOperation | AttributesOperation)[];
}

/**
 * `User <| title == 'x' |>` (virtual) or `Host <<| tag == 'y' |>>` (exported),
 * optionally followed by `{ attr => value }` overrides.
 */
export interface CollectExpression extends NodeBase {
  kind: 'CollectExpression';
  type: QualifiedReference;
  query: VirtualQuery | ExportedQuery;
  operations: (AttributeOperation | AttributesOperation)[];
}

/**
 * The query between `<|` and `|>`; `expr` is undefined when empty. It is built
 * from ComparisonExpression (`==`, `!=`) of an attribute QualifiedName and a
 * value, AndExpression, OrExpression and ParenthesizedExpression.
 */
export interface VirtualQuery extends NodeBase {
  kind: 'VirtualQuery';
  expr?: Expression;
}

export interface ExportedQuery extends NodeBase {
  kind: 'ExportedQuery';
  expr?: Expression;
}

// ---------------------------------------------------------------- definitions

/** `class name(params) inherits parent { body }`; `name` is qualified by enclosing classes (`a::b`). */
export interface HostClassDefinition extends NodeBase {
  kind: 'HostClassDefinition';
  name: string;
  nameLoc: Loc;
  parameters: Parameter[];
  parent?: string;
  body: Expression[];
}

/** `define name(params) { body }`; `name` is qualified by an enclosing class. */
export interface ResourceTypeDefinition extends NodeBase {
  kind: 'ResourceTypeDefinition';
  name: string;
  nameLoc: Loc;
  parameters: Parameter[];
  body: Expression[];
}

/**
 * `node 'a.example.com', /^web\d+/, default inherits base { body }`.
 * Each host match is a LiteralString (quoted, or a bare or dotted name such as
 * web01.example.com, as written), ConcatenatedString, LiteralRegularExpression or LiteralDefault.
 */
export interface NodeDefinition extends NodeBase {
  kind: 'NodeDefinition';
  hostMatches: Expression[];
  /** Classic node inheritance (Puppet 3); a name or a regex. */
  parent?: Expression;
  body: Expression[];
}

/** `function name(params) >> ReturnType { body }` */
export interface FunctionDefinition extends NodeBase {
  kind: 'FunctionDefinition';
  name: string;
  nameLoc: Loc;
  parameters: Parameter[];
  returnType?: Expression;
  body: Expression[];
}

/** `type Name = TypeExpression` */
export interface TypeAlias extends NodeBase {
  kind: 'TypeAlias';
  name: string;
  type: Expression;
}

/** `type Runtime[ruby, 'X'] = Target` or `type /regex/ = Target` (type mapping). */
export interface TypeMapping extends NodeBase {
  kind: 'TypeMapping';
  mapping: Expression;
  type: Expression;
}

/** `type Name inherits Parent { attributes }` (Object type definition). */
export interface TypeDefinition extends NodeBase {
  kind: 'TypeDefinition';
  name: string;
  parent?: string;
  body: Expression[];
}

/** Classic `import 'file.pp', 'nodes/*.pp'` (globs relative to the importing file). */
export interface ImportExpression extends NodeBase {
  kind: 'ImportExpression';
  files: Expression[];
}

/** Stands in for an expression that failed to parse (diagnostics explain why). */
export interface ErrorExpression extends NodeBase {
  kind: 'ErrorExpression';
}

// ---------------------------------------------------------------- unions

export type Definition =
  | HostClassDefinition | ResourceTypeDefinition | NodeDefinition | FunctionDefinition
  | TypeAlias | TypeMapping | TypeDefinition;

export type Literal =
  | LiteralString | ConcatenatedString | HeredocExpression | LiteralInteger | LiteralFloat
  | LiteralRegularExpression | LiteralBoolean | LiteralUndef | LiteralDefault;

export type Expression =
  | Literal
  | LiteralList | LiteralHash
  | VariableExpression | QualifiedName | QualifiedReference | AccessExpression
  | ArithmeticExpression | ComparisonExpression | MatchExpression | InExpression
  | AndExpression | OrExpression | NotExpression | UnaryMinusExpression | UnfoldExpression
  | ParenthesizedExpression | AssignmentExpression | RelationshipExpression
  | SelectorExpression | IfExpression | UnlessExpression | CaseExpression
  | CallNamedFunctionExpression | CallMethodExpression | LambdaExpression
  | ResourceExpression | ResourceDefaultsExpression | ResourceOverrideExpression | CollectExpression
  | Definition | ImportExpression
  | RenderStringExpression | RenderExpression
  | ErrorExpression;

/** Every node kind, including the ones that only appear inside others. */
export type Node =
  | Program | EppProgram | Expression
  | KeyedEntry | SelectorEntry | CaseOption | Parameter
  | ResourceBody | AttributeOperation | AttributesOperation | VirtualQuery | ExportedQuery;

export type NodeKind = Node['kind'];
