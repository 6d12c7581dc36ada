// Trainer: a TensorFlow.js DNN from params, or the user's run_fn (params.module), on transformed examples.
import type * as PythonRuntime from '../model/pythonRuntime';
import type * as TrainerExecutor from './trainer.executor';
import { moduleFingerprint } from './functionModule';
import type { ExecutorComponentSpec } from './spec';

export const trainerSpec: ExecutorComponentSpec = {
  type: 'Trainer',
  doc: 'Trains a TensorFlow.js model (tfjs-node when installed, else wasm, else cpu). Without code: a DNN classifier or regressor from params, early stopping on the eval split. With `module`: your `run(fnArgs)` (TS/JS) or `run_fn(fn_args)` (Python: PyTorch exported to ONNX, scikit-learn pickled with a predict_fn). The Model holds the TF.js model, the TransformGraph and the training curves, so predict() takes raw records.',
  executionType: 'tfx.components.trainer.component.Trainer',
  baseType: 'mlmd.Train',
  kind: 'executor',
  inputs: {
    examples: { type: 'Examples', doc: 'Training data: usually Transform’s transformed_examples (splits `train` and `eval`).' },
    transform_graph: { type: 'TransformGraph', doc: 'Transform’s program: its vocabularies size the inputs and it is stored in the model for serving.', optional: true },
    schema: { type: 'Schema', doc: 'Passed to a run_fn module as fnArgs.schema.', optional: true },
    base_model: { type: 'Model', doc: 'Warm start: initial weights from this model (e.g. from a latest_blessed_model Resolver) when the architecture matches.', optional: true },
  },
  outputs: {
    model: { type: 'Model', doc: '`Format-Serving/`: model.json + weights.bin, feature_spec.json, transform_graph.json, history.json. Custom property `backend`.' },
  },
  params: {
    label: { type: 'string', required: true, doc: 'Label column (raw name; Transform may encode it).' },
    task: { type: 'string', enum: ['auto', 'classification', 'regression'], default: 'auto', doc: '`auto`: text, class-encoded labels and a few distinct whole numbers (0/1, up to 10 values) -> classification, other numbers -> regression; the log says which and why.' },
    hidden_units: { type: 'array', default: [16, 8], doc: 'Units of each hidden ReLU layer.', schema: { items: { type: 'integer', minimum: 1 } } },
    epochs: { type: 'integer', default: 40, doc: 'Maximum epochs.' },
    batch_size: { type: 'integer', default: 32, doc: 'Mini-batch size.' },
    learning_rate: { type: 'number', default: 0.01, doc: 'Adam learning rate.' },
    patience: { type: 'integer', default: 5, doc: 'Early stopping: epochs without eval-loss improvement before stopping (best weights are kept); 0 = off.' },
    seed: { type: 'integer', default: 42, doc: 'Seed of the initialisers and of the shuffling, for reproducible models.' },
    categorical_encoding: { type: 'string', enum: ['one_hot', 'embedding'], default: 'one_hot', doc: 'How categorical features enter the network.' },
    embedding_dim: { type: 'integer', default: 4, doc: 'Embedding width when categorical_encoding is `embedding`.' },
    exclude: { type: 'array', default: [], doc: 'Columns not to use as features.', schema: { items: { type: 'string' } } },
    train_split: { type: 'string', default: 'train', doc: 'Split to train on.' },
    eval_split: { type: 'string', default: 'eval', doc: 'Split for validation and early stopping.' },
    backend: { type: 'string', enum: ['auto', 'tensorflow', 'wasm', 'cpu'], default: 'auto', doc: 'TF.js backend; `auto` = tensorflow (tfjs-node) -> wasm -> cpu.' },
    module: {
      type: 'path',
      mustExist: 'file',
      doc: 'A TS/JS file exporting `run(fnArgs)`, or a Python file defining `run_fn(fn_args)` (TFX run_fn) that writes model.onnx, or model.pkl with a `predict_fn`, into fn_args.serving_model_dir. Its content (and the Python version) is part of the cache key. Trusted workspaces only.',
    },
    data_format: { type: 'string', enum: ['parquet', 'csv'], default: 'parquet', doc: 'How a Python module gets the examples: Parquet files (pandas needs pyarrow or fastparquet) or CSV copies (pandas only).' },
    custom_config: { type: 'object', doc: 'Free-form values passed to a Python module as fn_args.custom_config (TFX custom_config).' },
    hyperparameters: { type: 'object', doc: 'Free-form values passed to a module as fnArgs.hyperparameters.' },
  },
  // Loaded on first use: TF.js costs ~0.3 s to load, which a CLI that runs nothing should not pay.
  executor: async (ctx) => (require('./trainer.executor') as typeof TrainerExecutor).runTrainer(ctx),
  fingerprint: async ({ params, pipelineDir }) => {
    const module = moduleFingerprint(params['module'], pipelineDir);
    if (typeof params['module'] !== 'string' || !params['module'].toLowerCase().endsWith('.py')) return module;
    // The interpreter's version is part of what trained the model (a missing one fails at run time).
    const { pythonInterpreter, pythonVersion } = require('../model/pythonRuntime') as typeof PythonRuntime;
    const version = await pythonVersion(pythonInterpreter()).catch(() => 'no-python');
    return `${module} python ${version}`;
  },
};
