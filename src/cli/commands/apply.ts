// `kuroko apply --catalog FILE.json` and `kuroko apply FILE.pp` / `-e CODE`:
// masterless runs. The catalog is applied here, and the report is kept
// locally (last_run_summary.yaml, last_run_report.json, reportdir).
import type { Command } from '../command.js';
import { usageError } from '../../util/diagnostic.js';

export const command: Command = {
  name: 'apply',
  summary: 'Apply a catalog (JSON) or a manifest on this machine.',
  usage: [
    'kuroko apply --catalog FILE.json [--noop] [--tags T] [--skip_tags T] [--detailed-exitcodes]',
    'kuroko apply FILE.pp [--noop] [--modulepath PATH] [--detailed-exitcodes]',
    'kuroko apply -e CODE',
  ],
  description: 'Makes this machine match the catalog, printing each change as Puppet does; with --noop, only reports what would change.\n'
    + 'Exit codes: 0 success, 1 the run failed; with --detailed-exitcodes 2 changes, 4 failures, 6 both.',
  runMode: 'user',
  flags: [
    { name: 'catalog', type: 'string', arg: 'FILE', desc: "Apply this JSON catalog (Puppet's wire format; - for stdin)." },
    { name: 'execute', type: 'string', short: 'e', arg: 'CODE', desc: 'Compile and apply this Puppet code.' },
    { name: 'facts-file', type: 'string', arg: 'FILE', desc: 'Compile with these facts (JSON: a facts document or a map) instead of collecting them.' },
  ],
  async run(ctx) {
    const { join } = await import('node:path');
    const { log } = await import('../../log/index.js');
    const settings = ctx.settings();
    const catalogFile = ctx.args.flags.catalog as string | undefined;
    const code = ctx.args.flags.execute as string | undefined;
    const [manifest, ...extra] = ctx.args.positional;
    if (extra.length) throw usageError(`Too many arguments: ${extra.join(' ')}`);
    if ([catalogFile, code, manifest].filter((x) => x !== undefined).length !== 1) {
      throw usageError('Give exactly one of --catalog FILE.json, a manifest FILE.pp or -e CODE');
    }
    const certname = settings.get('certname');
    const started = new Date();
    const timings: Record<string, number> = {};
    let catalog;
    let modulepath: string[];
    let facts: Record<string, import('../../compiler/wire.js').Data> | undefined;
    if (catalogFile !== undefined) {
      const { readCatalogFile } = await import('../../agent/catalog-file.js');
      catalog = readCatalogFile(catalogFile === '-' ? '/dev/stdin' : catalogFile);
      const { settingsModulepath } = await import('../../agent/masterless.js');
      modulepath = settingsModulepath(settings);
      if (typeof ctx.args.flags.facts_file === 'string') {
        const { readFactsFile } = await import('../../agent/catalog-file.js');
        facts = readFactsFile(ctx.args.flags.facts_file);
      }
    } else {
      const t0 = performance.now();
      const { compileLocally } = await import('../../agent/masterless.js');
      if (typeof ctx.args.flags.facts_file === 'string') {
        const { readFactsFile } = await import('../../agent/catalog-file.js');
        facts = readFactsFile(ctx.args.flags.facts_file);
      }
      ({ catalog, modulepath, facts } = await compileLocally(settings, { code, file: manifest, certname, timings, facts }));
      timings.config_retrieval = (performance.now() - t0) / 1000;
    }
    const { applyCatalog } = await import('../../agent/apply.js');
    const { masterlessDeferred } = await import('../../agent/masterless.js');
    const { LocalFileSource } = await import('../../agent/localsource.js');
    const { saveRunFiles, writeReportFile, isoTime } = await import('../../agent/report.js');
    const result = await applyCatalog(catalog, {
      host: certname, environment: catalog.environment, noop: settings.bool('noop'), tags: settings.list('tags'),
      skipTags: settings.list('skip_tags'), bucketDir: settings.get('clientbucketdir'), settings, startTime: started, timings,
      transactionStore: join(settings.get('statedir'), 'transactionstore.json'), fileSource: new LocalFileSource(modulepath),
      deferred: masterlessDeferred(settings, modulepath, facts),
    });
    try {
      const stamp = isoTime(started.getTime()).replace(/[-:T]/g, '').slice(0, 12);
      saveRunFiles(result.report, { lastrunfile: settings.get('lastrunfile'), lastrunreport: settings.get('lastrunreport'), runMode: 'user' });
      writeReportFile(join(settings.get('reportdir'), certname, `${stamp}.json`), result.report, 0o640);
    } catch (e) {
      log.warning(`Could not save the run's report: ${(e as Error).message}`);
    }
    if (!result.report.transaction_completed) return 1;
    if (settings.bool('detailed_exitcodes')) return result.exitStatus;
    return 0;
  },
};

