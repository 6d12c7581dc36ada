// Turns one or two datasets' statistics into the rows the Facets-style overview shows: the figures,
// the flags that need attention, and the sort keys. The statistics view draws them; the host's approval
// panel and audit summary take their highlights from the same flags.
import { anomalyHeadline, anomalySentence, severityRank } from './anomalies';
import { alignCategorical, alignHistograms, jensenShannon, lInfinity, nonUniformity } from './distributions';
import type { AnomalyEntry, DatasetStatistics, FeatureStatistics, Histogram, StatisticsSort } from './featureStatistics';

export type FeatureKind = 'numeric' | 'categorical';

/** Why a feature is flagged; views decide by `kind`, never by the display text. */
export type FeatureFlagKind = 'dropped' | 'new' | 'all-missing' | 'high-missing' | 'drift' | 'anomaly';

export interface FeatureFlag {
  kind: FeatureFlagKind;
  level: 'warning' | 'error';
  text: string;
  /** The TFDV anomaly type of an `anomaly` flag. */
  type?: string;
}

export interface FeatureRow {
  name: string;
  kind: FeatureKind;
  main: FeatureStatistics | null;
  compare: FeatureStatistics | null;
  missingFraction: number;
  nonUniformity: number;
  /** JSD (numeric) or L-infinity (categorical) between the two datasets; null without a comparison. */
  distance: number | null;
  distanceKind: 'jensen-shannon' | 'l-infinity';
  anomalies: AnomalyEntry[];
  flags: FeatureFlag[];
}

/** Missing above this share is flagged (Facets highlights high missing the same way). */
export const HIGH_MISSING = 0.1;
/** A distance above this between the datasets is flagged as drift. */
export const HIGH_DISTANCE = 0.1;

export function kindOf(f: FeatureStatistics): FeatureKind {
  if (f.num) return 'numeric';
  if (f.string) return 'categorical';
  return f.type === 'INT' || f.type === 'FLOAT' ? 'numeric' : 'categorical';
}

export function commonOf(f: FeatureStatistics | null) {
  return f?.num?.common ?? f?.string?.common ?? null;
}

export function missingFraction(f: FeatureStatistics | null, numExamples: number): number {
  const common = commonOf(f);
  if (!common) return 1;
  const total = common.numMissing + common.numNonMissing || numExamples;
  return total > 0 ? common.numMissing / total : 0;
}

export function histogramOf(f: FeatureStatistics | null, type: Histogram['type']): Histogram | undefined {
  return f?.num?.histograms.find((h) => h.type === type) ?? (type === 'STANDARD' ? f?.num?.histograms[0] : undefined);
}

/** Value counts of a categorical feature: the rank histogram (up to 1,000 values), else the top values, as the validator reads them. */
export function valueCounts(f: { string?: Pick<NonNullable<FeatureStatistics['string']>, 'rankHistogram' | 'topValues'> } | null): Map<string, number> {
  const map = new Map<string, number>();
  const source = f?.string?.rankHistogram.length ? f.string.rankHistogram : (f?.string?.topValues ?? []).map((t) => ({ label: t.value, count: t.frequency }));
  for (const v of source) map.set(v.label, (map.get(v.label) ?? 0) + v.count);
  return map;
}

/** Jensen–Shannon divergence of two STANDARD histograms; null when either side has none. */
export function histogramDistance(a: Histogram | undefined, b: Histogram | undefined): number | null {
  if (!a || !b) return null;
  return jensenShannon(alignHistograms(a.buckets, b.buckets));
}

export function buildRows(
  main: DatasetStatistics,
  compare: DatasetStatistics | null,
  mainAnomalies: AnomalyEntry[],
  compareAnomalies: AnomalyEntry[] = [],
): FeatureRow[] {
  const byName = new Map<string, { main: FeatureStatistics | null; compare: FeatureStatistics | null }>();
  for (const f of main.features) byName.set(f.name, { main: f, compare: null });
  for (const f of compare?.features ?? []) {
    const entry = byName.get(f.name);
    if (entry) entry.compare = f;
    else byName.set(f.name, { main: null, compare: f });
  }
  const anomaliesByFeature = new Map<string, AnomalyEntry[]>();
  for (const a of [...mainAnomalies, ...compareAnomalies]) {
    const list = anomaliesByFeature.get(a.feature) ?? [];
    list.push(a);
    anomaliesByFeature.set(a.feature, list);
  }
  const rows: FeatureRow[] = [];
  for (const [name, pair] of byName) {
    const shown = (pair.main ?? pair.compare)!;
    const kind = kindOf(shown);
    const miss = pair.main ? missingFraction(pair.main, main.numExamples) : 1;
    const uniformity =
      kind === 'numeric'
        ? nonUniformity(histogramOf(shown, 'STANDARD')?.buckets.map((b) => b.count) ?? [])
        : nonUniformity([...valueCounts(shown).values()]);
    let distance: number | null = null;
    if (compare && pair.main && pair.compare) {
      distance =
        kind === 'numeric'
          ? histogramDistance(histogramOf(pair.main, 'STANDARD'), histogramOf(pair.compare, 'STANDARD'))
          : lInfinity(alignCategorical(valueCounts(pair.main), valueCounts(pair.compare))).value;
    } else if (compare) {
      distance = 1;
    }
    const anomalies = anomaliesByFeature.get(name) ?? [];
    const flags: FeatureFlag[] = [];
    if (compare && !pair.main) flags.push({ kind: 'dropped', level: 'error', text: 'dropped: missing from this dataset' });
    if (compare && !pair.compare) flags.push({ kind: 'new', level: 'warning', text: 'new: not in the compared dataset' });
    if (pair.main && miss >= 1) flags.push({ kind: 'all-missing', level: 'error', text: 'all values missing' });
    else if (pair.main && miss >= HIGH_MISSING) flags.push({ kind: 'high-missing', level: 'warning', text: `high missing` });
    if (distance !== null && pair.main && pair.compare && distance > HIGH_DISTANCE) flags.push({ kind: 'drift', level: 'warning', text: 'drift' });
    for (const a of anomalies) flags.push(...anomalyFlags(a));
    rows.push({
      name,
      kind,
      main: pair.main,
      compare: pair.compare,
      missingFraction: miss,
      nonUniformity: uniformity,
      distance,
      distanceKind: kind === 'numeric' ? 'jensen-shannon' : 'l-infinity',
      anomalies,
      flags,
    });
  }
  // Anomalies on features absent from both datasets (e.g. a schema column that vanished) still get a row.
  for (const [feature, list] of anomaliesByFeature) {
    if (byName.has(feature)) continue;
    rows.push({
      name: feature,
      kind: 'categorical',
      main: null,
      compare: null,
      missingFraction: 1,
      nonUniformity: 0,
      distance: null,
      distanceKind: 'l-infinity',
      anomalies: list,
      flags: list.flatMap(anomalyFlags),
    });
  }
  return rows;
}

/** One flag per reason, measured ("present in 97.3% (schema: 100%)"), with TFDV's type name kept for tooltips. */
function anomalyFlags(a: AnomalyEntry): FeatureFlag[] {
  const level = a.severity === 'ERROR' ? 'error' : 'warning';
  const reasons = a.reasons?.length ? a.reasons : a.types.map((type) => ({ type, description: a.description }));
  if (reasons.length === 0) return [{ kind: 'anomaly', level, text: a.shortDescription || 'anomaly' }];
  return reasons.map((r) => ({ kind: 'anomaly', level, text: anomalyHeadline(r), type: r.type }));
}

/** What was measured, one sentence per reason: the line under a flagged feature. */
export function anomalySentences(a: AnomalyEntry): string[] {
  return a.reasons?.length ? a.reasons.map((r) => anomalySentence(r)) : [a.description];
}

/** Errors before warnings before nothing: the rank of a row's worst anomaly. */
function anomalyRank(r: FeatureRow): number {
  return r.anomalies.length === 0 ? 3 : Math.min(...r.anomalies.map((a) => severityRank(a.severity)));
}

export function filterRows(rows: FeatureRow[], search: string): FeatureRow[] {
  const needle = search.trim().toLowerCase();
  return needle ? rows.filter((r) => r.name.toLowerCase().includes(needle)) : rows;
}

/**
 * Features with anomalies first (errors, then warnings), whatever the sort: the validator's findings are
 * what a person opened the panel for. Then by the chosen key, other flags first within equal keys.
 */
export function sortRows(rows: FeatureRow[], sort: StatisticsSort): FeatureRow[] {
  const byName = (a: FeatureRow, b: FeatureRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const key: Record<StatisticsSort, (r: FeatureRow) => number> = {
    name: () => 0,
    missing: (r) => -r.missingFraction,
    'non-uniformity': (r) => -r.nonUniformity,
    distance: (r) => -(r.distance ?? -1),
  };
  const k = key[sort];
  return [...rows].sort((a, b) => anomalyRank(a) - anomalyRank(b) || k(a) - k(b) || (sort === 'name' ? 0 : b.flags.length - a.flags.length) || byName(a, b));
}
