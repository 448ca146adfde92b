// template() and inline_template(): ERB rendered by the safe interpreter in
// ../erb, seeing the calling scope through the ErbScope contract (values
// converted both ways; Puppet functions callable from the template).
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { BuiltinFunction, CallInfo } from '../evaluator/context.js';
import { compileErb, renderErb, ErbFloat, ErbRegexp, ErbSymbol, makeRegexp, sym, type ErbScope, type ErbTemplate, type ErbValue } from '../erb/index.js';
import { DEFAULT, PFloat, PRegexp, PSensitive, isHash, type PHash, type Value } from '../types/values.js';
import { PType } from '../types/types.js';
import { toPString } from '../evaluator/convert.js';
import { invoke } from '../evaluator/calls.js';
import type { Scope } from '../scope.js';

export function toErb(v: Value): ErbValue {
  if (v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof PFloat) return new ErbFloat(v.value);
  if (Array.isArray(v)) return v.map(toErb);
  if (isHash(v)) return new Map([...v].map(([k, x]) => [toErb(k), toErb(x)]));
  if (v === DEFAULT) return sym('default');
  if (v instanceof PRegexp) return makeRegexp(v.source, '');
  if (v instanceof PSensitive) return 'Sensitive [value redacted]';
  if (v instanceof PType) return v.toString();
  return toPString(v);
}

export function fromErb(v: ErbValue): Value {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof ErbFloat) return new PFloat(v.value);
  if (v instanceof ErbSymbol) return v.name === 'undef' ? undefined : v.name === 'default' ? DEFAULT : v.name;
  if (v instanceof ErbRegexp) return new PRegexp(v.source);
  if (Array.isArray(v)) return v.map(fromErb);
  if (v instanceof Map) {
    const h: PHash = new Map();
    for (const [k, x] of v) h.set(fromErb(k), fromErb(x));
    return h;
  }
  return String(v);
}

/** The calling scope as a template sees it (@x, scope['x'], scope.function_x). */
function erbScope(c: CallInfo): ErbScope {
  const { ctx, scope } = c;
  return {
    lookupvar(name: string): ErbValue {
      const n = name.replace(/^::/, '');
      const idx = n.lastIndexOf('::');
      let s: Scope | undefined = scope;
      let short = n;
      if (name.startsWith('::') && idx < 0) s = ctx.topScope;
      else if (idx >= 0) { s = ctx.classScope(n.slice(0, idx)); short = n.slice(idx + 2); }
      if (!s) return undefined;
      const r = idx >= 0 ? { found: s.vars.has(short), value: s.vars.get(short) } : s.lookup(short);
      if (!r.found) return undefined;
      return r.value === undefined ? null : toErb(r.value);
    },
    callFunction(name: string, args: ErbValue[]): ErbValue {
      return toErb(invoke(ctx, name, args.map(fromErb), undefined, scope, c.loc));
    },
    toHash(): Map<string, ErbValue> {
      const chain: Scope[] = [];
      for (let s: Scope | undefined = scope; s; s = s.lexical) chain.unshift(s);
      const out = new Map<string, ErbValue>();
      for (const s of chain) for (const [k, v] of s.vars) out.set(k, toErb(v));
      return out;
    },
    tags: () => [...(scope.owner.resource ?? ctx.mainClass).tags],
    allTags: () => [...ctx.catalog.tags],
    classes: () => [...ctx.catalog.classes],
    environment: () => ctx.env.name,
  };
}

const compiled = new Map<string, { mtimeMs: number; tpl: ErbTemplate }>();

function templateFile(c: CallInfo, name: string): string | undefined {
  if (isAbsolute(name)) return name;
  const [mod, ...rest] = name.split('/');
  if (!rest.length || rest.includes('..')) return undefined;
  for (const dir of c.ctx.env.modulepath) {
    const p = join(dir, mod, 'templates', ...rest);
    try { if (statSync(p).isFile()) return p; } catch { /* next */ }
  }
  return undefined;
}

const template: BuiltinFunction = (c, args) => {
  let out = '';
  for (const a of args) {
    const name = toPString(a);
    const file = templateFile(c, name);
    if (!file) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, Could not find template '${name}'`, c.loc);
    const st = statSync(file);
    let entry = compiled.get(file);
    if (!entry || entry.mtimeMs !== st.mtimeMs) {
      entry = { mtimeMs: st.mtimeMs, tpl: compileErb(readFileSync(file, 'utf8'), file) };
      if (compiled.size > 2000) compiled.clear();
      compiled.set(file, entry);
    }
    out += c.ctx.deeper(`template(${name})`, c.loc, () => renderErb(entry!.tpl, erbScope(c)));
  }
  return out;
};

const inlineTemplate: BuiltinFunction = (c, args) => {
  let out = '';
  for (const a of args) {
    const tpl = compileErb(toPString(a), 'inline_template');
    out += c.ctx.deeper('inline_template()', c.loc, () => renderErb(tpl, erbScope(c)));
  }
  return out;
};

export const TEMPLATE_FUNCTIONS: Record<string, BuiltinFunction> = { template, inline_template: inlineTemplate };
