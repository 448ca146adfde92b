// `kuroko facts [NAME...] [--json|--yaml]`: this machine's facts as Facter 4
// names and shapes them (like `facter` and `puppet facts show`).
import type { Command } from '../command.js';
import { KurokoError, usageError } from '../../util/diagnostic.js';

export const command: Command = {
  name: 'facts',
  summary: "Print this machine's facts (Facter 4 names and structure).",
  usage: ['kuroko facts [NAME...] [--json | --yaml] [--show-legacy] [--external-dir DIR]... [--no-external-facts]'],
  description: [
    'With no NAME, prints every fact; a NAME may be dotted to reach inside a fact (os.release.major).',
    'External facts are read from /etc/puppetlabs/facter/facts.d, /etc/facter/facts.d,',
    '/opt/puppetlabs/facter/facts.d (for other users than root: ~/.facter/facts.d and',
    '~/.puppetlabs/opt/facter/facts.d), $pluginfactdest and each --external-dir; FACTER_NAME',
    'environment variables override any fact. Legacy flat facts (osfamily, ipaddress_eth0, ...)',
    'are always sent to the server, and printed here with --show-legacy or when asked for by name.',
    'Reported versions: facterversion is the Facter release whose facts Kuroko reproduces,',
    "puppetversion the Puppet release it is compatible with, kuroko_version Kuroko's own.",
  ].join('\n'),
  runMode: 'user',
  flags: [
    { name: 'json', type: 'boolean', short: 'j', desc: 'Print JSON.' },
    { name: 'yaml', type: 'boolean', short: 'y', desc: 'Print YAML.' },
    { name: 'show-legacy', type: 'boolean', desc: 'Include the legacy flat facts when printing all facts.' },
    { name: 'external-dir', type: 'list', arg: 'DIR', desc: 'Read external facts from DIR too (repeatable).' },
    { name: 'no-external-facts', type: 'boolean', desc: 'Read no external facts (facts.d directories).' },
    { name: 'strict', type: 'boolean', desc: 'Exit 1 when a NAME asked for has no value.' },
    { name: 'timeout', type: 'string', arg: 'MS', desc: 'Time budget of each resolver and executable fact (default 5000).' },
    { name: 'puppet', type: 'boolean', short: 'p', desc: 'Accepted for compatibility with facter -p (Puppet facts are always included).' },
  ],
  async run(ctx) {
    const f = ctx.args.flags;
    if (f.json && f.yaml) throw usageError('Choose one of --json and --yaml');
    let timeoutMs: number | undefined;
    if (f.timeout !== undefined) {
      timeoutMs = Number(f.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new KurokoError(`--timeout must be a positive number of milliseconds, not '${String(f.timeout)}'`, { code: 'KUR0002', exitCode: 2, field: 'timeout', value: f.timeout });
    }
    const { collectFacts, lookupFact, isLegacyName } = await import('../../facts/index.js');
    const { formatHocon, formatJson, formatValue, formatYaml } = await import('../../facts/format.js');
    const noExternal = f.no_external_facts === true;
    const dirs = noExternal ? [] : [ctx.settings().get('pluginfactdest'), ...((f.external_dir as string[] | undefined) ?? [])];
    const facts = await collectFacts({ externalDirs: dirs, defaultDirs: !noExternal, timeoutMs });
    const names = ctx.args.positional;
    const selected: Record<string, ReturnType<typeof lookupFact>> = {};
    if (names.length) {
      for (const n of names) selected[n] = lookupFact(facts, n);
    } else {
      for (const [k, v] of Object.entries(facts)) if (f.show_legacy || !isLegacyName(k)) selected[k] = v;
    }
    if (f.json) ctx.out(formatJson(selected));
    else if (f.yaml) ctx.out(await formatYaml(selected));
    else if (names.length === 1) ctx.out(formatValue(selected[names[0]]));
    else ctx.out(formatHocon(Object.entries(selected).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
    const missing = names.filter((n) => selected[n] === undefined);
    if (f.strict && missing.length) throw new KurokoError(`No value for fact${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, { code: 'KUR0712', field: 'fact', value: missing.join(',') });
    return 0;
  },
};
