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

export type ViewKind = 'dag' | 'statistics' | 'lineage' | 'evaluation' | 'approval' | 'runDiff' | 'timeline';

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

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------

export interface HostToView {
  dag: HostToDag;
  statistics: HostToStatistics;
  lineage: HostToLineage;
  evaluation: HostToEvaluation;
  approval: HostToApproval;
  runDiff: HostToRunDiff;
  timeline: HostToTimeline;
}

export interface ViewToHost {
  dag: DagToHost;
  statistics: StatisticsToHost;
  lineage: LineageToHost;
  evaluation: EvaluationToHost;
  approval: ApprovalToHost;
  runDiff: RunDiffToHost;
  timeline: TimelineToHost;
}

/** What each view keeps with setState, so a reloaded panel restores itself before the host answers. */
export interface ViewState {
  dag: { snapshot: DagSnapshot | null; zoom: number; panX: number; panY: number; layout?: DagSavedLayout | null; autoFit?: boolean };
  statistics: { snapshot: StatisticsSnapshot | null; sort: StatisticsSort; search: string; logScale: boolean; quantiles: boolean };
  lineage: { snapshot: LineageSnapshot | null };
  evaluation: { snapshot: EvaluationSnapshot | null; metric: string | null };
  approval: { snapshot: ApprovalSnapshot | null; comment: string };
  runDiff: { snapshot: RunDiffSnapshot | null; onlyDifferences: boolean; metric: string | null; slice: string | null };
  timeline: { snapshot: TimelineSnapshot | null };
}


