// The MySQL backend creates ML Metadata's own v10 MySQL layout: each of MLMD's statements (mysqlSchema.ts,
// the text of ml-metadata's metadata_source_query_config.cc) is parsed here, independently of the server,
// into the columns and indexes it declares, and compared with what the server reports in
// information_schema, statement by statement. Then the seeded rows, idempotent re-opening, and the
// schema-version checks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MetadataStore, MetadataStoreError } from '../../runtime/metadata/store';
import { MYSQL_V10_SECONDARY_INDICES, MYSQL_V10_TABLES } from '../../runtime/metadata/mysqlSchema';
import { SEEDED_TYPES } from '../../runtime/metadata/schema';
import { MysqlTestServer, skipWithoutMariadb } from '../mysqlServer';

interface ExpectedColumn {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  autoIncrement: boolean;
}
interface ExpectedIndex {
  name: string;
  unique: boolean;
  columns: string[];
}

/** MySQL's spelling of a declared type in information_schema.COLUMNS.COLUMN_TYPE. */
function columnType(declared: string): string {
  const t = declared.toUpperCase();
  const map: Record<string, string> = { INT: 'int(11)', INTEGER: 'int(11)', BIGINT: 'bigint(20)', BOOLEAN: 'tinyint(1)', DOUBLE: 'double', TEXT: 'text', MEDIUMTEXT: 'mediumtext', MEDIUMBLOB: 'mediumblob' };
  return map[t] ?? t.toLowerCase();
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

const names = (list: string): string[] => list.split(',').map((c) => c.trim().replace(/`/g, ''));

/** Parses one of MLMD's CREATE TABLE statements into its columns and the indexes MySQL derives from it. */
function parseCreateTable(sql: string): { table: string; columns: ExpectedColumn[]; indexes: ExpectedIndex[] } {
  const head = /CREATE TABLE IF NOT EXISTS `(\w+)` \(/.exec(sql);
  assert.ok(head, `not a CREATE TABLE: ${sql}`);
  const body = sql.slice(sql.indexOf('(') + 1, sql.lastIndexOf(')'));
  const columns: ExpectedColumn[] = [];
  const indexes: ExpectedIndex[] = [];
  for (const item of splitTopLevel(body)) {
    let m: RegExpExecArray | null;
    if ((m = /^PRIMARY KEY\s*\((.*)\)$/i.exec(item))) indexes.push({ name: 'PRIMARY', unique: true, columns: names(m[1]!) });
    else if ((m = /^(?:CONSTRAINT (\w+) )?UNIQUE\s*\((.*)\)$/is.exec(item))) {
      const cols = names(m[2]!);
      indexes.push({ name: m[1] ?? cols[0]!, unique: true, columns: cols });
    } else if ((m = /^`(\w+)` (\w+(?:\(\d+\))?)(.*)$/.exec(item))) {
      const [, name, type, rest] = m as unknown as [string, string, string, string];
      const primary = /PRIMARY KEY/i.test(rest);
      const nullable = !/NOT NULL/i.test(rest) && !primary;
      const def = /DEFAULT (\S+)/i.exec(rest)?.[1] ?? (nullable ? 'NULL' : null);
      columns.push({ name, type: columnType(type), nullable, default: def, autoIncrement: /AUTO_INCREMENT/i.test(rest) });
      if (primary) indexes.push({ name: 'PRIMARY', unique: true, columns: [name] });
      if (/\bUNIQUE\b/i.test(rest)) indexes.push({ name, unique: true, columns: [name] });
    } else assert.fail(`unparsed item of ${head[1]}: ${item}`);
  }
  return { table: head[1]!, columns, indexes };
}

/** Parses one of MLMD's `ALTER TABLE … ADD INDEX` statements (prefix lengths kept as `col(255)`). */
function parseAddIndexes(sql: string): Array<{ table: string; index: ExpectedIndex }> {
  const table = /ALTER TABLE `(\w+)`/.exec(sql)?.[1];
  assert.ok(table, `not an ALTER TABLE: ${sql}`);
  const out: Array<{ table: string; index: ExpectedIndex }> = [];
  for (const m of sql.matchAll(/ADD INDEX\s*`(\w+)`\s*\(((?:[^()]|\(\d+\))*)\)/g)) {
    out.push({ table, index: { name: m[1]!, unique: false, columns: m[2]!.split(',').map((c) => c.trim().replace(/`/g, '')) } });
  }
  assert.ok(out.length > 0, `no ADD INDEX in ${sql}`);
  return out;
}

const skip = skipWithoutMariadb();

describe('ML Metadata v10 on MySQL (MariaDB)', { skip }, () => {
  let server: MysqlTestServer;
  before(async () => {
    server = await MysqlTestServer.start();
  });
  after(async () => {
    await server?.stop();
  });

  test("a new database has MLMD's 15 tables and 24 secondary indexes, statement by statement as MLMD states them", async () => {
    const location = server.newDatabase();
    MetadataStore.open(location).close();
    await server.asRoot(async (c) => {
      const [tables] = (await c.query('SELECT TABLE_NAME AS t, ENGINE AS e FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY CREATE_TIME, TABLE_NAME', [location.database])) as unknown as [Array<{ t: string; e: string }>];
      assert.deepEqual(tables.map((r) => r.t).sort(), MYSQL_V10_TABLES.map((t) => t.name).sort());
      assert.ok(tables.every((r) => r.e === 'InnoDB'), 'every table is InnoDB (transactions)');

      const [columnRows] = (await c.query(
        'SELECT TABLE_NAME AS t, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION',
        [location.database],
      )) as unknown as [Array<{ t: string; name: string; type: string; nullable: string; def: string | null; extra: string }>];
      const [indexRows] = (await c.query(
        'SELECT TABLE_NAME AS t, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS col, SUB_PART AS sub FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
        [location.database],
      )) as unknown as [Array<{ t: string; name: string; nonUnique: number; col: string; sub: number | null }>];
      const actualIndexes = new Map<string, ExpectedIndex>();
      for (const r of indexRows) {
        const key = `${r.t}.${r.name}`;
        const entry = actualIndexes.get(key) ?? { name: r.name, unique: Number(r.nonUnique) === 0, columns: [] };
        entry.columns.push(r.sub ? `${r.col}(${r.sub})` : r.col);
        actualIndexes.set(key, entry);
      }
      const expectedIndexKeys = new Set<string>();

      for (const statement of MYSQL_V10_TABLES) {
        const parsed = parseCreateTable(statement.sql);
        assert.equal(parsed.table, statement.name);
        const actual = columnRows
          .filter((r) => r.t === parsed.table)
          .map((r) => ({ name: r.name, type: r.type, nullable: r.nullable === 'YES', default: r.def, autoIncrement: /auto_increment/i.test(r.extra) }));
        assert.deepEqual(actual, parsed.columns, `columns of ${parsed.table} as MLMD's CREATE TABLE states them`);
        for (const index of parsed.indexes) {
          const key = `${parsed.table}.${index.name}`;
          expectedIndexKeys.add(key);
          assert.deepEqual(actualIndexes.get(key), index, `index ${key} of MLMD's CREATE TABLE`);
        }
      }
      let secondary = 0;
      for (const statement of MYSQL_V10_SECONDARY_INDICES) {
        for (const { table, index } of parseAddIndexes(statement)) {
          const key = `${table}.${index.name}`;
          expectedIndexKeys.add(key);
          secondary++;
          assert.deepEqual(actualIndexes.get(key), index, `index ${key} of MLMD's secondary_indices`);
        }
      }
      assert.equal(secondary, 24, "MLMD's 24 named secondary indexes");
      assert.deepEqual([...actualIndexes.keys()].filter((k) => !expectedIndexKeys.has(k)), [], 'no index MLMD does not declare');
    });
  });

  test('a new database records schema version 10 and the 9 seeded mlmd.* types as ids 1–9; opening it again changes nothing', async () => {
    const location = server.newDatabase();
    MetadataStore.open(location).close();
    const snapshot = async () =>
      server.asRoot(async (c) => {
        const [env] = await c.query('SELECT schema_version FROM MLMDEnv');
        const [types] = await c.query('SELECT id, name, type_kind FROM `Type` ORDER BY id');
        const [sums] = await c.query('CHECKSUM TABLE ' + MYSQL_V10_TABLES.map((t) => '`' + t.name + '`').join(', '));
        return { env, types, sums };
      }, location.database);
    const first = await snapshot();
    assert.deepEqual(first.env, [{ schema_version: 10 }]);
    assert.deepEqual(
      first.types,
      SEEDED_TYPES.map((t, i) => ({ id: i + 1, name: t.name, type_kind: t.kind })),
    );
    const again = MetadataStore.open(location);
    assert.equal(again.schemaVersion, 10);
    again.close();
    MetadataStore.open(location, { readonly: true }).close();
    assert.deepEqual(await snapshot(), first);
  });

  test('a run is recorded and read back through the store', () => {
    const store = MetadataStore.open(server.newDatabase());
    try {
      assert.equal(store.backend, 'mysql');
      const { runContextId } = store.beginRun('penguin', 'run-1');
      const eg = store.registerExecution({ pipeline: 'penguin', runContextId, nodeId: 'example_gen', executionType: 'CsvExampleGen', customProperties: { seed: 7, started: 1_796_000_000_123 }, inputs: {} });
      const out = store.publishSucceeded(eg, 'cache-eg', {
        examples: [{ type: 'Examples', uri: '/tmp/examples/1', properties: { span: 0, version: 0, split_names: ['train', 'eval'] }, customProperties: { ratio: 0.75, sampled: true } }],
      });
      const runs = store.listRuns();
      assert.equal(runs.total, 1);
      assert.equal(runs.items[0]!.name, 'run-1');
      assert.equal(runs.items[0]!.state, 'COMPLETE');
      const detail = store.execution(eg)!;
      assert.equal(detail.state, 'COMPLETE');
      // A millisecond timestamp does not fit MLMD's 32-bit int_value on MySQL: it comes back exact.
      assert.equal(detail.customProperties['started'], 1_796_000_000_123);
      assert.equal(detail.customProperties['seed'], 7);
      assert.deepEqual(detail.outputs.map((o) => [o.key, o.index, o.artifact.id, o.artifact.properties['split_names']]), [['examples', 0, out.examples![0], '["train","eval"]']]);
      assert.equal(store.findCached('cache-eg'), undefined, 'the output directory does not exist, so the cache misses');
    } finally {
      store.close();
    }
  });

  test('a database with another MLMD schema version is named as such and never migrated', async () => {
    const location = server.newDatabase();
    MetadataStore.open(location).close();
    await server.asRoot((c) => c.query('UPDATE MLMDEnv SET schema_version = 9'), location.database);
    const ro = MetadataStore.open(location, { readonly: true });
    assert.equal(ro.schemaVersion, 9);
    ro.close();
    const rw = MetadataStore.open(location);
    assert.throws(
      () => rw.beginRun('p', 'r'),
      (err: unknown) => err instanceof MetadataStoreError && err.code === 'version' && /schema version 9/.test(err.message) && /mysql:\/\/mlpipe@127\.0\.0\.1/.test(err.message),
    );
    rw.close();
    const [rows] = await server.asRoot((c) => c.query('SELECT schema_version FROM MLMDEnv'), location.database);
    assert.deepEqual(rows, [{ schema_version: 9 }]);
    await server.asRoot((c) => c.query('UPDATE MLMDEnv SET schema_version = 5'), location.database);
    assert.throws(() => MetadataStore.open(location, { readonly: true }), (err: unknown) => err instanceof MetadataStoreError && err.code === 'version' && /version 5/.test(err.message));
  });
});
