// SchemaImporter (TFX's ImportSchemaGen): a curated schema kept in the workspace and reviewed in git.
import type { ExecutorComponentSpec } from './spec';
import { schemaFileFingerprint } from '../data/schemaInference';
import { runSchemaImporter } from './schemaImporter.executor';

export const schemaImporterSpec: ExecutorComponentSpec = {
  type: 'SchemaImporter',
  doc: 'Publishes a curated schema file from the workspace (schema.json in protobuf JSON, or TFX schema.pbtxt text format).',
  executionType: 'tfx.components.schema_gen.import_schema_gen.component.ImportSchemaGen',
  inputs: {},
  outputs: {
    schema: { type: 'Schema', doc: '`schema.json`: the imported schema in protobuf JSON.' },
  },
  params: {
    schema: { type: 'path', mustExist: 'file', required: true, doc: 'Path to `schema.json` or `schema.pbtxt`, relative to the pipeline file.' },
  },
  kind: 'executor',
  executor: async (ctx) => {
    await runSchemaImporter(ctx);
  },
  // The schema file's contents enter the cache key, so an edited schema re-runs validation.
  fingerprint: async (ctx) => schemaFileFingerprint(ctx.params, ctx.pipelineDir),
};
