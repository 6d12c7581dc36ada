// SchemaGen: infers a tensorflow_metadata Schema (schema.json, protobuf JSON) from statistics.
import type { ExecutorComponentSpec } from './spec';
import type * as Executor from './schemaGen.executor';

export const schemaGenSpec: ExecutorComponentSpec = {
  type: 'SchemaGen',
  doc: 'Infers a schema from statistics: types, presence, single-valued shape, and string domains for categorical strings.',
  executionType: 'tfx.components.schema_gen.component.SchemaGen',
  baseType: 'mlmd.Process',
  inputs: {
    statistics: { type: 'ExampleStatistics', doc: 'Statistics to infer from (all splits not excluded are merged).' },
  },
  outputs: {
    schema: { type: 'Schema', doc: '`schema.json`: a tensorflow_metadata Schema in protobuf JSON.' },
  },
  params: {
    infer_feature_shape: { type: 'boolean', default: true, doc: 'Record `shape {dim {size: 1}}` for single-valued features (TFX default true).' },
    max_string_domain_size: { type: 'integer', default: 100, doc: 'String features with at most this many unique values get a string domain.' },
    exclude_splits: { type: 'array', default: [], doc: 'Splits to ignore.', schema: { items: { type: 'string' } } },
  },
  kind: 'executor',
  executor: async (ctx) => {
    // Loaded on first run, like every data executor, to keep CLI start-up small.
    await (require('./schemaGen.executor') as typeof Executor).runSchemaGen(ctx);
  },
};
