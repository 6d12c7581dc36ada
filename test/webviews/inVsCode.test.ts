// The DAG preview in a real VS Code (code-server in Chromium): the ELK worker starts from a Blob URL
// under the real CSP, the graph follows edits as you type, a node's context menu runs its step and
// the node's state changes live, and a click reveals the component in the editor. Screenshots in the
// dark and light themes. Skipped when code-server is not installed (see docs/testing-in-vscode.md).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { e2eSkipReason, openSession, runCommand, type Session } from '../e2e/codeServer';
import { spawnSync } from 'node:child_process';
import { chromiumMissing, ROOT } from './webviewHarness';

/** code-server loads the whole extension (dist/extension, dist/runtime, dist/webviews): build all of it. */
function buildAll(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node scripts/build.mjs failed; fix the build first:\n${r.stderr}`);
}

const skip = chromiumMissing() || e2eSkipReason() || false;
const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor .view-lines';

async function openPipelineFile(page: Page, name = 'basic.pipeline.yaml'): Promise<void> {
  // A file written a moment ago may not be in Quick Open's index yet: ask again.
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    try {
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout: 5_000 });
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (attempt >= 5) throw e;
    }
  }
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
  await page.locator(ACTIVE_EDITOR).waitFor();
}

const HOSTILE = '<img src=x onerror=alert(1)>';
const APPROVAL_INSTRUCTIONS = `Check the model file. ${HOSTILE}`;

/** Ingest, train and evaluate on slices: enough for the evaluation panel and a model's audit. */
function writeModelPipeline(workspace: string): void {
  const repo = join(__dirname, '..', '..');
  const csv = readFileSync(join(repo, 'samples', 'penguin', 'data', 'penguins.csv'), 'utf8').trim().split('\n').slice(0, 200).join('\n') + '\n';
  writeFileSync(join(workspace, 'data', 'pen.csv'), csv);
  writeFileSync(
    join(workspace, 'model.pipeline.yaml'),
    [
      'pipeline: model',
      'components:',
      '  example_gen:',
      '    type: CsvExampleGen',
      '    params: {input: data/pen.csv, splits: {train: 3, eval: 1}}',
      '  statistics_gen:',
      '    type: StatisticsGen',
      '    inputs: {examples: example_gen.examples}',
      '  trainer:',
      '    type: Trainer',
      '    inputs: {examples: example_gen.examples}',
      '    params: {label: Species, epochs: 5, hidden_units: [8]}',
      '  evaluator:',
      '    type: Evaluator',
      '    inputs: {examples: example_gen.examples, model: trainer.model}',
      '    params: {label: Species, slices: [[], [Island]], thresholds: {accuracy: {lower_bound: 0.3}}}',
      '',
    ].join('\n'),
  );
}

/** A Command that writes a "model", then a HumanApproval step on it. */
function writeApprovalPipeline(workspace: string): void {
  writeFileSync(join(workspace, 'steps', 'model.js'), "require('fs').writeFileSync(require('path').join(process.argv[2], 'model.json'), '{}');\n");
  writeFileSync(
    join(workspace, 'approve.pipeline.yaml'),
    [
      'pipeline: approve',
      'components:',
      '  train:',
      '    type: Command',
      '    params: {command: [node, steps/model.js, "{{outputs.model}}"]}',
      '    outputs: {model: Model}',
      '  approval:',
      '    type: HumanApproval',
      '    inputs: {model: train.model}',
      `    params: {instructions: ${JSON.stringify(APPROVAL_INSTRUCTIONS)}}`,
      '',
    ].join('\n'),
  );
}

/** A small ingest + statistics pipeline over the sample penguins, with a hostile column added. */
function writeStatisticsPipeline(workspace: string): void {
  const repo = join(__dirname, '..', '..');
  const lines = readFileSync(join(repo, 'samples', 'penguin', 'data', 'penguins.csv'), 'utf8').trim().split('\n').slice(0, 120);
  const csv = lines.map((l, i) => `${l},${i === 0 ? `"${HOSTILE}"` : i % 3 === 0 ? '"</script>"' : 'ok'}`).join('\n') + '\n';
  mkdirSync(join(workspace, 'data'), { recursive: true });
  writeFileSync(join(workspace, 'data', 'penguins.csv'), csv);
  writeFileSync(
    join(workspace, 'stats.pipeline.yaml'),
    ['pipeline: stats', 'components:', '  example_gen:', '    type: CsvExampleGen', '    params: {input: data/penguins.csv, splits: {train: 3, eval: 1}}', '  statistics_gen:', '    type: StatisticsGen', '    inputs: {examples: example_gen.examples}', ''].join('\n'),
  );
}

/** The preview is the first webview opened in these tests; panels opened from it come after. */
function dagFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
}

for (const theme of ['dark', 'light'] as const) {
  describe(`DAG preview in code-server (${theme} theme)`, { skip }, () => {
    let session: Session | undefined;
    before(async () => {
      buildAll();
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

        // Type a half-finished step: the preview shows every component it could read, the half-typed one
        // marked as broken, and lists the errors (issue 10: one typo does not hide the graph).
        await page.locator(ACTIVE_EDITOR).click();
        await page.keyboard.press('Control+End');
        await page.keyboard.press('Home');
        await page.keyboard.insertText('  summary: {type: Command, inputs: {counts: count.');
        await dag.locator('#problems').waitFor({ timeout: 20_000 });
        await dag.locator('.node.broken[data-id="summary"]').waitFor({ timeout: 20_000 });
        assert.equal(await dag.locator('.node:not(.broken)').count(), 3);
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

        // Statistics of ExampleGen's output: run ingest + statistics from the graph, then open them from the node.
        writeStatisticsPipeline(session!.workspace);
        await openPipelineFile(page, 'stats.pipeline.yaml');
        await dag.locator('.node[data-id="statistics_gen"]').waitFor({ timeout: 30_000 });
        await dag.locator('.node[data-id="example_gen"] rect.box').click({ button: 'right' });
        await dag.locator('.menu button[data-action="run-from"]').click();
        await dag.locator('.node[data-id="statistics_gen"].state-complete').waitFor({ timeout: 90_000 });
        await dag.locator('.node[data-id="example_gen"] rect.box').click({ button: 'right' });
        await dag.locator('.menu button[data-action="show-statistics"]').click();
        const stats = page.frameLocator('iframe.webview').last().frameLocator('#active-frame');
        await stats.locator('.row[data-feature="Beak Depth (mm)"]').waitFor({ timeout: 30_000 });
        assert.match((await stats.locator('#header').textContent()) ?? '', /· train.*examples/s);
        await stats.locator('#list').evaluate((el) => (el.scrollTop = el.scrollHeight));
        await stats.locator(`.row[data-feature="${HOSTILE}"]`).waitFor();
        assert.equal(await stats.locator(`.row[data-feature="${HOSTILE}"] .feature-name`).textContent(), HOSTILE);
        assert.equal(await stats.locator('img').count(), 0);
        await stats.locator('#list').evaluate((el) => (el.scrollTop = 0));
        await session!.screenshot(`statistics-panel-${theme}`);
        // Compare with the eval split from the toolbar.
        await stats.locator('vscode-button[data-split="eval"]').click();
        await stats.locator('.row[data-feature="Beak Depth (mm)"]', { hasText: 'JS divergence' }).waitFor({ timeout: 20_000 });
        await session!.screenshot(`statistics-compare-${theme}`);

        // The panel-area Statistics view follows the artifact selected in the Runs view.
        await runCommand(page, 'ML Pipelines: Focus on Statistics View');
        await page.locator('.activitybar .action-item a[aria-label^="ML Pipelines"], .activitybar .action-item[aria-label^="ML Pipelines"]').first().click();
        const runs = page.locator('.pane:has(.pane-header[aria-label^="Runs"])');
        await runs.waitFor({ timeout: 20_000 });
        const runRow = runs.locator('.monaco-list-row', { hasText: /^stats · / }).first();
        await runRow.waitFor({ timeout: 20_000 });
        await runRow.click();
        const execRow = runs.locator('.monaco-list-row', { hasText: 'statistics_gen' }).first();
        await execRow.waitFor({ timeout: 20_000 });
        // Expand with the keyboard: a click on an execution opens its log.
        await execRow.locator('.monaco-tl-twistie').click();
        await runs.locator('.monaco-list-row', { hasText: 'ExampleStatistics' }).first().click();
        // The newest webview is the panel-area view (webview iframes live outside the panel part's DOM).
        const panelView = page.frameLocator('iframe.webview').last().frameLocator('#active-frame');
        await panelView.locator('.row[data-feature]').first().waitFor({ timeout: 30_000 });
        const header = (await panelView.locator('#header').textContent()) ?? '';
        assert.match(header, /ExampleStatistics #\d+ · train/);
        assert.doesNotMatch(header, / vs /, 'the view, not the comparison panel');
        await session!.screenshot(`statistics-view-${theme}`);
        // Lineage of the statistics: the examples they came from and the executions, from the real store.
        // (The preview's column is narrow now: click the node's left end, which is in view.)
        await dag.locator('.node[data-id="statistics_gen"] rect.box').click({ button: 'right', position: { x: 15, y: 15 } });
        await dag.locator('.menu button[data-action="show-lineage"]').click();
        const lineage = page.frameLocator('iframe.webview').last().frameLocator('#active-frame');
        await lineage.locator('.lnode.artifact').first().waitFor({ timeout: 30_000 });
        assert.ok((await lineage.locator('.lnode.execution').count()) >= 2, 'ExampleGen and StatisticsGen executions');
        assert.match((await lineage.locator('.lnode.root').textContent()) ?? '', /ExampleStatistics/);
        await session!.screenshot(`lineage-panel-${theme}`);

        // Approve a model from the panel: a waiting HumanApproval step, the decision with a comment, the run goes on.
        writeApprovalPipeline(session!.workspace);
        await openPipelineFile(page, 'approve.pipeline.yaml');
        await dag.locator('.node[data-id="approval"]').waitFor({ timeout: 30_000 });
        await dag.locator('.node[data-id="train"] rect.box').click({ button: 'right', position: { x: 15, y: 15 } });
        await dag.locator('.menu button[data-action="run-from"]').click();
        await dag.locator('.node[data-id="approval"].state-waiting').waitFor({ timeout: 60_000 });
        await runCommand(page, 'ML Pipelines: Approve or Reject a Waiting Step...');
        const approval = page.frameLocator('iframe.webview').last().frameLocator('#active-frame');
        await approval.locator('#decision').waitFor({ timeout: 30_000 });
        assert.equal(await approval.locator('#instructions').textContent(), APPROVAL_INSTRUCTIONS);
        assert.equal(await approval.locator('img').count(), 0);
        await approval.locator('#comment').click();
        await page.keyboard.type('Looks right to me');
        await approval.locator('#approve').click();
        await approval.locator('#decided').waitFor({ timeout: 30_000 });
        assert.match((await approval.locator('#decided').textContent()) ?? '', /^Approved by .+ on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
        await dag.locator('.node[data-id="approval"].state-complete').waitFor({ timeout: 30_000 });
        await session!.screenshot(`approval-panel-${theme}`);

        // Train and evaluate, then open the evaluation and the model's audit from the graph.
        writeModelPipeline(session!.workspace);
        await openPipelineFile(page, 'model.pipeline.yaml');
        await dag.locator('.node[data-id="evaluator"]').waitFor({ timeout: 30_000 });
        await dag.locator('.node[data-id="example_gen"] rect.box').click({ button: 'right', position: { x: 15, y: 15 } });
        await dag.locator('.menu button[data-action="run-from"]').click();
        await dag.locator('.node[data-id="evaluator"].state-complete').waitFor({ timeout: 120_000 });
        await dag.locator('.node[data-id="evaluator"] rect.box').click({ button: 'right', position: { x: 15, y: 15 } });
        await dag.locator('.menu button[data-action="show-evaluation"]').click();
        const evaluation = page.frameLocator('iframe.webview').last().frameLocator('#active-frame');
        await evaluation.locator('#slices tr[data-slice="Island = Biscoe"]').waitFor({ timeout: 30_000 });
        assert.match((await evaluation.locator('#verdict').textContent()) ?? '', /BLESSED all thresholds passed/);
        assert.match((await evaluation.locator('#thresholds').textContent()) ?? '', /accuracy≥ 0\.3passed/);
        await session!.screenshot(`evaluation-panel-${theme}`);
        await dag.locator('.node[data-id="trainer"] rect.box').click({ button: 'right', position: { x: 15, y: 15 } });
        await dag.locator('.menu button[data-action="show-lineage"]').click();
        const audit = page.frameLocator('iframe.webview').last().frameLocator('#active-frame');
        await audit.locator('#audit-data').waitFor({ timeout: 30_000 });
        assert.match((await audit.locator('#audit-data').textContent()) ?? '', /Examples/);
        assert.match((await audit.locator('#audit-distribution').textContent()) ?? '', /train: \d+ examples/);
        assert.match((await audit.locator('#audit-evaluation').textContent()) ?? '', /blessed.*accuracy/s);
        await session!.screenshot(`audit-panel-${theme}`);
      } catch (e) {
        await session!.screenshot(`dag-preview-${theme}-failure`);
        throw e;
      }
    });
  });
}
