// `kuroko catalog compile CERTNAME [--facts FILE] [--trusted FILE]` plus the
// settings flags (--environment, --manifest, --modulepath, --codedir, ...):
// compiles a catalog and prints it as Puppet-shaped JSON.
import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';
import { KurokoError, usageError } from '../../util/diagnostic.js';
import type { Data, TrustedData } from '../../compiler/wire.js';

function readData(path: string, what: string): unknown {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    throw new KurokoError(`Could not read ${what} file ${path}: ${(e as Error).message}`, { code: 'KUR4040', field: what, value: path });
  }
  return text;
}

async function parseDataFile(path: string, what: string): Promise<Record<string, Data>> {
  const text = readData(path, what) as string;
  let v: unknown;
  try {
    if (/\.ya?ml$/i.test(path)) v = (await import('yaml')).parse(text);
    else v = JSON.parse(text);
  } catch (e) {
    throw new KurokoError(`Could not parse ${what} file ${path}: ${(e as Error).message}`, { code: 'KUR4041', field: what, value: path });
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new KurokoError(`The ${what} file ${path} must hold a hash`, { code: 'KUR4042', field: what, value: path });
  return v as Record<string, Data>;
}

export const command: Command = {
  name: 'catalog',
  summary: 'Compile a catalog for a node and print it as JSON.',
  usage: ['kuroko catalog compile CERTNAME [--facts FILE.json|.yaml] [--trusted FILE] [--environment E] [--manifest PATH] [--modulepath DIRS] [--codedir DIR]'],
  description: 'Facts may be a flat hash or Puppet\'s {"name":..., "values":{...}} document. Errors are printed with file, line, column and node; the exit code is then 1.',
  runMode: 'server',
  flags: [
    { name: 'facts', type: 'string', arg: 'FILE', desc: 'Facts (JSON or YAML): a hash, or {name, values}.' },
    { name: 'trusted', type: 'string', arg: 'FILE', desc: 'Trusted data ($trusted) as JSON or YAML.' },
    { name: 'plain', type: 'boolean', desc: 'Plain JSON as `puppet catalog compile` prints it: non-Data values (Deferred, Binary, Timestamp...) as strings, with warnings. The default is rich data (__ptype), as agents receive.' },
  ],
  async run(ctx) {
    const [action, certname, ...rest] = ctx.args.positional;
    if (action !== 'compile') throw usageError(`Unknown action '${action ?? ''}' (expected: kuroko catalog compile CERTNAME)`);
    if (!certname || rest.length) throw usageError('Usage: kuroko catalog compile CERTNAME [--facts FILE] [--environment E] [--manifest PATH] [--modulepath DIRS]');
    const s = ctx.settings();
    let facts: Record<string, Data> = {};
    if (ctx.args.flags.facts) {
      const doc = await parseDataFile(String(ctx.args.flags.facts), 'facts');
      facts = doc.values && typeof doc.values === 'object' && !Array.isArray(doc.values) && 'name' in doc ? (doc.values as Record<string, Data>) : doc;
    }
    let trusted: TrustedData | undefined;
    if (ctx.args.flags.trusted) trusted = (await parseDataFile(String(ctx.args.flags.trusted), 'trusted')) as unknown as TrustedData;
    const list = (v: string) => v.split(':').filter(Boolean);
    const { compile, stringifyCatalog } = await import('../../compiler/index.js');
    const { log } = await import('../../log/index.js');
    const strict = s.get('strict') as 'off' | 'warning' | 'error';
    const res = await compile({
      certname,
      facts,
      trusted,
      environment: s.get('environment'),
      environmentpath: s.get('environmentpath'),
      codedir: s.get('codedir'),
      manifest: s.get('manifest') || undefined,
      modulepath: s.get('modulepath') ? list(s.get('modulepath')) : undefined,
      basemodulepath: list(s.get('basemodulepath')),
      hieraConfig: s.get('hiera_config'),
      strict,
      strictVariables: s.get('strict_variables') === 'true',
      richData: ctx.args.flags.plain !== true,
      floatMarkers: true,
    });
    for (const l of res.logs) {
      const level = l.level === 'err' ? 'err' : (l.level as 'debug' | 'info' | 'notice' | 'warning');
      log.log(level, l.message, { file: l.file, line: l.line });
    }
    ctx.out(stringifyCatalog(res.catalog, 2)); // Floats as Puppet writes them (2.0)
    return 0;
  },
};
