// A module's file by Puppet's "module/path" name (file(), binary_file(), find_file()).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CallInfo } from '../evaluator/context.js';

/** `mod/a/b` → `<modulepath>/mod/<sub>/a/b` (the first that exists); absolute paths as they are. */
export function findModuleFile(c: CallInfo, sub: string, name: string): string | undefined {
  if (name.startsWith('/')) return existsSync(name) ? name : undefined;
  const [mod, ...rest] = name.split('/');
  if (!rest.length || rest.includes('..')) return undefined;
  for (const dir of c.ctx.env.modulepath) {
    const p = join(dir, mod, sub, ...rest);
    if (existsSync(p)) return p;
  }
  return undefined;
}
