// How a pipeline run is recorded, after TFX's execution_publish_utils.py (tfx-reference §2): a run's
// contexts, an execution registered RUNNING with its inputs, the cache lookup, and the end of an
// execution: cached, succeeded with new artifacts, internal outputs (a resolver), failed or canceled,
// or interrupted by a runtime that died. Each call is one write transaction over the MLMD primitives.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { MetadataConnection } from './connection';
import { MetadataStoreError } from './connection';
import type { MlmdReads } from './mlmdReads';
import type { MlmdWrites } from './mlmdWrites';
import { currentProcessStart, ownerAlive } from './processOwner';
import type { PropertyInputs } from './propertyCodec';
import {
  ArtifactStateCode,
  CONTEXT_EXECUTION_CACHE,
  CONTEXT_NODE,
  CONTEXT_PIPELINE,
  CONTEXT_PIPELINE_RUN,
  EventTypeCode,
  ExecutionStateCode,
  PROP_EXECUTION_RESULT,
  PROP_HOST,
  PROP_PROCESS_START,
  PROP_PID,
  TypeKind,
} from './schema';
import type { ArtifactSummary } from './types';
import { MLPIPE_VERSION } from '../version';

export interface OutputArtifactRecord {
  type: string;
  uri: string;
  properties: PropertyInputs;
  customProperties: PropertyInputs;
}

export interface RegisterExecutionArgs {
  pipeline: string;
  runContextId: number;
  nodeId: string;
  executionType: string;
  baseType?: string;
  customProperties: PropertyInputs;
  inputs: Record<string, readonly number[]>;
}

/**
 * A custom string property that marks a RUNNING execution as running on purpose (a step waiting for a
 * person): crash recovery leaves such executions alone. The orchestrator says which markers count.
 */
export interface DeliberatelyRunning {
  customProperty: string;
  value: string;
}


/** TFX's ExecutionResult codes are gRPC status codes. */
const RESULT_CODE = { FAILED: 2 /* UNKNOWN */, CANCELED: 1 /* CANCELLED */ } as const;

/** TFX's `__execution_result__` custom property: the JSON ExecutionResult holding the message. */
function executionResult(state: 'FAILED' | 'CANCELED', message: string): PropertyInputs {
  return { [PROP_EXECUTION_RESULT]: JSON.stringify({ code: RESULT_CODE[state], result_message: message }) };
}

/** A stored property against the value an Importer asks for (a boolean is stored as 0/1, like TFX's ints). */
function samePropertyValue(stored: unknown, wanted: PropertyInputs[string]): boolean {
  if (typeof wanted === 'boolean') return stored === wanted || stored === (wanted ? 1 : 0);
  return stored === wanted;
}

export class ExecutionPublisher {
  /** Contexts an execution was associated with by this process (MLMD has no index to find them). */
  private readonly executionContexts = new Map<number, number[]>();

  constructor(
    private readonly conn: MetadataConnection,
    private readonly w: MlmdWrites,
    private readonly r: MlmdReads,
  ) {}

  private contextsOf(executionId: number): number[] {
    return this.executionContexts.get(executionId) ?? this.r.contextIdsOfExecution(executionId);
  }

  /** The `pipeline` context and a `pipeline_run` context under it (ParentContext child = run). */
  beginRun(pipeline: string, runId: string): { pipelineContextId: number; runContextId: number } {
    return this.conn.write(() => {
      const now = Date.now();
      const pipelineContextId = this.w.contextFor(CONTEXT_PIPELINE, pipeline, now);
      const runContextId = this.w.contextFor(CONTEXT_PIPELINE_RUN, runId, now);
      this.w.setParentContext(runContextId, pipelineContextId);
      return { pipelineContextId, runContextId };
    });
  }

  /**
   * A new RUNNING execution (TFX `register_execution`): UUID name, custom properties plus the owning
   * process (`__pid__`, `__host__`), INPUT events with (key, index) paths, associations to the pipeline,
   * run and node contexts, and attributions of the inputs to them.
   */
  registerExecution(a: RegisterExecutionArgs): number {
    const { executionId, contexts } = this.conn.write(() => {
      const now = Date.now();
      if (!this.w.contextHasType(a.runContextId, CONTEXT_PIPELINE_RUN)) {
        throw new MetadataStoreError(`Run context ${a.runContextId} does not exist in ${this.conn.path}; call beginRun first.`, 'not-found');
      }
      this.w.requireArtifacts(a.inputs, `Input of ${a.nodeId}:`);
      const typeId = this.w.typeIdFor(a.executionType, TypeKind.EXECUTION, a.baseType);
      const executionId = this.w.insertExecution(typeId, ExecutionStateCode.RUNNING, randomUUID(), now);
      this.w.putProperties(
        'ExecutionProperty',
        executionId,
        typeId,
        { ...a.customProperties, [PROP_PID]: process.pid, [PROP_HOST]: hostname(), [PROP_PROCESS_START]: currentProcessStart() },
        `execution of ${a.nodeId}`,
        true,
      );
      const contexts = [
        this.w.contextFor(CONTEXT_PIPELINE, a.pipeline, now),
        a.runContextId,
        this.w.contextFor(CONTEXT_NODE, `${a.pipeline}.${a.nodeId}`, now),
      ];
      for (const c of contexts) this.w.associate(c, executionId);
      for (const [key, list] of Object.entries(a.inputs)) {
        list.forEach((artifactId, index) => {
          this.w.insertEvent(artifactId, executionId, EventTypeCode.INPUT, key, index, now);
          this.w.attribute(contexts, artifactId);
        });
      }
      return { executionId, contexts };
    });
    // Remembered only once committed: a rolled-back id may be handed out again.
    this.executionContexts.set(executionId, contexts);
    return executionId;
  }

  /**
   * TFX's cache hit test (§2.6): executions associated with the `execution_cache` context named
   * `cacheKey`, COMPLETE or CACHED, newest first; the first whose OUTPUT artifacts are all LIVE and whose
   * uris still exist on disk.
   */
  findCached(cacheKey: string): { executionId: number; outputs: Record<string, ArtifactSummary[]> } | undefined {
    return this.conn.read(() => {
      const ctx = this.r.contextId(CONTEXT_EXECUTION_CACHE, cacheKey);
      if (ctx === undefined) return undefined;
      for (const id of this.r.executionIdsOfContext(ctx, [ExecutionStateCode.COMPLETE, ExecutionStateCode.CACHED])) {
        const outputs = this.r.liveOutputs(id);
        if (!outputs) continue;
        if (Object.values(outputs).every((list) => list.every((artifact) => existsSync(artifact.uri)))) return { executionId: id, outputs };
      }
      return undefined;
    });
  }

  /** A cache hit: state CACHED, OUTPUT events to the reused artifacts, attributed to this run's contexts. */
  publishCached(executionId: number, cacheKey: string, outputs: Record<string, readonly number[]>, customProperties?: PropertyInputs): void {
    this.conn.write(() => {
      const now = Date.now();
      const exec = this.w.requireExecution(executionId);
      this.w.requireArtifacts(outputs, 'Cached output:');
      const cacheCtx = this.w.contextFor(CONTEXT_EXECUTION_CACHE, cacheKey, now);
      this.w.associate(cacheCtx, executionId);
      const contexts = [...new Set([...this.contextsOf(executionId), cacheCtx])];
      for (const [key, list] of Object.entries(outputs)) {
        list.forEach((artifactId, index) => {
          this.w.insertEvent(artifactId, executionId, EventTypeCode.OUTPUT, key, index, now);
          this.w.attribute(contexts, artifactId);
        });
      }
      if (customProperties) this.w.putProperties('ExecutionProperty', executionId, exec.type_id, customProperties, `execution ${executionId}`, true);
      this.w.setState(executionId, ExecutionStateCode.CACHED, now);
      this.executionContexts.delete(executionId);
    });
  }

  /**
   * A successful execution (TFX `publish_succeeded_execution`): COMPLETE; new LIVE artifacts with their
   * declared and custom properties; OUTPUT events; attributions to all the execution's contexts,
   * including the `execution_cache` one when `cacheKey` is given. Returns the new artifact ids by key.
   */
  publishSucceeded(
    executionId: number,
    cacheKey: string | undefined,
    outputs: Record<string, readonly OutputArtifactRecord[]>,
    executionCustomProperties?: PropertyInputs,
  ): Record<string, number[]> {
    return this.conn.write(() => {
      const now = Date.now();
      const exec = this.w.requireExecution(executionId);
      const contexts = [...this.contextsOf(executionId)];
      if (cacheKey !== undefined) {
        const cacheCtx = this.w.contextFor(CONTEXT_EXECUTION_CACHE, cacheKey, now);
        this.w.associate(cacheCtx, executionId);
        if (!contexts.includes(cacheCtx)) contexts.push(cacheCtx);
      }
      const ids: Record<string, number[]> = {};
      for (const [key, list] of Object.entries(outputs)) {
        ids[key] = list.map((artifact, index) => {
          const typeId = this.w.artifactTypeId(artifact.type);
          const artifactId = this.w.insertArtifact(typeId, artifact.uri, ArtifactStateCode.LIVE, now);
          const where = `output "${key}" (${artifact.type})`;
          this.w.putProperties('ArtifactProperty', artifactId, typeId, artifact.properties, where, false);
          // TFX adds tfx_version/state/is_external to every output; ours says which mlpipe wrote it.
          this.w.putProperties(
            'ArtifactProperty',
            artifactId,
            typeId,
            { mlpipe_version: MLPIPE_VERSION, is_external: 0, ...artifact.customProperties, state: 'published' },
            where,
            true,
          );
          this.w.insertEvent(artifactId, executionId, EventTypeCode.OUTPUT, key, index, now);
          this.w.attribute(contexts, artifactId);
          return artifactId;
        });
      }
      if (executionCustomProperties) {
        this.w.putProperties('ExecutionProperty', executionId, exec.type_id, executionCustomProperties, `execution ${executionId}`, true);
      }
      this.w.setState(executionId, ExecutionStateCode.COMPLETE, now);
      this.executionContexts.delete(executionId);
      return ids;
    });
  }

  /**
   * A failed execution whose outputs say why it failed (an ExampleValidator stopped by `fail_on`): the
   * artifacts with their OUTPUT events and attributions, in state ABANDONED (MLMD: "abandoned, due to a
   * failed or cancelled execution"; TFX state string `abandoned`), so no resolver, cache lookup or input
   * of a later step takes them as LIVE; the execution FAILED with `__execution_result__`, and no cache key.
   */
  publishFailedWithOutputs(
    executionId: number,
    outputs: Record<string, readonly OutputArtifactRecord[]>,
    message: string,
    executionCustomProperties?: PropertyInputs,
  ): Record<string, number[]> {
    return this.conn.write(() => {
      const now = Date.now();
      const exec = this.w.requireExecution(executionId);
      const contexts = [...this.contextsOf(executionId)];
      const ids: Record<string, number[]> = {};
      for (const [key, list] of Object.entries(outputs)) {
        ids[key] = list.map((artifact, index) => {
          const typeId = this.w.artifactTypeId(artifact.type);
          const artifactId = this.w.insertArtifact(typeId, artifact.uri, ArtifactStateCode.ABANDONED, now);
          const where = `output "${key}" (${artifact.type})`;
          this.w.putProperties('ArtifactProperty', artifactId, typeId, artifact.properties, where, false);
          this.w.putProperties('ArtifactProperty', artifactId, typeId, { mlpipe_version: MLPIPE_VERSION, is_external: 0, ...artifact.customProperties, state: 'abandoned' }, where, true);
          this.w.insertEvent(artifactId, executionId, EventTypeCode.OUTPUT, key, index, now);
          this.w.attribute(contexts, artifactId);
          return artifactId;
        });
      }
      const props = { ...(executionCustomProperties ?? {}), ...executionResult('FAILED', message) };
      this.w.putProperties('ExecutionProperty', executionId, exec.type_id, props, `execution ${executionId}`, true);
      this.w.setState(executionId, ExecutionStateCode.FAILED, now);
      this.executionContexts.delete(executionId);
      return ids;
    });
  }

  /**
   * An Importer's result (TFX importer_node_handler.py and importer.py `_prepare_artifact`): COMPLETE
   * with an OUTPUT event under `key`. When `reuse` is set, the newest LIVE artifact of the same type at
   * the same uri whose given properties and custom properties all match is reused (no new row);
   * otherwise a new LIVE artifact is recorded. Not attributed to any cache context: an import always runs.
   */
  publishImported(executionId: number, key: string, artifact: OutputArtifactRecord, reuse: boolean): { artifactId: number; reused: boolean } {
    const previous = reuse
      ? this.conn.read(() => this.r.liveArtifactsWithUri(artifact.type, artifact.uri)).find(
          (candidate) =>
            Object.entries(artifact.properties).every(([k, v]) => samePropertyValue(candidate.properties[k], v)) &&
            Object.entries(artifact.customProperties).every(([k, v]) => samePropertyValue(candidate.customProperties[k], v)),
        )
      : undefined;
    if (!previous) {
      const ids = this.publishSucceeded(executionId, undefined, { [key]: [artifact] });
      return { artifactId: ids[key]![0]!, reused: false };
    }
    this.conn.write(() => {
      const now = Date.now();
      this.w.requireExecution(executionId);
      this.w.insertEvent(previous.id, executionId, EventTypeCode.OUTPUT, key, 0, now);
      this.w.attribute(this.contextsOf(executionId), previous.id);
      this.w.setState(executionId, ExecutionStateCode.COMPLETE, now);
      this.executionContexts.delete(executionId);
    });
    return { artifactId: previous.id, reused: true };
  }

  /** A resolver's result: COMPLETE with INTERNAL_OUTPUT events to the resolved artifacts (none if nothing resolved). */
  publishInternalOutputs(executionId: number, outputs: Record<string, readonly number[]>): void {
    this.conn.write(() => {
      const now = Date.now();
      this.w.requireExecution(executionId);
      this.w.requireArtifacts(outputs, 'Resolved');
      const contexts = this.contextsOf(executionId);
      for (const [key, list] of Object.entries(outputs)) {
        list.forEach((artifactId, index) => {
          this.w.insertEvent(artifactId, executionId, EventTypeCode.INTERNAL_OUTPUT, key, index, now);
          this.w.attribute(contexts, artifactId);
        });
      }
      this.w.setState(executionId, ExecutionStateCode.COMPLETE, now);
      this.executionContexts.delete(executionId);
    });
  }

  /** FAILED or CANCELED, with TFX's `__execution_result__` JSON holding the message. No outputs. */
  finishExecution(executionId: number, state: 'FAILED' | 'CANCELED', message: string): void {
    this.conn.write(() => {
      const now = Date.now();
      const exec = this.w.requireExecution(executionId);
      this.w.putProperties('ExecutionProperty', executionId, exec.type_id, executionResult(state, message), `execution ${executionId}`, true);
      this.w.setState(executionId, state === 'FAILED' ? ExecutionStateCode.FAILED : ExecutionStateCode.CANCELED, now);
      this.executionContexts.delete(executionId);
    });
  }

  /**
   * Executions left RUNNING by a process that died (kill -9, crash, reboot) become FAILED with `reason`.
   * Left alone: executions marked as running on purpose (`survivors`, e.g. a wait for a person, which
   * survives restarts), executions whose owning process is alive on this host (same pid and same start
   * time, so a reused pid does not count), executions owned by another host (we cannot tell) and
   * executions without an owner (written by TFX or another tool, which may still be running).
   * Returns how many it marked.
   */
  recoverInterrupted(reason: string, survivors: readonly DeliberatelyRunning[]): number {
    if (!this.conn.writable) return 0;
    return this.conn.write(() => {
      const rows = this.conn
        .stmt(
          // The start time is a millisecond timestamp: on MySQL's 32-bit int_value it is kept in double_value.
          'SELECT e.id AS id, e.type_id AS type_id, pid.int_value AS pid, host.string_value AS host, COALESCE(ps.int_value, ps.double_value) AS started FROM `Execution` e' +
            ' LEFT JOIN `ExecutionProperty` pid ON pid.execution_id = e.id AND pid.name = ? AND pid.is_custom_property = 1' +
            ' LEFT JOIN `ExecutionProperty` host ON host.execution_id = e.id AND host.name = ? AND host.is_custom_property = 1' +
            ' LEFT JOIN `ExecutionProperty` ps ON ps.execution_id = e.id AND ps.name = ? AND ps.is_custom_property = 1' +
            ' WHERE e.last_known_state = ?',
        )
        .all(PROP_PID, PROP_HOST, PROP_PROCESS_START, ExecutionStateCode.RUNNING) as Array<{
        id: number;
        type_id: number;
        pid: number | null;
        host: string | null;
        started: number | null;
      }>;
      const kept = new Set(survivors.flatMap((s) => this.r.runningExecutionsWith(s.customProperty, s.value).map((e) => e.id)));
      const me = hostname();
      let count = 0;
      const now = Date.now();
      for (const r of rows) {
        if (kept.has(r.id)) continue;
        if (r.pid === null || r.host !== me) continue;
        if (ownerAlive(r.pid, r.started)) continue;
        this.w.putProperties('ExecutionProperty', r.id, r.type_id, executionResult('FAILED', reason), `execution ${r.id}`, true);
        this.w.setState(r.id, ExecutionStateCode.FAILED, now);
        count++;
      }
      return count;
    });
  }
}
