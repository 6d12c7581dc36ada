// The DAG preview in a real VS Code (code-server in Chromium): the ELK worker starts from a Blob URL
// under the real CSP, the graph follows edits as you type, a node's context menu runs its step and
// the node's state changes live, and a click reveals the component in the editor. Screenshots in the
// dark and light themes. Skipped when code-server is not installed (see docs/testing-in-vscode.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { e2eSkipReason, openSession, runCommand, type Session } from '../e2e/codeServer';
import { buildBundles, chromiumMissing } from './webviewHarness';

const skip = chromiumMissing() || e2eSkipReason() || false;
const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor .view-lines';

async function openPipelineFile(page: Page): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('basic.pipeline.yaml');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'basic.pipeline.yaml' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: 'basic.pipeline.yaml' }).waitFor();
  await page.locator(ACTIVE_EDITOR).waitFor();
}

function dagFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').last().frameLocator('#active-frame');
}

for (const theme of ['dark', 'light'] as const) {
  describe(`DAG preview in code-server (${theme} theme)`, { skip }, () => {
    let session: Session | undefined;
    before(async () => {
      buildBundles();
      session = await openSession({ trusted: true, theme });
    });
    after(async () => {
      await session?.close();
    });

    it('opens beside the pipeline, follows edits, runs a step from a node and reveals a component', async () => {
      const page = session!.page;
      try {
        await openPipelineFile(page);
        await runCommand(page, 'ML Pipelines: Open DAG Preview to the Side');
        const dag = dagFrame(page);
        for (const id of ['prepare', 'count', 'report']) await dag.locator(`.node[data-id="${id}"]`).waitFor({ timeout: 30_000 });
        assert.match((await dag.locator('.node[data-id="count"]').textContent()) ?? '', /Command.*counts: ExampleStatistics/);
        await session!.screenshot(`dag-preview-${theme}`);
        if (theme === 'light') return;

        // Type a half-finished step: the preview keeps the last good graph and lists the errors.
        await page.locator(ACTIVE_EDITOR).click();
        await page.keyboard.press('Control+End');
        await page.keyboard.press('Home');
        await page.keyboard.insertText('  summary: {type: Command, inputs: {counts: count.');
        await dag.locator('#problems').waitFor({ timeout: 20_000 });
        assert.equal(await dag.locator('.node').count(), 3);
        // Delete the line again (Home twice reaches column 1): the errors go away.
        await page.keyboard.press('End');
        await page.keyboard.press('Home');
        await page.keyboard.press('Home');
        await page.keyboard.press('Shift+End');
        await page.keyboard.press('Delete');
        await dag.locator('#problems').waitFor({ state: 'detached', timeout: 20_000 });
        // Type a new step at the end of the file: the graph grows without saving.
        await page.locator(ACTIVE_EDITOR).click();
        await page.keyboard.press('Control+End');
        await page.keyboard.press('Home');
        // One line in flow style: the editor's auto-indent would shift typed block lines.
        await page.keyboard.insertText('  summary: {type: Command, inputs: {counts: count.counts}, params: {command: [node, steps/report.js, "{{inputs.counts}}", "{{outputs.summary}}"]}, outputs: {summary: Report}}');
        await dag.locator('.node[data-id="summary"]').waitFor({ timeout: 20_000 });
        assert.equal(await dag.locator('.edge[data-from="count"][data-to="summary"]').count(), 1);

        // Run a step from its node's context menu; its state changes on the graph.
        await dag.locator('.node[data-id="prepare"] rect.box').click({ button: 'right' });
        await dag.locator('.menu button[data-action="run-step"]').click();
        await dag.locator('.node[data-id="prepare"].state-complete').waitFor({ timeout: 60_000 });
        assert.match((await dag.locator('.node[data-id="prepare"] text.status').textContent()) ?? '', /complete · \d/);

        // Clicking a node selects its id in the editor beside the preview, which stays visible.
        await dag.locator('.node[data-id="report"] rect.box').click();
        await page.locator('.statusbar', { hasText: /Ln 18, Col \d+ \(6 selected\)/ }).waitFor({ timeout: 10_000 });
        await dag.locator('.node[data-id="report"]').waitFor({ state: 'visible' });
        assert.equal(await page.locator('.tab.active', { hasText: 'Preview basic.pipeline.yaml' }).count(), 1, 'the preview stays the active tab of its group');
        assert.equal(await page.locator('.tab', { hasText: /^basic\.pipeline\.yaml/ }).count(), 1, 'no second editor of the file');
        await session!.screenshot(`dag-preview-${theme}-after-run`);
      } catch (e) {
        await session!.screenshot(`dag-preview-${theme}-failure`);
        throw e;
      }
    });
  });
}
