// What the parts of the launcher hand each other for one step: the context the driver resolved (inputs,
// params, cache key …) and the outcome the scheduler records. One shape for executor and system nodes.
import type { ComponentIR, PipelineIR } from '../definition/ir';
import type { Properties } from '../../common/artifacts';
import type { ComponentSpec, InputArtifact } from '../components/spec';
import type { MetadataStore } from '../metadata/store';
import type { ArtifactSummary } from '../metadata/types';
import type { RunEvent, StepState } from './events';

/** How a step ended, as the scheduler records it and downstream steps read their inputs from it. */
export interface StepOutcome {
  state: StepState;
  executionId?: number;
  durationMs: number;
  reason?: string;
  outputs?: Record<string, ArtifactSummary[]>;
}

/** Everything a step needs once the driver has resolved it, whichever part runs it. */
export interface StepContext<S extends ComponentSpec = ComponentSpec> {
  store: MetadataStore;
  pipeline: PipelineIR;
  runId: string;
  runContextId: number;
  /** Workspace root (the folder holding `.mlpipe/`). */
  root: string;
  component: ComponentIR;
  spec: S;
  inputs: Record<string, InputArtifact[]>;
  /** The component's params with the spec's defaults filled in. */
  params: Record<string, unknown>;
  /** Output key -> artifact type. */
  outputTypes: Record<string, string>;
  /** Custom properties of the execution: the params as MLMD values, and the component type. */
  execProps: Properties;
  cacheKey: string;
  useCache: boolean;
  trusted: boolean;
  /** Aborted when the run is canceled. */
  signal: AbortSignal;
  /** A HumanApproval returns 'waiting' instead of polling (`run --no-wait`). */
  returnWhenWaiting: boolean;
  /** Date.now() when the step began. */
  started: number;
  emit(event: RunEvent): void;
}

/** Artifact ids per key, as the store's publish calls take them. */
export function idsByKey(artifacts: Record<string, ReadonlyArray<{ id: number }>>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(artifacts).map(([k, list]) => [k, list.map((a) => a.id)]));
}

export function toInputArtifact(a: ArtifactSummary): InputArtifact {
  return { id: a.id, type: a.type, uri: a.uri, properties: a.properties, customProperties: a.customProperties };
}

/** Milliseconds since the step began. */
export function elapsed(step: Pick<StepContext, 'started'>): number {
  return Date.now() - step.started;
}
