// Which steps a run covers and in what order: the DAG of a pipeline narrowed by a scope
// (--step/--from/--to), with components switched off by `enabled: false` (skipped together with
// everything that needs them). The graph itself comes from the definition layer.
import { downstreamOf, skippedComponents, topologicalOrder, upstreamEdges, upstreamOf } from '../definition/graph';
import type { PipelineIR } from '../definition/ir';
import type { RunScope } from './api';
import { UsageError } from '../errors';

export interface Plan {
  /** Steps to execute, in a topological order. */
  steps: string[];
  /** Steps in scope that are skipped because they, or a step they need, are disabled; with the reason. */
  disabled: Map<string, string>;
  /** step -> the steps it reads from. */
  upstream: Map<string, string[]>;
}

/** A mistake in how the run was asked for (unknown step, missing upstream outputs, a bad run id …): a usage error. */
export class RunRequestError extends UsageError {}

export function planRun(p: PipelineIR, scope: RunScope = {}): Plan {
  const ids = new Set(p.components.map((c) => c.id));
  for (const [flag, id] of Object.entries(scope)) {
    if (id !== undefined && !ids.has(id)) throw new RunRequestError(`--${flag} ${id}: no component with that id in pipeline ${p.name} (components: ${[...ids].join(', ')})`);
  }
  let inScope = new Set(ids);
  if (scope.step) inScope = new Set([scope.step]);
  if (scope.from) inScope = new Set([scope.from, ...downstreamOf(p, scope.from)]);
  if (scope.to) {
    const up = new Set([scope.to, ...upstreamOf(p, scope.to)]);
    inScope = scope.from ? new Set([...inScope].filter((s) => up.has(s))) : up;
  }
  const byId = new Map(p.components.map((c) => [c.id, c]));
  const disabled = new Map<string, string>();
  for (const id of skippedComponents(p)) {
    if (!inScope.has(id)) continue;
    const off = byId.get(id)?.enabled === false ? undefined : upstreamOf(p, id).find((u) => byId.get(u)?.enabled === false);
    disabled.set(id, off ? `needs ${off}, which is disabled` : 'disabled (enabled: false)');
  }
  return { steps: topologicalOrder(p).filter((s) => inScope.has(s)), disabled, upstream: upstreamEdges(p) };
}
