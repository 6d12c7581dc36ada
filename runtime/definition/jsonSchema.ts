// The registry-backed JSON Schema and hovers the runtime serves (`mlpipe schema` writes the schema to
// dist/pipeline.schema.json at build time). The generation itself is in pipelineSchema.ts.
import type { ComponentCatalog } from './componentCatalog';
import { buildPipelineJsonSchema, describeComponent } from './pipelineSchema';
import { registryCatalog } from './registryCatalog';

export function pipelineJsonSchema(catalog: ComponentCatalog = registryCatalog): object {
  return buildPipelineJsonSchema(catalog);
}

/** Markdown for an editor hover over a component type, or one of its params; undefined if unknown. */
export function componentHover(type: string, param?: string, catalog: ComponentCatalog = registryCatalog): string | undefined {
  return describeComponent(catalog, type, param);
}
