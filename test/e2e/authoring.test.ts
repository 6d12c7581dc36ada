// Authoring a pipeline from scratch in code-server with no other extension installed (issue 10 groups
// 2 and 9): a new file is started from the completion list (Ctrl+Space), a component snippet is
// accepted, a reference is completed with only the outputs the input accepts, a missing input is
// inserted by its quick fix; then, after the data exists, an id-like column shows a warning in
// Problems on the Transform's line. In dark and light, with screenshots of each step.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { mistakesCsv } from '../runtime/featureFixtures';
import { e2eSkipReason, openSession, repo, runCommand, type Session } from './codeServer';

const skip = e2eSkipReason();
if (skip) console.log(`# e2e tests skipped: ${skip}`);

const EDITOR = '.editor-group-container.active .monaco-editor';
const SUGGEST = `${EDITOR} .suggest-widget.visible`;

function suggestion(page: Page, label: string) {
  return page.locator(`${SUGGEST} .monaco-list-row`, { hasText: label }).first();
}

/**
 * Ctrl+Space until `label` shows: the first list can come before the extension has activated or the
 * runtime has started (a user would press it again).
 */
async function suggest(page: Page, label: string, focused = false): Promise<void> {
  const row = page.locator(`${SUGGEST} .monaco-list-row${focused ? '.focused' : ''}`, { hasText: label }).first();
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Control+Space');
    try {
      await row.waitFor({ timeout: 5_000 });
      return;
    } catch {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
  await row.waitFor({ timeout: 1_000 });
}

async function typeLines(page: Page, lines: string[]): Promise<void> {
  // Auto-indent is off in this workspace (see below): every line is typed with its own indentation.
  for (const l of lines) {
    await page.keyboard.press('Enter');
    await page.keyboard.type(l, { delay: 5 });
  }
}

/** Saves the editor until the file on disk matches `expected` (a save can land before the last edit). */
async function savedText(page: Page, file: string, expected: RegExp): Promise<string> {
  let text = '';
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Control+S');
    for (let j = 0; j < 10; j++) {
      text = readFileSync(file, 'utf8');
      if (expected.test(text)) return text;
      await page.waitForTimeout(100);
    }
  }
  assert.match(text, expected);
  return text;
}

for (const theme of ['dark', 'light'] as const) {
  describe(`authoring a pipeline in code-server (${theme})`, { skip, timeout: 300_000 }, () => {
    let session: Session | undefined;
    let file = '';
    before(async () => {
      session = await openSession({ trusted: true, empty: true, theme });
      const ws = session.workspace;
      mkdirSync(join(ws, 'data'), { recursive: true });
      writeFileSync(join(ws, 'data', 'data.csv'), mistakesCsv(300));
      // Typing is literal: no auto-indent and no auto-closing, so the test types exact YAML.
      mkdirSync(join(ws, '.vscode'), { recursive: true });
      writeFileSync(
        join(ws, '.vscode', 'settings.json'),
        // (As `[yaml]` settings: VS Code's YAML defaults would win over plain ones.)
        JSON.stringify({
          '[yaml]': { 'editor.autoIndent': 'none', 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false },
        }),
      );
      file = join(ws, 'demo.pipeline.yaml');
      writeFileSync(file, '');
    });
    after(async () => {
      await session?.close();
    });

    const shot = async (name: string): Promise<void> => {
      const path = await session!.screenshot(`authoring-${name}-${theme}`);
      console.log(`# screenshot: ${path}`);
    };

    const failing = async (name: string, body: () => Promise<void>): Promise<void> => {
      try {
        await body();
      } catch (e) {
        await shot(`failure-${name}`);
        console.log(session?.output().slice(-1500));
        throw e;
      }
    };

    it('completes a new pipeline, a component snippet and a reference, and inserts a missing input by its quick fix', async () => {
      await failing('completion', async () => {
        const page = session!.page;
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').fill('demo.pipeline.yaml');
        await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'demo.pipeline.yaml' }).first().waitFor();
        await page.keyboard.press('Enter');
        await page.locator(`${EDITOR} .view-lines`).click();

        // An empty file: the list offers a whole new pipeline.
        await suggest(page, 'New pipeline', true);
        await shot('new-pipeline');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Escape');
        let text = await savedText(page, file, /^pipeline: demo\n/);
        assert.match(text, /example_gen:\n {4}type: CsvExampleGen\n {4}params:\n {6}input: data\/data\.csv/);

        // Under components: a new component of each type, generated from the registry.
        await page.keyboard.press('Control+End');
        await page.keyboard.press('Shift+Home');
        await page.keyboard.type('  ');
        await suggest(page, 'New Command');
        await shot('component-snippets');
        await page.keyboard.type('Transform');
        await page.locator(`${SUGGEST} .monaco-list-row.focused`, { hasText: 'New Transform' }).waitFor();
        await shot('component-snippet');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Escape');
        text = await savedText(page, file, / {2}transform:\n {4}type: Transform\n {4}inputs:\n {6}examples: example_gen\.examples/);

        // A reference: only the outputs of the artifact type the input takes (Examples).
        await page.keyboard.press('Control+End');
        await typeLines(page, ['  trainer:', '    type: Trainer', '    params: {label: label}', '    inputs:', '      examples: ']);
        await suggest(page, 'transform.transformed_examples');
        const offered = await page.locator(`${SUGGEST} .monaco-list-row`).allInnerTexts();
        assert.ok(offered.some((t) => t.includes('example_gen.examples')), offered.join(' | '));
        assert.ok(!offered.some((t) => /schema_gen\.schema|statistics_gen\.statistics|transform\.transform_graph/.test(t)), `only Examples outputs: ${offered.join(' | ')}`);
        await shot('reference');
        await page.keyboard.type('transformed');
        await page.locator(`${SUGGEST} .monaco-list-row.focused`, { hasText: 'transform.transformed_examples' }).waitFor();
        await page.keyboard.press('Enter');
        text = await savedText(page, file, / {6}examples: transform\.transformed_examples/);

        // A missing required input: the quick fix inserts it, wired to the matching output.
        await typeLines(page, ['  validator:', '    type: ExampleValidator', '    inputs: {statistics: statistics_gen.statistics}']);
        await runCommand(page, 'View: Focus Problems');
        const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'needs input `schema`' }).first();
        await problem.waitFor({ timeout: 30_000 });
        await page.locator(`${EDITOR} .view-lines`).click();
        await page.keyboard.press('Control+End');
        await page.keyboard.press('Home');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Control+.');
        const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Add input `schema: schema_gen.schema`' }).first();
        await fix.waitFor({ timeout: 15_000 });
        await shot('quick-fix');
        // Move the highlight to the fix with the keyboard, as a user would, and apply it.
        for (let i = 0; i < 5 && !(await fix.getAttribute('class'))?.includes('focused'); i++) await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await problem.waitFor({ state: 'detached', timeout: 30_000 });
        text = await savedText(page, file, /inputs: \{statistics: statistics_gen\.statistics, schema: schema_gen\.schema\}/);
        await shot('after-fix');
      });
    });

    it('warns in Problems, on the Transform line, about an id-like column once the data exists', async () => {
      await failing('feature-checks', async () => {
        const page = session!.page;
        // The data arrives from a CLI run on the same folder's database.
        execFileSync(process.execPath, [join(repo, 'dist', 'runtime', 'cli.js'), 'run', file, '--to', 'example_gen'], { cwd: session!.workspace, stdio: 'pipe' });
        // Any edit re-checks the file (as a run finished in VS Code does by itself).
        await page.locator(`${EDITOR} .view-lines`).click();
        await page.keyboard.press('Control+End');
        await page.keyboard.type(' ');
        await runCommand(page, 'View: Focus Problems');
        const warning = page.locator('.markers-panel .monaco-list-row', { hasText: 'Feature `date` looks like an id' }).first();
        await warning.waitFor({ timeout: 60_000 });
        const row = await warning.innerText();
        const lines = readFileSync(file, 'utf8').split('\n');
        const transformLine = lines.findIndex((l) => l === '  transform:') + 1;
        assert.match(row, /(\d+) distinct values in \1 examples \(100%, train split/);
        assert.match(row, new RegExp(`\\[Ln ${transformLine}, Col`), row);
        const all = (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).join('\n');
        assert.match(all, /Feature `region` is constant/);
        assert.match(all, /Feature `outcome` predicts the label `label` perfectly/);
        // `x` (a measurement) and `colour` (unrelated to the label) are fine.
        assert.doesNotMatch(all, /`x`|`colour`/);
        await shot('feature-warnings');
      });
    });
  });
}
