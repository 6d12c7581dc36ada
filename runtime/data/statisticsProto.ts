// TFDV's binary statistics (`Split-*/FeatureStats.pb`, a DatasetFeatureStatisticsList as TFX's
// StatisticsGen writes it) decoded into the same shape as mlpipe's FeatureStats.json. Field numbers are
// those of tensorflow_metadata's statistics.proto and path.proto (only the fields mlpipe reads). TFDV's
// statistics are often sparse — a rank histogram and no top values, fields left at their defaults —
// so every field a consumer reads is filled here: absent messages become empty ones, not nulls.
import protobuf from 'protobufjs';
import type { CommonStatistics, DatasetFeatureStatistics, DatasetFeatureStatisticsList, FeatureNameStatistics, Histogram } from './statisticsTypes';

export const STATS_PB_FILE = 'FeatureStats.pb';

const PROTO = `
syntax = "proto3";
package tensorflow.metadata.v0;
message Path { repeated string step = 1; }
message DatasetFeatureStatisticsList { repeated DatasetFeatureStatistics datasets = 1; }
message DatasetFeatureStatistics {
  string name = 1;
  uint64 num_examples = 2;
  double weighted_num_examples = 4;
  repeated FeatureNameStatistics features = 3;
}
message FeatureNameStatistics {
  enum Type { INT = 0; FLOAT = 1; STRING = 2; BYTES = 3; STRUCT = 4; }
  string name = 1;
  Path path = 8;
  Type type = 2;
  NumericStatistics num_stats = 3;
  StringStatistics string_stats = 4;
  BytesStatistics bytes_stats = 5;
  repeated CustomStatistic custom_stats = 6;
}
message CustomStatistic { string name = 1; double num = 2; string str = 3; }
message CommonStatistics {
  uint64 num_non_missing = 1;
  uint64 num_missing = 2;
  uint64 min_num_values = 3;
  uint64 max_num_values = 4;
  float avg_num_values = 5;
  Histogram num_values_histogram = 6;
  uint64 tot_num_values = 8;
}
message NumericStatistics {
  CommonStatistics common_stats = 1;
  double mean = 2;
  double std_dev = 3;
  uint64 num_zeros = 4;
  double min = 5;
  double median = 6;
  double max = 7;
  repeated Histogram histograms = 8;
}
message StringStatistics {
  message FreqAndValue { string value = 2; double frequency = 3; }
  CommonStatistics common_stats = 1;
  uint64 unique = 2;
  repeated FreqAndValue top_values = 3;
  float avg_length = 4;
  RankHistogram rank_histogram = 5;
}
message BytesStatistics {
  CommonStatistics common_stats = 1;
  uint64 unique = 2;
  float avg_num_bytes = 3;
  float min_num_bytes = 4;
  float max_num_bytes = 5;
}
message Histogram {
  message Bucket { double low_value = 1; double high_value = 2; double sample_count = 4; }
  enum HistogramType { STANDARD = 0; QUANTILES = 1; }
  uint64 num_nan = 1;
  uint64 num_undefined = 2;
  repeated Bucket buckets = 3;
  HistogramType type = 4;
  string name = 5;
}
message RankHistogram {
  message Bucket { uint64 low_rank = 1; uint64 high_rank = 2; string label = 4; double sample_count = 5; }
  repeated Bucket buckets = 1;
  string name = 2;
}
`;

let listType: protobuf.Type | undefined;

function emptyCommon(): CommonStatistics {
  return { numNonMissing: 0, numMissing: 0, minNumValues: 0, maxNumValues: 0, avgNumValues: 0, totNumValues: 0 };
}

type Loose = Record<string, unknown> & { [k: string]: unknown };

function common(raw: unknown): CommonStatistics {
  if (!raw || typeof raw !== 'object') return emptyCommon();
  const c = raw as Loose;
  const out: CommonStatistics = { ...emptyCommon(), ...(c as Partial<CommonStatistics>) };
  if (!c['numValuesHistogram']) delete out.numValuesHistogram;
  return out;
}

function feature(raw: Loose): FeatureNameStatistics {
  const name = typeof raw['name'] === 'string' ? raw['name'] : '';
  const steps = (raw['path'] as { step?: string[] } | null)?.step ?? [];
  const out: FeatureNameStatistics = { path: { step: steps.length ? steps : name ? [name] : [] }, type: (raw['type'] as FeatureNameStatistics['type']) ?? 'INT' };
  const num = raw['numStats'] as Loose | null;
  if (num) out.numStats = { ...(num as unknown as NonNullable<FeatureNameStatistics['numStats']>), commonStats: common(num['commonStats']), histograms: ((num['histograms'] as Histogram[] | null) ?? []).map((h) => ({ ...h, buckets: h.buckets ?? [] })) };
  const str = raw['stringStats'] as Loose | null;
  if (str) {
    const rank = str['rankHistogram'] as { buckets?: unknown[]; name?: string } | null;
    out.stringStats = {
      ...(str as unknown as NonNullable<FeatureNameStatistics['stringStats']>),
      commonStats: common(str['commonStats']),
      topValues: (str['topValues'] as Array<{ value: string; frequency: number }> | null) ?? [],
      rankHistogram: { buckets: (rank?.buckets ?? []) as NonNullable<FeatureNameStatistics['stringStats']>['rankHistogram']['buckets'], ...(rank?.name ? { name: rank.name } : {}) },
    };
  }
  const bytes = raw['bytesStats'] as Loose | null;
  // Bytes features have no string statistics of their own: give consumers the common part.
  if (bytes && !out.stringStats) out.stringStats = { commonStats: common(bytes['commonStats']), unique: Number(bytes['unique'] ?? 0), topValues: [], avgLength: Number(bytes['avgNumBytes'] ?? 0), rankHistogram: { buckets: [] } };
  const custom = raw['customStats'] as Array<{ name: string; num?: number; str?: string }> | null;
  if (custom && custom.length) out.customStats = custom;
  return out;
}

/** Decode FeatureStats.pb bytes; throws with protobuf's reason when the bytes are not that message. */
export function decodeStatisticsPb(bytes: Uint8Array): DatasetFeatureStatisticsList {
  listType ??= protobuf.parse(PROTO).root.lookupType('tensorflow.metadata.v0.DatasetFeatureStatisticsList');
  const message = listType.decode(bytes);
  const obj = listType.toObject(message, { enums: String, longs: Number, defaults: true, arrays: true }) as { datasets: Loose[] };
  return {
    datasets: obj.datasets.map(
      (d): DatasetFeatureStatistics => ({ name: String(d['name'] ?? ''), numExamples: Number(d['numExamples'] ?? 0), features: ((d['features'] as Loose[] | null) ?? []).map(feature) }),
    ),
  };
}
