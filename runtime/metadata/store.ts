// The ML Metadata store: an MLMD schema-version-10 SQLite file written the way current TFX writes it
// (tfx-reference §2) and read whatever wrote it (TFX IR style, legacy InteractiveContext style, v8–v10).
//
// Concurrency and journal mode (tfx-reference §1.7.6). Several processes use one file at once: `mlpipe
// run`s from terminals or CI and the extension's runtime, all on the machine that holds the workspace
// (DESIGN §2: the runtime runs where the workspace is). Decision:
//  - A database mlpipe CREATES is switched to WAL. Measured here (test/bench/metadata.bench.ts and
//    variants, other jobs sharing the disk): 13–50 ms per recorded execution with the rollback journal
//    (DELETE or TRUNCATE, synchronous FULL or NORMAL) against 1.9–5.7 ms in WAL with synchronous=NORMAL,
//    because MLMD's 40 indexes make every small transaction touch ~40 pages that the rollback journal
//    copies and fsyncs twice. WAL also lets the extension read while runs write (readers never block
//    the writer), which is exactly our access pattern. The caution in the reference is about writers on
//    other machines (WAL needs shared memory); ours are local. TFX/MLMD open WAL files normally: journal
//    mode is not part of the schema, and the layout stays MLMD's.
//  - A database we did NOT create (a TFX metadata.sqlite, the v8 fixture) keeps its journal mode: we
//    never change a file's persistent properties, and a read-only open never writes.
//  - Workspaces on a network file system can ask for the rollback journal: OpenOptions.journalMode
//    'delete' or MLPIPE_METADATA_JOURNAL=delete when the file is created.
// What keeps SQLITE_BUSY away in both modes: every write transaction is BEGIN IMMEDIATE (it takes the
// write lock before reading, so no transaction ever has to upgrade a read snapshot, the case where SQLite
// returns BUSY without waiting), no transaction spans an await, and every connection waits up to
// busy_timeout (15 s by default; MLMD itself gives up after ~2 s) for a lock.

import Database from './sqlite';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { buildLineage, type LineageOptions, type LineageResult } from './lineage';
import { encodeProperty, PropertyTypeError, type PropertyInputs } from './propertyCodec';
import { currentProcessStart, ownerAlive } from './processOwner';
import { MetadataQueries, type SchemaColumns } from './readQueries';
import {
  ArtifactStateCode,
  CONTEXT_EXECUTION_CACHE,
  CONTEXT_NODE,
  CONTEXT_PIPELINE,
  CONTEXT_PIPELINE_RUN,
  EventTypeCode,
  ExecutionStateCode,
  PROP_APPROVAL_STATE,
  PROP_EXECUTION_RESULT,
  PROP_HOST,
  PROP_PROCESS_START,
  PROP_PID,
  PropertyType,
  SCHEMA_VERSION,
  SEEDED_TYPES,
  STANDARD_ARTIFACT_TYPES,
  TypeKind,
  V10_INDEXES,
  V10_TABLES,
  type PropertyTypeValue,
  type TypeKindValue,
} from './schema';
import type { ArtifactSummary, ExecutionDetail, ExecutionSummary, Page, RunSummary } from './types';
import { UserError } from '../errors';
import { MLPIPE_VERSION } from '../version';

export type { PropertyInputs, PropertyInputValue } from './propertyCodec';
export type { LineageOptions, LineageResult } from './lineage';

/** A problem the user can act on (bad path, not an MLMD file, unsupported version, missing id). */
export class MetadataStoreError extends UserError {
  declare readonly code: 'open' | 'not-mlmd' | 'version' | 'readonly' | 'not-found' | 'invalid';
  constructor(message: string, code: MetadataStoreError['code']) {
    super(message, { code });
  }
}

/** The tables of every ML Metadata schema version mlpipe reads (6 and up). */
const MLMD_CORE_TABLES = ['Type', 'Artifact', 'ArtifactProperty', 'Execution', 'ExecutionProperty', 'Context', 'ContextProperty', 'Event', 'EventPath', 'Association', 'Attribution'];

export interface OpenOptions {
  readonly?: boolean;
  /** How long to wait for another process's lock, in ms (default 15,000). */
  busyTimeoutMs?: number;
  /**
   * Journal mode of a database this call creates (existing files keep theirs). Default: the
   * MLPIPE_METADATA_JOURNAL environment variable, else 'wal'. Use 'delete' on network file systems.
   */
  journalMode?: 'wal' | 'delete';
}

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

const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

/** TFX's ExecutionResult codes are gRPC status codes. */
const RESULT_CODE = { FAILED: 2 /* UNKNOWN */, CANCELED: 1 /* CANCELLED */ } as const;

type PropertyTable = 'ArtifactProperty' | 'ExecutionProperty' | 'ContextProperty';
const OWNER: Record<PropertyTable, string> = {
  ArtifactProperty: 'artifact_id',
  ExecutionProperty: 'execution_id',
  ContextProperty: 'context_id',
};

export class MetadataStore {
  readonly path: string;
  readonly schemaVersion: number;
  readonly readonly: boolean;
  private readonly db: Database.Database;
  private readonly q: MetadataQueries;
  /** Declared properties per type id (types are never deleted, so caching is safe). */
  private readonly declared = new Map<number, Record<string, PropertyTypeValue>>();
  /** Contexts an execution was associated with by this process (MLMD has no index to find them). */
  private readonly executionContexts = new Map<number, number[]>();

  private constructor(path: string, db: Database.Database, schemaVersion: number, readonly: boolean, columns: SchemaColumns) {
    this.path = path;
    this.db = db;
    this.schemaVersion = schemaVersion;
    this.readonly = readonly;
    this.q = new MetadataQueries(db, columns);
  }

  static open(path: string, opts: OpenOptions = {}): MetadataStore {
    const file = resolve(path);
    const readonly = opts.readonly === true;
    let db: Database.Database;
    try {
      if (readonly) {
        db = new Database(file, { readonly: true, fileMustExist: true });
      } else {
        mkdirSync(dirname(file), { recursive: true });
        db = new Database(file);
      }
    } catch (err) {
      const hint = readonly && !existsSync(file) ? 'The file does not exist: check the path (--db or mlpipe.metadataPath).' : 'Check the path and its permissions.';
      throw new MetadataStoreError(`Cannot open the metadata database ${file}: ${(err as Error).message}. ${hint}`, 'open');
    }
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
      const version = MetadataStore.prepare(db, file, readonly, journalModeFor(opts));
      // In WAL mode NORMAL cannot corrupt the file; it only skips the fsync per commit.
      if (!readonly && String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal') db.pragma('synchronous = NORMAL');
      const columns: SchemaColumns = {
        ArtifactProperty: columnNames(db, 'ArtifactProperty'),
        ExecutionProperty: columnNames(db, 'ExecutionProperty'),
        ContextProperty: columnNames(db, 'ContextProperty'),
      };
      return new MetadataStore(file, db, version, readonly, columns);
    } catch (err) {
      db.close();
      if (err instanceof MetadataStoreError) throw err;
      const message = (err as Error).message;
      if (/not a database|file is encrypted/i.test(message)) {
        throw new MetadataStoreError(`${file} is not an SQLite database. Point --db (or mlpipe.metadataPath) at an ML Metadata file.`, 'not-mlmd');
      }
      throw new MetadataStoreError(`Cannot read the metadata database ${file}: ${message}`, 'open');
    }
  }

  /** Creates the v10 layout in an empty file, or checks an existing one; returns its schema version. */
  private static prepare(db: Database.Database, file: string, readonly: boolean, journalMode: 'wal' | 'delete'): number {
    const hasTables = (): boolean =>
      (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").get() as { n: number }).n > 0;
    if (!hasTables()) {
      if (readonly) {
        throw new MetadataStoreError(`${file} is empty, not an ML Metadata database. Run a pipeline first or choose another file.`, 'not-mlmd');
      }
      // Two processes may create the same new file at once: the IMMEDIATE lock makes one of them do it.
      let created = false;
      db.transaction(() => {
        if (hasTables()) return;
        created = true;
        for (const t of V10_TABLES) db.exec(t.sql);
        for (const i of V10_INDEXES) db.exec(i.sql);
        db.prepare('INSERT INTO `MLMDEnv`(`schema_version`) VALUES (?)').run(SCHEMA_VERSION);
        const insertType = db.prepare('INSERT INTO `Type`(`name`, `type_kind`) VALUES (?, ?)');
        for (const t of SEEDED_TYPES) insertType.run(t.name, t.kind);
      }).immediate();
      // Outside the transaction (SQLite requires it); only the creator chooses the mode. It needs an
      // exclusive lock: if other processes keep reading past the busy timeout, the file simply stays in
      // rollback mode, which is slower but just as correct.
      if (created && journalMode === 'wal') {
        try {
          db.pragma('journal_mode = WAL');
        } catch (err) {
          if (!/busy|locked/i.test((err as Error).message)) throw err;
        }
      }
    }
    const env = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'MLMDEnv'").get();
    if (!env) {
      throw new MetadataStoreError(`${file} is an SQLite database but not an ML Metadata one (it has no MLMDEnv table).`, 'not-mlmd');
    }
    const rows = db.prepare('SELECT schema_version FROM `MLMDEnv`').all() as Array<{ schema_version: number }>;
    if (rows.length !== 1) {
      throw new MetadataStoreError(`${file}: MLMDEnv must hold exactly one schema version, found ${rows.length}. The file may be damaged.`, 'not-mlmd');
    }
    const version = Number(rows[0]!.schema_version);
    if (version < 6) {
      throw new MetadataStoreError(
        `${file} has ML Metadata schema version ${version}; mlpipe reads versions 8 to ${SCHEMA_VERSION}. Upgrade it with a current ml-metadata release.`,
        'version',
      );
    }
    // Every version mlpipe reads has these tables; a file that lacks one is damaged, not ours to guess at.
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    const missing = MLMD_CORE_TABLES.filter((t) => !tables.has(t));
    if (missing.length) {
      throw new MetadataStoreError(`${file} says ML Metadata schema version ${version} but has no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''}: the file is damaged or was not written by ML Metadata.`, 'not-mlmd');
    }
    return version;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- write plumbing ----------------------------------------------------------------------------

  private write<T>(fn: () => T): T {
    if (this.readonly) throw new MetadataStoreError(`${this.path} was opened read-only; nothing can be recorded in it.`, 'readonly');
    if (this.schemaVersion !== SCHEMA_VERSION) {
      throw new MetadataStoreError(
        `${this.path} has ML Metadata schema version ${this.schemaVersion}; mlpipe records runs only in version ${SCHEMA_VERSION} databases (TFX would refuse a mixed file). Use a new database file for mlpipe runs.`,
        'version',
      );
    }
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      // Anything registered inside the rolled-back transaction is gone: forget cached ids.
      this.q.forgetTypes();
      this.declared.clear();
      if (err instanceof PropertyTypeError) throw new MetadataStoreError(err.message, 'invalid');
      throw err;
    }
  }

  private typeIdFor(name: string, kind: TypeKindValue, baseType?: string, properties?: Readonly<Record<string, PropertyTypeValue>>): number {
    let id = this.q.typeId(name, kind);
    if (id === undefined) {
      id = Number(this.q.stmt('INSERT INTO `Type`(`name`, `type_kind`) VALUES (?, ?)').run(name, kind).lastInsertRowid);
      if (baseType) {
        const baseKind = kind === TypeKind.CONTEXT ? undefined : kind;
        const parent = baseKind === undefined ? undefined : this.q.typeId(baseType, baseKind);
        if (parent === undefined) throw new MetadataStoreError(`Unknown MLMD base type "${baseType}" for type "${name}".`, 'invalid');
        this.q.stmt('INSERT OR IGNORE INTO `ParentType`(`type_id`, `parent_type_id`) VALUES (?, ?)').run(id, parent);
      }
      this.q.forgetTypes();
    }
    if (properties) {
      // Like TFX (can_add_fields), a type that lacks one of the declared properties gets it added.
      const have = this.declaredProperties(id);
      for (const [prop, dataType] of Object.entries(properties)) {
        if (have[prop] !== undefined) continue;
        this.q.stmt('INSERT OR IGNORE INTO `TypeProperty`(`type_id`, `name`, `data_type`) VALUES (?, ?, ?)').run(id, prop, dataType);
        have[prop] = dataType;
      }
    }
    return id;
  }

  private declaredProperties(typeId: number): Record<string, PropertyTypeValue> {
    let d = this.declared.get(typeId);
    if (!d) {
      d = {};
      const rows = this.q.stmt('SELECT name, data_type FROM `TypeProperty` WHERE type_id = ?').all(typeId) as Array<{ name: string; data_type: number | null }>;
      for (const r of rows) d[r.name] = (r.data_type ?? PropertyType.UNKNOWN) as PropertyTypeValue;
      this.declared.set(typeId, d);
    }
    return d;
  }

  private artifactTypeId(type: string): number {
    const standard = STANDARD_ARTIFACT_TYPES[type];
    return this.typeIdFor(type, TypeKind.ARTIFACT, standard?.baseType, standard?.properties ?? {});
  }

  private contextFor(typeName: string, name: string, now: number): number {
    if (name === '') throw new MetadataStoreError(`A ${typeName} context needs a non-empty name.`, 'invalid');
    const typeId = this.typeIdFor(typeName, TypeKind.CONTEXT);
    const row = this.q.stmt('SELECT id FROM `Context` WHERE type_id = ? AND name = ?').get(typeId, name) as { id: number } | undefined;
    if (row) return row.id;
    return Number(
      this.q
        .stmt('INSERT INTO `Context`(`type_id`, `name`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES (?, ?, ?, ?)')
        .run(typeId, name, now, now).lastInsertRowid,
    );
  }

  private putProperties(table: PropertyTable, ownerId: number, typeId: number | undefined, props: PropertyInputs, where: string, allCustom: boolean): void {
    const declared = typeId === undefined || allCustom ? {} : this.declaredProperties(typeId);
    const insert = this.q.stmt(
      `INSERT OR REPLACE INTO \`${table}\`(\`${OWNER[table]}\`, \`name\`, \`is_custom_property\`, \`int_value\`, \`double_value\`, \`string_value\`, \`bool_value\`)` +
        ' VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined) continue;
      const dataType = Object.prototype.hasOwnProperty.call(declared, name) ? declared[name] : undefined;
      const v = encodeProperty(name, value, dataType, where);
      insert.run(ownerId, name, dataType === undefined ? 1 : 0, v.int_value, v.double_value, v.string_value, v.bool_value);
    }
  }

  private insertEvent(artifactId: number, executionId: number, type: number, key: string, index: number, now: number): void {
    const result = this.q
      .stmt('INSERT OR IGNORE INTO `Event`(`artifact_id`, `execution_id`, `type`, `milliseconds_since_epoch`) VALUES (?, ?, ?, ?)')
      .run(artifactId, executionId, type, now);
    // The same artifact under two keys is one MLMD event (UNIQUE artifact, execution, type): first path wins.
    if (result.changes === 0) return;
    const eventId = Number(result.lastInsertRowid);
    const path = this.q.stmt('INSERT INTO `EventPath`(`event_id`, `is_index_step`, `step_index`, `step_key`) VALUES (?, ?, ?, ?)');
    path.run(eventId, 0, null, key);
    path.run(eventId, 1, index, null);
  }

  private associate(contextId: number, executionId: number): void {
    this.q.stmt('INSERT OR IGNORE INTO `Association`(`context_id`, `execution_id`) VALUES (?, ?)').run(contextId, executionId);
  }

  private attribute(contextIds: readonly number[], artifactId: number): void {
    const s = this.q.stmt('INSERT OR IGNORE INTO `Attribution`(`context_id`, `artifact_id`) VALUES (?, ?)');
    for (const c of contextIds) s.run(c, artifactId);
  }

  private contextsOf(executionId: number): number[] {
    const known = this.executionContexts.get(executionId);
    if (known) return known;
    const rows = this.q.stmt('SELECT context_id AS id FROM `Association` WHERE execution_id = ? ORDER BY id').all(executionId) as Array<{ id: number }>;
    return rows.map((r) => r.id);
  }

  private requireExecution(executionId: number): { type_id: number; state: number | null } {
    const row = this.q.stmt('SELECT type_id, last_known_state AS state FROM `Execution` WHERE id = ?').get(executionId) as
      | { type_id: number; state: number | null }
      | undefined;
    if (!row) throw new MetadataStoreError(`Execution ${executionId} does not exist in ${this.path}.`, 'not-found');
    return row;
  }

  private requireArtifacts(idsByKey: Record<string, readonly number[]>, what: string): void {
    const all = Object.values(idsByKey).flat();
    if (all.length === 0) return;
    const found = this.q.stmt('SELECT id FROM `Artifact` WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(all)) as Array<{ id: number }>;
    const have = new Set(found.map((r) => r.id));
    for (const [key, list] of Object.entries(idsByKey)) {
      for (const id of list) {
        if (!have.has(id)) throw new MetadataStoreError(`${what} artifact ${id} (key "${key}") does not exist in ${this.path}.`, 'not-found');
      }
    }
  }

  private setState(executionId: number, state: number, now: number): void {
    this.q.stmt('UPDATE `Execution` SET last_known_state = ?, last_update_time_since_epoch = ? WHERE id = ?').run(state, now, executionId);
  }

  // ---- write API ---------------------------------------------------------------------------------

  /** The `pipeline` context and a `pipeline_run` context under it (ParentContext child = run). */
  beginRun(pipeline: string, runId: string): { pipelineContextId: number; runContextId: number } {
    return this.write(() => {
      const now = Date.now();
      const pipelineContextId = this.contextFor(CONTEXT_PIPELINE, pipeline, now);
      const runContextId = this.contextFor(CONTEXT_PIPELINE_RUN, runId, now);
      this.q.stmt('INSERT OR IGNORE INTO `ParentContext`(`context_id`, `parent_context_id`) VALUES (?, ?)').run(runContextId, pipelineContextId);
      return { pipelineContextId, runContextId };
    });
  }

  /**
   * A new RUNNING execution (TFX `register_execution`): UUID name, custom properties plus the owning
   * process (`__pid__`, `__host__`), INPUT events with (key, index) paths, associations to the pipeline,
   * run and node contexts, and attributions of the inputs to them.
   */
  registerExecution(a: RegisterExecutionArgs): number {
    const { executionId, contexts } = this.write(() => {
      const now = Date.now();
      const run = this.q.stmt('SELECT c.id FROM `Context` c JOIN `Type` t ON t.id = c.type_id WHERE c.id = ? AND t.name = ?').get(a.runContextId, CONTEXT_PIPELINE_RUN);
      if (!run) throw new MetadataStoreError(`Run context ${a.runContextId} does not exist in ${this.path}; call beginRun first.`, 'not-found');
      this.requireArtifacts(a.inputs, `Input of ${a.nodeId}:`);
      const typeId = this.typeIdFor(a.executionType, TypeKind.EXECUTION, a.baseType);
      const executionId = Number(
        this.q
          .stmt(
            'INSERT INTO `Execution`(`type_id`, `last_known_state`, `name`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES (?, ?, ?, ?, ?)',
          )
          .run(typeId, ExecutionStateCode.RUNNING, randomUUID(), now, now).lastInsertRowid,
      );
      this.putProperties(
        'ExecutionProperty',
        executionId,
        typeId,
        { ...a.customProperties, [PROP_PID]: process.pid, [PROP_HOST]: hostname(), [PROP_PROCESS_START]: currentProcessStart() },
        `execution of ${a.nodeId}`,
        true,
      );
      const contexts = [
        this.contextFor(CONTEXT_PIPELINE, a.pipeline, now),
        a.runContextId,
        this.contextFor(CONTEXT_NODE, `${a.pipeline}.${a.nodeId}`, now),
      ];
      for (const c of contexts) this.associate(c, executionId);
      for (const [key, list] of Object.entries(a.inputs)) {
        list.forEach((artifactId, index) => {
          this.insertEvent(artifactId, executionId, EventTypeCode.INPUT, key, index, now);
          this.attribute(contexts, artifactId);
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
    const ctx = this.q.contextId(CONTEXT_EXECUTION_CACHE, cacheKey);
    if (ctx === undefined) return undefined;
    const rows = this.q
      .stmt(
        'SELECT e.id FROM `Association` a JOIN `Execution` e ON e.id = a.execution_id' +
          ' WHERE a.context_id = ? AND e.last_known_state IN (?, ?) ORDER BY e.create_time_since_epoch DESC, e.id DESC',
      )
      .all(ctx, ExecutionStateCode.COMPLETE, ExecutionStateCode.CACHED) as Array<{ id: number }>;
    for (const { id } of rows) {
      const outputs = this.q.liveOutputs(id);
      if (!outputs) continue;
      if (Object.values(outputs).every((list) => list.every((artifact) => existsSync(artifact.uri)))) return { executionId: id, outputs };
    }
    return undefined;
  }

  /** A cache hit: state CACHED, OUTPUT events to the reused artifacts, attributed to this run's contexts. */
  publishCached(executionId: number, cacheKey: string, outputs: Record<string, readonly number[]>, customProperties?: PropertyInputs): void {
    this.write(() => {
      const now = Date.now();
      const exec = this.requireExecution(executionId);
      this.requireArtifacts(outputs, 'Cached output:');
      const cacheCtx = this.contextFor(CONTEXT_EXECUTION_CACHE, cacheKey, now);
      this.associate(cacheCtx, executionId);
      const contexts = [...new Set([...this.contextsOf(executionId), cacheCtx])];
      for (const [key, list] of Object.entries(outputs)) {
        list.forEach((artifactId, index) => {
          this.insertEvent(artifactId, executionId, EventTypeCode.OUTPUT, key, index, now);
          this.attribute(contexts, artifactId);
        });
      }
      if (customProperties) this.putProperties('ExecutionProperty', executionId, exec.type_id, customProperties, `execution ${executionId}`, true);
      this.setState(executionId, ExecutionStateCode.CACHED, now);
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
    return this.write(() => {
      const now = Date.now();
      const exec = this.requireExecution(executionId);
      const contexts = [...this.contextsOf(executionId)];
      if (cacheKey !== undefined) {
        const cacheCtx = this.contextFor(CONTEXT_EXECUTION_CACHE, cacheKey, now);
        this.associate(cacheCtx, executionId);
        if (!contexts.includes(cacheCtx)) contexts.push(cacheCtx);
      }
      const insertArtifact = this.q.stmt(
        'INSERT INTO `Artifact`(`type_id`, `uri`, `state`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES (?, ?, ?, ?, ?)',
      );
      const ids: Record<string, number[]> = {};
      for (const [key, list] of Object.entries(outputs)) {
        ids[key] = list.map((artifact, index) => {
          const typeId = this.artifactTypeId(artifact.type);
          const artifactId = Number(insertArtifact.run(typeId, artifact.uri, ArtifactStateCode.LIVE, now, now).lastInsertRowid);
          const where = `output "${key}" (${artifact.type})`;
          this.putProperties('ArtifactProperty', artifactId, typeId, artifact.properties, where, false);
          // TFX adds tfx_version/state/is_external to every output; ours says which mlpipe wrote it.
          this.putProperties(
            'ArtifactProperty',
            artifactId,
            typeId,
            { mlpipe_version: MLPIPE_VERSION, is_external: 0, ...artifact.customProperties, state: 'published' },
            where,
            true,
          );
          this.insertEvent(artifactId, executionId, EventTypeCode.OUTPUT, key, index, now);
          this.attribute(contexts, artifactId);
          return artifactId;
        });
      }
      if (executionCustomProperties) {
        this.putProperties('ExecutionProperty', executionId, exec.type_id, executionCustomProperties, `execution ${executionId}`, true);
      }
      this.setState(executionId, ExecutionStateCode.COMPLETE, now);
      this.executionContexts.delete(executionId);
      return ids;
    });
  }

  /** A resolver's result: COMPLETE with INTERNAL_OUTPUT events to the resolved artifacts (none if nothing resolved). */
  publishInternalOutputs(executionId: number, outputs: Record<string, readonly number[]>): void {
    this.write(() => {
      const now = Date.now();
      this.requireExecution(executionId);
      this.requireArtifacts(outputs, 'Resolved');
      const contexts = this.contextsOf(executionId);
      for (const [key, list] of Object.entries(outputs)) {
        list.forEach((artifactId, index) => {
          this.insertEvent(artifactId, executionId, EventTypeCode.INTERNAL_OUTPUT, key, index, now);
          this.attribute(contexts, artifactId);
        });
      }
      this.setState(executionId, ExecutionStateCode.COMPLETE, now);
      this.executionContexts.delete(executionId);
    });
  }

  /** FAILED or CANCELED, with TFX's `__execution_result__` JSON holding the message. No outputs. */
  finishExecution(executionId: number, state: 'FAILED' | 'CANCELED', message: string): void {
    this.write(() => {
      const now = Date.now();
      const exec = this.requireExecution(executionId);
      const result = JSON.stringify({ code: RESULT_CODE[state], result_message: message });
      this.putProperties('ExecutionProperty', executionId, exec.type_id, { [PROP_EXECUTION_RESULT]: result }, `execution ${executionId}`, true);
      this.setState(executionId, state === 'FAILED' ? ExecutionStateCode.FAILED : ExecutionStateCode.CANCELED, now);
      this.executionContexts.delete(executionId);
    });
  }

  /** Custom properties on an execution (approval state, reviewer …); bumps last_update_time. */
  setExecutionProperties(executionId: number, props: PropertyInputs): void {
    this.write(() => {
      const exec = this.requireExecution(executionId);
      this.putProperties('ExecutionProperty', executionId, exec.type_id, props, `execution ${executionId}`, true);
      this.q.stmt('UPDATE `Execution` SET last_update_time_since_epoch = ? WHERE id = ?').run(Date.now(), executionId);
    });
  }

  /** Custom properties on an artifact; bumps last_update_time. */
  setArtifactProperties(artifactId: number, props: PropertyInputs): void {
    this.write(() => {
      const row = this.q.stmt('SELECT type_id FROM `Artifact` WHERE id = ?').get(artifactId) as { type_id: number } | undefined;
      if (!row) throw new MetadataStoreError(`Artifact ${artifactId} does not exist in ${this.path}.`, 'not-found');
      this.putProperties('ArtifactProperty', artifactId, row.type_id, props, `artifact ${artifactId}`, true);
      this.q.stmt('UPDATE `Artifact` SET last_update_time_since_epoch = ? WHERE id = ?').run(Date.now(), artifactId);
    });
  }

  /**
   * Executions left RUNNING by a process that died (kill -9, crash, reboot) become FAILED with `reason`.
   * Left alone: waiting human approvals (they survive restarts), executions whose owning process is
   * alive on this host (same pid and same start time, so a reused pid does not count), executions owned
   * by another host (we cannot tell) and executions without an owner (written by TFX or another tool,
   * which may still be running). Returns how many it marked.
   */
  recoverInterrupted(reason: string): number {
    if (this.readonly || this.schemaVersion !== SCHEMA_VERSION) return 0;
    return this.write(() => {
      const rows = this.q
        .stmt(
          'SELECT e.id AS id, e.type_id AS type_id, pid.int_value AS pid, host.string_value AS host, ap.string_value AS approval,' +
            ' ps.int_value AS started FROM `Execution` e' +
            ' LEFT JOIN `ExecutionProperty` pid ON pid.execution_id = e.id AND pid.name = ? AND pid.is_custom_property = 1' +
            ' LEFT JOIN `ExecutionProperty` host ON host.execution_id = e.id AND host.name = ? AND host.is_custom_property = 1' +
            ' LEFT JOIN `ExecutionProperty` ap ON ap.execution_id = e.id AND ap.name = ? AND ap.is_custom_property = 1' +
            ' LEFT JOIN `ExecutionProperty` ps ON ps.execution_id = e.id AND ps.name = ? AND ps.is_custom_property = 1' +
            ' WHERE e.last_known_state = ?',
        )
        .all(PROP_PID, PROP_HOST, PROP_APPROVAL_STATE, PROP_PROCESS_START, ExecutionStateCode.RUNNING) as Array<{
        id: number;
        type_id: number;
        pid: number | null;
        host: string | null;
        approval: string | null;
        started: number | null;
      }>;
      const me = hostname();
      let count = 0;
      const now = Date.now();
      for (const r of rows) {
        if (r.approval === 'waiting') continue;
        if (r.pid === null || r.host !== me) continue;
        if (ownerAlive(r.pid, r.started)) continue;
        const result = JSON.stringify({ code: RESULT_CODE.FAILED, result_message: reason });
        this.putProperties('ExecutionProperty', r.id, r.type_id, { [PROP_EXECUTION_RESULT]: result }, `execution ${r.id}`, true);
        this.setState(r.id, ExecutionStateCode.FAILED, now);
        count++;
      }
      return count;
    });
  }

  // ---- read API ----------------------------------------------------------------------------------

  listPipelines(): string[] {
    return this.q.listPipelines();
  }

  /** What the database holds, by table: says why a database without pipeline runs still has content. */
  counts(): { artifacts: number; executions: number; contexts: number } {
    return this.db
      .prepare('SELECT (SELECT COUNT(*) FROM `Artifact`) AS artifacts, (SELECT COUNT(*) FROM `Execution`) AS executions, (SELECT COUNT(*) FROM `Context`) AS contexts')
      .get() as { artifacts: number; executions: number; contexts: number };
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

  /** TFX LatestArtifactStrategy: the newest LIVE artifact of `type` attributed to the pipeline. */
  latestArtifact(pipeline: string, type: string): ArtifactSummary | undefined {
    return this.read(() => this.q.latestArtifact(pipeline, type));
  }

  /** TFX LatestBlessedModelStrategy (§2.7). */
  latestBlessedModel(pipeline: string): { model: ArtifactSummary; blessing: ArtifactSummary } | undefined {
    return this.read(() => this.q.latestBlessedModel(pipeline));
  }

  /** The node's previous LIVE output under `outputKey` with an id below `beforeArtifactId` ("this run vs previous"). */
  previousArtifactOfNode(pipeline: string, nodeId: string, outputKey: string, beforeArtifactId: number): ArtifactSummary | undefined {
    return this.read(() => this.q.previousArtifactOfNode(pipeline, nodeId, outputKey, beforeArtifactId));
  }

  /** HumanApproval executions waiting for a decision (custom `__approval_state__` = 'waiting', RUNNING). */
  waitingApprovals(): ExecutionSummary[] {
    return this.read(() => this.q.waitingApprovals());
  }

  /**
   * Several statements that must see one snapshot. A deferred transaction only takes a shared lock, so
   * it never blocks on, or is blocked by, another reader; better-sqlite3 nests it as a savepoint when
   * called inside a write.
   */
  private read<T>(fn: () => T): T {
    try {
      if (this.db.inTransaction) return fn();
      return this.db.transaction(fn).deferred();
    } catch (err) {
      // Damage found while reading is the file's, not a fault of mlpipe.
      if ((err as { code?: unknown }).code === 'SQLITE_CORRUPT' || (err as { code?: unknown }).code === 'SQLITE_NOTADB') {
        throw new MetadataStoreError(`${this.path} is damaged (${(err as Error).message}); open a copy with sqlite3 and run .recover, or use another file.`, 'not-mlmd');
      }
      throw err;
    }
  }
}

function journalModeFor(opts: OpenOptions): 'wal' | 'delete' {
  if (opts.journalMode) return opts.journalMode;
  const env = process.env.MLPIPE_METADATA_JOURNAL?.toLowerCase();
  return env === 'delete' || env === 'rollback' ? 'delete' : 'wal';
}

function columnNames(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(\`${table}\`)`).all() as Array<{ name: string }>).map((r) => r.name);
}
