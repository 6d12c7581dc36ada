// HumanApproval: a step that waits for a person. The wait lives in ML Metadata, not in memory: the
// execution stays RUNNING with `__approval_state__ = waiting` (which crash recovery leaves alone), so a
// restart of the runtime, or a later run with the same inputs, picks the same wait up again.
// The decision is written by `mlpipe approve` (or the extension) as custom properties; the waiting
// runtime publishes the Approval artifact. This follows TFX's ManualNode precedent (tfx-reference §2.8).
import { mkdirSync, writeFileSync } from 'node:fs';
import { MetadataStore, type DeliberatelyRunning } from '../metadata/store';
import type { ArtifactSummary, ExecutionSummary } from '../metadata/types';
import { artifactDir } from '../workspace';
import type { ApprovalDecision } from './api';
import { decisionReason } from '../../common/approval';
import { registerStepExecution } from './driver';
import { idsByKey, type StepContext, type StepOutcome } from './step';
import { UsageError } from '../errors';
import { APPROVAL_DECISION_KEY, APPROVAL_STATE_KEY } from '../../common/approval';
import type { StoreLocation } from '../metadata/location';

const CACHE_KEY = '__cache_key__';
const POLL_MS = 400;

/** A decision that cannot be recorded (no such execution, not waiting, already decided): a usage error. */
export class ApprovalError extends UsageError {}

/** A waiting HumanApproval is RUNNING on purpose: crash recovery must leave it alone (it survives restarts). */
export const APPROVAL_WAIT: DeliberatelyRunning = { customProperty: APPROVAL_STATE_KEY, value: 'waiting' };

/** HumanApproval executions waiting for a decision (custom `__approval_state__` = 'waiting', RUNNING). */
export function waitingApprovals(store: MetadataStore): ExecutionSummary[] {
  return store.runningExecutionsWith(APPROVAL_WAIT.customProperty, APPROVAL_WAIT.value);
}

/** Record a decision on a waiting HumanApproval execution (the CLI's `mlpipe approve`, the extension's button). */
export function recordApproval(dbPath: string | StoreLocation, d: ApprovalDecision): ExecutionSummary {
  const store = MetadataStore.open(dbPath);
  try {
    const exec = store.execution(d.executionId);
    if (!exec) throw new ApprovalError(`no execution ${d.executionId} in ${store.path}`);
    if (exec.customProperties[APPROVAL_STATE_KEY] === undefined) throw new ApprovalError(`execution ${d.executionId} (${exec.nodeId}) is not a HumanApproval step`);
    if (exec.state !== 'RUNNING' || exec.customProperties[APPROVAL_STATE_KEY] !== 'waiting') {
      const prior = exec.customProperties[APPROVAL_DECISION_KEY];
      throw new ApprovalError(`execution ${d.executionId} is not waiting for a decision${prior ? ` (already ${String(prior)} by ${String(exec.customProperties['approved_by'] ?? '?')})` : ` (state ${exec.state})`}`);
    }
    if (exec.customProperties[APPROVAL_DECISION_KEY]) throw new ApprovalError(`execution ${d.executionId} already has a decision: ${String(exec.customProperties[APPROVAL_DECISION_KEY])}`);
    store.setExecutionProperties(d.executionId, {
      [APPROVAL_DECISION_KEY]: d.decision,
      approved_by: d.by,
      decided_at: new Date().toISOString(),
      comment: d.comment ?? '',
    });
    return store.execution(d.executionId)!;
  } finally {
    store.close();
  }
}

function decisionOutcome(outputs: Record<string, ArtifactSummary[]>, executionId: number, started: number, cached: boolean): StepOutcome {
  const artifact = outputs['approval']?.[0];
  const p = artifact?.customProperties ?? {};
  const decision = p['decision'];
  const words = decisionReason({
    decision: String(decision),
    by: String(p['approved_by'] ?? 'unknown'),
    decidedAt: typeof p['decided_at'] === 'string' ? p['decided_at'] : undefined,
    comment: String(p['comment'] ?? ''),
    reused: cached,
  });
  if (decision === 'approved') return { state: cached ? 'cached' : 'complete', executionId, durationMs: Date.now() - started, outputs, reason: words };
  return { state: 'rejected', executionId, durationMs: Date.now() - started, outputs, reason: words };
}

/** Publish a decided wait: an Approval artifact carrying the decision, and the execution COMPLETE. */
function publishDecision(a: StepContext, exec: ExecutionSummary, nodeId: string): Record<string, ArtifactSummary[]> {
  const p = exec.customProperties;
  const decision = String(p[APPROVAL_DECISION_KEY]);
  const record = {
    decision,
    approved_by: String(p['approved_by'] ?? ''),
    decided_at: String(p['decided_at'] ?? ''),
    comment: String(p['comment'] ?? ''),
  };
  const uri = artifactDir(a.root, a.pipeline.name, nodeId, 'approval', exec.id);
  mkdirSync(uri, { recursive: true });
  writeFileSync(`${uri}/decision.json`, `${JSON.stringify(record, null, 2)}\n`);
  a.store.setExecutionProperties(exec.id, { [APPROVAL_STATE_KEY]: 'decided' });
  // The decision belongs to the inputs that were shown to the reviewer: the wait's own cache key.
  const key = typeof p[CACHE_KEY] === 'string' ? p[CACHE_KEY] : a.cacheKey;
  const ids = a.store.publishSucceeded(exec.id, key, { approval: [{ type: 'Approval', uri, properties: {}, customProperties: record }] });
  return { approval: (ids['approval'] ?? []).map((id) => a.store.artifact(id)!).filter(Boolean) };
}

/** Earlier waits of this node for other inputs: decided ones are published, undecided ones returned. */
function settleEarlierWaits(a: StepContext): ExecutionSummary[] {
  const stale: ExecutionSummary[] = [];
  for (const w of waitingApprovals(a.store)) {
    if (w.nodeId !== a.component.id || a.store.execution(w.id)?.pipeline !== a.pipeline.name) continue;
    if (w.customProperties[CACHE_KEY] === a.cacheKey) continue; // joined below
    if (w.customProperties[APPROVAL_DECISION_KEY]) publishDecision(a, w, a.component.id);
    else stale.push(w);
  }
  return stale;
}

export async function waitForApproval(a: StepContext): Promise<StepOutcome> {
  const step = a.component.id;
  // A decision given while no run was waiting (`run --no-wait`, a stopped runtime) is recorded now, so it
  // is never lost, even when these inputs differ and need a decision of their own.
  const stale = settleEarlierWaits(a);
  // A decision for these exact inputs was made before: reuse it through the cache.
  if (a.useCache) {
    const hit = a.store.findCached(a.cacheKey);
    if (hit) {
      // The reused decision is recorded on this execution too, so it reads as rejected (or approved) by itself.
      const d = hit.outputs['approval']?.[0]?.customProperties ?? {};
      const executionId = registerStepExecution(
        a,
        a.inputs,
        {
          [APPROVAL_DECISION_KEY]: String(d['decision'] ?? ''),
          approved_by: String(d['approved_by'] ?? ''),
          decided_at: String(d['decided_at'] ?? ''),
          comment: String(d['comment'] ?? ''),
          reused_decision_of: hit.executionId,
        },
        false,
      );
      a.store.publishCached(executionId, a.cacheKey, idsByKey(hit.outputs));
      return decisionOutcome(hit.outputs, executionId, a.started, true);
    }
  }
  // A wait for these inputs may already exist (an earlier run, maybe a restarted runtime): join it.
  let waiting = waitingApprovals(a.store).find((e) => e.nodeId === step && e.customProperties[CACHE_KEY] === a.cacheKey);
  if (!waiting) {
    const id = registerStepExecution(a, a.inputs, { [APPROVAL_STATE_KEY]: 'waiting', [CACHE_KEY]: a.cacheKey });
    waiting = a.store.execution(id)!;
    // Waits for inputs that no longer come are superseded: nobody should approve a model no run will push.
    for (const old of stale) {
      a.store.setExecutionProperties(old.id, { [APPROVAL_STATE_KEY]: 'superseded' });
      a.store.finishExecution(old.id, 'CANCELED', `superseded by execution ${id}: the step's inputs changed, so the decision is asked again there`);
    }
  } else {
    a.emit({ kind: 'step-started', runId: a.runId, step, executionId: waiting.id, time: Date.now() });
  }
  const executionId = waiting.id;
  a.emit({ kind: 'step-waiting', runId: a.runId, step, executionId, instructions: typeof a.params['instructions'] === 'string' ? a.params['instructions'] : undefined, time: Date.now() });
  const timeoutMs = typeof a.params['timeout'] === 'number' ? a.params['timeout'] * 1000 : undefined;

  for (;;) {
    const exec = a.store.execution(executionId);
    if (!exec) return { state: 'failed', executionId, durationMs: Date.now() - a.started, reason: 'the approval execution disappeared from the database' };
    if (exec.state === 'COMPLETE') {
      const outputs: Record<string, ArtifactSummary[]> = {};
      for (const o of exec.outputs) (outputs[o.key] ??= []).push(o.artifact);
      return decisionOutcome(outputs, executionId, a.started, false);
    }
    if (exec.state !== 'RUNNING') return { state: 'failed', executionId, durationMs: Date.now() - a.started, reason: exec.error ?? `the approval ended as ${exec.state}` };
    if (exec.customProperties[APPROVAL_DECISION_KEY]) {
      const outputs = publishDecision(a, exec, step);
      return decisionOutcome(outputs, executionId, a.started, false);
    }
    if (timeoutMs !== undefined && Date.now() - exec.createTime > timeoutMs) {
      const message = `no decision within ${timeoutMs / 1000} s (params.timeout)`;
      a.store.setExecutionProperties(executionId, { [APPROVAL_STATE_KEY]: 'timed_out' });
      a.store.finishExecution(executionId, 'FAILED', message);
      return { state: 'failed', executionId, durationMs: Date.now() - a.started, reason: message };
    }
    if (a.signal.aborted) {
      // The wait survives: leave the execution waiting so a later run or restart picks it up.
      return { state: 'waiting', executionId, durationMs: Date.now() - a.started, reason: 'still waiting for a decision (the run was stopped)' };
    }
    if (a.returnWhenWaiting) return { state: 'waiting', executionId, durationMs: Date.now() - a.started, reason: 'waiting for a decision' };
    // One listener per poll, removed when the poll ends: a wait of hours must not pile them up on the
    // run's signal (Node warns at 11, and each one holds this closure).
    await new Promise<void>((r) => {
      const onAbort = (): void => {
        clearTimeout(t);
        r();
      };
      const t = setTimeout(() => {
        a.signal.removeEventListener('abort', onAbort);
        r();
      }, POLL_MS);
      a.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
