// `X[...]`: type parameterisation (Integer[1, 5], File['/x'], Class[foo]),
// and indexing/slicing of strings, arrays and hashes.
import { PSemVerRange, SemVerError } from '../types/semver.js';
import type { Loc } from '../../lang/ast.js';
import type { Context } from './context.js';
import {
  AnyType, ArrayType, BooleanType, CallableType, CatalogEntryType, ClassType, CollectionType, DataType, DefaultType,
  BinaryType, DeferredType, EnumType, FloatType, HashType, InitType, IntegerType, IterableType, IteratorType, NotUndefType, NumericType,
  ObjectType, OptionalType, PatternType, PType, RegexpType, ResourceType, RichDataType, RuntimeType, ScalarDataType,
  ScalarType, SemVerRangeType, SemVerType, SensitiveType, StringType, StructType, TimespanType, TimestampType, TupleType,
  TypeType, UndefType, VariantType, capitalizeTypeName, type StructElement, ANY, typeNameOf, resolve, type ObjectAttribute,
} from '../types/types.js';
import { DEFAULT, PFloat, PRegexp, isHash, hashGet, type Value } from '../types/values.js';
import { toPString } from './convert.js';

type Ctor = () => PType;
const SIMPLE: Record<string, Ctor> = {
  Any: () => new AnyType(), Undef: () => new UndefType(), Default: () => new DefaultType(), Boolean: () => new BooleanType(),
  Integer: () => new IntegerType(), Float: () => new FloatType(), Numeric: () => new NumericType(), String: () => new StringType(),
  Enum: () => new EnumType([]), Pattern: () => new PatternType([]), Regexp: () => new RegexpType(), Scalar: () => new ScalarType(),
  ScalarData: () => new ScalarDataType(), Data: () => new DataType(), RichData: () => new RichDataType(), Array: () => new ArrayType(),
  Hash: () => new HashType(), Tuple: () => new TupleType([], 0, Infinity), Struct: () => new StructType([]), Optional: () => new OptionalType(),
  NotUndef: () => new NotUndefType(), Variant: () => new VariantType([]), Type: () => new TypeType(), Resource: () => new ResourceType(),
  Class: () => new ClassType(), Callable: () => new CallableType(), Iterable: () => new IterableType(), Iterator: () => new IteratorType(),
  Sensitive: () => new SensitiveType(), Deferred: () => new DeferredType(), Binary: () => new BinaryType(), Timespan: () => new TimespanType(), Timestamp: () => new TimestampType(),
  SemVer: () => new SemVerType(), SemVerRange: () => new SemVerRangeType(), Collection: () => new CollectionType(),
  CatalogEntry: () => new CatalogEntryType(), Runtime: () => new RuntimeType(), Object: () => new ObjectType(), Init: () => new InitType(),
  TypeSet: () => new ObjectType('TypeSet'), URI: () => new ObjectType('URI'), Error: () => new ObjectType('Error'),
  Annotation: () => new ObjectType('Annotation'), Pcore: () => new ObjectType('Pcore'),
};

export function isCoreTypeName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(SIMPLE, name);
}

export function coreType(name: string): PType | undefined {
  return isCoreTypeName(name) ? SIMPLE[name]() : undefined;
}

function intArg(ctx: Context, v: Value, loc: Loc, dflt: number): number {
  if (v === DEFAULT || v === undefined) return dflt;
  if (typeof v === 'number') return v;
  if (v instanceof PFloat) return v.value;
  throw ctx.error(`Expected parameter to be Integer or Default, got ${typeNameOf(v)}`, loc);
}

function typeArg(ctx: Context, v: Value, loc: Loc, typeName: string): PType {
  if (v instanceof PType) return v;
  if (typeof v === 'string' && (typeName === 'Optional' || typeName === 'NotUndef')) return new StringType(0, Infinity, v);
  throw ctx.error(`${typeName}[] arguments must be types. Got ${typeNameOf(v)}`, loc);
}

/** Parameterises a type: `Integer[1, 5]`, `Array[String, 1]`, `File['/x']`. */
export function parameterizeType(ctx: Context, t: PType, keys: Value[], loc: Loc): Value {
  const n = t.name;
  const k = keys;
  switch (n) {
    case 'Integer': return new IntegerType(intArg(ctx, k[0], loc, -Infinity), intArg(ctx, k[1], loc, Infinity));
    case 'Float': return new FloatType(intArg(ctx, k[0], loc, -Infinity), intArg(ctx, k[1], loc, Infinity));
    case 'String':
      if (k.length === 1 && typeof k[0] === 'string') return new StringType(0, Infinity, k[0]);
      return new StringType(intArg(ctx, k[0], loc, 0), intArg(ctx, k[1], loc, Infinity));
    case 'Collection': return new CollectionType(intArg(ctx, k[0], loc, 0), intArg(ctx, k[1], loc, Infinity));
    case 'Boolean': return new BooleanType(k[0] === true);
    case 'Enum': {
      const vals: string[] = [];
      let ci = false;
      for (const v of k.flat()) {
        if (typeof v === 'string') vals.push(v);
        else if (typeof v === 'boolean') ci = v;
        else throw ctx.error(`Enum parameters must be String, got ${typeNameOf(v)}`, loc);
      }
      return new EnumType(vals, ci);
    }
    case 'Pattern': return new PatternType(k.flat().map((v) => {
      if (v instanceof PRegexp) return v;
      if (typeof v === 'string') return new PRegexp(v);
      if (v instanceof PatternType) return v.patterns[0];
      throw ctx.error(`Pattern parameters must be String or Regexp, got ${typeNameOf(v)}`, loc);
    }));
    case 'Regexp': return new RegexpType(k[0] instanceof PRegexp ? k[0] : new PRegexp(String(k[0])));
    case 'Array': {
      if (k.length === 0) return new ArrayType();
      if (typeof k[0] === 'number' || k[0] === DEFAULT) return new ArrayType(ANY, intArg(ctx, k[0], loc, 0), intArg(ctx, k[1], loc, Infinity));
      return new ArrayType(typeArg(ctx, k[0], loc, n), intArg(ctx, k[1], loc, 0), intArg(ctx, k[2], loc, Infinity));
    }
    case 'Hash': {
      if (k.length === 0) return new HashType();
      if (typeof k[0] === 'number') return new HashType(ANY, ANY, intArg(ctx, k[0], loc, 0), intArg(ctx, k[1], loc, Infinity));
      if (k.length === 1) return new HashType(typeArg(ctx, k[0], loc, n), ANY);
      return new HashType(typeArg(ctx, k[0], loc, n), typeArg(ctx, k[1], loc, n), intArg(ctx, k[2], loc, 0), intArg(ctx, k[3], loc, Infinity));
    }
    case 'Tuple': {
      const types: PType[] = [];
      let i = 0;
      for (; i < k.length && k[i] instanceof PType; i++) types.push(k[i] as PType);
      const min = i < k.length ? intArg(ctx, k[i], loc, types.length) : types.length;
      const max = i + 1 < k.length ? intArg(ctx, k[i + 1], loc, Infinity) : (i < k.length ? Math.max(min, types.length) : types.length);
      return new TupleType(types, min, max);
    }
    case 'Struct': {
      const h = k[0];
      if (!isHash(h)) throw ctx.error('Struct[] argument must be a Hash', loc);
      const els: StructElement[] = [];
      for (const [key, val] of h) {
        let name: string;
        let optional = false;
        if (typeof key === 'string') name = key;
        else if (key instanceof OptionalType && key.type instanceof StringType && key.type.value !== undefined) { name = key.type.value; optional = true; }
        else if (key instanceof NotUndefType && key.type instanceof StringType && key.type.value !== undefined) name = key.type.value;
        else if (key instanceof StringType && key.value !== undefined) name = key.value;
        else throw ctx.error(`Struct key must be a String or Optional/NotUndef of a String, got ${typeNameOf(key)}`, loc);
        const vt = typeArg(ctx, val, loc, n);
        // A key whose value accepts undef may be left out.
        if (vt.isInstance(undefined) && !(key instanceof NotUndefType)) optional = true;
        els.push({ key: name, value: vt, optional });
      }
      return new StructType(els);
    }
    case 'Optional': return new OptionalType(typeArg(ctx, k[0], loc, n));
    case 'NotUndef': return new NotUndefType(typeArg(ctx, k[0], loc, n));
    case 'Variant': return new VariantType(k.flat().map((v) => typeArg(ctx, v, loc, n)));
    case 'Type': return new TypeType(typeArg(ctx, k[0], loc, n));
    case 'Sensitive': return new SensitiveType(typeArg(ctx, k[0], loc, n));
    case 'Object': {
      // The name, the parent and the attributes (functions, equality and checks are not supported).
      const h = k[0];
      if (k.length !== 1 || !isHash(h)) throw ctx.error(`Object[] expects a Hash with the type's definition`, loc);
      const name = hashGet(h, 'name'), parent = hashGet(h, 'parent'), attrs = hashGet(h, 'attributes');
      if (attrs !== undefined && !isHash(attrs)) throw ctx.error(`Evaluation Error: Object[] attributes must be a Hash, got ${typeNameOf(attrs)}`, loc);
      const own: ObjectAttribute[] = [];
      for (const [an, spec] of attrs ?? []) {
        if (typeof an !== 'string') throw ctx.error(`Evaluation Error: Object[] attribute names must be Strings, got ${typeNameOf(an)}`, loc);
        if (spec instanceof PType) { own.push({ name: an, type: spec, hasValue: false }); continue; }
        const at = isHash(spec) ? hashGet(spec, 'type') : undefined;
        if (!isHash(spec) || !(at === undefined || at instanceof PType)) throw ctx.error(`Evaluation Error: Object[] attribute '${an}' must be a type or a Hash with 'type' and 'value', got ${typeNameOf(spec)}`, loc);
        own.push({ name: an, type: at ?? new AnyType(), hasValue: spec.has('value'), value: hashGet(spec, 'value') });
      }
      // Instances can be made of a type with attributes, or derived from one that has them.
      const rp = parent instanceof PType ? resolve(parent) : undefined;
      const defined = attrs !== undefined || (rp instanceof ObjectType && rp.ownAttributes !== undefined);
      return new ObjectType(typeof name === 'string' ? name : undefined, parent instanceof PType ? parent : undefined, defined ? own : undefined);
    }
    case 'SemVer': return new SemVerType(k.flat().map((v) => {
      if (v instanceof PSemVerRange) return v;
      if (typeof v !== 'string') throw ctx.error(`Evaluation Error: SemVer[] arguments must be SemVerRange or String. Got ${typeNameOf(v)}`, loc);
      try { return PSemVerRange.parse(v); } catch (e) {
        if (e instanceof SemVerError) throw ctx.error(`Evaluation Error: ${e.message}`, loc);
        throw e;
      }
    }));
    case 'Iterable': return new IterableType(typeArg(ctx, k[0], loc, n));
    case 'Iterator': return new IteratorType(typeArg(ctx, k[0], loc, n));
    case 'Init': return new InitType(typeArg(ctx, k[0], loc, n));
    case 'Callable': return new CallableType();
    case 'Class': {
      if (t instanceof ClassType && t.className !== undefined) throw ctx.error(`Cannot parameterize an already parameterized Class`, loc);
      const names = k.flat().map((v) => classNameOf(ctx, v, loc));
      return names.length === 1 && !k.some(Array.isArray) ? new ClassType(names[0]) : names.map((x) => new ClassType(x));
    }
    case 'Resource': {
      const rt = t as ResourceType;
      if (rt.typeName === undefined) {
        const first = k[0];
        const tn = first instanceof ResourceType ? first.typeName : typeof first === 'string' ? first.toLowerCase().replace(/^::/, '') : undefined;
        if (!tn) throw ctx.error(`First argument to Resource[] must be a resource type or a String. Got ${typeNameOf(first)}.`, loc);
        if (tn === 'class') return parameterizeType(ctx, new ClassType(), k.slice(1), loc);
        const base = new ResourceType(tn);
        return k.length === 1 ? base : parameterizeType(ctx, base, k.slice(1), loc);
      }
      if (rt.title !== undefined) throw ctx.error(`Cannot parameterize an already parameterized resource reference`, loc);
      const titles = k.flat();
      const out = titles.map((v) => {
        if (typeof v !== 'string') {
          if (v instanceof ResourceType && v.title !== undefined) return new ResourceType(rt.typeName, v.title);
          throw ctx.error(`${capitalizeTypeName(rt.typeName!)}[] arguments must be Strings. Got ${typeNameOf(v)}`, loc);
        }
        return new ResourceType(rt.typeName, rt.typeName === 'node' ? v : v);
      });
      // An array argument gives an array of references, even of one.
      return out.length === 1 && !k.some(Array.isArray) ? out[0] : out;
    }
  }
  // Types Puppet gives no [] at all (P: AccessOperator#access_PAnyType).
  if (n === 'Binary' || n === 'Deferred') throw ctx.error(`Evaluation Error: Operator '[]' is not applicable to a ${n}-Type.`, loc);
  throw ctx.error(`${n}[] accepts no parameters`, loc);
}

function classNameOf(ctx: Context, v: Value, loc: Loc): string {
  if (typeof v === 'string') return v.replace(/^::/, '').toLowerCase();
  if (v instanceof ClassType && v.className) return v.className;
  if (v instanceof ResourceType && v.typeName && v.title === undefined) return v.typeName;
  throw ctx.error(`Class[] arguments must be Strings. Got ${typeNameOf(v)}`, loc);
}

/** `$v[...]` on a value. */
export function accessValue(ctx: Context, target: Value, keys: Value[], loc: Loc): Value {
  if (target instanceof PType) return parameterizeType(ctx, target, keys, loc);
  if (typeof target === 'string') {
    const chars = [...target];
    const r = slice(ctx, chars, keys, loc, true);
    return Array.isArray(r) ? r.join('') : (r === undefined ? undefined : String(r));
  }
  if (Array.isArray(target)) return slice(ctx, target, keys, loc, false);
  if (isHash(target)) {
    if (keys.length === 1) return hashGet(target, keys[0]);
    return keys.map((x) => hashGet(target, x)).filter((x) => x !== undefined);
  }
  if (target === undefined) throw ctx.error(`Evaluation Error: Operator '[]' is not applicable to an Undef Value.`, loc);
  // P: the label is the value's type name; `default` is a Ruby symbol there, labelled Object.
  const label = target === DEFAULT ? 'Object' : typeNameOf(target);
  throw ctx.error(`Evaluation Error: Operator '[]' is not applicable to ${/^[AEIOU]/.test(label) ? 'an' : 'a'} ${label}.`, loc);
}

function slice(ctx: Context, arr: Value[], keys: Value[], loc: Loc, isString: boolean): Value {
  const len = arr.length;
  if (keys.length === 0 || keys.length > 2) throw ctx.error(`Evaluation Error: ${isString ? 'String' : 'Array'} supports [] with one or two arguments. Got ${keys.length}`, loc);
  const k0 = keys[0];
  if (typeof k0 !== 'number') throw ctx.error(`${isString ? 'String' : 'Array'}[] index must be an Integer, got ${typeNameOf(k0)}: ${toPString(k0)}`, loc);
  let start = k0 < 0 ? len + k0 : k0;
  if (keys.length === 1) {
    if (start < 0 || start >= len) return isString ? (start === len && false ? '' : undefined) : undefined;
    return arr[start];
  }
  const k1 = keys[1];
  if (typeof k1 !== 'number') throw ctx.error(`${isString ? 'String' : 'Array'}[] count must be an Integer`, loc);
  // The second key is a count; negative means "up to that index from the end".
  let end: number;
  if (k1 < 0) end = len + k1 + 1;
  else end = start + k1;
  if (start < 0) { start = 0; }
  if (start > len) return isString ? [] : [];
  return arr.slice(start, Math.max(start, Math.min(end, len)));
}
