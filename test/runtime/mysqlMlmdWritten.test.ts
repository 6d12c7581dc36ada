// A MySQL database as ML Metadata and TFX leave it, read through the product (issue 14). No database
// written by a real MLMD on MySQL is available here, so one is built without mlpipe's store: the DDL
// loaded exactly as MLMD states it (mysqlSchema.ts, in InitMetadataSource's order, MLMD's schema-version
// and simple-type rows), then the rows TFX's IR-style orchestration writes for two runs of
// CsvExampleGen → StatisticsGen → Trainer (tfx-reference §2: UUID execution names, custom exec
// properties, (key, index) event paths, attributions and associations, a ParentContext, run 2 fully
// cached). The store then lists the runs, shows an execution and traces lineage, and writes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mysql2/promise';
import { MetadataStore } from '../../runtime/metadata/store';
import { MYSQL_V10_SECONDARY_INDICES, MYSQL_V10_TABLES } from '../../runtime/metadata/mysqlSchema';
import { SEEDED_TYPES } from '../../runtime/metadata/schema';
import { MysqlTestServer, skipWithoutMariadb } from '../mysqlServer';

const EG = 'tfx.components.example_gen.csv_example_gen.component.CsvExampleGen';
const SG = 'tfx.components.statistics_gen.component.StatisticsGen';
const TR = 'tfx.components.trainer.component.Trainer';

async function insert(c: Connection, sql: string, values: unknown[]): Promise<number> {
  const [r] = (await c.query(sql, values)) as unknown as [{ insertId: number }];
  return r.insertId;
}

/** What MLMD's InitMetadataStoreIfNotExists leaves: its DDL as stated, schema version 10, the simple types. */
async function createAsMlmd(c: Connection, database: string): Promise<void> {
  await c.query(`CREATE DATABASE \`${database}\``);
  await c.query(`USE \`${database}\``);
  for (const t of MYSQL_V10_TABLES) await c.query(t.sql);
  for (const i of MYSQL_V10_SECONDARY_INDICES) await c.query(i);
  await c.query(' INSERT INTO `MLMDEnv`(`schema_version`) VALUES(10); ');
  for (const t of SEEDED_TYPES) await c.query(' INSERT INTO `Type`( `name`, `type_kind`, `description`, `input_type`, `output_type`, `external_id`) VALUES(?, ?, NULL, NULL, NULL, NULL);', [t.name, t.kind]);
}

interface Recorded {
  runs: number[];
  executions: Record<string, number[]>;
  examples: number;
  statistics: number;
  model: number;
}

/** Two runs as TFX's launcher and execution_publish_utils record them; run 2 is served from the cache. */
async function recordAsTfx(c: Connection): Promise<Recorded> {
  let clock = 1_733_000_000_000;
  const now = () => (clock += 1000);
  const type = async (name: string, kind: number, props: Record<string, number> = {}, parent?: string) => {
    const id = await insert(c, 'INSERT INTO `Type`(`name`, `type_kind`) VALUES (?, ?)', [name, kind]);
    for (const [p, dt] of Object.entries(props)) await c.query('INSERT INTO `TypeProperty`(`type_id`, `name`, `data_type`) VALUES (?, ?, ?)', [id, p, dt]);
    if (parent) await c.query('INSERT INTO `ParentType`(`type_id`, `parent_type_id`) SELECT ?, id FROM `Type` WHERE name = ?', [id, parent]);
    return id;
  };
  const pipelineT = await type('pipeline', 2);
  const runT = await type('pipeline_run', 2);
  const nodeT = await type('node', 2);
  const cacheT = await type('execution_cache', 2);
  const egT = await type(EG, 0);
  const sgT = await type(SG, 0, {}, 'mlmd.Process');
  const trT = await type(TR, 0, {}, 'mlmd.Train');
  const examplesT = await type('Examples', 1, { span: 1, version: 1, split_names: 3 }, 'mlmd.Dataset');
  const statsT = await type('ExampleStatistics', 1, { span: 1, split_names: 3 }, 'mlmd.Statistics');
  const modelT = await type('Model', 1, {}, 'mlmd.Model');
  const context = async (typeId: number, name: string) => {
    const t = now();
    return insert(c, 'INSERT INTO `Context`(`type_id`, `name`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES (?, ?, ?, ?)', [typeId, name, t, t]);
  };
  const prop = (table: string, owner: string, id: number, name: string, column: string, value: unknown, custom = 1) =>
    c.query(`INSERT INTO \`${table}\`(\`${owner}\`, \`name\`, \`is_custom_property\`, \`${column}\`) VALUES (?, ?, ?, ?)`, [id, name, custom, value]);
  const event = async (artifact: number, execution: number, kind: number, key: string) => {
    const id = await insert(c, 'INSERT INTO `Event`(`artifact_id`, `execution_id`, `type`, `milliseconds_since_epoch`) VALUES (?, ?, ?, ?)', [artifact, execution, kind, now()]);
    await c.query('INSERT INTO `EventPath`(`event_id`, `is_index_step`, `step_index`, `step_key`) VALUES (?, 0, NULL, ?)', [id, key]);
    await c.query('INSERT INTO `EventPath`(`event_id`, `is_index_step`, `step_index`, `step_key`) VALUES (?, 1, 0, NULL)', [id]);
  };
  const pipeline = await context(pipelineT, 'penguin_local');
  const nodes: Record<string, number> = {};
  for (const n of ['CsvExampleGen', 'StatisticsGen', 'Trainer']) nodes[n] = await context(nodeT, `penguin_local.${n}`);
  const caches: Record<string, number> = {};
  for (const n of ['CsvExampleGen', 'StatisticsGen', 'Trainer']) caches[n] = await context(cacheT, `${n.toLowerCase()}0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab`.slice(0, 64));
  const executions: Record<string, number[]> = { CsvExampleGen: [], StatisticsGen: [], Trainer: [] };
  const runs: number[] = [];
  const outputs: Record<string, number> = {};
  const artifactOf: Record<string, { type: number; key: string; uri: string; props: Record<string, [string, unknown]> }> = {
    CsvExampleGen: { type: examplesT, key: 'examples', uri: '/tfx/pipelines/penguin_local/CsvExampleGen/examples/1', props: { span: ['int_value', 0], version: ['int_value', 0], split_names: ['string_value', '["train", "eval"]'] } },
    StatisticsGen: { type: statsT, key: 'statistics', uri: '/tfx/pipelines/penguin_local/StatisticsGen/statistics/2', props: { span: ['int_value', 0], split_names: ['string_value', '["train", "eval"]'] } },
    Trainer: { type: modelT, key: 'model', uri: '/tfx/pipelines/penguin_local/Trainer/model/3', props: {} },
  };
  const inputKey: Record<string, [string, string] | undefined> = { CsvExampleGen: undefined, StatisticsGen: ['examples', 'CsvExampleGen'], Trainer: ['examples', 'CsvExampleGen'] };
  const execType: Record<string, number> = { CsvExampleGen: egT, StatisticsGen: sgT, Trainer: trT };
  for (const [r, runId] of ['2024-05-01T12:00:00.123456', '2024-05-02T08:30:00.654321'].entries()) {
    const run = await context(runT, runId);
    runs.push(run);
    await c.query('INSERT INTO `ParentContext`(`context_id`, `parent_context_id`) VALUES (?, ?)', [run, pipeline]);
    for (const node of ['CsvExampleGen', 'StatisticsGen', 'Trainer']) {
      const t = now();
      // register_execution: RUNNING, a UUID name, custom exec properties, INPUT events, associations.
      const e = await insert(c, 'INSERT INTO `Execution`(`type_id`, `last_known_state`, `name`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES (?, 2, ?, ?, ?)', [execType[node], randomUUID(), t, t]);
      executions[node]!.push(e);
      if (node === 'CsvExampleGen') await prop('ExecutionProperty', 'execution_id', e, 'input_base', 'string_value', '/tfx/data/penguin');
      if (node === 'Trainer') await prop('ExecutionProperty', 'execution_id', e, 'train_args', 'string_value', '{\n  "num_steps": 100\n}');
      const contexts = [pipeline, run, nodes[node]!];
      for (const ctx of contexts) await c.query('INSERT INTO `Association`(`context_id`, `execution_id`) VALUES (?, ?)', [ctx, e]);
      const input = inputKey[node];
      if (input) {
        await event(outputs[input[1]]!, e, 3, input[0]);
        for (const ctx of contexts) await c.query('INSERT IGNORE INTO `Attribution`(`context_id`, `artifact_id`) VALUES (?, ?)', [ctx, outputs[input[1]]]);
      }
      await c.query('INSERT INTO `Association`(`context_id`, `execution_id`) VALUES (?, ?)', [caches[node], e]);
      const spec = artifactOf[node]!;
      if (r === 0) {
        // publish_succeeded_execution: a LIVE artifact with TFX's custom properties, OUTPUT event, attributions.
        const a = await insert(c, 'INSERT INTO `Artifact`(`type_id`, `uri`, `state`, `create_time_since_epoch`, `last_update_time_since_epoch`) VALUES (?, ?, 2, ?, ?)', [spec.type, spec.uri, now(), now()]);
        for (const [name, [column, value]] of Object.entries(spec.props)) await prop('ArtifactProperty', 'artifact_id', a, name, column, value, 0);
        await prop('ArtifactProperty', 'artifact_id', a, 'tfx_version', 'string_value', '1.15.0');
        await prop('ArtifactProperty', 'artifact_id', a, 'state', 'string_value', 'published');
        await prop('ArtifactProperty', 'artifact_id', a, 'is_external', 'int_value', 0);
        outputs[node] = a;
        await event(a, e, 4, spec.key);
        await c.query('UPDATE `Execution` SET `last_known_state` = 3, `last_update_time_since_epoch` = ? WHERE id = ?', [now(), e]);
      } else {
        // A cache hit: CACHED, OUTPUT events to the old artifact, no new artifact.
        await event(outputs[node]!, e, 4, spec.key);
        await c.query('UPDATE `Execution` SET `last_known_state` = 5, `last_update_time_since_epoch` = ? WHERE id = ?', [now(), e]);
      }
      for (const ctx of [...contexts, caches[node]!]) await c.query('INSERT IGNORE INTO `Attribution`(`context_id`, `artifact_id`) VALUES (?, ?)', [ctx, outputs[node]]);
    }
  }
  return { runs, executions, examples: outputs['CsvExampleGen']!, statistics: outputs['StatisticsGen']!, model: outputs['Trainer']! };
}

describe('a MySQL database written the way MLMD and TFX write it (MariaDB)', { skip: skipWithoutMariadb() }, () => {
  let server: MysqlTestServer;
  before(async () => {
    server = await MysqlTestServer.start();
  });
  after(async () => {
    await server?.stop();
  });

  test('is listed, shown and traced by the store, and left unchanged', async () => {
    const database = server.newDatabaseName('tfx');
    const rec = await server.asRoot(async (c) => {
      await createAsMlmd(c, database);
      return recordAsTfx(c);
    });
    const checksum = () => server.asRoot(async (c) => (await c.query('CHECKSUM TABLE ' + MYSQL_V10_TABLES.map((t) => '`' + t.name + '`').join(', ') + ' EXTENDED'))[0], database);
    const unchanged = await checksum();
    for (const readonly of [true, false]) {
      const store = MetadataStore.open(server.location(database), { readonly });
      try {
        assert.equal(store.schemaVersion, 10);
        assert.deepEqual(store.listPipelines(), ['penguin_local']);
        const runs = store.listRuns();
        assert.deepEqual(
          runs.items.map((r) => [r.id, r.name, r.pipeline, r.style, r.state, r.executionCount]),
          [
            [rec.runs[1], '2024-05-02T08:30:00.654321', 'penguin_local', 'ir', 'COMPLETE', 3],
            [rec.runs[0], '2024-05-01T12:00:00.123456', 'penguin_local', 'ir', 'COMPLETE', 3],
          ],
        );
        assert.deepEqual(store.runExecutions(rec.runs[1]!).map((e) => [e.nodeId, e.state]), [['CsvExampleGen', 'CACHED'], ['StatisticsGen', 'CACHED'], ['Trainer', 'CACHED']]);
        // `mlpipe show <execution>`: the Trainer of run 1.
        const trainer = store.execution(rec.executions['Trainer']![0]!)!;
        assert.equal(trainer.nodeId, 'Trainer');
        assert.equal(trainer.pipeline, 'penguin_local');
        assert.equal(trainer.runName, '2024-05-01T12:00:00.123456');
        assert.equal(trainer.state, 'COMPLETE');
        assert.equal(trainer.customProperties['train_args'], '{\n  "num_steps": 100\n}');
        assert.deepEqual(trainer.inputs.map((i) => [i.key, i.index, i.type, i.artifact.id, i.artifact.type]), [['examples', 0, 'INPUT', rec.examples, 'Examples']]);
        assert.deepEqual(trainer.outputs.map((o) => [o.key, o.index, o.type, o.artifact.id, o.artifact.uri]), [['model', 0, 'OUTPUT', rec.model, '/tfx/pipelines/penguin_local/Trainer/model/3']]);
        const examples = store.artifact(rec.examples)!;
        assert.deepEqual(examples.properties, { span: 0, version: 0, split_names: '["train", "eval"]' });
        assert.deepEqual(examples.customProperties, { tfx_version: '1.15.0', state: 'published', is_external: 0 });
        // Downstream of the examples: the consumers in both runs (the cached ones too).
        const down = store.lineage(rec.examples, { direction: 'downstream' });
        const consumers = down.nodes.filter((n) => n.kind === 'execution').map((n) => n.id).sort((a, b) => a - b);
        assert.deepEqual(consumers, [...rec.executions['StatisticsGen']!, ...rec.executions['Trainer']!].sort((a, b) => a - b));
        const up = store.lineage(rec.model, { direction: 'upstream' });
        assert.deepEqual(
          up.nodes.map((n) => `${n.kind}:${n.id}`).sort(),
          [`artifact:${rec.examples}`, `artifact:${rec.model}`, ...rec.executions['CsvExampleGen']!.map((id) => `execution:${id}`), ...rec.executions['Trainer']!.map((id) => `execution:${id}`)].sort(),
        );
        assert.equal(store.latestNodeOutputs('penguin_local', 'Trainer')!['model']![0]!.id, rec.model);
      } finally {
        store.close();
      }
    }
    assert.deepEqual(await checksum(), unchanged, 'reading (even opened for writing) changed nothing');
  });
});
