// What a component is: a spec (typed inputs, outputs, params, docs) plus an executor.
// Components never touch the metadata database: the orchestrator's driver resolves their inputs and
// its publisher records their outputs (the TFX split of responsibilities).
import { UserError } from '../errors';

/** MLMD property values as the runtime sees them. Objects/arrays are stored as JSON strings. */
export type PropertyValue = string | number | boolean;
export type Properties = Record<string, PropertyValue>;

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
  | 'Approval';

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
  | { kind: 'progress'; message: string; fraction?: number };

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
}

export type Executor = (ctx: ExecutorContext) => Promise<ExecutorResult | void>;

/** Context for computing what, beyond params and inputs, enters the cache key. */
export interface FingerprintContext {
  params: Record<string, unknown>;
  pipelineDir: string;
  root: string;
}

export interface ComponentSpec {
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
   * How the orchestrator treats the node. 'executor' runs `executor`; 'resolver' and 'approval' are
   * handled by the orchestrator itself (they need the metadata store).
   */
  kind: 'executor' | 'resolver' | 'approval';
  executor?: Executor;
  /**
   * Anything outside params and input artifacts that the result depends on (input data files for
   * ExampleGen, module file contents for Trainer/Function …). Its value enters the cache key.
   */
  fingerprint?: (ctx: FingerprintContext) => Promise<string>;
  /**
   * Per-component semantic checks beyond the param schema (e.g. Command's placeholders).
   * Return messages keyed by param name ('' for the component as a whole).
   */
  validate?: (params: Record<string, unknown>, declaredOutputs: Record<string, string>) => Array<{ param: string; message: string; hint?: string }>;
}

/** A mistake the user can fix: shown as a message, never as a stack trace. */
export class ComponentError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, hint === undefined ? {} : { hint });
  }
}
