// A minimal statistics.proto (tensorflow_metadata v0) for decoding TFX's binary FeatureStats.pb in tests.
// Field numbers from tensorflow/metadata's statistics.proto and path.proto; only what the tests read.
import protobuf from 'protobufjs';

const PROTO = `
syntax = "proto3";
package tfmd;
message Path { repeated string step = 1; }
message DatasetFeatureStatisticsList { repeated DatasetFeatureStatistics datasets = 1; }
message DatasetFeatureStatistics {
  string name = 1;
  uint64 num_examples = 2;
  repeated FeatureNameStatistics features = 3;
  double weighted_num_examples = 4;
}
message FeatureNameStatistics {
  enum Type { INT = 0; FLOAT = 1; STRING = 2; BYTES = 3; STRUCT = 4; }
  string name = 1;
  Type type = 2;
  NumericStatistics num_stats = 3;
  StringStatistics string_stats = 4;
  Path path = 8;
}
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
message FreqAndValue { string value = 2; double frequency = 3; }
message StringStatistics {
  CommonStatistics common_stats = 1;
  uint64 unique = 2;
  repeated FreqAndValue top_values = 3;
  float avg_length = 4;
  RankHistogram rank_histogram = 5;
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

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const ListType = root.lookupType('tfmd.DatasetFeatureStatisticsList');

/** Decode a binary DatasetFeatureStatisticsList into plain JSON-like objects (enums as names, longs as numbers). */
export function decodeStatisticsList(bytes: Uint8Array): Record<string, unknown> {
  const msg = ListType.decode(bytes);
  return ListType.toObject(msg, { enums: String, longs: Number, defaults: true, arrays: true }) as Record<string, unknown>;
}
