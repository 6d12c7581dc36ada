// ExampleGen: reads CSV / JSON / JSON lines / Parquet from a file, folder or glob (with {SPAN}/{VERSION}),
// splits it deterministically and writes one Parquet file per split (DESIGN §7).
import type { ExecutorComponentSpec, ExecutorContext, FingerprintContext, ParamSpec } from './spec';
import type * as Executor from './exampleGen.executor';
import type { InputFormat } from '../data/exampleIngest';
import { inputFingerprint } from '../data/inputFiles';

const commonParams: Record<string, ParamSpec> = {
  input: {
    type: 'path',
    mustExist: 'glob',
    required: true,
    doc: 'A file, a folder or a glob (`data/*.csv`), relative to the pipeline file. `{SPAN}` and `{VERSION}` in the path select the newest span (and its newest version), e.g. `data/span-{SPAN}/*.csv`.',
  },
  splits: {
    type: 'object',
    default: { train: 2, eval: 1 },
    doc: 'Deterministic hash split: split name -> relative weight, e.g. `{train: 3, eval: 1}`. A row (by its content) lands in the same split on every run and machine.',
    schema: { additionalProperties: { type: 'number', exclusiveMinimum: 0 }, propertyNames: { pattern: '^[A-Za-z0-9_-]+$' } },
  },
  split_column: {
    type: 'string',
    doc: 'Split by the values of this existing column instead of hashing: each distinct value (e.g. `train`, `eval`) becomes a split. The column is kept.',
  },
  span: {
    type: 'integer',
    doc: 'Use this span instead of the newest one (only with `{SPAN}` in input).',
  },
  version: {
    type: 'integer',
    doc: 'Use this version instead of the newest one (only with `{VERSION}` in input).',
  },
};

const csvParams: Record<string, ParamSpec> = {
  delimiter: { type: 'string', doc: 'CSV field delimiter (default: detected, usually `,`).' },
};

// Executors load their modules (and so DuckDB, a native addon) on first run, not when the CLI starts:
// a fully cached re-run never needs them (a require inside the function runs only then, in tsx and in the esbuild bundle).
function executorFor(format: InputFormat | 'param') {
  return async (ctx: ExecutorContext) => {
    await (require('./exampleGen.executor') as typeof Executor).runExampleGen(ctx, format);
  };
}

async function fingerprint(ctx: FingerprintContext): Promise<string> {
  return inputFingerprint(ctx.params, ctx.pipelineDir);
}

const examplesOutput = { examples: { type: 'Examples', doc: 'One Parquet file per split: `Split-<name>/data.parquet`.' } };

export const csvExampleGenSpec: ExecutorComponentSpec = {
  type: 'CsvExampleGen',
  doc: 'Reads CSV files into split Examples (Parquet), with column types inferred (integers, floats, strings, booleans, timestamps; empty cells are missing).',
  executionType: 'tfx.components.example_gen.csv_example_gen.component.CsvExampleGen',
  inputs: {},
  outputs: examplesOutput,
  params: { ...commonParams, ...csvParams },
  kind: 'executor',
  executor: executorFor('csv'),
  fingerprint,
};

export const fileExampleGenSpec: ExecutorComponentSpec = {
  type: 'FileExampleGen',
  doc: 'Reads CSV, JSON, JSON lines or Parquet files into split Examples (Parquet).',
  executionType: 'tfx.components.example_gen.component.FileBasedExampleGen',
  inputs: {},
  outputs: examplesOutput,
  params: {
    ...commonParams,
    ...csvParams,
    format: {
      type: 'string',
      enum: ['auto', 'csv', 'json', 'jsonl', 'parquet'],
      default: 'auto',
      doc: 'Input format; `auto` goes by file extension (.csv/.tsv, .json, .jsonl/.ndjson, .parquet).',
    },
  },
  kind: 'executor',
  executor: executorFor('param'),
  fingerprint,
};
