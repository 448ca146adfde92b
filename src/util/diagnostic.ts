// The one error type of the project. Every failure the user can see carries a
// stable code and, where it has one, a source location (file, line, column) or
// the data field/value or certname it concerns. Code that fails throws
// KurokoError; code that can keep going collects Diagnostics.

export type Severity = 'error' | 'warning' | 'notice' | 'info' | 'debug';

export interface SourceLocation {
  file?: string;
  line?: number; // 1-based
  column?: number; // 1-based
  offset?: number; // 0-based character offset
  length?: number;
}

export interface Diagnostic {
  code: string; // stable, e.g. "KUR1001" or a Puppet issue code such as "SYNTAX_ERROR"
  severity: Severity;
  message: string;
  location?: SourceLocation;
  /** The source text the location points into (used to print an excerpt and caret). */
  sourceText?: string;
  /** Extra context: the node being compiled, a data field and its value, a certname. */
  node?: string;
  field?: string;
  value?: unknown;
}

export class KurokoError extends Error {
  readonly code: string;
  readonly severity: Severity;
  readonly location?: SourceLocation;
  readonly sourceText?: string;
  readonly node?: string;
  readonly field?: string;
  readonly value?: unknown;
  /** Set for usage errors: the CLI exits 2 instead of 1. */
  readonly exitCode: number;

  constructor(message: string, opts: Partial<Omit<Diagnostic, 'message'>> & { exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'KurokoError';
    this.code = opts.code ?? 'KUR0000';
    this.severity = opts.severity ?? 'error';
    this.location = opts.location;
    this.sourceText = opts.sourceText;
    this.node = opts.node;
    this.field = opts.field;
    this.value = opts.value;
    this.exitCode = opts.exitCode ?? 1;
  }

  static from(d: Diagnostic): KurokoError {
    return new KurokoError(d.message, d);
  }

  toDiagnostic(): Diagnostic {
    return {
      code: this.code, severity: this.severity, message: this.message, location: this.location,
      sourceText: this.sourceText, node: this.node, field: this.field, value: this.value,
    };
  }
}

/** A usage error: bad subcommand, flag or argument. The CLI exits 2. */
export function usageError(message: string): KurokoError {
  return new KurokoError(message, { code: 'KUR0002', exitCode: 2 });
}

/** Puppet's location suffix: " (file: F, line: L, column: C)" or " (line: L)" etc. */
export function locationSuffix(loc: SourceLocation | undefined, node?: string): string {
  const parts: string[] = [];
  if (loc?.file) parts.push(`file: ${loc.file}`);
  if (loc?.line !== undefined) parts.push(`line: ${loc.line}`);
  if (loc?.column !== undefined) parts.push(`column: ${loc.column}`);
  let s = parts.length ? ` (${parts.join(', ')})` : '';
  if (node) s += ` on node ${node}`;
  return s;
}

/** The source line a location points at, followed by a caret under the column. */
export function sourceExcerpt(sourceText: string | undefined, loc: SourceLocation | undefined): string {
  if (sourceText === undefined || loc?.line === undefined) return '';
  let start = 0;
  for (let l = 1; l < loc.line; l++) {
    const nl = sourceText.indexOf('\n', start);
    if (nl < 0) return '';
    start = nl + 1;
  }
  let end = sourceText.indexOf('\n', start);
  if (end < 0) end = sourceText.length;
  const line = sourceText.slice(start, end).replace(/\r$/, '');
  if (line.length > 400) return '';
  const col = Math.max(1, loc.column ?? 1);
  const pad = line.slice(0, col - 1).replace(/[^\t]/g, ' ');
  return `  ${line}\n  ${pad}^`;
}

/** One diagnostic as the user sees it: the message in Puppet's wording, then the excerpt. */
export function formatDiagnostic(d: Diagnostic, opts: { excerpt?: boolean } = {}): string {
  let msg = d.message + locationSuffix(d.location, d.node);
  if (d.field !== undefined) msg += ` [${d.field}${d.value !== undefined ? `=${JSON.stringify(d.value)}` : ''}]`;
  if (opts.excerpt !== false) {
    const ex = sourceExcerpt(d.sourceText, d.location);
    if (ex) msg += '\n' + ex;
  }
  return msg;
}

/** Turns anything thrown into something printable. */
export function describeError(e: unknown): string {
  if (e instanceof KurokoError) return formatDiagnostic(e.toDiagnostic());
  if (e instanceof Error) return e.message;
  return String(e);
}
