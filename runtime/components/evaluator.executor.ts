// Evaluator executor: candidate (and baseline) models on the raw eval split, sliced in DuckDB, validated
// against TFMA-style thresholds, written as metrics.json + validation.json and a ModelBlessing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLES_FILE, METRICS_FILE, splitDir, VALIDATION_FILE } from '../../common/artifacts';
import { ComponentError, type ExecutorContext, type ExecutorResult, type InputArtifact } from './spec';
import { withDuckDb } from '../data/duckdbEngine';
import { ensureBackend, withModelTurn } from '../model/backend';
import { optionalString, stringParam } from '../model/paramReading';
import { loadAnyModel, type LoadedModel } from '../model/servingModel';
import { evaluateModel, loadEvalTable, writePredictions, type ModelMetricsBlock } from '../model/sliceEvaluation';
import type * as PredictionEvaluator from './evaluator.predictions';
import { parseSlices } from '../model/slicingSpecs';
import { parseThresholds, validateMetrics, type SliceMetrics, type Thresholds, type ValidationResult } from '../model/thresholds';

export const PREDICTIONS_FILE = 'predictions.parquet';
export { parseSlices };

export interface MetricsFile {
  candidate: ModelMetricsBlock;
  baseline: ModelMetricsBlock | null;
  label: string;
  split: string;
  slicing_specs: string[][];
}

function only(ctx: ExecutorContext, key: string): InputArtifact | undefined {
  return (ctx.inputs[key] ?? [])[0];
}

async function load(ctx: ExecutorContext, artifact: InputArtifact, role: string): Promise<LoadedModel> {
  try {
    const model = await loadAnyModel(artifact.uri, { tmpDir: ctx.tmpDir, signal: ctx.signal, trusted: ctx.trusted, log: (line, stream) => ctx.log(line, stream) });
    ctx.log(`${role} model ${artifact.id}: ${model.format}, ${model.signature.task}${model.signature.classes ? ` (${model.signature.classes.join(', ')})` : ''}`);
    return model;
  } catch (err) {
    if (err instanceof ComponentError) throw new ComponentError(`cannot load the ${role} model ${artifact.id}: ${err.message}`, err.hint);
    throw new ComponentError(`cannot load the ${role} model ${artifact.id}: ${err instanceof Error ? err.message : String(err)}`, 'Wire a Trainer model (or a Resolver of Trainer models) into this input.');
  }
}

function toSliceMetrics(block: ModelMetricsBlock): SliceMetrics[] {
  return [{ slice: {}, count: block.count, metrics: block.overall }, ...block.slices.filter((s) => Object.keys(s.slice).length > 0)];
}

/** The executor: it waits for its turn with TF.js's process-wide backend (see withModelTurn). */
export async function runEvaluator(ctx: ExecutorContext): Promise<ExecutorResult> {
  return withModelTurn(ctx.signal, () => evaluateInTurn(ctx));
}

async function evaluateInTurn(ctx: ExecutorContext): Promise<ExecutorResult> {
  const examples = only(ctx, 'examples');
  const modelInput = only(ctx, 'model');
  if (!examples) throw new ComponentError('input "examples" is required (the raw examples with an eval split)');
  if (!modelInput) {
    if (ctx.params['prediction_column'] === undefined) {
      throw new ComponentError('input "model" is required (the candidate model), unless the examples already hold predictions', 'Wire model: trainer.model, or set params.prediction_column (and params.label) to evaluate a column of predictions.');
    }
    return (require('./evaluator.predictions') as typeof PredictionEvaluator).evaluatePredictions(ctx, examples);
  }
  const baselineInput = only(ctx, 'baseline_model');
  const split = stringParam(ctx.params, 'eval_split', 'eval');
  const slices = parseSlices(ctx.params['slices']);
  const thresholds = parseThresholds(ctx.params['thresholds']);
  const evaluation = ctx.outputs['evaluation'];
  const blessing = ctx.outputs['blessing'];
  if (!evaluation || !blessing) throw new Error('Evaluator outputs "evaluation" and "blessing" are missing');

  const file = path.join(examples.uri, splitDir(split), EXAMPLES_FILE);
  if (!fs.existsSync(file)) throw new ComponentError(`the examples have no "${split}" split (${file})`, 'Set params.eval_split, or give ExampleGen an eval split.');

  const choice = await ensureBackend();
  ctx.log(`TensorFlow.js backend: ${choice.backend}`);
  const candidate = await load(ctx, modelInput, 'candidate');
  const baseline = baselineInput ? await load(ctx, baselineInput, 'baseline') : undefined;
  const label = optionalString(ctx.params, 'label') ?? candidate.signature.label;
  try {
    const metrics = await withDuckDb(
      async (con) => {
        const table = await loadEvalTable(con, file);
        const missing = [label, ...slices.flat()].filter((c) => !table.columns.includes(c));
        if (missing.length) {
          throw new ComponentError(`column(s) ${missing.map((c) => `"${c}"`).join(', ')} not in the eval examples (columns: ${table.columns.join(', ')})`, 'Fix params.label / params.slices: they name raw columns.');
        }
        ctx.log(`evaluating on ${table.rows.length} rows of split ${split}; slices: ${slices.map((s) => (s.length ? s.join(' x ') : 'overall')).join(', ')}`);
        const cand = await evaluateModel(con, candidate, { role: 'candidate', id: modelInput.id, uri: modelInput.uri }, table.rows, label, slices);
        const base = baseline && baselineInput ? await evaluateModel(con, baseline, { role: 'baseline', id: baselineInput.id, uri: baselineInput.uri }, table.rows, label, slices) : null;
        if (cand.count === 0 && table.rows.length > 0) {
          const spec = candidate.signature;
          throw new ComponentError(
            `none of the ${table.rows.length} eval rows has a usable "${label}" label${spec.task === 'classification' ? ` (the model knows ${(spec.classes ?? []).join(', ')})` : ' (a number)'}`,
            'Wire the raw examples (example_gen.examples) into the Evaluator, not transformed ones, and check params.label.',
          );
        }
        if (cand.count < table.rows.length) ctx.log(`${table.rows.length - cand.count} row(s) have a missing or unknown label and are not counted`);
        await writePredictions(con, candidate, path.join(evaluation.uri, 'predictions.parquet'));
        const result: MetricsFile = { candidate: cand, baseline: base, label, split, slicing_specs: slices };
        return result;
      },
      { tmpDir: ctx.tmpDir, signal: ctx.signal },
    );
    return publishEvaluation(ctx, metrics, thresholds, { id: modelInput.id, uri: modelInput.uri }, baselineInput ? { id: baselineInput.id, uri: baselineInput.uri } : undefined);
  } finally {
    candidate.dispose();
    baseline?.dispose();
  }
}

/** metrics.json, validation.json and the ModelBlessing, the same for models of any format and for prediction columns. */
export function publishEvaluation(ctx: ExecutorContext, metrics: MetricsFile, thresholds: Thresholds, current: { id: number; uri: string }, baseline: { id: number; uri: string } | undefined): ExecutorResult {
  const evaluation = ctx.outputs['evaluation'];
  const blessing = ctx.outputs['blessing'];
  if (!evaluation || !blessing) throw new Error('Evaluator outputs "evaluation" and "blessing" are missing');
  fs.writeFileSync(path.join(evaluation.uri, METRICS_FILE), JSON.stringify(metrics, null, 2));
  const overall = Object.entries(metrics.candidate.overall).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ');
  ctx.log(`candidate overall: ${overall}`);
  if (metrics.baseline) ctx.log(`baseline ${metrics.baseline.model_id} overall: ${Object.entries(metrics.baseline.overall).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ')}`);

  const validated = Object.keys(thresholds).length > 0;
  let validation: ValidationResult | undefined;
  if (validated) {
    validation = validateMetrics(thresholds, toSliceMetrics(metrics.candidate), metrics.baseline ? toSliceMetrics(metrics.baseline) : null);
    if (validation.dropped_change_thresholds.length) ctx.log(`no baseline model: change thresholds dropped for ${validation.dropped_change_thresholds.join(', ')}`);
    for (const f of validation.failures) ctx.log(`threshold failed: ${f.message}`);
  } else {
    ctx.log('no thresholds configured: the model is not validated (as in TFX), so it is neither blessed nor pushed');
  }
  fs.writeFileSync(
    path.join(evaluation.uri, VALIDATION_FILE),
    // The configured thresholds go along, so a viewer can show what passed, not only what failed.
    JSON.stringify({ ...(validation ?? { validation_ok: null, validated: false, rubber_stamp: !baseline, dropped_change_thresholds: [], checked: 0, failures: [] }), thresholds }, null, 2),
  );
  evaluation.customProperties['validated'] = validated ? 1 : 0;
  if (validation) evaluation.customProperties['validation_ok'] = validation.validation_ok ? 1 : 0;

  // TFX's ModelBlessing: custom props always name the models; the file and `blessed` only after validation.
  blessing.customProperties['current_model'] = current.uri;
  blessing.customProperties['current_model_id'] = current.id;
  if (baseline) {
    blessing.customProperties['baseline_model'] = baseline.uri;
    blessing.customProperties['baseline_model_id'] = baseline.id;
  }
  if (validation) {
    const blessed = validation.validation_ok;
    fs.writeFileSync(path.join(blessing.uri, blessed ? 'BLESSED' : 'NOT_BLESSED'), '');
    blessing.customProperties['blessed'] = blessed ? 1 : 0;
    ctx.log(blessed ? 'model BLESSED' : `model NOT_BLESSED: ${validation.failures.length} threshold failure(s)`);
  }
  return { executionProperties: { validated: validated ? 1 : 0 } };
}
