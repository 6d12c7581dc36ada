// Issue 11: Evaluator throughput on 1,000,000 eval rows for an ONNX model (PyTorch MLP [16, 8],
// onnxruntime-node) against the same architecture in TF.js (the built-in DNN), in the same run.
// Needs /usr/bin/python3 with torch, onnx and pandas (or MLPIPE_PYTHON) to train the ONNX model.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLES_FILE, splitDir } from '../../common/artifacts';
import { runEvaluator } from '../../runtime/components/evaluator.executor';
import { PYTHON_ENV } from '../../runtime/model/pythonRuntime';
import { runTrainer } from '../../runtime/components/trainer.executor';
import { artifact, asInput, context, duckdb, penguinExamples, penguinTransform, REPO, tempDir } from '../runtime/modelFixtures';
import type { BenchResult } from './result';

export const title = 'ONNX models in the Evaluator (issue 11)';

const EVAL_ROWS = 1_000_000;

async function evaluatorRowsPerSecond(root: string, examples: ReturnType<typeof artifact>, model: ReturnType<typeof artifact>): Promise<number> {
  const ctx = context(root, { componentId: 'evaluator', params: { label: 'Species', slices: [[], ['Island'], ['Sex']], thresholds: { accuracy: { lower_bound: 0.5 } } }, inputs: { examples: [examples], model: [model] }, outputs: { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' } });
  const start = performance.now();
  await runEvaluator(ctx);
  return EVAL_ROWS / ((performance.now() - start) / 1000);
}

async function throughputFigures(): Promise<BenchResult[]> {
  const root = tempDir('bench-models');
  try {
    const raw = await penguinExamples(root);
    const { transformed, graph } = await penguinTransform(root, raw);
    fs.copyFileSync(path.join(REPO, 'samples', 'penguin-pytorch', 'trainer.py'), path.join(root, 'trainer.py'));
    const train = (params: Record<string, unknown>) => context(root, { componentId: 'trainer', params: { label: 'Species', ...params }, inputs: { examples: [transformed], transform_graph: [graph] }, outputs: { model: 'Model' } });
    const onnxCtx = train({ module: 'trainer.py', data_format: 'csv', hyperparameters: { epochs: 200, hidden_units: [16, 8] } });
    await runTrainer(onnxCtx);
    const tfjsCtx = train({ epochs: 40, hidden_units: [16, 8] });
    await runTrainer(tfjsCtx);
    // 1M raw eval rows: the penguin eval split repeated, written by DuckDB.
    const bigUri = path.join(root, 'big');
    const rawEval = path.join(raw.uri, splitDir('eval'), EXAMPLES_FILE);
    fs.mkdirSync(path.join(bigUri, splitDir('eval')), { recursive: true });
    await duckdb((run) => run(`COPY (SELECT e.* FROM read_parquet('${rawEval}') e, range(${Math.ceil(EVAL_ROWS / 86)}) LIMIT ${EVAL_ROWS}) TO '${path.join(bigUri, splitDir('eval'), EXAMPLES_FILE)}' (FORMAT parquet)`));
    const big = artifact('Examples', bigUri, {}, { split_names: '["eval"]' });
    process.stderr.write('models trained, 1M rows written; evaluating ONNX\n');
    const onnx = await evaluatorRowsPerSecond(root, big, asInput(onnxCtx, 'model'));
    process.stderr.write('evaluating TF.js\n');
    const tfjs = await evaluatorRowsPerSecond(root, big, asInput(tfjsCtx, 'model'));
    return [
      {
        name: `Evaluator, ONNX model (PyTorch MLP [16, 8], onnxruntime-node CPU), ${EVAL_ROWS.toLocaleString('en-US')} eval rows, 3 slicing specs`,
        value: Math.round(onnx),
        unit: 'rows/s',
        reference: { name: 'same Evaluator, TF.js DNN [16, 8] (wasm backend)', value: Math.round(tfjs), unit: 'rows/s' },
        note: `ONNX / TF.js = ${(onnx / tfjs).toFixed(2)}x; includes reading the split, the TransformGraph, slicing and metrics`,
      },
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export async function bench(): Promise<BenchResult[]> {
  process.env[PYTHON_ENV] ??= '/usr/bin/python3';
  return throughputFigures();
}
