// The pure geometry behind the DAG and lineage views (no browser): direction from the graph's shape
// with hysteresis, the readable fitted view, the segment/box test the layout checks rely on, paths
// between nodes, the folding of repeated runs in a lineage, and rows per split from MLMD properties.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDirection, countCrossings, edgesOverNodes, fittedView, graphShape, neighbourInDirection, pathBetween, READABLE_ZOOM, segmentTouchesBox, startAnchor } from '../../webviews/shared/graphGeometry';
import { foldLineage } from '../../webviews/lineage/foldLineage';
import { rowsPerSplit } from '../../extension/panels/dagGraph';
import { generatedGraph, penguinGraph } from './syntheticPipelines';
import { readFixture } from './webviewHarness';
import type { LineageSnapshot } from '../../webviews/protocol';

describe('graph geometry', () => {
  it('measures a graph by longest-path layers and breadth', () => {
    const g = penguinGraph();
    assert.deepEqual(graphShape(g.nodes.map((n) => n.id), g.edges), { layers: 9, breadth: 2 });
    const wide = { nodes: ['s', ...Array.from({ length: 8 }, (_, i) => `n${i}`)], edges: Array.from({ length: 8 }, (_, i) => ({ from: 's', to: `n${i}` })) };
    assert.deepEqual(graphShape(wide.nodes, wide.edges), { layers: 2, breadth: 8 });
    // A cycle (the validator reports it) does not hang the view.
    assert.deepEqual(graphShape(['a', 'b'], [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }]), { layers: 1, breadth: 2 });
  });

  it('chooses the direction from the shape, and keeps it unless the shape clearly favours the other', () => {
    assert.equal(chooseDirection({ layers: 9, breadth: 2 }), 'DOWN');
    assert.equal(chooseDirection({ layers: 2, breadth: 8 }), 'RIGHT');
    assert.equal(chooseDirection({ layers: 5, breadth: 6 }), 'RIGHT');
    // Hysteresis: a small edit keeps the shown direction.
    assert.equal(chooseDirection({ layers: 5, breadth: 6 }, 'DOWN'), 'DOWN');
    assert.equal(chooseDirection({ layers: 6, breadth: 5 }, 'RIGHT'), 'RIGHT');
    assert.equal(chooseDirection({ layers: 5, breadth: 10 }, 'DOWN'), 'RIGHT');
    assert.equal(chooseDirection({ layers: 10, breadth: 5 }, 'RIGHT'), 'DOWN');
    const big = generatedGraph(300);
    assert.equal(chooseDirection(graphShape(big.nodes.map((n) => n.id), big.edges)), 'DOWN');
  });

  it('fits a small graph whole and a large one at readable zoom from the top, centred where it fits', () => {
    const small = fittedView({ width: 400, height: 300 }, { width: 800, height: 600 });
    assert.equal(small.zoom, 1.2);
    assert.equal(small.panX, (800 - 400 * 1.2) / 2);
    assert.equal(fittedView({ width: 100, height: 100 }, { width: 800, height: 600 }, { top: 40, maxZoom: 1 }).panY, 40 + (600 - 40 - 16 - 100) / 2, 'centred below the toolbar');
    const tall = fittedView({ width: 500, height: 3000 }, { width: 550, height: 400 });
    assert.equal(tall.zoom, READABLE_ZOOM, 'never shrinks below readable text');
    assert.equal(tall.panX, 25, 'centred across: the width fits');
    assert.equal(fittedView({ width: 500, height: 3000 }, { width: 550, height: 400 }, { top: 44 }).panY, 44, 'below the toolbar');
    assert.equal(tall.panY, 16, 'from the top along the axis that scrolls');
    // Too wide as well: the sources (the anchor) centred, never scrolled past the graph's edge.
    const wide = fittedView({ width: 900, height: 3000 }, { width: 500, height: 400 }, { anchor: { x: 600, y: 0 } });
    assert.equal(wide.panX, 16 + (500 - 16) / 2 - 600);
    assert.equal(fittedView({ width: 900, height: 3000 }, { width: 500, height: 400 }, { anchor: { x: 880, y: 0 } }).panX, 500 - 16 - 900, 'clamped at the right edge');
    assert.deepEqual(startAnchor([{ x: 300, y: 12, width: 100, height: 50 }, { x: 0, y: 200, width: 100, height: 50 }], 'DOWN'), { x: 350, y: 0 });
    assert.deepEqual(startAnchor([{ x: 300, y: 12, width: 100, height: 50 }, { x: 0, y: 200, width: 100, height: 50 }], 'DOWN', 300), { x: 200, y: 0 }, 'what the first screen shows');
    const shrunk = fittedView({ width: 2000, height: 1000 }, { width: 500, height: 300 }, { minZoom: 0.1 });
    assert.ok(shrunk.zoom < 0.3 && 2000 * shrunk.zoom <= 500, 'a whole-graph fit when asked for');
  });

  it('finds boxes by arrow key', () => {
    const boxes = new Map([
      ['a', { x: 0, y: 0, width: 10, height: 10 }],
      ['below', { x: 0, y: 100, width: 10, height: 10 }],
      ['right', { x: 100, y: 5, width: 10, height: 10 }],
    ]);
    assert.equal(neighbourInDirection(boxes, 'a', 'ArrowDown'), 'below');
    assert.equal(neighbourInDirection(boxes, 'a', 'ArrowRight'), 'right');
    assert.equal(neighbourInDirection(boxes, 'a', 'ArrowUp'), null);
  });

  it('tells segments over or along a box from segments beside it', () => {
    const box = { x: 10, y: 10, width: 20, height: 20 };
    assert.ok(segmentTouchesBox({ x: 0, y: 20 }, { x: 40, y: 20 }, box), 'straight through');
    assert.ok(segmentTouchesBox({ x: 0, y: 31 }, { x: 40, y: 31 }, box, 2), 'along the border within the margin');
    assert.ok(!segmentTouchesBox({ x: 0, y: 35 }, { x: 40, y: 35 }, box, 2), 'clear of it');
    assert.ok(!segmentTouchesBox({ x: 0, y: 0 }, { x: 8, y: 8 }, box, 0), 'short of it');
    const over = edgesOverNodes(new Map([['a', box], ['b', { x: 100, y: 0, width: 5, height: 5 }]]), [{ index: 0, from: 'x', to: 'b', points: [{ x: 0, y: 20 }, { x: 100, y: 20 }] }]);
    assert.deepEqual(over, [{ edge: 0, node: 'a' }]);
    assert.equal(countCrossings([{ points: [{ x: 0, y: 5 }, { x: 10, y: 5 }] }, { points: [{ x: 5, y: 0 }, { x: 5, y: 10 }] }]), 1);
    assert.equal(countCrossings([{ points: [{ x: 0, y: 5 }, { x: 10, y: 5 }] }, { points: [{ x: 0, y: 5 }, { x: 0, y: 10 }] }]), 0, 'a shared end is no crossing');
  });

  it('finds the nodes on paths between two nodes, either way round', () => {
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'a', to: 'd' },
      { from: 'x', to: 'c' },
    ];
    assert.deepEqual([...pathBetween(edges, 'a', 'c')].sort(), ['a', 'b', 'c']);
    assert.deepEqual([...pathBetween(edges, 'c', 'a')].sort(), ['a', 'b', 'c']);
    assert.equal(pathBetween(edges, 'd', 'c').size, 0);
  });
});

describe('lineage folding', () => {
  const three = readFixture<LineageSnapshot>('lineage-three-runs.json');

  it('folds the repeated runs of each step of three penguin runs, and shows no name twice', () => {
    const f = foldLineage(three.graph);
    const names = f.nodes.map((n) => n.name);
    assert.equal(new Set(names).size, names.length, `every name once: ${names.join(', ')}`);
    const groups = f.nodes.filter((n) => n.kind === 'group');
    assert.deepEqual(
      groups.map((g) => g.name),
      ['example_gen ×3', 'statistics_gen ×3', 'schema_gen ×3', 'transform ×3', 'trainer ×3', 'evaluator ×2'],
    );
    assert.match(groups[0]!.title, /3 runs, 2 from cache/);
    // Unnamed artifacts are called after the output that wrote them.
    assert.equal(f.nodes.find((n) => n.key === 'a1')?.name, 'example_gen.examples');
    // Every edge joins nodes that are shown, once.
    const keys = new Set(f.nodes.map((n) => n.key));
    assert.ok(f.edges.every((e) => keys.has(e.from) && keys.has(e.to)));
    assert.equal(new Set(f.edges.map((e) => `${e.from}>${e.to}>${e.key}`)).size, f.edges.length);
    assert.ok(f.nodes.length < three.graph.nodes.length);
  });

  it('shows each execution of an expanded group', () => {
    const folded = foldLineage(three.graph);
    const group = folded.nodes.find((n) => n.name === 'example_gen ×3')!;
    const open = foldLineage(three.graph, new Set([group.key]));
    for (const m of group.members) assert.ok(open.nodes.some((n) => n.key === m), m);
    assert.equal(open.nodes.length, folded.nodes.length + group.members.length - 1);
    const names = open.nodes.map((n) => n.name);
    assert.equal(new Set(names).size, names.length, `still every name once: ${names.join(', ')}`);
  });

  it('leaves a lineage without repeated runs as it is', () => {
    const one = readFixture<LineageSnapshot>('lineage.json');
    const f = foldLineage(one.graph);
    assert.equal(f.nodes.length, one.graph.nodes.length);
    assert.equal(f.edges.length, one.graph.edges.length);
  });
});

describe('rows per split', () => {
  const artifact = (type: string, customProperties: Record<string, string | number>) => ({ id: 1, type, uri: '/x', state: 'LIVE' as const, createTime: 0, updateTime: 0, properties: {}, customProperties });

  it("reads ExampleGen's num_examples from the Examples output", () => {
    assert.deepEqual(rowsPerSplit({ examples: [artifact('Examples', { num_examples: '{"train":258,"eval":86}' })] }), { train: 258, eval: 86 });
    assert.equal(rowsPerSplit({ model: [artifact('Model', { num_examples: '{"train":1}' })] }), undefined, 'only Examples');
    assert.equal(rowsPerSplit({ examples: [artifact('Examples', { num_examples: 'not json' })] }), undefined);
    assert.equal(rowsPerSplit({ examples: [artifact('Examples', {})] }), undefined);
    assert.equal(rowsPerSplit(null), undefined);
  });
});
