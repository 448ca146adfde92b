// A pool of worker threads that runs tasks off the event loop, one task per
// worker at a time, with a bounded queue. The worker module is a parameter
// (the server passes compile-worker; tests pass their own); it calls
// serveTasks() from worker-host.ts. A task that throws fails alone; a worker
// that dies or overruns its time is replaced and only its own task fails.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { KurokoError } from '../util/diagnostic.js';
import { log } from '../log/index.js';
import type { TaskError, WorkerReply } from './worker-host.js';

export interface PoolOptions {
  /** The worker module (a file URL); .ts modules are loaded through tsx. */
  module: URL;
  /** Number of workers; 0 or absent: cores minus one, at least 1. */
  size?: number;
  /** Tasks waiting beyond those running; more are refused with PoolBusyError. */
  maxQueue?: number;
  /** A task running longer fails and its worker is replaced (0: no limit). */
  taskTimeoutMs?: number;
  workerData?: unknown;
  /** Heap limit per worker, MB. */
  maxOldGenerationSizeMb?: number;
  /**
   * Young-generation limit per worker, MB (V8's default grows to 48: two 16 MB
   * semi-spaces and the large-object part). Compiles allocate mostly
   * short-lived objects, so a small one costs little time and saves much memory.
   */
  maxYoungGenerationSizeMb?: number;
}

/** The queue is full: the caller answers 503 with Retry-After. */
export class PoolBusyError extends KurokoError {
  constructor(readonly queued: number) {
    super(`Too many requests queued (${queued}); try again later`, { code: 'KUR0650' });
  }
}

interface Job<TIn, TOut> {
  input: TIn;
  resolve(v: TOut): void;
  reject(e: unknown): void;
  enqueued: number;
}

interface Slot<TIn, TOut> {
  worker: Worker;
  job?: Job<TIn, TOut>;
  timer?: NodeJS.Timeout;
  /** Replace after the current task (reload). */
  retire: boolean;
  ready: boolean;
}

const MAX_STARTUP_FAILURES = 3;
/** How far beyond maxQueue tasks marked `overflow` may queue. */
export const OVERFLOW_FACTOR = 4;

export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

function rebuildError(e: TaskError): KurokoError {
  const err = new KurokoError(e.message, {
    code: e.code ?? 'KUR0651', location: e.location, sourceText: e.sourceText, node: e.node, field: e.field, value: e.value,
  });
  if (e.stack) err.stack = e.stack;
  return err;
}

export class WorkerPool<TIn, TOut> {
  readonly size: number;
  readonly maxQueue: number;
  private slots: Slot<TIn, TOut>[] = [];
  private queue: Job<TIn, TOut>[] = [];
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Counters for status and benchmarks. */
  stats = { completed: 0, failed: 0, rejected: 0, restarts: 0 };

  constructor(private opts: PoolOptions) {
    this.size = opts.size && opts.size > 0 ? opts.size : defaultPoolSize();
    this.maxQueue = Math.max(0, opts.maxQueue ?? 100);
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  get running(): number { return this.slots.filter((s) => s.job).length; }

  private readyWaiters: (() => void)[] = [];
  private startupFailures = 0;
  /** Set when workers keep dying before they are ready (their module cannot load). */
  private broken?: KurokoError;
  /** Resolves once every worker has loaded its module and can take a task; rejects when they cannot start. */
  async whenReady(): Promise<void> {
    if (!this.broken && !this.slots.every((s) => s.ready)) await new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    if (this.broken) throw this.broken;
  }
  get queued(): number { return this.queue.length; }

  private spawn(): Slot<TIn, TOut> {
    const href = this.opts.module.href;
    const resourceLimits: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number } = {};
    if (this.opts.maxOldGenerationSizeMb) resourceLimits.maxOldGenerationSizeMb = this.opts.maxOldGenerationSizeMb;
    if (this.opts.maxYoungGenerationSizeMb) resourceLimits.maxYoungGenerationSizeMb = this.opts.maxYoungGenerationSizeMb;
    let worker: Worker;
    if (href.endsWith('.ts')) {
      // Running from sources: register tsx inside the worker, then load the module.
      const tsx = import.meta.resolve('tsx/esm/api');
      worker = new Worker(`import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(href)});`,
        { eval: true, workerData: this.opts.workerData, resourceLimits });
    } else worker = new Worker(this.opts.module, { workerData: this.opts.workerData, resourceLimits });
    const slot: Slot<TIn, TOut> = { worker, retire: false, ready: false };
    worker.unref();
    worker.on('message', (m: WorkerReply<TOut>) => this.onReply(slot, m));
    worker.on('error', (e) => this.onDeath(slot, e));
    worker.on('exit', (code) => this.onDeath(slot, new Error(`worker exited with code ${code}`)));
    return slot;
  }

  /**
   * Runs a task; rejects with PoolBusyError when the queue is full. With
   * `overflow` (clients that cannot be told to retry later) the task may queue
   * beyond maxQueue, up to OVERFLOW_FACTOR times it, so memory stays bounded.
   */
  run(input: TIn, opts: { overflow?: boolean } = {}): Promise<TOut> {
    if (this.closed) return Promise.reject(new KurokoError('The worker pool is shut down', { code: 'KUR0652' }));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<TOut>((resolve, reject) => {
      const job: Job<TIn, TOut> = { input, resolve, reject, enqueued: Date.now() };
      const free = this.slots.find((s) => !s.job && s.ready);
      if (free) { this.start(free, job); return; }
      // Workers still starting will take a task each as soon as they are ready.
      const starting = this.slots.filter((s) => !s.job && !s.ready).length;
      const limit = (opts.overflow ? Math.max(1, this.maxQueue) * OVERFLOW_FACTOR : this.maxQueue) + starting;
      if (this.queue.length >= limit) { this.stats.rejected++; reject(new PoolBusyError(this.queue.length)); return; }
      this.queue.push(job);
    });
  }

  private start(slot: Slot<TIn, TOut>, job: Job<TIn, TOut>): void {
    slot.job = job;
    slot.worker.ref();
    if (this.opts.taskTimeoutMs) {
      slot.timer = setTimeout(() => {
        log.warning(`A worker task ran longer than ${this.opts.taskTimeoutMs} ms; replacing its worker`);
        this.replace(slot, new KurokoError(`The task took longer than ${this.opts.taskTimeoutMs} ms and was stopped`, { code: 'KUR0653' }));
      }, this.opts.taskTimeoutMs);
    }
    slot.worker.postMessage({ input: job.input });
  }

  private finish(slot: Slot<TIn, TOut>): Job<TIn, TOut> | undefined {
    const job = slot.job;
    slot.job = undefined;
    if (slot.timer) { clearTimeout(slot.timer); slot.timer = undefined; }
    slot.worker.unref();
    return job;
  }

  private onReply(slot: Slot<TIn, TOut>, m: WorkerReply<TOut> | { ready: true }): void {
    if ('ready' in m) {
      // Loaded: only now may it take tasks (start-up time must not count against a task's limit).
      slot.ready = true;
      this.startupFailures = 0;
      if (this.slots.every((s) => s.ready)) for (const w of this.readyWaiters.splice(0)) w();
      if (!slot.job) this.next(slot);
      return;
    }
    const job = this.finish(slot);
    if (job) {
      if (m.ok) { this.stats.completed++; job.resolve(m.value as TOut); } else { this.stats.failed++; job.reject(rebuildError(m.error!)); }
    }
    if (slot.retire) { this.replace(slot); return; }
    this.next(slot);
  }

  private onDeath(slot: Slot<TIn, TOut>, e: Error): void {
    if (!this.slots.includes(slot)) return; // already replaced
    const job = this.finish(slot);
    if (job) { this.stats.failed++; job.reject(new KurokoError(`The worker running this task failed: ${e.message}`, { code: 'KUR0654', cause: e })); }
    if (this.closed) { this.slots = this.slots.filter((s) => s !== slot); this.checkIdle(); return; }
    if (!slot.ready && ++this.startupFailures >= MAX_STARTUP_FAILURES) {
      // The module itself cannot load: respawning would loop forever. Fail what waits, refuse the rest.
      this.broken = new KurokoError(`Worker threads cannot start: ${e.message}`, { code: 'KUR0656', cause: e });
      log.err(this.broken.message);
      this.slots = this.slots.filter((s) => s !== slot);
      for (const j of this.queue.splice(0)) j.reject(this.broken);
      for (const w of this.readyWaiters.splice(0)) w();
      this.checkIdle();
      return;
    }
    this.stats.restarts++;
    log.warning(`A compile worker stopped (${e.message}); starting a new one`);
    this.replace(slot);
  }

  /** Terminates a slot's worker (failing its task with `err`) and puts a fresh one in its place. */
  private replace(slot: Slot<TIn, TOut>, err?: Error): void {
    const job = this.finish(slot);
    if (job) { this.stats.failed++; job.reject(err ?? new KurokoError('The worker was replaced', { code: 'KUR0655' })); }
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    void slot.worker.terminate();
    if (this.closed) { this.slots.splice(i, 1); this.checkIdle(); return; }
    this.slots[i] = this.spawn(); // takes queued work once it reports ready
  }

  private next(slot: Slot<TIn, TOut>): void {
    const job = this.queue.shift();
    if (job) this.start(slot, job);
    else this.checkIdle();
  }

  private checkIdle(): void {
    if (this.running === 0 && this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Replaces every worker (fresh caches), idle ones now and busy ones after their task. */
  reload(): void {
    for (const slot of [...this.slots]) {
      if (slot.job) slot.retire = true;
      else this.replace(slot);
    }
  }

  /** Finishes running and queued tasks (up to graceMs), then stops every worker. */
  async close(graceMs = 30_000): Promise<void> {
    if (this.running || this.queue.length) {
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new KurokoError('The server is shutting down', { code: 'KUR0652' }));
    await Promise.all(this.slots.map((s) => { this.finish(s)?.reject(new KurokoError('The server is shutting down', { code: 'KUR0652' })); return s.worker.terminate(); }));
    this.slots = [];
  }
}
