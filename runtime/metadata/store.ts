// The ML Metadata store: an MLMD schema-version-10 SQLite file written the way current TFX writes it
// (tfx-reference §2) and read whatever wrote it (TFX IR style, legacy InteractiveContext style, v6–v10).
// This class is the façade the rest of the runtime uses. Behind it, along MLMD's and TFX's seams:
//  - connection.ts: opening a location, read()/write() transactions, the statement and type caches,
//    over a backend: sqliteSource.ts (a SQLite file: journal mode, busy timeout) or mysqlSource.ts (a
//    MySQL/MariaDB database), each with its SQL dialect (dialect.ts);
//  - mlmdWrites.ts: MLMD's write primitives (types, contexts, events, properties, states);
//  - mlmdReads.ts: MLMD's reads, and the IR and legacy lookups of runs and nodes;
//  - executionPublish.ts: how TFX records a run (TFX's execution_publish_utils).
// What a HumanApproval or a blessed model is, the store does not know: that is the orchestrator's
// (orchestrator/approval.ts, orchestrator/resolverStrategies.ts), over the generic lookups below.

import { buildLineage, type LineageOptions, type LineageResult } from './lineage';
import { MetadataConnection, MetadataStoreError, type OpenOptions } from './connection';
import { ExecutionPublisher, type DeliberatelyRunning, type OutputArtifactRecord, type RegisterExecutionArgs } from './executionPublish';
import { MlmdReads } from './mlmdReads';
import { MlmdWrites } from './mlmdWrites';
import type { PropertyInputs } from './propertyCodec';
import { CONTEXT_PIPELINE } from './schema';
import type { ArtifactSummary, ExecutionDetail, ExecutionSummary, Page, ProducedArtifact, RunSummary } from './types';
import type { Properties } from '../../common/artifacts';
import type { StoreLocation } from './location';

export type { PropertyInputs, PropertyInputValue } from './propertyCodec';
export type { LineageOptions, LineageResult } from './lineage';
export { MetadataStoreError, type OpenOptions } from './connection';
export type { DeliberatelyRunning, OutputArtifactRecord, RegisterExecutionArgs } from './executionPublish';

export class MetadataStore {
  private readonly q: MlmdReads;
  private readonly w: MlmdWrites;
  private readonly publisher: ExecutionPublisher;

  private constructor(private readonly conn: MetadataConnection) {
    this.q = new MlmdReads(conn);
    this.w = new MlmdWrites(conn);
    this.publisher = new ExecutionPublisher(conn, this.w, this.q);
  }

  /** A string is a SQLite file's path; a StoreLocation names a SQLite file or a MySQL/MariaDB database. */
  static open(location: string | StoreLocation, opts: OpenOptions = {}): MetadataStore {
    return new MetadataStore(MetadataConnection.open(location, opts));
  }

  /** Which backend holds this store. */
  get backend(): 'sqlite' | 'mysql' {
    return this.conn.dialect.name;
  }

  /** The SQLite file's absolute path, or the MySQL database's URL (never with a password). */
  get path(): string {
    return this.conn.path;
  }

  get schemaVersion(): number {
    return this.conn.schemaVersion;
  }

  get readonly(): boolean {
    return this.conn.readonly;
  }

  close(): void {
    this.conn.close();
  }

  // ---- recording runs (executionPublish.ts) ------------------------------------------------------

  /** The `pipeline` context and a `pipeline_run` context under it (ParentContext child = run). */
  beginRun(pipeline: string, runId: string): { pipelineContextId: number; runContextId: number } {
    return this.publisher.beginRun(pipeline, runId);
  }

  /** A new RUNNING execution with its inputs (TFX `register_execution`). */
  registerExecution(a: RegisterExecutionArgs): number {
    return this.publisher.registerExecution(a);
  }

  /** TFX's cache hit test (§2.6): the newest reusable execution with this cache key, and its outputs. */
  findCached(cacheKey: string): { executionId: number; outputs: Record<string, ArtifactSummary[]> } | undefined {
    return this.publisher.findCached(cacheKey);
  }

  /** A cache hit: state CACHED, OUTPUT events to the reused artifacts, attributed to this run's contexts. */
  publishCached(executionId: number, cacheKey: string, outputs: Record<string, readonly number[]>, customProperties?: PropertyInputs): void {
    this.publisher.publishCached(executionId, cacheKey, outputs, customProperties);
  }

  /** A successful execution (TFX `publish_succeeded_execution`). Returns the new artifact ids by key. */
  publishSucceeded(
    executionId: number,
    cacheKey: string | undefined,
    outputs: Record<string, readonly OutputArtifactRecord[]>,
    executionCustomProperties?: PropertyInputs,
  ): Record<string, number[]> {
    return this.publisher.publishSucceeded(executionId, cacheKey, outputs, executionCustomProperties);
  }

  /** A failed execution that still records its outputs (ABANDONED): see ExecutionPublisher.publishFailedWithOutputs. */
  publishFailedWithOutputs(executionId: number, outputs: Record<string, readonly OutputArtifactRecord[]>, message: string, executionCustomProperties?: PropertyInputs): Record<string, number[]> {
    return this.publisher.publishFailedWithOutputs(executionId, outputs, message, executionCustomProperties);
  }

  /** An Importer's result: the same source's earlier artifact reused (unless `reuse` is false) or a new one. */
  publishImported(executionId: number, key: string, artifact: OutputArtifactRecord, reuse: boolean): { artifactId: number; reused: boolean } {
    return this.publisher.publishImported(executionId, key, artifact, reuse);
  }

  /** A resolver's result: COMPLETE with INTERNAL_OUTPUT events to the resolved artifacts (none if nothing resolved). */
  publishInternalOutputs(executionId: number, outputs: Record<string, readonly number[]>): void {
    this.publisher.publishInternalOutputs(executionId, outputs);
  }

  /** FAILED or CANCELED, with TFX's `__execution_result__` JSON holding the message. No outputs. */
  finishExecution(executionId: number, state: 'FAILED' | 'CANCELED', message: string): void {
    this.publisher.finishExecution(executionId, state, message);
  }

  /**
   * Executions left RUNNING by a process that died become FAILED with `reason`, except those marked as
   * running on purpose by one of `survivors` (see ExecutionPublisher.recoverInterrupted). Returns how many.
   */
  recoverInterrupted(reason: string, survivors: readonly DeliberatelyRunning[]): number {
    return this.publisher.recoverInterrupted(reason, survivors);
  }

  /** Custom properties on an execution (approval state, reviewer …); bumps last_update_time. */
  setExecutionProperties(executionId: number, props: PropertyInputs): void {
    this.conn.write(() => {
      const exec = this.w.requireExecution(executionId);
      this.w.putProperties('ExecutionProperty', executionId, exec.type_id, props, `execution ${executionId}`, true);
      this.w.touch('Execution', executionId, Date.now());
    });
  }

  /** Custom properties on a context (a run's scope and outcome); bumps last_update_time. */
  setContextProperties(contextId: number, props: PropertyInputs): void {
    this.conn.write(() => {
      this.w.putProperties('ContextProperty', contextId, undefined, props, `context ${contextId}`, true);
      this.conn.stmt('UPDATE `Context` SET last_update_time_since_epoch = ? WHERE id = ?').run(Date.now(), contextId);
    });
  }

  /** Custom properties of a context (a run's recorded scope and outcome). */
  contextProperties(contextId: number): Properties {
    return this.read(() => this.q.propertiesOf('ContextProperty', [contextId]).get(contextId)?.customProperties ?? {});
  }

  /** LIVE artifacts of a type, newest first, with the pipeline, node and run that produced each. */
  artifactsOfType(type: string, limit = 200): ProducedArtifact[] {
    return this.read(() => this.q.artifactsOfType(type, limit));
  }

  /** The cache key an execution was recorded under; undefined for resolvers and foreign executions. */
  executionCacheKey(executionId: number): string | undefined {
    return this.read(() => this.q.executionCacheKey(executionId));
  }

  /** Custom properties on an artifact; bumps last_update_time. */
  setArtifactProperties(artifactId: number, props: PropertyInputs): void {
    this.conn.write(() => {
      const row = this.w.requireArtifact(artifactId);
      this.w.putProperties('ArtifactProperty', artifactId, row.type_id, props, `artifact ${artifactId}`, true);
      this.w.touch('Artifact', artifactId, Date.now());
    });
  }

  // ---- read API ----------------------------------------------------------------------------------

  listPipelines(): string[] {
    return this.read(() => this.q.listPipelines());
  }

  /** What the database holds, by table: says why a database without pipeline runs still has content. */
  counts(): { artifacts: number; executions: number; contexts: number } {
    return this.read(() => this.q.counts());
  }

  /** Changes with every commit a view shows (mlmdReads.changeSignature): what a server store's watcher polls. */
  changeSignature(): string {
    return this.read(() => this.q.changeSignature());
  }

  /** Runs, newest first: IR `pipeline_run` contexts (pipeline from ParentContext) and legacy `run` contexts. */
  listRuns(o: { pipeline?: string; limit?: number; offset?: number } = {}): Page<RunSummary> {
    return this.read(() => this.q.listRuns(o));
  }

  runExecutions(runContextId: number): ExecutionSummary[] {
    return this.read(() => this.q.runExecutions(runContextId));
  }

  execution(id: number): ExecutionDetail | undefined {
    return this.read(() => this.q.execution(id));
  }

  artifact(id: number): ArtifactSummary | undefined {
    return this.read(() => this.q.artifact(id));
  }

  /** Upstream to the sources and/or downstream to the consumers, across runs. Throws not-found for an unknown id. */
  lineage(artifactId: number, o?: LineageOptions): LineageResult {
    const graph = this.read(() => buildLineage(this.q, artifactId, o));
    if (!graph) throw new MetadataStoreError(`Artifact ${artifactId} does not exist in ${this.path}. List artifacts with \`mlpipe show <execution id>\`.`, 'not-found');
    return graph;
  }

  latestNodeExecution(pipeline: string, nodeId: string): ExecutionSummary | undefined {
    return this.read(() => this.q.latestNodeExecution(pipeline, nodeId));
  }

  /** Outputs of the node's latest COMPLETE/CACHED execution whose outputs are all still LIVE. */
  latestNodeOutputs(pipeline: string, nodeId: string): Record<string, ArtifactSummary[]> | undefined {
    return this.read(() => this.q.latestNodeOutputs(pipeline, nodeId));
  }

  /** Outputs of the node's newest COMPLETE/CACHED execution in the given run, when all still LIVE. */
  runNodeOutputs(pipeline: string, nodeId: string, runContextId: number): Record<string, ArtifactSummary[]> | undefined {
    return this.read(() => this.q.runNodeOutputs(pipeline, nodeId, runContextId));
  }

  /** The last execution of every node of a pipeline, by node id. */
  nodeStates(pipeline: string): Record<string, ExecutionSummary> {
    return this.read(() => this.q.nodeStates(pipeline));
  }

  /** The node's previous LIVE output under `outputKey` with an id below `beforeArtifactId` ("this run vs previous"). */
  previousArtifactOfNode(pipeline: string, nodeId: string, outputKey: string, beforeArtifactId: number): ArtifactSummary | undefined {
    return this.read(() => this.q.previousArtifactOfNode(pipeline, nodeId, outputKey, beforeArtifactId));
  }

  /** LIVE artifacts of `type` attributed to the pipeline, newest first (at most `limit`). */
  liveArtifactsOfPipeline(pipeline: string, type: string, limit?: number): ArtifactSummary[] {
    return this.read(() => this.q.liveArtifactsOfContext(CONTEXT_PIPELINE, pipeline, type, limit));
  }

  /** RUNNING executions whose custom string property `name` has `value`, in id order. */
  runningExecutionsWith(name: string, value: string): ExecutionSummary[] {
    return this.read(() => this.q.runningExecutionsWith(name, value));
  }

  private read<T>(fn: () => T): T {
    return this.conn.read(fn);
  }
}
