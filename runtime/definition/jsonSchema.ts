// The JSON Schema and hovers the runtime serves over a catalog its callers pass (the registry, in the
// runtime: `mlpipe schema` writes the schema to dist/pipeline.schema.json at build time). The generation
// itself is in pipelineSchema.ts.
import type { ComponentCatalog } from './componentCatalog';
import { buildPipelineJsonSchema, describeComponent } from './pipelineSchema';

export function pipelineJsonSchema(catalog: ComponentCatalog): object {
  return buildPipelineJsonSchema(catalog);
}

/** Markdown for an editor hover over a component type, or one of its params; undefined if unknown. */
export function componentHover(type: string, param: string | undefined, catalog: ComponentCatalog): string | undefined {
  return describeComponent(catalog, type, param);
}
