// The ONE typed protocol between the VS Code extension host and the runtime (`mlpipe serve --stdio`).
// Both sides import this file; method names and payload shapes exist nowhere else.
// JSON-RPC over stdio (vscode-jsonrpc). Everything here is plain JSON-serialisable data.
// Requests are sent by method name with one by-name params object (what a one-parameter RequestType
// sends too); this file imports nothing from vscode-jsonrpc, so the extension can load that library
// only when it starts the runtime, not at activation.
import type { CompletionResult } from '../definition/completion';
import type { LoadResult } from '../definition/ir';
import type {
  ArtifactSummary,
  ExecutionDetail,
  ExecutionSummary,
  LineageGraph,
  Page,
  ProducedArtifact,
  RunSummary,
} from '../metadata/types';
import type { ApprovalDecision, RunScope } from '../orchestrator/api';
import type { RunEvent } from '../orchestrator/events';
import type { RunRecord } from '../orchestrator/runRecord';
import type { StepStatus } from '../orchestrator/stepStatus';
import type { DatasetFeatureStatistics } from '../data/statisticsTypes';
import type { RunDiff } from '../orchestrator/runDiff';
import type { RunTimeline } from '../orchestrator/runTimeline';
import type { MetricHistory } from '../orchestrator/metricHistory';
import type { GridColumnStats, GridPage, GridPageRequest, GridQuery } from '../data/gridQuery';

// The data the protocol carries, re-exported: the extension host imports runtime types from here only
// (as rust-analyzer's client does from lsp_ext.ts), so this file is the whole contract.
export type { CompletionEntry, CompletionKind } from '../definition/completion';
export type { ComponentIR, LoadResult, PipelineDiagnostic, PipelineIR, QuickFix } from '../definition/ir';
export type { ArtifactEvent, ArtifactSummary, ExecutionDetail, ExecutionSummary, LineageGraph, LineageNode, Page, RunSummary } from '../metadata/types';
export type { ApprovalDecision, RunScope } from '../orchestrator/api';
export type { RunEvent, RunState, StepState } from '../orchestrator/events';
export type { NotExecuted, RecordedScope, RunRecord } from '../orchestrator/runRecord';
export type { StepStatus } from '../orchestrator/stepStatus';
export type { ProducedArtifact } from '../metadata/types';
export type { DatasetFeatureStatistics } from '../data/statisticsTypes';
export type { ComponentDiff, MetricDelta, OutputVerdict, RunDiff, RunRef } from '../orchestrator/runDiff';
export type { RunTimeline, TimelineBar } from '../orchestrator/runTimeline';
export type { MetricHistory, MetricPoint } from '../orchestrator/metricHistory';
export type { GridCell, GridColumn, GridColumnStats, GridFilter, GridFilterOp, GridPage, GridPageRequest, GridQuery, GridSort, GridWrongView } from '../data/gridQuery';

/** Bumped when a request or payload changes incompatibly; the client refuses a mismatched runtime. */
export const PROTOCOL_VERSION = 1;

/**
 * Which metadata database a request reads. The server keeps one open store per (path, readonly):
 * the workspace folder's own database is opened read-write lazily, databases opened with
 * `mlpipe.openMetadataDatabase` (e.g. a TFX `metadata.sqlite`) strictly read-only.
 */
export interface DbRef {
  /** A SQLite file's absolute path, or a store URL (mysql://user@host:3306/db, no password: see mlpipe/storePassword). */
  path: string;
  readonly: boolean;
}

export interface HelloResult {
  protocolVersion: number;
  runtimeVersion: string;
  nodeVersion: string;
  pid: number;
}

export interface RunParams {
  file: string;
  /** Workspace folder holding `.mlpipe/`. */
  root: string;
  dbPath: string;
  scope?: RunScope;
  noCache?: boolean;
  parallelism?: number;
  /** False in untrusted workspaces: the server then refuses to run anything. */
  trusted: boolean;
}

export interface RunStarted {
  runId: string;
}

export interface LogResult {
  path: string;
  exists: boolean;
  text: string;
  /** True when only the last `maxBytes` of a long log were returned. */
  truncated: boolean;
}

/** Every request: method name -> params and result. */
export interface RuntimeRequests {
  'mlpipe/hello': { params: Record<string, never>; result: HelloResult };
  /** Validates a pipeline file; `text` is the editor's unsaved content (YAML/JSON only). */
  'mlpipe/validate': {
    /** With `db`, features of the latest examples upstream of each Transform/Trainer are checked too (id-like, constant, leakage). */
    params: { file: string; text?: string; trusted: boolean; db?: DbRef };
    result: LoadResult;
  };
  /** Starts a run and answers as soon as it has a run id; progress arrives as `mlpipe/runEvent`. */
  'mlpipe/run': { params: RunParams; result: RunStarted };
  'mlpipe/cancel': { params: { runId: string }; result: { canceled: boolean } };
  'mlpipe/activeRuns': { params: Record<string, never>; result: { runIds: string[] } };
  'mlpipe/listPipelines': { params: { db: DbRef }; result: string[] };
  'mlpipe/listRuns': { params: { db: DbRef; pipeline?: string; limit: number; offset: number }; result: Page<RecordedRun> };
  'mlpipe/runExecutions': { params: { db: DbRef; runContextId: number }; result: ExecutionSummary[] };
  'mlpipe/execution': { params: { db: DbRef; id: number }; result: ExecutionDetail | null };
  'mlpipe/artifact': { params: { db: DbRef; id: number }; result: ArtifactSummary | null };
  'mlpipe/lineage': {
    params: { db: DbRef; artifactId: number; direction?: 'upstream' | 'downstream' | 'both'; maxDepth?: number };
    result: LineageGraph;
  };
  /** Last execution of each node of a pipeline (for trees, CodeLens and the DAG). */
  'mlpipe/nodeStates': { params: { db: DbRef; pipeline: string }; result: Record<string, ExecutionSummary> };
  /** Outputs (key -> artifacts) of the node's latest COMPLETE/CACHED execution; null when it never ran. */
  /**
   * Each step's state in the latest run that covered it (rejected, skipped and why, decisions reused from
   * the cache) and whether it is stale; for every view. Also starts watching `db` (RUNTIME_DB_CHANGED).
   */
  'mlpipe/stepStatus': { params: StepStatusParams; result: StepStatusResult };
  'mlpipe/latestNodeOutputs': { params: { db: DbRef; pipeline: string; nodeId: string }; result: Record<string, ArtifactSummary[]> | null };
  /** LIVE artifacts of a type, newest first, with pipeline, step and run (pick lists, e.g. statistics to compare). */
  'mlpipe/artifactsOfType': { params: { db: DbRef; type: string; limit?: number }; result: ProducedArtifact[] };
  'mlpipe/waitingApprovals': { params: { db: DbRef }; result: ExecutionSummary[] };
  'mlpipe/approve': { params: { db: DbRef; decision: ApprovalDecision }; result: { ok: true } };
  /** An execution's saved log, `<root>/.mlpipe/logs/<execution_id>.log`. */
  'mlpipe/readLog': { params: { root: string; executionId: number; maxBytes?: number }; result: LogResult };
  /** Markdown docs of a component type (and one of its params) from the registry, for hovers. */
  'mlpipe/hover': { params: { type: string; param?: string }; result: { markdown: string | null } };
  /**
   * Completion at a 0-based position of a YAML pipeline's (unsaved) text, from the registry and, with
   * `db`, feature names from the latest statistics upstream. `schemaCovered`: another extension
   * already completes what the JSON Schema knows (types, params, values), so those are left out.
   */
  'mlpipe/complete': { params: { file: string; text: string; line: number; column: number; db?: DbRef; schemaCovered?: boolean }; result: CompletionResult };
  /** JSON Schema of pipeline files, for `jsonValidation`. */
  'mlpipe/pipelineSchema': { params: Record<string, never>; result: object };
  /** The pipeline as an Argo Workflow (YAML text), as `mlpipe export --to argo` writes it. */
  'mlpipe/exportArgo': { params: ExportArgoParams; result: ExportResult };
  /** The pipeline as a Kubeflow Pipelines PipelineSpec (YAML text), as `mlpipe export --to kfp` writes it. */
  'mlpipe/exportKfp': { params: ExportKfpParams; result: ExportResult };
  /**
   * One split of an ExampleStatistics artifact folder decoded as FeatureStats.json reads: TFX's binary
   * `Split-<split>/FeatureStats.pb` (an imported artifact) too, sparse fields filled in.
   */
  'mlpipe/featureStatistics': { params: { uri: string; split: string }; result: DatasetFeatureStatistics };
  /** Two runs compared (`mlpipe diff`); without `left`, `right` is compared with the run of its pipeline before it. */
  'mlpipe/runDiff': { params: { db: DbRef; left?: number; right: number }; result: RunDiff };
  /** One run as a Gantt chart: a bar per step (queued, running, waiting), outputs' rows and sizes. */
  'mlpipe/runTimeline': { params: { db: DbRef; runContextId: number }; result: RunTimeline };
  /** A pipeline's evaluation metrics across its runs (newest `limit` runs), blessed runs marked. */
  'mlpipe/metricHistory': { params: { db: DbRef; pipeline: string; limit?: number }; result: MetricHistory };

  /**
   * The password of a store URL (from VS Code's SecretStorage), kept in the runtime's memory only: it
   * travels over this connection, never on a command line. null forgets it.
   */
  'mlpipe/storePassword': { params: { url: string; password: string | null }; result: { ok: true } };

  /** A page of a Parquet file's rows under a sort, filters or the "where the model is wrong" view, evaluated by DuckDB. */
  'mlpipe/gridPage': { params: GridPageRequest; result: GridPage };
  /** One column's statistics over the rows the filters keep. */
  'mlpipe/gridColumnStats': { params: GridQuery & { column: string }; result: GridColumnStats };
}

/** An export and the check of it: `summary` is "valid PipelineSpec 2.1.0 (…)" or the errors with their JSON paths. */
export interface ExportResult {
  yaml: string;
  warnings: string[];
  summary: string;
  problems: Array<{ path: string; message: string }>;
}

export interface ExportKfpParams {
  file: string;
  /** Workspace folder: it is at /workspace in the image. */
  root: string;
  image: string;
  trusted: boolean;
}

/** A run with what it recorded about itself: scope, covered steps, outcome (runtime/orchestrator/runRecord.ts). */
export interface RecordedRun extends RunSummary {
  record: RunRecord;
}

export interface StepStatusParams {
  db: DbRef;
  /** The pipeline file (its saved content is what a run would execute). */
  file: string;
  /** Workspace folder holding `.mlpipe/` (for the input files a cache key covers). */
  root: string;
  /** False in untrusted workspaces: a `.pipeline.ts` file is then not evaluated (no stale marking). */
  trusted: boolean;
}

export interface StepStatusResult {
  /** The pipeline's name, as its runs are recorded; null when the file cannot be read. */
  pipeline: string | null;
  steps: Record<string, StepStatus>;
}

export interface DbChanged {
  /** The database's path, as in DbRef.path. */
  path: string;
}

export interface ExportArgoParams {
  file: string;
  /** Workspace folder: the volume's root in the workflow's containers. */
  root: string;
  image: string;
  claim?: string;
  /** False in untrusted workspaces: a `.pipeline.ts` file is then not evaluated. */
  trusted: boolean;
}

export type RuntimeMethod = keyof RuntimeRequests;
export type RequestParams<M extends RuntimeMethod> = RuntimeRequests[M]['params'];
export type RequestResult<M extends RuntimeMethod> = RuntimeRequests[M]['result'];

/** Server -> client: every event of every run, tagged with its run id (params: a RunEvent). */
export const RUN_EVENT_NOTIFICATION = 'mlpipe/runEvent';

/**
 * Server -> client: a database the client reads changed on disk (params: DbChanged), written by anyone:
 * a CLI run, another window, an exported workflow. Coalesced; at most a few per second.
 */
export const DB_CHANGED_NOTIFICATION = 'mlpipe/dbChanged';

/** Error codes the server answers with (JSON-RPC application range). The message is for users. */
export const RuntimeErrorCode = {
  /** Bad input the user can fix (file, parameter, database path). */
  UserError: -32001,
  /** The action is not allowed in an untrusted workspace. */
  Untrusted: -32002,
  NotFound: -32004,
  /** A fault of mlpipe itself (JSON-RPC's InternalError); the runtime's stderr has the stack. */
  Internal: -32603,
} as const;
export type RuntimeErrorCode = (typeof RuntimeErrorCode)[keyof typeof RuntimeErrorCode];

/** The `data` of a user error's answer: runtime/errors.ts UserError's hint, code and position. */
export interface UserErrorData {
  hint?: string;
  code?: string;
  where?: { file?: string; line?: number; column?: number };
}
