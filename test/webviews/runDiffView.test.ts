// Compare Runs and the run timeline in headless Chromium, on what the runtime computed for two real
// penguin runs (the second with trainer epochs 40 → 20; fixtures/runComparison.json was written by
// runtime/orchestrator/runDiff.ts, runTimeline.ts and metricHistory.ts on those runs): the panel names the
// param, the re-executed steps and the metric changes, hides what did not change until asked, links the
// statistics comparison, charts a metric over runs, and draws each step of a run on one clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumMissing, readFixture, viewsInChromium } from './webviewHarness';
import type { MetricHistory, RunDiff, RunDiffSnapshot, RunTimeline } from '../../webviews/protocol';

const HOSTILE = '<img src=x onerror=alert(1)>';
const fixture = readFixture<{ diff: RunDiff; history: MetricHistory; timeline1: RunTimeline; timeline2: RunTimeline }>('runComparison.json');

function snapshot(): RunDiffSnapshot {
  const diff = structuredClone(fixture.diff);
  // A hostile param value must arrive as text.
  diff.components.find((c) => c.nodeId === 'trainer')!.params.push({ name: 'note', left: HOSTILE, right: `${HOSTILE}!`, changed: true });
  return { diff, history: fixture.history, source: { db: { path: '/workspace/.mlpipe/metadata.sqlite', readonly: false }, root: '/workspace' } };
}

const skip = chromiumMissing();
describe('run comparison view', { skip }, () => {
  const views = viewsInChromium();

  it('names the changed param, the executed steps and the metric changes; only differences by default', async () => {
    const view = await views.open('runDiff');
    await view.send({ type: 'runDiff/snapshot', snapshot: snapshot() });
    const page = view.page;
    await page.waitForSelector('#summary');
    assert.equal(await page.textContent('#changed-params'), 'trainer.epochs');
    assert.equal(await page.textContent('#executed'), 'latest_blessed, trainer, evaluator, approval, pusher');
    assert.equal(await page.textContent('#metric-changes'), String(fixture.diff.summary.metricChanges));
    assert.equal(await page.isChecked('#only-differences'), true);
    // Unchanged steps are left out; the trainer shows only its changed params.
    assert.equal(await page.locator('section[data-node="example_gen"]').count(), 0);
    assert.match((await page.textContent('#hidden-count')) ?? '', /^5 components unchanged/);
    const epochs = await page.$$eval('section[data-node="trainer"] tr[data-param="epochs"] td', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(epochs, ['epochs', '40', '20']);
    assert.equal(await page.locator('section[data-node="trainer"] tr[data-param="hidden_units"]').count(), 0);
    assert.equal(await page.textContent('section[data-node="trainer"] tr[data-param="note"] td:nth-child(2)'), HOSTILE);
    assert.match((await page.textContent('section[data-node="trainer"] .states')) ?? '', /executed.*→.*executed/);
    assert.match((await page.textContent('section[data-node="trainer"] tr[data-output="model"]')) ?? '', /different content/);
    const loss = fixture.diff.components.find((c) => c.nodeId === 'evaluator')!.metrics!.deltas.find((d) => d.slice === 'Overall' && d.metric === 'log_loss')!;
    const lossRow = await page.$$eval('section[data-node="evaluator"] tr[data-metric="log_loss"][data-slice="Overall"] td', (tds) => tds.map((td) => td.textContent));
    assert.equal(lossRow[4]![0], loss.delta! > 0 ? '+' : '-', 'a signed change');
    assert.ok(lossRow[2] !== lossRow[3]);
    // Unchanged accuracy (with its threshold) is hidden until asked.
    assert.equal(await page.locator('section[data-node="evaluator"] tr[data-metric="accuracy"]').count(), 0);
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('shows everything when "only differences" is off, and opens the statistics comparison and timelines', async () => {
    const view = await views.open('runDiff');
    await view.send({ type: 'runDiff/snapshot', snapshot: snapshot() });
    const page = view.page;
    await page.waitForSelector('#summary');
    await page.click('label[for="only-differences"]');
    await page.waitForSelector('section[data-node="example_gen"]');
    assert.match((await page.textContent('section[data-node="example_gen"] .states')) ?? '', /executed.*→.*cached/);
    assert.match((await page.textContent('section[data-node="example_gen"] tr[data-output="examples"]')) ?? '', /same artifact/);
    const accuracy = await page.textContent('section[data-node="evaluator"] tr[data-metric="accuracy"][data-slice="Overall"]');
    assert.match(accuracy ?? '', /≥ 0\.6.*passes/);
    await page.click('section[data-node="statistics_gen"] a.open-statistics');
    await page.click('text=Timeline of the second run');
    const stats = fixture.diff.components.find((c) => c.nodeId === 'statistics_gen')!.statistics!;
    const posted = await view.posted('runDiff');
    assert.deepEqual(posted.slice(1), [
      { type: 'runDiff/compareStatistics', left: stats.left, right: stats.right },
      { type: 'runDiff/openTimeline', runContextId: fixture.diff.right.runContextId },
    ]);
    const state = (await page.evaluate(() => (window as unknown as { __state: unknown }).__state)) as { onlyDifferences: boolean };
    assert.equal(state.onlyDifferences, false);
    await page.close();
    // Restored from that state (a reload), the view draws at once and keeps the toggle.
    const restored = await views.open('runDiff', 'light', state);
    await restored.page.waitForSelector('#summary');
    assert.equal(await restored.page.isChecked('#only-differences'), false);
    await restored.page.close();
  });

  it('charts a metric over the runs, blessed runs marked, and switches metric and slice', async () => {
    const view = await views.open('runDiff');
    await view.send({ type: 'runDiff/snapshot', snapshot: snapshot() });
    const page = view.page;
    await page.waitForSelector('#history-chart');
    assert.equal(await page.locator('#history-chart g.point').count(), fixture.history.points.length);
    assert.equal(await page.locator('#history-chart g.point.blessed polygon').count(), fixture.history.points.filter((p) => p.blessed).length);
    assert.equal(await page.locator('#history-chart g.point.compared').count(), 2);
    assert.match((await page.getAttribute('#history-chart', 'aria-label')) ?? '', /^accuracy \(Overall\) across 2 runs$/);
    await page.selectOption('#history-metric', 'log_loss');
    await page.selectOption('#history-slice', 'Island = Dream');
    await page.waitForFunction(() => document.querySelector('#history-chart')?.getAttribute('aria-label')?.startsWith('log_loss (Island = Dream)'));
    const tip = await page.textContent('#history-chart g.point title');
    assert.match(tip ?? '', /log_loss \(Island = Dream\) = [\d.e-]+\nblessed/);
    await page.close();
  });

  it('screenshots in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const view = await views.open('runDiff', theme, undefined, { width: 1000, height: 1300 });
      await view.send({ type: 'runDiff/snapshot', snapshot: snapshot() });
      await view.page.waitForSelector('#history-chart');
      await view.screenshot(`runDiff-${theme}`);
      assert.deepEqual(view.problems, []);
      await view.page.close();
    }
  });
});

describe('run timeline view', { skip }, () => {
  const views = viewsInChromium();

  it('draws a bar per step on one clock, cached steps marked, the approval wait, rows and sizes on hover', async () => {
    const view = await views.open('timeline');
    await view.send({ type: 'timeline/snapshot', snapshot: { timeline: fixture.timeline2, canOpenLogs: true } });
    const page = view.page;
    await page.waitForSelector('#gantt');
    assert.equal(await page.locator('#gantt g.bar').count(), fixture.timeline2.bars.length);
    assert.equal(await page.locator('#gantt g.bar.cached').count(), fixture.timeline2.bars.filter((b) => b.cached).length);
    assert.equal(await page.locator('#gantt g.bar[data-step="approval"] rect.seg.waiting').count(), 1);
    assert.equal(await page.locator('#gantt g.bar[data-step="trainer"] rect.seg.running').count(), 1);
    const transform = await page.textContent('#gantt g.bar[data-step="transform"] title');
    assert.match(transform ?? '', /transformed_examples \(Examples #\d+\): train 252 rows, eval 92 rows, [\d.]+ KB/);
    assert.match((await page.textContent('#timeline-summary')) ?? '', /10 steps, 5 executed, 5 cached · up to 1 at once/);
    // Bars sit on the run's clock: the trainer starts right of where the transform ends.
    const box = async (step: string) => (await page.locator(`#gantt g.bar[data-step="${step}"] rect.seg`).last().boundingBox())!;
    assert.ok((await box('trainer')).x >= (await box('transform')).x);
    await page.click('#gantt g.bar[data-step="trainer"] rect.seg.running');
    await page.locator('#gantt g.bar[data-step="evaluator"]').focus();
    await page.keyboard.press('Enter');
    const ids = (step: string) => fixture.timeline2.bars.find((b) => b.nodeId === step)!.executionId;
    assert.deepEqual((await view.posted('timeline')).slice(1), [
      { type: 'timeline/openLog', executionId: ids('trainer') },
      { type: 'timeline/openLog', executionId: ids('evaluator') },
    ]);
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('shows steps that ran side by side as overlapping bars (the first run: parallelism 2)', async () => {
    const view = await views.open('timeline');
    await view.send({ type: 'timeline/snapshot', snapshot: { timeline: fixture.timeline1, canOpenLogs: false } });
    const page = view.page;
    await page.waitForSelector('#gantt');
    assert.match((await page.textContent('#timeline-summary')) ?? '', /up to 2 at once/);
    assert.equal(await page.locator('#gantt g.clickable').count(), 0, 'no log to open for a database opened from elsewhere');
    await page.close();
  });

  it('screenshots in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const [name, timeline] of [['timeline', fixture.timeline1], ['timeline-cached', fixture.timeline2]] as const) {
        const view = await views.open('timeline', theme, undefined, { width: 900, height: 460 });
        await view.send({ type: 'timeline/snapshot', snapshot: { timeline, canOpenLogs: true } });
        await view.page.waitForSelector('#gantt');
        await view.screenshot(`${name}-${theme}`);
        assert.deepEqual(view.problems, []);
        await view.page.close();
      }
    }
  });
});
