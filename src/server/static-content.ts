// GET /puppet/v3/static_file_content/<path>?code_id=C&environment=E: the
// content of a module file as it was at version C of the code, for agents
// applying a static catalog. As in puppetserver, the server does not keep
// old versions itself: it runs the site's code_content_command (puppetserver's
// versioned-code.code-content-command) with ENVIRONMENT CODE_ID PATH and
// answers its standard output; without one, every request is a 500 saying so.
// The command comes from the server's configuration, never from the request;
// its arguments are validated first and it runs without a shell.
import { execFile } from 'node:child_process';
import { log } from '../log/index.js';
import { text, type ApiRequest, type ApiResponse } from './http-types.js';

export interface StaticContentOptions {
  /** The executable to run; empty or undefined: not configured. */
  command?: string;
  /** Largest output served, bytes. */
  maxBytes?: number;
  /** How long the command may run, ms. */
  timeoutMs?: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 120_000;

/** puppetserver's rule: a file under files/, lib/, scripts/ or tasks/ of a module, relative to the environment. */
const STATIC_PATH = /^[^/]+\/[^/]+\/(files|lib|scripts|tasks)\/.+$/s;
/** puppetserver's CodeId schema: alphanumerics and - _ ; : */
const CODE_ID = /^[-_:;a-zA-Z0-9]+$/;
const ENVIRONMENT = /^\w+$/;

const plain = (status: number, message: string) => text(status, message);

export async function staticFileContent(opts: StaticContentOptions, req: ApiRequest, filePath: string): Promise<ApiResponse> {
  const environment = req.query.get('environment') ?? '';
  const codeId = req.query.get('code_id') ?? '';
  if (!environment || !codeId || !filePath) {
    return plain(400, 'Error: A /static_file_content request requires an environment, a code-id, and a file-path');
  }
  if (!ENVIRONMENT.test(environment)) return plain(400, `The environment must be purely alphanumeric, not '${environment}'`);
  if (!CODE_ID.test(codeId)) return plain(400, `Invalid code-id '${codeId}'. Must contain only alpha-numerics and '-', '_', ';', or ':'`);
  if (!STATIC_PATH.test(filePath) || /(^|\/)\.\.?(\/|$)/.test(filePath)) {
    return plain(403, 'Request Denied: A /static_file_content request must be a file within the files, lib, scripts, or tasks directory of a module.');
  }
  const command = opts.command?.trim();
  if (!command) {
    return plain(500, 'Internal Server Error: Cannot retrieve code content because the "versioned-code.code-content-command" setting is not present in configuration.');
  }
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise<ApiResponse>((resolve) => {
    execFile(command, [environment, codeId, filePath], { encoding: 'buffer', maxBuffer: maxBytes, timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, shell: false, windowsHide: true },
      (err, stdout, stderr) => {
        const errText = stderr.toString('utf8').trim();
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
          let message: string;
          if (typeof e.code === 'number') {
            message = `Non-zero exit code returned while running '${command}'. exit-code: '${e.code}', stdout: '${stdout.toString('utf8').slice(0, 1000)}', stderr: '${errText.slice(0, 1000)}'`;
          } else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
            message = `The output of '${command}' for ${filePath} exceeds ${maxBytes} bytes`;
          } else if (e.killed) {
            message = `'${command}' for ${filePath} did not finish in time and was stopped`;
          } else {
            message = `Running script generated an error. Command executed: '${command}', error generated: '${e.message}'`;
          }
          log.err(`static_file_content ${environment}/${codeId}/${filePath}: ${message}`);
          resolve(plain(500, `Internal Server Error: ${message}`));
          return;
        }
        if (errText) log.err(`Error output generated while running '${command}'. stderr: '${errText.slice(0, 1000)}'`);
        resolve({ status: 200, headers: { 'Content-Type': 'application/octet-stream' }, body: stdout });
      });
  });
}
