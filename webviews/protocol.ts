// The one protocol between the extension host (extension/panels/*) and the webviews (webviews/*).
// Both sides import this file, so a renamed field is a compile error on both sides, never a silent no-op.
// Every view gets a complete snapshot when it opens (or is shown again after a reload) and small
// patches afterwards; a patch that arrives before a snapshot is ignored by the view.
//
// Types only: nothing here runs, so the file can be imported by the browser bundles, the host and tests.

import type { LineageGraph } from '../runtime/metadata/types';
import type { ClassificationDetailsPayload } from '../common/artifacts';

/** The runtime's lineage shapes, re-exported so that views never reach into runtime/. */
export type { LineageEdge, LineageGraph, LineageNode } from '../runtime/metadata/types';
// Type-only imports of the runtime's plain data contracts: erased from the browser bundles.
import type { ApprovalVerdict } from '../common/approval';
import type { StepState } from '../common/stepStates';
import type { AnomalySummaryRow } from '../common/anomalies';
import type { ReportFormat } from '../common/artifacts';

export type ViewKind = 'dag' | 'statistics' | 'lineage' | 'evaluation' | 'approval' | 'anomalies' | 'report' | 'runDiff' | 'timeline' | 'dataGrid';

// ---------------------------------------------------------------------------------------------
// DAG preview

/** What a node shows. `never-run` is ours (no execution recorded); the rest are the runtime's StepState. */
export type DagNodeState = 'never-run' | StepState;

export interface DagNodeStatus {
  state: DagNodeState;
  durationMs?: number;
  /** Why a step failed, was skipped or rejected. */
  reason?: string;
  executionId?: number;
  /** The host's one-line label, as the trees and CodeLens show it ("skipped: approval rejected by ana"). */
  label?: string;
  /** Longer text for the node's tooltip. */
  detail?: string;
  /** The node-menu actions that can work on this step; absent: all of them. */
  actions?: DagAction[];
  /** Rows per split of the Examples its last run wrote (ExampleGen's `num_examples`), for data steps. */
  rows?: Record<string, number>;
}

export interface DagPort {
  key: string;
  artifactType: string;
}

export interface DagNode {
  id: string;
  type: string;
  enabled: boolean;
  outputs: DagPort[];
  /** The component's first error (`line:column message`) while its definition has errors. */
  broken?: string;
}

export interface DagEdge {
  from: string;
  output: string;
  to: string;
  input: string;
  /** Artifact type flowing along the edge, shown on hover. */
  artifactType: string;
}

export interface DagGraph {
  pipeline: string;
  /** Absolute path of the pipeline file (shown, and sent back with actions). */
  file: string;
  nodes: DagNode[];
  edges: DagEdge[];
}

export type DagLayoutDirection = 'RIGHT' | 'DOWN';

/** The last layout, kept in webview state so a tab shown again draws at once (positions relative to the graph). */
export interface DagSavedLayout {
  /** The laid-out graph's shape key: the layout is reused only for the same shape. */
  shape: string;
  direction: DagLayoutDirection;
  width: number;
  height: number;
  nodes: Array<{ id: string; x: number; y: number; width: number; height: number; ports: Array<{ key: string; kind: 'in' | 'out'; x: number; y: number }> }>;
  edges: Array<{ index: number; points: Array<[number, number]> }>;
}

export interface DagProblem {
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  component?: string;
}

export interface DagSnapshot {
  /** The graph of every component that could be read (broken ones marked); null before the file ever parsed. */
  graph: DagGraph | null;
  status: Record<string, DagNodeStatus>;
  problems: DagProblem[];
  /** Component under the editor's cursor. */
  highlighted: string | null;
  /** Untrusted workspaces browse only: the view hides run actions. */
  canRun: boolean;
}

export type DagAction =
  | 'run-step'
  | 'run-from'
  | 'rerun-no-cache'
  | 'show-statistics'
  | 'show-evaluation'
  | 'show-lineage'
  | 'open-data-grid'
  | 'show-anomalies'
  | 'show-report'
  | 'debug-step'
  | 'open-log';

export type HostToDag =
  | { type: 'dag/snapshot'; snapshot: DagSnapshot }
  /** The file changed. `graph: null` means it has errors: keep the last good graph, show `problems`. */
  | { type: 'dag/graph'; graph: DagGraph | null; problems: DagProblem[] }
  /** Live run status: only the listed nodes change, and nothing is laid out again. */
  | { type: 'dag/status'; status: Record<string, DagNodeStatus>; replace?: boolean }
  | { type: 'dag/highlight'; component: string | null };

export type DagToHost =
  | { type: 'dag/ready' }
  | { type: 'dag/reveal'; component: string }
  | { type: 'dag/action'; action: DagAction; component: string }
  /** Reported after every layout, so the host and benchmarks can see how long it took. */
  | { type: 'dag/laidOut'; nodes: number; collapsed: boolean; layoutMs: number };

// ---------------------------------------------------------------------------------------------
// Statistics (DatasetFeatureStatisticsList, normalised by the host: numbers are numbers, field names
// as statistics.proto, proto3 defaults filled in).

// The statistics shapes themselves live in common/featureStatistics.ts: the host's reader, the view,
// the approval panel and the audit use them alike.
export type {
  AnomalyEntry,
  CommonStats,
  DatasetStatistics,
  FeatureStatistics,
  FeatureType,
  Histogram,
  HistogramBucket,
  NumericStats,
  StatisticsSort,
  StringStats,
} from '../common/featureStatistics';
import type { AnomalyEntry, DatasetStatistics, StatisticsSort } from '../common/featureStatistics';

export interface StatisticsSide {
  /** What the user sees as the dataset's name, e.g. `run 12 · statistics_gen · train`. */
  label: string;
  split: string;
  artifactId?: number;
  uri?: string;
  dataset: DatasetStatistics;
  anomalies: AnomalyEntry[];
}

export interface StatisticsSnapshot {
  /** The dataset shown; null while nothing is selected (the panel-area view before a selection). */
  main: StatisticsSide | null;
  /** The dataset compared with, if any. */
  compare: StatisticsSide | null;
  /** Other splits of the same artifact the user can switch to. */
  splits: string[];
  /** A problem reading the files, shown instead of tables. */
  error?: string;
  /** A feature to scroll to and mark (opened from an anomaly). */
  focus?: string;
}

export type HostToStatistics =
  | { type: 'statistics/snapshot'; snapshot: StatisticsSnapshot }
  | { type: 'statistics/compare'; compare: StatisticsSide | null }
  | { type: 'statistics/error'; message: string };

export type StatisticsToHost =
  | { type: 'statistics/ready' }
  | { type: 'statistics/pickCompare' }
  | { type: 'statistics/clearCompare' }
  | { type: 'statistics/selectSplit'; split: string }
  | { type: 'statistics/compareSplit'; split: string };

// ---------------------------------------------------------------------------------------------
// Evaluation (metrics.json and validation.json of a ModelEvaluation)

/** A slice's feature values; null is a missing value (shown "(missing)"). */
export type SliceKey = Record<string, string | number | null>;

export interface SliceMetrics {
  slice: SliceKey;
  count: number;
  metrics: Record<string, number>;
}

export interface ModelMetrics {
  overall: Record<string, number>;
  /** Example count of the overall slice, when known. */
  count?: number;
  slices: SliceMetrics[];
  /** The model's artifact id, when metrics.json names it. */
  modelId?: number;
  /** The model's task and classes, when metrics.json names them. */
  task?: 'classification' | 'regression';
  classes?: string[];
  /** Confusion matrix, per-class scores, averaging, curves, calibration (absent in older evaluations). */
  details?: ClassificationDetailsPayload;
}

export interface MetricThresholdView {
  metric: string;
  lowerBound?: number;
  upperBound?: number;
  change?: { direction: 'higher_is_better' | 'lower_is_better'; absolute?: number; relative?: number };
}

export interface ValidationFailure {
  /** Empty object for the overall slice. */
  slice: SliceKey;
  metric: string;
  value: number | null;
  message: string;
}

export interface EvaluationSnapshot {
  label: string;
  artifactId?: number;
  /** The artifact folder (lets the host rebuild the panel after a reload). */
  uri?: string;
  candidate: ModelMetrics;
  baseline: ModelMetrics | null;
  thresholds: MetricThresholdView[];
  /** null when the evaluation had no thresholds (nothing validated). */
  validationOk: boolean | null;
  failures: ValidationFailure[];
  blessed: boolean | null;
  /** Slices with fewer examples than this are flagged. */
  minSliceSize: number;
  error?: string;
}

export type HostToEvaluation = { type: 'evaluation/snapshot'; snapshot: EvaluationSnapshot };
export type EvaluationToHost = { type: 'evaluation/ready' } | { type: 'evaluation/openArtifact'; artifactId: number };

// ---------------------------------------------------------------------------------------------
// Approval (the HumanApproval component's decision)

/** The value MLMD stores: the same words in the view, the host and the runtime. */
export type ApprovalDecision = ApprovalVerdict;

/** Numbers worth a reviewer's glance, one line per feature. */
export interface StatisticsHighlight {
  feature: string;
  split: string;
  message: string;
  level: 'info' | 'warning' | 'error';
}

export interface ApprovalSnapshot {
  pipeline: string;
  runName: string;
  component: string;
  executionId: number;
  instructions?: string;
  model: { artifactId: number; uri: string } | null;
  evaluation: EvaluationSnapshot | null;
  highlights: StatisticsHighlight[];
  anomalies: Array<AnomalyEntry & { split: string }>;
  /** The ExampleAnomalies artifact the anomalies come from (null: no ExampleValidator upstream of the model). */
  anomaliesArtifact?: AuditArtifactRef | null;
  /** Set once decided (here or elsewhere): the form becomes read-only. */
  decided: { decision: ApprovalDecision; reviewer: string; comment: string; time: number } | null;
  canDecide: boolean;
}

export type HostToApproval =
  | { type: 'approval/snapshot'; snapshot: ApprovalSnapshot }
  | { type: 'approval/result'; ok: boolean; message: string };

export type ApprovalToHost =
  | { type: 'approval/ready' }
  | { type: 'approval/decide'; executionId: number; decision: ApprovalDecision; comment: string }
  | { type: 'approval/openEvaluation'; artifactId: number };

// ---------------------------------------------------------------------------------------------
// Lineage and the audit summary

export interface AuditArtifactRef {
  artifactId: number;
  type: string;
  uri: string;
  label: string;
}

/** The audit questions from the talk, answered for one model. The host gathers it; every part may be missing. */
export interface AuditSummary {
  model: AuditArtifactRef | null;
  /** Which data trained this model. */
  trainingData: AuditArtifactRef[];
  /** What that data's distribution was (statistics highlights per split). */
  distribution: { statistics: AuditArtifactRef | null; numExamples: Record<string, number>; highlights: StatisticsHighlight[] };
  /** What its validation results were (ExampleValidator's anomalies). */
  dataValidation: { anomalies: AuditArtifactRef | null; entries: Array<AnomalyEntry & { split: string }> };
  /** How it compared with the previous model. */
  evaluation: {
    evaluation: AuditArtifactRef | null;
    blessed: boolean | null;
    comparison: Array<{ metric: string; candidate: number | null; baseline: number | null }>;
  };
  /** Who approved it. */
  approval: { decision: ApprovalDecision | 'waiting'; reviewer: string; comment: string; time: number } | null;
  pushed: AuditArtifactRef[];
}

export interface LineageSnapshot {
  graph: LineageGraph;
  audit: AuditSummary | null;
  error?: string;
}

export type HostToLineage = { type: 'lineage/snapshot'; snapshot: LineageSnapshot };

export type LineageToHost =
  | { type: 'lineage/ready' }
  /** Open a node: an artifact's folder/statistics/evaluation, an execution's log. `key` is `a<id>` or `e<id>`. */
  | { type: 'lineage/open'; key: string }
  /** Re-root the graph on another node. */
  | { type: 'lineage/focus'; key: string };

// Report (a Report artifact a step wrote: Markdown, HTML or Vega-Lite, common/artifacts.ts)

export interface ReportSnapshot {
  /** What the header says: the producing step and run when known, e.g. `eval_report · run 2026-…`. */
  label: string;
  artifactId?: number;
  /** The artifact folder (lets the host rebuild the panel after a reload). */
  uri?: string;
  /** null when the folder holds no report file (then `error` says what is missing). */
  format: ReportFormat | null;
  /** The report file's text, shown as the format says and never as markup of the view itself. */
  body: string;
  /** Name of the file shown (`report.md` …). */
  file?: string;
  error?: string;
}

export type HostToReport = { type: 'report/snapshot'; snapshot: ReportSnapshot };
export type ReportToHost =
  | { type: 'report/ready' }
  /** Open the report file in an editor. */
  | { type: 'report/openFile' }
  | { type: 'report/showLineage' };

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------
// Anomalies (an ExampleAnomalies artifact: per split and feature, what the validator found)

/** One anomaly (one TFDV reason) as the panel lists it; the words come from common/anomalies.ts. */
export interface AnomalyRowView extends AnomalySummaryRow {
  /** What accepting it into the curated schema would do ("Add "Atlantis" to the domain of island"); absent when no edit fits. */
  accept?: string;
  /** Why it cannot be accepted here, when the schema is curated but this kind of change is not an edit we make. */
  acceptNote?: string;
}

export interface AnomaliesSnapshot {
  label: string;
  artifactId?: number;
  /** The artifact folder (lets the host rebuild the panel after a reload). */
  uri?: string;
  pipeline?: string;
  step?: string;
  runName?: string;
  executionId?: number;
  /** The validator stopped the pipeline (`fail_on`); its anomalies were still recorded. */
  failed: boolean;
  failOn?: string;
  /** Every split validated, in order; those without a row had no anomaly. */
  splits: string[];
  rows: AnomalyRowView[];
  /** The statistics that were validated, for the links to a feature. */
  statisticsArtifactId?: number;
  /** The curated schema file a SchemaImporter read (accepting edits it); null when the schema is inferred. */
  schemaFile: string | null;
  /** Where the schema came from, for the header ("SchemaGen (inferred)", "schema/schema.pbtxt"). */
  schemaSource?: string;
  canEdit: boolean;
  /** The last accept's outcome. */
  notice?: { ok: boolean; message: string };
  error?: string;
}

export type HostToAnomalies = { type: 'anomalies/snapshot'; snapshot: AnomaliesSnapshot };

export type AnomaliesToHost =
  | { type: 'anomalies/ready' }
  /** Open the statistics of `split` at `feature`, with the flags of this artifact. */
  | { type: 'anomalies/openStatistics'; split: string; feature: string }
  /** Accept row `index` into the curated schema (a WorkspaceEdit of the schema file). */
  | { type: 'anomalies/accept'; index: number }
  | { type: 'anomalies/openSchema' };
// Run comparison (with metrics over runs) and a run's timeline: the runtime's shapes, as they arrive.

import type { MetricHistory, RunDiff, RunTimeline } from '../runtime/server/protocol';
export type { ComponentDiff, MetricDelta, MetricHistory, MetricPoint, OutputVerdict, RunDiff, RunRef, RunTimeline, TimelineBar } from '../runtime/server/protocol';

export interface RunDiffSnapshot {
  diff: RunDiff | null;
  /** The right run's pipeline's metrics across its runs. */
  history: MetricHistory | null;
  /** Where it came from, so a panel restored after a reload asks again. */
  source?: PanelSource;
  error?: string;
}

export interface PanelSource {
  db: { path: string; readonly: boolean };
  root?: string;
}

export type HostToRunDiff = { type: 'runDiff/snapshot'; snapshot: RunDiffSnapshot };
export type RunDiffToHost =
  | { type: 'runDiff/ready' }
  /** Open the statistics comparison on two ExampleStatistics artifacts. */
  | { type: 'runDiff/compareStatistics'; left: number; right: number }
  | { type: 'runDiff/openTimeline'; runContextId: number };

export interface TimelineSnapshot {
  timeline: RunTimeline | null;
  /** Logs exist only for a workspace's own database. */
  canOpenLogs: boolean;
  source?: PanelSource;
  error?: string;
}

export type HostToTimeline = { type: 'timeline/snapshot'; snapshot: TimelineSnapshot };
export type TimelineToHost = { type: 'timeline/ready' } | { type: 'timeline/openLog'; executionId: number };
// Data grid (a Parquet file of an artifact: an Examples split, transformed examples, predictions)

export type { GridCell, GridColumn, GridColumnStats, GridFilter, GridFilterOp, GridSort } from '../runtime/data/gridQuery';
import type { GridCell, GridColumn, GridColumnStats, GridFilter, GridSort } from '../runtime/data/gridQuery';

export interface DataGridSnapshot {
  /** What the user sees as the data's name, e.g. `example_gen.examples #3`. */
  label: string;
  artifactId: number;
  artifactType: string;
  /** The file shown: a split's name (`train`) or a file name (`predictions.parquet`). */
  source: string;
  /** Every source of the artifact the user can switch to. */
  sources: string[];
  columns: GridColumn[];
  total: number;
  /** Predictions: what "where the model is wrong" compares, and the slice columns shown first. */
  predictions: { label: string; prediction: string; task: 'classification' | 'regression'; sliceColumns: string[] } | null;
  /** Rows of the first page, so the first screen needs no second round trip. */
  firstRows: GridCell[][];
  error?: string;
}

/** What a page request asks for: the view (sort, filters, wrong) and the rows. The host knows the file. */
export interface DataGridView {
  sort: GridSort[];
  filters: GridFilter[];
  wrong: boolean;
}

export type DataGridStats = GridColumnStats & { /** Where the figures come from: `ExampleStatistics #5` or `DuckDB`. */ origin: string };

export type HostToDataGrid =
  | { type: 'dataGrid/snapshot'; snapshot: DataGridSnapshot }
  | { type: 'dataGrid/page'; requestId: number; offset: number; rows: GridCell[][]; total: number; columns: GridColumn[]; queryMs: number }
  | { type: 'dataGrid/stats'; column: string; stats: DataGridStats }
  | { type: 'dataGrid/error'; requestId?: number; message: string };

export type DataGridToHost =
  | { type: 'dataGrid/ready' }
  | { type: 'dataGrid/fetch'; requestId: number; view: DataGridView; offset: number; limit: number }
  /** Statistics of one column over the rows the view keeps (its filters and, with `wrong`, the wrong predictions). */
  | { type: 'dataGrid/columnStats'; column: string; filters: GridFilter[]; wrong?: boolean }
  | { type: 'dataGrid/selectSource'; source: string };

// ---------------------------------------------------------------------------------------------

export interface HostToView {
  dag: HostToDag;
  statistics: HostToStatistics;
  lineage: HostToLineage;
  evaluation: HostToEvaluation;
  approval: HostToApproval;
  anomalies: HostToAnomalies;
  report: HostToReport;
  runDiff: HostToRunDiff;
  timeline: HostToTimeline;
  dataGrid: HostToDataGrid;
}

export interface ViewToHost {
  dag: DagToHost;
  statistics: StatisticsToHost;
  lineage: LineageToHost;
  evaluation: EvaluationToHost;
  approval: ApprovalToHost;
  anomalies: AnomaliesToHost;
  report: ReportToHost;
  runDiff: RunDiffToHost;
  timeline: TimelineToHost;
  dataGrid: DataGridToHost;
}

/** What each view keeps with setState, so a reloaded panel restores itself before the host answers. */
export interface ViewState {
  dag: { snapshot: DagSnapshot | null; zoom: number; panX: number; panY: number; layout?: DagSavedLayout | null; autoFit?: boolean };
  statistics: { snapshot: StatisticsSnapshot | null; sort: StatisticsSort; search: string; logScale: boolean; quantiles: boolean };
  lineage: { snapshot: LineageSnapshot | null };
  evaluation: { snapshot: EvaluationSnapshot | null; metric: string | null };
  approval: { snapshot: ApprovalSnapshot | null; comment: string };
  anomalies: { snapshot: AnomaliesSnapshot | null };
  report: { snapshot: ReportSnapshot | null };
  runDiff: { snapshot: RunDiffSnapshot | null; onlyDifferences: boolean; metric: string | null; slice: string | null };
  timeline: { snapshot: TimelineSnapshot | null };
  dataGrid: { snapshot: DataGridSnapshot | null; view: DataGridView; scrollTop: number };
}


