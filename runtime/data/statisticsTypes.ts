// TFDV statistics (tensorflow_metadata statistics.proto) in protobuf's JSON mapping: lowerCamelCase
// field names, enums as their names. 64-bit counts are written as JSON numbers (protobuf JSON parsers
// accept numbers for int64). Pure types plus small readers, shared by the validator and the webviews.

import type { FeatureType } from '../../common/featureStatistics';

export type FeatureStatsType = FeatureType;

export interface HistogramBucket {
  lowValue: number;
  highValue: number;
  sampleCount: number;
}

export interface Histogram {
  numNan: number;
  numUndefined: number;
  buckets: HistogramBucket[];
  type: 'STANDARD' | 'QUANTILES';
  name?: string;
}

export interface RankHistogramBucket {
  lowRank: number;
  highRank: number;
  label: string;
  sampleCount: number;
}

export interface CommonStatistics {
  numNonMissing: number;
  numMissing: number;
  minNumValues: number;
  maxNumValues: number;
  avgNumValues: number;
  totNumValues: number;
  numValuesHistogram?: Histogram;
}

export interface NumericStatistics {
  commonStats: CommonStatistics;
  mean: number;
  stdDev: number;
  numZeros: number;
  min: number;
  median: number;
  max: number;
  histograms: Histogram[];
}

export interface StringStatistics {
  commonStats: CommonStatistics;
  unique: number;
  topValues: Array<{ value: string; frequency: number }>;
  avgLength: number;
  rankHistogram: { buckets: RankHistogramBucket[]; name?: string };
}

export interface FeatureNameStatistics {
  path: { step: string[] };
  type: FeatureStatsType;
  numStats?: NumericStatistics;
  stringStats?: StringStatistics;
  /** Non-proto extra kept by custom_stats in TFDV terms: the DuckDB type the column had. */
  customStats?: Array<{ name: string; str?: string; num?: number }>;
}

export interface DatasetFeatureStatistics {
  name: string;
  numExamples: number;
  features: FeatureNameStatistics[];
}

export interface DatasetFeatureStatisticsList {
  datasets: DatasetFeatureStatistics[];
}

/** Feature name of a stats entry (path with one step for flat data; `name` for older writers). */
export function featureName(f: FeatureNameStatistics | { name?: string; path?: { step?: string[] } }): string {
  const steps = (f as { path?: { step?: string[] } }).path?.step;
  if (steps && steps.length > 0) return steps.join('.');
  return (f as { name?: string }).name ?? '';
}

/** The common stats of a feature whatever its kind. */
export function commonStatsOf(f: FeatureNameStatistics): CommonStatistics | undefined {
  return f.numStats?.commonStats ?? f.stringStats?.commonStats;
}
