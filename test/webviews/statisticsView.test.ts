// The statistics view in headless Chromium: Facets-style tables from fixture FeatureStats.json files,
// comparison with drift and a dropped column flagged, search/sort, keyboard, hostile feature names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromiumMissing, viewsInChromium } from './webviewHarness';
import { parseAnomalies, parseFeatureStats, readJsonFile } from '../../extension/panels/artifactPayloads';
import type { StatisticsSide, StatisticsSnapshot } from '../../webviews/protocol';

const FIX = join(__dirname, 'fixtures');
const HOSTILE = '<img src=x onerror=alert(1)>';

function side(file: string, label: string, split: string, anomalies?: string): StatisticsSide {
  return {
    label,
    split,
    artifactId: 7,
    dataset: parseFeatureStats(readJsonFile(join(FIX, file)), file),
    anomalies: anomalies ? parseAnomalies(readJsonFile(join(FIX, anomalies)), anomalies) : [],
  };
}

const single: StatisticsSnapshot = { main: side('FeatureStats.train.json', `run 3 · statistics_gen · train ${HOSTILE}`, 'train'), compare: null, splits: ['train', 'eval'] };
const compared: StatisticsSnapshot = {
  main: side('FeatureStats.eval.json', 'run 3 · statistics_gen · eval', 'eval', 'anomalies.eval.json'),
  compare: side('FeatureStats.train.json', 'run 3 · statistics_gen · train', 'train'),
  splits: ['train', 'eval'],
};

const skip = chromiumMissing();
describe('statistics view', { skip }, () => {
  const views = viewsInChromium();

  it('renders numeric and categorical tables with hostile names as text', async () => {
    const view = await views.open('statistics');
    await view.send({ type: 'statistics/snapshot', snapshot: single });
    const page = view.page;
    await page.waitForSelector('.row[data-feature="culmen_length_mm"]');
    const sections = await page.$$eval('.row.section', (els) => els.map((e) => e.textContent));
    assert.deepEqual(sections, ['Numeric features (6)', 'Categorical features (4)']);
    const culmen = await page.textContent('.row[data-feature="culmen_length_mm"]');
    assert.match(culmen ?? '', /43\.9/); // mean
    assert.match(culmen ?? '', /257/); // count (258 − 1 missing)
    // The hostile feature name and its hostile top value are text, not elements.
    await page.fill('#search', '').catch(() => undefined);
    await page.locator('#list').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForSelector(`.row[data-feature="${HOSTILE.replace(/"/g, '\\"')}"]`);
    const hostileText = await page.locator(`.row[data-feature="${HOSTILE}"] .feature-name`).textContent();
    assert.equal(hostileText, HOSTILE);
    assert.equal(await page.locator('img').count(), 0, 'no injected <img>');
    assert.equal(await page.locator('script:not([nonce])').count(), 0, 'no injected <script>');
    assert.deepEqual(view.problems, []);
    await view.page.close();
  });

  it('flags a dropped column, drift and anomalies when comparing, sorted by distance', async () => {
    const view = await views.open('statistics');
    await view.send({ type: 'statistics/snapshot', snapshot: compared });
    const page = view.page;
    await page.waitForSelector('.row[data-feature="body_mass_g"]');
    const body = await page.textContent('.row[data-feature="body_mass_g"]');
    assert.match(body ?? '', /dropped/);
    // The ExampleValidator's anomaly on its feature, as measured (not TFDV's "Column dropped").
    assert.match(body ?? '', /not in the data/);
    assert.match(body ?? '', /not in the data at all, the schema requires it/);
    const island = await page.textContent('.row[data-feature="island"]');
    assert.match(island ?? '', /drift/);
    // Eval 60/86 Biscoe against train 126/258: the largest share difference is Biscoe's.
    assert.match(island ?? '', new RegExp(`L∞ distance ${(60 / 86 - 126 / 258).toFixed(3)}`));
    const flipper = await page.textContent('.row[data-feature="flipper_length_mm"]');
    assert.match(flipper ?? '', /JS divergence/);
    // Sorted by distance: the first numeric feature is the most distant one.
    const order = await page.$$eval('.row[data-feature]', (els) => els.map((e) => e.getAttribute('data-feature')));
    assert.equal(order[0], 'body_mass_g');
    assert.ok(order.indexOf('flipper_length_mm') < order.indexOf('culmen_length_mm'), `flipper drifted more than culmen: ${order.join(',')}`);
    assert.ok(await page.locator('#attention').count());
    // Overlaid histograms: both series drawn.
    assert.ok((await page.locator('.row[data-feature="flipper_length_mm"] rect.compare').count()) > 0);
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('searches, navigates by keyboard and asks the host for a comparison', async () => {
    const view = await views.open('statistics');
    await view.send({ type: 'statistics/snapshot', snapshot: single });
    const page = view.page;
    await page.waitForSelector('.row[data-feature]');
    await page.locator('#search').click();
    await page.keyboard.type('culmen');
    await page.waitForFunction(() => document.querySelectorAll('.row[data-feature]').length === 2);
    await page.locator('#list').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-feature'));
    // Down from the section heading: the first, then the second culmen feature.
    assert.equal(focused, 'culmen_length_mm');
    await page.click('#pick-compare');
    await page.click('vscode-button[data-split="eval"]');
    const posted = await view.posted('statistics');
    assert.deepEqual(posted.map((m) => m.type), ['statistics/ready', 'statistics/pickCompare', 'statistics/compareSplit']);
    assert.deepEqual(posted[2], { type: 'statistics/compareSplit', split: 'eval' });
    // The search survives a reload through setState.
    const state = await page.evaluate(() => (window as unknown as { __state: { search: string } }).__state);
    assert.equal(state.search, 'culmen');
    await page.close();
  });

  it('switches to quantiles and log scale, sorts by missing, and asks for another split', async () => {
    const view = await views.open('statistics');
    await view.send({ type: 'statistics/snapshot', snapshot: single });
    const page = view.page;
    await page.waitForSelector('.row[data-feature="culmen_length_mm"]');
    const title = () => page.locator('.row[data-feature="culmen_length_mm"] .chart-title').textContent();
    assert.match((await title()) ?? '', /^histogram /);
    const heights = () => page.$$eval('.row[data-feature="culmen_length_mm"] rect.chart-bar', (els) => els.map((e) => Number(e.getAttribute('height'))));
    const linear = await heights();
    await page.click('#log');
    await page.waitForFunction(() => document.querySelector('.row[data-feature="culmen_length_mm"] .chart-title')?.textContent?.includes('(log)'));
    const log = await heights();
    // Log scale lifts the small buckets relative to the largest one.
    const ratio = (xs: number[]) => Math.min(...xs.filter((x) => x > 0)) / Math.max(...xs);
    assert.ok(ratio(log) > ratio(linear), `${ratio(log)} > ${ratio(linear)}`);
    await page.click('#quantiles');
    await page.waitForFunction(() => document.querySelector('.row[data-feature="culmen_length_mm"] .chart-title')?.textContent?.startsWith('quantiles'));
    await page.evaluate(() => {
      const sort = document.getElementById('sort') as HTMLElement & { value: string };
      sort.value = 'missing';
      sort.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => document.querySelector('.row[data-feature]')?.getAttribute('data-feature')?.startsWith('a_very_long'));
    await page.locator('#list').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForSelector('.row[data-feature="species"]');
    const order = await page.$$eval('.row[data-feature]', (els) => els.map((e) => e.getAttribute('data-feature')));
    const categorical = order.filter((n) => ['species', 'island', 'sex', HOSTILE].includes(n!));
    assert.equal(categorical[0], 'sex', `sex (12% missing) leads the categorical features: ${categorical.join(', ')}`);
    await page.evaluate(() => {
      const split = document.getElementById('split') as HTMLElement & { value: string };
      split.value = 'eval';
      split.dispatchEvent(new Event('change'));
    });
    const posted = await view.posted('statistics');
    assert.deepEqual(posted[posted.length - 1], { type: 'statistics/selectSplit', split: 'eval' });
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('virtualises 500 features: only a screenful of rows in the DOM', async () => {
    const base = single.main!;
    const numeric = base.dataset.features.filter((f) => f.num);
    const many = Array.from({ length: 500 }, (_, i) => ({ ...numeric[i % numeric.length]!, name: `feature_${String(i).padStart(3, '0')}` }));
    const view = await views.open('statistics');
    await view.send({ type: 'statistics/snapshot', snapshot: { ...single, main: { ...base, dataset: { ...base.dataset, features: many } } } });
    await view.page.waitForSelector('.row[data-feature]');
    const rows = await view.page.locator('.row').count();
    assert.ok(rows < 30, `rendered ${rows} rows`);
    await view.page.locator('#list').evaluate((el) => (el.scrollTop = 118 * 300));
    await view.page.waitForSelector('.row[data-feature="feature_299"], .row[data-feature="feature_300"]');
    await view.page.close();
  });

  it('screenshots in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const [name, snap] of [['single', single], ['compare', compared]] as const) {
        const view = await views.open('statistics', theme);
        await view.send({ type: 'statistics/snapshot', snapshot: snap });
        await view.page.waitForSelector('.row[data-feature]');
        await view.screenshot(`statistics-${name}-${theme}`);
        await view.page.close();
      }
    }
    // Narrow, as in a side column or the panel area: charts stack under the figures inside taller rows.
    const narrow = await views.open('statistics', 'dark', undefined, { width: 420, height: 760 });
    await narrow.send({ type: 'statistics/snapshot', snapshot: compared });
    await narrow.page.waitForSelector('.row[data-feature]');
    const row = await narrow.page.locator('.row[data-feature="flipper_length_mm"]').boundingBox();
    const chart = await narrow.page.locator('.row[data-feature="flipper_length_mm"] .chart').boundingBox();
    assert.ok(row && chart && chart.y + chart.height <= row.y + row.height + 1 && chart.x + chart.width <= row.x + row.width + 1, 'the chart fits inside its row');
    await narrow.screenshot('statistics-compare-narrow-dark');
    await narrow.page.close();
  });
});
