// Small, failure-tolerant readers for /proc, /sys and /etc. A fact whose source
// is missing or unreadable is simply absent, as in Facter; it never fails the run.
import { readFileSync, readdirSync } from 'node:fs';

/** The file's text, or undefined when it cannot be read. */
export function readText(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

/** The file's first line trimmed, or undefined when missing or empty. */
export function readLine(path: string): string | undefined {
  const t = readText(path);
  if (t === undefined) return undefined;
  const line = t.split('\n', 1)[0].trim();
  return line === '' ? undefined : line;
}

export function listDir(path: string): string[] {
  try { return readdirSync(path); } catch { return []; }
}

/** KEY=value lines with optional quotes, as in /etc/os-release. */
export function parseShellVars(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let v = line.slice(eq + 1).trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[line.slice(0, eq).trim()] = v.replace(/\\(["'$`\\])/g, '$1');
  }
  return out;
}

/** Looks a numeric id up in an /etc/passwd- or /etc/group-style file: the name. */
export function nameForId(file: string, id: number): string | undefined {
  const text = readText(file);
  if (!text) return undefined;
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && Number(f[2]) === id && f[2] !== '') return f[0];
  }
  return undefined;
}
