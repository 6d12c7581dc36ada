// PipelineIR + diagnostics -> the DAG preview's graph. Pure (no `vscode`), so it is tested directly.
// Output keys and artifact types of the standard components are the DESIGN §5 contract; a component
// with declared outputs (Command, Function) brings its own, and any output referenced downstream but
// unknown here still gets a port, typed by what the IR says or `Artifact`.
import { stepStateOf } from '../../common/stepStates';
import type { ArtifactSummary, ExecutionSummary, LoadResult, PipelineIR } from '../../runtime/server/protocol';
import type { DagAction, DagGraph, DagNode, DagNodeStatus, DagProblem } from '../../webviews/protocol';
import { STANDARD_OUTPUTS } from '../model/componentOutputs';
import { factsOf, stepActions } from '../model/stepActions';
import { stepDetail, stepLabel, type StepViews } from '../model/stepView';

export { STANDARD_OUTPUTS };

export function toDagGraph(ir: PipelineIR): DagGraph {
  const outputsOf = new Map<string, Map<string, string>>();
  for (const c of ir.components) {
    const outs = new Map<string, string>(STANDARD_OUTPUTS[c.type] ?? []);
    for (const [key, type] of Object.entries(c.outputs)) outs.set(key, type);
    outputsOf.set(c.id, outs);
  }
  const edges: DagGraph['edges'] = [];
  for (const c of ir.components) {
    for (const [input, refs] of Object.entries(c.inputs)) {
      for (const ref of refs) {
        const outs = outputsOf.get(ref.component);
        if (!outs) continue; // an unknown component: the diagnostics say so
        if (!outs.has(ref.output)) outs.set(ref.output, 'Artifact');
        edges.push({ from: ref.component, output: ref.output, to: c.id, input, artifactType: outs.get(ref.output)! });
      }
    }
  }
  const nodes: DagNode[] = ir.components.map((c) => ({
    id: c.id,
    type: c.type,
    enabled: c.enabled,
    outputs: [...(outputsOf.get(c.id) ?? [])].map(([key, artifactType]) => ({ key, artifactType })),
  }));
  return { pipeline: ir.name, file: ir.file, nodes, edges };
}

export function toDagProblems(result: LoadResult): DagProblem[] {
  return result.diagnostics.map((d) => ({
    line: d.range.start.line,
    column: d.range.start.column,
    severity: d.severity,
    message: d.hint ? `${d.message} (${d.hint})` : d.message,
    component: d.component,
  }));
}

/**
 * The graph to show for a load result: every component that could be read, a component with errors
 * marked `broken` with its first error (one typo does not hide the rest of the graph). null when
 * nothing could be read (the view then keeps the last graph).
 */
export function graphFor(result: LoadResult): DagGraph | null {
  if (!result.pipeline) return null;
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length && result.pipeline.components.length === 0) return null;
  const graph = toDagGraph(result.pipeline);
  const firstError = new Map<string, string>();
  for (const d of errors) if (d.component !== undefined && !firstError.has(d.component)) firstError.set(d.component, `${d.range.start.line}:${d.range.start.column} ${d.message}`);
  for (const node of graph.nodes) {
    const message = firstError.get(node.id);
    if (message !== undefined) node.broken = message;
  }
  return graph;
}

/** The DAG status of a node's last execution (the state mapping is common/stepStates.ts's, as the trees'). */
export function stateOfExecution(e: ExecutionSummary): DagNodeStatus {
  return { state: stepStateOf(e), durationMs: e.durationMs, executionId: e.id, reason: e.error };
}

const DAG_ACTIONS: ReadonlySet<string> = new Set<DagAction>(['run-step', 'run-from', 'rerun-no-cache', 'show-statistics', 'show-evaluation', 'show-lineage', 'open-data-grid', 'show-anomalies', 'show-report', 'debug-step', 'open-log']);

/** The DAG's node status from the host's step views: the same state, label and actions as the trees. */
export function dagStatus(ir: PipelineIR, views: StepViews): Record<string, DagNodeStatus> {
  const out: Record<string, DagNodeStatus> = {};
  for (const c of ir.components) {
    const v = views[c.id];
    const actions = stepActions(factsOf(c), v, views).filter((a): a is DagAction => DAG_ACTIONS.has(a));
    const st: DagNodeStatus = { state: v?.state ?? 'never-run', label: stepLabel(v), detail: stepDetail(c.id, v), actions };
    if (v?.durationMs !== undefined) st.durationMs = v.durationMs;
    if (v?.executionId !== undefined) st.executionId = v.executionId;
    if (v?.reason !== undefined) st.reason = v.reason;
    out[c.id] = st;
  }
  return out;
}

/** The component whose definition contains a 1-based position. */
export function componentAt(ir: PipelineIR | undefined, line: number, column: number): string | null {
  for (const c of ir?.components ?? []) {
    const r = c.range;
    if (!r) continue;
    const after = line > r.start.line || (line === r.start.line && column >= r.start.column);
    const before = line < r.end.line || (line === r.end.line && column <= r.end.column);
    if (after && before) return c.id;
  }
  return null;
}


/**
 * Rows per split of the Examples a step's last run wrote, from ExampleGen's `num_examples` custom
 * property (a JSON object, split -> rows); undefined when no Examples output recorded it.
 */
export function rowsPerSplit(outputs: Record<string, ArtifactSummary[]> | null | undefined): Record<string, number> | undefined {
  for (const artifacts of Object.values(outputs ?? {})) {
    for (const a of artifacts) {
      if (a.type !== 'Examples') continue;
      const raw = a.customProperties['num_examples'];
      if (typeof raw !== 'string') continue;
      try {
        const parsed: unknown = JSON.parse(raw);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) continue;
        const rows = Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
        if (Object.keys(rows).length) return rows;
      } catch {
        // A property some other tool wrote: not ours to interpret.
      }
    }
  }
  return undefined;
}
