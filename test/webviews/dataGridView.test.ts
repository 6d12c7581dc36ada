// The data grid view in Chromium over a real 5,000,000-row Parquet artifact (written by DuckDB into a
// temp folder), answered by the host session over the runtime's query module: only visible rows in the
// DOM, scrolling to the end, sort by a header click, a filter, "where the model is wrong", column
// statistics on hover, and a hostile column name and value shown as text. Light and dark screenshots.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildBundles, chromiumMissing, launchBrowser, startHarness, type Harness } from './webviewHarness';
import { openDataGrid } from './dataGridView';
import { GridDatabase } from '../../runtime/data/gridQuery';
import type { GridTarget } from '../../extension/panels/dataGridSession';
import { HOSTILE_COLUMN, HOSTILE_VALUE, writeGridParquet } from '../gridParquet';

const ROWS = 5_000_000;

const skip = chromiumMissing();
describe('data grid view on 5,000,000 rows', { skip }, () => {
  let dir: string;
  let grid: GridDatabase;
  let harness: Harness;
  let browser: Browser;
  let target: GridTarget;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlpipe-gridview-'));
    const file = join(dir, 'predictions.parquet');
    await writeGridParquet(file, ROWS);
    grid = new GridDatabase();
    target = {
      label: `evaluator.evaluation #7 ${HOSTILE_VALUE}`,
      artifactId: 7,
      artifactType: 'ModelEvaluation',
      sources: [{ name: 'predictions.parquet', file }],
      predictions: { label: 'species', prediction: 'prediction', task: 'classification', sliceColumns: ['island'] },
    };
    buildBundles();
    harness = await startHarness();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
    grid?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rowTexts = (page: import('playwright-core').Page) =>
    page.$$eval('.rows .row:not([hidden])', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '')));
  const settled = (page: import('playwright-core').Page) => page.waitForFunction(() => document.body.dataset['complete'] === 'true');

  it('shows the first rows with only the visible ones in the DOM, and scrolls to the last row', async () => {
    const view = await openDataGrid(browser, harness, grid, target);
    const page = view.page;
    await page.waitForSelector('.rows .row');
    await settled(page);
    assert.match((await page.textContent('#status')) ?? '', /5,000,000 rows/);
    const rows = await rowTexts(page);
    assert.deepEqual(rows[0], ['0', 'Adelie', 'Chinstrap', '0', 'Biscoe', 'n0']);
    assert.ok(rows.length < 40, `only visible rows are in the DOM (${rows.length})`);
    assert.ok((await page.locator('.cell').count()) < 40 * 7);
    // The hostile column name is a header's text.
    assert.equal(await page.locator('.cell.head').nth(5).getAttribute('data-column'), HOSTILE_COLUMN);
    assert.equal((await page.locator('.cell.head .label').nth(5).textContent()), HOSTILE_COLUMN);
    await page.evaluate(() => {
      const s = document.getElementById('grid')!;
      s.scrollTop = s.scrollHeight;
    });
    await page.waitForFunction(() => document.body.dataset['complete'] === 'true' && Number(document.body.dataset['firstRow']) > 4_999_000);
    const last = await rowTexts(page);
    assert.deepEqual(last.at(-1), ['4999999', 'Chinstrap', 'Chinstrap', '96.3', 'Brabant', HOSTILE_VALUE]);
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('sorts by a header click and filters in DuckDB, and shows the hostile value as text', async () => {
    const view = await openDataGrid(browser, harness, grid, target);
    const page = view.page;
    await page.waitForSelector('.rows .row');
    await settled(page);
    await page.click('.cell.head[data-column="bill_length_mm"]');
    await page.click('.cell.head[data-column="bill_length_mm"]');
    await page.waitForFunction(() => document.querySelector('.rows .row .cell:nth-child(4)')?.textContent === '99.9' && document.body.dataset['complete'] === 'true');
    assert.deepEqual((await rowTexts(page)).slice(0, 2).map((r) => r[0]), ['27', '1027']);
    assert.equal(await page.locator('.cell.head[data-column="bill_length_mm"]').getAttribute('aria-sort'), 'descending');
    assert.match((await page.textContent('#status')) ?? '', /sorted by bill_length_mm ↓/);
    // Filter the hostile column on the hostile value itself.
    await page.selectOption('#filter-column', HOSTILE_COLUMN);
    await page.selectOption('#filter-op', 'contains');
    await page.fill('#filter-value', '<img');
    await page.click('#filter-add');
    await page.waitForFunction(() => /5,000 of 5,000,000 rows/.test(document.getElementById('status')?.textContent ?? '') && document.body.dataset['complete'] === 'true');
    const filtered = await rowTexts(page);
    assert.ok(filtered.every((r) => r[5] === HOSTILE_VALUE && r[3] === '96.3'), 'every row has the hostile value, sorted by bill length');
    assert.equal(await page.locator('.chip').first().textContent(), `${HOSTILE_COLUMN} contains <img×`);
    assert.equal(await page.locator('img').count(), 0);
    // Removing the filter brings every row back.
    await page.click('.chip-x');
    await page.waitForFunction(() => /^5,000,000 rows/.test(document.getElementById('status')?.textContent ?? ''));
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('shows where the model is wrong in one click, with the slice column marked, and column statistics on hover', async () => {
    const view = await openDataGrid(browser, harness, grid, target);
    const page = view.page;
    await page.waitForSelector('#where-wrong');
    await settled(page);
    await page.click('#where-wrong');
    await page.waitForFunction(() => /714,286 of 5,000,000 rows · where prediction ≠ species/.test(document.getElementById('status')?.textContent ?? '') && document.body.dataset['complete'] === 'true');
    const wrong = await rowTexts(page);
    assert.deepEqual(wrong.slice(0, 3).map((r) => r[0]), ['0', '7', '14']);
    assert.ok(wrong.every((r) => r[1] !== r[2]));
    assert.equal(await page.locator('.cell.head.slice').getAttribute('data-column'), 'island');
    await page.hover('.cell.head[data-column="island"]');
    await page.waitForFunction(() => /from DuckDB/.test(document.getElementById('stats-tip')?.textContent ?? ''));
    const tip = (await page.textContent('#stats-tip')) ?? '';
    // Over the rows shown: the 714,286 wrong predictions (id % 7 == 0), island by id % 5.
    assert.match(tip, /rows714,286/);
    assert.match(tip, /Biscoe142,858/);
    assert.match(tip, /over the rows shown/);
    await page.click('#where-wrong');
    await page.waitForFunction(() => /^5,000,000 rows/.test(document.getElementById('status')?.textContent ?? ''));
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('screenshots in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const view = await openDataGrid(browser, harness, grid, target, theme);
      const page = view.page;
      await page.waitForSelector('#where-wrong');
      await settled(page);
      await page.click('#where-wrong');
      await page.waitForFunction(() => /714,286/.test(document.getElementById('status')?.textContent ?? '') && document.body.dataset['complete'] === 'true');
      await page.selectOption('#filter-column', 'island');
      await page.fill('#filter-value', 'Dream');
      await page.click('#filter-add');
      await page.waitForFunction(() => document.querySelectorAll('.chip').length === 1 && document.body.dataset['complete'] === 'true' && !/714,286/.test(document.getElementById('status')?.textContent ?? ''));
      await page.hover('.cell.head[data-column="bill_length_mm"]');
      await page.waitForFunction(() => /from DuckDB/.test(document.getElementById('stats-tip')?.textContent ?? ''));
      // The hover counts the rows shown: wrong predictions on Dream (id % 7 == 0 and id % 5 == 1).
      assert.match((await page.textContent('#stats-tip')) ?? '', /rows142,857/);
      await view.screenshot(`dataGrid-${theme}`);
      assert.deepEqual(view.problems, []);
      await page.close();
    }
  });
});
