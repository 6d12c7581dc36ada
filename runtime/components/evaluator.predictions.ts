// The Evaluator without a model input: metrics of prediction columns already in the eval split
// (params.prediction_column, and baseline_prediction_column for a second model to compare with), on the
// same slices, thresholds and blessing as model evaluation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLES_FILE, splitDir } from '../../common/artifacts';
import { ComponentError, type ExecutorContext, type ExecutorResult, type InputArtifact } from './spec';
import { withDuckDb } from '../data/duckdbEngine';
import { publishEvaluation, type MetricsFile } from './evaluator.executor';
import { optionalString, stringParam } from '../model/paramReading';
import { evaluatePredictionColumn } from '../model/predictionEvaluation';
import { loadEvalTable } from '../model/sliceEvaluation';
import { parseSlices } from '../model/slicingSpecs';
import { parseThresholds } from '../model/thresholds';

export async function evaluatePredictions(ctx: ExecutorContext, examples: InputArtifact): Promise<ExecutorResult> {
  const split = stringParam(ctx.params, 'eval_split', 'eval');
  const prediction = stringParam(ctx.params, 'prediction_column');
  const baselinePrediction = optionalString(ctx.params, 'baseline_prediction_column');
  const weight = optionalString(ctx.params, 'example_weight_column');
  const label = optionalString(ctx.params, 'label');
  if (!label) throw new ComponentError('params.label is required to evaluate a prediction column (there is no model to take it from)', 'Set params.label to the column holding the truth.');
  const slices = parseSlices(ctx.params['slices']);
  const thresholds = parseThresholds(ctx.params['thresholds']);
  const file = path.join(examples.uri, splitDir(split), EXAMPLES_FILE);
  if (!fs.existsSync(file)) throw new ComponentError(`the examples have no "${split}" split (${file})`, 'Set params.eval_split.');
  const table = await withDuckDb((con) => loadEvalTable(con, file), { tmpDir: ctx.tmpDir, signal: ctx.signal });
  const wanted = [label, prediction, ...(baselinePrediction ? [baselinePrediction] : []), ...(weight ? [weight] : []), ...slices.flat()];
  const missing = [...new Set(wanted)].filter((c) => !table.columns.includes(c));
  if (missing.length) {
    throw new ComponentError(`column(s) ${missing.map((c) => `"${c}"`).join(', ')} not in the eval examples (columns: ${table.columns.join(', ')})`, 'Fix params.label / prediction_column / example_weight_column / slices.');
  }
  const identity = { id: examples.id, uri: `${examples.uri}#${prediction}` };
  const cand = evaluatePredictionColumn(table.rows, { label, prediction, ...(weight ? { weight } : {}) }, slices, identity);
  ctx.log(`evaluating column "${prediction}" against "${label}" on ${table.rows.length} rows of split ${split} (${cand.block.task}${cand.block.classes ? `: ${cand.block.classes.join(', ')}` : ''}${weight ? `, weighted by "${weight}"` : ''})`);
  if (cand.skipped) ctx.log(`${cand.skipped} row(s) have a missing label, prediction or weight and are not counted`);
  if (cand.block.count === 0) throw new ComponentError(`none of the ${table.rows.length} eval rows has both a "${label}" and a "${prediction}" value`, 'Check params.label and params.prediction_column.');
  const baselineIdentity = baselinePrediction ? { id: examples.id, uri: `${examples.uri}#${baselinePrediction}` } : undefined;
  const base = baselinePrediction && baselineIdentity ? evaluatePredictionColumn(table.rows, { label, prediction: baselinePrediction, ...(weight ? { weight } : {}) }, slices, baselineIdentity).block : null;
  const metrics: MetricsFile = { candidate: cand.block, baseline: base, label, split, slicing_specs: slices };
  return publishEvaluation(ctx, metrics, thresholds, identity, baselineIdentity);
}
