// The code id of an environment: the site's code_id_command (puppetserver's
// versioned-code.code-id-command) run with ENVIRONMENT, its standard output
// (trailing newlines trimmed) being the id each catalog carries as code_id.
// As in puppetserver, a failing command or an id with other characters than
// alphanumerics and - _ : ; is an error for that catalog request (500), and
// output on stderr with exit 0 is only logged. The command comes from the
// server's configuration, never from a request, and runs without a shell.
import { execFile } from 'node:child_process';
import { log } from '../log/index.js';
import { KurokoError } from '../util/diagnostic.js';

export interface CodeIdOptions {
  /** The executable; empty or undefined: no code ids (code_id stays null). */
  command?: string;
  /** Largest output accepted, bytes (a code id is short). */
  maxBytes?: number;
  /** How long the command may run, ms. */
  timeoutMs?: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/** puppetserver's rule for code ids: nothing but alphanumerics and - _ : ; */
export const VALID_CODE_ID = /^[-_:;a-zA-Z0-9]*$/;

/**
 * Runs the command for `environment`: its code id, or null without a command
 * or when it prints nothing (an empty id could not fetch static content).
 * Throws a KurokoError (code KUR0685) naming the command when it fails.
 */
export function currentCodeId(opts: CodeIdOptions, environment: string): Promise<string | null> {
  const command = opts.command?.trim();
  if (!command) return Promise.resolve(null);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise((resolve, reject) => {
    execFile(command, [environment], { encoding: 'utf8', maxBuffer: maxBytes, timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, shell: false, windowsHide: true },
      (err, stdout, stderr) => {
        const errText = String(stderr ?? '').trim();
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
          let message: string;
          if (typeof e.code === 'number') {
            message = `Non-zero exit code returned while running '${command}'. exit-code: '${e.code}', stdout: '${String(stdout).slice(0, 1000)}', stderr: '${errText.slice(0, 1000)}'`;
          } else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            message = `The output of '${command}' for environment ${environment} exceeds ${maxBytes} bytes`;
          } else if (e.killed) {
            message = `'${command}' for environment ${environment} did not finish in time and was stopped`;
          } else {
            message = `Running script generated an error. Command executed: '${command}', error generated: '${e.message}'`;
          }
          reject(new KurokoError(message, { code: 'KUR0685', field: 'code_id_command', value: command }));
          return;
        }
        if (errText) log.err(`Error output generated while running '${command}'. stderr: '${errText.slice(0, 1000)}'`);
        const id = String(stdout).replace(/(\r?\n)+$/, '');
        if (!VALID_CODE_ID.test(id)) {
          reject(new KurokoError(`Invalid code-id '${id.slice(0, 200)}'. Must contain only alpha-numerics and '-', '_', or ':'`, { code: 'KUR0685', field: 'code_id', value: id.slice(0, 200) }));
          return;
        }
        resolve(id === '' ? null : id);
      });
  });
}
