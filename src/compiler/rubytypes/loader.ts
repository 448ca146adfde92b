// Finds the Ruby resource types of a modulepath (lib/puppet/type/*.rb, the
// first module wins as in Puppet's autoloader), reads them on demand and
// caches them by file (re-read when the file changes). Also resolves the
// helper modules a type uses (PuppetX::... under the modules' lib/) and
// whether a type has providers (which adds the `provider` parameter).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Token } from './lexer.js';
import { isNode, parseStructure, type Stmt } from './structure.js';
import { readRubyType, constPath, type RubyTypeInfo } from './reader.js';
import type { HelperMethod, HelperResolver } from './evaluate.js';
import { log } from '../../log/index.js';

const LISTING_TTL_MS = 2000;

interface FileEntry { mtimeMs: number; size: number; checkedAt: number; info?: RubyTypeInfo; problem?: string }

class ModulepathTypes implements HelperResolver {
  at = 0;
  /** Type name → file of the first module that ships it. */
  files = new Map<string, string>();
  providers = new Set<string>();
  libs: string[] = [];
  private readonly helperFiles = new Map<string, Stmt[] | null>();

  constructor(readonly modulepath: string[]) {}

  scan(): void {
    this.files.clear();
    this.providers.clear();
    this.libs = [];
    this.helperFiles.clear();
    for (const dir of this.modulepath) {
      let mods: string[];
      try { mods = readdirSync(dir).sort(); } catch { continue; }
      for (const m of mods) {
        if (!/^[a-z][a-z0-9_]*$/.test(m)) continue;
        const lib = join(dir, m, 'lib');
        this.libs.push(lib);
        try {
          for (const f of readdirSync(join(lib, 'puppet', 'type'))) {
            const n = f.slice(0, -3);
            if (f.endsWith('.rb') && !this.files.has(n)) this.files.set(n, join(lib, 'puppet', 'type', f));
          }
        } catch { /* no types */ }
        try {
          for (const p of readdirSync(join(lib, 'puppet', 'provider'))) {
            try { if (readdirSync(join(lib, 'puppet', 'provider', p)).some((f) => f.endsWith('.rb'))) this.providers.add(p); } catch { /* a file */ }
          }
        } catch { /* no providers */ }
      }
    }
    this.at = Date.now();
  }

  private parsedHelper(file: string): Stmt[] | null {
    let s = this.helperFiles.get(file);
    if (s !== undefined) return s;
    try { s = parseStructure(readFileSync(file, 'utf8')); } catch { s = null; }
    this.helperFiles.set(file, s);
    return s;
  }

  method(modulePath: string, name: string, singleton: boolean): HelperMethod | undefined {
    const parts = modulePath.split('::');
    // The module's own file first, then files of its enclosing modules.
    for (let n = parts.length; n >= 1; n--) {
      const rel = parts.slice(0, n).map(snake).join('/') + '.rb';
      for (const lib of this.libs) {
        const file = join(lib, rel);
        const stmts = this.parsedHelper(file);
        if (!stmts) continue;
        const body = findModule(stmts, parts);
        if (!body) continue;
        const def = findDef(body, name, singleton);
        if (def) return { ...def, file, module: modulePath };
      }
    }
    return undefined;
  }
}

function snake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** The body of `module A` / `module B` ... nested along `parts` (`module A::B` too). */
function findModule(stmts: Stmt[], parts: string[]): Stmt[] | undefined {
  if (!parts.length) return stmts;
  for (const s of stmts) {
    const t = s.toks[0];
    if (!isNode(t) || (t.node.kw !== 'module' && t.node.kw !== 'class')) continue;
    const c = t.node.clauses[0];
    const path = constPath(c.header, 0)?.split('::') ?? [];
    if (path.length && path.every((p, i) => parts[i] === p)) {
      const r = findModule(c.body, parts.slice(path.length));
      if (r) return r;
    }
  }
  return undefined;
}

function findDef(stmts: Stmt[], name: string, singleton: boolean): { params: Token[]; body: Stmt[] } | undefined {
  for (const s of stmts) {
    const t = s.toks[0];
    if (!isNode(t) || t.node.kw !== 'def') continue;
    const c = t.node.clauses[0];
    const h = c.header;
    const self = h[0]?.value === 'self' && h[1]?.value === '.';
    const at = self ? 2 : 0;
    if (self === singleton && h[at]?.value === name) return { params: h.slice(at + 1), body: c.body };
  }
  return undefined;
}

const byModulepath = new Map<string, ModulepathTypes>();
const byFile = new Map<string, FileEntry>();

function typesOf(modulepath: string[]): ModulepathTypes {
  const key = modulepath.join(':');
  let mt = byModulepath.get(key);
  if (!mt) byModulepath.set(key, (mt = new ModulepathTypes(modulepath)));
  if (Date.now() - mt.at > LISTING_TTL_MS) mt.scan();
  return mt;
}

function load(mt: ModulepathTypes, name: string, file: string): RubyTypeInfo | undefined {
  const key = `${mt.modulepath.join(':')}\0${file}`;
  let e = byFile.get(key);
  const now = Date.now();
  // Asked once per attribute of every resource: the file is looked at again only after the TTL.
  if (e && now - e.checkedAt < LISTING_TTL_MS) return e.info;
  let st;
  try { st = statSync(file); } catch { byFile.delete(key); return undefined; }
  if (e && e.mtimeMs === st.mtimeMs && e.size === st.size) e.checkedAt = now;
  else {
    e = { mtimeMs: st.mtimeMs, size: st.size, checkedAt: now };
    try {
      const info = readRubyType(readFileSync(file, 'utf8'), file, { resolver: mt });
      if (mt.providers.has(info.name) && !info.parameters.includes('provider')) info.parameters.push('provider');
      if (info.titlePatternsProblem) log.debug(`Title patterns of resource type ${info.name} not read: ${info.titlePatternsProblem}`);
      e.info = info;
    } catch (err) {
      e.problem = (err as Error).message;
      log.debug(`Resource type ${name} not read: ${e.problem}`);
    }
    byFile.set(key, e);
  }
  return e.info;
}

/** The Ruby resource type NAME of this modulepath, read statically; undefined when absent or unreadable. */
export function rubyType(modulepath: string[], name: string): RubyTypeInfo | undefined {
  const mt = typesOf(modulepath);
  const file = mt.files.get(name);
  return file ? load(mt, name, file) : undefined;
}

/** Whether some module of the modulepath ships lib/puppet/type/NAME.rb (readable or not). */
export function hasRubyTypeFile(modulepath: string[], name: string): boolean {
  return typesOf(modulepath).files.has(name);
}

/** Every readable Ruby resource type of the modulepath, by name. */
export function rubyTypesFor(modulepath: string[]): Map<string, RubyTypeInfo> {
  const mt = typesOf(modulepath);
  const out = new Map<string, RubyTypeInfo>();
  for (const [name, file] of mt.files) {
    const info = load(mt, name, file);
    if (info) out.set(name, info);
  }
  return out;
}

/** Why a type file could not be read (for diagnostics), or undefined. */
export function rubyTypeProblem(modulepath: string[], name: string): string | undefined {
  const mt = typesOf(modulepath);
  const file = mt.files.get(name);
  if (!file) return undefined;
  load(mt, name, file);
  return byFile.get(`${modulepath.join(':')}\0${file}`)?.problem;
}
