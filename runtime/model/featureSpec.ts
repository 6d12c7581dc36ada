// How the model sees a (transformed) row: which columns feed which tensor, how categories become indices,
// and how the label is encoded. Built once from the train split (and the TransformGraph's vocabularies)
// and stored with the model as feature_spec.json, so prediction encodes exactly as training did.
import { categoryKey, toNumber, type TransformProgram, transformedFeatureInfo } from '../data/transformProgram';
import { ComponentError } from '../components/spec';
import type { CellValue, Row } from './parquetRows';
import { chooseTask } from './taskChoice';

export const FEATURE_SPEC_FILE = 'feature_spec.json';

export type CategoricalEncoding = 'one_hot' | 'embedding';

export type InputFeature =
  /** A number, standardised with train mean/std (harmless when Transform already z-scored it); missing -> mean. */
  | { kind: 'numeric'; column: string; tensorName: string; mean: number; std: number }
  /** A fixed-width 0/1 vector written by Transform's onehot op. */
  | { kind: 'vector'; column: string; tensorName: string; width: number }
  /** An integer index in [0, size) from Transform (vocabulary, bucketize); out of range -> last index. */
  | { kind: 'index'; column: string; tensorName: string; size: number; encoding: CategoricalEncoding; embeddingDim: number }
  /** A string category looked up in a vocabulary built on train; unknown or missing -> index vocabulary.length. */
  | { kind: 'category'; column: string; tensorName: string; vocabulary: string[]; encoding: CategoricalEncoding; embeddingDim: number };

export type LabelSpec =
  /** `encoded: 'index'`: the transformed row holds the class index (Transform's label encoding). */
  | { kind: 'classification'; column: string; source: string; classes: string[]; encoded: 'index' | 'value' }
  /** Targets are standardised for training and scaled back at prediction. */
  | { kind: 'regression'; column: string; source: string; mean: number; std: number };

export interface FeatureSpec {
  version: 1;
  features: InputFeature[];
  label: LabelSpec;
}

export type Task = 'auto' | 'classification' | 'regression';

export interface FeatureSpecOptions {
  label: string;
  task: Task;
  categorical: CategoricalEncoding;
  embeddingDim: number;
  /** Columns to leave out of the model. */
  exclude: string[];
  /** Told which task `auto` chose and why (the Trainer logs it). */
  onTaskChosen?: (reason: string) => void;
}

/** TF.js layer/tensor names allow [A-Za-z0-9_.-/]: column names are data (`Beak Length (mm)`), so map them. */
export function safeTensorName(column: string, index: number): string {
  const slug = column.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  return `f${index}_${slug || 'feature'}`;
}

function numericStats(values: Array<number | null>): { mean: number; std: number } {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { mean: 0, std: 1 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  const std = Math.sqrt(variance);
  return { mean, std: std > 1e-12 ? std : 1 };
}

/** Most frequent first, ties by value, so the same data always gives the same vocabulary. */
function buildVocabulary(values: CellValue[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) {
    const key = categoryKey(v);
    if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k]) => k);
}

function isNumericColumn(values: CellValue[]): boolean {
  let seen = false;
  for (const v of values) {
    if (v === null) continue;
    if (typeof v !== 'number' && typeof v !== 'boolean') return false;
    seen = true;
  }
  return seen;
}

function isVectorColumn(values: CellValue[]): number | undefined {
  const first = values.find((v): v is number[] => Array.isArray(v));
  if (!first) return undefined;
  return values.every((v) => v === null || (Array.isArray(v) && v.length === first.length)) ? first.length : undefined;
}

/**
 * Derive the feature spec from the transformed train rows. With a TransformGraph, its feature kinds and
 * vocabulary sizes win; columns it does not describe are typed from the data.
 */
export function buildFeatureSpec(columns: string[], trainRows: Row[], program: TransformProgram | undefined, options: FeatureSpecOptions): FeatureSpec {
  const info = program ? transformedFeatureInfo(program) : [];
  const labelInfo = info.find((i) => i.isLabel && (i.source === options.label || i.name === options.label));
  const labelColumn = labelInfo?.name ?? options.label;
  if (!columns.includes(labelColumn)) {
    throw new ComponentError(
      `label column "${options.label}" is not in the training examples (columns: ${columns.join(', ')})`,
      'Set params.label to one of those columns (the raw column name; Transform may rename it).',
    );
  }
  const column = (name: string): CellValue[] => trainRows.map((r) => r[name] ?? null);

  let label: LabelSpec;
  const labelValues = column(labelColumn);
  if (labelInfo?.classes && options.task !== 'regression') {
    if (options.task === 'auto') options.onTaskChosen?.(`label "${options.label}" is encoded by Transform as ${labelInfo.classes.length} classes, so task: auto chose classification`);
    label = { kind: 'classification', column: labelColumn, source: labelInfo.source, classes: labelInfo.classes, encoded: 'index' };
  } else {
    const numeric = isNumericColumn(labelValues);
    let task: Task = options.task;
    if (task === 'auto') {
      const choice = chooseTask(options.label, labelValues, numeric);
      task = choice.task;
      options.onTaskChosen?.(choice.reason);
    }
    if (task === 'regression') {
      if (!numeric) throw new ComponentError(`label "${options.label}" is not numeric, so it cannot be a regression target`, 'Use task: classification, or a numeric label.');
      label = { kind: 'regression', column: labelColumn, source: labelInfo?.source ?? options.label, ...numericStats(labelValues.map(toNumber)) };
    } else {
      const classes = buildVocabulary(labelValues).sort();
      if (classes.length < 2) throw new ComponentError(`label "${options.label}" has ${classes.length} class(es) in the train split; a classifier needs at least 2`);
      label = { kind: 'classification', column: labelColumn, source: labelInfo?.source ?? options.label, classes, encoded: 'value' };
    }
  }

  const excluded = new Set([labelColumn, options.label, ...options.exclude]);
  const features: InputFeature[] = [];
  for (const name of columns) {
    if (excluded.has(name)) continue;
    const tensorName = safeTensorName(name, features.length);
    const values = column(name);
    const fi = info.find((i) => i.name === name && !i.isLabel);
    if (fi?.kind === 'categorical' && fi.vocabularySize !== undefined) {
      features.push({ kind: 'index', column: name, tensorName, size: fi.vocabularySize, encoding: options.categorical, embeddingDim: options.embeddingDim });
      continue;
    }
    const width = fi?.kind === 'onehot' ? fi.width : isVectorColumn(values);
    if (width !== undefined) {
      features.push({ kind: 'vector', column: name, tensorName, width });
      continue;
    }
    if (isNumericColumn(values) || (fi?.kind === 'numeric')) {
      features.push({ kind: 'numeric', column: name, tensorName, ...numericStats(values.map(toNumber)) });
      continue;
    }
    const vocabulary = buildVocabulary(values);
    if (vocabulary.length === 0) continue; // an all-missing column carries no signal
    features.push({ kind: 'category', column: name, tensorName, vocabulary, encoding: options.categorical, embeddingDim: options.embeddingDim });
  }
  if (features.length === 0) throw new ComponentError('the training examples have no feature columns besides the label');
  return { version: 1, features, label };
}

/** Width of the dense input: numerics, vectors and one-hot categories laid side by side. */
export function denseWidth(spec: FeatureSpec): number {
  let width = 0;
  for (const f of spec.features) {
    if (f.kind === 'numeric') width += 1;
    else if (f.kind === 'vector') width += f.width;
    else if (f.encoding === 'one_hot') width += categorySize(f);
  }
  return width;
}

export function categorySize(f: Extract<InputFeature, { kind: 'index' | 'category' }>): number {
  return f.kind === 'index' ? f.size : f.vocabulary.length + 1;
}

/** Features fed through their own embedding input, in model input order after the dense input. */
export function embeddedFeatures(spec: FeatureSpec): Array<Extract<InputFeature, { kind: 'index' | 'category' }>> {
  return spec.features.filter((f): f is Extract<InputFeature, { kind: 'index' | 'category' }> => (f.kind === 'index' || f.kind === 'category') && f.encoding === 'embedding');
}

export interface EncodedInputs {
  count: number;
  /** Row-major [count, denseWidth], absent when every feature is embedded. */
  dense?: Float32Array;
  /** One index column per embedded feature. */
  indices: Int32Array[];
}

function categoryIndex(f: Extract<InputFeature, { kind: 'index' | 'category' }>, value: CellValue | undefined, lookup: Map<string, number> | undefined): number {
  const size = categorySize(f);
  if (f.kind === 'index') {
    const n = toNumber(value);
    return n === null || n < 0 || n >= size ? size - 1 : Math.trunc(n);
  }
  const key = categoryKey(value);
  return key === null ? size - 1 : lookup?.get(key) ?? size - 1;
}

export function encodeFeatures(spec: FeatureSpec, rows: Array<Record<string, unknown>>): EncodedInputs {
  const width = denseWidth(spec);
  const embedded = embeddedFeatures(spec);
  const dense = width > 0 ? new Float32Array(rows.length * width) : undefined;
  const indices = embedded.map(() => new Int32Array(rows.length));
  const lookups = new Map<InputFeature, Map<string, number>>();
  for (const f of spec.features) if (f.kind === 'category') lookups.set(f, new Map(f.vocabulary.map((v, i) => [v, i])));
  rows.forEach((row, r) => {
    let offset = r * width;
    let e = 0;
    for (const f of spec.features) {
      const value = row[f.column] as CellValue | undefined;
      if (f.kind === 'numeric') {
        const n = toNumber(value);
        (dense as Float32Array)[offset++] = n === null || !Number.isFinite(n) ? 0 : (n - f.mean) / f.std;
      } else if (f.kind === 'vector') {
        if (Array.isArray(value)) for (let i = 0; i < f.width; i++) (dense as Float32Array)[offset + i] = Number(value[i] ?? 0);
        offset += f.width;
      } else {
        const idx = categoryIndex(f, value, lookups.get(f));
        if (f.encoding === 'one_hot') {
          (dense as Float32Array)[offset + idx] = 1;
          offset += categorySize(f);
        } else {
          (indices[e++] as Int32Array)[r] = idx;
        }
      }
    }
  });
  return { count: rows.length, dense, indices };
}

/**
 * Label targets: class indices (−1 when the class is unknown or missing) or standardised numbers (NaN when
 * missing). Rows with −1/NaN are dropped from training by the caller.
 */
export function encodeLabels(spec: FeatureSpec, rows: Array<Record<string, unknown>>, from: 'transformed' | 'raw'): Float32Array {
  const label = spec.label;
  // Raw rows (Evaluator, predict) hold the label under its source name, as text for classes.
  const column = from === 'raw' ? label.source : label.column;
  const out = new Float32Array(rows.length);
  const lookup = label.kind === 'classification' ? new Map(label.classes.map((c, i) => [c, i])) : undefined;
  rows.forEach((row, r) => {
    const value = row[column];
    if (label.kind === 'regression') {
      const n = toNumber(value);
      out[r] = n === null ? Number.NaN : (n - label.mean) / label.std;
    } else if (label.encoded === 'index' && from === 'transformed') {
      const n = toNumber(value);
      out[r] = n === null || n < 0 || n >= label.classes.length ? -1 : n;
    } else {
      const key = categoryKey(value);
      out[r] = key === null ? -1 : lookup?.get(key) ?? -1;
    }
  });
  return out;
}
