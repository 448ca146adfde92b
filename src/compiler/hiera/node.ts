// Lookups outside a catalog compile (`kuroko lookup`): a node's top scope
// (facts, $trusted, $server_facts, $environment) without evaluating manifests.
import { hostname } from 'node:os';
import { yamlLib } from '../lazy.js';
import type { CompileRequest } from '../api.js';
import type { Data } from '../wire.js';
import { resolveEnvironment, Environment } from '../compile.js';
import { Context } from '../evaluator/context.js';
import { builtinFunctions } from '../functions/index.js';
import { PFloat, PSensitive, dataToValue, type PHash, type Value } from '../types/values.js';
import { toPString, inspect } from '../evaluator/convert.js';
import { installHiera, hieraFor, scopeVariables } from './functions.js';
import { toMergeStrategy } from './merge.js';
import { Explainer } from './explain.js';

export interface NodeLookup {
  keys: string[];
  node: string;
  facts: Record<string, Data>;
  merge?: string | Map<string, string | boolean>;
  explain?: boolean;
  request: CompileRequest;
}

export interface NodeLookupResult {
  found: boolean;
  value: Value;
  explanation: string;
  render(v: Value, as: string): string;
}


/** A plain JSON/YAML view of a value (floats as numbers, Sensitive redacted). */
export function toData(v: Value): unknown {
  if (v === undefined) return null;
  if (v instanceof PFloat) return v.value;
  if (v instanceof PSensitive) return 'Sensitive [value redacted]';
  if (Array.isArray(v)) return v.map(toData);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[typeof k === 'string' ? k : toPString(k)] = toData(x);
    return o;
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return toPString(v);
}

function render(v: Value, as: string): string {
  switch (as) {
    case 'json': return JSON.stringify(toData(v), null, 2);
    case 's': return toPString(v);
    case 'p': return inspect(v);
    default: {
      const d = toData(v);
      const y = yamlLib().stringify(d).replace(/\n$/, '');
      return d !== null && typeof d === 'object' && (Array.isArray(d) ? d.length : Object.keys(d).length) ? `---\n${y}` : `--- ${y}`;
    }
  }
}

/** Looks up the first of `keys` found for a node, as `puppet lookup` does. */
export function lookupForNode(q: NodeLookup): NodeLookupResult {
  const re = resolveEnvironment(q.request);
  const env = new Environment({ name: re.name, manifest: re.manifest, modulepath: re.modulepath });
  installHiera(env, { globalConfig: q.request.hieraConfig, environmentDir: re.dir });
  const ctx = new Context(env, q.node, builtinFunctions());
  const top = ctx.topScope;
  const facts: PHash = new Map();
  for (const [k, v] of Object.entries(q.facts)) {
    const val = dataToValue(v);
    facts.set(k, val);
    if (/^[a-z_]\w*$/i.test(k) && !['facts', 'trusted', 'server_facts'].includes(k)) top.set(k, val);
  }
  top.set('facts', facts);
  // As `puppet lookup` run locally: no client certificate, so $trusted has no certname.
  top.set('trusted', dataToValue({ authenticated: 'local', certname: null, extensions: {}, hostname: null, domain: null, external: {} } as unknown as Data));
  top.set('server_facts', dataToValue({ serverversion: '7.23.0', servername: hostname(), environment: re.name }));
  top.set('environment', re.name);
  if (!top.hasLocal('clientcert')) top.set('clientcert', q.node);
  const hiera = hieraFor(ctx);
  const merge = q.merge === undefined ? undefined : toMergeStrategy(q.merge as Value, ' (--merge)');
  const ex = q.explain ? new Explainer() : undefined;
  const vars = scopeVariables(ctx, top);
  for (const k of q.keys) {
    const r = hiera.lookup(k, vars, { merge, explain: ex });
    if (r.found) return { found: true, value: r.value, explanation: ex?.toString() ?? '', render };
  }
  return { found: false, value: undefined, explanation: ex?.toString() ?? '', render };
}
