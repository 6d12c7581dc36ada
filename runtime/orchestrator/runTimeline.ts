// A run's timeline (a Gantt chart): one bar per step, from ML Metadata alone, so TFX's runs have one too.
// MLMD records when an execution was registered and when it last changed; a step was *queued* from the
// moment the steps that produced its inputs in this run had finished (the run's start for a step with no
// such input) until it was registered; *running* until its last update; a HumanApproval was *waiting* from
// its registration until the decision (`decided_at`). Outputs carry their rows per split (`num_examples`)
// and size (`byte_size`, or measured from the files when a writer did not record it).
import { APPROVAL_STATE_KEY } from '../../common/approval';
import { stepStateOf, type StepState } from '../../common/stepStates';
import type { MetadataStore } from '../metadata/store';
import type { ExecutionDetail, RunSummary } from '../metadata/types';
import { BYTE_SIZE_PROPERTY, listArtifactFiles, totalBytes } from './artifactFiles';
import type { RunRef } from './runDiff';

export interface TimelineOutput {
  key: string;
  type: string;
  artifactId: number;
  /** Rows per split, where the writer recorded them. */
  rows?: Record<string, number>;
  bytes?: number;
}

export interface TimelineBar {
  nodeId: string;
  type: string;
  executionId: number;
  state: StepState;
  cached: boolean;
  /** When the step could have started: its in-run producers had finished (ms since epoch). */
  readyTime: number;
  /** When its execution was registered (MLMD create time). */
  startTime: number;
  /** Its last update: the end of a finished step, now for one still running. */
  endTime: number;
  /** A HumanApproval's wait for a person, inside [startTime, endTime]. */
  waiting?: { from: number; until: number };
  error?: string;
  outputs: TimelineOutput[];
}

export interface RunTimeline {
  run: RunRef;
  start: number;
  end: number;
  bars: TimelineBar[];
  /** The most steps that ran at the same moment (cached steps do not count). */
  maxParallel: number;
}

function rowsOf(props: Record<string, unknown>): Record<string, number> | undefined {
  const raw = props['num_examples'];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (typeof v === 'number') out[k] = v;
    return Object.keys(out).length ? out : undefined;
  } catch {
    return undefined;
  }
}

function bytesOf(props: Record<string, unknown>, uri: string): number | undefined {
  const recorded = props[BYTE_SIZE_PROPERTY];
  if (typeof recorded === 'number') return recorded;
  const files = listArtifactFiles(uri);
  return files ? totalBytes(files) : undefined;
}

/** The most intervals that overlap at one moment. */
function maxOverlap(intervals: ReadonlyArray<[number, number]>): number {
  const points = intervals.flatMap(([a, b]) => [
    [a, 1],
    [Math.max(a, b), -1],
  ]).sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
  let now = 0;
  let best = 0;
  for (const [, step] of points) {
    now += step!;
    best = Math.max(best, now);
  }
  return best;
}

export function runTimeline(store: MetadataStore, run: RunSummary, now = Date.now()): RunTimeline {
  const executions = store.runExecutions(run.id);
  const details = new Map<number, ExecutionDetail>();
  for (const e of executions) {
    const d = store.execution(e.id);
    if (d) details.set(e.id, d);
  }
  // Which execution of this run put out each artifact (a cached step "puts out" the artifacts it reused).
  const producer = new Map<number, ExecutionDetail>();
  for (const d of details.values()) for (const o of d.outputs) if (o.type === 'OUTPUT' || o.type === 'INTERNAL_OUTPUT') producer.set(o.artifact.id, d);
  const endOf = (d: ExecutionDetail) => (d.state === 'RUNNING' ? Math.max(now, d.updateTime) : d.updateTime);
  const bars: TimelineBar[] = [];
  for (const d of details.values()) {
    let ready = run.createTime;
    for (const input of d.inputs) {
      const p = producer.get(input.artifact.id);
      if (p && p.id !== d.id) ready = Math.max(ready, endOf(p));
    }
    const state = stepStateOf(d);
    const bar: TimelineBar = {
      nodeId: d.nodeId,
      type: d.type,
      executionId: d.id,
      state,
      cached: d.state === 'CACHED',
      readyTime: Math.min(ready, d.createTime),
      startTime: d.createTime,
      endTime: endOf(d),
      outputs: d.outputs
        .filter((o) => o.type === 'OUTPUT')
        .map((o) => {
          const out: TimelineOutput = { key: o.key, type: o.artifact.type, artifactId: o.artifact.id };
          const rows = rowsOf(o.artifact.customProperties);
          if (rows) out.rows = rows;
          const bytes = bytesOf(o.artifact.customProperties, o.artifact.uri);
          if (bytes !== undefined) out.bytes = bytes;
          return out;
        }),
    };
    const decidedAt = d.customProperties['decided_at'];
    const wasWaiting = d.customProperties[APPROVAL_STATE_KEY] !== undefined;
    if (wasWaiting && !bar.cached) {
      const decided = typeof decidedAt === 'string' ? Date.parse(decidedAt) : NaN;
      bar.waiting = { from: d.createTime, until: state === 'waiting' ? bar.endTime : Number.isFinite(decided) ? Math.min(Math.max(decided, d.createTime), bar.endTime) : bar.endTime };
    }
    if (d.error) bar.error = d.error;
    bars.push(bar);
  }
  bars.sort((a, b) => a.startTime - b.startTime || a.executionId - b.executionId);
  const start = Math.min(run.createTime, ...bars.map((b) => b.readyTime));
  const end = Math.max(start + 1, ...bars.map((b) => b.endTime));
  return {
    run: { runContextId: run.id, name: run.name, pipeline: run.pipeline, createTime: run.createTime, state: run.state },
    start,
    end,
    bars,
    maxParallel: maxOverlap(bars.filter((b) => !b.cached && !b.waiting).map((b) => [b.startTime, b.endTime])),
  };
}
