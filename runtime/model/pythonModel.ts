// Python-format models (model.pkl + the module's predict_fn, for frameworks ONNX cannot carry here):
// raw records go through the stored TransformGraph, are handed to Python as CSV, and predict_fn's
// [rows, classes] probabilities (or [rows] values) come back as raw float32.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ComponentError } from '../components/spec';
import type { RawRow } from '../data/transformProgram';
import type { RawPredictions } from './predict';
import { pythonInterpreter, runBridge } from './pythonRuntime';
import { readStoredProgram, transformer, type LoadedModel, type ModelLoadOptions } from './servingModel';
import { readSignatureFile, SIGNATURE_FILE, toProbabilities } from './signature';

/** The module a python-format model keeps beside model.pkl (copied there by the Trainer). */
export const PYTHON_MODULE_FILE = 'module.py';

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  const text = Array.isArray(v) ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : String(v);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV text with the given header; list values become JSON (read back by the bridge). */
export function rowsToCsv(columns: string[], rows: RawRow[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return lines.join('\n') + '\n';
}

export async function loadPythonModel(dir: string, options: ModelLoadOptions): Promise<LoadedModel> {
  if (options.trusted === false) throw new ComponentError(`the python-format model in ${dir} runs its module's predict_fn, and this workspace is not trusted`, 'Trust the workspace to evaluate it, or export the model to ONNX.');
  const program = readStoredProgram(dir);
  const signature = readSignatureFile(path.join(dir, SIGNATURE_FILE), program, 'python');
  if (!signature) throw new ComponentError(`python-format model ${dir} has no ${SIGNATURE_FILE}`, 'Re-run the Trainer: it writes one for every Python model.');
  const module = path.join(dir, PYTHON_MODULE_FILE);
  if (!fs.existsSync(module)) throw new ComponentError(`python-format model ${dir} has no ${PYTHON_MODULE_FILE} (the module with predict_fn)`, 'Re-run the Trainer: it copies the module next to model.pkl.');
  const toModelRows = transformer(program);
  const labelColumn = program?.label?.name;
  const python = options.python ?? pythonInterpreter();
  return {
    format: 'python',
    dir,
    signature,
    ...(program ? { program } : {}),
    async predictRaw(rawRecords: RawRow[]): Promise<RawPredictions> {
      const width0 = signature.task === 'classification' ? (signature.classes?.length ?? 1) : 1;
      if (rawRecords.length === 0) return { count: 0, width: width0, values: new Float32Array(0) };
      const rows = toModelRows(rawRecords);
      const columns = program ? program.features.map((f) => f.name) : Object.keys(rows[0] ?? {}).filter((c) => c !== signature.label && c !== labelColumn);
      const vectorColumns = columns.filter((c) => Array.isArray(rows[0]?.[c]));
      const scratch = options.tmpDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mlpipe-predict-'));
      fs.mkdirSync(scratch, { recursive: true });
      const input = path.join(scratch, 'predict-input.csv');
      const output = path.join(scratch, 'predict-output.f32');
      try {
        fs.writeFileSync(input, rowsToCsv(columns, rows));
        await runBridge('predict', { module, model_dir: dir, input, output, vector_columns: vectorColumns }, { python, module, tmpDir: scratch, signal: options.signal, log: options.log ?? (() => undefined) });
        const shape = JSON.parse(fs.readFileSync(`${output}.json`, 'utf8')) as { rows: number; width: number };
        const bytes = fs.readFileSync(output);
        const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        const p = toProbabilities(values, shape.rows, shape.width, signature);
        return { count: shape.rows, width: p.width, values: p.values };
      } finally {
        for (const f of [input, output, `${output}.json`]) fs.rmSync(f, { force: true });
        if (!options.tmpDir) fs.rmSync(scratch, { recursive: true, force: true });
      }
    },
    dispose: () => undefined,
  };
}
