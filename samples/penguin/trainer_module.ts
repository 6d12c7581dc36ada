// An example Trainer module (TFX's run_fn): use it with
//   trainer: {type: Trainer, ..., params: {label: Species, module: trainer_module.ts, hyperparameters: {units: [32, 16], epochs: 60}}}
// The runtime passes everything in `fnArgs`, including TensorFlow.js itself, so this file needs no imports
// at run time; the type import below is for the editor only (it is erased when the module is bundled), and
// resolves in any workspace through the extension's TypeScript plugin.
import type { TrainerFnArgs } from 'mlpipe';

type SymbolicTensor = ReturnType<TrainerFnArgs['tf']['input']>;

export async function run(fnArgs: TrainerFnArgs): Promise<void> {
  const { tf, hyperparameters, train } = fnArgs;
  const units = Array.isArray(hyperparameters['units']) ? (hyperparameters['units'] as number[]) : [32, 16];
  const epochs = typeof hyperparameters['epochs'] === 'number' ? hyperparameters['epochs'] : 60;
  fnArgs.log(`custom trainer on ${fnArgs.backend}: ${train.rows.length} rows, hidden units ${units.join('x')}`);

  // Start from the built-in network for this feature spec, then add dropout before the head: the model's
  // inputs must stay those of the feature spec, so predict() can feed it.
  const base = fnArgs.buildDefaultModel(units);
  const head = base.layers[base.layers.length - 1];
  const features = base.layers[base.layers.length - 2];
  if (!head || !features) throw new Error('unexpected default model');
  const dropped = tf.layers.dropout({ rate: 0.1, seed: 7 }).apply(features.output as SymbolicTensor);
  const output = head.apply(dropped) as SymbolicTensor;
  const model = tf.model({ inputs: base.inputs, outputs: output });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

  const result = await fnArgs.fit(model, { epochs, patience: 8 });
  fnArgs.log(`best epoch ${result.bestEpoch} of ${result.history.length}`);
  fnArgs.sink.save(model, result.history);
}
