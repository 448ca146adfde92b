// Values to strings as Puppet prints them: interpolation ("[1, b, {x => [2]}]")
// and the quoted form used in messages and type parameters.
import { DEFAULT, PBinary, PDeferred, PFloat, PIterator, PObject, PRegexp, PSensitive, PTimespan, PTimestamp, isHash, valuesEqual, type Value } from '../types/values.js';
import { shownValues } from '../functions/object-new.js';
import { formatTimespan, strftime } from '../functions/time.js';
import { PType, ResourceType, ClassType, TypeAliasType, generalize, inferType, quote } from '../types/types.js';
import { formatFloat } from '../float-format.js';

export { formatFloat };

/** Puppet's default Timespan format: %D-%H:%M:%S.%-N ('1-01:01:01.0', '-0-00:00:03.5'). */
export function timespanString(v: PTimespan): string {
  return formatTimespan(v, '%D-%H:%M:%S.%-N');
}

/** Puppet's default Timestamp format: %FT%T.%N %Z in UTC. */
export function tsString(v: PTimestamp): string {
  return strftime(v, '%FT%T.%N %Z');
}

/** The string a value becomes in "${x}" (P: StringConverter, %s). */
export function toPString(v: Value): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof PFloat) return formatFloat(v.value);
  if (Array.isArray(v)) return `[${v.map(toPString).join(', ')}]`;
  if (isHash(v)) return `{${[...v].map(([k, x]) => `${toPString(k)} => ${toPString(x)}`).join(', ')}}`;
  if (v === DEFAULT) return 'default';
  if (v instanceof PRegexp) return `/${v.source}/`;
  if (v instanceof PSensitive) return 'Sensitive [value redacted]';
  if (v instanceof PDeferred) return `Deferred({'name' => ${quote(v.name)}${v.args ? `, 'arguments' => ${inspect(v.args)}` : ''}})`;
  if (v instanceof PBinary) return v.toBase64();
  if (v instanceof PIterator) {
    // Iterator[T]-Value, T the elements' common type when they have one.
    const names = [...new Set(v.values.map((x) => generalize(inferType(x)).toString()))];
    const t = v.elementType?.toString() ?? (names.length === 1 ? names[0] : undefined);
    return t ? `Iterator[${t}]-Value` : 'Iterator-Value';
  }
  if (v instanceof PTimestamp) return tsString(v);
  if (v instanceof PTimespan) return timespanString(v);
  // P: an Object instance prints as its type applied to the values that differ from the defaults.
  if (v instanceof PObject) return `${v.type}(${inspect(new Map(shownValues(v, valuesEqual)))})`;
  if (v instanceof TypeAliasType && v.resolved) return `${v.name} = ${v.resolved}`;
  if (v instanceof PType) return v.toString();
  return String(v);
}

/** The quoted form (%p): strings in single quotes, as in messages and `String($x, '%p')`. */
export function inspect(v: Value): string {
  if (typeof v === 'string') return quote(v);
  if (v === undefined) return 'undef';
  if (Array.isArray(v)) return `[${v.map(inspect).join(', ')}]`;
  if (isHash(v)) return `{${[...v].map(([k, x]) => `${inspect(k)} => ${inspect(x)}`).join(', ')}}`;
  return toPString(v);
}

/** A reference as the catalog writes it: "File[/x]", "Class[Foo]". */
export function refString(v: Value): string | undefined {
  if (v instanceof ResourceType && v.title !== undefined) return v.refString();
  if (v instanceof ClassType && v.className !== undefined) return v.refString();
  return undefined;
}
