// Offsets to lines and columns, and diagnostics that point into a source file.
import type { Diagnostic, Severity } from '../util/diagnostic.js';
import type { Loc } from './ast.js';

export class SourceFile {
  readonly text: string;
  readonly file: string;
  private readonly lineStarts: number[];

  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    const ls = this.lineStarts;
    let lo = 0, hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return lo + 1;
  }

  loc(start: number, end: number): Loc {
    const line = this.lineOf(start);
    return { file: this.file, line, column: start - this.lineStarts[line - 1] + 1, offset: start, length: Math.max(0, end - start) };
  }

  diagnostic(code: string, severity: Severity, message: string, start: number, end = start): Diagnostic {
    const loc = this.loc(Math.min(start, this.text.length), Math.min(end, this.text.length));
    return {
      code, severity, message,
      location: { file: this.file, line: loc.line, column: loc.column, offset: loc.offset, length: loc.length },
      sourceText: this.text,
    };
  }
}
