// The extension in a real VS Code (code-server 4.100.3 in Chromium), used the way a user would: the
// pipeline appears in the tree, a step runs from CodeLens and its state changes, its log opens, a bad
// edit shows in Problems and goes away once fixed, and Restricted Mode offers no way to run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { currentUser } from '../../extension/currentUser';
import { MetadataStore } from '../../runtime/metadata/store';
import { e2eSkipReason, openSession, repo, runCommand, type Session } from './codeServer';
import { sharedFixture } from '../sharedFixtures';

const skip = e2eSkipReason();
const MLMD_FIXTURE = sharedFixture('mlmd/mlmd-v8-getting-started.db');
if (skip) console.log(`# e2e tests skipped: ${skip}`);

const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor .view-lines';
const PIPELINES_VIEW = '.pane:has(.pane-header[aria-label^="Pipelines"])';

async function openMlPipelinesView(page: Page): Promise<void> {
  // Clicking the activity bar item of the visible container would hide the side bar.
  if (await page.locator(PIPELINES_VIEW).isVisible()) return;
  await page.locator('.activitybar .action-item a[aria-label^="ML Pipelines"], .activitybar .action-item[aria-label^="ML Pipelines"]').first().click();
  await page.locator(PIPELINES_VIEW).waitFor({ timeout: 30_000 });
}

function treeRow(page: Page, text: string) {
  return page.locator(`${PIPELINES_VIEW} .monaco-list-row`, { hasText: text }).first();
}

/** Waits until the Pipelines view stops changing (rows load lazily and move while they do). */
async function treeSettled(page: Page): Promise<void> {
  let last = '';
  for (let i = 0; i < 50; i++) {
    const now = (await page.locator(`${PIPELINES_VIEW} .monaco-list-row`).allInnerTexts()).join('|');
    if (now === last) return;
    last = now;
    await page.waitForTimeout(300);
  }
}

/** Clicks a pipeline's inline "Run Pipeline" button in the Pipelines view, once the tree is still. */
async function runFromTree(page: Page, pipeline: string, firstStep: string): Promise<void> {
  await treeRow(page, pipeline).waitFor({ timeout: 30_000 });
  await treeRow(page, firstStep).waitFor({ timeout: 30_000 });
  await treeSettled(page);
  await treeRow(page, pipeline).hover();
  await treeRow(page, pipeline).locator('.action-label[aria-label^="Run Pipeline"]').click();
}

/** Runs one test step; on failure keeps a screenshot of what a user would have seen. */
async function step(session: Session | undefined, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (session) {
      const toasts = await session.page.locator('.notifications-toasts .notification-toast').allInnerTexts().catch(() => []);
      if (toasts.length) console.log(`# notifications: ${toasts.join(' | ')}`);
      const shot = await session.screenshot(`failure-${name}`);
      console.log(`# screenshot of the failure: ${shot}`);
      console.log(session.output().slice(-2000));
    }
    throw e;
  }
}

async function openPipelineFile(page: Page): Promise<void> {
  const tab = page.locator('.tab', { hasText: 'basic.pipeline.yaml' });
  if ((await tab.count()) > 0) {
    await tab.first().click();
    await page.locator('.tab.active', { hasText: 'basic.pipeline.yaml' }).waitFor();
    await page.locator(ACTIVE_EDITOR).waitFor();
    return;
  }
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('basic.pipeline.yaml');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'basic.pipeline.yaml' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: 'basic.pipeline.yaml' }).waitFor();
  await page.locator(ACTIVE_EDITOR).waitFor();
}

/** Clicks a step in the Pipelines view until its file is the active editor (a click that lands while
 * the tree repaints after a state change is lost, as it would be for a user). */
async function revealFromTree(page: Page, id: string): Promise<void> {
  const tab = page.locator('.tab.active', { hasText: 'basic.pipeline.yaml' });
  for (let attempt = 0; attempt < 3; attempt++) {
    await treeRow(page, id).click();
    try {
      await tab.waitFor({ timeout: 5_000 });
      return;
    } catch {
      // Try again.
    }
  }
  await tab.waitFor({ timeout: 5_000 });
}

/** Places the cursor at the end of a 1-based line with Ctrl+G. */
async function goToLineEnd(page: Page, line: number): Promise<void> {
  await page.locator(ACTIVE_EDITOR).click();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
}

describe('the extension in code-server, trusted workspace', { skip, timeout: 240_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: true });
  });
  after(async () => {
    // Any error notification left over is a bug somewhere, even if no assertion caught it.
    const toasts = (await session?.page.locator('.notifications-toasts .notification-toast').allInnerTexts().catch(() => [])) ?? [];
    if (toasts.length) console.log(`# notifications at the end: ${toasts.join(' | ')}`);
    await session?.close();
  });

  it('shows the sample pipeline and its steps in the ML Pipelines view', async () => {
    await step(session, 'tree', async () => {
      const page = session!.page;
      await openMlPipelinesView(page);
      await treeRow(page, 'basic').waitFor({ timeout: 30_000 });
      for (const id of ['prepare', 'count', 'report']) await treeRow(page, id).waitFor();
      assert.match(await treeRow(page, 'count').innerText(), /Command/);
    });
  });

  it('runs a step from CodeLens and shows its new state in CodeLens and in the tree', async () => {
    await step(session, 'run-step', async () => {
      const page = session!.page;
      await openPipelineFile(page);
      const runStep = page.locator('.contentWidgets .codelens-decoration a, .codelens-decoration a', { hasText: 'Run step' }).first();
      await runStep.waitFor({ timeout: 30_000 });
      assert.match(await treeRow(page, 'prepare').innerText(), /never run/);
      await runStep.click();
      await page.locator('.codelens-decoration a', { hasText: /^complete · / }).first().waitFor({ timeout: 60_000 });
      await page.waitForFunction(
        (sel) => [...document.querySelectorAll(sel)].some((r) => /prepare/.test(r.textContent ?? '') && /complete/.test(r.textContent ?? '')),
        `${PIPELINES_VIEW} .monaco-list-row`,
        { timeout: 30_000 },
      );
      assert.match(await treeRow(page, 'count').innerText(), /never run/, 'only the one step ran');
      // The step's output streamed into the "ML Pipelines" output channel.
      await runCommand(page, 'ML Pipelines: Show Output');
      await page.locator('.output-view .view-line', { hasText: /\[basic\/prepare#\d+\]\swrote\s30\srows/ }).first().waitFor({ timeout: 15_000 });
    });
  });

  it('opens the step log from its state', async () => {
    await step(session, 'open-log', async () => {
      const page = session!.page;
      await page.locator('.codelens-decoration a', { hasText: /^complete · / }).first().click();
      // Named for what it is: <pipeline>/<step> #<execution id>.
      const tab = page.locator('.tab', { hasText: /^basic\u2215prepare #\d+/ });
      await tab.waitFor({ timeout: 30_000 });
      await page.locator('.monaco-editor .view-lines', { hasText: 'wrote 30 rows' }).first().waitFor({ timeout: 15_000 });
    });
  });

  it('reports a failed step with "Open log" and "Re-run", and the log says why', async () => {
    await step(session, 'failed-step', async () => {
      const page = session!.page;
      const script = `${session!.workspace}/steps/prepare.js`;
      const original = readFileSync(script, 'utf8');
      writeFileSync(script, 'console.error("the input folder is empty"); process.exit(3);\n');
      try {
        await openPipelineFile(page);
        await page.locator('.codelens-decoration a', { hasText: 'Re-run without cache' }).first().click();
        const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /step "prepare" of basic failed/ });
        await toast.waitFor({ timeout: 60_000 });
        await toast.locator('.monaco-button', { hasText: 'Re-run' }).waitFor();
        await toast.locator('.monaco-button', { hasText: 'Open log' }).click();
        await page.locator('.tab.active', { hasText: /^basic\u2215prepare #\d+/ }).waitFor({ timeout: 30_000 });
        await page.locator(ACTIVE_EDITOR, { hasText: 'the input folder is empty' }).waitFor({ timeout: 15_000 });
        await page.waitForFunction(
          (sel) => [...document.querySelectorAll(sel)].some((r) => /prepare/.test(r.textContent ?? '') && /failed/.test(r.textContent ?? '')),
          `${PIPELINES_VIEW} .monaco-list-row`,
          { timeout: 30_000 },
        );
      } finally {
        writeFileSync(script, original);
      }
    });
  });

  it('shows a bad edit in Problems at its line, and removes it once fixed', async () => {
    await step(session, 'problems', async () => {
      const page = session!.page;
      // Clicking a step in the tree reveals it in its file.
      await revealFromTree(page, 'count');
      const text = readFileSync(`${session!.workspace}/basic.pipeline.yaml`, 'utf8').split('\n');
      const line = text.findIndex((l, i) => l.trim() === 'type: Command' && text[i - 1]?.trim() === 'count:') + 1;
      assert.ok(line > 0);
      await goToLineEnd(page, line);
      for (let i = 0; i < 'Command'.length; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type('Comand');
      await runCommand(page, 'View: Focus Problems');
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Comand' }).first();
      await problem.waitFor({ timeout: 30_000 });
      assert.match(await problem.innerText(), new RegExp(`\\[Ln ${line}, Col`));
      // Fix it with the quick fix the runtime suggests, as a user would with Ctrl+.
      await goToLineEnd(page, line);
      await page.keyboard.press('Home');
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Control+.');
      const fix = page.locator('.action-widget .monaco-list-row.focused', { hasText: 'Change to `Command`' }).first();
      await fix.waitFor({ state: 'attached', timeout: 15_000 });
      await page.keyboard.press('Enter');
      await problem.waitFor({ state: 'detached', timeout: 30_000 });
      // No validation problem is left ("ML Pipelines(<code>)"). An earlier test's failed run stays listed
      // ("ML Pipelines run(failed:prepare)") until that step runs again: that one is not the file's fault.
      await page.waitForFunction(
        () => {
          const panel = document.querySelector('.markers-panel');
          if (!panel) return false;
          return ![...panel.querySelectorAll('.monaco-list-row')].some((row) => /ML Pipelines\(/.test(row.textContent ?? ''));
        },
        undefined,
        { timeout: 30_000 },
      );
      await page.keyboard.press('Control+S');
      const onDisk = (): string | undefined => readFileSync(`${session!.workspace}/basic.pipeline.yaml`, 'utf8').split('\n')[line - 1]?.trim();
      for (let i = 0; i < 100 && onDisk() !== 'type: Command'; i++) await page.waitForTimeout(100);
      assert.equal(onDisk(), 'type: Command', 'the quick fix edits the file');
    });
  });

  it('checks pipeline files that are not open, and forgets a deleted one', async () => {
    await step(session, 'deleted-file', async () => {
      const page = session!.page;
      const broken = join(session!.workspace, 'broken.pipeline.yaml');
      writeFileSync(broken, ['pipeline: broken', 'components:', '  stats:', '    type: StatisticGen', ''].join('\n'));
      await openMlPipelinesView(page);
      await treeRow(page, 'broken').waitFor({ timeout: 30_000 });
      await runCommand(page, 'View: Focus Problems');
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'StatisticGen' }).first();
      await problem.waitFor({ timeout: 30_000 });
      rmSync(broken);
      await problem.waitFor({ state: 'detached', timeout: 30_000 });
      await treeRow(page, 'broken').waitFor({ state: 'detached', timeout: 30_000 });
    });
  });

  it('shows the registry docs when hovering a component type', async () => {
    await step(session, 'hover', async () => {
      const page = session!.page;
      await openPipelineFile(page);
      const text = readFileSync(`${session!.workspace}/basic.pipeline.yaml`, 'utf8').split('\n');
      await goToLineEnd(page, text.findIndex((l) => l.trim() === 'type: Command') + 1);
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      await page.locator('.monaco-hover', { hasText: 'without a shell' }).first().waitFor({ timeout: 15_000 });
      await page.keyboard.press('Escape');
    });
  });

  it('asks for approval of a waiting HumanApproval step and records the decision with the user', async () => {
    await step(session, 'approval', async () => {
      const page = session!.page;
      const file = join(session!.workspace, 'signoff.pipeline.yaml');
      writeFileSync(
        file,
        [
          'pipeline: signoff',
          'components:',
          '  train:',
          '    type: Command',
          '    params:',
          '      command: [node, -e, "require(\'fs\').writeFileSync(process.argv[1] + \'/model.txt\', \'m\')", "{{outputs.model}}"]',
          '    outputs: {model: Model}',
          '  approval:',
          '    type: HumanApproval',
          '    inputs: {model: train.model}',
          '    params: {instructions: Check the model before shipping.}',
          '',
        ].join('\n'),
      );
      // The new file shows up in the tree by itself (file watcher).
      await treeRow(page, 'signoff').waitFor({ timeout: 30_000 });
      const tab = page.locator('.tab.active', { hasText: 'signoff.pipeline.yaml' });
      for (let attempt = 0; attempt < 3 && !(await tab.count()); attempt++) {
        await treeRow(page, 'train').click();
        await tab.waitFor({ timeout: 5_000 }).catch(() => undefined);
      }
      await page.locator('.codelens-decoration a', { hasText: 'Run pipeline' }).first().click();
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /"approval" of signoff waits for your approval: .*Check the model/ });
      await toast.waitFor({ timeout: 60_000 });
      await page.waitForFunction(
        (sel) => [...document.querySelectorAll(sel)].some((r) => /approval/.test(r.textContent ?? '') && /waiting for approval/.test(r.textContent ?? '')),
        `${PIPELINES_VIEW} .monaco-list-row`,
        { timeout: 15_000 },
      );
      // The notification stays until the decision: its links answer it.
      await toast.locator('a', { hasText: 'Reject' }).waitFor();
      await toast.locator('a', { hasText: 'Approve' }).click();
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill('Looks right to me.');
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        (sel) => [...document.querySelectorAll(sel)].some((r) => /approval/.test(r.textContent ?? '') && /HumanApproval · approved by .*: Looks right to me\./.test(r.textContent ?? '')),
        `${PIPELINES_VIEW} .monaco-list-row`,
        { timeout: 30_000 },
      );
      const store = MetadataStore.open(join(session!.workspace, '.mlpipe', 'metadata.sqlite'), { readonly: true });
      try {
        const approval = store.latestNodeOutputs('signoff', 'approval')?.['approval']?.[0];
        assert.equal(approval?.customProperties['decision'], 'approved');
        assert.equal(approval?.customProperties['comment'], 'Looks right to me.');
        assert.equal(approval?.customProperties['approved_by'], await currentUser(session!.workspace));
      } finally {
        store.close();
      }
    });
  });

  it('shows a running pipeline in the status bar and cancels it from the notification', async () => {
    await step(session, 'cancel', async () => {
      const page = session!.page;
      writeFileSync(
        join(session!.workspace, 'slow.pipeline.yaml'),
        ['pipeline: slow', 'components:', '  wait:', '    type: Command', '    params:', '      command: [node, -e, "setTimeout(() => {}, 60000)"]', ''].join('\n'),
      );
      await runFromTree(page, 'slow', 'wait');
      await page.locator('.statusbar-item', { hasText: /slow 0\/1/ }).waitFor({ timeout: 30_000 });
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Running slow' });
      await toast.waitFor({ timeout: 30_000 });
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await page.waitForFunction(
        (sel) => [...document.querySelectorAll(sel)].some((r) => /wait/.test(r.textContent ?? '') && /canceled/.test(r.textContent ?? '')),
        `${PIPELINES_VIEW} .monaco-list-row`,
        { timeout: 30_000 },
      );
      await page.locator('.statusbar-item', { hasText: /slow 0\/1/ }).waitFor({ state: 'detached', timeout: 15_000 });
    });
  });

  it('opens an ML Metadata database read-only and lists its runs', { skip: existsSync(MLMD_FIXTURE) ? false : `${MLMD_FIXTURE} is absent` }, async () => {
    await step(session, 'open-database', async () => {
      const page = session!.page;
      const copy = join(session!.workspace, 'tfx-metadata.db');
      copyFileSync(MLMD_FIXTURE, copy);
      const before = readFileSync(copy);
      await openMlPipelinesView(page);
      await runCommand(page, 'ML Pipelines: Open ML Metadata Database (Read-only)...');
      // code-server's file dialog is a quick input that takes a path.
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      // The dialog fills in the workspace folder once it is ready; type the path after that.
      for (let i = 0; i < 50 && !(await input.inputValue()).startsWith('/'); i++) await page.waitForTimeout(100);
      for (let i = 0; i < 5 && (await input.inputValue()) !== copy; i++) {
        await input.fill(copy);
        await page.waitForTimeout(300);
      }
      await page.keyboard.press('Enter');
      const source = page.locator('.pane:has(.pane-header[aria-label^="Runs"]) .monaco-list-row', { hasText: 'tfx-metadata.db' }).first();
      await source.waitFor({ timeout: 30_000 });
      assert.match(await source.innerText(), /read-only/);
      assert.ok(readFileSync(copy).equals(before), 'the database is not modified');
    });
  });

  it('activates in under 50 ms, without loading a native module in the extension host', async () => {
    await step(session, 'activation', async () => {
      // The extension reports its own figure (bundle evaluation + activate()), measured with
      // performance.now() from the first statement of its bundle.
      const line = session!.console().find((l) => /activated in [\d.]+ ms/.test(l));
      assert.ok(line, 'the extension reported its activation time');
      const wall = Number(/activated in ([\d.]+) ms/.exec(line)![1]);
      const cpu = Number(/CPU ([\d.]+) ms/.exec(line)![1]);
      console.log(`# ${line.replace(/%c|color: \w*/g, '').trim()}`);
      // CPU time is the extension's own cost; wall time also counts waiting for a core when other
      // processes keep this machine's two cores busy (seen: 15 to 190 ms for the same 15 ms of CPU),
      // so it only gets a sanity bound.
      assert.ok(cpu < 50, `activation used ${cpu} ms of CPU`);
      assert.ok(wall < 1000, `activation took ${wall} ms`);
      // The extension host process, as code-server reports it, has mapped none of the runtime's
      // native modules (they load only in the runtime process).
      const pids = [...session!.output().matchAll(/<(\d+)> Launched Extension Host Process/g)].map((m) => m[1]!);
      assert.ok(pids.length > 0, 'code-server names its extension host process');
      const maps = readFileSync(`/proc/${pids.at(-1)}/maps`, 'utf8');
      assert.doesNotMatch(maps, /better_sqlite3\.node|duckdb[^/\n]*\.node|tfjs[^\n]*\.node/);
    });
  });
});

describe('the extension in code-server, Restricted Mode', { skip, timeout: 180_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: false });
    const page = session.page;
    // The trust dialog opens first: answer it like a careful user.
    const dontTrust = page.locator('.monaco-dialog-box .monaco-button', { hasText: /No, I don't trust/ });
    await dontTrust.waitFor({ timeout: 30_000 });
    await dontTrust.click();
  });
  after(async () => {
    await session?.close();
  });

  it('still lists the pipeline and checks the file, but offers no run action', async () => {
    await step(session, 'restricted', async () => {
      const page = session!.page;
      await openMlPipelinesView(page);
      await treeRow(page, 'prepare').waitFor({ timeout: 30_000 });
      await openPipelineFile(page);
      await page.locator('.codelens-decoration a', { hasText: 'DAG preview' }).first().waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('.codelens-decoration a', { hasText: /Run (step|pipeline)|Run from here|Re-run/ }).count(), 0);
      assert.equal(await page.locator('.editor-actions [aria-label^="Run Pipeline"]').count(), 0, 'no run button in the editor title');
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>ML Pipelines: Run');
      await page.waitForTimeout(500);
      const offered = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      assert.ok(!offered.some((t) => /Run Pipeline|Run Step|Run From Here/.test(t)), `the palette offers: ${offered.join(' | ')}`);
      await page.keyboard.press('Escape');
    });
  });

  it('opens the DAG preview beside the file', async () => {
    await step(session, 'restricted-dag', async () => {
      const page = session!.page;
      await page.locator('.codelens-decoration a', { hasText: 'DAG preview' }).first().click();
      const dag = page.frameLocator('iframe.webview').last().frameLocator('#active-frame');
      for (const id of ['prepare', 'count', 'report']) await dag.getByText(id, { exact: true }).first().waitFor({ timeout: 30_000 });
    });
  });
});

describe('the extension in code-server, multi-root workspace', { skip, timeout: 180_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: true, roots: ['alpha', 'beta'] });
  });
  after(async () => {
    await session?.close();
  });

  it('lists the pipelines of every folder and records each run in its own folder', async () => {
    await step(session, 'multi-root', async () => {
      const page = session!.page;
      const beta = join(session!.workspace, 'beta', 'basic.pipeline.yaml');
      writeFileSync(beta, readFileSync(beta, 'utf8').replace('pipeline: basic', 'pipeline: basic_beta'));
      await openMlPipelinesView(page);
      await treeRow(page, 'basic_beta').waitFor({ timeout: 30_000 });
      assert.match(await treeRow(page, 'basic_beta').innerText(), /beta/);
      await page.locator(`${PIPELINES_VIEW} .monaco-list-row`, { hasText: 'alpha/basic.pipeline.yaml' }).first().waitFor();
      const runs = '.pane:has(.pane-header[aria-label^="Runs"]) .monaco-list-row';
      for (const folder of ['alpha', 'beta']) await page.locator(runs, { hasText: folder }).first().waitFor({ timeout: 15_000 });
      await runFromTree(page, 'basic_beta', 'report');
      await page.waitForFunction(
        (sel) => [...document.querySelectorAll(sel)].some((r) => /basic_beta ·/.test(r.textContent ?? '')),
        runs,
        { timeout: 60_000 },
      );
      assert.ok(existsSync(join(session!.workspace, 'beta', '.mlpipe', 'metadata.sqlite')), "beta's run is in beta's database");
      assert.ok(!existsSync(join(session!.workspace, 'alpha', '.mlpipe')), 'alpha is untouched');
    });
  });
});

describe('the extension in code-server, empty workspace', { skip, timeout: 180_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: true, empty: true });
  });
  after(async () => {
    await session?.close();
  });

  it('welcomes with a button that creates the sample workspace', async () => {
    await step(session, 'welcome', async () => {
      const page = session!.page;
      await openMlPipelinesView(page);
      const button = page.locator(`${PIPELINES_VIEW} .welcome-view-content .monaco-button`, { hasText: 'Create sample workspace' });
      await button.waitFor({ timeout: 30_000 });
      await button.click();
      await page.locator('.tab.active', { hasText: 'basic.pipeline.yaml' }).waitFor({ timeout: 30_000 });
      for (const id of ['prepare', 'count', 'report']) await treeRow(page, id).waitFor({ timeout: 30_000 });
      assert.ok(existsSync(join(session!.workspace, 'basic', 'steps', 'prepare.js')));
    });
  });
});

describe('the extension in code-server, data validation', { skip, timeout: 180_000 }, () => {
  let session: Session | undefined;
  before(async () => {
    session = await openSession({ trusted: true });
    // A curated schema, inferred by a headless run on the full data; the workspace's data then loses a column.
    const ws = session.workspace;
    const csv = readFileSync(join(repo, 'samples', 'penguin', 'data', 'penguins.csv'), 'utf8');
    mkdirSync(join(ws, 'data'), { recursive: true });
    writeFileSync(join(ws, 'data', 'penguins.csv'), csv);
    const head = ['components:', '  example_gen:', '    type: CsvExampleGen', '    params: {input: data/penguins.csv}', '  statistics_gen:', '    type: StatisticsGen', '    inputs: {examples: example_gen.examples}'];
    const infer = join(ws, 'infer.pipeline.yaml');
    writeFileSync(infer, ['pipeline: infer', ...head, '  schema_gen:', '    type: SchemaGen', '    inputs: {statistics: statistics_gen.statistics}', ''].join('\n'));
    execFileSync(process.execPath, [join(repo, 'dist', 'runtime', 'cli.js'), 'run', infer], { cwd: ws, stdio: 'pipe' });
    const schemaDir = join(ws, '.mlpipe', 'artifacts', 'infer', 'schema_gen', 'schema');
    mkdirSync(join(ws, 'schema'), { recursive: true });
    copyFileSync(join(schemaDir, readdirSync(schemaDir)[0]!, 'schema.json'), join(ws, 'schema', 'schema.json'));
    rmSync(infer);
    writeFileSync(join(ws, 'data', 'penguins.csv'), csv.split('\n').map((l) => l.split(',').slice(0, -1).join(',')).join('\n'));
    writeFileSync(
      join(ws, 'checked.pipeline.yaml'),
      ['pipeline: checked', ...head, '  curated_schema:', '    type: SchemaImporter', '    params: {schema: schema/schema.json}', '  example_validator:', '    type: ExampleValidator', '    inputs: {statistics: statistics_gen.statistics, schema: curated_schema.schema}', ''].join('\n'),
    );
  });
  after(async () => {
    await session?.close();
  });

  it("shows the validator's anomalies in Problems on its line, naming the feature", async () => {
    await step(session, 'anomalies', async () => {
      const page = session!.page;
      await openMlPipelinesView(page);
      await runFromTree(page, 'checked', 'example_validator');
      await runCommand(page, 'View: Focus Problems');
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /example_validator: Sex .*SCHEMA_MISSING_COLUMN/ }).first();
      await problem.waitFor({ timeout: 90_000 });
      const line = readFileSync(join(session!.workspace, 'checked.pipeline.yaml'), 'utf8').split('\n').findIndex((l) => l.trim() === 'example_validator:') + 1;
      assert.match(await problem.innerText(), new RegExp(`\\[Ln ${line}, Col`));
    });
  });
});
