// Generic traversal of the AST: the child nodes of any node, in source order.
import type { Node } from './ast.js';

/** The direct child nodes of `node` (locations are not nodes). */
export function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const key in node) {
    if (key === 'loc' || key === 'nameLoc' || key === 'operatorLoc') continue;
    const v = (node as unknown as Record<string, unknown>)[key];
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === 'object' && 'kind' in x) out.push(x as Node);
    } else if ('kind' in v) out.push(v as Node);
  }
  return out;
}

/** Calls `visit` for `node` and every node below it (pre-order); return false to skip a subtree. */
export function walk(node: Node, visit: (n: Node, parent: Node | undefined) => boolean | void, parent?: Node): void {
  if (visit(node, parent) === false) return;
  for (const c of children(node)) walk(c, visit, node);
}
