// Environments and the autoloader. An environment is a main manifest (a file,
// or a directory whose .pp files are read in sorted order as one) and a
// modulepath; definitions are found by name: `a::b::c` → module `a`,
// `manifests/b/c.pp` (`a` → `init.pp`), functions in `functions/`, type
// aliases in `types/`. Parsed files are cached per path and re-read when the
// file changes (EnvironmentCache), so a server can keep one per environment.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from '../lang/index.js';
import type * as A from '../lang/ast.js';
import { KurokoError, type Diagnostic } from '../util/diagnostic.js';
import { ObjectType, TypeAliasType, type PType } from './types/types.js';
import type { Context } from './evaluator/context.js';
import type { Value } from './types/values.js';
import type { ModuleTypeSource } from './builtin-types.js';
import { rubyType } from './rubytypes/index.js';

const PROBE_TTL_MS = 2000;

interface CachedFile { mtimeMs: number; size: number; text: string; program?: A.Program; diagnostics?: Diagnostic[]; validationErrors?: number }

/**
 * environment_timeout in milliseconds: 0 (check files on every compile),
 * Infinity (`unlimited`: parse once, keep until reload) or a duration.
 * Accepts Puppet's spellings: 0, 180, 30s, 5m, 1h, 2d, 1w, 1y, unlimited.
 */
export function parseEnvironmentTimeout(value: string | number | undefined): number {
  if (value === undefined || value === '') return 0;
  if (typeof value === 'number') {
    if (!(value >= 0)) throw new KurokoError(`Invalid environment_timeout ${value} (expected 0, unlimited or a duration)`, { code: 'KUR4030', field: 'environment_timeout', value });
    return value * 1000;
  }
  const v = value.trim();
  if (v === 'unlimited' || v === 'Infinity') return Infinity;
  const m = /^(\d+(?:\.\d+)?)\s*([smhdwy]?)$/.exec(v);
  if (!m) throw new KurokoError(`Invalid environment_timeout '${value}' (expected 0, unlimited or a duration such as 30s, 5m, 1h, 2d)`, { code: 'KUR4030', field: 'environment_timeout', value });
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[m[2] as '' | 's' | 'm' | 'h' | 'd' | 'w' | 'y'];
  return Number(m[1]) * unit * 1000;
}

/**
 * Parsed files by path, for one environment. Safe to share across compiles.
 * Its invalidation follows environment_timeout (`timeoutMs`):
 * - 0: every compile re-checks each file (mtime and size), re-lists manifest
 *   directories and re-probes module directories, so changed, new and deleted
 *   files are seen at once;
 * - a duration: everything read, including "not there", is trusted without
 *   looking at the disk until `timeoutMs` after the first compile that used
 *   it, then forgotten as a whole;
 * - Infinity (`unlimited`): trusted until invalidate() (server reload).
 * A server calls beginCompile() before each compile (compile() in index.ts does).
 */
export class EnvironmentCache {
  private files = new Map<string, CachedFile | null>();
  // Directory probes: per compile when timeoutMs is 0 (and at most PROBE_TTL_MS for callers that never call beginCompile).
  private dirProbe = new Map<string, { isDir: boolean; at: number }>();
  private listings = new Map<string, string[]>();
  private rubyTypes?: Map<string, string>;
  private rubyTypesKey = '';
  private rubyTypesAt = 0;
  /** When the cached code was first used (the duration counts from here). */
  private firstUse?: number;
  timeoutMs: number;
  parses = 0;
  /** How many times the whole cache was dropped (timeout or reload). */
  flushes = 0;

  constructor(opts: { timeoutMs?: number } = {}) {
    this.timeoutMs = opts.timeoutMs ?? 0;
  }

  /** Whether files are trusted without looking at the disk (a non-zero environment_timeout). */
  private get trusting(): boolean { return this.timeoutMs > 0; }

  /** Applies the policy before a compile: per-compile probes for 0, expiry for a duration. */
  beginCompile(now = Date.now()): void {
    if (!this.trusting) { this.dirProbe.clear(); this.firstUse = now; return; }
    if (this.firstUse !== undefined && now - this.firstUse >= this.timeoutMs) this.invalidate();
    this.firstUse ??= now;
  }

  /** Changes environment_timeout (environment.conf edited); a different policy starts afresh. */
  applyTimeout(timeoutMs: number): void {
    if (timeoutMs === this.timeoutMs) return;
    this.timeoutMs = timeoutMs;
    this.invalidate();
  }

  /** The parsed program of a .pp file (undefined when the file does not exist). */
  program(path: string): { program: A.Program; text: string; diagnostics: Diagnostic[]; validationErrors?: number } | undefined {
    let c = this.files.get(path);
    if (this.trusting && c !== undefined) {
      if (c === null) return undefined;
    } else {
      let st;
      try { st = statSync(path); } catch { st = undefined; }
      if (!st || !st.isFile()) {
        if (this.trusting) this.files.set(path, null); else this.files.delete(path);
        return undefined;
      }
      if (!c || c.mtimeMs !== st.mtimeMs || c.size !== st.size) {
        const text = readFileSync(path, 'utf8');
        c = { mtimeMs: st.mtimeMs, size: st.size, text };
        this.files.set(path, c);
      }
    }
    if (!c.program) {
      const r = parse(c.text, path);
      this.parses++;
      c.program = r.program;
      c.diagnostics = r.diagnostics;
      c.validationErrors = r.validationErrors;
    }
    return { program: c.program, text: c.text, diagnostics: c.diagnostics ?? [], validationErrors: c.validationErrors };
  }

  /** The .pp files of a manifest setting (see manifestFiles); listed again each compile unless trusting. */
  manifestFiles(path: string): string[] {
    if (!this.trusting) return manifestFiles(path);
    let l = this.listings.get(path);
    if (!l) this.listings.set(path, (l = manifestFiles(path)));
    return l;
  }

  text(path: string): string | undefined {
    return this.files.get(path)?.text;
  }

  isDir(path: string): boolean {
    const now = Date.now();
    const c = this.dirProbe.get(path);
    if (c && (this.trusting || now - c.at < PROBE_TTL_MS)) return c.isDir;
    let v: boolean;
    try { v = statSync(path).isDirectory(); } catch { v = false; }
    this.dirProbe.set(path, { isDir: v, at: now });
    return v;
  }

  /** Whether a module in `modulepath` ships lib/puppet/type/NAME.rb. */
  hasRubyType(modulepath: string[], name: string): boolean {
    const key = modulepath.join(':');
    const stale = !this.trusting && Date.now() - this.rubyTypesAt >= PROBE_TTL_MS;
    if (!this.rubyTypes || this.rubyTypesKey !== key || stale) {
      this.rubyTypes = new Map();
      this.rubyTypesKey = key;
      this.rubyTypesAt = Date.now();
        for (const dir of modulepath) {
        let mods: string[] = [];
        try { mods = readdirSync(dir); } catch { continue; }
        for (const m of mods) {
          let files: string[] = [];
          try { files = readdirSync(join(dir, m, 'lib', 'puppet', 'type')); } catch { continue; }
          for (const f of files) if (f.endsWith('.rb') && !this.rubyTypes.has(f.slice(0, -3))) this.rubyTypes.set(f.slice(0, -3), join(dir, m, 'lib', 'puppet', 'type', f));
        }
      }
    }
    return this.rubyTypes.has(name);
  }

  /** The namevar Puppet's Resource#namevar uses for a module's Ruby type (the static reader's answer), else 'name'. */
  rubyTypeNamevar(modulepath: string[], name: string): string {
    if (!this.hasRubyType(modulepath, name)) return 'name';
    return rubyType(modulepath, name)?.namevar ?? 'name';
  }

  /** Forgets everything (server reload, the admin API, or environment_timeout expiry). */
  invalidate(): void {
    this.files.clear();
    this.dirProbe.clear();
    this.listings.clear();
    this.rubyTypes = undefined;
    this.firstUse = undefined;
    this.flushes++;
  }
}

export interface EnvironmentOptions {
  name: string;
  manifest: string;
  modulepath: string[];
  cache?: EnvironmentCache;
  configVersion?: string;
  /** Puppet's `strict`: decides validation issues such as DUPLICATE_KEY (off ignores, error fails). */
  strict?: 'off' | 'warning' | 'error';
}

/** Validation issues whose severity Puppet takes from `strict` (P: ValidatorFactory_4_0). */
const STRICT_ISSUES = new Set(['DUPLICATE_KEY']);

/** One compile's view of an environment: the definitions it found, loaded on demand. */
export class Environment implements ModuleTypeSource {
  readonly name: string;
  readonly manifest: string;
  readonly modulepath: string[];
  readonly cache: EnvironmentCache;
  readonly classes = new Map<string, A.HostClassDefinition>();
  readonly defines = new Map<string, A.ResourceTypeDefinition>();
  readonly functions = new Map<string, A.FunctionDefinition>();
  readonly aliases = new Map<string, A.TypeAlias>();
  readonly nodes: A.NodeDefinition[] = [];
  /** Main manifest programs in order (imports are evaluated where they appear). */
  readonly mainPrograms: A.Program[] = [];
  readonly imported = new Map<A.ImportExpression, A.Program[]>();
  private loadedFiles = new Set<string>();
  /** Parser warnings of the files read (the compile reports them). */
  readonly warnings: Diagnostic[] = [];
  /** Hook for Hiera's automatic parameter lookup (issue 5). */
  lookupParameter?: (ctx: Context, key: string, isClass: boolean) => { found: boolean; value: Value } | undefined;

  constructor(opts: EnvironmentOptions) {
    this.name = opts.name;
    this.manifest = opts.manifest;
    this.modulepath = opts.modulepath;
    this.cache = opts.cache ?? new EnvironmentCache();
    this.strict = opts.strict ?? 'warning';
  }

  readonly strict: 'off' | 'warning' | 'error';

  sourceOf(file: string): string | undefined {
    return this.cache.text(file);
  }

  hasRubyType(name: string): boolean {
    return this.cache.hasRubyType(this.modulepath, name);
  }

  rubyTypeNamevar(name: string): string {
    return this.cache.rubyTypeNamevar(this.modulepath, name);
  }

  /** Reads the main manifest (file or directory) and what it imports. */
  loadMain(): void {
    const files = this.cache.manifestFiles(this.manifest);
    for (const f of files) {
      const p = this.loadFile(f);
      if (p) this.mainPrograms.push(p);
    }
  }

  /** Parses and registers a file's definitions; throws the first syntax error. */
  loadFile(path: string): A.Program | undefined {
    const r = this.cache.program(path);
    if (!r) return undefined;
    if (this.loadedFiles.has(path)) return r.program;
    this.loadedFiles.add(path);
    const err = r.diagnostics.find((d) => d.severity === 'error' || (this.strict === 'error' && STRICT_ISSUES.has(d.code)));
    if (err && (r.validationErrors ?? 0) > 1) {
      // P: more than one validation error: Puppet logs each and gives up naming only the file.
      throw new KurokoError(`Could not parse for environment ${this.name}: Language validation logged ${r.validationErrors} errors. Giving up`, {
        code: err.code, location: { file: path }, sourceText: r.text,
      });
    }
    if (err) {
      throw new KurokoError(`Could not parse for environment ${this.name}: ${err.message}`, {
        code: err.code, location: err.location, sourceText: r.text,
      });
    }
    for (const d of r.diagnostics) if (d.severity === 'warning' && !(this.strict === 'off' && STRICT_ISSUES.has(d.code))) this.warnings.push(d);
    this.register(r.program.body, '', path);
    return r.program;
  }

  private register(body: A.Expression[], namespace: string, file: string): void {
    for (const e of body) {
      switch (e.kind) {
        case 'HostClassDefinition': {
          const name = qualify(namespace, e.name);
          if (!this.classes.has(name)) this.classes.set(name, e);
          this.register(e.body, name, file);
          break;
        }
        case 'ResourceTypeDefinition': {
          const name = qualify(namespace, e.name);
          if (!this.defines.has(name)) this.defines.set(name, e);
          break;
        }
        case 'FunctionDefinition': this.functions.set(e.name.replace(/^::/, '').toLowerCase(), e); break;
        case 'TypeAlias': this.aliases.set(e.name.replace(/^::/, '').toLowerCase(), e); break;
        case 'NodeDefinition': this.nodes.push(e); break;
        case 'ImportExpression': this.loadImport(e, file); break;
      }
    }
  }

  private loadImport(e: A.ImportExpression, file: string): void {
    const progs: A.Program[] = [];
    for (const f of e.files) {
      const pattern = f.kind === 'LiteralString' ? f.value : undefined;
      if (pattern === undefined) throw new KurokoError('import takes literal file names', { location: e.loc, code: 'KUR4010' });
      const base = isAbsolute(pattern) ? pattern : resolve(dirname(file), pattern);
      const matches = expandGlob(base.endsWith('.pp') || base.includes('*') ? base : base + '.pp');
      for (const m of matches) {
        const p = this.loadFile(m);
        if (p) progs.push(p);
      }
    }
    this.imported.set(e, progs);
  }

  findClass(name: string): A.HostClassDefinition | undefined {
    const n = name.replace(/^::/, '').toLowerCase();
    return this.classes.get(n) ?? (this.autoload(n, 'manifests'), this.classes.get(n));
  }

  findDefine(name: string): A.ResourceTypeDefinition | undefined {
    const n = name.replace(/^::/, '').toLowerCase();
    return this.defines.get(n) ?? (this.autoload(n, 'manifests'), this.defines.get(n));
  }

  findFunction(name: string): A.FunctionDefinition | undefined {
    const n = name.replace(/^::/, '').toLowerCase();
    if (!n.includes('::')) return this.functions.get(n);
    return this.functions.get(n) ?? (this.autoload(n, 'functions'), this.functions.get(n));
  }

  /** A type alias as a type (resolved on first use, recursion-safe). */
  typeAlias(ctx: Context, name: string, loc: A.Loc): PType | undefined {
    const n = name.toLowerCase();
    const cached = ctx.typeAliasCache.get(n);
    if (cached) return cached;
    let def = this.aliases.get(n);
    if (!def && n.includes('::')) { this.autoload(n, 'types'); def = this.aliases.get(n); }
    if (!def) return undefined;
    const t = new TypeAliasType(def.name);
    ctx.typeAliasCache.set(n, t);
    void loc;
    const v = evalTypeExpr(ctx, def.type);
    if (!(v && typeof v === 'object' && 'isInstance' in v)) throw ctx.error(`Type alias ${def.name} does not resolve to a type`, def.loc);
    // `type X = Object[{...}]`: the object type takes the alias's name.
    t.resolved = v instanceof ObjectType && v.objectName === undefined && v.ownAttributes !== undefined ? v.named(def.name) : v as PType;
    return t;
  }

  /** Loads the file where `name` should be defined, trying the exact file then its parents. */
  private autoload(name: string, kind: 'manifests' | 'functions' | 'types'): void {
    const segs = name.split('::');
    const mod = segs[0];
    if (!/^[a-z][a-z0-9_]*$/.test(mod)) return;
    for (const dir of this.modulepath) {
      const mdir = join(dir, mod);
      if (!this.cache.isDir(mdir)) continue;
      const candidates: string[] = [];
      if (kind === 'manifests') {
        for (let i = segs.length; i >= 1; i--) {
          candidates.push(i === 1 ? join(mdir, 'manifests', 'init.pp') : join(mdir, 'manifests', ...segs.slice(1, i - 1), `${segs[i - 1]}.pp`));
        }
      } else if (segs.length > 1) {
        candidates.push(join(mdir, kind, ...segs.slice(1, -1), `${segs[segs.length - 1]}.pp`));
      }
      for (const c of candidates) {
        if (this.loadedFiles.has(c)) continue;
        if (this.loadFile(c)) {
          if (kind === 'manifests' && (this.classes.has(name) || this.defines.has(name))) return;
          if (kind === 'functions' && this.functions.has(name)) return;
          if (kind === 'types' && this.aliases.has(name)) return;
        }
      }
      return; // the first module of that name wins, as in Puppet
    }
  }
}

function qualify(ns: string, name: string): string {
  const n = name.replace(/^::/, '').toLowerCase();
  if (name.startsWith('::') || !ns || n.startsWith(`${ns}::`)) return n;
  return `${ns}::${n}`;
}

// Set by the evaluator at load (breaks a module cycle).
let evalTypeExpr: (ctx: Context, e: A.Expression) => unknown = () => undefined;
export function setTypeExprEvaluator(f: (ctx: Context, e: A.Expression) => unknown): void {
  evalTypeExpr = f;
}

/** The .pp files of a manifest setting: the file, or a directory's files recursively in sorted order. */
export function manifestFiles(path: string): string[] {
  let st;
  try { st = statSync(path); } catch { return []; }
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.pp')) out.push(p);
    }
  };
  walk(path);
  return out;
}

/** `*`, `?` and `**` globs for import (no braces); sorted matches. */
export function expandGlob(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) return existsSync(pattern) ? [pattern] : [];
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : parts[0]];
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    if (!part) continue;
    const next: string[] = [];
    if (!/[*?[]/.test(part)) { for (const b of bases) next.push(join(b, part)); bases = next; continue; }
    const re = new RegExp('^' + part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
    for (const b of bases) {
      let entries: string[] = [];
      try { entries = readdirSync(b).sort(); } catch { continue; }
      for (const en of entries) if (re.test(en) && !en.startsWith('.')) next.push(join(b, en));
    }
    bases = next;
  }
  return bases.filter((p) => existsSync(p));
}
