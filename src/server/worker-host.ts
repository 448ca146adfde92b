// The worker side of WorkerPool: a worker module calls serveTasks(fn) and
// each task message is answered with fn's value or a serialisable error.
import { parentPort } from 'node:worker_threads';
import { KurokoError, type SourceLocation } from '../util/diagnostic.js';

export interface TaskError {
  message: string;
  code?: string;
  location?: SourceLocation;
  sourceText?: string;
  node?: string;
  field?: string;
  value?: unknown;
  stack?: string;
}

export interface WorkerReply<T> { ok: boolean; value?: T; error?: TaskError }

export function toTaskError(e: unknown): TaskError {
  if (e instanceof KurokoError) {
    let value: unknown = e.value;
    try { structuredClone(value); } catch { value = String(value); }
    return { message: e.message, code: e.code, location: e.location, sourceText: e.sourceText, node: e.node, field: e.field, value, stack: e.stack };
  }
  if (e instanceof Error) return { message: e.message, stack: e.stack };
  return { message: String(e) };
}

export function serveTasks<TIn, TOut>(fn: (input: TIn) => Promise<TOut> | TOut): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks() must run inside a worker thread');
  port.on('message', async (m: { input: TIn }) => {
    let reply: WorkerReply<TOut>;
    try { reply = { ok: true, value: await fn(m.input) }; } catch (e) { reply = { ok: false, error: toTaskError(e) }; }
    try { port.postMessage(reply); } catch (e) {
      port.postMessage({ ok: false, error: { message: `The result could not be sent back: ${(e as Error).message}` } });
    }
  });
  port.postMessage({ ready: true });
}
