// Puppet's log levels and line format ("Notice: ..."), with console, syslog,
// file and JSON-lines destinations. Level checks are cheap so that debug
// logging costs nothing when it is off.
import { appendFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'err' | 'alert' | 'emerg' | 'crit';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, notice: 2, warning: 3, err: 4, alert: 5, emerg: 6, crit: 7 };
const LABEL: Record<LogLevel, string> = {
  debug: 'Debug', info: 'Info', notice: 'Notice', warning: 'Warning', err: 'Error', alert: 'Alert', emerg: 'Emergency', crit: 'Critical',
};
// Puppet's console colours.
const COLOUR: Record<LogLevel, string> = {
  debug: '\x1b[0;36m', info: '\x1b[0;32m', notice: '\x1b[0;36m', warning: '\x1b[0;33m', err: '\x1b[0;31m', alert: '\x1b[0;31m', emerg: '\x1b[0;31m', crit: '\x1b[0;31m',
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

export function isLogLevel(s: string): s is LogLevel {
  return s in RANK;
}

export function formatLine(entry: LogEntry): string {
  const src = entry.source && entry.source !== 'Puppet' ? `${entry.source}: ` : '';
  return `${LABEL[entry.level]}: ${src}${entry.message}`;
}

export class ConsoleDestination implements LogDestination {
  constructor(private colour = process.stdout.isTTY === true) {}
  write(e: LogEntry): void {
    const line = formatLine(e);
    const text = this.colour ? `${COLOUR[e.level]}${line}${RESET}\n` : `${line}\n`;
    // Warnings and errors go to stderr as Puppet's console does; the rest to stdout.
    const fd = RANK[e.level] >= RANK.warning ? 2 : 1;
    try { writeSync(fd, text); } catch { /* a closed pipe must not kill a run */ }
  }
}

export class FileDestination implements LogDestination {
  private fd: number;
  constructor(path: string) { this.fd = openSync(path, 'a', 0o640); }
  write(e: LogEntry): void {
    writeSync(this.fd, `${e.time.toISOString()} ${formatLine(e)}\n`);
  }
  close(): void { try { closeSync(this.fd); } catch { /* already closed */ } }
}

/** JSON lines, one object per entry, for machines. */
export class JsonDestination implements LogDestination {
  constructor(private path?: string) {}
  write(e: LogEntry): void {
    const obj = { level: e.level, message: e.message, source: e.source ?? 'Puppet', time: e.time.toISOString(), file: e.file, line: e.line, tags: e.tags };
    const text = JSON.stringify(obj) + '\n';
    if (this.path) appendFileSync(this.path, text);
    else try { writeSync(1, text); } catch { /* closed pipe */ }
  }
}

/** RFC 3164 lines to /dev/log when it exists; silently nothing otherwise. */
export class SyslogDestination implements LogDestination {
  private host = hostname();
  write(e: LogEntry): void {
    const sev: Record<LogLevel, number> = { debug: 7, info: 6, notice: 5, warning: 4, err: 3, crit: 2, alert: 1, emerg: 0 };
    const pri = 3 * 8 + sev[e.level]; // facility daemon
    const msg = `<${pri}>${this.host} kuroko[${process.pid}]: ${formatLine(e)}`;
    try { appendFileSync('/dev/log', msg); } catch { /* no syslog socket here */ }
  }
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

  setDestinations(dests: LogDestination[]): void {
    for (const d of this.dests) if (!dests.includes(d)) d.close?.();
    this.dests = dests;
  }
  addDestination(d: LogDestination): void { this.dests.push(d); }
  removeDestination(d: LogDestination): void { this.dests = this.dests.filter((x) => x !== d); }

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

/** Applies --logdest values: console, syslog, json, or a file path (json:PATH for JSON to a file). */
export function configureDestinations(specs: string[], logger: Logger = log): void {
  const dests: LogDestination[] = [];
  for (const spec of specs) {
    if (spec === 'console') dests.push(new ConsoleDestination());
    else if (spec === 'syslog') dests.push(new SyslogDestination());
    else if (spec === 'json') dests.push(new JsonDestination());
    else if (spec.startsWith('json:')) dests.push(new JsonDestination(spec.slice(5)));
    else if (spec.endsWith('.json')) dests.push(new JsonDestination(spec));
    else dests.push(new FileDestination(spec));
  }
  if (dests.length) logger.setDestinations(dests);
}
