// The SchemaImporter executor: publishes the curated schema file its params name.
import { readSchemaFile, schemaPath, writeSchema } from '../data/schemaInference';
import type { ExecutorContext } from './spec';

export async function runSchemaImporter(ctx: ExecutorContext): Promise<void> {
  const out = ctx.outputs['schema'];
  if (!out) throw new Error('SchemaImporter has no `schema` output');
  const file = schemaPath(ctx.params, ctx.pipelineDir);
  const schema = readSchemaFile(file);
  writeSchema(out.uri, schema);
  out.customProperties['source'] = file;
  ctx.log(`imported ${schema.feature.length} features from ${file}`);
}
