// ELK layered layout (the DAG preview and the lineage graph), computed in a Web Worker started from a
// Blob URL. Every edge leaves its source at an output port and enters its target at an input port on
// the sides the flow direction gives (right/left for RIGHT, bottom/top for DOWN), so no edge starts or
// ends on a node's flank, and ELK's orthogonal router keeps a margin between edges and the boxes they
// pass.
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api';
import type { DagGraph, DagLayoutDirection, DagSavedLayout } from '../protocol';
import elkWorkerSource from './elkWorkerSource';

export type Direction = DagLayoutDirection;

export interface Point {
  x: number;
  y: number;
}

/** A port, relative to its node's top-left corner (its centre). */
export interface PlacedPort {
  key: string;
  kind: 'in' | 'out';
  x: number;
  y: number;
}

export interface PlacedNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  ports: PlacedPort[];
}

export interface PlacedEdge {
  index: number;
  points: Point[];
}

export interface Layout {
  nodes: Map<string, PlacedNode>;
  edges: PlacedEdge[];
  width: number;
  height: number;
  direction: Direction;
  ms: number;
}

export const NODE_HEADER = 40;
export const PORT_ROW = 16;
export const STATUS_ROW = 20;
const CHAR_W = 7;
const PORT_SIZE = 6;
/** Up to this many nodes, crossing minimisation is thorough. */
export const THOROUGH_MAX_NODES = 40;

/** A step that writes examples: its node has a row for the rows per split of its last run. */
export function isDataStep(node: DagGraph['nodes'][number]): boolean {
  return node.outputs.some((o) => o.artifactType === 'Examples');
}

export function nodeSize(node: DagGraph['nodes'][number]): { width: number; height: number } {
  const longest = Math.max(node.id.length + 2, node.type.length, ...node.outputs.map((o) => o.key.length + o.artifactType.length + 4));
  const rows = node.outputs.length + (isDataStep(node) ? 1 : 0);
  return { width: Math.min(280, Math.max(150, longest * CHAR_W + 24)), height: NODE_HEADER + rows * PORT_ROW + STATUS_ROW + 6 };
}

let elk: InstanceType<typeof ELK> | undefined;

function engine(): InstanceType<typeof ELK> {
  if (!elk) {
    const url = URL.createObjectURL(new Blob([elkWorkerSource], { type: 'text/javascript' }));
    elk = new ELK({ workerFactory: () => new Worker(url) });
  }
  return elk;
}

/**
 * Starts the worker and lays out a throw-away 60-node graph while the host is still gathering the
 * real one: ELK's compiled code is several times slower on its first large layout (JIT warm-up).
 */
export function warmUp(): void {
  const children: ElkNode[] = [];
  const edges: ElkExtendedEdge[] = [];
  for (let i = 0; i < 60; i++) {
    children.push({ id: `n${i}`, width: 160, height: 70 });
    if (i >= 6) edges.push({ id: `e${i}`, sources: [`n${i - 6}`], targets: [`n${i}`] });
    if (i >= 7 && i % 3 === 0) edges.push({ id: `x${i}`, sources: [`n${i - 7}`], targets: [`n${i}`] });
  }
  void engine()
    .layout({ id: 'warm', layoutOptions: { 'elk.algorithm': 'layered', 'elk.edgeRouting': 'ORTHOGONAL' }, children, edges })
    .catch(() => undefined);
}

/**
 * Where each node's ports sit, relative to the node. Outputs: on the right edge at their text row
 * (RIGHT), or spread along the bottom edge in row order (DOWN). Inputs: spread along the left (RIGHT)
 * or top (DOWN) edge, ordered by where their sources come in the graph, which is roughly where ELK
 * puts them, so edges into one node rarely cross each other.
 */
export function portsOf(graph: DagGraph, sizeOf: (node: DagGraph['nodes'][number]) => { width: number; height: number }, direction: Direction): Map<string, PlacedPort[]> {
  const order = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const outputIndex = new Map(graph.nodes.map((n) => [n.id, new Map(n.outputs.map((o, i) => [o.key, i]))]));
  // An input's rank: its source's place in the graph, then the source port's (two inputs fed by one
  // node then come in the order of its outputs, and their edges do not cross).
  const inputs = new Map<string, Map<string, number>>();
  for (const e of graph.edges) {
    if (!order.has(e.from) || !order.has(e.to)) continue;
    const m = inputs.get(e.to) ?? new Map<string, number>();
    const rank = order.get(e.from)! * 1000 + (outputIndex.get(e.from)?.get(e.output) ?? 0);
    m.set(e.input, Math.min(m.get(e.input) ?? Infinity, rank));
    inputs.set(e.to, m);
  }
  const out = new Map<string, PlacedPort[]>();
  for (const n of graph.nodes) {
    const { width, height } = sizeOf(n);
    const ports: PlacedPort[] = [];
    const ins = [...(inputs.get(n.id) ?? new Map<string, number>())].sort((a, b) => a[1] - b[1]).map(([key]) => key);
    ins.forEach((key, i) => {
      const t = (i + 1) / (ins.length + 1);
      ports.push(direction === 'RIGHT' ? { key, kind: 'in', x: 0, y: Math.round(height * t) } : { key, kind: 'in', x: Math.round(width * t), y: 0 });
    });
    n.outputs.forEach((o, i) => {
      ports.push(direction === 'RIGHT' ? { key: o.key, kind: 'out', x: width, y: NODE_HEADER + i * PORT_ROW + PORT_ROW / 2 } : { key: o.key, kind: 'out', x: Math.round((width * (i + 1)) / (n.outputs.length + 1)), y: height });
    });
    out.set(n.id, ports);
  }
  return out;
}

const portId = (node: string, kind: 'in' | 'out', key: string) => `${node}\u0000${kind}\u0000${key}`;

export async function layoutGraph(
  graph: DagGraph,
  sizeOf: (node: DagGraph['nodes'][number]) => { width: number; height: number } = nodeSize,
  direction: Direction = 'DOWN',
  spacing: { betweenLayers: number; nodeNode: number } = { betweenLayers: 56, nodeNode: 28 },
): Promise<Layout> {
  const started = performance.now();
  const ports = portsOf(graph, sizeOf, direction);
  const [inSide, outSide] = direction === 'RIGHT' ? ['WEST', 'EAST'] : ['NORTH', 'SOUTH'];
  const children: ElkNode[] = graph.nodes.map((n) => {
    const size = sizeOf(n);
    return {
      id: n.id,
      ...size,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
      ports: (ports.get(n.id) ?? []).map(
        (p): ElkPort => ({
          id: portId(n.id, p.kind, p.key),
          x: p.x - PORT_SIZE / 2,
          y: p.y - PORT_SIZE / 2,
          width: PORT_SIZE,
          height: PORT_SIZE,
          layoutOptions: { 'elk.port.side': p.kind === 'in' ? inSide! : outSide! },
        }),
      ),
    };
  });
  const edges: ElkExtendedEdge[] = [];
  graph.edges.forEach((e, index) => {
    const from = ports.get(e.from);
    const to = ports.get(e.to);
    if (!from || !to) return;
    const source = from.some((p) => p.kind === 'out' && p.key === e.output) ? portId(e.from, 'out', e.output) : e.from;
    edges.push({ id: `e${index}`, sources: [source], targets: [portId(e.to, 'in', e.input)] });
  });
  // Pipelines of a few dozen steps get ELK's thorough crossing minimisation (several sweeps and the
  // greedy switch: a few ms at that size); larger graphs the fast settings measured in
  // test/bench/webviews.bench.ts (one sweep, no greedy switch: ~660 ms -> ~360 ms warm at 300 nodes),
  // which keep a keystroke on a 50-component file under 150 ms.
  const thorough = graph.nodes.length <= THOROUGH_MAX_NODES;
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction,
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': String(spacing.betweenLayers),
      'elk.spacing.nodeNode': String(spacing.nodeNode),
      // Edges keep clear of the boxes they pass and of each other: none runs along a node's border.
      'elk.spacing.edgeNode': '16',
      'elk.layered.spacing.edgeNodeBetweenLayers': '16',
      'elk.spacing.edgeEdge': '8',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      'elk.layered.thoroughness': thorough ? '7' : '1',
      'elk.layered.crossingMinimization.greedySwitch.type': thorough ? 'TWO_SIDED' : 'OFF',
      // Network simplex gives straighter edges and a narrower graph (penguin: 766 px wide against 811), at
      // a cost that only small graphs can afford.
      'elk.layered.nodePlacement.strategy': thorough ? 'NETWORK_SIMPLEX' : 'BRANDES_KOEPF',
      'elk.separateConnectedComponents': 'false',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
    },
    children,
    edges,
  };
  const result: ElkNode = await engine().layout(root);
  const nodes = new Map<string, PlacedNode>();
  for (const c of result.children ?? []) nodes.set(c.id, { id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0, ports: ports.get(c.id) ?? [] });
  const placed: PlacedEdge[] = (result.edges ?? []).map((e) => {
    const points: Point[] = [];
    for (const s of e.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
    const index = Number(e.id.slice(1));
    const edge = graph.edges[index];
    // ELK starts and ends edges on the outer side of a port box; we draw ports on the node's border, so
    // the end segments are pulled onto it (along the flow axis: they stay orthogonal).
    if (edge && points.length >= 2) {
      const from = nodes.get(edge.from);
      const to = nodes.get(edge.to);
      const first = points[0]!;
      const last = points[points.length - 1]!;
      if (direction === 'DOWN') {
        if (from) points[0] = { x: first.x, y: from.y + from.height };
        if (to) points[points.length - 1] = { x: last.x, y: to.y };
      } else {
        if (from) points[0] = { x: from.x + from.width, y: first.y };
        if (to) points[points.length - 1] = { x: to.x, y: last.y };
      }
    }
    return { index, points };
  });
  return { nodes, edges: placed, width: result.width ?? 0, height: result.height ?? 0, direction, ms: performance.now() - started };
}

/** A layout as webview state (JSON): what the view shows at once when its tab is shown again. */
export function saveLayout(layout: Layout, shape: string): DagSavedLayout {
  return {
    shape,
    direction: layout.direction,
    width: layout.width,
    height: layout.height,
    nodes: [...layout.nodes.values()],
    edges: layout.edges.map((e) => ({ index: e.index, points: e.points.map((p) => [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10] as [number, number]) })),
  };
}

export function restoreLayout(saved: DagSavedLayout): Layout {
  return {
    nodes: new Map(saved.nodes.map((n) => [n.id, n])),
    edges: saved.edges.map((e) => ({ index: e.index, points: e.points.map(([x, y]) => ({ x, y })) })),
    width: saved.width,
    height: saved.height,
    direction: saved.direction,
    ms: 0,
  };
}
