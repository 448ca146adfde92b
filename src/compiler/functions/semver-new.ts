// SemVer.new and SemVerRange.new with Puppet's dispatches (P: p_sem_ver_type.rb,
// p_sem_ver_range_type.rb). Failures throw SemVerError with Puppet's text.
import { DEFAULT, PSemVer, PSemVerRange, hashGet, isHash, type Value } from '../types/values.js';
import { SemVerError } from '../types/semver.js';
import { typeNameOf } from '../types/types.js';

const QUALIFIER = "SemVerQualifier = Pattern[/\\A(?<part>[0-9A-Za-z-]+)(?:\\.\\g<part>)*\\Z/]";
const PATTERN = 'SemVerPattern = Pattern[/\\A(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?\\Z/]';
const HASH = `SemVerHash = Struct[{'major' => PositiveInteger = Integer[0], 'minor' => PositiveInteger = Integer[0], 'patch' => PositiveInteger = Integer[0], Optional['prerelease'] => ${QUALIFIER}, Optional['build'] => ${QUALIFIER}}]`;

/** Puppet's text when the arguments fit none of new_Version's signatures: why each was rejected. */
function noSignature(str: string, parts: string, hash: string): SemVerError {
  return new SemVerError([
    "The function 'new_Version' was called with arguments it does not accept. It expects one of:",
    `  (${PATTERN} str)`, `    rejected: ${str}`,
    `  (PositiveInteger = Integer[0] major, PositiveInteger = Integer[0] minor, PositiveInteger = Integer[0] patch, ${QUALIFIER} prerelease?, ${QUALIFIER} build?)`,
    `    rejected: ${parts}`,
    `  (${HASH} hash_args)`, `    rejected: ${hash}`,
  ].join('\n'));
}

/** What a type mismatch says it got: a String by its value for a Pattern (as Puppet's mismatch text does). */
function got(v: Value): string {
  if (typeof v === 'string') return `'${v}'`;
  return isHash(v) ? 'Struct' : typeNameOf(v);
}

type Reject = (why: string) => SemVerError;

function part(v: Value, name: string, reject: Reject): number {
  if (typeof v !== 'number' || v < 0) throw reject(`parameter '${name}' expects a PositiveInteger = Integer[0] value, got ${typeof v === 'number' ? `Integer[${v}, ${v}]` : typeNameOf(v)}`);
  return v;
}

function qualifier(v: Value, name: string, reject: Reject): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*$/.test(v)) throw reject(`parameter '${name}' expects a match for ${QUALIFIER}, got ${got(v)}`);
  return v;
}

export function newSemVer(args: Value[]): PSemVer {
  if (args.length < 1 || args.length > 5) throw new SemVerError(`'new_Version' expects between 1 and 5 arguments, got ${args.length}`);
  if (args.length === 2) throw new SemVerError("'new_Version' expects between 1 and 5 arguments, got 2");
  const [a, b, c, d, e] = args;
  if (args.length === 1) {
    if (typeof a === 'string') {
      const v = PSemVer.parse(a);
      if (!v) throw new SemVerError(`'new_Version' The string '${a}' cannot be converted to a SemVer`);
      return v;
    }
    const str = `parameter 'str' expects a match for ${PATTERN}, got ${got(a)}`;
    const parts = 'expects between 3 and 5 arguments, got 1';
    if (isHash(a)) {
      const reject: Reject = (why) => noSignature(str, parts, `parameter 'hash_args' entry '${why.replace(/^parameter '([^']*)' /, "$1' ")}`);
      return PSemVer.of(part(hashGet(a, 'major'), 'major', reject), part(hashGet(a, 'minor'), 'minor', reject), part(hashGet(a, 'patch'), 'patch', reject),
        qualifier(hashGet(a, 'prerelease'), 'prerelease', reject), qualifier(hashGet(a, 'build'), 'build', reject));
    }
    throw noSignature(str, parts, `parameter 'hash_args' expects a ${HASH} value, got ${typeNameOf(a)}`);
  }
  const n = `expects 1 argument, got ${args.length}`;
  const reject: Reject = (why) => noSignature(n, why, n);
  return PSemVer.of(part(a, 'major', reject), part(b, 'minor', reject), part(c, 'patch', reject), qualifier(d, 'prerelease', reject), qualifier(e, 'build', reject));
}

function bound(v: Value, name: string): PSemVer | undefined {
  if (v === DEFAULT) return undefined;
  if (v instanceof PSemVer) return v;
  throw new SemVerError(`'new_VersionRange' parameter '${name}' expects a value of type Default or SemVer, got ${typeNameOf(v)}`);
}

export function newSemVerRange(args: Value[]): PSemVerRange {
  const [a, b, c] = args;
  if (args.length === 1 && typeof a === 'string' && a !== '') return PSemVerRange.parse(a);
  if (args.length === 1 && isHash(a)) {
    const max = a.has('max') ? bound(hashGet(a, 'max'), 'max') : undefined;
    return PSemVerRange.fromVersions(bound(hashGet(a, 'min'), 'min'), max, hashGet(a, 'exclude_max') === true);
  }
  if (args.length === 2 || args.length === 3) {
    if (c !== undefined && typeof c !== 'boolean') throw new SemVerError(`'new_VersionRange' parameter 'exclude_max' expects a Boolean value, got ${typeNameOf(c)}`);
    return PSemVerRange.fromVersions(bound(a, 'min'), bound(b, 'max'), c === true);
  }
  throw new SemVerError(`'new_VersionRange' expects between 1 and 3 arguments, got ${args.length}`);
}
