// What an artifact is made of, as every layer sees it: its MLMD property values, and the payload layout
// on disk of the artifacts more than one component reads (DESIGN §7), after TFX's tfx/types
// artifact_utils (split folders, split names). Pure: the runtime, the host and the views may import it.

/** MLMD property values as the runtime sees them. Objects/arrays are stored as JSON strings. */
export type PropertyValue = string | number | boolean;
export type Properties = Record<string, PropertyValue>;

export const EXAMPLES_FILE = 'data.parquet';
export const STATS_FILE = 'FeatureStats.json';
export const SCHEMA_FILE = 'schema.json';
export const ANOMALIES_FILE = 'anomalies.json';
/** ExampleValidator's one-row-per-reason summary of every split, beside the Split-<name> folders. */
export const ANOMALIES_SUMMARY_FILE = 'anomalies_summary.json';
export const TRANSFORM_GRAPH_FILE = 'transform_graph.json';
export const MODEL_DIR = 'Format-Serving';
export const METRICS_FILE = 'metrics.json';
export const VALIDATION_FILE = 'validation.json';

/** `Split-<name>` folder of a split. */
export function splitDir(name: string): string {
  return `Split-${name}`;
}

/** Parse the JSON list in an artifact's `split_names` property, e.g. `["train","eval"]`. */
export function splitNames(props: Record<string, unknown>): string[] {
  const raw = props['split_names'];
  if (typeof raw !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

// metrics.json (ModelEvaluation): each model block (`candidate`, `baseline`) holds `task`, `classes`,
// `count`, `overall`, `slices`, and for classification `confusion_matrix` ([actual][predicted] counts)
// and `per_class`. Evaluations written since the panels show the whole picture also hold the fields
// below; older files lack them, and readers must say so rather than fail.

/** One class's scores in `per_class`; `f1` is absent in older files (readers derive it from precision and recall). */
export interface ClassScoresPayload {
  precision: number;
  recall: number;
  f1?: number;
  /** Examples whose label is this class. */
  support: number;
}

/**
 * How the block's precision, recall, F1 and AUC average over classes, in TFMA's AggregationOptions
 * names: 'macro_average' (each class counts once, over the classes that occur as a label or a
 * prediction; AUC over one-vs-rest curves), 'micro_average' (pooled counts; for single-label classes
 * equal to accuracy).
 */
export interface MetricAveragingPayload {
  type: 'macro_average' | 'micro_average';
  /** The classes the average runs over. */
  classes: string[];
  metrics: string[];
}

/** A point of the ROC curve: the example is called positive when its positive-class score is > threshold. */
export interface RocPointPayload {
  threshold: number;
  fpr: number;
  tpr: number;
}

/** A point of the precision-recall curve (thresholds where nothing is called positive are left out). */
export interface PrPointPayload {
  threshold: number;
  precision: number;
  recall: number;
}

/** Binary classification only: the curves of the second class's score (`positive_class`). */
export interface BinaryCurvesPayload {
  positive_class: string;
  roc: RocPointPayload[];
  pr: PrPointPayload[];
}

/** One bucket [low, high) of predicted probability (the last one includes 1): its examples' mean prediction and observed rate. */
export interface CalibrationBucketPayload {
  low: number;
  high: number;
  count: number;
  mean_predicted: number;
  observed: number;
}

/**
 * The calibration (reliability) plot: 'positive_class' (binary: the positive-class score against the
 * fraction of positives), 'top_label' (multiclass: the predicted class's probability against the
 * fraction predicted right). Only non-empty buckets are listed.
 */
export interface CalibrationPayload {
  of: 'positive_class' | 'top_label';
  positive_class?: string;
  buckets: CalibrationBucketPayload[];
}

/** The optional classification fields of a metrics.json model block (see the comment above). */
export interface ClassificationDetailsPayload {
  confusion_matrix?: number[][];
  per_class?: Record<string, ClassScoresPayload>;
  averaging?: MetricAveragingPayload;
  curves?: BinaryCurvesPayload;
  calibration?: CalibrationPayload;
}
