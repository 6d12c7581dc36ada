// Argo exports checked against Argo's own published schema (the shared fixture, read in place) in a
// strict copy that rejects unknown fields, and against the structural check the product ships.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { samplePipelineFiles } from './samplePipelines';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { loadPipelineFile } from '../../runtime/definition/load';
import { argoWorkflow } from '../../runtime/export/argoWorkflow';
import { checkAgainstArgoSchema, checkArgo, checkArgoStructure, loadArgoSchema, strictArgoSchema } from '../../runtime/export/validateArgo';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';

const SCHEMA = 'export/argo/schema.json';
const skip = skipWithoutFixture(SCHEMA);
let schema: Record<string, unknown> | undefined;
const argoSchema = (): Record<string, unknown> => (schema ??= loadArgoSchema(sharedFixture(SCHEMA)));

function sampleWorkflow(): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'demo-' },
    spec: {
      entrypoint: 'pipeline',
      volumes: [{ name: 'workspace', persistentVolumeClaim: { claimName: 'ws' } }],
      templates: [
        { name: 'pipeline', dag: { tasks: [{ name: 'a', template: 'step', arguments: { parameters: [{ name: 'step', value: 'a' }] } }, { name: 'b', template: 'step', dependencies: ['a'], arguments: { parameters: [{ name: 'step', value: 'b' }] } }] } },
        { name: 'step', inputs: { parameters: [{ name: 'step' }] }, container: { image: 'x', command: ['mlpipe'], args: ['run', 'p.yaml', '--step', '{{inputs.parameters.step}}'], volumeMounts: [{ name: 'workspace', mountPath: '/workspace' }] } },
      ],
    },
  };
}

type Mutable = { spec: { templates: Array<Record<string, any>>; [k: string]: unknown }; [k: string]: any };

describe("Argo exports against Argo's schema.json", () => {
  it("the strict copy closes every object that lists properties, and leaves the published one alone", { skip }, () => {
    const published = argoSchema();
    const strict = strictArgoSchema(published);
    const defs = (s: Record<string, unknown>) => s['definitions'] as Record<string, Record<string, unknown>>;
    const container = 'io.k8s.api.core.v1.Container';
    assert.equal(defs(strict)[container]!['additionalProperties'], false);
    assert.equal(defs(published)[container]!['additionalProperties'], undefined);
    // The published schema lets a typo through; the strict copy does not.
    const typo = sampleWorkflow() as Mutable;
    typo.spec.templates[1]!['container'].comand = ['x'];
    delete typo.spec.templates[1]!['container'].command;
    assert.deepEqual(checkAgainstArgoSchema(typo, published), [{ path: 'spec.templates[1].container.comand', message: 'unknown field comand' }]);
  });

  it("Argo's own example workflows pass the strict copy", { skip }, () => {
    const dir = sharedFixture('export/argo/examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 10, `expected Argo's examples in ${dir}`);
    for (const f of files) {
      for (const d of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
        const doc = d.toJS() as unknown;
        assert.deepEqual(checkAgainstArgoSchema(doc, argoSchema()), [], f);
        // Our structural check agrees with Argo about its own examples.
        assert.deepEqual(checkArgoStructure(doc), [], f);
      }
    }
  });

  it('the export of every sample pipeline passes the strict schema and the structural check', { skip }, async () => {
    const files = samplePipelineFiles();
    assert.ok(files.length >= 2);
    for (const file of files) {
      const loaded = await loadPipelineFile(file, { trusted: true, catalog: registryCatalog });
      assert.ok(loaded.pipeline, file);
      const w = argoWorkflow(loaded.pipeline, { pipelinePath: 'p.pipeline.yaml', image: 'registry.example/mlpipe:1', claim: 'ws', serviceAccount: 'runner' });
      const check = checkArgo(w, argoSchema());
      assert.deepEqual(check.problems, [], file);
      assert.equal(check.kind, 'Argo Workflow');
      assert.deepEqual(check.checks, ['structure and references', "Argo's schema.json, strict"]);
    }
  });

  it('with --db-url-secret every task reads the shared store from the Secret, and the workflow still passes the strict schema', { skip }, async () => {
    for (const file of samplePipelineFiles()) {
      const loaded = await loadPipelineFile(file, { trusted: true, catalog: registryCatalog });
      assert.ok(loaded.pipeline, file);
      const w = argoWorkflow(loaded.pipeline, { pipelinePath: 'p.pipeline.yaml', image: 'registry.example/mlpipe:1', claim: 'ws', metadataSecret: 'mlpipe-metadata' }) as Mutable;
      assert.deepEqual(checkArgo(w, argoSchema()).problems, [], file);
      const spec = (w['kind'] === 'CronWorkflow' ? w['spec'].workflowSpec : w.spec) as Mutable['spec'];
      const env = spec.templates.find((t) => t['name'] === 'step')!['container'].env;
      assert.deepEqual(env, [
        { name: 'MLPIPE_METADATA_URL', valueFrom: { secretKeyRef: { name: 'mlpipe-metadata', key: 'url' } } },
        { name: 'MYSQL_PWD', valueFrom: { secretKeyRef: { name: 'mlpipe-metadata', key: 'password', optional: true } } },
      ], file);
    }
    // A misspelt secretKeyRef field is caught by the strict copy, so the check above is not vacuous.
    const w = argoWorkflow((await loadPipelineFile(samplePipelineFiles()[0]!, { trusted: true, catalog: registryCatalog })).pipeline!, { pipelinePath: 'p.yaml', image: 'x', claim: 'ws', metadataSecret: 's' }) as Mutable;
    const spec = (w['kind'] === 'CronWorkflow' ? w['spec'].workflowSpec : w.spec) as Mutable['spec'];
    spec.templates.find((t) => t['name'] === 'step')!['container'].env[0].valueFrom.secretKeyRef.nmae = 's';
    assert.ok(checkArgo(w, argoSchema()).problems.some((p) => /unknown field nmae/.test(p.message)));
  });

  it('broken workflows fail, each with the JSON path of the error', { skip }, () => {
    const cases: Array<[string, (w: Mutable) => void, { path: string; message: RegExp }]> = [
      ['a misspelt field', (w) => (w.spec['entrypoynt'] = 'pipeline'), { path: 'spec.entrypoynt', message: /unknown field entrypoynt/ }],
      ['a wrong type', (w) => (w.spec.templates[1]!['container'].args = 'run'), { path: 'spec.templates[1].container.args', message: /must be array/ }],
      ['a null', (w) => (w.spec.templates[1]!['container'].workingDir = null), { path: 'spec.templates[1].container.workingDir', message: /./ }],
      ['an unknown kind', (w) => (w['kind'] = 'Workflw'), { path: 'kind', message: /./ }],
    ];
    for (const [what, mutate, expected] of cases) {
      const w = sampleWorkflow() as Mutable;
      mutate(w);
      const problems = checkArgo(w, argoSchema()).problems;
      assert.ok(
        problems.some((p) => p.path === expected.path && expected.message.test(p.message)),
        `${what}: expected ${expected.path} ${expected.message} in ${JSON.stringify(problems)}`,
      );
    }
  });
});

describe("the structural check (no schema file needed)", () => {
  it('passes a good workflow and catches broken references, with their paths', () => {
    assert.deepEqual(checkArgoStructure(sampleWorkflow()), []);
    const cases: Array<[string, (w: Mutable) => void, string, RegExp]> = [
      ['entrypoint', (w) => (w.spec['entrypoint'] = 'main'), 'spec.entrypoint', /no template is named main/],
      ['task template', (w) => (w.spec.templates[0]!['dag'].tasks[1].template = 'stepp'), 'spec.templates[0].dag.tasks[1].template', /no template is named stepp/],
      ['dependency', (w) => (w.spec.templates[0]!['dag'].tasks[1].dependencies = ['x']), 'spec.templates[0].dag.tasks[1].dependencies[0]', /no sibling task is named x/],
      ['cycle', (w) => (w.spec.templates[0]!['dag'].tasks[0].dependencies = ['b']), 'spec.templates[0].dag.tasks', /dependency cycle: a -> b -> a|dependency cycle: b -> a -> b/],
      ['two bodies', (w) => (w.spec.templates[1]!['script'] = { image: 'x', source: 'echo' }), 'spec.templates[1]', /has 2 bodies \(container, script\)/],
      ['volume', (w) => (w.spec.templates[1]!['container'].volumeMounts[0].name = 'data'), 'spec.templates[1].container.volumeMounts[0].name', /no volume is named data/],
      ['input', (w) => (w.spec.templates[1]!['container'].args[3] = '{{inputs.parameters.stage}}'), 'spec.templates[1].container.args[3]', /does not declare/],
      ['argument', (w) => (w.spec.templates[0]!['dag'].tasks[0].arguments.parameters[0].name = 'stp'), 'spec.templates[0].dag.tasks[0].arguments.parameters[0].name', /has no input parameter stp/],
      ['name', (w) => (w['metadata'] = { generateName: 'Demo_' }), 'metadata.generateName', /lower-case/],
      ['null', (w) => (w.spec['serviceAccountName'] = null), 'spec.serviceAccountName', /null value/],
    ];
    for (const [what, mutate, path, message] of cases) {
      const w = sampleWorkflow() as Mutable;
      mutate(w);
      const problems = checkArgoStructure(w);
      assert.ok(problems.some((p) => p.path === path && message.test(p.message)), `${what}: expected ${path} ${message} in ${JSON.stringify(problems)}`);
    }
  });
});
