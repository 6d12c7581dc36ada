// What the views say about a run: its scope ("whole pipeline", "step trainer", "from transform"), its real
// outcome (a rejected approval makes a rejected run, though every execution in it is COMPLETE), and one
// step count for the progress notification, the status bar and the Runs tree. Pure: no `vscode` import.
import type { RecordedScope, RunRecord, RunState, RunSummary, StepState } from '../../runtime/server/protocol';
import { formatDuration } from '../../common/format';

export type RunOutcome = RunState | 'running';

/** "whole pipeline", "step trainer", "from transform", "up to trainer", "from a to b"; "…, without cache". */
export function scopeText(scope: RecordedScope | undefined, steps?: readonly string[]): string {
  if (!scope) return steps ? `${steps.length} steps` : 'scope not recorded';
  let text: string;
  if (scope.joined) text = `steps run by separate processes${steps ? ` (${steps.length})` : ''}`;
  else if (scope.step) text = `step ${scope.step}`;
  else if (scope.from && scope.to) text = `from ${scope.from} to ${scope.to}`;
  else if (scope.from) text = `from ${scope.from}`;
  else if (scope.to) text = `up to ${scope.to}`;
  else text = 'whole pipeline';
  return scope.noCache ? `${text}, without cache` : text;
}

/**
 * The outcome the run's row shows. Executions still running or waiting say so (also for runs recorded
 * by another process); a finished run's own record says how it ended; older runs fall back on their
 * executions' states.
 */
export function runOutcome(r: Pick<RunSummary, 'state'>, record: Pick<RunRecord, 'state'>): RunOutcome {
  if (r.state === 'RUNNING') return 'running';
  if (r.state === 'WAITING') return 'waiting';
  // A run that returned while waiting (`run --no-wait`) was decided later: its executions tell.
  if (record.state && record.state !== 'waiting') return record.state;
  switch (r.state) {
    case 'FAILED':
      return 'failed';
    case 'CANCELED':
      return 'canceled';
    default:
      return 'complete';
  }
}

export const OUTCOME_TEXT: Readonly<Record<RunOutcome, string>> = {
  running: 'running',
  waiting: 'waiting for approval',
  complete: 'complete',
  failed: 'failed',
  canceled: 'canceled',
  rejected: 'rejected',
};

/** The Runs view's row description: "whole pipeline · rejected · 4 executions · 3.2 s". */
export function runDescription(r: RunSummary, record: RunRecord, progress?: ProgressCounts): string {
  const outcome = runOutcome(r, record);
  const parts = [scopeText(record.scope, record.steps), OUTCOME_TEXT[outcome]];
  if (progress && (outcome === 'running' || outcome === 'waiting')) parts.push(`${progress.ended}/${progress.total} steps`);
  else parts.push(`${r.executionCount} execution${r.executionCount === 1 ? '' : 's'}`);
  parts.push(formatDuration(Math.max(0, r.updateTime - r.createTime)));
  return parts.join(' · ');
}

export interface ProgressCounts {
  /** Steps that reached an end state (complete, cached, failed, skipped, rejected, canceled). */
  ended: number;
  total: number;
  running: string[];
  waiting: string[];
}

const NOT_ENDED: ReadonlySet<StepState> = new Set(['pending', 'running', 'waiting']);

/** The one step count: the notification, the status bar and the Runs tree all show this. */
export function progressCounts(steps: readonly string[], states: Readonly<Record<string, StepState>>): ProgressCounts {
  const counts: ProgressCounts = { ended: 0, total: steps.length, running: [], waiting: [] };
  for (const step of steps) {
    const s = states[step] ?? 'pending';
    if (!NOT_ENDED.has(s)) counts.ended++;
    else if (s === 'running') counts.running.push(step);
    else if (s === 'waiting') counts.waiting.push(step);
  }
  return counts;
}

/** "3/7 steps — trainer", "5/7 steps — waiting for approval at approval". */
export function progressMessage(c: ProgressCounts, detail?: string): string {
  const what = c.running.length ? c.running.join(', ') : c.waiting.length ? `waiting for approval at ${c.waiting.join(', ')}` : '';
  return `${c.ended}/${c.total} steps${what ? ` — ${what}` : ''}${detail ? ` (${detail})` : ''}`;
}

/** True while the run does nothing but wait for a person: no progress toast then, an approval prompt instead. */
export function onlyWaiting(c: ProgressCounts): boolean {
  return c.waiting.length > 0 && c.running.length === 0;
}
