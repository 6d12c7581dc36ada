// The approval view in headless Chromium: evaluation summary, data highlights and anomalies,
// Approve / Reject with a comment posted to the host, the read-only decided state, hostile text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromiumMissing, viewsInChromium } from './webviewHarness';
import { parseAnomalies, readEvaluation, readJsonFile } from '../../extension/panels/artifactPayloads';
import type { ApprovalSnapshot } from '../../webviews/protocol';

const FIX = join(__dirname, 'fixtures');
const HOSTILE = '<img src=x onerror=alert(1)>';
const snapshot: ApprovalSnapshot = {
  pipeline: 'penguin',
  runName: '20261127-091200',
  component: 'approval',
  executionId: 42,
  instructions: `Check the island slices before shipping. ${HOSTILE} </script>`,
  model: { artifactId: 7, uri: '/ws/.mlpipe/artifacts/penguin/trainer/model/6' },
  evaluation: { ...readEvaluation(FIX, 'evaluator.evaluation'), artifactId: 8, blessed: true },
  highlights: [{ feature: 'sex', split: 'train', level: 'warning', message: '12% missing' }],
  anomalies: parseAnomalies(readJsonFile(join(FIX, 'anomalies.eval.json')), 'anomalies').map((a) => ({ ...a, split: 'eval' })),
  decided: null,
  canDecide: true,
};

const skip = chromiumMissing();
describe('approval view', { skip }, () => {
  const views = viewsInChromium();

  it('shows the evaluation, highlights and anomalies, and posts an approval with its comment', async () => {
    const view = await views.open('approval');
    await view.send({ type: 'approval/snapshot', snapshot });
    const page = view.page;
    await page.waitForSelector('#decision');
    assert.match((await page.textContent('#evaluation')) ?? '', /BLESSED.*accuracy0\.930\.9\+0\.03/s);
    const highlights = (await page.textContent('#highlights')) ?? '';
    assert.match(highlights, /sex \(train\): 12% missing/);
    const anomalies = (await page.textContent('#anomaly-table')) ?? '';
    assert.match(anomalies, /body_mass_geval(error|warning)Column dropped/);
    assert.ok(anomalies.includes(HOSTILE));
    // The slices a sign-off is about: failing first, the baseline beside the candidate.
    assert.equal(await page.textContent('#slice-summary'), '7 slices: 1 failing a threshold, 1 worse than the baseline, 2 under 10 examples.');
    const first = await page.$$eval('#slice-review tr[data-slice] td', (tds) => tds.slice(0, 7).map((td) => td.textContent));
    assert.deepEqual(first, ['island = Torgersen', '6', 'accuracy', '0.5', '0.9', '-0.4', 'fails thresholdworse than baselinesmall'], 'the failing slice comes first');
    const overall = await page.$$eval('#slice-review tr[data-slice="Overall"] td', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(overall, ['Overall', '79', 'accuracy', '0.93', '0.9', '+0.03', '']);
    assert.match((await page.locator('#slice-review tr[data-slice]').first().getAttribute('class')) ?? '', /failed/);
    assert.match((await page.textContent('#models')) ?? '', /baseline: the model it was compared with \(the latest blessed/);
    assert.equal(await page.textContent('#instructions'), snapshot.instructions);
    assert.equal(await page.locator('img').count(), 0);
    await page.locator('#comment').click();
    await page.keyboard.type('Island slices look fine; Torgersen is tiny.');
    await page.click('#approve');
    await page.waitForSelector('#approve[disabled]');
    await page.click('#approve', { force: true });
    const posted = await view.posted('approval');
    assert.deepEqual(posted, [
      { type: 'approval/ready' },
      { type: 'approval/decide', executionId: 42, decision: 'approved', comment: 'Island slices look fine; Torgersen is tiny.' },
    ], 'exactly one decision, even when clicked twice');
    await view.send({ type: 'approval/snapshot', snapshot: { ...snapshot, decided: { decision: 'approved', reviewer: `alice ${HOSTILE}`, comment: 'fine', time: Date.UTC(2026, 10, 27, 10, 0) } } });
    await page.waitForSelector('#decided');
    assert.equal(await page.textContent('#decided'), `Approved by alice ${HOSTILE} on 2026-11-27 10:00 UTC`);
    assert.equal(await page.locator('#approve').count(), 0);
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('asks for a comment before rejecting, then posts the rejection from the keyboard', async () => {
    const view = await views.open('approval');
    await view.send({ type: 'approval/snapshot', snapshot });
    const page = view.page;
    await page.waitForSelector('#reject');
    await page.click('#reject');
    await page.waitForFunction(() => document.getElementById('form-note')?.textContent?.includes('Say why'));
    await page.locator('#comment').click();
    await page.keyboard.type('Torgersen accuracy regressed');
    await page.locator('#reject').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#reject[disabled]');
    const posted = await view.posted('approval');
    assert.deepEqual(posted.slice(1), [{ type: 'approval/decide', executionId: 42, decision: 'rejected', comment: 'Torgersen accuracy regressed' }]);
    await view.send({ type: 'approval/result', ok: false, message: 'The runtime refused: the execution is no longer waiting.' });
    await page.waitForFunction(() => document.getElementById('form-note')?.textContent?.includes('no longer waiting'));
    assert.equal(await page.locator('#reject[disabled]').count(), 0, 'buttons usable again after a failure');
    await page.close();
  });

  it('disables the decision in restricted mode', async () => {
    const view = await views.open('approval');
    await view.send({ type: 'approval/snapshot', snapshot: { ...snapshot, canDecide: false } });
    await view.page.waitForSelector('#approve[disabled]');
    assert.match((await view.page.textContent('#form-note')) ?? '', /restricted mode/);
    await view.page.close();
  });

  it('screenshots in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const view = await views.open('approval', theme);
      await view.send({ type: 'approval/snapshot', snapshot });
      await view.page.waitForSelector('#decision');
      await view.screenshot(`approval-${theme}`);
      await view.page.close();
    }
  });
});
