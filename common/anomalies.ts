// The anomaly summary row: one TFDV anomaly of one feature in one split, as the ExampleValidator
// reports it to the orchestrator (the `anomalies` run event), the Problems panel and the CLI; and the
// words for it. Every place that shows an anomaly (the CLI, the failure notification, the anomalies and
// statistics panels, the approval panel, the run comparison) says what was measured against what the
// schema wants, in the same sentence, from here: "present in 97.3% of examples, the schema wants 100%",
// not TFDV's short description "Column dropped".
import { formatNumber, formatPercent } from './format';
import type { AnomalyEntry } from './featureStatistics';

/** TFDV's AnomalyInfo.Severity. */
export type AnomalySeverity = 'UNKNOWN' | 'WARNING' | 'ERROR';

/** The numbers behind one reason (ours, beside TFDV's proto fields): what was measured and the schema's bound. */
export type AnomalyMeasurements = Record<string, number | string>;

/** A value outside the schema's domain and how many examples carry it (from the rank histogram). */
export interface UnexpectedValue {
  value: string;
  count: number;
}

export interface AnomalySummaryRow {
  split: string;
  /** '' for a dataset-level anomaly (too few examples …). */
  feature: string;
  /** TFDV anomaly type name, e.g. SCHEMA_MISSING_COLUMN. */
  type: string;
  severity: AnomalySeverity;
  /** TFDV's own description (kept for tools that read anomalies.json). */
  description: string;
  measurements?: AnomalyMeasurements;
  /** ENUM_TYPE_UNEXPECTED_STRING_VALUES: every value outside the domain, most frequent first. */
  unexpectedValues?: UnexpectedValue[];
}

/** The fields the wording needs (a summary row, or one reason of an AnomalyInfo read back from a file). */
export type AnomalyFacts = Pick<AnomalySummaryRow, 'type' | 'description' | 'measurements' | 'unexpectedValues'>;

function num(m: AnomalyMeasurements | undefined, key: string): number | undefined {
  const v = m?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
}

function text(m: AnomalyMeasurements | undefined, key: string): string | undefined {
  const v = m?.[key];
  return v === undefined ? undefined : String(v);
}

/** A share with one decimal where it matters: 97.3%, 100%, 0.25%. */
export function sharePercent(fraction: number): string {
  const pct = fraction * 100;
  if (pct === 100 || pct === 0) return `${pct}%`;
  if (pct > 99.95 && pct < 100) return `${pct.toFixed(2)}%`;
  return pct < 0.1 ? formatPercent(fraction) : `${Number(pct.toFixed(1))}%`;
}

function examples(n: number): string {
  return `${formatNumber(n)} example${n === 1 ? '' : 's'}`;
}

function quoted(v: string): string {
  return JSON.stringify(v);
}

/** The values outside the domain as people read them: `"Atlantis" in 12 examples, "Dream " in 1`. */
export function unexpectedValuesText(values: readonly UnexpectedValue[], shown = 5): string {
  const parts = values.slice(0, shown).map((v, i) => `${quoted(v.value)} in ${i === 0 ? examples(v.count) : formatNumber(v.count)}`);
  const rest = values.length - shown;
  return `${parts.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

const DISTANCE_NAMES: Record<string, string> = {
  COMPARATOR_L_INFTY_HIGH: 'L-infinity distance',
  COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH: 'Jensen-Shannon divergence',
  COMPARATOR_NORMALIZED_ABSOLUTE_DIFFERENCE_HIGH: 'normalized absolute difference',
};

/**
 * What was measured, against what the schema wants, in one clause without the feature's name:
 * "present in 97.3% of examples, the schema wants 100%". Falls back to TFDV's description for a type
 * whose numbers are not recorded (e.g. anomalies written by TFX itself).
 */
export function anomalySentence(a: AnomalyFacts): string {
  const m = a.measurements;
  switch (a.type) {
    case 'FEATURE_TYPE_LOW_FRACTION_PRESENT': {
      const actual = num(m, 'actual_fraction');
      const wanted = num(m, 'min_fraction');
      if (actual === undefined || wanted === undefined) break;
      const missing = num(m, 'num_missing');
      const total = num(m, 'num_examples');
      return `present in ${sharePercent(actual)} of examples, the schema wants ${wanted >= 1 ? '100%' : `at least ${sharePercent(wanted)}`}${missing !== undefined && total !== undefined ? ` (${formatNumber(missing)} of ${examples(total)} have no value)` : ''}`;
    }
    case 'FEATURE_TYPE_LOW_NUMBER_PRESENT': {
      const actual = num(m, 'num_non_missing');
      const wanted = num(m, 'min_count');
      if (actual === undefined || wanted === undefined) break;
      return `present in ${examples(actual)}, the schema wants at least ${formatNumber(wanted)}`;
    }
    case 'FEATURE_TYPE_NOT_PRESENT': {
      const total = num(m, 'num_examples');
      return `present in no example${total !== undefined ? ` of ${formatNumber(total)}` : ''}, the schema requires it`;
    }
    case 'SCHEMA_MISSING_COLUMN':
      return 'not in the data at all, the schema requires it';
    case 'SCHEMA_NEW_COLUMN':
      return 'in the data but not in the schema';
    case 'ENUM_TYPE_UNEXPECTED_STRING_VALUES': {
      const values = a.unexpectedValues ?? [];
      const fraction = num(m, 'fraction');
      const count = num(m, 'unexpected_values') ?? values.length;
      if (values.length === 0) break;
      const mass = num(m, 'min_domain_mass');
      return `${formatNumber(count)} value${count === 1 ? '' : 's'} not in the schema's domain: ${unexpectedValuesText(values)}${fraction !== undefined ? ` (${sharePercent(fraction)} of values, the schema allows ${mass !== undefined && mass < 1 ? sharePercent(1 - mass) : 'none'})` : ''}`;
    }
    case 'UNEXPECTED_DATA_TYPE': {
      const actual = text(m, 'actual');
      const wanted = text(m, 'expected');
      if (!actual || !wanted) break;
      return `holds ${actual} values, the schema wants ${wanted}`;
    }
    case 'INT_TYPE_SMALL_INT':
    case 'FLOAT_TYPE_SMALL_FLOAT': {
      const actual = num(m, 'min');
      const wanted = num(m, 'domain_min');
      if (actual === undefined || wanted === undefined) break;
      return `smallest value ${formatNumber(actual)}, the schema wants at least ${formatNumber(wanted)}`;
    }
    case 'INT_TYPE_BIG_INT':
    case 'FLOAT_TYPE_BIG_FLOAT': {
      const actual = num(m, 'max');
      const wanted = num(m, 'domain_max');
      if (actual === undefined || wanted === undefined) break;
      return `largest value ${formatNumber(actual)}, the schema wants at most ${formatNumber(wanted)}`;
    }
    case 'FLOAT_TYPE_HAS_NAN': {
      const n = num(m, 'num_nan');
      return `${n !== undefined ? `${formatNumber(n)} NaN value${n === 1 ? '' : 's'}` : 'NaN values'}, the schema disallows NaN`;
    }
    case 'FLOAT_TYPE_HAS_INF':
      return 'infinite values, the schema disallows them';
    case 'FEATURE_TYPE_LOW_NUMBER_VALUES': {
      const actual = num(m, 'actual');
      const wanted = num(m, 'min');
      if (actual === undefined || wanted === undefined) break;
      return `some examples have ${formatNumber(actual)} value${actual === 1 ? '' : 's'}, the schema wants at least ${formatNumber(wanted)}`;
    }
    case 'FEATURE_TYPE_HIGH_NUMBER_VALUES': {
      const actual = num(m, 'actual');
      const wanted = num(m, 'max');
      if (actual === undefined || wanted === undefined) break;
      return `some examples have ${formatNumber(actual)} values, the schema wants at most ${formatNumber(wanted)}`;
    }
    case 'COMPARATOR_L_INFTY_HIGH':
    case 'COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH':
    case 'COMPARATOR_NORMALIZED_ABSOLUTE_DIFFERENCE_HIGH': {
      const value = num(m, 'distance') ?? num(m, 'divergence');
      const threshold = num(m, 'threshold');
      if (value === undefined || threshold === undefined) break;
      const against = text(m, 'against');
      const most = text(m, 'value');
      return `${DISTANCE_NAMES[a.type]} ${formatNumber(value)}${against ? ` from the ${against}` : ''}, the schema's threshold is ${formatNumber(threshold)}${most ? ` (largest change: ${quoted(most)})` : ''}`;
    }
    case 'COMPARATOR_CONTROL_DATA_MISSING':
      return `not in the ${text(m, 'against') ?? 'compared'} statistics, so it cannot be compared`;
    case 'DATASET_LOW_NUM_EXAMPLES': {
      const n = num(m, 'num_examples');
      const wanted = num(m, 'min_examples_count');
      if (n === undefined || wanted === undefined) break;
      return `${examples(n)}, the schema wants at least ${formatNumber(wanted)}`;
    }
    case 'DATASET_HIGH_NUM_EXAMPLES': {
      const n = num(m, 'num_examples');
      const wanted = num(m, 'max_examples_count');
      if (n === undefined || wanted === undefined) break;
      return `${examples(n)}, the schema wants at most ${formatNumber(wanted)}`;
    }
    case 'COMPARATOR_LOW_NUM_EXAMPLES':
    case 'COMPARATOR_HIGH_NUM_EXAMPLES': {
      const ratio = num(m, 'ratio');
      const threshold = num(m, 'threshold');
      if (ratio === undefined || threshold === undefined) break;
      return `${formatNumber(ratio)} times the previous span's examples, the schema wants ${a.type === 'COMPARATOR_LOW_NUM_EXAMPLES' ? 'at least' : 'at most'} ${formatNumber(threshold)}`;
    }
  }
  return a.description.replace(/\.$/, '');
}

/**
 * A few words for a flag beside the feature's name, measured where the numbers are known:
 * "present in 97.3% (schema: 100%)", "2 values outside the domain", "new column".
 */
export function anomalyHeadline(a: AnomalyFacts): string {
  const m = a.measurements;
  switch (a.type) {
    case 'FEATURE_TYPE_LOW_FRACTION_PRESENT': {
      const actual = num(m, 'actual_fraction');
      const wanted = num(m, 'min_fraction');
      return actual !== undefined && wanted !== undefined ? `present in ${sharePercent(actual)} (schema: ${sharePercent(Math.min(1, wanted))})` : 'present in too few examples';
    }
    case 'FEATURE_TYPE_LOW_NUMBER_PRESENT':
      return 'present in too few examples';
    case 'FEATURE_TYPE_NOT_PRESENT':
      return 'no values';
    case 'SCHEMA_MISSING_COLUMN':
      return 'not in the data';
    case 'SCHEMA_NEW_COLUMN':
      return 'not in the schema';
    case 'ENUM_TYPE_UNEXPECTED_STRING_VALUES': {
      const n = a.unexpectedValues?.length ?? num(m, 'unexpected_values');
      return n !== undefined ? `${formatNumber(n)} value${n === 1 ? '' : 's'} outside the domain` : 'values outside the domain';
    }
    case 'UNEXPECTED_DATA_TYPE':
      return text(m, 'actual') ? `type ${text(m, 'actual')} (schema: ${text(m, 'expected')})` : 'unexpected type';
    case 'INT_TYPE_SMALL_INT':
    case 'FLOAT_TYPE_SMALL_FLOAT':
      return 'below the domain';
    case 'INT_TYPE_BIG_INT':
    case 'FLOAT_TYPE_BIG_FLOAT':
      return 'above the domain';
    case 'FLOAT_TYPE_HAS_NAN':
      return 'NaN values';
    case 'FLOAT_TYPE_HAS_INF':
      return 'infinite values';
    case 'COMPARATOR_L_INFTY_HIGH':
    case 'COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH':
    case 'COMPARATOR_NORMALIZED_ABSOLUTE_DIFFERENCE_HIGH': {
      const value = num(m, 'distance') ?? num(m, 'divergence');
      const threshold = num(m, 'threshold');
      const what = /previous/.test(text(m, 'against') ?? '') ? 'drift' : 'skew';
      return value !== undefined && threshold !== undefined ? `${what} ${formatNumber(value)} > ${formatNumber(threshold)}` : what;
    }
  }
  return a.type.toLowerCase().replace(/_/g, ' ');
}

/** The feature as a sentence's subject: `island`, or "the dataset" for a dataset-level anomaly. */
export function anomalySubject(feature: string): string {
  return feature === '' || feature === '(dataset)' ? 'the dataset' : feature;
}

/** One anomaly as a sentence: "island: 1 value not in the schema's domain: "Atlantis" in 12 examples". */
export function anomalyLine(a: AnomalyFacts & { feature: string }): string {
  return `${anomalySubject(a.feature)}: ${anomalySentence(a)}`;
}

/** Splits in first-seen order. */
function splitsOf(rows: readonly Pick<AnomalySummaryRow, 'split'>[]): string[] {
  return [...new Set(rows.map((r) => r.split))];
}

/**
 * The one sentence that says a validator stopped the pipeline, for the failure notification, the CLI and
 * the step's recorded reason: "example_validator found 2 anomalies in eval: island: … ; body_mass_g: …".
 * At most `shown` anomalies are spelled out; the panel shows them all.
 */
export function anomaliesNotice(step: string, rows: readonly AnomalySummaryRow[], shown = 2): string {
  if (rows.length === 0) return `${step} found no anomalies`;
  const splits = splitsOf(rows);
  const head = `${step} found ${rows.length} anomal${rows.length === 1 ? 'y' : 'ies'} in ${splits.join(' and ')}`;
  // The same anomaly in several splits is said once.
  const lines = [...new Set(rows.map((r) => anomalyLine(r)))];
  const listed = lines.slice(0, shown).join('; ');
  const more = lines.length - shown;
  return `${head}: ${listed}${more > 0 ? `; and ${more} more` : ''}`;
}

/** Anomalies that stop a step under `fail_on` (ExampleValidator's param): `error` counts errors, `warning` everything. */
export function failingAnomalies<T extends Pick<AnomalySummaryRow, 'severity'>>(rows: readonly T[], failOn: unknown): T[] {
  if (failOn === 'none') return [];
  return rows.filter((r) => (failOn === 'warning' ? true : r.severity === 'ERROR'));
}

/** A stable key of one anomaly (split, feature, type): what compare-runs matches between two runs. */
export function anomalyKey(a: Pick<AnomalySummaryRow, 'split' | 'feature' | 'type'>): string {
  return `${a.split}\u0000${a.feature}\u0000${a.type}`;
}

/** Severity order for sorting: errors first. */
export function severityRank(s: AnomalySeverity): number {
  return s === 'ERROR' ? 0 : s === 'WARNING' ? 1 : 2;
}

/** Flatten the views' per-feature entries (AnomalyEntry, one per feature) into one row per TFDV reason. */
export function rowsFromEntries(entries: ReadonlyArray<AnomalyEntry & { split: string }>): AnomalySummaryRow[] {
  return entries.flatMap((e) => {
    const reasons = e.reasons?.length ? e.reasons : e.types.map((type) => ({ type, description: e.description }));
    return (reasons.length ? reasons : [{ type: 'UNKNOWN', description: e.description }]).map((r) => ({ split: e.split, feature: e.feature === '(dataset)' ? '' : e.feature, severity: e.severity, ...r }));
  });
}
