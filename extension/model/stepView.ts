// What every view shows of a step (the Pipelines tree, CodeLens, the DAG preview): the runtime's stored
// status of the latest run that covered the step (runtime/orchestrator/stepStatus.ts), overlaid with the
// live events of a run in progress in this window; and the words for it. Pure: no `vscode` import, so it
// is tested directly (test/extension/stepView.test.ts), and one reduction serves every view.
import type { RunEvent, StepState, StepStatus } from '../../runtime/server/protocol';
import { formatDuration } from '../../common/format';
import { isDecision, NEVER_RUN_TEXT, stepStateLabel } from '../../common/stepStates';

export interface StepView extends StepStatus {
  /** Part of a run in progress in this window (from its events, not yet from the database). */
  live: boolean;
}

export type StepViews = Record<string, StepView>;

export function storedViews(steps: Record<string, StepStatus>): StepViews {
  return Object.fromEntries(Object.entries(steps).map(([id, s]) => [id, { ...s, live: false }]));
}

/** The live states of one run's steps after an event (a new object; `live` is not changed). */
export function reduceLive(live: StepViews, e: RunEvent): StepViews {
  switch (e.kind) {
    case 'run-started':
      return Object.fromEntries(e.steps.map((s) => [s, { state: 'pending' as StepState, live: true, runId: e.runId }]));
    case 'step-started':
      return { ...live, [e.step]: { state: 'running', executionId: e.executionId, live: true, runId: e.runId } };
    case 'step-waiting':
      return { ...live, [e.step]: { state: 'waiting', executionId: e.executionId, live: true, runId: e.runId } };
    case 'step-finished': {
      const v: StepView = { state: e.state, durationMs: e.durationMs, live: true, runId: e.runId };
      if (e.executionId !== undefined) v.executionId = e.executionId;
      if (e.reason !== undefined) v.reason = e.reason;
      return { ...live, [e.step]: v };
    }
    default:
      return live;
  }
}

/** Live states win over stored ones; a step the run has not reached yet shows "pending". */
export function overlay(stored: StepViews, live: StepViews | undefined): StepViews {
  return live ? { ...stored, ...live } : stored;
}

/**
 * The one-line label every view shows (common/stepStates.ts's wording): "complete · 311 ms", "skipped:
 * approval rejected by ana: too few rows", "complete · 2.1 s · will re-run: trainer's params changed".
 */
export function stepLabel(v: StepView | undefined): string {
  return stepStateLabel(v, formatDuration);
}

/** The longer text for a tooltip: the label, the reason when the label does not already say it, the execution. */
export function stepDetail(id: string, v: StepView | undefined): string {
  if (!v) return `${id}: ${NEVER_RUN_TEXT}`;
  const lines = [`${id}: ${stepLabel(v)}`];
  if (v.reason && v.state !== 'skipped' && !isDecision(v.reason)) lines.push(v.reason);
  if (v.reusedDecision) lines.push('Re-run this step without cache to ask for a decision again.');
  if (v.executionId !== undefined) lines.push(`Execution ${v.executionId}${v.runId ? ` of run ${v.runId}` : ''}`);
  else if (v.runId) lines.push(`Run ${v.runId}`);
  return lines.join('\n');
}
