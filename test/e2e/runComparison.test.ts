// Compare Runs and the run timeline in a real VS Code (code-server in Chromium): two penguin runs made
// from the CLI (the second with trainer epochs 40 → 20) appear in the Runs view; selecting both with the
// mouse (Ctrl+click) and choosing Compare Runs shows the changed param; Show Run Timeline draws the run and
// a click on a bar opens that step's log. Screenshots in dark and light go to test-results/e2e/.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { e2eSkipReason, openSession, repo, type Session, webviewFrame } from './codeServer';

const skip = e2eSkipReason();
const RUNS = '.pane:has(.pane-header[aria-label^="Runs"]) .monaco-list-row';
const CLI = join(repo, 'dist', 'runtime', 'cli.js');

const frameWith = (page: Page, selector: string, timeout = 30_000): Promise<Frame> => webviewFrame(page, selector, timeout);

/**
 * Chooses an item of the open context menu. In a clean CI run a click on the item could land before the
 * menu took mouse input and leave it open (then every later click hit its blocker): hover first, and
 * check that the menu closed.
 */
async function chooseFromMenu(page: Page, label: string): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  const item = menu.locator('.action-label', { hasText: label }).first();
  await item.waitFor({ timeout: 10_000 });
  for (let attempt = 0; attempt < 3; attempt++) {
    await item.hover();
    await page.waitForTimeout(150);
    await item.click();
    await menu.waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => undefined);
    if (!(await menu.isVisible())) return;
  }
  throw new Error(`the context menu stayed open after choosing ${label}`);
}

async function colorTheme(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  await page.waitForTimeout(1000);
}

describe('Compare Runs and the run timeline in VS Code', { skip, timeout: 600_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: true, sample: 'penguin' });
    const workspace = session.workspace;
    const file = join(workspace, 'penguin.pipeline.yaml');
    // Without the sign-off and the push (nothing here waits for a person), run twice from the CLI.
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n {2}approval:[\s\S]*$/, '\n'));
    for (const edit of [(t: string) => t, (t: string) => t.replace('epochs: 40', 'epochs: 20')]) {
      writeFileSync(file, edit(readFileSync(file, 'utf8')));
      const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, 'run', file], { cwd: workspace, encoding: 'utf8', timeout: 240_000 });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    }
  });
  after(async () => {
    await session?.close();
  });

  async function failing<T>(name: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      console.log(`# screenshot of the failure: ${await session!.screenshot(`compare-failure-${name}`)}`);
      throw e;
    }
  }

  it('selects two runs in the Runs view, compares them, and sees the changed param', async () => {
    await failing('compare', async () => {
      const page = session!.page;
      await page.locator('.activitybar .action-item a[aria-label^="ML Pipelines"], .activitybar .action-item[aria-label^="ML Pipelines"]').first().click();
      const runs = page.locator(RUNS, { hasText: /penguin ·/ });
      await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 2, `${RUNS}`, { timeout: 60_000 });
      await runs.nth(0).waitFor({ timeout: 60_000 });
      await runs.nth(1).waitFor({ timeout: 60_000 });
      await runs.nth(0).click();
      await runs.nth(1).click({ modifiers: ['Control'] });
      await runs.nth(1).click({ button: 'right' });
      await chooseFromMenu(page, 'Compare Runs');
      let view = await frameWith(page, '#summary', 60_000);
      await view.locator('#changed-params', { hasText: 'trainer.epochs' }).waitFor({ timeout: 30_000 });
      assert.equal(await view.locator('#changed-params').textContent(), 'trainer.epochs');
      assert.equal(await view.locator('#executed').textContent(), 'latest_blessed, trainer, evaluator');
      const epochs = await view.locator('section[data-node="trainer"] tr[data-param="epochs"] td').allTextContents();
      assert.deepEqual(epochs, ['epochs', '40', '20']);
      assert.equal(await view.locator('section[data-node="example_gen"]').count(), 0, 'only differences by default');
      assert.ok(Number(await view.locator('#metric-changes').textContent()) > 0);
      // Everything, and the statistics comparison of the (cached, so identical) statistics from there.
      await view.locator('label[for="only-differences"]').click();
      await view.locator('section[data-node="statistics_gen"] a.open-statistics').click();
      await page.locator('.tab', { hasText: /^Statistics #\d+/ }).first().waitFor({ timeout: 30_000 });
      await frameWith(page, '#pick-compare', 60_000);
      // Back on the comparison (the webview reloads from its saved state): "only differences" is still off.
      await page.locator('.tab', { hasText: /^Compare / }).first().click();
      view = await frameWith(page, 'section[data-node="example_gen"]', 60_000);
      await view.locator('label[for="only-differences"]').click();
      await view.locator('section[data-node="example_gen"]').waitFor({ state: 'detached', timeout: 10_000 });
      await session!.screenshot('compare-runs-dark');
      await colorTheme(page, 'Light Modern');
      await session!.screenshot('compare-runs-light');
      await colorTheme(page, 'Dark Modern');
    });
  });

  it('compares a run with the one before it from its context menu', async () => {
    await failing('previous', async () => {
      const page = session!.page;
      await page.locator(RUNS, { hasText: /penguin ·/ }).first().click({ button: 'right' });
      await chooseFromMenu(page, 'Compare with Previous Run');
      const view = await frameWith(page, '#summary', 60_000);
      await view.locator('#changed-params', { hasText: 'trainer.epochs' }).waitFor({ timeout: 30_000 });
    });
  });

  it('shows a run’s timeline and opens a step’s log from its bar', async () => {
    await failing('timeline', async () => {
      const page = session!.page;
      const run = page.locator(RUNS, { hasText: /penguin ·/ }).first();
      const item = page.locator('.context-view .monaco-menu .action-label', { hasText: 'Show Run Timeline' });
      // A hover tooltip can swallow the first right-click: try again until the menu shows. A menu left
      // open by an earlier test belongs to another run: close it first.
      await page.keyboard.press('Escape');
      for (let attempt = 0; attempt < 3 && !(await item.isVisible()); attempt++) {
        await page.keyboard.press('Escape');
        await run.click({ button: 'right' });
        await item.waitFor({ timeout: 5_000 }).catch(() => undefined);
      }
      await chooseFromMenu(page, 'Show Run Timeline');
      const view = await frameWith(page, '#gantt', 60_000);
      await view.locator('#gantt g.bar[data-step="trainer"]').waitFor({ timeout: 30_000 });
      assert.equal(await view.locator('#gantt g.bar.cached').count(), 5, 'the newest run took five steps from the cache');
      await session!.screenshot('run-timeline-dark');
      await colorTheme(page, 'Light Modern');
      await session!.screenshot('run-timeline-light');
      await colorTheme(page, 'Dark Modern');
      await view.locator('#gantt g.bar[data-step="trainer"] rect.seg.running').click();
      await page.locator('.tab', { hasText: /trainer/ }).first().waitFor({ timeout: 30_000 });
    });
  });
});
