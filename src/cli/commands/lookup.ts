// `kuroko lookup KEY... [--node NAME] [--facts FILE] [--environment E] [--merge S] [--explain]
// [--render-as json|yaml|s]`: Hiera lookups as `puppet lookup` does them, with the node's facts as
// top-scope variables, without compiling the catalog. Several keys: the first one found answers.
import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';
import { KurokoError, usageError } from '../../util/diagnostic.js';
import type { Data } from '../../compiler/wire.js';

async function readFacts(path: string): Promise<Record<string, Data>> {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new KurokoError(`Could not read facts file ${path}: ${(e as Error).message}`, { code: 'KUR4040', field: 'facts', value: path });
  }
  let v: unknown;
  try {
    v = /\.ya?ml$/i.test(path) ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (e) {
    throw new KurokoError(`Could not parse facts file ${path}: ${(e as Error).message}`, { code: 'KUR4041', field: 'facts', value: path });
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new KurokoError(`The facts file ${path} must hold a hash`, { code: 'KUR4042', field: 'facts', value: path });
  const doc = v as Record<string, Data>;
  return doc.values && typeof doc.values === 'object' && !Array.isArray(doc.values) && 'name' in doc ? (doc.values as Record<string, Data>) : doc;
}

export const command: Command = {
  name: 'lookup',
  summary: 'Look up Hiera data for a node (puppet lookup).',
  usage: ['kuroko lookup KEY... [--node NAME] [--facts FILE] [--environment E] [--merge first|unique|hash|deep] [--explain] [--render-as json|yaml|s] [--default VALUE]'],
  description: [
    'Searches the global ($hiera_config), environment and module Hiera layers for KEY (a dotted key digs',
    'into the value). With several keys the first one found is printed. --explain prints how the value was',
    'found, in the shape of Puppet\'s explanation. A key not found exits 1 (unless --default is given).',
  ].join('\n'),
  runMode: 'server',
  flags: [
    { name: 'node', type: 'string', arg: 'NAME', desc: 'The node to look up data for (default: this machine\'s certname).' },
    { name: 'facts', type: 'string', arg: 'FILE', desc: 'Facts (JSON or YAML): a hash, or {name, values}. Default: this machine\'s facts.' },
    { name: 'merge', type: 'string', arg: 'STRATEGY', desc: 'first, unique, hash or deep (overrides lookup_options).' },
    { name: 'knock-out-prefix', type: 'string', arg: 'PREFIX', desc: 'With --merge deep: the knockout prefix.' },
    { name: 'sort-merged-arrays', type: 'boolean', desc: 'With --merge deep: sort merged arrays.' },
    { name: 'merge-hash-arrays', type: 'boolean', desc: 'With --merge deep: merge arrays of hashes element by element.' },
    { name: 'explain', type: 'boolean', desc: 'Explain how the value was found.' },
    { name: 'default', type: 'string', arg: 'VALUE', desc: 'The value printed when no key is found.' },
    { name: 'render-as', type: 'string', arg: 'FORMAT', desc: 'yaml (default), json, s (to string) or p (inspect).' },
  ],
  async run(ctx) {
    const keys = ctx.args.positional;
    if (!keys.length) throw usageError('Usage: kuroko lookup KEY... [--node NAME] [--facts FILE] [--merge S] [--explain]');
    const f = ctx.args.flags;
    const s = ctx.settings();
    const node = String(f.node ?? s.get('certname'));
    let facts: Record<string, Data>;
    if (f.facts) facts = await readFacts(String(f.facts));
    else {
      const { collectFacts } = await import('../../facts/index.js');
      facts = (await collectFacts({ externalDirs: [s.get('pluginfactdest')], defaultDirs: true })) as Record<string, Data>;
    }
    const renderAs = String(f.render_as ?? 'yaml');
    if (!['yaml', 'json', 's', 'p'].includes(renderAs)) throw usageError(`Unknown --render-as '${renderAs}' (json, yaml, s, p)`);
    let mergeSpec: string | Map<string, string | boolean> | undefined = f.merge === undefined ? undefined : String(f.merge);
    if (mergeSpec === 'deep' && (f.knock_out_prefix || f.sort_merged_arrays || f.merge_hash_arrays)) {
      const m = new Map<string, string | boolean>([['strategy', 'deep']]);
      if (f.knock_out_prefix) m.set('knockout_prefix', String(f.knock_out_prefix));
      if (f.sort_merged_arrays) m.set('sort_merged_arrays', true);
      if (f.merge_hash_arrays) m.set('merge_hash_arrays', true);
      mergeSpec = m;
    }
    const list = (v: string) => v.split(':').filter(Boolean);
    const { lookupForNode } = await import('../../compiler/hiera/node.js');
    const r = lookupForNode({
      keys, node, facts, merge: mergeSpec, explain: f.explain === true,
      request: {
        certname: node, facts, environment: s.get('environment'), environmentpath: s.get('environmentpath'), codedir: s.get('codedir'),
        manifest: s.get('manifest') || undefined, modulepath: s.get('modulepath') ? list(s.get('modulepath')) : undefined,
        basemodulepath: list(s.get('basemodulepath')), hieraConfig: s.get('hiera_config'),
      },
    });
    if (f.explain) ctx.out(r.explanation.replace(/\n$/, ''));
    if (!r.found && f.default === undefined) {
      const msg = keys.length === 1 ? `Function lookup() did not find a value for the name '${keys[0]}'`
        : `Function lookup() did not find a value for any of the names [${keys.map((k) => `'${k}'`).join(', ')}]`;
      if (f.explain) { ctx.out(msg); return 1; }
      throw new KurokoError(msg, { code: 'KUR5051', field: 'key', value: keys.join(', '), node });
    }
    if (!f.explain) ctx.out(r.render(r.found ? r.value : String(f.default), renderAs));
    return 0;
  },
};
