// Transform: declarative preprocessing analysed on the train split and applied to every split through
// the one shared applyTransform (runtime/data/transformProgram.ts), so training and serving agree.
import type { ExecutorComponentSpec } from './spec';
import type * as Executor from './transform.executor';
import { moduleFingerprint } from './functionModule';

export const transformSpec: ExecutorComponentSpec = {
  type: 'Transform',
  doc: 'Per-feature preprocessing (z-score, min-max, log, quantile buckets, vocabulary with OOV, one-hot, fill), analysed on train and stored as a JSON program that the model reuses.',
  executionType: 'tfx.components.transform.component.Transform',
  baseType: 'mlmd.Transform',
  inputs: {
    examples: { type: 'Examples', doc: 'Raw examples; constants are analysed on the `train` split (or params.analyze_split).' },
    schema: { type: 'Schema', doc: 'Schema of the raw examples (checked: listed features must exist in it).', optional: true },
  },
  outputs: {
    transform_graph: { type: 'TransformGraph', doc: '`transform_graph.json`: the analysed program.' },
    transformed_examples: { type: 'Examples', doc: '`Split-<name>/data.parquet` with the transformed columns.' },
  },
  params: {
    features: {
      type: 'object',
      default: {},
      doc: 'Feature -> operation: `zscore`, `minmax`, `log`, `bucketize`, `vocabulary`, `onehot`, `fill`, or an object `{op, buckets, top_k, num_oov_buckets, fill, name}`. `fill` is `mean`, `median`, `mode` or a constant.',
      schema: {
        additionalProperties: {
          oneOf: [
            { type: 'string', enum: ['zscore', 'minmax', 'log', 'bucketize', 'vocabulary', 'onehot', 'fill'] },
            {
              type: 'object',
              required: ['op'],
              properties: {
                op: { type: 'string', enum: ['zscore', 'minmax', 'log', 'bucketize', 'vocabulary', 'onehot', 'fill'] },
                buckets: { type: 'integer', minimum: 2 },
                top_k: { type: 'integer', minimum: 1 },
                num_oov_buckets: { type: 'integer', minimum: 1 },
                fill: { type: ['number', 'string'] },
                name: { type: 'string' },
              },
              additionalProperties: false,
            },
          ],
        },
      },
    },
    label: { type: 'string', doc: 'Label column: strings are encoded as class indices (sorted classes), numbers kept.' },
    drop: { type: 'boolean', default: false, doc: 'Drop features not listed in `features` (default: pass them through untouched).' },
    analyze_split: { type: 'string', default: 'train', doc: 'Split the constants are analysed on.' },
    module: {
      type: 'path',
      mustExist: 'file',
      doc: 'A TS/JS module whose default export `(row) => row` derives or edits raw columns before the features above (trusted workspaces only). It is bundled into the transform graph so serving runs it too.',
    },
  },
  kind: 'executor',
  executor: async (ctx) => {
    // Loaded on first run: the executor pulls in DuckDB and esbuild, which CLI start-up must not pay for.
    await (require('./transform.executor') as typeof Executor).runTransform(ctx);
  },
  fingerprint: async (ctx) => moduleFingerprint(ctx.params['module'], ctx.pipelineDir),
};
