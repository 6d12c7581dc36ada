// What a step's cache key is made of, besides its inputs' ids: its params (defaults filled in), its
// output types and the artifact of an earlier span. The run's driver uses these to execute a step; the
// step status (stale marking) uses the same ones to compute the key a run would compute now.
import type { ComponentIR } from '../definition/ir';
import { nodeOutputTypes, type ComponentSpec, type InputArtifact } from '../components/spec';
import type { MetadataStore } from '../metadata/store';
import type { ArtifactSummary } from '../metadata/types';

export function toProperty(value: unknown): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value ?? null);
}

export function toInputArtifact(a: ArtifactSummary): InputArtifact {
  return { id: a.id, type: a.type, uri: a.uri, properties: a.properties, customProperties: a.customProperties };
}

export function stepOutputTypes(component: ComponentIR, spec: ComponentSpec): Record<string, string> {
  if (spec.kind === 'importer') return nodeOutputTypes(spec, component);
  if (spec.declaredOutputs) return { ...component.outputs };
  return Object.fromEntries(Object.entries(spec.outputs).map(([k, o]) => [k, o.type]));
}

export function stepParams(component: ComponentIR, spec: ComponentSpec): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(spec.params)) if (p.default !== undefined) params[name] = p.default;
  return { ...params, ...component.params };
}

/** The newest artifact of an earlier span than `current`, from the same node and output. */
export function previousSpan(store: MetadataStore, pipeline: string, nodeId: string, outputKey: string, current: InputArtifact): ArtifactSummary | undefined {
  const span = Number(current.properties['span'] ?? current.customProperties['span'] ?? NaN);
  if (!Number.isFinite(span)) return undefined;
  let before = current.id;
  for (let i = 0; i < 200; i++) {
    const candidate = store.previousArtifactOfNode(pipeline, nodeId, outputKey, before);
    if (!candidate) return undefined;
    const s = Number(candidate.properties['span'] ?? candidate.customProperties['span'] ?? NaN);
    if (Number.isFinite(s) && s < span) return candidate;
    before = candidate.id;
  }
  return undefined;
}

/** Adds the `previousSpanOf` inputs a spec asks for (the span before the one being read). */
export function addPreviousSpans(store: MetadataStore, pipeline: string, component: ComponentIR, spec: ComponentSpec, inputs: Record<string, InputArtifact[]>): void {
  for (const [key, input] of Object.entries(spec.inputs)) {
    if (!input.previousSpanOf || component.inputs[key]) continue;
    const ref = component.inputs[input.previousSpanOf]?.[0];
    const current = inputs[input.previousSpanOf]?.[0];
    if (!ref || !current) continue;
    const previous = previousSpan(store, pipeline, ref.component, ref.output, current);
    if (previous) inputs[key] = [toInputArtifact(previous)];
  }
}
