// `kuroko parser validate [FILE|DIR...]` and `kuroko parser dump FILE`, like
// `puppet parser`: syntax and validation errors in Puppet's wording, with the
// source line and a caret.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command.js';
import type { Settings } from '../../settings/index.js';
import { formatDiagnostic, KurokoError, usageError } from '../../util/diagnostic.js';
import { log } from '../../log/index.js';

/** The environment's main manifest: `manifest`, else ENVIRONMENTPATH/ENV/manifests. */
function defaultManifest(settings: Settings): string {
  const manifest = settings.get('manifest');
  if (manifest) return manifest;
  const env = settings.get('environment');
  const dirs = settings.get('environmentpath').split(':').filter(Boolean);
  for (const d of dirs) {
    const m = join(d, env, 'manifests');
    if (existsSync(m)) return m;
  }
  throw new KurokoError(`Could not find environment '${env}' in environmentpath ${dirs.join(':')}`, {
    code: 'KUR0301', field: 'environment', value: env,
  });
}

/**
 * What Puppet's module-location checks need: the environment's full modulepath
 * (`modulepath`, else its modules/ and `basemodulepath`) and its main manifest.
 */
function moduleContext(settings: Settings): { modulepath: string[]; manifest?: string } {
  const split = (v: string) => v.split(':').filter(Boolean).map((d) => resolve(d));
  const env = settings.get('environment');
  const envDir = settings.get('environmentpath').split(':').filter(Boolean).map((d) => join(d, env)).find((d) => existsSync(d));
  const explicit = settings.get('modulepath');
  const modulepath = explicit ? split(explicit) : [...(envDir ? [join(envDir, 'modules')] : []), ...split(settings.get('basemodulepath'))];
  const manifest = settings.get('manifest') || (envDir ? join(envDir, 'manifests') : undefined);
  return { modulepath, manifest: manifest ? resolve(manifest) : undefined };
}

export const command: Command = {
  name: 'parser',
  summary: 'Validate Puppet manifests and templates, or print their syntax tree.',
  usage: ['kuroko parser validate [FILE|DIR...]', 'kuroko parser dump [--format json|pn] FILE'],
  description: [
    'validate: parses each .pp and .epp file (directories recursively) and runs the checks',
    "Puppet runs after parsing. With no argument, the configured environment's main manifest",
    '(the manifest setting, or manifests/ of the environment under environmentpath). Exits 1',
    'when any file has an error. A .pp file inside a module on the modulepath also gets',
    "Puppet's module checks: only definitions at top level, each named after its file.",
    "dump: prints the syntax tree of one file as JSON (Kuroko's AST with locations), or with",
    "--format pn as Puppet Notation, the form `puppet parser dump --format json` prints.",
  ].join('\n'),
  runMode: 'user',
  flags: [{ name: 'format', type: 'string', arg: 'FORMAT', desc: "dump: json (the AST, default) or pn (Puppet's notation)." }],
  async run(ctx) {
    const [action, ...rest] = ctx.args.positional;
    const { findManifestFiles, parseFile } = await import('../../lang/files.js');
    if (action === 'dump') {
      if (rest.length !== 1) throw usageError('Usage: kuroko parser dump FILE');
      const file = resolve(rest[0]);
      if (!existsSync(file)) throw new KurokoError(`No such file: ${file}`, { code: 'KUR0302', location: { file } });
      const r = parseFile(file);
      let errors = 0;
      for (const d of r.diagnostics) {
        if (d.severity === 'error') { errors++; log.err(formatDiagnostic(d)); } else log.warning(formatDiagnostic(d));
      }
      const format = (ctx.args.flags.format as string | undefined) ?? 'json';
      if (format === 'pn') {
        const { toPN } = await import('../../lang/pn.js');
        ctx.out(JSON.stringify(toPN(r.program)));
      } else if (format === 'json') ctx.out(JSON.stringify(r.program, null, 2));
      else throw usageError(`Unknown format '${format}' (expected json or pn)`);
      return errors ? 1 : 0;
    }
    if (action !== 'validate') throw usageError(`Unknown action 'parser ${action ?? ''}' (expected validate or dump)`);
    const targets = rest.length ? rest : [defaultManifest(ctx.settings())];
    const files: string[] = [];
    for (const t of targets) {
      const p = resolve(t);
      if (!existsSync(p)) throw new KurokoError(`No such file or directory: ${p}`, { code: 'KUR0302', location: { file: p } });
      if (statSync(p).isDirectory()) files.push(...findManifestFiles(p));
      else files.push(p);
    }
    let bad = 0, errors = 0, warnings = 0;
    const context = moduleContext(ctx.settings());
    for (const f of files) {
      const r = parseFile(f, context);
      let fileErrors = 0;
      for (const d of r.diagnostics) {
        if (d.severity === 'error') { fileErrors++; log.err(formatDiagnostic(d)); } else { warnings++; log.warning(formatDiagnostic(d)); }
      }
      errors += fileErrors;
      if (fileErrors) bad++;
    }
    const s = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    ctx.out(`Validated ${s(files.length, 'file')}: ${bad ? `${s(bad, 'file')} with ${s(errors, 'error')}` : 'no errors'}${warnings ? `, ${s(warnings, 'warning')}` : ''}`);
    return bad ? 1 : 0;
  },
};
