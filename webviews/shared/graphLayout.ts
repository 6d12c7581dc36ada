// ELK layered layout (the DAG preview and the lineage graph), computed in a Web Worker started from a
// Blob URL.
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { DagGraph } from '../protocol';
import elkWorkerSource from './elkWorkerSource';

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
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
  ms: number;
}

export const NODE_HEADER = 40;
export const PORT_ROW = 16;
export const STATUS_ROW = 20;
const CHAR_W = 7;

export function nodeSize(node: DagGraph['nodes'][number]): { width: number; height: number } {
  const longest = Math.max(node.id.length + 2, node.type.length, ...node.outputs.map((o) => o.key.length + o.artifactType.length + 4));
  return { width: Math.min(280, Math.max(150, longest * CHAR_W + 24)), height: NODE_HEADER + node.outputs.length * PORT_ROW + STATUS_ROW + 6 };
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

export async function layoutGraph(
  graph: DagGraph,
  sizeOf: (node: DagGraph['nodes'][number]) => { width: number; height: number } = nodeSize,
  direction: 'RIGHT' | 'DOWN' = 'RIGHT',
): Promise<Layout> {
  const started = performance.now();
  const ids = new Set(graph.nodes.map((n) => n.id));
  const children: ElkNode[] = graph.nodes.map((n) => {
    const size = sizeOf(n);
    return {
      id: n.id,
      ...size,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
      // Ports sit on the right edge: only a left-to-right layout uses them.
      ports: (direction === 'RIGHT' ? n.outputs : []).map((o, i) => ({
        id: `${n.id}\u0000${o.key}`,
        x: size.width - 4,
        y: NODE_HEADER + i * PORT_ROW + PORT_ROW / 2 - 4,
        width: 8,
        height: 8,
      })),
    };
  });
  const edges: ElkExtendedEdge[] = [];
  graph.edges.forEach((e, index) => {
    if (!ids.has(e.from) || !ids.has(e.to)) return;
    const node = graph.nodes.find((n) => n.id === e.from);
    const port = direction === 'RIGHT' && node?.outputs.some((o) => o.key === e.output) ? `${e.from}\u0000${e.output}` : e.from;
    edges.push({ id: `e${index}`, sources: [port], targets: [e.to] });
  });
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction,
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.spacing.nodeNode': '24',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // Measured on a 300-component pipeline (test/bench/webviews.bench.ts): one crossing-minimisation
      // sweep, no greedy switch and no component separation take a warm layout from ~660 ms to ~360 ms
      // with no visible loss on pipeline-shaped graphs.
      'elk.separateConnectedComponents': 'false',
      'elk.layered.thoroughness': '1',
      'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
    },
    children,
    edges,
  };
  const result: ElkNode = await engine().layout(root);
  const nodes = new Map<string, PlacedNode>();
  for (const c of result.children ?? []) nodes.set(c.id, { id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 });
  const placed: PlacedEdge[] = (result.edges ?? []).map((e) => {
    const points: Point[] = [];
    for (const s of e.sections ?? []) points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
    return { index: Number(e.id.slice(1)), points };
  });
  return { nodes, edges: placed, width: result.width ?? 0, height: result.height ?? 0, ms: performance.now() - started };
}
