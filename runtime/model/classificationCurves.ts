// The classification plots of an evaluation, computed in DuckDB over a model's prediction table
// (sliceEvaluation.ts): ROC and precision-recall curves of a binary model, and the calibration
// (reliability) buckets of any classifier. TFMA's plots do the same over bucketed thresholds
// (tfma.metrics.ConfusionMatrixPlot, CalibrationPlot); here the grid is 0.01 wide.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { BinaryCurvesPayload, CalibrationPayload, MetricAveragingPayload } from '../../common/artifacts';
import { queryRows } from '../data/duckdbEngine';
import type { ClassScores } from './classificationMetrics';

/**
 * Thresholds of the curves: just below 0 (everything positive), 0.01 … 0.99, and just above 1 (nothing
 * positive), so that both curves reach their ends. An example is positive when its score is > threshold.
 */
export const CURVE_THRESHOLDS: readonly number[] = [-1e-7, ...Array.from({ length: 99 }, (_, i) => (i + 1) / 100), 1 + 1e-7];

/** Buckets of the calibration plot: ten of width 0.1, the last one closed at 1. */
export const CALIBRATION_BUCKETS = 10;

/** Columns of a classifier's prediction table that the plots read. */
export interface PredictionTableColumns {
  table: string;
  /** Class index of the truth (NULL: unknown label, not counted). */
  label: string;
  /** Predicted class index. */
  predicted: string;
  /** Probability of the predicted class. */
  topScore: string;
  /** Binary models: probability of class 1 (NULL otherwise). */
  positiveScore: string;
}

function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : Number(v);
}

/** ROC and PR curves of a binary model, class 1 positive (classes[1]). */
export async function binaryCurves(con: DuckDBConnection, cols: PredictionTableColumns, positiveClass: string): Promise<BinaryCurvesPayload> {
  const thresholds = CURVE_THRESHOLDS.map((t) => `(${t.toPrecision(17)}::DOUBLE)`).join(', ');
  const rows = await queryRows(
    con,
    `WITH t(threshold) AS (VALUES ${thresholds})
     SELECT t.threshold,
       count(*) FILTER (WHERE p.${cols.label} = 1 AND p.${cols.positiveScore} > t.threshold) AS tp,
       count(*) FILTER (WHERE p.${cols.label} = 0 AND p.${cols.positiveScore} > t.threshold) AS fp,
       count(*) FILTER (WHERE p.${cols.label} = 1) AS positives,
       count(*) FILTER (WHERE p.${cols.label} = 0) AS negatives
     FROM t CROSS JOIN ${cols.table} p
     WHERE p.${cols.label} IS NOT NULL
     GROUP BY t.threshold ORDER BY t.threshold`,
  );
  const roc: BinaryCurvesPayload['roc'] = [];
  const pr: BinaryCurvesPayload['pr'] = [];
  for (const r of rows) {
    const threshold = num(r['threshold']);
    const tp = num(r['tp']);
    const fp = num(r['fp']);
    const positives = num(r['positives']);
    const negatives = num(r['negatives']);
    roc.push({ threshold, fpr: negatives > 0 ? fp / negatives : 0, tpr: positives > 0 ? tp / positives : 0 });
    if (tp + fp > 0) pr.push({ threshold, precision: tp / (tp + fp), recall: positives > 0 ? tp / positives : 0 });
  }
  return { positive_class: positiveClass, roc, pr };
}

/** Calibration buckets: binary models on the positive-class score, others on the predicted class's probability. */
export async function calibration(con: DuckDBConnection, cols: PredictionTableColumns, binaryPositive: string | undefined): Promise<CalibrationPayload> {
  const score = binaryPositive !== undefined ? cols.positiveScore : cols.topScore;
  const hit = binaryPositive !== undefined ? `p.${cols.label} = 1` : `p.${cols.predicted} = p.${cols.label}`;
  const rows = await queryRows(
    con,
    `SELECT least(floor(p.${score} * ${CALIBRATION_BUCKETS}), ${CALIBRATION_BUCKETS - 1})::INTEGER AS bucket,
       count(*) AS n, avg(p.${score}) AS mean_predicted, avg(CASE WHEN ${hit} THEN 1.0 ELSE 0.0 END) AS observed
     FROM ${cols.table} p
     WHERE p.${cols.label} IS NOT NULL AND p.${score} IS NOT NULL
     GROUP BY bucket ORDER BY bucket`,
  );
  return {
    of: binaryPositive !== undefined ? 'positive_class' : 'top_label',
    ...(binaryPositive !== undefined ? { positive_class: binaryPositive } : {}),
    buckets: rows.map((r) => {
      const b = num(r['bucket']);
      return { low: b / CALIBRATION_BUCKETS, high: (b + 1) / CALIBRATION_BUCKETS, count: num(r['n']), mean_predicted: num(r['mean_predicted']), observed: num(r['observed']) };
    }),
  };
}

/** What the block's class averages are: macro averages over the classes that have scores. */
export function macroAveraging(perClass: Record<string, ClassScores> | undefined, hasAuc: boolean): MetricAveragingPayload {
  return { type: 'macro_average', classes: Object.keys(perClass ?? {}), metrics: ['precision', 'recall', 'f1', ...(hasAuc ? ['auc'] : [])] };
}
