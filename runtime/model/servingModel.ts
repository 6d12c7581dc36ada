// One interface over every model format the runtime can run: raw records in, probability rows or values
// out. Each format applies the TransformGraph stored with the model first (the same applyTransform as
// the TF.js path), so no preprocessing script can go missing, whatever trained the model.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODEL_DIR, TRANSFORM_GRAPH_FILE } from '../../common/artifacts';
import { ComponentError } from '../components/spec';
import { applyTransform, compileCustomHook, parseTransformProgram, type RawRow, type RowHook, type TransformProgram } from '../data/transformProgram';
import { FEATURE_SPEC_FILE } from './featureSpec';
import type * as OnnxModel from './onnxModel';
import type { RawPredictions } from './predict';
import type * as PythonModel from './pythonModel';
import type * as TfjsModel from './tfjsModel';
// Each format's loader is required on first use: TF.js, onnxruntime and Python cost time to load.
import { detectFormat, MODEL_FILE, SIGNATURE_FILE, type ModelFormat, type ModelSignature } from './signature';

export interface LoadedModel {
  format: ModelFormat;
  /** The Format-Serving folder. */
  dir: string;
  signature: ModelSignature;
  program?: TransformProgram;
  /** Probability rows [count, classes] (classification) or values [count, 1] on the label's scale. */
  predictRaw(rawRecords: RawRow[]): Promise<RawPredictions>;
  dispose(): void;
}

/** What a format's loader may need from its caller: Python models run in a child process. */
export interface ModelLoadOptions {
  python?: string;
  tmpDir?: string;
  signal?: AbortSignal;
  log?: (line: string, stream?: 'stdout' | 'stderr') => void;
  /** False in an untrusted workspace: a python-format model runs its module's code, so it is refused. */
  trusted?: boolean;
}

/** The Format-Serving folder of a Model artifact uri, or the folder itself (a pushed copy). */
export function modelFolder(modelUri: string): string {
  const nested = path.join(modelUri, MODEL_DIR);
  return fs.existsSync(nested) ? nested : modelUri;
}

export function readStoredProgram(dir: string): TransformProgram | undefined {
  const file = path.join(dir, TRANSFORM_GRAPH_FILE);
  return fs.existsSync(file) ? parseTransformProgram(fs.readFileSync(file, 'utf8')) : undefined;
}

/** Raw records -> the rows the model was trained on (the stored TransformGraph, custom hook included). */
export function transformer(program: TransformProgram | undefined): (rows: RawRow[]) => RawRow[] {
  if (!program) return (rows) => rows;
  const hook: RowHook | undefined = compileCustomHook(program);
  return (rows) => applyTransform(program, rows, hook);
}

export function modelFormatOf(modelUri: string): ModelFormat | undefined {
  const dir = modelFolder(modelUri);
  if (fs.existsSync(path.join(dir, FEATURE_SPEC_FILE)) && !fs.existsSync(path.join(dir, SIGNATURE_FILE))) return 'tfjs';
  return detectFormat(dir);
}

export async function loadAnyModel(modelUri: string, options: ModelLoadOptions = {}): Promise<LoadedModel> {
  const dir = modelFolder(modelUri);
  const format = modelFormatOf(modelUri);
  switch (format) {
    case 'tfjs':
      return (require('./tfjsModel') as typeof TfjsModel).loadTfjsModel(dir);
    case 'onnx':
      return (require('./onnxModel') as typeof OnnxModel).loadOnnxModel(dir);
    case 'python':
      return (require('./pythonModel') as typeof PythonModel).loadPythonModel(dir, options);
    default:
      throw new ComponentError(
        `${modelUri} holds no model this runtime can run (none of ${Object.values(MODEL_FILE).join(', ')}, ${FEATURE_SPEC_FILE})`,
        'A Trainer writes one of them into Format-Serving/; a Python run_fn writes model.onnx, or model.pkl with a predict_fn in its module.',
      );
  }
}
