// Values to strings as Puppet prints them: interpolation ("[1, b, {x => [2]}]")
// and the quoted form used in messages and type parameters.
import { DEFAULT, PDeferred, PFloat, PIterator, PRegexp, PSensitive, PTimespan, PTimestamp, isHash, type Value } from '../types/values.js';
import { PType, ResourceType, ClassType, TypeAliasType, quote } from '../types/types.js';

export function formatFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return n.toFixed(1);
  const s = String(n);
  if (s.includes('e')) {
    // Ruby prints 1.0e+20 where JS prints 1e+20.
    const [m, e] = s.split('e');
    return `${m.includes('.') ? m : m + '.0'}e${e.startsWith('-') ? e : '+' + e.replace('+', '')}`;
  }
  return s;
}

/** Puppet's default Timestamp format: %FT%T.%N %Z in UTC. */
function tsString(s: number): string {
  const d = new Date(Math.floor(s * 1000));
  const ns = String(Math.round((s - Math.floor(s)) * 1e9)).padStart(9, '0').slice(0, 9);
  return `${d.toISOString().slice(0, 19)}.${ns} UTC`;
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
  if (v instanceof PDeferred) return `Deferred({'name' => ${quote(v.name)}, 'arguments' => ${inspect(v.args)}})`;
  if (v instanceof PIterator) return `Iterator-Value`;
  if (v instanceof PTimestamp) return tsString(v.seconds);
  if (v instanceof PTimespan) return String(v.seconds);
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
