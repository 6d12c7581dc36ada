// ExampleGen → StatisticsGen → SchemaGen → ExampleValidator → Transform on vega-datasets' penguins (column
// names with spaces and parentheses, nulls) and on the Chicago taxi CSV, executors driven directly.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { csvExampleGenSpec, fileExampleGenSpec } from '../../runtime/components/exampleGen';
import { exampleValidatorSpec } from '../../runtime/components/exampleValidator';
import { schemaGenSpec } from '../../runtime/components/schemaGen';
import { statisticsGenSpec } from '../../runtime/components/statisticsGen';
import { transformSpec } from '../../runtime/components/transform';
import type { InputArtifact } from '../../runtime/components/spec';
import { queryRows, quoteString, withDuckDb } from '../../runtime/data/duckdbEngine';
import type { Schema } from '../../runtime/data/schemaTypes';
import { applyTransform, compileCustomHook, parseTransformProgram, transformedFeatureInfo, type TransformProgram } from '../../runtime/data/transformProgram';
import { runComponent, tempWorkspace, type Workspace } from './dataHarness';
import { sharedFixture } from '../sharedFixtures';

const PENGUINS = join(__dirname, '..', '..', 'node_modules', 'vega-datasets', 'data', 'penguins.json');
const TAXI = sharedFixture('tfx/chicago_taxi_simple.csv');

async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  return withDuckDb((con) => queryRows(con, `SELECT * FROM read_parquet(${quoteString(file)})`));
}

/** Parquet BIGINT comes back as bigint; compare as numbers. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

describe('the data pipeline on penguins', () => {
  let ws: Workspace;
  let examples: InputArtifact;
  let statistics: InputArtifact;
  let schema: InputArtifact;
  let graph: InputArtifact;
  let transformed: InputArtifact;

  before(async () => {
    ws = tempWorkspace();
    examples = (await runComponent(ws, fileExampleGenSpec, { input: PENGUINS, splits: { train: 3, eval: 1 } })).outputs['examples']!;
    statistics = (await runComponent(ws, statisticsGenSpec, {}, { examples: [examples] })).outputs['statistics']!;
    schema = (await runComponent(ws, schemaGenSpec, {}, { statistics: [statistics] })).outputs['schema']!;
    const t = await runComponent(
      ws,
      transformSpec,
      {
        label: 'Species',
        features: {
          'Beak Length (mm)': 'zscore',
          'Beak Depth (mm)': 'minmax',
          'Flipper Length (mm)': { op: 'bucketize', buckets: 4 },
          'Body Mass (g)': 'log',
          Island: 'onehot',
          Sex: { op: 'vocabulary', num_oov_buckets: 2 },
        },
      },
      { examples: [examples], schema: [schema] },
    );
    graph = t.outputs['transform_graph']!;
    transformed = t.outputs['transformed_examples']!;
  });
  after(() => ws?.cleanup());

  test('ExampleGen keeps every row and the column names exactly, and records splits like TFX', async () => {
    assert.deepEqual(JSON.parse(String(examples.properties['split_names'])), ['train', 'eval']);
    assert.equal(examples.properties['span'], 0);
    assert.equal(examples.customProperties['file_format'], 'parquet');
    const train = await readParquet(join(examples.uri, 'Split-train', 'data.parquet'));
    const evalRows = await readParquet(join(examples.uri, 'Split-eval', 'data.parquet'));
    const source = JSON.parse(readFileSync(PENGUINS, 'utf8')) as unknown[];
    assert.equal(train.length + evalRows.length, source.length);
    assert.ok(train.length > evalRows.length * 2 && train.length < evalRows.length * 4, `3:1 split gave ${train.length}/${evalRows.length}`);
    assert.deepEqual(Object.keys(train[0]!), ['Species', 'Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex']);
  });

  test('SchemaGen: types, presence for columns with nulls, string domains for categoricals', () => {
    const s = JSON.parse(readFileSync(join(schema.uri, 'schema.json'), 'utf8')) as Schema;
    const byName = new Map(s.feature.map((f) => [f.name, f]));
    assert.equal(byName.get('Species')!.type, 'BYTES');
    assert.deepEqual(byName.get('Species')!.presence, { minFraction: 1, minCount: 1 });
    assert.deepEqual(byName.get('Species')!.shape, { dim: [{ size: 1 }] });
    assert.equal(byName.get('Beak Length (mm)')!.type, 'FLOAT');
    assert.equal(byName.get('Flipper Length (mm)')!.type, 'INT');
    // penguins.json has nulls in the measurements and in Sex: not required in every example.
    assert.deepEqual(byName.get('Beak Length (mm)')!.presence, { minCount: 1 });
    assert.equal(byName.get('Species')!.domain, 'Species');
    assert.deepEqual(s.stringDomain!.find((d) => d.name === 'Species')!.value, ['Adelie', 'Chinstrap', 'Gentoo']);
  });

  test('ExampleValidator finds no anomalies in data the schema was inferred from', async () => {
    const v = await runComponent(ws, exampleValidatorSpec, {}, { statistics: [statistics], schema: [schema] });
    const summary = JSON.parse(readFileSync(join(v.outputs['anomalies']!.uri, 'anomalies_summary.json'), 'utf8'));
    assert.deepEqual(summary, []);
    assert.ok(existsSync(join(v.outputs['anomalies']!.uri, 'Split-eval', 'anomalies.json')));
    assert.equal(v.outputs['anomalies']!.customProperties['blessed'], JSON.stringify({ train: 1, eval: 1 }));
  });

  test('Transform analyses on train only: z-score has mean 0 / std 1 on train, not on eval', async () => {
    const program = parseTransformProgram(readFileSync(join(graph.uri, 'transform_graph.json'), 'utf8'));
    const train = await readParquet(join(transformed.uri, 'Split-train', 'data.parquet'));
    const rawTrain = await readParquet(join(examples.uri, 'Split-train', 'data.parquet'));
    const present = train.filter((_, i) => rawTrain[i]!['Beak Length (mm)'] !== null).map((r) => r['Beak Length (mm)'] as number);
    const mean = present.reduce((s, x) => s + x, 0) / present.length;
    const std = Math.sqrt(present.reduce((s, x) => s + (x - mean) ** 2, 0) / present.length);
    assert.ok(Math.abs(mean) < 1e-9, `train mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 1e-9, `train std ${std}`);
    const z = program.features.find((f) => f.name === 'Beak Length (mm)')!;
    assert.equal(z.op, 'zscore');
    const rawEval = await readParquet(join(examples.uri, 'Split-eval', 'data.parquet'));
    const evalBeaks = rawEval.map((r) => r['Beak Length (mm)']).filter((x): x is number => typeof x === 'number');
    const evalMean = evalBeaks.reduce((s, x) => s + x, 0) / evalBeaks.length;
    assert.notEqual(z.op === 'zscore' ? z.mean : NaN, evalMean);
    assert.equal(program.analysedRows, rawTrain.length);
  });

  test('applyTransform on raw rows equals the transformed Parquet of every split', async () => {
    const program = parseTransformProgram(readFileSync(join(graph.uri, 'transform_graph.json'), 'utf8'));
    for (const split of ['train', 'eval']) {
      const raw = await readParquet(join(examples.uri, `Split-${split}`, 'data.parquet'));
      const stored = (await readParquet(join(transformed.uri, `Split-${split}`, 'data.parquet'))).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
      assert.deepEqual(applyTransform(program, raw), stored, split);
    }
  });

  test('serving-style raw records (numbers as JSON, strings as typed) transform the same as Parquet rows', () => {
    const program = parseTransformProgram(readFileSync(join(graph.uri, 'transform_graph.json'), 'utf8'));
    const fromJson = { Species: 'Gentoo', Island: 'Biscoe', 'Beak Length (mm)': '46.1', 'Beak Depth (mm)': 13.2, 'Flipper Length (mm)': 211, 'Body Mass (g)': 4500, Sex: 'FEMALE' };
    const fromParquet = { ...fromJson, 'Beak Length (mm)': 46.1, 'Flipper Length (mm)': 211n };
    assert.deepEqual(applyTransform(program, [fromJson]), applyTransform(program, [fromParquet]));
  });

  test('transformedFeatureInfo describes what the Trainer gets: onehot width, vocab size with OOV, label classes', async () => {
    const program = parseTransformProgram(readFileSync(join(graph.uri, 'transform_graph.json'), 'utf8'));
    const info = new Map(transformedFeatureInfo(program).map((i) => [i.name, i]));
    assert.deepEqual(info.get('Island'), { name: 'Island', source: 'Island', kind: 'onehot', width: 4, isLabel: false });
    assert.equal(info.get('Sex')!.kind, 'categorical');
    const rawTrain = await readParquet(join(examples.uri, 'Split-train', 'data.parquet'));
    const sexes = new Set(rawTrain.map((r) => r['Sex']).filter((x) => x !== null));
    assert.equal(info.get('Sex')!.vocabularySize, sexes.size + 2); // the train values + 2 OOV buckets
    assert.equal(info.get('Flipper Length (mm)')!.vocabularySize, 4);
    assert.deepEqual(info.get('Species'), { name: 'Species', source: 'Species', kind: 'categorical', vocabularySize: 3, isLabel: true, classes: ['Adelie', 'Chinstrap', 'Gentoo'] });
    const out = applyTransform(program, [{ Island: 'Atlantis', Sex: null, Species: 'Gentoo', 'Flipper Length (mm)': 1e9 }])[0]!;
    assert.deepEqual(out['Island'], [0, 0, 0, 1]);
    assert.ok((out['Sex'] as number) >= sexes.size, 'a missing value lands in an OOV bucket');
    assert.equal(out['Flipper Length (mm)'], 3);
    assert.equal(out['Species'], 2);
  });
});

describe('Transform options', () => {
  let ws: Workspace;
  let examples: InputArtifact;
  before(async () => {
    ws = tempWorkspace();
    examples = (await runComponent(ws, fileExampleGenSpec, { input: PENGUINS })).outputs['examples']!;
  });
  after(() => ws?.cleanup());

  test('drop: only the listed features and the label remain; unlisted ones pass through otherwise', async () => {
    const dropped = await runComponent(ws, transformSpec, { features: { Island: 'vocabulary' }, label: 'Species', drop: true }, { examples: [examples] });
    const rows = await readParquet(join(dropped.outputs['transformed_examples']!.uri, 'Split-train', 'data.parquet'));
    assert.deepEqual(Object.keys(rows[0]!), ['Island', 'Species']);
    const kept = await runComponent(ws, transformSpec, { features: { Island: 'vocabulary' } }, { examples: [examples] });
    const raw = await readParquet(join(examples.uri, 'Split-train', 'data.parquet'));
    const rows2 = await readParquet(join(kept.outputs['transformed_examples']!.uri, 'Split-train', 'data.parquet'));
    assert.equal(rows2[0]!['Sex'], raw[0]!['Sex']);
    assert.equal(rows2[0]!['Beak Length (mm)'], raw[0]!['Beak Length (mm)']);
  });

  test('a custom module runs only in trusted workspaces, and the served program replays it', async () => {
    const mod = join(ws.dir, 'derive.ts');
    writeFileSync(mod, "export default (row: Record<string, unknown>) => ({ ...row, heavy: Number(row['Body Mass (g)'] ?? 0) > 4500 ? 'yes' : 'no' });\n");
    await assert.rejects(
      runComponent(ws, transformSpec, { module: 'derive.ts', features: { heavy: 'vocabulary' } }, { examples: [examples] }),
      (err: Error) => err.name === 'ComponentError' && /not trusted/.test(err.message),
    );
    const t = await runComponent(ws, transformSpec, { module: 'derive.ts', features: { heavy: 'vocabulary' }, drop: true }, { examples: [examples] }, { trusted: true });
    const program = JSON.parse(readFileSync(join(t.outputs['transform_graph']!.uri, 'transform_graph.json'), 'utf8')) as TransformProgram;
    assert.ok(program.custom?.code.includes('heavy'));
    assert.throws(() => applyTransform(program, [{}]), /custom hook/);
    const hook = compileCustomHook(program)!;
    const out = applyTransform(program, [{ 'Body Mass (g)': 6000 }, { 'Body Mass (g)': 3000 }], hook);
    const feature = program.features[0]!;
    assert.equal(feature.op, 'vocabulary');
    const vocab = feature.op === 'vocabulary' ? feature.vocabulary : [];
    assert.deepEqual(out.map((r) => vocab[r['heavy'] as number]), ['yes', 'no']);
  });

  test('a listed feature that is not a column is a clear error', async () => {
    await assert.rejects(
      runComponent(ws, transformSpec, { features: { 'Beak Lenght (mm)': 'zscore' } }, { examples: [examples] }),
      (err: Error & { hint?: string }) => err.name === 'ComponentError' && /Beak Lenght/.test(err.message) && /Beak Length \(mm\)/.test(err.hint ?? ''),
    );
  });
});

describe('the data pipeline on the Chicago taxi CSV', { skip: existsSync(TAXI) ? false : `${TAXI} is absent` }, () => {
  test('runs end to end; the inferred schema matches TFX SchemaGen on types and string domains', async () => {
    const ws = tempWorkspace();
    try {
      const examples = (await runComponent(ws, csvExampleGenSpec, { input: TAXI })).outputs['examples']!;
      const statistics = (await runComponent(ws, statisticsGenSpec, {}, { examples: [examples] })).outputs['statistics']!;
      const schema = (await runComponent(ws, schemaGenSpec, {}, { statistics: [statistics] })).outputs['schema']!;
      const v = await runComponent(ws, exampleValidatorSpec, {}, { statistics: [statistics], schema: [schema] });
      assert.equal(v.outputs['anomalies']!.customProperties['anomalies_count'], 0);
      const t = await runComponent(
        ws,
        transformSpec,
        { features: { fare: 'zscore', trip_miles: 'log', pickup_latitude: 'bucketize', payment_type: 'vocabulary', company: { op: 'vocabulary', top_k: 10 } }, label: 'tips' },
        { examples: [examples], schema: [schema] },
      );
      const rows = await readParquet(join(t.outputs['transformed_examples']!.uri, 'Split-eval', 'data.parquet'));
      assert.ok(rows.length > 4000);
      const s = JSON.parse(readFileSync(join(schema.uri, 'schema.json'), 'utf8')) as Schema;
      const tfxTypes: Record<string, string> = { company: 'BYTES', payment_type: 'BYTES', fare: 'FLOAT', trip_seconds: 'INT', pickup_census_tract: 'INT', dropoff_latitude: 'FLOAT' };
      for (const [name, type] of Object.entries(tfxTypes)) assert.equal(s.feature.find((f) => f.name === name)!.type, type, name);
      assert.deepEqual(s.stringDomain!.map((d) => d.name).sort(), ['company', 'payment_type']);
    } finally {
      ws.cleanup();
    }
  });
});
