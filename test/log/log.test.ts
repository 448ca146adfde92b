// Logging: Puppet's line formats and levels, every destination for real
// (files, JSON lines, syslog through `logger` to a Unix socket, a terminal
// through `script`), and the CLI's --verbose/--debug/--logdest/colour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, kuroko, ROOT, tempDir } from '../helpers.js';
import {
  configureDestinations, FileDestination, formatFileLine, formatJson, formatLine, JsonDestination, Logger,
  MemoryDestination, rubyTime, SyslogDestination, useColour, type LogEntry, type LogLevel,
} from '../../src/log/index.js';

const at = new Date(2026, 10, 24, 22, 5, 38);
const entry = (level: LogLevel, message: string, extra: Partial<LogEntry> = {}): LogEntry => ({ level, message, time: at, ...extra });

test("console lines are Puppet's: Label: message, with the source unless it is Puppet", () => {
  const labels: [LogLevel, string][] = [['debug', 'Debug'], ['info', 'Info'], ['notice', 'Notice'], ['warning', 'Warning'], ['err', 'Error'],
    ['alert', 'Alert'], ['emerg', 'Emergency'], ['crit', 'Critical']];
  for (const [level, label] of labels) assert.equal(formatLine(entry(level, 'hello')), `${label}: hello`);
  assert.equal(formatLine(entry('notice', 'defined content as {sha256}ab', { source: '/Stage[main]/Main/File[/tmp/x]/content' })),
    'Notice: /Stage[main]/Main/File[/tmp/x]/content: defined content as {sha256}ab');
  assert.equal(formatLine(entry('notice', 'x', { source: 'Puppet' })), 'Notice: x');
});

test('levels: notice by default; info and debug only when asked; enabled() is the cheap check', () => {
  const logger = new Logger();
  const mem = new MemoryDestination();
  logger.setDestinations([mem]);
  const all = () => { logger.debug('d'); logger.info('i'); logger.notice('n'); logger.warning('w'); logger.err('e'); };
  all();
  assert.deepEqual(mem.entries.map((e) => e.level), ['notice', 'warning', 'err']);
  assert.equal(logger.level, 'notice');
  assert.equal(logger.enabled('info'), false);
  mem.entries = [];
  logger.setLevel('info');
  all();
  assert.deepEqual(mem.entries.map((e) => e.level), ['info', 'notice', 'warning', 'err']);
  mem.entries = [];
  logger.setLevel('debug');
  all();
  assert.deepEqual(mem.entries.map((e) => e.message), ['d', 'i', 'n', 'w', 'e']);
  mem.entries = [];
  logger.setLevel('err');
  all();
  assert.deepEqual(mem.entries.map((e) => e.message), ['e']);
  // A disabled level builds no entry at all.
  let built = 0;
  logger.setDestinations([{ write: () => { built++; } }]);
  for (let i = 0; i < 1000; i++) logger.debug(`x${i}`);
  assert.equal(built, 0);
});

test("log files use Puppet's format (TIME SOURCE (LEVEL): message), are created with their directory, 0640", () => {
  const dir = tempDir();
  const file = join(dir, 'sub', 'dir', 'kuroko.log');
  const d = new FileDestination(file);
  d.write(entry('notice', 'Applied catalog in 0.01 seconds'));
  d.write(entry('err', 'boom', { source: 'File[/x]' }));
  d.close();
  d.write(entry('err', 'after close is dropped'));
  assert.equal(readFileSync(file, 'utf8'),
    `${rubyTime(at)} Puppet (notice): Applied catalog in 0.01 seconds\n${rubyTime(at)} File[/x] (err): boom\n`);
  assert.match(rubyTime(at), /^2026-11-24 22:05:38 [+-]\d{4}$/);
  assert.equal(formatFileLine(entry('info', 'm')), `${rubyTime(at)} Puppet (info): m`);
  assert.equal(statSync(file).mode & 0o777, 0o640);
});

test("JSON lines carry Puppet's structured log fields", () => {
  const dir = tempDir();
  const file = join(dir, 'log.jsonl');
  const d = new JsonDestination(file);
  d.write(entry('warning', 'Unknown variable', { source: 'Scope', file: '/x/site.pp', line: 3, tags: ['warning'] }));
  d.write(entry('notice', 'plain'));
  d.close();
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines[0], { level: 'warning', message: 'Unknown variable', source: 'Scope', tags: ['warning'], time: at.toISOString(), file: '/x/site.pp', line: 3 });
  assert.deepEqual(lines[1], { level: 'notice', message: 'plain', source: 'Puppet', tags: [], time: at.toISOString() });
  assert.equal(formatJson(entry('debug', 'q"uote\nnl')), JSON.stringify({ level: 'debug', message: 'q"uote\nnl', source: 'Puppet', tags: [], time: at.toISOString() }));
});

test('configureDestinations maps every --logdest form', () => {
  const dir = tempDir();
  const logger = new Logger();
  configureDestinations(['console', 'json', `json:${join(dir, 'a.log')}`, join(dir, 'b.json'), join(dir, 'c.jsonl'), join(dir, 'd.log'), 'syslog'], logger);
  const kinds = logger.destinations.map((d) => d.constructor.name);
  assert.deepEqual(kinds, ['ConsoleDestination', 'JsonDestination', 'JsonDestination', 'JsonDestination', 'JsonDestination', 'FileDestination', 'SyslogDestination']);
  logger.setDestinations([]);
  for (const f of ['a.log', 'b.json', 'c.jsonl', 'd.log']) assert.ok(existsSync(join(dir, f)), f);
  assert.throws(() => configureDestinations(['syslog'], logger, { facility: 'nonsense' }), /Unknown syslog facility 'nonsense'/);
});

test('syslog: <PRI> lines through logger to a real socket, without the level label', async (t) => {
  if (spawnSync('logger', ['--help'], { stdio: 'ignore' }).status !== 0) { t.skip('util-linux logger is not installed'); return; }
  const dir = tempDir();
  const sock = join(dir, 'log.sock');
  let received = '';
  const server = createServer((c) => c.on('data', (d) => { received += d; }));
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const d = new SyslogDestination({ socket: sock, ident: 'kuroko-test', facility: 'local3' });
    d.write(entry('notice', 'Applied catalog'));
    d.write(entry('err', 'Could not apply', { source: 'File[/x]' }));
    d.close();
    const until = Date.now() + 10_000;
    while (!received.includes('Could not apply') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    // local3 = 19: notice 19*8+5 = 157, err 19*8+3 = 155.
    assert.match(received, new RegExp(`<157>.*kuroko-test\\[${process.pid}\\]: Applied catalog`));
    assert.match(received, new RegExp(`<155>.*kuroko-test\\[${process.pid}\\]: \\(File\\[/x\\]\\) Could not apply`));
  } finally {
    server.close();
  }
});

test('colour: never with NO_COLOR or colour off; not on a pipe', () => {
  assert.equal(useColour(1, 'auto', { NO_COLOR: '1' }), false);
  assert.equal(useColour(2, false, {}), false);
  // Under the test runner stdout is a pipe.
  assert.equal(useColour(1, 'auto', {}), process.stdout.isTTY === true);
  const r = kuroko(['config', 'print', 'nonsense', '--confdir', '/nonexistent'], { env: { NO_COLOR: '' } });
  assert.equal(r.stderr, "Error: Unknown setting 'nonsense'\n", 'a pipe gets no colour');
});

test('colour on a real terminal (through script): Puppet colours, none with NO_COLOR or --color false', (t) => {
  if (spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0) { t.skip('script(1) is not installed'); return; }
  const dir = tempDir();
  writeFileSync(join(dir, 'puppet.conf'), '[main]\nunknown_thing = 1\n');
  const onTty = (env: Record<string, string>, extra = '') => {
    const cmd = `${process.execPath} --import tsx ${CLI} config print server --confdir ${dir} --verbose${extra}`;
    const clean = { ...process.env, ...env };
    if (!('NO_COLOR' in env)) delete clean.NO_COLOR;
    return spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: clean, timeout: 60_000 }).stdout;
  };
  const coloured = onTty({});
  assert.ok(coloured.includes(`\x1b[1;33mWarning: Setting 'unknown_thing' is unknown`), JSON.stringify(coloured));
  assert.ok(coloured.includes('\x1b[0m'));
  assert.ok(!onTty({ NO_COLOR: '1' }).includes('\x1b['), 'NO_COLOR');
  assert.ok(!onTty({}, ' --color false').includes('\x1b['), '--color false');
});

test('CLI: --verbose shows Info, --debug shows Debug, neither by default; --logdest FILE and json', () => {
  const dir = tempDir();
  const flags = ['--confdir', dir];
  let r = kuroko(['config', 'set', 'server', 'a', ...flags]);
  assert.equal(r.stdout + r.stderr, '', 'quiet by default');
  r = kuroko(['config', 'set', 'server', 'b', '--verbose', ...flags]);
  assert.equal(r.stdout, `Info: Set server = b in [main] of ${join(dir, 'puppet.conf')}\n`);
  r = kuroko(['config', 'set', 'server', 'c', '--debug', ...flags]);
  assert.match(r.stdout, /^Debug: Reading settings from .*puppet\.conf for the user run mode$/m);
  assert.match(r.stdout, /^Info: Set server = c/m);
  r = kuroko(['config', 'set', 'server', 'd', '-v', '--log_level', 'warning', ...flags]);
  assert.match(r.stdout, /^Info: /m, '--verbose wins over log_level');

  const logfile = join(dir, 'logs', 'kuroko.log');
  r = kuroko(['config', 'set', 'server', 'e', '--debug', '--logdest', logfile, ...flags]);
  assert.equal(r.stdout, '');
  const lines = readFileSync(logfile, 'utf8').trim().split('\n');
  assert.match(lines[0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} Puppet \(debug\): Reading settings from /);
  assert.match(lines.at(-1)!, /Puppet \(info\): Set server = e/);

  r = kuroko(['config', 'set', 'server', 'f', '--verbose', '--logdest', 'json', ...flags]);
  const obj = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
  assert.equal(obj.level, 'info');
  assert.match(String(obj.message), /^Set server = f/);

  // puppet.conf's log_level and logdest apply when no flag says otherwise.
  const conffile = join(dir, 'puppet.conf');
  writeFileSync(conffile, `[main]\nlog_level = info\nlogdest = ${join(dir, 'from-conf.log')}\n`);
  r = kuroko(['config', 'set', 'server', 'g', ...flags]);
  assert.equal(r.stdout, '');
  assert.match(readFileSync(join(dir, 'from-conf.log'), 'utf8'), /Puppet \(info\): Set server = g/);
});

test('CLI errors are one Error: line on stderr', () => {
  const r = kuroko(['config', 'print', '--logdest']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'Error: Option --logdest needs a value\n');
});

test('a slow reader loses no console lines (a full non-blocking pipe waits, not drops)', async () => {
  const n = 3000; // ~650 KB: ten times a pipe's buffer
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'log', 'fixtures', 'flood.ts'), String(n)], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' },
  });
  const chunks: Buffer[] = [];
  child.stdout!.pause();
  await new Promise((r) => setTimeout(r, 1500)); // let the pipe fill up
  child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  child.stdout!.resume();
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  await new Promise((r) => setImmediate(r));
  assert.equal(code, 0);
  const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
  assert.equal(lines[0], 'start');
  assert.equal(lines.length, n + 1);
  assert.match(lines[n], new RegExp(`^Notice: line ${n - 1} x{200}$`));
});
