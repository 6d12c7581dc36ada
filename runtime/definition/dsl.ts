// The TypeScript pipeline DSL: `import { pipeline, CsvExampleGen, StatisticsGen } from 'mlpipe'`.
// Channels carry their artifact type, so wiring a Schema into an Examples input is a compile error.
// This file is bundled into the user's pipeline when it is evaluated (loadTs.ts): it must stay free of
// Node-only and heavy imports, and of side effects beyond building plain objects.
//
//   const gen = CsvExampleGen('example_gen', { params: { input: 'data/penguins.csv' } });
//   const stats = StatisticsGen('statistics_gen', { inputs: { examples: gen.outputs.examples } });
//   export default pipeline('penguin', [gen, stats]);

// The runtime's list, re-exported for pipeline authors. Type-only, so nothing of spec.ts reaches the bundle.
export type { StandardArtifactType } from '../components/spec';

// The contracts of the modules a pipeline points at, for `import type { … } from 'mlpipe'` in them. Type
// imports are erased when a module is bundled, so these modules still need no imports at run time.
/** A Trainer `params.module`: `export async function run(fnArgs: TrainerFnArgs)` (TFX's run_fn). */
export type { TrainerFnArgs, TrainerSplit } from '../model/trainerModule';
/** What a `Function` component's module gets: `export default async (ctx: FunctionContext) => { … }`. */
export type { ExecutorContext as FunctionContext, InputArtifact, OutputArtifact } from '../components/spec';

/** A Transform `params.module`: `export default (row: TransformRow): TransformRow => ({ ...row, … })`. */
export type { RawRow as TransformRow, RowHook as TransformRowFn } from '../data/transformProgram';

export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };
export type Params = { [key: string]: ParamValue | undefined };

/** One output of a component, typed by its artifact type. */
export interface Channel<T extends string = string> {
  readonly kind: 'mlpipe.channel';
  readonly artifactType: T;
  readonly component: string;
  readonly output: string;
}

/** Everything a component is, in the pipeline-file format (DESIGN §5). */
export interface ComponentDefinition {
  type: string;
  inputs: Record<string, string | string[]>;
  params: Record<string, ParamValue>;
  outputs: Record<string, string>;
  enabled: boolean;
  description?: string;
}

export interface ComponentNode<O extends Record<string, string> = Record<string, string>> {
  readonly kind: 'mlpipe.component';
  readonly id: string;
  readonly type: string;
  readonly outputs: { readonly [K in keyof O]: Channel<O[K]> };
  readonly definition: ComponentDefinition;
  /** The components this one reads from, so `pipeline()` can include them without listing them. */
  readonly upstream: readonly ComponentNode[];
}

/** The pipeline, as the runtime reads it back: exactly the shape of a `*.pipeline.json` file. */
export interface PipelineFile {
  pipeline: string;
  description?: string;
  components: Record<string, ComponentDefinition>;
}

export interface PipelineDefinition {
  readonly kind: 'mlpipe.pipeline';
  readonly name: string;
  readonly components: readonly ComponentNode[];
  toJSON(): PipelineFile;
}

type AnyChannel = Channel<string>;
type InputValue = AnyChannel | readonly AnyChannel[];
type InputMap = { readonly [key: string]: InputValue | undefined };

interface CommonOptions {
  /** `false` skips this component and everything that depends on it. */
  enabled?: boolean;
  description?: string;
}

// Which node produced a channel: lets pipeline() pull in upstream components the user did not list.
const producers = new WeakMap<object, ComponentNode>();

function channelsOf(value: InputValue): AnyChannel[] {
  return Array.isArray(value) ? [...(value as readonly AnyChannel[])] : [value as AnyChannel];
}

function cleanParams(params: Params | undefined): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

function makeNode<O extends Record<string, string>>(
  type: string,
  id: string,
  outputTypes: O,
  opts: CommonOptions & { inputs?: InputMap; params?: Params; declaredOutputs?: boolean },
): ComponentNode<O> {
  const inputs: Record<string, string | string[]> = {};
  const upstream: ComponentNode[] = [];
  for (const [key, value] of Object.entries(opts.inputs ?? {})) {
    if (value === undefined) continue;
    const channels = channelsOf(value);
    const refs = channels.map((ch) => {
      const producer = producers.get(ch);
      if (producer && !upstream.includes(producer)) upstream.push(producer);
      return `${ch.component}.${ch.output}`;
    });
    inputs[key] = Array.isArray(value) ? refs : refs[0];
  }
  const outputs = {} as { [K in keyof O]: Channel<O[K]> };
  const node: ComponentNode<O> = {
    kind: 'mlpipe.component',
    id,
    type,
    outputs,
    definition: {
      type,
      inputs,
      params: cleanParams(opts.params),
      outputs: opts.declaredOutputs ? { ...outputTypes } : {},
      enabled: opts.enabled ?? true,
      ...(opts.description !== undefined ? { description: opts.description } : {}),
    },
    upstream,
  };
  for (const key of Object.keys(outputTypes) as Array<keyof O & string>) {
    const ch: Channel<O[typeof key]> = { kind: 'mlpipe.channel', artifactType: outputTypes[key], component: id, output: key };
    producers.set(ch, node);
    outputs[key] = ch;
  }
  return node;
}

/** Builds the pipeline from its components; components they read from are added automatically. */
export function pipeline(name: string, components: readonly ComponentNode[], opts: { description?: string } = {}): PipelineDefinition {
  const all: ComponentNode[] = [];
  const visit = (n: ComponentNode): void => {
    if (all.includes(n)) return;
    for (const u of n.upstream) visit(u);
    all.push(n);
  };
  // Listed components keep their order; unlisted upstream ones come just before their first reader.
  for (const c of components) visit(c);
  return {
    kind: 'mlpipe.pipeline',
    name,
    components: all,
    toJSON(): PipelineFile {
      // A repeated id keeps its first component here; the runtime's loader reads `components`
      // directly and reports the duplicate.
      const out: Record<string, ComponentDefinition> = {};
      for (const c of all) if (!(c.id in out)) out[c.id] = c.definition;
      return { pipeline: name, ...(opts.description !== undefined ? { description: opts.description } : {}), components: out };
    },
  };
}

/** Any registered component type, untyped: for components this DSL has no factory for yet. */
export function component(
  type: string,
  id: string,
  opts: CommonOptions & { inputs?: InputMap; params?: Params; outputs?: Record<string, string> } = {},
): ComponentNode<Record<string, string>> {
  return makeNode(type, id, opts.outputs ?? {}, { ...opts, declaredOutputs: opts.outputs !== undefined });
}

/**
 * A typed reference to an output the DSL cannot type by itself, e.g. of a component made with
 * `component()`: `channel(myGen, 'examples', 'Examples')`. The loader still checks the type.
 */
export function channel<T extends string>(from: ComponentNode | string, output: string, artifactType: T): Channel<T> {
  const ch: Channel<T> = { kind: 'mlpipe.channel', artifactType, component: typeof from === 'string' ? from : from.id, output };
  if (typeof from !== 'string') producers.set(ch, from);
  return ch;
}

// ---- Standard components (DESIGN §5 output keys and TFX artifact types) ----

type SplitWeights = { [split: string]: number };

export interface ExampleGenParams extends Params {
  /** File, folder or glob, relative to the pipeline file. */
  input: string;
  splits?: SplitWeights;
  split_column?: string;
  span?: number;
  version?: number;
}

export function CsvExampleGen(id: string, opts: CommonOptions & { params: ExampleGenParams & { delimiter?: string } }): ComponentNode<{ examples: 'Examples' }> {
  return makeNode('CsvExampleGen', id, { examples: 'Examples' } as const, opts);
}

export function FileExampleGen(
  id: string,
  opts: CommonOptions & { params: ExampleGenParams & { format?: 'csv' | 'json' | 'jsonl' | 'parquet' } },
): ComponentNode<{ examples: 'Examples' }> {
  return makeNode('FileExampleGen', id, { examples: 'Examples' } as const, opts);
}

export function StatisticsGen(
  id: string,
  opts: CommonOptions & { inputs: { examples: Channel<'Examples'>; schema?: Channel<'Schema'> }; params?: Params },
): ComponentNode<{ statistics: 'ExampleStatistics' }> {
  return makeNode('StatisticsGen', id, { statistics: 'ExampleStatistics' } as const, opts);
}

export function SchemaGen(
  id: string,
  opts: CommonOptions & { inputs: { statistics: Channel<'ExampleStatistics'> }; params?: Params },
): ComponentNode<{ schema: 'Schema' }> {
  return makeNode('SchemaGen', id, { schema: 'Schema' } as const, opts);
}

export function SchemaImporter(id: string, opts: CommonOptions & { params: Params & { schema: string } }): ComponentNode<{ schema: 'Schema' }> {
  return makeNode('SchemaImporter', id, { schema: 'Schema' } as const, opts);
}

export function ExampleValidator(
  id: string,
  opts: CommonOptions & { inputs: { statistics: Channel<'ExampleStatistics'>; schema: Channel<'Schema'> }; params?: Params },
): ComponentNode<{ anomalies: 'ExampleAnomalies' }> {
  return makeNode('ExampleValidator', id, { anomalies: 'ExampleAnomalies' } as const, opts);
}

export function Transform(
  id: string,
  opts: CommonOptions & { inputs: { examples: Channel<'Examples'>; schema?: Channel<'Schema'> }; params?: Params },
): ComponentNode<{ transform_graph: 'TransformGraph'; transformed_examples: 'Examples' }> {
  return makeNode('Transform', id, { transform_graph: 'TransformGraph', transformed_examples: 'Examples' } as const, opts);
}

export function Trainer(
  id: string,
  opts: CommonOptions & {
    inputs: { examples: Channel<'Examples'>; transform_graph?: Channel<'TransformGraph'>; schema?: Channel<'Schema'>; base_model?: Channel<'Model'> };
    params?: Params & { label?: string; epochs?: number; hidden_units?: number[] };
  },
): ComponentNode<{ model: 'Model' }> {
  return makeNode('Trainer', id, { model: 'Model' } as const, opts);
}

/** Artifacts from earlier runs. With `latest_artifact`, `outputs` names the types to resolve. */
export function Resolver<const O extends Record<string, string> = Record<never, string>>(
  id: string,
  opts: CommonOptions & { params: Params & { strategy: 'latest_blessed_model' | 'latest_artifact' }; outputs?: O },
): ComponentNode<{ model: 'Model'; blessing: 'ModelBlessing' } & O> {
  const declared = (opts.outputs ?? {}) as O;
  const node = makeNode('Resolver', id, { model: 'Model', blessing: 'ModelBlessing', ...declared } as { model: 'Model'; blessing: 'ModelBlessing' } & O, opts);
  // Only what the user declared goes into the file; model and blessing are the Resolver's own.
  node.definition.outputs = { ...declared };
  return node;
}

export function Evaluator(
  id: string,
  opts: CommonOptions & {
    inputs: { examples: Channel<'Examples'>; model: Channel<'Model'>; baseline_model?: Channel<'Model'>; schema?: Channel<'Schema'> };
    params?: Params;
  },
): ComponentNode<{ evaluation: 'ModelEvaluation'; blessing: 'ModelBlessing' }> {
  return makeNode('Evaluator', id, { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' } as const, opts);
}

export function HumanApproval(
  id: string,
  opts: CommonOptions & {
    inputs: { model: Channel<'Model'>; blessing?: Channel<'ModelBlessing'>; evaluation?: Channel<'ModelEvaluation'> };
    params?: Params & { instructions?: string; timeout?: number };
  },
): ComponentNode<{ approval: 'Approval' }> {
  return makeNode('HumanApproval', id, { approval: 'Approval' } as const, opts);
}

export function Pusher(
  id: string,
  opts: CommonOptions & {
    inputs: { model: Channel<'Model'>; model_blessing?: Channel<'ModelBlessing'>; approval?: Channel<'Approval'> };
    params: Params & { destination: string };
  },
): ComponentNode<{ pushed_model: 'PushedModel' }> {
  return makeNode('Pusher', id, { pushed_model: 'PushedModel' } as const, opts);
}

/** Any program, spawned without a shell; `outputs` declares what it writes (`{model: 'Model'}`). */
export function Command<const O extends Record<string, string>>(
  id: string,
  opts: CommonOptions & { inputs?: InputMap; outputs?: O; params: Params & { command: Array<string | number> } },
): ComponentNode<O> {
  return makeNode('Command', id, (opts.outputs ?? {}) as O, { ...opts, declaredOutputs: true });
}

/** The default export of a TS/JS module, `async (ctx) => …`; `outputs` declares what it writes. */
export function Function<const O extends Record<string, string>>(
  id: string,
  opts: CommonOptions & { inputs?: InputMap; outputs?: O; params: Params & { module: string } },
): ComponentNode<O> {
  return makeNode('Function', id, (opts.outputs ?? {}) as O, { ...opts, declaredOutputs: true });
}
