// `kuroko cert ACTION`: Puppet 3's certificate commands, as in the classic
// walkthrough (list, sign, revoke, clean, generate, print, fingerprint), on
// the local CA or over the CA server's API.
import type { Command } from '../command.js';
import { log } from '../../log/index.js';
import { usageError, KurokoError } from '../../util/diagnostic.js';

export const command: Command = {
  name: 'cert',
  summary: 'Manage certificates on the CA: list, sign, revoke, clean, generate (Puppet 3 style).',
  usage: [
    'kuroko cert list [--all] [NAME...]',
    'kuroko cert sign NAME... | --all [--allow-dns-alt-names]',
    'kuroko cert revoke NAME...',
    'kuroko cert clean NAME...',
    'kuroko cert generate NAME [--dns_alt_names a,b]',
    'kuroko cert print NAME',
    'kuroko cert fingerprint NAME [--digest SHA256]',
  ],
  description: 'Works on the CA in cadir when this host has one, else (or with --remote) through the CA server\'s HTTPS API\nwith this host\'s certificate, which must carry pp_cli_auth.\nIn `cert list`, "+" marks signed certificates and "-" revoked ones.',
  runMode: 'server',
  flags: [
    { name: 'all', type: 'boolean', short: 'a', desc: 'list: every certificate, not only requests; sign: every pending request.' },
    { name: 'allow-dns-alt-names', type: 'boolean', desc: 'Sign requests that carry subject alternative names.' },
    { name: 'digest', type: 'string', arg: 'ALG', desc: 'fingerprint: SHA1, SHA256 (default) or SHA512.' },
    { name: 'remote', type: 'boolean', desc: 'Use the CA server\'s API even when this host has a CA.' },
  ],
  async run(ctx) {
    const [action, ...names] = ctx.args.positional;
    const f = ctx.args.flags;
    const actions = ['list', 'sign', 'revoke', 'clean', 'generate', 'print', 'fingerprint'];
    if (!action || !actions.includes(action)) throw usageError(`Unknown or missing action${action ? ` '${action}'` : ''}: expected one of ${actions.join(', ')}`);
    if (['revoke', 'clean', 'generate', 'print', 'fingerprint'].includes(action) && !names.length) throw usageError(`kuroko cert ${action} needs a certname`);
    if (action === 'sign' && !names.length && !f.all) throw usageError('kuroko cert sign needs a certname or --all');
    const { openCaAdmin, puppet3Line } = await import('../../ca/admin.js');
    const admin = await openCaAdmin(ctx.settings(), { remote: f.remote === true });
    try {
      switch (action) {
        case 'list': {
          let hosts = await admin.list(f.all ? undefined : 'requested');
          if (names.length) hosts = (await admin.list()).filter((h) => names.includes(h.name));
          const order = { requested: 0, signed: 1, revoked: 2 } as const;
          hosts.sort((a, b) => order[a.state] - order[b.state] || a.name.localeCompare(b.name));
          for (const h of hosts) ctx.out(puppet3Line(h, f.all === true || names.length > 0));
          return 0;
        }
        case 'sign': {
          const opts = { allowDnsAltNames: f.allow_dns_alt_names === true };
          const r = f.all ? await admin.signAll(opts) : await admin.sign(names, opts);
          if (f.all && !r.signed.length && !r.errors.length) { ctx.out('No waiting certificate requests to sign'); return 0; }
          for (const n of r.signed) ctx.out(`Signed certificate request for ${n}`);
          for (const e of r.errors) log.err(`${e.message}`);
          return r.errors.length ? 24 : 0;
        }
        case 'revoke': {
          for (const n of names) { await admin.revoke(n); ctx.out(`Revoked certificate for ${n}`); }
          return 0;
        }
        case 'clean': {
          let missing = 0;
          for (const n of names) {
            if (await admin.clean(n)) ctx.out(`Cleaned files related to ${n}`);
            else { log.err(`Could not find files for ${n} to clean`); missing++; }
          }
          return missing ? 24 : 0;
        }
        case 'generate': {
          if (names.length !== 1) throw usageError('kuroko cert generate takes one certname');
          const alt = (ctx.args.settings.dns_alt_names ?? '').split(',').map((s) => s.trim()).filter(Boolean);
          const r = await admin.generate(names[0], alt);
          ctx.out(`Signed certificate request for ${names[0]}`);
          ctx.out(`Private key: ${r.keyPath}`);
          ctx.out(`Certificate: ${r.certPath}`);
          return 0;
        }
        case 'print':
        case 'fingerprint': {
          const { parseCertificate } = await import('../../ca/certinfo.js');
          const { fingerprint } = await import('../../ca/fingerprint.js');
          let status = 0;
          for (const n of names) {
            const pem = await admin.certificatePem(n);
            if (pem === undefined) {
              const st = await admin.status(n);
              if (st && action === 'fingerprint') { ctx.out(`${n} (SHA256) ${st.fingerprint}`); continue; }
              log.err(`Could not find a certificate for ${n}`); status = 24; continue;
            }
            const c = parseCertificate(pem, n);
            if (action === 'print') ctx.out(c.certificate.toString('text'));
            else {
              const digest = String(f.digest ?? 'SHA256').toUpperCase().replace('-', '');
              if (!['SHA1', 'SHA256', 'SHA512'].includes(digest)) throw usageError(`Unknown digest '${f.digest}' (expected SHA1, SHA256 or SHA512)`);
              ctx.out(`${n} (${digest}) ${fingerprint(c.der, digest as 'SHA1' | 'SHA256' | 'SHA512')}`);
            }
          }
          return status;
        }
      }
      throw new KurokoError(`Unhandled action ${action}`);
    } finally { admin.close(); }
  },
};
