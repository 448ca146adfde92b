// ERB templates (template(), inline_template()) rendered without Ruby: a
// safe interpreter of the Ruby subset templates use. Never eval.
//
// API
//   compileErb(source, file): ErbTemplate
//     Scans (trim mode '-', exactly as Ruby 3.1's ERB) and parses; the result
//     is immutable and kept in a bounded cache keyed by (file, source)
//     (compileUncached skips the cache). Throws KurokoError naming the file and
//     line: code ERB_SYNTAX, or ERB_UNSUPPORTED for Ruby Kuroko does not
//     interpret (message "Unsupported Ruby in template F line N: <construct>").
//   renderErb(tpl, scope): string
//     Renders with `scope` (an ErbScope, scope.ts): lookupvar serves @x,
//     scope['x'], scope.lookupvar('x'), scope['::x']; callFunction serves
//     scope.function_x([..]) and scope.call_function('x', [..]); setvar, toHash,
//     tags, allTags, classes, environment are optional. Errors are KurokoErrors
//     naming the template and line (ERB_EVALUATION with the Ruby error class, or
//     ERB_UNSUPPORTED); KurokoErrors thrown by callFunction pass through as-is.
//     For template() inside a template, callFunction may call renderErb again
//     with the same scope.
//   Values (ErbValue, values.ts): Puppet -> ERB: undef -> undefined/null,
//     Integer -> number, Float -> ErbFloat, String -> string, Boolean -> boolean,
//     Array -> array, Hash -> Map (plain objects accepted), default -> sym('default'),
//     Regexp -> makeRegexp(source, ''), Sensitive -> 'Sensitive [value redacted]'.
//     Back (function arguments, setvar): the same mapping reversed; ErbSymbol
//     values other than :default/:undef have no Puppet equivalent (use their name).
//     Arrays and Maps are passed by reference: a template may modify them, as in Puppet 7.
import type { Node } from './ast.js';
import { evaluate, Env } from './interp.js';
import { ErbSyntaxError, parseRuby } from './parser.js';
import { BreakSignal, NextSignal, ReturnSignal, RubyError, ScopeObject, TemplateSelf, type Ctx } from './runtime.js';
import { compileErbSource } from './scanner.js';
import type { ErbScope } from './scope.js';
import { KurokoError } from '../../util/diagnostic.js';

export type { ErbScope } from './scope.js';
export { importValue } from './scope.js';
export {
  ErbClass, ErbFloat, ErbRange, ErbRegexp, ErbSymbol, sym, toS as rubyToS, inspect as rubyInspect,
  type ErbHash, type ErbValue,
} from './values.js';
export { makeRegexp } from './regexp.js';
/** Errors a host's ErbScope throws to be reported as Ruby exceptions (template file and line added). */
export { RubyError } from './runtime.js';

export interface ErbTemplate {
  readonly file: string;
  readonly source: string;
  /** @internal the parsed program */
  readonly program: Node;
  /** @internal literal text chunks */
  readonly texts: string[];
}

// Compiled templates are immutable, so identical (file, source) pairs share one:
// a defined type declared 100 times calls template() 100 times.
const CACHE = new Map<string, ErbTemplate>();
const CACHE_MAX = 200;

export function compileErb(source: string, file: string): ErbTemplate {
  const key = file + '\0' + source;
  const hit = CACHE.get(key);
  if (hit) return hit;
  const tpl = compileUncached(source, file);
  if (CACHE.size >= CACHE_MAX) CACHE.delete(CACHE.keys().next().value as string);
  CACHE.set(key, tpl);
  return tpl;
}

/** compileErb without the shared cache (each call parses). */
export function compileUncached(source: string, file: string): ErbTemplate {
  const { code, texts } = compileErbSource(source);
  try {
    return { file, source, program: parseRuby(code, file), texts };
  } catch (e) {
    if (e instanceof ErbSyntaxError) {
      const msg = e.unsupported
        ? `Unsupported Ruby in template ${file} line ${e.line}: ${e.message}`
        : `Syntax error in template ${file} line ${e.line}: ${e.message}`;
      throw new KurokoError(msg, {
        code: e.unsupported ? 'ERB_UNSUPPORTED' : 'ERB_SYNTAX', location: { file, line: e.line }, sourceText: source,
      });
    }
    if (e instanceof RangeError) {
      throw new KurokoError(`Syntax error in template ${file}: nesting too deep`, { code: 'ERB_SYNTAX', location: { file } });
    }
    throw e;
  }
}

export function renderErb(tpl: ErbTemplate, scope: ErbScope): string {
  const ctx: Ctx = {
    out: '', file: tpl.file, texts: tpl.texts, scope, scopeObj: new ScopeObject(scope), self: new TemplateSelf(),
    ivars: new Map(), lastMatch: null, methods: new Map(), breakTargets: [], line: 1, steps: 0,
  };
  try {
    evaluate(ctx, tpl.program, new Env(null));
  } catch (e) {
    if (e instanceof ReturnSignal) return ctx.out;
    if (e instanceof KurokoError) throw e;
    throw toKurokoError(e, tpl, ctx.line);
  }
  return ctx.out;
}

function toKurokoError(e: unknown, tpl: ErbTemplate, line: number): KurokoError {
  const location = { file: tpl.file, line };
  if (e instanceof RubyError) {
    if (e.unsupported) {
      return new KurokoError(`Unsupported Ruby in template ${tpl.file} line ${line}: ${e.message}`, {
        code: 'ERB_UNSUPPORTED', location, sourceText: tpl.source,
      });
    }
    return new KurokoError(`Error while evaluating template ${tpl.file} line ${line}: ${e.message} (${e.rubyClass})`, {
      code: 'ERB_EVALUATION', location, sourceText: tpl.source,
    });
  }
  if (e instanceof NextSignal || e instanceof BreakSignal) {
    return new KurokoError(`Error while evaluating template ${tpl.file} line ${line}: next or break outside a block or loop`, {
      code: 'ERB_EVALUATION', location, sourceText: tpl.source,
    });
  }
  const detail = e instanceof RangeError ? 'nesting too deep' : e instanceof Error ? e.message : String(e);
  return new KurokoError(`Error while evaluating template ${tpl.file} line ${line}: ${detail}`, {
    code: 'ERB_EVALUATION', location, sourceText: tpl.source, cause: e,
  });
}
