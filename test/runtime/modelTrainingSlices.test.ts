// The training loop fits each epoch in slices and yields to the event loop between them, so a Trainer
// does not starve the steps running beside it in the same process. Slicing must not change the model.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../runtime/model/backend';
import { buildDnn, compileModel } from '../../runtime/model/dnn';
import { buildFeatureSpec, encodeFeatures, encodeLabels, type FeatureSpec } from '../../runtime/model/featureSpec';
import { fitModel, withKnownLabels, type FitResult, type TrainSet } from '../../runtime/model/training';
import { penguinExamples, penguinTransform, readSplitRows, tempDir } from './modelFixtures';

describe('training in slices', () => {
  let root: string;
  let spec: FeatureSpec;
  let data: TrainSet;

  before(async () => {
    await selectBackend('cpu');
    root = tempDir('mlpipe-slices-');
    const raw = await penguinExamples(root);
    const { transformed } = await penguinTransform(root, raw);
    const rows = await readSplitRows(transformed, 'train');
    const columns = Object.keys(rows[0] ?? {});
    spec = buildFeatureSpec(columns, rows as never, undefined, { label: 'Species', task: 'auto', categorical: 'one_hot', embeddingDim: 4, exclude: [] });
    data = withKnownLabels({ inputs: encodeFeatures(spec, rows), labels: encodeLabels(spec, rows, 'transformed') }, spec);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  async function train(batchesPerSlice?: number): Promise<{ weights: Float32Array[]; result: FitResult; turns: number }> {
    const model = buildDnn(spec, { hiddenUnits: [8], seed: 7 });
    compileModel(model, spec, 0.01);
    // A macrotask that reschedules itself: it runs once each time training gives the event loop a turn.
    let turns = 0;
    let running = true;
    const tick = (): void => {
      if (!running) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const result = await fitModel(model, spec, data, undefined, { epochs: 3, batchSize: 8, patience: 0, seed: 3, ...(batchesPerSlice !== undefined ? { batchesPerSlice } : {}) });
    running = false;
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    model.dispose();
    return { weights, result, turns };
  }

  test('slices of one batch give the same weights and losses as whole epochs, and let the event loop run within an epoch', async () => {
    const whole = await train(Number.POSITIVE_INFINITY);
    const sliced = await train(1);
    assert.equal(sliced.weights.length, whole.weights.length);
    sliced.weights.forEach((w, i) => assert.deepEqual(Array.from(w), Array.from(whole.weights[i]!), `weight tensor ${i} differs`));
    sliced.result.history.forEach((r, i) => assert.ok(Math.abs(r.loss - whole.result.history[i]!.loss) < 1e-5, `epoch ${i + 1} loss ${r.loss} vs ${whole.result.history[i]!.loss}`));
    // One turn per slice: with one-batch slices, at least one per batch of every epoch.
    const batchesPerEpoch = Math.ceil(data.inputs.count / 8);
    assert.ok(sliced.turns >= 3 * (batchesPerEpoch - 1), `the event loop ran ${sliced.turns} times in ${3 * batchesPerEpoch} batches`);
    assert.ok(whole.turns < sliced.turns / 4, `whole epochs: ${whole.turns} turns; sliced: ${sliced.turns}`);
    assert.ok(tf.memory().numTensors < 200, `tensors leak: ${tf.memory().numTensors}`);
  });

  test('the default slicing records the same epoch losses on every run (a model artifact is reproducible)', async () => {
    const a = await train();
    const b = await train();
    assert.deepEqual(b.result.history, a.result.history);
  });
});
