// Comparing two runs: the penguin sample, then the same with one trainer param changed. The diff names
// exactly that param, the steps the second run executed, and the metric changes, through `mlpipe diff
// --json` and as text; and the same comparison on a database written the way TFX writes one.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MetadataStore } from '../../runtime/metadata/store';
import { recordApproval } from '../../runtime/orchestrator/approval';
import type { RunResult } from '../../runtime/orchestrator/api';
import { runPipeline } from '../../runtime/orchestrator/run';
import { diffRuns, findRun, schemaChanges, type RunDiff } from '../../runtime/orchestrator/runDiff';
import { compareArtifactContent } from '../../runtime/orchestrator/artifactFiles';
import { runTimeline } from '../../runtime/orchestrator/runTimeline';
import { metricHistory } from '../../runtime/orchestrator/metricHistory';
import { runDiffRequest } from '../../runtime/server/runComparison';
import { UserError } from '../../runtime/errors';
import { REPO } from './modelFixtures';
import { ensureBuilt, runCli, tempWorkspace, type TempWorkspace } from './workspaceFixture';

describe('mlpipe diff on two penguin runs with a changed trainer param', () => {
  let ws: TempWorkspace;
  let file: string;
  const runs: RunResult[] = [];
  const run = () =>
    runPipeline({
      file,
      onEvent: (e) => {
        if (e.kind === 'step-waiting') recordApproval(ws.db, { executionId: e.executionId, decision: 'approved', by: 'test', comment: 'ok' });
      },
    });

  before(async () => {
    ensureBuilt();
    ws = tempWorkspace('mlpipe-diff-');
    fs.cpSync(path.join(REPO, 'samples', 'penguin'), path.join(ws.root, 'penguin'), { recursive: true, filter: (src) => !src.includes(`${path.sep}serving`) && !src.includes(`${path.sep}.mlpipe`) });
    file = path.join(ws.root, 'penguin', 'penguin.pipeline.yaml');
    runs.push(await run());
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('epochs: 40', 'epochs: 20'));
    runs.push(await run());
    for (const r of runs) assert.equal(r.state, 'complete', JSON.stringify(r.steps));
  });
  after(() => ws?.dispose());

  it('--json names exactly the changed param, the re-executed steps and the metric changes', async () => {
    const [first, second] = runs.map((r) => r.runId);
    const res = await runCli(['diff', first!, second!, '--json', '--db', ws.db], ws.root);
    assert.equal(res.code, 0, res.stderr);
    const diff = JSON.parse(res.stdout) as RunDiff;
    assert.equal(diff.left.name, first);
    assert.equal(diff.right.name, second);
    assert.equal(diff.samePipeline, true);
    assert.deepEqual(diff.summary.changedParams, ['trainer.epochs']);
    // The resolver looks again every run; everything upstream of the trainer came from the cache.
    assert.deepEqual([...diff.summary.executed].sort(), ['approval', 'evaluator', 'latest_blessed', 'pusher', 'trainer']);
    const byId = new Map(diff.components.map((c) => [c.nodeId, c]));
    const trainer = byId.get('trainer')!;
    assert.deepEqual(trainer.params.filter((p) => p.changed), [{ name: 'epochs', left: 40, right: 20, changed: true }]);
    assert.ok(!trainer.params.some((p) => p.name === 'component_type'), 'bookkeeping is not a param');
    assert.ok(!byId.get('evaluator')!.params.some((p) => p.name === 'validated'), 'what the executor reported back is not a param');
    assert.equal(trainer.outputs.find((o) => o.key === 'model')?.verdict, 'different-content');
    for (const step of ['example_gen', 'statistics_gen', 'schema_gen', 'example_validator', 'transform']) {
      const c = byId.get(step)!;
      assert.equal(c.right?.cached, true, step);
      assert.ok(c.outputs.every((o) => o.verdict === 'same-artifact'), step);
      assert.deepEqual(c.params.filter((p) => p.changed), [], step);
    }
    assert.equal(byId.get('example_gen')!.changed, false);
    const stats = byId.get('statistics_gen')!.statistics!;
    assert.equal(stats.left, stats.right, 'the cached statistics are the same artifact');
    const metrics = byId.get('evaluator')!.metrics!;
    const accuracy = metrics.deltas.find((d) => d.slice === 'Overall' && d.metric === 'accuracy')!;
    assert.equal(accuracy.threshold?.lowerBound, 0.6);
    assert.equal(accuracy.delta, accuracy.right! - accuracy.left!);
    assert.ok(metrics.deltas.some((d) => d.slice === 'Island = Biscoe'), 'per slice too');
    const loss = metrics.deltas.find((d) => d.slice === 'Overall' && d.metric === 'log_loss')!;
    assert.notEqual(loss.delta, 0, 'half the epochs, another loss');
    assert.equal(diff.summary.metricChanges, metrics.deltas.filter((d) => d.delta !== undefined && d.delta !== 0).length);
    assert.ok(diff.summary.metricChanges > 0);
  });

  it('prints a readable text with only what changed, and compares a run with the one before it', async () => {
    const res = await runCli(['diff', runs[1]!.runId, '--db', ws.db], ws.root);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /changed params: trainer\.epochs\n/);
    assert.match(res.stdout, /param epochs: 40 → 20/);
    assert.match(res.stdout, /metric log_loss \(Overall\): [\d.e-]+ → [\d.e-]+ \([+-][\d.e+-]+\)/);
    assert.match(res.stdout, /output model \(Model\): different content \(\d+ → \d+\): Format-Serving\//);
    assert.doesNotMatch(res.stdout, /^example_gen/m, 'an unchanged step is left out');
    assert.match(res.stdout, /component\(s\) unchanged \(--all shows them\)/);
  });

  it('draws the second run as a timeline: cached steps, the approval wait, rows and sizes of the outputs', () => {
    const store = MetadataStore.open(ws.db, { readonly: true });
    try {
      const t = runTimeline(store, findRun(store, runs[1]!.runId));
      const bar = new Map(t.bars.map((b) => [b.nodeId, b]));
      assert.deepEqual(t.bars.filter((b) => b.cached).map((b) => b.nodeId).sort(), ['example_gen', 'example_validator', 'schema_gen', 'statistics_gen', 'transform']);
      for (const b of t.bars) {
        assert.ok(t.start <= b.readyTime && b.readyTime <= b.startTime && b.startTime <= b.endTime && b.endTime <= t.end, b.nodeId);
      }
      // The trainer waited for the transform it reads: it was ready when the (cached) transform ended.
      assert.equal(bar.get('trainer')!.readyTime, Math.min(bar.get('transform')!.endTime, bar.get('trainer')!.startTime));
      const wait = bar.get('approval')!.waiting!;
      assert.ok(wait.from <= wait.until && wait.until <= bar.get('approval')!.endTime);
      const transformed = bar.get('transform')!.outputs.find((o) => o.key === 'transformed_examples')!;
      const examples = bar.get('example_gen')!.outputs.find((o) => o.key === 'examples')!;
      assert.deepEqual(transformed.rows, examples.rows, 'Transform now records rows per split, as ExampleGen does');
      assert.equal(Object.values(examples.rows!).reduce((a, b) => a + b, 0), 344);
      for (const b of t.bars) for (const o of b.outputs) assert.equal(typeof o.bytes, 'number', `${b.nodeId}.${o.key}`);
      assert.ok(bar.get('trainer')!.outputs[0]!.bytes! > 1000);
      assert.equal(store.artifact(transformed.artifactId)!.customProperties['byte_size'], transformed.bytes, 'recorded by the publisher');

      const history = metricHistory(store, 'penguin');
      assert.deepEqual(history.points.map((p) => p.runName), runs.map((r) => r.runId), 'oldest first');
      assert.deepEqual(history.points.map((p) => p.blessed), [true, true]);
      assert.ok(history.slices.includes('Island = Biscoe') && history.metrics.includes('accuracy'));

      // The server's request: without a left run, the run before; the first run has none, and says so.
      const second = findRun(store, runs[1]!.runId);
      assert.equal(runDiffRequest(store, undefined, second.id).left.name, runs[0]!.runId);
      assert.throws(() => runDiffRequest(store, undefined, findRun(store, runs[0]!.runId).id), (e: unknown) => e instanceof UserError && /is the first run of pipeline penguin/.test(e.message));
    } finally {
      store.close();
    }
  });

  it('says what to do for an unknown run, the first run, and the same run twice', async () => {
    const unknown = await runCli(['diff', 'nope', runs[0]!.runId, '--db', ws.db], ws.root);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no run nope in .*\n {2}hint: list the runs and their ids with `mlpipe runs`/);
    assert.doesNotMatch(unknown.stderr, /at .*\.ts:\d+/);
    const firstAlone = await runCli(['diff', runs[0]!.runId, '--db', ws.db], ws.root);
    assert.equal(firstAlone.code, 2);
    assert.match(firstAlone.stderr, /is the first run of pipeline penguin: there is no run before it/);
    const twice = await runCli(['diff', runs[0]!.runId, runs[0]!.runId, '--db', ws.db], ws.root);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /both arguments are run/);
  });
});

describe('the diff on a database written the way TFX writes one', () => {
  let ws: TempWorkspace;
  before(() => {
    ws = tempWorkspace('mlpipe-diff-tfx-');
  });
  after(() => ws?.dispose());

  /**
   * Two BeamDagRunner-style runs of a taxi pipeline, IR style (tfx-reference §2): exec_properties as custom
   * properties with JSON strings, `__execution_result__` bookkeeping, TFX's type names, schema.pbtxt; run 2
   * changed the Trainer's train_args, so its upstream is CACHED and Trainer and Evaluator run again.
   */
  function buildTfxDatabase(): { runs: string[] } {
    const store = MetadataStore.open(ws.db);
    const dir = (p: string, files: Record<string, string>) => {
      const full = path.join(ws.root, 'tfx', p);
      fs.mkdirSync(full, { recursive: true });
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(full, name), text);
      return full;
    };
    const schemaV1 = 'feature {\n  name: "trip_miles"\n  type: FLOAT\n  presence {\n    min_fraction: 1.0\n  }\n}\nfeature {\n  name: "payment_type"\n  type: BYTES\n  domain: "payment_type"\n}\nstring_domain {\n  name: "payment_type"\n  value: "Cash"\n  value: "Credit Card"\n}\n';
    const runIds = ['20251008-054909.604092', '20251009-061200.100000'];
    try {
      const t = 'tfx.components';
      // Run 1: everything executes.
      let run = store.beginRun('taxi', runIds[0]!).runContextId;
      const eg = store.registerExecution({ pipeline: 'taxi', runContextId: run, nodeId: 'CsvExampleGen', executionType: `${t}.example_gen.csv_example_gen.component.CsvExampleGen`, customProperties: { input_base: '/data/taxi', input_config: '{"splits":[{"name":"single_split","pattern":"*"}]}' }, inputs: {} });
      const examples = store.publishSucceeded(eg, 'k-eg', { examples: [{ type: 'Examples', uri: dir('CsvExampleGen/examples/1', { 'data_tfrecord-00000-of-00001.gz': 'rows' }), properties: { split_names: '["train","eval"]', span: 0 }, customProperties: { tfx_version: '1.14.0', file_format: 'tfrecords_gzip' } }] }).examples![0]!;
      const sg = store.registerExecution({ pipeline: 'taxi', runContextId: run, nodeId: 'SchemaGen', executionType: `${t}.schema_gen.component.SchemaGen`, baseType: 'mlmd.Process', customProperties: { infer_feature_shape: 0 }, inputs: { examples: [examples] } });
      const schema = store.publishSucceeded(sg, 'k-sg', { schema: [{ type: 'Schema', uri: dir('SchemaGen/schema/2', { 'schema.pbtxt': schemaV1 }), properties: {}, customProperties: { tfx_version: '1.14.0' } }] }).schema![0]!;
      const trainer1 = store.registerExecution({ pipeline: 'taxi', runContextId: run, nodeId: 'Trainer', executionType: `${t}.trainer.component.Trainer`, baseType: 'mlmd.Train', customProperties: { train_args: '{"num_steps": 100}', eval_args: '{"num_steps": 50}', module_file: 'null' }, inputs: { examples: [examples], schema: [schema] } });
      const model1 = store.publishSucceeded(trainer1, 'k-tr1', { model: [{ type: 'Model', uri: dir('Trainer/model/3', { 'saved_model.pb': 'model-100-steps' }), properties: {}, customProperties: {} }] }).model![0]!;
      const ev1 = store.registerExecution({ pipeline: 'taxi', runContextId: run, nodeId: 'Evaluator', executionType: `${t}.evaluator.component.Evaluator`, baseType: 'mlmd.Evaluate', customProperties: { eval_config: '{"metrics_specs":[]}' }, inputs: { model: [model1] } });
      store.publishSucceeded(ev1, 'k-ev1', {
        evaluation: [{ type: 'ModelEvaluation', uri: dir('Evaluator/evaluation/4', { 'metrics-00000-of-00001.tfrecord': 'x' }), properties: {}, customProperties: {} }],
        blessing: [{ type: 'ModelBlessing', uri: dir('Evaluator/blessing/4', { BLESSED: '' }), properties: {}, customProperties: { blessed: 1, current_model_id: model1 } }],
      });
      // Run 2: ExampleGen and SchemaGen from the cache, Trainer with other train_args.
      run = store.beginRun('taxi', runIds[1]!).runContextId;
      for (const [nodeId, type, key, props, inputs] of [
        ['CsvExampleGen', `${t}.example_gen.csv_example_gen.component.CsvExampleGen`, 'k-eg', { input_base: '/data/taxi', input_config: '{"splits": [{"pattern": "*", "name": "single_split"}]}' }, {}],
        ['SchemaGen', `${t}.schema_gen.component.SchemaGen`, 'k-sg', { infer_feature_shape: 0 }, { examples: [examples] }],
      ] as const) {
        const id = store.registerExecution({ pipeline: 'taxi', runContextId: run, nodeId, executionType: type, customProperties: props, inputs });
        const hit = store.findCached(key)!;
        store.publishCached(id, key, Object.fromEntries(Object.entries(hit.outputs).map(([k, v]) => [k, v.map((a) => a.id)])));
      }
      const trainer2 = store.registerExecution({ pipeline: 'taxi', runContextId: run, nodeId: 'Trainer', executionType: `${t}.trainer.component.Trainer`, baseType: 'mlmd.Train', customProperties: { train_args: '{"num_steps": 200}', eval_args: '{"num_steps": 50}', module_file: 'null' }, inputs: { examples: [examples], schema: [schema] } });
      store.publishSucceeded(trainer2, 'k-tr2', { model: [{ type: 'Model', uri: dir('Trainer/model/7', { 'saved_model.pb': 'model-200-steps' }), properties: {}, customProperties: {} }] });
    } finally {
      store.close();
    }
    return { runs: runIds };
  }

  it('names the changed exec property, the cached steps, and says why metrics are not compared', () => {
    const { runs } = buildTfxDatabase();
    const store = MetadataStore.open(ws.db, { readonly: true });
    try {
      const diff = diffRuns(store, findRun(store, runs[0]!), findRun(store, runs[1]!));
      // input_config differs only in key order and spacing: the same JSON, not a change.
      assert.deepEqual(diff.summary.changedParams, ['Trainer.train_args']);
      assert.deepEqual(diff.summary.executed, ['Trainer']);
      const byId = new Map(diff.components.map((c) => [c.nodeId, c]));
      assert.deepEqual(byId.get('Trainer')!.params.find((p) => p.changed), { name: 'train_args', left: '{"num_steps": 100}', right: '{"num_steps": 200}', changed: true });
      assert.equal(byId.get('Trainer')!.outputs[0]!.verdict, 'different-content');
      assert.equal(byId.get('SchemaGen')!.right!.cached, true);
      assert.equal(byId.get('SchemaGen')!.outputs[0]!.verdict, 'same-artifact');
      assert.equal(byId.get('SchemaGen')!.changed, false);
      // The Evaluator ran only in the first run.
      const evaluator = byId.get('Evaluator')!;
      assert.equal(evaluator.right, undefined);
      assert.match(evaluator.metrics!.note!, /TFMA metrics in TFRecord files are not read here/);
      assert.equal(evaluator.metrics!.blessed.left, true);
      // Its timeline too: TFX records no sizes, so they are measured from the files that are still there.
      const t = runTimeline(store, findRun(store, runs[1]!));
      assert.deepEqual(t.bars.map((b) => [b.nodeId, b.cached]), [['CsvExampleGen', true], ['SchemaGen', true], ['Trainer', false]]);
      assert.equal(t.bars[2]!.outputs[0]!.bytes, 'model-200-steps'.length);
    } finally {
      store.close();
    }
  });

  it('reads schema changes from schema.pbtxt: features added and removed, type, domain, presence', () => {
    const before = { feature: [{ name: 'a', type: 'FLOAT' as const, presence: { minFraction: 1 } }, { name: 'b', type: 'BYTES' as const, stringDomain: { value: ['x', 'y'] } }, { name: 'gone', type: 'INT' as const }] };
    const after = { feature: [{ name: 'a', type: 'INT' as const }, { name: 'b', type: 'BYTES' as const, stringDomain: { value: ['x', 'y', 'z'] } }, { name: 'new', type: 'FLOAT' as const }] };
    assert.deepEqual(schemaChanges(before, after), [
      { feature: 'a', kind: 'type', left: 'FLOAT', right: 'INT' },
      { feature: 'a', kind: 'presence', left: 'min fraction 1', right: 'optional' },
      { feature: 'b', kind: 'domain', left: 'values x, y', right: 'values x, y, z' },
      { feature: 'gone', kind: 'removed', left: 'INT' },
      { feature: 'new', kind: 'added', right: 'FLOAT' },
    ]);
  });

  it('decides "same content" from the files: same bytes, other sizes, other bytes, files gone', () => {
    const mk = (name: string, files: Record<string, string>) => {
      const d = path.join(ws.root, 'content', name);
      fs.mkdirSync(d, { recursive: true });
      for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(d, f), text);
      return d;
    };
    const a = mk('a', { 'x.bin': 'hello', 'y.bin': 'world' });
    assert.equal(compareArtifactContent(a, mk('b', { 'x.bin': 'hello', 'y.bin': 'world' })).verdict, 'same-content');
    assert.match(compareArtifactContent(a, mk('c', { 'x.bin': 'hello!', 'y.bin': 'world' })).how, /x\.bin is 5 bytes, then 6/);
    assert.match(compareArtifactContent(a, mk('d', { 'x.bin': 'jello', 'y.bin': 'world' })).how, /x\.bin has other bytes/);
    assert.match(compareArtifactContent(a, mk('e', { 'x.bin': 'hello' })).how, /removed y\.bin/);
    assert.equal(compareArtifactContent(a, path.join(ws.root, 'nowhere')).verdict, 'unknown');
  });
});
