// Runs are recorded the way current TFX records them (tfx-reference §2): contexts, executions, events
// with (key, index) paths, attributions and associations, LIVE outputs, CACHED re-uses, FAILED results.
// Assertions read the database directly, so they check what MLMD's own tools would see. The suite runs
// on each backend (test/storeBackends.ts): SQLite files and MariaDB databases.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { MetadataStore, MetadataStoreError } from '../../runtime/metadata/store';
import { APPROVAL_WAIT, waitingApprovals } from '../../runtime/orchestrator/approval';
import type { StoreLocation } from '../../runtime/metadata/location';
import { storeBackends, type RawDb, type StoreBackend } from '../storeBackends';

const EG_TYPE = 'tfx.components.example_gen.csv_example_gen.component.CsvExampleGen';
const SG_TYPE = 'tfx.components.statistics_gen.component.StatisticsGen';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function suite(backend: StoreBackend): void {
  interface Fixture {
    dir: string;
    location: StoreLocation;
    store: MetadataStore;
    raw: RawDb;
    artifactDir(name: string): string;
  }

  function setUp(): Fixture {
    const dir = mkdtempSync(join(tmpdir(), 'mlpipe-mlmd-write-'));
    const location = backend.newLocation(dir);
    const store = MetadataStore.open(location);
    const raw = backend.raw(location);
    test.after(() => {
      store.close();
      raw.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return {
      dir,
      location,
      store,
      raw,
      artifactDir(name: string): string {
        const p = join(dir, 'artifacts', name);
        mkdirSync(p, { recursive: true });
        return p;
      },
    };
  }

  /** Records example_gen -> statistics_gen in one run, both published with cache keys. */
  function recordRun(f: Fixture, runId: string, keys = { eg: 'cache-eg', sg: 'cache-sg' }) {
    const { runContextId, pipelineContextId } = f.store.beginRun('penguin', runId);
    const eg = f.store.registerExecution({
      pipeline: 'penguin',
      runContextId,
      nodeId: 'example_gen',
      executionType: EG_TYPE,
      customProperties: { input: 'data/penguins.csv', splits: { train: 3, eval: 1 }, seed: 7 },
      inputs: {},
    });
    const egOut = f.store.publishSucceeded(eg, keys.eg, {
      examples: [
        {
          type: 'Examples',
          uri: f.artifactDir(`examples-${eg}`),
          properties: { span: 0, version: 0, split_names: ['train', 'eval'] },
          customProperties: { file_format: 'parquet', ratio: 0.75, sampled: true },
        },
      ],
    });
    const sg = f.store.registerExecution({
      pipeline: 'penguin',
      runContextId,
      nodeId: 'statistics_gen',
      executionType: SG_TYPE,
      baseType: 'mlmd.Process',
      customProperties: {},
      inputs: { examples: egOut.examples! },
    });
    const sgOut = f.store.publishSucceeded(sg, keys.sg, {
      statistics: [
        {
          type: 'ExampleStatistics',
          uri: f.artifactDir(`statistics-${sg}`),
          properties: { span: 0, split_names: '["train","eval"]' },
          customProperties: {},
        },
      ],
    });
    return { runContextId, pipelineContextId, eg, sg, examples: egOut.examples![0]!, statistics: sgOut.statistics![0]! };
  }

  function contextsOf(raw: RawDb, sql: string, id: number): string[] {
    return (raw.prepare(sql).all(id) as Array<{ t: string; n: string }>).map((r) => `${r.t}:${r.n}`).sort();
  }

  test('a recorded run has the exact TFX contexts, events, paths, attributions and associations', () => {
    const f = setUp();
    const r = recordRun(f, '2026-11-27T09:00:00.000001');
    const { raw } = f;

    assert.deepEqual(
      raw.prepare('SELECT t.name AS type, c.name FROM Context c JOIN Type t ON t.id = c.type_id ORDER BY c.id').all(),
      [
        { type: 'pipeline', name: 'penguin' },
        { type: 'pipeline_run', name: '2026-11-27T09:00:00.000001' },
        { type: 'node', name: 'penguin.example_gen' },
        { type: 'execution_cache', name: 'cache-eg' },
        { type: 'node', name: 'penguin.statistics_gen' },
        { type: 'execution_cache', name: 'cache-sg' },
      ],
    );
    assert.deepEqual(raw.prepare('SELECT context_id, parent_context_id FROM ParentContext').all(), [
      { context_id: r.runContextId, parent_context_id: r.pipelineContextId },
    ]);
    // Context types have no properties in IR style.
    assert.deepEqual(raw.prepare('SELECT COUNT(*) AS n FROM ContextProperty').get(), { n: 0 });

    // Types: execution types by class name, base types as ParentType rows, standard artifact properties.
    const typeId = (name: string) => (raw.prepare('SELECT id FROM Type WHERE name = ?').get(name) as { id: number }).id;
    assert.deepEqual(raw.prepare('SELECT type_kind FROM Type WHERE name = ?').get(EG_TYPE), { type_kind: 0 });
    assert.deepEqual(raw.prepare('SELECT type_kind FROM Type WHERE name = ?').get('Examples'), { type_kind: 1 });
    assert.deepEqual(raw.prepare('SELECT type_kind FROM Type WHERE name = ?').get('pipeline_run'), { type_kind: 2 });
    assert.deepEqual(
      // Sorted here: MySQL's default collation orders names case-insensitively.
      (raw.prepare('SELECT c.name AS child, p.name AS parent FROM ParentType pt JOIN Type c ON c.id = pt.type_id JOIN Type p ON p.id = pt.parent_type_id').all() as Array<{ child: string }>).sort((a, b) => (a.child < b.child ? -1 : 1)),
      [
        { child: 'ExampleStatistics', parent: 'mlmd.Statistics' },
        { child: 'Examples', parent: 'mlmd.Dataset' },
        { child: SG_TYPE, parent: 'mlmd.Process' },
      ],
    );
    assert.deepEqual(raw.prepare('SELECT name, data_type FROM TypeProperty WHERE type_id = ? ORDER BY name').all(typeId('Examples')), [
      { name: 'span', data_type: 1 },
      { name: 'split_names', data_type: 3 },
      { name: 'version', data_type: 1 },
    ]);
    assert.deepEqual(raw.prepare('SELECT name, data_type FROM TypeProperty WHERE type_id = ? ORDER BY name').all(typeId('ExampleStatistics')), [
      { name: 'span', data_type: 1 },
      { name: 'split_names', data_type: 3 },
    ]);
    assert.deepEqual(raw.prepare('SELECT COUNT(*) AS n FROM TypeProperty WHERE type_id = ?').get(typeId(EG_TYPE)), { n: 0 });

    // Executions: COMPLETE, UUID names, millisecond timestamps.
    const executions = raw.prepare('SELECT id, type_id, last_known_state, name, create_time_since_epoch AS c, last_update_time_since_epoch AS u FROM Execution ORDER BY id').all() as Array<{
      id: number; type_id: number; last_known_state: number; name: string; c: number; u: number;
    }>;
    assert.deepEqual(executions.map((e) => [e.id, e.type_id, e.last_known_state]), [[r.eg, typeId(EG_TYPE), 3], [r.sg, typeId(SG_TYPE), 3]]);
    for (const e of executions) {
      assert.match(e.name, UUID);
      assert.ok(e.c > 1.7e12 && e.c <= e.u && e.u <= Date.now(), 'timestamps in ms');
    }

    // Execution params are custom properties; objects become JSON; the owner process is recorded.
    const processStart = Math.round(Date.now() - process.uptime() * 1000);
    assert.deepEqual(
      (raw.prepare('SELECT name, is_custom_property AS c, int_value AS i, double_value AS d, string_value AS s, bool_value AS b FROM ExecutionProperty WHERE execution_id = ?').all(r.eg) as Array<{ name: string; i: number | null; d: number | null }>)
        // Sorted here, not by the database: MySQL's collation puts '_' after letters.
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((p) =>
        // The owner's start time is process start in ms: equal up to rounding.
        // MLMD's MySQL int_value is 32-bit: there the millisecond timestamp is kept in double_value.
        p.name === '__process_start__' && Math.abs((p.i ?? p.d ?? 0) - processStart) < 50
          ? processStart > backend.dialect.maxPropertyInt ? { ...p, d: processStart, i: null } : { ...p, i: processStart }
          : p,
      ),
      [
        { name: '__host__', c: 1, i: null, d: null, s: hostname(), b: null },
        { name: '__pid__', c: 1, i: process.pid, d: null, s: null, b: null },
        processStart > backend.dialect.maxPropertyInt
          ? { name: '__process_start__', c: 1, i: null, d: processStart, s: null, b: null }
          : { name: '__process_start__', c: 1, i: processStart, d: null, s: null, b: null },
        { name: 'input', c: 1, i: null, d: null, s: 'data/penguins.csv', b: null },
        { name: 'seed', c: 1, i: 7, d: null, s: null, b: null },
        { name: 'splits', c: 1, i: null, d: null, s: '{"train":3,"eval":1}', b: null },
      ],
    );

    // Artifacts LIVE with declared properties (is_custom 0) and TFX-like custom ones.
    assert.deepEqual(
      raw.prepare('SELECT id, state, name, uri FROM Artifact ORDER BY id').all(),
      [
        { id: r.examples, state: 2, name: null, uri: join(f.dir, 'artifacts', `examples-${r.eg}`) },
        { id: r.statistics, state: 2, name: null, uri: join(f.dir, 'artifacts', `statistics-${r.sg}`) },
      ],
    );
    assert.deepEqual(
      raw.prepare('SELECT name, is_custom_property AS c, int_value AS i, double_value AS d, string_value AS s, bool_value AS b FROM ArtifactProperty WHERE artifact_id = ? ORDER BY c, name').all(r.examples),
      [
        { name: 'span', c: 0, i: 0, d: null, s: null, b: null },
        { name: 'split_names', c: 0, i: null, d: null, s: '["train","eval"]', b: null },
        { name: 'version', c: 0, i: 0, d: null, s: null, b: null },
        { name: 'file_format', c: 1, i: null, d: null, s: 'parquet', b: null },
        { name: 'is_external', c: 1, i: 0, d: null, s: null, b: null },
        { name: 'mlpipe_version', c: 1, i: null, d: null, s: JSON.parse(readFileSync('package.json', 'utf8')).version, b: null },
        { name: 'ratio', c: 1, i: null, d: 0.75, s: null, b: null },
        { name: 'sampled', c: 1, i: null, d: null, s: null, b: 1 },
        { name: 'state', c: 1, i: null, d: null, s: 'published', b: null },
      ],
    );

    // Events: OUTPUT of example_gen, INPUT and OUTPUT of statistics_gen, each with a (key, index) path.
    const events = raw.prepare('SELECT id, artifact_id AS a, execution_id AS e, type, milliseconds_since_epoch AS t FROM Event ORDER BY id').all() as Array<{
      id: number; a: number; e: number; type: number; t: number;
    }>;
    assert.deepEqual(events.map((e) => [e.a, e.e, e.type]), [[r.examples, r.eg, 4], [r.examples, r.sg, 3], [r.statistics, r.sg, 4]]);
    assert.ok(events.every((e) => e.t > 1.7e12));
    const paths = raw.prepare('SELECT event_id, is_index_step, step_index, step_key FROM EventPath' + backend.dialect.insertionOrder).all();
    assert.deepEqual(paths, [
      { event_id: events[0]!.id, is_index_step: 0, step_index: null, step_key: 'examples' },
      { event_id: events[0]!.id, is_index_step: 1, step_index: 0, step_key: null },
      { event_id: events[1]!.id, is_index_step: 0, step_index: null, step_key: 'examples' },
      { event_id: events[1]!.id, is_index_step: 1, step_index: 0, step_key: null },
      { event_id: events[2]!.id, is_index_step: 0, step_index: null, step_key: 'statistics' },
      { event_id: events[2]!.id, is_index_step: 1, step_index: 0, step_key: null },
    ]);

    // Associations: pipeline, run, node and (after publish) the cache context.
    const assoc = 'SELECT t.name AS t, c.name AS n FROM Association a JOIN Context c ON c.id = a.context_id JOIN Type t ON t.id = c.type_id WHERE a.execution_id = ?';
    const runName = '2026-11-27T09:00:00.000001';
    assert.deepEqual(contextsOf(raw, assoc, r.eg), ['execution_cache:cache-eg', 'node:penguin.example_gen', 'pipeline:penguin', `pipeline_run:${runName}`]);
    assert.deepEqual(contextsOf(raw, assoc, r.sg), ['execution_cache:cache-sg', 'node:penguin.statistics_gen', 'pipeline:penguin', `pipeline_run:${runName}`]);
    // Attributions: outputs to all of the producer's contexts; inputs to the consumer's pipeline/run/node.
    const attr = 'SELECT t.name AS t, c.name AS n FROM Attribution a JOIN Context c ON c.id = a.context_id JOIN Type t ON t.id = c.type_id WHERE a.artifact_id = ?';
    assert.deepEqual(contextsOf(raw, attr, r.examples), [
      'execution_cache:cache-eg', 'node:penguin.example_gen', 'node:penguin.statistics_gen', 'pipeline:penguin', `pipeline_run:${runName}`,
    ]);
    assert.deepEqual(contextsOf(raw, attr, r.statistics), ['execution_cache:cache-sg', 'node:penguin.statistics_gen', 'pipeline:penguin', `pipeline_run:${runName}`]);

    // Read back through the API.
    const detail = f.store.execution(r.sg)!;
    assert.equal(detail.nodeId, 'statistics_gen');
    assert.equal(detail.runName, runName);
    assert.equal(detail.pipeline, 'penguin');
    assert.deepEqual(detail.inputs.map((i) => [i.key, i.index, i.type, i.artifact.id]), [['examples', 0, 'INPUT', r.examples]]);
    assert.deepEqual(detail.outputs.map((o) => [o.key, o.index, o.type, o.artifact.id]), [['statistics', 0, 'OUTPUT', r.statistics]]);
    assert.deepEqual(f.store.artifact(r.examples)!.properties, { span: 0, version: 0, split_names: '["train","eval"]' });
    assert.equal(f.store.artifact(r.examples)!.customProperties.sampled, true);
  });

  test('several outputs under one key get indexes 0, 1, … in their event paths', () => {
    const f = setUp();
    const { runContextId } = f.store.beginRun('p', 'r');
    const e = f.store.registerExecution({ pipeline: 'p', runContextId, nodeId: 'split', executionType: 'mlpipe.components.Command', customProperties: {}, inputs: {} });
    const ids = f.store.publishSucceeded(e, undefined, {
      parts: [0, 1, 2].map((i) => ({ type: 'Dataset', uri: f.artifactDir(`part-${i}`), properties: {}, customProperties: {} })),
    });
    assert.equal(ids.parts!.length, 3);
    const detail = f.store.execution(e)!;
    assert.deepEqual(detail.outputs.map((o) => [o.key, o.index, o.artifact.id]), ids.parts!.map((id, i) => ['parts', i, id]));
    // A type with no TFX declaration has no declared properties and no base type.
    assert.deepEqual(f.raw.prepare("SELECT COUNT(*) AS n FROM TypeProperty tp JOIN Type t ON t.id = tp.type_id WHERE t.name = 'Dataset'").get(), { n: 0 });
    // No cache key: no execution_cache context.
    assert.deepEqual(f.raw.prepare("SELECT COUNT(*) AS n FROM Context c JOIN Type t ON t.id = c.type_id WHERE t.name = 'execution_cache'").get(), { n: 0 });
  });

  test('a cache hit is a CACHED execution pointing at the reused artifacts, with no new artifacts', () => {
    const f = setUp();
    const first = recordRun(f, 'run-1');
    const artifactsBefore = (f.raw.prepare('SELECT COUNT(*) AS n FROM Artifact').get() as { n: number }).n;

    assert.equal(f.store.findCached('no-such-key'), undefined, 'miss for an unknown key');
    const hit = f.store.findCached('cache-eg');
    assert.ok(hit);
    assert.equal(hit.executionId, first.eg);
    assert.deepEqual(Object.keys(hit.outputs), ['examples']);
    assert.equal(hit.outputs.examples![0]!.id, first.examples);

    const { runContextId } = f.store.beginRun('penguin', 'run-2');
    const again = f.store.registerExecution({ pipeline: 'penguin', runContextId, nodeId: 'example_gen', executionType: EG_TYPE, customProperties: {}, inputs: {} });
    f.store.publishCached(again, 'cache-eg', { examples: [first.examples] });

    assert.equal((f.raw.prepare('SELECT COUNT(*) AS n FROM Artifact').get() as { n: number }).n, artifactsBefore);
    assert.deepEqual(f.raw.prepare('SELECT last_known_state AS s FROM Execution WHERE id = ?').get(again), { s: 5 });
    assert.deepEqual(
      f.raw.prepare('SELECT artifact_id AS a, type FROM Event WHERE execution_id = ?').all(again),
      [{ a: first.examples, type: 4 }],
    );
    const run2Attributed = f.raw.prepare('SELECT COUNT(*) AS n FROM Attribution WHERE context_id = ? AND artifact_id = ?').get(runContextId, first.examples);
    assert.deepEqual(run2Attributed, { n: 1 }, 'the reused artifact is attributed to the new run, so downstream steps find it');
    const cacheCtx = f.raw.prepare("SELECT c.id FROM Context c JOIN Type t ON t.id = c.type_id WHERE t.name = 'execution_cache' AND c.name = 'cache-eg'").get() as { id: number };
    assert.deepEqual(f.raw.prepare('SELECT execution_id AS e FROM Association WHERE context_id = ? ORDER BY e').all(cacheCtx.id), [{ e: first.eg }, { e: again }]);

    const state = f.store.execution(again)!;
    assert.equal(state.state, 'CACHED');
    assert.deepEqual(state.outputs.map((o) => [o.key, o.artifact.id]), [['examples', first.examples]]);

    // The newest COMPLETE/CACHED execution is tried first.
    assert.equal(f.store.findCached('cache-eg')!.executionId, again);
  });

  test('the cache misses when an output is gone from disk, not LIVE, or the execution failed', () => {
    const f = setUp();
    const r = recordRun(f, 'run-1');
    assert.ok(f.store.findCached('cache-sg'));
    rmSync(f.store.artifact(r.statistics)!.uri, { recursive: true });
    assert.equal(f.store.findCached('cache-sg'), undefined, 'uri deleted from disk');

    assert.ok(f.store.findCached('cache-eg'));
    const writer = backend.raw(f.location);
    writer.prepare('UPDATE Artifact SET state = 4 WHERE id = ?').run(r.examples); // DELETED
    writer.close();
    assert.equal(f.store.findCached('cache-eg'), undefined, 'artifact not LIVE');

    const { runContextId } = f.store.beginRun('penguin', 'run-2');
    const failed = f.store.registerExecution({ pipeline: 'penguin', runContextId, nodeId: 'trainer', executionType: 'Trainer', customProperties: {}, inputs: {} });
    f.store.publishCached(failed, 'cache-t', {});
    assert.ok(f.store.findCached('cache-t'), 'an execution without outputs is a valid hit');
    const writer2 = backend.raw(f.location);
    writer2.prepare('UPDATE Execution SET last_known_state = 4 WHERE id = ?').run(failed);
    writer2.close();
    assert.equal(f.store.findCached('cache-t'), undefined, 'FAILED executions are never reused');
  });

  test('a failure is FAILED with __execution_result__ and publishes nothing; cancel is CANCELED', () => {
    const f = setUp();
    const r = recordRun(f, 'run-1');
    const { runContextId } = f.store.beginRun('penguin', 'run-2');
    const t = f.store.registerExecution({
      pipeline: 'penguin', runContextId, nodeId: 'trainer', executionType: 'tfx.components.trainer.component.Trainer', baseType: 'mlmd.Train',
      customProperties: { epochs: 40 }, inputs: { examples: [r.examples], statistics: [r.statistics] },
    });
    f.store.finishExecution(t, 'FAILED', 'Command exited with code 3: out of memory');
    const row = f.raw.prepare("SELECT string_value AS s FROM ExecutionProperty WHERE execution_id = ? AND name = '__execution_result__' AND is_custom_property = 1").get(t) as { s: string };
    assert.deepEqual(JSON.parse(row.s), { code: 2, result_message: 'Command exited with code 3: out of memory' });
    assert.deepEqual(f.raw.prepare('SELECT type FROM Event WHERE execution_id = ? ORDER BY id').all(t), [{ type: 3 }, { type: 3 }], 'only INPUT events');
    const detail = f.store.execution(t)!;
    assert.equal(detail.state, 'FAILED');
    assert.equal(detail.error, 'Command exited with code 3: out of memory');
    assert.deepEqual(detail.inputs.map((i) => i.key), ['examples', 'statistics']);
    assert.equal(f.store.listRuns({}).items[0]!.state, 'FAILED');

    const c = f.store.registerExecution({ pipeline: 'penguin', runContextId, nodeId: 'pusher', executionType: 'Pusher', customProperties: {}, inputs: {} });
    f.store.finishExecution(c, 'CANCELED', 'Cancelled by SIGINT');
    assert.equal(f.store.execution(c)!.state, 'CANCELED');
    assert.equal(f.store.execution(c)!.error, 'Cancelled by SIGINT');
    assert.deepEqual(JSON.parse(f.store.execution(c)!.customProperties.__execution_result__ as string).code, 1);
  });

  test('a resolver publishes INTERNAL_OUTPUT events, and none when nothing resolved', () => {
    const f = setUp();
    const r = recordRun(f, 'run-1');
    const { runContextId } = f.store.beginRun('penguin', 'run-2');
    const resolver = 'tfx.dsl.components.common.resolver.Resolver';
    const empty = f.store.registerExecution({ pipeline: 'penguin', runContextId, nodeId: 'latest_blessed', executionType: resolver, customProperties: {}, inputs: {} });
    f.store.publishInternalOutputs(empty, {});
    assert.equal(f.store.execution(empty)!.state, 'COMPLETE');
    assert.deepEqual(f.raw.prepare('SELECT COUNT(*) AS n FROM Event WHERE execution_id = ?').get(empty), { n: 0 });

    const found = f.store.registerExecution({ pipeline: 'penguin', runContextId, nodeId: 'latest_examples', executionType: resolver, customProperties: {}, inputs: {} });
    f.store.publishInternalOutputs(found, { examples: [r.examples] });
    assert.deepEqual(f.raw.prepare('SELECT artifact_id AS a, type FROM Event WHERE execution_id = ?').all(found), [{ a: r.examples, type: 6 }]);
    assert.deepEqual(f.store.execution(found)!.outputs.map((o) => [o.key, o.type, o.artifact.id]), [['examples', 'INTERNAL_OUTPUT', r.examples]]);
    // Internal outputs are not new productions: the artifact's upstream is still only example_gen.
    const up = f.store.lineage(r.examples, { direction: 'upstream' });
    assert.deepEqual(up.nodes.filter((n) => n.kind === 'execution').map((n) => n.id), [r.eg]);
  });

  test('recoverInterrupted fails only executions whose process died, and keeps approvals and finished ones', () => {
    const f = setUp();
    const done = recordRun(f, 'run-1');
    const { runContextId } = f.store.beginRun('penguin', 'run-2');
    const register = (nodeId: string) =>
      f.store.registerExecution({ pipeline: 'penguin', runContextId, nodeId, executionType: 'mlpipe.components.Command', customProperties: {}, inputs: {} });
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(child.stdout);
    assert.ok(deadPid > 0);

    const killed = register('killed_step');
    f.store.setExecutionProperties(killed, { __pid__: deadPid });
    const live = register('live_step'); // owned by this (live) process
    const approval = register('approval');
    f.store.setExecutionProperties(approval, { __pid__: deadPid, __approval_state__: 'waiting' });
    const remote = register('remote_step');
    f.store.setExecutionProperties(remote, { __pid__: deadPid, __host__: 'another-machine' });
    const foreign = register('tfx_step');
    const writer = backend.raw(f.location);
    // Written by another tool: no owner recorded.
    writer.prepare("DELETE FROM ExecutionProperty WHERE execution_id = ? AND name IN ('__pid__', '__host__')").run(foreign);
    writer.prepare('UPDATE ExecutionProperty SET int_value = ? WHERE execution_id = ? AND name = ?').run(deadPid, done.eg, '__pid__');
    writer.close();

    // Our own pid, but recorded by an earlier process that had it: the owner is gone.
    const reusedOwnPid = register('reused_own_pid');
    f.store.setExecutionProperties(reusedOwnPid, { __process_start__: Math.round(Date.now() - process.uptime() * 1000) - 3_600_000 });
    // A live process that started after the machine booted again: the pid was reused after a reboot.
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    test.after(() => sleeper.kill());
    const beforeReboot = register('before_reboot');
    f.store.setExecutionProperties(beforeReboot, { __pid__: sleeper.pid!, __process_start__: Math.round(Date.now() - uptime() * 1000) - 86_400_000 });
    // The same live process with its real start time (recorded the moment it started): alive.
    const sleeperOwned = register('sleeper_owned');
    f.store.setExecutionProperties(sleeperOwned, { __pid__: sleeper.pid!, __process_start__: Date.now() });

    const updatedBefore = f.store.execution(done.eg)!.updateTime;
    assert.equal(f.store.recoverInterrupted('The runtime stopped while this step ran (killed?). Run it again.', [APPROVAL_WAIT]), 3);
    assert.equal(f.store.execution(reusedOwnPid)!.state, 'FAILED');
    assert.equal(f.store.execution(beforeReboot)!.state, 'FAILED');
    assert.equal(f.store.execution(sleeperOwned)!.state, 'RUNNING');
    const state = (id: number) => f.store.execution(id)!;
    assert.equal(state(killed).state, 'FAILED');
    assert.equal(state(killed).error, 'The runtime stopped while this step ran (killed?). Run it again.');
    assert.equal(state(live).state, 'RUNNING');
    assert.equal(state(approval).state, 'RUNNING');
    assert.equal(state(approval).waiting, true);
    assert.equal(state(remote).state, 'RUNNING');
    assert.equal(state(foreign).state, 'RUNNING');
    assert.equal(state(done.eg).state, 'COMPLETE');
    assert.equal(state(done.eg).updateTime, updatedBefore, 'finished executions are not touched');
    assert.deepEqual(waitingApprovals(f.store).map((e) => e.id), [approval]);
    assert.equal(f.store.recoverInterrupted('again', [APPROVAL_WAIT]), 0, 'idempotent');
  });

  test('a wrong property type is a clear error and the whole publish is rolled back', () => {
    const f = setUp();
    const { runContextId } = f.store.beginRun('p', 'r');
    const e = f.store.registerExecution({ pipeline: 'p', runContextId, nodeId: 'gen', executionType: 'Gen', customProperties: {}, inputs: {} });
    assert.throws(
      () =>
        f.store.publishSucceeded(e, 'k', {
          examples: [
            { type: 'Examples', uri: f.artifactDir('ok'), properties: { span: 0 }, customProperties: {} },
            { type: 'Examples', uri: f.artifactDir('bad'), properties: { span: 'yesterday' }, customProperties: {} },
          ],
        }),
      (err: unknown) => err instanceof MetadataStoreError && err.code === 'invalid' && /"span" is declared INT/.test(err.message),
    );
    assert.deepEqual(f.raw.prepare('SELECT COUNT(*) AS n FROM Artifact').get(), { n: 0 });
    assert.equal(f.store.execution(e)!.state, 'RUNNING');
    assert.throws(
      () => f.store.registerExecution({ pipeline: 'p', runContextId, nodeId: 'x', executionType: 'X', customProperties: {}, inputs: { a: [999] } }),
      (err: unknown) => err instanceof MetadataStoreError && err.code === 'not-found' && /artifact 999/.test(err.message),
    );
    assert.throws(
      () => f.store.registerExecution({ pipeline: 'p', runContextId: 12345, nodeId: 'x', executionType: 'X', customProperties: {}, inputs: {} }),
      (err: unknown) => err instanceof MetadataStoreError && /beginRun/.test(err.message),
    );
    // The store keeps working after the rollbacks (no stale cached type ids).
    const ids = f.store.publishSucceeded(e, 'k', { examples: [{ type: 'Examples', uri: f.artifactDir('ok2'), properties: { span: 1 }, customProperties: {} }] });
    assert.equal(f.store.artifact(ids.examples![0]!)!.properties.span, 1);
  });

  test('setArtifactProperties and setExecutionProperties add custom properties and bump last_update_time', async () => {
    const f = setUp();
    const r = recordRun(f, 'run-1');
    const before = f.store.artifact(r.examples)!;
    await new Promise((res) => setTimeout(res, 5));
    f.store.setArtifactProperties(r.examples, { reviewed: true, note: { by: 'ana' } });
    const after = f.store.artifact(r.examples)!;
    assert.equal(after.customProperties.reviewed, true);
    assert.equal(after.customProperties.note, '{"by":"ana"}');
    assert.ok(after.updateTime > before.updateTime);
    f.store.setExecutionProperties(r.sg, { __approval_state__: 'approved' });
    assert.equal(f.store.execution(r.sg)!.customProperties.__approval_state__, 'approved');
    assert.throws(() => f.store.setArtifactProperties(4242, { x: 1 }), (err: unknown) => err instanceof MetadataStoreError && err.code === 'not-found');
  });

  test('a store opened read-only refuses every write and leaves the database unchanged', () => {
    const f = setUp();
    recordRun(f, 'run-1');
    f.store.close();
    const unchanged = backend.fingerprint(f.location);
    const ro = MetadataStore.open(f.location, { readonly: true });
    try {
      assert.equal(ro.listRuns({}).total, 1);
      assert.throws(() => ro.beginRun('penguin', 'run-2'), (err: unknown) => err instanceof MetadataStoreError && err.code === 'readonly');
      assert.equal(ro.recoverInterrupted('x', []), 0);
    } finally {
      ro.close();
    }
    assert.equal(backend.fingerprint(f.location), unchanged);
  });
}

for (const backend of storeBackends()) {
  describe(`metadata writes on ${backend.name}`, { skip: backend.skip }, () => {
    before(() => backend.start());
    after(() => backend.stop());
    suite(backend);
  });
}
