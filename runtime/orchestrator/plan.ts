// Which steps a run covers and in what order: the DAG of a pipeline, scopes (--step/--from/--to) and
// components switched off with `enabled: false` (skipped together with everything that needs them).
import type { PipelineIR } from '../definition/ir';
import type { RunScope } from './api';

export interface Plan {
  /** Steps to execute, in a topological order. */
  steps: string[];
  /** Steps in scope that will be skipped because they (or an upstream step) are disabled. */
  disabled: Map<string, string>;
  /** step -> upstream step ids (deduplicated). */
  upstream: Map<string, string[]>;
}

export class PlanError extends Error {}

export function upstreamMap(p: PipelineIR): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const c of p.components) {
    const ups = new Set<string>();
    for (const refs of Object.values(c.inputs)) for (const r of refs) ups.add(r.component);
    map.set(c.id, [...ups]);
  }
  return map;
}

export function topologicalOrder(p: PipelineIR): string[] {
  const upstream = upstreamMap(p);
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') throw new PlanError(`cycle: ${[...path, id].join(' -> ')}`);
    state.set(id, 'visiting');
    for (const u of upstream.get(id) ?? []) if (upstream.has(u)) visit(u, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const c of p.components) visit(c.id, []);
  return order;
}

function closure(start: string, edges: Map<string, string[]>): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length) {
    for (const next of edges.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

export function downstreamMap(p: PipelineIR): Map<string, string[]> {
  const down = new Map<string, string[]>(p.components.map((c) => [c.id, []]));
  for (const [id, ups] of upstreamMap(p)) for (const u of ups) down.get(u)?.push(id);
  return down;
}

export function planRun(p: PipelineIR, scope: RunScope = {}): Plan {
  const ids = new Set(p.components.map((c) => c.id));
  for (const [flag, id] of Object.entries(scope)) {
    if (id !== undefined && !ids.has(id)) throw new PlanError(`--${flag} ${id}: no component with that id in pipeline ${p.name} (components: ${[...ids].join(', ')})`);
  }
  const upstream = upstreamMap(p);
  const downstream = downstreamMap(p);
  let inScope: Set<string> = new Set(ids);
  if (scope.step) inScope = new Set([scope.step]);
  if (scope.from) inScope = closure(scope.from, downstream);
  if (scope.to) {
    const up = closure(scope.to, upstream);
    inScope = scope.from ? new Set([...inScope].filter((s) => up.has(s))) : up;
  }
  // Disabled components and everything downstream of them are skipped.
  const disabled = new Map<string, string>();
  for (const c of p.components) {
    if (c.enabled) continue;
    for (const d of closure(c.id, downstream)) if (!disabled.has(d)) disabled.set(d, d === c.id ? 'disabled (enabled: false)' : `needs ${c.id}, which is disabled`);
  }
  const steps = topologicalOrder(p).filter((s) => inScope.has(s));
  return { steps, disabled: new Map([...disabled].filter(([s]) => inScope.has(s))), upstream };
}
