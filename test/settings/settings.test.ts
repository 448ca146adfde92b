// Settings resolution: defaults, precedence, interpolation, cycles, types and
// every kind of bad puppet.conf, with real files in a temp dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { loadSettings, parseDuration, SETTINGS, SETTINGS_BY_NAME, type LoadOptions } from '../../src/settings/index.js';
import { KurokoError, formatDiagnostic } from '../../src/util/diagnostic.js';
import { log, MemoryDestination } from '../../src/log/index.js';

const ctx = { root: false, home: '/home/alice', fqdn: 'node1.example.com' };

/** Settings from a puppet.conf with this text (and options). */
function withConf(text: string, opts: Partial<LoadOptions> = {}) {
  const dir = tempDir();
  const file = join(dir, 'puppet.conf');
  writeFileSync(file, text);
  return { file, settings: loadSettings({ runMode: 'user', context: ctx, configFile: file, ...opts }) };
}

/** The KurokoError a puppet.conf with this text raises. */
function confError(text: string, opts: Partial<LoadOptions> = {}): { err: KurokoError; file: string } {
  const dir = tempDir();
  const file = join(dir, 'puppet.conf');
  writeFileSync(file, text);
  try {
    loadSettings({ runMode: 'user', context: ctx, configFile: file, ...opts });
  } catch (e) {
    assert.ok(e instanceof KurokoError, String(e));
    return { err: e, file };
  }
  assert.fail('expected an error');
}

test('every setting the issue names exists', () => {
  const required = `confdir codedir vardir rundir logdir ssldir certname server serverport bindaddress environment
    environmentpath manifest modulepath basemodulepath hiera_config autosign ca_ttl dns_alt_names keylength runinterval
    splay splaylimit waitforcert noop pidfile daemonize reports reportttl usecacheonfailure certificate_revocation strict
    strict_variables log_level environment_timeout`.split(/\s+/);
  for (const n of required) assert.ok(SETTINGS_BY_NAME.get(n)?.name === n, `missing setting ${n}`);
  assert.equal(SETTINGS_BY_NAME.get('masterport')?.name, 'serverport', 'masterport is an alias of serverport');
  // Puppet 7's defaults: an unknown variable is a warning, not an error (Puppet 8 changed both).
  assert.equal(SETTINGS_BY_NAME.get('strict_variables')?.default, 'false');
  assert.equal(SETTINGS_BY_NAME.get('strict')?.default, 'warning');
  assert.equal(new Set(SETTINGS.map((s) => s.name)).size, SETTINGS.length, 'no duplicate names');
});

test('root defaults', () => {
  const s = loadSettings({ runMode: 'server', context: { ...ctx, root: true }, configFile: '/nonexistent/puppet.conf' });
  assert.equal(s.get('confdir'), '/etc/kuroko');
  assert.equal(s.get('codedir'), '/etc/kuroko/code');
  assert.equal(s.get('vardir'), '/var/lib/kuroko');
  assert.equal(s.get('rundir'), '/run/kuroko');
  assert.equal(s.get('logdir'), '/var/log/kuroko');
  assert.equal(s.get('ssldir'), '/etc/kuroko/ssl');
  assert.equal(s.get('environmentpath'), '/etc/kuroko/code/environments');
  assert.equal(s.get('certname'), 'node1.example.com');
  assert.equal(s.get('pidfile'), '/run/kuroko/server.pid');
  assert.equal(s.int('serverport'), 8140);
  assert.equal(s.duration('runinterval'), 1800);
});

test('non-root defaults live under ~/.kuroko, and puppet.conf is looked for in confdir', () => {
  const home = tempDir();
  writeFileSync(join(home, 'unused'), '');
  const s = loadSettings({ runMode: 'agent', context: { ...ctx, home } });
  assert.equal(s.get('confdir'), `${home}/.kuroko/etc`);
  assert.equal(s.get('codedir'), `${home}/.kuroko/etc/code`);
  assert.equal(s.get('vardir'), `${home}/.kuroko/var`);
  assert.equal(s.get('rundir'), `${home}/.kuroko/run`);
  assert.equal(s.get('logdir'), `${home}/.kuroko/log`);
  assert.equal(s.get('ssldir'), `${home}/.kuroko/etc/ssl`);
  assert.equal(s.get('pidfile'), `${home}/.kuroko/run/agent.pid`);
  assert.equal(s.configFile, `${home}/.kuroko/etc/puppet.conf`);
  for (const def of SETTINGS) {
    const v = s.get(def.name);
    if (def.type === 'path' && v.startsWith('/')) {
      for (const p of v.split(':')) assert.ok(p.startsWith(home) || p.startsWith('/usr/share/puppet'), `${def.name} = ${v} is outside the home`);
    }
  }
});

test('precedence: CLI flag > run mode section > [main] > default; [master] is read as [server]', () => {
  const text = [
    '[main]', 'server = main.example', 'environment = main_env', 'splay = true', 'ca_ttl = 1y',
    '[master]', 'environment = master_env', 'server = master.example',
    '[agent]', 'server = agent.example', 'splay = false',
  ].join('\n');
  const dir = tempDir();
  const file = join(dir, 'puppet.conf');
  writeFileSync(file, text);
  const load = (runMode: 'server' | 'agent' | 'user', cli: Record<string, string> = {}) => loadSettings({ runMode, cli, context: ctx, configFile: file });

  const server = load('server');
  assert.equal(server.get('environment'), 'master_env');
  assert.equal(server.get('server'), 'master.example');
  assert.equal(server.get('splay'), 'true', 'from [main]');
  assert.deepEqual(server.source('environment'), { kind: 'section', file, line: 7, section: 'server' });
  assert.deepEqual(server.source('splay'), { kind: 'main', file, line: 4, section: 'main' });
  assert.equal(server.source('runinterval').kind, 'default');

  const agent = load('agent');
  assert.equal(agent.get('server'), 'agent.example');
  assert.equal(agent.get('environment'), 'main_env', 'the agent does not see [master]');
  assert.equal(agent.bool('splay'), false);

  const user = load('user');
  assert.equal(user.get('server'), 'main.example');

  const cli = load('agent', { server: 'cli.example', environment: 'cli_env' });
  assert.equal(cli.get('server'), 'cli.example');
  assert.equal(cli.get('environment'), 'cli_env');
  assert.equal(cli.source('server').kind, 'cli');
  assert.equal(cli.duration('ca_ttl'), 31536000);

  // [main] alone (config print --section main).
  const mainOnly = loadSettings({ runMode: 'user', section: 'main', context: ctx, configFile: file });
  assert.equal(mainOnly.get('server'), 'main.example');
});

test('aliases: masterport in the file and on the command line sets serverport', () => {
  assert.equal(withConf('masterport = 8141\n').settings.int('serverport'), 8141);
  assert.equal(withConf('[server]\nmasterport = 8142\n', { runMode: 'server' }).settings.get('masterport'), '8142');
  assert.equal(loadSettings({ runMode: 'user', context: ctx, configFile: '/nonexistent', cli: { masterport: '9000' } }).int('serverport'), 9000);
});

test('interpolation: $name and ${name}, in defaults and in files, following overrides', () => {
  const { settings } = withConf([
    '[main]', 'confdir = /srv/k', 'rundir = /var/run/kuroko', 'vardir = ${confdir}/var',
    '[server]', 'pidfile = $rundir/master.pid', 'manifest = $codedir/site.pp', 'ca_name = CA on ${certname}: $unknown_thing',
  ].join('\n'), { runMode: 'server' });
  assert.equal(settings.get('pidfile'), '/var/run/kuroko/master.pid', 'the classic pidfile = $rundir/master.pid');
  assert.equal(settings.get('codedir'), '/srv/k/code', 'a default following an overridden confdir');
  assert.equal(settings.get('ssldir'), '/srv/k/ssl');
  assert.equal(settings.get('vardir'), '/srv/k/var');
  assert.equal(settings.get('statedir'), '/srv/k/var/state', 'interpolation through two levels');
  assert.equal(settings.get('manifest'), '/srv/k/code/site.pp');
  assert.equal(settings.get('ca_name'), 'CA on node1.example.com: $unknown_thing', 'a name that is no setting stays literal');
  assert.equal(settings.rawValue('pidfile'), '$rundir/master.pid');
  assert.equal(settings.get('splaylimit'), '30m', 'splaylimit defaults to $runinterval');
});

test('a cycle is an error naming the settings and the file:line to fix', () => {
  const { err, file } = confError('[main]\n# comment\nvardir = $ssldir/var\nssldir = $vardir/ssl\n');
  assert.equal(err.code, 'KUR0104');
  assert.match(err.message, /^Cyclic interpolation in setting '(vardir|ssldir)': \$(vardir|ssldir) -> \$(ssldir|vardir) -> \$(vardir|ssldir)$/);
  assert.equal(err.location?.file, file);
  assert.ok(err.location?.line === 3 || err.location?.line === 4);
  // A cycle through a default points at the line in the file.
  const viaDefault = confError('[main]\nrunninterval_typo = 1\nruninterval = $splaylimit\n');
  assert.match(viaDefault.err.message, /Cyclic interpolation in setting 'runinterval': \$runinterval -> \$splaylimit -> \$runinterval/);
  assert.equal(viaDefault.err.location?.line, 3);
  assert.match(formatDiagnostic(viaDefault.err.toDiagnostic()), new RegExp(`\\(file: ${viaDefault.file}, line: 3\\)`));
  // A self-reference, too.
  assert.match(confError('logdir = $logdir/x\n').err.message, /\$logdir -> \$logdir/);
});

test('durations: 30m, 1h, 2d, 1800, 30s, 1y and unlimited', () => {
  assert.equal(parseDuration('30m'), 1800);
  assert.equal(parseDuration('1h'), 3600);
  assert.equal(parseDuration('2d'), 172800);
  assert.equal(parseDuration('1800'), 1800);
  assert.equal(parseDuration('30s'), 30);
  assert.equal(parseDuration('1y'), 31536000);
  assert.equal(parseDuration('unlimited'), Infinity);
  for (const bad of ['abc', '', '1x', '-5m', '1h30m']) assert.throws(() => parseDuration(bad), /invalid duration/, bad);
  const { settings } = withConf('runinterval = 2d\nwaitforcert = 1800\nenvironment_timeout = unlimited\n');
  assert.equal(settings.duration('runinterval'), 172800);
  assert.equal(settings.duration('waitforcert'), 1800);
  assert.equal(settings.duration('environment_timeout'), Infinity);
});

test('values: booleans, integers, enums, lists, quotes, metadata, and # inside a value', () => {
  const { settings } = withConf([
    'noop = true', 'splay = FALSE', 'keylength = 2048', 'strict = error', 'dns_alt_names = puppet, puppet.example.com,DNS:x',
    'server = "quoted.example"', "environment = 'single'", 'ssldir = /srv/ssl { owner = service, mode = 0750 }',
    'ca_name = CA #1', '  reports =   store, log   ',
  ].join('\n') + '\n');
  assert.equal(settings.bool('noop'), true);
  assert.equal(settings.bool('splay'), false);
  assert.equal(settings.int('keylength'), 2048);
  assert.equal(settings.get('strict'), 'error');
  assert.deepEqual(settings.list('dns_alt_names'), ['puppet', 'puppet.example.com', 'DNS:x']);
  assert.equal(settings.get('server'), 'quoted.example');
  assert.equal(settings.get('environment'), 'single');
  assert.equal(settings.get('ssldir'), '/srv/ssl', 'file metadata is not part of the value');
  assert.equal(settings.get('ca_name'), 'CA #1', 'Puppet has no partial-line comments');
  assert.equal(settings.get('reports'), 'store, log');
  assert.deepEqual(settings.conf?.lines.find((l) => l.name === 'ssldir')?.meta, { owner: 'service', mode: '0750' });
});

test('an unknown setting warns with file:line and is ignored', () => {
  const mem = new MemoryDestination();
  log.addDestination(mem);
  try {
    const { file, settings } = withConf('[main]\nserver = a\nno_such_setting = 1\n[agent]\n  frobnicate = yes\n');
    assert.equal(settings.get('server'), 'a');
    const warnings = mem.entries.filter((e) => e.level === 'warning').map((e) => e.message);
    assert.deepEqual(warnings, [
      `Setting 'no_such_setting' is unknown and will be ignored (file: ${file}, line: 3)`,
      `Setting 'frobnicate' is unknown and will be ignored (file: ${file}, line: 5)`,
    ]);
  } finally {
    log.removeDestination(mem);
  }
});

test('a malformed line fails with file:line and an excerpt', () => {
  const { err, file } = confError('[main]\nserver = a\nthis line is wrong\n');
  assert.equal(err.code, 'KUR0101');
  assert.equal(err.message, 'Could not match line "this line is wrong"');
  assert.deepEqual(err.location, { file, line: 3, column: 1 });
  assert.equal(formatDiagnostic(err.toDiagnostic()), `Could not match line "this line is wrong" (file: ${file}, line: 3, column: 1)\n  this line is wrong\n  ^`);
  assert.match(confError('[main\n').err.message, /Could not match line/);
  assert.match(confError('server = a { colour = red }\n').err.message, /Invalid file option 'colour' in the metadata of setting 'server'/);
});

test('an illegal section fails with file:line', () => {
  const { err, file } = confError('[main]\nserver = a\n\n[production]\nmanifest = x\n');
  assert.match(err.message, /^Illegal section 'production' in puppet.conf; the only valid sections are \[main, server, master, agent, user\]/);
  assert.equal(err.location?.file, file);
  assert.equal(err.location?.line, 4);
});

test('an invalid value fails with file:line, the setting and the value', () => {
  const cases: [string, string, RegExp][] = [
    ['runinterval = abc', 'runinterval', /invalid duration "abc"/],
    ['noop = maybe', 'noop', /invalid boolean "maybe"/],
    ['serverport = eighty', 'serverport', /"eighty" is not an integer/],
    ['strict = very', 'strict', /"very" is not one of off, warning, error/],
    ['log_level = loud', 'log_level', /"loud" is not one of/],
  ];
  for (const [line, name, why] of cases) {
    const { err, file } = confError(`[main]\n\n${line}\n`);
    assert.equal(err.code, 'KUR0102', line);
    assert.match(err.message, new RegExp(`^Invalid value for setting '${name}': `), line);
    assert.match(err.message, why, line);
    assert.deepEqual(err.location, { file, line: 3 }, line);
    assert.equal(err.field, name);
    const shown = formatDiagnostic(err.toDiagnostic());
    assert.ok(shown.includes(`(file: ${file}, line: 3)`), shown);
  }
  // In the run mode's section, and through an alias.
  const { err } = confError('[agent]\nmasterport = x\n', { runMode: 'agent' });
  assert.match(err.message, /setting 'serverport'/);
  assert.equal(err.location?.line, 2);
});

test('an invalid value on the command line names the flag', () => {
  assert.throws(() => loadSettings({ runMode: 'agent', context: ctx, configFile: '/nonexistent', cli: { runinterval: 'soon' } }),
    (e: unknown) => e instanceof KurokoError && /^Invalid value for setting 'runinterval' \(given as --runinterval\): invalid duration "soon"/.test(e.message));
  assert.throws(() => loadSettings({ runMode: 'agent', context: ctx, configFile: '/nonexistent', cli: { nonsense: '1' } }), /Unknown setting 'nonsense'/);
});

test('configText is checked as if it were the file', () => {
  const s = loadSettings({ runMode: 'agent', context: ctx, configFile: '/nowhere/puppet.conf', configText: '[agent]\nserver = t\n' });
  assert.equal(s.get('server'), 't');
  assert.deepEqual(s.source('server'), { kind: 'section', file: '/nowhere/puppet.conf', line: 2, section: 'agent' });
});

test('path settings are made absolute, as Puppet does (relative to the working directory, ~ to the home)', () => {
  const s = loadSettings({ runMode: 'agent', context: ctx, configFile: '/nonexistent', cli: { confdir: 'rel/conf', vardir: '~/var', basemodulepath: 'mods:/abs/mods' } });
  assert.equal(s.get('confdir'), join(process.cwd(), 'rel/conf'));
  assert.equal(s.get('ssldir'), join(process.cwd(), 'rel/conf/ssl'));
  assert.equal(s.get('vardir'), '/home/alice/var');
  assert.equal(s.get('basemodulepath'), `${join(process.cwd(), 'mods')}:/abs/mods`);
  assert.equal(s.get('manifest'), '', 'an empty path stays empty');
});
