// The catalog being built: resources keyed by type and title (and namevar),
// containment, classes and tags, serialised in Puppet's wire shape and order
// (resources in the order they were added, Stage[main], Class[Settings],
// Class[main] and Node[...] first; edges hold containment only).
import { randomUUID } from 'node:crypto';
import type { Catalog, CatalogResource, Data } from './wire.js';
import { PSensitive, type Value } from './types/values.js';
import { capitalizeTypeName } from './types/types.js';
import type { Loc } from '../lang/ast.js';
import { ParameterSerializer, type SerializeOptions } from './serialize.js';

export type ResourceKind = 'compilable_type' | 'defined_type' | 'class' | 'unknown';

const VALID_TAG = /^[\p{L}\p{N}_][\p{L}\p{N}_:.-]*$/u;

export function isValidTag(s: string): boolean {
  return VALID_TAG.test(s);
}

/** Adds a tag the way Puppet's Tagging#tag does: lower case, and each `::` segment too. */
export function addTag(tags: Set<string>, name: string): void {
  const t = name.toLowerCase();
  if (!isValidTag(t)) return;
  tags.add(t);
  if (t.includes('::')) for (const seg of t.split('::')) if (seg) tags.add(seg);
}

export class Resource {
  /** Parameters in the order they were set. */
  readonly params = new Map<string, Value>();
  readonly tags = new Set<string>();
  /** Parameters whose value was set by `+>` append, with the base still to come from defaults. */
  file?: string;
  line?: number;
  virtual = false;
  exported = false;
  kind: ResourceKind = 'compilable_type';
  /** The class or define resource that contains this one (containment edge). */
  container?: Resource;
  /** For defined types: the body has run. */
  evaluated = false;
  /** Scope the resource was declared in (defaults and define evaluation). */
  scope?: unknown;
  /** Where it was declared (for errors). */
  loc?: Loc;
  stage?: string;
  /** Declared (through a function) with a title that was not a String: its namevar stays in the parameters. */
  titleNotString = false;
  /** Kept out of the catalog output (the main class's internal bookkeeping). */
  readonly key: string;

  constructor(readonly type: string, readonly title: string) {
    this.key = resourceKey(type, title);
  }

  get ref(): string {
    return `${this.type}[${this.title}]`;
  }

  get isClass(): boolean {
    return this.type === 'Class';
  }
}

/** "file" + "/x" → "File[/x]" (type capitalised per segment). */
export function resourceKey(type: string, title: string): string {
  return `${capitalizeTypeName(type.toLowerCase())}[${title}]`;
}

export class CatalogBuilder {
  readonly resources: Resource[] = [];
  private readonly byKey = new Map<string, Resource>();
  /** Namevar/alias uniqueness: "File[/x]" style keys of the namevar value. */
  private readonly byName = new Map<string, Resource>();
  /** Composite uniqueness keys (types with several key attributes); they never equal a title key. */
  private readonly byCompositeKey = new Map<string, Resource>();
  /** Lookup only: the name of a resource whose type has a composite key. */
  private readonly byReferenceName = new Map<string, Resource>();
  readonly edges: [Resource, Resource][] = [];
  readonly classes: string[] = [];
  readonly tags = new Set<string>();

  constructor(readonly name: string, readonly environment: string) {}

  find(type: string, title: string): Resource | undefined {
    return this.byKey.get(resourceKey(type, title)) ?? this.byName.get(resourceKey(type, title));
  }

  /** A reference's resource (also by the name of a resource whose type has a composite key). */
  findByKey(key: string): Resource | undefined {
    return this.byKey.get(key) ?? this.byName.get(key) ?? this.byReferenceName.get(key);
  }

  /** Adds a resource; the caller has checked for duplicates (errors need its location). */
  add(r: Resource, container?: Resource): void {
    this.byKey.set(r.key, r);
    this.resources.push(r);
    if (container) {
      r.container = container;
      this.edges.push([container, r]);
    }
  }

  /** Registers the namevar value when it differs from the title; returns a resource already holding it. */
  claimName(r: Resource, name: string): Resource | undefined {
    const k = resourceKey(r.type, name);
    const other = this.byKey.get(k) ?? this.byName.get(k);
    if (other && other !== r) return other;
    this.byName.set(k, r);
    return undefined;
  }

  /** Registers a composite uniqueness key (type plus every key attribute's value); returns a resource already holding it. */
  claimKey(r: Resource, values: unknown[], name?: string): Resource | undefined {
    const k = `${r.type.toLowerCase()}\0${JSON.stringify(values.map((v) => v ?? null))}`;
    const other = this.byCompositeKey.get(k);
    if (other && other !== r) return other;
    this.byCompositeKey.set(k, r);
    // References by the name alone still find it (Puppet looks up the key the bare title implies).
    if (name !== undefined && name !== r.title) {
      const nk = resourceKey(r.type, name);
      if (!this.byReferenceName.has(nk)) this.byReferenceName.set(nk, r);
    }
    return undefined;
  }

  addClass(name: string): void {
    if (!this.classes.includes(name)) this.classes.push(name);
    addTag(this.tags, name);
  }

  /** `serialize` chooses rich data (the default) or plain JSON with Puppet's conversion issues. */
  toWire(opts: { version: string | number; codeId?: string | null; catalogUuid?: string; withOrder?: boolean; keepExported?: boolean; serialize?: (r: Resource) => SerializeOptions }): Catalog {
    const out: CatalogResource[] = [];
    const included = new Set<Resource>();
    for (const r of this.resources) {
      if (r.virtual && !r.exported) continue;
      // Exported ones go to the server's store when there is one (storeconfigs).
      if (r.virtual && r.exported && !opts.keepExported) continue;
      included.add(r);
      out.push(resourceToWire(r, opts.serialize?.(r)));
    }
    // Puppet's catalog carries the class names' tags, then 'node' and 'class' once those exist.
    const tags = new Set<string>(this.tags);
    if (this.resources.some((r) => r.type === 'Node')) tags.add('node');
    if (this.resources.some((r) => r.type === 'Class' && r.title !== 'main' && r.title !== 'Settings')) tags.add('class');
    return {
      tags: [...tags],
      name: this.name,
      version: opts.version,
      code_id: opts.codeId ?? null,
      catalog_uuid: opts.catalogUuid ?? randomUUID(),
      catalog_format: 2,
      environment: this.environment,
      resources: out,
      edges: this.edges.filter(([s, t]) => included.has(s) && included.has(t)).map(([s, t]) => ({ source: s.ref, target: t.ref })),
      classes: [...this.classes],
    };
  }
}

export function resourceToWire(r: Resource, opts: SerializeOptions = { rich: true }): CatalogResource {
  const res = { type: r.type, title: r.title, tags: [...r.tags] } as CatalogResource;
  if (r.file !== undefined) res.file = r.file;
  if (r.line !== undefined) res.line = r.line;
  res.exported = r.exported;
  res.kind = r.kind;
  const params: Record<string, Data> = {};
  const sensitive: string[] = [];
  let n = 0;
  const ser = new ParameterSerializer(r.ref, opts);
  for (const [k, v] of r.params) {
    if (v === undefined) continue;
    // A Sensitive parameter is sent in clear and named in sensitive_parameters.
    if (v instanceof PSensitive) sensitive.push(k);
    params[k] = ser.convert(k, v instanceof PSensitive ? v.value : v);
    n++;
  }
  if (n) res.parameters = params;
  if (sensitive.length) res.sensitive_parameters = sensitive;
  return res;
}

/** A Puppet value as catalog JSON, rich data (`__ptype`) for what is not Data. */
export function toData(v: Value): Data {
  return new ParameterSerializer('', { rich: true }).convert('', v);
}
