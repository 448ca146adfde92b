// `kuroko ca ACTION`: puppetserver's `ca` commands (setup, list, sign,
// revoke, clean, generate) over the same engine as `kuroko cert`.
import type { Command } from '../command.js';
import { log } from '../../log/index.js';
import { usageError } from '../../util/diagnostic.js';

function certnames(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);
}

export const command: Command = {
  name: 'ca',
  summary: 'Set up and administer the CA: setup, list, sign, revoke, clean, generate (puppetserver style).',
  usage: [
    'kuroko ca setup [--certname SERVER]',
    'kuroko ca list [--all] [--expiring [DAYS]] [--format text|json]',
    'kuroko ca sign --certname NAME[,NAME...] | --all',
    'kuroko ca revoke --certname NAME[,NAME...]',
    'kuroko ca clean --certname NAME[,NAME...]',
    'kuroko ca generate --certname NAME [--subject-alt-names a,b]',
  ],
  description: 'Works on the CA in cadir when this host has one, else (or with --remote) through the CA server\'s HTTPS API\nwith this host\'s certificate, which must carry pp_cli_auth. `list --expiring` shows signed certificates\nexpiring within DAYS (default 30).',
  runMode: 'server',
  flags: [
    { name: 'certname', type: 'list', arg: 'NAMES', desc: 'The certnames to act on (comma-separated or repeated).' },
    { name: 'all', type: 'boolean', short: 'a', desc: 'list: every certificate; sign: every pending request.' },
    { name: 'expiring', type: 'boolean', desc: 'list: signed certificates expiring within DAYS (default 30).' },
    { name: 'format', type: 'string', arg: 'FORMAT', desc: 'list output: text (default) or json.' },
    { name: 'subject-alt-names', type: 'string', arg: 'NAMES', desc: 'generate: alternative DNS names (and IP:addresses).' },
    { name: 'remote', type: 'boolean', desc: 'Use the CA server\'s API even when this host has a CA.' },
  ],
  async run(ctx) {
    const [action, ...rest] = ctx.args.positional;
    const f = ctx.args.flags;
    const names = certnames(f.certname);
    if (action === 'setup') {
      const { CertificateAuthority } = await import('../../ca/index.js');
      // As in puppetserver, `ca setup --certname NAME` names the server whose certificate is made.
      const { loadSettings } = await import('../../settings/index.js');
      if (names.length > 1) throw usageError('kuroko ca setup takes one --certname (the server\'s)');
      const settings = names.length
        ? loadSettings({ runMode: 'server', cli: { ...ctx.args.settings, certname: names[0] }, configFile: ctx.args.flags.config as string | undefined })
        : ctx.settings();
      const existed = CertificateAuthority.exists(settings.get('cadir'));
      const ca = await CertificateAuthority.setup(settings);
      ca.close();
      ctx.out(existed ? `A CA already exists in ${ca.paths.cadir}; the server certificate is in place.` : `Generation succeeded. Find your files in ${ca.paths.cadir}`);
      return 0;
    }
    const actions = ['list', 'sign', 'revoke', 'clean', 'generate'];
    if (!action || !actions.includes(action)) throw usageError(`Unknown or missing action${action ? ` '${action}'` : ''}: expected setup, ${actions.join(', ')}`);
    if (action !== 'list' && !(action === 'sign' && f.all) && !names.length) throw usageError(`kuroko ca ${action} needs --certname`);
    const format = String(f.format ?? 'text');
    if (format !== 'text' && format !== 'json') throw usageError(`Unknown format '${format}' (expected text or json)`);
    const { openCaAdmin, puppetserverBlock, expiring } = await import('../../ca/admin.js');
    const admin = await openCaAdmin(ctx.settings(), { remote: f.remote === true });
    try {
      if (action === 'list') {
        let hosts = await admin.list(f.all || f.expiring ? undefined : 'requested');
        if (names.length) hosts = hosts.filter((h) => names.includes(h.name));
        if (f.expiring) {
          const days = rest[0] === undefined ? 30 : Number(rest[0]);
          if (!Number.isFinite(days) || days < 0) throw usageError(`--expiring takes a number of days, not '${rest[0]}'`);
          hosts = expiring(hosts, days);
          if (format === 'json') { ctx.out(JSON.stringify(hosts, null, 2)); return 0; }
          if (!hosts.length) { ctx.out(`No certificates expire within ${days} days`); return 0; }
          for (const h of hosts) ctx.out(`${h.name}\texpires ${h.not_after}`);
          return 0;
        }
        const by = (s: string) => hosts.filter((h) => h.state === s).sort((a, b) => a.name.localeCompare(b.name));
        if (format === 'json') { ctx.out(JSON.stringify({ requested: by('requested'), signed: by('signed'), revoked: by('revoked') }, null, 2)); return 0; }
        const lines = [...puppetserverBlock('Requested Certificates', by('requested')), ...puppetserverBlock('Signed Certificates', by('signed')), ...puppetserverBlock('Revoked Certificates', by('revoked'))];
        ctx.out(lines.length ? lines.join('\n') : 'No certificates to list');
        return 0;
      }
      if (action === 'sign') {
        const r = f.all ? await admin.signAll() : await admin.sign(names);
        if (f.all && !r.signed.length && !r.errors.length) { ctx.out('No waiting certificate requests to sign'); return 0; }
        for (const n of r.signed) ctx.out(`Successfully signed certificate request for ${n}`);
        for (const e of r.errors) log.err(`could not sign ${e.name}: ${e.message}`);
        return r.errors.length ? 1 : 0;
      }
      if (action === 'revoke') {
        for (const n of names) { await admin.revoke(n); ctx.out(`Certificate for ${n} has been revoked`); }
        return 0;
      }
      if (action === 'clean') {
        let missing = 0;
        for (const n of names) {
          if (await admin.clean(n)) ctx.out(`Cleaned files related to ${n}`);
          else { log.err(`could not find files for ${n} to clean`); missing++; }
        }
        return missing ? 1 : 0;
      }
      // generate
      const alt = String(f.subject_alt_names ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      for (const n of names) {
        const r = await admin.generate(n, alt);
        ctx.out(`Successfully saved private key for ${n} to ${r.keyPath}`);
        ctx.out(`Successfully saved certificate for ${n} to ${r.certPath}`);
      }
      return 0;
    } finally { admin.close(); }
  },
};
