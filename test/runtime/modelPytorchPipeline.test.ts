// The samples/penguin-pytorch pipeline end to end through the orchestrator, with Debian's Python:
// a PyTorch run_fn exports ONNX, the Evaluator compares it with the TF.js model of the same run on the
// same slices and thresholds, a person approves, the Pusher pushes; the second run is fully cached and a
// change to the module re-runs the Trainer and what follows. Then scikit-learn on the Chicago taxi
// fixture (python format, predict_fn) from ExampleGen to Pusher.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MetadataStore } from '../../runtime/metadata/store';
import type { MetricsFile } from '../../runtime/components/evaluator.executor';
import { PYTHON_ENV } from '../../runtime/model/pythonRuntime';
import { recordApproval } from '../../runtime/orchestrator/approval';
import type { RunResult } from '../../runtime/orchestrator/api';
import { runPipeline } from '../../runtime/orchestrator/run';
import { REPO } from './modelFixtures';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';
import { tempWorkspace, type TempWorkspace } from './workspaceFixture';

const PYTHON = '/usr/bin/python3';
function has(mods: string): boolean {
  try {
    execFileSync(PYTHON, ['-c', `import ${mods}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skipTorch = has('torch, onnx, pandas') ? false : `${PYTHON} lacks torch/onnx/pandas (Debian: apt-get install python3-torch python3-onnx python3-pandas)`;
const skipSklearn = has('sklearn, pandas') ? false : `${PYTHON} lacks scikit-learn/pandas (Debian: apt-get install python3-sklearn python3-pandas)`;
const UPSTREAM = ['example_gen', 'statistics_gen', 'schema_gen', 'example_validator', 'transform'];

let ws: TempWorkspace;
const previousPython = process.env[PYTHON_ENV];

async function run(file: string): Promise<RunResult> {
  return runPipeline({
    file,
    onEvent: (e) => {
      if (e.kind === 'step-waiting') recordApproval(ws.db, { executionId: e.executionId, decision: 'approved', by: 'test', comment: 'slices look fine' });
    },
  });
}

function output(executionId: number | undefined, key: string): { id: number; uri: string; customProperties: Record<string, unknown> } {
  const store = MetadataStore.open(ws.db, { readonly: true });
  try {
    const art = store.execution(executionId as number)?.outputs.find((o) => o.key === key)?.artifact;
    if (!art) throw new Error(`execution ${executionId} has no output ${key}`);
    return { id: art.id, uri: art.uri, customProperties: art.customProperties };
  } finally {
    store.close();
  }
}

const metricsOf = (r: RunResult): MetricsFile => JSON.parse(fs.readFileSync(path.join(output(r.steps['evaluator']?.executionId, 'evaluation').uri, 'metrics.json'), 'utf8')) as MetricsFile;
const states = (r: RunResult): Record<string, string> => Object.fromEntries(Object.entries(r.steps).map(([k, v]) => [k, v.state]));

describe('penguin-pytorch: PyTorch → ONNX against TF.js, signed off and pushed', { skip: skipTorch }, () => {
  let file: string;
  before(() => {
    process.env[PYTHON_ENV] = PYTHON;
    ws = tempWorkspace();
    for (const sample of ['penguin', 'penguin-pytorch']) {
      fs.cpSync(path.join(REPO, 'samples', sample), path.join(ws.root, sample), { recursive: true, filter: (src) => !src.includes(`${path.sep}serving`) });
    }
    file = path.join(ws.root, 'penguin-pytorch', 'penguin_pytorch.pipeline.yaml');
  });
  after(() => {
    ws.dispose();
    if (previousPython === undefined) delete process.env[PYTHON_ENV];
    else process.env[PYTHON_ENV] = previousPython;
  });

  it('run 1: trained, exported to ONNX, evaluated against the TF.js model per island and sex, blessed, approved, pushed', async () => {
    const r = await run(file);
    assert.equal(r.state, 'complete', JSON.stringify(r.steps));
    const model = output(r.steps['trainer']?.executionId, 'model');
    assert.equal(model.customProperties['format'], 'onnx');
    const serving = path.join(model.uri, 'Format-Serving');
    for (const f of ['model.onnx', 'signature.json', 'transform_graph.json']) assert.ok(fs.existsSync(path.join(serving, f)), f);
    const m = metricsOf(r);
    assert.equal(m.candidate.format, 'onnx');
    assert.equal(m.baseline?.format, 'tfjs');
    assert.equal(m.baseline?.model_id, output(r.steps['tfjs_trainer']?.executionId, 'model').id);
    assert.ok((m.candidate.overall['accuracy'] as number) >= 0.95, `ONNX eval accuracy ${m.candidate.overall['accuracy']}`);
    const sliceKeys = (b: MetricsFile['candidate']) => b.slices.map((s) => JSON.stringify(s.slice));
    assert.deepEqual(sliceKeys(m.candidate), sliceKeys(m.baseline!), 'same slices for both formats');
    assert.ok(m.candidate.slices.some((s) => s.slice['Island'] === 'Dream') && m.candidate.slices.some((s) => s.slice['Sex'] === 'FEMALE'));
    assert.equal(output(r.steps['evaluator']?.executionId, 'blessing').customProperties['blessed'], 1);
    assert.equal(output(r.steps['approval']?.executionId, 'approval').customProperties['decision'], 'approved');
    const pushed = output(r.steps['pusher']?.executionId, 'pushed_model');
    assert.equal(pushed.customProperties['pushed'], 1);
    const target = String(pushed.customProperties['pushed_destination']);
    for (const f of ['model.onnx', 'signature.json', 'transform_graph.json', 'manifest.json', 'README.md']) assert.ok(fs.existsSync(path.join(target, f)), `pushed ${f}`);
    const manifest = JSON.parse(fs.readFileSync(path.join(target, 'manifest.json'), 'utf8')) as { format: string; signature: { inputs: Array<{ name: string }>; classes: string[] }; raw_features: string[] };
    assert.equal(manifest.format, 'onnx');
    assert.equal(manifest.signature.inputs[0]?.name, 'features');
    assert.deepEqual(manifest.signature.classes, ['Adelie', 'Chinstrap', 'Gentoo']);
    assert.ok(manifest.raw_features.includes('Island'));
    assert.match(fs.readFileSync(path.join(target, 'README.md'), 'utf8'), /onnxruntime\.InferenceSession/);
    assert.equal(pushed.customProperties['format'], 'onnx');
    const exec = MetadataStore.open(ws.db, { readonly: true });
    try {
      const props = exec.execution(r.steps['trainer']?.executionId as number)?.customProperties ?? {};
      assert.equal(typeof props['python_start_seconds'], 'number');
      assert.equal(typeof props['data_handoff_seconds'], 'number');
    } finally {
      exec.close();
    }
  });

  it('run 2 is fully cached', async () => {
    const r = await run(file);
    for (const [step, state] of Object.entries(states(r))) assert.equal(state, 'cached', step);
  });

  it('a change to the module re-runs the Trainer and what follows, and nothing before it', async () => {
    const module = path.join(ws.root, 'penguin-pytorch', 'trainer.py');
    fs.appendFileSync(module, '\n# a comment is a change: the module’s content is in the cache key\n');
    const r = await run(file);
    const s = states(r);
    for (const step of [...UPSTREAM, 'tfjs_trainer']) assert.equal(s[step], 'cached', step);
    for (const step of ['trainer', 'evaluator', 'approval', 'pusher']) assert.equal(s[step], 'complete', step);
  });
});

describe('scikit-learn on the Chicago taxi fixture (python format, predict_fn)', { skip: skipSklearn }, () => {
  const taxi = sharedFixture('tfx/chicago_taxi_simple.csv');
  const skipTaxi = skipWithoutFixture('tfx/chicago_taxi_simple.csv');
  before(() => {
    process.env[PYTHON_ENV] = PYTHON;
    ws = tempWorkspace();
  });
  after(() => {
    ws.dispose();
    if (previousPython === undefined) delete process.env[PYTHON_ENV];
    else process.env[PYTHON_ENV] = previousPython;
  });

  it('ExampleGen → Trainer (RandomForest) → Evaluator per payment type → Pusher', { skip: skipTaxi }, async () => {
    const dir = path.join(ws.root, 'taxi');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'taxi_trainer.py'),
      `import os, pickle
from sklearn.ensemble import RandomForestRegressor

NUMERIC = ["fare", "trip_miles", "trip_seconds", "trip_start_hour", "trip_start_day", "trip_start_month"]

def features(df, payment_types):
    x = df[NUMERIC].astype(float).fillna(0.0)
    for p in payment_types:
        x["pay_" + p] = (df["payment_type"] == p).astype(float)
    return x

def run_fn(fn_args):
    df = fn_args.train_dataframe()
    df = df[df[fn_args.label].notna()]
    payment_types = sorted(df["payment_type"].dropna().unique())
    forest = RandomForestRegressor(n_estimators=30, max_depth=10, random_state=0, n_jobs=1)
    forest.fit(features(df, payment_types), df[fn_args.label].astype(float))
    print("trained on %d trips" % len(df))
    with open(os.path.join(fn_args.serving_model_dir, "model.pkl"), "wb") as f:
        pickle.dump({"forest": forest, "payment_types": payment_types}, f)

def predict_fn(model, df):
    return model["forest"].predict(features(df, model["payment_types"]))
`,
    );
    const file = path.join(dir, 'taxi.pipeline.yaml');
    // The fixture is read in place (an absolute input path), never copied.
    fs.writeFileSync(
      file,
      `pipeline: taxi-sklearn
components:
  example_gen:
    type: CsvExampleGen
    params: {input: ${JSON.stringify(taxi)}, splits: {train: 3, eval: 1}}
  trainer:
    type: Trainer
    inputs: {examples: example_gen.examples}
    params: {label: tips, module: taxi_trainer.py, data_format: csv}
  evaluator:
    type: Evaluator
    inputs: {examples: example_gen.examples, model: trainer.model}
    params:
      label: tips
      slices: [[], [payment_type]]
      thresholds: {r2: {lower_bound: 0.3}}
  pusher:
    type: Pusher
    inputs: {model: trainer.model, model_blessing: evaluator.blessing}
    params: {destination: serving/taxi}
`,
    );
    const r = await run(file);
    assert.equal(r.state, 'complete', JSON.stringify(r.steps));
    assert.equal(output(r.steps['trainer']?.executionId, 'model').customProperties['format'], 'python');
    const m = metricsOf(r);
    assert.equal(m.candidate.format, 'python');
    assert.ok(m.candidate.count > 3000, `eval rows ${m.candidate.count}`);
    assert.equal(m.candidate.task, 'regression');
    assert.ok((m.candidate.overall['r2'] as number) >= 0.3, `r2 ${m.candidate.overall['r2']}`);
    assert.ok(m.candidate.slices.some((s) => s.slice['payment_type'] === 'Cash'));
    const pushed = output(r.steps['pusher']?.executionId, 'pushed_model');
    assert.equal(pushed.customProperties['pushed'], 1);
    for (const f of ['model.pkl', 'module.py', 'signature.json']) assert.ok(fs.existsSync(path.join(String(pushed.customProperties['pushed_destination']), f)), f);
  });
});
