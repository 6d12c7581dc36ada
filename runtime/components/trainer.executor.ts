// Trainer executor: reads the transformed splits, builds the feature spec, trains the built-in DNN or
// runs the user's run_fn, and writes the Model artifact (TF.js model + TransformGraph + curves).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { EXAMPLES_FILE, MODEL_DIR, SCHEMA_FILE, splitDir, splitNames, TRANSFORM_GRAPH_FILE } from '../../common/artifacts';
import { loadUserModule } from './functionModule';
import { ComponentError, type ExecutorContext, type ExecutorResult, type InputArtifact } from './spec';
import { parseTransformProgram, type TransformProgram } from '../data/transformProgram';
import { type BackendName, selectBackend, withModelTurn } from '../model/backend';
import { buildDnn, compileModel, inputTensors } from '../model/dnn';
import { buildFeatureSpec, encodeFeatures, encodeLabels, FEATURE_SPEC_FILE, type FeatureSpec } from '../model/featureSpec';
import { loadModelFiles, saveModelFiles } from '../model/modelFiles';
import { enumParam, integerListParam, numberParam, objectParam, optionalString, stringListParam, stringParam } from '../model/paramReading';
import { readParquetRows, type Row } from '../model/parquetRows';
import type { TrainerFnArgs, TrainerSplit } from '../model/trainerModule';
import { isPythonModule, runPythonTrainer } from './trainer.python';
import { fitModel, withKnownLabels, type EpochRecord, type FitOptions, type FitResult, type TrainSet } from '../model/training';

export const HISTORY_FILE = 'history.json';

export interface TrainerSettings {
  label: string;
  task: 'auto' | 'classification' | 'regression';
  hiddenUnits: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  seed: number;
  categorical: 'one_hot' | 'embedding';
  embeddingDim: number;
  exclude: string[];
  trainSplit: string;
  evalSplit: string;
  backend: 'auto' | BackendName;
  module?: string;
  hyperparameters: Record<string, unknown>;
}

export function readTrainerSettings(params: Record<string, unknown>): TrainerSettings {
  return {
    label: stringParam(params, 'label'),
    task: enumParam(params, 'task', ['auto', 'classification', 'regression'] as const, 'auto'),
    hiddenUnits: integerListParam(params, 'hidden_units', [16, 8]),
    epochs: numberParam(params, 'epochs', 40, { integer: true, min: 1 }),
    batchSize: numberParam(params, 'batch_size', 32, { integer: true, min: 1 }),
    learningRate: numberParam(params, 'learning_rate', 0.01, { min: 0 }),
    patience: numberParam(params, 'patience', 5, { integer: true, min: 0 }),
    seed: numberParam(params, 'seed', 42, { integer: true }),
    categorical: enumParam(params, 'categorical_encoding', ['one_hot', 'embedding'] as const, 'one_hot'),
    embeddingDim: numberParam(params, 'embedding_dim', 4, { integer: true, min: 1 }),
    exclude: stringListParam(params, 'exclude', []),
    trainSplit: stringParam(params, 'train_split', 'train'),
    evalSplit: stringParam(params, 'eval_split', 'eval'),
    backend: enumParam(params, 'backend', ['auto', 'tensorflow', 'wasm', 'cpu'] as const, 'auto'),
    module: optionalString(params, 'module'),
    hyperparameters: objectParam(params, 'hyperparameters'),
  };
}

function single(ctx: ExecutorContext, key: string, required: true): InputArtifact;
function single(ctx: ExecutorContext, key: string, required: false): InputArtifact | undefined;
function single(ctx: ExecutorContext, key: string, required: boolean): InputArtifact | undefined {
  const list = ctx.inputs[key] ?? [];
  if (list.length === 0 && required) throw new ComponentError(`input "${key}" is required`, `Wire it in the pipeline file: inputs: {${key}: <component>.<output>}`);
  return list[0];
}

export async function readSplit(examples: InputArtifact, split: string): Promise<{ columns: string[]; rows: Row[] }> {
  const names = splitNames(examples.properties).concat(splitNames(examples.customProperties));
  const file = path.join(examples.uri, splitDir(split), EXAMPLES_FILE);
  if (!fs.existsSync(file)) {
    throw new ComponentError(
      `split "${split}" not found in the examples (${names.length ? `splits: ${[...new Set(names)].join(', ')}` : examples.uri})`,
      'Set params.train_split / params.eval_split to existing splits, or change the ExampleGen splits.',
    );
  }
  return readParquetRows(file);
}

export function readProgram(artifact: InputArtifact | undefined): TransformProgram | undefined {
  if (!artifact) return undefined;
  const file = path.join(artifact.uri, TRANSFORM_GRAPH_FILE);
  if (!fs.existsSync(file)) throw new ComponentError(`${file} is missing: the transform_graph input is not a Transform output`);
  try {
    return parseTransformProgram(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ComponentError(`${file}: ${err instanceof Error ? err.message : String(err)}`, 'Re-run Transform.');
  }
}

function trainSet(spec: FeatureSpec, rows: Row[]): TrainSet {
  return withKnownLabels({ inputs: encodeFeatures(spec, rows), labels: encodeLabels(spec, rows, 'transformed') }, spec);
}

/** Copy weights of a previous model when its layers have the same shapes; say why not otherwise. */
async function warmStart(model: tf.LayersModel, base: InputArtifact, log: (l: string) => void): Promise<boolean> {
  const dir = fs.existsSync(path.join(base.uri, MODEL_DIR)) ? path.join(base.uri, MODEL_DIR) : base.uri;
  let previous: tf.LayersModel;
  try {
    previous = await loadModelFiles(dir);
  } catch (err) {
    log(`warm start skipped: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
  try {
    const from = previous.getWeights();
    const to = model.getWeights();
    const same = from.length === to.length && from.every((w, i) => w.shape.join('x') === (to[i] as tf.Tensor).shape.join('x'));
    if (!same) {
      log(`warm start skipped: base model ${base.id} has a different architecture`);
      return false;
    }
    model.setWeights(from);
    log(`warm start from model ${base.id} (${base.uri})`);
    return true;
  } finally {
    previous.dispose();
  }
}

/** The executor: it waits for its turn with TF.js's process-wide backend (see withModelTurn). */
export async function runTrainer(ctx: ExecutorContext): Promise<ExecutorResult> {
  const settings = readTrainerSettings(ctx.params);
  // A Python run_fn trains in its own process: it needs neither TF.js nor its turn.
  if (isPythonModule(settings.module)) {
    return runPythonTrainer(ctx, { ...settings, module: settings.module }, {
      examples: single(ctx, 'examples', true),
      transformGraph: single(ctx, 'transform_graph', false),
      program: readProgram(single(ctx, 'transform_graph', false)),
      schema: single(ctx, 'schema', false),
      base: single(ctx, 'base_model', false),
    });
  }
  return withModelTurn(ctx.signal, () => trainInTurn(ctx));
}

async function trainInTurn(ctx: ExecutorContext): Promise<ExecutorResult> {
  const settings = readTrainerSettings(ctx.params);
  const examples = single(ctx, 'examples', true);
  const program = readProgram(single(ctx, 'transform_graph', false));
  const base = single(ctx, 'base_model', false);
  const schemaInput = single(ctx, 'schema', false);
  const out = ctx.outputs['model'];
  if (!out) throw new Error('Trainer has no "model" output');

  const choice = await selectBackend(settings.backend);
  for (const note of choice.notes) ctx.log(`backend: ${note}`);
  ctx.log(`TensorFlow.js backend: ${choice.backend}`);

  const train = await readSplit(examples, settings.trainSplit);
  const evalData = await readSplit(examples, settings.evalSplit).catch((err: unknown) => {
    if (err instanceof ComponentError) {
      ctx.log(`no eval split "${settings.evalSplit}": early stopping watches the training loss`);
      return undefined;
    }
    throw err;
  });
  const spec = buildFeatureSpec(train.columns, train.rows, program, {
    label: settings.label,
    task: settings.task,
    categorical: settings.categorical,
    embeddingDim: settings.embeddingDim,
    exclude: settings.exclude,
    onTaskChosen: (reason) => ctx.log(`task: ${reason}`),
  });
  ctx.log(`features: ${spec.features.map((f) => `${f.column} (${f.kind})`).join(', ')}; label ${spec.label.column} (${spec.label.kind})`);
  const trainSetData = trainSet(spec, train.rows);
  const evalSetData = evalData ? trainSet(spec, evalData.rows) : undefined;

  const reportEpoch = (r: EpochRecord, epochs: number): void => {
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(r)) if (k !== 'epoch' && typeof v === 'number') metrics[k] = v;
    ctx.emit({ kind: 'epoch', epoch: r.epoch, epochs, metrics });
    ctx.log(`epoch ${r.epoch}/${epochs} ${Object.entries(metrics).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ')}`);
  };
  const fitDefaults: FitOptions = {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    patience: settings.patience,
    seed: settings.seed,
    signal: ctx.signal,
    onEpoch: (r) => reportEpoch(r, settings.epochs),
  };
  const newModel = (hiddenUnits = settings.hiddenUnits): tf.LayersModel => {
    const m = buildDnn(spec, { hiddenUnits, seed: settings.seed });
    compileModel(m, spec, settings.learningRate);
    return m;
  };

  let model: tf.LayersModel | undefined;
  let history: EpochRecord[] = [];
  let fit: FitResult | undefined;
  let warm = false;
  if (settings.module) {
    const mod = await loadUserModule(settings.module, ctx);
    const run = mod['run'] ?? mod['default'];
    if (typeof run !== 'function') throw new ComponentError(`${settings.module} has no \`run\` export`, 'export async function run(fnArgs: TrainerFnArgs) { … fnArgs.sink.save(model) }');
    const split = (name: string, rows: Row[], data: TrainSet): TrainerSplit => ({ name, rows, data, x: inputTensors(spec, data.inputs), y: tf.tensor1d(data.labels, 'float32') });
    const trainSplit = split(settings.trainSplit, train.rows, trainSetData);
    const evalSplit = evalData && evalSetData ? split(settings.evalSplit, evalData.rows, evalSetData) : undefined;
    let saved: { model: tf.LayersModel; history: EpochRecord[] } | undefined;
    const schemaFile = schemaInput ? path.join(schemaInput.uri, SCHEMA_FILE) : undefined;
    const fnArgs: TrainerFnArgs = {
      tf,
      backend: choice.backend,
      train: trainSplit,
      eval: evalSplit,
      featureSpec: spec,
      schema: schemaFile && fs.existsSync(schemaFile) ? (JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as unknown) : null,
      transformProgram: program,
      hyperparameters: {
        label: settings.label,
        hidden_units: settings.hiddenUnits,
        epochs: settings.epochs,
        batch_size: settings.batchSize,
        learning_rate: settings.learningRate,
        patience: settings.patience,
        seed: settings.seed,
        ...settings.hyperparameters,
      },
      buildDefaultModel: newModel,
      fit: (m, options) => fitModel(m, spec, trainSetData, evalSetData, { ...fitDefaults, ...options }),
      log: (line) => ctx.log(line),
      reportEpoch,
      sink: { save: (m, h) => (saved = { model: m, history: h ?? [] }) },
      signal: ctx.signal,
    };
    try {
      await (run as (a: TrainerFnArgs) => Promise<unknown>)(fnArgs);
    } finally {
      tf.dispose([...trainSplit.x, trainSplit.y, ...(evalSplit ? [...evalSplit.x, evalSplit.y] : [])]);
    }
    const result = saved as { model: tf.LayersModel; history: EpochRecord[] } | undefined;
    if (!result) throw new ComponentError(`${settings.module}: run() finished without calling fnArgs.sink.save(model)`);
    model = result.model;
    history = result.history;
  } else {
    model = newModel();
    try {
      if (base) warm = await warmStart(model, base, (l) => ctx.log(l));
      fit = await fitModel(model, spec, trainSetData, evalSetData, fitDefaults);
    } catch (err) {
      model.dispose();
      throw err;
    }
    history = fit.history;
    ctx.log(`trained ${fit.history.length} epoch(s) on ${fit.trainExamples} examples at ${Math.round(fit.examplesPerSecond)} examples/s; best epoch ${fit.bestEpoch}${fit.stoppedEarly ? ' (early stop)' : ''}`);
  }

  const dir = path.join(out.uri, MODEL_DIR);
  try {
    await saveModelFiles(model, dir);
  } finally {
    model.dispose();
  }
  fs.writeFileSync(path.join(dir, FEATURE_SPEC_FILE), JSON.stringify(spec, null, 2));
  if (program) fs.writeFileSync(path.join(dir, TRANSFORM_GRAPH_FILE), JSON.stringify(program));
  fs.writeFileSync(path.join(dir, HISTORY_FILE), JSON.stringify({ backend: choice.backend, bestEpoch: fit?.bestEpoch, stoppedEarly: fit?.stoppedEarly ?? false, epochs: history }, null, 2));

  const last = fit ? history[fit.bestEpoch - 1] : history[history.length - 1];
  out.customProperties['backend'] = choice.backend;
  out.customProperties['task'] = spec.label.kind;
  out.customProperties['label'] = settings.label;
  out.customProperties['epochs_run'] = history.length;
  out.customProperties['train_examples'] = trainSetData.inputs.count;
  out.customProperties['warm_started'] = warm ? 1 : 0;
  if (base) out.customProperties['base_model_id'] = base.id;
  if (last?.val_loss !== undefined) out.customProperties['val_loss'] = last.val_loss;
  if (last?.val_accuracy !== undefined) out.customProperties['val_accuracy'] = last.val_accuracy;
  if (fit) out.customProperties['examples_per_second'] = Math.round(fit.examplesPerSecond);
  return { executionProperties: { backend: choice.backend } };
}
