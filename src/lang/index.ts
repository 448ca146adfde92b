// The Puppet language front end: `parse` for `.pp` manifests, `parseEpp` for
// templates. Both always return an AST (possibly partial) and diagnostics;
// they never throw on bad input.
import type { Diagnostic } from '../util/diagnostic.js';
import type { EppProgram, Expression, Loc, Parameter, Program } from './ast.js';
import { Lexer } from './lexer.js';
import { Parser, SyntaxAbort } from './parser.js';
import { SourceFile } from './source.js';
import { parseParameters, parseStatementList } from './statements.js';
import { validate } from './validate.js';
import { checkModuleFile, namespaceForFile } from './modules.js';

export type * from './ast.js';
export { formatDiagnostic } from '../util/diagnostic.js';
export { children, walk } from './walk.js';
export { toPN, pnToString, type PN } from './pn.js';
export { label } from './validate.js';
export { namespaceForFile, BAD_MODULE_FILE, type FileNamespace } from './modules.js';

/** Larger sources are refused: real manifests are far smaller, and this bounds memory. */
export const MAX_SOURCE_LENGTH = 8 * 1024 * 1024;

export interface ParseOptions {
  /** Run Puppet's post-parse validation checks (default true). */
  validate?: boolean;
  /**
   * Directories of the modulepath: a `.pp` file inside one of their modules also gets
   * Puppet's module-location checks (definitions only, named after the file).
   */
  modulepath?: readonly string[];
  /** The environment's main manifest (file or directory): exempt from those checks. */
  manifest?: string;
}

export interface ParseResult<P> {
  program: P;
  diagnostics: Diagnostic[];
  /** How many errors validation found (it runs only on a program without syntax errors). */
  validationErrors?: number;
}

/** Parses a `.pp` manifest. `file` is used in locations and messages. */
export function parse(source: string, file: string, opts: ParseOptions = {}): ParseResult<Program> {
  const diagnostics: Diagnostic[] = [];
  const body: Expression[] = [];
  if (tooLarge(source, file, diagnostics)) return { program: { kind: 'Program', body, loc: emptyLoc(file) }, diagnostics };
  const sf = new SourceFile(source, file);
  guarded(sf, diagnostics, () => {
    const tokens = new Lexer(sf, diagnostics).tokenize();
    const p = new Parser(tokens, sf, diagnostics);
    for (;;) {
      try {
        parseStatementList(p, 'EOF', body);
        break;
      } catch (e) {
        if (!(e instanceof SyntaxAbort)) throw e;
        if (!p.recover()) break;
      }
    }
  });
  const program: Program = { kind: 'Program', body, loc: sf.loc(0, source.length) };
  let validationErrors: number | undefined;
  if (opts.validate !== false && !diagnostics.some((d) => d.severity === 'error')) {
    const ns = opts.modulepath ? namespaceForFile(file, opts.modulepath, opts.manifest) : undefined;
    if (ns !== undefined) guarded(sf, diagnostics, () => checkModuleFile(program, ns, sf, diagnostics));
    guarded(sf, diagnostics, () => validate(program, sf, diagnostics));
    validationErrors = diagnostics.filter((d) => d.severity === 'error').length;
  }
  return { program, diagnostics, validationErrors };
}

/** Parses an `.epp` template. */
export function parseEpp(source: string, file: string, opts: ParseOptions = {}): ParseResult<EppProgram> {
  const diagnostics: Diagnostic[] = [];
  const body: Expression[] = [];
  let parameters: Parameter[] | undefined;
  if (tooLarge(source, file, diagnostics)) return { program: { kind: 'EppProgram', body, loc: emptyLoc(file) }, diagnostics };
  const sf = new SourceFile(source, file);
  guarded(sf, diagnostics, () => {
    const tokens = new Lexer(sf, diagnostics).tokenizeEpp();
    const p = new Parser(tokens, sf, diagnostics);
    try {
      if (p.at('PIPE')) { p.advance(); parameters = parseParameters(p, 'PIPE', false); }
      parseStatementList(p, 'EOF', body);
    } catch (e) {
      if (!(e instanceof SyntaxAbort)) throw e;
    }
  });
  const program: EppProgram = { kind: 'EppProgram', parameters, body, loc: sf.loc(0, source.length) };
  if (opts.validate !== false && !diagnostics.some((d) => d.severity === 'error')) guarded(sf, diagnostics, () => validate(program, sf, diagnostics));
  return { program, diagnostics };
}

function tooLarge(source: string, file: string, diagnostics: Diagnostic[]): boolean {
  if (source.length <= MAX_SOURCE_LENGTH) return false;
  diagnostics.push({
    code: 'SOURCE_TOO_LARGE', severity: 'error',
    message: `The file is too large to parse (${source.length} characters; at most ${MAX_SOURCE_LENGTH})`,
    location: { file },
  });
  return true;
}

function emptyLoc(file: string): Loc {
  return { file, line: 1, column: 1, offset: 0, length: 0 };
}

/** Runs a front-end step; anything it throws (e.g. a stack overflow from absurd input) becomes a diagnostic. */
function guarded(sf: SourceFile, diagnostics: Diagnostic[], f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof RangeError) {
      diagnostics.push(sf.diagnostic('NESTING_TOO_DEEP', 'error', 'Expressions are nested too deeply', 0, 0));
      return;
    }
    // A bug in the front end must not take the caller down: report it against the file.
    diagnostics.push(sf.diagnostic('INTERNAL_ERROR', 'error', `Internal error while parsing: ${(e as Error).message}`, 0, 0));
  }
}
