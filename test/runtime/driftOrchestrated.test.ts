// Drift through the orchestrator: the ExampleValidator's baseline is not wired; the driver finds the
// statistics of the previous span from the same StatisticsGen node in the metadata, and a span whose
// distribution moved is reported with TFDV's comparator anomalies, values and thresholds.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MetadataStore } from '../../runtime/metadata/store';
import type { RunEvent } from '../../runtime/orchestrator/events';
import { runPipeline } from '../../runtime/orchestrator/run';
import { tempWorkspace, type TempWorkspace } from './workspaceFixture';

const PENGUINS = join(__dirname, '..', '..', 'node_modules', 'vega-datasets', 'data', 'penguins.json');

type Row = Record<string, unknown>;

function pipeline(schemaStep: string): string {
  return `pipeline: drift
components:
  example_gen:
    type: FileExampleGen
    params: {input: "data/span-{SPAN}/*.jsonl"}
  statistics_gen:
    type: StatisticsGen
    inputs: {examples: example_gen.examples}
${schemaStep}
  example_validator:
    type: ExampleValidator
    inputs: {statistics: statistics_gen.statistics, schema: schema.schema}
    params: {fail_on: none}
`;
}

describe('drift against the previous span, found in the metadata', () => {
  let ws: TempWorkspace;
  let rows: Row[];
  const writeSpan = (span: number, data: Row[]) => {
    mkdirSync(join(ws.root, 'data', `span-${span}`), { recursive: true });
    writeFileSync(join(ws.root, 'data', `span-${span}`, 'penguins.jsonl'), data.map((r) => JSON.stringify(r)).join('\n'));
  };
  before(() => {
    ws = tempWorkspace();
    rows = JSON.parse(readFileSync(PENGUINS, 'utf8')) as Row[];
    writeSpan(1, rows);
  });
  after(() => ws.dispose());

  it('reports COMPARATOR anomalies for a shifted span, with the previous span as baseline', async () => {
    // Span 1 with an inferred schema; then a curated copy of that schema with drift comparators.
    const inferred = ws.write('inferred.pipeline.yaml', pipeline('  schema:\n    type: SchemaGen\n    inputs: {statistics: statistics_gen.statistics}'));
    const first = await runPipeline({ file: inferred });
    assert.equal(first.state, 'complete', JSON.stringify(first.steps));
    const store = MetadataStore.open(ws.db, { readonly: true });
    const schemaUri = store.latestNodeOutputs('drift', 'schema')!['schema']![0]!.uri;
    store.close();
    const schema = JSON.parse(readFileSync(join(schemaUri, 'schema.json'), 'utf8')) as { feature: Array<Record<string, unknown>> };
    for (const f of schema.feature) {
      if (f['name'] === 'Body Mass (g)') f['driftComparator'] = { jensenShannonDivergence: { threshold: 0.1 } };
      if (f['name'] === 'Island') f['driftComparator'] = { infinityNorm: { threshold: 0.1 } };
    }
    ws.write('schema/curated.schema.json', JSON.stringify(schema, null, 2));
    const curated = ws.write('curated.pipeline.yaml', pipeline('  schema:\n    type: SchemaImporter\n    params: {schema: schema/curated.schema.json}'));

    // Span 1 again under the curated schema: no earlier span, so no drift is checked.
    const same = await runPipeline({ file: curated });
    assert.equal(same.steps['example_validator']!.state, 'complete');

    // Span 2: heavier penguins, all from one island.
    writeSpan(2, rows.map((r) => ({ ...r, 'Body Mass (g)': typeof r['Body Mass (g)'] === 'number' ? (r['Body Mass (g)'] as number) + 1500 : null, Island: 'Biscoe' })));
    const events: RunEvent[] = [];
    const shifted = await runPipeline({ file: curated, onEvent: (e) => events.push(e) });
    assert.equal(shifted.steps['example_validator']!.state, 'complete', shifted.steps['example_validator']!.reason);

    const check = MetadataStore.open(ws.db, { readonly: true });
    try {
      const exec = check.execution(shifted.steps['example_validator']!.executionId!)!;
      const baseline = exec.inputs.find((i) => i.key === 'baseline_statistics');
      assert.ok(baseline, 'the driver filled baseline_statistics');
      assert.equal(baseline.artifact.properties['span'], 1);
      assert.equal(exec.inputs.find((i) => i.key === 'statistics')!.artifact.properties['span'], 2);
    } finally {
      check.close();
    }
    const anomalies = events.flatMap((e) => (e.kind === 'anomalies' ? e.anomalies : []));
    const byFeature = (f: string) => anomalies.filter((a) => a.feature === f).map((a) => a.type);
    assert.ok(byFeature('Body Mass (g)').includes('COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH'), JSON.stringify(anomalies));
    assert.ok(byFeature('Island').includes('COMPARATOR_L_INFTY_HIGH'), JSON.stringify(anomalies));
    const jsd = anomalies.find((a) => a.type === 'COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH')!;
    assert.match(jsd.description, /0\.1/);
  });
});
