// The orchestrator's public surface, used by the CLI and the JSON-RPC server.
import type { ApprovalVerdict } from '../../common/approval';
import type { RunEventListener, RunState, StepState } from './events';
import type { StoreLocation } from '../metadata/location';

export interface RunScope {
  /** Run only this step; its inputs are the latest published outputs of its upstream steps. */
  step?: string;
  /** This step and everything downstream. */
  from?: string;
  /** Everything up to and including this step. */
  to?: string;
}

export interface RunOptions {
  /** Pipeline file (absolute or relative to cwd). */
  file: string;
  /** Workspace root holding `.mlpipe/` (default: findRoot(dirname(file))). */
  root?: string;
  /** Metadata store: a SQLite path or a StoreLocation (a MySQL database); default `<root>/.mlpipe/metadata.sqlite`. */
  dbPath?: string | StoreLocation;
  scope?: RunScope;
  /** Bypass the cache (`--no-cache`). */
  noCache?: boolean;
  /** Independent components run in parallel up to this many (default 2). */
  parallelism?: number;
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** What to do when a HumanApproval step waits: keep waiting (default), or return with state 'waiting'. */
  onApprovalWait?: 'wait' | 'return';
  /** Allow evaluating `*.pipeline.ts` and Function modules (false in untrusted workspaces). */
  trusted?: boolean;
  /**
   * Join this pipeline run instead of starting a new one (`--run-id`): steps run by separate processes,
   * e.g. the tasks of an exported Argo Workflow, then share one run context, and a step's inputs come from
   * what upstream steps produced in this run before the latest outputs of earlier runs.
   */
  runId?: string;
}

/** What a `--run-id` may be: it names an MLMD context, and arrives from other tools' templating. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export interface RunResult {
  runId: string;
  /** Context id of the `pipeline_run` context. */
  runContextId: number;
  state: RunState;
  steps: Record<string, { state: StepState; executionId?: number; durationMs: number; reason?: string }>;
  durationMs: number;
}

export interface ApprovalDecision {
  executionId: number;
  decision: ApprovalVerdict;
  by: string;
  comment?: string;
}
