// The read side: databases written by TFX (IR and legacy InteractiveContext styles, schema v8–v10,
// Windows URIs, crashed runs) and our own, through the queries the CLI and the views use. The files
// ML Metadata itself wrote (shared fixtures) are SQLite; everything built here runs on each backend
// (test/storeBackends.ts): SQLite files and MariaDB databases.

import { blessingVerdict } from '../../common/blessing';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The store's own driver: two SQLite libraries in one process would break each other's POSIX locks.
import Database from '../../runtime/metadata/sqlite';
import { MetadataStore, MetadataStoreError } from '../../runtime/metadata/store';
import { sharedFixture } from '../sharedFixtures';
import { latestArtifact, latestBlessedModel } from '../../runtime/orchestrator/resolverStrategies';
import type { StoreLocation } from '../../runtime/metadata/location';
import { storeBackends, type StoreBackend } from '../storeBackends';

const FIXTURE = sharedFixture('mlmd/mlmd-v8-getting-started.db');

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-mlmd-read-'));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

test('the ml-metadata v8 "getting started" database is listed and left byte-identical', (t) => {
  if (!existsSync(FIXTURE)) {
    t.skip(`fixture ${FIXTURE} is absent`);
    return;
  }
  const before = sha256(FIXTURE);
  const store = MetadataStore.open(FIXTURE, { readonly: true });
  try {
    assert.equal(store.schemaVersion, 8);
    assert.deepEqual(store.listPipelines(), [], 'its only context is an "Experiment", not a pipeline');
    assert.deepEqual(store.listRuns({}), { items: [], total: 0 });
    const data = store.artifact(1)!;
    assert.equal(data.type, 'DataSet');
    assert.equal(data.uri, 'path/to/data');
    assert.equal(data.state, null);
    assert.deepEqual(data.properties, { split: 'train', day: 1 });
    assert.deepEqual(store.artifact(2)!.properties, { name: 'MNIST-v1', version: 1 });
    const trainer = store.execution(1)!;
    assert.equal(trainer.type, 'Trainer');
    assert.equal(trainer.state, 'UNKNOWN');
    assert.deepEqual(trainer.properties, { state: 'COMPLETED' });
    assert.deepEqual(trainer.inputs.map((i) => [i.type, i.artifact.id]), [['DECLARED_INPUT', 1]]);
    assert.deepEqual(trainer.outputs.map((o) => [o.type, o.artifact.id]), [['DECLARED_OUTPUT', 2]]);
    const lineage = store.lineage(2);
    assert.deepEqual(lineage.nodes.map((n) => `${n.kind}:${n.id}`), ['artifact:1', 'artifact:2', 'execution:1']);
    assert.deepEqual(lineage.edges.map((e) => `${e.from}->${e.to}:${e.type}`), ['a1->e1:DECLARED_INPUT', 'e1->a2:DECLARED_OUTPUT']);
    assert.equal(store.artifact(99), undefined);
    assert.throws(() => store.lineage(99), (err: unknown) => err instanceof MetadataStoreError && err.code === 'not-found');
  } finally {
    store.close();
  }
  assert.equal(sha256(FIXTURE), before);
});

test('a v8 database opened for writing is still only read: writes are refused, bytes unchanged', (t) => {
  if (!existsSync(FIXTURE)) {
    t.skip(`fixture ${FIXTURE} is absent`);
    return;
  }
  const copy = join(tempDir(), 'v8.db');
  copyFileSync(FIXTURE, copy);
  const before = sha256(copy);
  const store = MetadataStore.open(copy);
  try {
    assert.equal(store.execution(1)!.type, 'Trainer');
    assert.equal(store.recoverInterrupted('x', []), 0);
    assert.throws(() => store.beginRun('p', 'r'), (err: unknown) => err instanceof MetadataStoreError && err.code === 'version' && /version 8/.test(err.message));
  } finally {
    store.close();
  }
  assert.equal(sha256(copy), before);
});

function suite(backend: StoreBackend): void {
  /** A database as TFX's InteractiveContext leaves it after a crashed run, written row by row. */
  function buildLegacyDatabase(location: StoreLocation): { pipeline: string; runId: string; ids: Record<string, number> } {
    MetadataStore.open(location).close();
    const db = backend.raw(location);
    const pipeline = 'interactive-2024-05-01T12_00_00.000000';
    const runId = '2024-05-01T12:00:00.000000';
    const t0 = 1714564800000;
    const ids: Record<string, number> = {};
    db.transaction(() => {
      const type = (name: string, kind: number, props: Record<string, number>) => {
        const id = Number(db.prepare('INSERT INTO Type(name, type_kind) VALUES (?, ?)').run(name, kind).lastInsertRowid);
        for (const [p, dt] of Object.entries(props)) db.prepare('INSERT INTO TypeProperty VALUES (?, ?, ?)').run(id, p, dt);
        return id;
      };
      const ctxProps = { pipeline_name: 3 };
      const pipelineType = type('pipeline', 2, ctxProps);
      const runType = type('run', 2, { pipeline_name: 3, run_id: 3 });
      const componentRunType = type('component_run', 2, { pipeline_name: 3, run_id: 3, component_id: 3 });
      const execProps = { component_id: 3, pipeline_name: 3, pipeline_root: 3, run_id: 3, state: 3, checksum_md5: 3 };
      const egType = type('tfx.components.example_gen.csv_example_gen.component.CsvExampleGen', 0, execProps);
      const trainerType = type('tfx.components.trainer.component.Trainer', 0, execProps);
      const examplesType = type('Examples', 1, { span: 1, split_names: 3 });
      const modelType = type('Model', 1, {});
      const context = (typeId: number, name: string, props: Record<string, string>) => {
        const id = Number(db.prepare('INSERT INTO Context(type_id, name, create_time_since_epoch, last_update_time_since_epoch) VALUES (?, ?, ?, ?)').run(typeId, name, t0, t0).lastInsertRowid);
        for (const [p, v] of Object.entries(props)) db.prepare('INSERT INTO ContextProperty(context_id, name, is_custom_property, string_value) VALUES (?, ?, 0, ?)').run(id, p, v);
        return id;
      };
      ids.pipeline = context(pipelineType, pipeline, { pipeline_name: pipeline });
      ids.run = context(runType, `${pipeline}.${runId}`, { pipeline_name: pipeline, run_id: runId });
      ids.egRun = context(componentRunType, `${pipeline}.${runId}.CsvExampleGen`, { pipeline_name: pipeline, run_id: runId, component_id: 'CsvExampleGen' });
      ids.trainerRun = context(componentRunType, `${pipeline}.${runId}.Trainer`, { pipeline_name: pipeline, run_id: runId, component_id: 'Trainer' });
      const execution = (typeId: number, state: number, component: string, legacyState: string, dt: number) => {
        const id = Number(db.prepare('INSERT INTO Execution(type_id, last_known_state, name, create_time_since_epoch, last_update_time_since_epoch) VALUES (?, ?, NULL, ?, ?)').run(typeId, state, t0 + dt, t0 + dt + 1500).lastInsertRowid);
        const props = { component_id: component, pipeline_name: pipeline, pipeline_root: 'C:\\Users\\ana\\tfx\\pipelines', run_id: runId, state: legacyState, checksum_md5: 'abc' };
        for (const [p, v] of Object.entries(props)) db.prepare('INSERT INTO ExecutionProperty(execution_id, name, is_custom_property, string_value) VALUES (?, ?, 0, ?)').run(id, p, v);
        return id;
      };
      ids.eg = execution(egType, 3, 'CsvExampleGen', 'complete', 0);
      ids.trainer = execution(trainerType, 2, 'Trainer', 'running', 5000);
      const artifact = (typeId: number, uri: string, state: number | null, name: string) =>
        Number(db.prepare('INSERT INTO Artifact(type_id, uri, state, name, create_time_since_epoch, last_update_time_since_epoch) VALUES (?, ?, ?, ?, ?, ?)').run(typeId, uri, state, name, t0, t0).lastInsertRowid);
      ids.examples = artifact(examplesType, 'C:\\Users\\ana\\tfx\\pipelines\\CsvExampleGen\\examples\\1', 2, `examples:${runId}`);
      ids.model = artifact(modelType, 'C:\\Users\\ana\\tfx\\pipelines\\Trainer\\model\\2', null, `model:${runId}`);
      db.prepare("INSERT INTO ArtifactProperty(artifact_id, name, is_custom_property, string_value) VALUES (?, 'split_names', 0, '[\"train\", \"eval\"]')").run(ids.examples);
      db.prepare("INSERT INTO ArtifactProperty(artifact_id, name, is_custom_property, string_value) VALUES (?, 'producer_component', 1, 'CsvExampleGen')").run(ids.examples);
      const event = (a: number, e: number, type: number, key: string | null) => {
        const id = Number(db.prepare('INSERT INTO Event(artifact_id, execution_id, type, milliseconds_since_epoch) VALUES (?, ?, ?, ?)').run(a, e, type, t0).lastInsertRowid);
        if (key !== null) {
          db.prepare('INSERT INTO EventPath VALUES (?, 0, NULL, ?)').run(id, key);
          db.prepare('INSERT INTO EventPath VALUES (?, 1, 0, NULL)').run(id);
        }
      };
      event(ids.examples, ids.eg, 4, 'examples');
      event(ids.examples, ids.trainer, 3, 'examples');
      // The crashed Trainer's output was pre-registered with NULL state; this one even lacks a path.
      event(ids.model, ids.trainer, 4, null);
      for (const [e, own] of [[ids.eg, ids.egRun], [ids.trainer, ids.trainerRun]] as const) {
        for (const c of [ids.pipeline, ids.run, own]) db.prepare('INSERT INTO Association(context_id, execution_id) VALUES (?, ?)').run(c, e);
      }
      for (const [a, own] of [[ids.examples, ids.egRun], [ids.model, ids.trainerRun]] as const) {
        for (const c of [ids.pipeline, ids.run, own]) db.prepare('INSERT INTO Attribution(context_id, artifact_id) VALUES (?, ?)').run(c, a);
      }
    })();
    db.close();
    return { pipeline, runId, ids };
  }

  test('a legacy InteractiveContext database with a crashed run and Windows URIs is read', () => {
    const file = backend.newLocation(tempDir());
    const { pipeline, runId, ids } = buildLegacyDatabase(file);
    const unchanged = backend.fingerprint(file);
    const store = MetadataStore.open(file, { readonly: true });
    try {
      assert.deepEqual(store.listPipelines(), [pipeline]);
      const runs = store.listRuns({});
      assert.equal(runs.total, 1);
      assert.deepEqual(runs.items[0], {
        id: ids.run,
        name: runId,
        pipeline,
        style: 'legacy',
        // A legacy run's context properties are TFX's (pipeline_name, run_id), not a run record.
        customProperties: {},
        createTime: 1714564800000,
        updateTime: 1714564800000 + 6500,
        state: 'RUNNING',
        executionCount: 2,
      });
      assert.equal(store.listRuns({ pipeline }).total, 1);
      assert.equal(store.listRuns({ pipeline: 'other' }).total, 0);

      const executions = store.runExecutions(ids.run!);
      assert.deepEqual(executions.map((e) => [e.id, e.nodeId, e.state, e.durationMs]), [
        [ids.eg, 'CsvExampleGen', 'COMPLETE', 1500],
        [ids.trainer, 'Trainer', 'RUNNING', 1500],
      ]);
      assert.equal(executions[0]!.properties.state, 'complete');

      const trainer = store.execution(ids.trainer!)!;
      assert.equal(trainer.runName, runId);
      assert.equal(trainer.pipeline, pipeline);
      assert.deepEqual(trainer.inputs.map((i) => [i.key, i.artifact.uri, i.artifact.state]), [
        ['examples', 'C:\\Users\\ana\\tfx\\pipelines\\CsvExampleGen\\examples\\1', 'LIVE'],
      ]);
      assert.deepEqual(trainer.outputs.map((o) => [o.key, o.type, o.artifact.uri, o.artifact.state, o.artifact.name]), [
        ['', 'OUTPUT', 'C:\\Users\\ana\\tfx\\pipelines\\Trainer\\model\\2', null, `model:${runId}`],
      ]);

      const lineage = store.lineage(ids.model!);
      assert.deepEqual(lineage.nodes.map((n) => `${n.kind}:${n.id}:${n.state}`), [
        `artifact:${ids.examples}:LIVE`, `artifact:${ids.model}:null`, `execution:${ids.eg}:COMPLETE`, `execution:${ids.trainer}:RUNNING`,
      ]);
      assert.deepEqual(lineage.edges.map((e) => `${e.from}->${e.to}:${e.key}`), [
        `e${ids.eg}->a${ids.examples}:examples`, `a${ids.examples}->e${ids.trainer}:examples`, `e${ids.trainer}->a${ids.model}:`,
      ]);

      assert.equal(store.latestNodeExecution(pipeline, 'Trainer')!.id, ids.trainer);
      assert.deepEqual(Object.fromEntries(Object.entries(store.nodeStates(pipeline)).map(([k, v]) => [k, v.state])), {
        CsvExampleGen: 'COMPLETE',
        Trainer: 'RUNNING',
      });
      assert.equal(store.latestNodeOutputs(pipeline, 'Trainer'), undefined, 'a crashed step has no outputs');
      assert.deepEqual(store.latestNodeOutputs(pipeline, 'CsvExampleGen')!.examples!.map((a) => a.id), [ids.examples]);
      // "exists" means LIVE: the orphaned model is never the latest Model.
      assert.equal(latestArtifact(store, pipeline, 'Model'), undefined);
      assert.equal(latestArtifact(store, pipeline, 'Examples')!.id, ids.examples);
    } finally {
      store.close();
    }
    assert.equal(backend.fingerprint(file), unchanged, 'never written');
  });

  // ---- our own IR-style databases ------------------------------------------------------------------

  function irStore() {
    const dir = tempDir();
    const store = MetadataStore.open(backend.newLocation(dir));
    test.after(() => store.close());
    const uri = (name: string) => {
      const p = join(dir, 'artifacts', name);
      mkdirSync(p, { recursive: true });
      return p;
    };
    return { store, uri };
  }

  test('runs are listed newest first, per pipeline, a page at a time', () => {
    const { store } = irStore();
    const made: Array<{ pipeline: string; run: string; id: number }> = [];
    for (let i = 0; i < 7; i++) {
      const pipeline = i % 2 === 0 ? 'penguin' : 'taxi';
      const run = `run-${i}`;
      const { runContextId } = store.beginRun(pipeline, run);
      const e = store.registerExecution({ pipeline, runContextId, nodeId: 'gen', executionType: 'Gen', customProperties: {}, inputs: {} });
      if (i === 5) store.finishExecution(e, 'FAILED', 'bad');
      else if (i !== 6) store.publishSucceeded(e, undefined, {});
      made.push({ pipeline, run, id: runContextId });
    }
    assert.deepEqual(store.listPipelines(), ['penguin', 'taxi']);
    const newestFirst = [...made].reverse();
    const page1 = store.listRuns({ limit: 3 });
    assert.equal(page1.total, 7);
    assert.equal(page1.next, 3);
    assert.deepEqual(page1.items.map((r) => r.name), newestFirst.slice(0, 3).map((r) => r.run));
    assert.deepEqual(page1.items.map((r) => r.state), ['RUNNING', 'FAILED', 'COMPLETE']);
    assert.ok(page1.items.every((r) => r.style === 'ir' && r.executionCount === 1));
    const page3 = store.listRuns({ limit: 3, offset: 6 });
    assert.deepEqual(page3.items.map((r) => r.name), ['run-0']);
    assert.equal(page3.next, undefined);
    const taxi = store.listRuns({ pipeline: 'taxi' });
    assert.equal(taxi.total, 3);
    assert.deepEqual(taxi.items.map((r) => [r.name, r.pipeline]), [['run-5', 'taxi'], ['run-3', 'taxi'], ['run-1', 'taxi']]);
    assert.deepEqual(store.listRuns({ pipeline: 'nope' }), { items: [], total: 0 });
  });

  test('lineage crosses runs: upstream to the sources, downstream to every consumer, cached steps marked', () => {
    const { store, uri } = irStore();
    // Run 1: gen -> examples E1 -> stats S1; trainer(E1, S1) -> model M1.
    const r1 = store.beginRun('p', 'r1').runContextId;
    const gen1 = store.registerExecution({ pipeline: 'p', runContextId: r1, nodeId: 'gen', executionType: 'Gen', customProperties: {}, inputs: {} });
    const e1 = store.publishSucceeded(gen1, 'k-gen', { examples: [{ type: 'Examples', uri: uri('e1'), properties: {}, customProperties: {} }] }).examples![0]!;
    const stats1 = store.registerExecution({ pipeline: 'p', runContextId: r1, nodeId: 'stats', executionType: 'Stats', customProperties: {}, inputs: { examples: [e1] } });
    const s1 = store.publishSucceeded(stats1, 'k-s1', { statistics: [{ type: 'ExampleStatistics', uri: uri('s1'), properties: {}, customProperties: {} }] }).statistics![0]!;
    const train1 = store.registerExecution({ pipeline: 'p', runContextId: r1, nodeId: 'trainer', executionType: 'Trainer', customProperties: {}, inputs: { examples: [e1], statistics: [s1] } });
    const m1 = store.publishSucceeded(train1, 'k-t1', { model: [{ type: 'Model', uri: uri('m1'), properties: {}, customProperties: {} }] }).model![0]!;
    // Run 2: gen is cached (reuses E1); trainer retrains on E1 -> model M2.
    const r2 = store.beginRun('p', 'r2').runContextId;
    const gen2 = store.registerExecution({ pipeline: 'p', runContextId: r2, nodeId: 'gen', executionType: 'Gen', customProperties: {}, inputs: {} });
    store.publishCached(gen2, 'k-gen', { examples: [e1] });
    const train2 = store.registerExecution({ pipeline: 'p', runContextId: r2, nodeId: 'trainer', executionType: 'Trainer', customProperties: { epochs: 2 }, inputs: { examples: [e1] } });
    const m2 = store.publishSucceeded(train2, 'k-t2', { model: [{ type: 'Model', uri: uri('m2'), properties: {}, customProperties: {} }] }).model![0]!;

    const down = store.lineage(e1, { direction: 'downstream' });
    assert.equal(down.root, `a${e1}`);
    assert.deepEqual(down.nodes.filter((n) => n.kind === 'artifact').map((n) => n.id), [e1, s1, m1, m2]);
    assert.deepEqual(down.nodes.filter((n) => n.kind === 'execution').map((n) => n.nodeId), ['stats', 'trainer', 'trainer']);

    const up = store.lineage(m1, { direction: 'upstream' });
    assert.deepEqual(up.nodes.map((n) => `${n.kind}:${n.id}`), [`artifact:${e1}`, `artifact:${s1}`, `artifact:${m1}`, `execution:${gen1}`, `execution:${stats1}`, `execution:${train1}`, `execution:${gen2}`]);
    const cached = up.nodes.find((n) => n.id === gen2 && n.kind === 'execution')!;
    assert.equal(cached.cached, true);
    assert.equal(cached.state, 'CACHED');
    assert.equal(up.nodes.find((n) => n.id === gen1 && n.kind === 'execution')!.cached, undefined);
    assert.ok(up.edges.some((e) => e.from === `e${gen2}` && e.to === `a${e1}` && e.type === 'OUTPUT' && e.key === 'examples'));
    assert.ok(up.edges.some((e) => e.from === `a${s1}` && e.to === `e${train1}` && e.type === 'INPUT' && e.key === 'statistics'));
    assert.ok(!up.nodes.some((n) => n.id === m2 && n.kind === 'artifact'), 'upstream does not wander into siblings');

    const both = store.lineage(s1);
    assert.deepEqual(both.nodes.filter((n) => n.kind === 'artifact').map((n) => n.id), [e1, s1, m1]);
    const shallow = store.lineage(m1, { direction: 'upstream', maxDepth: 1 });
    assert.deepEqual(shallow.nodes.filter((n) => n.kind === 'artifact').map((n) => n.id), [e1, s1, m1]);
    assert.ok(!shallow.nodes.some((n) => n.id === gen1 && n.kind === 'execution'));
    const capped = store.lineage(e1, { maxNodes: 3 });
    assert.equal(capped.truncated, true);
    assert.ok(capped.nodes.length <= 3);

    // Node queries over the same data.
    assert.equal(store.latestNodeExecution('p', 'trainer')!.id, train2);
    assert.deepEqual(store.latestNodeOutputs('p', 'gen')!.examples!.map((a) => a.id), [e1], 'the cached execution points at E1');
    assert.deepEqual(store.latestNodeOutputs('p', 'trainer')!.model!.map((a) => a.id), [m2]);
    assert.equal(store.latestNodeOutputs('p', 'nope'), undefined);
    assert.deepEqual(Object.fromEntries(Object.entries(store.nodeStates('p')).map(([k, v]) => [k, [v.id, v.state]])), {
      gen: [gen2, 'CACHED'],
      stats: [stats1, 'COMPLETE'],
      trainer: [train2, 'COMPLETE'],
    });
    assert.deepEqual(store.nodeStates('other'), {});
    assert.equal(store.previousArtifactOfNode('p', 'trainer', 'model', m2)!.id, m1);
    assert.equal(store.previousArtifactOfNode('p', 'trainer', 'model', m1), undefined);
    assert.equal(store.previousArtifactOfNode('p', 'trainer', 'other_key', m2), undefined);
    assert.equal(latestArtifact(store, 'p', 'Model')!.id, m2);
    assert.deepEqual(store.runExecutions(r2).map((e) => [e.nodeId, e.state]), [['gen', 'CACHED'], ['trainer', 'COMPLETE']]);
  });

  test('latestBlessedModel follows LatestBlessedModelStrategy: newest model with a blessed==1 blessing', () => {
    const { store, uri } = irStore();
    const run = store.beginRun('p', 'r').runContextId;
    const produce = (nodeId: string, key: string, type: string, customProperties: Record<string, number | string | boolean> = {}) => {
      const e = store.registerExecution({ pipeline: 'p', runContextId: run, nodeId, executionType: nodeId, customProperties: {}, inputs: {} });
      return store.publishSucceeded(e, undefined, { [key]: [{ type, uri: uri(`${nodeId}-${e}`), properties: {}, customProperties }] })[key]![0]!;
    };
    assert.equal(latestBlessedModel(store, 'p'), undefined, 'first run: nothing blessed');
    const m1 = produce('trainer', 'model', 'Model');
    const b1 = produce('evaluator', 'blessing', 'ModelBlessing', { blessed: 1, current_model_id: m1, current_model: 'x' });
    const m2 = produce('trainer', 'model', 'Model');
    produce('evaluator', 'blessing', 'ModelBlessing', { blessed: 0, current_model_id: m2 });
    const m3 = produce('trainer', 'model', 'Model');
    let found = latestBlessedModel(store, 'p')!;
    assert.deepEqual([found.model.id, found.blessing.id], [m1, b1], 'the newest blessed model, not the newest model');
    const b3 = produce('evaluator', 'blessing', 'ModelBlessing', { blessed: true, current_model_id: m3 });
    found = latestBlessedModel(store, 'p')!;
    assert.deepEqual([found.model.id, found.blessing.id], [m3, b3]);
    assert.equal(found.blessing.customProperties.blessed, true);
    assert.equal(latestBlessedModel(store, 'other'), undefined);
  });

  test("a blessing whose 'blessed' is a string ('true', '1') counts nowhere: the resolver's SQL and common/blessing.ts agree", () => {
    const { store, uri } = irStore();
    const run = store.beginRun('p', 'r').runContextId;
    const produce = (nodeId: string, key: string, type: string, customProperties: Record<string, number | string | boolean> = {}) => {
      const e = store.registerExecution({ pipeline: 'p', runContextId: run, nodeId, executionType: nodeId, customProperties: {}, inputs: {} });
      return store.publishSucceeded(e, undefined, { [key]: [{ type, uri: uri(`${nodeId}-${e}`), properties: {}, customProperties }] })[key]![0]!;
    };
    const m1 = produce('trainer', 'model', 'Model');
    const b1 = produce('evaluator', 'blessing', 'ModelBlessing', { blessed: 1, current_model_id: m1 });
    for (const text of ['true', '1']) {
      const m = produce('trainer', 'model', 'Model');
      const b = produce('evaluator', 'blessing', 'ModelBlessing', { blessed: text, current_model_id: m });
      const found = latestBlessedModel(store, 'p')!;
      assert.deepEqual([found.model.id, found.blessing.id], [m1, b1], `blessed = '${text}' is not blessed for the resolver`);
      assert.equal(blessingVerdict(store.artifact(b)!.customProperties), false, `nor for the Pusher, the audit and the evaluation panel ('${text}')`);
    }
    assert.equal(blessingVerdict(store.artifact(b1)!.customProperties), true);
  });

  test('STRUCT values ("mlmd-struct::" + base64 protobuf Struct, as TFX writes them) are read as JSON', async () => {
    const protobuf = (await import('protobufjs')).default;
    // google/protobuf/struct.proto, the message MLMD serialises.
    const root = protobuf.parse(`
      syntax = "proto3";
      package google.protobuf;
      message Struct { map<string, Value> fields = 1; }
      message Value {
        oneof kind { NullValue null_value = 1; double number_value = 2; string string_value = 3;
                     bool bool_value = 4; Struct struct_value = 5; ListValue list_value = 6; }
      }
      enum NullValue { NULL_VALUE = 0; }
      message ListValue { repeated Value values = 1; }
    `).root;
    const Struct = root.lookupType('google.protobuf.Struct');
    const bytes = Struct.encode(
      Struct.fromObject({
        fields: {
          train: { numberValue: 1 },
          eval: { numberValue: 0.5 },
          note: { stringValue: 'ok ✓' },
          flags: { listValue: { values: [{ boolValue: true }, { nullValue: 0 }, { structValue: { fields: { x: { numberValue: -2 } } } }] } },
        },
      }),
    ).finish();
    const file = backend.newLocation(tempDir());
    const { ids } = buildLegacyDatabase(file);
    const db = backend.raw(file);
    db.prepare("INSERT INTO ArtifactProperty(artifact_id, name, is_custom_property, string_value) VALUES (?, 'blessed', 1, ?)").run(
      ids.examples,
      `mlmd-struct::${Buffer.from(bytes).toString('base64')}`,
    );
    db.prepare("INSERT INTO ArtifactProperty(artifact_id, name, is_custom_property, string_value) VALUES (?, 'damaged', 1, 'mlmd-struct::////')").run(ids.examples);
    db.close();
    const store = MetadataStore.open(file, { readonly: true });
    try {
      const custom = store.artifact(ids.examples!)!.customProperties;
      assert.deepEqual(JSON.parse(custom.blessed as string), { train: 1, eval: 0.5, note: 'ok ✓', flags: [true, null, { x: -2 }] });
      assert.equal(custom.damaged, 'mlmd-struct::////', 'undecodable text is shown as it is');
    } finally {
      store.close();
    }
  });

  test('a schema-v9 IR-style database (no proto_value/bool_value columns) is read, and not written', () => {
    const dir = tempDir();
    const file = backend.newLocation(dir);
    const writer = MetadataStore.open(file, { journalMode: 'delete' });
    const run = writer.beginRun('taxi', '20251008-054909.604092').runContextId;
    const trainer = writer.registerExecution({ pipeline: 'taxi', runContextId: run, nodeId: 'Trainer', executionType: 'tfx.components.trainer.component.Trainer', baseType: 'mlmd.Train', customProperties: { train_args: { num_steps: 100 } }, inputs: {} });
    const model = writer.publishSucceeded(trainer, 'k1', { model: [{ type: 'Model', uri: 'C:\\tfx\\Trainer\\model\\1', properties: {}, customProperties: {} }] }).model![0]!;
    const evaluator = writer.registerExecution({ pipeline: 'taxi', runContextId: run, nodeId: 'Evaluator', executionType: 'tfx.components.evaluator.component.Evaluator', baseType: 'mlmd.Evaluate', customProperties: {}, inputs: { model: [model] } });
    const blessing = writer.publishSucceeded(evaluator, 'k2', { blessing: [{ type: 'ModelBlessing', uri: 'C:\\tfx\\Evaluator\\blessing\\2', properties: {}, customProperties: { blessed: 1, current_model_id: model } }] }).blessing![0]!;
    writer.close();
    // Turn it into what MLMD 1.x with schema 9 wrote.
    const db = backend.raw(file);
    for (const table of ['ArtifactProperty', 'ExecutionProperty', 'ContextProperty']) {
      db.exec(`ALTER TABLE \`${table}\` DROP COLUMN proto_value; ALTER TABLE \`${table}\` DROP COLUMN bool_value;`);
    }
    db.exec('UPDATE MLMDEnv SET schema_version = 9');
    db.close();
    const unchanged = backend.fingerprint(file);
    const store = MetadataStore.open(file);
    try {
      assert.equal(store.schemaVersion, 9);
      assert.deepEqual(store.listRuns({}).items.map((r) => [r.name, r.pipeline, r.state, r.executionCount]), [['20251008-054909.604092', 'taxi', 'COMPLETE', 2]]);
      assert.deepEqual(store.runExecutions(run).map((e) => e.nodeId), ['Trainer', 'Evaluator']);
      assert.equal(store.execution(trainer)!.customProperties.train_args, '{"num_steps":100}');
      const best = latestBlessedModel(store, 'taxi')!;
      assert.deepEqual([best.model.id, best.blessing.id, best.model.uri], [model, blessing, 'C:\\tfx\\Trainer\\model\\1']);
      assert.deepEqual(store.lineage(blessing, { direction: 'upstream' }).nodes.map((n) => `${n.kind}:${n.id}`), [
        `artifact:${model}`, `artifact:${blessing}`, `execution:${trainer}`, `execution:${evaluator}`,
      ]);
      assert.throws(() => store.setArtifactProperties(model, { x: 1 }), (err: unknown) => err instanceof MetadataStoreError && err.code === 'version');
    } finally {
      store.close();
    }
    assert.equal(backend.fingerprint(file), unchanged);
  });
}

for (const backend of storeBackends()) {
  describe(`metadata reads on ${backend.name}`, { skip: backend.skip }, () => {
    before(() => backend.start());
    after(() => backend.stop());
    suite(backend);
  });
}
