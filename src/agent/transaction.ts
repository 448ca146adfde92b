// The transaction: walks the relationship graph in Puppet's order and, for
// each resource, reads its live state through its provider, changes what
// differs (or only reports it under noop), records Puppet's events, skips the
// dependents of failures and delivers refresh events along notify/subscribe
// and containment edges, as Puppet's EventManager does.
import type { Data } from '../compiler/wire.js';
import { now } from './lazy.js';
import type { ApplyContext, Change, FileSourceClient, Provider, ResourceType } from '../resources/type.js';
import { loadType } from '../resources/index.js';
import { log, type LogLevel } from '../log/index.js';
import { describeError, KurokoError } from '../util/diagnostic.js';
import { AgentCatalog, capitalizeType, tagged, type AgentResource } from './catalog.js';
import { RelationshipGraph, type Vertex } from './graph.js';
import { puppetTime, type ReportEvent, type ResourceStatus } from './report-types.js';

export interface TransactionOptions {
  noop?: boolean;
  tags?: string[];
  skipTags?: string[];
  fileSource?: FileSourceClient;
  backup?: ApplyContext['backup'];
  settings?: ApplyContext['settings'];
  /** Previous run's desired values by resource and property, for corrective_change. */
  history?: Map<string, Record<string, Data>>;
  /** A static catalog's inline file metadata. */
  staticFiles?: ApplyContext['staticFiles'];
}

interface QueuedEvent { name: string; status: 'success' | 'noop' }

/** Puppet's types that only configure the run itself (schedules, filebuckets): always in sync. */
const BOOKKEEPING_TYPES = new Set(['schedule', 'filebucket']);

/** Puppet's display of a value in messages: 'x', ['a', 'b'], {'k' => 'v'}. */
export function formatValue(v: Data | undefined): string {
  if (v === undefined || v === null) return "'absent'";
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x)).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `'${k}' => ${formatValue(x)}`).join(', ')}}`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `'${String(v)}'`;
}

function isTrue(v: Data | undefined): boolean {
  return v === true || v === 'true';
}

export class Transaction {
  readonly catalog: AgentCatalog;
  readonly graph: RelationshipGraph;
  /** Resource statuses in evaluation order (the report keeps that order). */
  readonly statuses = new Map<string, ResourceStatus>();
  /** Seconds spent per resource type (the report's time metrics). */
  readonly typeTimes = new Map<string, number>();
  restarted = 0;
  /** Desired values synced in this run (for the transaction store). */
  readonly synced = new Map<string, Record<string, Data>>();
  private failedDeps = new Map<Vertex, Set<AgentResource>>();
  private failedRes = new Set<AgentResource>();
  private notified = new Set<AgentResource>();
  private queues = new Map<Vertex, QueuedEvent[]>();
  private types = new Map<string, ResourceType | undefined>();
  private brokenTypes = new Map<string, string>();
  private providers = new Map<string, Provider | KurokoError>();
  private tags: string[];
  private skipTags: string[];

  constructor(catalog: AgentCatalog, private opts: TransactionOptions = {}) {
    this.catalog = catalog;
    this.tags = (opts.tags ?? []).filter(Boolean);
    this.skipTags = (opts.skipTags ?? []).filter(Boolean);
    this.graph = new RelationshipGraph(catalog);
  }

  /** Loads the types the catalog uses; call before building order (autorequires need them). */
  static async prepare(catalog: AgentCatalog, opts: TransactionOptions = {}): Promise<Transaction> {
    const names = new Set(catalog.resources.filter((r) => !r.container).map((r) => r.type));
    const types = new Map<string, ResourceType | undefined>();
    const broken = new Map<string, string>();
    await Promise.all([...names].map(async (n) => {
      try { types.set(n, await loadType(n)); } catch (e) {
        // A type module that cannot load fails its resources only, not the run.
        types.set(n, undefined);
        broken.set(n, describeError(e));
      }
    }));
    const t = new Transaction(catalog, opts);
    t.types = types;
    t.brokenTypes = broken;
    return t;
  }

  async evaluate(): Promise<void> {
    const order = this.graph.order();
    for (const v of order) {
      if (v.whit) this.evalWhit(v);
      else await this.evalResource(v);
    }
    this.addDefaults();
  }

  /** Puppet adds its default schedules and the local filebucket to every catalog it applies; the report lists them. */
  private addDefaults(): void {
    const defaults: [string, string][] = [
      ['schedule', 'puppet'], ['schedule', 'hourly'], ['schedule', 'daily'], ['schedule', 'weekly'], ['schedule', 'monthly'],
      ['schedule', 'never'], ['filebucket', 'puppet'],
    ];
    for (const [type, title] of defaults) {
      const ref = `${capitalizeType(type)}[${title}]`;
      if (this.statuses.has(ref) || this.catalog.find(ref)) continue;
      const started = now();
      const r: AgentResource = { type, title, parameters: {}, tags: [type, title], ref, index: -1, container: false, children: [] };
      const st = this.newStatus(r);
      st.evaluation_time = (now() - started) / 1000;
      this.statuses.set(ref, st);
      this.typeTimes.set(type, (this.typeTimes.get(type) ?? 0) + st.evaluation_time);
    }
  }

  get noopPending(): boolean {
    for (const s of this.statuses.values()) if (s.events.some((e) => e.status === 'noop')) return true;
    return false;
  }

  private source(v: Vertex): string {
    return v.whit ? v.resource.ref : this.catalog.path(v.resource);
  }

  private logFor(r: AgentResource, level: LogLevel, message: string, source: string): void {
    log.log(level, message, { source, file: r.file, line: r.line, tags: r.tags });
  }

  private evalWhit(v: Vertex): void {
    const deps = this.failedDeps.get(v);
    if (deps?.size) {
      this.queues.delete(v);
      this.propagateFailure(v, deps);
      return;
    }
    this.processEvents(v, false);
  }

  private newStatus(r: AgentResource): ResourceStatus {
    return {
      title: r.title, file: r.file ?? null, line: r.line ?? null, resource: r.ref, resource_type: capitalizeType(r.type),
      provider_used: null, containment_path: this.catalog.containmentPath(r), evaluation_time: 0, tags: r.tags,
      time: puppetTime(), failed: false, failed_to_restart: false, changed: false, out_of_sync: false, skipped: false,
      change_count: 0, out_of_sync_count: 0, events: [], corrective_change: false,
    };
  }

  private async evalResource(v: Vertex): Promise<void> {
    const r = v.resource;
    const started = now();
    const st = this.newStatus(r);
    this.statuses.set(r.ref, st);
    const path = this.catalog.path(r);
    try {
      const deps = this.failedDeps.get(v);
      if (!tagged(r, this.tags, this.skipTags)) {
        log.debug(`Not tagged with ${this.tags.join(', ')}`, { source: path });
        st.skipped = true;
      } else if (deps?.size) {
        for (const d of deps) {
          if (this.notified.has(d)) continue;
          this.notified.add(d);
          this.logFor(r, 'notice', `Dependency ${d.ref} has failures: true`, path);
        }
        this.logFor(r, 'warning', 'Skipping because of failed dependencies', path);
        st.skipped = true;
        this.propagateFailure(v, deps);
      }
      if (st.skipped) { this.queues.delete(v); return; }
      // The noop metaparameter, when given, wins over the run's setting either way (as in Puppet).
      const noop = r.parameters.noop !== undefined && r.parameters.noop !== null ? isTrue(r.parameters.noop) : this.opts.noop === true;
      const ctx = this.context(r, path, noop);
      const events = await this.applyResource(v, st, ctx, noop, path);
      if (st.failed) {
        this.failedRes.add(r);
        this.propagateFailure(v, new Set([r]));
        this.queues.delete(v);
        return;
      }
      this.queueEvents(v, events);
      await this.processEvents(v, noop, ctx, st);
      await this.evalGenerated(v, ctx, noop);
    } finally {
      st.evaluation_time = (now() - started) / 1000;
      this.typeTimes.set(r.type, (this.typeTimes.get(r.type) ?? 0) + st.evaluation_time);
    }
  }

  /** Resources the provider generates (a recursive directory's children), each with a status of its own. */
  private async evalGenerated(v: Vertex, ctx: ApplyContext, noop: boolean): Promise<void> {
    const r = v.resource;
    const type = this.types.get(r.type);
    if (!type) return;
    const provider = this.providerFor(r, type);
    if (!provider.generate) return;
    let generated;
    try {
      generated = await provider.generate(r, ctx);
    } catch (e) {
      this.logFor(r, 'err', `Failed to generate additional resources using 'eval_generate': ${describeError(e)}`, this.catalog.path(r));
      const st = this.statuses.get(r.ref)!;
      st.failed = true;
      this.propagateFailure(v, new Set([r]));
      return;
    }
    for (const g of generated) {
      const ref = `${capitalizeType(g.type)}[${g.title}]`;
      if (this.catalog.find(ref) || this.statuses.has(ref)) continue; // what the catalog says itself wins
      const child: AgentResource = { ...g, ref, index: r.index, container: false, parent: r.parent, children: [] };
      const cv: Vertex = { id: -1, resource: child, priority: v.priority, out: v.out, in: [] };
      const started = now();
      const st = this.newStatus(child);
      this.statuses.set(ref, st);
      const path = this.catalog.path(child);
      const cctx = this.context(child, path, child.parameters.noop !== undefined ? isTrue(child.parameters.noop) : noop);
      const events = await this.applyResource(cv, st, cctx, cctx.noop, path);
      if (st.failed) { this.failedRes.add(r); this.propagateFailure(v, new Set([child])); }
      else this.queueEvents(cv, events);
      st.evaluation_time = (now() - started) / 1000;
      this.typeTimes.set(child.type, (this.typeTimes.get(child.type) ?? 0) + st.evaluation_time);
    }
  }

  private context(r: AgentResource, path: string, noop: boolean): ApplyContext {
    return {
      noop,
      log: (level, message, property) => this.logFor(r, level, message, property ? `${path}/${property}` : path),
      fileSource: this.opts.fileSource,
      backup: this.opts.backup,
      settings: this.opts.settings,
      catalogResources: () => this.catalog.resources,
      staticFiles: this.opts.staticFiles,
    };
  }

  private providerFor(r: AgentResource, type: ResourceType): Provider {
    const wanted = typeof r.parameters.provider === 'string' ? r.parameters.provider : '';
    const key = `${type.name}/${wanted}`;
    let p = this.providers.get(key);
    if (!p) {
      if (wanted) {
        const found = type.providers.find((x) => x.name === wanted);
        p = !found ? new KurokoError(`Invalid provider '${wanted}' for ${capitalizeType(type.name)} (known: ${type.providers.map((x) => x.name).join(', ')})`, { code: 'KUR7005', field: 'provider', value: wanted })
          : !found.suitable() ? new KurokoError(`Provider ${wanted} is not functional on this host`, { code: 'KUR7006', field: 'provider', value: wanted })
            : found;
      } else {
        const suitable = type.providers.filter((x) => x.suitable());
        p = suitable.find((x) => x.isDefault?.()) ?? suitable[0]
          ?? new KurokoError(`No suitable provider for ${capitalizeType(type.name)} on this host`, { code: 'KUR7006' });
      }
      this.providers.set(key, p);
    }
    if (p instanceof KurokoError) throw p;
    return p;
  }

  /** Checks and syncs one resource; returns the events it sends on. */
  private async applyResource(v: Vertex, st: ResourceStatus, ctx: ApplyContext, noop: boolean, path: string): Promise<QueuedEvent[]> {
    const r = v.resource;
    let type: ResourceType | undefined;
    try { type = this.types.has(r.type) ? this.types.get(r.type) : await loadType(r.type); } catch (e) { this.brokenTypes.set(r.type, describeError(e)); }
    let changes: Change[];
    let provider: Provider;
    if (!type && BOOKKEEPING_TYPES.has(r.type)) return []; // nothing on the system to sync
    try {
      const broken = this.brokenTypes.get(r.type);
      if (broken) throw new KurokoError(`Could not load the type '${capitalizeType(r.type)}': ${broken}`, { code: 'KUR7007', value: r.type });
      if (!type) throw new KurokoError(`Unknown resource type '${capitalizeType(r.type)}': Kuroko has no such type`, { code: 'KUR7004', value: r.type });
      provider = this.providerFor(r, type);
      st.provider_used = provider.name;
      type.validate?.(r);
      changes = await provider.check(r, ctx);
    } catch (e) {
      this.logFor(r, 'err', `Could not evaluate: ${describeError(e)}`, path);
      st.failed = true;
      return [];
    }
    if (changes.length === 0) return [];
    st.out_of_sync = true;
    st.out_of_sync_count = changes.length;
    const sensitive = new Set(r.sensitiveParameters ?? []);
    const history = this.opts.history?.get(r.ref);
    const mk = (c: Change, status: ReportEvent['status'], message: string): ReportEvent => {
      const redacted = c.redacted === true || sensitive.has(c.property);
      const corrective = !!history && !c.volatile && c.property in history && JSON.stringify(history[c.property]) === JSON.stringify(c.desired ?? null);
      return {
        audited: false, property: c.property,
        previous_value: redacted ? null : (c.previous ?? 'absent'), desired_value: redacted ? null : (c.desired ?? null),
        historical_value: null, message, name: c.name ?? eventName(r.type, c), status, time: puppetTime(),
        redacted: redacted ? true : null, corrective_change: corrective,
      };
    };
    const shown = (c: Change) => c.redacted === true || sensitive.has(c.property);
    if (noop) {
      for (const c of changes) {
        const msg = shown(c) ? 'current_value [redacted], should be [redacted] (noop)'
          : `current_value ${formatValue(c.previous)}, should be ${formatValue(c.desired)} (noop)`;
        st.events.push(mk(c, 'noop', msg));
        this.logFor(r, 'notice', msg, `${path}/${c.property}`);
      }
    } else {
      try {
        await provider!.apply(r, changes, ctx);
        for (const c of changes) {
          const msg = shown(c) ? `changed [redacted] to [redacted]` : c.message;
          st.events.push(mk(c, 'success', msg));
          this.logFor(r, 'notice', msg, `${path}/${c.property}`);
        }
        st.changed = true;
        st.change_count = changes.length;
        if (!changes.some(shown)) {
          const rec = this.synced.get(r.ref) ?? {};
          for (const c of changes) {
            if (c.volatile) continue;
            Object.assign(rec, c.implies ?? {});
            rec[c.property] = c.desired ?? null;
          }
          this.synced.set(r.ref, rec);
        }
      } catch (e) {
        const c0 = changes[0];
        const what = shown(c0) ? 'change from [redacted] to [redacted]' : `change from ${formatValue(c0.previous)} to ${formatValue(c0.desired)}`;
        const msg = `${what} failed: ${describeError(e)}`;
        for (const c of changes) st.events.push(mk(c, 'failure', msg));
        this.logFor(r, 'err', msg, `${path}/${c0.property}`);
        st.failed = true;
        return [];
      }
    }
    st.corrective_change = st.events.some((e) => e.corrective_change);
    // A change that makes a pending refresh moot (a service just started) cancels it, as in Puppet.
    if (changes.some((c) => c.invalidateRefreshes)) {
      if (this.queues.get(v)?.length) {
        this.logFor(r, 'info', `Unscheduling refresh on ${r.ref}`, path);
        this.queues.delete(v);
      }
    }
    return st.events.map((e) => ({ name: e.name, status: e.status === 'noop' ? 'noop' : 'success' }));
  }

  private canRefresh(v: Vertex): boolean {
    if (v.whit) return true;
    const t = this.types.get(v.resource.type);
    if (!t) return false;
    return t.refreshable ?? t.providers.some((p) => typeof p.refresh === 'function');
  }

  private queueEvents(v: Vertex, events: QueuedEvent[]): void {
    if (events.length === 0) return;
    for (const e of v.out) {
      if (!e.refresh || !this.canRefresh(e.target)) continue;
      const t = e.target;
      const msg = t.whit === 'completed' ? `The container ${t.resource.ref} will propagate my refresh event` : `Scheduling refresh of ${t.resource.ref}`;
      this.logFor(v.resource, t.whit === 'completed' ? 'debug' : 'info', msg, this.source(v));
      const q = this.queues.get(t);
      if (q) q.push(...events); else this.queues.set(t, [...events]);
    }
  }

  private processEvents(v: Vertex, noop: boolean, ctx?: ApplyContext, st?: ResourceStatus): void | Promise<void> {
    const q = this.queues.get(v);
    if (!q?.length) return;
    this.queues.delete(v);
    const n = q.length;
    const plural = n === 1 ? 'event' : 'events';
    const r = v.resource;
    const src = this.source(v);
    if (noop || !q.some((e) => e.status !== 'noop')) {
      this.logFor(r, 'notice', `Would have triggered 'refresh' from ${n} ${plural}`, src);
      this.queueEvents(v, [{ name: 'noop_restart', status: 'noop' }]);
      return;
    }
    if (v.whit) { this.queueEvents(v, [{ name: 'restarted', status: 'success' }]); return; }
    return this.refresh(v, n, ctx!, st!);
  }

  private async refresh(v: Vertex, n: number, ctx: ApplyContext, st: ResourceStatus): Promise<void> {
    const r = v.resource;
    const src = this.source(v);
    const type = this.types.get(r.type)!;
    try {
      const provider = this.providerFor(r, type);
      if (!provider.refresh) return;
      await provider.refresh(r, ctx);
    } catch (e) {
      this.logFor(r, 'err', `Failed to call refresh: ${describeError(e)}`, src);
      st.failed_to_restart = true;
      return;
    }
    const msg = `Triggered 'refresh' from ${n} ${n === 1 ? 'event' : 'events'}`;
    this.logFor(r, 'notice', msg, src);
    st.events.push({
      audited: false, property: null, previous_value: null, desired_value: null, historical_value: null, message: msg,
      name: 'refresh', status: 'success', time: puppetTime(), redacted: false, corrective_change: false,
    });
    st.changed = true;
    st.out_of_sync = true;
    st.change_count += 1;
    st.out_of_sync_count += 1;
    this.restarted++;
    this.queueEvents(v, [{ name: 'restarted', status: 'success' }]);
  }

  private propagateFailure(v: Vertex, roots: Set<AgentResource>): void {
    for (const e of v.out) {
      let s = this.failedDeps.get(e.target);
      if (!s) this.failedDeps.set(e.target, (s = new Set()));
      for (const x of roots) s.add(x);
    }
  }
}

/** Puppet's event names: file_created, directory_created, file_removed, mode_changed, ... */
function eventName(type: string, c: Change): string {
  if (c.property !== 'ensure') return `${c.property}_changed`;
  const d = c.desired;
  const p = c.previous;
  if (d === 'absent' || d === 'purged') return `${type}_removed`;
  if (p === 'absent' || p === undefined || p === null || p === 'purged') {
    if (type === 'file' && d === 'directory') return 'directory_created';
    if (type === 'file' && d === 'link') return 'link_created';
    return `${type}_created`;
  }
  return `${type}_changed`;
}
