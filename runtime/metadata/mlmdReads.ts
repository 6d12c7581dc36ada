// The reads of ML Metadata, over databases written by us or by TFX (IR style and legacy
// InteractiveContext style, schema versions 6–10): generic loaders of artifacts, executions, events and
// their properties (MLMD's get_* calls), and the IR and legacy lookups of pipelines, runs and nodes the
// CLI, the server and the views need. Nothing here knows a component: what TFX or mlpipe means by a
// property (a blessing, a wait) is decided above, in the orchestrator.
// Batch loaders take id lists bound as one JSON array (`json_each`), so a page costs a fixed number of
// statements, whatever its size.

import type { Properties } from '../../common/artifacts';
import type { MetadataConnection, SchemaColumns } from './connection';
import { groupProperties, type PropertyRow } from './propertyCodec';
import {
  ARTIFACT_STATES,
  ArtifactStateCode,
  CONTEXT_LEGACY_RUN,
  CONTEXT_NODE,
  CONTEXT_PIPELINE,
  CONTEXT_PIPELINE_RUN,
  CONTEXT_KFP_PIPELINE,
  CONTEXT_KFP_PIPELINE_RUN,
  PROP_KFP_DISPLAY_NAME,
  PROP_KFP_TASK_NAME,
  EVENT_TYPES,
  EXECUTION_STATES,
  EventTypeCode,
  ExecutionStateCode,
  PROP_APPROVAL_DECISION,
  PROP_APPROVAL_STATE,
  CONTEXT_EXECUTION_CACHE,
  PROP_EXECUTION_RESULT,
  PROPERTY_OWNER_COLUMN,
  TypeKind,
  type PropertyTable,
} from './schema';
import type {
  ArtifactEvent,
  ArtifactState,
  ArtifactSummary,
  EventType,
  ExecutionDetail,
  ExecutionState,
  ExecutionSummary,
  Page,
  ProducedArtifact,
  RunSummary,
} from './types';

interface ArtifactRow {
  id: number;
  type_id: number;
  uri: string | null;
  state: number | null;
  name: string | null;
  create_time_since_epoch: number;
  last_update_time_since_epoch: number;
}

interface ExecutionRow {
  id: number;
  type_id: number;
  last_known_state: number | null;
  name: string | null;
  create_time_since_epoch: number;
  last_update_time_since_epoch: number;
}

interface EventRow {
  id: number;
  artifact_id: number;
  execution_id: number;
  type: number;
}

interface PathRow {
  event_id: number;
  is_index_step: number;
  step_index: number | null;
  step_key: string | null;
}

const OPTIONAL_VALUE_COLUMNS = ['byte_value', 'proto_value', 'bool_value'] as const;

export function artifactStateName(code: number | null): ArtifactState {
  if (code === null || code === undefined) return null;
  return ARTIFACT_STATES[code] ?? 'UNKNOWN';
}

export function executionStateName(code: number | null): ExecutionState {
  if (code === null || code === undefined) return 'UNKNOWN';
  return EXECUTION_STATES[code] ?? 'UNKNOWN';
}

export function eventTypeName(code: number): EventType {
  return EVENT_TYPES[code] ?? 'UNKNOWN';
}

/** The message of a TFX ExecutionResult JSON (either field spelling), or the raw text. */
export function executionResultMessage(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object') {
      const record = parsed as Record<string, unknown>;
      const message = record.result_message ?? record.resultMessage;
      if (typeof message === 'string') return message;
    }
  } catch {
    // Not JSON: a hand-written message.
  }
  return value;
}

function ids(list: Iterable<number>): string {
  return JSON.stringify([...new Set(list)]);
}

export class MlmdReads {
  private readonly columns: SchemaColumns;

  constructor(private readonly conn: MetadataConnection) {
    this.columns = conn.columns;
  }

  stmt(sql: string) {
    return this.conn.stmt(sql);
  }

  private typeId(name: string, kind: Parameters<MetadataConnection['typeId']>[1]): number | undefined {
    return this.conn.typeId(name, kind);
  }

  private typeName(id: number): string {
    return this.conn.typeName(id);
  }

  /** What the database holds, by table: says why a database without pipeline runs still has content. */
  counts(): { artifacts: number; executions: number; contexts: number } {
    return this.stmt(
      'SELECT (SELECT COUNT(*) FROM `Artifact`) AS artifacts, (SELECT COUNT(*) FROM `Execution`) AS executions, (SELECT COUNT(*) FROM `Context`) AS contexts',
    ).get() as { artifacts: number; executions: number; contexts: number };
  }

  /**
   * What changes with every commit a view shows (a new or updated execution, artifact or context; an
   * approval touches its execution): the newest id and last update time of each. Primary keys and
   * MLMD's last_update_time indexes make it a few index lookups, cheap enough to poll a server with.
   */
  changeSignature(): string {
    const parts = ['Execution', 'Artifact', 'Context'].map((t) => `(SELECT MAX(id) FROM \`${t}\`) AS ${t.toLowerCase()}_id, (SELECT MAX(last_update_time_since_epoch) FROM \`${t}\`) AS ${t.toLowerCase()}_time`);
    const row = this.stmt(`SELECT ${parts.join(', ')}`).get() as Record<string, number | bigint | null>;
    return Object.values(row).map((v) => String(v ?? '-')).join(':');
  }

  // ---- contexts ----------------------------------------------------------------------------------

  private contextTypeId(name: string): number {
    return this.typeId(name, TypeKind.CONTEXT) ?? -1;
  }

  contextId(typeName: string, name: string): number | undefined {
    const typeId = this.typeId(typeName, TypeKind.CONTEXT);
    if (typeId === undefined) return undefined;
    const row = this.stmt('SELECT id FROM `Context` WHERE type_id = ? AND name = ?').get(typeId, name) as { id: number } | undefined;
    return row?.id;
  }

  // ---- properties --------------------------------------------------------------------------------

  propertiesOf(table: PropertyTable, ownerIds: Iterable<number>): Map<number, { properties: Properties; customProperties: Properties }> {
    const list = ids(ownerIds);
    if (list === '[]') return new Map();
    const extra = OPTIONAL_VALUE_COLUMNS.filter((c) => this.columns[table].includes(c)).map((c) => `, \`${c}\``);
    const owner = PROPERTY_OWNER_COLUMN[table];
    const rows = this.stmt(
      `SELECT \`${owner}\` AS owner, name, is_custom_property, int_value, double_value, string_value${extra.join('')}` +
        ` FROM \`${table}\` WHERE \`${owner}\` IN (SELECT value FROM json_each(?))`,
    ).all(list) as PropertyRow[];
    return groupProperties(rows);
  }

  // ---- artifacts ---------------------------------------------------------------------------------

  artifactsByIds(artifactIds: Iterable<number>): Map<number, ArtifactSummary> {
    const list = ids(artifactIds);
    const out = new Map<number, ArtifactSummary>();
    if (list === '[]') return out;
    const rows = this.stmt(
      'SELECT id, type_id, uri, state, name, create_time_since_epoch, last_update_time_since_epoch FROM `Artifact`' +
        ' WHERE id IN (SELECT value FROM json_each(?))',
    ).all(list) as ArtifactRow[];
    const props = this.propertiesOf('ArtifactProperty', rows.map((r) => r.id));
    for (const r of rows) {
      const p = props.get(r.id);
      const summary: ArtifactSummary = {
        id: r.id,
        type: this.typeName(r.type_id),
        uri: r.uri ?? '',
        state: artifactStateName(r.state),
        createTime: r.create_time_since_epoch,
        updateTime: r.last_update_time_since_epoch,
        properties: p?.properties ?? {},
        customProperties: p?.customProperties ?? {},
      };
      if (r.name !== null) summary.name = r.name;
      out.set(r.id, summary);
    }
    return out;
  }

  artifact(id: number): ArtifactSummary | undefined {
    return this.artifactsByIds([id]).get(id);
  }

  /** LIVE artifacts of a type, newest first, each with the execution, node, run and pipeline that produced it. */
  artifactsOfType(type: string, limit: number): ProducedArtifact[] {
    const typeId = this.typeId(type, TypeKind.ARTIFACT);
    if (typeId === undefined) return [];
    const rows = this.stmt(
      'SELECT a.id AS id, (SELECT MIN(ev.execution_id) FROM `Event` ev WHERE ev.artifact_id = a.id AND ev.type = ?) AS execution_id' +
        ' FROM `Artifact` a WHERE a.type_id = ? AND a.state = ? ORDER BY a.id DESC LIMIT ?',
    ).all(EventTypeCode.OUTPUT, typeId, ArtifactStateCode.LIVE, Math.max(1, Math.min(limit, 1000))) as Array<{ id: number; execution_id: number | null }>;
    const artifacts = this.artifactsByIds(rows.map((r) => r.id));
    const executions = this.executionsByIds(rows.flatMap((r) => (r.execution_id === null ? [] : [r.execution_id])));
    const out: ProducedArtifact[] = [];
    for (const r of rows) {
      const artifact = artifacts.get(r.id);
      if (!artifact) continue;
      const item: ProducedArtifact = { artifact };
      const exec = r.execution_id === null ? undefined : executions.get(r.execution_id);
      if (exec) {
        item.executionId = exec.id;
        item.nodeId = exec.nodeId;
        const run = this.runOfExecution(exec.id);
        if (run) {
          item.runName = run.name;
          if (run.pipeline !== undefined) item.pipeline = run.pipeline;
        }
      }
      out.push(item);
    }
    return out;
  }

  // ---- executions --------------------------------------------------------------------------------

  /** Node id per execution: the IR `node` context (`<pipeline>.<node_id>`), else legacy `component_id`. */
  private nodeIds(executionIds: readonly number[], props: Map<number, { properties: Properties; customProperties: Properties }>): Map<number, string> {
    const out = new Map<number, string>();
    const nodeType = this.typeId(CONTEXT_NODE, TypeKind.CONTEXT);
    if (nodeType !== undefined && executionIds.length > 0) {
      // Driven from the (few) node contexts so the (context_id, execution_id) index is used:
      // MLMD has no index on Association.execution_id.
      const rows = this.stmt(
        'SELECT a.execution_id AS id, c.name AS name FROM `Context` c JOIN `Association` a ON a.context_id = c.id' +
          ' WHERE c.type_id = ? AND a.execution_id IN (SELECT value FROM json_each(?))',
      ).all(nodeType, ids(executionIds)) as Array<{ id: number; name: string }>;
      for (const r of rows) {
        const dot = r.name.indexOf('.');
        out.set(r.id, dot >= 0 ? r.name.slice(dot + 1) : r.name);
      }
    }
    for (const id of executionIds) {
      if (out.has(id)) continue;
      const p = props.get(id);
      const legacy = p?.properties.component_id ?? p?.customProperties.component_id;
      if (typeof legacy === 'string') out.set(id, legacy);
      // Kubeflow Pipelines: the task's name (a root DAG has none, only its display name).
      const task = p?.customProperties[PROP_KFP_TASK_NAME];
      const display = p?.customProperties[PROP_KFP_DISPLAY_NAME];
      if (typeof legacy !== 'string' && typeof task === 'string' && task !== '') out.set(id, task);
      else if (typeof legacy !== 'string' && typeof display === 'string' && display !== '') out.set(id, display);
    }
    return out;
  }

  executionsByIds(executionIds: Iterable<number>): Map<number, ExecutionSummary> {
    const list = [...new Set(executionIds)];
    const out = new Map<number, ExecutionSummary>();
    if (list.length === 0) return out;
    const rows = this.stmt(
      'SELECT id, type_id, last_known_state, name, create_time_since_epoch, last_update_time_since_epoch FROM `Execution`' +
        ' WHERE id IN (SELECT value FROM json_each(?))',
    ).all(JSON.stringify(list)) as ExecutionRow[];
    const props = this.propertiesOf('ExecutionProperty', rows.map((r) => r.id));
    const nodes = this.nodeIds(rows.map((r) => r.id), props);
    for (const r of rows) {
      const p = props.get(r.id) ?? { properties: {}, customProperties: {} };
      const type = this.typeName(r.type_id);
      const state = executionStateName(r.last_known_state);
      const summary: ExecutionSummary = {
        id: r.id,
        nodeId: nodes.get(r.id) ?? type.slice(type.lastIndexOf('.') + 1),
        type,
        state,
        createTime: r.create_time_since_epoch,
        updateTime: r.last_update_time_since_epoch,
        durationMs: Math.max(0, r.last_update_time_since_epoch - r.create_time_since_epoch),
        properties: p.properties,
        customProperties: p.customProperties,
      };
      if (state === 'FAILED' || state === 'CANCELED') {
        const message = executionResultMessage(p.customProperties[PROP_EXECUTION_RESULT]);
        if (message !== undefined) summary.error = message;
      }
      if (state === 'RUNNING' && p.customProperties[PROP_APPROVAL_STATE] === 'waiting') summary.waiting = true;
      const decision = p.customProperties[PROP_APPROVAL_DECISION];
      if (decision === 'approved' || decision === 'rejected') summary.decision = decision;
      out.set(r.id, summary);
    }
    return out;
  }

  /** Executions in id order. */
  executions(executionIds: readonly number[]): ExecutionSummary[] {
    const map = this.executionsByIds(executionIds);
    return [...map.values()].sort((a, b) => a.id - b.id);
  }

  execution(id: number): ExecutionDetail | undefined {
    const summary = this.executionsByIds([id]).get(id);
    if (!summary) return undefined;
    const events = this.eventsOfExecutions([id]);
    const artifacts = this.artifactsByIds(events.map((e) => e.artifact_id));
    const paths = this.eventPaths(events.map((e) => e.id));
    const inputs: ArtifactEvent[] = [];
    const outputs: ArtifactEvent[] = [];
    for (const e of events) {
      const artifact = artifacts.get(e.artifact_id);
      if (!artifact) continue;
      const path = paths.get(e.id) ?? { key: '', index: 0 };
      const type = eventTypeName(e.type);
      const item: ArtifactEvent = { key: path.key, index: path.index, type, artifact };
      if (type === 'INPUT' || type === 'DECLARED_INPUT' || type === 'INTERNAL_INPUT') inputs.push(item);
      else outputs.push(item);
    }
    const order = (a: ArtifactEvent, b: ArtifactEvent): number =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index || a.artifact.id - b.artifact.id;
    inputs.sort(order);
    outputs.sort(order);
    const detail: ExecutionDetail = { ...summary, inputs, outputs };
    const run = this.runOfExecution(id);
    if (run) {
      detail.runName = run.name;
      if (run.pipeline !== undefined) detail.pipeline = run.pipeline;
    }
    return detail;
  }

  /** The run (IR pipeline_run or legacy run context) an execution belongs to. */
  private runOfExecution(executionId: number): { name: string; pipeline?: string } | undefined {
    const runType = this.contextTypeId(CONTEXT_PIPELINE_RUN);
    const kfpRunType = this.contextTypeId(CONTEXT_KFP_PIPELINE_RUN);
    const legacyType = this.contextTypeId(CONTEXT_LEGACY_RUN);
    const pipelineType = this.contextTypeId(CONTEXT_PIPELINE);
    const kfpPipelineType = this.contextTypeId(CONTEXT_KFP_PIPELINE);
    // An IR (or KFP) run context before a legacy one.
    const row = this.stmt(
      'SELECT c.id, c.name, c.type_id, p.name AS pipeline FROM `Association` a JOIN `Context` c ON c.id = a.context_id' +
        ' LEFT JOIN `ParentContext` pc ON pc.context_id = c.id' +
        ' LEFT JOIN `Context` p ON p.id = pc.parent_context_id AND p.type_id IN (?, ?)' +
        ' WHERE a.execution_id = ? AND c.type_id IN (?, ?, ?) ORDER BY c.type_id = ? ASC LIMIT 1',
    ).get(pipelineType, kfpPipelineType, executionId, runType, kfpRunType, legacyType, legacyType) as
      | { id: number; name: string; type_id: number; pipeline: string | null }
      | undefined;
    if (!row) return undefined;
    if (row.type_id !== legacyType) return row.pipeline !== null ? { name: row.name, pipeline: row.pipeline } : { name: row.name };
    return this.legacyRunNames(row.id, row.name);
  }

  private legacyRunNames(contextId: number, contextName: string): { name: string; pipeline?: string } {
    const p = this.propertiesOf('ContextProperty', [contextId]).get(contextId);
    const pipeline = p?.properties.pipeline_name ?? p?.customProperties.pipeline_name;
    const runId = p?.properties.run_id ?? p?.customProperties.run_id;
    let name = typeof runId === 'string' ? runId : contextName;
    if (typeof runId !== 'string' && typeof pipeline === 'string' && contextName.startsWith(`${pipeline}.`)) {
      name = contextName.slice(pipeline.length + 1);
    }
    return typeof pipeline === 'string' ? { name, pipeline } : { name };
  }

  eventsOfExecutions(executionIds: readonly number[]): EventRow[] {
    return this.stmt(
      'SELECT id, artifact_id, execution_id, type FROM `Event` WHERE execution_id IN (SELECT value FROM json_each(?)) ORDER BY id',
    ).all(ids(executionIds)) as EventRow[];
  }

  eventsOfArtifacts(artifactIds: readonly number[]): EventRow[] {
    return this.stmt(
      'SELECT id, artifact_id, execution_id, type FROM `Event` WHERE artifact_id IN (SELECT value FROM json_each(?)) ORDER BY id',
    ).all(ids(artifactIds)) as EventRow[];
  }

  /** (key, index) of each event from its EventPath steps, read in insertion order. */
  eventPaths(eventIds: readonly number[]): Map<number, { key: string; index: number }> {
    const out = new Map<number, { key: string; index: number }>();
    if (eventIds.length === 0) return out;
    const rows = this.stmt(
      'SELECT event_id, is_index_step, step_index, step_key FROM `EventPath` WHERE event_id IN (SELECT value FROM json_each(?))' + this.conn.dialect.insertionOrder,
    ).all(ids(eventIds)) as PathRow[];
    for (const r of rows) {
      const entry = out.get(r.event_id) ?? { key: '', index: 0 };
      if (r.is_index_step) entry.index = r.step_index ?? 0;
      else if (entry.key === '') entry.key = r.step_key ?? '';
      out.set(r.event_id, entry);
    }
    return out;
  }

  // ---- pipelines and runs ------------------------------------------------------------------------

  listPipelines(): string[] {
    const rows = this.stmt('SELECT name FROM `Context` WHERE type_id IN (?, ?) ORDER BY name').all(this.contextTypeId(CONTEXT_PIPELINE), this.contextTypeId(CONTEXT_KFP_PIPELINE)) as Array<{ name: string }>;
    return rows.map((r) => r.name);
  }

  listRuns(o: { pipeline?: string; limit?: number; offset?: number } = {}): Page<RunSummary> {
    const limit = Math.max(1, Math.min(o.limit ?? 50, 10_000));
    const offset = Math.max(0, o.offset ?? 0);
    const runType = this.contextTypeId(CONTEXT_PIPELINE_RUN);
    const kfpRunType = this.contextTypeId(CONTEXT_KFP_PIPELINE_RUN);
    const legacyType = this.contextTypeId(CONTEXT_LEGACY_RUN);
    const pipelineType = this.contextTypeId(CONTEXT_PIPELINE);
    const kfpPipelineType = this.contextTypeId(CONTEXT_KFP_PIPELINE);
    const pipelineFilter = o.pipeline ?? null;
    // IR runs (and Kubeflow Pipelines' system.PipelineRun) take their pipeline from ParentContext; legacy
    // runs from their pipeline_name property.
    const runsSql =
      'SELECT c.id AS id, c.name AS name, c.create_time_since_epoch AS ct, p.name AS pipeline, 0 AS legacy' +
      ' FROM `Context` c LEFT JOIN `ParentContext` pc ON pc.context_id = c.id' +
      ' LEFT JOIN `Context` p ON p.id = pc.parent_context_id AND p.type_id IN (@pipelineType, @kfpPipelineType)' +
      ' WHERE c.type_id IN (@runType, @kfpRunType) AND (@pipeline IS NULL OR p.name = @pipeline)' +
      ' UNION ALL ' +
      'SELECT c.id, c.name, c.create_time_since_epoch, cp.string_value, 1' +
      ' FROM `Context` c LEFT JOIN `ContextProperty` cp ON cp.context_id = c.id AND cp.name = \'pipeline_name\'' +
      ' WHERE c.type_id = @legacyType AND (@pipeline IS NULL OR cp.string_value = @pipeline)';
    const params = { runType, kfpRunType, legacyType, pipelineType, kfpPipelineType, pipeline: pipelineFilter };
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM (${runsSql}) AS runs`).get(params) as { n: number }).n;
    const rows = this.stmt(`${runsSql} ORDER BY ct DESC, id DESC LIMIT @limit OFFSET @offset`).all({ ...params, limit, offset }) as Array<{
      id: number;
      name: string;
      ct: number;
      pipeline: string | null;
      legacy: number;
    }>;
    const stats = this.runStats(rows.map((r) => r.id));
    const runProps = this.propertiesOf('ContextProperty', rows.map((r) => r.id));
    const items: RunSummary[] = rows.map((r) => {
      const s = stats.get(r.id);
      let name = r.name;
      let pipeline = r.pipeline ?? '';
      if (r.legacy) {
        const names = this.legacyRunNames(r.id, r.name);
        name = names.name;
        pipeline = names.pipeline ?? pipeline;
      }
      let state: RunSummary['state'] = 'COMPLETE';
      if (s) {
        if (s.running > s.waiting) state = 'RUNNING';
        else if (s.waiting > 0) state = 'WAITING';
        else if (s.failed > 0) state = 'FAILED';
        else if (s.canceled > 0) state = 'CANCELED';
      }
      return {
        id: r.id,
        name,
        pipeline,
        style: r.legacy ? 'legacy' : 'ir',
        createTime: r.ct,
        updateTime: Math.max(r.ct, s?.updated ?? 0),
        state,
        executionCount: s?.count ?? 0,
        customProperties: r.legacy ? {} : (runProps.get(r.id)?.customProperties ?? {}),
      };
    });
    const page: Page<RunSummary> = { items, total };
    if (offset + items.length < total) page.next = offset + items.length;
    return page;
  }

  private runStats(runIds: readonly number[]): Map<number, { count: number; updated: number; running: number; waiting: number; failed: number; canceled: number }> {
    const out = new Map<number, { count: number; updated: number; running: number; waiting: number; failed: number; canceled: number }>();
    if (runIds.length === 0) return out;
    const rows = this.stmt(
      'SELECT a.context_id AS id, COUNT(*) AS count, MAX(e.last_update_time_since_epoch) AS updated,' +
        ' SUM(e.last_known_state = @running) AS running, SUM(e.last_known_state = @failed) AS failed, SUM(e.last_known_state = @canceled) AS canceled,' +
        ' SUM(e.last_known_state = @running AND EXISTS (SELECT 1 FROM `ExecutionProperty` p WHERE p.execution_id = e.id' +
        '   AND p.name = @waitProperty AND p.is_custom_property = 1 AND p.string_value = \'waiting\')) AS waiting' +
        ' FROM `Association` a JOIN `Execution` e ON e.id = a.execution_id' +
        ' WHERE a.context_id IN (SELECT value FROM json_each(@runs)) GROUP BY a.context_id',
    ).all({
      running: ExecutionStateCode.RUNNING,
      failed: ExecutionStateCode.FAILED,
      canceled: ExecutionStateCode.CANCELED,
      waitProperty: PROP_APPROVAL_STATE,
      runs: ids(runIds),
    }) as Array<{
      id: number;
      count: number;
      updated: number;
      running: number;
      waiting: number;
      failed: number;
      canceled: number;
    }>;
    for (const r of rows) out.set(r.id, r);
    return out;
  }

  runExecutions(runContextId: number): ExecutionSummary[] {
    const rows = this.stmt('SELECT execution_id AS id FROM `Association` WHERE context_id = ? ORDER BY execution_id').all(runContextId) as Array<{ id: number }>;
    return this.executions(rows.map((r) => r.id));
  }

  /** The cache key an execution was recorded under (its `execution_cache` context), if any. */
  executionCacheKey(executionId: number): string | undefined {
    const type = this.contextTypeId(CONTEXT_EXECUTION_CACHE);
    const row = this.stmt(
      'SELECT c.name AS name FROM `Association` a JOIN `Context` c ON c.id = a.context_id WHERE a.execution_id = ? AND c.type_id = ? ORDER BY c.id DESC LIMIT 1',
    ).get(executionId, type) as { name: string } | undefined;
    return row?.name;
  }

  // ---- nodes -------------------------------------------------------------------------------------

  private nodeContextId(pipeline: string, nodeId: string): number | undefined {
    return this.contextId(CONTEXT_NODE, `${pipeline}.${nodeId}`);
  }

  /** Execution ids of a node, newest first: IR node context, else legacy component_id + pipeline_name. */
  private nodeExecutionIds(pipeline: string, nodeId: string, states?: readonly number[], limit = 1): number[] {
    const stateList = states ? JSON.stringify(states) : null;
    const nodeCtx = this.nodeContextId(pipeline, nodeId);
    if (nodeCtx !== undefined) {
      const rows = this.stmt(
        'SELECT a.execution_id AS id FROM `Association` a JOIN `Execution` e ON e.id = a.execution_id' +
          ' WHERE a.context_id = ? AND (? IS NULL OR e.last_known_state IN (SELECT value FROM json_each(?)))' +
          ' ORDER BY a.execution_id DESC LIMIT ?',
      ).all(nodeCtx, stateList, stateList ?? '[]', limit) as Array<{ id: number }>;
      if (rows.length > 0) return rows.map((r) => r.id);
    }
    const rows = this.stmt(
      'SELECT e.id AS id FROM `ExecutionProperty` c JOIN `ExecutionProperty` p ON p.execution_id = c.execution_id' +
        ' JOIN `Execution` e ON e.id = c.execution_id' +
        ' WHERE c.name = \'component_id\' AND c.string_value = ? AND p.name = \'pipeline_name\' AND p.string_value = ?' +
        ' AND (? IS NULL OR e.last_known_state IN (SELECT value FROM json_each(?)))' +
        ' ORDER BY e.id DESC LIMIT ?',
    ).all(nodeId, pipeline, stateList, stateList ?? '[]', limit) as Array<{ id: number }>;
    return rows.map((r) => r.id);
  }

  latestNodeExecution(pipeline: string, nodeId: string): ExecutionSummary | undefined {
    const [id] = this.nodeExecutionIds(pipeline, nodeId);
    return id === undefined ? undefined : this.executionsByIds([id]).get(id);
  }

  /** OUTPUT artifacts of an execution by key (index order), or undefined when one is not LIVE. */
  liveOutputs(executionId: number): Record<string, ArtifactSummary[]> | undefined {
    // A Resolver's outputs are INTERNAL_OUTPUT events to artifacts it found (it produces none): a step
    // that reads a Resolver outside its run's scope must see them as the Resolver's outputs.
    const events = this.eventsOfExecutions([executionId]).filter((e) => e.type === EventTypeCode.OUTPUT || e.type === EventTypeCode.INTERNAL_OUTPUT);
    const artifacts = this.artifactsByIds(events.map((e) => e.artifact_id));
    const paths = this.eventPaths(events.map((e) => e.id));
    const grouped: Record<string, Array<{ index: number; artifact: ArtifactSummary }>> = {};
    for (const e of events) {
      const artifact = artifacts.get(e.artifact_id);
      if (!artifact || artifact.state !== 'LIVE') return undefined;
      const path = paths.get(e.id) ?? { key: '', index: 0 };
      (grouped[path.key] ??= []).push({ index: path.index, artifact });
    }
    const out: Record<string, ArtifactSummary[]> = {};
    for (const [key, list] of Object.entries(grouped)) out[key] = list.sort((a, b) => a.index - b.index).map((x) => x.artifact);
    return out;
  }

  latestNodeOutputs(pipeline: string, nodeId: string): Record<string, ArtifactSummary[]> | undefined {
    // A few candidates: the newest finished execution whose outputs are still all LIVE wins.
    const candidates = this.nodeExecutionIds(pipeline, nodeId, [ExecutionStateCode.COMPLETE, ExecutionStateCode.CACHED], 20);
    for (const id of candidates) {
      const outputs = this.liveOutputs(id);
      if (outputs) return outputs;
    }
    return undefined;
  }

  /** Outputs of the node's newest COMPLETE/CACHED execution in one run context, when all still LIVE. */
  runNodeOutputs(pipeline: string, nodeId: string, runContextId: number): Record<string, ArtifactSummary[]> | undefined {
    const nodeCtx = this.nodeContextId(pipeline, nodeId);
    if (nodeCtx === undefined) return undefined;
    const states = JSON.stringify([ExecutionStateCode.COMPLETE, ExecutionStateCode.CACHED]);
    const row = this.stmt(
      'SELECT a.execution_id AS id FROM `Association` a JOIN `Association` r ON r.execution_id = a.execution_id AND r.context_id = ?' +
        ' JOIN `Execution` e ON e.id = a.execution_id WHERE a.context_id = ? AND e.last_known_state IN (SELECT value FROM json_each(?))' +
        ' ORDER BY a.execution_id DESC LIMIT 1',
    ).get(runContextId, nodeCtx, states) as { id: number } | undefined;
    return row ? this.liveOutputs(row.id) : undefined;
  }

  nodeStates(pipeline: string): Record<string, ExecutionSummary> {
    const latest: number[] = [];
    const nodeType = this.typeId(CONTEXT_NODE, TypeKind.CONTEXT);
    if (nodeType !== undefined) {
      const prefix = `${pipeline}.`;
      const rows = this.stmt(
        'SELECT (SELECT MAX(a.execution_id) FROM `Association` a WHERE a.context_id = c.id) AS id FROM `Context` c' +
          ' WHERE c.type_id = ? AND substr(c.name, 1, ?) = ?',
      ).all(nodeType, prefix.length, prefix) as Array<{ id: number | null }>;
      for (const r of rows) if (r.id !== null) latest.push(r.id);
    }
    // Legacy executions carry their node and pipeline as declared properties.
    const legacy = this.stmt(
      'SELECT MAX(c.execution_id) AS id FROM `ExecutionProperty` c JOIN `ExecutionProperty` p ON p.execution_id = c.execution_id' +
        ' WHERE c.name = \'component_id\' AND c.is_custom_property = 0 AND p.name = \'pipeline_name\' AND p.is_custom_property = 0' +
        ' AND p.string_value = ? GROUP BY c.string_value',
    ).all(pipeline) as Array<{ id: number | null }>;
    for (const r of legacy) if (r.id !== null) latest.push(r.id);
    const out: Record<string, ExecutionSummary> = {};
    for (const e of this.executions(latest)) {
      const existing = out[e.nodeId];
      if (!existing || existing.id < e.id) out[e.nodeId] = e;
    }
    return out;
  }

  // ---- generic lookups for the layers above -------------------------------------------------------

  /** LIVE artifacts of `type` attributed to a context, newest first (MLMD get_artifacts_by_context, filtered). */
  liveArtifactsOfContext(contextType: string, contextName: string, type: string, limit?: number): ArtifactSummary[] {
    const ctx = this.contextId(contextType, contextName);
    const typeId = this.typeId(type, TypeKind.ARTIFACT);
    if (ctx === undefined || typeId === undefined) return [];
    const sql =
      'SELECT at.artifact_id AS id FROM `Attribution` at JOIN `Artifact` a ON a.id = at.artifact_id' +
      ' WHERE at.context_id = ? AND a.type_id = ? AND a.state = ? ORDER BY at.artifact_id DESC';
    const params: unknown[] = [ctx, typeId, ArtifactStateCode.LIVE];
    const rows = (limit === undefined ? this.stmt(sql).all(...params) : this.stmt(`${sql} LIMIT ?`).all(...params, limit)) as Array<{ id: number }>;
    const found = this.artifactsByIds(rows.map((r) => r.id));
    return rows.map((r) => found.get(r.id)).filter((a): a is ArtifactSummary => a !== undefined);
  }

  /** LIVE artifacts of `type` at exactly `uri`, newest first (MLMD get_artifacts_by_uri, filtered by type). */
  liveArtifactsWithUri(type: string, uri: string): ArtifactSummary[] {
    const typeId = this.typeId(type, TypeKind.ARTIFACT);
    if (typeId === undefined) return [];
    const rows = this.stmt('SELECT id FROM `Artifact` WHERE uri = ? AND type_id = ? AND state = ? ORDER BY create_time_since_epoch DESC, id DESC').all(uri, typeId, ArtifactStateCode.LIVE) as Array<{ id: number }>;
    const found = this.artifactsByIds(rows.map((r) => r.id));
    return rows.map((r) => found.get(r.id)).filter((a): a is ArtifactSummary => a !== undefined);
  }

  /** RUNNING executions whose custom string property `name` is `value`, in id order. */
  runningExecutionsWith(name: string, value: string): ExecutionSummary[] {
    const rows = this.stmt(
      'SELECT p.execution_id AS id FROM `ExecutionProperty` p JOIN `Execution` e ON e.id = p.execution_id' +
        ' WHERE p.name = ? AND p.is_custom_property = 1 AND p.string_value = ? AND e.last_known_state = ?' +
        ' ORDER BY p.execution_id',
    ).all(name, value, ExecutionStateCode.RUNNING) as Array<{ id: number }>;
    return this.executions(rows.map((r) => r.id));
  }

  /** Executions associated with a context in the given states, newest first. */
  executionIdsOfContext(contextId: number, states: readonly number[]): number[] {
    const rows = this.stmt(
      'SELECT e.id FROM `Association` a JOIN `Execution` e ON e.id = a.execution_id' +
        ` WHERE a.context_id = ? AND e.last_known_state IN (${states.map(() => '?').join(', ')}) ORDER BY e.create_time_since_epoch DESC, e.id DESC`,
    ).all(contextId, ...states) as Array<{ id: number }>;
    return rows.map((r) => r.id);
  }

  /** Ids of the contexts an execution is associated with. */
  contextIdsOfExecution(executionId: number): number[] {
    const rows = this.stmt('SELECT context_id AS id FROM `Association` WHERE execution_id = ? ORDER BY id').all(executionId) as Array<{ id: number }>;
    return rows.map((r) => r.id);
  }

  previousArtifactOfNode(pipeline: string, nodeId: string, outputKey: string, beforeArtifactId: number): ArtifactSummary | undefined {
    const nodeCtx = this.nodeContextId(pipeline, nodeId);
    if (nodeCtx === undefined) return undefined;
    const row = this.stmt(
      'SELECT ev.artifact_id AS id FROM `Association` a' +
        ' JOIN `Event` ev ON ev.execution_id = a.execution_id AND ev.type = ?' +
        ' JOIN `EventPath` ep ON ep.event_id = ev.id AND ep.is_index_step = 0 AND ep.step_key = ?' +
        ' JOIN `Artifact` art ON art.id = ev.artifact_id AND art.state = ?' +
        ' WHERE a.context_id = ? AND ev.artifact_id < ? ORDER BY ev.artifact_id DESC LIMIT 1',
    ).get(EventTypeCode.OUTPUT, outputKey, ArtifactStateCode.LIVE, nodeCtx, beforeArtifactId) as { id: number } | undefined;
    return row ? this.artifact(row.id) : undefined;
  }
}
