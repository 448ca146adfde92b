// The checks Puppet runs after parsing (its Checker4_0), in Puppet's wording:
// what can be assigned, reserved and illegal names, duplicate parameters,
// where definitions may appear, and expressions whose value is thrown away.
import type { Diagnostic, Severity } from '../util/diagnostic.js';
import type * as A from './ast.js';
import { KEYWORDS } from './tokens.js';
import type { SourceFile } from './source.js';
import { children } from './walk.js';

const CLASS_NAME = /^((::)?[a-z][\w]*)(::[a-z][\w]*)*$/;
const PARAM_NAME = /^[a-z_]\w*$/;
const VARIABLE_NAME = /^(::)?([a-z]\w*::)*[a-z_]\w*$/;
const RESERVED_PARAMETERS = new Set(['name', 'title']);
/** Names of Puppet's built-in types, which no class or define may take. */
const RESERVED_TYPE_NAMES = new Set([
  'any', 'array', 'binary', 'boolean', 'callable', 'catalogentry', 'class', 'collection', 'data', 'default',
  'deferred', 'enum', 'error', 'float', 'hash', 'init', 'integer', 'iterable', 'iterator', 'notundef', 'numeric',
  'object', 'optional', 'pattern', 'regexp', 'resource', 'richdata', 'runtime', 'scalar', 'scalardata',
  'semver', 'semverrange', 'sensitive', 'string', 'struct', 'timespan', 'timestamp', 'tuple', 'type', 'typealias',
  'typereference', 'typeset', 'undef', 'unit', 'variant', 'environment',
]);

/** Severity of "has no effect" findings: errors, as in Puppet (a value produced and forgotten is a mistake). */
const IDEM_SEVERITY: Severity = 'error';

type Where = 'top' | 'class' | 'other';

export function validate(program: A.Program | A.EppProgram, sf: SourceFile, out: Diagnostic[]): void {
  const v = new Validator(sf, out);
  if (program.kind === 'EppProgram') {
    if (program.parameters) v.parameters(program.parameters, 'an EPP template', false);
    v.block(program.body, 'other', 'value');
  } else v.block(program.body, 'top', 'value');
}

class Validator {
  constructor(readonly sf: SourceFile, readonly out: Diagnostic[]) {}

  report(code: string, message: string, loc: A.Loc, severity: Severity = 'error'): void {
    this.out.push(this.sf.diagnostic(code, severity, message, loc.offset, loc.offset + loc.length));
  }

  /**
   * A statement list. `last` says what the last statement may be: a 'value'
   * (the block's result) or must have an effect ('effect': class, define and node bodies).
   */
  block(body: A.Expression[], where: Where, last: 'value' | 'effect', container?: string): void {
    for (let k = 0; k < body.length; k++) {
      const e = body[k];
      const isLast = k === body.length - 1;
      if (isIdem(e)) {
        if (!isLast) {
          this.report('IDEM_EXPRESSION_NOT_LAST', `This ${label(e)} has no effect. A value was produced and then forgotten (one or more preceding expressions may have the wrong form)`, at(e), IDEM_SEVERITY);
        } else if (last === 'effect') {
          this.report('IDEM_NOT_ALLOWED_LAST', `This ${label(e)} has no effect. ${container} can not end with a value-producing expression without other effect`, at(e), IDEM_SEVERITY);
        }
      }
      this.node(e, where);
    }
  }

  node(n: A.Node, where: Where): void {
    switch (n.kind) {
      case 'HostClassDefinition':
        this.topLevel(n, where);
        this.definitionName(n.name, n.nameLoc, n.loc, 'a Host Class Definition');
        this.parameters(n.parameters, 'the Host Class Definition', true);
        this.block(n.body, 'class', 'effect', 'A Host Class Definition');
        return;
      case 'ResourceTypeDefinition':
        this.topLevel(n, where);
        this.definitionName(n.name, n.nameLoc, n.loc, 'a Resource Type Definition');
        this.parameters(n.parameters, "the 'define' expression", true);
        this.block(n.body, 'other', 'effect', "A 'define' expression");
        return;
      case 'NodeDefinition':
        this.topLevel(n, where);
        this.hostMatches(n.hostMatches);
        this.block(n.body, 'other', 'effect', 'A Node Definition');
        for (const h of n.hostMatches) this.node(h, 'other');
        return;
      case 'FunctionDefinition':
        this.topLevel(n, where);
        this.parameters(n.parameters, 'a Function Definition', false);
        if (n.returnType) this.node(n.returnType, 'other');
        this.block(n.body, 'other', 'value');
        return;
      case 'TypeAlias': case 'TypeMapping': case 'TypeDefinition':
        this.topLevel(n, where);
        break;
      case 'LambdaExpression':
        this.parameters(n.parameters, 'a Lambda', false);
        if (n.returnType) this.node(n.returnType, 'other');
        this.block(n.body, 'other', 'value');
        return;
      case 'IfExpression': case 'UnlessExpression':
        this.node(n.test, 'other');
        this.block(n.then, 'other', 'value');
        this.block(n.else, 'other', 'value');
        return;
      case 'CaseOption':
        for (const x of n.values) this.node(x, 'other');
        this.block(n.then, 'other', 'value');
        return;
      case 'AssignmentExpression':
        this.assignment(n);
        this.rvalue(n.value);
        break;
      case 'CallNamedFunctionExpression': case 'CallMethodExpression':
        for (const a of n.args) this.rvalue(a);
        break;
      case 'LiteralList':
        for (const a of n.elements) this.rvalue(a);
        break;
      case 'LiteralHash':
        this.duplicateKeys(n);
        break;
      case 'HeredocExpression':
        this.heredocSyntax(n);
        break;
      case 'VariableExpression':
        // P: a name starting with a digit must be a decimal match variable ($0, $1, ...)
        if (/^\d/.test(n.name)) {
          if (!/^(?:0|[1-9]\d*)$/.test(n.name)) this.report('ILLEGAL_NUMERIC_VAR_NAME', `Illegal numeric variable name, The given name '${n.name}' must be a decimal value if it starts with a digit 0-9`, n.loc);
        } else if (!VARIABLE_NAME.test(n.name)) {
          this.report('ILLEGAL_VAR_NAME', `Illegal variable name, The given name '${n.name}' does not conform to the naming rule /^((::)?[a-z]\\w*)*((::)?[a-z_]\\w*)$/`, n.loc);
        }
        break;
      case 'CaseExpression':
        this.duplicateDefault(n.options.flatMap((o) => o.values), "This 'case' statement");
        break;
      case 'SelectorExpression':
        this.duplicateDefault(n.selectors.map((s) => s.matching), 'This Selector Expression');
        break;
      case 'ResourceExpression':
        if (n.form !== 'regular' && n.typeName.kind === 'QualifiedName' && n.typeName.name === 'class') {
          this.report('NOT_VIRTUALIZEABLE', 'Classes are not virtualizable', n.loc);
        }
        for (const b of n.bodies) this.operations(b.operations, false, 'a Resource Instance Definition');
        break;
      case 'ResourceDefaultsExpression':
        if (n.form !== 'regular') this.report('NOT_VIRTUALIZEABLE', 'Resource Defaults are not virtualizable', n.loc);
        this.operations(n.operations, false, 'a Resource Defaults Expression');
        break;
      case 'ResourceOverrideExpression':
        if (n.form !== 'regular') this.report('NOT_VIRTUALIZEABLE', 'Resource Defaults are not virtualizable', n.loc);
        this.operations(n.operations, true, 'a Resource Override Expression');
        break;
      case 'CollectExpression':
        if (n.query.expr) this.query(n.query.expr);
        this.operations(n.operations, true, 'a Collect Expression');
        break;
      default:
        break;
    }
    for (const c of children(n)) this.node(c, 'other');
  }

  /** Definitions produce no value: they cannot be assigned, passed or listed. */
  rvalue(e: A.Expression): void {
    switch (e.kind) {
      case 'HostClassDefinition': case 'ResourceTypeDefinition': case 'NodeDefinition': case 'FunctionDefinition':
      case 'TypeAlias': case 'TypeMapping': case 'TypeDefinition':
        this.report('NOT_RVALUE', `Invalid use of expression. ${capitalize(aAn(label(e)))} does not produce a value`, e.loc);
        break;
      default: break;
    }
  }

  duplicateDefault(values: A.Expression[], what: string): void {
    let seen = false;
    for (const v of values) {
      if (v.kind !== 'LiteralDefault') continue;
      if (seen) this.report('DUPLICATE_DEFAULT', `${what} already has a 'default' entry - this is a duplicate`, v.loc);
      seen = true;
    }
  }

  duplicateKeys(h: A.LiteralHash): void {
    const seen = new Set<string>();
    for (const e of h.entries) {
      const k = e.key;
      const key = k.kind === 'LiteralString' ? k.value : k.kind === 'QualifiedName' ? k.name
        : k.kind === 'LiteralInteger' || k.kind === 'LiteralFloat' ? `\u0000${k.value}` : undefined;
      if (key === undefined) continue;
      if (seen.has(key)) {
        // Puppet places an entry at its `=>`.
        const arrow = this.sf.text.indexOf('=>', k.loc.offset + k.loc.length);
        const at = arrow >= 0 && arrow < e.value.loc.offset ? this.sf.loc(arrow, arrow + 2) : e.loc;
        this.report('DUPLICATE_KEY', `The key '${key.replace('\u0000', '')}' is declared more than once`, at, 'warning');
      }
      seen.add(key);
    }
  }

  /** Static heredoc text tagged `json` must be valid JSON (Puppet's JSON syntax checker). */
  heredocSyntax(h: A.HeredocExpression): void {
    const syntax = h.syntax?.split('+').pop();
    if (syntax !== 'json' || h.text.kind !== 'LiteralString') return;
    try {
      JSON.parse(h.text.value);
    } catch (e) {
      this.report('HEREDOC_SYNTAX', `Invalid produced text having syntax: '${h.syntax}'. JSON syntax checker: Cannot parse invalid JSON string. "${(e as Error).message}"`, h.text.loc);
    }
  }

  hostMatches(matches: A.Expression[]): void {
    for (const m of matches) {
      if (m.kind === 'LiteralString' && !/^[\w.-]+$/.test(m.value)) {
        this.report('ILLEGAL_HOSTNAME_CHARS', `The hostname '${m.value}' contains illegal characters (only letters, digits, '_', '-', and '.' are allowed)`, m.loc);
      } else if (m.kind === 'ConcatenatedString') {
        const x = m.segments.find((s) => s.kind !== 'LiteralString') ?? m;
        this.report('ILLEGAL_HOSTNAME_INTERPOLATION', 'An interpolated expression is not allowed in a hostname of a node', x.loc);
      }
    }
  }

  topLevel(n: A.Definition, where: Where): void {
    if (where === 'other') {
      this.report('NOT_TOP_LEVEL', 'Classes, definitions, and nodes may only appear at toplevel or inside other classes', n.loc);
    }
  }

  definitionName(name: string, loc: A.Loc, defLoc: A.Loc, what: string): void {
    if (KEYWORDS.has(name)) {
      this.report('RESERVED_WORD', `Use of reserved word: ${name}, must be quoted if intended to be a String value`, loc);
    } else if (!CLASS_NAME.test(name)) {
      this.report('ILLEGAL_DEFINITION_NAME', `Unacceptable name. The name '${name}' is unacceptable as the name of ${what}`, loc);
    } else if (RESERVED_TYPE_NAMES.has(name.replace(/^::/, ''))) {
      this.report('RESERVED_TYPE_NAME', `The name: '${name}' is already defined by Puppet and can not be used as the name of ${what}.`, defLoc);
    }
  }

  parameters(params: A.Parameter[], container: string, reserved: boolean): void {
    const seen = new Set<string>();
    params.forEach((prm, k) => {
      if (!PARAM_NAME.test(prm.name)) {
        this.report('ILLEGAL_PARAM_NAME', `Illegal parameter name. The given name '${prm.name}' does not conform to the naming rule /^[a-z_]\\w*$/`, prm.loc);
      }
      if (seen.has(prm.name)) {
        this.report('DUPLICATE_PARAMETER', `The parameter '${prm.name}' is declared more than once in the parameter list`, prm.loc);
      }
      seen.add(prm.name);
      if (reserved && RESERVED_PARAMETERS.has(prm.name)) {
        this.report('RESERVED_PARAMETER', `The parameter $${prm.name} redefines a built in parameter in ${container}`, prm.loc);
      }
      if (prm.capturesRest && k !== params.length - 1) {
        this.report('CAPTURES_REST_NOT_LAST', `Parameter $${prm.name} is not last, and has 'captures rest'`, prm.loc);
      }
    });
  }

  assignment(n: A.AssignmentExpression): void {
    if (n.operator !== '=') {
      this.report('UNSUPPORTED_OPERATOR', `The operator '${n.operator}' is no longer supported. See http://links.puppet.com/remove-plus-equals`, n.operatorLoc);
    }
    this.assignable(n.target);
  }

  assignable(t: A.Expression): void {
    if (t.kind === 'LiteralList') { for (const e of t.elements) this.assignable(e); return; }
    if (t.kind !== 'VariableExpression') {
      this.report('ILLEGAL_ASSIGNMENT', `Illegal attempt to assign to '${aAn(label(t))}'. Not an assignable reference`, t.loc);
      return;
    }
    const name = t.name;
    if (/^\d+$/.test(name)) {
      this.report('ILLEGAL_NUMERIC_ASSIGNMENT', `Illegal attempt to assign to the numeric match result variable '$${name}'. Numeric variables are not assignable`, t.loc);
    } else if (name.includes('::')) {
      this.report('CROSS_SCOPE_ASSIGNMENT', `Illegal attempt to assign to '${name}'. Cannot assign to variables in other namespaces`, t.loc);
    }
    // Assigning $facts/$trusted/$server_facts passes Puppet's validator: the evaluator refuses it.
  }

  operations(ops: (A.AttributeOperation | A.AttributesOperation)[], appendOk: boolean, what: string): void {
    let unfolds = 0;
    for (const op of ops) {
      if (op.kind === 'AttributesOperation') {
        if (++unfolds === 2) this.report('MULTIPLE_ATTRIBUTES_UNFOLD', 'Unfolding of attributes from Hash can only be used once per resource body', op.loc);
      } else if (op.operator === '+>' && !appendOk) {
        this.report('ILLEGAL_ATTRIBUTE_APPEND', `Illegal +> operation on attribute ${op.attribute}. This operator can not be used in ${what}`, op.loc);
      }
    }
  }

  query(e: A.Expression): void {
    switch (e.kind) {
      case 'AndExpression': case 'OrExpression': this.query(e.left); this.query(e.right); return;
      case 'ParenthesizedExpression': this.query(e.expr); return;
      case 'ComparisonExpression':
        if (e.operator === '==' || e.operator === '!=') return;
        this.report('ILLEGAL_QUERY_EXPRESSION', `Illegal query expression. A '${e.operator}' expression cannot be used in a query`, e.operatorLoc);
        return;
      default: break;
    }
    this.report('ILLEGAL_QUERY_EXPRESSION', `Illegal query expression. ${aAn(label(e))} cannot be used in a query`, e.loc);
  }
}

/** Whether evaluating `e` only produces a value (no side effect), by Puppet's rules. */
function isIdem(e: A.Expression): boolean {
  switch (e.kind) {
    case 'LiteralString': case 'LiteralInteger': case 'LiteralFloat': case 'LiteralRegularExpression':
    case 'LiteralBoolean': case 'LiteralUndef': case 'LiteralDefault': case 'VariableExpression':
    case 'QualifiedName': case 'QualifiedReference': case 'ConcatenatedString': case 'HeredocExpression':
    case 'LiteralList': case 'LiteralHash': case 'AccessExpression':
    case 'ArithmeticExpression': case 'ComparisonExpression': case 'MatchExpression': case 'InExpression':
    case 'AndExpression': case 'OrExpression': case 'NotExpression': case 'UnaryMinusExpression': case 'UnfoldExpression':
    case 'SelectorExpression':
      return true;
    case 'ParenthesizedExpression': return isIdem(e.expr);
    case 'IfExpression': case 'UnlessExpression':
      return isIdem(e.test) && blockIdem(e.then) && blockIdem(e.else);
    case 'CaseExpression': return e.options.every((o) => blockIdem(o.then));
    default:
      return false;
  }
}

/** A block is idem when it is empty or its last statement is. */
function blockIdem(body: A.Expression[]): boolean {
  return body.length === 0 || isIdem(body[body.length - 1]);
}

/** Where Puppet places an expression in messages: binary expressions at their operator. */
function at(e: A.Expression): A.Loc {
  return 'operatorLoc' in e ? e.operatorLoc : e.loc;
}

/** How Puppet names a node in messages (its LabelProvider): "String", "'==' expression", "Variable". */
export function label(n: A.Node): string {
  switch (n.kind) {
    case 'LiteralString': return 'String';
    case 'ConcatenatedString': return 'Double Quoted String';
    case 'HeredocExpression': return `'@(${n.syntax ?? ''})' expression`;
    case 'LiteralInteger': return 'Literal Integer';
    case 'LiteralFloat': return 'Literal Float';
    case 'LiteralRegularExpression': return 'Regular Expression';
    case 'LiteralBoolean': return 'Boolean';
    case 'LiteralUndef': return "'undef' expression";
    case 'LiteralDefault': return "'default' expression";
    case 'LiteralList': return 'Array Expression';
    case 'LiteralHash': return 'Hash Expression';
    case 'KeyedEntry': return 'Hash Entry';
    case 'QualifiedName': return 'Name';
    case 'QualifiedReference': return 'Type-Name';
    case 'VariableExpression': return 'Variable';
    case 'AccessExpression': return "'[]' expression";
    case 'ArithmeticExpression': case 'ComparisonExpression': case 'MatchExpression':
    case 'AssignmentExpression': case 'RelationshipExpression':
      return `'${n.operator}' expression`;
    case 'AttributeOperation': return `'${n.operator}' expression`;
    case 'InExpression': return "'in' expression";
    case 'AndExpression': return "'and' expression";
    case 'OrExpression': return "'or' expression";
    case 'NotExpression': return "'not' expression";
    case 'UnaryMinusExpression': return 'Unary Minus';
    case 'UnfoldExpression': return 'Unfold';
    case 'ParenthesizedExpression': return 'Parenthesized Expression';
    case 'SelectorExpression': return 'Selector Expression';
    case 'SelectorEntry': return 'Selector Option';
    case 'IfExpression': return "'if' statement";
    case 'UnlessExpression': return "'unless' Statement";
    case 'CaseExpression': return "'case' statement";
    case 'CaseOption': return 'Case Option';
    case 'CallNamedFunctionExpression': return 'Function Call';
    case 'CallMethodExpression': return 'Method call';
    case 'LambdaExpression': return 'Lambda';
    case 'ResourceExpression': return 'Resource Statement';
    case 'ResourceBody': return 'Resource Instance Definition';
    case 'ResourceDefaultsExpression': return 'Resource Defaults Expression';
    case 'ResourceOverrideExpression': return 'Resource Override';
    case 'CollectExpression': return label(n.query);
    case 'VirtualQuery': return 'Virtual Query';
    case 'ExportedQuery': return 'Exported Query';
    case 'HostClassDefinition': return 'Host Class Definition';
    case 'ResourceTypeDefinition': return "'define' expression";
    case 'NodeDefinition': return 'Node Definition';
    case 'FunctionDefinition': return 'Function Definition';
    case 'TypeAlias': return 'Type Alias';
    case 'TypeMapping': return 'Type Mapping';
    case 'TypeDefinition': return 'Type Definition';
    case 'RenderStringExpression': return 'Epp Text';
    case 'RenderExpression': return 'Epp Interpolated Expression';
    default:
      return n.kind.replace(/Expression$/, '').replace(/([a-z])([A-Z])/g, '$1 $2');
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function aAn(s: string): string {
  return /^[aeiouAEIOU]/.test(s) ? `an ${s}` : `a ${s}`;
}
