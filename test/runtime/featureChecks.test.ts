// Id-like, constant and leaking features: warnings on the Transform / Trainer line with the numbers,
// from the latest examples a real run recorded in the metadata store (real SQLite, real DuckDB).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { featureCheckDiagnostics } from '../../runtime/definition/featureChecks';
import { loadPipelineText } from '../../runtime/definition/load';
import { MetadataStore } from '../../runtime/metadata/store';
import { runPipeline } from '../../runtime/orchestrator/run';
import { MISTAKES_PIPELINE, mistakesCsv } from './featureFixtures';
import { tempWorkspace, type TempWorkspace } from './workspaceFixture';

describe('feature checks against the latest examples', () => {
  let ws: TempWorkspace;
  let file: string;
  before(async () => {
    ws = tempWorkspace();
    ws.write('data.csv', mistakesCsv());
    file = ws.write('mistakes.pipeline.yaml', MISTAKES_PIPELINE);
    const result = await runPipeline({ file, scope: { to: 'example_gen' } });
    assert.equal(result.state, 'complete', JSON.stringify(result.steps));
  });
  after(() => ws.dispose());

  const check = async (text: string) => {
    const loaded = loadPipelineText(file, text, { catalog: registryCatalog });
    assert.ok(loaded.pipeline);
    const store = MetadataStore.open(join(ws.root, '.mlpipe', 'metadata.sqlite'), { readonly: true });
    try {
      return await featureCheckDiagnostics(loaded.pipeline, store, { text, catalog: registryCatalog });
    } finally {
      store.close();
    }
  };

  it('warns about an id-like, a constant and a leaking feature on the Transform, with the numbers, and nothing else', async () => {
    const ds = await check(readFileSync(file, 'utf8'));
    assert.deepEqual(ds.map((d) => [d.code, d.severity, d.component, d.range.start.line]), [
      ['feature-id-like', 'warning', 'transform', 12],
      ['feature-constant', 'warning', 'transform', 6],
      ['feature-leakage', 'warning', 'transform', 6],
    ]);
    assert.match(ds[0].message, /^Feature `date` looks like an id: \d+ distinct values in \d+ examples \(100%, train split of example_gen's latest examples \(artifact \d+\)\)/);
    assert.equal(ds[0].range.start.column, 9, 'on `date:` under features');
    assert.match(ds[1].message, /^Feature `region` is constant: 1 distinct value in all \d+ examples/);
    assert.match(ds[2].message, /^Feature `outcome` predicts the label `label` perfectly: each of its 2 values goes with exactly one label value in \d+ examples/);
    // `colour` is excluded by the Trainer, `x` is a measurement: no warnings.
    assert.ok(!ds.some((d) => /colour|`x`/.test(d.message)));
  });

  it('reports on the Trainer line when the Trainer reads raw examples, and honours drop: true', async () => {
    const direct = MISTAKES_PIPELINE.replace(/ {2}transform:[\s\S]*?(?= {2}trainer:)/, '').replace('inputs: {examples: transform.transformed_examples, transform_graph: transform.transform_graph}', 'inputs: {examples: example_gen.examples}');
    const ds = await check(direct);
    assert.deepEqual(ds.map((d) => [d.code, d.component]), [
      ['feature-id-like', 'trainer'],
      ['feature-constant', 'trainer'],
      ['feature-leakage', 'trainer'],
    ]);
    assert.match(ds[0].hint ?? '', /exclude: \["date"\]/);
    const dropped = await check(MISTAKES_PIPELINE.replace('      label: label\n      features:', '      label: label\n      drop: true\n      features:'));
    assert.deepEqual(dropped.map((d) => d.code), ['feature-id-like'], 'only the listed features reach the model');
  });

  it('says nothing before the data exists', async () => {
    const loaded = loadPipelineText(file, MISTAKES_PIPELINE.replace('pipeline: mistakes', 'pipeline: never-run'), { catalog: registryCatalog });
    const store = MetadataStore.open(join(ws.root, '.mlpipe', 'metadata.sqlite'), { readonly: true });
    try {
      assert.deepEqual(await featureCheckDiagnostics(loaded.pipeline!, store, { catalog: registryCatalog }), []);
    } finally {
      store.close();
    }
  });
  it('says how little of the data a constant feature is present in, when it is mostly missing', async () => {
    const sparse = tempWorkspace();
    try {
      // `tract` has one value in one row of 200, as pickup_census_tract does in the Chicago taxi sample.
      const csv = mistakesCsv().trimEnd().split('\n').map((line, i) => `${line},${i === 0 ? 'tract' : i === 7 ? '17031' : ''}`).join('\n');
      sparse.write('data.csv', `${csv}\n`);
      const sparseFile = sparse.write('mistakes.pipeline.yaml', MISTAKES_PIPELINE);
      assert.equal((await runPipeline({ file: sparseFile, scope: { to: 'example_gen' } })).state, 'complete');
      const loaded = loadPipelineText(sparseFile, MISTAKES_PIPELINE, { catalog: registryCatalog });
      const store = MetadataStore.open(join(sparse.root, '.mlpipe', 'metadata.sqlite'), { readonly: true });
      try {
        const ds = await featureCheckDiagnostics(loaded.pipeline!, store, { catalog: registryCatalog });
        const tract = ds.find((d) => d.message.includes('`tract`'));
        assert.ok(tract, ds.map((d) => d.message).join('\n'));
        assert.match(tract.message, /^Feature `tract` is constant: 1 distinct value where present \(1 of \d+ examples, < 1%\)/);
      } finally {
        store.close();
      }
    } finally {
      sparse.dispose();
    }
  });
});
