// The anomaly summary row: one TFDV anomaly of one feature in one split, as the ExampleValidator
// reports it to the orchestrator (the `anomalies` run event), the Problems panel and the CLI.

/** TFDV's AnomalyInfo.Severity. */
export type AnomalySeverity = 'UNKNOWN' | 'WARNING' | 'ERROR';

export interface AnomalySummaryRow {
  split: string;
  feature: string;
  /** TFDV anomaly type name, e.g. SCHEMA_MISSING_COLUMN. */
  type: string;
  severity: AnomalySeverity;
  description: string;
}
