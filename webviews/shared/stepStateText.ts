// What a step state is called wherever users read it: the DAG's nodes (webviews/dag) and the trees
// and CodeLens of the extension host, which imports this pure module so the two never drift apart.
import type { StepState } from '../../runtime/orchestrator/events';

export const STEP_STATE_TEXT: Readonly<Record<StepState, string>> = {
  pending: 'pending',
  running: 'running',
  complete: 'complete',
  cached: 'cached',
  failed: 'failed',
  canceled: 'canceled',
  skipped: 'skipped',
  waiting: 'waiting for approval',
  rejected: 'rejected',
};
