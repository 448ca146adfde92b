// X.new(...) for Object types declared in the language (`type X =
// Object[{attributes => {...}}]`), with Puppet's two dispatches: one Hash of
// attribute values, or the attributes positionally in declaration order
// (inherited first; those with a default value optional).
import { PObject, isHash, hashGet, type Value } from '../types/values.js';
import { ObjectType, quote, type ObjectAttribute } from '../types/types.js';
import { describeMismatch } from '../types/mismatch.js';

export class ObjectNewError extends Error {}

function structText(attrs: ObjectAttribute[]): string {
  return `Struct[{${attrs.map((a) => `${a.hasValue ? `Optional[${quote(a.name)}]` : quote(a.name)} => ${a.type}`).join(', ')}}]`;
}

function argsText(attrs: ObjectAttribute[]): string {
  return attrs.map((a) => `${a.type} ${a.name}${a.hasValue ? '?' : ''}`).join(', ');
}

function countText(min: number, max: number, got: number): string {
  const exp = min === max ? `${min} argument${min === 1 ? '' : 's'}` : `between ${min} and ${max} arguments`;
  return `expects ${exp}, got ${got === 0 ? 'none' : got}`;
}

/** Creates an instance, or throws ObjectNewError with Puppet's text. */
export function newObject(t: ObjectType, args: Value[]): PObject {
  const name = t.objectName ?? 'Object';
  const attrs = t.attributes();
  const required = attrs.filter((a) => !a.hasValue).length;
  const values = new Map<string, Value>();
  const h = args[0];
  // The Hash form first, as Puppet dispatches: a Hash whose keys are attributes, required ones present.
  if (args.length === 1 && isHash(h) && [...h.keys()].every((k) => typeof k === 'string' && attrs.some((a) => a.name === k))
    && attrs.every((a) => a.hasValue || h.has(a.name)) && attrs.every((a) => !h.has(a.name) || a.type.isInstance(hashGet(h, a.name)))) {
    for (const a of attrs) values.set(a.name, h.has(a.name) ? hashGet(h, a.name) : a.value);
    return new PObject(t, values);
  }
  if (args.length < required || args.length > attrs.length) {
    if (required === 1 || args.length !== 1) throw new ObjectNewError(`'new_${name}' ${countText(required, attrs.length, args.length)}`);
  }
  const rejections: string[] = [];
  if (args.length !== 1) rejections.push(`expects 1 argument, got ${args.length === 0 ? 'none' : args.length}`);
  else if (!isHash(h)) rejections.push(`parameter 'hash' expects a Struct value, got ${describeGot(h)}`);
  else rejections.push(`parameter 'hash' expects a ${structText(attrs)} value`);
  let positional: string | undefined;
  if (args.length < required || args.length > attrs.length) positional = countText(required, attrs.length, args.length);
  else {
    for (let i = 0; i < args.length && !positional; i++) {
      const a = attrs[i];
      if (!a.type.isInstance(args[i])) positional = describeMismatch(`parameter '${a.name}'`, a.type, args[i])[0];
    }
  }
  if (!positional) {
    attrs.forEach((a, i) => values.set(a.name, i < args.length ? args[i] : a.value));
    return new PObject(t, values);
  }
  throw new ObjectNewError([
    `The function 'new_${name}' was called with arguments it does not accept. It expects one of:`,
    `  (${structText(attrs)} hash)`, `    rejected: ${rejections[0]}`,
    `  (${argsText(attrs)})`, `    rejected: ${positional}`,
  ].join('\n'));
}

function describeGot(v: Value): string {
  return typeof v === 'string' ? 'String' : typeof v === 'number' ? 'Integer' : Array.isArray(v) ? 'Array' : typeof v === 'boolean' ? 'Boolean' : v === undefined ? 'Undef' : 'Object';
}

/** The attribute values Puppet shows and serialises: those that differ from their declared default. */
export function shownValues(o: PObject, equal: (a: Value, b: Value) => boolean): [string, Value][] {
  const t = o.type instanceof ObjectType ? o.type : undefined;
  const attrs = t?.attributes() ?? [];
  return [...o.values].filter(([k, v]) => {
    const a = attrs.find((x) => x.name === k);
    return !(a?.hasValue && equal(a.value, v));
  });
}
