// The AST in Puppet Notation (PN), the data form `puppet parser dump --format json`
// prints: calls are {"^": [name, ...args]}, maps {"#": [key, value, ...]}.
// It makes Kuroko's trees directly comparable with Puppet's own, and gives
// tests a compact way to state the expected shape of an expression.
import type * as A from './ast.js';

export type PN = null | boolean | number | string | PN[] | { '^': PN[] } | { '#': PN[] };

const call = (name: string, ...args: PN[]): PN => ({ '^': [name, ...args] });
const map = (...entries: PN[]): PN => ({ '#': entries });

/** A statement list as Puppet models it: nothing, the one expression, or a block. */
function block(body: A.Expression[]): PN {
  if (body.length === 0) return call('nop');
  if (body.length === 1) return toPN(body[0], true);
  return call('block', ...body.map((e) => toPN(e, true)));
}

/** A body as an entry of a map: its statements as a list, absent when empty. */
function bodyEntry(name: string, body: A.Expression[], entries: PN[], keepEmpty = false): void {
  if (body.length === 0) { if (keepEmpty) entries.push(name, [call('nop')]); return; }
  entries.push(name, body.map((e) => toPN(e, true)));
}

function params(ps: A.Parameter[]): PN {
  const out: PN[] = [];
  for (const p of ps) {
    const e: PN[] = [];
    if (p.type) e.push('type', toPN(p.type));
    if (p.capturesRest) e.push('splat', true);
    if (p.value) e.push('value', toPN(p.value));
    out.push(p.name, map(...e));
  }
  return map(...out);
}

function ops(os: (A.AttributeOperation | A.AttributesOperation)[]): PN {
  return os.map((o) => (o.kind === 'AttributesOperation' ? call('splat-hash', toPN(o.expr)) : call(o.operator, o.attribute, toPN(o.value))));
}

function callPN(e: A.CallNamedFunctionExpression | A.CallMethodExpression, functor: PN, rval: boolean, r: string, nr: string): PN {
  const entries: PN[] = ['functor', functor, 'args', e.args.map((a) => toPN(a))];
  if (e.lambda) entries.push('block', toPN(e.lambda));
  return call(rval ? r : nr, map(...entries));
}

function ifPN(e: A.IfExpression | A.UnlessExpression, name: string): PN {
  const entries: PN[] = ['test', toPN(e.test)];
  bodyEntry('then', e.then, entries);
  bodyEntry('else', e.else, entries);
  return call(name, map(...entries));
}

function definition(name: string, typeName: string, parameters: A.Parameter[], body: A.Expression[], parent?: string, returns?: A.Expression): PN {
  const entries: PN[] = ['name', name];
  if (parent !== undefined) entries.push('parent', parent);
  if (parameters.length) entries.push('params', params(parameters));
  bodyEntry('body', body, entries);
  if (returns) entries.push('returns', toPN(returns));
  return call(typeName, map(...entries));
}

/** The PN of a node; `statement` marks a call whose value is not used. */
export function toPN(n: A.Node, statement = false): PN {
  switch (n.kind) {
    case 'Program': return block(n.body);
    case 'EppProgram': {
      const entries: PN[] = [];
      if (n.parameters?.length) entries.push('params', params(n.parameters));
      entries.push('body', [call('epp', ...n.body.map((e) => toPN(e, true)))]);
      return call('lambda', map(...entries));
    }
    case 'LiteralString': return n.value;
    case 'ConcatenatedString':
      return call('concat', ...n.segments.map((s) => (s.kind === 'LiteralString' ? s.value : call('str', toPN(s)))));
    case 'HeredocExpression': {
      const entries: PN[] = [];
      if (n.syntax) entries.push('syntax', n.syntax);
      entries.push('text', toPN(n.text));
      return call('heredoc', map(...entries));
    }
    case 'LiteralInteger':
      return n.radix === 10 ? n.value : call('int', map('radix', n.radix, 'value', n.value));
    case 'LiteralFloat': return n.value;
    case 'LiteralRegularExpression': return call('regexp', n.pattern);
    case 'LiteralBoolean': return n.value;
    case 'LiteralUndef': return null;
    case 'LiteralDefault': return call('default');
    case 'LiteralList': return call('array', ...n.elements.map((e) => toPN(e)));
    case 'LiteralHash': return call('hash', ...n.entries.map((e) => toPN(e)));
    case 'KeyedEntry': return call('=>', toPN(n.key), toPN(n.value));
    case 'VariableExpression': return call('var', n.name);
    case 'QualifiedName': return call('qn', n.name);
    case 'QualifiedReference': return call('qr', n.name);
    case 'AccessExpression': return call('access', toPN(n.target), ...n.keys.map((k) => toPN(k)));
    case 'ArithmeticExpression': case 'ComparisonExpression': case 'MatchExpression': case 'RelationshipExpression':
      return call(n.operator, toPN(n.left), toPN(n.right));
    case 'AssignmentExpression': return call(n.operator, toPN(n.target), toPN(n.value));
    case 'InExpression': return call('in', toPN(n.left), toPN(n.right));
    case 'AndExpression': return call('and', toPN(n.left), toPN(n.right));
    case 'OrExpression': return call('or', toPN(n.left), toPN(n.right));
    case 'NotExpression': return call('!', toPN(n.expr));
    case 'UnaryMinusExpression':
      if (n.expr.kind === 'LiteralInteger' || n.expr.kind === 'LiteralFloat') return -n.expr.value;
      return call('-', toPN(n.expr));
    case 'UnfoldExpression': return call('unfold', toPN(n.expr));
    case 'ParenthesizedExpression': return call('paren', toPN(n.expr));
    case 'SelectorExpression': return call('?', toPN(n.left), n.selectors.map((s) => toPN(s)));
    case 'SelectorEntry': return call('=>', toPN(n.matching), toPN(n.value));
    case 'IfExpression': return ifPN(n, 'if');
    case 'UnlessExpression': return ifPN(n, 'unless');
    case 'CaseExpression': return call('case', toPN(n.test), n.options.map((o) => toPN(o)));
    case 'CaseOption': {
      const entries: PN[] = ['when', n.values.map((v) => toPN(v))];
      bodyEntry('then', n.then, entries, true);
      return map(...entries);
    }
    case 'CallNamedFunctionExpression': return callPN(n, toPN(n.functor), n.rvalRequired && !statement, 'call', 'invoke');
    case 'CallMethodExpression':
      return callPN(n, call('.', toPN(n.receiver), call('qn', n.name)), true, 'call-method', 'invoke-method');
    case 'LambdaExpression': {
      const entries: PN[] = [];
      if (n.parameters.length) entries.push('params', params(n.parameters));
      if (n.returnType) entries.push('returns', toPN(n.returnType));
      bodyEntry('body', n.body, entries);
      return call('lambda', map(...entries));
    }
    case 'Parameter': return params([n]);
    case 'ResourceExpression': {
      const entries: PN[] = ['type', toPN(n.typeName), 'bodies', n.bodies.map((b) => map('title', toPN(b.title), 'ops', ops(b.operations)))];
      if (n.form !== 'regular') entries.push('form', n.form);
      return call('resource', map(...entries));
    }
    case 'ResourceBody': return map('title', toPN(n.title), 'ops', ops(n.operations));
    case 'AttributeOperation': case 'AttributesOperation': return (ops([n]) as PN[])[0];
    case 'ResourceDefaultsExpression': {
      const entries: PN[] = ['type', toPN(n.type), 'ops', ops(n.operations)];
      if (n.form !== 'regular') entries.push('form', n.form);
      return call('resource-defaults', map(...entries));
    }
    case 'ResourceOverrideExpression': {
      const entries: PN[] = ['resources', toPN(n.resources), 'ops', ops(n.operations)];
      if (n.form !== 'regular') entries.push('form', n.form);
      return call('resource-override', map(...entries));
    }
    case 'CollectExpression': {
      const entries: PN[] = ['type', toPN(n.type), 'query', toPN(n.query)];
      if (n.operations.length) entries.push('ops', ops(n.operations));
      return call('collect', map(...entries));
    }
    case 'VirtualQuery': return n.expr ? call('virtual-query', toPN(n.expr)) : call('virtual-query');
    case 'ExportedQuery': return n.expr ? call('exported-query', toPN(n.expr)) : call('exported-query');
    case 'HostClassDefinition': return definition(n.name, 'class', n.parameters, n.body, n.parent);
    case 'ResourceTypeDefinition': return definition(n.name, 'define', n.parameters, n.body);
    case 'FunctionDefinition': return definition(n.name, 'function', n.parameters, n.body, undefined, n.returnType);
    case 'NodeDefinition': {
      const entries: PN[] = ['matches', n.hostMatches.map((h) => toPN(h))];
      if (n.parent) entries.push('parent', toPN(n.parent));
      bodyEntry('body', n.body, entries);
      return call('node', map(...entries));
    }
    case 'TypeAlias': return call('type-alias', n.name, toPN(n.type));
    case 'TypeMapping': return call('type-mapping', toPN(n.type), toPN(n.mapping));
    case 'TypeDefinition': return call('type-definition', n.name, n.parent ?? null, block(n.body));
    case 'ImportExpression': return call('import', ...n.files.map((f) => toPN(f)));
    case 'RenderStringExpression': return call('render-s', n.value);
    case 'RenderExpression': return call('render', toPN(n.expr));
    case 'ErrorExpression': return call('error');
  }
}

/** PN as a compact S-expression, e.g. `(= (var "a") (+ 1 2))`, for tests and dumps. */
export function pnToString(pn: PN): string {
  if (pn === null) return 'nil';
  if (typeof pn === 'string') return JSON.stringify(pn);
  if (typeof pn !== 'object') return String(pn);
  if (Array.isArray(pn)) return `[${pn.map(pnToString).join(' ')}]`;
  if ('^' in pn) {
    const [name, ...args] = pn['^'];
    return `(${[String(name), ...args.map(pnToString)].join(' ')})`;
  }
  const e = pn['#'];
  const parts: string[] = [];
  for (let k = 0; k < e.length; k += 2) parts.push(`:${String(e[k])} ${pnToString(e[k + 1])}`);
  return `{${parts.join(' ')}}`;
}
