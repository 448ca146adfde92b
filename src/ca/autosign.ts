// Autosign, as puppetserver decides it, read afresh for every request (no
// restart): `true`, `false`, an allow-list file, or a policy executable that
// gets the certname as argument and the PEM CSR on stdin (exit 0 signs).
// `*` in an allow-list signs anything that asks: insecure, for labs only.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { log } from '../log/index.js';

export const AUTOSIGN_TIMEOUT_MS = 30_000;
let warnedTrue = false;

export interface AllowListLine { line: number; pattern: string }

/** Parses autosign.conf; invalid lines are warned about (with their number) and ignored. */
export function parseAllowList(text: string, file = 'autosign.conf'): AllowListLine[] {
  const out: AllowListLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (/[#\s]/.test(line)) {
      log.warning(`Invalid pattern '${line}' in ${file} at line ${i + 1}: patterns contain no spaces or '#'; ignored`);
      return;
    }
    if (line === '*') log.warning(`${file} line ${i + 1} autosigns every certname ('*'): any host that can reach the CA gets a certificate. Use this only in a lab`);
    out.push({ line: i + 1, pattern: line });
  });
  return out;
}

/** `*` matches all; `*.a.b` matches, label by label from the right, any name under a.b and a.b itself; else exact (case-insensitive). */
export function patternMatches(pattern: string, certname: string): boolean {
  const p = pattern.toLowerCase();
  const n = certname.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*')) {
    const want = p.replace(/^\*\.?/, '').split('.').filter(Boolean).reverse();
    const have = n.split('.').reverse();
    if (want.length === 0) return true;
    if (have.length < want.length) return false;
    return want.every((label, i) => label === have[i]);
  }
  return p === n;
}

export function allowListMatches(text: string, certname: string, file?: string): boolean {
  return parseAllowList(text, file).some((l) => patternMatches(l.pattern, certname));
}

function isExecutable(path: string): boolean {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
}

/** Runs a policy executable; true when it exits 0 within the time limit. */
export function runPolicyExecutable(path: string, certname: string, csrPem: string, timeoutMs = AUTOSIGN_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    let stderr = '';
    let done = false;
    const finish = (ok: boolean) => { if (!done) { done = true; clearTimeout(timer); resolve(ok); } };
    // Its own process group, so that the time limit also ends whatever the policy started.
    const child = spawn(path, [certname], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env }, detached: true });
    const timer = setTimeout(() => {
      log.warning(`Autosign policy ${path} did not finish within ${timeoutMs / 1000}s for ${certname}; not signing`);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
      finish(false);
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 65536) stderr += d.toString(); });
    child.on('error', (e) => { log.warning(`Autosign policy ${path} could not run for ${certname}: ${e.message}`); finish(false); });
    child.stdin.on('error', () => { /* the policy may exit without reading */ });
    child.on('close', (code) => {
      if (stderr.trim()) log.warning(`Autosign policy ${path} for ${certname}: ${stderr.trim()}`);
      log.debug(`Autosign policy ${path} exited ${code} for ${certname}`);
      finish(code === 0);
    });
    child.stdin.end(csrPem);
  });
}

/** Whether the CA signs this CSR without an operator. `setting` is the autosign value. */
export async function shouldAutosign(setting: string, certname: string, csrPem: string): Promise<boolean> {
  const v = setting.trim();
  if (v === 'true') {
    if (!warnedTrue) { warnedTrue = true; log.warning('autosign = true: every certificate request is signed without any check of who asked. Use this only in a lab'); }
    return true;
  }
  if (v === 'false' || v === '') return false;
  let st;
  try { st = statSync(v); } catch { return false; } // no file: no autosign, as Puppet
  if (!st.isFile()) return false;
  if (isExecutable(v)) return runPolicyExecutable(v, certname, csrPem);
  let text: string;
  try { text = readFileSync(v, 'utf8'); } catch (e) { log.warning(`Could not read ${v}: ${(e as Error).message}`); return false; }
  return allowListMatches(text, certname, v);
}
