// Resource parameter values as catalog JSON, as Puppet 7's ToDataConverter
// does (P: lib/puppet/pops/serialization/to_data_converter.rb). With rich
// data (what puppetserver sends a Puppet 7 agent: application/vnd.puppet.rich+json)
// non-Data values keep their type in Pcore's `__ptype` form; without it
// (plain JSON, `puppet catalog compile`) they become strings and each
// conversion is a SERIALIZATION_* issue (a warning, or an error under
// strict=error).
import type { Data } from './wire.js';
import {
  DEFAULT, PBinary, PDeferred, PFloat, PObject, PRegexp, PSemVer, PSemVerRange, PSensitive, PTimespan, PTimestamp, isHash, valuesEqual, type Value,
} from './types/values.js';
import { shownValues } from './functions/object-new.js';
import {
  ArrayType, CallableType, ClassType, EnumType, FloatType, HashType, IntegerType, NotUndefType, OptionalType, PType,
  ObjectType, PatternType, RegexpType, ResourceType, SemVerType, SensitiveType, StringType, StructType, TupleType, TypeAliasType, TypeType,
  VariantType, resolve,
} from './types/types.js';
import { toPString } from './evaluator/convert.js';

export interface SerializeOptions {
  rich: boolean;
  /** Integral Floats as Number objects, for stringifyCatalog to write as `2.0` (see catalog-json.ts). */
  floatMarkers?: boolean;
  /** Called for each lossy conversion (only without rich data); `message` is Puppet's text. */
  issue?: (message: string) => void;
}

type Path = (string | number)[];

const PTYPE = '__ptype';
const PVALUE = '__pvalue';

/** One resource's parameter value. `prefix` names the resource ("Notify[x]") in messages. */
export class ParameterSerializer {
  // Puppet appends each message's path to the prefix string in place, so later
  // messages about the same resource repeat the earlier paths; kept for identical text.
  private prefix: string;
  private path: Path = [];

  constructor(prefix: string, private readonly opts: SerializeOptions) {
    this.prefix = prefix;
  }

  convert(name: string, v: Value): Data {
    this.path = [name];
    return this.toData(v);
  }

  private pathString(): string {
    this.prefix += this.path.map((p) => (typeof p === 'number' ? `[${p}]` : `['${p.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`)).join('');
    return this.prefix;
  }

  private with<T>(key: string | number, f: () => T): T {
    this.path.push(key);
    try { return f(); } finally { this.path.pop(); }
  }

  private toData(v: Value): Data {
    if (v === undefined) return null;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    // A boxed Number is a Float marker: JSON.stringify still writes 2, stringifyCatalog 2.0.
    // eslint-disable-next-line no-new-wrappers
    if (v instanceof PFloat) return this.opts.floatMarkers && Number.isInteger(v.value) ? new Number(v.value) as unknown as Data : v.value;
    if (v === DEFAULT) {
      if (this.opts.rich) return { [PTYPE]: 'Default' };
      this.opts.issue?.(`${this.pathString()} contains the special value default. It will be converted to the String 'default'`);
      return 'default';
    }
    if (Array.isArray(v)) return v.map((e, i) => this.with(i, () => this.toData(e)));
    if (isHash(v)) {
      if ([...v.keys()].every((k) => typeof k === 'string' && k !== PTYPE)) {
        const o: Record<string, Data> = {};
        for (const [k, x] of v) o[k as string] = this.with(k as string, () => this.toData(x));
        return o;
      }
      if (this.opts.rich) {
        const pairs: Data[] = [];
        for (const [k, x] of v) {
          const kd = this.toData(k);
          pairs.push(kd, this.with(typeof kd === 'string' || typeof kd === 'number' ? kd : String(kd), () => this.toData(x)));
        }
        return { [PTYPE]: 'Hash', [PVALUE]: pairs };
      }
      const o: Record<string, Data> = {};
      for (const [k, x] of v) {
        let key: string;
        if (typeof k === 'string') key = k;
        else {
          key = lossyString(k);
          this.opts.issue?.(`${this.pathString()} contains a hash with ${aAn(rubyClass(k))} key. It will be converted to the String '${key}'`);
        }
        o[key] = this.with(key, () => this.toData(x));
      }
      return o;
    }
    if (v instanceof PSensitive) return { [PTYPE]: 'Sensitive', [PVALUE]: this.toData(v.value) };
    // References to resources and classes are strings in either form (P: Resource.value_to_json_data).
    if (v instanceof ResourceType && v.title !== undefined) return v.refString();
    if (v instanceof ClassType && v.className !== undefined) return v.refString();
    if (!this.opts.rich) {
      const s = lossyString(v);
      this.opts.issue?.(`${this.pathString()} contains ${aAn(rubyClass(v))} value. It will be converted to the String '${s}'`);
      return s;
    }
    if (v instanceof PDeferred) {
      const o: Record<string, Data> = { [PTYPE]: 'Deferred', name: v.name };
      if (v.args !== undefined) o.arguments = this.with('arguments', () => this.toData(v.args));
      return o;
    }
    if (v instanceof PBinary) return { [PTYPE]: 'Binary', [PVALUE]: v.toBase64() };
    if (v instanceof PRegexp) return { [PTYPE]: 'Regexp', [PVALUE]: v.source };
    if (v instanceof PTimestamp) return { [PTYPE]: 'Timestamp', [PVALUE]: toPString(v) };
    if (v instanceof PTimespan) return { [PTYPE]: 'Timespan', [PVALUE]: toPString(v) };
    if (v instanceof PSemVer) return { [PTYPE]: 'SemVer', [PVALUE]: v.toString() };
    if (v instanceof PObject) {
      const o: Record<string, Data> = { [PTYPE]: String(v.type) };
      for (const [k, x] of shownValues(v, valuesEqual)) o[k] = this.with(k, () => this.toData(x));
      return o;
    }
    if (v instanceof PSemVerRange) return { [PTYPE]: 'SemVerRange', [PVALUE]: v.toString() };
    if (v instanceof PType) return typeToData(v);
    return toPString(v);
  }
}

function lossyString(v: Value): string {
  return toPString(v);
}

/** The Ruby class Puppet names in its messages. */
function rubyClass(v: Value): string {
  if (typeof v === 'number') return 'Integer';
  if (v instanceof PFloat) return 'Float';
  if (v === true) return 'TrueClass';
  if (v === false) return 'FalseClass';
  if (v === undefined) return 'NilClass';
  if (Array.isArray(v)) return 'Array';
  if (isHash(v)) return 'Hash';
  if (v === DEFAULT) return 'Symbol';
  if (v instanceof PDeferred) return 'Deferred';
  if (v instanceof PBinary) return 'Puppet::Pops::Types::PBinaryType::Binary';
  if (v instanceof PTimestamp) return 'Puppet::Pops::Time::Timestamp';
  if (v instanceof PTimespan) return 'Puppet::Pops::Time::Timespan';
  if (v instanceof PRegexp) return 'Regexp';
  if (v instanceof PSemVer) return 'SemanticPuppet::Version';
  if (v instanceof PObject) return String(v.type);
  if (v instanceof PSemVerRange) return 'SemanticPuppet::VersionRange';
  if (v instanceof PSensitive) return 'Puppet::Pops::Types::PSensitiveType::Sensitive';
  if (v instanceof PType) return `${resolve(v).name}-Type`;
  return 'Object';
}

function aAn(s: string): string {
  return /^[AEIOU]/i.test(s) ? `an ${s}` : `a ${s}`;
}

function range(min: number, max: number, dmin: number, dmax: number): Data[] {
  const a: Data[] = [min === dmin ? null : min, max === dmax ? null : max];
  while (a.length && a[a.length - 1] === null) a.pop();
  return a;
}

function intType(min: number, max: number, dmin: number, dmax: number): Record<string, Data> {
  const [from, to] = range(min, max, dmin, dmax);
  const o: Record<string, Data> = { [PTYPE]: 'Pcore::IntegerType' };
  if (from !== undefined) o.from = from;
  if (to !== undefined) o.to = to;
  return o;
}

/** A type as Pcore data: `{"__ptype": "Pcore::IntegerType", "from": 1, "to": 2}`. */
export function typeToData(t0: PType): Data {
  const t = t0 instanceof TypeAliasType ? resolve(t0) : t0;
  const o: Record<string, Data> = { [PTYPE]: `Pcore::${t.name}Type` };
  const opt = (k: string, x: PType | undefined) => { if (x !== undefined) o[k] = typeToData(x); };
  if (t instanceof IntegerType || t instanceof FloatType) {
    const [from, to] = range(t.min, t.max, -Infinity, Infinity);
    if (from !== undefined) o.from = from;
    if (to !== undefined) o.to = to;
  } else if (t instanceof StringType) {
    if (t.value !== undefined) o.size_type_or_value = t.value;
    else if (t.min !== 0 || t.max !== Infinity) o.size_type_or_value = intType(t.min, t.max, 0, Infinity);
  } else if (t instanceof EnumType) {
    if (t.values.length) o.values = t.values;
    if (t.caseInsensitive) o.case_insensitive = true;
  } else if (t instanceof PatternType) {
    if (t.patterns.length) o.patterns = t.patterns.map((p) => ({ [PTYPE]: 'Pcore::RegexpType', pattern: p.source }));
  } else if (t instanceof RegexpType) {
    if (t.pattern) o.pattern = t.pattern.source;
  } else if (t instanceof ArrayType) {
    if (t.element.name !== 'Any' || t.min !== 0 || t.max !== Infinity) o.element_type = typeToData(t.element);
    if (t.min !== 0 || t.max !== Infinity) o.size_type = intType(t.min, t.max, 0, Infinity);
  } else if (t instanceof HashType) {
    const sized = t.min !== 0 || t.max !== Infinity;
    if (t.key.name !== 'Any' || t.value.name !== 'Any' || sized) { o.key_type = typeToData(t.key); o.value_type = typeToData(t.value); }
    if (sized) o.size_type = intType(t.min, t.max, 0, Infinity);
  } else if (t instanceof OptionalType || t instanceof NotUndefType || t instanceof TypeType) {
    opt('type', t.type);
  } else if (t instanceof VariantType) {
    if (t.types.length) o.types = t.types.map(typeToData);
  } else if (t instanceof TupleType) {
    o.types = t.types.map(typeToData);
    if (t.min !== t.types.length || t.max !== t.types.length) o.size_type = intType(t.min, t.max, 0, Infinity);
  } else if (t instanceof StructType) {
    if (t.elements.length) {
      o.elements = t.elements.map((e) => {
        const key: Data = { [PTYPE]: 'Pcore::StringType', size_type_or_value: e.key };
        return { [PTYPE]: 'Pcore::StructElement', key_type: e.optional ? { [PTYPE]: 'Pcore::OptionalType', type: key } : key, value_type: typeToData(e.value) };
      });
    }
  } else if (t instanceof CallableType) {
    o.param_types = null; o.block_type = null; o.return_type = null;
  } else if (t instanceof SensitiveType) {
    // Puppet drops the contained type here.
  } else if (t instanceof ResourceType) {
    if (t.typeName) o.type_name = t.typeName;
  } else if (t instanceof ClassType) {
    if (t.className) o.class_name = t.className;
  } else if (t instanceof ObjectType && t.ownAttributes !== undefined) {
    // P: an Object type as data is its init hash.
    const attrs: Record<string, Data> = {};
    for (const a of t.ownAttributes) attrs[a.name] = a.hasValue ? { type: typeToData(a.type), value: new ParameterSerializer('', { rich: true }).convert(a.name, a.value) } : typeToData(a.type);
    const init: Record<string, Data> = { name: t.objectName ?? null };
    if (t.parent) init.parent = typeToData(t.parent);
    if (t.ownAttributes.length) init.attributes = attrs;
    return { [PTYPE]: 'Pcore::ObjectType', _pcore_init_hash: init };
  } else if (t instanceof SemVerType) {
    if (t.ranges.length) o.ranges = t.ranges.map((r) => ({ [PTYPE]: 'SemVerRange', [PVALUE]: r.toString() }));
  }
  return o;
}
