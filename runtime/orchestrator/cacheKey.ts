// The cache key of a step, after TFX's cache_utils (tfx-reference §2.6): the pipeline and node, the
// component and its executor, every input artifact (id, type and properties), the output keys and types,
// every param, and whatever the component says its result depends on beyond those (data files, module
// contents). Equal keys mean the outputs of the earlier execution can be reused.
import { createHash } from 'node:crypto';
import type { ComponentSpec, InputArtifact } from '../components/spec';

export interface CacheKeyParts {
  pipeline: string;
  nodeId: string;
  spec: ComponentSpec;
  inputs: Record<string, InputArtifact[]>;
  outputs: Record<string, string>;
  params: Record<string, unknown>;
  fingerprint: string;
}

/** JSON with sorted object keys, so that equal values always serialise the same way. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function cacheKey(parts: CacheKeyParts): string {
  const h = createHash('sha256');
  const field = (name: string, value: string) => h.update(`${name}\u0000${value}\u0000`);
  field('pipeline', parts.pipeline);
  field('node', `${parts.spec.type}:${parts.nodeId}`);
  field('executor', parts.spec.executionType);
  for (const key of Object.keys(parts.inputs).sort()) {
    field('input', key);
    for (const a of parts.inputs[key]!) field('artifact', canonicalJson({ id: a.id, type: a.type, properties: a.properties }));
  }
  for (const key of Object.keys(parts.outputs).sort()) field('output', `${key}:${parts.outputs[key]}`);
  field('params', canonicalJson(parts.params));
  field('fingerprint', parts.fingerprint);
  return h.digest('hex');
}
