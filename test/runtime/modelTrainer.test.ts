// Trainer on the real penguin data (sample CSV, split and transformed in the test), then Evaluator and
// predict on raw records: accuracy, epoch events, backend, serving parity, run_fn modules, warm start.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ComponentError, type InputArtifact } from '../../runtime/components/spec';
import { runEvaluator, type MetricsFile } from '../../runtime/components/evaluator.executor';
import { disposeModel, loadModel, predict } from '../../runtime/model/predict';
import { readParquetRows } from '../../runtime/model/parquetRows';
import { trainerSpec } from '../../runtime/components/trainer';
import { runTrainer } from '../../runtime/components/trainer.executor';
import { withModelTurn } from '../../runtime/model/backend';
import { asInput, context, EXPECTED_BACKEND, penguinExamples, REPO, penguinTransform, readSplitRows, tempDir, type TestContext } from './modelFixtures';

let root: string;
let raw: InputArtifact;
let transformed: InputArtifact;
let graph: InputArtifact;
let trained: TestContext;

async function train(params: Record<string, unknown>, extraInputs: Record<string, InputArtifact[]> = {}): Promise<TestContext> {
  const ctx = context(root, {
    componentId: 'trainer',
    params: { label: 'Species', ...params },
    inputs: { examples: [transformed], transform_graph: [graph], ...extraInputs },
    outputs: { model: 'Model' },
  });
  await runTrainer(ctx);
  return ctx;
}

describe('Trainer on penguins', () => {
  before(async () => {
    root = tempDir('trainer');
    raw = await penguinExamples(root);
    ({ graph, transformed } = await penguinTransform(root, raw));
    trained = await train({ epochs: 40, hidden_units: [16, 8] });
  });

  it('trains on the best backend (wasm here), reports epochs and stores model, graph and curves', () => {
    const props = trained.outputs['model']!.customProperties;
    assert.equal(props['backend'], EXPECTED_BACKEND);
    assert.ok(trained.lines.includes(`TensorFlow.js backend: ${EXPECTED_BACKEND}`));
    const epochs = trained.events.filter((e) => e.kind === 'epoch');
    assert.ok(epochs.length >= 5 && epochs.length <= 40);
    assert.deepEqual(epochs.map((e) => (e.kind === 'epoch' ? e.epoch : 0)), epochs.map((_, i) => i + 1));
    const last = epochs[epochs.length - 1];
    assert.ok(last?.kind === 'epoch' && typeof last.metrics['val_loss'] === 'number' && last.epochs === 40);
    const dir = path.join(trained.outputs['model']!.uri, 'Format-Serving');
    for (const f of ['model.json', 'weights.bin', 'feature_spec.json', 'transform_graph.json', 'history.json']) assert.ok(fs.existsSync(path.join(dir, f)), f);
    const history = JSON.parse(fs.readFileSync(path.join(dir, 'history.json'), 'utf8')) as { epochs: unknown[] };
    assert.equal(history.epochs.length, epochs.length);
    // Column names with spaces and parentheses become safe tensor names.
    const spec = JSON.parse(fs.readFileSync(path.join(dir, 'feature_spec.json'), 'utf8')) as { features: Array<{ column: string; tensorName: string }> };
    assert.ok(spec.features.some((f) => f.column === 'Beak Length (mm)' && /^[a-z0-9_]+$/.test(f.tensorName)));
  });

  it('reaches eval accuracy >= 0.95, and predict() on raw records matches the Evaluator', async () => {
    const model = asInput(trained, 'model');
    const ev = context(root, {
      componentId: 'evaluator',
      params: { label: 'Species', slices: [[], ['Island'], ['Sex']], thresholds: { accuracy: { lower_bound: 0.95 } } },
      inputs: { examples: [raw], model: [model] },
      outputs: { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' },
    });
    await runEvaluator(ev);
    const metrics = JSON.parse(fs.readFileSync(path.join(ev.outputs['evaluation']!.uri, 'metrics.json'), 'utf8')) as MetricsFile;
    assert.ok((metrics.candidate.overall['accuracy'] as number) >= 0.95, `accuracy ${metrics.candidate.overall['accuracy']}`);
    assert.deepEqual(fs.readdirSync(ev.outputs['blessing']!.uri), ['BLESSED']);
    const islands = metrics.candidate.slices.filter((s) => 'Island' in s.slice);
    assert.deepEqual(islands.map((s) => s.slice['Island']).sort(), ['Biscoe', 'Dream', 'Torgersen']);
    assert.equal(islands.reduce((a, s) => a + s.count, 0), metrics.candidate.count);

    const evalRows = await readSplitRows(raw, 'eval');
    const served = await loadModel(model.uri);
    // Raw records as a client would send them: only the raw feature columns, no label.
    const requests = evalRows.map(({ Species: _label, ...features }) => features);
    const predictions = predict(served, requests);
    disposeModel(served);
    const evaluator = (await readParquetRows(path.join(ev.outputs['evaluation']!.uri, 'predictions.parquet'))).rows;
    assert.equal(predictions.length, evaluator.length);
    assert.deepEqual(
      predictions.map((p) => (p.kind === 'classification' ? p.label : p.value)),
      evaluator.map((r) => r['prediction']),
    );
    const correct = predictions.filter((p, i) => p.kind === 'classification' && p.label === evalRows[i]?.['Species']).length;
    assert.equal(correct / evalRows.length, metrics.candidate.overall['accuracy']);
  });

  it('is reproducible: the same seed gives the same weights', async () => {
    const a = await train({ epochs: 2, backend: 'cpu' });
    const b = await train({ epochs: 2, backend: 'cpu' });
    const weights = (ctx: TestContext): Buffer => fs.readFileSync(path.join(ctx.outputs['model']!.uri, 'Format-Serving', 'weights.bin'));
    assert.equal(a.outputs['model']!.customProperties['backend'], 'cpu');
    assert.ok(weights(a).equals(weights(b)));
    const c = await train({ epochs: 2, backend: 'cpu', seed: 7 });
    assert.ok(!weights(a).equals(weights(c)));
  });

  it('two Trainers at once with different backends each train as they would alone (one TF.js backend per process)', async () => {
    const [onCpu, onBest] = await Promise.all([train({ epochs: 3, backend: 'cpu' }), train({ epochs: 3, backend: EXPECTED_BACKEND })]);
    const alone = await train({ epochs: 3, backend: 'cpu' });
    const weights = (ctx: TestContext): Buffer => fs.readFileSync(path.join(ctx.outputs['model']!.uri, 'Format-Serving', 'weights.bin'));
    assert.equal(onCpu.outputs['model']!.customProperties['backend'], 'cpu');
    assert.equal(onBest.outputs['model']!.customProperties['backend'], EXPECTED_BACKEND);
    assert.ok(weights(onCpu).equals(weights(alone)), 'the cpu Trainer was not disturbed by the other one');
  });

  it('warm-starts from a base model with the same architecture', async () => {
    const base = asInput(trained, 'model');
    const warm = await train({ epochs: 1 }, { base_model: [base] });
    assert.equal(warm.outputs['model']!.customProperties['warm_started'], 1);
    const first = warm.events.find((e) => e.kind === 'epoch');
    // One epoch from the trained weights is far better than one epoch from scratch.
    assert.ok(first?.kind === 'epoch' && (first.metrics['val_accuracy'] as number) >= 0.9, JSON.stringify(first));
    const other = await train({ epochs: 1, hidden_units: [4] }, { base_model: [base] });
    assert.equal(other.outputs['model']!.customProperties['warm_started'], 0);
    assert.ok(other.lines.some((l) => l.includes('different architecture')));
  });

  it('embeds categorical features when asked', async () => {
    const ctx = await train({ epochs: 3, categorical_encoding: 'embedding', embedding_dim: 2 });
    const json = fs.readFileSync(path.join(ctx.outputs['model']!.uri, 'Format-Serving', 'model.json'), 'utf8');
    assert.match(json, /_embedding/);
    const served = await loadModel(ctx.outputs['model']!.uri);
    const [p] = predict(served, [{ Island: 'Dream', 'Beak Length (mm)': 49, 'Beak Depth (mm)': 18.5, 'Flipper Length (mm)': 195, 'Body Mass (g)': 3800, Sex: 'MALE' }]);
    disposeModel(served);
    assert.ok(p?.kind === 'classification' && Math.abs(Object.values(p.probabilities).reduce((a, b) => a + b, 0) - 1) < 1e-4);
  });

  it('runs a run_fn module with typed access to splits, hyperparameters and a model sink', async () => {
    const module = path.join(root, 'train_module.ts');
    fs.writeFileSync(
      module,
      `export async function run(fnArgs: any) {
        fnArgs.log('rows ' + fnArgs.train.rows.length + ' lr ' + fnArgs.hyperparameters.learning_rate + ' units ' + fnArgs.hyperparameters.units);
        const model = fnArgs.buildDefaultModel([fnArgs.hyperparameters.units]);
        const result = await fnArgs.fit(model, { epochs: 2 });
        fnArgs.sink.save(model, result.history);
      }`,
    );
    const ctx = await train({ module: 'train_module.ts', hyperparameters: { units: 6 } });
    assert.ok(ctx.lines.includes(`rows ${(await readSplitRows(raw, 'train')).length} lr 0.01 units 6`), ctx.lines.join('\n'));
    assert.equal(ctx.events.filter((e) => e.kind === 'epoch').length, 2);
    const json = fs.readFileSync(path.join(ctx.outputs['model']!.uri, 'Format-Serving', 'model.json'), 'utf8');
    assert.match(json, /"units":6/);
  });

  it('runs the sample trainer_module.ts to the same accuracy', async () => {
    const ctx = await train({ module: path.join(REPO, 'samples', 'penguin', 'trainer_module.ts'), hyperparameters: { units: [16, 8], epochs: 30 } });
    assert.ok(ctx.lines.some((l) => l.startsWith(`custom trainer on ${EXPECTED_BACKEND}: `)), ctx.lines.join('\n'));
    assert.ok((ctx.outputs['model']!.customProperties['val_accuracy'] as number) >= 0.95, JSON.stringify(ctx.outputs['model']!.customProperties));
    assert.match(fs.readFileSync(path.join(ctx.outputs['model']!.uri, 'Format-Serving', 'model.json'), 'utf8'), /Dropout/);
  });

  it('stops between epochs when cancelled', async () => {
    const ctx = context(root, { componentId: 'trainer', params: { label: 'Species', epochs: 50, patience: 0 }, inputs: { examples: [transformed], transform_graph: [graph] }, outputs: { model: 'Model' } });
    const controller = new AbortController();
    ctx.signal = controller.signal;
    ctx.emit = (e) => {
      ctx.events.push(e);
      if (e.kind === 'epoch' && e.epoch === 2) controller.abort();
    };
    await assert.rejects(runTrainer(ctx), /cancelled/);
    assert.equal(ctx.events.length, 2);
    assert.ok(!fs.existsSync(path.join(ctx.outputs['model']!.uri, 'Format-Serving', 'model.json')));
  });

  it('explains a wrong label or split instead of crashing', async () => {
    await assert.rejects(train({ label: 'species' }), (e: unknown) => e instanceof ComponentError && e.message.includes('"species"') && e.message.includes('Beak Length (mm)'));
    await assert.rejects(train({ train_split: 'training' }), (e: unknown) => e instanceof ComponentError && e.message.includes('"training"'));
    await assert.rejects(train({ hidden_units: [0] }), (e: unknown) => e instanceof ComponentError && e.message.includes('params.hidden_units'));
  });

  it('trains a regressor on raw examples without a TransformGraph, and evaluates it', async () => {
    const ctx = context(root, {
      componentId: 'trainer',
      params: { label: 'Body Mass (g)', epochs: 60, hidden_units: [16], learning_rate: 0.02, patience: 10 },
      inputs: { examples: [raw] },
      outputs: { model: 'Model' },
    });
    await runTrainer(ctx);
    assert.equal(ctx.outputs['model']!.customProperties['task'], 'regression');
    // Text columns of the raw data become categories with vocabularies built on train.
    assert.ok(ctx.lines.some((l) => l.includes('Species (category)') && l.includes('Island (category)')), ctx.lines.join('\n'));
    const model = asInput(ctx, 'model');
    const ev = context(root, {
      componentId: 'evaluator',
      params: { slices: [['Species']], thresholds: { r2: { lower_bound: 0.5 } } },
      inputs: { examples: [raw], model: [model] },
      outputs: { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' },
    });
    await runEvaluator(ev);
    const m = JSON.parse(fs.readFileSync(path.join(ev.outputs['evaluation']!.uri, 'metrics.json'), 'utf8')) as MetricsFile;
    assert.equal(m.label, 'Body Mass (g)', 'the label defaults to the one the model was trained on');
    const r2 = m.candidate.overall['r2'] as number;
    assert.ok(r2 > 0.5, `r2 ${r2}`);
    assert.ok((m.candidate.overall['rmse'] as number) < 600, `rmse ${m.candidate.overall['rmse']}`);
    assert.deepEqual(fs.readdirSync(ev.outputs['blessing']!.uri), ['BLESSED']);
    // predict() and the Evaluator agree on regression values too.
    const served = await loadModel(model.uri);
    const evalRows = await readSplitRows(raw, 'eval');
    const values = predict(served, evalRows).map((p) => (p.kind === 'regression' ? p.value : Number.NaN));
    disposeModel(served);
    const evaluator = (await readParquetRows(path.join(ev.outputs['evaluation']!.uri, 'predictions.parquet'))).rows.map((r) => r['prediction'] as number);
    values.forEach((v, i) => assert.ok(Math.abs(v - (evaluator[i] as number)) < 1e-3, `row ${i}: ${v} vs ${evaluator[i]}`));
  });

  it('puts the run_fn module content in the cache key', async () => {
    const fingerprint = trainerSpec.fingerprint as NonNullable<typeof trainerSpec.fingerprint>;
    const module = path.join(root, 'fp_module.ts');
    fs.writeFileSync(module, 'export async function run() {}\n');
    const a = await fingerprint({ params: { module: 'fp_module.ts' }, pipelineDir: root, root });
    fs.writeFileSync(module, 'export async function run() { /* changed */ }\n');
    const b = await fingerprint({ params: { module: 'fp_module.ts' }, pipelineDir: root, root });
    assert.notEqual(a, b);
    assert.equal(await fingerprint({ params: {}, pipelineDir: root, root }), '');
  });
});

describe('model turns (one TF.js backend per process)', () => {
  it('run one at a time in order, and a step canceled while it waits leaves the queue at once', async () => {
    const order: string[] = [];
    let finishA!: () => void;
    const a = withModelTurn(undefined, async () => {
      order.push('a starts');
      await new Promise<void>((r) => (finishA = r));
      order.push('a ends');
    });
    const controller = new AbortController();
    const b = withModelTurn(controller.signal, async () => {
      order.push('b ran');
    });
    const c = withModelTurn(undefined, async () => {
      order.push('c runs');
    });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await assert.rejects(b, /canceled/);
    assert.deepEqual(order, ['a starts'], 'c waits for a, b never ran');
    finishA();
    await Promise.all([a, c]);
    assert.deepEqual(order, ['a starts', 'a ends', 'c runs']);
  });
});
