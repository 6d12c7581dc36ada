// The DAG preview and lineage graph measured as laid out in Chromium (issue 10, "graphs a person can
// read"): the smallest text on screen at the fitted zoom, edges that never pass over or along a node
// that is not one of their ends, the direction kept across pane sizes (a half-width pane, then the
// Problems panel opened under it), hover highlighting, fit/zoom tools, the minimap beyond 50 nodes,
// rows per split on data steps, and the lineage of three runs folded and fitted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { chromiumMissing, readFixture, viewsInChromium, type ViewPage } from './webviewHarness';
import { generatedGraph, penguinGraph } from './syntheticPipelines';
import { countCrossings, edgesOverNodes, type Box } from '../../webviews/shared/graphGeometry';
import type { DagGraph, DagSnapshot, LineageSnapshot } from '../../webviews/protocol';

const FULL = { width: 1100, height: 760 };
const HALF = { width: 550, height: 760 };
/** A half-width pane with the Problems panel open below it. */
const HALF_WITH_PANEL = { width: 550, height: 420 };

interface Geometry {
  boxes: Map<string, Box>;
  edges: Array<{ index: number; from: string; to: string; points: Array<{ x: number; y: number }> }>;
  minTextPx: number;
  direction: string;
}

/** Node boxes and edge polylines in graph coordinates, read back from the SVG, and the smallest text on screen. */
async function geometry(page: Page, nodeSel: string, edgeSel: string): Promise<Geometry> {
  const raw = await page.evaluate(
    ({ nodeSel, edgeSel }) => {
      const nodes = [...document.querySelectorAll(nodeSel)].map((g) => {
        const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '')!;
        const rect = g.querySelector('rect')!;
        return { id: g.getAttribute('data-id') ?? g.getAttribute('data-key')!, x: Number(m[1]), y: Number(m[2]), width: Number(rect.getAttribute('width')), height: Number(rect.getAttribute('height')) };
      });
      const edges = [...document.querySelectorAll(edgeSel)].map((el, index) => {
        const path = el.matches('path') ? el : el.querySelector('path.line')!;
        const host = el.closest('[data-from]')!;
        const points = [...(path.getAttribute('d') ?? '').matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map((p) => ({ x: Number(p[1]), y: Number(p[2]) }));
        return { index, from: host.getAttribute('data-from')!, to: host.getAttribute('data-to')!, points };
      });
      let minTextPx = Infinity;
      for (const t of document.querySelectorAll<SVGTextElement>('#canvas text')) {
        if (!t.textContent) continue;
        const scale = t.getScreenCTM()?.a ?? 1;
        minTextPx = Math.min(minTextPx, parseFloat(getComputedStyle(t).fontSize) * scale);
      }
      return { nodes, edges, minTextPx, direction: document.body.dataset['direction'] ?? '' };
    },
    { nodeSel, edgeSel },
  );
  return { boxes: new Map(raw.nodes.map((n) => [n.id, n])), edges: raw.edges, minTextPx: raw.minTextPx, direction: raw.direction };
}

async function laidOut(view: ViewPage, count: number): Promise<void> {
  await view.page.waitForFunction((n) => Number(document.body.dataset['layoutSeq'] ?? 0) >= n, count, { timeout: 30_000 });
}

function dagSnapshot(graph: DagGraph, extra: Partial<DagSnapshot> = {}): DagSnapshot {
  return { graph, status: {}, problems: [], highlighted: null, canRun: true, ...extra };
}

const skip = chromiumMissing();
describe('graphs a person can read', { skip }, () => {
  const views = viewsInChromium();

  for (const [name, graph] of [
    ['penguin', penguinGraph()],
    ['60 components', generatedGraph(60, 6)],
  ] as const) {
    it(`DAG (${name}): readable text at the fitted zoom, no edge over another node, the same direction at every pane size`, async () => {
      const directions = new Set<string>();
      for (const size of [FULL, HALF, HALF_WITH_PANEL]) {
        const view = await views.open('dag', 'light', undefined, size);
        await view.send({ type: 'dag/snapshot', snapshot: dagSnapshot(graph) });
        await laidOut(view, 1);
        const g = await geometry(view.page, '.node', '.edge');
        directions.add(g.direction);
        assert.ok(g.minTextPx >= 11 - 1e-6, `${name} at ${size.width}x${size.height}: smallest text ${g.minTextPx.toFixed(2)} px`);
        assert.equal(g.boxes.size, graph.nodes.length);
        assert.equal(g.edges.length, graph.edges.length);
        assert.deepEqual(edgesOverNodes(g.boxes, g.edges, 2), [], 'no edge passes over, or within 2 px of, a node that is not its end');
        // Edges leave at the source's bottom (DOWN) and enter at the target's top.
        for (const e of g.edges) {
          const start = e.points[0]!;
          const end = e.points[e.points.length - 1]!;
          const from = g.boxes.get(e.from)!;
          const to = g.boxes.get(e.to)!;
          assert.ok(Math.abs(start.y - (from.y + from.height)) <= 0.5, `${e.from} -> ${e.to} leaves at the bottom port: ${JSON.stringify({ start, from })}`);
          assert.ok(Math.abs(end.y - to.y) <= 0.5, `${e.from} -> ${e.to} enters at the top port: ${JSON.stringify({ end, to })}`);
        }
        if (name === 'penguin') assert.ok(countCrossings(g.edges) <= 4, `crossings: ${countCrossings(g.edges)}`);
        assert.deepEqual(view.problems, []);
        await view.page.close();
      }
      assert.deepEqual([...directions], ['DOWN'], 'one direction at every pane size');
    });
  }

  it('DAG: opening a panel under the preview (a resize) keeps the layout and direction, and re-fits', async () => {
    const view = await views.open('dag', 'light', undefined, HALF);
    await view.send({ type: 'dag/snapshot', snapshot: dagSnapshot(penguinGraph()) });
    await laidOut(view, 1);
    const before = await view.page.locator('.node[data-id="trainer"]').getAttribute('transform');
    await view.page.setViewportSize(HALF_WITH_PANEL);
    await view.page.waitForTimeout(300);
    await view.page.setViewportSize({ width: 1400, height: 300 });
    await view.page.waitForTimeout(300);
    assert.equal(await view.page.evaluate(() => document.body.dataset['layoutSeq']), '1', 'no layout on resize');
    assert.equal(await view.page.evaluate(() => document.body.dataset['direction']), 'DOWN');
    assert.equal(await view.page.locator('.node[data-id="trainer"]').getAttribute('transform'), before);
    const g = await geometry(view.page, '.node', '.edge');
    assert.ok(g.minTextPx >= 11 - 1e-6, `smallest text ${g.minTextPx}`);
    await view.page.close();
  });

  it('DAG: wheel scrolls, fit and zoom buttons, hover highlights a node’s edges and neighbours', async () => {
    const view = await views.open('dag', 'light', undefined, HALF_WITH_PANEL);
    await view.send({ type: 'dag/snapshot', snapshot: dagSnapshot(penguinGraph()) });
    await laidOut(view, 1);
    const page = view.page;
    const transform = () => page.locator('#viewport').getAttribute('transform');
    const fitted = await transform();
    assert.match(fitted ?? '', /scale\(1\.0000\)/, 'a graph taller than the pane is fitted at readable size');
    await page.mouse.move(300, 300);
    await page.mouse.wheel(0, 200);
    await page.waitForFunction((t) => document.getElementById('viewport')!.getAttribute('transform') !== t, fitted);
    assert.match((await transform()) ?? '', /scale\(1\.0000\)/, 'the wheel scrolls, it does not zoom');
    await page.click('#zoom-out');
    assert.equal(await page.textContent('#zoom-level'), '80%');
    await page.click('#zoom-in');
    await page.click('#zoom-in');
    assert.equal(await page.textContent('#zoom-level'), '125%');
    await page.click('#fit');
    assert.equal(await transform(), fitted);
    // Hover the trainer (in a taller pane, where it is in view): its five edges and their other ends stand out.
    await page.setViewportSize({ width: 1100, height: 1500 });
    await page.click('#fit');
    await page.locator('.node[data-id="trainer"] rect.box').hover();
    await page.waitForSelector('#stage.focusing');
    const related = await page.$$eval('.edge.related', (els) => els.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`).sort());
    assert.deepEqual(related, ['trainer>approval', 'trainer>evaluator', 'trainer>pusher', 'transform>trainer', 'transform>trainer']);
    const neighbours = await page.$$eval('.node.neighbour', (els) => els.map((e) => e.getAttribute('data-id')).sort());
    assert.deepEqual(neighbours, ['approval', 'evaluator', 'pusher', 'transform']);
    await page.mouse.move(5, 5);
    await page.waitForSelector('#stage:not(.focusing)');
    // A click selects: the highlight stays after the pointer leaves, Escape clears it.
    await page.locator('.node[data-id="evaluator"] rect.box').click();
    await page.mouse.move(5, 5);
    assert.equal(await page.locator('.edge.related').count(), 5);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.edge.related').count(), 0);
    await page.close();
  });

  it('DAG: a minimap beyond 50 nodes that moves the view, none for small graphs', async () => {
    const small = await views.open('dag');
    await small.send({ type: 'dag/snapshot', snapshot: dagSnapshot(penguinGraph()) });
    await laidOut(small, 1);
    assert.ok(!(await small.page.locator('#minimap').isVisible()));
    await small.page.close();
    const view = await views.open('dag', 'light', undefined, HALF);
    await view.send({ type: 'dag/snapshot', snapshot: dagSnapshot(generatedGraph(60, 6)) });
    await laidOut(view, 1);
    const map = view.page.locator('#minimap');
    assert.ok(await map.isVisible());
    assert.equal(await map.locator('rect[data-id]').count(), 60);
    const before = await view.page.locator('#viewport').getAttribute('transform');
    const box = (await map.boundingBox())!;
    await view.page.mouse.click(box.x + box.width / 2, box.y + box.height - 3);
    assert.notEqual(await view.page.locator('#viewport').getAttribute('transform'), before, 'a click on the minimap moves the view');
    await view.page.close();
  });

  it('DAG: data steps show rows per split and durations of their last run', async () => {
    const view = await views.open('dag');
    await view.send({
      type: 'dag/snapshot',
      snapshot: dagSnapshot(penguinGraph(), { status: { example_gen: { state: 'complete', durationMs: 410, rows: { train: 258, eval: 86 } }, transform: { state: 'cached', durationMs: 2 } } }),
    });
    await laidOut(view, 1);
    assert.equal(await view.page.locator('.node[data-id="example_gen"] text.rows').textContent(), 'train 258 · eval 86 rows');
    assert.match((await view.page.locator('.node[data-id="example_gen"]').getAttribute('aria-label')) ?? '', /complete · 410 ms, train 258 · eval 86 rows/);
    assert.equal(await view.page.locator('.node[data-id="trainer"] text.rows').count(), 0, 'not a data step');
    await view.send({ type: 'dag/status', status: { transform: { state: 'complete', durationMs: 83, rows: { train: 250, eval: 80 } } } });
    await view.page.waitForSelector('.node[data-id="transform"].state-complete');
    assert.equal(await view.page.locator('.node[data-id="transform"] text.rows').textContent(), 'train 250 · eval 80 rows');
    await view.page.close();
  });

  it('lineage of three runs: opens fitted to the whole lineage, no name twice, groups expand on click, path highlighted', async () => {
    const three = readFixture<LineageSnapshot>('lineage-three-runs.json');
    const view = await views.open('lineage', 'light', undefined, FULL);
    await view.send({ type: 'lineage/snapshot', snapshot: three });
    await laidOut(view, 1);
    const page = view.page;
    const names = await page.$$eval('.lnode text.name', (els) => els.map((e) => e.textContent ?? ''));
    assert.equal(new Set(names).size, names.length, `no name twice: ${names.join(', ')}`);
    assert.equal(await page.locator('.lnode.group').count(), 6);
    // Fitted: every node inside the stage.
    const stage = (await page.locator('#stage').boundingBox())!;
    for (const box of await page.$$eval('.lnode rect:first-of-type', (els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) {
      assert.ok(box.x >= stage.x - 1 && box.y >= stage.y - 1 && box.x + box.width <= stage.x + stage.width + 1 && box.y + box.height <= stage.y + stage.height + 1, 'inside the stage');
    }
    const g = await geometry(page, '.lnode', 'path.ledge:not(.arrow)');
    assert.deepEqual(edgesOverNodes(g.boxes, g.edges, 2), []);
    assert.equal(g.direction, 'DOWN', 'sources at the top, flowing to the traced model');
    const rootBox = g.boxes.get('a7')!;
    assert.ok(rootBox.y > g.boxes.get('a1')!.y, 'the source examples come before the model');
    // Hover the source examples: the path to the traced model stands out.
    await page.locator('.lnode[data-key="a1"] rect').first().hover();
    await page.waitForSelector('#stage.tracing');
    const onPath = await page.$$eval('.lnode.on-path', (els) => els.map((e) => e.getAttribute('data-key')));
    assert.ok(onPath.includes('a1') && onPath.includes('a7') && onPath.includes('g7'), onPath.join(','));
    assert.ok(!onPath.includes('a12'), 'the approval is downstream of the model, not on the path from the data');
    // A click on a group shows its executions; Fold runs folds them again.
    const count = await page.locator('.lnode').count();
    await page.locator('.lnode.group', { hasText: 'trainer ×3' }).locator('rect').first().click();
    await laidOut(view, 2);
    assert.equal(await page.locator('.lnode').count(), count + 2);
    assert.equal(await page.locator('.lnode.group').count(), 5);
    const expandedNames = await page.$$eval('.lnode text.name', (els) => els.map((e) => e.textContent ?? ''));
    assert.equal(new Set(expandedNames).size, expandedNames.length, expandedNames.join(', '));
    await page.click('#fold');
    await laidOut(view, 3);
    assert.equal(await page.locator('.lnode').count(), count);
    assert.deepEqual((await view.posted('lineage')).filter((m) => m.type === 'lineage/open'), [], 'a group click expands, it opens nothing');
    await page.close();
  });

  it('screenshots: penguin in a half-width pane, 60 components with the minimap, lineage after three runs (light and dark)', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const penguin = await views.open('dag', theme, undefined, HALF_WITH_PANEL);
      await penguin.send({ type: 'dag/snapshot', snapshot: dagSnapshot(penguinGraph(), { status: { example_gen: { state: 'complete', durationMs: 410, rows: { train: 258, eval: 86 } }, statistics_gen: { state: 'cached', durationMs: 12 } } }) });
      await laidOut(penguin, 1);
      await penguin.page.locator('.node[data-id="statistics_gen"] rect.box').hover();
      await penguin.screenshot(`dag-half-pane-${theme}`);
      await penguin.page.close();
      const big = await views.open('dag', theme, undefined, HALF);
      await big.send({ type: 'dag/snapshot', snapshot: dagSnapshot(generatedGraph(60, 6)) });
      await laidOut(big, 1);
      await big.screenshot(`dag-60-minimap-${theme}`);
      await big.page.close();
      const lineage = await views.open('lineage', theme, undefined, FULL);
      await lineage.send({ type: 'lineage/snapshot', snapshot: readFixture<LineageSnapshot>('lineage-three-runs.json') });
      await laidOut(lineage, 1);
      await lineage.page.locator('.lnode[data-key="a1"] rect').first().hover();
      await lineage.screenshot(`lineage-three-runs-${theme}`);
      await lineage.page.close();
    }
  });
});
