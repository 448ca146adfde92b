// The quickstart's embedded configuration: one directory (./.kuroko by
// default) holding the server's confdir, vardir and ssldir, one confdir per
// agent, and one sandbox per agent. Every puppet.conf is rewritten on each
// start (the port may change); keys, certificates and the store are kept.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirp, writeFileAtomic } from '../util/fsutil.js';
import { KurokoError } from '../util/diagnostic.js';

export const SERVER_CERTNAME = 'node3.test.com';
export const AGENT_CERTNAMES = ['node1.test.com', 'node2.test.com'] as const;

export interface AgentLayout {
  certname: string;
  confdir: string;
  vardir: string;
  ssldir: string;
  /** Where the agent's managed paths go ('' when the run makes real changes). */
  sandbox: string;
  /** The certificate the CA signed for this agent (present after the first signed run). */
  certFile: string;
}

export interface Layout {
  base: string;
  codedir: string;
  server: { confdir: string; vardir: string; ssldir: string; logdir: string; rundir: string };
  agents: AgentLayout[];
}

/** examples/seed of this package: two levels above this file, in src/ and in dist/src/ alike. */
export function seedCodedir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = resolve(here, up, 'examples', 'seed');
    if (existsSync(join(dir, 'environments', 'production'))) return dir;
  }
  throw new KurokoError('The example code base (examples/seed) is missing from this installation', { code: 'KUR0801', field: 'codedir', value: resolve(here, '../..', 'examples', 'seed') });
}

export function layoutFor(baseDir: string, opts: { codedir?: string; real?: boolean } = {}): Layout {
  const base = resolve(baseDir);
  const etc = join(base, 'etc');
  return {
    base,
    codedir: opts.codedir ? resolve(opts.codedir) : seedCodedir(),
    server: { confdir: etc, vardir: join(base, 'var'), ssldir: join(etc, 'ssl'), logdir: join(base, 'log'), rundir: join(base, 'run') },
    agents: AGENT_CERTNAMES.map((certname) => {
      const root = join(base, 'agents', certname);
      const confdir = join(root, 'etc');
      return {
        certname, confdir, vardir: join(root, 'var'), ssldir: join(confdir, 'ssl'),
        sandbox: opts.real ? '' : join(base, 'sandbox', certname),
        certFile: join(confdir, 'ssl', 'certs', `${certname}.pem`),
      };
    }),
  };
}

/** Writes the server's and each agent's puppet.conf for a server on 127.0.0.1:port. */
export function writeConfiguration(l: Layout, port: number): void {
  const s = l.server;
  for (const d of [s.confdir, s.vardir, s.logdir, s.rundir]) mkdirp(d);
  writeFileAtomic(join(s.confdir, 'puppet.conf'), [
    '# Written by `kuroko quickstart`: the server node3.test.com on 127.0.0.1.',
    '[main]',
    `certname = ${SERVER_CERTNAME}`,
    `vardir = ${s.vardir}`,
    `logdir = ${s.logdir}`,
    `rundir = ${s.rundir}`,
    `codedir = ${l.codedir}`,
    // Only the example's modules: not the system's (/usr/share/puppet/modules) too.
    'basemodulepath = $codedir/modules',
    '',
    '[server]',
    'bindaddress = 127.0.0.1',
    `serverport = ${port}`,
    // Agents dial 127.0.0.1: the server certificate must carry it.
    `dns_alt_names = ${SERVER_CERTNAME},localhost,IP:127.0.0.1`,
    '',
  ].join('\n'));
  for (const a of l.agents) {
    mkdirp(a.confdir);
    if (a.sandbox) mkdirp(a.sandbox);
    writeFileAtomic(join(a.confdir, 'puppet.conf'), [
      `# Written by \`kuroko quickstart\`: the agent ${a.certname}.`,
      '[main]',
      `certname = ${a.certname}`,
      `vardir = ${a.vardir}`,
      `logdir = ${join(a.vardir, '..', 'log')}`,
      `rundir = ${join(a.vardir, '..', 'run')}`,
      '',
      '[agent]',
      'server = 127.0.0.1',
      `serverport = ${port}`,
      '',
    ].join('\n'));
  }
}

/** 8140 when it is free on 127.0.0.1, else a free port the system picks. */
export async function pickPort(preferred = 8140): Promise<number> {
  const tryListen = (port: number) => new Promise<number | undefined>((done) => {
    const srv = createServer();
    srv.once('error', () => done(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      const got = typeof addr === 'object' && addr ? addr.port : undefined;
      srv.close(() => done(got));
    });
  });
  return (preferred > 0 ? await tryListen(preferred) : undefined) ?? (await tryListen(0)) ?? preferred;
}
