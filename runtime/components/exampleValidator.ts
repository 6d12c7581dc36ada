// ExampleValidator: anomalies of statistics against a schema (TFDV names and triggers), plus drift against
// a baseline span and skew between splits or against serving data.
import type { ExecutorComponentSpec } from './spec';
import type * as Executor from './exampleValidator.executor';

export const exampleValidatorSpec: ExecutorComponentSpec = {
  type: 'ExampleValidator',
  doc: 'Checks statistics against the schema and reports anomalies with TFDV names; detects drift and skew where the schema has comparators.',
  executionType: 'tfx.components.example_validator.component.ExampleValidator',
  inputs: {
    statistics: { type: 'ExampleStatistics', doc: 'Statistics of the data to validate.' },
    schema: { type: 'Schema', doc: 'The expected schema.' },
    baseline_statistics: {
      type: 'ExampleStatistics',
      optional: true,
      previousSpanOf: 'statistics',
      doc: 'Statistics of the previous span, for drift (`drift_comparator` in the schema). Filled by the orchestrator from metadata when not wired; an explicit input overrides it.',
    },
    serving_statistics: {
      type: 'ExampleStatistics',
      optional: true,
      doc: 'Statistics of serving data, for training/serving skew (`skew_comparator` in the schema).',
    },
  },
  outputs: {
    anomalies: { type: 'ExampleAnomalies', doc: '`Split-<name>/anomalies.json` (TFDV Anomalies in protobuf JSON) and `anomalies_summary.json`.' },
  },
  params: {
    fail_on: {
      type: 'string',
      enum: ['error', 'warning', 'none'],
      default: 'error',
      doc: '`error` fails the step on any error-severity anomaly (a dropped column stops the pipeline before training); `warning` also on warnings; `none` never fails.',
    },
    skew: {
      type: 'object',
      doc: 'Skew between splits: `{train: eval}` compares split `eval` (treatment) against `train` (control) with the schema\'s skew comparators.',
      schema: { additionalProperties: { type: 'string' } },
    },
    exclude_splits: { type: 'array', default: [], doc: 'Splits not to validate.', schema: { items: { type: 'string' } } },
  },
  kind: 'executor',
  executor: async (ctx) => {
    // Loaded on first run, like every data executor, to keep CLI start-up small.
    return (require('./exampleValidator.executor') as typeof Executor).runExampleValidator(ctx);
  },
};
