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
