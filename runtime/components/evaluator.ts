// Evaluator: metrics overall and per slice for the candidate and the baseline model, TFMA thresholds, blessing.
import { parseSlices } from '../model/slicingSpecs';
import type * as EvaluatorExecutor from './evaluator.executor';
import { parseThresholds } from '../model/thresholds';
import { ComponentError, type ExecutorComponentSpec } from './spec';

/** The executor's own parsers, run at authoring time so threshold mistakes show in the Problems panel. */
function validateEvaluatorParams(params: Record<string, unknown>): Array<{ param: string; message: string; hint?: string }> {
  const problems: Array<{ param: string; message: string; hint?: string }> = [];
  for (const [param, check] of [
    ['thresholds', () => parseThresholds(params['thresholds'])],
    ['slices', () => parseSlices(params['slices'])],
  ] as const) {
    try {
      check();
    } catch (err) {
      if (err instanceof ComponentError) problems.push({ param, message: err.message, ...(err.hint ? { hint: err.hint } : {}) });
      else throw err;
    }
  }
  return problems;
}

export const evaluatorSpec: ExecutorComponentSpec = {
  type: 'Evaluator',
  doc: 'Evaluates the candidate model (and the baseline, e.g. the latest blessed model; the two may differ in format: tfjs, onnx, python) on the raw eval split, overall and per slice (DuckDB). Without a model input it evaluates a column of predictions already in the examples (TFMA model-agnostic evaluation). Classification: accuracy, auc, log_loss, precision, recall (macro averages), confusion matrix, per-class precision/recall/F1, calibration buckets, and ROC and precision-recall curves for binary models; regression: rmse, mae, r2. TFMA value and change thresholds decide BLESSED / NOT_BLESSED; change thresholds are dropped without a baseline.',
  executionType: 'tfx.components.evaluator.component.Evaluator',
  baseType: 'mlmd.Evaluate',
  kind: 'executor',
  inputs: {
    examples: { type: 'Examples', doc: 'Raw examples (ExampleGen output); the model applies its own TransformGraph.' },
    model: { type: 'Model', doc: 'The candidate model, of any format (tfjs, onnx, python). Leave it out to evaluate params.prediction_column instead.', optional: true },
    baseline_model: { type: 'Model', doc: 'The model to compare with (usually from a latest_blessed_model Resolver); absent on the first run.', optional: true },
  },
  outputs: {
    evaluation: { type: 'ModelEvaluation', doc: '`metrics.json` (candidate and baseline, overall and per slice; classification details as in common/artifacts.ts), `validation.json` (every failing metric and slice), `predictions.parquet`.' },
    blessing: { type: 'ModelBlessing', doc: '`BLESSED` or `NOT_BLESSED`, custom properties blessed, current_model(_id), baseline_model(_id).' },
  },
  params: {
    label: { type: 'string', doc: 'Label column of the raw examples (default: the label the model was trained on).' },
    slices: {
      type: 'array',
      default: [[]],
      doc: 'Slicing specs: lists of feature keys; `[]` is the overall slice, `[island, sex]` a cross.',
      schema: { items: { type: 'array', items: { type: 'string' } } },
    },
    thresholds: {
      type: 'object',
      doc: 'metric -> {lower_bound, upper_bound, change: {direction: higher_is_better|lower_is_better, absolute, relative}, per_slice}. Metrics: accuracy, auc, log_loss, precision, recall, rmse, mae, r2, count.',
      schema: {
        additionalProperties: {
          type: 'object',
          properties: {
            lower_bound: { type: 'number' },
            upper_bound: { type: 'number' },
            per_slice: { type: 'boolean' },
            change: {
              type: 'object',
              required: ['direction'],
              properties: { direction: { enum: ['higher_is_better', 'lower_is_better'] }, absolute: { type: 'number' }, relative: { type: 'number' } },
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
      },
    },
    eval_split: { type: 'string', default: 'eval', doc: 'Split to evaluate on.' },
    prediction_column: { type: 'string', doc: 'Without a model input: the eval column holding predictions (TFMA prediction_key): a score in [0, 1] for a binary label, a class, or a value.' },
    baseline_prediction_column: { type: 'string', doc: 'Without a model input: a second prediction column, evaluated as the baseline (change thresholds compare with it).' },
    example_weight_column: { type: 'string', doc: 'Column of example weights: metrics use TFMA’s weighted definitions, and weighted_example_count is reported.' },
  },
  // Loaded on first use: TF.js and DuckDB cost ~0.5 s to load, which a CLI that runs nothing should not pay.
  executor: async (ctx) => (require('./evaluator.executor') as typeof EvaluatorExecutor).runEvaluator(ctx),
  validate: (params) => validateEvaluatorParams(params),
};
