// Trainer with a Python module (TFX's run_fn): the examples are handed over as files (the Parquet the
// upstream component wrote, or CSV copies for Pythons without pyarrow), `run_fn(fn_args)` runs in its own
// process with TFX's FnArgs field names, and whatever it leaves in serving_model_dir (model.onnx, or
// model.pkl + the module's predict_fn) becomes the Model artifact, with the TransformGraph and a
// signature beside it so the Evaluator and serving can run it from raw records.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLES_FILE, MODEL_DIR, SCHEMA_FILE, splitDir, splitNames } from '../../common/artifacts';
import { ComponentError, type ExecutorContext, type ExecutorResult, type InputArtifact } from './spec';
import { queryRows, quoteIdent, quoteString, withDuckDb } from '../data/duckdbEngine';
import type { TransformProgram } from '../data/transformProgram';
import { enumParam, objectParam } from '../model/paramReading';
import { PYTHON_MODULE_FILE } from '../model/pythonModel';
import { pythonInterpreter, pythonVersion, runBridge } from '../model/pythonRuntime';
import { loadAnyModel, modelFolder } from '../model/servingModel';
import { MODEL_FILE, readSignatureFile, SIGNATURE_FILE, writeSignatureFile, type ModelFormat, type ModelSignature } from '../model/signature';
import type { TrainerSettings } from './trainer.executor';

export const DATA_FORMATS = ['parquet', 'csv'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

export function isPythonModule(module: string | undefined): module is string {
  return typeof module === 'string' && module.toLowerCase().endsWith('.py');
}

export interface PythonTrainerInputs {
  examples: InputArtifact;
  program: TransformProgram | undefined;
  transformGraph: InputArtifact | undefined;
  schema: InputArtifact | undefined;
  base: InputArtifact | undefined;
}

function splitFile(examples: InputArtifact, split: string): string {
  const file = path.join(examples.uri, splitDir(split), EXAMPLES_FILE);
  if (!fs.existsSync(file)) {
    const names = [...new Set(splitNames(examples.properties).concat(splitNames(examples.customProperties)))];
    throw new ComponentError(`split "${split}" not found in the examples (${names.length ? `splits: ${names.join(', ')}` : examples.uri})`, 'Set params.train_split / params.eval_split to existing splits.');
  }
  return file;
}

/** The label's transformed column, its classes and the task, from the TransformGraph or the train data. */
async function labelFacts(settings: TrainerSettings, program: TransformProgram | undefined, trainParquet: string, tmpDir: string): Promise<{ column: string; task: 'classification' | 'regression'; classes?: string[] }> {
  const encoded = program?.label;
  if (encoded && (encoded.source === settings.label || encoded.name === settings.label)) {
    return encoded.kind === 'classes' && settings.task !== 'regression' ? { column: encoded.name, task: 'classification', classes: encoded.classes } : { column: encoded.name, task: 'regression' };
  }
  return withDuckDb(
    async (con) => {
      const cols = await queryRows(con, `DESCRIBE SELECT * FROM read_parquet(${quoteString(trainParquet)})`);
      const col = cols.find((c) => c['column_name'] === settings.label);
      if (!col) throw new ComponentError(`label column "${settings.label}" is not in the training examples (columns: ${cols.map((c) => String(c['column_name'])).join(', ')})`, 'Set params.label to one of those columns.');
      const numeric = /INT|DOUBLE|FLOAT|DECIMAL|REAL/i.test(String(col['column_type']));
      const task = settings.task === 'auto' ? (numeric ? 'regression' : 'classification') : settings.task;
      if (task === 'regression') return { column: settings.label, task };
      const rows = await queryRows(con, `SELECT DISTINCT CAST(${quoteIdent(settings.label)} AS VARCHAR) AS c FROM read_parquet(${quoteString(trainParquet)}) WHERE ${quoteIdent(settings.label)} IS NOT NULL ORDER BY c`);
      return { column: settings.label, task, classes: rows.map((r) => String(r['c'])) };
    },
    { tmpDir },
  );
}

/** Parquet -> CSV with DuckDB (lists written as [a, b], which the bridge reads back as JSON). */
async function toCsv(files: string[], dir: string, tmpDir: string): Promise<string[]> {
  return withDuckDb(
    async (con) => {
      const out: string[] = [];
      for (const file of files) {
        const target = path.join(dir, `${path.basename(path.dirname(file))}.csv`);
        await con.run(`COPY (SELECT * FROM read_parquet(${quoteString(file)})) TO ${quoteString(target)} (FORMAT csv, HEADER true)`);
        out.push(target);
      }
      return out;
    },
    { tmpDir },
  );
}

function formatOf(dir: string, module: string): ModelFormat {
  const written = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  if (written.includes(MODEL_FILE.onnx)) return 'onnx';
  if (written.includes(MODEL_FILE.python)) {
    if (!/^\s*def\s+predict_fn\s*\(/m.test(fs.readFileSync(module, 'utf8'))) {
      throw new ComponentError(`${module} wrote model.pkl but defines no predict_fn, so the model cannot be evaluated or served`, 'Add def predict_fn(model, features): return model.predict_proba(features) (or model.predict(features) for values), or export ONNX to serving_model_dir/model.onnx.');
    }
    return 'python';
  }
  throw new ComponentError(
    written.length
      ? `run_fn finished but serving_model_dir holds no model.onnx or model.pkl (it holds ${written.join(', ')})`
      : `run_fn finished without writing anything into serving_model_dir (${dir})`,
    'Write the model to os.path.join(fn_args.serving_model_dir, "model.onnx") (torch.onnx.export) or "model.pkl" (pickle.dump, with a predict_fn in the module).',
  );
}

export async function runPythonTrainer(ctx: ExecutorContext, settings: TrainerSettings & { module: string }, inputs: PythonTrainerInputs): Promise<ExecutorResult> {
  const out = ctx.outputs['model'];
  if (!out) throw new Error('Trainer has no "model" output');
  const module = path.resolve(ctx.pipelineDir, settings.module);
  if (!ctx.trusted) throw new ComponentError(`${settings.module} is workspace code, and this workspace is not trusted`, 'Trust the workspace to run it.');
  if (!fs.existsSync(module)) throw new ComponentError(`module not found: ${settings.module}`, `Create it, or fix params.module (relative to ${ctx.pipelineDir}).`);
  const dataFormat = enumParam(ctx.params, 'data_format', DATA_FORMATS, 'parquet');
  const python = pythonInterpreter();
  const version = await pythonVersion(python);
  ctx.log(`python: ${python} (${version})`);

  const handoffStart = Date.now();
  const trainParquet = splitFile(inputs.examples, settings.trainSplit);
  const evalParquet = fs.existsSync(path.join(inputs.examples.uri, splitDir(settings.evalSplit), EXAMPLES_FILE)) ? splitFile(inputs.examples, settings.evalSplit) : undefined;
  const parquetFiles = [trainParquet, ...(evalParquet ? [evalParquet] : [])];
  const label = await labelFacts(settings, inputs.program, trainParquet, ctx.tmpDir);
  const dataDir = path.join(ctx.tmpDir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const files = dataFormat === 'csv' ? await toCsv(parquetFiles, dataDir, ctx.tmpDir) : parquetFiles;
  const handoffSeconds = (Date.now() - handoffStart) / 1000;
  ctx.log(`data handed over as ${dataFormat} in ${handoffSeconds.toFixed(2)} s: ${files.map((f) => path.relative(ctx.root, f) || f).join(', ')}`);

  const servingDir = path.join(out.uri, MODEL_DIR);
  const runDir = path.join(out.uri, 'model_run');
  fs.mkdirSync(servingDir, { recursive: true });
  fs.mkdirSync(runDir, { recursive: true });
  const program = inputs.program;
  const featureColumns = program ? program.features.map((f) => f.name) : undefined;
  const fnArgs = {
    train_files: [files[0]],
    eval_files: evalParquet ? [files[1]] : [],
    schema_path: inputs.schema ? path.join(inputs.schema.uri, SCHEMA_FILE) : null,
    transform_graph_path: inputs.transformGraph?.uri ?? null,
    serving_model_dir: servingDir,
    model_run_dir: runDir,
    hyperparameters: settings.hyperparameters,
    custom_config: objectParam(ctx.params, 'custom_config'),
    base_model: inputs.base ? modelFolder(inputs.base.uri) : null,
    label: settings.label,
    label_column: label.column,
    task: label.task,
    classes: label.classes ?? null,
    feature_columns: featureColumns ?? null,
    vector_columns: program ? program.features.filter((f) => f.op === 'onehot').map((f) => f.name) : [],
    data_format: dataFormat,
  };
  ctx.log(`run_fn(fn_args) in ${settings.module}`);
  const timings = await runBridge('train', { module, fn_args: fnArgs }, { python, module, tmpDir: ctx.tmpDir, signal: ctx.signal, log: (l, s) => ctx.log(l, s) });
  ctx.log(`python started in ${timings.startSeconds.toFixed(2)} s, imported the module in ${timings.importSeconds.toFixed(2)} s, ran in ${timings.totalSeconds.toFixed(2)} s in all`);

  const format = formatOf(servingDir, module);
  if (format === 'python') fs.copyFileSync(module, path.join(servingDir, PYTHON_MODULE_FILE));
  if (program) fs.writeFileSync(path.join(servingDir, 'transform_graph.json'), JSON.stringify(program));
  const signatureFile = path.join(servingDir, SIGNATURE_FILE);
  // The module's own signature wins; the Trainer completes it (format, label, classes) or writes one.
  const own = readSignatureFile(signatureFile, program, format);
  const signature: ModelSignature = own ?? {
    format,
    task: label.task,
    label: settings.label,
    ...(label.classes ? { classes: label.classes } : {}),
    inputs: [],
    output: { meaning: label.task === 'regression' ? 'values' : format === 'onnx' ? 'logits' : 'probabilities' },
  };
  writeSignatureFile(servingDir, { ...signature, format });
  // Load it once now, so an input/feature mismatch or a ZipMap output fails here, at the Trainer.
  if (format === 'onnx') (await loadAnyModel(out.uri)).dispose();

  out.customProperties['format'] = format;
  out.customProperties['backend'] = format === 'onnx' ? 'onnx' : 'python';
  out.customProperties['task'] = signature.task;
  out.customProperties['label'] = settings.label;
  out.customProperties['python_version'] = version.split(' ')[0] ?? version;
  if (inputs.base) out.customProperties['base_model_id'] = inputs.base.id;
  return {
    executionProperties: {
      backend: 'python',
      python_start_seconds: Number(timings.startSeconds.toFixed(3)),
      module_import_seconds: Number(timings.importSeconds.toFixed(3)),
      data_handoff_seconds: Number(handoffSeconds.toFixed(3)),
    },
  };
}
