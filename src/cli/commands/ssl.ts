// `kuroko ssl ACTION`: the agent's side of certificates (Puppet 7's
// `puppet ssl`): bootstrap, submit_request, download_cert, verify, show, clean.
import type { Command } from '../command.js';
import { usageError } from '../../util/diagnostic.js';

export const command: Command = {
  name: 'ssl',
  summary: "Manage this node's key and certificate: bootstrap, submit_request, download_cert, verify, show, clean.",
  usage: [
    'kuroko ssl bootstrap [--waitforcert SECONDS]',
    'kuroko ssl submit_request',
    'kuroko ssl download_cert',
    'kuroko ssl verify',
    'kuroko ssl show',
    'kuroko ssl clean [--localca]',
  ],
  description: 'bootstrap fetches the CA certificate and CRL, makes a key, submits a request and waits for the\ncertificate (waitforcert; 0 exits at once). clean removes this node\'s key, certificate and request\n(and with --localca the CA certificate and CRL) so that it can start over.',
  runMode: 'agent',
  flags: [
    { name: 'localca', type: 'boolean', desc: 'clean: also remove the local copy of the CA certificate and CRL.' },
  ],
  async run(ctx) {
    const [action] = ctx.args.positional;
    const actions = ['bootstrap', 'submit_request', 'download_cert', 'verify', 'show', 'clean'];
    if (!action || !actions.includes(action)) throw usageError(`Unknown or missing action${action ? ` '${action}'` : ''}: expected one of ${actions.join(', ')}`);
    const { SslBootstrap, sslOptionsFromSettings } = await import('../../agent/ssl.js');
    const opts = sslOptionsFromSettings(ctx.settings());
    const ssl = new SslBootstrap(opts);
    const name = opts.certname;
    switch (action) {
      case 'bootstrap': {
        const c = await ssl.run();
        ctx.out(`Completed SSL initialization for ${name} (certificate serial ${c.certificate.serial}, valid until ${c.certificate.notAfter.toISOString()})`);
        return 0;
      }
      case 'submit_request': {
        const ca = await ssl.ensureCaCert();
        if (opts.certificateRevocation !== 'false') await ssl.ensureCrl(ca);
        await ssl.submitCsr(ca, await ssl.ensureKey());
        ctx.out(`Submitted certificate request for '${name}' to ${opts.caServer}:${opts.caPort}`);
        return 0;
      }
      case 'download_cert': {
        const ca = await ssl.ensureCaCert();
        const crl = opts.certificateRevocation === 'false' ? undefined : await ssl.ensureCrl(ca);
        const key = await ssl.ensureKey();
        ssl.options.waitforcert = 0;
        const pem = await ssl.obtainCertificate(ca, crl, key);
        await ssl.check(ca, crl, key, pem);
        ctx.out(`Downloaded certificate '${name}' from ${opts.caServer}:${opts.caPort}`);
        return 0;
      }
      case 'verify': {
        const c = await ssl.loadLocal();
        ctx.out(`Verified client certificate '${c.certificate.subject}' fingerprint (SHA256) ${c.certificate.fingerprint}`);
        return 0;
      }
      case 'show': {
        const { readFileSync } = await import('node:fs');
        const { parseCertificate } = await import('../../ca/certinfo.js');
        let pem: string;
        try { pem = readFileSync(ssl.paths.cert(name), 'utf8'); } catch { ctx.out(`No certificate for ${name} in ${ssl.paths.certsDir}`); return 1; }
        ctx.out(parseCertificate(pem, name).certificate.toString('text'));
        return 0;
      }
      case 'clean': {
        const removed = ssl.clean({ localCa: ctx.args.flags.localca === true });
        for (const f of removed) ctx.out(`Removed ${f}`);
        if (!removed.length) ctx.out(`Nothing to clean for ${name}`);
        return 0;
      }
    }
    return 2;
  },
};
