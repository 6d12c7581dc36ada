// The contract of a Trainer `params.module` (TFX's run_fn): `export async function run(fnArgs: TrainerFnArgs)`.
// Users import these types with `import type { TrainerFnArgs } from 'mlpipe'`
// (or copy them); at run time only the object below is passed, so the module needs no imports at all.
import type * as tf from '@tensorflow/tfjs';
import type { TransformProgram } from '../data/transformProgram';
import type { FeatureSpec } from './featureSpec';
import type { Row } from './parquetRows';
import type { EpochRecord, FitOptions, FitResult, TrainSet } from './training';

export interface TrainerSplit {
  name: string;
  /** Transformed rows as Transform wrote them (column -> value). */
  rows: Row[];
  /** The same rows encoded for the default feature spec, labels included (rows with unknown labels dropped). */
  data: TrainSet;
  /** Tensors in the default model's input order (the caller of `run` disposes them afterwards). */
  x: tf.Tensor[];
  y: tf.Tensor1D;
}

export interface TrainerFnArgs {
  /** The TensorFlow.js module with the backend already chosen (use it instead of importing your own copy). */
  tf: typeof tf;
  backend: string;
  train: TrainerSplit;
  eval?: TrainerSplit;
  /** The feature encoding the model's inputs follow; the sink stores it with the model for predict(). */
  featureSpec: FeatureSpec;
  /** The Schema artifact's schema.json, when a `schema` input is wired. */
  schema: unknown;
  transformProgram?: TransformProgram;
  /** `params.hyperparameters` merged over the built-in params (epochs, batch_size, learning_rate …). */
  hyperparameters: Record<string, unknown>;
  /** The built-in DNN for this feature spec (compiled), as a starting point. */
  buildDefaultModel(hiddenUnits?: number[]): tf.LayersModel;
  /** The built-in training loop (seeded shuffle, eval split, early stopping, epoch events). */
  fit(model: tf.LayersModel, options?: Partial<FitOptions>): Promise<FitResult>;
  log(line: string): void;
  /** Report an epoch yourself when you train with your own loop. */
  reportEpoch(record: EpochRecord, epochs: number): void;
  /** Hand over the fitted model. Its inputs must follow `featureSpec` (the default model's inputs). */
  sink: { save(model: tf.LayersModel, history?: EpochRecord[]): void };
  signal: AbortSignal;
}
