// Pure geometry of the laid-out graphs (DAG preview and lineage): which way a graph flows, the fitted
// view, arrow-key navigation, and the checks the tests make on a layout. No DOM, so node:test runs it.
import type { DagLayoutDirection } from '../protocol';
import type { PanZoom } from './panZoom';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Shape {
  /** Longest path, in nodes. */
  layers: number;
  /** Most nodes in one layer of the longest-path layering. */
  breadth: number;
}

/** Longest-path layering of a DAG given as node ids and edges (nodes on a cycle stay in layer 0). */
export function graphShape(nodes: readonly string[], edges: ReadonlyArray<{ from: string; to: string }>): Shape {
  const layer = new Map(nodes.map((n) => [n, 0]));
  const indegree = new Map(nodes.map((n) => [n, 0]));
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!layer.has(e.from) || !layer.has(e.to) || e.from === e.to) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    indegree.set(e.to, indegree.get(e.to)! + 1);
  }
  const queue = nodes.filter((n) => indegree.get(n) === 0);
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i]!;
    for (const m of next.get(n) ?? []) {
      layer.set(m, Math.max(layer.get(m)!, layer.get(n)! + 1));
      indegree.set(m, indegree.get(m)! - 1);
      if (indegree.get(m) === 0) queue.push(m);
    }
  }
  const counts = new Map<number, number>();
  for (const l of layer.values()) counts.set(l, (counts.get(l) ?? 0) + 1);
  return { layers: counts.size === 0 ? 0 : Math.max(...counts.keys()) + 1, breadth: Math.max(0, ...counts.values()) };
}

/**
 * The direction a graph reads best in, from its shape alone (never the pane's momentary size, so
 * opening the Problems panel cannot flip it): a graph deeper than it is broad runs top-down, as
 * pipeline UIs draw pipelines; a broad, shallow one runs left to right, so it grows downwards, the
 * way the pane scrolls. Once shown, a direction is kept until the shape clearly favours the other
 * (twice as deep as broad, or twice as broad as deep): editing one step never flips the graph.
 */
export function chooseDirection(shape: Shape, previous?: DagLayoutDirection): DagLayoutDirection {
  const { layers, breadth } = shape;
  if (previous === 'DOWN') return breadth >= 2 * layers ? 'RIGHT' : 'DOWN';
  if (previous === 'RIGHT') return layers >= 2 * breadth ? 'DOWN' : 'RIGHT';
  return breadth > layers ? 'RIGHT' : 'DOWN';
}

/** Text sizes in the graphs start at 11 px: at zoom 1 nothing is smaller. */
export const READABLE_ZOOM = 1;

/**
 * The fitted view: the whole graph when it fits at a readable zoom (centred, at most `maxZoom`);
 * otherwise readable zoom, centred along an axis that fits and starting at the top/left edge along
 * one that does not, so the user scrolls to the rest instead of getting a graph too small to read.
 * `minZoom` below READABLE_ZOOM gives a whole-graph fit that may shrink (the lineage's "fit all").
 */
export function fittedView(
  graph: { width: number; height: number },
  stage: { width: number; height: number },
  opts: { minZoom?: number; maxZoom?: number; margin?: number; top?: number; anchor?: { x: number; y: number } } = {},
): PanZoom {
  const margin = opts.margin ?? 16;
  /** Space kept free at the top (for a toolbar over the graph). */
  const top = opts.top ?? margin;
  const minZoom = opts.minZoom ?? READABLE_ZOOM;
  const maxZoom = opts.maxZoom ?? 1.2;
  const w = Math.max(1, graph.width);
  const h = Math.max(1, graph.height);
  const fit = Math.min((stage.width - 2 * margin) / w, (stage.height - top - margin) / h);
  const zoom = Math.min(maxZoom, Math.max(minZoom, fit));
  // Along an axis that does not fit: the anchor (where the graph starts, e.g. its sources) centred,
  // without scrolling past the graph's edges; without an anchor, the graph's start edge.
  const place = (space: number, size: number, start: number, anchor: number | undefined) => {
    if (size * zoom <= space - start - margin) return start + (space - start - margin - size * zoom) / 2;
    if (anchor === undefined) return start;
    const centred = start + (space - start) / 2 - anchor * zoom;
    return Math.min(start, Math.max(space - margin - size * zoom, centred));
  };
  return { zoom, panX: place(stage.width, w, margin, opts.anchor?.x), panY: place(stage.height, h, top, opts.anchor?.y) };
}

/**
 * Where a graph starts, to anchor a view that cannot show all of it: across the flow, the centre of
 * the nodes that start within `span` of the graph's start (what the first screen shows: the topmost
 * nodes for DOWN, the leftmost for RIGHT); along it, the graph's start.
 */
export function startAnchor(boxes: Iterable<Box>, direction: DagLayoutDirection, span = 1): { x: number; y: number } | undefined {
  const all = [...boxes];
  if (!all.length) return undefined;
  const along = (b: Box) => (direction === 'DOWN' ? b.y : b.x);
  const first = Math.min(...all.map(along));
  const layer = all.filter((b) => along(b) <= first + Math.max(1, span));
  const lo = Math.min(...layer.map((b) => (direction === 'DOWN' ? b.x : b.y)));
  const hi = Math.max(...layer.map((b) => (direction === 'DOWN' ? b.x + b.width : b.y + b.height)));
  return direction === 'DOWN' ? { x: (lo + hi) / 2, y: 0 } : { x: 0, y: (lo + hi) / 2 };
}

/** The nearest box in an arrow key's direction, by centres (across-distance counts double). */
export function neighbourInDirection<K>(boxes: ReadonlyMap<K, Box>, from: K, key: string): K | null {
  const a = boxes.get(from);
  if (!a) return null;
  const ax = a.x + a.width / 2;
  const ay = a.y + a.height / 2;
  let best: K | null = null;
  let bestScore = Infinity;
  for (const [id, b] of boxes) {
    if (id === from) continue;
    const dx = b.x + b.width / 2 - ax;
    const dy = b.y + b.height / 2 - ay;
    const along = key === 'ArrowRight' ? dx : key === 'ArrowLeft' ? -dx : key === 'ArrowDown' ? dy : -dy;
    const across = key === 'ArrowRight' || key === 'ArrowLeft' ? Math.abs(dy) : Math.abs(dx);
    if (along <= 1) continue;
    const score = along + across * 2;
    if (score < bestScore) {
      bestScore = score;
      best = id;
    }
  }
  return best;
}

/**
 * True when the segment a–b passes through the box grown by `margin` (an edge over a node, or along
 * its border within `margin` px). Segments are axis-parallel in orthogonal routing, but any segment
 * is handled (Liang–Barsky clipping).
 */
export function segmentTouchesBox(a: { x: number; y: number }, b: { x: number; y: number }, box: Box, margin = 0): boolean {
  const x0 = box.x - margin;
  const y0 = box.y - margin;
  const x1 = box.x + box.width + margin;
  const y1 = box.y + box.height + margin;
  let t0 = 0;
  let t1 = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const clips: Array<[number, number]> = [
    [-dx, a.x - x0],
    [dx, x1 - a.x],
    [-dy, a.y - y0],
    [dy, y1 - a.y],
  ];
  for (const [p, q] of clips) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const r = q / p;
    if (p < 0) t0 = Math.max(t0, r);
    else t1 = Math.min(t1, r);
    if (t0 > t1) return false;
  }
  // A touch at a single point (a corner) does not count as running along a border.
  return t1 - t0 > 1e-9 || (dx === 0 && dy === 0);
}

export interface EdgeOverNode {
  edge: number;
  node: string;
}

/** Every place where an edge's polyline passes over (or within `margin` of) a node that is not one of its ends. */
export function edgesOverNodes(
  boxes: ReadonlyMap<string, Box>,
  edges: ReadonlyArray<{ index: number; from: string; to: string; points: ReadonlyArray<{ x: number; y: number }> }>,
  margin = 2,
): EdgeOverNode[] {
  const found: EdgeOverNode[] = [];
  for (const e of edges) {
    for (const [id, box] of boxes) {
      if (id === e.from || id === e.to) continue;
      for (let i = 1; i < e.points.length; i++) {
        if (segmentTouchesBox(e.points[i - 1]!, e.points[i]!, box, margin)) {
          found.push({ edge: e.index, node: id });
          break;
        }
      }
    }
  }
  return found;
}

/** Proper crossings between the axis-parallel segments of different edges (shared end points excluded). */
export function countCrossings(edges: ReadonlyArray<{ points: ReadonlyArray<{ x: number; y: number }> }>): number {
  type Seg = { a: { x: number; y: number }; b: { x: number; y: number }; edge: number };
  const segs: Seg[] = [];
  edges.forEach((e, edge) => {
    for (let i = 1; i < e.points.length; i++) segs.push({ a: e.points[i - 1]!, b: e.points[i]!, edge });
  });
  const cross = (p: Seg, q: Seg): boolean => {
    const d = (u: { x: number; y: number }, v: { x: number; y: number }, w: { x: number; y: number }) => (v.x - u.x) * (w.y - u.y) - (v.y - u.y) * (w.x - u.x);
    const d1 = d(q.a, q.b, p.a);
    const d2 = d(q.a, q.b, p.b);
    const d3 = d(p.a, p.b, q.a);
    const d4 = d(p.a, p.b, q.b);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
  };
  let n = 0;
  for (let i = 0; i < segs.length; i++) for (let j = i + 1; j < segs.length; j++) if (segs[i]!.edge !== segs[j]!.edge && cross(segs[i]!, segs[j]!)) n++;
  return n;
}

/** Node ids on some directed path between `from` and `to` (either way round), both included; empty when none. */
export function pathBetween(edges: ReadonlyArray<{ from: string; to: string }>, from: string, to: string): Set<string> {
  const reach = (start: string, forward: boolean): Set<string> => {
    const adj = new Map<string, string[]>();
    for (const e of edges) {
      const [a, b] = forward ? [e.from, e.to] : [e.to, e.from];
      adj.set(a, [...(adj.get(a) ?? []), b]);
    }
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) for (const m of adj.get(stack.pop()!) ?? []) if (!seen.has(m)) (seen.add(m), stack.push(m));
    return seen;
  };
  const between = (a: string, b: string) => {
    const down = reach(a, true);
    if (!down.has(b)) return new Set<string>();
    const up = reach(b, false);
    return new Set([...down].filter((n) => up.has(n)));
  };
  const path = between(from, to);
  return path.size ? path : between(to, from);
}
