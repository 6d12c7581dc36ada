// What a Model artifact is, whatever trained it: its format (tfjs, onnx, python) and its signature —
// which transformed columns feed which input, what the output means (logits, probabilities, values) and
// the class names. The Trainer writes `signature.json` next to the model files; a Python run_fn may
// write its own, and an ONNX model without one gets a signature derived from its input names.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ComponentError } from '../components/spec';
import type { TransformProgram } from '../data/transformProgram';

export const SIGNATURE_FILE = 'signature.json';
export const MODEL_FORMATS = ['tfjs', 'onnx', 'python'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];
/** The file each format keeps its model in, inside Format-Serving/. */
export const MODEL_FILE: Record<ModelFormat, string> = { tfjs: 'model.json', onnx: 'model.onnx', python: 'model.pkl' };

export type OutputMeaning = 'logits' | 'probabilities' | 'values';
export type InputDtype = 'float32' | 'float64' | 'int64' | 'int32' | 'string';

export interface SignatureInput {
  /** The model's input name (an ONNX graph input, a DataFrame column for python). */
  name: string;
  /** Transformed (or, without a TransformGraph, raw) columns laid side by side: shape [rows, columns]. */
  columns: string[];
  dtype?: InputDtype;
}

export interface ModelSignature {
  format: ModelFormat;
  task: 'classification' | 'regression';
  /** The raw label column (what the Evaluator compares with). */
  label: string;
  /** Class names in output order (classification). */
  classes?: string[];
  inputs: SignatureInput[];
  output: { name?: string; meaning: OutputMeaning };
}

function fail(file: string, what: string): never {
  throw new ComponentError(`${file}: ${what}`, 'signature.json is {"format": "onnx", "task": "classification", "label": "Species", "classes": [...], "inputs": [{"name": "features", "columns": [...]}], "output": {"meaning": "logits"}}');
}

/** Read and check a signature.json; fields it leaves out are filled from the TransformGraph where it can. */
export function readSignatureFile(file: string, program: TransformProgram | undefined, format: ModelFormat): ModelSignature | undefined {
  if (!fs.existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    fail(file, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(file, 'must be a JSON object');
  const s = raw as Record<string, unknown>;
  const label = typeof s['label'] === 'string' ? s['label'] : program?.label?.source;
  if (!label) fail(file, '"label" (the raw label column) is missing');
  const programClasses = program?.label?.kind === 'classes' ? program.label.classes : undefined;
  const classes = Array.isArray(s['classes']) ? s['classes'].map(String) : programClasses;
  const task = s['task'] === 'classification' || s['task'] === 'regression' ? s['task'] : classes ? 'classification' : 'regression';
  if (task === 'classification' && (!classes || classes.length < 2)) fail(file, '"classes" (the class names in output order) is missing');
  const inputs: SignatureInput[] = [];
  if (s['inputs'] !== undefined) {
    if (!Array.isArray(s['inputs'])) fail(file, '"inputs" must be a list of {name, columns}');
    for (const [i, entry] of s['inputs'].entries()) {
      const e = entry as Record<string, unknown>;
      if (!e || typeof e['name'] !== 'string') fail(file, `inputs[${i}] needs a "name"`);
      const columns = Array.isArray(e['columns']) ? e['columns'].map(String) : typeof e['column'] === 'string' ? [e['column']] : [e['name']];
      const dtype = typeof e['dtype'] === 'string' ? (e['dtype'] as InputDtype) : undefined;
      inputs.push({ name: e['name'], columns, ...(dtype ? { dtype } : {}) });
    }
  }
  const output = (s['output'] ?? {}) as Record<string, unknown>;
  const meaning = output['meaning'];
  if (meaning !== undefined && meaning !== 'logits' && meaning !== 'probabilities' && meaning !== 'values') fail(file, `output.meaning must be logits, probabilities or values, got ${JSON.stringify(meaning)}`);
  const declaredFormat = s['format'];
  if (declaredFormat !== undefined && declaredFormat !== format) fail(file, `says format ${JSON.stringify(declaredFormat)} but the folder holds a ${format} model (${MODEL_FILE[format]})`);
  return {
    format,
    task,
    label,
    ...(task === 'classification' && classes ? { classes } : {}),
    inputs,
    output: { ...(typeof output['name'] === 'string' ? { name: output['name'] } : {}), meaning: (meaning as OutputMeaning | undefined) ?? defaultMeaning(format, task) },
  };
}

/** Networks exported to ONNX usually end in logits (CrossEntropyLoss); predict_fn returns predict_proba. */
export function defaultMeaning(format: ModelFormat, task: 'classification' | 'regression'): OutputMeaning {
  if (task === 'regression') return 'values';
  return format === 'onnx' ? 'logits' : 'probabilities';
}

export function writeSignatureFile(dir: string, signature: ModelSignature): void {
  fs.writeFileSync(path.join(dir, SIGNATURE_FILE), JSON.stringify(signature, null, 2));
}

/** Which format a Format-Serving folder holds, from its files. */
export function detectFormat(dir: string): ModelFormat | undefined {
  const file = path.join(dir, SIGNATURE_FILE);
  if (fs.existsSync(file)) {
    try {
      const f = (JSON.parse(fs.readFileSync(file, 'utf8')) as { format?: unknown }).format;
      if (typeof f === 'string' && (MODEL_FORMATS as readonly string[]).includes(f)) return f as ModelFormat;
    } catch {
      /* reported by readSignatureFile */
    }
  }
  for (const format of MODEL_FORMATS) if (fs.existsSync(path.join(dir, MODEL_FILE[format]))) return format;
  return undefined;
}

/** The columns a model can be fed: the TransformGraph's outputs (label excluded), or undefined without one. */
export function transformedColumns(program: TransformProgram | undefined): string[] | undefined {
  return program ? program.features.map((f) => f.name) : undefined;
}

/** Turn network outputs into probability rows (classification) or values, per the signature's meaning. */
export function toProbabilities(values: Float32Array, count: number, width: number, signature: ModelSignature): { width: number; values: Float32Array } {
  if (signature.task === 'regression') return { width: 1, values: width === 1 ? values : Float32Array.from({ length: count }, (_, r) => values[r * width] as number) };
  const classes = signature.classes?.length ?? width;
  if (width === 1 && classes === 2) {
    // One score per row for a binary task: the positive (second) class's probability or logit.
    const out = new Float32Array(count * 2);
    for (let r = 0; r < count; r++) {
      const v = values[r] as number;
      const p = signature.output.meaning === 'logits' ? 1 / (1 + Math.exp(-v)) : v;
      out[r * 2] = 1 - p;
      out[r * 2 + 1] = p;
    }
    return { width: 2, values: out };
  }
  if (width !== classes) {
    throw new ComponentError(`the model outputs ${width} value(s) per row but the signature names ${classes} classes (${(signature.classes ?? []).join(', ')})`, 'Make the last layer as wide as the classes, or fix "classes" in signature.json.');
  }
  if (signature.output.meaning !== 'logits') return { width, values };
  const out = new Float32Array(values.length);
  for (let r = 0; r < count; r++) {
    let max = -Infinity;
    for (let c = 0; c < width; c++) max = Math.max(max, values[r * width + c] as number);
    let sum = 0;
    for (let c = 0; c < width; c++) sum += out[r * width + c] = Math.exp((values[r * width + c] as number) - max);
    for (let c = 0; c < width; c++) out[r * width + c] = (out[r * width + c] as number) / sum;
  }
  return { width, values: out };
}
