// The evaluation view in headless Chromium: candidate vs baseline overall and per slice, thresholds
// and failures, a bar per slice, small slices flagged, keyboard, hostile slice values as text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromiumMissing, viewsInChromium } from './webviewHarness';
import { parseEvaluation, readEvaluation } from '../../extension/panels/artifactPayloads';

const HOSTILE = '<img src=x onerror=alert(1)>';
const snapshot = { ...readEvaluation(join(__dirname, 'fixtures'), `evaluator.evaluation ${HOSTILE}`), artifactId: 8, blessed: false };

// A binary classifier as the Evaluator writes it now (common/artifacts.ts), with a missing slice value.
function block(shift: number): Record<string, unknown> {
  return {
    model_id: 10 + shift,
    task: 'classification',
    classes: ['no', 'yes'],
    count: 100,
    overall: { accuracy: 0.85 - shift / 10, auc: 0.9, precision: 0.852, recall: 0.85 },
    confusion_matrix: [
      [40, 10],
      [5, 45],
    ],
    per_class: { no: { precision: 40 / 45, recall: 0.8, f1: (2 * (40 / 45) * 0.8) / (40 / 45 + 0.8), support: 50 }, yes: { precision: 45 / 55, recall: 0.9, support: 50 } },
    averaging: { type: 'macro_average', classes: ['no', 'yes'], metrics: ['precision', 'recall', 'f1', 'auc'] },
    curves: {
      positive_class: 'yes',
      roc: [
        { threshold: -1e-7, fpr: 1, tpr: 1 },
        { threshold: 0.5, fpr: 0.2 + shift / 10, tpr: 0.9 },
        { threshold: 1.0000001, fpr: 0, tpr: 0 },
      ],
      pr: [
        { threshold: -1e-7, precision: 0.5, recall: 1 },
        { threshold: 0.5, precision: 0.82, recall: 0.9 },
      ],
    },
    calibration: { of: 'positive_class', positive_class: 'yes', buckets: [{ low: 0, high: 0.1, count: 30, mean_predicted: 0.05, observed: 0.1 }, { low: 0.9, high: 1, count: 40, mean_predicted: 0.95, observed: 0.9 }] },
    slices: [
      { slice: {}, count: 100, metrics: { accuracy: 0.85 } },
      { slice: { Sex: 'MALE' }, count: 50, metrics: { accuracy: 0.9 } },
      { slice: { Sex: null }, count: 4, metrics: { accuracy: 0.5 } },
    ],
  };
}
const binary = { ...parseEvaluation({ candidate: block(0), baseline: block(1) }, { validation_ok: true, failures: [] }, 'metrics.json', 'binary'), artifactId: 9, blessed: true };

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

  it('shows the confusion matrix, per-class scores, how they average, curves and calibration', async () => {
    const view = await views.open('evaluation');
    await view.send({ type: 'evaluation/snapshot', snapshot: binary });
    const page = view.page;
    await page.waitForSelector('#classification');
    const row = (table: string, actual: string) => page.$$eval(`#${table} tr[data-actual="${actual}"] td`, (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(await row('confusion-counts', 'no'), ['40', '10', '50']);
    assert.deepEqual(await row('confusion-normalised', 'yes'), ['10%', '90%']);
    const yes = await page.$$eval('#per-class tr[data-class="yes"] td', (tds) => tds.map((td) => td.textContent));
    // F1 derived from precision and recall where the file does not carry it.
    assert.deepEqual(yes, ['yes', '0.818', '0.9', '0.857', '50']);
    const micro = await page.$$eval('#per-class tr[data-class="micro average"] td', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(micro, ['micro average', '0.85', '0.85', '0.85', '100']);
    assert.match((await page.textContent('#averaging')) ?? '', /Precision, recall and F1 are macro averages \(TFMA macro_average\): each of the 2 classes \(no, yes\) counts once/);
    assert.equal(await page.locator('#roc-curve polyline.main').count(), 1);
    assert.equal(await page.locator('#roc-curve polyline.compare').count(), 1, 'the baseline curve beside the candidate');
    assert.equal(await page.locator('#pr-curve polyline').count(), 2);
    assert.match((await page.textContent('#roc-curve figcaption')) ?? '', /AUC 0\.9.*positive class: yes/);
    assert.equal(await page.locator('#calibration circle.main').count(), 2);
    // A missing slice value reads "(missing)".
    assert.equal(await page.locator('#slices tr[data-slice="Sex = (missing)"]').count(), 1);
    assert.equal(await page.locator('#slices tr[data-slice="Sex = "]').count(), 0);
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('says what an older evaluation does not record', async () => {
    const view = await views.open('evaluation');
    const old = { ...snapshot, candidate: { ...snapshot.candidate, task: 'classification' as const } };
    await view.send({ type: 'evaluation/snapshot', snapshot: old });
    await view.page.waitForSelector('#classification-note');
    assert.match((await view.page.textContent('#classification-note')) ?? '', /older Evaluator.*Re-run the Evaluator/);
    await view.page.close();
  });

  it('screenshots in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const view = await views.open('evaluation', theme);
      await view.send({ type: 'evaluation/snapshot', snapshot });
      await view.page.waitForSelector('#slices');
      await view.screenshot(`evaluation-${theme}`);
      await view.page.close();
      const classes = await views.open('evaluation', theme);
      await classes.send({ type: 'evaluation/snapshot', snapshot: binary });
      await classes.page.waitForSelector('#calibration');
      await classes.screenshot(`evaluation-binary-${theme}`);
      await classes.page.close();
    }
  });
});
