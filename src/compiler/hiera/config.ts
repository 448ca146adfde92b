// hiera.yaml: versions 5 (all layers) and 3 (global only), read into one
// shape: an ordered list of hierarchy levels, each with its backend function,
// datadir, locations (still uninterpolated) and options.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { KurokoError } from '../../util/diagnostic.js';
import { parseYaml, toPlain } from './data.js';

export type FunctionKind = 'data_hash' | 'lookup_key' | 'data_dig';
export type LocationKind = 'path' | 'glob' | 'mapped_paths';

export interface HierarchyLevel {
  name: string;
  kind: FunctionKind;
  /** The backend function: yaml_data, json_data, hocon_data, eyaml_lookup_key, ... */
  fn: string;
  datadir: string;
  locations: { kind: LocationKind; original: string; mapped?: [string, string, string] }[];
  options: Record<string, unknown>;
}

export interface HieraConfig {
  file: string;
  version: 3 | 5;
  levels: HierarchyLevel[];
  /** Version 3: merge_behavior and deep_merge_options become the default merge. */
  mergeBehavior?: string;
  deepMergeOptions?: Record<string, unknown>;
}

const BUILTIN: Record<string, FunctionKind> = { yaml_data: 'data_hash', json_data: 'data_hash', hocon_data: 'data_hash' };
const LOCATION_KEYS = ['path', 'paths', 'glob', 'globs', 'uri', 'uris', 'mapped_paths'];
const ENTRY_KEYS = new Set(['name', 'datadir', 'options', 'data_hash', 'lookup_key', 'data_dig', ...LOCATION_KEYS]);

function bad(file: string, msg: string, field?: string, value?: unknown): KurokoError {
  return new KurokoError(`${msg} in ${file}`, { code: 'KUR5001', location: { file }, field, value });
}

function str(file: string, v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw bad(file, `The '${field}' of hiera.yaml must be a non-empty String, got ${JSON.stringify(v)}`, field, v);
  return v;
}

/** The default hierarchy Puppet uses at a layer with no hiera.yaml (environment) or none given (global). */
export function defaultConfig(dir: string, file: string): HieraConfig {
  return { file, version: 5, levels: [{ name: 'Common', kind: 'data_hash', fn: 'yaml_data', datadir: join(dir, 'data'), locations: [{ kind: 'path', original: 'common.yaml' }], options: {} }] };
}

/** Reads a hiera.yaml; undefined when the file does not exist. */
export function readHieraConfig(file: string, layer: 'global' | 'environment' | 'module', strictness: { strict?: 'off' | 'warning' | 'error'; warn?: (message: string) => void } = {}): HieraConfig | undefined {
  if (!existsSync(file)) return undefined;
  const raw = toPlain(parseYaml(readFileSync(file, 'utf8'), file));
  const doc = (raw ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw bad(file, 'hiera.yaml must hold a hash');
  // No version is version 3 at every layer (P: HieraConfig.create).
  const version = doc.version ?? 3;
  const dir = dirname(file);
  if (version === 3) {
    if (strictness.strict !== 'off') strictness.warn?.(`${file}: Use of 'hiera.yaml' version 3 is deprecated. It should be converted to version 5`);
    if (layer !== 'global') {
      // P: Module/EnvironmentDataProvider#assert_config_version: an error only with strict=error, else ignored (and said so even with strict=off).
      if (strictness.strict === 'error') throw bad(file, `hiera.yaml version 3 cannot be used in ${layer === 'module' ? 'a module' : 'an environment'}`, 'version', version);
      strictness.warn?.(`hiera.yaml version 3 found at the ${layer === 'module' ? 'module' : 'environment'} root was ignored`);
      return undefined;
    }
    return readV3(file, doc);
  }
  if (version === 4) throw bad(file, 'hiera.yaml version 4 is not supported; use version 5', 'version', version);
  if (version !== 5) throw bad(file, `Unsupported hiera.yaml version ${JSON.stringify(version)}`, 'version', version);
  for (const k of Object.keys(doc)) {
    if (!['version', 'defaults', 'hierarchy', 'default_hierarchy', 'plan_hierarchy'].includes(k)) throw bad(file, `Unknown key '${k}' in hiera.yaml`, k);
  }
  const defaults = (doc.defaults ?? {}) as Record<string, unknown>;
  if (typeof defaults !== 'object' || Array.isArray(defaults)) throw bad(file, "The 'defaults' of hiera.yaml must be a hash", 'defaults');
  // No hierarchy: Puppet's default, one level "Common" at common.yaml (with these defaults).
  const hierarchy = doc.hierarchy ?? [{ name: 'Common', path: 'common.yaml', ...(defaults.data_hash || defaults.lookup_key || defaults.data_dig ? {} : { data_hash: 'yaml_data' }) }];
  if (!Array.isArray(hierarchy)) throw bad(file, "The 'hierarchy' of hiera.yaml must be an array", 'hierarchy', doc.hierarchy);
  const names = new Set<string>();
  const levels = hierarchy.map((e, i) => readEntry(file, dir, e, i, defaults, names));
  return { file, version: 5, levels };
}

function readEntry(file: string, dir: string, e: unknown, i: number, defaults: Record<string, unknown>, names: Set<string>): HierarchyLevel {
  if (!e || typeof e !== 'object' || Array.isArray(e)) throw bad(file, `hierarchy entry ${i + 1} must be a hash`, 'hierarchy', e);
  const ent = e as Record<string, unknown>;
  const name = str(file, ent.name, 'name');
  if (names.has(name)) throw bad(file, `Hierarchy name '${name}' defined more than once`, 'name', name);
  names.add(name);
  for (const k of Object.keys(ent)) if (!ENTRY_KEYS.has(k)) throw bad(file, `Unknown key '${k}' in hierarchy entry '${name}'`, k);
  const fnKeys = (['data_hash', 'lookup_key', 'data_dig'] as const).filter((k) => ent[k] !== undefined);
  if (fnKeys.length > 1) throw bad(file, `Only one of data_hash, lookup_key, data_dig can be defined in hierarchy '${name}'`, 'name', name);
  let kind: FunctionKind, fn: string;
  if (fnKeys.length) { kind = fnKeys[0]; fn = str(file, ent[kind], kind); } else {
    const dk = (['data_hash', 'lookup_key', 'data_dig'] as const).filter((k) => defaults[k] !== undefined);
    if (dk.length > 1) throw bad(file, 'Only one of data_hash, lookup_key, data_dig can be defined in defaults', 'defaults');
    if (!dk.length) throw bad(file, `One of data_hash, lookup_key, data_dig, or hiera3_backend must be defined in hierarchy '${name}'`, 'name', name);
    kind = dk[0]; fn = str(file, defaults[kind], kind);
  }
  if (BUILTIN[fn] && BUILTIN[fn] !== kind) throw bad(file, `'${fn}' is a data_hash function, used as ${kind} in hierarchy '${name}'`, kind, fn);
  const datadirRaw = ent.datadir ?? defaults.datadir ?? 'data';
  const datadir = str(file, datadirRaw, 'datadir');
  const locKeys = LOCATION_KEYS.filter((k) => ent[k] !== undefined);
  if (locKeys.length > 1) throw bad(file, `Only one of ${LOCATION_KEYS.join(', ')} can be defined in hierarchy '${name}'`, 'name', name);
  const locations: HierarchyLevel['locations'] = [];
  const lk = locKeys[0];
  if (lk === 'uri' || lk === 'uris') throw bad(file, `Hierarchy '${name}': uri/uris locations need a custom lookup_key function, which Kuroko does not run`, lk);
  if (lk === 'path' || lk === 'glob') locations.push({ kind: lk, original: str(file, ent[lk], lk) });
  if (lk === 'paths' || lk === 'globs') {
    const a = ent[lk];
    if (!Array.isArray(a)) throw bad(file, `'${lk}' in hierarchy '${name}' must be an array`, lk, a);
    for (const p of a) locations.push({ kind: lk === 'paths' ? 'path' : 'glob', original: str(file, p, lk) });
  }
  if (lk === 'mapped_paths') {
    const m = ent.mapped_paths;
    if (!Array.isArray(m) || m.length !== 3 || !m.every((x) => typeof x === 'string')) throw bad(file, `'mapped_paths' in hierarchy '${name}' must be an array of three strings`, 'mapped_paths', m);
    locations.push({ kind: 'mapped_paths', original: m[2], mapped: m as [string, string, string] });
  }
  if (!lk && BUILTIN[fn]) locations.push({ kind: 'path', original: name });
  const options = { ...((defaults.options ?? {}) as Record<string, unknown>), ...((ent.options ?? {}) as Record<string, unknown>) };
  for (const k of ['path', 'paths', 'glob', 'globs', 'uri', 'uris']) {
    if (k in options) throw bad(file, `Option key '${k}' used in hierarchy '${name}' is reserved by Puppet`, 'options', k);
  }
  return { name, kind, fn, datadir: isAbsolute(datadir) ? datadir : resolve(dir, datadir), locations, options };
}

/** Version 3 (global only): :backends, :hierarchy, :yaml/:json :datadir, :merge_behavior. */
function readV3(file: string, doc: Record<string, unknown>): HieraConfig {
  const get = (k: string) => doc[`:${k}`] ?? doc[k];
  const backends = ([] as unknown[]).concat(get('backends') ?? ['yaml']).map(String);
  let hierarchy = ([] as unknown[]).concat(get('hierarchy') ?? ['nodes/%{::trusted.certname}', 'common']).map(String);
  if (!hierarchy.length) hierarchy = ['common'];
  const levels: HierarchyLevel[] = [];
  for (const b of backends) {
    if (b !== 'yaml' && b !== 'json') throw bad(file, `Hiera version 3 backend '${b}' is not supported (only yaml and json)`, 'backends', b);
    const conf = (get(b) ?? {}) as Record<string, unknown>;
    const dd = String(conf[':datadir'] ?? conf.datadir ?? '/etc/puppetlabs/code/environments/%{environment}/hieradata');
    for (const h of hierarchy) {
      levels.push({ name: `${h}`, kind: 'data_hash', fn: `${b}_data`, datadir: dd, locations: [{ kind: 'path', original: `${h}.${b === 'yaml' ? 'yaml' : 'json'}` }], options: {} });
    }
  }
  const mb = get('merge_behavior');
  const dmo = get('deep_merge_options');
  return { file, version: 3, levels, mergeBehavior: mb === undefined ? undefined : String(mb).replace(/^:/, ''), deepMergeOptions: dmo as Record<string, unknown> | undefined };
}
