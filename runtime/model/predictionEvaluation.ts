// Model-agnostic evaluation (TFMA's prediction_key): the eval split already holds each example's
// prediction (written by a Command step, a batch job, any framework), so no model is loaded. The task
// follows from the columns: a score in [0, 1] against a two-valued label is binary classification, a
// class against a class is multiclass, numbers against numbers regression. Metrics use TFMA's weighted
// definitions when params.example_weight_column is set.
import { ComponentError } from '../components/spec';
import { categoryKey, toNumber } from '../data/transformProgram';
import { toCell, type CellValue, type Row } from './parquetRows';
import type { ModelMetricsBlock, SliceEntry } from './sliceEvaluation';
import { weightedClassification, weightedRegression } from './weightedMetrics';
import { macroAveraging } from './classificationCurves';

export interface PredictionColumns {
  label: string;
  prediction: string;
  weight?: string;
}

export type PredictionTask = { task: 'binary'; classes: string[] } | { task: 'multiclass'; classes: string[] } | { task: 'regression' };

function isBinaryLabel(keys: Set<string>): boolean {
  return keys.size <= 2 && [...keys].every((k) => ['0', '1', 'true', 'false'].includes(k.toLowerCase()));
}

function sortedClasses(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort((a, b) => {
    const x = Number(a);
    const y = Number(b);
    return Number.isFinite(x) && Number.isFinite(y) ? x - y : a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Which task the prediction and label columns describe (see the file comment). */
export function predictionTask(rows: Row[], columns: PredictionColumns): PredictionTask {
  const labels = new Set<string>();
  let numericPredictions = true;
  let scores = true;
  let numericLabels = true;
  for (const r of rows) {
    const y = r[columns.label];
    const p = r[columns.prediction];
    const key = categoryKey(y);
    if (key !== null) {
      labels.add(key);
      if (toNumber(y) === null || typeof y === 'string') numericLabels = false;
    }
    if (p === null || p === undefined) continue;
    const n = typeof p === 'number' || typeof p === 'boolean' ? Number(p) : null;
    if (n === null) numericPredictions = false;
    else if (n < 0 || n > 1) scores = false;
  }
  if (numericPredictions && scores && (isBinaryLabel(labels) || (labels.size === 2 && !numericLabels))) {
    // The second value in sorted order (1, true, or the later name) is the positive class.
    const normal = [...labels].map((k) => (/^(true|false)$/i.test(k) ? k.toLowerCase() : k));
    const classes = normal.length === 2 ? sortedClasses(normal) : normal.some((k) => k === 'true' || k === 'false') ? ['false', 'true'] : ['0', '1'];
    return { task: 'binary', classes };
  }
  if (numericPredictions && numericLabels) return { task: 'regression' };
  const classes = new Set(labels);
  for (const r of rows) {
    const k = categoryKey(r[columns.prediction]);
    if (k !== null) classes.add(k);
  }
  return { task: 'multiclass', classes: sortedClasses(classes) };
}

interface Prepared {
  rows: Row[];
  truth: number[];
  predicted: number[];
  probabilities?: number[][];
  weights: number[];
}

function prepare(rows: Row[], columns: PredictionColumns, task: PredictionTask): { prepared: Prepared; skipped: number } {
  const index = task.task === 'regression' ? undefined : new Map(task.classes.map((c, i) => [c, i]));
  const out: Prepared = { rows: [], truth: [], predicted: [], weights: [], ...(task.task === 'binary' ? { probabilities: [] } : {}) };
  let skipped = 0;
  for (const r of rows) {
    let w = 1;
    if (columns.weight) {
      const n = toNumber(r[columns.weight]);
      if (n === null) {
        skipped++;
        continue;
      }
      if (n < 0) throw new ComponentError(`example weight ${n} in column "${columns.weight}" is negative`, 'Weights must be ≥ 0.');
      w = n;
    }
    const y = r[columns.label];
    const p = r[columns.prediction];
    if (task.task === 'regression') {
      const yn = toNumber(y);
      const pn = toNumber(p);
      if (yn === null || pn === null) {
        skipped++;
        continue;
      }
      out.truth.push(yn);
      out.predicted.push(pn);
    } else {
      const yk = categoryKey(y);
      const yi = yk === null ? undefined : index?.get(task.task === 'binary' && /^(true|false)$/i.test(yk) ? yk.toLowerCase() : yk);
      if (yi === undefined || p === null || p === undefined) {
        skipped++;
        continue;
      }
      if (task.task === 'binary') {
        const score = Number(p);
        out.truth.push(yi);
        out.predicted.push(score > 0.5 ? 1 : 0); // TFMA's binary accuracy threshold
        out.probabilities?.push([1 - score, score]);
      } else {
        const pi = index?.get(categoryKey(p) as string);
        if (pi === undefined) {
          skipped++;
          continue;
        }
        out.truth.push(yi);
        out.predicted.push(pi);
      }
    }
    out.rows.push(r);
    out.weights.push(w);
  }
  return { prepared: out, skipped };
}

function entry(slice: Record<string, CellValue>, idx: number[], p: Prepared, task: PredictionTask, weighted: boolean): SliceEntry {
  const pick = <T>(xs: T[]): T[] => idx.map((i) => xs[i] as T);
  const weights = pick(p.weights);
  const weightedCount = weights.reduce((a, b) => a + b, 0);
  const extra: Record<string, number> = weighted ? { weighted_example_count: weightedCount } : {};
  if (task.task === 'regression') return { slice, count: idx.length, metrics: { ...weightedRegression(pick(p.truth), pick(p.predicted), weights), ...extra } };
  const result = weightedClassification(
    { truth: pick(p.truth), predicted: pick(p.predicted), weights, classCount: task.classes.length, ...(p.probabilities ? { probabilities: pick(p.probabilities) } : {}) },
    task.classes,
  );
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries({ ...result.metrics, ...extra })) if (Number.isFinite(v)) metrics[k] = v;
  return { slice, count: idx.length, metrics, confusion_matrix: result.confusion_matrix, per_class: result.per_class };
}

function compareCells(a: CellValue, b: CellValue): number {
  if (a === b) return 0;
  if (a === null) return 1; // NULLS LAST, as the model path's GROUP BY
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** One metrics.json block for a prediction column, overall and per slicing spec. */
export function evaluatePredictionColumn(rows: Row[], columns: PredictionColumns, slicingSpecs: string[][], identity: { id: number; uri: string }): { block: ModelMetricsBlock; skipped: number } {
  const task = predictionTask(rows, columns);
  const { prepared, skipped } = prepare(rows, columns, task);
  const weighted = columns.weight !== undefined;
  const all = prepared.rows.map((_, i) => i);
  const overall = entry({}, all, prepared, task, weighted);
  const slices: SliceEntry[] = [];
  for (const keys of slicingSpecs) {
    if (keys.length === 0) {
      slices.push(overall);
      continue;
    }
    const groups = new Map<string, { values: CellValue[]; idx: number[] }>();
    prepared.rows.forEach((r, i) => {
      const values = keys.map((k) => toCell(r[k]));
      const id = JSON.stringify(values);
      const g = groups.get(id) ?? { values, idx: [] };
      g.idx.push(i);
      groups.set(id, g);
    });
    const ordered = [...groups.values()].sort((a, b) => {
      for (let k = 0; k < keys.length; k++) {
        const c = compareCells(a.values[k] as CellValue, b.values[k] as CellValue);
        if (c !== 0) return c;
      }
      return 0;
    });
    for (const g of ordered) slices.push(entry(Object.fromEntries(keys.map((k, i) => [k, g.values[i] as CellValue])), g.idx, prepared, task, weighted));
  }
  const classification = task.task !== 'regression';
  return {
    block: {
      model_id: identity.id,
      model_uri: identity.uri,
      task: classification ? 'classification' : 'regression',
      format: 'predictions',
      prediction_column: columns.prediction,
      ...(classification ? { classes: task.classes } : {}),
      count: overall.count,
      overall: overall.metrics,
      ...(overall.confusion_matrix ? { confusion_matrix: overall.confusion_matrix, per_class: overall.per_class, averaging: macroAveraging(overall.per_class, overall.metrics['auc'] !== undefined) } : {}),
      slices,
    },
    skipped,
  };
}
