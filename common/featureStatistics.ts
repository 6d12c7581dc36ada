// The statistics of a dataset as the statistics view, the approval panel and the audit read them:
// statistics.proto (DatasetFeatureStatisticsList) normalised by the host's reader (numbers are numbers,
// commonStats → common, lowValue → low, rank histogram buckets → label/count, proto3 defaults filled).
import type { AnomalyFacts, AnomalySeverity } from './anomalies';
import type { Bucket } from './distributions';

/** statistics.proto's feature types. */
export type FeatureType = 'INT' | 'FLOAT' | 'STRING' | 'BYTES' | 'STRUCT';

export type HistogramBucket = Bucket;

export interface Histogram {
  type: 'STANDARD' | 'QUANTILES';
  buckets: HistogramBucket[];
  numNan: number;
}

export interface CommonStats {
  numNonMissing: number;
  numMissing: number;
  minNumValues: number;
  maxNumValues: number;
  avgNumValues: number;
}

export interface NumericStats {
  common: CommonStats;
  mean: number;
  stdDev: number;
  numZeros: number;
  min: number;
  median: number;
  max: number;
  histograms: Histogram[];
}

export interface StringStats {
  common: CommonStats;
  unique: number;
  topValues: Array<{ value: string; frequency: number }>;
  avgLength: number;
  /** Rank histogram buckets (label, count), most common first. */
  rankHistogram: Array<{ label: string; count: number }>;
}

export interface FeatureStatistics {
  /** Path steps joined with '.', as TFDV prints them. */
  name: string;
  type: FeatureType;
  num?: NumericStats;
  string?: StringStats;
}

export interface DatasetStatistics {
  name: string;
  numExamples: number;
  features: FeatureStatistics[];
}

/** One feature's anomaly as the views show it (TFDV's AnomalyInfo, flattened). */
export interface AnomalyEntry {
  feature: string;
  severity: AnomalySeverity;
  /** TFDV anomaly type names, e.g. SCHEMA_MISSING_COLUMN. */
  types: string[];
  description: string;
  shortDescription?: string;
  /** TFDV's reasons with the numbers behind them, worded by common/anomalies.ts. */
  reasons?: AnomalyFacts[];
}

export type StatisticsSort = 'name' | 'missing' | 'non-uniformity' | 'distance';
