// SemVer and SemVerRange values, as Puppet's SemanticPuppet::Version and
// VersionRange (semantic_puppet 1.0): precedence per SemVer 2.0 (build metadata
// ignored when ordering, not when testing equality), npm-style range grammar,
// and the rule that a pre-release version only matches a range that names a
// pre-release of the same major.minor.patch (or `*`).

type Ident = string | number;

export class SemVerError extends Error {}

const NUM = '(0|[1-9]\\d*)';
const PARTS = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
/** P: Version::REGEX_FULL (Ruby's \Z also allows one trailing newline; not kept). */
export const SEMVER_PATTERN = new RegExp(`^${NUM}\\.${NUM}\\.${NUM}(?:-(${PARTS}))?(?:\\+(${PARTS}))?$`);
const QUALIFIER = new RegExp(`^${PARTS}$`);

export class PSemVer {
  constructor(
    readonly major: number, readonly minor: number, readonly patch: number,
    readonly prerelease?: Ident[], readonly build?: string[],
  ) {}

  static parse(s: string): PSemVer | undefined {
    const m = SEMVER_PATTERN.exec(s);
    if (!m) return undefined;
    const pre = parsePrerelease(m[4]);
    if (pre === null) return undefined;
    return new PSemVer(Number(m[1]), Number(m[2]), Number(m[3]), pre, m[5]?.split('.'));
  }

  /**
   * From parts as SemVer.new(major, minor, patch, prerelease, build) takes them: Puppet keeps each
   * qualifier whole, as one identifier (P: PSemVerType's to_array), so it is not split on dots.
   */
  static of(major: number, minor: number, patch: number, prerelease?: string, build?: string): PSemVer {
    if (prerelease !== undefined && !QUALIFIER.test(prerelease)) throw new SemVerError(`Invalid pre-release '${prerelease}'`);
    if (build !== undefined && !QUALIFIER.test(build)) throw new SemVerError(`Invalid build '${build}'`);
    return new PSemVer(major, minor, patch, prerelease === undefined ? undefined : [prerelease], build === undefined ? undefined : [build]);
  }

  get stable(): boolean { return !this.prerelease?.length; }

  toString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.prerelease) s += `-${this.prerelease.join('.')}`;
    if (this.build) s += `+${this.build.join('.')}`;
    return s;
  }

  /** Precedence (P: Version#<=>): build metadata does not count. */
  compare(o: PSemVer): number {
    return Math.sign(this.major - o.major) || Math.sign(this.minor - o.minor) || Math.sign(this.patch - o.patch) || comparePrerelease(this.prerelease, o.prerelease);
  }

  /** P: Version#eql?: every part, build included. */
  equals(o: PSemVer): boolean {
    const parts = (v: PSemVer) => JSON.stringify([v.major, v.minor, v.patch, v.prerelease ?? null, v.build ?? null]);
    return parts(this) === parts(o);
  }
}

/** undefined when absent; null when a numeric identifier has a leading zero. */
function parsePrerelease(s: string | undefined): Ident[] | undefined | null {
  if (s === undefined) return undefined;
  const out: Ident[] = [];
  for (const x of s.split('.')) {
    if (/^\d+$/.test(x)) {
      if (x.length > 1 && x.startsWith('0')) return null;
      out.push(Number(x));
    } else out.push(x);
  }
  return out;
}

function comparePrerelease(a: Ident[] | undefined, b: Ident[] | undefined): number {
  if (!a) return b ? 1 : 0;
  if (!b) return -1;
  for (let i = 0; i < a.length; i++) {
    if (i >= b.length) return 1;
    const x = a[i], y = b[i];
    let c: number;
    if (typeof x === 'number') c = typeof y === 'number' ? Math.sign(x - y) : -1;
    else if (typeof y === 'number') c = 1;
    else c = x < y ? -1 : x > y ? 1 : 0;
    if (c) return c;
  }
  return Math.sign(a.length - b.length);
}

// One comparator of a range (P: VersionRange::ComparatorRange and AllRange).
type Op = '>' | '>=' | '<' | '<=' | '=' | '*';
interface Comparator { op: Op; v?: PSemVer }

function includes(c: Comparator, v: PSemVer): boolean {
  if (c.op === '*') return true;
  const r = v.compare(c.v!);
  switch (c.op) {
    case '>': return r > 0;
    case '>=': return r >= 0;
    case '<': return r < 0;
    case '<=': return r <= 0;
    default: return v.equals(c.v!);
  }
}

function testPrerelease(c: Comparator, v: PSemVer): boolean {
  if (c.op === '*') return true;
  const b = c.v!;
  return !b.stable && b.major === v.major && b.minor === v.minor && b.patch === v.patch;
}

const XR = '(x|X|\\*|0|[1-9][0-9]*)';
const XR_NC = '(?:x|X|\\*|0|[1-9][0-9]*)';
const PARTIAL = `${XR_NC}(?:\\.${XR_NC}(?:\\.${XR_NC}(?:-${PARTS})?(?:\\+${PARTS})?)?)?`;
const SIMPLE_EXPR = new RegExp(`^([<>=~^]|<=|>=|~>|~=)?(${PARTIAL})$`);
const HYPHEN_EXPR = new RegExp(`^(${PARTIAL})\\s+-\\s+(${PARTIAL})$`);
const PARTIAL_EXPR = new RegExp(`^${XR}(?:\\.${XR}(?:\\.${XR}(?:-(${PARTS}))?(?:\\+(${PARTS}))?)?)?$`);

/** A conjunction of comparators; a range is a disjunction of these. */
type Alternative = Comparator[];

export class PSemVerRange {
  constructor(readonly alternatives: Alternative[], readonly text: string) {}

  /** P: VersionRange.parse. */
  static parse(text: string): PSemVerRange {
    const set = text.replace(/([><=~^])(?:\s+|\s*v)/g, '$1');
    const parts = set.split(/\s*\|\|\s*/);
    while (parts.length && parts[parts.length - 1] === '') parts.pop();
    if (!parts.length) return new PSemVerRange([[{ op: '*' }]], text);
    const bad = () => new SemVerError(`Unparsable version range: "${text}"`);
    const alts = parts.map((range): Alternative => {
      const h = HYPHEN_EXPR.exec(range);
      if (h) return [{ op: '>=', v: version(h[1], bad) }, ...lteq(h[2], bad, true)];
      const simples = range.split(/\s+/);
      while (simples.length > 1 && simples[simples.length - 1] === '') simples.pop();
      return simples.flatMap((simple): Comparator[] => {
        const m = SIMPLE_EXPR.exec(simple);
        if (!m) throw bad();
        const operand = m[2];
        switch (m[1]) {
          case '~': case '~>': case '~=': return patchUpdates(partial(operand, bad), true);
          case '^': {
            const p = partial(operand, bad);
            return p[1] === 0 ? patchUpdates(p, true) : minorUpdates(p);
          }
          case '>': return gt(operand, bad);
          case '>=': return [{ op: '>=', v: version(operand, bad) }];
          case '<': return [{ op: '<', v: version(operand, bad) }];
          case '<=': return lteq(operand, bad, false);
          default: return patchUpdates(partial(operand, bad), false);
        }
      });
    });
    return new PSemVerRange(alts, text);
  }

  /** P: VersionRange.new(min, max, exclude_end), string included (Puppet writes max first). */
  static fromVersions(min: PSemVer | undefined, max: PSemVer | undefined, excludeMax: boolean): PSemVerRange {
    const lo: Comparator = min ? { op: '>=', v: min } : { op: '*' };
    const hi: Comparator = max ? { op: excludeMax ? '<' : '<=', v: max } : { op: '*' };
    const ms = max ? max.toString() : 'Infinity.0.0', mn = min ? min.toString() : '0.0.0';
    return new PSemVerRange([[lo, hi]], excludeMax ? `>=${ms} <${mn}` : `${ms} - ${mn}`);
  }

  /** P: VersionRange#include?. */
  includes(v: PSemVer): boolean {
    return this.alternatives.some((alt) => alt.every((c) => includes(c, v)) && (v.stable || alt.some((c) => testPrerelease(c, v))));
  }

  toString(): string { return this.text; }
}

type Partial = [RegExpExecArray, number | undefined, number | undefined, number | undefined];

function digit(s: string | undefined): number | undefined {
  return s === undefined || s === 'x' || s === 'X' || s === '*' ? undefined : Number(s);
}

function partial(expr: string, bad: () => Error): Partial {
  const m = PARTIAL_EXPR.exec(expr);
  if (!m) throw bad();
  return [m, digit(m[1]), digit(m[2]), digit(m[3])];
}

function full(p: Partial, bad: () => Error): PSemVer {
  const pre = parsePrerelease(p[0][4]);
  if (pre === null) throw bad();
  return new PSemVer(p[1] ?? 0, p[2] ?? 0, p[3] ?? 0, pre, p[0][5]?.split('.'));
}

function version(expr: string, bad: () => Error): PSemVer {
  return full(partial(expr, bad), bad);
}

const v3 = (a: number, b: number, c: number) => new PSemVer(a, b, c);

function patchUpdates(p: Partial, tildeOrCaret: boolean): Comparator[] {
  const [, major, minor, patch] = p;
  if (major === undefined) return [{ op: '*' }];
  if (minor === undefined) return [{ op: '>=', v: v3(major, 0, 0) }, { op: '<', v: v3(major + 1, 0, 0) }];
  if (patch === undefined) return [{ op: '>=', v: v3(major, minor, 0) }, { op: '<', v: v3(major, minor + 1, 0) }];
  const v = full(p, () => new SemVerError('bad version'));
  if (!tildeOrCaret) return [{ op: '=', v }];
  return [{ op: '>=', v }, { op: '<', v: v3(major, minor + 1, 0) }];
}

function minorUpdates(p: Partial): Comparator[] {
  const [, major, minor, patch] = p;
  if (major === undefined) return [{ op: '*' }];
  const upper: Comparator = { op: '<', v: v3(major + 1, 0, 0) };
  if (minor === undefined) return [{ op: '>=', v: v3(major, 0, 0) }, upper];
  if (patch === undefined) return [{ op: '>=', v: v3(major, minor, 0) }, upper];
  return [{ op: '>=', v: full(p, () => new SemVerError('bad version')) }, upper];
}

function gt(expr: string, bad: () => Error): Comparator[] {
  const p = partial(expr, bad);
  const [, major, minor, patch] = p;
  if (major === undefined) return [{ op: '<', v: v3(0, 0, 0) }];
  if (minor === undefined) return [{ op: '>=', v: v3(major + 1, 0, 0) }];
  if (patch === undefined) return [{ op: '>=', v: v3(major, minor + 1, 0) }];
  return [{ op: '>', v: full(p, bad) }];
}

/** `<=`, and a hyphen range's upper end. */
function lteq(expr: string, bad: () => Error, hyphen: boolean): Comparator[] {
  const p = partial(expr, bad);
  const [, major, minor, patch] = p;
  // P: a hyphen range's upper end is LtEqRange.new(parse_version(x)): missing parts are 0.
  if (hyphen) return [{ op: '<=', v: full(p, bad) }];
  if (major === undefined) return [{ op: '*' }];
  if (minor === undefined) return [{ op: '<', v: v3(major + 1, 0, 0) }];
  if (patch === undefined) return [{ op: '<', v: v3(major, minor + 1, 0) }];
  return [{ op: '<=', v: full(p, bad) }];
}
