// StatisticsGen: TFDV-compatible DatasetFeatureStatisticsList per split, computed with DuckDB.
import type { ExecutorComponentSpec } from './spec';
import type * as Executor from './statisticsGen.executor';

export const statisticsGenSpec: ExecutorComponentSpec = {
  type: 'StatisticsGen',
  doc: 'Computes TFDV-compatible statistics for each split: counts, missing values, numeric moments, quantiles and histograms, top string values.',
  executionType: 'tfx.components.statistics_gen.component.StatisticsGen',
  baseType: 'mlmd.Process',
  inputs: {
    examples: { type: 'Examples', doc: 'The examples to describe.' },
    schema: { type: 'Schema', doc: 'Optional schema (accepted for TFX compatibility; statistics do not depend on it).', optional: true },
  },
  outputs: {
    statistics: { type: 'ExampleStatistics', doc: '`Split-<name>/FeatureStats.json`: a DatasetFeatureStatisticsList in protobuf JSON.' },
  },
  params: {
    exclude_splits: { type: 'array', default: [], doc: 'Splits to skip.', schema: { items: { type: 'string' } } },
    num_top_values: { type: 'integer', default: 20, doc: 'How many most frequent string values to keep (TFDV default 20).' },
    num_histogram_buckets: { type: 'integer', default: 10, doc: 'Buckets of the STANDARD and QUANTILES numeric histograms (TFDV default 10).' },
    num_rank_histogram_buckets: { type: 'integer', default: 1000, doc: 'Buckets of the string rank histogram (TFDV default 1000).' },
  },
  kind: 'executor',
  executor: async (ctx) => {
    // Loaded on first run: DuckDB stays out of CLI start-up and cached re-runs.
    await (require('./statisticsGen.executor') as typeof Executor).runStatisticsGen(ctx);
  },
};
