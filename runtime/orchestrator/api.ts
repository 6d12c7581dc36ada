// The orchestrator's public surface, used by the CLI and the JSON-RPC server.
import type { RunEventListener, RunState, StepState } from './events';

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
  /** Metadata database (default: `<root>/.mlpipe/metadata.sqlite`). */
  dbPath?: string;
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
}

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
  decision: 'approved' | 'rejected';
  by: string;
  comment?: string;
}
