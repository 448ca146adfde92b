// annotate(): Pcore annotations on values (P: lib/puppet/functions/annotate.rb,
// pops/types/annotation.rb). Three dispatches, checked in Puppet's order and
// with its mismatch text. Kuroko has no Object instances, so an annotation is
// the hash it was created from; it is kept per compile for the annotated value.
import type { BuiltinFunction, CallInfo, Context } from '../evaluator/context.js';
import { isHash, type PHash, type Value } from '../types/values.js';
import { ObjectType, PType, resolve, typeNameOf } from '../types/types.js';
import { toPString } from '../evaluator/convert.js';

function err(c: CallInfo, message: string) {
  return c.ctx.error(`Evaluation Error: Error while evaluating a Function Call, ${message}`, c.loc);
}

const SIGNATURES = [
  '(Type[Annotation] type, Any value, Callable[0, 0] block?)',
  "(Type[Annotation] type, Any value, Variant[Enum['clear'], Hash[Pcore::MemberName, Any]] annotation_hash)",
  '(Type[Pcore] type, Any value, Hash[Type[Annotation], Hash[Pcore::MemberName, Any]] annotations)',
];

function derives(t: Value, name: string): boolean {
  if (!(t instanceof PType)) return false;
  const r = resolve(t);
  return r instanceof ObjectType && r.derivesFrom(name);
}

function typeLabel(v: Value): string {
  return v instanceof PType ? `Type[${v}]` : typeNameOf(v);
}

const MEMBER_NAME = /^[a-z_]\w*$/;

function isAnnotationHash(v: Value): v is PHash {
  return isHash(v) && [...v.keys()].every((k) => typeof k === 'string' && MEMBER_NAME.test(k));
}

/** Why each dispatch rejects the arguments, as Puppet lists them. */
function rejection(args: Value[]): string {
  const [t, , third] = args;
  const why: string[] = [];
  const typeReason = (name: string) => `parameter 'type' expects a Type[Object[{name => '${name}'}]] value, got ${typeLabel(t)}`;
  why.push(args.length !== 2 ? `expects 2 arguments, got ${args.length}` : typeReason('Annotation'));
  why.push(args.length !== 3 ? `expects 3 arguments, got ${args.length}` : !derives(t, 'Annotation') ? typeReason('Annotation')
    : `parameter 'annotation_hash' expects a value of type Enum['clear'] or Hash, got ${typeNameOf(third)}`);
  why.push(args.length !== 3 ? `expects 3 arguments, got ${args.length}` : !derives(t, 'Pcore') ? typeReason('Pcore')
    : `parameter 'annotations' expects a Hash value, got ${typeNameOf(third)}`);
  const lines = ["The function 'annotate' was called with arguments it does not accept. It expects one of:"];
  SIGNATURES.forEach((s, i) => lines.push(`  ${s}`, `    rejected: ${why[i]}`));
  return lines.join('\n');
}

/** The annotations of each annotated value, by annotation type name, for one compile. */
const store = new WeakMap<Context, WeakMap<object, Map<string, Value>>>();

function annotationsOf(c: CallInfo, v: Value, create: boolean): Map<string, Value> | undefined {
  if (v === null || typeof v !== 'object') {
    if (!create) return undefined;
    // Ruby cannot attach an adapter to a frozen String, Integer, Boolean or nil.
    throw err(c, `can't modify frozen ${typeNameOf(v)}: ${typeof v === 'string' ? JSON.stringify(v) : toPString(v)}`);
  }
  let perCompile = store.get(c.ctx);
  if (!perCompile) store.set(c.ctx, (perCompile = new WeakMap()));
  let m = perCompile.get(v);
  if (!m && create) perCompile.set(v, (m = new Map()));
  return m;
}

function keyOf(t: PType): string {
  const r = resolve(t);
  return (r instanceof ObjectType && r.objectName) || t.toString();
}

function associate(c: CallInfo, t: PType, v: Value, init: PHash): Value {
  if (keyOf(t) === 'Annotation') throw err(c, "undefined method `from_hash' for Puppet::Pops::Types::Annotation:Class");
  annotationsOf(c, v, true)!.set(keyOf(t), init);
  return init;
}

export const ANNOTATE_FUNCTIONS: Record<string, BuiltinFunction> = {
  annotate: (c, args) => {
    if (args.length < 2 || args.length > 3) throw err(c, `'annotate' expects between 2 and 3 arguments, got ${args.length}`);
    const [t, v, third] = args;
    if (args.length === 2 && derives(t, 'Annotation')) {
      const key = keyOf(t as PType);
      const existing = annotationsOf(c, v, false)?.get(key);
      if (existing !== undefined || !c.block) return existing;
      const init = c.block([]);
      if (init === undefined) return undefined;
      if (!isHash(init)) throw err(c, `annotate(): the block must produce a Hash to initialize ${key}, got ${typeNameOf(init)}`);
      return associate(c, t as PType, v, init);
    }
    if (args.length === 3 && !c.block && derives(t, 'Annotation') && (third === 'clear' || isAnnotationHash(third))) {
      if (third === 'clear') {
        const m = annotationsOf(c, v, false);
        const old = m?.get(keyOf(t as PType));
        m?.delete(keyOf(t as PType));
        return old;
      }
      return associate(c, t as PType, v, third as PHash);
    }
    if (args.length === 3 && !c.block && derives(t, 'Pcore') && isHash(third) &&
      [...third].every(([k, x]) => derives(k, 'Annotation') && isAnnotationHash(x))) {
      for (const [k, x] of third) associate(c, k as PType, v, x as PHash);
      return v;
    }
    throw err(c, rejection(args));
  },
};
