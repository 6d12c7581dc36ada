// What a step's state is, how an ML Metadata execution maps onto it, and what each state is called
// wherever people read it: the CLI, the Pipelines and Runs trees, CodeLens, the status bar and the DAG.

/** Step states as users see them on the DAG, in the trees, in CodeLens and in the CLI. */
export type StepState =
  | 'pending'
  | 'running'
  | 'complete'
  | 'cached'
  | 'failed'
  | 'canceled'
  | 'skipped'
  | 'waiting'
  | 'rejected';

/** ML Metadata's Execution.State names (metadata_store.proto), as the store reports them. */
export type MlmdExecutionState = 'UNKNOWN' | 'NEW' | 'RUNNING' | 'COMPLETE' | 'FAILED' | 'CACHED' | 'CANCELED';

/** What every view calls a state. */
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

/** What a step with no recorded execution is called (it is not a StepState: nothing ran). */
export const NEVER_RUN_TEXT = 'never run';

/**
 * The step state of a recorded execution. A HumanApproval execution that waits for a decision stays
 * RUNNING in MLMD and is 'waiting' here. NEW (registered, not started) and UNKNOWN (a writer that set
 * no state) are both 'pending': an execution exists, so the step is not "never run".
 */
export function stepStateOf(e: { state: MlmdExecutionState; waiting?: boolean }): StepState {
  switch (e.state) {
    case 'COMPLETE':
      return 'complete';
    case 'CACHED':
      return 'cached';
    case 'FAILED':
      return 'failed';
    case 'CANCELED':
      return 'canceled';
    case 'RUNNING':
      return e.waiting ? 'waiting' : 'running';
    case 'NEW':
    case 'UNKNOWN':
      return 'pending';
  }
}

