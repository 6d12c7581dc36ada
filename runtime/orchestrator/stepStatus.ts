// The state of each step as every view shows it: what the latest run that covered the step did with it
// (also when that run did not execute it: skipped after a rejected approval, canceled before it started),
// and whether the next run would execute it again although it last succeeded (stale: the cache key a run
// would compute now differs from the one recorded). MLMD has executions only for executed steps; the run's
// own record (runRecord.ts) says what happened to the others.
import { getComponent } from '../components/registry';
import type { InputArtifact } from '../components/spec';
import { topologicalOrder } from '../definition/graph';
import type { ComponentIR, PipelineIR } from '../definition/ir';
import type { MetadataStore } from '../metadata/store';
import type { ExecutionDetail, ExecutionSummary } from '../metadata/types';
import { dirname } from 'node:path';
import { cacheKey } from './cacheKey';
import { executionDecisionReason } from '../../common/approval';
import { stepStateOf } from '../../common/stepStates';
import type { StepState } from './events';
import { readRunRecord } from './runRecord';
import { addPreviousSpans, stepOutputTypes, stepParams, toInputArtifact, toProperty } from './stepInputs';

export interface StepStatus {
  state: StepState;
  executionId?: number;
  /** As recorded in MLMD (create to last update of the execution). */
  durationMs?: number;
  /** Why it failed, was skipped, or what was decided (approvals), in words. */
  reason?: string;
  /** Run id of the latest run that covered this step. */
  runId?: string;
  /** Why the next run executes this step again although it last succeeded: "trainer's params changed". */
  stale?: string;
  /** A HumanApproval whose decision was reused from the cache: re-running it without cache asks again. */
  reusedDecision?: boolean;
}

/** How many recent runs are looked through for the latest one that covered each step. */
const RUNS_LOOKED_AT = 200;

function fromExecution(e: ExecutionDetail): StepStatus {
  const status: StepStatus = { state: stepStateOf(e), executionId: e.id, durationMs: e.durationMs };
  if (e.runName !== undefined) status.runId = e.runName;
  const reason = executionDecisionReason(e) ?? e.error;
  if (reason) status.reason = reason;
  if (e.decision && e.customProperties['reused_decision_of'] !== undefined) status.reusedDecision = true;
  return status;
}

/** States of every component of `pipeline`, keyed by component id; components that never ran are absent. */
export async function stepStatuses(store: MetadataStore, pipeline: PipelineIR, root: string): Promise<Record<string, StepStatus>> {
  const out: Record<string, StepStatus> = {};
  const runs = store.listRuns({ pipeline: pipeline.name, limit: RUNS_LOOKED_AT }).items.map((r) => ({ summary: r, record: readRunRecord(r.customProperties) }));
  const details = new Map<string, ExecutionDetail>();
  for (const c of pipeline.components) {
    const latest = store.latestNodeExecution(pipeline.name, c.id);
    const detail = latest ? store.execution(latest.id) : undefined;
    if (detail) details.set(c.id, detail);
    // Newest first: the first run that covered the step tells its state, executed or not.
    let status: StepStatus | undefined;
    for (const { summary, record } of runs) {
      if (detail && summary.name === detail.runName) break;
      if (!record.steps?.includes(c.id)) continue;
      const skipped = record.skipped[c.id];
      if (skipped) status = { state: skipped.state, reason: skipped.reason, runId: summary.name };
      else if (record.state === undefined) status = { state: 'pending', reason: 'in the run in progress', runId: summary.name };
      else status = { state: 'canceled', reason: 'the run stopped before this step started', runId: summary.name };
      break;
    }
    status ??= detail ? fromExecution(detail) : undefined;
    if (status) out[c.id] = status;
  }
  await markStale(store, pipeline, root, out, details);
  return out;
}

/** States whose outputs the next run would reuse if nothing changed. */
const SETTLED: ReadonlySet<StepState> = new Set(['complete', 'cached', 'rejected']);

async function markStale(store: MetadataStore, pipeline: PipelineIR, root: string, out: Record<string, StepStatus>, details: Map<string, ExecutionDetail>): Promise<void> {
  const byId = new Map(pipeline.components.map((c) => [c.id, c]));
  let order: string[];
  try {
    order = topologicalOrder(pipeline);
  } catch {
    return; // a cycle: the diagnostics say so, nothing will run
  }
  for (const id of order) {
    const c = byId.get(id);
    const status = out[id];
    const detail = details.get(id);
    if (!c || !status || !detail || !SETTLED.has(status.state) || status.executionId !== detail.id) continue;
    const ups = [...new Set(Object.values(c.inputs).flat().map((r) => r.component))];
    // Everything downstream of a step that will re-run will re-run too, for the same reason.
    const staleUp = ups.map((u) => out[u]?.stale).find((s) => s !== undefined);
    if (staleUp) {
      status.stale = staleUp;
      continue;
    }
    const why = await changedSince(store, pipeline, root, c, detail);
    if (why) status.stale = why;
  }
}

/** Why a run now would compute another cache key than `recorded`'s, or undefined when it would not. */
async function changedSince(store: MetadataStore, pipeline: PipelineIR, root: string, c: ComponentIR, recorded: ExecutionDetail): Promise<string | undefined> {
  const spec = getComponent(c.type);
  if (!spec || spec.kind === 'resolver') return undefined; // resolvers always run; they have no key
  const recordedKey = store.executionCacheKey(recorded.id);
  if (!recordedKey) return undefined;
  const inputs: Record<string, InputArtifact[]> = {};
  for (const [key, refs] of Object.entries(c.inputs)) {
    const list: InputArtifact[] = [];
    for (const ref of refs) {
      const produced = store.latestNodeOutputs(pipeline.name, ref.component);
      if (!produced) return undefined; // its upstream has no outputs: the step cannot run, which its state says
      list.push(...(produced[ref.output] ?? []).map(toInputArtifact));
    }
    inputs[key] = list;
  }
  addPreviousSpans(store, pipeline.name, c, spec, inputs);
  const params = stepParams(c, spec);
  let fingerprint = '';
  try {
    fingerprint = spec.kind === 'executor' && spec.fingerprint ? await spec.fingerprint({ params, pipelineDir: dirname(pipeline.file), root }) : '';
  } catch (e) {
    return `${c.id}'s files cannot be read (${e instanceof Error ? e.message : String(e)})`;
  }
  const key = cacheKey({ pipeline: pipeline.name, nodeId: c.id, spec, inputs, outputs: stepOutputTypes(c, spec), params, fingerprint });
  if (key === recordedKey) return undefined;

  // The params written in the file: a default is recorded as the executor resolved it (e.g. a backend),
  // which would read as a change nobody made.
  const changedParams = Object.keys(c.params).filter((name) => !sameProperty(toProperty(params[name]), recorded.customProperties[name]));
  if (changedParams.length) return `${c.id}'s params changed (${changedParams.join(', ')})`;
  const before = new Map<string, number[]>();
  for (const e of recorded.inputs) before.set(e.key, [...(before.get(e.key) ?? []), e.artifact.id]);
  for (const [key, list] of Object.entries(inputs)) {
    const was = before.get(key) ?? [];
    if (was.length !== list.length || list.some((a, i) => a.id !== was[i])) {
      const ref = c.inputs[key]?.[0];
      return ref ? `${ref.component} has new ${ref.output}` : `${c.id}'s ${key} input changed`;
    }
  }
  return spec.kind === 'executor' && spec.fingerprint ? `${c.id}'s files changed (data, module or schema)` : `${c.id}'s component changed`;
}

function sameProperty(now: string | number | boolean, recorded: unknown): boolean {
  if (typeof now === 'boolean') return recorded === now || recorded === (now ? 1 : 0);
  return now === recorded;
}
