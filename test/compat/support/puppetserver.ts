// A private Debian puppetserver 7.9 on 127.0.0.1 and a free port, for the
// interoperability tests and the server benchmark: Debian's config copied into
// a temp dir with every path (code, vardir, ssldir, logs, JRuby gems) pointed
// inside it, one JRuby instance, a 512 MB-1 GB heap. Its own CA signs agents
// (`puppetserver ca sign` with the private puppet.conf). The caller runs the
// whole process under ../shared/bin/netns-run so nothing leaves loopback.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

const DEBIAN_CONF = '/etc/puppet/puppetserver';
const INSTALL_DIR = '/usr/share/puppetserver';
const JAR = join(INSTALL_DIR, 'puppetserver.jar');
const PUPPETSERVER_BIN = '/usr/bin/puppetserver';

export interface PuppetserverOptions {
  /** Copied to the server's code dir (it holds environments/). Default: an empty production environment. */
  codedir?: string;
  /** The server's certname (also in its certificate's alt names with localhost and IP:127.0.0.1). */
  certname?: string;
  /** Extra lines for puppet.conf's [server] section, e.g. `environment_timeout = unlimited`. */
  serverSettings?: Record<string, string>;
  /** How long to wait for /status/v1/simple to answer `running`. Default: KUROKO_PUPPETSERVER_START_SECONDS or 240 s. */
  startTimeoutMs?: number;
  /** Extra JVM flags, e.g. -XX:TieredStopAtLevel=1 for a faster start in tests (never in the benchmark). */
  jvmArgs?: string[];
  /** Keep the temp dir after stop() (for debugging). */
  keep?: boolean;
}

export interface Puppetserver {
  port: number;
  pid: number;
  /** Private root: conf/, code/, var/, ssl/, log/. */
  dir: string;
  /** The private puppet.conf (give it to `puppetserver ca --config`). */
  puppetConf: string;
  codedir: string;
  ssldir: string;
  reportdir: string;
  /** The CA certificate (PEM). */
  caCert: string;
  /** Seconds from spawn to `running`. */
  startSeconds: number;
  /** The server's log so far (stdout and stderr of the java process). */
  log(): string;
  /** `puppetserver ca ARGS --config puppet.conf`. */
  ca(args: string[]): { status: number; out: string };
  /** Signs pending requests with the server's own CA (`puppetserver ca sign`). */
  sign(certnames: string[]): void;
  /** A key and certificate for each certname, issued by the server's CA (`puppetserver ca generate`). */
  generate(certnames: string[]): { certname: string; key: string; cert: string }[];
  /** RSS of the java process tree, in MB. */
  rssMb(): number;
  stop(): Promise<void>;
}

/** Why a private puppetserver cannot run here, or undefined when it can. */
export function whyNoPuppetserver(): string | undefined {
  if (!existsSync(JAR) || !existsSync(join(DEBIAN_CONF, 'conf.d'))) return 'puppetserver is not installed (apt-get install puppetserver)';
  if (spawnSync('java', ['-version']).status !== 0) return 'java does not run';
  return undefined;
}

/** True when this process sees only loopback (it runs under netns-run). */
export function loopbackOnly(): boolean {
  return Object.keys(networkInterfaces()).every((n) => n === 'lo');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** PIDs of a process and all its descendants (from /proc). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch { /* exited */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { out.push(p); for (const c of children.get(p) ?? []) walk(c); };
  walk(root);
  return out;
}

export function treeRssMb(root: number): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    try { kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { /* exited */ }
  }
  return kb / 1024;
}

function status(port: number, ca: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/status/v1/simple', ca, rejectUnauthorized: ca !== undefined, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(body.trim()));
      res.on('error', () => resolve(''));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(''));
    req.end();
  });
}

function writeConfig(dir: string, port: number, opts: PuppetserverOptions): { confd: string; servicesd: string; puppetConf: string; reportdir: string; ssldir: string; codedir: string } {
  const p = (...a: string[]) => join(dir, ...a);
  for (const d of ['conf', 'code/environments/production/manifests', 'code/modules', 'var', 'run', 'log', 'gems', 'ssl', 'reports', 'ps']) mkdirSync(p(d), { recursive: true });
  cpSync(join(DEBIAN_CONF, 'conf.d'), p('ps', 'conf.d'), { recursive: true });
  cpSync(join(DEBIAN_CONF, 'services.d'), p('ps', 'services.d'), { recursive: true });
  if (opts.codedir) cpSync(opts.codedir, p('code'), { recursive: true });
  writeFileSync(p('ps', 'conf.d', 'webserver.conf'), `webserver: {\n  client-auth: want\n  ssl-host: 127.0.0.1\n  ssl-port: ${port}\n}\n`);
  writeFileSync(p('ps', 'conf.d', 'puppetserver.conf'), [
    'jruby-puppet: {',
    '  ruby-load-path: [/usr/lib/puppetserver/ruby/vendor_ruby]',
    `  gem-home: ${p('gems')}`,
    '  gem-path: [${jruby-puppet.gem-home}, "/usr/lib/puppetserver/vendored-jruby-gems"]',
    `  server-conf-dir: ${p('conf')}`,
    `  server-code-dir: ${p('code')}`,
    `  server-var-dir: ${p('var')}`,
    `  server-run-dir: ${p('run')}`,
    `  server-log-dir: ${p('log')}`,
    '  max-active-instances: 1',
    '}',
    'http-client: {}',
    'profiler: {}',
    '',
  ].join('\n'));
  // Logs to stdout only: Debian's logback.xml writes to /var/log/puppetserver.
  writeFileSync(p('ps', 'logback.xml'), '<configuration>\n  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">\n    <encoder><pattern>%d %-5p [%c{2}] %m%n</pattern></encoder>\n  </appender>\n  <logger name="org.eclipse.jetty" level="WARN"/>\n  <root level="info"><appender-ref ref="STDOUT"/></root>\n</configuration>\n');
  writeFileSync(p('ps', 'conf.d', 'global.conf'), `global: {\n  logging-config: ${p('ps', 'logback.xml')}\n}\nproduct: {\n  check-for-updates: false\n}\n`);
  const certname = opts.certname ?? 'puppet';
  const server = { certname, dns_alt_names: `puppet,localhost,IP:127.0.0.1`, reportdir: p('reports'), autosign: 'false', ...opts.serverSettings };
  const puppetConf = p('conf', 'puppet.conf');
  writeFileSync(puppetConf, [
    '[main]',
    `ssldir = ${p('ssl')}`,
    `vardir = ${p('var')}`,
    `logdir = ${p('log')}`,
    `rundir = ${p('run')}`,
    `codedir = ${p('code')}`,
    'server = 127.0.0.1',
    'ca_server = 127.0.0.1',
    `serverport = ${port}`,
    `ca_port = ${port}`,
    '[server]',
    `cadir = ${p('ssl', 'ca')}`,
    ...Object.entries(server).map(([k, v]) => `${k} = ${v}`),
    '',
  ].join('\n'));
  return { confd: p('ps', 'conf.d'), servicesd: p('ps', 'services.d'), puppetConf, reportdir: p('reports'), ssldir: p('ssl'), codedir: p('code') };
}

/** Starts a private puppetserver and waits until it answers `running`; throws (with its log) when it does not in time. */
export async function startPuppetserver(opts: PuppetserverOptions = {}): Promise<Puppetserver> {
  const why = whyNoPuppetserver();
  if (why) throw new Error(why);
  const dir = mkdtempSync(join(tmpdir(), 'kuroko-puppetserver-'));
  const port = await freePort();
  const cfg = writeConfig(dir, port, opts);
  const logPath = join(dir, 'log', 'puppetserver.out');
  const logStream = createWriteStream(logPath);
  const began = Date.now();
  const child: ChildProcess = spawn('java', [
    '-Xms512m', '-Xmx1g', '-Djruby.logger.class=com.puppetlabs.jruby_utils.jruby.Slf4jLogger', '-Djruby.lib=/usr/share/jruby/lib',
    '--add-opens', 'java.base/sun.nio.ch=ALL-UNNAMED', '--add-opens', 'java.base/java.io=ALL-UNNAMED', ...(opts.jvmArgs ?? []),
    '-XX:+CrashOnOutOfMemoryError', `-XX:ErrorFile=${join(dir, 'log', 'java_err_pid%p.log')}`,
    '-jar', JAR, '--config', cfg.confd, '--bootstrap-config', cfg.servicesd,
  ], { cwd: INSTALL_DIR, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
  child.stdout!.pipe(logStream, { end: false });
  child.stderr!.pipe(logStream, { end: false });
  const readLog = () => { try { return readFileSync(logPath, 'utf8'); } catch { return ''; } };
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }
    logStream.end();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  };
  const timeoutMs = opts.startTimeoutMs ?? (Number(process.env.KUROKO_PUPPETSERVER_START_SECONDS) || 240) * 1000;
  const deadline = began + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const out = readLog();
      await stop();
      throw new Error(`puppetserver exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${out.slice(-3000)}`);
    }
    if (await status(port, undefined) === 'running') break;
    if (Date.now() > deadline) {
      const out = readLog();
      await stop();
      throw new Error(`puppetserver was not ready within ${Math.round(timeoutMs / 1000)} s:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const startSeconds = (Date.now() - began) / 1000;
  const caCert = readFileSync(join(cfg.ssldir, 'certs', 'ca.pem'), 'utf8');
  const ca = (args: string[]) => {
    const r = spawnSync(PUPPETSERVER_BIN, ['ca', ...args, '--config', cfg.puppetConf], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: dir } });
    return { status: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
  };
  return {
    port, pid: child.pid!, dir, puppetConf: cfg.puppetConf, codedir: cfg.codedir, ssldir: cfg.ssldir, reportdir: cfg.reportdir, caCert, startSeconds,
    log: readLog,
    ca,
    sign(certnames) {
      const r = ca(['sign', '--certname', certnames.join(',')]);
      if (r.status !== 0) throw new Error(`puppetserver ca sign ${certnames.join(',')} failed (${r.status}):\n${r.out}`);
    },
    generate(certnames) {
      const r = ca(['generate', '--certname', certnames.join(',')]);
      if (r.status !== 0) throw new Error(`puppetserver ca generate ${certnames.join(',')} failed (${r.status}):\n${r.out}`);
      return certnames.map((certname) => ({
        certname,
        key: readFileSync(join(cfg.ssldir, 'private_keys', `${certname}.pem`), 'utf8'),
        cert: readFileSync(join(cfg.ssldir, 'certs', `${certname}.pem`), 'utf8'),
      }));
    },
    rssMb: () => treeRssMb(child.pid!),
    stop,
  };
}
