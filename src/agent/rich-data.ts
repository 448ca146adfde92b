// Rich-data catalogs on the agent (Puppet 7's application/vnd.puppet.rich+json):
// before the transaction, Deferred values are resolved by calling their
// function on this machine (P: DeferredResolver, innermost first, with the
// node's facts as $facts), and the other `__ptype` values become what the
// resource types take (P: FromDataConverter, then the types' munging):
// Sensitive → its value with the parameter marked sensitive, Timestamp,
// Timespan, Regexp, SemVer and types → their string forms, default →
// 'default', a Hash with non-String keys → an object. Binary file content
// stays in its `__ptype` form, which the file type reads as bytes.
//
// The compiler (to call functions) is loaded only when the catalog holds a
// Deferred value: an ordinary run pays one walk over the parameters.
import type { Catalog, CatalogResource, Data } from '../compiler/wire.js';
import { KurokoError } from '../util/diagnostic.js';

export const PTYPE = '__ptype';
export const PVALUE = '__pvalue';

/** What Deferred values are resolved with. */
export interface DeferredOptions {
  /** The node's facts ($facts in the resolving scope); a function when collecting them costs (apply --catalog). */
  facts?: Record<string, Data> | (() => Promise<Record<string, Data>>);
  /** Where Puppet-language functions (functions/*.pp) and Ruby functions (lib/) are looked for. */
  modulepath?: string[];
  /** The pluginsynced lib directory (plugindest): Ruby functions the server sent, named in errors. */
  plugindest?: string;
  /** hiera_config, for lookup() in a Deferred value. */
  hieraConfig?: string;
  environment?: string;
  certname?: string;
}

/** Where a value sits, for messages: "Notify[a] (parameter 'message')". */
export interface ValueSite {
  resource: string;
  parameter: string;
  file?: string;
  line?: number;
}

/** Calls one Deferred value's function: `args` are rich data with no Deferred left; the result is rich data. */
export type DeferredCaller = (name: string, args: Data[], site: ValueSite) => Data;

function isObject(d: Data | undefined): d is { [k: string]: Data } {
  return typeof d === 'object' && d !== null && !Array.isArray(d);
}

/** Whether the value holds any `__ptype` (Puppet's rich-data marker) at any depth. */
export function hasRichValue(d: Data): boolean {
  if (Array.isArray(d)) {
    for (const x of d) if (typeof x === 'object' && x !== null && hasRichValue(x)) return true;
    return false;
  }
  if (!isObject(d)) return false;
  if (PTYPE in d) return true;
  for (const k in d) { const x = d[k]; if (typeof x === 'object' && x !== null && hasRichValue(x)) return true; }
  return false;
}

/** Whether the value holds a Deferred at any depth. */
export function hasDeferred(d: Data): boolean {
  if (Array.isArray(d)) return d.some((x) => typeof x === 'object' && x !== null && hasDeferred(x));
  if (!isObject(d)) return false;
  if (d[PTYPE] === 'Deferred') return true;
  for (const k in d) { const x = d[k]; if (typeof x === 'object' && x !== null && hasDeferred(x)) return true; }
  return false;
}

/**
 * Replaces each Deferred (in arrays, hashes, Hash pairs and Sensitive too) by
 * its function's result, arguments first. A result is not searched again, as
 * in Puppet.
 */
export function resolveDeferred(d: Data, call: DeferredCaller, site: ValueSite): Data {
  if (Array.isArray(d)) return d.map((x) => resolveDeferred(x, call, site));
  if (!isObject(d)) return d;
  const t = d[PTYPE];
  if (t === 'Deferred') {
    if (typeof d.name !== 'string' || d.name === '') throw badValue(site, d, 'a Deferred value needs a function name');
    const raw = d.arguments ?? null;
    if (raw !== null && !Array.isArray(raw)) throw badValue(site, d, "a Deferred value's arguments must be an array");
    const args = (raw ?? []).map((x) => resolveDeferred(x, call, site));
    return call(d.name, args, site);
  }
  if (t === 'Sensitive') return { [PTYPE]: 'Sensitive', [PVALUE]: resolveDeferred(d[PVALUE] ?? null, call, site) };
  if (t === 'Hash' && Array.isArray(d[PVALUE])) {
    return { [PTYPE]: 'Hash', [PVALUE]: d[PVALUE].map((x, i) => (i % 2 ? resolveDeferred(x, call, site) : x)) };
  }
  if (typeof t === 'string') return d; // other rich values hold nothing to resolve
  const o: { [k: string]: Data } = {};
  for (const k in d) o[k] = resolveDeferred(d[k], call, site);
  return o;
}

function badValue(site: ValueSite, value: Data, why: string): KurokoError {
  return new KurokoError(`${site.resource}: parameter '${site.parameter}': ${why}`, { code: 'KUR7060', field: site.parameter, value });
}

/** Ruby's Regexp#to_s, what a resource type receives from a Regexp value. */
function regexpString(source: string): string {
  return `(?-mix:${source})`;
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A Pcore type in data form (`{"__ptype":"Pcore::IntegerType","from":1}`) as Puppet prints the type. */
export function typeString(d: { [k: string]: Data }): string {
  const name = String(d[PTYPE]).replace(/^Pcore::/, '').replace(/Type$/, '');
  const sub = (x: Data | undefined): string => (isObject(x) && typeof x[PTYPE] === 'string' ? typeString(x) : 'Any');
  const bound = (x: Data | undefined) => (x === null || x === undefined ? 'default' : String(x));
  const size = (x: Data | undefined): string[] => (isObject(x) ? [bound(x.from ?? 0), ...(x.to === undefined || x.to === null ? [] : [bound(x.to)])] : []);
  const args: string[] = [];
  switch (name) {
    case 'Integer': case 'Float':
      if (d.from !== undefined || d.to !== undefined) args.push(bound(d.from), ...(d.to === undefined || d.to === null ? [] : [bound(d.to)]));
      break;
    case 'String':
      if (typeof d.size_type_or_value === 'string') return 'String';
      args.push(...size(d.size_type_or_value));
      break;
    case 'Enum':
      if (Array.isArray(d.values)) args.push(...d.values.map((v) => quote(String(v))));
      if (d.case_insensitive === true) args.push('true');
      break;
    case 'Pattern':
      if (Array.isArray(d.patterns)) args.push(...d.patterns.map((p) => `/${isObject(p) ? String(p.pattern ?? '') : String(p)}/`));
      break;
    case 'Regexp':
      if (typeof d.pattern === 'string') args.push(`/${d.pattern}/`);
      break;
    case 'Array':
      if (d.element_type !== undefined || d.size_type !== undefined) args.push(sub(d.element_type), ...size(d.size_type));
      break;
    case 'Hash':
      if (d.key_type !== undefined) args.push(sub(d.key_type), sub(d.value_type), ...size(d.size_type));
      break;
    case 'Optional': case 'NotUndef': case 'Type': case 'Sensitive': case 'Iterable': case 'Iterator':
      if (d.type !== undefined && d.type !== null) args.push(sub(d.type));
      break;
    case 'Variant':
      if (Array.isArray(d.types)) args.push(...d.types.map(sub));
      break;
    case 'Tuple':
      if (Array.isArray(d.types)) args.push(...d.types.map(sub));
      args.push(...size(d.size_type));
      break;
    case 'Struct':
      if (Array.isArray(d.elements) && d.elements.length) {
        const els = d.elements.map((e) => {
          if (!isObject(e)) return '';
          const k = e.key_type;
          const key = isObject(k) && k[PTYPE] === 'Pcore::OptionalType' && isObject(k.type)
            ? `Optional[${quote(String(k.type.size_type_or_value))}]` : quote(String(isObject(k) ? k.size_type_or_value : k));
          return `${key} => ${sub(e.value_type)}`;
        });
        return `Struct[{${els.join(', ')}}]`;
      }
      break;
    case 'Resource':
      if (typeof d.type_name === 'string') return d.type_name.split('::').map((s) => (s ? s[0].toUpperCase() + s.slice(1) : s)).join('::');
      break;
    case 'Class':
      if (typeof d.class_name === 'string') args.push(d.class_name);
      break;
  }
  return args.length ? `${name}[${args.join(', ')}]` : name;
}

/** A Hash key as the string an object key must be. */
function keyString(k: Data): string {
  if (typeof k === 'string') return k;
  if (k === null) return '';
  if (typeof k === 'number' || typeof k === 'boolean') return String(k);
  return JSON.stringify(k);
}

/**
 * One parameter value from rich data to what resource types take. `sensitive`
 * is called when a Sensitive value was unwrapped; `keepBinary` leaves Binary
 * in its `__ptype` form (file content, read as bytes).
 */
export function fromRichData(d: Data, site: ValueSite, sensitive: () => void, keepBinary = false): Data {
  if (Array.isArray(d)) return d.map((x) => fromRichData(x, site, sensitive));
  if (!isObject(d)) return d;
  const t = d[PTYPE];
  if (t === undefined) {
    const o: { [k: string]: Data } = {};
    for (const k in d) o[k] = fromRichData(d[k], site, sensitive);
    return o;
  }
  if (typeof t !== 'string') throw badValue(site, d, `unable to deserialize a type from ${JSON.stringify(t)}`);
  const v = d[PVALUE];
  switch (t) {
    case 'Sensitive':
      sensitive();
      return fromRichData(v ?? null, site, sensitive, keepBinary);
    case 'Binary':
      if (typeof v !== 'string') throw badValue(site, d, 'a Binary value needs Base64 text in __pvalue');
      return keepBinary ? { [PTYPE]: 'Binary', [PVALUE]: v } : Buffer.from(v, 'base64').toString('utf8');
    case 'Default':
      return 'default';
    case 'Regexp':
      return regexpString(typeof v === 'string' ? v : '');
    case 'Hash': {
      if (!Array.isArray(v)) throw badValue(site, d, 'a Hash value needs its key/value pairs in __pvalue');
      const o: { [k: string]: Data } = {};
      for (let i = 0; i + 1 < v.length; i += 2) o[keyString(fromRichData(v[i], site, sensitive))] = fromRichData(v[i + 1], site, sensitive);
      return o;
    }
    case 'Deferred':
      // A function's result that is itself Deferred: not resolved again (as in Puppet), shown as Puppet prints it.
      return `Deferred({'name' => ${quote(String(d.name))}${d.arguments !== undefined ? `, 'arguments' => ${JSON.stringify(d.arguments)}` : ''}})`;
  }
  if (t.startsWith('Pcore::') && t.endsWith('Type')) return typeString(d);
  // Timestamp, Timespan, SemVer, SemVerRange, Symbol...: their string form travels in __pvalue.
  if (typeof v === 'string') return v;
  throw new KurokoError(`${site.resource}: parameter '${site.parameter}': No implementation mapping found for Puppet Type ${t}`, { code: 'KUR7061', field: site.parameter, value: d });
}

function siteOf(w: CatalogResource, parameter: string): ValueSite {
  const type = w.type.split('::').map((s) => (s ? s[0].toUpperCase() + s.slice(1) : s)).join('::');
  return { resource: `${type}[${w.title}]`, parameter, file: w.file, line: w.line };
}

/**
 * The catalog with its rich values resolved and converted, for applying; the
 * catalog given is left as it is (it is what gets cached, as Puppet caches
 * the catalog before resolving). Without rich values, the same object back.
 * A Deferred that cannot be resolved throws, failing the run as in Puppet.
 */
export async function resolveRichData(wire: Catalog, opts: DeferredOptions = {}): Promise<Catalog> {
  const list = Array.isArray(wire.resources) ? wire.resources : [];
  let changed: CatalogResource[] | undefined;
  let call: DeferredCaller | undefined;
  for (let i = 0; i < list.length; i++) {
    const w = list[i];
    const params = w?.parameters;
    if (!params) continue;
    let out: Record<string, Data> | undefined;
    let sensitive: Set<string> | undefined;
    for (const k in params) {
      let v = params[k];
      if (typeof v !== 'object' || v === null || !hasRichValue(v)) continue;
      const site = siteOf(w, k);
      if (hasDeferred(v)) {
        call ??= await deferredCaller(opts);
        v = resolveDeferred(v, call, site);
      }
      out ??= { ...params };
      out[k] = fromRichData(v, site, () => (sensitive ??= new Set(w.sensitive_parameters ?? [])).add(k), k === 'content' && w.type.toLowerCase() === 'file');
    }
    if (!out) continue;
    changed ??= list.slice();
    changed[i] = { ...w, parameters: out, ...(sensitive ? { sensitive_parameters: [...sensitive] } : {}) };
  }
  return changed ? { ...wire, resources: changed } : wire;
}

async function deferredCaller(opts: DeferredOptions): Promise<DeferredCaller> {
  const facts = typeof opts.facts === 'function' ? await opts.facts() : opts.facts ?? {};
  const { DeferredResolver } = await import('./deferred.js');
  const r = new DeferredResolver({ ...opts, facts });
  return (name, args, site) => r.call(name, args, site);
}
