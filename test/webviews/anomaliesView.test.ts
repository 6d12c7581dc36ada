// The anomalies view in headless Chromium: per split and feature the severity, TFDV's type and the
// measured sentence; the feature link and "Accept into schema" post their messages; hostile feature
// names and values are text. Light and dark screenshots go to test-results/screenshots/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumMissing, viewsInChromium } from './webviewHarness';
import type { AnomaliesSnapshot } from '../../webviews/protocol';

const HOSTILE = '<img src=x onerror=alert(1)>';

const snapshot: AnomaliesSnapshot = {
  label: 'anomalies #41',
  artifactId: 41,
  uri: '/ws/.mlpipe/artifacts/penguin/example_validator/anomalies/40',
  pipeline: 'penguin',
  step: 'example_validator',
  runName: '2026-12-01T12:00:00Z',
  executionId: 40,
  failed: true,
  failOn: 'error',
  splits: ['train', 'eval'],
  statisticsArtifactId: 12,
  schemaFile: '/ws/schema/schema.pbtxt',
  schemaSource: 'schema/schema.pbtxt',
  canEdit: true,
  rows: [
    {
      split: 'eval',
      feature: 'island',
      type: 'ENUM_TYPE_UNEXPECTED_STRING_VALUES',
      severity: 'ERROR',
      description: 'Examples contain values missing from the schema: "Atlantis" (12).',
      measurements: { unexpected_values: 2, fraction: 0.16, min_domain_mass: 1 },
      unexpectedValues: [{ value: 'Atlantis', count: 12 }, { value: HOSTILE, count: 1 }],
      accept: 'Add "Atlantis", "<img src=x onerror=alert(1)>" to the domain of island',
    },
    {
      split: 'eval',
      feature: 'body_mass_g',
      type: 'FEATURE_TYPE_LOW_FRACTION_PRESENT',
      severity: 'ERROR',
      description: 'The feature was present in fewer examples than expected: minimum fraction = 1, actual = 0.973333.',
      measurements: { min_fraction: 1, actual_fraction: 0.973333, num_missing: 2, num_examples: 75 },
      accept: 'Lower the presence body_mass_g needs to 0.97 (min_fraction)',
    },
    { split: 'eval', feature: HOSTILE, type: 'SCHEMA_NEW_COLUMN', severity: 'WARNING', description: 'New column (column in data but not in schema).', acceptNote: 'a new column is added to a curated schema by hand' },
  ],
};

const skip = chromiumMissing();
describe('anomalies view', { skip }, () => {
  const views = viewsInChromium();

  it('lists each split with what was measured, and posts the feature link and the accept', async () => {
    const view = await views.open('anomalies');
    await view.send({ type: 'anomalies/snapshot', snapshot });
    const page = view.page;
    await page.waitForSelector('tr.anomaly-row');
    assert.match((await page.textContent('#verdict')) ?? '', /^example_validator found 3 anomalies in eval: island: 2 values not in the schema's domain: "Atlantis" in 12 examples/);
    assert.match((await page.textContent('#verdict')) ?? '', /stopped the pipeline \(fail_on: error\); the anomalies were recorded/);
    assert.match((await page.textContent('section[data-split="train"]')) ?? '', /no anomalies/);
    const body = (await page.textContent('tr[data-feature="body_mass_g"]')) ?? '';
    assert.match(body, /present in 97\.3% of examples, the schema wants 100% \(2 of 75 examples have no value\)/);
    assert.match(body, /FEATURE_TYPE_LOW_FRACTION_PRESENT/);
    assert.doesNotMatch(body, /Column dropped/);
    // Errors first; the hostile name is text, not an element.
    const order = await page.$$eval('tr.anomaly-row', (els) => els.map((e) => e.getAttribute('data-feature')));
    assert.deepEqual(order, ['body_mass_g', 'island', HOSTILE]);
    assert.equal(await page.locator('img').count(), 0);
    assert.match((await page.textContent(`tr[data-feature="${HOSTILE.replace(/"/g, '\\"')}"]`)) ?? '', /added to a curated schema by hand/);
    await view.screenshot('anomalies-light');
    await page.click('tr[data-feature="island"] a.feature-link');
    await page.click('tr[data-feature="island"] vscode-button.accept');
    const posted = await view.posted('anomalies');
    assert.deepEqual(posted.filter((m) => m.type !== 'anomalies/ready'), [
      { type: 'anomalies/openStatistics', split: 'eval', feature: 'island' },
      { type: 'anomalies/accept', index: 0 },
    ]);
  });

  it('dark theme, and a clean validation says so', async () => {
    const view = await views.open('anomalies', 'dark');
    await view.send({ type: 'anomalies/snapshot', snapshot });
    await view.page.waitForSelector('tr.anomaly-row');
    await view.screenshot('anomalies-dark');
    await view.send({ type: 'anomalies/snapshot', snapshot: { ...snapshot, failed: false, rows: [], schemaFile: null, schemaSource: 'schema #3 (inferred)' } });
    await view.page.waitForFunction(() => document.querySelector('#verdict')?.textContent?.startsWith('No anomalies'));
    assert.match((await view.page.textContent('#schema-source')) ?? '', /inferred: curate it with a SchemaImporter/);
  });
});
