// What a pushed model folder says about itself: manifest.json (format, signature, files, where it came
// from) and a README.md that tells a newcomer how to call it from Node and from Python.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TRANSFORM_GRAPH_FILE } from '../../common/artifacts';
import { FEATURE_SPEC_FILE, type FeatureSpec } from './featureSpec';
import { readStoredProgram } from './servingModel';
import { detectFormat, MODEL_FILE, readSignatureFile, SIGNATURE_FILE, type ModelFormat, type ModelSignature } from './signature';

export const MANIFEST_FILE = 'manifest.json';
export const README_FILE = 'README.md';

export interface PushManifest {
  format: ModelFormat;
  model_file: string;
  signature: ModelSignature;
  /** The TransformGraph to apply to raw records first (absent when the model takes raw columns). */
  transform_graph: string | null;
  raw_features: string[];
  model_id: number;
  pushed_version: string;
  pushed_at: string;
  files: string[];
}

/** The signature of a Format-Serving folder without loading the model (TF.js models: from feature_spec.json). */
export function describeModelFolder(dir: string): { format: ModelFormat; signature: ModelSignature } | undefined {
  const program = readStoredProgram(dir);
  const specFile = path.join(dir, FEATURE_SPEC_FILE);
  const format = fs.existsSync(specFile) && !fs.existsSync(path.join(dir, SIGNATURE_FILE)) ? 'tfjs' : detectFormat(dir);
  if (!format) return undefined;
  if (format === 'tfjs' && fs.existsSync(specFile)) {
    const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as FeatureSpec;
    return {
      format,
      signature: {
        format,
        task: spec.label.kind,
        label: spec.label.source,
        ...(spec.label.kind === 'classification' ? { classes: spec.label.classes } : {}),
        inputs: spec.features.map((f) => ({ name: f.tensorName, columns: [f.column], dtype: 'float32' })),
        output: { meaning: spec.label.kind === 'classification' ? 'probabilities' : 'values' },
      },
    };
  }
  const signature = readSignatureFile(path.join(dir, SIGNATURE_FILE), program, format);
  return signature ? { format, signature } : undefined;
}

function readme(m: PushManifest): string {
  const lines = [
    `# Model ${m.model_id}, version ${m.pushed_version} (${m.format})`,
    '',
    `Pushed by mlpipe on ${m.pushed_at}. Task: ${m.signature.task}${m.signature.classes ? ` (classes ${m.signature.classes.join(', ')})` : ''}; label \`${m.signature.label}\`.`,
    '',
    `Raw records in (columns ${m.raw_features.map((f) => `\`${f}\``).join(', ')}), ${m.signature.task === 'classification' ? 'class probabilities' : 'values'} out.`,
    m.transform_graph ? `Apply \`${m.transform_graph}\` (the TransformGraph the model was trained behind) to raw records first; mlpipe's runtime does it for you.` : 'The model takes the raw columns.',
    '',
    '## From Node (mlpipe runtime)',
    '',
    '```ts',
    "import { loadAnyModel } from 'mlpipe/runtime/model/servingModel';",
    "const model = await loadAnyModel('<this folder>');",
    'const { values, width } = await model.predictRaw([{ /* raw columns */ }]);',
    '```',
    '',
  ];
  if (m.format === 'onnx') {
    const input = m.signature.inputs[0];
    lines.push(
      '## From Python (onnxruntime)',
      '',
      '```python',
      'import onnxruntime, numpy as np',
      `session = onnxruntime.InferenceSession("${m.model_file}")`,
      `# ${input ? `input "${input.name}": float32 [rows, ${input.columns.length}] of the transformed columns ${input.columns.join(', ')}` : 'see signature.json for the inputs'}`,
      `outputs = session.run(${m.signature.output.name ? `["${m.signature.output.name}"]` : 'None'}, {${input ? `"${input.name}"` : '"<input>"'}: features})  # ${m.signature.output.meaning}`,
      '```',
    );
  } else if (m.format === 'python') {
    lines.push('## From Python', '', '```python', 'import pickle, pandas as pd, importlib.util', 'spec = importlib.util.spec_from_file_location("module", "module.py"); module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)', 'model = pickle.load(open("model.pkl", "rb"))', 'module.predict_fn(model, transformed_features_dataframe)', '```');
  } else {
    lines.push('## From the browser or Node (TensorFlow.js)', '', '```js', "const model = await tf.loadLayersModel('file://.../model.json'); // inputs per feature_spec.json", '```');
  }
  lines.push('', `Files: ${m.files.join(', ')}. Signature: \`${SIGNATURE_FILE}\`; everything above is in \`${MANIFEST_FILE}\`.`, '');
  return lines.join('\n');
}

/** Write manifest.json, signature.json (when missing) and README.md into a folder about to be pushed. */
export function writePushManifest(dir: string, info: { modelId: number; version: string }): PushManifest | undefined {
  const described = describeModelFolder(dir);
  if (!described) return undefined;
  const program = readStoredProgram(dir);
  if (!fs.existsSync(path.join(dir, SIGNATURE_FILE))) fs.writeFileSync(path.join(dir, SIGNATURE_FILE), JSON.stringify(described.signature, null, 2));
  const manifest: PushManifest = {
    format: described.format,
    model_file: MODEL_FILE[described.format],
    signature: described.signature,
    transform_graph: program ? TRANSFORM_GRAPH_FILE : null,
    raw_features: program ? [...new Set(program.features.map((f) => f.source))] : described.signature.inputs.flatMap((i) => i.columns),
    model_id: info.modelId,
    pushed_version: info.version,
    pushed_at: new Date().toISOString(),
    files: [...fs.readdirSync(dir), MANIFEST_FILE, README_FILE].filter((f, i, a) => a.indexOf(f) === i).sort(),
  };
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, README_FILE), readme(manifest));
  return manifest;
}
