// The pipeline IR: what every pipeline file format (YAML, JSON, TypeScript) turns into.
// Positions are 1-based lines and columns, as editors and `file:line:column` messages show them.

export interface SourcePosition {
  line: number;
  column: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };

/** `<component id>.<output key>` as written in a pipeline file. */
export interface InputReference {
  component: string;
  output: string;
  range?: SourceRange;
}

export interface ComponentIR {
  id: string;
  type: string;
  enabled: boolean;
  description?: string;
  /** input key -> one or more upstream channels. */
  inputs: Record<string, InputReference[]>;
  params: Record<string, ParamValue>;
  /** Declared outputs (output key -> artifact type name), for components whose outputs are not fixed (Command, Function). */
  outputs: Record<string, string>;
  range?: SourceRange;
  idRange?: SourceRange;
  typeRange?: SourceRange;
  /** Range of each param's key (unknown-param and hover point here). */
  paramRanges: Record<string, SourceRange>;
  /** Range of each input's key. Each reference keeps the range of its own value. */
  inputRanges: Record<string, SourceRange>;
  /** Range of each param's value (type errors and missing paths point here). */
  paramValueRanges?: Record<string, SourceRange>;
  /** For list-valued params: the range of each item (e.g. one argument of a Command). */
  paramItemRanges?: Record<string, SourceRange[]>;
  /** Range of each declared output's key (Command/Function). */
  outputRanges?: Record<string, SourceRange>;
  /** Range of the `params:` key, where a missing required param is reported when there is one. */
  paramsRange?: SourceRange;
  /** Range of the `inputs:` key, where a missing input is reported when there is one. */
  inputsRange?: SourceRange;
  enabledRange?: SourceRange;
}

/** `schedule: {cron: "0 3 * * *", timezone: Europe/Berlin}`: when a scheduler (Argo's CronWorkflow, a KFP recurring run, cron) starts the pipeline. Locally a run is still one run. */
export interface ScheduleIR {
  /** Five cron fields (minute hour day-of-month month day-of-week) or a macro such as `@daily`. */
  cron: string;
  /** IANA time zone name; absent: the scheduler's own (UTC on most clusters). */
  timezone?: string;
  range?: SourceRange;
  cronRange?: SourceRange;
  timezoneRange?: SourceRange;
}

export interface PipelineIR {
  name: string;
  description?: string;
  /** Absolute path of the pipeline file. */
  file: string;
  format: 'yaml' | 'json' | 'ts';
  components: ComponentIR[];
  nameRange?: SourceRange;
  schedule?: ScheduleIR;
}

export type Severity = 'error' | 'warning' | 'info';

export interface QuickFix {
  title: string;
  range: SourceRange;
  replacement: string;
}

/** One problem in a pipeline file. Every diagnostic has a position, even if it is 1:1. */
export interface PipelineDiagnostic {
  file: string;
  range: SourceRange;
  severity: Severity;
  /** Stable machine-readable code, e.g. `unknown-component-type`. */
  code: string;
  message: string;
  /** What to do about it. */
  hint?: string;
  fixes?: QuickFix[];
  /** Component id the problem belongs to, when there is one. */
  component?: string;
}

export interface LoadResult {
  /** The IR, when the file could be parsed far enough to build one (it may still have errors). */
  pipeline?: PipelineIR;
  diagnostics: PipelineDiagnostic[];
}

export function formatDiagnostic(d: PipelineDiagnostic): string {
  const where = `${d.file}:${d.range.start.line}:${d.range.start.column}`;
  return `${where}: ${d.severity}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
}
