// Where validation, the JSON Schema and hovers get component specs from. The runtime passes the registry
// (components/registryCatalog.ts); the extension host must not load the registry (it pulls in DuckDB,
// TF.js and esbuild), so it rebuilds a catalog from the manifest embedded in dist/pipeline.schema.json.
// This file imports nothing heavy and is safe to bundle anywhere.
import type { ComponentDescription, InputSpec, OutputSpec, ParamSpec } from '../components/spec';

export interface ComponentCatalog {
  get(type: string): ComponentDescription | undefined;
  types(): Iterable<string>;
}

/** A spec without its functions (executor, fingerprint, validate hook): plain JSON. */
export interface ComponentManifestEntry {
  type: string;
  doc: string;
  executionType: string;
  kind: ComponentDescription['kind'];
  inputs: Record<string, InputSpec>;
  outputs: Record<string, OutputSpec>;
  params: Record<string, ParamSpec>;
  declaredOutputs?: boolean;
  anyInputs?: boolean;
}

/** Key of the manifest inside the generated JSON Schema (JSON Schema ignores unknown `x-` keys). */
export const MANIFEST_KEY = 'x-mlpipe-components';

export function catalogFromSpecs(specs: readonly ComponentDescription[]): ComponentCatalog {
  const byType = new Map(specs.map((s) => [s.type, s]));
  return { get: (type) => byType.get(type), types: () => [...byType.keys()] };
}

export function componentManifest(catalog: ComponentCatalog): ComponentManifestEntry[] {
  const out: ComponentManifestEntry[] = [];
  for (const type of [...catalog.types()].sort()) {
    const s = catalog.get(type);
    if (!s) continue;
    out.push({
      type: s.type,
      doc: s.doc,
      executionType: s.executionType,
      kind: s.kind,
      inputs: s.inputs,
      outputs: s.outputs,
      params: s.params,
      ...(s.declaredOutputs ? { declaredOutputs: true } : {}),
      ...(s.anyInputs ? { anyInputs: true } : {}),
    });
  }
  return out;
}

function isEntry(v: unknown): v is ComponentManifestEntry {
  if (!v || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return typeof e['type'] === 'string' && typeof e['inputs'] === 'object' && typeof e['outputs'] === 'object' && typeof e['params'] === 'object';
}

/** A catalog from a manifest; entries that are not well-formed are skipped. */
export function catalogFromManifest(entries: readonly unknown[]): ComponentCatalog {
  return catalogFromSpecs(entries.filter(isEntry).map((e) => ({ ...e, doc: e.doc ?? '', executionType: e.executionType ?? e.type, kind: e.kind ?? 'executor' })));
}

/** A catalog from dist/pipeline.schema.json (or pipelineJsonSchema()'s result). Empty if it has no manifest. */
export function catalogFromSchema(schema: unknown): ComponentCatalog {
  const manifest = schema && typeof schema === 'object' ? (schema as Record<string, unknown>)[MANIFEST_KEY] : undefined;
  return catalogFromManifest(Array.isArray(manifest) ? manifest : []);
}
