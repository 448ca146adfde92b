// template() and inline_template(): ERB rendered by the safe interpreter in
// ../erb, seeing the calling scope through the ErbScope contract (values
// converted both ways; Puppet functions callable from the template).
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { BuiltinFunction, CallInfo } from '../evaluator/context.js';
import { compileErb, renderErb, ErbFloat, RubyError, ErbRegexp, ErbSymbol, makeRegexp, sym, type ErbScope, type ErbTemplate, type ErbValue } from '../erb/index.js';
import { DEFAULT, PFloat, PRegexp, PSensitive, isHash, type PHash, type Value } from '../types/values.js';
import { PType } from '../types/types.js';
import { toPString } from '../evaluator/convert.js';
import { invoke } from '../evaluator/calls.js';
import type { Scope } from '../scope.js';
import { KurokoError } from '../../util/diagnostic.js';

// Arrays and Hashes whose contents need no conversion are handed to the
// template as they are, so a template's `@list << x` changes the Puppet value
// as in Puppet 7 (apache's _scriptalias.erb appends to $scriptaliases, which
// shows in the catalog). What a template put into them is converted back when
// the outermost template() call ends.
let rendering = 0;
const sharedThisRender = new Set<unknown[] | Map<unknown, unknown>>();

export function toErb(v: Value): ErbValue {
  if (v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof PFloat) return new ErbFloat(v.value);
  if (Array.isArray(v)) {
    let out: ErbValue[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = toErb(v[i]);
      if (x !== v[i]) (out ??= v.slice() as ErbValue[])[i] = x;
    }
    if (out) return out;
    if (rendering) sharedThisRender.add(v);
    return v as ErbValue[];
  }
  if (isHash(v)) {
    let changed = false;
    const m = new Map<ErbValue, ErbValue>();
    for (const [k, x] of v) {
      const ek = toErb(k), ex = toErb(x);
      if (ek !== k || ex !== x) changed = true;
      m.set(ek, ex);
    }
    if (changed) return m;
    if (rendering) sharedThisRender.add(v);
    return v as Map<ErbValue, ErbValue>;
  }
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

// Values templates stored with scope.setvar, per scope and name: the very
// ErbValue (apache's vhost templates store a Hash, fill it, and read it back
// from nested templates), served as-is by lookupvar. The Puppet variable holds
// its converted copy, refreshed when the template() call that set it ends.
const SET_BY_TEMPLATE = new WeakMap<Scope, Map<string, ErbValue>>();

/** Puppet::Parser::Scope#setvar's refusals (reserved names are for the compiler alone). */
const RESERVED = new Set(['trusted', 'facts', 'server_facts']);

/** Converts, in place, what a template stored in a shared Array or Hash back to Puppet values. */
function backToPuppet(o: unknown[] | Map<unknown, unknown>, seen: Set<object>): void {
  if (seen.has(o)) return;
  seen.add(o);
  const conv = (x: unknown): unknown => {
    if (Array.isArray(x) || x instanceof Map) { backToPuppet(x, seen); return x; }
    return fromErb(x as ErbValue);
  };
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) o[i] = conv(o[i]);
    return;
  }
  const entries = [...o].map(([k, x]) => [conv(k), conv(x)] as const);
  o.clear();
  for (const [k, x] of entries) o.set(k, x);
}

/** The calling scope as a template sees it (@x, scope['x'], scope.function_x, scope.setvar). */
function erbScope(c: CallInfo, setByThisCall: [Scope, string][]): ErbScope {
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
      if (idx < 0 && !/^\d+$/.test(short)) while (s.lexical && !s.vars.has(short)) s = s.lexical;
      const raw = SET_BY_TEMPLATE.get(s);
      if (raw?.has(short)) return raw.get(short) ?? null;
      const r = idx >= 0 ? { found: s.vars.has(short), value: s.vars.get(short) } : s.lookup(short);
      if (!r.found) return undefined;
      return r.value === undefined ? null : toErb(r.value);
    },
    setvar(name: string, value: ErbValue): void {
      if (/^\d+$/.test(name)) throw new RubyError('Puppet::ParseError', `Cannot assign to a numeric match result variable '$${name}'`);
      if (RESERVED.has(name)) throw new RubyError('Puppet::ParseError', `Attempt to assign to a reserved variable name: '${name}'`);
      if (scope.hasLocal(name)) throw new RubyError('Puppet::ParseError', `Cannot reassign variable '$${name}'`);
      scope.set(name, fromErb(value));
      let raw = SET_BY_TEMPLATE.get(scope);
      if (!raw) SET_BY_TEMPLATE.set(scope, raw = new Map());
      raw.set(name, value);
      setByThisCall.push([scope, name]);
    },
    callFunction(name: string, args: ErbValue[]): ErbValue {
      return toErb(invoke(ctx, name, args.map(fromErb), undefined, scope, c.loc));
    },
    toHash(): Map<string, ErbValue> {
      const chain: Scope[] = [];
      for (let s: Scope | undefined = scope; s; s = s.lexical) chain.unshift(s);
      const out = new Map<string, ErbValue>();
      for (const s of chain) {
        const raw = SET_BY_TEMPLATE.get(s);
        for (const [k, v] of s.vars) out.set(k, raw?.has(k) ? raw.get(k) ?? null : toErb(v));
      }
      return out;
    },
    tags: () => [...(scope.owner.resource ?? ctx.mainClass).tags],
    allTags: () => [...ctx.catalog.tags],
    classes: () => [...ctx.catalog.classes],
    environment: () => ctx.env.name,
  };
}

/** A template's own error (it names the template file and line) restated as Puppet
 *  does: at the manifest line that called template(), with the template's position
 *  and the detail inside. Errors already placed in a manifest pass through. */
function templateError(c: CallInfo, e: unknown): unknown {
  if (!(e instanceof KurokoError) || !e.location?.file || e.location.file.endsWith('.pp')) return e;
  const detail = e.message.replace(/^Unsupported Ruby in template \S+ line \d+: /, 'Unsupported Ruby: ');
  const where = `  Filepath: ${e.location.file}\n  Line: ${e.location.line ?? '?'}\n  Detail: ${detail}\n`;
  return c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, Failed to parse template ${e.location.file}:\n${where}`, c.loc, e.code);
}

/** Renders with the calling scope; Puppet code then sees what the template's setvar values became. */
function render(c: CallInfo, tpl: ErbTemplate): string {
  const setByThisCall: [Scope, string][] = [];
  rendering++;
  try {
    return renderErb(tpl, erbScope(c, setByThisCall));
  } catch (e) {
    throw templateError(c, e);
  } finally {
    rendering--;
    for (const [s, name] of setByThisCall) s.set(name, fromErb(SET_BY_TEMPLATE.get(s)!.get(name)));
    if (!rendering) {
      const seen = new Set<object>();
      for (const o of sharedThisRender) backToPuppet(o, seen);
      sharedThisRender.clear();
    }
  }
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
    out += c.ctx.deeper(`template(${name})`, c.loc, () => render(c, entry!.tpl));
  }
  return out;
};

const inlineTemplate: BuiltinFunction = (c, args) => {
  let out = '';
  for (const a of args) {
    const tpl = compileErb(toPString(a), 'inline_template');
    out += c.ctx.deeper('inline_template()', c.loc, () => render(c, tpl));
  }
  return out;
};

export const TEMPLATE_FUNCTIONS: Record<string, BuiltinFunction> = { template, inline_template: inlineTemplate };
