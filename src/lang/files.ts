// Parsing files from disk: `.pp` and `.epp` by extension, directories
// recursively (sorted, so output is stable).
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../util/diagnostic.js';
import type { EppProgram, Program } from './ast.js';
import { parse, parseEpp, type ParseOptions } from './index.js';

export function isManifestFile(path: string): boolean {
  return path.endsWith('.pp') || path.endsWith('.epp');
}

/** Every `.pp`/`.epp` under `path` (or `path` itself when it is a file), sorted. */
export function findManifestFiles(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (dir: string) => {
    // Symlinked directories are followed once (a link to an ancestor must not loop).
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, e.name);
      let isDir = e.isDirectory();
      if (e.isSymbolicLink()) { try { isDir = statSync(p).isDirectory(); } catch { continue; } }
      if (isDir) visit(p);
      else if (isManifestFile(p)) out.push(p);
    }
  };
  visit(path);
  return out;
}

/** Reads and parses one file. Invalid UTF-8 is reported, not thrown. */
export function parseFile(path: string, opts: ParseOptions = {}): { program: Program | EppProgram; diagnostics: Diagnostic[]; lines: number } {
  const buf = readFileSync(path);
  const text = buf.toString('utf8');
  const r = path.endsWith('.epp') ? parseEpp(text, path, opts) : parse(text, path, opts);
  if (text.includes('\ufffd') && !Buffer.from(text, 'utf8').equals(buf)) {
    const at = text.indexOf('\ufffd');
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
    r.diagnostics.unshift({
      code: 'INVALID_UTF8', severity: 'error', message: 'The file is not valid UTF-8',
      location: { file: path, line, column: at - text.lastIndexOf('\n', at - 1) },
    });
  }
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return { program: r.program, diagnostics: r.diagnostics, lines };
}
