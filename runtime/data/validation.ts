// Validation of statistics against a schema: TFDV's validate_statistics (schema checks), plus drift
// against a baseline span and skew against another split or serving data, as TFDV-like Anomalies. A
// library over statistics and schemas: the ExampleValidator executor (components/exampleValidator.executor.ts)
// reads the artifacts and writes the results.
import type { AnomalyMeasurements, AnomalySummaryRow, UnexpectedValue } from '../../common/anomalies';
import { alignCategorical, alignHistograms, jensenShannon, lInfinity, type AlignedDistributions } from '../../common/distributions';
import { isInactive, stringDomainOf, type FeatureComparator, type Schema, type SchemaFeature } from './schemaTypes';
import { commonStatsOf, featureName, type DatasetFeatureStatistics, type FeatureNameStatistics, type Histogram } from './statisticsTypes';

export type Severity = 'ERROR' | 'WARNING';

export interface AnomalyReason {
  type: string;
  shortDescription: string;
  description: string;
  /** The numbers behind the reason (not in TFDV's proto; shown to people, common/anomalies.ts words them). */
  measurements?: AnomalyMeasurements;
  /** ENUM_TYPE_UNEXPECTED_STRING_VALUES: the values outside the domain with their example counts. */
  unexpectedValues?: UnexpectedValue[];
}

export interface AnomalyInfo {
  path: { step: string[] };
  severity: Severity;
  shortDescription: string;
  description: string;
  reason: AnomalyReason[];
}

export interface DriftSkewInfo {
  path: { step: string[] };
  driftMeasurements: Array<{ type: 'L_INFTY' | 'JENSEN_SHANNON_DIVERGENCE'; value: number; threshold: number }>;
  skewMeasurements: Array<{ type: 'L_INFTY' | 'JENSEN_SHANNON_DIVERGENCE'; value: number; threshold: number }>;
}

export interface Anomalies {
  baseline: Schema;
  anomalyNameFormat: 'SERIALIZED_PATH';
  anomalyInfo: Record<string, AnomalyInfo>;
  datasetAnomalyInfo?: AnomalyInfo;
  driftSkewInfo: DriftSkewInfo[];
  dataMissing: boolean;
}

/**
 * Two features' distributions aligned for a comparator, through common/distributions.ts (the statistics
 * view measures with the same code): categorical by value over the rank histogram (else the top values),
 * numeric over the STANDARD histograms re-bucketed onto their merged boundaries.
 */
function alignDistributions(control: FeatureNameStatistics, treatment: FeatureNameStatistics): AlignedDistributions | undefined {
  if (control.stringStats || treatment.stringStats) return alignCategorical(categoricalCounts(control), categoricalCounts(treatment));
  const ha = standardHistogram(control);
  const hb = standardHistogram(treatment);
  if (!ha || !hb) return undefined;
  const buckets = (h: Histogram) => h.buckets.map((b) => ({ low: b.lowValue, high: b.highValue, count: b.sampleCount }));
  return alignHistograms(buckets(ha), buckets(hb));
}

function categoricalCounts(f: FeatureNameStatistics): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of f.stringStats?.rankHistogram.buckets ?? []) m.set(b.label, (m.get(b.label) ?? 0) + b.sampleCount);
  if (m.size === 0) for (const t of f.stringStats?.topValues ?? []) m.set(t.value, (m.get(t.value) ?? 0) + t.frequency);
  return m;
}

function standardHistogram(f: FeatureNameStatistics): Histogram | undefined {
  return f.numStats?.histograms.find((h) => h.type === 'STANDARD' && h.buckets.length > 0);
}

/** TFDV reports everything as ERROR; a new column is a WARNING here, since the schema decides what trains. */
const WARNING_TYPES = new Set(['SCHEMA_NEW_COLUMN']);

class AnomalyCollector {
  readonly features = new Map<string, AnomalyReason[]>();
  readonly dataset: AnomalyReason[] = [];
  readonly driftSkew = new Map<string, DriftSkewInfo>();

  add(feature: string | undefined, reason: AnomalyReason): void {
    if (feature === undefined) {
      this.dataset.push(reason);
      return;
    }
    const list = this.features.get(feature) ?? [];
    list.push(reason);
    this.features.set(feature, list);
  }

  measurement(feature: string, kind: 'drift' | 'skew', m: { type: 'L_INFTY' | 'JENSEN_SHANNON_DIVERGENCE'; value: number; threshold: number }): void {
    const info = this.driftSkew.get(feature) ?? { path: { step: [feature] }, driftMeasurements: [], skewMeasurements: [] };
    (kind === 'drift' ? info.driftMeasurements : info.skewMeasurements).push(m);
    this.driftSkew.set(feature, info);
  }
}

function info(feature: string | undefined, reasons: AnomalyReason[]): AnomalyInfo {
  const severity: Severity = reasons.every((r) => WARNING_TYPES.has(r.type)) ? 'WARNING' : 'ERROR';
  const single = reasons.length === 1 ? reasons[0] : undefined;
  return {
    path: { step: feature === undefined ? [] : [feature] },
    severity,
    shortDescription: single ? single.shortDescription : 'Multiple errors',
    description: reasons.map((r) => r.description).join(' '),
    reason: reasons,
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
}

function inEnvironment(f: SchemaFeature, env: string | undefined, schema: Schema): boolean {
  const envs = env !== undefined ? [env] : schema.defaultEnvironment ?? [];
  if (envs.length === 0) return true;
  if (f.notInEnvironment?.some((e) => envs.includes(e))) return false;
  if (f.inEnvironment && f.inEnvironment.length > 0) return f.inEnvironment.some((e) => envs.includes(e));
  return true;
}

function requiresPresence(f: SchemaFeature): boolean {
  return (f.presence?.minCount ?? 0) > 0 || (f.presence?.minFraction ?? 0) > 0;
}

const EXPECTED_STATS_TYPES: Record<string, string[]> = { INT: ['INT'], FLOAT: ['FLOAT', 'INT'], BYTES: ['STRING', 'BYTES'], STRUCT: ['STRUCT'] };

function checkFeature(schema: Schema, f: SchemaFeature, s: FeatureNameStatistics, numExamples: number, out: AnomalyCollector): void {
  const name = f.name;
  const common = commonStatsOf(s);
  const nonMissing = common?.numNonMissing ?? 0;

  const expected = EXPECTED_STATS_TYPES[f.type];
  if (expected && !expected.includes(s.type)) {
    const wasNumeric = f.type === 'INT' || f.type === 'FLOAT';
    out.add(name, {
      type: 'UNEXPECTED_DATA_TYPE',
      shortDescription: 'Unexpected data type',
      description: `Expected data of type: ${f.type} but got ${s.type}.${wasNumeric && s.type === 'STRING' ? ' A numeric column now holds text; look for a header or unit mixed into the values.' : ''}`,
      measurements: { expected: f.type, actual: s.type },
    });
  }

  if (requiresPresence(f)) {
    if (nonMissing === 0) {
      out.add(name, {
        type: 'FEATURE_TYPE_NOT_PRESENT',
        shortDescription: 'No examples contain the value',
        description: `The feature was present in fewer examples than expected: none of ${numExamples} examples has a value.`,
        measurements: { num_non_missing: 0, num_examples: numExamples },
      });
    } else {
      const fraction = numExamples > 0 ? nonMissing / numExamples : 0;
      const minFraction = f.presence?.minFraction;
      if (minFraction !== undefined && minFraction > 0 && fraction < minFraction) {
        out.add(name, {
          type: 'FEATURE_TYPE_LOW_FRACTION_PRESENT',
          shortDescription: 'Column dropped',
          description: `The feature was present in fewer examples than expected: minimum fraction = ${minFraction}, actual = ${+fraction.toFixed(6)} (${numExamples - nonMissing} of ${numExamples} examples have no value). A dense feature became sparse.`,
          measurements: { min_fraction: minFraction, actual_fraction: fraction, num_missing: numExamples - nonMissing, num_examples: numExamples },
        });
      }
      const minCount = f.presence?.minCount;
      if (minCount !== undefined && nonMissing < minCount) {
        out.add(name, {
          type: 'FEATURE_TYPE_LOW_NUMBER_PRESENT',
          shortDescription: 'Column dropped',
          description: `The feature was present in fewer examples than expected: minimum = ${minCount}, actual = ${nonMissing}.`,
          measurements: { min_count: minCount, num_non_missing: nonMissing },
        });
      }
    }
  }

  if (f.valueCount && common && nonMissing > 0) {
    if (f.valueCount.min !== undefined && common.minNumValues < f.valueCount.min) {
      out.add(name, { type: 'FEATURE_TYPE_LOW_NUMBER_VALUES', shortDescription: 'Missing values', description: `Some examples have fewer values than expected: minimum ${f.valueCount.min}, found ${common.minNumValues}.`, measurements: { min: f.valueCount.min, actual: common.minNumValues } });
    }
    if (f.valueCount.max !== undefined && common.maxNumValues > f.valueCount.max) {
      out.add(name, { type: 'FEATURE_TYPE_HIGH_NUMBER_VALUES', shortDescription: 'Superfluous values', description: `Some examples have more values than expected: maximum ${f.valueCount.max}, found ${common.maxNumValues}.`, measurements: { max: f.valueCount.max, actual: common.maxNumValues } });
    }
  }

  const domain = stringDomainOf(schema, f);
  if (domain && s.stringStats) {
    const allowed = new Set(domain.value);
    const buckets = s.stringStats.rankHistogram.buckets.length > 0 ? s.stringStats.rankHistogram.buckets.map((b) => ({ value: b.label, count: b.sampleCount })) : s.stringStats.topValues.map((t) => ({ value: t.value, count: t.frequency }));
    const unexpected = buckets.filter((b) => !allowed.has(b.value));
    const total = buckets.reduce((sum, b) => sum + b.count, 0);
    const outside = unexpected.reduce((sum, b) => sum + b.count, 0);
    const minMass = f.distributionConstraints?.minDomainMass ?? 1;
    if (unexpected.length > 0 && total > 0 && outside / total > 1 - minMass) {
      const shown = unexpected.slice(0, 10).map((b) => `${JSON.stringify(b.value)} (${b.count})`).join(', ');
      out.add(name, {
        type: 'ENUM_TYPE_UNEXPECTED_STRING_VALUES',
        shortDescription: 'Unexpected string values',
        description: `Examples contain values missing from the schema: ${shown}${unexpected.length > 10 ? ` and ${unexpected.length - 10} more` : ''} (~${pct(outside / total)} of values).`,
        measurements: { unexpected_values: unexpected.length, fraction: outside / total, min_domain_mass: minMass },
        unexpectedValues: [...unexpected].sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : 1)).map((b) => ({ value: b.value, count: b.count })),
      });
    }
  }

  const n = s.numStats;
  if (n && nonMissing > 0) {
    if (f.intDomain) {
      if (f.intDomain.min !== undefined && n.min < f.intDomain.min) out.add(name, { type: 'INT_TYPE_SMALL_INT', shortDescription: 'Out-of-range values', description: `Unexpectedly small value: ${n.min} < ${f.intDomain.min} (the int domain's min).`, measurements: { min: n.min, domain_min: f.intDomain.min } });
      if (f.intDomain.max !== undefined && n.max > f.intDomain.max) out.add(name, { type: 'INT_TYPE_BIG_INT', shortDescription: 'Out-of-range values', description: `Unexpectedly large value: ${n.max} > ${f.intDomain.max} (the int domain's max).`, measurements: { max: n.max, domain_max: f.intDomain.max } });
    }
    if (f.floatDomain) {
      const d = f.floatDomain;
      if (d.min !== undefined && n.min < d.min) out.add(name, { type: 'FLOAT_TYPE_SMALL_FLOAT', shortDescription: 'Out-of-range values', description: `Unexpectedly low value: ${n.min} < ${d.min} (the float domain's min).`, measurements: { min: n.min, domain_min: d.min } });
      if (d.max !== undefined && n.max > d.max) out.add(name, { type: 'FLOAT_TYPE_BIG_FLOAT', shortDescription: 'Out-of-range values', description: `Unexpectedly high value: ${n.max} > ${d.max} (the float domain's max).`, measurements: { max: n.max, domain_max: d.max } });
      const numNan = n.histograms[0]?.numNan ?? 0;
      if (d.disallowNan && numNan > 0) out.add(name, { type: 'FLOAT_TYPE_HAS_NAN', shortDescription: 'Invalid values', description: `Float feature has NaN values: ${numNan} of ${nonMissing}.`, measurements: { num_nan: numNan } });
      if (d.disallowInf && (!Number.isFinite(n.min) || !Number.isFinite(n.max))) out.add(name, { type: 'FLOAT_TYPE_HAS_INF', shortDescription: 'Invalid values', description: `Float feature has infinite values (min ${n.min}, max ${n.max}).`, measurements: { min: String(n.min), max: String(n.max) } });
    }
  }
}

function compare(
  kind: 'drift' | 'skew',
  comparator: FeatureComparator,
  name: string,
  control: FeatureNameStatistics | undefined,
  treatment: FeatureNameStatistics,
  controlLabel: string,
  out: AnomalyCollector,
): void {
  if (!control) {
    out.add(name, { type: 'COMPARATOR_CONTROL_DATA_MISSING', shortDescription: 'Control data is missing', description: `The ${controlLabel} statistics have no feature ${name} to compare against.`, measurements: { against: controlLabel } });
    return;
  }
  const aligned = alignDistributions(control, treatment);
  if (!aligned) return;
  const linf = comparator.infinityNorm?.threshold;
  if (linf !== undefined) {
    const d = lInfinity(aligned);
    out.measurement(name, kind, { type: 'L_INFTY', value: d.value, threshold: linf });
    if (d.value > linf) {
      out.add(name, {
        type: 'COMPARATOR_L_INFTY_HIGH',
        shortDescription: `High L-infinity distance between ${kind === 'drift' ? 'current and previous' : 'training and serving'}`,
        description: `The L-infinity distance between the ${controlLabel} and this data is ${d.value.toFixed(6)} (up to six significant digits), above the threshold ${linf}. The feature value with maximum difference is: ${d.label}`,
        measurements: { distance: d.value, threshold: linf, value: d.label, against: controlLabel },
      });
    }
  }
  const jsd = comparator.jensenShannonDivergence?.threshold;
  if (jsd !== undefined) {
    const value = jensenShannon(aligned);
    out.measurement(name, kind, { type: 'JENSEN_SHANNON_DIVERGENCE', value, threshold: jsd });
    if (value > jsd) {
      out.add(name, {
        type: 'COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH',
        shortDescription: `High approximate Jensen-Shannon divergence between ${kind === 'drift' ? 'current and previous' : 'training and serving'}`,
        description: `The approximate Jensen-Shannon divergence between the ${controlLabel} and this data is ${value.toFixed(6)} (up to six significant digits), above the threshold ${jsd}.`,
        measurements: { divergence: value, threshold: jsd, against: controlLabel },
      });
    }
  }
}

export interface ValidateOptions {
  /** Statistics of the previous span (drift). */
  previous?: DatasetFeatureStatistics;
  /** Statistics of serving data or of the control split (skew). */
  serving?: DatasetFeatureStatistics;
  servingLabel?: string;
  environment?: string;
}

/** TFDV's validate_statistics, with drift (previous) and skew (serving) comparisons. */
export function validateStatistics(stats: DatasetFeatureStatistics, schema: Schema, options: ValidateOptions = {}): Anomalies {
  const out = new AnomalyCollector();
  const byName = new Map(stats.features.map((f) => [featureName(f), f]));
  const known = new Set(schema.feature.map((f) => f.name));
  for (const f of schema.feature) {
    if (isInactive(f) || !inEnvironment(f, options.environment, schema)) continue;
    const s = byName.get(f.name);
    if (!s) {
      if (requiresPresence(f)) {
        out.add(f.name, { type: 'SCHEMA_MISSING_COLUMN', shortDescription: 'Column dropped', description: 'Column is completely missing: the schema requires it but the data has no such column.' });
      }
      continue;
    }
    checkFeature(schema, f, s, stats.numExamples, out);
    if (f.driftComparator && options.previous) {
      compare('drift', f.driftComparator, f.name, options.previous.features.find((x) => featureName(x) === f.name), s, 'previous span', out);
    }
    if (f.skewComparator && options.serving) {
      compare('skew', f.skewComparator, f.name, options.serving.features.find((x) => featureName(x) === f.name), s, options.servingLabel ?? 'serving data', out);
    }
  }
  for (const name of byName.keys()) {
    if (!known.has(name)) out.add(name, { type: 'SCHEMA_NEW_COLUMN', shortDescription: 'New column', description: 'New column (column in data but not in schema).' });
  }
  const dc = schema.datasetConstraints;
  if (dc?.minExamplesCount !== undefined && stats.numExamples < dc.minExamplesCount) {
    out.add(undefined, { type: 'DATASET_LOW_NUM_EXAMPLES', shortDescription: 'Low num examples in dataset', description: `The dataset has ${stats.numExamples} examples, fewer than the minimum ${dc.minExamplesCount}.`, measurements: { num_examples: stats.numExamples, min_examples_count: dc.minExamplesCount } });
  }
  if (dc?.maxExamplesCount !== undefined && stats.numExamples > dc.maxExamplesCount) {
    out.add(undefined, { type: 'DATASET_HIGH_NUM_EXAMPLES', shortDescription: 'High num examples in dataset', description: `The dataset has ${stats.numExamples} examples, more than the maximum ${dc.maxExamplesCount}.`, measurements: { num_examples: stats.numExamples, max_examples_count: dc.maxExamplesCount } });
  }
  const drift = dc?.numExamplesDriftComparator;
  if (drift && options.previous && options.previous.numExamples > 0) {
    const ratio = stats.numExamples / options.previous.numExamples;
    if (drift.minFractionThreshold !== undefined && ratio < drift.minFractionThreshold) {
      out.add(undefined, { type: 'COMPARATOR_LOW_NUM_EXAMPLES', shortDescription: 'Low num examples in comparison to the previous span', description: `This span has ${stats.numExamples} examples, ${ratio.toFixed(3)} of the previous span's ${options.previous.numExamples} (minimum ${drift.minFractionThreshold}).`, measurements: { ratio, threshold: drift.minFractionThreshold } });
    }
    if (drift.maxFractionThreshold !== undefined && ratio > drift.maxFractionThreshold) {
      out.add(undefined, { type: 'COMPARATOR_HIGH_NUM_EXAMPLES', shortDescription: 'High num examples in comparison to the previous span', description: `This span has ${stats.numExamples} examples, ${ratio.toFixed(3)} times the previous span's ${options.previous.numExamples} (maximum ${drift.maxFractionThreshold}).`, measurements: { ratio, threshold: drift.maxFractionThreshold } });
    }
  }
  const anomalyInfo: Record<string, AnomalyInfo> = {};
  for (const [name, reasons] of out.features) anomalyInfo[name] = info(name, reasons);
  return {
    baseline: schema,
    anomalyNameFormat: 'SERIALIZED_PATH',
    anomalyInfo,
    ...(out.dataset.length > 0 ? { datasetAnomalyInfo: info(undefined, out.dataset) } : {}),
    driftSkewInfo: [...out.driftSkew.values()],
    dataMissing: stats.numExamples === 0,
  };
}

/** One line per reason, for the 'anomalies' RunEvent and the summary file. */
export function summarizeAnomalies(split: string, anomalies: Anomalies): AnomalySummaryRow[] {
  const rows: AnomalySummaryRow[] = [];
  for (const [feature, a] of Object.entries(anomalies.anomalyInfo)) {
    for (const r of a.reason) rows.push(summaryRow(split, feature, r));
  }
  for (const r of anomalies.datasetAnomalyInfo?.reason ?? []) rows.push(summaryRow(split, '', r));
  return rows;
}

function summaryRow(split: string, feature: string, r: AnomalyReason): AnomalySummaryRow {
  const row: AnomalySummaryRow = { split, feature, type: r.type, severity: WARNING_TYPES.has(r.type) ? 'WARNING' : 'ERROR', description: r.description };
  if (r.measurements) row.measurements = r.measurements;
  if (r.unexpectedValues) row.unexpectedValues = r.unexpectedValues;
  return row;
}
