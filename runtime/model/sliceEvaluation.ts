// Evaluation on slices: the raw eval split sits in DuckDB, each model's predictions go in next to it, and
// slices (overall, feature keys and their crosses) are GROUP BYs over the join. AUC and the confusion
// matrix are finished in JS from each slice's row list.
import type { DuckDBConnection } from '@duckdb/node-api';
import { categoryKey, toNumber } from '../data/transformProgram';
import { quoteIdent, quoteString, queryRows } from '../data/duckdbEngine';
import { classifierAuc, precisionRecall, type ClassScores } from './classificationMetrics';
import { binaryCurves, calibration, macroAveraging, type PredictionTableColumns } from './classificationCurves';
import type { BinaryCurvesPayload, CalibrationPayload, MetricAveragingPayload } from '../../common/artifacts';
import { toCell, type CellValue, type Row } from './parquetRows';
import type { LoadedModel } from './servingModel';

export const EVAL_TABLE = 'eval_raw';
const ROW_COLUMN = 'file_row_number';

export interface SliceEntry {
  slice: Record<string, CellValue>;
  count: number;
  metrics: Record<string, number>;
  confusion_matrix?: number[][];
  per_class?: Record<string, ClassScores>;
}

/** One model's block of metrics.json. */
export interface ModelMetricsBlock {
  model_id: number;
  model_uri: string;
  task: 'classification' | 'regression';
  /** The model's format (tfjs, onnx, python); candidate and baseline may differ. */
  format?: string;
  /** Model-agnostic evaluation: the column of the eval split that held the predictions. */
  prediction_column?: string;
  classes?: string[];
  count: number;
  overall: Record<string, number>;
  confusion_matrix?: number[][];
  per_class?: Record<string, ClassScores>;
  /** How precision, recall, F1 and AUC average over the classes (common/artifacts.ts). */
  averaging?: MetricAveragingPayload;
  /** Binary models: ROC and precision-recall curves. */
  curves?: BinaryCurvesPayload;
  calibration?: CalibrationPayload;
  slices: SliceEntry[];
}

/** Load the raw eval split (Parquet) into DuckDB and return its rows in file order. */
export async function loadEvalTable(con: DuckDBConnection, file: string): Promise<{ columns: string[]; rows: Row[] }> {
  await con.run(`CREATE TABLE ${EVAL_TABLE} AS SELECT * FROM read_parquet(${quoteString(file)}, file_row_number = true)`);
  const raw = await queryRows(con, `SELECT * EXCLUDE (${ROW_COLUMN}) FROM ${EVAL_TABLE} ORDER BY ${ROW_COLUMN}`);
  const columns = (await con.runAndReadAll(`SELECT * EXCLUDE (${ROW_COLUMN}) FROM ${EVAL_TABLE} LIMIT 0`)).columnNames();
  const rows = raw.map((r) => {
    const row: Row = {};
    for (const c of columns) row[c] = toCell(r[c]);
    return row;
  });
  return { columns, rows };
}

interface ModelPredictions {
  table: string;
  /** Class index of the truth per row (null = unknown label), or the numeric target. */
  truth: Array<number | null>;
  /** Probability rows (classification) or predicted values (regression). */
  probabilities: number[][];
  predicted: number[];
}

async function insertPredictions(con: DuckDBConnection, model: LoadedModel, role: string, rows: Row[], label: string): Promise<ModelPredictions> {
  const signature = model.signature;
  const raw = await model.predictRaw(rows);
  const table = `pred_${role}`;
  const classification = signature.task === 'classification';
  const classes = signature.classes ?? [];
  await con.run(
    classification
      ? `CREATE TABLE ${table} (__row BIGINT, __label INTEGER, __pred INTEGER, __p_true DOUBLE, __pred_label VARCHAR, __p_top DOUBLE, __p_pos DOUBLE)`
      : `CREATE TABLE ${table} (__row BIGINT, __label DOUBLE, __pred DOUBLE)`,
  );
  const appender = await con.createAppender(table);
  const truth: Array<number | null> = [];
  const probabilities: number[][] = [];
  const predicted: number[] = [];
  const classIndex = classification ? new Map(classes.map((c, i) => [c, i])) : undefined;
  for (let r = 0; r < raw.count; r++) {
    appender.appendBigInt(BigInt(r));
    const value = rows[r]?.[label] ?? null;
    if (classification) {
      const key = categoryKey(value);
      const y = key === null ? null : classIndex?.get(key) ?? null;
      const p = Array.from(raw.values.subarray(r * raw.width, (r + 1) * raw.width));
      let best = 0;
      for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
      truth.push(y);
      probabilities.push(p);
      predicted.push(best);
      if (y === null) appender.appendNull();
      else appender.appendInteger(y);
      appender.appendInteger(best);
      if (y === null) appender.appendNull();
      else appender.appendDouble(p[y] as number);
      appender.appendVarchar(classes[best] as string);
      appender.appendDouble(p[best] as number);
      if (classes.length === 2) appender.appendDouble(p[1] as number);
      else appender.appendNull();
    } else {
      const y = toNumber(value);
      const v = raw.values[r] as number;
      truth.push(y);
      probabilities.push([v]);
      predicted.push(v);
      if (y === null) appender.appendNull();
      else appender.appendDouble(y);
      appender.appendDouble(v);
    }
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
  return { table, truth, probabilities, predicted };
}

function confusion(rows: number[], preds: ModelPredictions, classCount: number): number[][] {
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (const r of rows) {
    const y = preds.truth[r];
    if (y === null || y === undefined) continue;
    (matrix[y] as number[])[preds.predicted[r] as number]! += 1;
  }
  return matrix;
}

function finiteMetrics(metrics: Record<string, number | null | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

async function sliceEntries(con: DuckDBConnection, model: LoadedModel, preds: ModelPredictions, keys: string[]): Promise<SliceEntry[]> {
  const aliases = keys.map((_, i) => `k${i}`);
  const select = keys.map((k, i) => `r.${quoteIdent(k)} AS ${aliases[i]}, `).join('');
  const groupBy = keys.length ? `GROUP BY ${aliases.join(', ')} ORDER BY ${aliases.map((a) => `${a} NULLS LAST`).join(', ')}` : '';
  const classification = model.signature.task === 'classification';
  const measures = classification
    ? `avg(CASE WHEN p.__pred = p.__label THEN 1.0 ELSE 0.0 END) AS accuracy, avg(-ln(greatest(p.__p_true, 1e-15))) AS log_loss`
    : `sqrt(avg(power(p.__pred - p.__label, 2))) AS rmse, avg(abs(p.__pred - p.__label)) AS mae,
       CASE WHEN var_pop(p.__label) > 0 THEN 1 - sum(power(p.__pred - p.__label, 2)) / (var_pop(p.__label) * count(*)) END AS r2`;
  const sql = `SELECT ${select}count(*) AS n, ${measures}, list(p.__row ORDER BY p.__row) AS rows
    FROM ${EVAL_TABLE} r JOIN ${preds.table} p ON p.__row = r.${ROW_COLUMN}
    WHERE p.__label IS NOT NULL ${groupBy}`;
  const result = await queryRows(con, sql);
  const entries: SliceEntry[] = [];
  for (const g of result) {
    const count = Number(g['n']);
    if (count === 0) continue;
    const slice: Record<string, CellValue> = {};
    keys.forEach((k, i) => (slice[k] = toCell(g[aliases[i] as string])));
    const rows = (g['rows'] as Array<bigint | number>).map((r) => Number(r));
    if (classification) {
      const classes = model.signature.classes ?? [];
      const matrix = confusion(rows, preds, classes.length);
      const pr = precisionRecall(matrix, classes);
      const auc = classifierAuc(rows.map((r) => preds.probabilities[r] as number[]), rows.map((r) => preds.truth[r] as number), classes.length);
      entries.push({
        slice,
        count,
        metrics: finiteMetrics({ accuracy: Number(g['accuracy']), auc, log_loss: Number(g['log_loss']), precision: pr.precision, recall: pr.recall }),
        confusion_matrix: matrix,
        per_class: pr.perClass,
      });
    } else {
      entries.push({ slice, count, metrics: finiteMetrics({ rmse: Number(g['rmse']), mae: Number(g['mae']), r2: g['r2'] === null ? undefined : Number(g['r2']) }) });
    }
  }
  return entries;
}

/** Metrics of one model on the eval table, overall and for each slicing spec (a list of feature keys). */
export async function evaluateModel(
  con: DuckDBConnection,
  model: LoadedModel,
  identity: { role: 'candidate' | 'baseline'; id: number; uri: string },
  rows: Row[],
  label: string,
  slicingSpecs: string[][],
): Promise<ModelMetricsBlock> {
  const preds = await insertPredictions(con, model, identity.role, rows, label);
  const [overall] = await sliceEntries(con, model, preds, []);
  const slices: SliceEntry[] = [];
  for (const keys of slicingSpecs) slices.push(...(keys.length === 0 && overall ? [overall] : await sliceEntries(con, model, preds, keys)));
  const signature = model.signature;
  const classes = signature.classes ?? [];
  const plots =
    signature.task === 'classification' && overall
      ? await classificationPlots(con, preds.table, classes, overall)
      : {};
  return {
    model_id: identity.id,
    model_uri: identity.uri,
    task: signature.task,
    format: signature.format,
    ...(signature.task === 'classification' ? { classes: signature.classes ?? [] } : {}),
    count: overall?.count ?? 0,
    overall: overall?.metrics ?? {},
    ...(overall?.confusion_matrix ? { confusion_matrix: overall.confusion_matrix, per_class: overall.per_class } : {}),
    ...plots,
    slices,
  };
}

/** The overall block's averaging statement, binary curves and calibration buckets (classificationCurves.ts). */
async function classificationPlots(con: DuckDBConnection, table: string, classes: string[], overall: SliceEntry): Promise<Pick<ModelMetricsBlock, 'averaging' | 'curves' | 'calibration'>> {
  const cols: PredictionTableColumns = { table, label: '__label', predicted: '__pred', topScore: '__p_top', positiveScore: '__p_pos' };
  const positive = classes.length === 2 ? (classes[1] as string) : undefined;
  return {
    averaging: macroAveraging(overall.per_class, overall.metrics['auc'] !== undefined),
    ...(positive !== undefined ? { curves: await binaryCurves(con, cols, positive) } : {}),
    calibration: await calibration(con, cols, positive),
  };
}

/** The candidate's predictions next to the raw eval rows, for people and for tests (predictions.parquet). */
export async function writePredictions(con: DuckDBConnection, model: LoadedModel, file: string): Promise<void> {
  const prediction = model.signature.task === 'classification' ? 'p.__pred_label AS prediction, p.__pred AS prediction_index' : 'p.__pred AS prediction';
  await con.run(
    `COPY (SELECT r.* EXCLUDE (${ROW_COLUMN}), ${prediction} FROM ${EVAL_TABLE} r JOIN pred_candidate p ON p.__row = r.${ROW_COLUMN} ORDER BY r.${ROW_COLUMN}) TO ${quoteString(file)} (FORMAT parquet)`,
  );
}
