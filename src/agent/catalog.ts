// The catalog as the agent holds it: the wire resources turned into agent
// resources with their references, containment (from the catalog's edges),
// Puppet's display path ("/Stage[main]/Nginx/File[/x]") and tag filtering.
import type { Catalog, Data } from '../compiler/wire.js';
import type { Resource } from '../resources/type.js';
import { KurokoError } from '../util/diagnostic.js';

export interface AgentResource extends Resource {
  /** "File[/etc/motd]" as Puppet prints it (type capitalised per segment). */
  ref: string;
  /** Position in the catalog: Puppet's manifest order. */
  index: number;
  /** Stage, Class, Node and defined types: containers, evaluated as whit pairs. */
  container: boolean;
  parent?: AgentResource;
  children: AgentResource[];
  kind?: string;
}

const capitalized = new Map<string, string>();

/** "nginx::vhost" → "Nginx::Vhost" (remembered: every resource's reference and status asks). */
export function capitalizeType(t: string): string {
  let c = capitalized.get(t);
  if (c === undefined) {
    c = t.split('::').map((s) => (s ? s[0].toUpperCase() + s.slice(1) : s)).join('::');
    if (capitalized.size < 10_000) capitalized.set(t, c);
  }
  return c;
}

/** The key a reference resolves by: type case-insensitive, class titles too. */
export function refKey(type: string, title: string): string {
  const t = type.toLowerCase();
  let ti = t === 'class' ? title.toLowerCase().replace(/^::/, '') : title;
  if (t === 'file' && ti.length > 1) ti = ti.replace(/\/+$/, '');
  return `${t}[${ti}]`;
}

/** Splits "Type[title]" into its parts; undefined when it is not a reference. */
export function parseRef(ref: string): { type: string; title: string } | undefined {
  const m = /^([A-Za-z_:][\w:]*)\[(.*)\]$/s.exec(ref.trim());
  if (!m) return undefined;
  let title = m[2];
  if (/^'.*'$|^".*"$/s.test(title)) title = title.slice(1, -1);
  return { type: m[1], title };
}

const CONTAINER_TYPES = new Set(['stage', 'class', 'node', 'component']);

export class AgentCatalog {
  readonly resources: AgentResource[] = [];
  private byKey = new Map<string, AgentResource>();

  constructor(readonly wire: Catalog) {
    const list = Array.isArray(wire.resources) ? wire.resources : [];
    list.forEach((w, index) => {
      if (!w || typeof w.type !== 'string' || typeof w.title !== 'string') {
        throw new KurokoError(`Catalog resource #${index + 1} has no type or title`, { code: 'KUR7001', field: `resources[${index}]`, value: w });
      }
      const type = w.type.toLowerCase();
      // The wire parameters are shared, not copied (nothing writes to them): a copy per resource is memory for nothing.
      const r: AgentResource = {
        type, title: w.title, parameters: w.parameters ?? {}, tags: w.tags ?? [], file: w.file, line: w.line,
        sensitiveParameters: w.sensitive_parameters, ref: `${capitalizeType(type)}[${type === 'class' ? capitalizeType(w.title) : w.title}]`, index,
        container: CONTAINER_TYPES.has(type) || w.kind === 'defined_type' || w.kind === 'class', children: [], kind: w.kind,
      };
      this.resources.push(r);
      this.byKey.set(refKey(type, w.title), r);
    });
    // Aliases and a namevar differing from the title make more names for the same resource.
    const alsoKnownAs = (r: AgentResource, n: Data | undefined) => {
      if (typeof n !== 'string' || n === r.title) return;
      const key = refKey(r.type, n);
      if (!this.byKey.has(key)) this.byKey.set(key, r);
    };
    for (const r of this.resources) {
      const p = r.parameters;
      const a = p.alias;
      if (Array.isArray(a)) for (const n of a) alsoKnownAs(r, n);
      else alsoKnownAs(r, a);
      if (r.type === 'file') alsoKnownAs(r, p.path);
      alsoKnownAs(r, p.name);
      alsoKnownAs(r, p.command);
    }
    for (const e of Array.isArray(wire.edges) ? wire.edges : []) {
      const src = this.find(e.source);
      const dst = this.find(e.target);
      if (!src || !dst) continue; // an edge to nothing contains nothing
      src.container = true;
      if (!dst.parent) { dst.parent = src; src.children.push(dst); }
    }
  }

  find(ref: string): AgentResource | undefined {
    const p = parseRef(ref);
    return p ? this.byKey.get(refKey(p.type, p.title)) : undefined;
  }

  /** Puppet's path: "/Stage[main]/Nginx::Nginx_web/File[/x]"; classes appear by capitalised title. */
  path(r: AgentResource): string {
    return '/' + this.containmentPath(r).join('/');
  }

  /** The report's containment_path: ["Stage[main]", "Nginx", "File[/x]"]. */
  containmentPath(r: AgentResource): string[] {
    const own = r.type === 'class' ? capitalizeType(r.title) : r.ref;
    return r.parent ? [...this.containerPath(r.parent), own] : [own];
  }

  private paths = new Map<AgentResource, string[]>();
  /** Containers' paths are shared by all they contain: computed once each. */
  private containerPath(c: AgentResource): string[] {
    let p = this.paths.get(c);
    if (!p) this.paths.set(c, (p = this.containmentPath(c)));
    return p;
  }
}

/** The `tags`/`skip_tags` filter: whether the resource is applied in this run. */
export function tagged(r: Resource, tags: string[], skipTags: string[]): boolean {
  if (tags.length === 0 && skipTags.length === 0) return true; // the usual run: nothing to build per resource
  const own = new Set(r.tags.map((t) => t.toLowerCase()));
  if (skipTags.some((t) => own.has(t.toLowerCase()))) return false;
  if (tags.length === 0) return true;
  return tags.some((t) => own.has(t.toLowerCase()));
}

/** The values of a relationship metaparameter as references. */
export function refsOf(v: Data | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap((x) => refsOf(x));
  return [];
}
