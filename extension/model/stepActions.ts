// Which actions can work on a step, derived in one place from the component's output types and its last
// state: the Pipelines tree (as context values its menus match), the DAG node menu and CodeLens all ask
// this, so an action appears only where it can work ("Show Statistics" on a step with statistics or
// examples outputs that ran, not on the Trainer). Pure: no `vscode` import.
import type { ComponentIR } from '../../runtime/server/protocol';
import { REPORT_TYPE } from '../../common/artifacts';
import { STANDARD_OUTPUTS } from './componentOutputs';
import { debugKindOf, type DebugKind } from './debugTarget';
import type { StepView } from './stepView';

export type StepAction =
  /** Run this step alone: its upstream steps have outputs to read. */
  | 'run-step'
  | 'run-from'
  | 'rerun-no-cache'
  | 'open-log'
  | 'show-statistics'
  | 'show-evaluation'
  | 'show-lineage'
  /** Rows of the Parquet outputs (Examples splits, the Evaluator's predictions) in the data grid. */
  | 'open-data-grid'
  /** An ExampleValidator that ran: its anomalies, also when `fail_on` stopped it (they are recorded). */
  | 'show-anomalies'
  /** The step wrote a Report artifact (Markdown, HTML or Vega-Lite). */
  | 'show-report'
  /** Run the step alone under the debugger (its code is a Function, a Trainer module or a Python Command). */
  | 'debug-step'
  | 'approve'
  /** An approval reused a decision from the cache: re-run it without cache to ask again. */
  | 'ask-again';

export interface StepFacts {
  /** Artifact types of the component's outputs (standard ones and declared ones). */
  outputTypes: readonly string[];
  /** Component type, e.g. `HumanApproval`. */
  type: string;
  /** Upstream component ids (from its inputs). */
  upstream: readonly string[];
  /** The debugger the step's own code runs under, if it has code of the user's. */
  debug?: DebugKind;
}

/** Steps whose executions write a log file (the others decide, resolve or reuse; they have no log). */
const NO_LOG_TYPES: ReadonlySet<string> = new Set(['HumanApproval', 'Resolver']);

export function stepActions(facts: StepFacts, view: StepView | undefined, views: Readonly<Record<string, StepView | undefined>>): StepAction[] {
  const actions: StepAction[] = [];
  const upstreamRan = facts.upstream.every((u) => views[u] !== undefined && views[u]!.state !== 'pending');
  if (upstreamRan) actions.push('run-step');
  actions.push('run-from', 'rerun-no-cache');
  // A step that ran at least once has outputs or a record to look at.
  const ran = view !== undefined && view.executionId !== undefined;
  const executed = ran && view!.state !== 'cached' && !NO_LOG_TYPES.has(facts.type);
  if (executed) actions.push('open-log');
  const has = (...types: string[]): boolean => facts.outputTypes.some((t) => types.includes(t));
  if (ran && has('ExampleStatistics', 'Examples')) actions.push('show-statistics');
  if (ran && has('ModelEvaluation')) actions.push('show-evaluation');
  if (ran && view!.state !== 'running' && has('ExampleAnomalies')) actions.push('show-anomalies');
  if (ran && facts.outputTypes.length > 0) actions.push('show-lineage');
  if (ran && has('Examples', 'ModelEvaluation')) actions.push('open-data-grid');
  if (ran && has(REPORT_TYPE)) actions.push('show-report');
  if (facts.debug && upstreamRan) actions.push('debug-step');
  if (view?.state === 'waiting') actions.push('approve');
  if (view?.reusedDecision) actions.push('ask-again');
  return actions;
}

/**
 * The tree item's context value: `mlpipe.component` then one `.<action>` per action, which the menus in
 * package.json match (`viewItem =~ /\.show-statistics\b/`).
 */
export function componentContextValue(actions: readonly StepAction[]): string {
  return ['mlpipe.component', ...actions].join('.');
}

/** The facts of a component of the IR: its standard outputs (DESIGN §5) and declared ones, and its upstream. */
export function factsOf(c: Pick<ComponentIR, 'type' | 'outputs' | 'inputs'> & Partial<Pick<ComponentIR, 'params'>>): StepFacts {
  const outputs = new Map<string, string>(STANDARD_OUTPUTS[c.type] ?? []);
  for (const [key, type] of Object.entries(c.outputs)) outputs.set(key, type);
  const debug = c.params ? debugKindOf({ type: c.type, params: c.params }) : undefined;
  return { type: c.type, outputTypes: [...outputs.values()], upstream: [...new Set(Object.values(c.inputs).flat().map((r) => r.component))], ...(debug ? { debug } : {}) };
}
