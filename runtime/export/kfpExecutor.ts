// The container side of a KFP export: `mlpipe executor --executor-input <ExecutorInput JSON>`.
// KFP's launcher has already resolved the inputs, downloaded nothing (it mounts the object store under
// /gcs/, /minio/, /s3/) and will record lineage in KFP's own ML Metadata; this runs one component's
// executor (from the component registry's spec, as the local orchestrator's launcher does) with no
// metadata database, writes each output where KFP's URI says, and writes an ExecutorOutput whose
// artifact metadata carries the properties a local run would record (split_names, blessed, …).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Properties, PropertyValue } from '../../common/artifacts';
import type { ComponentSpec, InputArtifact, OutputArtifact } from '../components/spec';
import { ComponentError } from '../components/spec';
import { UserError } from '../errors';
import { isRecord } from './exportCheck';
import { declaredPropertyNames, typeFromKfp } from './kfpPipeline';

export interface KfpRuntimeArtifact {
  name?: string;
  type?: { schemaTitle?: string; instanceSchema?: string; schemaVersion?: string };
  uri?: string;
  metadata?: Record<string, unknown>;
}

export interface KfpExecutorInput {
  inputs?: { parameterValues?: Record<string, unknown>; artifacts?: Record<string, { artifacts?: KfpRuntimeArtifact[] }> };
  outputs?: { parameters?: Record<string, { outputFile?: string }>; artifacts?: Record<string, { artifacts?: KfpRuntimeArtifact[] }>; outputFile?: string };
}

/** A mistake in what the container was given (bad JSON, a URI the launcher does not mount …): said in one line. */
export class ExecutorInputError extends UserError {}

/**
 * The local path KFP's launcher gives an artifact URI: gs://b/k → /gcs/b/k, minio://b/k → /minio/b/k,
 * s3://b/k → /s3/b/k (kfp backend/src/v2/component/launcher_v2.go). Local paths (KFP's local runners) pass through.
 */
export function localPathForUri(uri: string): string {
  const m = /^(gs|minio|s3):\/\/(.+)$/.exec(uri);
  if (m) return `/${m[1] === 'gs' ? 'gcs' : m[1]}/${m[2]}`;
  if (uri.startsWith('file://')) return decodeURIComponent(uri.slice('file://'.length));
  if (uri.startsWith('/')) return uri;
  throw new ExecutorInputError(`artifact URI ${uri} is not one KFP's launcher mounts (gs://, minio://, s3://) nor a local path`);
}

export function parseExecutorInput(text: string): KfpExecutorInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ExecutorInputError(`--executor-input is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isRecord(parsed)) throw new ExecutorInputError('--executor-input must be a JSON object (KFP\'s ExecutorInput)');
  return parsed as KfpExecutorInput;
}

/** Metadata values as MLMD properties: scalars stay, anything else becomes JSON text (as the orchestrator stores it). */
function toProperties(metadata: Record<string, unknown> | undefined, names: readonly string[], declaredSide: boolean): Properties {
  const out: Properties = {};
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (names.includes(k) !== declaredSide) continue;
    out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  }
  return out;
}

function inputArtifacts(input: KfpExecutorInput): Record<string, InputArtifact[]> {
  const out: Record<string, InputArtifact[]> = {};
  for (const [key, list] of Object.entries(input.inputs?.artifacts ?? {})) {
    out[key] = (list.artifacts ?? []).map((a, i) => {
      if (!a.uri) throw new ExecutorInputError(`input artifact ${key}[${i}] has no uri`);
      const type = typeFromKfp(a.type) ?? 'Artifact';
      const names = declaredPropertyNames(type);
      return { id: 0, type, uri: localPathForUri(a.uri), properties: toProperties(a.metadata, names, true), customProperties: toProperties(a.metadata, names, false) };
    });
  }
  return out;
}

/** Params as the component's executor expects them: `any` params came as JSON text (see kfpParameterType). */
function paramsFor(spec: ComponentSpec, values: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const type = spec.params[key]?.type ?? 'any';
    if (type === 'any' && typeof value === 'string') {
      try {
        params[key] = JSON.parse(value);
      } catch {
        params[key] = value;
      }
    } else params[key] = type === 'integer' && typeof value === 'number' ? Math.round(value) : value;
  }
  for (const [key, p] of Object.entries(spec.params)) if (params[key] === undefined && p.default !== undefined) params[key] = p.default;
  return params;
}

export interface KfpExecuteOptions {
  spec: ComponentSpec;
  input: KfpExecutorInput;
  pipelineName: string;
  taskName: string;
  /** Where the pipeline file's relative paths (data, modules, scripts) point, inside the image. */
  pipelineDir: string;
  log: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
}

export interface KfpExecuteResult {
  /** The ExecutorOutput written to outputs.outputFile. */
  executorOutput: { artifacts: Record<string, { artifacts: KfpRuntimeArtifact[] }> };
  executionProperties?: Properties;
}

/** Runs the component's executor on KFP's ExecutorInput and writes KFP's ExecutorOutput. */
export async function executeForKfp(o: KfpExecuteOptions): Promise<KfpExecuteResult> {
  const { spec, input } = o;
  const outputs: Record<string, OutputArtifact> = {};
  const runtimeOutputs: Record<string, KfpRuntimeArtifact> = {};
  for (const [key, list] of Object.entries(input.outputs?.artifacts ?? {})) {
    const a = list.artifacts?.[0];
    if (!a?.uri) throw new ExecutorInputError(`output artifact ${key} has no uri`);
    const uri = localPathForUri(a.uri);
    mkdirSync(uri, { recursive: true });
    outputs[key] = { type: typeFromKfp(a.type) ?? spec.outputs[key]?.type ?? 'Artifact', uri, properties: {}, customProperties: {} };
    runtimeOutputs[key] = a;
  }
  const inputs = inputArtifacts(input);
  const params = paramsFor(spec, input.inputs?.parameterValues ?? {});
  let executionProperties: Properties | undefined;
  let failed: { message: string; hint?: string } | undefined;
  if (spec.kind === 'approval') approvalGate(params, outputs, o.taskName);
  else if (spec.kind !== 'executor') throw new ComponentError(`${spec.type} has no executor to run on KFP (the export leaves it out)`);
  else {
    const scratch = mkdtempSync(join(tmpdir(), 'mlpipe-kfp-'));
    try {
      const result = await spec.executor({
        pipelineName: o.pipelineName,
        componentId: o.taskName.replace(/-/g, '_'),
        executionId: 0,
        params,
        inputs,
        outputs,
        pipelineDir: o.pipelineDir,
        root: o.pipelineDir,
        tmpDir: scratch,
        signal: o.signal ?? new AbortController().signal,
        // The image is the user's own build of their workspace: its code is as trusted as the pipeline.
        trusted: true,
        log: (line, stream) => o.log(line, stream ?? 'stdout'),
        emit: (e) => o.log(e.kind === 'epoch' ? `epoch ${e.epoch}/${e.epochs} ${JSON.stringify(e.metrics)}` : e.kind === 'progress' ? e.message : `${e.anomalies.length} anomalies: ${e.anomalies.map((a) => `${a.split}/${a.feature || '(dataset)'} ${a.type}`).join('; ')}`, 'stdout'),
      });
      executionProperties = result?.executionProperties;
      failed = result?.failedWithOutputs;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const artifacts: Record<string, { artifacts: KfpRuntimeArtifact[] }> = {};
  for (const [key, out] of Object.entries(outputs)) {
    const a = runtimeOutputs[key]!;
    const metadata: Record<string, PropertyValue> = { ...(a.metadata as Record<string, PropertyValue> | undefined), ...out.properties, ...out.customProperties };
    artifacts[key] = { artifacts: [{ ...(a.name ? { name: a.name } : {}), ...(a.type ? { type: a.type } : {}), uri: a.uri!, metadata }] };
  }
  const executorOutput = { artifacts };
  const file = input.outputs?.outputFile;
  if (file) {
    const path = file.startsWith('/') ? file : localPathForUri(file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(executorOutput)}\n`);
  }
  // The outputs are written (the anomalies stay in the bucket for a person to read); the task still fails.
  if (failed) throw new ComponentError(failed.message, failed.hint);
  return { executorOutput, ...(executionProperties ? { executionProperties } : {}) };
}

/** HumanApproval on KFP: the run's parameters carry the decision (see kfpPipeline.ts). */
function approvalGate(params: Record<string, unknown>, outputs: Record<string, OutputArtifact>, taskName: string): void {
  const id = taskName.replace(/-/g, '_');
  const decision = String(params['decision'] ?? 'pending');
  const by = String(params['approved_by'] ?? '');
  const comment = String(params['comment'] ?? '');
  if (decision !== 'approved') {
    const what = decision === 'rejected' ? `rejected${by ? ` by ${by}` : ''}${comment ? `: ${comment}` : ''}` : `waiting for a decision (${id}_decision is ${JSON.stringify(decision)})`;
    throw new ComponentError(`${id}: ${what}; nothing after it runs`, `submit the run again with the parameters ${id}_decision=approved and ${id}_approved_by=<name>${params['instructions'] ? ` (${String(params['instructions'])})` : ''}`);
  }
  if (!by) throw new ComponentError(`${id}: approved, but ${id}_approved_by is empty`, `say who approved: ${id}_approved_by=<name>`);
  const record = { decision, approved_by: by, decided_at: new Date().toISOString(), comment };
  const out = outputs['approval'];
  if (!out) throw new ExecutorInputError('the HumanApproval task has no approval output');
  writeFileSync(join(out.uri, 'decision.json'), `${JSON.stringify(record, null, 2)}\n`);
  Object.assign(out.customProperties, record);
}
