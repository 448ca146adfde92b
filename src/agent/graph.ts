// The relationship graph, built the way Puppet builds it: every container
// (stage, class, node, defined type) becomes two whits, "admissible" before
// its contents and "completed" after them, so a relationship with a class
// orders (and refreshes) everything it contains. Containment edges carry
// Puppet's default refresh label, relationships carry one only for
// notify/subscribe. Evaluation order is a topological sort that picks, among
// ready vertices, the one earliest in the catalog (Puppet's manifest order).
import type { AgentCatalog, AgentResource } from './catalog.js';
import { refsOf } from './catalog.js';
import { typeIfLoaded } from '../resources/index.js';
import { KurokoError } from '../util/diagnostic.js';

export interface Vertex {
  id: number;
  resource: AgentResource;
  whit?: 'admissible' | 'completed';
  priority: number;
  out: Edge[];
  in: Edge[];
}

export interface Edge {
  source: Vertex;
  target: Vertex;
  /** Events flow along this edge and refresh its target. */
  refresh: boolean;
}

export class RelationshipGraph {
  readonly vertices: Vertex[] = [];
  private start = new Map<AgentResource, Vertex>();
  private end = new Map<AgentResource, Vertex>();
  /** Edges by source and target id as one number (no key strings to allocate), while building. */
  private edgeIndex = new Map<number, Edge>();
  private stride = 1;

  constructor(readonly catalog: AgentCatalog) {
    this.stride = 2 * catalog.resources.length + 1;
    for (const r of catalog.resources) {
      if (r.container) {
        const a = this.vertex(r, 'admissible');
        const c = this.vertex(r, 'completed');
        this.start.set(r, a); this.end.set(r, c);
      } else {
        const v = this.vertex(r);
        this.start.set(r, v); this.end.set(r, v);
      }
    }
    for (const r of catalog.resources) {
      if (!r.container) continue;
      const a = this.start.get(r)!;
      const c = this.end.get(r)!;
      if (r.children.length === 0) this.edge(a, c, false);
      for (const ch of r.children) {
        this.edge(a, this.start.get(ch)!, true);
        this.edge(this.end.get(ch)!, c, true);
      }
    }
    const explicit = new Set<number>();
    const pair = (a: AgentResource, b: AgentResource) => a.index * (catalog.resources.length + 1) + b.index;
    for (const r of catalog.resources) {
      const rel = (param: string, forward: boolean, refresh: boolean) => {
        for (const ref of refsOf(r.parameters[param])) {
          const other = catalog.find(ref);
          if (!other) {
            throw new KurokoError(`Could not find dependency ${ref} for ${r.ref}`, {
              code: 'KUR7002', location: r.file ? { file: r.file, line: r.line } : undefined, field: param, value: ref,
            });
          }
          const [s, t] = forward ? [r, other] : [other, r];
          explicit.add(pair(s, t));
          this.edge(this.end.get(s)!, this.start.get(t)!, refresh);
        }
      };
      rel('before', true, false);
      rel('notify', true, true);
      rel('require', false, false);
      rel('subscribe', false, true);
    }
    // Autorequires: only to resources in the catalog, never against an explicit relationship.
    for (const r of catalog.resources) {
      if (r.container) continue;
      const type = typeIfLoaded(r.type);
      if (!type?.autorequire) continue;
      for (const ref of type.autorequire(r)) {
        const dep = catalog.find(ref);
        if (!dep || dep === r || explicit.has(pair(r, dep))) continue;
        this.edge(this.end.get(dep)!, this.start.get(r)!, false);
      }
    }
    this.edgeIndex.clear(); // only needed to merge duplicate edges while building
    // Arrays grown by push keep spare capacity: exact copies save memory on large catalogs.
    for (const v of this.vertices) {
      if (v.out.length) v.out = v.out.slice();
      if (v.in.length) v.in = v.in.slice();
    }
  }

  private vertex(resource: AgentResource, whit?: 'admissible' | 'completed'): Vertex {
    const v: Vertex = { id: this.vertices.length, resource, whit, priority: resource.index, out: [], in: [] };
    this.vertices.push(v);
    return v;
  }

  private edge(source: Vertex, target: Vertex, refresh: boolean): void {
    const key = source.id * this.stride + target.id;
    const old = this.edgeIndex.get(key);
    if (old) { old.refresh ||= refresh; return; }
    const e: Edge = { source, target, refresh };
    this.edgeIndex.set(key, e);
    source.out.push(e);
    target.in.push(e);
  }

  /** Whit vertices print as their container's reference, as Puppet's messages do. */
  static label(v: Vertex): string {
    return v.resource.ref;
  }

  /** The evaluation order; throws listing the cycles when there is one. */
  order(): Vertex[] {
    const indeg = this.vertices.map((v) => v.in.length);
    const heap = new MinHeap();
    for (const v of this.vertices) if (indeg[v.id] === 0) heap.push(v);
    const out: Vertex[] = [];
    while (heap.size) {
      const v = heap.pop();
      out.push(v);
      for (const e of v.out) if (--indeg[e.target.id] === 0) heap.push(e.target);
    }
    if (out.length < this.vertices.length) throw this.cycleError(new Set(this.vertices.filter((v) => indeg[v.id] > 0)));
    return out;
  }

  private cycleError(left: Set<Vertex>): KurokoError {
    const cycles = stronglyConnected([...left]).filter((c) => c.length > 1 || c[0].out.some((e) => e.target === c[0]));
    const lines = cycles.map((scc) => {
      const inScc = new Set(scc);
      const startV = scc.reduce((a, b) => (a.priority <= b.priority ? a : b));
      const path = shortestCycle(startV, inScc);
      const names: string[] = [];
      for (const v of path) {
        const n = RelationshipGraph.label(v);
        if (names[names.length - 1] !== n) names.push(n);
      }
      return `(${names.join(' => ')})`;
    });
    const n = lines.length;
    return new KurokoError(
      `Found ${n} dependency cycle${n === 1 ? '' : 's'}:\n${lines.join('\n')}`,
      { code: 'KUR7003' },
    );
  }
}

function shortestCycle(start: Vertex, within: Set<Vertex>): Vertex[] {
  const prev = new Map<Vertex, Vertex>();
  const queue: Vertex[] = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const e of v.out) {
      if (!within.has(e.target)) continue;
      if (e.target === start) {
        const path = [start];
        for (let c: Vertex | undefined = v; c && c !== start; c = prev.get(c)) path.splice(1, 0, c);
        path.push(start);
        return path;
      }
      if (!prev.has(e.target)) { prev.set(e.target, v); queue.push(e.target); }
    }
  }
  return [start, start];
}

/** Tarjan's algorithm, iterative so that deep graphs cannot overflow the stack. */
function stronglyConnected(vs: Vertex[]): Vertex[][] {
  const allowed = new Set(vs);
  const index = new Map<Vertex, number>();
  const low = new Map<Vertex, number>();
  const onStack = new Set<Vertex>();
  const stack: Vertex[] = [];
  const out: Vertex[][] = [];
  let counter = 0;
  for (const root of vs) {
    if (index.has(root)) continue;
    const work: { v: Vertex; i: number }[] = [{ v: root, i: 0 }];
    index.set(root, counter); low.set(root, counter++); stack.push(root); onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const edges = top.v.out;
      if (top.i < edges.length) {
        const w = edges[top.i++].target;
        if (!allowed.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, counter); low.set(w, counter++); stack.push(w); onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) { const p = work[work.length - 1].v; low.set(p, Math.min(low.get(p)!, low.get(top.v)!)); }
      if (low.get(top.v) === index.get(top.v)) {
        const comp: Vertex[] = [];
        let w: Vertex;
        do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== top.v);
        out.push(comp);
      }
    }
  }
  return out;
}

/** Ready vertices by catalog position; admissible before completed of the same container. */
class MinHeap {
  private a: Vertex[] = [];
  get size(): number { return this.a.length; }
  private less(x: Vertex, y: Vertex): boolean {
    return x.priority !== y.priority ? x.priority < y.priority : x.id < y.id;
  }
  push(v: Vertex): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): Vertex {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
