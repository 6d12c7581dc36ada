// The Importer node through the orchestrator: TFX's own binary statistics (Split-*/FeatureStats.pb) and
// schema.pbtxt from ../shared/fixtures/tfx registered as artifacts and validated by ExampleValidator, as
// TFX records an Importer (its execution type, the artifact marked external, the same artifact again on
// the next run unless `reimport`); and an ONNX model written outside any pipeline, imported and evaluated.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MetadataStore } from '../../runtime/metadata/store';
import type { RunResult } from '../../runtime/orchestrator/api';
import { runPipeline } from '../../runtime/orchestrator/run';
import { loadPipelineFile, loadPipelineText } from '../../runtime/definition/load';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { completePipelineText } from '../../runtime/definition/completion';
import type { MetricsFile } from '../../runtime/components/evaluator.executor';
import { REPO } from './modelFixtures';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';
import { tempWorkspace, type TempWorkspace } from './workspaceFixture';

const skip = skipWithoutFixture('tfx/statistics_gen_Split-train_FeatureStats.pb') || skipWithoutFixture('tfx/schema_gen_schema.pbtxt');
const PYTHON = '/usr/bin/python3';
function hasPython(mods: string): boolean {
  try {
    execFileSync(PYTHON, ['-c', `import ${mods}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skipOnnx = hasPython('onnx, numpy') ? false : `${PYTHON} lacks onnx/numpy (Debian: apt-get install python3-onnx)`;

const VALIDATION_PIPELINE = (schemaFolder: string, reimport = false) => `pipeline: tfx-import
components:
  tfx_statistics:
    type: Importer
    params: {source: tfx_stats, artifact_type: ExampleStatistics${reimport ? ', reimport: true' : ''}}
  tfx_schema:
    type: Importer
    params: {source: ${schemaFolder}/schema.pbtxt, artifact_type: Schema}
  example_validator:
    type: ExampleValidator
    inputs: {statistics: tfx_statistics.result, schema: tfx_schema.result}
    params: {fail_on: none}
`;

let ws: TempWorkspace;

function withStore<T>(fn: (s: MetadataStore) => T): T {
  const store = MetadataStore.open(ws.db, { readonly: true });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function output(executionId: number | undefined, key: string) {
  return withStore((s) => {
    const art = s.execution(executionId as number)?.outputs.find((o) => o.key === key)?.artifact;
    if (!art) throw new Error(`execution ${executionId} has no output ${key}`);
    return art;
  });
}

function anomaliesOf(r: RunResult, split: string): string[] {
  const uri = output(r.steps['example_validator']?.executionId, 'anomalies').uri;
  const info = (JSON.parse(fs.readFileSync(path.join(uri, `Split-${split}`, 'anomalies.json'), 'utf8')) as { anomalyInfo?: Record<string, unknown> }).anomalyInfo ?? {};
  return Object.keys(info);
}

describe('Importer: TFX statistics and schema into ExampleValidator', { skip }, () => {
  before(() => {
    ws = tempWorkspace();
    for (const split of ['train', 'eval']) {
      fs.mkdirSync(path.join(ws.root, 'tfx_stats', `Split-${split}`), { recursive: true });
      fs.copyFileSync(sharedFixture(`tfx/statistics_gen_Split-${split}_FeatureStats.pb`), path.join(ws.root, 'tfx_stats', `Split-${split}`, 'FeatureStats.pb'));
    }
    const schema = fs.readFileSync(sharedFixture('tfx/schema_gen_schema.pbtxt'), 'utf8');
    ws.write('tfx_schema/schema.pbtxt', schema);
    // Drop "Cash" from payment_type's domain: both splits hold cash trips.
    const narrowed = schema.replace(/(string_domain \{\s*name: "payment_type"[\s\S]*?)\s*value: "Cash"/, '$1');
    assert.notEqual(narrowed, schema, 'the fixture schema has a payment_type domain with Cash');
    ws.write('narrow_schema/schema.pbtxt', narrowed);
  });
  after(() => ws.dispose());

  let first: RunResult;
  it('run 1: both imported as TFX records an Importer, and the validator finds nothing against the schema inferred from them', async () => {
    const file = ws.write('validate.pipeline.yaml', VALIDATION_PIPELINE('tfx_schema'));
    first = await runPipeline({ file });
    assert.equal(first.state, 'complete', JSON.stringify(first.steps));
    const stats = output(first.steps['tfx_statistics']?.executionId, 'result');
    assert.equal(stats.type, 'ExampleStatistics');
    assert.equal(stats.uri, path.join(ws.root, 'tfx_stats'));
    assert.equal(stats.properties['split_names'], '["eval","train"]');
    assert.equal(stats.customProperties['is_external'], 1);
    const schema = output(first.steps['tfx_schema']?.executionId, 'result');
    assert.equal(schema.uri, path.join(ws.root, 'tfx_schema'));
    withStore((s) => {
      const exec = s.execution(first.steps['tfx_statistics']!.executionId!)!;
      assert.equal(exec.type, 'tfx.dsl.components.common.importer.Importer');
      assert.equal(exec.state, 'COMPLETE');
      assert.equal(exec.customProperties['artifact_uri'], path.join(ws.root, 'tfx_stats'));
      assert.equal(exec.customProperties['reimport'], 0);
    });
    assert.deepEqual(anomaliesOf(first, 'train'), []);
    assert.deepEqual(anomaliesOf(first, 'eval'), []);
  });

  it('run 2: the same sources give the same artifacts, so ExampleValidator is cached; reimport gives a new one', async () => {
    const file = path.join(ws.root, 'validate.pipeline.yaml');
    const second = await runPipeline({ file });
    assert.equal(second.state, 'complete', JSON.stringify(second.steps));
    assert.equal(output(second.steps['tfx_statistics']?.executionId, 'result').id, output(first.steps['tfx_statistics']?.executionId, 'result').id);
    assert.equal(output(second.steps['tfx_schema']?.executionId, 'result').id, output(first.steps['tfx_schema']?.executionId, 'result').id);
    assert.equal(second.steps['example_validator']?.state, 'cached');
    const artifactsBefore = withStore((s) => s.counts().artifacts);
    assert.equal(artifactsBefore, 3, 'two imports and one anomalies artifact, nothing new on run 2');

    fs.writeFileSync(file, VALIDATION_PIPELINE('tfx_schema', true));
    const third = await runPipeline({ file });
    assert.equal(third.state, 'complete', JSON.stringify(third.steps));
    const reimported = output(third.steps['tfx_statistics']?.executionId, 'result');
    assert.ok(reimported.id > output(first.steps['tfx_statistics']?.executionId, 'result').id, 'reimport registers a new artifact');
    assert.equal(third.steps['example_validator']?.state, 'complete', 'a new statistics artifact re-runs the validator');
  });

  it('a narrowed schema: the validator finds the unexpected payment_type value in both splits', async () => {
    const file = ws.write('narrow.pipeline.yaml', VALIDATION_PIPELINE('narrow_schema').replace('pipeline: tfx-import', 'pipeline: tfx-import-narrow'));
    const r = await runPipeline({ file });
    assert.equal(r.state, 'complete', JSON.stringify(r.steps));
    assert.deepEqual(anomaliesOf(r, 'train'), ['payment_type']);
    assert.deepEqual(anomaliesOf(r, 'eval'), ['payment_type']);
  });

  it('a source that is not there, or holds no statistics: the step fails saying what to fix, and the file says it first', async () => {
    fs.mkdirSync(path.join(ws.root, 'not_stats'), { recursive: true });
    const file = ws.write(
      'bad.pipeline.yaml',
      `pipeline: bad-import
components:
  stats:
    type: Importer
    params: {source: not_stats, artifact_type: ExampleStatistics}
`,
    );
    const r = await runPipeline({ file });
    assert.equal(r.steps['stats']?.state, 'failed');
    assert.match(r.steps['stats']?.reason ?? '', /no Split-<name>\/ folders with FeatureStats\.pb.*TFX writes ExampleStatistics as Split-train/);
    withStore((s) => assert.equal(s.execution(r.steps['stats']!.executionId!)?.state, 'FAILED'));

    const missing = ws.write('missing.pipeline.yaml', `pipeline: bad-import\ncomponents:\n  stats:\n    type: Importer\n    params: {source: nowhere, artifact_type: ExampleStatistic}\n`);
    const diagnostics = (await loadPipelineFile(missing, { catalog: registryCatalog })).diagnostics.map((d) => d.message);
    assert.ok(diagnostics.some((m) => /nowhere/.test(m)), diagnostics.join('\n'));
    assert.ok(diagnostics.some((m) => /artifact_type.*did you mean `ExampleStatistics`/.test(m)), diagnostics.join('\n'));
  });

  it('authoring: the Importer is offered, and its result feeds only inputs of the type it imports', () => {
    const text = `pipeline: p\ncomponents:\n  stats:\n    type: Importer\n    params: {source: tfx_stats, artifact_type: ExampleStatistics}\n  schema:\n    type: Importer\n    params:\n      source: tfx_schema\n      artifact_type: Schema\n  validator:\n    type: ExampleValidator\n    inputs:\n      statistics: \n`;
    const line = text.split('\n').findIndex((l) => l.startsWith('      statistics:'));
    const items = completePipelineText('p.pipeline.yaml', text, line, '      statistics: '.length, { catalog: registryCatalog }).items.map((i) => i.label);
    assert.ok(items.includes('stats.result'), items.join(', '));
    assert.ok(!items.includes('schema.result'), `a Schema import is not offered as statistics: ${items.join(', ')}`);
    const typeLine = text.split('\n').findIndex((l) => l.includes('type: Importer'));
    const types = completePipelineText('p.pipeline.yaml', text.replace('type: Importer', 'type: '), typeLine, '    type: '.length, { catalog: registryCatalog }).items.map((i) => i.label);
    assert.ok(types.includes('Importer'), types.join(', '));
    const miswired = ws.write('miswired.pipeline.yaml', VALIDATION_PIPELINE('tfx_schema').replace('statistics: tfx_statistics.result, schema: tfx_schema.result', 'statistics: tfx_schema.result, schema: tfx_schema.result'));
    const diagnostics = loadPipelineText(miswired, fs.readFileSync(miswired, 'utf8'), { catalog: registryCatalog }).diagnostics.map((d) => d.message);
    assert.ok(diagnostics.some((m) => /tfx_schema\.result.*Schema/.test(m)), diagnostics.join('\n'));
  });
});

// A linear classifier on the penguins' four measurements, written as ONNX by the onnx package (no
// torch): standardise, then Gemm. It is fitted here by plain gradient descent on the whole CSV.
const WRITE_ONNX = String.raw`
import csv, json, sys
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper
src, out = sys.argv[1], sys.argv[2]
cols = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"]
rows = [r for r in csv.DictReader(open(src)) if all(r[c] for c in cols)]
classes = sorted({r["Species"] for r in rows})
X = np.array([[float(r[c]) for c in cols] for r in rows], dtype=np.float32)
y = np.array([classes.index(r["Species"]) for r in rows])
mean, std = X.mean(0), X.std(0)
Z = (X - mean) / std
W = np.zeros((4, len(classes)), dtype=np.float32); b = np.zeros(len(classes), dtype=np.float32)
Y = np.eye(len(classes))[y]
for _ in range(500):
    logits = Z @ W + b
    p = np.exp(logits - logits.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
    W -= 0.5 * (Z.T @ (p - Y)) / len(Z); b -= 0.5 * (p - Y).mean(0)
init = [numpy_helper.from_array(mean.astype(np.float32), "mean"), numpy_helper.from_array(std.astype(np.float32), "std"),
        numpy_helper.from_array(W.astype(np.float32), "W"), numpy_helper.from_array(b.astype(np.float32), "b")]
nodes = [helper.make_node("Sub", ["features", "mean"], ["centred"]), helper.make_node("Div", ["centred", "std"], ["z"]),
         helper.make_node("Gemm", ["z", "W", "b"], ["logits"])]
graph = helper.make_graph(nodes, "penguin_linear", [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["rows", 4])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["rows", len(classes)])], init)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, out + "/model.onnx")
json.dump({"format": "onnx", "task": "classification", "label": "Species", "classes": classes,
           "inputs": [{"name": "features", "columns": cols}], "output": {"meaning": "logits"}}, open(out + "/signature.json", "w"))
`;

describe('Importer: an ONNX model written elsewhere, imported and evaluated', { skip: skipOnnx }, () => {
  let onnxWs: TempWorkspace;
  before(() => {
    onnxWs = tempWorkspace();
    ws = onnxWs;
    fs.cpSync(path.join(REPO, 'samples', 'penguin', 'data'), path.join(onnxWs.root, 'data'), { recursive: true });
    fs.mkdirSync(path.join(onnxWs.root, 'exported_model'));
    execFileSync(PYTHON, ['-c', WRITE_ONNX, path.join(onnxWs.root, 'data', 'penguins.csv'), path.join(onnxWs.root, 'exported_model')]);
  });
  after(() => onnxWs.dispose());

  it('the Evaluator runs the imported ONNX model per island, and blesses it', async () => {
    const file = onnxWs.write(
      'onnx.pipeline.yaml',
      `pipeline: onnx-import
components:
  example_gen:
    type: CsvExampleGen
    params: {input: data/penguins.csv, splits: {train: 3, eval: 1}}
  model:
    type: Importer
    params: {source: exported_model/model.onnx, artifact_type: Model, properties: {format: onnx}}
  evaluator:
    type: Evaluator
    inputs: {examples: example_gen.examples, model: model.result}
    params:
      label: Species
      slices: [[], [Island]]
      thresholds: {accuracy: {lower_bound: 0.9}}
`,
    );
    const r = await runPipeline({ file });
    assert.equal(r.state, 'complete', JSON.stringify(r.steps));
    const model = output(r.steps['model']?.executionId, 'result');
    assert.equal(model.uri, path.join(onnxWs.root, 'exported_model'));
    assert.equal(model.customProperties['format'], 'onnx');
    assert.equal(model.customProperties['is_external'], 1);
    const evaluation = output(r.steps['evaluator']?.executionId, 'evaluation');
    const metrics = JSON.parse(fs.readFileSync(path.join(evaluation.uri, 'metrics.json'), 'utf8')) as MetricsFile;
    assert.equal(metrics.candidate.format, 'onnx');
    assert.ok((metrics.candidate.overall['accuracy'] as number) >= 0.9, JSON.stringify(metrics.candidate.overall));
    assert.ok(metrics.candidate.slices.some((s) => s.slice['Island'] === 'Biscoe'), 'sliced by island');
    assert.equal(output(r.steps['evaluator']?.executionId, 'blessing').customProperties['blessed'], 1);
  });
});
