// Puppet's type system: the core types as values, instance checks and
// assignability (types_values_variables.md; P: lib/puppet/pops/types/types.rb).
// Each type is a small class; `isInstance` answers `$v =~ T`, `isAssignable`
// answers `T1 >= T2` approximately as Puppet does for the cases manifests use.
import {
  DEFAULT, PBinary, PDeferred, PFloat, PIterator, PObject, PRegexp, PSemVer, PSemVerRange, PSensitive, PTimespan, PTimestamp, registerTypeClass,
  isHash, valuesEqual, type PHash, type Value,
} from './values.js';
import { formatTimespan, strftime } from '../functions/time.js';

const INF = Infinity;

export abstract class PType {
  abstract readonly name: string;
  abstract isInstance(v: Value): boolean;
  /** Whether every instance of `t` is an instance of this type. */
  isAssignable(t: PType): boolean {
    t = resolve(t);
    if (t instanceof VariantType) return t.types.every((x) => this.isAssignable(x));
    if (t instanceof NotUndefType) return this.isAssignable(t.type ?? ANY);
    return this.assignableFrom(t);
  }
  protected assignableFrom(t: PType): boolean {
    return t.constructor === this.constructor && this.equals(t);
  }
  equals(o: PType): boolean {
    return this.toString() === resolve(o).toString();
  }
  /** Type parameters as written (for `$t.parameters` style introspection and printing). */
  toString(): string {
    return this.name;
  }
}
registerTypeClass(PType);

export function resolve(t: PType): PType {
  let r: PType = t;
  let guard = 0;
  while (r instanceof TypeAliasType && r.resolved && guard++ < 100) r = r.resolved;
  return r;
}

function fmtRange(min: number, max: number, dflt: [number, number]): string {
  if (min === dflt[0] && max === dflt[1]) return '';
  const f = (n: number, isMin: boolean) => (n === INF || n === -INF ? (isMin && n === dflt[0] ? 'default' : 'default') : String(n));
  if (max === dflt[1]) return `[${f(min, true)}]`;
  return `[${f(min, true)}, ${f(max, false)}]`;
}

export class AnyType extends PType {
  readonly name = 'Any';
  isInstance(): boolean { return true; }
  protected override assignableFrom(): boolean { return true; }
}
export class UndefType extends PType {
  readonly name = 'Undef';
  isInstance(v: Value): boolean { return v === undefined; }
}
export class DefaultType extends PType {
  readonly name = 'Default';
  isInstance(v: Value): boolean { return v === DEFAULT; }
}

export class BooleanType extends PType {
  readonly name = 'Boolean';
  constructor(readonly value?: boolean) { super(); }
  isInstance(v: Value): boolean { return typeof v === 'boolean' && (this.value === undefined || v === this.value); }
  protected override assignableFrom(t: PType): boolean { return t instanceof BooleanType && (this.value === undefined || t.value === this.value); }
  override toString(): string { return this.value === undefined ? 'Boolean' : `Boolean[${this.value}]`; }
}

export class IntegerType extends PType {
  readonly name = 'Integer';
  constructor(readonly min = -INF, readonly max = INF) { super(); }
  isInstance(v: Value): boolean { return typeof v === 'number' && v >= this.min && v <= this.max; }
  protected override assignableFrom(t: PType): boolean { return t instanceof IntegerType && t.min >= this.min && t.max <= this.max; }
  override toString(): string { return 'Integer' + fmtRange(this.min, this.max, [-INF, INF]); }
}
export class FloatType extends PType {
  readonly name = 'Float';
  constructor(readonly min = -INF, readonly max = INF) { super(); }
  isInstance(v: Value): boolean { return v instanceof PFloat && v.value >= this.min && v.value <= this.max; }
  protected override assignableFrom(t: PType): boolean { return t instanceof FloatType && t.min >= this.min && t.max <= this.max; }
  override toString(): string { return 'Float' + fmtRange(this.min, this.max, [-INF, INF]); }
}
export class NumericType extends PType {
  readonly name = 'Numeric';
  isInstance(v: Value): boolean { return typeof v === 'number' || v instanceof PFloat; }
  protected override assignableFrom(t: PType): boolean { return t instanceof NumericType || t instanceof IntegerType || t instanceof FloatType; }
}

export class StringType extends PType {
  readonly name = 'String';
  constructor(readonly min = 0, readonly max = INF, readonly value?: string) { super(); }
  isInstance(v: Value): boolean {
    if (typeof v !== 'string') return false;
    if (this.value !== undefined) return v === this.value;
    const n = [...v].length;
    return n >= this.min && n <= this.max;
  }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof StringType) {
      if (t.value !== undefined) return this.isInstance(t.value);
      if (this.value !== undefined) return false;
      return t.min >= this.min && t.max <= this.max;
    }
    if (t instanceof EnumType) return this.value === undefined && t.values.length > 0 && t.values.every((s) => this.isInstance(s));
    if (t instanceof PatternType) return this.value === undefined && this.min === 0 && this.max === INF;
    return false;
  }
  override toString(): string {
    if (this.value !== undefined) return `String`;
    return 'String' + fmtRange(this.min, this.max, [0, INF]);
  }
}

export class EnumType extends PType {
  readonly name = 'Enum';
  constructor(readonly values: string[], readonly caseInsensitive = false) { super(); }
  isInstance(v: Value): boolean {
    if (typeof v !== 'string') return false;
    if (this.values.length === 0) return true;
    return this.caseInsensitive ? this.values.some((s) => s.toLowerCase() === v.toLowerCase()) : this.values.includes(v);
  }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof EnumType) return this.values.length === 0 || t.values.every((s) => this.isInstance(s));
    if (t instanceof StringType && t.value !== undefined) return this.isInstance(t.value);
    return false;
  }
  override toString(): string {
    if (!this.values.length) return 'Enum';
    return `Enum[${this.values.map(quote).join(', ')}${this.caseInsensitive ? ', true' : ''}]`;
  }
}

export class PatternType extends PType {
  readonly name = 'Pattern';
  constructor(readonly patterns: PRegexp[]) { super(); }
  isInstance(v: Value): boolean {
    if (typeof v !== 'string') return false;
    if (!this.patterns.length) return true;
    return this.patterns.some((p) => p.re.test(v));
  }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof PatternType) return this.patterns.length === 0 || t.patterns.every((p) => this.patterns.some((q) => q.source === p.source));
    if (t instanceof StringType && t.value !== undefined) return this.isInstance(t.value);
    if (t instanceof EnumType) return t.values.length > 0 && t.values.every((s) => this.isInstance(s));
    return false;
  }
  override toString(): string {
    return this.patterns.length ? `Pattern[${this.patterns.map((p) => `/${p.source}/`).join(', ')}]` : 'Pattern';
  }
}

export class RegexpType extends PType {
  readonly name = 'Regexp';
  constructor(readonly pattern?: PRegexp) { super(); }
  isInstance(v: Value): boolean { return v instanceof PRegexp && (this.pattern === undefined || v.source === this.pattern.source); }
  protected override assignableFrom(t: PType): boolean { return t instanceof RegexpType && (this.pattern === undefined || t.pattern?.source === this.pattern.source); }
  override toString(): string { return this.pattern ? `Regexp[/${this.pattern.source}/]` : 'Regexp'; }
}

function isStringish(t: PType): boolean {
  return t instanceof StringType || t instanceof EnumType || t instanceof PatternType;
}
function isNumericish(t: PType): boolean {
  return t instanceof IntegerType || t instanceof FloatType || t instanceof NumericType;
}

export class ScalarDataType extends PType {
  readonly name = 'ScalarData';
  isInstance(v: Value): boolean { return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof PFloat; }
  protected override assignableFrom(t: PType): boolean {
    return t instanceof ScalarDataType || isStringish(t) || isNumericish(t) || t instanceof BooleanType;
  }
}
export class ScalarType extends PType {
  readonly name = 'Scalar';
  isInstance(v: Value): boolean { return SCALAR_DATA.isInstance(v) || v instanceof PRegexp || v instanceof PTimespan || v instanceof PTimestamp || v instanceof PSemVer || v instanceof PSemVerRange; }
  protected override assignableFrom(t: PType): boolean {
    return t instanceof ScalarType || SCALAR_DATA.isAssignable(t) || t instanceof RegexpType || t instanceof TimespanType || t instanceof TimestampType || t instanceof SemVerType || t instanceof SemVerRangeType;
  }
}

export class ArrayType extends PType {
  readonly name = 'Array';
  constructor(readonly element: PType = ANY, readonly min = 0, readonly max = INF) { super(); }
  isInstance(v: Value): boolean {
    if (!Array.isArray(v) || v.length < this.min || v.length > this.max) return false;
    if (this.element instanceof AnyType) return true;
    for (const e of v) if (!this.element.isInstance(e)) return false;
    return true;
  }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof ArrayType) return t.min >= this.min && t.max <= this.max && (t.max === 0 || this.element.isAssignable(t.element));
    if (t instanceof TupleType) return t.min >= this.min && t.max <= this.max && t.types.every((x) => this.element.isAssignable(x));
    return false;
  }
  override toString(): string {
    const el = this.element instanceof AnyType ? '' : this.element.toString();
    const sz = fmtRange(this.min, this.max, [0, INF]).slice(1, -1);
    if (!el && !sz) return 'Array';
    return `Array[${[el || 'Any', sz].filter(Boolean).join(', ')}]`;
  }
}

export class HashType extends PType {
  readonly name = 'Hash';
  constructor(readonly key: PType = ANY, readonly value: PType = ANY, readonly min = 0, readonly max = INF) { super(); }
  isInstance(v: Value): boolean {
    if (!isHash(v) || v.size < this.min || v.size > this.max) return false;
    for (const [k, x] of v) if (!this.key.isInstance(k) || !this.value.isInstance(x)) return false;
    return true;
  }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof HashType) return t.min >= this.min && t.max <= this.max && (t.max === 0 || (this.key.isAssignable(t.key) && this.value.isAssignable(t.value)));
    if (t instanceof StructType) {
      const n = t.elements.length;
      return n >= this.min && t.elements.filter((e) => !e.optional).length <= this.max &&
        t.elements.every((e) => this.key.isInstance(e.key) && this.value.isAssignable(e.value));
    }
    return false;
  }
  override toString(): string {
    if (this.key instanceof AnyType && this.value instanceof AnyType && this.min === 0 && this.max === INF) return 'Hash';
    const sz = fmtRange(this.min, this.max, [0, INF]).slice(1, -1);
    return `Hash[${[this.key.toString(), this.value.toString(), sz].filter(Boolean).join(', ')}]`;
  }
}

export class TupleType extends PType {
  readonly name = 'Tuple';
  readonly min: number;
  readonly max: number;
  constructor(readonly types: PType[], min?: number, max?: number) {
    super();
    this.min = min ?? types.length;
    this.max = max ?? types.length;
  }
  typeAt(i: number): PType | undefined {
    if (i < this.types.length) return this.types[i];
    return i < this.max ? this.types[this.types.length - 1] : undefined;
  }
  isInstance(v: Value): boolean {
    if (!Array.isArray(v) || v.length < this.min || v.length > this.max) return false;
    for (let i = 0; i < v.length; i++) if (!this.typeAt(i)?.isInstance(v[i])) return false;
    return true;
  }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof TupleType) {
      if (t.min < this.min || t.max > this.max) return false;
      for (let i = 0; i < Math.max(t.types.length, this.types.length); i++) {
        const a = this.typeAt(i), b = t.typeAt(i);
        if (a && b && !a.isAssignable(b)) return false;
      }
      return true;
    }
    if (t instanceof ArrayType) return t.min >= this.min && t.max <= this.max && this.types.every((x) => x.isAssignable(t.element));
    return false;
  }
  override toString(): string {
    const ps = this.types.map(String);
    if (this.min !== this.types.length || this.max !== this.types.length) ps.push(String(this.min), this.max === INF ? 'default' : String(this.max));
    return ps.length ? `Tuple[${ps.join(', ')}]` : 'Tuple';
  }
}

export interface StructElement { key: string; value: PType; optional: boolean }

export class StructType extends PType {
  readonly name = 'Struct';
  constructor(readonly elements: StructElement[]) { super(); }
  isInstance(v: Value): boolean {
    if (!isHash(v)) return false;
    let matched = 0;
    for (const e of this.elements) {
      if (v.has(e.key)) {
        matched++;
        if (!e.value.isInstance(v.get(e.key))) return false;
      } else if (!e.optional) return false;
    }
    return matched === v.size;
  }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof StructType) {
      for (const e of this.elements) {
        const o = t.elements.find((x) => x.key === e.key);
        if (!o) { if (!e.optional) return false; continue; }
        if (!e.value.isAssignable(o.value) || (o.optional && !e.optional)) return false;
      }
      return t.elements.every((o) => this.elements.some((e) => e.key === o.key));
    }
    return false;
  }
  override toString(): string {
    if (!this.elements.length) return 'Struct';
    return `Struct[{${this.elements.map((e) => `${e.optional && !(e.value instanceof OptionalType) ? `Optional[${quote(e.key)}]` : quote(e.key)} => ${e.value}`).join(', ')}}]`;
  }
}

export class OptionalType extends PType {
  readonly name = 'Optional';
  constructor(readonly type?: PType) { super(); }
  isInstance(v: Value): boolean { return v === undefined || (this.type === undefined || this.type.isInstance(v)); }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof UndefType) return true;
    if (t instanceof OptionalType) return !this.type || (t.type !== undefined && this.type.isAssignable(t.type));
    return !this.type || this.type.isAssignable(t);
  }
  override toString(): string { return this.type ? `Optional[${this.type}]` : 'Optional'; }
}

export class NotUndefType extends PType {
  readonly name = 'NotUndef';
  constructor(readonly type?: PType) { super(); }
  isInstance(v: Value): boolean { return v !== undefined && (this.type === undefined || this.type.isInstance(v)); }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof UndefType || t instanceof OptionalType) return false;
    return !this.type || this.type.isAssignable(t);
  }
  override toString(): string { return this.type ? `NotUndef[${this.type}]` : 'NotUndef'; }
}

export class VariantType extends PType {
  readonly name = 'Variant';
  constructor(readonly types: PType[]) { super(); }
  isInstance(v: Value): boolean { return this.types.some((t) => t.isInstance(v)); }
  protected override assignableFrom(t: PType): boolean { return this.types.some((x) => x.isAssignable(t)); }
  override toString(): string { return this.types.length ? `Variant[${this.types.join(', ')}]` : 'Variant'; }
}

export class TypeType extends PType {
  readonly name = 'Type';
  constructor(readonly type?: PType) { super(); }
  isInstance(v: Value): boolean { return v instanceof PType && (this.type === undefined || this.type.isAssignable(v)); }
  protected override assignableFrom(t: PType): boolean { return t instanceof TypeType && (!this.type || (t.type !== undefined && this.type.isAssignable(t.type))); }
  override toString(): string { return this.type ? `Type[${this.type}]` : 'Type'; }
}

/** Resource[T, title] and its shorthand File['x']; also the catalog's resource references. */
export class ResourceType extends PType {
  readonly name = 'Resource';
  constructor(readonly typeName?: string, readonly title?: string) { super(); }
  isInstance(): boolean { return false; }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof ClassType) return this.typeName === undefined || (this.typeName === 'Class' && (this.title === undefined || this.title === t.className));
    if (!(t instanceof ResourceType)) return false;
    if (this.typeName === undefined) return true;
    if (t.typeName?.toLowerCase() !== this.typeName.toLowerCase()) return false;
    return this.title === undefined || this.title === t.title;
  }
  override toString(): string {
    if (!this.typeName) return 'Resource';
    return this.title === undefined ? capitalizeTypeName(this.typeName) : `${capitalizeTypeName(this.typeName)}[${quote(this.title)}]`;
  }
  /** "File[/tmp/x]": how references appear in catalogs. */
  refString(): string { return `${capitalizeTypeName(this.typeName ?? 'Resource')}[${this.title ?? ''}]`; }
}

export class ClassType extends PType {
  readonly name = 'Class';
  constructor(readonly className?: string) { super(); }
  isInstance(): boolean { return false; }
  protected override assignableFrom(t: PType): boolean { return t instanceof ClassType && (this.className === undefined || this.className === t.className); }
  override toString(): string { return this.className === undefined ? 'Class' : `Class[${this.className}]`; }
  refString(): string { return `Class[${capitalizeTypeName(this.className ?? '')}]`; }
}

export class CallableType extends PType {
  readonly name = 'Callable';
  constructor(readonly params: PType[] = [], readonly min = 0, readonly max = INF) { super(); }
  isInstance(v: Value): boolean { return typeof v === 'object' && v !== null && (v as { callable?: boolean }).callable === true; }
  protected override assignableFrom(t: PType): boolean { return t instanceof CallableType; }
}

export class IterableType extends PType {
  readonly name = 'Iterable';
  constructor(readonly type?: PType) { super(); }
  isInstance(v: Value): boolean {
    return typeof v === 'string' || Array.isArray(v) || isHash(v) || v instanceof PIterator || (typeof v === 'number' && v >= 0) ||
      (v instanceof PType && (v instanceof IntegerType && isFinite(v.min) && isFinite(v.max) || v instanceof EnumType));
  }
  protected override assignableFrom(t: PType): boolean {
    return t instanceof IterableType || t instanceof IteratorType || isStringish(t) || t instanceof ArrayType || t instanceof HashType || t instanceof TupleType || t instanceof StructType;
  }
  override toString(): string { return this.type ? `Iterable[${this.type}]` : 'Iterable'; }
}
export class IteratorType extends PType {
  readonly name = 'Iterator';
  constructor(readonly type?: PType) { super(); }
  isInstance(v: Value): boolean { return v instanceof PIterator; }
  override toString(): string { return this.type ? `Iterator[${this.type}]` : 'Iterator'; }
}

export class SensitiveType extends PType {
  readonly name = 'Sensitive';
  constructor(readonly type?: PType) { super(); }
  isInstance(v: Value): boolean { return v instanceof PSensitive && (!this.type || this.type.isInstance(v.value)); }
  protected override assignableFrom(t: PType): boolean { return t instanceof SensitiveType && (!this.type || (t.type !== undefined && this.type.isAssignable(t.type))); }
  override toString(): string { return this.type ? `Sensitive[${this.type}]` : 'Sensitive'; }
}

export class DeferredType extends PType {
  readonly name = 'Deferred';
  isInstance(v: Value): boolean { return v instanceof PDeferred; }
}

/** Timespan/Timestamp; `shown` is the one value an inferred type prints (Timespan['0-00:00:01.0']). */
export class TimespanType extends PType {
  readonly name = 'Timespan';
  constructor(readonly shown?: string) { super(); }
  isInstance(v: Value): boolean { return v instanceof PTimespan; }
  protected override assignableFrom(t: PType): boolean { return t instanceof TimespanType; }
  override toString(): string { return this.shown === undefined ? 'Timespan' : `Timespan[${quote(this.shown)}]`; }
}
export class TimestampType extends PType {
  readonly name = 'Timestamp';
  constructor(readonly shown?: string) { super(); }
  isInstance(v: Value): boolean { return v instanceof PTimestamp; }
  protected override assignableFrom(t: PType): boolean { return t instanceof TimestampType; }
  override toString(): string { return this.shown === undefined ? 'Timestamp' : `Timestamp[${quote(this.shown)}]`; }
}
export class BinaryType extends PType {
  readonly name = 'Binary';
  isInstance(v: Value): boolean { return v instanceof PBinary; }
}
export class SemVerType extends PType {
  readonly name = 'SemVer';
  /** SemVer[r1, r2...]: a version within any of the ranges. */
  constructor(readonly ranges: PSemVerRange[] = []) { super(); }
  isInstance(v: Value): boolean { return v instanceof PSemVer && (!this.ranges.length || this.ranges.some((r) => r.includes(v))); }
  protected override assignableFrom(t: PType): boolean {
    return t instanceof SemVerType && (!this.ranges.length || t.ranges.length > 0 && t.ranges.every((r) => this.ranges.some((m) => m.text === r.text)));
  }
  override toString(): string { return this.ranges.length ? `SemVer[${this.ranges.map((r) => quote(r.text)).join(', ')}]` : 'SemVer'; }
}
export class SemVerRangeType extends PType {
  readonly name = 'SemVerRange';
  isInstance(v: Value): boolean { return v instanceof PSemVerRange; }
}

/** Data = ScalarData | Undef | Array[Data] | Hash[String, Data]. */
export class DataType extends PType {
  readonly name = 'Data';
  isInstance(v: Value): boolean {
    if (v === undefined || SCALAR_DATA.isInstance(v)) return true;
    if (Array.isArray(v)) return v.every((e) => this.isInstance(e));
    if (isHash(v)) { for (const [k, x] of v) if (typeof k !== 'string' || !this.isInstance(x)) return false; return true; }
    return false;
  }
  protected override assignableFrom(t: PType): boolean {
    if (t instanceof DataType || t instanceof UndefType || SCALAR_DATA.isAssignable(t)) return true;
    if (t instanceof OptionalType) return !t.type || this.isAssignable(t.type);
    if (t instanceof ArrayType) return this.isAssignable(t.element);
    if (t instanceof TupleType) return t.types.every((x) => this.isAssignable(x));
    if (t instanceof HashType) return STRING.isAssignable(t.key) && this.isAssignable(t.value);
    if (t instanceof StructType) return t.elements.every((e) => this.isAssignable(e.value));
    return false;
  }
}
export class RichDataType extends PType {
  readonly name = 'RichData';
  isInstance(v: Value): boolean {
    if (v === undefined || v === DEFAULT || SCALAR.isInstance(v) || v instanceof PType || v instanceof PSensitive || v instanceof PDeferred || v instanceof PBinary) return true;
    if (Array.isArray(v)) return v.every((e) => this.isInstance(e));
    if (isHash(v)) { for (const [k, x] of v) if (!this.isInstance(k) || !this.isInstance(x)) return false; return true; }
    return false;
  }
  protected override assignableFrom(t: PType): boolean { return !(t instanceof CallableType || t instanceof IteratorType); }
}
export class CollectionType extends PType {
  readonly name = 'Collection';
  constructor(readonly min = 0, readonly max = INF) { super(); }
  isInstance(v: Value): boolean {
    const n = Array.isArray(v) ? v.length : isHash(v) ? v.size : -1;
    return n >= this.min && n <= this.max;
  }
  protected override assignableFrom(t: PType): boolean { return t instanceof CollectionType || t instanceof ArrayType || t instanceof HashType || t instanceof TupleType || t instanceof StructType; }
  override toString(): string { return 'Collection' + fmtRange(this.min, this.max, [0, INF]); }
}
export class CatalogEntryType extends PType {
  readonly name = 'CatalogEntry';
  isInstance(): boolean { return false; }
  protected override assignableFrom(t: PType): boolean { return t instanceof ResourceType || t instanceof ClassType || t instanceof CatalogEntryType; }
}
export class RuntimeType extends PType {
  readonly name = 'Runtime';
  isInstance(): boolean { return false; }
}
/** Object types: named built-ins (Annotation, Pcore, URI...) or Object[{name, parent, ...}]; no instances yet. */
/** An attribute of an Object type: `a => Integer` or `b => {type => String, value => 'x'}`. */
export interface ObjectAttribute { name: string; type: PType; hasValue: boolean; value?: Value }

export class ObjectType extends PType {
  readonly name = 'Object';
  /** `attributes` is set for types declared with Object[{...}] (instances can be created). */
  constructor(readonly objectName?: string, readonly parent?: PType, readonly ownAttributes?: ObjectAttribute[]) { super(); }
  /** The same definition under a name (`type X = Object[{...}]` names it X). */
  named(name: string): ObjectType { return new ObjectType(name, this.parent, this.ownAttributes); }
  /** Inherited attributes first, as Puppet orders them. */
  attributes(): ObjectAttribute[] {
    const p = this.parent ? resolve(this.parent) : undefined;
    return [...(p instanceof ObjectType ? p.attributes() : []), ...(this.ownAttributes ?? [])];
  }
  isInstance(v: Value): boolean {
    if (!(v instanceof PObject)) return false;
    const t = resolve(v.type);
    return this.objectName === undefined || (t instanceof ObjectType && t.derivesFrom(this.objectName));
  }
  /** Whether this type is `name` or inherits from it. */
  derivesFrom(name: string): boolean {
    let t: PType | undefined = this;
    for (let guard = 0; t && guard < 50; guard++) {
      t = resolve(t);
      if (!(t instanceof ObjectType)) return false;
      if (t.objectName === name) return true;
      t = t.parent;
    }
    return false;
  }
  protected override assignableFrom(t: PType): boolean {
    if (!(t instanceof ObjectType)) return false;
    return this.objectName === undefined || t.derivesFrom(this.objectName);
  }
  override toString(): string { return this.objectName ?? 'Object'; }
}
export class InitType extends PType {
  readonly name = 'Init';
  constructor(readonly type?: PType) { super(); }
  isInstance(): boolean { return false; }
}

/** A named alias from `type X = ...`; `resolved` is filled in once its body is evaluated. */
export class TypeAliasType extends PType {
  resolved?: PType;
  private inCheck = false;
  constructor(readonly name: string) { super(); }
  isInstance(v: Value): boolean {
    if (!this.resolved || this.inCheck) return false;
    // Recursive aliases (type Tree = Array[Variant[Tree, String]]) terminate on finite values.
    this.inCheck = true;
    try { return this.resolved.isInstance(v); } finally { this.inCheck = false; }
  }
  override isAssignable(t: PType): boolean {
    if (t === this) return true;
    if (!this.resolved || this.inCheck) return false;
    this.inCheck = true;
    try { return this.resolved.isAssignable(t); } finally { this.inCheck = false; }
  }
  override toString(): string { return this.name; }
}

export const ANY = new AnyType();
export const UNDEF = new UndefType();
export const STRING = new StringType();
export const INTEGER = new IntegerType();
export const FLOAT = new FloatType();
export const NUMERIC = new NumericType();
export const BOOLEAN = new BooleanType();
export const SCALAR_DATA = new ScalarDataType();
export const SCALAR = new ScalarType();
export const DATA = new DataType();
export const RICH_DATA = new RichDataType();
export const DEFAULT_TYPE = new DefaultType();

export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** "nginx::vhost" → "Nginx::Vhost". */
export function capitalizeTypeName(n: string): string {
  return n.split('::').map((s) => (s ? s[0].toUpperCase() + s.slice(1) : s)).join('::');
}

/** The most specific type of a value (P: TypeCalculator#infer). */
export function inferType(v: Value): PType {
  if (v === undefined) return UNDEF;
  if (typeof v === 'string') return new StringType(0, INF, v);
  if (typeof v === 'number') return new IntegerType(v, v);
  if (typeof v === 'boolean') return new BooleanType(v);
  if (v instanceof PFloat) return new FloatType(v.value, v.value);
  if (v === DEFAULT) return DEFAULT_TYPE;
  if (Array.isArray(v)) return new TupleType(v.map(inferType));
  if (isHash(v)) {
    if ([...v.keys()].every((k) => typeof k === 'string')) return new StructType([...v].map(([k, x]) => ({ key: k as string, value: inferType(x), optional: false })));
    return new HashType(commonType([...v.keys()].map(inferType)), commonType([...v.values()].map(inferType)), v.size, v.size);
  }
  if (v instanceof PRegexp) return new RegexpType(v);
  if (v instanceof PSensitive) return new SensitiveType(inferType(v.value));
  if (v instanceof PDeferred) return new DeferredType();
  if (v instanceof PIterator) return new IteratorType();
  if (v instanceof PTimespan) return new TimespanType(formatTimespan(v, '%D-%H:%M:%S.%-N'));
  if (v instanceof PTimestamp) return new TimestampType(strftime(v, '%FT%T.%N %Z'));
  if (v instanceof PBinary) return new BinaryType();
  // P: infer gives SemVer[v - v]
  if (v instanceof PSemVer) return new SemVerType([PSemVerRange.fromVersions(v, v, false)]);
  if (v instanceof PSemVerRange) return new SemVerRangeType();
  if (v instanceof PObject) return v.type;
  if (v instanceof PType) return new TypeType(v);
  return ANY;
}

function commonType(ts: PType[]): PType {
  if (!ts.length) return ANY;
  const g = ts.map(generalize);
  const first = g[0].toString();
  if (g.every((t) => t.toString() === first)) return g[0];
  if (g.every((t) => SCALAR_DATA.isAssignable(t))) return SCALAR_DATA;
  if (g.every((t) => SCALAR.isAssignable(t))) return SCALAR;
  if (g.every((t) => DATA.isAssignable(t))) return DATA;
  return ANY;
}

/** The general form used when naming what a value is ("got String", "got Integer"). */
export function generalize(t: PType): PType {
  if (t instanceof StringType) return STRING;
  if (t instanceof IntegerType) return INTEGER;
  if (t instanceof FloatType) return FLOAT;
  if (t instanceof BooleanType) return BOOLEAN;
  if (t instanceof RegexpType) return new RegexpType();
  if (t instanceof TupleType) return new ArrayType(commonType(t.types));
  if (t instanceof StructType) return new HashType(STRING, commonType(t.elements.map((e) => e.value)));
  if (t instanceof HashType) return new HashType(generalize(t.key), generalize(t.value));
  if (t instanceof ArrayType) return new ArrayType(generalize(t.element));
  if (t instanceof SensitiveType) return new SensitiveType();
  if (t instanceof TimespanType) return new TimespanType();
  if (t instanceof TimestampType) return new TimestampType();
  if (t instanceof SemVerType) return new SemVerType();
  if (t instanceof TypeType) return new TypeType();
  return t;
}

/** Puppet's short name of a value's type, as in "got String". */
export function typeNameOf(v: Value): string {
  return generalize(inferType(v)).toString();
}

export type { PHash };
export { valuesEqual };
