// The evaluation view in headless Chromium: candidate vs baseline overall and per slice, thresholds
// and failures, a bar per slice, small slices flagged, keyboard, hostile slice values as text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromiumMissing, viewsInChromium } from './webviewHarness';
import { readEvaluation } from '../../extension/panels/artifactPayloads';

const HOSTILE = '<img src=x onerror=alert(1)>';
const snapshot = { ...readEvaluation(join(__dirname, 'fixtures'), `evaluator.evaluation ${HOSTILE}`), artifactId: 8, blessed: false };

const skip = chromiumMissing();
describe('evaluation view', { skip }, () => {
  const views = viewsInChromium();

  it('shows overall and per-slice metrics side by side, failures and small slices', async () => {
    const view = await views.open('evaluation');
    await view.send({ type: 'evaluation/snapshot', snapshot });
    const page = view.page;
    await page.waitForSelector('#slices');
    assert.match((await page.textContent('#verdict')) ?? '', /NOT BLESSED.*2 threshold checks failed/);
    const acc = await page.$$eval('#overall tr[data-metric="accuracy"] td', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(acc.slice(0, 4), ['accuracy', '0.93', '0.9', '+0.03']);
    assert.match((await page.textContent('#thresholds')) ?? '', /accuracy≥ 0\.6, change ≥ -1\.00e-10 \(higher is better\)failed on 2 checks/);
    const torgersen = page.locator('#slices tr[data-slice="island = Torgersen"]');
    assert.match((await torgersen.getAttribute('class')) ?? '', /small.*failed/);
    assert.match((await torgersen.textContent()) ?? '', /6small0\.50\.9-0\.4failed/);
    const biscoe = page.locator('#slices tr[data-slice="island = Biscoe"]');
    assert.doesNotMatch((await biscoe.getAttribute('class')) ?? '', /small|failed/);
    // One bar pair per slice, labels as SVG text.
    assert.equal(await page.locator('#slice-chart rect.main').count(), 6);
    assert.equal(await page.locator('#slice-chart rect.compare').count(), 6);
    assert.ok(((await page.textContent('#slice-chart')) ?? '').includes(`island = ${HOSTILE}`.slice(0, 27)));
    assert.equal(await page.locator('h1').textContent(), `evaluator.evaluation ${HOSTILE}`);
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('moves between slices with the keyboard, switches metric and posts open', async () => {
    const view = await views.open('evaluation');
    await view.send({ type: 'evaluation/snapshot', snapshot });
    const page = view.page;
    await page.waitForSelector('#slices');
    await page.locator('#slices tr[tabindex="0"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-slice')), 'island = Torgersen');
    await page.evaluate(() => {
      const select = document.getElementById('metric') as HTMLElement & { value: string };
      select.value = 'loss';
      select.dispatchEvent(new Event('change'));
    });
    await page.waitForFunction(() => document.querySelector('#slices tr[data-slice="island = Biscoe"]')?.textContent?.includes('0.25'));
    await page.click('#open-artifact');
    const posted = await view.posted('evaluation');
    assert.deepEqual(posted, [{ type: 'evaluation/ready' }, { type: 'evaluation/openArtifact', artifactId: 8 }]);
    await page.close();
  });

  it('screenshots in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const view = await views.open('evaluation', theme);
      await view.send({ type: 'evaluation/snapshot', snapshot });
      await view.page.waitForSelector('#slices');
      await view.screenshot(`evaluation-${theme}`);
      await view.page.close();
    }
  });
});
