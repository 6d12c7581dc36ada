// The pipeline DAG: ordering and neighbourhoods, used by validation (cycles) and by the orchestrator
// (plan, --step/--from/--to).
import type { PipelineIR } from './ir';

/** id -> ids it reads from (only edges to components that exist in the pipeline). */
export function upstreamEdges(p: PipelineIR): Map<string, string[]> {
  const ids = new Set(p.components.map((c) => c.id));
  const edges = new Map<string, string[]>();
  for (const c of p.components) {
    const ups: string[] = [];
    for (const refs of Object.values(c.inputs)) {
      for (const ref of refs) if (ids.has(ref.component) && !ups.includes(ref.component)) ups.push(ref.component);
    }
    edges.set(c.id, ups);
  }
  return edges;
}

function downstreamEdges(p: PipelineIR): Map<string, string[]> {
  const down = new Map<string, string[]>(p.components.map((c) => [c.id, []]));
  for (const [id, ups] of upstreamEdges(p)) for (const u of ups) down.get(u)?.push(id);
  return down;
}

/**
 * Component ids in an order where every component comes after its inputs; ties keep file order, so
 * the result is deterministic. Components on a cycle are appended at the end in file order
 * (validation reports the cycle; callers must not run an invalid pipeline).
 */
export function topologicalOrder(p: PipelineIR): string[] {
  const ups = upstreamEdges(p);
  const down = downstreamEdges(p);
  const remaining = new Map<string, number>([...ups].map(([id, u]) => [id, u.length]));
  const position = new Map(p.components.map((c, i) => [c.id, i]));
  const ready = p.components.filter((c) => remaining.get(c.id) === 0).map((c) => c.id);
  const order: string[] = [];
  while (ready.length) {
    ready.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    const id = ready.shift() as string;
    order.push(id);
    for (const d of down.get(id) ?? []) {
      const left = (remaining.get(d) ?? 0) - 1;
      remaining.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (order.length < p.components.length) {
    const done = new Set(order);
    for (const c of p.components) if (!done.has(c.id)) order.push(c.id);
  }
  return order;
}

function reach(start: string, edges: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...(edges.get(start) ?? [])];
  while (stack.length) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(edges.get(id) ?? []));
  }
  seen.delete(start);
  return seen;
}

/** Every component that depends, directly or not, on `id` (not `id` itself), in topological order. */
export function downstreamOf(p: PipelineIR, id: string): string[] {
  const set = reach(id, downstreamEdges(p));
  return topologicalOrder(p).filter((x) => set.has(x));
}

/** Every component `id` depends on, directly or not (not `id` itself), in topological order. */
export function upstreamOf(p: PipelineIR, id: string): string[] {
  const set = reach(id, upstreamEdges(p));
  return topologicalOrder(p).filter((x) => set.has(x));
}

/** Each cycle once, as the list of ids along it (first id repeated at the end is left out). */
export function findCycles(p: PipelineIR): string[][] {
  const ups = upstreamEdges(p);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seenKeys = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const u of ups.get(id) ?? []) {
      const s = state.get(u);
      if (s === 'visiting') {
        // The cycle runs from u down the stack to id; report it in data-flow order (producer first).
        const cycle = stack.slice(stack.indexOf(u)).reverse();
        const key = [...cycle].sort().join(',');
        if (!seenKeys.has(key)) {
          seenKeys.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) visit(u);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const c of p.components) if (!state.has(c.id)) visit(c.id);
  return cycles;
}

/**
 * Components that will not run because they, or something they read from, are disabled.
 * The orchestrator skips these without warning.
 */
export function skippedComponents(p: PipelineIR): Set<string> {
  const skipped = new Set<string>();
  const ups = upstreamEdges(p);
  for (const id of topologicalOrder(p)) {
    const comp = p.components.find((c) => c.id === id);
    if (!comp) continue;
    if (!comp.enabled || (ups.get(id) ?? []).some((u) => skipped.has(u))) skipped.add(id);
  }
  return skipped;
}
