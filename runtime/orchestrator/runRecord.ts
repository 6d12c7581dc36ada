// What a run records about itself on its `pipeline_run` context, beside what MLMD records per execution:
// the scope it was asked for, the steps that scope covers, how it ended, and why the steps it did not
// execute were skipped. MLMD has no execution for a skipped step, so without this a view could only show
// an older run's state for it (a pusher stopped by a rejected approval would look "complete").
import type { Properties } from '../../common/artifacts';
import type { MetadataStore } from '../metadata/store';
import type { RunScope } from './api';
import type { RunState, StepState } from './events';

export const RUN_SCOPE = 'run_scope';
export const RUN_STEPS = 'run_steps';
export const RUN_STATE = 'run_state';
export const RUN_SKIPPED = 'run_skipped';

export interface RecordedScope extends RunScope {
  noCache?: boolean;
  /** Steps run by separate processes under one `--run-id` (an exported workflow's tasks). */
  joined?: boolean;
}

export interface NotExecuted {
  state: StepState;
  reason: string;
}

export interface RunRecord {
  scope?: RecordedScope;
  /** Component ids the run covered (in plan order). */
  steps?: string[];
  /** How the run ended; absent while it runs, or when it was killed. */
  state?: RunState;
  /** Steps the run covered but did not execute (skipped, canceled before starting, failed to resolve inputs), with why. */
  skipped: Record<string, NotExecuted>;
}

const RUN_STATES: readonly RunState[] = ['complete', 'failed', 'canceled', 'waiting', 'rejected'];

function json(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** The record of a run from its context's custom properties; empty for runs recorded before it existed. */
export function readRunRecord(props: Properties): RunRecord {
  const record: RunRecord = { skipped: {} };
  const scope = json(props[RUN_SCOPE]);
  if (scope && typeof scope === 'object' && !Array.isArray(scope)) record.scope = scope as RecordedScope;
  const steps = json(props[RUN_STEPS]);
  if (Array.isArray(steps)) record.steps = steps.filter((s): s is string => typeof s === 'string');
  const state = props[RUN_STATE];
  if (typeof state === 'string' && (RUN_STATES as readonly string[]).includes(state)) record.state = state as RunState;
  const skipped = json(props[RUN_SKIPPED]);
  if (skipped && typeof skipped === 'object' && !Array.isArray(skipped)) {
    for (const [k, v] of Object.entries(skipped as Record<string, unknown>)) {
      const o = v as Partial<NotExecuted> | null;
      if (o && typeof o === 'object' && typeof o.state === 'string' && typeof o.reason === 'string') record.skipped[k] = { state: o.state, reason: o.reason };
    }
  }
  return record;
}

/** Called when a run starts. A joined run (`--run-id` of an earlier process) adds its steps to the record. */
export function recordRunStart(store: MetadataStore, runContextId: number, scope: RunScope, steps: string[], noCache: boolean, joining: boolean): void {
  const before = readRunRecord(store.contextProperties(runContextId));
  if (joining && before.steps) {
    const union = [...before.steps, ...steps.filter((s) => !before.steps!.includes(s))];
    store.setContextProperties(runContextId, { [RUN_SCOPE]: JSON.stringify({ joined: true }), [RUN_STEPS]: JSON.stringify(union) });
    return;
  }
  const recorded: RecordedScope = { ...scope, ...(noCache ? { noCache: true } : {}), ...(joining ? { joined: true } : {}) };
  store.setContextProperties(runContextId, { [RUN_SCOPE]: JSON.stringify(recorded), [RUN_STEPS]: JSON.stringify(steps) });
}

/** Called when a run ends: its outcome and the steps it skipped (merged with a joined run's earlier ones). */
export function recordRunEnd(store: MetadataStore, runContextId: number, state: RunState, skipped: Record<string, NotExecuted>): void {
  const before = readRunRecord(store.contextProperties(runContextId));
  store.setContextProperties(runContextId, { [RUN_STATE]: state, [RUN_SKIPPED]: JSON.stringify({ ...before.skipped, ...skipped }) });
}
