// Issue 12's Report artifacts and Debug Step in a real VS Code (code-server in Chromium), used as a user
// would: a Function step's module under VS Code's JavaScript debugger stops at a breakpoint set in its own
// file with the real input artifact in its variables, continues, and the execution is recorded; the three
// reports it wrote (Markdown, HTML with a script that must not run, Vega-Lite) open in the report view,
// and the report is in the lineage. Screenshots in dark and light go to test-results/e2e/ (look at them).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { e2eSkipReason, openSession, repo, runCommand, type Session, webviewFrame } from './codeServer';

const skip = e2eSkipReason();
const CLI = join(repo, 'dist', 'runtime', 'cli.js');
/** The line of summarize.ts the breakpoint goes on (`const total = …`, after the CSV is read). */
const BREAK_LINE = 16;

const frameWith = (page: Page, selector: string, timeout = 30_000): Promise<Frame> => webviewFrame(page, selector, timeout);

async function openFile(page: Page, name: string): Promise<void> {
  const tab = page.locator('.tab', { hasText: name }).first();
  if (await tab.count()) {
    await tab.click();
    await page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
    return;
  }
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
}

function runsOf(workspace: string): Array<{ name: string; state: string; executionCount: number }> {
  const r = spawnSync(process.execPath, [CLI, 'runs', '--json', '--root', workspace], { encoding: 'utf8' });
  return (JSON.parse(r.stdout) as { items: Array<{ name: string; state: string; executionCount: number }> }).items;
}

/** Both themes, switched as a user does (Ctrl+K Ctrl+T, "Preferences: Color Theme"); the view redraws in each. */
async function bothThemes(session: Session, name: string, ready: () => Promise<void>): Promise<void> {
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
  await ready();
  await session.screenshot(`${name}-dark`);
  await theme('Light Modern');
  await ready();
  await session.screenshot(`${name}-light`);
  await theme('Dark Modern');
}

describe('reports and Debug Step in code-server (issue 12)', { skip, timeout: 600_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: true, sample: '../test/fixtures/debugStep' });
    // The upstream step ran once from the CLI: Debug Step resolves summarize's input from that run.
    const r = spawnSync(process.execPath, [CLI, 'run', join(session.workspace, 'debugdemo.pipeline.yaml'), '--to', 'prepare'], { encoding: 'utf8', cwd: session.workspace });
    assert.equal(r.status, 0, r.stderr);
  });
  after(async () => {
    await session?.close();
  });

  it('stops at a breakpoint in the Function module with the real input, continues, and records the execution', async () => {
    const page = session!.page;
    try {
      await openFile(page, 'summarize.ts');
      // A breakpoint on the line after the CSV is read, as a user sets one: Go to Line, F9.
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+G');
      await page.keyboard.type(String(BREAK_LINE));
      await page.locator('.quick-input-list .monaco-list-row', { hasText: `line ${BREAK_LINE}` }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.statusbar-item', { hasText: `Ln ${BREAK_LINE},` }).first().waitFor();
      await page.keyboard.press('F9');
      await page.locator('.codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });

      await openFile(page, 'debugdemo.pipeline.yaml');
      await page.locator('.codelens-decoration a', { hasText: 'Debug step' }).first().waitFor({ timeout: 60_000 });
      const before = runsOf(session!.workspace).length;
      await runCommand(page, 'ML Pipelines: Debug Step');

      // Paused in summarize.ts at the breakpoint: the call stack names it, the variables hold the artifact.
      await page.locator('.debug-toolbar').waitFor({ timeout: 120_000 });
      const frame = page.locator('.debug-call-stack .monaco-list-row', { hasText: 'summarize.ts' }).first();
      await frame.waitFor({ timeout: 120_000 });
      assert.match((await frame.textContent()) ?? '', new RegExp(`summarize\\.ts\\s*${BREAK_LINE}`));
      await page.locator('.tab.active[aria-label^="summarize.ts"]').waitFor();
      const variables = page.locator('.debug-variables');
      await variables.locator('.monaco-list-row', { hasText: 'csv' }).first().waitFor({ timeout: 30_000 });
      const shown = (await variables.textContent()) ?? '';
      assert.match(shown, /csv.*\.mlpipe\/artifacts\/debugdemo\/prepare\/data\/1\/data\.csv/);
      await session!.screenshot('debug-step-paused');

      // Continue: the step finishes and the run is recorded like any other.
      await page.keyboard.press('F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 120_000 });
      const deadline = Date.now() + 30_000;
      let runs = runsOf(session!.workspace);
      while (runs.length === before && Date.now() < deadline) {
        await page.waitForTimeout(500);
        runs = runsOf(session!.workspace);
      }
      assert.equal(runs.length, before + 1);
      assert.equal(runs[0]!.state, 'COMPLETE');
      assert.equal(runs[0]!.executionCount, 1);
    } catch (e) {
      console.log(`# screenshot: ${await session!.screenshot('debug-step-failure')}`);
      console.log(session!.output().slice(-3000));
      throw e;
    }
  });

  it('opens the Markdown, HTML and Vega-Lite reports; the HTML report runs no script; the report is in the lineage', async () => {
    const page = session!.page;
    try {
      await openFile(page, 'debugdemo.pipeline.yaml');
      await page.locator('.codelens-decoration a', { hasText: 'Report' }).first().waitFor({ timeout: 60_000 });
      const pick = async (which: string) => {
        await runCommand(page, 'ML Pipelines: Show Report');
        const row = page.locator('.quick-input-list .monaco-list-row', { hasText: `summarize.${which}` }).first();
        await row.waitFor();
        await row.click();
      };

      await pick('card');
      const card = await frameWith(page, '#report-body.markdown h1');
      assert.equal(await card.locator('#report-body h1').textContent(), 'Penguins per island');
      assert.deepEqual((await card.locator('#report-body tbody tr').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()), ['Biscoe 41', 'Dream 31', 'Torgersen 14']);
      assert.match((await card.locator('#report-title').textContent()) ?? '', /^summarize\.card · run /);
      await bothThemes(session!, 'report-markdown', async () => void (await card.locator('#report-body h1').waitFor()));

      await pick('page');
      const page2 = await frameWith(page, '#report-frame');
      const inner = page2.frameLocator('#report-frame');
      await inner.locator('#quality-title').waitFor();
      await page.waitForTimeout(500);
      for (const mark of ['data-script-ran', 'data-onload-ran', 'data-onerror-ran']) assert.equal(await inner.locator('html').getAttribute(mark), null, mark);
      assert.equal(await page2.locator('#report-frame').getAttribute('sandbox'), '');
      await bothThemes(session!, 'report-html', async () => void (await inner.locator('#quality-title').waitFor()));

      await pick('chart');
      const chart = await frameWith(page, '#report-chart[data-rendered="true"] svg', 60_000);
      assert.equal(await chart.locator('#report-chart svg .mark-rect path').count(), 3);
      await bothThemes(session!, 'report-vega-lite', async () => void (await chart.locator('#report-chart svg').waitFor()));

      // The report is an artifact like any other: its lineage shows it and the step and data behind it.
      await chart.locator('#show-lineage').click();
      const lineage = await frameWith(page, 'svg .node, [data-key]', 60_000);
      const text = (await lineage.locator('body').textContent()) ?? '';
      assert.match(text, /Report/);
      assert.match(text, /summarize/);
      await session!.screenshot('report-lineage');
    } catch (e) {
      console.log(`# screenshot: ${await session!.screenshot('report-failure')}`);
      console.log(session!.output().slice(-3000));
      throw e;
    }
  });
});
