// The checks Puppet's validator runs on a manifest that belongs to a module on
// the modulepath (its namespace_for_file): only definitions may stand at the top
// level, and each class, define or function must be named after its file.
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../util/diagnostic.js';
import type * as A from './ast.js';
import type { SourceFile } from './source.js';
import { label } from './validate.js';
import { walk } from './walk.js';

/** A module file outside manifests/, functions/, types/ and plans/: no definition fits it. */
export const BAD_MODULE_FILE = Symbol('bad module file');
export type FileNamespace = string | typeof BAD_MODULE_FILE;

const DEFINITION_DIRS = new Set(['manifests', 'functions', 'types', 'plans']);

/**
 * The namespace a `.pp` file's definitions must have: `foo/manifests/init.pp` is
 * `foo`, `foo/manifests/a/b.pp` is `foo::a::b` (lower case, as Puppet compares
 * case-insensitively). Undefined when the file is not in a module of `modulepath`,
 * or is (under) the environment's main `manifest`.
 */
export function namespaceForFile(file: string, modulepath: readonly string[], manifest?: string): FileNamespace | undefined {
  if (!file.endsWith('.pp')) return undefined;
  const path = resolve(file);
  if (manifest && (path === manifest || path.startsWith(manifest))) return undefined;
  const parent = modulepath.find((d) => d !== '' && isAbsolute(d) && path.startsWith(clean(d) + sep));
  if (parent === undefined) return undefined;
  const parts = relative(clean(parent), path).toLowerCase().split(sep);
  if (!DEFINITION_DIRS.has(parts[1] ?? '')) return BAD_MODULE_FILE;
  const names = [parts[0], ...parts.slice(2, -1)];
  const filename = parts[parts.length - 1];
  if (!(parts.length === 3 && filename === 'init.pp')) names.push(filename.slice(0, -3));
  return names.join('::');
}

function clean(dir: string): string {
  const n = normalize(dir);
  return n.length > 1 && n.endsWith(sep) ? n.slice(0, -1) : n;
}

/** Reports top-level statements that are not definitions, then misplaced definitions. */
export function checkModuleFile(program: A.Program, ns: FileNamespace, sf: SourceFile, out: Diagnostic[]): void {
  const report = (code: string, message: string, loc: A.Loc) =>
    out.push(sf.diagnostic(code, 'error', message, loc.offset, loc.offset + loc.length));
  for (const s of program.body) {
    if (isTopConstruct(s)) continue;
    const loc = 'operatorLoc' in s ? s.operatorLoc : s.loc;
    report('ILLEGAL_TOP_CONSTRUCT_LOCATION', `This ${label(s)} is unacceptable as a top level construct in this location`, loc);
  }
  walk(program, (n) => {
    if (n.kind !== 'HostClassDefinition' && n.kind !== 'ResourceTypeDefinition' && n.kind !== 'FunctionDefinition') return;
    if (ns === BAD_MODULE_FILE || !n.name.toLowerCase().startsWith(ns)) {
      report('ILLEGAL_DEFINITION_LOCATION', `Unacceptable location. The name '${n.name}' is unacceptable in file '${sf.file}'`, n.loc);
    }
  });
}

/** Puppet's Definition, less nodes: classes, defines, functions and type definitions. */
function isTopConstruct(e: A.Expression): boolean {
  switch (e.kind) {
    case 'HostClassDefinition': case 'ResourceTypeDefinition': case 'FunctionDefinition':
    case 'TypeAlias': case 'TypeMapping': case 'TypeDefinition':
      return true;
    default:
      return false;
  }
}
