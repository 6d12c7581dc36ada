// The DAG preview in headless Chromium: ELK layout in a Blob-URL worker under the real CSP, node
// states, edge hover, reveal/actions messages, keyboard, live patches without re-layout, the last
// good graph kept on errors, collapse beyond 300 components, hostile strings as text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumMissing, viewsInChromium, type ViewPage } from './webviewHarness';
import { generatedGraph, HOSTILE, penguinGraph, SCRIPT_END } from './syntheticPipelines';
import type { DagSnapshot } from '../../webviews/protocol';

const status: DagSnapshot['status'] = {
  example_gen: { state: 'complete', durationMs: 1250 },
  statistics_gen: { state: 'cached', durationMs: 12 },
  schema_gen: { state: 'complete', durationMs: 300 },
  example_validator: { state: 'failed', durationMs: 800, reason: 'anomalies' },
  transform: { state: 'running' },
  approval: { state: 'waiting', durationMs: 65000 },
  pusher: { state: 'skipped' },
};

function snapshot(extra: Partial<DagSnapshot> = {}): DagSnapshot {
  return { graph: penguinGraph(), status, problems: [], highlighted: null, canRun: true, ...extra };
}

async function laidOut(view: ViewPage, count: number): Promise<void> {
  await view.page.waitForFunction((n) => Number(document.body.dataset['layoutSeq'] ?? 0) >= n, count, { timeout: 20_000 });
}

const skip = chromiumMissing();
describe('DAG preview', { skip }, () => {
  const views = viewsInChromium();

  it('lays out every component with its type, ports and state, hostile strings as text', async () => {
    const view = await views.open('dag');
    await view.send({ type: 'dag/snapshot', snapshot: snapshot() });
    await laidOut(view, 1);
    const page = view.page;
    assert.equal(await page.locator('.node').count(), 11);
    const text = (id: string) => page.locator(`.node[data-id="${id}"]`).textContent();
    assert.match((await text('transform')) ?? '', /Transform.*transform_graph: TransformGraph.*transformed_examples: Examples.*running/);
    assert.match((await text('example_gen')) ?? '', /complete · 1\.3 s/);
    assert.match((await text('statistics_gen')) ?? '', /cached · 12 ms/);
    assert.match((await text('example_validator')) ?? '', /failed/);
    // A status longer than the node is cut on screen with an ellipsis; its whole text is the node's accessible name.
    assert.match((await page.locator('.node[data-id="approval"]').getAttribute('aria-label')) ?? '', /waiting for approval · 1 min 5 s/);
    assert.match((await text('approval')) ?? '', /waiting for approval · 1/);
    assert.match((await text('pusher')) ?? '', /skipped/);
    assert.match((await text('trainer')) ?? '', /never run/);
    assert.ok(await page.locator('.node[data-id="custom_report"].disabled').count());
    // Edges were routed for every connection.
    assert.equal(await page.locator('.edge').count(), 17);
    // Hostile pipeline name, file and artifact type are text.
    assert.equal(await page.locator('#pipeline-name').textContent(), `penguin ${HOSTILE}`);
    assert.ok(((await page.textContent('#top')) ?? '').includes(SCRIPT_END));
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('script:not([nonce])').count(), 0);
    const posted = await view.posted('dag');
    const laid = posted.find((m) => m.type === 'dag/laidOut');
    assert.ok(laid && laid.type === 'dag/laidOut' && laid.nodes === 11 && !laid.collapsed);
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('shows the artifact type when hovering an edge', async () => {
    const view = await views.open('dag');
    await view.send({ type: 'dag/snapshot', snapshot: snapshot() });
    await laidOut(view, 1);
    // A point on the edge's path near its end (orthogonal edges from one port share their first segments).
    const point = await view.page.$eval('.edge[data-from="statistics_gen"][data-to="schema_gen"] path.hit', (el) => {
      const path = el as SVGPathElement;
      const p = path.getPointAtLength(path.getTotalLength() * 0.95);
      const m = path.getScreenCTM()!;
      return { x: p.x * m.a + p.y * m.c + m.e, y: p.x * m.b + p.y * m.d + m.f };
    });
    await view.page.mouse.move(point.x, point.y);
    await view.page.waitForSelector('#tip:not([hidden])');
    assert.equal(await view.page.textContent('#tip'), 'statistics_gen.statistics → schema_gen.statistics: ExampleStatistics');
    await view.page.close();
  });

  it('posts reveal on click and actions from the context menu, by mouse and keyboard', async () => {
    const view = await views.open('dag');
    await view.send({ type: 'dag/snapshot', snapshot: snapshot() });
    await laidOut(view, 1);
    const page = view.page;
    await page.locator('.node[data-id="trainer"] rect.box').click();
    await page.locator('.node[data-id="trainer"] rect.box').click({ button: 'right' });
    await page.click('.menu button[data-action="rerun-no-cache"]');
    // Keyboard: focus a node, arrow to its neighbour, Enter reveals, Shift+F10 opens the menu.
    await page.locator('.node[data-id="example_gen"]').focus();
    await page.keyboard.press('ArrowRight');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-id'));
    assert.ok(focused && focused !== 'example_gen', `arrow moved focus to ${focused}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+F10');
    await page.waitForSelector('.menu');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const posted = (await view.posted('dag')).filter((m) => m.type !== 'dag/laidOut' && m.type !== 'dag/ready');
    assert.deepEqual(posted, [
      { type: 'dag/reveal', component: 'trainer' },
      { type: 'dag/action', action: 'rerun-no-cache', component: 'trainer' },
      { type: 'dag/reveal', component: focused },
      { type: 'dag/action', action: 'run-from', component: focused },
    ]);
    await page.close();
  });

  it('hides run actions in untrusted workspaces', async () => {
    const view = await views.open('dag');
    await view.send({ type: 'dag/snapshot', snapshot: snapshot({ canRun: false }) });
    await laidOut(view, 1);
    await view.page.locator('.node[data-id="trainer"] rect.box').click({ button: 'right' });
    const actions = await view.page.$$eval('.menu button', (els) => els.map((e) => e.getAttribute('data-action')));
    assert.deepEqual(actions, ['show-statistics', 'show-evaluation', 'show-anomalies', 'show-lineage', 'open-data-grid', 'show-report', 'open-log']);
    await view.page.close();
  });

  it('patches live status without laying out again, highlights the cursor component', async () => {
    const view = await views.open('dag');
    await view.send({ type: 'dag/snapshot', snapshot: snapshot() });
    await laidOut(view, 1);
    const page = view.page;
    const before = await page.locator('.node[data-id="trainer"]').getAttribute('transform');
    await view.send({ type: 'dag/status', status: { trainer: { state: 'running' } } });
    await page.waitForSelector('.node[data-id="trainer"].state-running');
    await view.send({ type: 'dag/status', status: { trainer: { state: 'complete', durationMs: 4200 } } });
    await page.waitForSelector('.node[data-id="trainer"].state-complete');
    assert.match((await page.locator('.node[data-id="trainer"] text.status').textContent()) ?? '', /complete · 4\.2 s/);
    assert.equal(await page.evaluate(() => document.body.dataset['layoutSeq']), '1', 'no second layout');
    assert.equal(await page.locator('.node[data-id="trainer"]').getAttribute('transform'), before);
    await view.send({ type: 'dag/highlight', component: 'evaluator' });
    await page.waitForSelector('.node[data-id="evaluator"].highlighted');
    assert.equal(await page.locator('.node.highlighted').count(), 1);
    await page.close();
  });

  it('keeps the last good graph while the file has errors, and relayouts when it is fixed', async () => {
    const view = await views.open('dag');
    await view.send({ type: 'dag/snapshot', snapshot: snapshot() });
    await laidOut(view, 1);
    const page = view.page;
    await view.send({ type: 'dag/graph', graph: null, problems: [{ line: 12, column: 5, severity: 'error', message: `unknown component type ${HOSTILE}`, component: 'trainer' }] });
    await page.waitForSelector('#problems');
    assert.match((await page.textContent('#problems')) ?? '', /showing the graph as far as it could be read.*12:5 error: unknown component type <img src=x onerror=alert\(1\)>/s);
    assert.equal(await page.locator('.node').count(), 11);
    const fixed = penguinGraph();
    const longId = `extra_${'very_long_component_id_'.repeat(6)}end`;
    fixed.nodes.push({ id: longId, type: 'Command', enabled: true, outputs: [] });
    fixed.edges.push({ from: 'pusher', output: 'pushed_model', to: longId, input: 'model', artifactType: 'PushedModel' });
    await view.send({ type: 'dag/graph', graph: fixed, problems: [] });
    await laidOut(view, 2);
    assert.equal(await page.locator('.node').count(), 12);
    // A very long id is cut to the node's width on screen, and kept whole for tooltips and screen readers.
    const long = page.locator(`.node[data-id="${longId}"]`);
    assert.match((await long.locator('text.id').textContent()) ?? '', /^extra_very_long.*…$/);
    assert.match((await long.getAttribute('aria-label')) ?? '', new RegExp(`^${longId}, Command`));
    const box = await long.locator('rect.box').boundingBox();
    const label = await long.locator('text.id').boundingBox();
    assert.ok(box && label && label.x + label.width <= box.x + box.width, 'the id stays inside its node');
    assert.equal(await page.locator('#problems').count(), 0);
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('lays out 300 components in the worker, and collapses by prefix beyond that with a warning', async () => {
    const view = await views.open('dag');
    await view.send({ type: 'dag/snapshot', snapshot: { graph: generatedGraph(300), status: {}, problems: [], highlighted: null, canRun: true } });
    await laidOut(view, 1);
    assert.equal(await view.page.locator('.node').count(), 300);
    assert.equal(await view.page.locator('#collapsed-warning').count(), 0);
    await view.send({ type: 'dag/graph', graph: generatedGraph(420), problems: [] });
    await laidOut(view, 2);
    assert.equal(await view.page.locator('.node').count(), 13, 'one node per id prefix, and the source');
    assert.match((await view.page.textContent('#collapsed-warning')) ?? '', /420 components/);
    // A group's menu lists its components; choosing one reveals it, as a click on the group reveals the first.
    const group = view.page.locator('.node[data-id^="g3_"]').first();
    const groupId = await group.getAttribute('data-id');
    // Focused by keyboard first, which brings it into view (the fitted view is readable size, not the whole graph).
    await group.focus();
    await group.locator('rect.box').click({ button: 'right' });
    const menu = view.page.locator('.menu[role="menu"]');
    await menu.waitFor();
    assert.match((await menu.innerText()).replace(/\u00a0/g, ' '), /35 components/);
    assert.equal(await menu.locator('button[data-member]').count(), 12);
    assert.match(await menu.innerText(), /… and 23 more/);
    assert.equal(await menu.locator('button[data-action]').count(), 0, 'no run actions on a group');
    await menu.locator('button[data-member="g3_step_15"]').click();
    await group.locator('rect.box').click();
    const posted = await view.posted('dag');
    const layouts = posted.filter((m) => m.type === 'dag/laidOut');
    assert.equal(layouts.length, 2);
    assert.deepEqual(
      posted.filter((m) => m.type === 'dag/reveal'),
      [
        { type: 'dag/reveal', component: 'g3_step_15' },
        { type: 'dag/reveal', component: 'g3_step_3' },
      ],
      `group ${groupId}`,
    );
    await view.page.close();
  });

  it('restores from saved state after a reload at once, from the saved layout, and zooms with the keyboard', async () => {
    const first = await views.open('dag');
    await first.send({ type: 'dag/snapshot', snapshot: snapshot() });
    await laidOut(first, 1);
    await first.page.locator('#stage').focus();
    await first.page.keyboard.press('+');
    await first.page.waitForFunction(() => (window as unknown as { __state?: { autoFit?: boolean } }).__state?.autoFit === false);
    const state = (await first.page.evaluate(() => (window as unknown as { __state: unknown }).__state)) as { zoom: number; panX: number; panY: number; layout: { shape: string } | null };
    assert.ok(state.layout, 'the layout is kept in webview state');
    await first.page.close();
    const again = await views.open('dag', 'light', state);
    // Drawn from the saved layout before the host's snapshot arrives, without the worker.
    await again.page.waitForFunction(() => document.body.dataset['restored'] === 'layout', undefined, { timeout: 5_000 });
    assert.equal(await again.page.locator('.node').count(), 11);
    assert.equal(await again.page.locator('#viewport').getAttribute('transform'), `translate(${state.panX.toFixed(1)},${state.panY.toFixed(1)}) scale(${state.zoom.toFixed(4)})`);
    // The host's snapshot of the same graph does not lay it out again.
    await again.send({ type: 'dag/snapshot', snapshot: snapshot() });
    await again.page.waitForFunction(() => Number(document.body.dataset['rendered']) >= 2);
    assert.equal((await again.posted('dag')).filter((m) => m.type === 'dag/laidOut').length, 0, 'no layout after a restore of the same graph');
    assert.equal(await again.page.evaluate(() => document.body.dataset['layoutSeq']), undefined);
    await again.page.close();
  });

  it('screenshots in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const view = await views.open('dag', theme);
      await view.send({ type: 'dag/snapshot', snapshot: snapshot({ highlighted: 'evaluator', problems: [{ line: 3, column: 1, severity: 'warning', message: 'component custom_report is disabled', component: 'custom_report' }] }) });
      await laidOut(view, 1);
      await view.screenshot(`dag-${theme}`);
      await view.page.close();
      // A grouped pipeline with a group's menu open.
      const grouped = await views.open('dag', theme);
      await grouped.send({ type: 'dag/snapshot', snapshot: { graph: generatedGraph(420), status: {}, problems: [], highlighted: null, canRun: true } });
      await laidOut(grouped, 1);
      await grouped.page.locator('.node[data-id^="g3_"]').first().focus();
      await grouped.page.locator('.node[data-id^="g3_"] rect.box').first().click({ button: 'right' });
      await grouped.page.locator('.menu[role="menu"]').waitFor();
      await grouped.screenshot(`dag-group-menu-${theme}`);
      await grouped.page.close();
    }
  });
  it('draws a component with errors where it sits, marked, with its error in the tooltip (light and dark)', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const graph = penguinGraph();
      const trainer = graph.nodes.find((n) => n.id === 'trainer')!;
      trainer.broken = '34:11 Unknown component type `Trainr`; did you mean `Trainer`?';
      const view = await views.open('dag', theme);
      await view.send({ type: 'dag/snapshot', snapshot: snapshot({ graph, problems: [{ line: 34, column: 11, severity: 'error', message: 'Unknown component type `Trainr`; did you mean `Trainer`?', component: 'trainer' }] }) });
      await laidOut(view, 1);
      const node = view.page.locator('.node[data-id="trainer"]');
      assert.match((await node.getAttribute('class')) ?? '', /\bbroken\b/);
      assert.match((await node.textContent()) ?? '', /has errors/);
      assert.match((await node.locator('title').first().textContent()) ?? '', /Unknown component type `Trainr`/);
      assert.equal(await view.page.locator('.node.broken').count(), 1, 'only the broken one is marked');
      assert.match((await view.page.textContent('#problems')) ?? '', /the components with errors are marked/);
      await view.screenshot(`dag-broken-${theme}`);
      await view.page.close();
    }
  });
});
