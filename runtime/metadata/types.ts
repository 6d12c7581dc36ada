// Read models of the ML Metadata store: what the CLI, the server, the extension and the webviews see.
// Plain JSON-serialisable data, so they cross the JSON-RPC and webview boundaries unchanged.

import type { Properties } from '../../common/artifacts';

/** MLMD Execution.State names (tfx-reference §1.4). */
export type ExecutionState = 'UNKNOWN' | 'NEW' | 'RUNNING' | 'COMPLETE' | 'FAILED' | 'CACHED' | 'CANCELED';
/** MLMD Artifact.State names; null when the column is NULL (legacy crashed runs). */
export type ArtifactState = 'UNKNOWN' | 'PENDING' | 'LIVE' | 'MARKED_FOR_DELETION' | 'DELETED' | 'ABANDONED' | 'REFERENCE' | null;
/** MLMD Event.Type names. */
export type EventType =
  | 'UNKNOWN'
  | 'DECLARED_OUTPUT'
  | 'DECLARED_INPUT'
  | 'INPUT'
  | 'OUTPUT'
  | 'INTERNAL_INPUT'
  | 'INTERNAL_OUTPUT'
  | 'PENDING_OUTPUT';

export interface RunSummary {
  /** Context id of the `pipeline_run` (IR style) or `run` (legacy style) context. */
  id: number;
  /** The run id (Context.name; legacy: the part after `<pipeline>.`). */
  name: string;
  pipeline: string;
  style: 'ir' | 'legacy';
  createTime: number;
  /** Latest last_update_time of its executions (ms). */
  updateTime: number;
  /** Derived: RUNNING if any execution RUNNING (waiting approvals count as RUNNING/waiting), FAILED if any failed, else COMPLETE. */
  state: 'RUNNING' | 'WAITING' | 'FAILED' | 'CANCELED' | 'COMPLETE';
  executionCount: number;
}

export interface ExecutionSummary {
  id: number;
  /** Component id (node id): from the `node` context (IR) or `component_id` property (legacy). */
  nodeId: string;
  type: string;
  state: ExecutionState;
  createTime: number;
  updateTime: number;
  /** Milliseconds between create and last update. */
  durationMs: number;
  /** Error message from `__execution_result__`, when FAILED/CANCELED. */
  error?: string;
  /** True for a HumanApproval execution that waits for a decision. */
  waiting?: boolean;
  properties: Properties;
  customProperties: Properties;
}

export interface ArtifactSummary {
  id: number;
  type: string;
  uri: string;
  state: ArtifactState;
  name?: string;
  createTime: number;
  updateTime: number;
  properties: Properties;
  customProperties: Properties;
}

export interface ArtifactEvent {
  /** Event key (first path step), e.g. `examples`. */
  key: string;
  index: number;
  type: EventType;
  artifact: ArtifactSummary;
}

export interface ExecutionDetail extends ExecutionSummary {
  runName?: string;
  pipeline?: string;
  inputs: ArtifactEvent[];
  outputs: ArtifactEvent[];
}

export interface LineageNode {
  kind: 'artifact' | 'execution';
  id: number;
  /** Artifact type name or execution type name. */
  type: string;
  label: string;
  state: string | null;
  nodeId?: string;
  uri?: string;
  cached?: boolean;
  properties: Properties;
  customProperties: Properties;
}

export interface LineageEdge {
  /** Artifact -> execution for INPUT, execution -> artifact for OUTPUT (and the INTERNAL_* variants). */
  from: string;
  to: string;
  type: EventType;
  key: string;
}

export interface LineageGraph {
  /** Node keys are `a<id>` for artifacts and `e<id>` for executions. */
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** True when the graph hit the node limit and was cut short. */
  truncated?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Offset for the next page; undefined when there is none. */
  next?: number;
  total: number;
}
