// The runtime modules the server wraps, loaded on first use. Loading lazily keeps `serve` quick to
// answer `hello` (DuckDB, TF.js and better-sqlite3 load only when a request needs them), and lets the
// server build and answer with a clear message while a module is still missing from this build.
// esbuild bundles each `require` below when its file exists (an unresolved require inside `try` is
// only a warning), so the shapes here are the contracts of the modules, checked at the call sites.
import type {
  ArtifactSummary,
  ExecutionDetail,
  ExecutionSummary,
  LineageGraph,
  Page,
  RunSummary,
} from '../metadata/types';

/** The metadata store as the server reads it (MetadataStore must stay assignable to it). */
export interface MetadataStoreLike {
  close(): void;
  listPipelines(): string[];
  listRuns(o: { pipeline?: string; limit?: number; offset?: number }): Page<RunSummary>;
  runExecutions(runContextId: number): ExecutionSummary[];
  execution(id: number): ExecutionDetail | undefined;
  artifact(id: number): ArtifactSummary | undefined;
  lineage(artifactId: number, o?: { direction?: 'upstream' | 'downstream' | 'both'; maxDepth?: number }): LineageGraph;
  nodeStates(pipeline: string): Record<string, ExecutionSummary>;
  latestNodeOutputs(pipeline: string, nodeId: string): Record<string, ArtifactSummary[]> | undefined;
  waitingApprovals(): ExecutionSummary[];
}

type DefinitionModule = typeof import('../definition/load');
type SchemaModule = typeof import('../definition/jsonSchema');
type MetadataModule = typeof import('../metadata/store');
type RunModule = typeof import('../orchestrator/run');
type ApprovalModule = typeof import('../orchestrator/approval');

/** A module of the runtime that this build does not contain (yet). */
export class ModuleUnavailableError extends Error {
  constructor(what: string) {
    super(`${what} is not available in this build of the ML Pipelines runtime.`);
    this.name = 'ModuleUnavailableError';
  }
}

function isMissing(e: unknown): boolean {
  return e instanceof Error && (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && /definition|metadata|orchestrator/.test(e.message);
}

function load<T>(what: string, attempts: Array<() => unknown>, check: (m: Record<string, unknown>) => boolean): T {
  for (const attempt of attempts) {
    let m: unknown;
    try {
      m = attempt();
    } catch (e) {
      if (isMissing(e)) continue;
      throw e;
    }
    if (m && typeof m === 'object' && check(m as Record<string, unknown>)) return m as T;
  }
  throw new ModuleUnavailableError(what);
}

function cached<T>(f: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= f());
}

// Each require sits in its own arrow so esbuild sees a literal path, and only the first one that
// exists and has the expected export is used.
export const definitionModule = cached(() =>
  load<DefinitionModule>(
    'Pipeline validation (runtime/definition)',
    [() => require('../definition/load')],
    (m) => typeof m.loadPipelineText === 'function' && typeof m.loadPipelineFile === 'function',
  ),
);

export const schemaModule = cached(() =>
  load<SchemaModule>(
    'The pipeline JSON Schema (runtime/definition/jsonSchema)',
    [() => require('../definition/jsonSchema')],
    (m) => typeof m.pipelineJsonSchema === 'function' && typeof m.componentHover === 'function',
  ),
);

export const metadataModule = cached(() =>
  load<MetadataModule>('The metadata store (runtime/metadata/store)', [() => require('../metadata/store')], (m) => typeof m.MetadataStore === 'function'),
);

export const runModule = cached(() =>
  load<RunModule>('The orchestrator (runtime/orchestrator/run)', [() => require('../orchestrator/run')], (m) => typeof m.runPipeline === 'function'),
);

export const approvalModule = cached(() =>
  load<ApprovalModule>('Approvals (runtime/orchestrator/approval)', [() => require('../orchestrator/approval')], (m) => typeof m.recordApproval === 'function'),
);
