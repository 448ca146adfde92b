// The Hiera 5 lookup (P: lib/puppet/pops/lookup/): three layers of data
// providers (global hiera.yaml, the environment's, the key's module's), each
// an ordered hierarchy of data files; the found values merged by the key's
// strategy (the explicit one, else lookup_options, else first). One `Hiera`
// serves one compile: it caches configurations, data files and lookup_options.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KurokoError } from '../../util/diagnostic.js';
import { isHash, type PHash, type Value } from '../types/values.js';
import { readHieraConfig, defaultConfig, type HieraConfig, type HierarchyLevel } from './config.js';
import { readDataHashCached, type DataFileKind } from './data.js';
import { interpolateString, interpolateValue, splitKey, dig, type InterpolationSource } from './interpolate.js';
import { mergeSingle, mergeTwo, toMergeStrategy, type MergeStrategy } from './merge.js';
import { Explainer, dumpValue } from './explain.js';

export interface HieraSetup {
  /** The global hiera.yaml ($confdir/hiera.yaml or the hiera_config setting); it need not exist. */
  globalConfig?: string;
  /** The environment's directory (its hiera.yaml is optional). */
  environmentDir?: string;
  /** Finds a module's directory by name (the environment's modulepath). */
  moduleDir?: (name: string) => string | undefined;
  /** Applies lookup_options' convert_to (Type name or [Type, args...]) through the compiler's `new`. */
  convert?: (value: Value, to: Value, key: string) => Value;
  /** Puppet's `strict` and where its warnings go (hiera.yaml version 3 outside the global layer, deprecations). */
  strict?: 'off' | 'warning' | 'error';
  warn?: (message: string) => void;
}

/** Variables that hierarchy paths and data values interpolate. */
export interface LookupScope {
  variable(name: string): { found: boolean; value: Value };
}

export interface LookupResult { found: boolean; value: Value }

interface Provider { label: string; config: HieraConfig; moduleName?: string; usedDefault: boolean }

const NOT_FOUND = Symbol('not found');
type Found = Value | typeof NOT_FOUND;
const MAX_GLOB_ENTRIES = 10_000;

/** The data_hash backends Kuroko provides, and the format each reads. */
const DATA_HASH_FUNCTIONS: Record<string, DataFileKind | undefined> = { yaml_data: 'yaml', json_data: 'json', hocon_data: 'hocon' };

export class Hiera {
  private readonly setup: HieraSetup;
  private globalProvider?: Provider | null;
  private envProvider?: Provider | null;
  private readonly moduleProviders = new Map<string, Provider | null>();
  private readonly files = new Map<string, PHash | null>();
  private readonly lookupOptions = new Map<string, PHash>();
  private readonly active: string[] = [];
  /** Per compile: which files exist and what globs match (data does not change under one compile). */
  private readonly existing = new Map<string, boolean>();
  private readonly globs = new Map<string, string[]>();

  constructor(setup: HieraSetup) {
    this.setup = setup;
  }

  private global(): Provider | undefined {
    if (this.globalProvider === undefined) {
      const f = this.setup.globalConfig;
      const c = f ? readHieraConfig(f, 'global', this.setup) : undefined;
      this.globalProvider = f ? { label: 'Global Data Provider', config: c ?? defaultConfig(resolve(f, '..'), f), usedDefault: !c } : null;
    }
    return this.globalProvider ?? undefined;
  }

  private environment(): Provider | undefined {
    if (this.envProvider === undefined) {
      const d = this.setup.environmentDir;
      const f = d ? join(d, 'hiera.yaml') : undefined;
      const c = f ? readHieraConfig(f, 'environment', this.setup) : undefined;
      this.envProvider = c ? { label: 'Environment Data Provider', config: c, usedDefault: false } : null;
    }
    return this.envProvider ?? undefined;
  }

  private module(name: string): Provider | undefined {
    if (!this.moduleProviders.has(name)) {
      const dir = /^[a-z][a-z0-9_]*$/.test(name) ? this.setup.moduleDir?.(name) : undefined;
      const f = dir ? join(dir, 'hiera.yaml') : undefined;
      const c = f ? readHieraConfig(f, 'module', this.setup) : undefined;
      this.moduleProviders.set(name, c ? { label: `Module "${name}" Data Provider`, config: c, moduleName: name, usedDefault: false } : null);
    }
    return this.moduleProviders.get(name) ?? undefined;
  }

  /** The merge and convert_to lookup_options give a key (exact key first, then `^regex` keys in order). */
  optionsFor(key: string, scope: LookupScope, ex?: Explainer): PHash | undefined {
    const mod = moduleOf(key);
    const cacheKey = mod ?? '';
    let all = this.lookupOptions.get(cacheKey);
    if (!all) {
      all = this.collectLookupOptions(mod, scope, ex);
      this.lookupOptions.set(cacheKey, all);
    }
    const exact = all.get(key);
    if (isHash(exact)) return exact;
    for (const [k, v] of all) {
      if (typeof k === 'string' && k.startsWith('^') && isHash(v)) {
        let re: RegExp;
        try { re = new RegExp(k); } catch { throw new KurokoError(`Invalid regular expression '${k}' in lookup_options`, { code: 'KUR5040', field: 'lookup_options', value: k }); }
        if (re.test(key)) return v;
      }
    }
    return undefined;
  }

  private collectLookupOptions(mod: string | undefined, scope: LookupScope, ex?: Explainer): PHash {
    const hash = toMergeStrategy('hash', '');
    const run = () => {
      const providers = this.providers(mod);
      let acc: Found = NOT_FOUND;
      for (const p of providers) {
        const v = this.searchProvider(p, 'lookup_options', hash, scope, ex);
        if (v === NOT_FOUND) continue;
        let h = v as Value;
        if (!isHash(h)) throw new KurokoError(`lookup_options in ${p.config.file} must be a Hash`, { code: 'KUR5041', field: 'lookup_options', location: { file: p.config.file } });
        if (p.moduleName) {
          for (const k of h.keys()) {
            const ks = String(k);
            if (!(ks.startsWith(`${p.moduleName}::`) || ks.startsWith(`^${p.moduleName}::`))) {
              throw new KurokoError(`all lookup_options keys must start with module name '${p.moduleName}' (key '${ks}' in ${p.config.file})`, { code: 'KUR5041', field: 'lookup_options', value: ks, location: { file: p.config.file } });
            }
          }
        }
        if (p.moduleName && acc !== NOT_FOUND && ex) {
          // Puppet explains the module's options merging under the global and environment ones.
          const ge = acc as Value;
          ex.nest('Merge strategy hash', () => {
            ex.nest('Global and Environment', () => ex.line(`Found key: "lookup_options" value: ${dumpValue(ge)}`));
            ex.nest(`Module ${p.moduleName}`, () => ex.line(`Found key: "lookup_options" value: ${dumpValue(h)}`));
            acc = mergeTwo(hash, ge, h, 'lookup_options');
            ex.line(`Merged result: ${dumpValue(acc as Value)}`);
          });
        } else acc = acc === NOT_FOUND ? h : mergeTwo(hash, acc, h, 'lookup_options');
      }
      return acc === NOT_FOUND ? new Map() : (acc as PHash);
    };
    return ex ? ex.nest('Searching for "lookup_options"', run) : run();
  }

  private providers(mod: string | undefined): Provider[] {
    const out: Provider[] = [];
    const g = this.global(); if (g) out.push(g);
    const e = this.environment(); if (e) out.push(e);
    if (mod) { const m = this.module(mod); if (m) out.push(m); }
    return out;
  }

  /**
   * Looks a key up (dotted keys dig into the found value). `merge` overrides
   * lookup_options; without either the strategy is `first`.
   */
  lookup(key: string, scope: LookupScope, opts: { merge?: MergeStrategy; explain?: Explainer } = {}): LookupResult {
    const ex = opts.explain;
    if (this.active.includes(key)) {
      throw new KurokoError(`Recursive lookup detected in [${[...this.active, key].join(', ')}]`, { code: 'KUR5042', field: 'key', value: key });
    }
    if (key === 'lookup_options') throw new KurokoError("Illegal attempt to lookup key 'lookup_options' (it holds options, not data)", { code: 'KUR5043', field: 'key', value: key });
    this.active.push(key);
    try {
      const segs = splitKey(key.replace(/^::/, ''));
      const lopts = this.optionsFor(segs[0], scope, ex);
      const merge = opts.merge ?? toMergeStrategy(lopts?.get('merge'), ` in lookup_options for '${key}'`);
      const run = (): Found => {
        const providers = this.providers(moduleOf(segs[0]));
        // Puppet always merges over its three-provider stack (global, environment, module).
        return mergeVariants(providers, merge, ex, key, (p) => this.searchProvider(p, segs[0], merge, scope, ex), true);
      };
      if (ex && !opts.merge && lopts?.has('merge')) ex.line('Using merge options from "lookup_options" hash');
      const found = ex ? ex.nest(`Searching for "${key}"`, run) : run();
      if (found === NOT_FOUND) return { found: false, value: undefined };
      let value = found as Value;
      if (segs.length > 1) {
        // Dotted keys dig into the merged root value (P: LookupKey#dig).
        const d = dig(value, segs.slice(1));
        if (!d.found) { ex?.line(`Sub key: "${segs.slice(1).join('.')}" not found`); return { found: false, value: undefined }; }
        value = d.value;
      }
      const conv = lopts?.get('convert_to');
      if (conv !== undefined) {
        if (!this.setup.convert) throw new KurokoError(`convert_to for '${key}' needs the compiler`, { code: 'KUR5044', field: 'convert_to', value: String(conv) });
        value = this.setup.convert(value, conv, key);
      }
      return { found: true, value };
    } catch (e) {
      // The outermost lookup names the key asked for, as Puppet does.
      if (this.active.length === 1 && e instanceof KurokoError && !e.message.startsWith('Lookup of key')) {
        throw new KurokoError(`Lookup of key '${key}' failed: ${e.message}`, { ...e.toDiagnostic(), cause: e });
      }
      throw e;
    } finally {
      this.active.pop();
    }
  }

  /** One provider's merged value for a root key (dug into by `rest`), or NOT_FOUND. */
  private searchProvider(p: Provider, root: string, merge: MergeStrategy, scope: LookupScope, ex: Explainer | undefined): Found {
    const header = `${p.label} (hiera configuration version ${p.config.version})`;
    const body = (): Found => {
      // Puppet's built-in default global hierarchy counts only when its datadir exists.
      const levels = p.usedDefault ? p.config.levels.filter((l) => this.exists(l.datadir)) : p.config.levels;
      if (!levels.length) { ex?.line(`No such key: "${root}"`); return NOT_FOUND; }
      if (!p.usedDefault) ex?.line(`Using configuration "${p.config.file}"`);
      return mergeVariants(levels, merge, ex, root, (level) => this.searchLevel(p, level, root, merge, scope, ex));
    };
    return ex ? ex.nest(header, body) : body();
  }

  private source(scope: LookupScope): InterpolationSource {
    return { variable: (n) => scope.variable(n), lookup: (k) => this.lookup(k, scope).value };
  }

  private searchLevel(p: Provider, level: HierarchyLevel, root: string, merge: MergeStrategy, scope: LookupScope, ex?: Explainer): Found {
    const file = p.config.file;
    const dataKind = level.kind === 'data_hash' ? DATA_HASH_FUNCTIONS[level.fn] : undefined;
    if (!dataKind) {
      throw new KurokoError(`Hierarchy entry '${level.name}' in ${file} uses the ${level.kind} function '${level.fn}', which Kuroko does not provide (yaml_data, json_data and hocon_data are built in)`, {
        code: 'KUR5002', location: { file }, field: level.kind, value: level.fn,
      });
    }
    const src = this.source(scope);
    const datadir = String(interpolateString(level.datadir, src));
    const run = (): Found => mergeVariants(this.resolvePaths(level, datadir, scope, src), merge, ex, root, ({ path, original }) => {
        const one = (): Found => {
          ex?.line(`Original path: "${original}"`);
          if (!this.exists(path)) { ex?.line('Path not found'); return NOT_FOUND; }
          const data = this.dataFile(path, dataKind, root);
          if (!data.has(root)) { ex?.line(`No such key: "${root}"`); return NOT_FOUND; }
          const v = withKey(() => interpolateValue(data.get(root), src), root, path);
          ex?.line(`Found key: "${root}" value: ${dumpValue(v)}`);
          return v;
        };
        return ex ? ex.nest(`Path "${path}"`, one) : one();
      });
    return ex ? ex.nest(`Hierarchy entry "${level.name}"`, run) : run();
  }

  /** The level's data files, interpolated, in order, each once. */
  private resolvePaths(level: HierarchyLevel, datadir: string, scope: LookupScope, src: InterpolationSource): { path: string; original: string }[] {
    const out: { path: string; original: string }[] = [];
    const seen = new Set<string>();
    const add = (rel: string, original: string) => {
      // Interpolated values (facts come from agents) may not climb out of the datadir or make the path absolute.
      const ups = (p: string) => p.split('/').filter((x) => x === '..').length;
      if (ups(rel) > ups(original) || (isAbsolute(rel) && !isAbsolute(original))) {
        throw new KurokoError(`Hierarchy entry '${level.name}': interpolated path '${rel}' (from '${original}') leaves the datadir; refused`, {
          code: 'KUR5003', field: 'path', value: rel,
        });
      }
      const path = isAbsolute(rel) ? resolve(rel) : resolve(datadir, rel);
      if (!seen.has(path)) { seen.add(path); out.push({ path, original }); }
    };
    for (const loc of level.locations) {
      if (loc.kind === 'path') add(String(interpolateString(loc.original, src)), loc.original);
      else if (loc.kind === 'glob') {
        const pat = String(interpolateString(loc.original, src));
        const abs = isAbsolute(pat) ? pat : join(datadir, pat);
        let matches = this.globs.get(abs);
        if (!matches) { matches = expandGlob(abs); this.globs.set(abs, matches); }
        for (const f of matches) add(f, isAbsolute(loc.original) ? loc.original : join(datadir, loc.original));
      } else if (loc.mapped) {
        const [varName, keyName, template] = loc.mapped;
        const segs = splitKey(varName, 'mapped_paths');
        const r = scope.variable(segs[0]);
        let items = r.found ? dig(r.value, segs.slice(1)).value : undefined;
        if (items instanceof Map) items = [...items.keys()];
        if (items === undefined) continue;
        for (const item of Array.isArray(items) ? items : [items]) {
          const s2: InterpolationSource = {
            variable: (n) => (n === keyName ? { found: true, value: item } : src.variable(n)),
            lookup: src.lookup,
          };
          add(String(interpolateString(template, s2)), template);
        }
      }
    }
    return out;
  }

  private exists(path: string): boolean {
    let e = this.existing.get(path);
    if (e === undefined) { e = existsSync(path); this.existing.set(path, e); }
    return e;
  }

  private dataFile(path: string, kind: DataFileKind, key: string): PHash {
    let h = this.files.get(path);
    if (h === undefined) {
      h = withKey(() => readDataHashCached(path, kind), key, path);
      this.files.set(path, h);
    }
    return h ?? new Map();
  }
}

/** Adds the key being looked up (and the file) to an error's message. */
function withKey<T>(fn: () => T, key: string, file: string): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KurokoError && !e.message.includes(`'${key}'`)) {
      throw new KurokoError(`${e.message} (while looking up key '${key}' in ${file})`, { ...e.toDiagnostic(), location: e.location ?? { file }, cause: e });
    }
    throw e;
  }
}

/** A small glob: *, **, ?, [..] and {a,b}; bounded; results sorted as Ruby's Dir.glob does. */
export function expandGlob(pattern: string): string[] {
  const parts = pattern.split(sep).filter((p, i) => p !== '' || i === 0);
  let firstWild = parts.findIndex((p) => /[*?[{]/.test(p));
  if (firstWild < 0) return existsSync(pattern) ? [pattern] : [];
  const base = parts.slice(0, firstWild).join(sep) || sep;
  const rx = new RegExp('^' + globToRegex(parts.slice(firstWild).join('/')) + '$');
  const out: string[] = [];
  let count = 0;
  const walk = (dir: string) => {
    let entries: string[];
    try { entries = readdirSync(dir).sort(); } catch { return; }
    for (const e of entries) {
      if (++count > MAX_GLOB_ENTRIES) return;
      const full = join(dir, e);
      const rel = relative(base, full).split(sep).join('/');
      let isDir = false;
      try { isDir = statSync(full).isDirectory(); } catch { continue; }
      if (!isDir && rx.test(rel)) out.push(full);
      if (isDir && !e.startsWith('.')) walk(full);
    }
  };
  walk(base);
  return out.sort();
}

function globToRegex(g: string): string {
  let r = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') { r += g[i + 2] === '/' ? '(?:.*/)?' : '.*'; i += g[i + 2] === '/' ? 2 : 1; } else r += '[^/]*';
    } else if (c === '?') r += '[^/]';
    else if (c === '[') { const end = g.indexOf(']', i); if (end < 0) r += '\\['; else { r += '[' + g.slice(i + 1, end).replace(/\\/g, '\\\\') + ']'; i = end; } }
    else if (c === '{') { const end = g.indexOf('}', i); if (end < 0) r += '\\{'; else { r += '(?:' + g.slice(i + 1, end).split(',').map((x) => x.replace(/[.+^$()|\\]/g, '\\$&')).join('|') + ')'; i = end; } }
    else r += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return r;
}

/**
 * Puppet's MergeStrategy#lookup over variants (providers, levels, paths):
 * the first found for `first`, else every found value merged in order. With
 * more than one variant the explanation shows the strategy and the result.
 */
function mergeVariants<T>(variants: T[], merge: MergeStrategy, ex: Explainer | undefined, what: string, search: (v: T) => Found, alwaysNest = false): Found {
  let acc: Found = NOT_FOUND;
  const each = () => {
    for (const x of variants) {
      const v = search(x);
      if (v === NOT_FOUND) continue;
      acc = acc === NOT_FOUND ? mergeSingle(merge, v) : mergeTwo(merge, acc, v, what);
      if (merge.strategy === 'first') break;
    }
  };
  if (ex && merge.strategy !== 'first' && (variants.length > 1 || alwaysNest)) {
    ex.nest(`Merge strategy ${merge.strategy}`, () => { each(); if (acc !== NOT_FOUND) ex.line(`Merged result: ${dumpValue(acc as Value)}`); });
  } else each();
  return acc;
}

function moduleOf(key: string): string | undefined {
  const k = key.replace(/^::/, '');
  const i = k.indexOf('::');
  return i > 0 ? k.slice(0, i) : undefined;
}
