// The built-in DNN (TFX's DNN estimator without code): dense input for numerics and one-hot categories,
// one embedding input per embedded category, hidden ReLU layers, softmax or linear head.
import * as tf from '@tensorflow/tfjs';
import { categorySize, denseWidth, embeddedFeatures, type EncodedInputs, type FeatureSpec } from './featureSpec';

export interface DnnOptions {
  hiddenUnits: number[];
  seed: number;
}

export const DENSE_INPUT_NAME = 'dense_features';

export function buildDnn(spec: FeatureSpec, options: DnnOptions): tf.LayersModel {
  // Seeded initialisers: the same data and params give the same model (stable tests and caching).
  let seed = options.seed;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const inputs: tf.SymbolicTensor[] = [];
  const parts: tf.SymbolicTensor[] = [];
  const width = denseWidth(spec);
  if (width > 0) {
    const dense = tf.input({ shape: [width], name: DENSE_INPUT_NAME });
    inputs.push(dense);
    parts.push(dense);
  }
  for (const f of embeddedFeatures(spec)) {
    // An embedding as one-hot x a bias-free dense layer: the same function as tf.layers.embedding, but
    // its gradient needs no UnsortedSegmentSum kernel, which the wasm backend lacks.
    const input = tf.input({ shape: [categorySize(f)], name: `${f.tensorName}_onehot` });
    inputs.push(input);
    parts.push(
      tf.layers
        .dense({ units: f.embeddingDim, useBias: false, kernelInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed++ }), name: `${f.tensorName}_embedding` })
        .apply(input) as tf.SymbolicTensor,
    );
  }
  let x = parts.length === 1 ? (parts[0] as tf.SymbolicTensor) : (tf.layers.concatenate({ name: 'features' }).apply(parts) as tf.SymbolicTensor);
  options.hiddenUnits.forEach((units, i) => {
    x = tf.layers.dense({ units, activation: 'relu', kernelInitializer: init(), name: `hidden_${i}` }).apply(x) as tf.SymbolicTensor;
  });
  const label = spec.label;
  const output =
    label.kind === 'classification'
      ? tf.layers.dense({ units: label.classes.length, activation: 'softmax', kernelInitializer: init(), name: 'probabilities' }).apply(x)
      : tf.layers.dense({ units: 1, kernelInitializer: init(), name: 'prediction' }).apply(x);
  return tf.model({ inputs, outputs: output as tf.SymbolicTensor, name: 'mlpipe_dnn' });
}

/** Tensors in the model's input order; the caller disposes them. */
export function inputTensors(spec: FeatureSpec, encoded: EncodedInputs): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  if (encoded.dense) out.push(tf.tensor2d(encoded.dense, [encoded.count, denseWidth(spec)]));
  embeddedFeatures(spec).forEach((f, i) => {
    out.push(tf.tidy(() => tf.oneHot(tf.tensor1d(encoded.indices[i] as Int32Array, 'int32'), categorySize(f)).toFloat()));
  });
  return out;
}

export function compileModel(model: tf.LayersModel, spec: FeatureSpec, learningRate: number): void {
  const classification = spec.label.kind === 'classification';
  model.compile({
    optimizer: tf.train.adam(learningRate),
    loss: classification ? 'sparseCategoricalCrossentropy' : 'meanSquaredError',
    metrics: classification ? ['accuracy'] : [],
  });
}
