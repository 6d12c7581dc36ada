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
export function stepStateOf(e: { state: MlmdExecutionState; waiting?: boolean; decision?: 'approved' | 'rejected' }): StepState {
  switch (e.state) {
    // A HumanApproval execution ends COMPLETE (or CACHED, reusing a decision) either way: its decision tells.
    case 'COMPLETE':
      return e.decision === 'rejected' ? 'rejected' : 'complete';
    case 'CACHED':
      return e.decision === 'rejected' ? 'rejected' : 'cached';
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


/** A stale step: why the next run executes it again although it last succeeded. */
export function staleText(stale: string): string {
  return `will re-run: ${stale}`;
}

/** What a step is shown as, with its reason, its recorded duration and its stale mark. */
export interface StepStateFacts {
  state: StepState;
  durationMs?: number;
  /** Why it failed or was skipped; for an approval, its decision ("rejected by ana: …"). */
  reason?: string;
  stale?: string;
}

/** An approval's decision in words, when the reason is one ("rejected by ana: …"). */
export function isDecision(reason: string | undefined): reason is string {
  return reason !== undefined && /^(approved|rejected)\b/.test(reason);
}

/**
 * The one-line label of a step: "complete · 311 ms", "skipped: approval rejected by ana: too few rows",
 * "rejected (decision of 2026-12-01 by ana, reused: same model and inputs)", "complete · 2.1 s · will
 * re-run: trainer's params changed", "never run". `formatDuration` is common/format's.
 */
export function stepStateLabel(v: StepStateFacts | undefined, formatDuration: (ms: number) => string): string {
  if (!v) return NEVER_RUN_TEXT;
  let head: string = STEP_STATE_TEXT[v.state];
  if (v.state === 'skipped' && v.reason) head = `skipped: ${v.reason}`;
  else if (isDecision(v.reason)) head = v.state === 'cached' ? `cached: ${v.reason}` : v.reason;
  const timed = v.durationMs !== undefined && v.state !== 'running' && v.state !== 'pending' && v.state !== 'skipped';
  return `${head}${timed ? ` · ${formatDuration(v.durationMs!)}` : ''}${v.stale ? ` · ${staleText(v.stale)}` : ''}`;
}
