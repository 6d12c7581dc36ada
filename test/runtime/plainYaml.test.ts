// The exports' YAML writer: whatever it writes, the `yaml` package reads back as the same data, for
// awkward strings, nesting and empties, for every sample's exports, and for KFP's and TFX's own files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { loadPipelineFile } from '../../runtime/definition/load';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { argoWorkflow } from '../../runtime/export/argoWorkflow';
import { kfpPipelineSpec } from '../../runtime/export/kfpPipeline';
import { plainYaml, type Plain } from '../../runtime/export/plainYaml';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';
import { samplePipelineFiles } from './samplePipelines';

describe('plainYaml', () => {
  it('writes what YAML reads back unchanged', () => {
    const awkward: { [key: string]: Plain } = {
      plain: 'x', emptyList: [], emptyMap: {}, nested: [[1, []], {}, { x: 1, y: { z: [1, 2] } }],
      colon: 'a: b', braces: '{{$}}', bool: 'true', num: '1.5', version: '2.1.0', lines: 'line1\nline2\n', noEnd: 'a\nb',
      lead: ' lead', empty: '', float: -3.5e-10, no: false, date: '2026-12-01', 'weird key: x': 1, hash: 'a #b', quote: "it's",
      dq: '"q"', tab: '\ttab', blankEnd: 'trailing\n\n', spaces: 'Beak Length (mm)', dash: '- x', time: '12:30', nul: 'null',
      placeholder: ["{{$.inputs.parameters['x']}}"], unicode: 'ümlaut ✓', yes: 'yes', y: 'y', star: '*', cron: '0 3 * * *',
    };
    assert.deepEqual(parse(plainYaml(awkward)), awkward);
    assert.match(plainYaml({ s: 'title: tfx.Examples\ntype: object\n' }), /^s: \|\n {2}title: tfx\.Examples\n {2}type: object\n$/);
  });

  it('round-trips every sample export', async () => {
    for (const file of samplePipelineFiles()) {
      const p = (await loadPipelineFile(file, { trusted: true, catalog: registryCatalog })).pipeline!;
      const docs = [argoWorkflow(p, { pipelinePath: 'x.pipeline.yaml', image: 'img', claim: 'c' }), kfpPipelineSpec(p, { pipelinePath: 'x.pipeline.yaml', image: 'img' }).spec];
      for (const d of docs) assert.deepEqual(parse(plainYaml(d)), d, file);
    }
  });

  it("round-trips KFP's golden pipelines and TFX's compiled taxi job", { skip: skipWithoutFixture('export/kfp/golden') }, () => {
    const dir = sharedFixture('export/kfp/golden');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
      for (const d of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) assert.deepEqual(parse(plainYaml(d.toJS())), d.toJS(), f);
    }
    const taxi = JSON.parse(readFileSync(sharedFixture('export/tfx/expected_full_taxi_pipeline_job.json'), 'utf8')) as Record<string, never>;
    assert.deepEqual(parse(plainYaml(taxi)), taxi);
  });
});
