// Issue 10 group 6 in a real VS Code (code-server in Chromium) on samples/curation: new data breaks the
// curated schema, fail_on stops the pipeline with a one-sentence notification; "Show anomalies" opens the
// panel; a feature's link opens the statistics at that feature with its flag; "Accept into schema" edits
// schema/schema.pbtxt; the next run passes. Screenshots go to test-results/e2e/ (look at them).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { e2eSkipReason, openSession, type Session, webviewFrame } from './codeServer';

const skip = e2eSkipReason();
const PIPELINES = '.pane:has(.pane-header[aria-label^="Pipelines"]) .monaco-list-row';
const TOASTS = '.notifications-toasts .notification-toast';

const frameWith = (page: Page, selector: string, timeout = 60_000): Promise<Frame> => webviewFrame(page, selector, timeout);

describe('anomalies where you look, on the curation sample (issue 10 group 6)', { skip, timeout: 600_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: true, sample: 'curation' });
  });
  after(async () => {
    await session?.close();
  });

  it('fail_on stops the run with one sentence; the anomalies, the statistics flag and accept-into-schema follow', async () => {
    const page = session!.page;
    try {
      await page.locator('.activitybar .action-item a[aria-label^="ML Pipelines"], .activitybar .action-item[aria-label^="ML Pipelines"]').first().click();
      const validatorRow = page.locator(PIPELINES, { hasText: 'example_validator' }).first();
      await validatorRow.waitFor({ timeout: 60_000 });
      const tab = page.locator('.tab.active', { hasText: 'curation.pipeline.yaml' });
      for (let attempt = 0; attempt < 5 && !(await tab.count()); attempt++) {
        await validatorRow.click();
        await tab.waitFor({ timeout: 5_000 }).catch(() => undefined);
      }
      await page.locator('.codelens-decoration a', { hasText: 'Run pipeline' }).first().click();
      const toast = page.locator(TOASTS, { hasText: /example_validator found \d+ anomalies in/ });
      await toast.waitFor({ timeout: 180_000 });
      const message = (await toast.locator('.notification-list-item-message').innerText()).trim();
      assert.ok(!message.includes('\n'), `one sentence: ${message}`);
      assert.match(message, /island: 1 value not in the schema's domain: "Atlantis" in \d+ examples/);
      await session!.screenshot('anomalies-notification');
      await toast.locator('a.monaco-button', { hasText: 'Show anomalies' }).click();

      const panel = await frameWith(page, 'tr.anomaly-row');
      assert.match((await panel.locator('#verdict').innerText()) ?? '', /stopped the pipeline \(fail_on: error\)/);
      const mass = await panel.locator('section[data-split="eval"] tr[data-feature="body_mass_g"]').innerText();
      assert.match(mass, /present in 94\.1% of examples, the schema wants 100%/);
      assert.match(mass, /FEATURE_TYPE_LOW_FRACTION_PRESENT/);
      await session!.screenshot('anomalies-panel-dark');

      // The feature's link: the statistics panel at island, flagged, with the flagged features first.
      await panel.locator('section[data-split="eval"] tr[data-feature="island"] a.feature-link').click();
      const stats = await frameWith(page, '.row.focused[data-feature="island"]');
      assert.match(await stats.locator('.row[data-feature="island"]').innerText(), /1 value outside the domain/);
      await session!.screenshot('anomalies-statistics-dark');

      // Back to the anomalies tab (the statistics opened in the same group). Accept both changes into the
      // curated schema (the eval split's presence is the lower one).
      await page.locator('.tab', { hasText: 'Anomalies:' }).first().click();
      const again = await frameWith(page, 'tr.anomaly-row');
      await again.locator('section[data-split="eval"] tr[data-feature="island"] vscode-button.accept').click();
      await again.locator('#notice', { hasText: /edited and saved/ }).waitFor({ timeout: 30_000 });
      await again.locator('section[data-split="eval"] tr[data-feature="body_mass_g"] vscode-button.accept').click();
      await again.locator('#notice', { hasText: /min_fraction/ }).waitFor({ timeout: 30_000 });
      const schema = readFileSync(join(session!.workspace, 'schema', 'schema.pbtxt'), 'utf8');
      assert.match(schema, /value: "Torgersen"\n {2}value: "Atlantis"\n/);
      assert.match(schema, /# every penguin was weighed in the first season\n {2}presence \{\n {4}min_fraction: 0\.94\n/);

      // The next run passes.
      await page.locator('.editor-group-container').first().click();
      await page.locator('.tab', { hasText: 'curation.pipeline.yaml' }).first().click();
      await page.locator('.codelens-decoration a', { hasText: 'Run pipeline' }).first().click();
      await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((r) => /example_validator/.test(r.textContent ?? '') && /complete/.test(r.textContent ?? '')), PIPELINES, { timeout: 180_000 });
    } catch (e) {
      console.log(`# screenshot of the failure: ${await session!.screenshot('anomalies-failure')}`);
      console.log(session!.output().slice(-2000));
      throw e;
    }
  });
});
