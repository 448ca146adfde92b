// `kuroko resource TYPE [NAME] [ATTR=VALUE...]`: prints live resources as
// Puppet code, and with attributes sets one first (through a one-resource
// catalog and the transaction, as `puppet resource` does).
import type { Command } from '../command.js';
import type { Data } from '../../compiler/wire.js';
import type { ApplyContext, Change, Resource, ResourceType } from '../../resources/type.js';
import { KurokoError, usageError } from '../../util/diagnostic.js';

/** Puppet's display of a value in `puppet resource` output. */
function value(v: Data): string {
  if (v === null) return 'undef';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(value).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${value(k)} => ${value(x)}`).join(', ')}}`;
}

/** A resource as `puppet resource` prints it: ensure first, then attributes by name, arrows aligned. */
export function toManifest(r: Resource): string {
  const keys = Object.keys(r.parameters).filter((k) => r.parameters[k] !== undefined).sort((a, b) => {
    if (a === 'ensure') return -1;
    if (b === 'ensure') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const width = Math.max(0, ...keys.map((k) => k.length));
  const lines = keys.map((k) => `  ${k.padEnd(width)} => ${value(r.parameters[k])},`);
  return `${r.type} { ${value(r.title)}:\n${lines.join('\n')}${lines.length ? '\n' : ''}}`;
}

/** Parses "attr=value" words; the value is taken as a string, as Puppet does. */
export function parseAttributes(words: string[]): Record<string, Data> {
  const out: Record<string, Data> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw usageError(`Invalid attribute '${w}': expected NAME=VALUE`);
    out[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return out;
}

const silentContext = (noop: boolean, resources: Resource[] = []): ApplyContext => ({ noop, log: () => {}, catalogResources: () => resources });

async function listAll(type: ResourceType): Promise<Resource[]> {
  const seen = new Set<string>();
  const out: Resource[] = [];
  const { selectProvider } = await import('../../resources/providers/typesupport.js');
  let dflt;
  try { dflt = selectProvider(type); } catch { dflt = undefined; }
  // The default provider first: its instances win when several providers list a name.
  const providers = [dflt, ...type.providers.filter((p) => p !== dflt)].filter((p) => p && p.suitable() && p.instances);
  if (!providers.length) throw new KurokoError(`Listing all ${type.name} resources is not supported; name one: kuroko resource ${type.name} NAME`, { code: 'KUR7020', value: type.name });
  for (const p of providers) {
    let list: Resource[];
    try { list = await p!.instances!(); } catch { continue; } // a provider whose tool is broken lists nothing
    for (const r of list) if (!seen.has(r.title)) { seen.add(r.title); out.push(r); }
  }
  return out.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}

/** One resource's live state: from the providers' listings, else what a check reports about ensure. */
async function showOne(type: ResourceType, name: string, given: Record<string, Data>): Promise<Resource> {
  const { selectProvider } = await import('../../resources/providers/typesupport.js');
  const probe: Resource = { type: type.name, title: name, tags: [], parameters: { ...given } };
  const provider = selectProvider(type, probe);
  if (provider.instances) {
    const hit = (await provider.instances()).find((r) => r.title === name);
    if (hit) return hit;
  }
  // Not listed: ask the provider. Each property given that the check does not
  // report as different already has the given value (Puppet's retrieve, roughly).
  let ensure: Data = 'absent';
  let changes: Change[] = [];
  try {
    const p: Resource = { ...probe, parameters: { ...given, ensure: 'present' } };
    delete p.parameters.provider;
    changes = await provider.check(p, silentContext(true, [p]));
    const c = changes.find((x) => x.property === 'ensure');
    ensure = c ? (c.previous ?? 'absent') : 'present';
  } catch { /* not enough attributes to tell: absent as far as we can see */ }
  const params: Record<string, Data> = { ensure, provider: provider.name };
  for (const k of ['path', 'target'] as const) if (given[k] !== undefined) params[k] = given[k];
  if (ensure !== 'absent' && ensure !== 'purged') {
    for (const prop of type.properties) {
      if (prop === 'ensure' || given[prop] === undefined) continue;
      const c = changes.find((x) => x.property === prop);
      if (!c?.redacted) params[prop] = c ? (c.previous ?? null) : given[prop];
    }
  }
  return { type: type.name, title: name, tags: [], parameters: params };
}

/** Applies one resource through the agent's transaction; resolves to whether it failed. */
async function setOne(r: Resource): Promise<boolean> {
  const { AgentCatalog } = await import('../../agent/catalog.js');
  const { Transaction } = await import('../../agent/transaction.js');
  const catalog = new AgentCatalog({
    tags: [], name: 'resource', version: Date.now(), code_id: null, catalog_uuid: '00000000-0000-0000-0000-000000000000',
    catalog_format: 1, environment: 'production', edges: [], classes: [],
    resources: [{ type: r.type.charAt(0).toUpperCase() + r.type.slice(1), title: r.title, tags: [r.type], exported: false, parameters: r.parameters }],
  });
  const t = await Transaction.prepare(catalog, {});
  await t.evaluate();
  return [...t.statuses.values()].some((s) => s.failed);
}

export const command: Command = {
  name: 'resource',
  summary: 'Print live resources as Puppet code, or set one.',
  usage: ['kuroko resource TYPE [NAME] [ATTRIBUTE=VALUE ...]', 'kuroko resource --types'],
  description: 'Without a name, lists every instance the providers can find (package, service, user, group, cron, host).\n'
    + 'With attributes, makes the resource match them first, then prints its state.',
  runMode: 'user',
  flags: [{ name: 'types', type: 'boolean', desc: 'List the resource types Kuroko knows, then exit.' }],
  async run(ctx) {
    const [typeName, name, ...rest] = ctx.args.positional;
    if (ctx.args.flags.types) {
      const { knownTypes } = await import('../../resources/index.js');
      for (const t of [...knownTypes()].sort()) ctx.out(t);
      return 0;
    }
    if (!typeName) throw usageError('Usage: kuroko resource TYPE [NAME] [ATTRIBUTE=VALUE ...]');
    const { loadType } = await import('../../resources/index.js');
    const type = await loadType(typeName);
    if (!type) throw usageError(`Could not run: Unknown resource type '${typeName}'`);
    if (name === undefined) {
      for (const r of await listAll(type)) ctx.out(toManifest(r));
      return 0;
    }
    if (name.includes('=') && rest.length === 0 && /^\w+=/.test(name)) throw usageError(`Give the resource's name before its attributes (got '${name}')`);
    const attrs = parseAttributes(rest);
    let failed = false;
    if (rest.length) {
      const r: Resource = { type: type.name, title: name, tags: [type.name], parameters: attrs };
      type.validate?.(r);
      failed = await setOne(r);
    }
    ctx.out(toManifest(await showOne(type, name, attrs)));
    return failed ? 1 : 0;
  },
};
