// Issue 10 group 5 in a real VS Code (code-server in Chromium) on the penguin sample: after a first run
// blessed a model, "Run From Here" on transform resolves that model as the baseline (the Resolver joins the
// scope), the approval panel shows the baseline beside the candidate, the slices with the failing or
// worsened ones flagged and the data's anomalies, and the evaluation panel shows the confusion matrix,
// per-class scores and the calibration plot, with a missing slice value labelled "(missing)".
// Screenshots of both panels in dark and light go to test-results/e2e/ (look at them).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { e2eSkipReason, openSession, repo, type Session, webviewFrame } from './codeServer';

const skip = e2eSkipReason();
const PIPELINES = '.pane:has(.pane-header[aria-label^="Pipelines"]) .monaco-list-row';
const TOASTS = '.notifications-toasts .notification-toast';
const CLI = join(repo, 'dist', 'runtime', 'cli.js');

function cli(args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, shell: false });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The webview frame that shows `selector` (webviews nest two iframes; there may be several views). */
const frameWith = (page: Page, selector: string, timeout = 60_000): Promise<Frame> => webviewFrame(page, selector, timeout);

/** The same view in dark and in light, switched as a user does (Preferences: Color Theme). */
async function screenshots(session: Session, name: string): Promise<void> {
  const page = session.page;
  const theme = async (label: string): Promise<void> => {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(label);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    await page.waitForTimeout(1000);
  };
  await session.screenshot(`panels-${name}-dark`);
  await theme('Light Modern');
  await session.screenshot(`panels-${name}-light`);
  await theme('Dark Modern');
}

/** Whether the newest evaluation's eval split has examples without a Sex (then a "(missing)" slice). */
function hasMissingSex(workspace: string): boolean {
  const dir = join(workspace, '.mlpipe', 'artifacts', 'penguin', 'evaluator', 'evaluation');
  const newest = readdirSync(dir).map(Number).sort((a, b) => b - a)[0];
  const metrics = JSON.parse(readFileSync(join(dir, String(newest), 'metrics.json'), 'utf8')) as { candidate: { slices: Array<{ slice: Record<string, unknown> }> } };
  return metrics.candidate.slices.some((s) => 'Sex' in s.slice && s.slice['Sex'] === null);
}

describe('panels that show what they ask about (issue 10: group 5)', { skip, timeout: 900_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: true, sample: 'penguin' });
  });
  after(async () => {
    await session?.close();
  });

  it('run from transform compares with the blessed model; the approval and evaluation panels show baseline, slices, anomalies and classes', async () => {
    const page = session!.page;
    const file = join(session!.workspace, 'penguin.pipeline.yaml');
    try {
      // A first run blesses a model (no baseline yet) and is approved from the terminal.
      const first = await cli(['run', file, '--no-wait'], session!.workspace);
      const waiting = /mlpipe approve (\d+) /.exec(first.out);
      assert.ok(waiting, first.out.slice(-2000));
      const approved = await cli(['approve', waiting[1]!, '--approve', '--by', 'e2e', '--comment', 'first model'], session!.workspace);
      assert.equal(approved.code, 0, approved.out);

      await page.locator('.activitybar .action-item a[aria-label^="ML Pipelines"], .activitybar .action-item[aria-label^="ML Pipelines"]').first().click();
      const transform = page.locator(PIPELINES, { hasText: /^transform/ }).first();
      await transform.waitFor({ timeout: 60_000 });
      await transform.click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu');
      await menu.waitFor();
      await menu.locator('.action-label', { hasText: 'Run From Here' }).first().click();
      const waits = page.locator(TOASTS, { hasText: /"approval" of penguin waits for your approval/ });
      await waits.waitFor({ timeout: 180_000 });
      await waits.locator('a', { hasText: 'Review' }).first().click();

      // The approval panel: the baseline beside the candidate (it was "–" before the Resolver joined the scope).
      const approval = await frameWith(page, '#slice-review');
      const overall = await approval.locator('#overall tr[data-metric="accuracy"] td').allInnerTexts();
      assert.notEqual(overall[2], '–', `baseline column filled: ${overall.join(' | ')}`);
      assert.match(await approval.locator('#models').innerText(), /baseline: model \d+/);
      assert.match(await approval.locator('#slice-summary').innerText(), /^\d+ slices: \d+ failing a threshold, \d+ worse than the baseline, \d+ under \d+ examples\.$/);
      assert.ok((await approval.locator('#slice-review tr[data-slice^="Island = "]').count()) >= 2, 'the Island slices are listed');
      const missing = hasMissingSex(session!.workspace);
      if (missing) assert.equal(await approval.locator('#slice-review tr[data-slice="Sex = (missing)"]').count(), 1);
      assert.equal(await approval.locator('#slice-review tr[data-slice="Sex = "]').count(), 0);
      const anomalies = await approval.locator('#anomalies').innerText();
      assert.match(anomalies, /From .*ExampleAnomalies \d+|found no anomalies/);
      await screenshots(session!, 'approval');

      // The full evaluation, from the approval panel's button.
      await approval.locator('#open-evaluation').click();
      const evaluation = await frameWith(page, '#confusion-counts');
      assert.equal(await evaluation.locator('#confusion-counts tr[data-actual]').count(), 3, 'three species');
      assert.equal(await evaluation.locator('#confusion-normalised tr[data-actual]').count(), 3);
      for (const species of ['Adelie', 'Chinstrap', 'Gentoo']) assert.equal(await evaluation.locator(`#per-class tr[data-class="${species}"]`).count(), 1, species);
      assert.match(await evaluation.locator('#averaging').innerText(), /macro averages \(TFMA macro_average\): each of the 3 classes/);
      assert.match(await evaluation.locator('#plots-note').innerText(), /binary models; this one has 3 classes/);
      assert.equal(await evaluation.locator('#calibration polyline.main').count(), 1);
      assert.equal(await evaluation.locator('#calibration polyline.compare').count(), 1, 'the baseline is calibrated beside the candidate');
      const base = await evaluation.locator('#overall tr[data-metric="accuracy"] td').allInnerTexts();
      assert.notEqual(base[2], '–');
      if (missing) assert.equal(await evaluation.locator('#slices tr[data-slice="Sex = (missing)"]').count(), 1);
      await screenshots(session!, 'evaluation');
      await evaluation.locator('#classification').scrollIntoViewIfNeeded();
      await screenshots(session!, 'evaluation-classes');
    } catch (e) {
      console.log(`# screenshot of the failure: ${await session!.screenshot('panels-failure')}`);
      console.log(session!.output().slice(-2000));
      throw e;
    }
  });
});
