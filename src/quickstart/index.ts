// `kuroko quickstart` (`npm start`): the classic master/agent walkthrough in
// one command. It starts `kuroko server` for node3.test.com on 127.0.0.1,
// runs the agents node1.test.com and node2.test.com against it through the
// real CLI (child processes, as an operator would type them), shows each step
// — CSR and fingerprint, `cert list`, signing, catalog, changes, report — and
// leaves the server running in the foreground until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { KurokoError } from '../util/diagnostic.js';
import { layoutFor, pickPort, writeConfiguration, SERVER_CERTNAME, type AgentLayout } from './layout.js';

export { layoutFor, pickPort, writeConfiguration, seedCodedir, SERVER_CERTNAME, AGENT_CERTNAMES } from './layout.js';
export type { Layout, AgentLayout } from './layout.js';

export interface QuickstartOptions {
  /** The directory of the embedded configuration (default ./.kuroko). */
  dir: string;
  /** Manage the real system (root only) instead of a sandbox per agent. */
  real: boolean;
  /** The preferred port (8140); another free one is taken when it is busy. */
  port: number;
  /** Stop the server after the walkthrough instead of waiting for Ctrl-C. */
  once: boolean;
  out(text: string): void;
}

interface Finished { code: number; output: string }

/** How to start this same `kuroko` (bin/kuroko.js, or src/cli/run.ts under tsx). */
function selfArgv(): string[] {
  return [...process.execArgv.filter((a) => !a.startsWith('--test')), process.argv[1]];
}

export async function quickstart(o: QuickstartOptions): Promise<number> {
  if (o.real && !(typeof process.getuid === 'function' && process.getuid() === 0)) {
    throw new KurokoError('--real changes this machine (installs and starts nginx): run it as root, or leave it out for the sandbox', { code: 'KUR0802', field: 'real', value: true });
  }
  const l = layoutFor(o.dir, { real: o.real });
  const port = await pickPort(o.port);
  writeConfiguration(l, port);
  const show = (p: string) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p) || '.');
  const say = (text: string) => o.out(text);
  const step = (n: number, text: string) => say(`\n==> ${n}. ${text}`);
  const srvConf = `--confdir ${show(l.server.confdir)}`;

  step(1, `Start the server ${SERVER_CERTNAME} on 127.0.0.1:${port} (configuration in ${show(l.server.confdir)}/puppet.conf, code in ${show(l.codedir)})`);
  say(`$ kuroko server --no-daemonize --verbose ${srvConf}`);
  const server = spawn(process.execPath, [...selfArgv(), 'server', '--no-daemonize', '--verbose', '--confdir', l.server.confdir], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env },
  });
  let serverExit: number | undefined;
  const serverExited = new Promise<number>((done) => server.on('exit', (code, signal) => { serverExit = code ?? (signal ? 0 : 1); done(serverExit); }));
  const listening = pipeLines(server, '    server | ', say, /listening on/);
  const stop = () => { if (serverExit === undefined) server.kill('SIGTERM'); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const ready = await Promise.race([listening.then(() => true), serverExited.then(() => false)]);
  if (!ready) throw new KurokoError(`kuroko server did not start (exit code ${serverExit}): see its output above`, { code: 'KUR0803', field: 'serverport', value: port });

  let n = 2;
  let problems = 0;
  const agentRun = async (a: AgentLayout): Promise<Finished> => {
    const env: Record<string, string> = a.sandbox ? { FACTER_kuroko_sandbox: a.sandbox } : {};
    say(`$ ${a.sandbox ? `FACTER_kuroko_sandbox=${a.sandbox} ` : ''}kuroko agent --test --confdir ${show(a.confdir)}`);
    return runChild(['agent', '--test', '--confdir', a.confdir], env, say);
  };
  const admin = (args: string[]): Promise<Finished> => {
    say(`$ kuroko ${args.join(' ')} ${srvConf}`);
    return runChild([...args, '--confdir', l.server.confdir], {}, say);
  };

  for (const [i, a] of l.agents.entries()) {
    if (existsSync(a.certFile)) {
      step(n++, `${a.certname} already has its certificate (from an earlier quickstart; delete ${show(l.base)} to start over): it asks for its catalog`);
    } else {
      step(n++, `First run of ${a.certname}: it creates its key, sends a certificate request (CSR) and waits for the CA`);
      const first = await agentRun(a);
      const mine = /Certificate Request fingerprint \(SHA256\): ([0-9A-F:]+)/.exec(first.output)?.[1];
      step(n++, 'The CA lists the waiting request with its SHA256 fingerprint');
      const list = await admin(['cert', 'list']);
      if (mine && list.output.includes(mine)) say(`    The fingerprint matches the one ${a.certname} printed: sign it.`);
      else if (mine) { problems++; say(`    Warning: ${a.certname}'s fingerprint ${mine} is not in the list`); }
      // The first agent is signed by name, the next with --all, as in the walkthrough.
      step(n++, i === 0 ? `Sign ${a.certname}'s request` : 'Sign every waiting request');
      const signed = await admin(i === 0 ? ['cert', 'sign', a.certname] : ['cert', 'sign', '--all']);
      if (signed.code !== 0) problems++;
      step(n++, `${a.certname} fetches its certificate and its catalog, applies it${a.sandbox ? ` (files under ${show(a.sandbox)}; package and service in noop)` : ''} and sends its report`);
    }
    const run = await agentRun(a);
    if (run.code !== 0 && run.code !== 2) { problems++; say(`    Warning: the run of ${a.certname} ended with exit code ${run.code}`); }
  }

  step(n++, `A second run of ${l.agents[0].certname} finds everything in place: no changes (exit code 0)`);
  const again = await agentRun(l.agents[0]);
  if (again.code !== 0) { problems++; say(`    Warning: expected exit code 0, got ${again.code}`); }

  step(n++, 'The reports the server stored');
  await admin(['report', 'list']);

  say('');
  say(problems ? `Finished with ${problems} problem(s): see the warnings above.` : 'The walkthrough is done.');
  say(`Kuroko server ${SERVER_CERTNAME} is running at https://127.0.0.1:${port} (pid ${server.pid}).`);
  say(`Run an agent again:  ${l.agents[0].sandbox ? `FACTER_kuroko_sandbox=${l.agents[0].sandbox} ` : ''}npx kuroko agent --test --confdir ${show(l.agents[0].confdir)}`);
  say(`See its last report: npx kuroko report show ${l.agents[0].certname} ${srvConf}`);
  say(`Edit the code in ${show(l.codedir)}: the next agent run picks it up without a restart.`);
  if (o.once) stop();
  else say('Press Ctrl-C to stop the server.');
  await serverExited;
  process.removeListener('SIGINT', stop);
  process.removeListener('SIGTERM', stop);
  say('Kuroko server stopped.');
  return problems ? 1 : 0;
}

/** Streams a child's output line by line with a prefix; resolves when a line matches `until`. */
function pipeLines(child: ChildProcess, prefix: string, say: (t: string) => void, until?: RegExp, sink?: string[]): Promise<void> {
  return new Promise((done) => {
    let matched = false;
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          sink?.push(line);
          say(prefix + line);
          if (!matched && until?.test(line)) { matched = true; done(); }
        }
      });
      stream?.on('end', () => { if (buf) { sink?.push(buf); say(prefix + buf); buf = ''; } });
    }
    if (!until) done();
  });
}

/** Runs `kuroko ARGS` to its end, showing its output indented. */
function runChild(args: string[], env: Record<string, string>, say: (t: string) => void): Promise<Finished> {
  const child = spawn(process.execPath, [...selfArgv(), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: string[] = [];
  void pipeLines(child, '    ', say, undefined, lines);
  return new Promise((done) => {
    child.on('error', (e) => { lines.push(String(e)); done({ code: 1, output: lines.join('\n') }); });
    child.on('close', (code) => done({ code: code ?? 1, output: lines.join('\n') }));
  });
}

