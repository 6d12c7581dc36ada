// A `.pipeline.ts` file in a workspace of its own (no tsconfig, no node_modules), edited in code-server with
// VS Code's built-in TypeScript support: `mlpipe` resolves through the extension's TypeScript server
// plugin, so the one error in Problems is the miswired input, at its line, and not "Cannot find module".
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { e2eSkipReason, openSession, runCommand, type Session } from './codeServer';

const skip = e2eSkipReason();

const MISWIRED = `import { pipeline, CsvExampleGen, StatisticsGen, SchemaGen } from 'mlpipe';

const gen = CsvExampleGen('example_gen', { params: { input: 'data/rows.csv' } });
const stats = StatisticsGen('statistics_gen', { inputs: { examples: gen.outputs.examples } });
const schema = SchemaGen('schema_gen', { inputs: { statistics: stats.outputs.statistics } });
const again = StatisticsGen('statistics_again', { inputs: { examples: schema.outputs.schema } });

export default pipeline('typed', [gen, stats, schema, again]);
`;

describe('TypeScript pipeline authoring in code-server', { skip, timeout: 180_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: true, empty: true });
    mkdirSync(join(session.workspace, 'data'), { recursive: true });
    writeFileSync(join(session.workspace, 'data', 'rows.csv'), 'a,b\n1,2\n');
    writeFileSync(join(session.workspace, 'typed.pipeline.ts'), MISWIRED);
  });
  after(async () => {
    await session?.close();
  });

  it("resolves 'mlpipe' in a user's workspace and reports the wiring error at its line", async () => {
    const page = session!.page;
    try {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill('typed.pipeline.ts');
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'typed.pipeline.ts' }).first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'typed.pipeline.ts' }).waitFor();
      await runCommand(page, 'View: Focus Problems');
      // tsserver starts on the first TS file: allow it time on a loaded 2-core machine.
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /not assignable/ }).first();
      await problem.waitFor({ timeout: 90_000 });
      const text = await problem.innerText();
      assert.match(text, /"Schema"/);
      assert.match(text, /"Examples"/);
      assert.match(text, /\[Ln 6, Col \d+\]/, `the error is on line 6: ${text}`);
      const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
      assert.ok(!rows.some((r) => /Cannot find module/.test(r)), `no unresolved import: ${rows.join(' | ')}`);
      await session!.screenshot('typescript-authoring');
    } catch (e) {
      console.log(`# screenshot of the failure: ${await session!.screenshot('failure-typescript-authoring')}`);
      throw e;
    }
  });
});
