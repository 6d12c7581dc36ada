// Fixtures for the model-component tests: penguin Examples written with real DuckDB, a TransformGraph
// analysed in the test (independently of the Transform component), and hand-built ExecutorContexts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EXAMPLES_FILE, splitDir, TRANSFORM_GRAPH_FILE } from '../../common/artifacts';
import type { Properties } from '../../common/artifacts';
import type { ComponentEvent, ExecutorContext, InputArtifact, OutputArtifact } from '../../runtime/components/spec';
import { applyTransform, type FeatureOp, type TransformProgram } from '../../runtime/data/transformProgram';
import * as tf from '@tensorflow/tfjs';
import { DENSE_INPUT_NAME } from '../../runtime/model/dnn';
import { FEATURE_SPEC_FILE } from '../../runtime/model/featureSpec';
import { saveModelFiles } from '../../runtime/model/modelFiles';
import { readParquetRows, type Row } from '../../runtime/model/parquetRows';

export const REPO = path.resolve(__dirname, '..', '..');
export const PENGUIN_CSV = path.join(REPO, 'samples', 'penguin', 'data', 'penguins.csv');
export const NUMERIC = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];

/** The backend `auto` must pick here: tfjs-node when it is installed, else wasm. */
export const EXPECTED_BACKEND = ((): 'tensorflow' | 'wasm' => {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return 'tensorflow';
  } catch {
    return 'wasm';
  }
})();

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mlpipe-${prefix}-`));
}

let nextId = 100;
export function artifact(type: string, uri: string, customProperties: Properties = {}, properties: Properties = {}): InputArtifact {
  return { id: nextId++, type, uri, properties, customProperties };
}

export async function duckdb<T>(fn: (run: (sql: string, params?: Array<string | number>) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    return await fn(async (sql, params) => (await con.runAndReadAll(sql, params)).getRowObjectsJS() as Record<string, unknown>[]);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Write rows (JS objects) as a Parquet split through a JSON file, as DuckDB would read a request body. */
export async function writeSplit(uri: string, split: string, rows: Array<Record<string, unknown>>): Promise<void> {
  const dir = path.join(uri, splitDir(split));
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'rows.json');
  fs.writeFileSync(json, JSON.stringify(rows));
  await duckdb((run) => run(`COPY (SELECT * FROM read_json(${quote(json)}, format = 'array')) TO ${quote(path.join(dir, EXAMPLES_FILE))} (FORMAT parquet)`));
  fs.rmSync(json);
}

/** Raw penguin Examples: every 4th row (file order) is eval, like a fixed 3:1 split. */
export async function penguinExamples(root: string): Promise<InputArtifact> {
  const uri = path.join(root, 'examples');
  for (const [split, cond] of [
    ['train', '(n % 4) <> 0'],
    ['eval', '(n % 4) = 0'],
  ] as const) {
    const dir = path.join(uri, splitDir(split));
    fs.mkdirSync(dir, { recursive: true });
    await duckdb((run) =>
      run(
        `COPY (SELECT * EXCLUDE (n) FROM (SELECT *, row_number() OVER () AS n FROM read_csv(${quote(PENGUIN_CSV)}, header = true)) WHERE ${cond} ORDER BY n) TO ${quote(path.join(dir, EXAMPLES_FILE))} (FORMAT parquet)`,
      ),
    );
  }
  return artifact('Examples', uri, { file_format: 'parquet' }, { split_names: '["train","eval"]' });
}

export async function readSplitRows(examples: InputArtifact, split: string): Promise<Row[]> {
  return (await readParquetRows(path.join(examples.uri, splitDir(split), EXAMPLES_FILE))).rows;
}

/** A transform program analysed here on the train split: z-scores, vocabularies, label classes. */
export async function penguinTransform(root: string, raw: InputArtifact): Promise<{ graph: InputArtifact; transformed: InputArtifact; program: TransformProgram }> {
  const train = await readSplitRows(raw, 'train');
  const features: FeatureOp[] = NUMERIC.map((name) => {
    const xs = train.map((r) => r[name]).filter((v): v is number => typeof v === 'number');
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    return { op: 'zscore', name, source: name, mean, std, fill: mean };
  });
  for (const name of ['Island', 'Sex']) {
    const vocabulary = [...new Set(train.map((r) => r[name]).filter((v): v is string => typeof v === 'string'))].sort();
    features.push({ op: 'vocabulary', name, source: name, vocabulary, numOovBuckets: 1 });
  }
  const classes = [...new Set(train.map((r) => String(r['Species'])))].sort();
  const program: TransformProgram = { version: 1, features, label: { kind: 'classes', name: 'Species', source: 'Species', classes }, analysedRows: train.length };
  const graphUri = path.join(root, 'transform_graph');
  fs.mkdirSync(graphUri, { recursive: true });
  fs.writeFileSync(path.join(graphUri, TRANSFORM_GRAPH_FILE), JSON.stringify(program));
  const transformedUri = path.join(root, 'transformed');
  for (const split of ['train', 'eval']) await writeSplit(transformedUri, split, applyTransform(program, await readSplitRows(raw, split)));
  return {
    graph: artifact('TransformGraph', graphUri),
    transformed: artifact('Examples', transformedUri, { file_format: 'parquet' }, { split_names: '["train","eval"]' }),
    program,
  };
}

export interface TestContext extends ExecutorContext {
  lines: string[];
  events: ComponentEvent[];
}

export function context(root: string, options: { componentId: string; params: Record<string, unknown>; inputs: Record<string, InputArtifact[]>; outputs: Record<string, string> }): TestContext {
  const outputs: Record<string, OutputArtifact> = {};
  for (const [key, type] of Object.entries(options.outputs)) {
    const uri = path.join(root, options.componentId, key, String(nextId++));
    fs.mkdirSync(uri, { recursive: true });
    outputs[key] = { type, uri, properties: {}, customProperties: {} };
  }
  const tmpDir = path.join(root, options.componentId, '.tmp', String(nextId++));
  fs.mkdirSync(tmpDir, { recursive: true });
  const lines: string[] = [];
  const events: ComponentEvent[] = [];
  return {
    pipelineName: 'test',
    trusted: true,
    componentId: options.componentId,
    executionId: nextId++,
    params: options.params,
    inputs: options.inputs,
    outputs,
    pipelineDir: root,
    root,
    tmpDir,
    signal: new AbortController().signal,
    log: (line) => lines.push(line),
    emit: (event) => events.push(event),
    lines,
    events,
  };
}

/** The output of an executed context as the input artifact a downstream step receives. */
export function asInput(ctx: ExecutorContext, key: string): InputArtifact {
  const out = ctx.outputs[key];
  if (!out) throw new Error(`no output ${key}`);
  return artifact(out.type, out.uri, out.customProperties, out.properties);
}

/**
 * A hand-wired model on one numeric feature `x` (no training): classification logits [0, slope·x] over
 * classes [a, b], so p(b) = sigmoid(slope·x); or regression y = slope·x + intercept. Predictions are known
 * in closed form, so metrics can be checked against values computed independently.
 */
export async function handModel(root: string, name: string, options: { task: 'classification' | 'regression'; slope: number; intercept?: number }): Promise<InputArtifact> {
  await tf.setBackend('cpu');
  const classification = options.task === 'classification';
  const input = tf.input({ shape: [1], name: DENSE_INPUT_NAME });
  const layer = tf.layers.dense({ units: classification ? 2 : 1, activation: classification ? 'softmax' : 'linear', name: 'out' });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  layer.setWeights(classification ? [tf.tensor2d([[0, options.slope]]), tf.tensor1d([0, 0])] : [tf.tensor2d([[options.slope]]), tf.tensor1d([options.intercept ?? 0])]);
  const uri = path.join(root, name);
  const dir = path.join(uri, 'Format-Serving');
  await saveModelFiles(model, dir);
  const spec = {
    version: 1,
    features: [{ kind: 'numeric', column: 'x', tensorName: 'f0_x', mean: 0, std: 1 }],
    label: classification
      ? { kind: 'classification', column: 'y', source: 'y', classes: ['a', 'b'], encoded: 'value' }
      : { kind: 'regression', column: 'y', source: 'y', mean: 0, std: 1 },
  };
  fs.writeFileSync(path.join(dir, FEATURE_SPEC_FILE), JSON.stringify(spec));
  model.dispose();
  return artifact('Model', uri);
}
