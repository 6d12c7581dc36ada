// Reads artifact payload files (DESIGN §7) on the host with plain fs and turns them into the
// webview protocol's shapes. Tolerant of both protobuf JSON spellings (snake_case as TFDV writes,
// lowerCamelCase as protobuf's JSON printer writes), of 64-bit integers written as strings, and of
// proto3's omitted defaults. No `vscode` import: tested directly.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../runtime/errors';
import type { ClassificationDetailsPayload } from '../../common/artifacts';
import type {
  AnomalyEntry,
  CommonStats,
  DatasetStatistics,
  EvaluationSnapshot,
  FeatureStatistics,
  FeatureType,
  Histogram,
  MetricThresholdView,
  ModelMetrics,
  NumericStats,
  SliceKey,
  StringStats,
  ValidationFailure,
} from '../../webviews/protocol';

/** A payload file that cannot be used; the message names the file and what is wrong. */
export class PayloadError extends UserError {}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A field by its proto name, in either JSON spelling. */
function field(obj: JsonObject | undefined, name: string): Json | undefined {
  if (!obj) return undefined;
  return obj[name] ?? obj[camel(name)];
}

function obj(v: Json | undefined): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

function arr(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

/** Numbers as protobuf JSON writes them: numbers, decimal strings, "NaN", "Infinity", "-Infinity". */
function num(v: Json | undefined, fallback = 0): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isNaN(n) && v !== 'NaN' ? fallback : n;
  }
  return fallback;
}

function str(v: Json | undefined, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}

export function readJsonFile(path: string): unknown {
  if (!existsSync(path)) throw new PayloadError(`${path} does not exist. Was the step that writes it run, and did it succeed?`);
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new PayloadError(`${path} is not valid JSON (${(e as Error).message}). Re-run the step that wrote it.`);
  }
}

const FEATURE_TYPES: FeatureType[] = ['INT', 'FLOAT', 'STRING', 'BYTES', 'STRUCT'];

function featureType(v: Json | undefined): FeatureType {
  if (typeof v === 'number') return FEATURE_TYPES[v] ?? 'INT';
  if (typeof v === 'string' && (FEATURE_TYPES as string[]).includes(v)) return v as FeatureType;
  return 'INT';
}

function common(v: Json | undefined): CommonStats {
  const c = obj(v);
  return {
    numNonMissing: num(field(c, 'num_non_missing')),
    numMissing: num(field(c, 'num_missing')),
    minNumValues: num(field(c, 'min_num_values')),
    maxNumValues: num(field(c, 'max_num_values')),
    avgNumValues: num(field(c, 'avg_num_values')),
  };
}

function histogram(v: Json): Histogram {
  const hist = obj(v);
  const type = field(hist, 'type');
  return {
    type: type === 'QUANTILES' || type === 1 ? 'QUANTILES' : 'STANDARD',
    numNan: num(field(hist, 'num_nan')),
    buckets: arr(field(hist, 'buckets')).map((b) => {
      const bucket = obj(b);
      return { low: num(field(bucket, 'low_value')), high: num(field(bucket, 'high_value')), count: num(field(bucket, 'sample_count')) };
    }),
  };
}

function numericStats(v: JsonObject): NumericStats {
  return {
    common: common(field(v, 'common_stats')),
    mean: num(field(v, 'mean')),
    stdDev: num(field(v, 'std_dev')),
    numZeros: num(field(v, 'num_zeros')),
    min: num(field(v, 'min')),
    median: num(field(v, 'median')),
    max: num(field(v, 'max')),
    histograms: arr(field(v, 'histograms')).map(histogram),
  };
}

function stringStats(v: JsonObject): StringStats {
  return {
    common: common(field(v, 'common_stats')),
    unique: num(field(v, 'unique')),
    avgLength: num(field(v, 'avg_length')),
    topValues: arr(field(v, 'top_values')).map((t) => ({ value: str(field(obj(t), 'value')), frequency: num(field(obj(t), 'frequency')) })),
    rankHistogram: arr(field(obj(field(v, 'rank_histogram')), 'buckets')).map((b) => ({ label: str(field(obj(b), 'label')), count: num(field(obj(b), 'sample_count')) })),
  };
}

function featureName(f: JsonObject): string {
  const path = obj(field(f, 'path'));
  const steps = arr(field(path, 'step')).map((s) => str(s));
  return steps.length ? steps.join('.') : str(field(f, 'name'));
}

function feature(f: JsonObject): FeatureStatistics {
  const out: FeatureStatistics = { name: featureName(f), type: featureType(field(f, 'type')) };
  const numeric = obj(field(f, 'num_stats'));
  const strings = obj(field(f, 'string_stats'));
  const bytes = obj(field(f, 'bytes_stats'));
  if (numeric) out.num = numericStats(numeric);
  if (strings) out.string = stringStats(strings);
  else if (bytes) out.string = { common: common(field(bytes, 'common_stats')), unique: num(field(bytes, 'unique')), avgLength: num(field(bytes, 'avg_num_bytes')), topValues: [], rankHistogram: [] };
  if (out.type === 'INT' && !numeric && out.string) out.type = strings ? 'STRING' : 'BYTES';
  return out;
}

/** The first dataset of a DatasetFeatureStatisticsList (TFX writes one per split file). */
export function parseFeatureStats(json: unknown, where: string): DatasetStatistics {
  const list = isObject(json) ? json : undefined;
  const datasets = arr(field(list, 'datasets'));
  const first = obj(datasets[0]);
  if (!first) throw new PayloadError(`${where}: no "datasets" in this statistics file; expected a DatasetFeatureStatisticsList in protobuf JSON.`);
  const features = arr(field(first, 'features')).filter(isObject).map(feature);
  return { name: str(field(first, 'name')), numExamples: num(field(first, 'num_examples')), features };
}

const SEVERITIES = ['UNKNOWN', 'WARNING', 'ERROR'] as const;

/** anomalies.json: TFDV's Anomalies message, or a plain list of {feature, type, severity, description}. */
export function parseAnomalies(json: unknown, where: string): AnomalyEntry[] {
  const severity = (v: Json | undefined): AnomalyEntry['severity'] =>
    typeof v === 'number' ? SEVERITIES[v] ?? 'UNKNOWN' : (SEVERITIES as readonly string[]).includes(str(v)) ? (str(v) as AnomalyEntry['severity']) : 'UNKNOWN';
  if (Array.isArray(json)) {
    return json.filter(isObject).map((a) => ({
      feature: str(field(a, 'feature')),
      severity: severity(field(a, 'severity')),
      types: [str(field(a, 'type'))].filter(Boolean),
      description: str(field(a, 'description')),
    }));
  }
  if (!isObject(json)) throw new PayloadError(`${where}: expected an Anomalies object with "anomaly_info".`);
  const info = obj(field(json, 'anomaly_info')) ?? {};
  const out: AnomalyEntry[] = Object.entries(info).map(([name, value]) => {
    const a = obj(value);
    const reasons = arr(field(a, 'reason')).map(obj);
    return {
      feature: name,
      severity: severity(field(a, 'severity')),
      types: reasons.map((r) => str(field(r, 'type'))).filter(Boolean),
      description: str(field(a, 'description')),
      shortDescription: str(field(a, 'short_description')) || undefined,
    };
  });
  const dataset = obj(field(json, 'dataset_anomaly_info'));
  if (dataset) {
    out.push({ feature: '(dataset)', severity: severity(field(dataset, 'severity')), types: arr(field(dataset, 'reason')).map((r) => str(field(obj(r), 'type'))).filter(Boolean), description: str(field(dataset, 'description')) });
  }
  return out;
}

/** Split folders (`Split-<name>`) of an artifact, in a stable order with train first. */
export function splitsIn(uri: string): string[] {
  if (!existsSync(uri)) return [];
  const names = readdirSync(uri, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith('Split-'))
    .map((d) => d.name.slice('Split-'.length));
  const rank = (s: string) => (s === 'train' ? 0 : s === 'eval' ? 1 : 2);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function readFeatureStats(artifactUri: string, split: string): DatasetStatistics {
  const path = join(artifactUri, `Split-${split}`, 'FeatureStats.json');
  return parseFeatureStats(readJsonFile(path), path);
}

export function readAnomalies(artifactUri: string, split: string): AnomalyEntry[] {
  const path = join(artifactUri, `Split-${split}`, 'anomalies.json');
  if (!existsSync(path)) return [];
  return parseAnomalies(readJsonFile(path), path);
}

function metricsRecord(v: Json | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, value] of Object.entries(obj(v) ?? {})) if (typeof value === 'number' || typeof value === 'string') out[k] = num(value, Number.NaN);
  return out;
}

function sliceKey(v: Json | undefined): SliceKey {
  const out: SliceKey = {};
  // null stays null: a missing value, which the views label "(missing)".
  for (const [k, value] of Object.entries(obj(v) ?? {})) out[k] = typeof value === 'number' ? value : value === null ? null : str(value);
  return out;
}

function numbers(v: Json | undefined): number[] {
  return arr(v).map((x) => num(x, Number.NaN));
}

/** The optional classification fields of a model block (common/artifacts.ts), each kept only when well formed. */
function classificationDetails(m: JsonObject): ClassificationDetailsPayload | undefined {
  const out: ClassificationDetailsPayload = {};
  const matrix = arr(field(m, 'confusion_matrix')).map(numbers);
  if (matrix.length && matrix.every((row) => row.length === matrix.length)) out.confusion_matrix = matrix;
  const perClass = obj(field(m, 'per_class'));
  if (perClass) {
    out.per_class = {};
    for (const [name, value] of Object.entries(perClass)) {
      const c = obj(value);
      if (!c) continue;
      const precision = num(field(c, 'precision'), Number.NaN);
      const recall = num(field(c, 'recall'), Number.NaN);
      const f1 = field(c, 'f1');
      out.per_class[name] = { precision, recall, ...(f1 !== undefined ? { f1: num(f1, Number.NaN) } : {}), support: num(field(c, 'support')) };
    }
  }
  const averaging = obj(field(m, 'averaging'));
  const type = str(field(averaging, 'type'));
  if (averaging && (type === 'macro_average' || type === 'micro_average')) {
    out.averaging = { type, classes: arr(field(averaging, 'classes')).map((c) => str(c)), metrics: arr(field(averaging, 'metrics')).map((c) => str(c)) };
  }
  const curves = obj(field(m, 'curves'));
  if (curves) {
    out.curves = {
      positive_class: str(field(curves, 'positive_class')),
      roc: arr(field(curves, 'roc')).filter(isObject).map((p) => ({ threshold: num(field(p, 'threshold')), fpr: num(field(p, 'fpr')), tpr: num(field(p, 'tpr')) })),
      pr: arr(field(curves, 'pr')).filter(isObject).map((p) => ({ threshold: num(field(p, 'threshold')), precision: num(field(p, 'precision')), recall: num(field(p, 'recall')) })),
    };
  }
  const calibration = obj(field(m, 'calibration'));
  const of = str(field(calibration, 'of'));
  if (calibration && (of === 'positive_class' || of === 'top_label')) {
    const positive = field(calibration, 'positive_class');
    out.calibration = {
      of,
      ...(positive !== undefined ? { positive_class: str(positive) } : {}),
      buckets: arr(field(calibration, 'buckets')).filter(isObject).map((b) => ({
        low: num(field(b, 'low')),
        high: num(field(b, 'high')),
        count: num(field(b, 'count')),
        mean_predicted: num(field(b, 'mean_predicted')),
        observed: num(field(b, 'observed')),
      })),
    };
  }
  return Object.keys(out).length ? out : undefined;
}

function modelMetrics(v: Json | undefined): ModelMetrics | null {
  const m = obj(v);
  if (!m) return null;
  const overall = metricsRecord(field(m, 'overall'));
  const count = field(m, 'count') ?? overall['example_count'];
  const task = str(field(m, 'task'));
  const classes = arr(field(m, 'classes')).map((c) => str(c));
  const details = classificationDetails(m);
  const modelId = field(m, 'model_id');
  return {
    ...(typeof modelId === 'number' ? { modelId } : {}),
    overall,
    count: count === undefined ? undefined : num(count),
    slices: arr(field(m, 'slices')).filter(isObject).map((s) => ({ slice: sliceKey(field(s, 'slice')), count: num(field(s, 'count')), metrics: metricsRecord(field(s, 'metrics')) })),
    ...(task === 'classification' || task === 'regression' ? { task } : {}),
    ...(classes.length ? { classes } : {}),
    ...(details ? { details } : {}),
  };
}

function threshold(metric: string, v: Json | undefined): MetricThresholdView {
  const t = obj(v);
  const value = obj(field(t, 'value_threshold')) ?? t;
  const change = obj(field(t, 'change_threshold')) ?? obj(field(t, 'change'));
  const out: MetricThresholdView = { metric };
  const lower = field(value, 'lower_bound');
  const upper = field(value, 'upper_bound');
  if (lower !== undefined) out.lowerBound = num(obj(lower) ? field(obj(lower), 'value') : lower);
  if (upper !== undefined) out.upperBound = num(obj(upper) ? field(obj(upper), 'value') : upper);
  if (change) {
    const dir = str(field(change, 'direction')).toLowerCase();
    out.change = { direction: dir.startsWith('lower') ? 'lower_is_better' : 'higher_is_better' };
    const abs = field(change, 'absolute');
    const rel = field(change, 'relative');
    if (abs !== undefined) out.change.absolute = num(obj(abs) ? field(obj(abs), 'value') : abs);
    if (rel !== undefined) out.change.relative = num(obj(rel) ? field(obj(rel), 'value') : rel);
  }
  return out;
}

/**
 * A ModelEvaluation's metrics.json and validation.json. validation.json is read leniently:
 * {validation_ok, thresholds: {metric: threshold}, failures: [{slice, metric, value, message}]}.
 */
export function parseEvaluation(metricsJson: unknown, validationJson: unknown, where: string, label: string): EvaluationSnapshot {
  const m = isObject(metricsJson) ? metricsJson : undefined;
  const candidate = modelMetrics(field(m, 'candidate'));
  if (!candidate) throw new PayloadError(`${where}: metrics.json has no "candidate" metrics.`);
  const baseline = modelMetrics(field(m, 'baseline'));
  const v = isObject(validationJson) ? validationJson : undefined;
  // `validation_ok: null` is meaningful (nothing validated), so look for the key, not a value.
  const okKey = v ? ['validation_ok', 'validationOk', 'ok'].find((k) => k in v) : undefined;
  const okField = okKey && v ? v[okKey] : undefined;
  const thresholdsField = field(v, 'thresholds') ?? field(m, 'thresholds');
  const thresholds = Array.isArray(thresholdsField)
    ? thresholdsField.filter(isObject).map((t) => threshold(str(field(t, 'metric')), t))
    : Object.entries(obj(thresholdsField) ?? {}).map(([metric, t]) => threshold(metric, t));
  // The runtime's validation.json carries each failure's threshold, not the list: recover those.
  for (const f of arr(field(v, 'failures')).filter(isObject)) {
    const metric = str(field(f, 'metric') ?? field(f, 'metric_key'));
    const t = field(f, 'threshold') ?? field(f, 'metric_threshold');
    if (metric && obj(t) && !thresholds.some((x) => x.metric === metric)) thresholds.push(threshold(metric, t));
  }
  const failures: ValidationFailure[] = arr(field(v, 'failures')).filter(isObject).map((f) => {
    const value = field(f, 'value') ?? field(f, 'metric_value');
    return {
      slice: sliceKey(field(f, 'slice') ?? field(f, 'slice_key')),
      metric: str(field(f, 'metric') ?? field(f, 'metric_key')),
      value: value === undefined || value === null ? null : num(value, Number.NaN),
      message: str(field(f, 'message')),
    };
  });
  const minSlice = field(v, 'min_slice_size') ?? field(m, 'min_slice_size');
  return {
    label,
    candidate,
    baseline,
    thresholds,
    validationOk: typeof okField === 'boolean' ? okField : okField === null || !v ? null : failures.length === 0,
    failures,
    blessed: null,
    minSliceSize: minSlice === undefined ? 10 : num(minSlice, 10),
  };
}

export function readEvaluation(artifactUri: string, label: string): EvaluationSnapshot {
  const metricsPath = join(artifactUri, 'metrics.json');
  const validationPath = join(artifactUri, 'validation.json');
  const validation = existsSync(validationPath) ? readJsonFile(validationPath) : undefined;
  return parseEvaluation(readJsonFile(metricsPath), validation, metricsPath, label);
}
