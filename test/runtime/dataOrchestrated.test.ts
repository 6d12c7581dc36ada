// End to end through the orchestrator: ExampleGen → StatisticsGen → SchemaGen → ExampleValidator →
// Transform from a pipeline file, recorded in a real ML Metadata SQLite file; then a new span that drops
// a column stops the pipeline at the validator with the anomaly reported as a RunEvent.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunEvent } from '../../runtime/orchestrator/events';
import { runPipeline } from '../../runtime/orchestrator/run';
import { MetadataStore } from '../../runtime/metadata/store';
import { tempWorkspace, type Workspace } from './dataHarness';

const PENGUINS = join(__dirname, '..', '..', 'node_modules', 'vega-datasets', 'data', 'penguins.json');

describe('the data pipeline through runPipeline', () => {
  let ws: Workspace;
  let pipelineFile: string;
  before(() => {
    ws = tempWorkspace();
    mkdirSync(join(ws.dir, '.mlpipe'), { recursive: true });
    mkdirSync(join(ws.dir, 'data', 'span-1'), { recursive: true });
    const rows = JSON.parse(readFileSync(PENGUINS, 'utf8')) as Array<Record<string, unknown>>;
    writeFileSync(join(ws.dir, 'data', 'span-1', 'penguins.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    pipelineFile = join(ws.dir, 'penguin.pipeline.yaml');
    writeFileSync(
      pipelineFile,
      `pipeline: penguin
components:
  example_gen:
    type: FileExampleGen
    params:
      input: data/span-{SPAN}/*.jsonl
      splits: {train: 3, eval: 1}
  statistics_gen:
    type: StatisticsGen
    inputs: {examples: example_gen.examples}
  schema_gen:
    type: SchemaGen
    inputs: {statistics: statistics_gen.statistics}
  example_validator:
    type: ExampleValidator
    inputs: {statistics: statistics_gen.statistics, schema: schema_gen.schema}
  transform:
    type: Transform
    inputs: {examples: example_gen.examples, schema: schema_gen.schema}
    params:
      label: Species
      features:
        "Beak Length (mm)": zscore
        Island: onehot
`,
    );
  });
  after(() => ws?.cleanup());

  test('runs complete, then fully cached; with a curated schema, a new span that drops a column stops at the validator', async () => {
    const first = await runPipeline({ file: pipelineFile, root: ws.dir });
    assert.equal(first.state, 'complete', JSON.stringify(first.steps));
    for (const step of ['example_gen', 'statistics_gen', 'schema_gen', 'example_validator', 'transform']) assert.equal(first.steps[step]?.state, 'complete', step);
    const second = await runPipeline({ file: pipelineFile, root: ws.dir });
    assert.equal(second.steps['example_gen']?.state, 'cached');
    assert.equal(second.steps['transform']?.state, 'cached');

    // The team curates the inferred schema in the workspace; a later span that drops Sex must stop the
    // pipeline at the validator, before Transform, with the anomaly sent as a RunEvent.
    const schemaDir = join(ws.dir, '.mlpipe', 'artifacts', 'penguin', 'schema_gen', 'schema');
    const published = readdirSync(schemaDir).map((d) => join(schemaDir, d, 'schema.json')).find((f) => existsSync(f));
    assert.ok(published, `no schema.json under ${schemaDir}`);
    mkdirSync(join(ws.dir, 'schema'), { recursive: true });
    copyFileSync(published, join(ws.dir, 'schema', 'schema.json'));
    const curated = join(ws.dir, 'curated.pipeline.yaml');
    writeFileSync(
      curated,
      readFileSync(pipelineFile, 'utf8')
        .replace('pipeline: penguin', 'pipeline: curated')
        .replace(/ {2}schema_gen:\n {4}type: SchemaGen\n {4}inputs: \{statistics: statistics_gen.statistics\}/, '  schema_gen:\n    type: SchemaImporter\n    params: {schema: schema/schema.json}'),
    );
    mkdirSync(join(ws.dir, 'data', 'span-2'), { recursive: true });
    const rows = JSON.parse(readFileSync(PENGUINS, 'utf8')) as Array<Record<string, unknown>>;
    writeFileSync(join(ws.dir, 'data', 'span-2', 'penguins.jsonl'), rows.map(({ Sex: _drop, ...r }) => JSON.stringify(r)).join('\n'));
    const events: RunEvent[] = [];
    const third = await runPipeline({ file: curated, root: ws.dir, onEvent: (e) => events.push(e) });
    assert.equal(third.state, 'failed');
    assert.equal(third.steps['example_validator']?.state, 'failed');
    const anomalies = events.flatMap((e) => (e.kind === 'anomalies' ? e.anomalies : []));
    assert.ok(anomalies.some((a) => a.feature === 'Sex' && a.type === 'SCHEMA_MISSING_COLUMN' && a.severity === 'ERROR'), JSON.stringify(anomalies));

    // What stopped the pipeline is recorded: the failed execution has its ExampleAnomalies output, ABANDONED
    // (so nothing downstream or in the cache takes it), and its reason is the one sentence the views show.
    const reason = third.steps['example_validator']?.reason ?? '';
    assert.match(reason, /^example_validator found \d+ anomal(y|ies) in (train|eval)( and (train|eval))?: Sex: not in the data at all, the schema requires it/);
    assert.ok(!reason.includes('\n'), reason);
    const store = MetadataStore.open(join(ws.dir, '.mlpipe', 'metadata.sqlite'), { readonly: true });
    try {
      const execution = store.execution(third.steps['example_validator']!.executionId!);
      assert.equal(execution?.state, 'FAILED');
      const output = execution!.outputs.find((o) => o.artifact.type === 'ExampleAnomalies');
      assert.ok(output, JSON.stringify(execution?.outputs));
      assert.equal(output.artifact.state, 'ABANDONED');
      const recorded = JSON.parse(readFileSync(join(output.artifact.uri, 'Split-eval', 'anomalies.json'), 'utf8'));
      assert.equal(recorded.anomalyInfo.Sex.reason[0].type, 'SCHEMA_MISSING_COLUMN');
      assert.equal(store.latestNodeOutputs('curated', 'example_validator'), undefined, 'a failed validator offers no outputs to consume');
    } finally {
      store.close();
    }
    // Nothing was cached from the failure: the same data fails again.
    const fourth = await runPipeline({ file: curated, root: ws.dir });
    assert.equal(fourth.steps['example_validator']?.state, 'failed');
  });
});
