// What a component is: a spec (typed inputs, outputs, params, docs) plus an executor.
// Components never touch the metadata database: the orchestrator's driver resolves their inputs and
// its publisher records their outputs (the TFX split of responsibilities).
import { UserError } from '../errors';

import type { AnomalySummaryRow } from '../../common/anomalies';
import type { Properties } from '../../common/artifacts';

/** TFX standard artifact type names (DESIGN §5), plus any name a Command/Function declares. */
export type StandardArtifactType =
  | 'Examples'
  | 'ExampleStatistics'
  | 'Schema'
  | 'ExampleAnomalies'
  | 'TransformGraph'
  | 'Model'
  | 'ModelEvaluation'
  | 'ModelBlessing'
  | 'PushedModel'
  | 'Approval'
  /** Markdown, HTML or Vega-Lite a Command or Function step writes for people (common/artifacts.ts). */
  | 'Report';

export type ParamType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'path' | 'any';

export interface ParamSpec {
  type: ParamType;
  doc: string;
  required?: boolean;
  default?: unknown;
  enum?: readonly string[];
  /** Extra JSON Schema merged into the generated pipeline-file schema for this param. */
  schema?: Record<string, unknown>;
  /** For type 'path': the file or folder must exist (relative to the pipeline file). 'glob' allows patterns. */
  mustExist?: 'file' | 'folder' | 'any' | 'glob';
}

export interface InputSpec {
  type: string;
  doc: string;
  optional?: boolean;
  /** Accepts more than one channel (a list of references). */
  multiple?: boolean;
  /**
   * When this input is not wired, the driver fills it from metadata with the artifact of the previous
   * span produced by the same node and output as the named input (ExampleValidator's drift baseline).
   */
  previousSpanOf?: string;
}

export interface OutputSpec {
  type: string;
  doc: string;
}

/** One input artifact handed to an executor (resolved by the driver). */
export interface InputArtifact {
  id: number;
  type: string;
  /** Absolute path of the artifact's folder (or file). */
  uri: string;
  properties: Properties;
  customProperties: Properties;
}

/** One output artifact being produced. `uri` is a fresh empty temporary folder; publish moves it. */
export interface OutputArtifact {
  type: string;
  uri: string;
  /** Declared MLMD properties (span, version, split_names …) the executor sets. */
  properties: Properties;
  /** Custom properties the executor sets (file_format, blessed …). */
  customProperties: Properties;
}

/** Events a component may report while it runs (the orchestrator adds run/step ids). */
export type ComponentEvent =
  | { kind: 'epoch'; epoch: number; epochs: number; metrics: Record<string, number> }
  | { kind: 'progress'; message: string; fraction?: number }
  /** Anomalies found in the data (ExampleValidator), for the Problems panel; also on a failing step. */
  | { kind: 'anomalies'; anomalies: AnomalySummaryRow[] };

export interface ExecutorContext {
  pipelineName: string;
  componentId: string;
  executionId: number;
  params: Record<string, unknown>;
  inputs: Record<string, InputArtifact[]>;
  outputs: Record<string, OutputArtifact>;
  /** Folder of the pipeline file: relative paths in params are relative to it. */
  pipelineDir: string;
  /** Workspace root (the folder holding `.mlpipe/`). */
  root: string;
  /** Scratch folder for this execution, deleted afterwards. */
  tmpDir: string;
  /** Aborted on cancel: long work must check it; child processes must be killed on it. */
  signal: AbortSignal;
  /** The workspace is trusted: only then may workspace code (modules, hooks) be loaded. */
  trusted: boolean;
  /** A line for this execution's log (`.mlpipe/logs/<execution_id>.log`) and the live log stream. */
  log(line: string, stream?: 'stdout' | 'stderr'): void;
  emit(event: ComponentEvent): void;
}

export interface ExecutorResult {
  /** Extra custom properties for the execution. */
  executionProperties?: Properties;
  /**
   * The step fails, but its outputs are the record of why (an ExampleValidator stopped by `fail_on`: the
   * anomalies are the finding). The orchestrator publishes the outputs, then records the execution as
   * FAILED with this message, so the run stops and nothing downstream consumes them.
   */
  failedWithOutputs?: { message: string; hint?: string };
}

export type Executor = (ctx: ExecutorContext) => Promise<ExecutorResult | void>;

/** Context for computing what, beyond params and inputs, enters the cache key. */
export interface FingerprintContext {
  params: Record<string, unknown>;
  pipelineDir: string;
  root: string;
}

/** What every component spec says, whatever runs it: the contract the definition layer reads as data. */
interface ComponentSpecBase {
  /** The `type:` written in pipeline files, e.g. `StatisticsGen`. */
  type: string;
  doc: string;
  /** MLMD ExecutionType name, TFX's fully-qualified class where there is one. */
  executionType: string;
  /** MLMD base type (ParentType) of the execution type, as TFX records it. */
  baseType?: 'mlmd.Train' | 'mlmd.Transform' | 'mlmd.Process' | 'mlmd.Evaluate' | 'mlmd.Deploy';
  inputs: Record<string, InputSpec>;
  outputs: Record<string, OutputSpec>;
  params: Record<string, ParamSpec>;
  /** Outputs are declared in the pipeline file (`outputs: {model: Model}`) instead of fixed. */
  declaredOutputs?: boolean;
  /** Any input key of any artifact type is accepted (Command, Function): `inputs` lists none. */
  anyInputs?: boolean;
  /** Params beyond the declared ones are accepted (Command's `{{params.x}}` values). */
  anyParams?: boolean;
  /**
   * Per-component semantic checks beyond the param schema (e.g. Command's placeholders).
   * Return messages keyed by param name ('' for the component as a whole).
   */
  validate?: (params: Record<string, unknown>, declaredOutputs: Record<string, string>) => Array<{ param: string; message: string; hint?: string }>;
}

/** A node the launcher runs through its executor, in its own staging folder. */
export interface ExecutorComponentSpec extends ComponentSpecBase {
  kind: 'executor';
  executor: Executor;
  /**
   * Anything outside params and input artifacts that the result depends on (input data files for
   * ExampleGen, module file contents for Trainer/Function …). Its value enters the cache key.
   */
  fingerprint?: (ctx: FingerprintContext) => Promise<string>;
}

/** Finds artifacts of earlier runs in the metadata store (TFX's Resolver node). */
export interface ResolverComponentSpec extends ComponentSpecBase {
  kind: 'resolver';
}

/** Waits for a person's decision recorded in the metadata store (TFX's ManualNode precedent). */
export interface ApprovalComponentSpec extends ComponentSpecBase {
  kind: 'approval';
}

/**
 * Registers an existing file or folder as an artifact (TFX's Importer node). Its one output, `result`,
 * has the type its `artifact_type` param names (see nodeOutputTypes).
 */
export interface ImporterComponentSpec extends ComponentSpecBase {
  kind: 'importer';
}

/**
 * How the orchestrator treats a node, by `kind`: an 'executor' node runs its executor; every other kind
 * is a system node, handled by the orchestrator itself because it needs the metadata store (the table in
 * orchestrator/systemNodes.ts, after TFX's _SYSTEM_NODE_HANDLERS).
 */
export type ComponentSpec = ExecutorComponentSpec | ResolverComponentSpec | ApprovalComponentSpec | ImporterComponentSpec;

/**
 * A spec as data, without the functions that run it: what the definition layer (validation, the JSON
 * Schema, hovers) reads, and what a manifest entry rebuilds on the host. Every ComponentSpec is one.
 */
export type ComponentDescription = ComponentSpecBase & { kind: ComponentSpec['kind'] };

/** Whether a node's file may declare `outputs:` (Command/Function; a Resolver's latest_artifact resolves the declared types). */
export function acceptsDeclaredOutputs(spec: Pick<ComponentDescription, 'declaredOutputs' | 'kind'>): boolean {
  return spec.declaredOutputs === true || spec.kind === 'resolver';
}

/**
 * Output key -> artifact type of one node, for every layer that wires or checks references: the spec's
 * outputs, the ones its file declares where that is allowed, and the Importer's `result` typed by its
 * `artifact_type` param (TFX: `Importer(artifact_type=…).outputs['result']`).
 */
export function nodeOutputTypes(
  spec: Pick<ComponentDescription, 'declaredOutputs' | 'kind' | 'outputs'>,
  node: { outputs: Readonly<Record<string, string>>; params: Readonly<Record<string, unknown>> },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, o] of Object.entries(spec.outputs)) out[key] = o.type;
  if (acceptsDeclaredOutputs(spec)) Object.assign(out, node.outputs);
  const imported = node.params['artifact_type'];
  if (spec.kind === 'importer' && typeof imported === 'string' && imported) out[IMPORTER_RESULT] = imported;
  return out;
}

/** TFX's Importer output key (importer.py IMPORT_RESULT_KEY). */
export const IMPORTER_RESULT = 'result';

/** The kinds the orchestrator handles itself; each has one entry in its system-node table. */
export type SystemNodeKind = Exclude<ComponentSpec['kind'], 'executor'>;

/** A mistake the user can fix: shown as a message, never as a stack trace. */
export class ComponentError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
  }
}
