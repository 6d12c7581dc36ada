// The training loop: seeded shuffling, one fit() per epoch, validation on the eval split, early stopping
// that restores the best weights (tfjs' own earlyStopping callback cannot restore them).
import * as tf from '@tensorflow/tfjs';
import { ComponentError } from '../components/spec';
import { inputTensors } from './dnn';
import type { EncodedInputs, FeatureSpec } from './featureSpec';
import { seededRandom } from './seededRandom';

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
}

export interface TrainSet {
  inputs: EncodedInputs;
  /** Class indices or standardised targets, as encodeLabels returns them. */
  labels: Float32Array;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  /** Epochs without val_loss improvement before stopping; 0 disables early stopping. */
  patience: number;
  seed: number;
  signal?: AbortSignal;
  onEpoch?: (record: EpochRecord) => void;
  /**
   * Batches per fit() call before training yields to the event loop (default 32, about 50 ms at batch 32
   * on wasm). The Trainer runs in the runtime's process beside other steps (DuckDB statistics, validation
   * as the user types): an epoch fitted in one call starved them for its whole length. A count, not a
   * time budget: the slices, and so the recorded epoch losses, must be the same on every run.
   */
  batchesPerSlice?: number;
}

export interface FitResult {
  history: EpochRecord[];
  /** 1-based epoch whose weights the model holds at the end. */
  bestEpoch: number;
  stoppedEarly: boolean;
  trainExamples: number;
  /** Training throughput (examples processed / seconds inside fit). */
  examplesPerSecond: number;
}

/** Keep only rows whose label is known (class −1 or a NaN target means missing). */
export function withKnownLabels(set: TrainSet, spec: FeatureSpec): TrainSet {
  const classification = spec.label.kind === 'classification';
  const keep: number[] = [];
  set.labels.forEach((y, i) => {
    if (!Number.isNaN(y) && !(classification && y < 0)) keep.push(i);
  });
  return keep.length === set.inputs.count ? set : selectRows(set, keep);
}

export function selectRows(set: TrainSet, rows: number[]): TrainSet {
  const { inputs } = set;
  const width = inputs.dense ? inputs.dense.length / Math.max(1, inputs.count) : 0;
  const dense = inputs.dense ? new Float32Array(rows.length * width) : undefined;
  const indices = inputs.indices.map(() => new Int32Array(rows.length));
  const labels = new Float32Array(rows.length);
  rows.forEach((src, dst) => {
    if (dense && inputs.dense) dense.set(inputs.dense.subarray(src * width, (src + 1) * width), dst * width);
    inputs.indices.forEach((col, k) => ((indices[k] as Int32Array)[dst] = col[src] as number));
    labels[dst] = set.labels[src] as number;
  });
  return { inputs: { count: rows.length, dense, indices }, labels };
}

function permutation(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

function scalars(result: tf.Scalar | tf.Scalar[]): number[] {
  const list = Array.isArray(result) ? result : [result];
  const values = list.map((s) => s.dataSync()[0] as number);
  tf.dispose(list);
  return values;
}

const DEFAULT_BATCHES_PER_SLICE = 32;

/**
 * One epoch over (x, y), in order, as fit() calls on consecutive slices whose sizes are whole batches,
 * yielding to the event loop between them. The batches are exactly those of one fit() over the epoch
 * (same rows, same order, the optimizer's state carried over), so the weights are the same bit for bit.
 * Per-batch yields (tfjs' yieldEvery) would cost 3x at batch 32: they resolve every batch's loss.
 * The epoch's loss and accuracy are the batch-size-weighted means, as tfjs' BaseLogger takes them.
 */
async function fitEpochInSlices(model: tf.LayersModel, x: tf.Tensor[], y: tf.Tensor, options: FitOptions): Promise<{ loss: number; accuracy?: number }> {
  const n = y.shape[0] ?? 0;
  const batches = options.batchesPerSlice ?? DEFAULT_BATCHES_PER_SLICE;
  const sliceRows = Number.isFinite(batches) ? options.batchSize * Math.max(1, Math.floor(batches)) : n;
  let lossSum = 0;
  let accSum = 0;
  let hasAcc = false;
  for (let start = 0; start < n; ) {
    if (options.signal?.aborted) throw new ComponentError('training was cancelled');
    const rows = Math.min(sliceRows, n - start);
    const xs = x.map((t) => t.slice(start, rows));
    const ys = y.slice(start, rows);
    const h = await model.fit(xs, ys, { epochs: 1, batchSize: options.batchSize, shuffle: false, verbose: 0, yieldEvery: 'never' });
    tf.dispose([...xs, ys]);
    lossSum += Number(h.history['loss']?.[0]) * rows;
    const acc = h.history['acc'] ?? h.history['accuracy'];
    if (acc) {
      hasAcc = true;
      accSum += Number(acc[0]) * rows;
    }
    start += rows;
    if (start < n) await new Promise((resolve) => setImmediate(resolve));
  }
  return { loss: n ? lossSum / n : NaN, ...(hasAcc ? { accuracy: accSum / n } : {}) };
}

export async function fitModel(model: tf.LayersModel, spec: FeatureSpec, train: TrainSet, evalSet: TrainSet | undefined, options: FitOptions): Promise<FitResult> {
  if (train.inputs.count === 0) throw new ComponentError('the train split has no rows with a known label', 'Check the label column and the split sizes.');
  const classification = spec.label.kind === 'classification';
  const random = seededRandom(options.seed);
  const history: EpochRecord[] = [];
  let best: { loss: number; epoch: number; weights: tf.Tensor[] } | undefined;
  let sinceBest = 0;
  let stoppedEarly = false;
  let fitMillis = 0;
  let processed = 0;
  const evalTensors = evalSet && evalSet.inputs.count > 0 ? { x: inputTensors(spec, evalSet.inputs), y: tf.tensor1d(evalSet.labels, 'float32') } : undefined;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      if (options.signal?.aborted) throw new ComponentError('training was cancelled');
      const shuffled = selectRows(train, permutation(train.inputs.count, random));
      const x = inputTensors(spec, shuffled.inputs);
      const y = tf.tensor1d(shuffled.labels, 'float32');
      const started = performance.now();
      const epochLogs = await fitEpochInSlices(model, x, y, options);
      fitMillis += performance.now() - started;
      processed += train.inputs.count;
      tf.dispose([...x, y]);
      const record: EpochRecord = { epoch, loss: epochLogs.loss };
      if (classification && epochLogs.accuracy !== undefined) record.accuracy = epochLogs.accuracy;
      if (evalTensors) {
        const [valLoss, valAcc] = scalars(model.evaluate(evalTensors.x, evalTensors.y, { batchSize: 1024 }));
        record.val_loss = valLoss;
        if (classification && valAcc !== undefined) record.val_accuracy = valAcc;
      }
      history.push(record);
      options.onEpoch?.(record);
      const monitored = record.val_loss ?? record.loss;
      if (!best || monitored < best.loss - 1e-7) {
        if (best) tf.dispose(best.weights);
        best = { loss: monitored, epoch, weights: model.getWeights().map((w) => w.clone()) };
        sinceBest = 0;
      } else if (options.patience > 0 && ++sinceBest >= options.patience) {
        stoppedEarly = true;
        break;
      }
      // Let cancellation and log lines through between epochs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (best && best.epoch !== history.length) model.setWeights(best.weights);
  } finally {
    if (best) tf.dispose(best.weights);
    if (evalTensors) tf.dispose([...evalTensors.x, evalTensors.y]);
  }
  return {
    history,
    bestEpoch: best?.epoch ?? history.length,
    stoppedEarly,
    trainExamples: train.inputs.count,
    examplesPerSecond: fitMillis > 0 ? processed / (fitMillis / 1000) : 0,
  };
}
