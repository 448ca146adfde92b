// The compile pipeline (P: lib/puppet/parser/compiler.rb#compile): node
// parameters and top scope → settings → main manifest → node definition →
// generators (queued defines and collectors until nothing changes) → finish
// (overrides, realize, resource defaults, relationships) → catalog.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { hostname as osHostname } from 'node:os';
import type * as A from '../lang/ast.js';
import type { CompileRequest, CompileResult } from './api.js';
import type { Data } from './wire.js';
import { KurokoError } from '../util/diagnostic.js';
import { Context } from './evaluator/context.js';
import { Environment, EnvironmentCache, setTypeExprEvaluator } from './loader.js';
import { faultyMetadata } from './module-metadata.js';
import { Resource, addTag } from './catalog.js';
import { Scope } from './scope.js';
import { PRegexp, dataToValue, type Value } from './types/values.js';
import { evaluate, evalBlock } from './evaluator/expressions.js';
import { evaluateDefine } from './evaluator/definitions.js';
import { runCollector, operandResources, operandName, applyOverride, refKey } from './evaluator/catalog-exprs.js';
import { builtinFunctions } from './functions/index.js';
import { installHiera } from './hiera/functions.js';
import { RELATION_PARAMS, builtinType, coreTypeHasAttribute } from './builtin-types.js';
import { applyTitlePatterns, rubyTypeAccepts } from './rubytypes/index.js';

setTypeExprEvaluator((ctx, e) => evaluate(ctx, e, ctx.topScope));

export interface ResolvedEnvironment { name: string; dir?: string; manifest: string; modulepath: string[]; configVersion?: string }

/** Reads environment.conf's `key = value` lines. */
function readEnvironmentConf(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trim().startsWith('#')) out[m[1]] = m[2];
  }
  return out;
}

/** Where an environment's manifest and modules are (environment.conf, then the defaults). */
export function resolveEnvironment(req: CompileRequest): ResolvedEnvironment {
  const name = req.environment || 'production';
  if (!/^\w+$/.test(name)) throw new KurokoError(`Invalid environment name '${name}'`, { code: 'KUR4020', field: 'environment', value: name });
  const envpath = req.environmentpath ?? (req.codedir ? join(req.codedir, 'environments') : undefined);
  const dir = envpath ? envpath.split(':').map((p) => join(p, name)).find((d) => existsSync(d)) : undefined;
  const conf = dir ? readEnvironmentConf(join(dir, 'environment.conf')) : {};
  const base = req.basemodulepath ?? [];
  const rel = (p: string) => (isAbsolute(p) || !dir ? resolve(p) : resolve(dir, p));
  let manifest = req.manifest ?? (conf.manifest ? rel(conf.manifest) : dir ? join(dir, 'manifests') : undefined);
  if (!manifest) throw new KurokoError(`Could not find environment '${name}' (no ${envpath ? `${envpath}/${name}` : 'environmentpath'}) and no --manifest given`, { code: 'KUR4021', field: 'environment', value: name });
  manifest = resolve(manifest);
  let modulepath: string[];
  if (req.modulepath) modulepath = req.modulepath.map((p) => resolve(p));
  else if (conf.modulepath) modulepath = conf.modulepath.split(':').flatMap((p) => (p === '$basemodulepath' ? base : [rel(p)]));
  else modulepath = [...(dir ? [join(dir, 'modules')] : []), ...base];
  return { name, dir, manifest, modulepath, configVersion: conf.config_version };
}

function configVersion(cmd: string | undefined, dir: string | undefined): string | number {
  if (!cmd) return Math.floor(Date.now() / 1000);
  const parts = cmd.split(/\s+/).filter(Boolean);
  try {
    return execFileSync(parts[0], parts.slice(1), { cwd: dir, encoding: 'utf8', timeout: 10_000 }).trim();
  } catch (e) {
    throw new KurokoError(`Execution of config_version command \`${cmd}\` failed: ${(e as Error).message}`, { code: 'KUR4022', field: 'config_version', value: cmd });
  }
}


/** Compiles a catalog for a node. `cache` keeps parsed files between compiles. */
export function compileSync(req: CompileRequest, cache?: EnvironmentCache): CompileResult {
  const re = resolveEnvironment(req);
  const env = new Environment({ name: re.name, manifest: re.manifest, modulepath: re.modulepath, cache, strict: req.strict });
  installHiera(env, { globalConfig: req.hieraConfig, environmentDir: re.dir });
  const ctx = new Context(env, req.certname, builtinFunctions());
  ctx.strict = req.strict ?? 'warning';
  ctx.strictVariables = req.strictVariables ?? false;
  ctx.storeconfigs = req.storeconfigs ?? req.exportedResources !== undefined;
  if (ctx.strict !== 'off') for (const m of faultyMetadata(re.modulepath)) ctx.log(ctx.strict === 'error' ? 'err' : 'warning', m);
  try {
    env.loadMain();
    setTopScope(ctx, req, re);
    setupCatalog(ctx);
    ctx.exportedPool = (req.exportedResources ?? []).filter((w) => w.exported).map((w) => {
      const r = new Resource(w.type, w.title);
      for (const t of w.tags) r.tags.add(t);
      for (const [k, v] of Object.entries(w.parameters ?? {})) r.params.set(k, dataToValue(v));
      r.file = w.file;
      r.line = w.line;
      r.exported = false;
      return r;
    });
    for (const p of env.mainPrograms) evalMain(ctx, p.body, ctx.topScope);
    evaluateNode(ctx);
    generators(ctx);
    finish(ctx);
  } catch (e) {
    if (e instanceof KurokoError) throw withNode(e, ctx.nodeName);
    if (e instanceof RangeError) throw new KurokoError(`Evaluation too deeply nested (stack exhausted) while evaluating ${ctx.chain.slice(-5).join(' -> ') || 'the manifest'}`, { code: 'KUR4001', node: ctx.nodeName });
    // A bug of ours still reaches the user as one error naming the node and where evaluation was.
    throw new KurokoError(`Internal compiler error: ${(e as Error).message ?? String(e)} (while evaluating ${ctx.chain.slice(-3).join(' -> ') || 'the main manifest'})`, { code: 'KUR4999', node: ctx.nodeName, cause: e });
  }
  for (const w of env.warnings) {
    const loc = w.location;
    ctx.logs.push({ level: 'warning', message: w.message + (loc?.file ? ` (file: ${loc.file}, line: ${loc.line}, column: ${loc.column})` : ''), file: loc?.file, line: loc?.line });
  }
  // Plain JSON turns non-Data values into strings: SERIALIZATION_* issues, warnings even with strict=off.
  const rich = req.richData ?? true;
  const level = ctx.strict === 'error' ? 'error' : 'warning';
  const catalog = ctx.catalog.toWire({
    version: configVersion(re.configVersion, re.dir),
    keepExported: ctx.storeconfigs,
    serialize: (r) => ({ rich, floatMarkers: req.floatMarkers === true, issue: rich ? undefined : (m) => ctx.issueAt(m, { file: r.file, line: r.line }, level) }),
  });
  return { catalog, logs: ctx.logs };
}

function withNode(e: KurokoError, node: string): KurokoError {
  if (e.node) return e;
  return new KurokoError(e.message, { ...e.toDiagnostic(), node, cause: e });
}

function setTopScope(ctx: Context, req: CompileRequest, re: ResolvedEnvironment): void {
  const top = ctx.topScope;
  const facts = new Map<Value, Value>();
  for (const [k, v] of Object.entries(req.facts)) {
    const val = dataToValue(v);
    facts.set(k, val);
    if (/^[a-z_][\w]*$/i.test(k) && !['facts', 'trusted', 'server_facts'].includes(k)) top.set(k, val);
  }
  // Without a client certificate Puppet's $trusted is 'local' with no certname (as `puppet catalog compile` shows).
  const trusted = req.trusted ?? { authenticated: 'local', certname: null, extensions: {}, hostname: null, domain: null, external: {} };
  top.set('facts', facts);
  top.set('trusted', dataToValue(trusted as unknown as Data));
  top.set('server_facts', dataToValue((req.serverFacts ?? { serverversion: '7.23.0', servername: osHostname(), environment: re.name }) as Data));
  top.set('environment', re.name);
  if (!top.hasLocal('clientcert')) top.set('clientcert', req.certname);
  top.set('title', 'main');
  top.set('name', 'main');
  top.name = '';
}

function setupCatalog(ctx: Context): void {
  const cat = ctx.catalog;
  const stage = new Resource('Stage', 'main');
  stage.tags.add('stage');
  stage.params.set('name', 'main');
  cat.add(stage);
  ctx.stageMain = stage;
  const settings = new Resource('Class', 'Settings');
  settings.kind = 'unknown';
  addTag(settings.tags, 'class');
  addTag(settings.tags, 'settings');
  cat.add(settings, stage);
  cat.addClass('settings');
  ctx.classScopes.set('settings', new Scope('class', ctx.topScope, ctx.topScope));
  const main = new Resource('Class', 'main');
  main.kind = 'unknown';
  main.tags.add('class');
  main.params.set('name', 'main');
  cat.add(main, stage);
  ctx.mainClass = main;
  ctx.topScope.resource = main;
  ctx.classScopes.set('main', ctx.topScope);
}

/** Top-level statements of the main manifest; `import` brings in the imported files' statements here. */
function evalMain(ctx: Context, body: A.Expression[], scope: Scope): void {
  for (const e of body) {
    if (e.kind === 'ImportExpression') {
      for (const p of ctx.env.imported.get(e) ?? []) evalMain(ctx, p.body, scope);
      continue;
    }
    evaluate(ctx, e, scope);
  }
}

function hostName(ctx: Context, e: A.Expression): string | PRegexp | 'default' {
  switch (e.kind) {
    case 'LiteralDefault': return 'default';
    case 'LiteralRegularExpression': return new PRegexp(e.pattern);
    case 'QualifiedName': return e.name.toLowerCase();
    case 'LiteralString': return e.value.toLowerCase();
    default: {
      const v = evaluate(ctx, e, ctx.topScope);
      return typeof v === 'string' ? v.toLowerCase() : String(v);
    }
  }
}

function findNode(ctx: Context, name: string): { def: A.NodeDefinition; title: string; match?: RegExpExecArray } | undefined {
  const nodes = ctx.env.nodes;
  const n = name.toLowerCase();
  for (const d of nodes) for (const h of d.hostMatches) { const x = hostName(ctx, h); if (typeof x === 'string' && x !== 'default' && x === n) return { def: d, title: x }; }
  for (const d of nodes) for (const h of d.hostMatches) {
    const x = hostName(ctx, h);
    const m = x instanceof PRegexp ? x.re.exec(name) : null;
    if (m && x instanceof PRegexp) return { def: d, title: `__node_regexp__${x.source.replace(/[^-\w.]/g, '').toLowerCase()}`, match: m };
  }
  for (const d of nodes) for (const h of d.hostMatches) if (hostName(ctx, h) === 'default') return { def: d, title: 'default' };
  return undefined;
}

function evaluateNode(ctx: Context): void {
  if (!ctx.env.nodes.length) return;
  const found = findNode(ctx, ctx.nodeName);
  if (!found) throw ctx.error(`Could not find node statement with name 'default' or '${ctx.nodeName}'`, undefined, 'KUR4030');
  const node = new Resource('Node', found.title);
  node.kind = 'unknown';
  addTag(node.tags, 'node');
  addTag(node.tags, found.title);
  for (const t of ctx.mainClass.tags) node.tags.add(t);
  ctx.catalog.add(node, ctx.mainClass);
  ctx.catalog.addClass(found.title);
  // Classic node inheritance: the parent node's body runs first, in an outer scope.
  const lineage: A.NodeDefinition[] = [found.def];
  for (let d = found.def; d.parent;) {
    const pname = hostName(ctx, d.parent);
    const p = typeof pname === 'string' ? findNode(ctx, pname) : undefined;
    if (!p || lineage.includes(p.def)) throw ctx.error(`Could not find parent node ${String(pname)} of node ${found.title}`, d.loc);
    lineage.unshift(p.def);
    d = p.def;
  }
  let scope = ctx.topScope;
  for (const d of lineage) {
    const s = new Scope('node', scope, scope);
    s.resource = node;
    s.name = found.title;
    if (found.match && d === found.def) s.pushMatch(Array.from(found.match, (x) => x ?? undefined));
    ctx.nodeScope = s;
    ctx.deeper(`Node[${found.title}]`, d.loc, () => evalBlock(ctx, d.body, s));
    scope = s;
  }
}

/** Evaluates queued defines and collectors until nothing changes. */
function generators(ctx: Context): void {
  for (let round = 0; round < 100_000; round++) {
    let progress = false;
    while (ctx.defineQueue.length) {
      const batch = ctx.defineQueue.splice(0);
      for (const r of batch) if (!r.virtual) evaluateDefine(ctx, r);
      progress = true;
    }
    for (const c of ctx.collectors) if (runCollector(ctx, c)) progress = true;
    if (!progress && !ctx.defineQueue.length) return;
  }
  throw ctx.error('Evaluation never settled: defines and collectors keep creating resources', undefined, 'KUR4031');
}

function finish(ctx: Context): void {
  for (const o of ctx.overrides) {
    const r = ctx.catalog.findByKey(o.key);
    if (!r) throw ctx.error(`Evaluation Error: Could not find resource(s) ${o.key} for overriding`, o.loc);
    applyOverride(ctx, r, o.ops, o.scope, o.loc);
  }
  for (const x of ctx.realizeLater) {
    const r = ctx.catalog.findByKey(x.key);
    if (!r) throw ctx.error(`Evaluation Error: Error while evaluating a Function Call, Failed to realize virtual resources ${x.key}`, x.loc);
    r.virtual = false;
    if (r.kind === 'defined_type' && !r.evaluated) { ctx.defineQueue.push(r); generators(ctx); }
  }
  for (const rel of ctx.relations) {
    const reverse = rel.op === '<-' || rel.op === '<~';
    // Left of '->' is the source, left of '<-' the target; a missing side is named against the other.
    const rightName = operandName(rel.right);
    const left = operandResources(ctx, rel.left, rel.loc, !reverse, rightName ? { rel: reverse ? 'from' : 'on', name: rightName } : undefined);
    const leftName = left[0]?.ref ?? operandName(rel.left);
    const right = operandResources(ctx, rel.right, rel.loc, reverse, leftName ? { rel: reverse ? 'on' : 'from', name: leftName } : undefined);
    const [srcs, tgts, param] = rel.op === '->' ? [left, right, 'before'] : rel.op === '~>' ? [left, right, 'notify'] : rel.op === '<-' ? [right, left, 'before'] : [right, left, 'notify'];
    for (const s of srcs) for (const t of tgts) {
      const cur = s.params.get(param);
      const list = cur === undefined ? [] : Array.isArray(cur) ? [...cur] : [cur];
      list.push(t.ref); // Puppet keeps repeats (one per relationship)
      s.params.set(param, list);
    }
  }
  for (const r of ctx.catalog.resources) {
    if (r.virtual) continue;
    if (r.kind === 'compilable_type') {
      const type = r.type.toLowerCase();
      for (const k of r.params.keys()) {
        if (!coreTypeHasAttribute(type, k) || !rubyTypeAccepts(ctx.env.modulepath, type, k)) {
          throw ctx.error(`no parameter named '${k}' (file: ${r.file}, line: ${r.line}) on ${r.ref}`, r.loc, 'KUR4033');
        }
      }
      // A title that was not a String never equals its parsed namevar: Puppet keeps the namevar.
      const namevar = r.titleNotString ? builtinType(type, ctx.env)?.namevar : undefined;
      const kept = namevar === undefined ? undefined : r.params.get(namevar);
      applyTitlePatterns(ctx.env.modulepath, r); // module types: Puppet's parse_title and namevar
      if (namevar !== undefined && kept !== undefined && !r.params.has(namevar)) {
        const entries = [...r.params];
        r.params.clear();
        r.params.set(namevar, kept);
        for (const [k, v] of entries) r.params.set(k, v);
      }
    }
    for (const p of RELATION_PARAMS) {
      const v = r.params.get(p);
      if (v === undefined) continue;
      for (const x of [v].flat(Infinity as 1)) {
        if (x === undefined) continue;
        const key = refKey(x);
        const t = key ? ctx.catalog.findByKey(key) : undefined;
        if (!t || (t.virtual)) {
          throw ctx.error(`Could not find resource '${key ?? String(x)}' in parameter '${p}'`, r.loc, 'KUR4032');
        }
      }
    }
  }
}

export { EnvironmentCache, Environment };
