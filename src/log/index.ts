// Puppet's log levels and line format ("Notice: ..."), with console, syslog,
// file and JSON-lines destinations. Level checks come first and are cheap so
// that debug logging costs nothing when it is off; writes are synchronous so
// that nothing is lost when a process exits right after logging.
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { ChildProcess } from 'node:child_process';

// child_process loads only for the syslog destination: every run would pay its memory otherwise.
const load = createRequire(import.meta.url);

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'err' | 'alert' | 'emerg' | 'crit';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, notice: 2, warning: 3, err: 4, alert: 5, emerg: 6, crit: 7 };
const LABEL: Record<LogLevel, string> = {
  debug: 'Debug', info: 'Info', notice: 'Notice', warning: 'Warning', err: 'Error', alert: 'Alert', emerg: 'Emergency', crit: 'Critical',
};
// Puppet's console colours (lib/puppet/util/log/destinations.rb): errors bright red,
// warnings bright yellow, info green, debug cyan, notices plain.
const COLOUR: Record<LogLevel, string> = {
  debug: '\x1b[0;36m', info: '\x1b[0;32m', notice: '\x1b[0m', warning: '\x1b[1;33m',
  err: '\x1b[1;31m', alert: '\x1b[1;31m', emerg: '\x1b[1;31m', crit: '\x1b[1;31m',
};
const RESET = '\x1b[0m';

export interface LogEntry {
  level: LogLevel;
  message: string;
  source?: string;
  time: Date;
  file?: string;
  line?: number;
  tags?: string[];
}

export interface LogDestination {
  write(entry: LogEntry): void;
  close?(): void;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of text to fd synchronously. Once Node has touched process.stdout,
 * a pipe on fd 1 is non-blocking: a full pipe (a slow reader) gives EAGAIN or a
 * short write, which must wait rather than lose the line. A closed pipe (EPIPE)
 * drops it: logging must never kill a run.
 */
export function writeFully(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  let waited = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' || waited > 30_000) return;
      Atomics.wait(pause, 0, 0, 1); // 1 ms, without spinning
      waited++;
    }
  }
}

export function isLogLevel(s: string): s is LogLevel {
  return Object.prototype.hasOwnProperty.call(RANK, s);
}

/** Puppet's console line: "Notice: message", or "Notice: Source: message" for a source other than Puppet. */
export function formatLine(entry: LogEntry): string {
  const src = entry.source && entry.source !== 'Puppet' ? `${entry.source}: ` : '';
  return `${LABEL[entry.level]}: ${src}${entry.message}`;
}

/** Ruby's Time#to_s, which Puppet's log files use: "2026-11-24 22:05:38 +0000" (local time). */
export function rubyTime(t: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const off = -t.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())} ${sign}${p(Math.floor(a / 60))}${p(a % 60)}`;
}

/** Puppet's log file line: "TIME SOURCE (LEVEL): message". */
export function formatFileLine(e: LogEntry): string {
  return `${rubyTime(e.time)} ${e.source ?? 'Puppet'} (${e.level}): ${e.message}`;
}

/** Puppet's structured form of a log entry (to_structured_hash), as one JSON line. */
export function formatJson(e: LogEntry): string {
  const obj: Record<string, unknown> = { level: e.level, message: e.message, source: e.source ?? 'Puppet', tags: e.tags ?? [], time: e.time.toISOString() };
  if (e.file !== undefined) obj.file = e.file;
  if (e.line !== undefined) obj.line = e.line;
  return JSON.stringify(obj);
}

/** Whether a stream should get colour: a terminal, NO_COLOR unset, colour not switched off. */
export function useColour(fd: 1 | 2, setting: boolean | 'auto' = 'auto', env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (setting === false) return false;
  return isTerminal(fd);
}

/** Linux's terminal device majors: virtual consoles and serial (4), /dev/tty and console (5), BSD and Unix98 ptys (2, 3, 136-143). */
const TTY_MAJORS = new Set([2, 3, 4, 5, 136, 137, 138, 139, 140, 141, 142, 143]);

/**
 * Whether fd is a terminal. On Linux from fstat alone: process.stdout.isTTY and
 * the tty module set up Node's stream machinery, over a megabyte of memory
 * for every run, when writes go straight to the fd anyway.
 */
export function isTerminal(fd: number): boolean {
  if (process.platform !== 'linux') return (load('node:tty') as typeof import('node:tty')).isatty(fd);
  try {
    const st = fstatSync(fd);
    return st.isCharacterDevice() && TTY_MAJORS.has((st.rdev >>> 8) & 0xfff);
  } catch { return false; }
}

export class ConsoleDestination implements LogDestination {
  private colourOut: boolean;
  private colourErr: boolean;
  /** colour: false never colours; 'auto' (and true) colour only a terminal without NO_COLOR. */
  constructor(colour: boolean | 'auto' = 'auto') {
    this.colourOut = useColour(1, colour);
    this.colourErr = useColour(2, colour);
  }
  write(e: LogEntry): void {
    const line = formatLine(e);
    // Warnings and errors go to stderr as Puppet's console does; the rest to stdout.
    const toErr = RANK[e.level] >= RANK.warning;
    const colour = toErr ? this.colourErr : this.colourOut;
    const text = colour ? `${COLOUR[e.level]}${line}${RESET}\n` : `${line}\n`;
    writeFully(toErr ? 2 : 1, text);
  }
}

function openAppend(path: string): number {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  return openSync(path, 'a', 0o640);
}

/** A log file in Puppet's format, or JSON lines when `json` is set. */
export class FileDestination implements LogDestination {
  readonly path: string;
  private fd: number | undefined;
  constructor(path: string, private json = false) {
    this.path = resolve(path);
    this.fd = openAppend(this.path);
  }
  write(e: LogEntry): void {
    if (this.fd === undefined) return;
    writeFully(this.fd, (this.json ? formatJson(e) : formatFileLine(e)) + '\n');
  }
  close(): void {
    if (this.fd === undefined) return;
    try { closeSync(this.fd); } catch { /* already closed */ }
    this.fd = undefined;
  }
}

/** JSON lines, one object per entry, for machines: to stdout, or appended to a file. */
export class JsonDestination implements LogDestination {
  private file?: FileDestination;
  constructor(path?: string) { if (path) this.file = new FileDestination(path, true); }
  write(e: LogEntry): void {
    if (this.file) this.file.write(e);
    else writeFully(1, formatJson(e) + '\n');
  }
  close(): void { this.file?.close(); }
}

const FACILITY: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};
const SEVERITY: Record<LogLevel, number> = { debug: 7, info: 6, notice: 5, warning: 4, err: 3, crit: 2, alert: 1, emerg: 0 };

/**
 * Syslog through util-linux `logger`, started once and fed one `<PRI>message`
 * line per entry (Node has no Unix datagram sockets). Like Puppet's syslog
 * destination, lines carry the message without the level label, and
 * "(source) message" for a source other than Puppet.
 */
export class SyslogDestination implements LogDestination {
  private child?: ChildProcess;
  private failed = false;
  private facility: number;
  constructor(private opts: { facility?: string; ident?: string; socket?: string } = {}) {
    const f = FACILITY[opts.facility ?? 'daemon'];
    if (f === undefined) throw new Error(`Unknown syslog facility '${opts.facility}' (expected ${Object.keys(FACILITY).join(', ')})`);
    this.facility = f;
  }
  private start(): ChildProcess | undefined {
    if (this.child || this.failed) return this.child;
    const args = ['--prio-prefix', '-t', this.opts.ident ?? 'kuroko', `--id=${process.pid}`];
    if (this.opts.socket) args.push('-u', this.opts.socket, '--socket-errors=off');
    const { spawn } = load('node:child_process') as typeof import('node:child_process');
    const child = spawn('logger', args, { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => { this.failed = true; this.child = undefined; });
    child.stdin!.on('error', () => { /* logger gone: drop lines rather than crash */ });
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    return (this.child = child);
  }
  write(e: LogEntry): void {
    const child = this.start();
    if (!child?.stdin?.writable) return;
    const pri = this.facility * 8 + SEVERITY[e.level];
    const src = e.source && e.source !== 'Puppet' ? `(${e.source}) ` : '';
    const text = e.message.split('\n').map((l) => `<${pri}>${src}${l}\n`).join('');
    child.stdin.write(text);
  }
  close(): void { this.child?.stdin?.end(); this.child = undefined; }
}

/** Collects entries in memory (reports carry the run's log lines). */
export class MemoryDestination implements LogDestination {
  entries: LogEntry[] = [];
  constructor(private max = 100_000) {}
  write(e: LogEntry): void { if (this.entries.length < this.max) this.entries.push(e); }
}

export class Logger {
  private threshold = RANK.notice;
  private dests: LogDestination[] = [new ConsoleDestination()];

  setLevel(level: LogLevel): void { this.threshold = RANK[level]; }
  get level(): LogLevel { return (Object.keys(RANK) as LogLevel[]).find((k) => RANK[k] === this.threshold)!; }
  enabled(level: LogLevel): boolean { return RANK[level] >= this.threshold; }

  get destinations(): readonly LogDestination[] { return this.dests; }
  setDestinations(dests: LogDestination[]): void {
    for (const d of this.dests) if (!dests.includes(d)) d.close?.();
    this.dests = dests;
  }
  addDestination(d: LogDestination): void { this.dests.push(d); }
  removeDestination(d: LogDestination): void { this.dests = this.dests.filter((x) => x !== d); }
  /** Closes every destination (files, the syslog pipe); call before exit. */
  close(): void { for (const d of this.dests) d.close?.(); }

  log(level: LogLevel, message: string, extra: Partial<Omit<LogEntry, 'level' | 'message'>> = {}): void {
    if (RANK[level] < this.threshold) return;
    const entry: LogEntry = { level, message, time: extra.time ?? new Date(), source: extra.source, file: extra.file, line: extra.line, tags: extra.tags };
    for (const d of this.dests) d.write(entry);
  }
  debug(m: string, extra?: Partial<LogEntry>): void { if (this.threshold === 0) this.log('debug', m, extra); }
  info(m: string, extra?: Partial<LogEntry>): void { if (this.threshold <= 1) this.log('info', m, extra); }
  notice(m: string, extra?: Partial<LogEntry>): void { this.log('notice', m, extra); }
  warning(m: string, extra?: Partial<LogEntry>): void { this.log('warning', m, extra); }
  err(m: string, extra?: Partial<LogEntry>): void { this.log('err', m, extra); }
}

/** The process-wide logger. */
export const log = new Logger();

export interface DestinationOptions {
  /** Console colour: false, or 'auto' (a terminal without NO_COLOR). */
  colour?: boolean | 'auto';
  /** Syslog facility (the syslogfacility setting). */
  facility?: string;
  /** Syslog ident, e.g. "kuroko-agent". */
  ident?: string;
  /** Syslog socket instead of /dev/log (tests). */
  syslogSocket?: string;
}

/** One --logdest value as a destination: console, syslog, json, json:FILE, FILE.json[l] (JSON lines) or a log file. */
export function destinationFor(spec: string, opts: DestinationOptions = {}): LogDestination {
  if (spec === 'console') return new ConsoleDestination(opts.colour ?? 'auto');
  if (spec === 'syslog') return new SyslogDestination({ facility: opts.facility, ident: opts.ident, socket: opts.syslogSocket });
  if (spec === 'json') return new JsonDestination();
  if (spec.startsWith('json:')) return new JsonDestination(spec.slice(5));
  if (spec === '') throw new Error('An empty --logdest');
  if (spec.endsWith('.json') || spec.endsWith('.jsonl')) return new JsonDestination(spec);
  return new FileDestination(spec);
}

/** Applies --logdest values (see destinationFor); with none, keeps the console but applies the colour choice. */
export function configureDestinations(specs: string[], logger: Logger = log, opts: DestinationOptions = {}): void {
  const dests = specs.length ? specs.map((s) => destinationFor(s, opts)) : [new ConsoleDestination(opts.colour ?? 'auto')];
  logger.setDestinations(dests);
}
