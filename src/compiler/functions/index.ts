// The built-in function table (Puppet 7's functions implemented natively).
import { readFileSync } from 'node:fs';
import type { BuiltinFunction } from '../evaluator/context.js';
import { CATALOG_FUNCTIONS } from './catalog-functions.js';
import { ITERATION_FUNCTIONS } from './iteration.js';
import { DATA_FUNCTIONS } from './data-functions.js';
import { EPP_FUNCTIONS, findTemplate } from './epp.js';
import { MODULE_FUNCTIONS } from './modules/index.js';
import { toPString } from '../evaluator/convert.js';
import { existsSync } from 'node:fs';
import { findModuleFile } from './module-files.js';
import { TEMPLATE_FUNCTIONS } from './templates.js';
import { BINARY_FUNCTIONS } from './binary.js';
import { ANNOTATE_FUNCTIONS } from './annotate.js';
import { MINMAX_FUNCTIONS } from './minmax.js';
import { join } from 'node:path';

const MISC: Record<string, BuiltinFunction> = {
  file: (c, args) => {
    for (const a of args.flat()) {
      const p = findModuleFile(c, 'files', toPString(a));
      if (p) return readFileSync(p, 'utf8');
    }
    throw c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, Could not find any files from ${args.map(toPString).join(', ')}`, c.loc);
  },
  find_file: (c, args) => {
    for (const a of args.flat()) { const p = findModuleFile(c, 'files', toPString(a)); if (p) return p; }
    return undefined;
  },
  find_template: (c, args) => {
    for (const a of args.flat()) { const p = findTemplate(c, toPString(a)); if (p) return p; }
    return undefined;
  },
  module_directory: (c, args) => {
    for (const a of args.flat()) for (const dir of c.ctx.env.modulepath) { const p = join(dir, toPString(a)); if (existsSync(p)) return p; }
    return undefined;
  },
  import: (c) => { throw c.ctx.error("Evaluation Error: Error while evaluating a Function Call, 'import' is not supported as a function", c.loc); },
};

let table: Map<string, BuiltinFunction> | undefined;
const registered = new Map<string, BuiltinFunction>();

export function builtinFunctions(): Map<string, BuiltinFunction> {
  if (!table) {
    table = new Map(Object.entries({ ...MODULE_FUNCTIONS, ...CATALOG_FUNCTIONS, ...ITERATION_FUNCTIONS, ...DATA_FUNCTIONS, ...EPP_FUNCTIONS, ...TEMPLATE_FUNCTIONS, ...BINARY_FUNCTIONS, ...ANNOTATE_FUNCTIONS, ...MINMAX_FUNCTIONS, ...MISC }));
    for (const [k, v] of registered) table.set(k, v);
  }
  return table;
}

/**
 * Adds or replaces a function (ERB's template()/inline_template(), stdlib's
 * functions, ...) for every later compile. `fn` gets the call's context
 * (compile state, scope, location) and the evaluated arguments.
 */
export function registerFunction(name: string, fn: BuiltinFunction): void {
  registered.set(name, fn);
  table?.set(name, fn);
}
