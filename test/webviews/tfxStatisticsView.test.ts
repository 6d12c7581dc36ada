// The statistics panel opened on TFX's own statistics: an Importer registers a folder of binary
// Split-*/FeatureStats.pb files (sparse, as TFDV writes them) from ../shared/fixtures/tfx, the host side
// of the panel resolves it through the real runtime server (`mlpipe serve --stdio`, which decodes the
// protobuf), and the view renders it in Chromium, light and dark.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { resolveStatistics, snapshotFor, type StatisticsSource } from '../../extension/panels/statisticsSources';
import type { PanelDeps } from '../../extension/panelDeps';
import { runPipeline } from '../../runtime/orchestrator/run';
import { MetadataStore } from '../../runtime/metadata/store';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';
import { tempWorkspace, cliPath, type TempWorkspace } from '../runtime/workspaceFixture';
import { chromiumMissing, viewsInChromium } from './webviewHarness';

const skip = chromiumMissing() || skipWithoutFixture('tfx/statistics_gen_Split-train_FeatureStats.pb');

describe('statistics panel on an imported TFX FeatureStats.pb', { skip }, () => {
  const views = viewsInChromium();
  let ws: TempWorkspace;
  let server: ChildProcess;
  let connection: MessageConnection;
  let source: StatisticsSource;

  before(async () => {
    ws = tempWorkspace();
    for (const split of ['train', 'eval']) {
      fs.mkdirSync(path.join(ws.root, 'tfx_stats', `Split-${split}`), { recursive: true });
      fs.copyFileSync(sharedFixture(`tfx/statistics_gen_Split-${split}_FeatureStats.pb`), path.join(ws.root, 'tfx_stats', `Split-${split}`, 'FeatureStats.pb'));
    }
    const file = ws.write('import.pipeline.yaml', 'pipeline: tfx-stats\ncomponents:\n  tfx_statistics:\n    type: Importer\n    params: {source: tfx_stats, artifact_type: ExampleStatistics}\n');
    const r = await runPipeline({ file });
    assert.equal(r.state, 'complete', JSON.stringify(r.steps));
    const store = MetadataStore.open(ws.db, { readonly: true });
    const artifactId = store.execution(r.steps['tfx_statistics']!.executionId!)!.outputs[0]!.artifact.id;
    store.close();

    server = spawn(process.execPath, [cliPath, 'serve', '--stdio'], { cwd: ws.root, stdio: ['pipe', 'pipe', 'inherit'], shell: false });
    connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.listen();
    // The panel's host code with the real runtime client underneath: only `client.request` is used.
    const deps = { client: { request: (method: string, params: unknown) => connection.sendRequest(method, params) } } as unknown as PanelDeps;
    source = await resolveStatistics(deps, { path: ws.db, readonly: true }, artifactId);
  });
  after(() => {
    connection?.dispose();
    server?.kill();
    ws?.dispose();
  });

  it('decodes both splits through the runtime and shows TFDV’s sparse fields: rank histograms, empty numeric stats', async () => {
    assert.deepEqual(Object.keys(source.decoded ?? {}).sort(), ['eval', 'train']);
    const snap = snapshotFor(source, 'train');
    assert.equal(snap.error, undefined);
    assert.equal(snap.main?.dataset.numExamples, 10036);
    assert.equal(snap.main?.dataset.features.length, 18);
    const view = await views.open('statistics');
    await view.send({ type: 'statistics/snapshot', snapshot: snap });
    await view.page.waitForSelector('.row[data-feature="dropoff_latitude"]');
    // Categorical rows are below the numeric ones (the list is virtualised): search brings them up.
    await view.page.locator('#search').click();
    await view.page.keyboard.type('company');
    await view.page.waitForSelector('.row[data-feature="company"]');
    assert.deepEqual(await view.page.$$eval('.row.section', (els) => els.map((e) => e.textContent ?? '')), ['Categorical features (1)']);
    const company = await view.page.textContent('.row[data-feature="company"]');
    assert.match(company ?? '', /Flash Cab|Taxi Affiliation Services|Yellow Cab/, 'the top company from the rank histogram');
    // A numeric feature TFDV left all but empty still gets a row (no histogram, no crash).
    await view.page.locator('#search').click();
    for (let i = 0; i < 'company'.length; i++) await view.page.keyboard.press('Backspace');
    await view.page.keyboard.type('census');
    await view.page.waitForSelector('.row[data-feature="pickup_census_tract"]');
    assert.deepEqual(view.problems, []);
    await view.page.close();
  });

  it('compares train with eval (drift on TFX statistics), and screenshots in light and dark', async () => {
    const snap = snapshotFor(source, 'eval', { source, split: 'train' });
    assert.equal(snap.error, undefined);
    for (const theme of ['light', 'dark'] as const) {
      const view = await views.open('statistics', theme);
      await view.send({ type: 'statistics/snapshot', snapshot: snap });
      await view.page.waitForSelector('.row[data-feature]');
      await view.page.locator('#search').click();
    await view.page.keyboard.type('pay');
      await view.page.waitForSelector('.row[data-feature="payment_type"]');
      const payment = await view.page.textContent('.row[data-feature="payment_type"]');
      assert.match(payment ?? '', /L∞ distance/);
      await view.screenshot(`statistics-tfx-import-${theme}`);
      assert.deepEqual(view.problems, []);
      await view.page.close();
    }
  });
});
