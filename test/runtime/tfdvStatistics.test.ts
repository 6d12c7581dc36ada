// TFX's own statistics (binary Split-*/FeatureStats.pb, sparse as TFDV writes them) and schema.pbtxt
// from ../shared/fixtures/tfx, laid out in a temp folder as an imported artifact: ExampleValidator reads
// them, finds what it should, and refuses a statistics artifact without split names.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ComponentError, type InputArtifact } from '../../runtime/components/spec';
import { planImport } from '../../runtime/components/importerSource';
import { readSplitStatistics } from '../../runtime/data/statisticsFiles';
import { runExampleValidator } from '../../runtime/components/exampleValidator.executor';
import { artifact, context, tempDir } from './modelFixtures';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';

const skip = skipWithoutFixture('tfx/statistics_gen_Split-train_FeatureStats.pb') || skipWithoutFixture('tfx/schema_gen_schema.pbtxt');
let root: string;
let stats: InputArtifact;

function schemaArtifact(name: string, text: string): InputArtifact {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'schema.pbtxt'), text);
  return artifact('Schema', dir);
}

async function validate(statistics: InputArtifact, schema: InputArtifact) {
  const ctx = context(root, { componentId: 'example_validator', params: { fail_on: 'none' }, inputs: { statistics: [statistics], schema: [schema] }, outputs: { anomalies: 'ExampleAnomalies' } });
  await runExampleValidator(ctx);
  const out = ctx.outputs['anomalies']!.uri;
  return { summary: JSON.parse(fs.readFileSync(path.join(out, 'anomalies_summary.json'), 'utf8')) as unknown, anomalies: (split: string) => JSON.parse(fs.readFileSync(path.join(out, `Split-${split}`, 'anomalies.json'), 'utf8')) as { anomalyInfo?: Record<string, { shortDescription?: string; reason?: Array<{ type: string }> }> } };
}

describe('TFX binary statistics and pbtxt schema', { skip }, () => {
  before(() => {
    root = tempDir('tfdv');
    const dir = path.join(root, 'statistics');
    for (const split of ['train', 'eval']) {
      fs.mkdirSync(path.join(dir, `Split-${split}`), { recursive: true });
      fs.copyFileSync(sharedFixture(`tfx/statistics_gen_Split-${split}_FeatureStats.pb`), path.join(dir, `Split-${split}`, 'FeatureStats.pb'));
    }
    // As the Importer registers it: split_names from the Split-* folders, marked external.
    const plan = planImport({ source: 'statistics', artifact_type: 'ExampleStatistics' }, root);
    assert.equal(plan.uri, dir);
    assert.equal(plan.properties['split_names'], '["eval","train"]');
    assert.equal(plan.customProperties['is_external'], 1);
    stats = artifact(plan.type, plan.uri, plan.customProperties, plan.properties);
  });

  it('decodes FeatureStats.pb, sparse fields filled (rank histograms, empty numeric stats)', () => {
    const ds = readSplitStatistics(stats.uri, 'train');
    assert.equal(ds.numExamples, 10036);
    assert.equal(ds.features.length, 18);
    const company = ds.features.find((f) => f.path.step[0] === 'company');
    assert.equal(company?.stringStats?.rankHistogram.buckets.length, 45);
    assert.equal(company?.stringStats?.topValues.length, 20);
    const empty = ds.features.find((f) => f.path.step[0] === 'pickup_census_tract');
    assert.deepEqual(empty?.numStats?.histograms, []);
    assert.equal(typeof empty?.numStats?.commonStats.numMissing, 'number');
  });

  it('ExampleValidator on TFX’s statistics and its own schema.pbtxt, then with a value removed from a domain', async () => {
    const text = fs.readFileSync(sharedFixture('tfx/schema_gen_schema.pbtxt'), 'utf8');
    const own = await validate(stats, schemaArtifact('schema-own', text));
    const ownTrain = Object.keys(own.anomalies('train').anomalyInfo ?? {});
    // The schema was inferred from this very train split: nothing is anomalous there.
    assert.deepEqual(ownTrain, [], JSON.stringify(own.anomalies('train')));
    // Drop "Cash" from payment_type's domain: both splits hold cash trips.
    const narrowed = text.replace(/(string_domain \{\s*name: "payment_type"[\s\S]*?)\s*value: "Cash"/, '$1');
    assert.notEqual(narrowed, text, 'the fixture schema has a payment_type domain with Cash');
    const result = await validate(stats, schemaArtifact('schema-narrow', narrowed));
    for (const split of ['train', 'eval']) {
      const info = result.anomalies(split).anomalyInfo ?? {};
      assert.deepEqual(Object.keys(info), ['payment_type'], `${split}: ${JSON.stringify(info)}`);
      assert.ok(info['payment_type']?.reason?.some((r) => r.type === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES'));
    }
  });

  it('a statistics artifact without split names fails, saying so, instead of validating nothing', async () => {
    const unnamed = artifact('ExampleStatistics', stats.uri);
    await assert.rejects(
      validate(unnamed, schemaArtifact('schema-any', fs.readFileSync(sharedFixture('tfx/schema_gen_schema.pbtxt'), 'utf8'))),
      (e: unknown) => e instanceof ComponentError && /has no split names/.test(e.message) && /Split-eval, Split-train|Split-train, Split-eval/.test(e.message) && /split_names/.test(e.hint ?? ''),
    );
  });

  it('the Importer’s checks: a folder without Split-* statistics, a schema file not named schema.pbtxt, split names that are not there', () => {
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty, { recursive: true });
    assert.throws(() => planImport({ source: 'empty', artifact_type: 'ExampleStatistics' }, root), (e: unknown) => e instanceof ComponentError && /no Split-<name>\/ folders with FeatureStats\.pb/.test(e.message));
    assert.throws(() => planImport({ source: sharedFixture('tfx/schema_gen_schema.pbtxt'), artifact_type: 'Schema' }, root), (e: unknown) => e instanceof ComponentError && /must be named schema\.pbtxt/.test(e.message));
    assert.throws(() => planImport({ source: 'statistics', artifact_type: 'ExampleStatistics', properties: { split_names: ['train', 'test'] } }, root), (e: unknown) => e instanceof ComponentError && /names test/.test(e.message));
    const schemaDir = path.join(root, 'schema-own');
    assert.equal(planImport({ source: path.join(schemaDir, 'schema.pbtxt'), artifact_type: 'Schema' }, root).uri, schemaDir);
    assert.equal(planImport({ source: 'statistics', artifact_type: 'ExampleStatistics', reimport: true }, root).reuse, false);
  });
});
