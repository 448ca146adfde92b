// --genconfig: the renderer read back yields the same values, in-process and
// through the real CLI (`kuroko server --genconfig`, `kuroko agent --genconfig`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kuroko, tempDir } from '../helpers.js';
import { loadSettings, SETTINGS, type RunMode } from '../../src/settings/index.js';
import { renderGenconfig } from '../../src/settings/genconfig.js';
import { parsePuppetConf } from '../../src/settings/puppetconf.js';
import { findCommand } from '../../src/cli/commands/index.js';

const ctx = { root: false, home: '/home/bob', fqdn: 'master.example.com' };
const CONF = [
  '# site settings',
  '[main]', 'server = puppet.example.com', 'runinterval = 1h', 'ca_name = CA #7 for $certname',
  '[master]', 'rundir = /var/run/kuroko', 'pidfile = $rundir/master.pid', 'dns_alt_names = puppet,puppet.example.com',
  '[agent]', 'environment = testing', 'splay = true',
].join('\n') + '\n';

function roundTrip(runMode: RunMode, cli: Record<string, string>) {
  const dir = tempDir();
  const file = join(dir, 'puppet.conf');
  writeFileSync(file, CONF);
  const before = loadSettings({ runMode, cli, context: ctx, configFile: file });
  const text = renderGenconfig(before, { now: new Date(0) });
  const gen = join(dir, 'generated.conf');
  writeFileSync(gen, text);
  const after = loadSettings({ runMode, context: ctx, configFile: gen });
  return { before, after, text };
}

for (const runMode of ['server', 'agent'] as const) {
  test(`genconfig for the ${runMode} run mode reads back to the same values`, () => {
    const { before, after, text } = roundTrip(runMode, { certname: 'cli.example.com', reportttl: '2d', codedir: '/srv/code' });
    assert.deepEqual([...after.all()], [...before.all()]);
    // Every setting once, live, in the run mode's section, with its description above it.
    const conf = parsePuppetConf(text, 'generated');
    const settingLines = conf.lines.filter((l) => l.kind === 'setting');
    assert.deepEqual(settingLines.map((l) => l.name), SETTINGS.map((s) => s.name));
    assert.ok(settingLines.every((l) => l.section === runMode));
    assert.deepEqual(conf.lines.filter((l) => l.kind === 'section').map((l) => l.raw), [`[${runMode}]`]);
    for (const def of SETTINGS) assert.ok(text.includes(`# ${def.desc.split('\n')[0]}`), `${def.name} has its description`);
    assert.match(text, /^# Generated on 1970-01-01T00:00:00\.000Z\.$/m);
  });
}

test('genconfig keeps interpolation so that editing a directory still moves the rest (the classic pidfile edit)', () => {
  const { before, text } = roundTrip('server', {});
  assert.equal(before.get('pidfile'), '/var/run/kuroko/master.pid');
  assert.match(text, /^ {4}pidfile = \$rundir\/master\.pid$/m);
  assert.match(text, /^ {4}# Effective value: \/var\/run\/kuroko\/master\.pid$/m);
  assert.match(text, /^ {4}ssldir = \$confdir\/ssl$/m);
  assert.match(text, /^ {4}# The default value is '\$confdir\/ssl'\.$/m);
  // Edit the generated file as the walkthrough does: a new rundir moves the pid file.
  const edited = text.replace(/^ {4}rundir = .*$/m, '    rundir = /srv/run');
  const s = loadSettings({ runMode: 'server', context: ctx, configFile: '/x/puppet.conf', configText: edited });
  assert.equal(s.get('pidfile'), '/srv/run/master.pid');
});

test('genconfig quotes values that would not read back as they are', () => {
  const tricky = { server: ' padded', // (trailing space cannot be written: Puppet's reading drops it)
    ca_name: '"quoted"', environment: "it's", config_version: 'echo # not a comment' };
  const { before, after } = roundTrip('agent', tricky);
  for (const [k, v] of Object.entries(tricky)) {
    assert.equal(before.get(k), v);
    assert.equal(after.get(k), v, k);
  }
});

test('kuroko server --genconfig and agent --genconfig: complete output that reads back the same, nothing started', (t) => {
  const modes = (['server', 'agent'] as const).filter((m) => findCommand(m));
  if (modes.length === 0) { t.skip('neither `kuroko server` nor `kuroko agent` is registered yet'); return; }
  for (const mode of modes) {
    const dir = tempDir();
    writeFileSync(join(dir, 'puppet.conf'), CONF);
    const common = ['--confdir', dir, '--vardir', join(dir, 'var'), '--logdir', join(dir, 'log'), '--certname', 'gen.example.com'];
    const r = kuroko([mode, '--genconfig', ...common, '--no-daemonize']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, new RegExp(`^\\[${mode}\\]$`, 'm'));
    const gen = join(dir, 'generated.conf');
    writeFileSync(gen, r.stdout);
    // Read back through the CLI: the same values as the original file plus the flags.
    const section = mode === 'server' ? 'server' : 'agent';
    const original = kuroko(['config', 'print', 'all', '--section', section, ...common, '--no-daemonize']);
    const readBack = kuroko(['config', 'print', 'all', '--section', section, '--config', gen]);
    assert.equal(original.status, 0, original.stderr);
    assert.equal(readBack.status, 0, readBack.stderr);
    assert.equal(readBack.stdout, original.stdout);
    assert.match(readBack.stdout, /^daemonize = false$/m);
    assert.match(readBack.stdout, /^certname = gen\.example\.com$/m);
    assert.deepEqual(readdirSync(dir).sort(), ['generated.conf', 'puppet.conf'], `${mode} --genconfig created nothing`);
    assert.ok(!existsSync(join(dir, 'ssl')));
  }
  if (modes.length < 2) t.diagnostic(`only ${modes.join('')} is registered; the other run mode is untested end to end`);
});

test('--genconfig is refused by commands that are not daemons', () => {
  const r = kuroko(['config', 'print', '--genconfig']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^Error: Unknown option '--genconfig'/);
});
