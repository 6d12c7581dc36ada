// `mlpipe export --to kfp` and `mlpipe executor`. Every export parses strictly against KFP's own
// pipeline_spec.proto (the shared fixture) as the KFP API server does, and passes the API server's rules
// and the reference checks; KFP's compiled golden pipelines pass the same checks and broken variants of
// them fail. Then the exported penguin pipeline is executed the way KFP's local subprocess runner does:
// tasks in dependency order, each container's argv run as a real process with an ExecutorInput built
// from the spec, and its outputs and model must be what a local run of the same pipeline produces.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { registryCatalog } from '../../runtime/components/registryCatalog';
import { loadPipelineFile, loadPipelineText } from '../../runtime/definition/load';
import { localPathForUri } from '../../runtime/export/kfpExecutor';
import { kfpPipelineSpec, typeFromKfp } from '../../runtime/export/kfpPipeline';
import { checkKfpPipelineSpec } from '../../runtime/export/validateKfp';
import { MetadataStore } from '../../runtime/metadata/store';
import { recordApproval } from '../../runtime/orchestrator/approval';
import { runPipeline } from '../../runtime/orchestrator/run';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';
import { pipelineSpecProtoErrors, protoError, skipWithoutProto } from './kfpProto';
import { samplePipelineFiles } from './samplePipelines';
import { cliPath, ensureBuilt, repoRoot, runCli, tempWorkspace, type TempWorkspace } from './workspaceFixture';

type Obj = Record<string, any>;

const GOLDEN = 'export/kfp/golden';
const skipGolden = skipWithoutFixture(GOLDEN) || skipWithoutProto;

function goldens(): Array<{ file: string; docs: Obj[] }> {
  const dir = sharedFixture(GOLDEN);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: f, docs: parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Obj) }));
}

/** Every check a PipelineSpec must pass: the strict proto parses and ours. */
function allProblems(doc: Obj): string[] {
  return [...pipelineSpecProtoErrors(doc), ...checkKfpPipelineSpec(doc).problems.map((p) => `${p.path}: ${p.message}`)];
}

describe('export to Kubeflow Pipelines v2', () => {
  before(() => ensureBuilt());

  it('every sample exports to a PipelineSpec that parses strictly as KFP does, and passes the API server rules', { skip: skipWithoutProto }, async () => {
    for (const file of samplePipelineFiles()) {
      const loaded = await loadPipelineFile(file, { trusted: true, catalog: registryCatalog });
      assert.ok(loaded.pipeline, file);
      const { spec } = kfpPipelineSpec(loaded.pipeline, { pipelinePath: relative(repoRoot, file), image: 'registry.example/mlpipe:1', pipelineRoot: 'gs://bucket/root' });
      assert.deepEqual(allProblems(spec), [], file);
      assert.equal(spec['schemaVersion'], '2.1.0');
    }
  });

  it('maps the penguin pipeline as TFX compiles it: one component per type, typed artifacts and parameters, tasks wired by producer', async () => {
    const loaded = await loadPipelineFile(join(repoRoot, 'samples', 'penguin', 'penguin.pipeline.yaml'), { trusted: true, catalog: registryCatalog });
    const { spec, warnings } = kfpPipelineSpec(loaded.pipeline!, { pipelinePath: 'penguin/penguin.pipeline.yaml', image: 'img' });
    const s = spec as Obj;
    assert.equal(s['pipelineInfo'].name, 'penguin');
    const tasks = s['root'].dag.tasks as Obj;
    // The Resolver has no executor on open-source KFP: left out, and said.
    assert.deepEqual(Object.keys(tasks), ['example-gen', 'statistics-gen', 'schema-gen', 'example-validator', 'transform', 'trainer', 'evaluator', 'approval', 'pusher']);
    assert.match(warnings.join(), /latest_blessed \(Resolver\) is left out/);
    assert.deepEqual(tasks['evaluator'].dependentTasks, ['example-gen', 'trainer']);
    assert.deepEqual(tasks['evaluator'].inputs.artifacts.model, { taskOutputArtifact: { producerTask: 'trainer', outputArtifactKey: 'model' } });
    assert.equal(tasks['evaluator'].inputs.artifacts.baseline_model, undefined);
    assert.deepEqual(tasks['trainer'].inputs.parameters.epochs, { runtimeValue: { constant: 40 } });
    assert.deepEqual(tasks['trainer'].cachingOptions, { enableCache: true });
    assert.deepEqual(tasks['approval'].cachingOptions, { enableCache: false });
    assert.deepEqual(tasks['approval'].inputs.parameters.decision, { componentInputParameter: 'approval_decision' });
    assert.equal(s['root'].inputDefinitions.parameters.approval_decision.defaultValue, 'pending');
    const comps = s['components'] as Obj;
    assert.equal(Object.keys(comps).length, 9);
    // TFX's type names, as its compiler writes them (KFP's MLMD then shows tfx.Examples …).
    assert.equal(typeFromKfp(comps['comp-csvexamplegen'].outputDefinitions.artifacts.examples.artifactType), 'Examples');
    assert.match(comps['comp-csvexamplegen'].outputDefinitions.artifacts.examples.artifactType.instanceSchema, /^title: tfx\.Examples\ntype: object\nproperties:\n  span:/);
    assert.match(comps['comp-pusher'].inputDefinitions.artifacts.approval.artifactType.instanceSchema, /^title: mlpipe\.Approval\n/);
    assert.equal(comps['comp-trainer'].inputDefinitions.parameters.epochs.parameterType, 'NUMBER_INTEGER');
    assert.equal(comps['comp-trainer'].inputDefinitions.parameters.learning_rate.parameterType, 'NUMBER_DOUBLE');
    assert.equal(comps['comp-trainer'].inputDefinitions.parameters.hidden_units.parameterType, 'LIST');
    assert.equal(comps['comp-evaluator'].inputDefinitions.artifacts.baseline_model.isOptional, true);
    const container = s['deploymentSpec'].executors['exec-trainer'].container;
    assert.deepEqual(container.command, ['mlpipe']);
    assert.deepEqual(container.args, ['executor', '--executor-input', '{{$}}', '--component', 'Trainer', '--task-name', '{{$.pipeline_task_name}}', '--pipeline', 'penguin', '--pipeline-dir', '/workspace/penguin']);
  });

  it('gives each Command step its own component when their interfaces differ, and refuses a required input fed by a Resolver', () => {
    const text = `pipeline: Two Commands
components:
  a: {type: Command, params: {command: [node, a.js, "{{outputs.out}}"]}, outputs: {out: Examples}}
  b: {type: Command, inputs: {x: a.out}, params: {command: [node, b.js, "{{inputs.x}}"]}, outputs: {r: Report}}
  c: {type: Command, params: {command: [node, c.js, "{{outputs.out}}"]}, outputs: {out: Examples}}
`;
    const p = loadPipelineText('/w/two.pipeline.yaml', text, { catalog: registryCatalog }).pipeline!;
    const s = kfpPipelineSpec(p, { pipelinePath: 'two.pipeline.yaml', image: 'img' }).spec as Obj;
    assert.equal(s['pipelineInfo'].name, 'two-commands');
    assert.equal(s['pipelineInfo'].displayName, 'Two Commands');
    assert.deepEqual(Object.keys(s['components']), ['comp-command', 'comp-command-2']);
    assert.equal(s['root'].dag.tasks.c.componentRef.name, 'comp-command');
    assert.equal(checkKfpPipelineSpec(s).problems.length, 0);
    const resolverFed = loadPipelineText('/w/r.pipeline.yaml', `pipeline: r
components:
  latest: {type: Resolver, params: {strategy: latest_artifact}, outputs: {model: Model}}
  push: {type: Command, inputs: {m: latest.model}, params: {command: [node, p.js, "{{inputs.m}}"]}}
`, { catalog: registryCatalog }).pipeline!;
    assert.throws(() => kfpPipelineSpec(resolverFed, { pipelinePath: 'r.pipeline.yaml', image: 'img' }), /push\.inputs\.m comes from the Resolver latest/);
  });

  it("KFP's golden pipelines pass the strict parse and our checks", { skip: skipGolden }, () => {
    const all = goldens();
    assert.equal(all.length, 5);
    for (const { file, docs } of all) {
      assert.deepEqual(allProblems(docs[0]!), [], file);
      // The second document of a two-document file is the Kubernetes platform spec.
      for (const platform of docs.slice(1)) assert.equal(protoError('PlatformSpec', platform), undefined, file);
    }
  });

  it('broken variants of the golden pipelines fail, each saying where', { skip: skipGolden }, () => {
    const base = goldens().find((g) => g.file.startsWith('two_step'))!.docs[0]!;
    const firstTask = (d: Obj) => Object.values(d['root'].dag.tasks as Obj)[0] as Obj;
    // The task that takes an artifact from another one.
    const consumer = (d: Obj) => Object.values(d['root'].dag.tasks as Obj).find((t: Obj) => t.inputs?.artifacts) as Obj;
    const firstExecutor = (d: Obj) => Object.values(d['deploymentSpec'].executors as Obj)[0] as Obj;
    const cases: Array<[string, (d: Obj) => void, RegExp]> = [
      ['a misspelt field', (d) => (firstTask(d)['dependantTasks'] = ['x']), /unknown field: "dependantTasks"/],
      ['a bad enum', (d) => {
        const params = (Object.values(d['components'] as Obj).find((c: Obj) => c.inputDefinitions?.parameters) as Obj).inputDefinitions.parameters as Obj;
        Object.values(params)[0].parameterType = 'STR';
      }, /invalid enum value|STR/],
      ['a misspelt field in deploymentSpec', (d) => (firstExecutor(d).container.imag = 'x'), /deploymentSpec as PipelineDeploymentConfig: .*unknown field: "imag"/],
      ['two members of one oneof', (d) => (firstExecutor(d).importer = { artifactUri: { constant: 'gs://x' }, typeSchema: { schemaTitle: 'system.Artifact' } }), /needs exactly one of container|oneof/],
      ['the schema version', (d) => (d['schemaVersion'] = '2.0.0'), /schemaVersion: KFP only supports schema version 2\.1\.0/],
      ['the name', (d) => (d['pipelineInfo'].name = 'Two_Step'), /pipelineInfo\.name: must consist of lower case/],
      ['a componentRef', (d) => (firstTask(d).componentRef.name = 'comp-nope'), /componentRef\.name: no component comp-nope/],
      ['an executorLabel', (d) => (Object.values(d['components'] as Obj)[0].executorLabel = 'exec-nope'), /executorLabel: no executor exec-nope/],
      ['a producer', (d) => ((Object.values(consumer(d).inputs.artifacts)[0] as Obj)['taskOutputArtifact'].producerTask = 'ghost'), /producerTask: no sibling task ghost/],
      ['an output key', (d) => ((Object.values(consumer(d).inputs.artifacts)[0] as Obj)['taskOutputArtifact'].outputArtifactKey = 'nothing'), /outputArtifactKey: task .* has no output nothing/],
      ['an input name', (d) => (consumer(d).inputs.artifacts['renamed'] = Object.values(consumer(d).inputs.artifacts)[0]), /has no input artifact renamed/],
      ['a dependent task', (d) => (consumer(d).dependentTasks = ['ghost']), /dependentTasks\[0\]: no sibling task ghost/],
      ['no tasks', (d) => (d['root'].dag.tasks = {}), /root\.dag\.tasks: a DAG needs at least one task/],
      ['a resolver executor', (d) => {
        const e = firstExecutor(d);
        delete e.container;
        e.resolver = { outputArtifactQueries: {} };
      }, /non-container and non-importer executors are not implemented/],
    ];
    for (const [what, mutate, expected] of cases) {
      const d = structuredClone(base);
      mutate(d);
      const problems = allProblems(d);
      assert.ok(problems.some((p) => expected.test(p)), `${what}: expected ${expected} in ${JSON.stringify(problems)}`);
    }
  });

  it('the executor maps the URIs KFP gives to the paths its launcher mounts', () => {
    assert.equal(localPathForUri('gs://bucket/root/task/examples'), '/gcs/bucket/root/task/examples');
    assert.equal(localPathForUri('minio://mlpipeline/v2/artifacts/x'), '/minio/mlpipeline/v2/artifacts/x');
    assert.equal(localPathForUri('s3://b/k'), '/s3/b/k');
    assert.equal(localPathForUri('/tmp/local/x'), '/tmp/local/x');
    assert.throws(() => localPathForUri('https://x/y'), /not one KFP's launcher mounts/);
  });
});

// ---- The exported penguin pipeline, run the way KFP's local SubprocessRunner runs a PipelineSpec. ----

interface TaskRun {
  task: string;
  code: number | null;
  output: string;
  executorOutput?: Obj;
}

/** Tasks in dependency order; each gets an ExecutorInput built from the spec, its argv run as a process. */
function runLikeKfpLocalRunner(spec: Obj, pipelineRoot: string, runParams: Obj, workspaceFromImage: (arg: string) => string): TaskRun[] {
  const tasks = spec['root'].dag.tasks as Obj;
  const rootParams = (spec['root'].inputDefinitions?.parameters ?? {}) as Obj;
  const done = new Map<string, Obj>();
  const runs: TaskRun[] = [];
  while (done.size < Object.keys(tasks).length) {
    const name = Object.keys(tasks).find((t) => !done.has(t) && ((tasks[t].dependentTasks ?? []) as string[]).every((d) => done.has(d)));
    assert.ok(name, 'no task can start (a cycle or an unknown dependency)');
    const task = tasks[name] as Obj;
    const component = spec['components'][task.componentRef.name] as Obj;
    const parameterValues: Obj = {};
    for (const [key, def] of Object.entries((component.inputDefinitions?.parameters ?? {}) as Obj)) if (def.defaultValue !== undefined) parameterValues[key] = def.defaultValue;
    for (const [key, p] of Object.entries((task.inputs?.parameters ?? {}) as Obj)) {
      if (p.runtimeValue) parameterValues[key] = p.runtimeValue.constant;
      else if (p.componentInputParameter) parameterValues[key] = runParams[p.componentInputParameter] ?? rootParams[p.componentInputParameter]?.defaultValue;
    }
    const artifacts: Obj = {};
    for (const [key, a] of Object.entries((task.inputs?.artifacts ?? {}) as Obj)) {
      const producerOutput = done.get(a.taskOutputArtifact.producerTask)!;
      artifacts[key] = producerOutput['artifacts'][a.taskOutputArtifact.outputArtifactKey];
    }
    const outputs: Obj = {};
    for (const [key, def] of Object.entries((component.outputDefinitions?.artifacts ?? {}) as Obj)) {
      outputs[key] = { artifacts: [{ name: key, type: def.artifactType, uri: join(pipelineRoot, name, key), metadata: {} }] };
    }
    const outputFile = join(pipelineRoot, name, 'executor_output.json');
    mkdirSync(join(pipelineRoot, name), { recursive: true });
    const executorInput = { inputs: { parameterValues, artifacts }, outputs: { artifacts: outputs, outputFile } };
    assert.equal(protoError('ExecutorInput', executorInput), undefined, `${name}: the ExecutorInput we built is not KFP's`);
    const container = spec['deploymentSpec'].executors[component.executorLabel].container as Obj;
    const argv = [...container.command, ...container.args].map((arg: string) =>
      workspaceFromImage(arg.replaceAll('{{$}}', JSON.stringify(executorInput)).replaceAll('{{$.pipeline_task_name}}', name)),
    );
    assert.equal(argv[0], 'mlpipe');
    const r = spawnSync(process.execPath, [cliPath, ...argv.slice(1)], { encoding: 'utf8', shell: false, cwd: pipelineRoot });
    const run: TaskRun = { task: name, code: r.status, output: r.stdout + r.stderr };
    runs.push(run);
    if (r.status !== 0) return runs;
    assert.ok(existsSync(outputFile), `${name} wrote no ExecutorOutput`);
    run.executorOutput = JSON.parse(readFileSync(outputFile, 'utf8')) as Obj;
    assert.equal(protoError('ExecutorOutput', run.executorOutput), undefined, `${name}: its ExecutorOutput is not KFP's`);
    done.set(name, run.executorOutput);
  }
  return runs;
}

/** The files of a folder, relative path -> content, for comparing artifacts. */
function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full).toString('base64');
    }
  };
  walk(dir);
  return out;
}

describe('the exported penguin pipeline, executed as KFP would', { skip: skipWithoutProto }, () => {
  let ws: TempWorkspace;
  let kfpDir = '';
  let localDir = '';
  before(() => {
    ensureBuilt();
    ws = tempWorkspace('mlpipe-kfp-');
    const copy = (to: string) => cpSync(join(repoRoot, 'samples', 'penguin'), to, { recursive: true, filter: (src) => !src.includes('.mlpipe') && !src.includes('serving') });
    kfpDir = join(ws.root, 'image', 'workspace');
    localDir = join(ws.root, 'local');
    copy(kfpDir);
    copy(localDir);
  });
  after(() => ws.dispose());

  it('runs every task as a process with no metadata database, and yields the outputs and the model a local run yields', async () => {
    const exported = spawnSync(process.execPath, [cliPath, 'export', 'penguin.pipeline.yaml', '--to', 'kfp', '--image', 'registry.example/mlpipe:1', '--pipeline-root', 'gs://bucket/kfp', '--root', kfpDir], { cwd: kfpDir, encoding: 'utf8' });
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stderr, /valid PipelineSpec 2\.1\.0/);
    const spec = parse(exported.stdout) as Obj;
    assert.deepEqual(allProblems(spec), []);
    const pipelineRoot = join(ws.root, 'kfp-root');
    mkdirSync(pipelineRoot, { recursive: true });
    // The image has the workspace at /workspace; here it is kfpDir.
    const fromImage = (arg: string) => arg.replace(/^\/workspace(?=\/|$)/, kfpDir);

    // Without a decision the approval gate stops the run before the Pusher, saying how to decide.
    const pending = runLikeKfpLocalRunner(spec, join(pipelineRoot, 'run-1'), {}, fromImage);
    const gate = pending.at(-1)!;
    assert.equal(gate.task, 'approval', gate.output);
    assert.equal(gate.code, 1);
    assert.match(gate.output, /waiting for a decision .*approval_decision=approved/);

    const runs = runLikeKfpLocalRunner(spec, join(pipelineRoot, 'run-2'), { approval_decision: 'approved', approval_approved_by: 'kfp-test', approval_comment: 'slices ok' }, fromImage);
    for (const r of runs) assert.equal(r.code, 0, `${r.task} failed:\n${r.output}`);
    assert.deepEqual(runs.map((r) => r.task), ['example-gen', 'statistics-gen', 'schema-gen', 'example-validator', 'transform', 'trainer', 'evaluator', 'approval', 'pusher']);
    // No metadata database anywhere: KFP records lineage itself.
    assert.equal(existsSync(join(kfpDir, '.mlpipe', 'metadata.sqlite')), false);
    const kfp = Object.fromEntries(runs.map((r) => [r.task, r.executorOutput!['artifacts'] as Obj]));
    const meta = (task: string, key: string) => kfp[task]![key].artifacts[0].metadata as Obj;
    const uri = (task: string, key: string) => localPathForUri(kfp[task]![key].artifacts[0].uri as string);
    // The custom properties travel back to KFP in the ExecutorOutput.
    assert.equal(meta('example-gen', 'examples')['split_names'], '["train","eval"]');
    assert.equal(meta('evaluator', 'blessing')['blessed'], 1);
    assert.equal(meta('approval', 'approval')['decision'], 'approved');
    assert.equal(meta('pusher', 'pushed_model')['pushed'], 1);

    // The same pipeline run locally, approving when asked.
    const file = join(localDir, 'penguin.pipeline.yaml');
    const db = join(localDir, '.mlpipe', 'metadata.sqlite');
    const local = await runPipeline({
      file,
      root: localDir,
      onEvent: (e) => {
        if (e.kind === 'step-waiting') recordApproval(db, { executionId: e.executionId, decision: 'approved', by: 'local-test', comment: 'slices ok' });
      },
    });
    assert.equal(local.state, 'complete', JSON.stringify(local.steps));
    const store = MetadataStore.open(db, { readonly: true });
    try {
      const localOut = (step: string, key: string) => store.execution(local.steps[step]!.executionId!)!.outputs.find((o) => o.key === key)!.artifact;
      const pairs: Array<[string, string, string]> = [
        ['example_gen', 'example-gen', 'examples'],
        ['statistics_gen', 'statistics-gen', 'statistics'],
        ['schema_gen', 'schema-gen', 'schema'],
        ['example_validator', 'example-validator', 'anomalies'],
        ['transform', 'transform', 'transform_graph'],
        ['transform', 'transform', 'transformed_examples'],
        ['trainer', 'trainer', 'model'],
      ];
      for (const [step, task, key] of pairs) {
        const l = localOut(step, key);
        assert.deepEqual(filesOf(uri(task, key)), filesOf(l.uri), `${step}.${key}: the files differ from the local run's`);
        for (const [k, v] of Object.entries({ ...l.properties, ...l.customProperties })) {
          // The fingerprint covers the input files' paths and times, which differ between the two copies.
          // The publisher's own stamps (mlpipe_version, is_external, state, and byte_size, which it measures from
          // the files compared just above) are a metadata store's, not the executor's.
          // examples_per_second is a measured speed.
          if (['input_fingerprint', 'mlpipe_version', 'is_external', 'state', 'byte_size', 'examples_per_second'].includes(k)) continue;
          assert.deepEqual(meta(task, key)[k], v, `${step}.${key} property ${k}`);
        }
      }
      // The model is evaluated and blessed alike.
      // Everything but the model's MLMD id and folder, which KFP's metadata holds instead of ours.
      const metrics = (dir: string) => {
        const { model_id: _id, model_uri: _uri, ...rest } = (JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { candidate: Obj }).candidate;
        return rest;
      };
      assert.deepEqual(metrics(uri('evaluator', 'evaluation')), metrics(localOut('evaluator', 'evaluation').uri));
      assert.equal(meta('evaluator', 'blessing')['blessed'], localOut('evaluator', 'blessing').customProperties['blessed']);
    } finally {
      store.close();
    }
    // And pushed to the same place in the workspace, the same model files.
    const pushed = (dir: string) => {
      const versions = readdirSync(join(dir, 'serving', 'penguin'));
      assert.equal(versions.length, 1);
      const folder = join(dir, 'serving', 'penguin', versions[0]!);
      // README.md and manifest.json name the model's id, the version and the time of the push, which
      // differ between two runs by nature; the rest of the manifest must agree.
      const { 'README.md': _readme, 'manifest.json': _manifest, ...files } = filesOf(folder);
      const { model_id: _id, pushed_version: _v, pushed_at: _at, ...manifest } = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Obj;
      return { files, manifest };
    };
    assert.deepEqual(pushed(kfpDir), pushed(localDir));
  });

  it('mlpipe executor says what is wrong with its input, without a stack trace', async () => {
    const r = await runCli(['executor', '--component', 'StatisticsGen', '--executor-input', '{not json'], ws.root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--executor-input is not JSON/);
    const unknown = await runCli(['executor', '--component', 'StatsGen', '--executor-input', '{}'], ws.root);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown component type StatsGen/);
    const uri = await runCli(['executor', '--component', 'SchemaGen', '--executor-input', JSON.stringify({ inputs: { artifacts: { statistics: { artifacts: [{ uri: 'https://x/y' }] } } }, outputs: {} })], ws.root);
    assert.equal(uri.code, 2);
    assert.match(uri.stderr, /https:\/\/x\/y is not one KFP's launcher mounts/);
    rmSync(join(ws.root, 'nothing'), { force: true });
  });
});
