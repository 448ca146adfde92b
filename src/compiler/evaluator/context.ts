// The state of one compile: the catalog being built, scopes of evaluated
// classes, the queues of lazy work (defines, collectors, overrides,
// relationships), logs, and the helpers every evaluator module shares
// (errors with location and node, variable lookup, recursion guard).
import { KurokoError } from '../../util/diagnostic.js';
import type { Loc, Expression, LambdaExpression } from '../../lang/ast.js';
import { CatalogBuilder, type Resource } from '../catalog.js';
import { Scope } from '../scope.js';
import type { Value } from '../types/values.js';
import type { Environment } from '../loader.js';
import type { PType } from '../types/types.js';

export interface LogLine { level: string; message: string; file?: string; line?: number }

/** A lambda value: parameters, body and the scope it closes over. */
export class Lambda {
  readonly callable = true;
  constructor(readonly ast: LambdaExpression, readonly scope: Scope) {}
}

export type Block = (args: Value[]) => Value;

export interface CallInfo {
  ctx: Context;
  scope: Scope;
  loc: Loc;
  name: string;
  block?: Block;
  /** The lambda's parameter count (each/map pass (k, v) or [k, v] by it). */
  blockArity?: number;
}

export type BuiltinFunction = (c: CallInfo, args: Value[]) => Value;

/** A query of a collector, already compiled to a predicate over resources. */
export interface Collector {
  type: string; // capitalised
  match: (r: Resource) => boolean;
  exported: boolean;
  ops: { attribute: string; append: boolean; value: Value }[];
  scope: Scope;
  loc: Loc;
  /** Resources this collector realised already (each once). */
  seen: Set<Resource>;
}

export interface PendingOverride { key: string; ops: { attribute: string; append: boolean; value: Value }[]; scope: Scope; loc: Loc }
export interface PendingRelation { left: Value; right: Value; op: string; loc: Loc }

export class ControlFlow {
  constructor(readonly kind: 'return' | 'next' | 'break', readonly value: Value, readonly loc: Loc) {}
}

const MAX_DEPTH = 200;

export class Context {
  readonly catalog: CatalogBuilder;
  readonly topScope = new Scope('top');
  nodeScope?: Scope;
  readonly classScopes = new Map<string, Scope>();
  readonly defineQueue: Resource[] = [];
  readonly collectors: Collector[] = [];
  readonly overrides: PendingOverride[] = [];
  readonly relations: PendingRelation[] = [];
  readonly realizeLater: { key: string; loc: Loc }[] = [];
  readonly logs: LogLine[] = [];
  readonly chain: string[] = [];
  strict: 'off' | 'warning' | 'error' = 'warning';
  strictVariables = false;
  /** Exported resources are kept for a store (see CompileRequest.storeconfigs). */
  storeconfigs = false;
  mainClass!: Resource;
  stageMain!: Resource;
  /** Set while rendering EPP: the text output of the template being rendered. */
  eppOut?: string[];
  readonly typeAliasCache = new Map<string, PType>();
  /** Resources other nodes exported (from the store), for `<<| |>>` collectors. */
  exportedPool: Resource[] = [];

  constructor(readonly env: Environment, readonly nodeName: string, readonly functions: Map<string, BuiltinFunction>) {
    this.catalog = new CatalogBuilder(nodeName, env.name);
  }

  /** A compile error at a location, in Puppet's words, naming the node. */
  error(message: string, loc?: Loc, code = 'KUR4000'): KurokoError {
    return new KurokoError(message, {
      code,
      location: loc ? { file: loc.file, line: loc.line, column: loc.column, offset: loc.offset, length: loc.length } : undefined,
      sourceText: loc ? this.env.sourceOf(loc.file) : undefined,
      node: this.nodeName,
    });
  }

  log(level: 'debug' | 'info' | 'notice' | 'warning' | 'err', message: string, loc?: Loc): void {
    this.logs.push({ level, message, file: loc?.file, line: loc?.line });
  }

  /** A strict-governed issue where only a file and line are known (serialization of a resource). */
  issueAt(message: string, where: { file?: string; line?: number }, strictness: 'off' | 'warning' | 'error'): void {
    const suffix = where.file !== undefined ? ` (file: ${where.file}${where.line !== undefined ? `, line: ${where.line}` : ''})` : '';
    if (strictness === 'error') throw new KurokoError(`Evaluation Error: ${message}`, { code: 'KUR4000', location: where.file !== undefined ? { file: where.file, line: where.line } : undefined, node: this.nodeName });
    if (strictness === 'warning') this.logs.push({ level: 'warning', message: message + suffix, file: where.file, line: where.line });
  }

  warnOrFail(message: string, loc: Loc | undefined, strictness: 'off' | 'warning' | 'error'): void {
    if (strictness === 'error') throw this.error(`Evaluation Error: ${message}`, loc);
    if (strictness === 'warning') this.log('warning', message + (loc ? ` (file: ${loc.file}, line: ${loc.line}, column: ${loc.column})` : ''), loc);
  }

  /** Issues::UNKNOWN_VARIABLE: an error with strict_variables, else as strict says (off ignores). */
  unknownVariableLevel(): 'off' | 'warning' | 'error' {
    return this.strictVariables ? 'error' : this.strict;
  }

  /** Runs `fn` one level deeper; refuses unbounded recursion with the chain in the error. */
  deeper<T>(label: string, loc: Loc | undefined, fn: () => T): T {
    if (this.chain.length >= MAX_DEPTH) {
      const shown = [...this.chain.slice(0, 5), '...', ...this.chain.slice(-5)].join(' -> ');
      throw this.error(`Maximum evaluation depth (${MAX_DEPTH}) exceeded; recursion through: ${shown} -> ${label}`, loc, 'KUR4001');
    }
    this.chain.push(label);
    try {
      return fn();
    } finally {
      this.chain.pop();
    }
  }

  /** The class scope by fully qualified name when the class has been evaluated. */
  classScope(name: string): Scope | undefined {
    return this.classScopes.get(name.replace(/^::/, '').toLowerCase());
  }

  /** `$x`, `$::x`, `$a::b::x` lookups (P: Scope#lookupvar). */
  lookupVariable(name: string, scope: Scope, loc: Loc): Value {
    let n = name;
    if (n.startsWith('::')) {
      n = n.slice(2);
      if (!n.includes('::')) return this.finishLookup(this.topScope.lookup(n), n, name, loc);
    }
    const idx = n.lastIndexOf('::');
    if (idx >= 0) {
      const cls = n.slice(0, idx).toLowerCase();
      const v = n.slice(idx + 2);
      const cs = cls === '' ? this.topScope : this.classScope(cls);
      // A class not (yet) evaluated or not found: Puppet 7 says only "Unknown variable".
      if (!cs) return this.finishLookup({ found: false, value: undefined }, v, n, loc);
      const r = cs.vars.has(v) ? { found: true, value: cs.vars.get(v) } : cs.lookup(v);
      return this.finishLookup(r, v, n, loc);
    }
    return this.finishLookup(scope.lookup(n), n, name, loc);
  }

  private finishLookup(r: { found: boolean; value: Value }, short: string, full: string, loc: Loc): Value {
    if (r.found) return r.value;
    if (/^\d+$/.test(short)) return undefined;
    this.warnOrFail(`Unknown variable: '${full.replace(/^::/, '::')}'.`, loc, this.unknownVariableLevel());
    return undefined;
  }
}

export type Evaluate = (ctx: Context, e: Expression, scope: Scope) => Value;

// Set by calls.ts: parameter binding for lambdas (avoids a module cycle at load time).
export const lambdaBinder: { bindParameters: (ctx: Context, params: import('../../lang/ast.js').Parameter[], args: Value[], scope: Scope, loc: Loc, what: string) => void } = {
  bindParameters: () => { throw new Error('calls.ts not loaded'); },
};
