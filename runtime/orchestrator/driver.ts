// The driver: everything decided about a step before anything runs, after TFX's inputs_utils and
// cache_utils (tfx-reference §2.6, §2.7). It resolves the input artifacts (from this run, or from the
// latest published outputs in metadata, or the previous span), fills param defaults, fixes the output
// types, computes the cache key, registers the execution and looks the key up.
import { dirname } from 'node:path';
import type { ComponentIR, PipelineIR } from '../definition/ir';
import type { Properties } from '../../common/artifacts';
import { nodeOutputTypes, type ComponentSpec, type InputArtifact } from '../components/spec';
import type { MetadataStore } from '../metadata/store';
import type { ArtifactSummary } from '../metadata/types';
import { cacheKey } from './cacheKey';
import { elapsed, idsByKey, toInputArtifact, type StepContext, type StepOutcome } from './step';

/** An input has nothing to resolve to: the step fails with this message, and the run goes on. */
class UnresolvedInput extends Error {}

/** What the driver needs to know about the run a step belongs to. */
export interface DriverRun {
  store: MetadataStore;
  pipeline: PipelineIR;
  runId: string;
  runContextId: number;
  root: string;
  /** The run continues a given run id: that run's outputs win over the latest ones for out-of-scope steps. */
  continuesRun: boolean;
  /** Outputs of a step of this run; `inScope` false when the step is not part of this run. */
  outputsInRun(nodeId: string): { inScope: boolean; outputs?: Record<string, ArtifactSummary[]> };
}

/** The run-wide settings every step context carries. */
export type StepSettings = Pick<StepContext, 'useCache' | 'trusted' | 'signal' | 'returnWhenWaiting' | 'emit'>;

/** Resolve a step into its context, or into the outcome that says why it cannot run. */
export async function prepareStep(
  run: DriverRun,
  component: ComponentIR,
  spec: ComponentSpec,
  settings: StepSettings,
): Promise<{ step: StepContext } | { outcome: StepOutcome }> {
  const started = Date.now();
  let inputs: Record<string, InputArtifact[]>;
  try {
    inputs = resolveInputs(run, component, spec);
  } catch (err) {
    if (err instanceof UnresolvedInput) return { outcome: { state: 'failed', durationMs: 0, reason: err.message } };
    throw err;
  }
  const params = paramsWithDefaults(component, spec);
  const outputTypes = outputTypesOf(component, spec);
  const execProps: Properties = {};
  for (const [k, v] of Object.entries(params)) execProps[k] = toProperty(v);
  execProps['component_type'] = spec.type;

  let fingerprint = '';
  try {
    if (spec.kind === 'executor' && spec.fingerprint) fingerprint = await spec.fingerprint({ params, pipelineDir: dirname(run.pipeline.file), root: run.root });
  } catch (err) {
    return { outcome: { state: 'failed', durationMs: Date.now() - started, reason: err instanceof Error ? err.message : String(err) } };
  }
  const key = cacheKey({ pipeline: run.pipeline.name, nodeId: component.id, spec, inputs, outputs: outputTypes, params, fingerprint });
  return {
    step: {
      store: run.store,
      pipeline: run.pipeline,
      runId: run.runId,
      runContextId: run.runContextId,
      root: run.root,
      component,
      spec,
      inputs,
      params,
      outputTypes,
      execProps,
      cacheKey: key,
      started,
      ...settings,
    },
  };
}

/**
 * Record the step's execution (RUNNING, with its inputs) and, unless `announce` is false, tell the
 * listeners it started. A step answered from the cache is not announced: it never runs, as in TFX it never
 * reaches the launcher; it only finishes ('cached').
 */
export function registerStepExecution(step: StepContext, inputs: Record<string, InputArtifact[]>, extraProps: Properties = {}, announce = true): number {
  const executionId = step.store.registerExecution({
    pipeline: step.pipeline.name,
    runContextId: step.runContextId,
    nodeId: step.component.id,
    executionType: step.spec.executionType,
    baseType: step.spec.baseType,
    customProperties: { ...step.execProps, ...extraProps },
    inputs: idsByKey(inputs),
  });
  if (announce) announceStarted(step, executionId);
  return executionId;
}

export function announceStarted(step: StepContext, executionId: number): void {
  step.emit({ kind: 'step-started', runId: step.runId, step: step.component.id, executionId, time: Date.now() });
}

/** Reuse the outputs of an earlier execution with the same cache key, if caching is on and there is one. */
export function reuseCached(step: StepContext, executionId: number): StepOutcome | undefined {
  if (!step.useCache) return undefined;
  const hit = step.store.findCached(step.cacheKey);
  if (!hit) return undefined;
  step.store.publishCached(executionId, step.cacheKey, idsByKey(hit.outputs));
  return { state: 'cached', executionId, durationMs: elapsed(step), outputs: hit.outputs, reason: `outputs of execution ${hit.executionId}` };
}

/** The input artifacts of a step, from this run or from the latest published outputs. */
function resolveInputs(run: DriverRun, component: ComponentIR, spec: ComponentSpec): Record<string, InputArtifact[]> {
  const inputs: Record<string, InputArtifact[]> = {};
  for (const [key, refs] of Object.entries(component.inputs)) {
    const list: InputArtifact[] = [];
    for (const ref of refs) {
      const inRun = run.outputsInRun(ref.component);
      const produced = inRun.inScope
        ? inRun.outputs
        : ((run.continuesRun ? run.store.runNodeOutputs(run.pipeline.name, ref.component, run.runContextId) : undefined) ??
          run.store.latestNodeOutputs(run.pipeline.name, ref.component));
      if (!produced) {
        throw new UnresolvedInput(
          `${component.id} needs ${ref.component}.${ref.output}, but ${ref.component} has no published outputs yet; run it first (mlpipe run ${run.pipeline.file} --to ${ref.component})`,
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
    const previous = previousSpan(run, ref.component, ref.output, current);
    if (previous) inputs[key] = [toInputArtifact(previous)];
  }
  return inputs;
}

/** The newest artifact of an earlier span than `current`, from the same node and output. */
function previousSpan(run: DriverRun, nodeId: string, outputKey: string, current: InputArtifact): ArtifactSummary | undefined {
  const span = Number(current.properties['span'] ?? current.customProperties['span'] ?? NaN);
  if (!Number.isFinite(span)) return undefined;
  let before = current.id;
  for (let i = 0; i < 200; i++) {
    const candidate = run.store.previousArtifactOfNode(run.pipeline.name, nodeId, outputKey, before);
    if (!candidate) return undefined;
    const s = Number(candidate.properties['span'] ?? candidate.customProperties['span'] ?? NaN);
    if (Number.isFinite(s) && s < span) return candidate;
    before = candidate.id;
  }
  return undefined;
}

function outputTypesOf(component: ComponentIR, spec: ComponentSpec): Record<string, string> {
  if (spec.kind === 'importer') return nodeOutputTypes(spec, component);
  if (spec.declaredOutputs) return { ...component.outputs };
  return Object.fromEntries(Object.entries(spec.outputs).map(([k, o]) => [k, o.type]));
}

function paramsWithDefaults(component: ComponentIR, spec: ComponentSpec): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(spec.params)) if (p.default !== undefined) params[name] = p.default;
  return { ...params, ...component.params };
}

function toProperty(value: unknown): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value ?? null);
}
