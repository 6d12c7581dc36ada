// Serving path of a Model artifact: raw records -> the TransformGraph stored inside the model -> the
// feature encoding stored inside the model -> TF.js. One artifact, so no preprocessing can go missing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MODEL_DIR, TRANSFORM_GRAPH_FILE } from '../../common/artifacts';
import { applyTransform, compileCustomHook, parseTransformProgram, type RawRow, type RowHook, type TransformProgram } from '../data/transformProgram';
import { ensureBackend } from './backend';
import { inputTensors } from './dnn';
import { encodeFeatures, FEATURE_SPEC_FILE, type FeatureSpec } from './featureSpec';
import { loadModelFiles } from './modelFiles';

export interface ServingModel {
  /** The Format-Serving folder. */
  dir: string;
  network: tf.LayersModel;
  spec: FeatureSpec;
  program?: TransformProgram;
  hook?: RowHook;
}

export type Prediction =
  | { kind: 'classification'; label: string; classIndex: number; probabilities: Record<string, number> }
  | { kind: 'regression'; value: number };

/** Raw network outputs, row-major: probabilities [count, classes] or targets [count, 1] on the label's scale. */
export interface RawPredictions {
  count: number;
  width: number;
  values: Float32Array;
}

/** The Format-Serving folder of a Model artifact uri, or the folder itself (a pushed copy). */
export function servingDir(modelUri: string): string {
  const nested = path.join(modelUri, MODEL_DIR);
  return fs.existsSync(path.join(nested, FEATURE_SPEC_FILE)) ? nested : modelUri;
}

export async function loadModel(modelUri: string): Promise<ServingModel> {
  const dir = servingDir(modelUri);
  const specFile = path.join(dir, FEATURE_SPEC_FILE);
  if (!fs.existsSync(specFile)) throw new Error(`${modelUri} is not an mlpipe model: ${FEATURE_SPEC_FILE} not found in ${dir}`);
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as FeatureSpec;
  const graphFile = path.join(dir, TRANSFORM_GRAPH_FILE);
  const program = fs.existsSync(graphFile) ? parseTransformProgram(fs.readFileSync(graphFile, 'utf8')) : undefined;
  // A program with a custom row hook runs that bundled code here, as at training time.
  const hook = program ? compileCustomHook(program) : undefined;
  await ensureBackend();
  const network = await loadModelFiles(dir);
  return { dir, network, spec, program, hook };
}

export function predictRaw(model: ServingModel, rawRecords: RawRow[]): RawPredictions {
  const rows = model.program ? applyTransform(model.program, rawRecords, model.hook) : rawRecords;
  const encoded = encodeFeatures(model.spec, rows);
  const width = model.spec.label.kind === 'classification' ? model.spec.label.classes.length : 1;
  if (encoded.count === 0) return { count: 0, width, values: new Float32Array(0) };
  const x = inputTensors(model.spec, encoded);
  const y = model.network.predict(x) as tf.Tensor;
  const values = Float32Array.from(y.dataSync());
  tf.dispose([...x, y]);
  const label = model.spec.label;
  if (label.kind === 'regression') for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * label.std + label.mean;
  return { count: encoded.count, width, values };
}

/** Predictions for raw records (column names as in the raw data; missing columns count as missing values). */
export function predict(model: ServingModel, rawRecords: RawRow[]): Prediction[] {
  const raw = predictRaw(model, rawRecords);
  const label = model.spec.label;
  const out: Prediction[] = [];
  for (let r = 0; r < raw.count; r++) {
    if (label.kind === 'regression') {
      out.push({ kind: 'regression', value: raw.values[r] as number });
      continue;
    }
    const row = raw.values.subarray(r * raw.width, (r + 1) * raw.width);
    let best = 0;
    for (let c = 1; c < raw.width; c++) if ((row[c] as number) > (row[best] as number)) best = c;
    const probabilities: Record<string, number> = {};
    label.classes.forEach((c, i) => (probabilities[c] = row[i] as number));
    out.push({ kind: 'classification', label: label.classes[best] as string, classIndex: best, probabilities });
  }
  return out;
}

export function disposeModel(model: ServingModel): void {
  model.network.dispose();
}
