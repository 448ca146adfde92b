// Puppet's wording for a value that does not match a type
// (P: lib/puppet/pops/types/type_mismatch_describer.rb), e.g.
// "parameter 'x' expects an Integer value, got String".
import {
  AnyType, ArrayType, IntegerType, EnumType, HashType, NotUndefType, OptionalType, PatternType, PType, StringType, StructType,
  TupleType, TypeAliasType, VariantType, resolve, typeNameOf, UndefType, quote,
} from './types.js';
import { isHash, type Value } from './values.js';

function article(s: string): string {
  return /^[AEIOU]/i.test(s) ? `an ${s}` : `a ${s}`;
}

/** How a type is named in a mismatch: aliases show as "Name = Definition". */
function typeLabel(t: PType): string {
  if (t instanceof TypeAliasType && t.resolved) return `${t.name} = ${typeLabel(t.resolved)}`;
  if (t instanceof VariantType) return `Variant[${t.types.map(typeLabel).join(', ')}]`;
  return t.toString();
}

function joinOr(names: string[]): string {
  if (names.length <= 1) return names.join('');
  if (names.length === 2) return `${names[0]} or ${names[1]}`;
  return `${names.slice(0, -1).join(', ')}, or ${names[names.length - 1]}`;
}

function gotString(v: Value, expected: PType): string {
  const e = resolve(expected);
  if (typeof v === 'string' && (e instanceof EnumType || e instanceof PatternType)) return quote(v);
  // A value outside an integer range is named by its own range, as Puppet does.
  if (typeof v === 'number' && e instanceof IntegerType && (isFinite(e.min) || isFinite(e.max))) return `Integer[${v}, ${v}]`;
  return typeNameOf(v);
}

/** Flattens Optional/Variant into the alternatives a mismatch names. */
function alternatives(t: PType): PType[] {
  const r = t instanceof TypeAliasType ? t : resolve(t);
  if (r instanceof OptionalType) return [new UndefType(), ...(r.type ? alternatives(r.type) : [])];
  if (r instanceof VariantType) return r.types.flatMap(alternatives);
  return [r];
}

/**
 * The mismatch lines for `value` against `expected`, each prefixed with
 * `prefix` (e.g. "parameter 'x'"), or [] when the value matches.
 */
export function describeMismatch(prefix: string, expected: PType, value: Value): string[] {
  if (expected.isInstance(value)) return [];
  const p = prefix ? prefix + ' ' : '';
  const t = resolve(expected);
  if (t instanceof NotUndefType && value === undefined) return [`${p}expects a value`];
  // Dig into containers when the container shape itself fits.
  if (t instanceof StructType && isHash(value)) {
    const out: string[] = [];
    for (const e of t.elements) {
      if (!value.has(e.key)) { if (!e.optional) out.push(`${p}expects a value for key '${e.key}'`); continue; }
      out.push(...describeMismatch(`${p}entry '${e.key}'`.trim(), e.value, value.get(e.key)));
    }
    for (const k of value.keys()) if (!t.elements.some((e) => e.key === k)) out.push(`${p}unrecognized key ${quote(String(k))}`);
    if (out.length) return out;
  }
  if (t instanceof HashType && isHash(value)) {
    if (value.size < t.min || value.size > t.max) return [`${p}expects size to be ${sizeText(t.min, t.max)}, got ${value.size}`];
    const out: string[] = [];
    for (const [k, x] of value) {
      if (!t.key.isInstance(k)) out.push(`${p}key ${quote(String(k))} expects ${article(typeLabel(t.key))} value, got ${typeNameOf(k)}`);
      else out.push(...describeMismatch(`${p}entry '${String(k)}'`, t.value, x));
    }
    if (out.length) return out;
  }
  if (t instanceof ArrayType && Array.isArray(value)) {
    if (value.length < t.min || value.length > t.max) return [`${p}expects size to be ${sizeText(t.min, t.max)}, got ${value.length}`];
    const out: string[] = [];
    value.forEach((x, i) => out.push(...describeMismatch(`${p}index ${i}`, t.element, x)));
    if (out.length) return out;
  }
  if (t instanceof TupleType && Array.isArray(value)) {
    if (value.length < t.min || value.length > t.max) return [`${p}expects size to be ${sizeText(t.min, t.max)}, got ${value.length}`];
    const out: string[] = [];
    value.forEach((x, i) => out.push(...describeMismatch(`${p}index ${i}`, t.typeAt(i) ?? new AnyType(), x)));
    if (out.length) return out;
  }
  const alts = alternatives(expected);
  if (alts.length === 1) {
    const a = resolve(alts[0]);
    if (a instanceof EnumType || a instanceof PatternType) return [`${p}expects a match for ${typeLabel(alts[0])}, got ${gotString(value, a)}`];
    return [`${p}expects ${article(typeLabel(alts[0]))} value, got ${gotString(value, a)}`];
  }
  if (typeof value === 'string' && alts.every((a) => { const r = resolve(a); return r instanceof EnumType || r instanceof PatternType || r instanceof StringType; }) &&
      alts.some((a) => resolve(a) instanceof EnumType || resolve(a) instanceof PatternType)) {
    return [`${p}expects a match for ${typeLabel(new VariantType(alts))}, got ${quote(value)}`];
  }
  // A single alternative of the right shape is described in depth.
  const shaped = alts.filter((a) => { const r = resolve(a); return (isHash(value) && (r instanceof StructType || r instanceof HashType)) || (Array.isArray(value) && (r instanceof ArrayType || r instanceof TupleType)); });
  if (shaped.length === 1) return describeMismatch(prefix, shaped[0], value);
  const names = [...new Set(alts.map(typeLabel))];
  return [`${p}expects a value of type ${joinOr(names)}, got ${typeNameOf(value)}`];
}

function sizeText(min: number, max: number): string {
  if (max === Infinity) return `at least ${min}`;
  if (min === max) return String(min);
  if (min === 0) return `at most ${max}`;
  return `between ${min} and ${max}`;
}
