// What the lineage view draws: the lineage graph with repeated runs of one node folded, and names
// that are never shown twice. Pure (no DOM), so node:test runs it.
//
// A later run whose step was served from cache records a CACHED execution with OUTPUT events to the
// very artifacts the first run wrote, so after three runs every step appears three times around the
// same artifacts. Executions of one node with the same outputs are folded into one group; a group
// the user expands shows its executions again.
import type { LineageEdge, LineageGraph, LineageNode } from '../protocol';

export interface FoldedNode {
  /** `a<id>`, `e<id>`, or `g<first execution id>` for a group. */
  key: string;
  kind: 'artifact' | 'execution' | 'group';
  /** The first line: type, state and id. */
  title: string;
  /** The second line: what the user calls it, unique among the nodes shown. */
  name: string;
  tooltip: string;
  cached: boolean;
  failed: boolean;
  /** A group's executions (node keys), oldest first; empty otherwise. */
  members: string[];
}

export interface FoldedLineage {
  nodes: FoldedNode[];
  edges: LineageEdge[];
}

export function nodeKey(n: Pick<LineageNode, 'kind' | 'id'>): string {
  return `${n.kind === 'artifact' ? 'a' : 'e'}${n.id}`;
}

const shortType = (type: string) => type.split('.').pop() ?? type;

export function foldLineage(graph: LineageGraph, expanded: ReadonlySet<string> = new Set()): FoldedLineage {
  const byKey = new Map(graph.nodes.map((n) => [nodeKey(n), n]));
  const outputs = new Map<string, string[]>();
  const producer = new Map<string, { execution: string; key: string }>();
  for (const e of graph.edges) {
    if (!e.from.startsWith('e')) continue;
    outputs.set(e.from, [...(outputs.get(e.from) ?? []), e.to]);
    if (!producer.has(e.to)) producer.set(e.to, { execution: e.from, key: e.key });
  }
  const stepOf = (n: LineageNode) => n.nodeId ?? (n.label || shortType(n.type));

  // Executions of one node with the same (non-empty) outputs.
  const sets = new Map<string, string[]>();
  for (const n of graph.nodes) {
    if (n.kind !== 'execution') continue;
    const outs = [...(outputs.get(nodeKey(n)) ?? [])].sort();
    if (!outs.length) continue;
    const id = `${stepOf(n)}\u0000${n.type}\u0000${outs.join(',')}`;
    sets.set(id, [...(sets.get(id) ?? []), nodeKey(n)]);
  }
  const shownAs = new Map<string, string>();
  const groups = new Map<string, string[]>();
  for (const members of sets.values()) {
    if (members.length < 2) continue;
    members.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    const key = `g${members[0]!.slice(1)}`;
    if (expanded.has(key)) continue;
    groups.set(key, members);
    for (const m of members) shownAs.set(m, key);
  }

  const nodes: FoldedNode[] = [];
  const emitted = new Set<string>();
  for (const n of graph.nodes) {
    const key = nodeKey(n);
    const group = shownAs.get(key);
    if (group) {
      if (emitted.has(group)) continue;
      emitted.add(group);
      const members = groups.get(group)!.map((m) => byKey.get(m)!);
      const cached = members.filter((m) => m.cached || m.state === 'CACHED').length;
      const ids = members.map((m) => m.id);
      nodes.push({
        key: group,
        kind: 'group',
        title: `${shortType(n.type)} · ${members.length} runs${cached ? `, ${cached} from cache` : ''}`,
        name: `${stepOf(n)} ×${members.length}`,
        tooltip: `${members.length} executions of ${stepOf(n)} with the same outputs: ${members.map((m) => `#${m.id} ${(m.state ?? '').toLowerCase()}`).join(', ')}\nclick to show each`,
        cached: false,
        failed: members.some((m) => m.state === 'FAILED'),
        members: ids.map((id) => `e${id}`),
      });
      continue;
    }
    const state = (n.state ?? '').toLowerCase();
    const cached = n.cached === true || state === 'cached';
    if (n.kind === 'artifact') {
      const made = producer.get(key);
      const maker = made ? byKey.get(made.execution) : undefined;
      // MLMD names artifacts optionally; unnamed ones are called after the output that wrote them.
      const named = n.label && n.label !== `${n.type} #${n.id}` ? n.label : maker && made ? `${stepOf(maker)}.${made.key}` : n.type;
      nodes.push({ key, kind: 'artifact', title: `${n.type} #${n.id}`, name: named, tooltip: `artifact ${n.id}: ${n.type}${n.uri ? `\n${n.uri}` : ''}${n.state ? `\nstate ${n.state}` : ''}`, cached: false, failed: false, members: [] });
    } else {
      nodes.push({
        key,
        kind: 'execution',
        title: `${shortType(n.type)} · ${state}${n.cached && state !== 'cached' ? ' · cached' : ''} #${n.id}`,
        name: stepOf(n),
        tooltip: `execution ${n.id}: ${n.type}${n.state ? `\nstate ${n.state}` : ''}`,
        cached,
        failed: state === 'failed',
        members: [],
      });
    }
  }
  // Two nodes that would read the same (two runs' evaluations, two trainer runs) are told apart by id.
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.name, (counts.get(n.name) ?? 0) + 1);
  for (const n of nodes) if ((counts.get(n.name) ?? 0) > 1) n.name = `${n.name} #${n.kind === 'group' ? n.members[0]!.slice(1) : n.key.slice(1)}`;

  const seen = new Set<string>();
  const edges: LineageEdge[] = [];
  for (const e of graph.edges) {
    const from = shownAs.get(e.from) ?? e.from;
    const to = shownAs.get(e.to) ?? e.to;
    if (from === to || !byKey.has(e.from) || !byKey.has(e.to)) continue;
    const id = `${from}>${to}>${e.key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ ...e, from, to });
  }
  return { nodes, edges };
}
