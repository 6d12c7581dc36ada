// Beyond MAX_NODES components the preview groups components by id prefix (the part before the first
// `_`), so a huge pipeline still lays out quickly and stays readable; the view says so in a warning.
import type { DagEdge, DagGraph, DagNode, DagNodeState, DagNodeStatus } from '../protocol';

export const MAX_NODES = 300;

export interface CollapsedGraph {
  graph: DagGraph;
  /** Group node id -> member component ids (empty when nothing was collapsed). */
  groups: Map<string, string[]>;
  /** Component id -> the node that shows it. */
  shownAs: Map<string, string>;
}

export function prefixOf(id: string): string {
  const i = id.indexOf('_');
  return i > 0 ? id.slice(0, i) : id;
}

export function collapseGraph(graph: DagGraph, max = MAX_NODES): CollapsedGraph {
  const shownAs = new Map(graph.nodes.map((n) => [n.id, n.id]));
  if (graph.nodes.length <= max) return { graph, groups: new Map(), shownAs };
  const byPrefix = new Map<string, DagNode[]>();
  for (const n of graph.nodes) {
    const p = prefixOf(n.id);
    byPrefix.set(p, [...(byPrefix.get(p) ?? []), n]);
  }
  const nodes: DagNode[] = [];
  const groups = new Map<string, string[]>();
  for (const [prefix, members] of byPrefix) {
    if (members.length === 1) {
      nodes.push(members[0]!);
      continue;
    }
    // `*` cannot appear in a component id, so a group id never clashes with a real one.
    const id = `${prefix}_*`;
    groups.set(id, members.map((m) => m.id));
    for (const m of members) shownAs.set(m.id, id);
    nodes.push({ id, type: `${members.length} components`, enabled: members.some((m) => m.enabled), outputs: [] });
  }
  const seen = new Set<string>();
  const edges: DagEdge[] = [];
  for (const e of graph.edges) {
    const from = shownAs.get(e.from) ?? e.from;
    const to = shownAs.get(e.to) ?? e.to;
    if (from === to) continue;
    const grouped = groups.has(from) || groups.has(to);
    const key = grouped ? `${from}>${to}` : `${from}.${e.output}>${to}.${e.input}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push(grouped ? { from, output: groups.has(from) ? '' : e.output, to, input: groups.has(to) ? '' : e.input, artifactType: e.artifactType } : e);
  }
  return { graph: { ...graph, nodes, edges }, groups, shownAs };
}

const SEVERITY: DagNodeState[] = ['failed', 'rejected', 'running', 'waiting', 'pending', 'canceled', 'complete', 'cached', 'skipped', 'never-run'];

/** A group's state: the most urgent of its members' states. */
export function groupStatus(members: string[], status: Record<string, DagNodeStatus>): DagNodeStatus {
  let best: DagNodeStatus = { state: 'never-run' };
  for (const m of members) {
    const s = status[m];
    if (s && SEVERITY.indexOf(s.state) < SEVERITY.indexOf(best.state)) best = s;
  }
  return { state: best.state };
}

/** A key that is equal for two graphs exactly when they lay out identically (same nodes, ports and edges). */
export function shapeKey(g: DagGraph): string {
  return JSON.stringify([g.nodes.map((n) => [n.id, n.type, n.enabled, n.outputs.map((o) => [o.key, o.artifactType])]), g.edges.map((e) => [e.from, e.output, e.to, e.input, e.artifactType])]);
}

/** True when two graphs would lay out identically (same nodes, ports and edges): the view then skips layout. */
export function sameShape(a: DagGraph | null, b: DagGraph | null): boolean {
  if (!a || !b) return false;
  return shapeKey(a) === shapeKey(b);
}
