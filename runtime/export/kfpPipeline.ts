// `mlpipe export --to kfp`: the pipeline as a Kubeflow Pipelines v2 PipelineSpec (schemaVersion 2.1.0).
// On KFP the platform orchestrates, caches and records lineage in its own ML Metadata; each container
// runs one component's executor only (`mlpipe executor --executor-input {{$}}`, runtime/cli/executor.ts).
//
// The mapping follows TFX's own KFP v2 compiler (tfx/orchestration/kubeflow/v2): one component and one
// executor per component type in use, artifact types as `instanceSchema` titles `tfx.<Type>` (with the
// span/version/split_names properties TFX declares), parameters typed from the component's spec and set
// as `runtimeValue` constants, one task per enabled component with `dependentTasks` and
// `taskOutputArtifact` inputs, caching on.
//
// Two of our nodes have no executor on KFP and are exported as follows:
// - Resolver: open-source KFP runs only container and importer executors (its Argo compiler fails on a
//   `resolver` executor), and the container has no metadata database to query. The Resolver is left out
//   and the inputs it fed (optional ones, such as the Evaluator's baseline_model) are left unwired, so the
//   run behaves as a first local run does; the export says so in a warning and in the description.
// - HumanApproval: KFP has no human gate. The node becomes a container task that reads the run's
//   parameters `<id>_decision` (approved | rejected; default pending), `<id>_approved_by` and
//   `<id>_comment`: approved, it writes the same Approval artifact a local decision does; otherwise it
//   fails, saying how to submit the run with a decision, so nothing downstream (the Pusher) runs.
import { posix } from 'node:path';
import { plainYaml } from './plainYaml';
import type { ComponentIR, ParamValue, PipelineIR } from '../definition/ir';
import type { ComponentSpec, ParamType } from '../components/spec';
import { getComponent } from '../components/registry';
import { skippedComponents, topologicalOrder } from '../definition/graph';
import { UserError } from '../errors';
import { dnsLabel } from './argoWorkflow';
import { kfpCronExpression } from '../../common/cron';

export const KFP_SCHEMA_VERSION = '2.1.0';
export const KFP_SDK_VERSION = 'mlpipe-0.1.0';

export interface KfpExportOptions {
  /** The pipeline file relative to the workspace root, with `/` separators (the workspace is in the image at `workdir`). */
  pipelinePath: string;
  /** A container image with Node 20+, this runtime (`mlpipe` on its PATH, or see `command`) and the workspace at `workdir`. */
  image: string;
  /** Where the workspace (pipeline file, modules, data) is inside the image. */
  workdir?: string;
  /** How the image starts the runtime, e.g. ['node', '/opt/mlpipe/dist/runtime/cli.js']. */
  command?: string[];
  /** `defaultPipelineRoot`: the object-store root for artifacts (gs://, s3://, minio://). */
  pipelineRoot?: string;
}

export const DEFAULT_KFP_WORKDIR = '/workspace';

type Json = string | number | boolean | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** TFX's standard artifact types and the properties its compiler declares on them (tfx/types/standard_artifacts.py). */
const TFX_TYPE_PROPERTIES: Readonly<Record<string, ReadonlyArray<[string, string, string]>>> = {
  Examples: [
    ['span', 'integer', 'Span for an artifact.'],
    ['version', 'integer', 'Version for an artifact.'],
    ['split_names', 'string', 'JSON-encoded list of splits for an artifact. Empty string means artifact has no split.'],
  ],
  ExampleStatistics: [
    ['span', 'integer', 'Span for an artifact.'],
    ['split_names', 'string', 'JSON-encoded list of splits for an artifact. Empty string means artifact has no split.'],
  ],
  ExampleAnomalies: [
    ['span', 'integer', 'Span for an artifact.'],
    ['split_names', 'string', 'JSON-encoded list of splits for an artifact. Empty string means artifact has no split.'],
  ],
  Schema: [],
  TransformGraph: [],
  Model: [],
  ModelEvaluation: [],
  ModelBlessing: [],
  PushedModel: [],
};

/** The namespaced type name KFP's MLMD records: `tfx.Examples` for TFX's types, `mlpipe.<Name>` for ours (Approval, Report …). */
export function kfpTypeTitle(type: string): string {
  return type in TFX_TYPE_PROPERTIES ? `tfx.${type}` : `mlpipe.${type}`;
}

/** An artifactType as TFX's compiler writes it: an instanceSchema whose title is the type name. */
export function kfpArtifactType(type: string): JsonObject {
  const props = TFX_TYPE_PROPERTIES[type] ?? [];
  const lines = [`title: ${kfpTypeTitle(type)}`, 'type: object'];
  if (props.length > 0) {
    lines.push('properties:');
    for (const [name, t, doc] of props) lines.push(`  ${name}:`, `    type: ${t}`, `    description: ${doc}`);
  }
  return { instanceSchema: `${lines.join('\n')}\n` };
}

/** The mlpipe type name back from a KFP artifact type (`tfx.Examples` → Examples), for the executor. */
export function typeFromKfp(artifactType: { schemaTitle?: string; instanceSchema?: string } | undefined): string | undefined {
  const title = artifactType?.schemaTitle ?? /^title:\s*(\S+)/m.exec(artifactType?.instanceSchema ?? '')?.[1];
  if (!title) return undefined;
  const dot = title.lastIndexOf('.');
  return dot >= 0 ? title.slice(dot + 1) : title;
}

/** TFX property names that an ExecutorOutput's metadata carries back as properties (the rest are custom). */
export function declaredPropertyNames(type: string): string[] {
  return (TFX_TYPE_PROPERTIES[type] ?? []).map(([name]) => name);
}

/** Our param types as KFP parameter types. `any` travels as JSON text in a STRING, as TFX passes its configs. */
export function kfpParameterType(type: ParamType): string {
  switch (type) {
    case 'number':
      return 'NUMBER_DOUBLE';
    case 'integer':
      return 'NUMBER_INTEGER';
    case 'boolean':
      return 'BOOLEAN';
    case 'array':
      return 'LIST';
    case 'object':
      return 'STRUCT';
    default:
      return 'STRING';
  }
}

/** A param value as the runtimeValue constant of its KFP type. */
function kfpConstant(type: ParamType, value: ParamValue): Json {
  if (type === 'any') return JSON.stringify(value);
  if (value === null) return '';
  return value as Json;
}

export interface KfpExport {
  spec: JsonObject;
  /** What the user should know about the mapping (the Resolver left out …). */
  warnings: string[];
}

/** Why the pipeline cannot be exported as it is (a user error, said in one sentence). */
export class KfpExportError extends UserError {}

interface ComponentDef {
  name: string;
  executorLabel: string;
  spec: ComponentSpec;
  definition: JsonObject;
}

/** The parameter names of the run that decide a HumanApproval on KFP. */
export function approvalParameterNames(componentId: string): { decision: string; approvedBy: string; comment: string } {
  return { decision: `${componentId}_decision`, approvedBy: `${componentId}_approved_by`, comment: `${componentId}_comment` };
}

export function kfpPipelineSpec(pipeline: PipelineIR, o: KfpExportOptions, specOf: (type: string) => ComponentSpec | undefined = getComponent): KfpExport {
  const warnings: string[] = [];
  const skipped = skippedComponents(pipeline);
  const byId = new Map(pipeline.components.map((c) => [c.id, c]));
  const order = topologicalOrder(pipeline).filter((id) => !skipped.has(id));
  const spec = (c: ComponentIR): ComponentSpec => {
    const s = specOf(c.type);
    if (!s) throw new KfpExportError(`${c.id}: unknown component type ${c.type}`);
    return s;
  };
  const resolvers = new Set(order.filter((id) => spec(byId.get(id)!).kind === 'resolver'));
  const outputType = (ref: { component: string; output: string }): string => {
    const up = byId.get(ref.component)!;
    return spec(up).outputs[ref.output]?.type ?? up.outputs[ref.output] ?? 'Artifact';
  };
  const taskName = (id: string) => id.replace(/_/g, '-');
  const workdir = o.workdir ?? DEFAULT_KFP_WORKDIR;
  const pipelineDir = posix.join(workdir, posix.dirname(o.pipelinePath));
  const command = o.command && o.command.length > 0 ? o.command : ['mlpipe'];

  // One component (and executor) per component type, or per interface for the types whose inputs,
  // outputs and params each instance declares (Command, Function).
  const defs = new Map<string, ComponentDef>();
  const usedNames = new Set<string>();
  const components: JsonObject = {};
  const executors: JsonObject = {};
  const tasks: JsonObject = {};
  const rootParameters: JsonObject = {};

  for (const id of order) {
    const c = byId.get(id)!;
    const s = spec(c);
    if (s.kind === 'importer') {
      throw new KfpExportError(`${id} is an Importer, which the KFP export does not write yet (KFP's own importer executor would register it); run it locally (mlpipe run) or export to Argo (mlpipe export --to argo)`);
    }
    if (s.kind === 'resolver') {
      const fed = pipeline.components.filter((d) => !skipped.has(d.id) && Object.values(d.inputs).some((refs) => refs.some((r) => r.component === id)));
      for (const d of fed) {
        for (const [key, refs] of Object.entries(d.inputs)) {
          if (!refs.some((r) => r.component === id)) continue;
          if (!spec(d).inputs[key]?.optional) throw new KfpExportError(`${d.id}.inputs.${key} comes from the Resolver ${id}, which KFP cannot run (open-source KFP runs only container and importer executors), and it is not optional`);
        }
      }
      warnings.push(`${id} (Resolver) is left out: open-source KFP runs only container and importer executors, so ${fed.map((d) => d.id).join(', ') || 'nothing'} runs without what it resolves (as on a first local run)`);
      continue;
    }
    const inputs = Object.entries(c.inputs)
      .map(([key, refs]) => {
        const live = refs.filter((r) => !resolvers.has(r.component) && !skipped.has(r.component));
        if (live.length > 1) throw new KfpExportError(`${c.id}.inputs.${key} takes ${live.length} channels; a KFP task input has one producer`);
        return [key, live[0]] as const;
      })
      .filter((e): e is readonly [string, { component: string; output: string }] => e[1] !== undefined);
    const outputs: Record<string, string> = s.declaredOutputs ? { ...c.outputs } : Object.fromEntries(Object.entries(s.outputs).map(([k, v]) => [k, v.type]));
    const paramTypes: Record<string, ParamType> = {};
    for (const [k, p] of Object.entries(s.params)) paramTypes[k] = p.type;
    for (const k of Object.keys(c.params)) paramTypes[k] ??= 'any';
    const isApproval = s.kind === 'approval';
    const approvalParams = approvalParameterNames(c.id);
    const perInstance = Boolean(s.declaredOutputs || s.anyInputs || s.anyParams);
    const inputTypes: Record<string, string> = {};
    for (const [key, ref] of inputs) inputTypes[key] = s.inputs[key]?.type ?? outputType(ref);
    const signature = perInstance || isApproval ? JSON.stringify([s.type, inputTypes, outputs, Object.keys(paramTypes).sort()]) : s.type;
    let def = defs.get(signature);
    if (!def) {
      const base = dnsLabel(s.type, 40);
      let name = base;
      for (let n = 2; usedNames.has(name); n++) name = `${base}-${n}`;
      usedNames.add(name);
      const artifactInputs: JsonObject = {};
      const declaredInputs = perInstance ? Object.keys(inputTypes) : Object.keys(s.inputs);
      for (const key of declaredInputs) {
        const type = s.inputs[key]?.type ?? inputTypes[key]!;
        artifactInputs[key] = { artifactType: kfpArtifactType(type), ...(s.inputs[key]?.optional ? { isOptional: true } : {}) };
      }
      const parameters: JsonObject = {};
      for (const [key, type] of Object.entries(paramTypes)) {
        const p = s.params[key];
        const optional = !p?.required || p.default !== undefined;
        parameters[key] = {
          parameterType: kfpParameterType(type),
          ...(optional ? { isOptional: true } : {}),
          ...(p?.default !== undefined && p.default !== null ? { defaultValue: kfpConstant(type, p.default as ParamValue) } : {}),
          ...(p?.doc ? { description: p.doc } : {}),
        };
      }
      if (isApproval) for (const key of ['decision', 'approved_by', 'comment']) parameters[key] = { parameterType: 'STRING', isOptional: true, defaultValue: key === 'decision' ? 'pending' : '' };
      const definition: JsonObject = {
        executorLabel: `exec-${name}`,
        ...(Object.keys(artifactInputs).length || Object.keys(parameters).length
          ? { inputDefinitions: { ...(Object.keys(artifactInputs).length ? { artifacts: artifactInputs } : {}), ...(Object.keys(parameters).length ? { parameters } : {}) } }
          : {}),
        ...(Object.keys(outputs).length ? { outputDefinitions: { artifacts: Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, { artifactType: kfpArtifactType(t) }])) } } : {}),
      };
      def = { name: `comp-${name}`, executorLabel: `exec-${name}`, spec: s, definition };
      defs.set(signature, def);
      components[def.name] = definition;
      executors[def.executorLabel] = {
        container: {
          image: o.image,
          command: command.slice(0, 1),
          // No shell: KFP's launcher runs this argv after substituting the placeholders.
          args: [...command.slice(1), 'executor', '--executor-input', '{{$}}', '--component', s.type, '--task-name', '{{$.pipeline_task_name}}', '--pipeline', pipeline.name, '--pipeline-dir', pipelineDir],
        },
      };
    }
    const artifactArgs: JsonObject = {};
    for (const [key, ref] of inputs) artifactArgs[key] = { taskOutputArtifact: { producerTask: taskName(ref.component), outputArtifactKey: ref.output } };
    const parameterArgs: JsonObject = {};
    for (const [key, value] of Object.entries(c.params)) parameterArgs[key] = { runtimeValue: { constant: kfpConstant(paramTypes[key]!, value) } };
    if (isApproval) {
      parameterArgs['decision'] = { componentInputParameter: approvalParams.decision };
      parameterArgs['approved_by'] = { componentInputParameter: approvalParams.approvedBy };
      parameterArgs['comment'] = { componentInputParameter: approvalParams.comment };
      rootParameters[approvalParams.decision] = { parameterType: 'STRING', defaultValue: 'pending', isOptional: true, description: `approved or rejected: the decision of ${c.id} (HumanApproval)${typeof c.params['instructions'] === 'string' ? `. ${c.params['instructions']}` : ''}` };
      rootParameters[approvalParams.approvedBy] = { parameterType: 'STRING', defaultValue: '', isOptional: true, description: `who decided ${c.id}` };
      rootParameters[approvalParams.comment] = { parameterType: 'STRING', defaultValue: '', isOptional: true, description: `why (${c.id})` };
    }
    const deps = [...new Set(inputs.map(([, ref]) => taskName(ref.component)))];
    tasks[taskName(id)] = {
      taskInfo: { name: id },
      componentRef: { name: def.name },
      ...(deps.length ? { dependentTasks: deps } : {}),
      ...(Object.keys(artifactArgs).length || Object.keys(parameterArgs).length
        ? { inputs: { ...(Object.keys(artifactArgs).length ? { artifacts: artifactArgs } : {}), ...(Object.keys(parameterArgs).length ? { parameters: parameterArgs } : {}) } }
        : {}),
      // A decision is the run's parameter, never a cached result.
      cachingOptions: { enableCache: !isApproval },
    };
  }
  if (Object.keys(tasks).length === 0) throw new KfpExportError('the pipeline has no enabled component KFP can run');
  const description = [pipeline.description, ...warnings].filter(Boolean).join(' ');
  const pipelineSpec: JsonObject = {
    pipelineInfo: { name: dnsLabel(pipeline.name, 128), ...(dnsLabel(pipeline.name, 128) !== pipeline.name ? { displayName: pipeline.name } : {}), ...(description ? { description } : {}) },
    sdkVersion: KFP_SDK_VERSION,
    schemaVersion: KFP_SCHEMA_VERSION,
    components,
    root: { ...(Object.keys(rootParameters).length ? { inputDefinitions: { parameters: rootParameters } } : {}), dag: { tasks } },
    deploymentSpec: { executors },
    ...(o.pipelineRoot ? { defaultPipelineRoot: o.pipelineRoot } : {}),
  };
  return { spec: pipelineSpec, warnings };
}

/** The PipelineSpec as the YAML file `mlpipe export --to kfp` writes, with a header saying how to submit it. */
export function kfpPipelineYaml(pipeline: PipelineIR, o: KfpExportOptions, specOf?: (type: string) => ComponentSpec | undefined): { text: string; warnings: string[]; spec: JsonObject } {
  const { spec, warnings } = kfpPipelineSpec(pipeline, o, specOf);
  const header = [
    `# ${pipeline.name} as a Kubeflow Pipelines v2 PipelineSpec (schemaVersion ${KFP_SCHEMA_VERSION}), written by mlpipe export.`,
    `# Each task's container runs one component's executor: mlpipe executor --executor-input {{$}}; the image`,
    `# ${o.image} needs Node 20+, mlpipe, and the workspace at ${o.workdir ?? DEFAULT_KFP_WORKDIR}. Upload it in KFP's UI or with kfp's client.`,
  ];
  if (pipeline.schedule) header.push(`# Scheduled (${pipeline.schedule.cron}): a PipelineSpec has no schedule; create a recurring run with the body --recurring-run writes.`);
  return { text: `${header.join('\n')}\n${plainYaml(spec)}`, warnings, spec };
}

/**
 * What KFP needs to start the pipeline on its schedule: the body of KFP's REST call
 * `POST /apis/v2beta1/recurringruns` (a RecurringRun, backend/api/v2beta1/recurring_run.proto), with the
 * PipelineSpec inline. KFP's cron has six fields (seconds first) and no time zone of its own: its
 * scheduledworkflow controller reads the cluster's (env CRON_SCHEDULE_TIMEZONE, UTC by default), so a
 * file's timezone is carried as a label and said in a warning.
 */
export function kfpRecurringRun(pipeline: PipelineIR, spec: JsonObject): { body: JsonObject; warnings: string[] } | undefined {
  const schedule = pipeline.schedule;
  if (!schedule) return undefined;
  const warnings: string[] = [];
  if (schedule.timezone && schedule.timezone !== 'UTC' && schedule.timezone !== 'Etc/UTC') {
    warnings.push(`KFP's recurring runs take no time zone: ${schedule.cron} runs in the cluster's (CRON_SCHEDULE_TIMEZONE of ml-pipeline-scheduledworkflow, UTC by default), not ${schedule.timezone}`);
  }
  const approvals = Object.keys((((spec['root'] as JsonObject)['inputDefinitions'] as JsonObject | undefined)?.['parameters'] as JsonObject | undefined) ?? {}).filter((k) => k.endsWith('_decision'));
  if (approvals.length) warnings.push(`a recurring run stops at ${approvals.map((k) => k.replace(/_decision$/, '')).join(', ')} (HumanApproval) unless its runtime_config sets ${approvals.join(', ')}=approved and who approved`);
  const body: JsonObject = {
    display_name: `${pipeline.name} (${schedule.cron}${schedule.timezone ? ` ${schedule.timezone}` : ''})`,
    description: `mlpipe schedule of ${pipeline.name}: ${schedule.cron}${schedule.timezone ? ` (${schedule.timezone} in the pipeline file)` : ''}`,
    pipeline_spec: spec,
    runtime_config: { parameters: {} },
    trigger: { cron_schedule: { cron: kfpCronExpression(schedule.cron) } },
    mode: 'ENABLE',
    // One run at a time, and no burst of missed runs after a pause: the local `mlpipe run` semantics.
    max_concurrency: '1',
    no_catchup: true,
  };
  return { body, warnings };
}
