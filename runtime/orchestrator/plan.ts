// Which steps a run covers and in what order: the DAG of a pipeline narrowed by a scope
// (--step/--from/--to), with components switched off by `enabled: false` (skipped together with
// everything that needs them), and widened by the system nodes the scope reads from that answer from the
// metadata store as it is now (a Resolver's "latest blessed model"): every scope resolves them as the
// whole pipeline would, instead of reading what they answered in an older run. The graph itself comes
// from the definition layer.
import { downstreamOf, skippedComponents, topologicalOrder, upstreamEdges, upstreamOf } from '../definition/graph';
import type { PipelineIR } from '../definition/ir';
import type { ComponentSpec, SystemNodeKind } from '../components/spec';
import { getComponent } from '../components/registry';
import type { RunScope } from './api';
import { UsageError } from '../errors';

export interface Plan {
  /** Steps to execute, in a topological order. */
  steps: string[];
  /** Steps in scope that are skipped because they, or a step they need, are disabled; with the reason. */
  disabled: Map<string, string>;
  /** step -> the steps it reads from. */
  upstream: Map<string, string[]>;
  /** Steps outside the asked scope that the plan added because a step in it reads them (see RESOLVED_IN_EVERY_SCOPE). */
  pulledIn: Set<string>;
}

/**
 * Per kind of system node: does a scoped run re-run it when a step of the scope reads it from outside?
 * A Resolver's answer depends on the store at the time of the run (the blessed model of the previous
 * run), so its output of an older run is stale the moment a later run blessed a model: yes. A
 * HumanApproval is a person's decision about one model: a scope that does not include it keeps using
 * the latest decision, as it keeps using the latest model of a Trainer outside the scope: no. A new
 * kind must say which it is (the Record makes that a compile error to forget).
 */
export const RESOLVED_IN_EVERY_SCOPE: { readonly [K in SystemNodeKind]: boolean } = {
  resolver: true,
  approval: false,
  // The same source gives the same artifact (unless reimport): its latest output is as good as a new one.
  importer: false,
};

/** A mistake in how the run was asked for (unknown step, missing upstream outputs, a bad run id …): a usage error. */
export class RunRequestError extends UsageError {}

export interface PlanOptions {
  /** The spec of a component type (default: the registry). */
  specOf?: (type: string) => ComponentSpec | undefined;
}

function resolvedInEveryScope(spec: ComponentSpec | undefined): boolean {
  return spec !== undefined && spec.kind !== 'executor' && RESOLVED_IN_EVERY_SCOPE[spec.kind];
}

export function planRun(p: PipelineIR, scope: RunScope = {}, options: PlanOptions = {}): Plan {
  const specOf = options.specOf ?? getComponent;
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
  const upstream = upstreamEdges(p);
  // Walk up from the scope: a system node that answers from the store now joins the run, and so do the
  // system nodes it reads in turn. Executor steps outside the scope stop the walk (their latest outputs stand).
  const pulledIn = new Set<string>();
  const frontier = [...inScope];
  while (frontier.length) {
    const id = frontier.pop() as string;
    for (const up of upstream.get(id) ?? []) {
      if (inScope.has(up)) continue;
      const component = byId.get(up);
      if (!component || !resolvedInEveryScope(specOf(component.type))) continue;
      inScope.add(up);
      pulledIn.add(up);
      frontier.push(up);
    }
  }
  const disabled = new Map<string, string>();
  for (const id of skippedComponents(p)) {
    if (!inScope.has(id)) continue;
    const off = byId.get(id)?.enabled === false ? undefined : upstreamOf(p, id).find((u) => byId.get(u)?.enabled === false);
    disabled.set(id, off ? `needs ${off}, which is disabled` : 'disabled (enabled: false)');
  }
  return { steps: topologicalOrder(p).filter((s) => inScope.has(s)), disabled, upstream, pulledIn };
}
