// Lineage of one artifact across runs: upstream through producers to the sources, downstream through
// consumers to everything derived from it. Breadth-first, one batch of queries per level, so the cost
// grows with the size of the answer, not of the database.

import { EventTypeCode, ExecutionStateCode } from './schema';
import { eventTypeName, type MetadataQueries } from './readQueries';
import type { LineageEdge, LineageGraph, LineageNode } from './types';

export interface LineageOptions {
  direction?: 'upstream' | 'downstream' | 'both';
  /** Execution hops to follow in each direction (default 50). */
  maxDepth?: number;
  /** Stop adding nodes beyond this many (default 2,000); the graph then says `truncated`. */
  maxNodes?: number;
}

/** Kept as a name for callers; `truncated` is part of LineageGraph. */
export type LineageResult = LineageGraph;

// TFX writes INPUT/OUTPUT; MLMD's own examples (and some older tools) use the DECLARED_* variants.
const PRODUCED = new Set<number>([EventTypeCode.OUTPUT, EventTypeCode.DECLARED_OUTPUT]);
const CONSUMED = new Set<number>([EventTypeCode.INPUT, EventTypeCode.DECLARED_INPUT]);

interface PendingEdge {
  eventId: number;
  from: string;
  to: string;
  type: number;
}

export function buildLineage(q: MetadataQueries, artifactId: number, o: LineageOptions = {}): LineageResult | undefined {
  const root = q.artifact(artifactId);
  if (!root) return undefined;
  const direction = o.direction ?? 'both';
  const maxDepth = Math.max(0, o.maxDepth ?? 50);
  const maxNodes = Math.max(1, o.maxNodes ?? 2000);
  const artifacts = new Set<number>([artifactId]);
  const executions = new Set<number>();
  const edges = new Map<string, PendingEdge>();
  let truncated = false;
  const full = (): boolean => artifacts.size + executions.size >= maxNodes;
  const addEdge = (eventId: number, from: string, to: string, type: number): void => {
    const key = `${from}>${to}>${type}`;
    if (!edges.has(key)) edges.set(key, { eventId, from, to, type });
  };
  const executionStates = (list: number[]): Map<number, number | null> => {
    const rows = q
      .stmt('SELECT id, last_known_state AS state FROM `Execution` WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(list)) as Array<{ id: number; state: number | null }>;
    return new Map(rows.map((r) => [r.id, r.state]));
  };

  if (direction !== 'downstream') {
    // Upstream: producer (OUTPUT) -> its INPUT artifacts. A CACHED producer reused the original's
    // outputs with the same inputs, so it is shown but not expanded.
    const seenArtifacts = new Set<number>([artifactId]);
    const seenExecutions = new Set<number>();
    let frontier = [artifactId];
    for (let depth = 0; depth < maxDepth && frontier.length > 0 && !truncated; depth++) {
      const producers = q.eventsOfArtifacts(frontier).filter((e) => PRODUCED.has(e.type));
      const newExecutions: number[] = [];
      for (const e of producers) {
        if (!seenExecutions.has(e.execution_id)) {
          if (full()) {
            truncated = true;
            break;
          }
          seenExecutions.add(e.execution_id);
          executions.add(e.execution_id);
          newExecutions.push(e.execution_id);
        }
        addEdge(e.id, `e${e.execution_id}`, `a${e.artifact_id}`, e.type);
      }
      const states = executionStates(newExecutions);
      const expand = newExecutions.filter((id) => states.get(id) !== ExecutionStateCode.CACHED);
      const next: number[] = [];
      for (const e of q.eventsOfExecutions(expand)) {
        if (!CONSUMED.has(e.type)) continue;
        if (!seenArtifacts.has(e.artifact_id)) {
          if (full()) {
            truncated = true;
            break;
          }
          seenArtifacts.add(e.artifact_id);
          artifacts.add(e.artifact_id);
          next.push(e.artifact_id);
        }
        addEdge(e.id, `a${e.artifact_id}`, `e${e.execution_id}`, e.type);
      }
      frontier = next;
    }
  }

  if (direction !== 'upstream') {
    // Downstream: consumer (INPUT) -> its OUTPUT artifacts.
    const seenArtifacts = new Set<number>([artifactId]);
    const seenExecutions = new Set<number>();
    let frontier = [artifactId];
    for (let depth = 0; depth < maxDepth && frontier.length > 0 && !truncated; depth++) {
      const consumers = q.eventsOfArtifacts(frontier).filter((e) => CONSUMED.has(e.type));
      const newExecutions: number[] = [];
      for (const e of consumers) {
        if (!seenExecutions.has(e.execution_id)) {
          if (full()) {
            truncated = true;
            break;
          }
          seenExecutions.add(e.execution_id);
          executions.add(e.execution_id);
          newExecutions.push(e.execution_id);
        }
        addEdge(e.id, `a${e.artifact_id}`, `e${e.execution_id}`, e.type);
      }
      const next: number[] = [];
      for (const e of q.eventsOfExecutions(newExecutions)) {
        if (!PRODUCED.has(e.type)) continue;
        if (!seenArtifacts.has(e.artifact_id)) {
          if (full()) {
            truncated = true;
            break;
          }
          seenArtifacts.add(e.artifact_id);
          artifacts.add(e.artifact_id);
          next.push(e.artifact_id);
        }
        addEdge(e.id, `e${e.execution_id}`, `a${e.artifact_id}`, e.type);
      }
      frontier = next;
    }
  }

  const artifactSummaries = q.artifactsByIds(artifacts);
  const executionSummaries = q.executionsByIds(executions);
  const paths = q.eventPaths([...edges.values()].map((e) => e.eventId));
  const nodes: LineageNode[] = [];
  for (const a of [...artifactSummaries.values()].sort((x, y) => x.id - y.id)) {
    nodes.push({
      kind: 'artifact',
      id: a.id,
      type: a.type,
      label: a.name ?? `${a.type} #${a.id}`,
      state: a.state,
      uri: a.uri,
      properties: a.properties,
      customProperties: a.customProperties,
    });
  }
  for (const e of [...executionSummaries.values()].sort((x, y) => x.id - y.id)) {
    const node: LineageNode = {
      kind: 'execution',
      id: e.id,
      type: e.type,
      label: e.nodeId,
      state: e.state,
      nodeId: e.nodeId,
      properties: e.properties,
      customProperties: e.customProperties,
    };
    if (e.state === 'CACHED') node.cached = true;
    nodes.push(node);
  }
  const edgeList: LineageEdge[] = [...edges.values()]
    .sort((a, b) => a.eventId - b.eventId)
    .map((e) => ({ from: e.from, to: e.to, type: eventTypeName(e.type), key: paths.get(e.eventId)?.key ?? '' }));
  const graph: LineageResult = { root: `a${artifactId}`, nodes, edges: edgeList };
  if (truncated) graph.truncated = true;
  return graph;
}
