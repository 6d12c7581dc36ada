// ONNX models (model.onnx, e.g. exported by torch.onnx.export) run in the runtime through onnxruntime-node
// on the CPU. Raw records go through the stored TransformGraph, then each signature input is filled
// from its columns; the chosen output is turned into probabilities or values per the signature.
import * as path from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ComponentError } from '../components/spec';
import type { RawRow } from '../data/transformProgram';
import type { RawPredictions } from './predict';
import { readStoredProgram, transformer, type LoadedModel } from './servingModel';
import { MODEL_FILE, readSignatureFile, SIGNATURE_FILE, toProbabilities, transformedColumns, type InputDtype, type ModelSignature, type SignatureInput } from './signature';

type Ort = typeof import('onnxruntime-node');
let ort: Ort | undefined;
function onnxRuntime(): Ort {
  // Loaded on first use: the native binding costs ~100 ms, which runs without ONNX models should not pay.
  ort ??= require('onnxruntime-node') as Ort;
  return ort;
}

const SIGNATURE_HINT = `or write ${SIGNATURE_FILE} next to model.onnx: {"inputs": [{"name": "<onnx input>", "columns": [...]}], "output": {"meaning": "logits"}}`;

function checkInputs(dir: string, session: InferenceSession, signature: ModelSignature, available: string[] | undefined): SignatureInput[] {
  const names = session.inputNames;
  // Without declared inputs, every ONNX input must be named after one feature column.
  const inputs = signature.inputs.length ? signature.inputs : names.map((name) => ({ name, columns: [name] }));
  const unknownInputs = inputs.filter((i) => !names.includes(i.name)).map((i) => i.name);
  if (unknownInputs.length) {
    throw new ComponentError(`${path.join(dir, SIGNATURE_FILE)} names input(s) ${unknownInputs.join(', ')} that model.onnx does not have (its inputs: ${names.join(', ')})`, 'Use the names given to torch.onnx.export(input_names=[...]).');
  }
  const fed = new Set(inputs.map((i) => i.name));
  const unfed = names.filter((n) => !fed.has(n));
  if (unfed.length) throw new ComponentError(`model.onnx input(s) ${unfed.join(', ')} are not in ${SIGNATURE_FILE}'s inputs`, `List every input of the model with the columns that feed it, ${SIGNATURE_HINT}`);
  if (available) {
    const missing = [...new Set(inputs.flatMap((i) => i.columns))].filter((c) => !available.includes(c));
    if (missing.length) {
      throw new ComponentError(
        `model.onnx in ${dir} expects column(s) ${missing.join(', ')}, which are not features of its TransformGraph (features: ${available.join(', ')})`,
        `Name the ONNX inputs after the feature columns (torch.onnx.export(..., input_names=[...])), ${SIGNATURE_HINT}`,
      );
    }
  }
  return inputs;
}

function dtypeOf(session: InferenceSession, name: string, declared: InputDtype | undefined): InputDtype {
  const meta = session.inputMetadata.find((m) => m.name === name);
  const type = meta && meta.isTensor ? meta.type : undefined;
  if (type === 'float32' || type === 'float64' || type === 'int64' || type === 'int32' || type === 'string') return type;
  if (type) throw new ComponentError(`model.onnx input ${name} has tensor type ${type}, which mlpipe cannot fill`, 'Export the input as float32 (cast inside the model).');
  return declared ?? 'float32';
}

function rankOf(session: InferenceSession, name: string): number {
  const meta = session.inputMetadata.find((m) => m.name === name);
  return meta && meta.isTensor ? meta.shape.length : 2;
}

function cellValues(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function buildTensor(o: Ort, rows: RawRow[], input: SignatureInput, dtype: InputDtype, rank: number): Tensor {
  const first = rows[0] ?? {};
  const width = input.columns.reduce((w, c) => w + cellValues(first[c]).length, 0);
  const dims = rank === 1 && width === 1 ? [rows.length] : [rows.length, width];
  const n = rows.length * width;
  if (dtype === 'string') {
    const data = new Array<string>(n);
    let k = 0;
    for (const row of rows) for (const c of input.columns) for (const v of cellValues(row[c])) data[k++] = v === null || v === undefined ? '' : String(v);
    return new o.Tensor('string', data, dims);
  }
  const data = dtype === 'float32' ? new Float32Array(n) : dtype === 'float64' ? new Float64Array(n) : dtype === 'int32' ? new Int32Array(n) : new BigInt64Array(n);
  let k = 0;
  for (const row of rows) {
    for (const c of input.columns) {
      for (const v of cellValues(row[c])) {
        const x = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
        if (data instanceof BigInt64Array) data[k++] = BigInt(Number.isFinite(x) ? Math.trunc(x) : 0);
        else (data as Float32Array)[k++] = x;
      }
    }
  }
  return new o.Tensor(dtype, data as Float32Array, dims);
}

/** Signature from signature.json, else from the TransformGraph's label and the model's input names. */
function signatureOf(dir: string, program: ReturnType<typeof readStoredProgram>): ModelSignature {
  const fromFile = readSignatureFile(path.join(dir, SIGNATURE_FILE), program, 'onnx');
  if (fromFile) return fromFile;
  const label = program?.label;
  if (!label) throw new ComponentError(`model.onnx in ${dir} has no ${SIGNATURE_FILE} and no TransformGraph with a label, so its outputs cannot be read`, `Write ${SIGNATURE_FILE}: {"task": "classification", "label": "<raw label column>", "classes": [...], "output": {"meaning": "logits"}}`);
  return label.kind === 'classes'
    ? { format: 'onnx', task: 'classification', label: label.source, classes: label.classes, inputs: [], output: { meaning: 'logits' } }
    : { format: 'onnx', task: 'regression', label: label.source, inputs: [], output: { meaning: 'values' } };
}

export async function loadOnnxModel(dir: string): Promise<LoadedModel> {
  const o = onnxRuntime();
  const program = readStoredProgram(dir);
  const signature = signatureOf(dir, program);
  let session: InferenceSession;
  try {
    session = await o.InferenceSession.create(path.join(dir, MODEL_FILE.onnx), { executionProviders: ['cpu'] });
  } catch (err) {
    throw new ComponentError(`cannot load ${path.join(dir, MODEL_FILE.onnx)}: ${err instanceof Error ? err.message : String(err)}`, 'Export it again (torch.onnx.export with opset ≥ 13).');
  }
  const nonTensor = session.outputMetadata.filter((m) => !m.isTensor).map((m) => m.name);
  const outputName = signature.output.name ?? session.outputNames.find((n) => !nonTensor.includes(n) && !(signature.task === 'classification' && session.outputNames.length > 1 && /label/i.test(n))) ?? session.outputNames[0];
  if (!outputName || nonTensor.includes(outputName) || (signature.task === 'classification' && nonTensor.length > 0 && !signature.output.name)) {
    await session.release();
    throw new ComponentError(
      `model.onnx in ${dir} has non-tensor output(s) ${nonTensor.join(', ')} (a ZipMap: a list of {class: probability} maps), which mlpipe cannot read`,
      'Convert scikit-learn models with options={id(model): {"zipmap": False}} (skl2onnx: convert_sklearn(..., options={...: {"zipmap": False}})) so probabilities come out as a tensor.',
    );
  }
  if (!session.outputNames.includes(outputName)) {
    await session.release();
    throw new ComponentError(`${SIGNATURE_FILE} names output ${outputName}, which model.onnx does not have (its outputs: ${session.outputNames.join(', ')})`);
  }
  const inputs = checkInputs(dir, session, signature, transformedColumns(program));
  const toModelRows = transformer(program);
  const feeds = inputs.map((i) => ({ input: i, dtype: dtypeOf(session, i.name, i.dtype), rank: rankOf(session, i.name) }));
  return {
    format: 'onnx',
    dir,
    signature: { ...signature, inputs: inputs.map((i, k) => ({ ...i, dtype: feeds[k]!.dtype })), output: { ...signature.output, name: outputName } },
    ...(program ? { program } : {}),
    async predictRaw(rawRecords: RawRow[]): Promise<RawPredictions> {
      const width0 = signature.task === 'classification' ? (signature.classes?.length ?? 1) : 1;
      if (rawRecords.length === 0) return { count: 0, width: width0, values: new Float32Array(0) };
      const rows = toModelRows(rawRecords);
      const feed: Record<string, Tensor> = {};
      for (const f of feeds) feed[f.input.name] = buildTensor(o, rows, f.input, f.dtype, f.rank);
      const result = await session.run(feed, [outputName]);
      const out = result[outputName] as Tensor;
      const count = rows.length;
      const width = out.dims.length > 1 ? out.dims.slice(1).reduce((a, b) => a * b, 1) : 1;
      const values = out.data instanceof Float32Array ? out.data : Float32Array.from(out.data as ArrayLike<number>, Number);
      const p = toProbabilities(values, count, width, signature);
      return { count, width: p.width, values: p.values };
    },
    dispose: () => void session.release(),
  };
}
