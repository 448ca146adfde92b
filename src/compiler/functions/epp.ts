// EPP templates: epp('mod/file.epp', {params}) and inline_epp(text, {params}).
import { readFileSync, existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseEpp } from '../../lang/index.js';
import type { EppProgram } from '../../lang/ast.js';
import type { BuiltinFunction, CallInfo } from '../evaluator/context.js';
import { Scope } from '../scope.js';
import { isHash, type Value } from '../types/values.js';
import { PType, typeNameOf } from '../types/types.js';
import { describeMismatch } from '../types/mismatch.js';
import { evaluate, evalBlock } from '../evaluator/expressions.js';
import { KurokoError } from '../../util/diagnostic.js';

const parsed = new Map<string, EppProgram>();

function parseTemplate(c: CallInfo, text: string, file: string): EppProgram {
  const key = file + '\0' + text;
  let p = parsed.get(key);
  if (!p) {
    const r = parseEpp(text, file);
    const e = r.diagnostics.find((d) => d.severity === 'error');
    if (e) throw new KurokoError(`Evaluation Error: Error while evaluating a Function Call, ${e.message}`, { code: e.code, location: e.location, sourceText: text, node: c.ctx.nodeName });
    p = r.program;
    if (parsed.size > 500) parsed.clear();
    parsed.set(key, p);
  }
  return p;
}

/** Finds 'mod/path.epp' in a module's templates/ directory. */
export function findTemplate(c: CallInfo, name: string): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  const [mod, ...rest] = name.split('/');
  if (!rest.length || rest.includes('..')) return undefined;
  for (const dir of c.ctx.env.modulepath) {
    const p = join(dir, mod, 'templates', ...rest);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function render(c: CallInfo, prog: EppProgram, args: Value, parent: Scope, file: string): string {
  if (args !== undefined && !isHash(args)) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, ${c.name}(): parameters must be a Hash, got ${typeNameOf(args)}`, c.loc);
  const s = new Scope('epp', parent, parent);
  s.resource = c.scope.owner.resource;
  const given = args ?? new Map<Value, Value>();
  if (prog.parameters) {
    for (const p of prog.parameters) {
      let v: Value;
      if (given.has(p.name)) v = given.get(p.name);
      else if (p.value) v = evaluate(c.ctx, p.value, s);
      else throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, lambda: expects a value for parameter '${p.name}'`, c.loc);
      if (p.type) {
        const t = evaluate(c.ctx, p.type, s);
        if (t instanceof PType && !t.isInstance(v)) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, lambda: ${describeMismatch(`parameter '${p.name}'`, t, v).join('\n')}`, c.loc);
      }
      s.set(p.name, v);
    }
    for (const k of given.keys()) if (!prog.parameters.some((p) => p.name === k)) {
      throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, lambda: has no parameter named '${String(k)}'`, c.loc);
    }
  } else {
    for (const [k, v] of given) s.set(String(k), v);
  }
  const saved = c.ctx.eppOut;
  const out: string[] = [];
  c.ctx.eppOut = out;
  try {
    c.ctx.deeper(`epp(${file})`, c.loc, () => evalBlock(c.ctx, prog.body, s));
  } finally {
    c.ctx.eppOut = saved;
  }
  return out.join('');
}

const epp: BuiltinFunction = (c, [name, args]) => {
  if (typeof name !== 'string') throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, 'epp' parameter 'path' expects a String value, got ${typeNameOf(name)}`, c.loc);
  const file = findTemplate(c, name);
  if (!file) throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, Could not find template '${name}'`, c.loc);
  const prog = parseTemplate(c, readFileSync(file, 'utf8'), file);
  // A template with declared parameters sees only them and top scope.
  return render(c, prog, args, prog.parameters ? c.ctx.topScope : c.scope, file);
};

const inlineEpp: BuiltinFunction = (c, [text, args]) => {
  if (typeof text !== 'string') throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, 'inline_epp' parameter 'template' expects a String value, got ${typeNameOf(text)}`, c.loc);
  const prog = parseTemplate(c, text, 'inlined-epp-text');
  return render(c, prog, args, prog.parameters ? c.ctx.topScope : c.scope, 'inlined-epp-text');
};

export const EPP_FUNCTIONS: Record<string, BuiltinFunction> = { epp, inline_epp: inlineEpp };
