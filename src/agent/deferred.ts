// Calling a Deferred value's function on the agent (P: DeferredResolver):
// a top scope holding only $facts, as Puppet's resolver has, the compiler's
// built-in functions and the Puppet-language functions of the modulepath.
// A name starting with '$' digs into that variable. Loaded by rich-data.ts
// only when a catalog holds a Deferred value: it brings the compiler with it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Data } from '../compiler/wire.js';
import '../compiler/index.js'; // the evaluator's hooks and Hiera's functions, set up as for a compile
import { Context } from '../compiler/evaluator/context.js';
import { invoke } from '../compiler/evaluator/calls.js';
import { evaluate } from '../compiler/evaluator/expressions.js';
import { Environment } from '../compiler/loader.js';
import { builtinFunctions } from '../compiler/functions/index.js';
import { installHiera } from '../compiler/hiera/functions.js';
import { parseTimespan, newTimestamp } from '../compiler/functions/time.js';
import { ParameterSerializer } from '../compiler/serialize.js';
import { PType } from '../compiler/types/types.js';
import { DEFAULT, PBinary, PFloat, PRegexp, PSensitive, type PHash, type Value } from '../compiler/types/values.js';
import { parse } from '../lang/index.js';
import type { Loc } from '../lang/ast.js';
import { KurokoError } from '../util/diagnostic.js';
import { PTYPE, PVALUE, typeString, type DeferredOptions, type ValueSite } from './rich-data.js';

export class DeferredResolver {
  private readonly ctx: Context;

  constructor(private readonly opts: DeferredOptions & { facts: Record<string, Data> }) {
    const env = new Environment({ name: opts.environment ?? 'production', manifest: '/dev/null', modulepath: opts.modulepath ?? [] });
    if (opts.hieraConfig) installHiera(env, { globalConfig: opts.hieraConfig });
    this.ctx = new Context(env, opts.certname ?? 'localhost', builtinFunctions());
    this.ctx.topScope.set('facts', this.toValue(opts.facts, undefined));
  }

  /** Calls `name` with rich-data arguments (no Deferred left); the result as rich data. */
  call(name: string, args: Data[], site: ValueSite): Data {
    const loc: Loc = { file: site.file ?? '', line: site.line ?? 0, column: 0, offset: 0, length: 0 };
    const values = args.map((a) => this.toValue(a, site));
    let fn = name;
    if (name.startsWith('$')) {
      // Deferred('$facts', ['os', 'family']): dig into the variable (P: resolve_future).
      values.unshift(this.ctx.topScope.lookup(name.slice(1)).value);
      fn = 'dig';
    } else if (!this.ctx.functions.has(fn) && !this.ctx.env.findFunction(fn)) {
      throw this.unknown(fn, site);
    }
    let result: Value;
    try {
      result = this.ctx.deeper(`Deferred(${name})`, loc, () => invoke(this.ctx, fn, values, undefined, this.ctx.topScope, loc));
    } catch (e) {
      if (!(e instanceof KurokoError)) throw e;
      throw new KurokoError(`${site.resource}: parameter '${site.parameter}': Deferred function '${name}' failed: ${e.message}`, { code: 'KUR7063', field: site.parameter, value: name, cause: e });
    }
    return new ParameterSerializer(site.resource, { rich: true }).convert(site.parameter, result);
  }

  private unknown(name: string, site: ValueSite): KurokoError {
    const ruby = this.rubyFunction(name);
    const why = ruby
      ? `it is written in Ruby (${ruby}), and Kuroko cannot run Ruby functions from modules`
      : 'Kuroko has no such built-in function and no Puppet-language function of that name is on the modulepath (functions written in Ruby in modules cannot run in Kuroko)';
    return new KurokoError(`Unknown function '${name}' in a Deferred value of ${site.resource} (parameter '${site.parameter}'): ${why}`, {
      code: 'KUR7062', field: site.parameter, value: name,
    });
  }

  /** A module's Ruby function of that name (lib/puppet/functions or the 3.x parser/functions), if any. */
  private rubyFunction(name: string): string | undefined {
    const parts = name.toLowerCase().split('::');
    // A namespaced function lives in its module; a global one may be in any module.
    const libs = (this.opts.modulepath ?? []).flatMap((dir) => {
      if (parts.length > 1) return [join(dir, parts[0], 'lib')];
      try { return readdirSync(dir).map((m) => join(dir, m, 'lib')); } catch { return []; }
    });
    if (this.opts.plugindest) libs.push(this.opts.plugindest);
    for (const lib of libs) {
      for (const p of [join(lib, 'puppet', 'functions', ...parts) + '.rb', join(lib, 'puppet', 'parser', 'functions', `${parts[parts.length - 1]}.rb`)]) {
        if (existsSync(p)) return p;
      }
    }
    return undefined;
  }

  /** Rich data to a runtime value (P: FromDataConverter). */
  private toValue(d: Data, site: ValueSite | undefined): Value {
    if (d === null) return undefined;
    if (typeof d === 'number') return Number.isInteger(d) ? d : new PFloat(d);
    if (typeof d !== 'object') return d;
    if (Array.isArray(d)) return d.map((x) => this.toValue(x, site));
    const t = d[PTYPE];
    const v = d[PVALUE];
    if (t === undefined) return new Map(Object.entries(d).map(([k, x]) => [k, this.toValue(x, site)])) as PHash;
    const fail = (why: string) => new KurokoError(`${site ? `${site.resource}: parameter '${site.parameter}': ` : ''}${why}`, { code: 'KUR7061', field: site?.parameter ?? 'facts', value: d });
    switch (t) {
      case 'Sensitive': return new PSensitive(this.toValue(v ?? null, site));
      case 'Binary': return new PBinary(Buffer.from(typeof v === 'string' ? v : '', 'base64'));
      case 'Default': return DEFAULT;
      case 'Regexp': return new PRegexp(typeof v === 'string' ? v : '');
      case 'Timestamp': return newTimestamp([String(v)]);
      case 'Timespan': return parseTimespan(String(v));
      case 'Hash': {
        if (!Array.isArray(v)) throw fail('a Hash value needs its key/value pairs in __pvalue');
        const m: PHash = new Map();
        for (let i = 0; i + 1 < v.length; i += 2) m.set(this.toValue(v[i], site), this.toValue(v[i + 1], site));
        return m;
      }
    }
    if (typeof t === 'string' && t.startsWith('Pcore::') && t.endsWith('Type')) {
      const text = typeString(d);
      const r = parse(text, 'a type in a Deferred argument');
      const expr = r.program.body[0];
      const type = expr && !r.diagnostics.some((x) => x.severity === 'error') ? evaluate(this.ctx, expr, this.ctx.topScope) : undefined;
      if (type instanceof PType) return type;
      throw fail(`cannot make a type of ${text}`);
    }
    if (typeof v === 'string') return v; // SemVer and the like: Kuroko has them as strings
    throw fail(`No implementation mapping found for Puppet Type ${String(t)}`);
  }
}
