// The local orchestrator: plans the DAG, runs independent steps in parallel, and for each step does what
// TFX's launcher does: driver (resolve inputs from metadata, check the cache), executor, publisher
// (move outputs into place, record them). Components never touch the database; this file does.
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadPipelineFile } from '../definition/load';
import type { ComponentIR, PipelineDiagnostic, PipelineIR } from '../definition/ir';
import { getComponent } from '../components/registry';
import { ComponentError, type ComponentSpec, type InputArtifact, type OutputArtifact, type Properties } from '../components/spec';
import { MetadataStore } from '../metadata/store';
import type { ArtifactSummary } from '../metadata/types';
import { artifactDir, defaultDbPath, findRoot, logPath, stagingDir } from '../workspace';
import { RUN_ID_PATTERN, type RunOptions, type RunResult } from './api';
import { waitForApproval } from './approval';
import { cacheKey } from './cacheKey';
import type { RunEvent, StepState } from './events';
import { planRun, RunRequestError } from './plan';
import { UserError } from '../errors';
import type { AnomalySummaryRow } from '../../common/anomalies';

/** The pipeline file has errors: nothing ran. */
export class PipelineInvalidError extends UserError {
  constructor(readonly diagnostics: PipelineDiagnostic[]) {
    super(`the pipeline has ${diagnostics.length} error(s)`, diagnostics[0] ? { where: { file: diagnostics[0].file, line: diagnostics[0].range.start.line, column: diagnostics[0].range.start.column } } : {});
  }
}

export { RunRequestError };

interface StepOutcome {
  state: StepState;
  executionId?: number;
  durationMs: number;
  reason?: string;
  outputs?: Record<string, ArtifactSummary[]>;
}

const INTERRUPTED = 'The runtime stopped while this step was running (killed or crashed); run the step again.';

/** A run id like TFX's LocalDagRunner (ISO time) made unique across concurrent processes. */
function newRunId(): string {
  return `${new Date().toISOString().replace('Z', '')}-${randomBytes(3).toString('hex')}`;
}

function toProperty(value: unknown): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value ?? null);
}

function toInputArtifact(a: ArtifactSummary): InputArtifact {
  return { id: a.id, type: a.type, uri: a.uri, properties: a.properties, customProperties: a.customProperties };
}

/** Remove staging folders of executions that are no longer running (left by a killed runtime). */
function cleanStaging(store: MetadataStore, root: string): void {
  const tmp = join(root, '.mlpipe', 'tmp');
  if (!existsSync(tmp)) return;
  for (const name of readdirSync(tmp)) {
    const m = /^execution-(\d+)$/.exec(name);
    if (!m) continue;
    const exec = store.execution(Number(m[1]));
    if (!exec || exec.state !== 'RUNNING') rmSync(join(tmp, name), { recursive: true, force: true });
  }
}

export async function loadForRun(file: string, trusted: boolean): Promise<PipelineIR> {
  const loaded = await loadPipelineFile(file, { trusted });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !loaded.pipeline) throw new PipelineInvalidError(errors.length ? errors : loaded.diagnostics);
  return loaded.pipeline;
}

export async function runPipeline(opts: RunOptions): Promise<RunResult> {
  if (opts.runId !== undefined && !RUN_ID_PATTERN.test(opts.runId)) {
    throw new RunRequestError(`run id ${JSON.stringify(opts.runId)} is not usable: use letters, digits and . _ : - (at most 128, starting with a letter or digit)`);
  }
  const file = resolve(opts.file);
  const pipeline = await loadForRun(file, opts.trusted ?? true);
  const root = resolve(opts.root ?? findRoot(dirname(file)));
  const dbPath = resolve(opts.dbPath ?? defaultDbPath(root));
  const plan = planRun(pipeline, opts.scope);
  const store = MetadataStore.open(dbPath);
  try {
    store.recoverInterrupted(INTERRUPTED);
    cleanStaging(store, root);
    return await new Run(pipeline, plan.steps, plan.disabled, plan.upstream, store, root, opts).start();
  } finally {
    store.close();
  }
}

class Run {
  private readonly runId: string;
  private readonly byId: Map<string, ComponentIR>;
  private readonly outcomes = new Map<string, StepOutcome>();
  private readonly abort = new AbortController();
  private readonly started = Date.now();
  private runContextId = 0;

  constructor(
    private readonly pipeline: PipelineIR,
    private readonly steps: string[],
    private readonly disabled: Map<string, string>,
    private readonly upstream: Map<string, string[]>,
    private readonly store: MetadataStore,
    private readonly root: string,
    private readonly opts: RunOptions,
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
          : 'complete';
    const durationMs = Date.now() - this.started;
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
      if (o.state === 'rejected') return { state: 'skipped', durationMs: 0, reason: `the approval at ${up} was rejected${o.reason ? `: ${o.reason}` : ''}` };
      if (o.state === 'waiting') return { state: 'skipped', durationMs: 0, reason: `waiting for approval at ${up}` };
      return { state: 'skipped', durationMs: 0, reason: `upstream step ${up} ${o.state}` };
    }
    return undefined;
  }

  private finish(step: string, outcome: StepOutcome): void {
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

  /** Driver, part 1: the input artifacts of a step, from this run or from the latest published outputs. */
  private resolveInputs(component: ComponentIR, spec: ComponentSpec): Record<string, InputArtifact[]> {
    const inputs: Record<string, InputArtifact[]> = {};
    for (const [key, refs] of Object.entries(component.inputs)) {
      const list: InputArtifact[] = [];
      for (const ref of refs) {
        const produced = this.steps.includes(ref.component)
          ? this.outcomes.get(ref.component)?.outputs
          : ((this.opts.runId !== undefined ? this.store.runNodeOutputs(this.pipeline.name, ref.component, this.runContextId) : undefined) ??
            this.store.latestNodeOutputs(this.pipeline.name, ref.component));
        if (!produced) {
          throw new RunRequestError(
            `${component.id} needs ${ref.component}.${ref.output}, but ${ref.component} has no published outputs yet; run it first (mlpipe run ${this.pipeline.file} --to ${ref.component})`,
          );
        }
        list.push(...(produced[ref.output] ?? []).map(toInputArtifact));
      }
      inputs[key] = list;
    }
    for (const [key, input] of Object.entries(spec.inputs)) {
      if (!input.previousSpanOf || component.inputs[key]) continue;
      const ref = component.inputs[input.previousSpanOf]?.[0];
      const current = inputs[input.previousSpanOf]?.[0];
      if (!ref || !current) continue;
      const previous = this.previousSpan(ref.component, ref.output, current);
      if (previous) inputs[key] = [toInputArtifact(previous)];
    }
    return inputs;
  }

  /** The newest artifact of an earlier span than `current`, from the same node and output. */
  private previousSpan(nodeId: string, outputKey: string, current: InputArtifact): ArtifactSummary | undefined {
    const span = Number(current.properties['span'] ?? current.customProperties['span'] ?? NaN);
    if (!Number.isFinite(span)) return undefined;
    let before = current.id;
    for (let i = 0; i < 200; i++) {
      const candidate = this.store.previousArtifactOfNode(this.pipeline.name, nodeId, outputKey, before);
      if (!candidate) return undefined;
      const s = Number(candidate.properties['span'] ?? candidate.customProperties['span'] ?? NaN);
      if (Number.isFinite(s) && s < span) return candidate;
      before = candidate.id;
    }
    return undefined;
  }

  private outputTypes(component: ComponentIR, spec: ComponentSpec): Record<string, string> {
    if (spec.declaredOutputs) return { ...component.outputs };
    return Object.fromEntries(Object.entries(spec.outputs).map(([k, o]) => [k, o.type]));
  }

  private params(component: ComponentIR, spec: ComponentSpec): Record<string, unknown> {
    const params: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(spec.params)) if (p.default !== undefined) params[name] = p.default;
    return { ...params, ...component.params };
  }

  private async runStep(step: string): Promise<StepOutcome> {
    const component = this.byId.get(step)!;
    const spec = getComponent(component.type);
    if (!spec) return { state: 'failed', durationMs: 0, reason: `unknown component type ${component.type}` };
    const started = Date.now();
    let inputs: Record<string, InputArtifact[]>;
    try {
      inputs = this.resolveInputs(component, spec);
    } catch (err) {
      if (err instanceof RunRequestError) return { state: 'failed', durationMs: 0, reason: err.message };
      throw err;
    }
    const params = this.params(component, spec);
    const outputTypes = this.outputTypes(component, spec);
    const execProps: Properties = {};
    for (const [k, v] of Object.entries(params)) execProps[k] = toProperty(v);
    execProps['component_type'] = spec.type;

    if (spec.kind === 'resolver') return this.runResolver(component, spec, execProps, started);

    let fingerprint = '';
    try {
      fingerprint = spec.fingerprint ? await spec.fingerprint({ params, pipelineDir: dirname(this.pipeline.file), root: this.root }) : '';
    } catch (err) {
      return { state: 'failed', durationMs: Date.now() - started, reason: err instanceof Error ? err.message : String(err) };
    }
    const key = cacheKey({ pipeline: this.pipeline.name, nodeId: step, spec, inputs, outputs: outputTypes, params, fingerprint });
    const useCache = !this.opts.noCache;

    if (spec.kind === 'approval') {
      return waitForApproval({
        store: this.store,
        pipeline: this.pipeline.name,
        runContextId: this.runContextId,
        runId: this.runId,
        component,
        spec,
        inputs,
        cacheKey: key,
        useCache,
        execProps,
        params,
        root: this.root,
        signal: this.abort.signal,
        returnWhenWaiting: this.opts.onApprovalWait === 'return',
        emit: (e) => this.emit(e),
        started,
      });
    }

    const executionId = this.store.registerExecution({
      pipeline: this.pipeline.name,
      runContextId: this.runContextId,
      nodeId: step,
      executionType: spec.executionType,
      baseType: spec.baseType,
      customProperties: execProps,
      inputs: Object.fromEntries(Object.entries(inputs).map(([k, list]) => [k, list.map((a) => a.id)])),
    });
    if (useCache) {
      const hit = this.store.findCached(key);
      if (hit) {
        const reused = Object.fromEntries(Object.entries(hit.outputs).map(([k, list]) => [k, list.map((a) => a.id)]));
        this.store.publishCached(executionId, key, reused);
        // No step-started: a cached step never runs (as in TFX, it never reaches the launcher); it only finishes.
        return { state: 'cached', executionId, durationMs: Date.now() - started, outputs: hit.outputs, reason: `outputs of execution ${hit.executionId}` };
      }
    }
    this.emit({ kind: 'step-started', runId: this.runId, step, executionId, time: Date.now() });
    return this.executeAndPublish(component, spec, executionId, inputs, params, outputTypes, key, started);
  }

  private runResolver(component: ComponentIR, spec: ComponentSpec, execProps: Properties, started: number): StepOutcome {
    const executionId = this.store.registerExecution({
      pipeline: this.pipeline.name,
      runContextId: this.runContextId,
      nodeId: component.id,
      executionType: spec.executionType,
      baseType: spec.baseType,
      customProperties: execProps,
      inputs: {},
    });
    this.emit({ kind: 'step-started', runId: this.runId, step: component.id, executionId, time: Date.now() });
    const resolved: Record<string, ArtifactSummary[]> = {};
    const strategy = component.params['strategy'];
    if (strategy === 'latest_blessed_model') {
      const found = this.store.latestBlessedModel(this.pipeline.name);
      if (found) {
        resolved['model'] = [found.model];
        resolved['blessing'] = [found.blessing];
      }
    } else {
      const wanted = Object.keys(component.outputs).length ? component.outputs : { model: 'Model' };
      for (const [key, type] of Object.entries(wanted)) {
        const a = this.store.latestArtifact(this.pipeline.name, type);
        if (a) resolved[key] = [a];
      }
    }
    this.store.publishInternalOutputs(
      executionId,
      Object.fromEntries(Object.entries(resolved).map(([k, list]) => [k, list.map((a) => a.id)])),
    );
    const outputs: Record<string, ArtifactSummary[]> = { model: [], blessing: [], ...resolved };
    const found = Object.values(resolved).flat().map((a) => `${a.type} ${a.id}`);
    return { state: 'complete', executionId, durationMs: Date.now() - started, outputs, reason: found.length ? `resolved ${found.join(', ')}` : 'nothing to resolve yet (first run)' };
  }

  /** Executor + publisher. */
  private async executeAndPublish(
    component: ComponentIR,
    spec: ComponentSpec,
    executionId: number,
    inputs: Record<string, InputArtifact[]>,
    params: Record<string, unknown>,
    outputTypes: Record<string, string>,
    key: string,
    started: number,
  ): Promise<StepOutcome> {
    const step = component.id;
    const staging = stagingDir(this.root, executionId);
    const tmpDir = join(staging, 'scratch');
    mkdirSync(tmpDir, { recursive: true });
    const outputs: Record<string, OutputArtifact> = {};
    for (const [k, type] of Object.entries(outputTypes)) {
      const uri = join(staging, 'outputs', k);
      mkdirSync(uri, { recursive: true });
      outputs[k] = { type, uri, properties: {}, customProperties: {} };
    }
    const logFile = logPath(this.root, executionId);
    mkdirSync(dirname(logFile), { recursive: true });
    const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
    const stepAbort = new AbortController();
    const onAbort = () => stepAbort.abort();
    this.abort.signal.addEventListener('abort', onAbort, { once: true });
    const writeLog = (line: string, stream: 'stdout' | 'stderr' | 'info' = 'info') => {
      log.write(`${line}\n`);
      this.emit({ kind: 'log', runId: this.runId, step, executionId, stream, line });
    };

    let failure: { state: 'failed' | 'canceled'; message: string } | undefined;
    let executionProperties: Properties | undefined;
    try {
      const run = spec.executor!({
        pipelineName: this.pipeline.name,
        componentId: step,
        executionId,
        params,
        inputs,
        outputs,
        pipelineDir: dirname(this.pipeline.file),
        root: this.root,
        tmpDir,
        signal: stepAbort.signal,
        trusted: this.opts.trusted ?? true,
        log: (line, stream) => writeLog(line, stream),
        emit: (e) => {
          if (e.kind === 'epoch') this.emit({ kind: 'epoch', runId: this.runId, step, executionId, epoch: e.epoch, epochs: e.epochs, metrics: e.metrics });
          else this.emit({ kind: 'progress', runId: this.runId, step, executionId, message: e.message, fraction: e.fraction });
        },
      });
      // A component that ignores the signal must not hold a canceled run hostage.
      const canceled = new Promise<never>((_, reject) => stepAbort.signal.addEventListener('abort', () => reject(new ComponentError('canceled')), { once: true }));
      const result = await Promise.race([run, canceled]);
      executionProperties = result?.executionProperties;
    } catch (err) {
      if (stepAbort.signal.aborted) failure = { state: 'canceled', message: 'canceled by the user' };
      else if (err instanceof UserError) failure = { state: 'failed', message: err.hint ? `${err.message} (${err.hint})` : err.message };
      else failure = { state: 'failed', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
      writeLog(`${failure.state === 'canceled' ? 'CANCELED' : 'FAILED'}: ${failure.message}`, 'stderr');
      if (!(err instanceof UserError) && err instanceof Error && err.stack) log.write(`${err.stack}\n`);
    } finally {
      this.abort.signal.removeEventListener('abort', onAbort);
    }
    await new Promise<void>((r) => log.end(r));

    if (failure) {
      // A validator that fails the step on anomalies still tells the Problems panel why.
      if (outputs['anomalies']) this.reportAnomalies(step, executionId, { anomalies: [outputs['anomalies']] });
      this.store.finishExecution(executionId, failure.state === 'canceled' ? 'CANCELED' : 'FAILED', failure.message);
      rmSync(staging, { recursive: true, force: true });
      return { state: failure.state, executionId, durationMs: Date.now() - started, reason: failure.message };
    }

    // Publisher: move each output folder into its final place (a rename: all or nothing), then record.
    const published: Record<string, Array<{ type: string; uri: string; properties: Properties; customProperties: Properties }>> = {};
    for (const [k, out] of Object.entries(outputs)) {
      const finalUri = artifactDir(this.root, this.pipeline.name, step, k, executionId);
      mkdirSync(dirname(finalUri), { recursive: true });
      rmSync(finalUri, { recursive: true, force: true });
      renameSync(out.uri, finalUri);
      published[k] = [{ type: out.type, uri: finalUri, properties: out.properties, customProperties: out.customProperties }];
    }
    rmSync(staging, { recursive: true, force: true });
    const ids = this.store.publishSucceeded(executionId, key, published, executionProperties);
    const outputsSummary: Record<string, ArtifactSummary[]> = {};
    for (const [k, list] of Object.entries(ids)) {
      outputsSummary[k] = list.map((id) => this.store.artifact(id)!).filter(Boolean);
    }
    this.reportAnomalies(step, executionId, outputsSummary);
    return { state: 'complete', executionId, durationMs: Date.now() - started, outputs: outputsSummary };
  }

  /** ExampleValidator writes anomalies_summary.json; forward it for the Problems panel. */
  private reportAnomalies(step: string, executionId: number, outputs: Record<string, Array<{ uri: string }>>): void {
    for (const a of outputs['anomalies'] ?? []) {
      const summary = join(a.uri, 'anomalies_summary.json');
      if (!existsSync(summary)) continue;
      try {
        const list = JSON.parse(readFileSync(summary, 'utf8')) as AnomalySummaryRow[];
        if (list.length) this.emit({ kind: 'anomalies', runId: this.runId, step, executionId, anomalies: list });
      } catch {
        /* a malformed summary only loses the Problems entries */
      }
    }
  }
}
