// "Export to Argo Workflow…" and "Export to Kubeflow Pipelines…" in code-server: the image is asked for,
// the export opens as an unsaved YAML document (nothing in the workspace is overwritten), and a
// notification says what the check of it found. A scheduled pipeline shows its schedule in the
// Pipelines tree and in the editor's hover. Light and dark themes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { e2eSkipReason, openSession, runCommand, type Session } from './codeServer';

const skip = e2eSkipReason();
const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor .view-lines';

const NIGHTLY = `pipeline: nightly
description: Retrain every day on new data.
schedule: {cron: "0 3 * * *", timezone: Europe/Berlin}
components:
  prepare:
    type: Command
    params: {command: [node, steps/prepare.js, "{{outputs.data}}"]}
    outputs: {data: Examples}
`;

for (const theme of ['dark', 'light'] as const) {
  describe(`export from VS Code (${theme})`, { skip, timeout: 240_000 }, () => {
    let session: Session | undefined;
    before(async () => {
      session = await openSession({ trusted: true, theme });
    });
    after(async () => {
      await session?.close();
    });

    it('Argo from the palette: asks for the image, opens basic.argo.yaml unsaved, says it is valid', async () => {
      const page = session!.page;
      try {
        // The extension activates on the sample's pipeline file; its view shows the pipeline once it has.
        await page.locator('.activitybar .action-item a[aria-label^="ML Pipelines"], .activitybar .action-item[aria-label^="ML Pipelines"]').first().click();
        await page.locator('.pane .monaco-list-row', { hasText: 'basic' }).first().waitFor({ timeout: 60_000 });
        await runCommand(page, 'ML Pipelines: Export to Argo Workflow...');
        const title = page.locator('.quick-input-widget .quick-input-title', { hasText: 'Export basic.pipeline.yaml to an Argo Workflow' });
        await title.waitFor({ timeout: 30_000 });
        const input = page.locator('.quick-input-widget input');
        await input.fill('registry.example/mlpipe:1');
        await page.keyboard.press('Enter');
        await page.locator('.tab.active', { hasText: 'basic.argo.yaml' }).waitFor({ timeout: 30_000 });
        const editor = page.locator(ACTIVE_EDITOR);
        await editor.locator('text=kind: Workflow').waitFor({ timeout: 30_000 });
        // Monaco renders spaces as no-break spaces.
        const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
        assert.match(text, /apiVersion: argoproj\.io\/v1alpha1/);
        assert.match(text, /generateName: basic-/);
        assert.match(text, /mlpipe\/pipeline-file: basic\.pipeline\.yaml/);
        await page.locator('.notifications-toasts .notification-toast', { hasText: 'valid Argo Workflow' }).waitFor({ timeout: 30_000 });
        await session!.screenshot(`export-argo-${theme}`);
      } catch (e) {
        console.log(`# screenshot of the failure: ${await session!.screenshot(`failure-export-argo-${theme}`)}`);
        throw e;
      }
    });

    it('KFP from the Pipelines tree menu: opens basic.kfp.yaml unsaved and says "valid PipelineSpec 2.1.0"', async () => {
      const page = session!.page;
      try {
        const row = page.locator('.pane .monaco-list-row', { hasText: 'basic' }).first();
        await row.click({ button: 'right' });
        await page.locator('.context-view .action-item', { hasText: 'Export to Kubeflow Pipelines...' }).first().click();
        await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Export basic.pipeline.yaml to Kubeflow Pipelines' }).waitFor({ timeout: 30_000 });
        const input = page.locator('.quick-input-widget input');
        await input.fill('registry.example/mlpipe-basic:1');
        await page.keyboard.press('Enter');
        await page.locator('.tab.active', { hasText: 'basic.kfp.yaml' }).waitFor({ timeout: 30_000 });
        const editor = page.locator(ACTIVE_EDITOR);
        await editor.locator('text=schemaVersion: 2.1.0').waitFor({ timeout: 30_000 });
        const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
        assert.match(text, /pipelineInfo:/);
        await page.locator('.notifications-toasts .notification-toast', { hasText: 'valid PipelineSpec 2.1.0' }).waitFor({ timeout: 30_000 });
        await session!.screenshot(`export-kfp-${theme}`);
      } catch (e) {
        console.log(`# screenshot of the failure: ${await session!.screenshot(`failure-export-kfp-${theme}`)}`);
        throw e;
      }
    });

    it('a scheduled pipeline shows its schedule on its tree item and in the hover over it', async () => {
      const page = session!.page;
      try {
        writeFileSync(join(session!.workspace, 'nightly.pipeline.yaml'), NIGHTLY);
        const row = page.locator('.pane .monaco-list-row', { hasText: 'nightly' }).first();
        await row.waitFor({ timeout: 60_000 });
        await row.locator('text=schedule 0 3 * * * Europe/Berlin').waitFor({ timeout: 30_000 });
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').fill('nightly.pipeline.yaml');
        await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'nightly.pipeline.yaml' }).first().waitFor({ timeout: 30_000 });
        await page.keyboard.press('Enter');
        await page.locator('.tab.active', { hasText: 'nightly.pipeline.yaml' }).waitFor({ timeout: 30_000 });
        const editor = page.locator(ACTIVE_EDITOR);
        await editor.locator('text=Europe/Berlin').first().hover();
        const hover = page.locator('.monaco-hover', { hasText: 'Schedule' });
        await hover.waitFor({ timeout: 30_000 });
        assert.match(await hover.innerText(), /at 03:00 every day \(Europe\/Berlin\)/);
        await session!.screenshot(`schedule-hover-${theme}`);
      } catch (e) {
        console.log(`# screenshot of the failure: ${await session!.screenshot(`failure-schedule-${theme}`)}`);
        throw e;
      }
    });
  });
}
