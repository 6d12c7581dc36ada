// The scheduler: runs the planned steps of one pipeline run, independent ones in parallel (up to
// `parallelism`), each as soon as its upstream steps are done; skips what cannot run (disabled, a failed
// or rejected upstream, a canceled run); and sums the outcomes up into the RunResult. What happens
// inside a step is the driver's, the launcher's and the publisher's (or a system node handler's).
import { randomBytes } from 'node:crypto';
import type { ComponentIR, PipelineIR } from '../definition/ir';
import { getComponent } from '../components/registry';
import type { MetadataStore } from '../metadata/store';
import type { RunOptions, RunResult } from './api';
import { prepareStep, type DriverRun } from './driver';
import type { RunEvent } from './events';
import { launchExecutorNode } from './launcher';
import type { StepOutcome } from './step';
import { SYSTEM_NODE_HANDLERS } from './systemNodes';
import { recordRunEnd, recordRunStart } from './runRecord';

/** A run id like TFX's LocalDagRunner (ISO time) made unique across concurrent processes. */
function newRunId(): string {
  return `${new Date().toISOString().replace('Z', '')}-${randomBytes(3).toString('hex')}`;
}

export class Scheduler {
  private readonly runId: string;
  private readonly byId: Map<string, ComponentIR>;
  private readonly outcomes = new Map<string, StepOutcome>();
  private readonly abort = new AbortController();
  private readonly started = Date.now();
  private runContextId = 0;

  constructor(
    private readonly pipeline: PipelineIR,
    private steps: string[],
    private readonly disabled: Map<string, string>,
    private readonly upstream: Map<string, string[]>,
    private readonly store: MetadataStore,
    private readonly root: string,
    private readonly opts: RunOptions,
    /** Steps the plan added to the scope (system nodes it reads that answer from the store now). */
    private readonly pulledIn: ReadonlySet<string> = new Set(),
  ) {
    this.runId = opts.runId ?? newRunId();
    this.byId = new Map(pipeline.components.map((c) => [c.id, c]));
    if (opts.signal) {
      if (opts.signal.aborted) this.abort.abort();
      opts.signal.addEventListener('abort', () => this.abort.abort(), { once: true });
    }
  }

  private emit(event: RunEvent): void {
    try {
      this.opts.onEvent?.(event);
    } catch {
      /* a broken listener must not break the run */
    }
  }

  async start(): Promise<RunResult> {
    const { runContextId } = this.store.beginRun(this.pipeline.name, this.runId);
    this.runContextId = runContextId;
    // A run joined by separate processes (--run-id, an exported workflow's tasks) already ran those
    // system nodes as their own tasks: read what they answered in this run rather than asking again.
    if (this.opts.runId !== undefined) {
      this.steps = this.steps.filter((s) => !this.pulledIn.has(s) || !this.store.runNodeOutputs(this.pipeline.name, s, runContextId));
    }
    recordRunStart(this.store, runContextId, this.opts.scope ?? {}, this.steps, this.opts.noCache === true, this.opts.runId !== undefined);
    this.emit({ kind: 'run-started', runId: this.runId, pipeline: this.pipeline.name, file: this.pipeline.file, steps: this.steps, time: this.started });
    const parallelism = Math.max(1, this.opts.parallelism ?? 2);
    const running = new Map<string, Promise<void>>();
    const pending = new Set(this.steps);

    for (const [step, reason] of this.disabled) {
      pending.delete(step);
      this.finish(step, { state: 'skipped', durationMs: 0, reason });
    }

    while (pending.size || running.size) {
      let launched = false;
      for (const step of [...pending]) {
        if (running.size >= parallelism) break;
        const blocker = this.blockedBy(step);
        if (blocker === 'wait') continue;
        pending.delete(step);
        if (blocker) {
          this.finish(step, blocker);
          launched = true;
          continue;
        }
        if (this.abort.signal.aborted) {
          this.finish(step, { state: 'canceled', durationMs: 0, reason: 'the run was canceled before this step started' });
          launched = true;
          continue;
        }
        const p = this.runStep(step).then(
          (outcome) => this.finish(step, outcome),
          (err: unknown) => this.finish(step, { state: 'failed', durationMs: 0, reason: `internal error: ${String(err)}` }),
        );
        running.set(step, p.finally(() => running.delete(step)));
        launched = true;
      }
      if (running.size) await Promise.race(running.values());
      else if (!launched && pending.size) {
        // Nothing can start and nothing runs: only possible if an upstream is outside this scope and waiting.
        for (const step of pending) this.finish(step, { state: 'skipped', durationMs: 0, reason: 'an upstream step did not finish' });
        pending.clear();
      }
    }

    const steps: RunResult['steps'] = {};
    for (const step of this.steps) {
      const o = this.outcomes.get(step)!;
      steps[step] = { state: o.state, executionId: o.executionId, durationMs: o.durationMs, reason: o.reason };
    }
    const states = Object.values(steps).map((s) => s.state);
    const state = this.abort.signal.aborted
      ? 'canceled'
      : states.includes('failed')
        ? 'failed'
        : states.includes('waiting')
          ? 'waiting'
          : states.includes('rejected')
            ? 'rejected'
            : 'complete';
    const durationMs = Date.now() - this.started;
    const skipped = Object.fromEntries(
      Object.entries(steps)
        .filter(([, v]) => v.executionId === undefined)
        .map(([k, v]) => [k, { state: v.state, reason: v.reason ?? '' }]),
    );
    recordRunEnd(this.store, this.runContextId, state, skipped);
    const finalStates = Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, v.state]));
    this.emit({ kind: 'run-finished', runId: this.runId, state, durationMs, steps: finalStates, time: Date.now() });
    return { runId: this.runId, runContextId: this.runContextId, state, steps, durationMs };
  }

  /** 'wait' while an in-scope upstream step is unfinished; an outcome when the step cannot run; undefined when ready. */
  private blockedBy(step: string): StepOutcome | 'wait' | undefined {
    for (const up of this.upstream.get(step) ?? []) {
      if (!this.steps.includes(up)) continue;
      const o = this.outcomes.get(up);
      if (!o) return 'wait';
      if (o.state === 'complete' || o.state === 'cached') continue;
      // The cause is passed down as it is, so every step after a rejected approval names who rejected it.
      if (o.state === 'rejected') return { state: 'skipped', durationMs: 0, reason: `approval ${o.reason ?? 'rejected'}` };
      if (o.state === 'skipped' && o.reason?.startsWith('approval rejected')) return { state: 'skipped', durationMs: 0, reason: o.reason };
      if (o.state === 'waiting') return { state: 'skipped', durationMs: 0, reason: `waiting for approval at ${up}` };
      return { state: 'skipped', durationMs: 0, reason: `upstream step ${up} ${o.state}` };
    }
    return undefined;
  }

  private finish(step: string, outcome: StepOutcome): void {
    // One duration per execution everywhere: the one MLMD recorded (create to last update), not this
    // process's own clock, which starts and stops a few milliseconds apart from it.
    if (outcome.executionId !== undefined) {
      const recorded = this.store.execution(outcome.executionId);
      if (recorded) outcome = { ...outcome, durationMs: recorded.durationMs };
    }
    this.outcomes.set(step, outcome);
    this.emit({
      kind: 'step-finished',
      runId: this.runId,
      step,
      executionId: outcome.executionId,
      state: outcome.state,
      durationMs: outcome.durationMs,
      reason: outcome.reason,
      time: Date.now(),
    });
  }

  private async runStep(id: string): Promise<StepOutcome> {
    const component = this.byId.get(id)!;
    const spec = getComponent(component.type);
    if (!spec) return { state: 'failed', durationMs: 0, reason: `unknown component type ${component.type}` };
    const prepared = await prepareStep(this.driverRun(), component, spec, {
      useCache: !this.opts.noCache,
      trusted: this.opts.trusted ?? true,
      signal: this.abort.signal,
      returnWhenWaiting: this.opts.onApprovalWait === 'return',
      emit: (e) => this.emit(e),
    });
    if ('outcome' in prepared) return prepared.outcome;
    const { step } = prepared;
    if (step.spec.kind === 'executor') return launchExecutorNode({ ...step, spec: step.spec });
    return SYSTEM_NODE_HANDLERS[step.spec.kind].run(step);
  }

  private driverRun(): DriverRun {
    return {
      store: this.store,
      pipeline: this.pipeline,
      runId: this.runId,
      runContextId: this.runContextId,
      root: this.root,
      continuesRun: this.opts.runId !== undefined,
      outputsInRun: (nodeId) => (this.steps.includes(nodeId) ? { inScope: true, outputs: this.outcomes.get(nodeId)?.outputs } : { inScope: false }),
    };
  }
}
