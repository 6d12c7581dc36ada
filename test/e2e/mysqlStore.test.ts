// The penguin sample in a real VS Code (code-server) recording into a MySQL store (a MariaDB started by
// the test), as a team member would set it up: mlpipe.metadataPath set to the mysql:// URL, the password
// typed once into the box VS Code shows (kept in its secret storage, never in settings), Run Pipeline from
// the Pipelines view, a colleague approving from the CLI, and the run in the Runs view, followed there
// through the store's change signature (no file to watch). Dark theme for the run, light for a second
// window that asks for the password again (a new profile) and shows the same run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MysqlTestServer, skipWithoutMariadb } from '../mysqlServer';
import { MetadataStore } from '../../runtime/metadata/store';
import { KFP_PIPELINE, kfpRunSql } from '../runtime/kfpMlmdFixture';
import { runCommand } from './codeServer';
import { e2eSkipReason, openSession, repo, type Session } from './codeServer';

const skip = e2eSkipReason() ?? skipWithoutMariadb();
const PIPELINES_VIEW = '.pane:has(.pane-header[aria-label^="Pipelines"])';
const RUNS_ROWS = '.pane:has(.pane-header[aria-label^="Runs"]) .monaco-list-row';

async function openMlPipelinesView(page: Page): Promise<void> {
  if (await page.locator(PIPELINES_VIEW).isVisible()) return;
  await page.locator('.activitybar .action-item a[aria-label^="ML Pipelines"], .activitybar .action-item[aria-label^="ML Pipelines"]').first().click();
  await page.locator(PIPELINES_VIEW).waitFor({ timeout: 30_000 });
}

function treeRow(page: Page, text: string) {
  return page.locator(`${PIPELINES_VIEW} .monaco-list-row`, { hasText: text }).first();
}

/** Points the folder at the store (as the Settings editor writes it) and types the password VS Code asks for. */
async function useStore(session: Session, url: string, password: string, theme: 'dark' | 'light'): Promise<void> {
  mkdirSync(join(session.workspace, '.vscode'), { recursive: true });
  writeFileSync(join(session.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'mlpipe.metadataPath': url }, null, 2));
  const page = session.page;
  await openMlPipelinesView(page);
  const box = page.locator('.quick-input-widget', { hasText: 'metadata store password' });
  await box.waitFor({ state: 'visible', timeout: 60_000 });
  const input = box.locator('input');
  assert.equal(await input.getAttribute('type'), 'password', 'the password is typed into a password box');
  await input.fill(password);
  await session.screenshot(`mysql-password-box-${theme}`);
  await page.keyboard.press('Enter');
  await box.waitFor({ state: 'hidden' });
}

async function step(session: Session | undefined, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (session) {
      const toasts = await session.page.locator('.notifications-toasts .notification-toast').allInnerTexts().catch(() => []);
      if (toasts.length) console.log(`# notifications: ${toasts.join(' | ')}`);
      console.log(`# screenshot of the failure: ${await session.screenshot(`failure-mysql-${name}`)}`);
      console.log(session.output().slice(-2000));
    }
    throw e;
  }
}

describe('VS Code on a MySQL metadata store', { skip, timeout: 600_000 }, () => {
  let server: MysqlTestServer;
  let url: string;
  let database: string;
  let session: Session | undefined;
  before(async () => {
    server = await MysqlTestServer.start();
    const location = server.newDatabase('vscode');
    database = location.database;
    url = server.url(location);
  });
  after(async () => {
    await session?.close();
    await server?.stop();
  });

  it('runs the penguin sample into the store named by mlpipe.metadataPath, asking for the password once', async () => {
    session = await openSession({ trusted: true, sample: 'penguin', theme: 'dark' });
    await step(session, 'run', async () => {
      const page = session!.page;
      await useStore(session!, url, server.password, 'dark');
      await treeRow(page, 'penguin').waitFor({ timeout: 60_000 });
      await treeRow(page, 'example_gen').waitFor({ timeout: 60_000 });
      await page.waitForTimeout(1000);
      await treeRow(page, 'penguin').hover();
      await treeRow(page, 'penguin').locator('.action-label[aria-label^="Run Pipeline"]').click();
      // A colleague approves from the CLI once the HumanApproval step waits (found in the store itself).
      const cli = join(repo, 'dist', 'runtime', 'cli.js');
      let waiting: number | undefined;
      for (let i = 0; i < 240 && waiting === undefined; i++) {
        await page.waitForTimeout(1000);
        const rows = (await server.asRoot(
          (c) => c.query("SELECT e.id FROM `Execution` e JOIN `ExecutionProperty` p ON p.execution_id = e.id WHERE p.name = '__approval_state__' AND p.string_value = 'waiting' AND e.last_known_state = 2"),
          database,
        ).catch(() => [[]])) as unknown as [Array<{ id: number }>];
        waiting = rows[0]?.[0]?.id;
      }
      assert.ok(waiting, 'the run reached the approval step');
      await session!.screenshot('mysql-run-waiting-dark');
      const out = execFileSync(process.execPath, [cli, 'approve', String(waiting), '--approve', '--by', 'colleague', '--db', url], { env: { ...process.env, MYSQL_PWD: server.password }, encoding: 'utf8' });
      assert.match(out, /approved by colleague/);
      // The Runs view shows the run, complete, without a reload (the store's change signature is polled).
      await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((r) => /penguin ·/.test(r.textContent ?? '')), RUNS_ROWS, { timeout: 120_000 });
      const run = page.locator(RUNS_ROWS, { hasText: 'penguin ·' }).first();
      await run.click();
      await page.locator(RUNS_ROWS, { hasText: 'pusher' }).first().waitFor({ timeout: 30_000 });
      await session!.screenshot('mysql-runs-view-dark');
      // The password is in no settings file.
      for (const f of [join(session!.workspace, '.vscode', 'settings.json'), join(session!.userDataDir, 'User', 'settings.json')]) {
        assert.ok(!readFileSync(f, 'utf8').includes(server.password), `${f} holds no password`);
      }
      // The run is in the store, not in a SQLite file of the workspace.
      const runs = execFileSync(process.execPath, [cli, 'runs', '--db', url, '--json'], { env: { ...process.env, MYSQL_PWD: server.password }, encoding: 'utf8' });
      assert.equal((JSON.parse(runs) as { total: number }).total, 1);
    });
  });

  it('a new window (light theme) asks for the password again and shows the same run', async () => {
    await session?.close();
    session = await openSession({ trusted: true, sample: 'penguin', theme: 'light' });
    await step(session, 'light', async () => {
      const page = session!.page;
      await useStore(session!, url, server.password, 'light');
      const runShown = (): Promise<unknown> => page.waitForFunction((sel) => [...document.querySelectorAll(sel)].some((r) => /penguin ·/.test(r.textContent ?? '')), RUNS_ROWS, { timeout: 30_000 });
      // In one clean CI run the Runs view stayed on "No runs yet" here while the Pipelines view showed the
      // store's states (issue 14, open): say so, then check the run is there after ML Pipelines: Refresh.
      if (!(await runShown().then(() => true, () => false))) {
        console.log('# the Runs view did not show the run by itself after the password was given; running ML Pipelines: Refresh');
        await runCommand(page, 'ML Pipelines: Refresh');
        await runShown();
      }
      await page.locator(RUNS_ROWS, { hasText: 'penguin ·' }).first().click();
      await page.locator(RUNS_ROWS, { hasText: 'trainer' }).first().waitFor({ timeout: 30_000 });
      await session!.screenshot('mysql-runs-view-light');
    });
  });

  it("a Kubeflow cluster's store opens read-only from the palette: its run, tasks and minio:// artifacts show", async () => {
    await step(session, 'kfp', async () => {
      const page = session!.page;
      const kfp = server.newDatabase('metadb');
      MetadataStore.open(kfp).close();
      await server.asRoot((c) => c.query(kfpRunSql().sql), kfp.database);
      await server.asRoot((c) => c.query(`CREATE USER 'kfpview'@'%' IDENTIFIED BY 'view-pw'; GRANT SELECT ON \`${kfp.database}\`.* TO 'kfpview'@'%'`));
      const kfpUrl = `mysql://kfpview@${server.host}:${server.port}/${kfp.database}`;
      await runCommand(page, 'ML Pipelines: Open ML Metadata Store on a Server (Read-only)...');
      const urlBox = page.locator('.quick-input-widget', { hasText: 'on a server (read-only)' });
      await urlBox.waitFor({ state: 'visible' });
      await urlBox.locator('input').fill(kfpUrl);
      await page.keyboard.press('Enter');
      const box = page.locator('.quick-input-widget', { hasText: 'metadata store password' });
      await box.waitFor({ state: 'visible', timeout: 30_000 });
      await box.locator('input').fill('view-pw');
      await page.keyboard.press('Enter');
      const source = page.locator(RUNS_ROWS, { hasText: kfp.database }).first();
      await source.waitFor({ timeout: 30_000 });
      assert.match(await source.innerText(), /read-only/);
      const run = page.locator(RUNS_ROWS, { hasText: `${KFP_PIPELINE} ·` }).first();
      await run.waitFor({ timeout: 30_000 });
      await run.click();
      const train = page.locator(RUNS_ROWS, { hasText: 'train-model' }).first();
      await train.waitFor({ timeout: 30_000 });
      await train.click();
      await page.locator(RUNS_ROWS, { hasText: 'system.Model' }).first().waitFor({ timeout: 30_000 });
      await page.locator(RUNS_ROWS, { hasText: 'system.Model' }).first().hover();
      await page.waitForTimeout(1200);
      await session!.screenshot('mysql-kfp-runs-view-light');
    });
  });
});
