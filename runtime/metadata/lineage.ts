// Lineage of one artifact across runs: upstream through producers to the sources, downstream through
// consumers to everything derived from it. Breadth-first, one batch of queries per level, so the cost
// grows with the size of the answer, not of the database.

import { EventTypeCode, ExecutionStateCode } from './schema';
import { eventTypeName, type MlmdReads } from './mlmdReads';
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

export function buildLineage(q: MlmdReads, artifactId: number, o: LineageOptions = {}): LineageResult | undefined {
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
  // Edges point the way data flows, whichever way the walk goes: an OUTPUT event from its execution
  // to the artifact, an INPUT event from the artifact to its execution.
  const addEdge = (e: { id: number; execution_id: number; artifact_id: number; type: number }): void => {
    const [from, to] = PRODUCED.has(e.type) ? [`e${e.execution_id}`, `a${e.artifact_id}`] : [`a${e.artifact_id}`, `e${e.execution_id}`];
    const key = `${from}>${to}>${e.type}`;
    if (!edges.has(key)) edges.set(key, { eventId: e.id, from, to, type: e.type });
  };
  const executionStates = (list: number[]): Map<number, number | null> => {
    const rows = q
      .stmt('SELECT id, last_known_state AS state FROM `Execution` WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(list)) as Array<{ id: number; state: number | null }>;
    return new Map(rows.map((r) => [r.id, r.state]));
  };
  /** Adds a node not seen yet by this walk; false (and `truncated`) when the graph is full. */
  const visit = (id: number, seen: Set<number>, all: Set<number>, added: number[]): boolean => {
    if (seen.has(id)) return true;
    if (full()) {
      truncated = true;
      return false;
    }
    seen.add(id);
    all.add(id);
    added.push(id);
    return true;
  };
  /**
   * One breadth-first walk from the root: each level crosses `toExecution` events from the frontier's
   * artifacts to executions, then `toArtifact` events from those executions to the next artifacts.
   */
  const walk = (toExecution: ReadonlySet<number>, toArtifact: ReadonlySet<number>, expandCached: boolean): void => {
    const seenArtifacts = new Set<number>([artifactId]);
    const seenExecutions = new Set<number>();
    let frontier = [artifactId];
    for (let depth = 0; depth < maxDepth && frontier.length > 0 && !truncated; depth++) {
      const newExecutions: number[] = [];
      for (const e of q.eventsOfArtifacts(frontier)) {
        if (!toExecution.has(e.type)) continue;
        if (!visit(e.execution_id, seenExecutions, executions, newExecutions)) break;
        addEdge(e);
      }
      let expand = newExecutions;
      if (!expandCached) {
        const states = executionStates(newExecutions);
        expand = newExecutions.filter((id) => states.get(id) !== ExecutionStateCode.CACHED);
      }
      const next: number[] = [];
      for (const e of q.eventsOfExecutions(expand)) {
        if (!toArtifact.has(e.type)) continue;
        if (!visit(e.artifact_id, seenArtifacts, artifacts, next)) break;
        addEdge(e);
      }
      frontier = next;
    }
  };

  // Upstream: producer (OUTPUT) -> its INPUT artifacts. A CACHED producer reused the original's
  // outputs with the same inputs, so it is shown but not expanded.
  if (direction !== 'downstream') walk(PRODUCED, CONSUMED, false);
  // Downstream: consumer (INPUT) -> its OUTPUT artifacts.
  if (direction !== 'upstream') walk(CONSUMED, PRODUCED, true);

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
