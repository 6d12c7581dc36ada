// "Export to Argo Workflow…" from the command palette in code-server: the image is asked for once, and
// the workflow opens as an unsaved YAML document (nothing in the workspace is overwritten).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { e2eSkipReason, openSession, runCommand, type Session } from './codeServer';

const skip = e2eSkipReason();
const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor .view-lines';

describe('export to Argo from VS Code', { skip, timeout: 180_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: true });
  });
  after(async () => {
    await session?.close();
  });

  it('asks for the image and opens the workflow as an unsaved basic.argo.yaml', async () => {
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
      await session!.screenshot('export-argo');
    } catch (e) {
      console.log(`# screenshot of the failure: ${await session!.screenshot('failure-export-argo')}`);
      throw e;
    }
  });
});
