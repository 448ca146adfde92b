// Building small catalogs for agent tests, and applying them in-process with
// the console quiet (the report carries every log line).
import type { Catalog, CatalogResource, Data } from '../../src/compiler/wire.js';
import { applyCatalog, type ApplyOptions, type ApplyResult } from '../../src/agent/apply.js';
import { log } from '../../src/log/index.js';

export type Res = [type: string, title: string, params?: Record<string, Data>, extra?: Partial<CatalogResource>];

/** A catalog: Stage[main] ⊃ Class[main] ⊃ the resources (unless `contain` says other containers). */
export function catalog(resources: Res[], opts: { classes?: Record<string, string[]>; edges?: [string, string][] } = {}): Catalog {
  const res: CatalogResource[] = [
    { type: 'Stage', title: 'main', tags: ['stage'], exported: false, parameters: { name: 'main' } },
    { type: 'Class', title: 'main', tags: ['class'], exported: false },
  ];
  const edges: { source: string; target: string }[] = [{ source: 'Stage[main]', target: 'Class[main]' }];
  const inClass = new Map<string, string>();
  for (const [cls, members] of Object.entries(opts.classes ?? {})) {
    res.push({ type: 'Class', title: cls, tags: ['class', cls.toLowerCase()], exported: false });
    edges.push({ source: 'Stage[main]', target: `Class[${cls}]` });
    for (const m of members) inClass.set(m, cls);
  }
  for (const [type, title, params, extra] of resources) {
    const ref = `${type}[${title}]`;
    res.push({ type, title, tags: [type.toLowerCase(), ...(extra?.tags ?? [])], exported: false, parameters: params ?? {}, ...extra, ...(extra?.tags ? { tags: [type.toLowerCase(), ...extra.tags] } : {}) });
    edges.push({ source: inClass.has(ref) ? `Class[${inClass.get(ref)}]` : 'Class[main]', target: ref });
  }
  for (const [s, t] of opts.edges ?? []) edges.push({ source: s, target: t });
  return { tags: [], name: 'test.example', version: 1, code_id: null, catalog_uuid: 'c0ffee00-0000-4000-8000-000000000000', catalog_format: 1, environment: 'production', resources: res, edges, classes: [] };
}

export async function apply(cat: Catalog, opts: Partial<ApplyOptions> = {}): Promise<ApplyResult> {
  log.setDestinations([]);
  return applyCatalog(cat, { host: 'test.example', ...opts });
}

export function messages(r: ApplyResult, level?: string): string[] {
  return r.report.logs.filter((l) => !level || l.level === level).map((l) => (l.source === 'Puppet' ? l.message : `${l.source}: ${l.message}`));
}

export function metric(r: ApplyResult, group: string, key: string): number {
  return r.report.metrics[group].values.find(([k]) => k === key)?.[2] ?? NaN;
}
