// A new database has exactly ML Metadata's schema-version-10 layout (tfx-reference §1), checked against
// the column and index lists written down there and, where the layout did not change between v8 and
// v10, against the sqlite_master of a database written by the official ml-metadata package.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The store's own driver: two SQLite libraries in one process would break each other's POSIX locks.
import Database from '../../runtime/metadata/sqlite';
import { MetadataStore, MetadataStoreError } from '../../runtime/metadata/store';
import { sharedFixture } from '../sharedFixtures';

const FIXTURE = sharedFixture('mlmd/mlmd-v8-getting-started.db');

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlpipe-mlmd-schema-'));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function newDatabase(): string {
  const file = join(tempDir(), 'nested', 'dir', 'metadata.sqlite');
  MetadataStore.open(file).close();
  return file;
}

function normalise(sql: string | null): string | null {
  return sql === null ? null : sql.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
}

function master(file: string): Array<{ type: string; name: string; tbl_name: string; sql: string | null }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid').all() as Array<{
      type: string;
      name: string;
      tbl_name: string;
      sql: string | null;
    }>;
  } finally {
    db.close();
  }
}

// tfx-reference §1.1: columns as [name, declared type, NOT NULL, primary-key position].
const PROPERTY_COLUMNS = (owner: string): Array<[string, string, number, number]> => [
  [owner, 'INT', 1, 1],
  ['name', 'VARCHAR(255)', 1, 2],
  ['is_custom_property', 'TINYINT(1)', 1, 3],
  ['int_value', 'INT', 0, 0],
  ['double_value', 'DOUBLE', 0, 0],
  ['string_value', 'TEXT', 0, 0],
  ['byte_value', 'BLOB', 0, 0],
  ['proto_value', 'BLOB', 0, 0],
  ['bool_value', 'BOOLEAN', 0, 0],
];
const EXPECTED_COLUMNS: Record<string, Array<[string, string, number, number]>> = {
  Type: [
    ['id', 'INTEGER', 0, 1],
    ['name', 'VARCHAR(255)', 1, 0],
    ['version', 'VARCHAR(255)', 0, 0],
    ['type_kind', 'TINYINT(1)', 1, 0],
    ['description', 'TEXT', 0, 0],
    ['input_type', 'TEXT', 0, 0],
    ['output_type', 'TEXT', 0, 0],
    ['external_id', 'VARCHAR(255)', 0, 0],
  ],
  TypeProperty: [
    ['type_id', 'INT', 1, 1],
    ['name', 'VARCHAR(255)', 1, 2],
    ['data_type', 'INT', 0, 0],
  ],
  ParentType: [
    ['type_id', 'INT', 1, 1],
    ['parent_type_id', 'INT', 1, 2],
  ],
  Artifact: [
    ['id', 'INTEGER', 0, 1],
    ['type_id', 'INT', 1, 0],
    ['uri', 'TEXT', 0, 0],
    ['state', 'INT', 0, 0],
    ['name', 'VARCHAR(255)', 0, 0],
    ['external_id', 'VARCHAR(255)', 0, 0],
    ['create_time_since_epoch', 'INT', 1, 0],
    ['last_update_time_since_epoch', 'INT', 1, 0],
  ],
  ArtifactProperty: PROPERTY_COLUMNS('artifact_id'),
  Execution: [
    ['id', 'INTEGER', 0, 1],
    ['type_id', 'INT', 1, 0],
    ['last_known_state', 'INT', 0, 0],
    ['name', 'VARCHAR(255)', 0, 0],
    ['external_id', 'VARCHAR(255)', 0, 0],
    ['create_time_since_epoch', 'INT', 1, 0],
    ['last_update_time_since_epoch', 'INT', 1, 0],
  ],
  ExecutionProperty: PROPERTY_COLUMNS('execution_id'),
  Context: [
    ['id', 'INTEGER', 0, 1],
    ['type_id', 'INT', 1, 0],
    ['name', 'VARCHAR(255)', 1, 0],
    ['external_id', 'VARCHAR(255)', 0, 0],
    ['create_time_since_epoch', 'INT', 1, 0],
    ['last_update_time_since_epoch', 'INT', 1, 0],
  ],
  ContextProperty: PROPERTY_COLUMNS('context_id'),
  ParentContext: [
    ['context_id', 'INT', 1, 1],
    ['parent_context_id', 'INT', 1, 2],
  ],
  Event: [
    ['id', 'INTEGER', 0, 1],
    ['artifact_id', 'INT', 1, 0],
    ['execution_id', 'INT', 1, 0],
    ['type', 'INT', 1, 0],
    ['milliseconds_since_epoch', 'INT', 0, 0],
  ],
  EventPath: [
    ['event_id', 'INT', 1, 0],
    ['is_index_step', 'TINYINT(1)', 1, 0],
    ['step_index', 'INT', 0, 0],
    ['step_key', 'TEXT', 0, 0],
  ],
  Association: [
    ['id', 'INTEGER', 0, 1],
    ['context_id', 'INT', 1, 0],
    ['execution_id', 'INT', 1, 0],
  ],
  Attribution: [
    ['id', 'INTEGER', 0, 1],
    ['context_id', 'INT', 1, 0],
    ['artifact_id', 'INT', 1, 0],
  ],
  MLMDEnv: [['schema_version', 'INTEGER', 0, 1]],
};

// tfx-reference §1.2: 16 automatic indexes from PRIMARY KEY/UNIQUE and 24 named ones.
const EXPECTED_AUTO_INDEXES: Record<string, string[][]> = {
  Type: [['external_id']],
  TypeProperty: [['type_id', 'name']],
  ParentType: [['type_id', 'parent_type_id']],
  Artifact: [['external_id'], ['type_id', 'name']],
  ArtifactProperty: [['artifact_id', 'name', 'is_custom_property']],
  Execution: [['external_id'], ['type_id', 'name']],
  ExecutionProperty: [['execution_id', 'name', 'is_custom_property']],
  Context: [['external_id'], ['type_id', 'name']],
  ContextProperty: [['context_id', 'name', 'is_custom_property']],
  ParentContext: [['context_id', 'parent_context_id']],
  Event: [['artifact_id', 'execution_id', 'type']],
  Association: [['context_id', 'execution_id']],
  Attribution: [['context_id', 'artifact_id']],
};
const EXPECTED_NAMED_INDEXES: Record<string, { table: string; columns: string[]; partial?: string }> = {
  idx_artifact_uri: { table: 'Artifact', columns: ['uri'] },
  idx_artifact_create_time_since_epoch: { table: 'Artifact', columns: ['create_time_since_epoch'] },
  idx_artifact_last_update_time_since_epoch: { table: 'Artifact', columns: ['last_update_time_since_epoch'] },
  idx_execution_create_time_since_epoch: { table: 'Execution', columns: ['create_time_since_epoch'] },
  idx_execution_last_update_time_since_epoch: { table: 'Execution', columns: ['last_update_time_since_epoch'] },
  idx_context_create_time_since_epoch: { table: 'Context', columns: ['create_time_since_epoch'] },
  idx_context_last_update_time_since_epoch: { table: 'Context', columns: ['last_update_time_since_epoch'] },
  idx_event_execution_id: { table: 'Event', columns: ['execution_id'] },
  idx_eventpath_event_id: { table: 'EventPath', columns: ['event_id'] },
  idx_parentcontext_parent_context_id: { table: 'ParentContext', columns: ['parent_context_id'] },
  idx_type_name: { table: 'Type', columns: ['name'] },
  idx_type_external_id: { table: 'Type', columns: ['external_id'] },
  idx_artifact_external_id: { table: 'Artifact', columns: ['external_id'] },
  idx_execution_external_id: { table: 'Execution', columns: ['external_id'] },
  idx_context_external_id: { table: 'Context', columns: ['external_id'] },
};
for (const owner of ['artifact', 'execution', 'context']) {
  const table = `${owner[0]!.toUpperCase()}${owner.slice(1)}Property`;
  for (const kind of ['int', 'double', 'string']) {
    EXPECTED_NAMED_INDEXES[`idx_${owner}_property_${kind}`] = {
      table,
      columns: ['name', 'is_custom_property', `${kind}_value`],
      partial: `${kind}_value`,
    };
  }
}

test('a new database has the 15 MLMD v10 tables with the documented columns', () => {
  const file = newDatabase();
  const rows = master(file);
  const tables = rows.filter((r) => r.type === 'table' && !r.name.startsWith('sqlite_')).map((r) => r.name);
  assert.equal(tables.length, 15);
  assert.deepEqual([...tables].sort(), Object.keys(EXPECTED_COLUMNS).sort());
  assert.ok(rows.some((r) => r.name === 'sqlite_sequence'), 'AUTOINCREMENT creates sqlite_sequence');
  const db = new Database(file, { readonly: true });
  try {
    for (const [table, columns] of Object.entries(EXPECTED_COLUMNS)) {
      const info = db.prepare(`PRAGMA table_info(\`${table}\`)`).all() as Array<{ name: string; type: string; notnull: number; pk: number }>;
      assert.deepEqual(
        info.map((c) => [c.name, c.type, c.notnull, c.pk]),
        columns,
        `columns of ${table}`,
      );
    }
    // MLMD's own creation order (InitMetadataSource), so the file looks like one MLMD made.
    assert.deepEqual(tables, [
      'Type', 'TypeProperty', 'ParentType', 'Artifact', 'ArtifactProperty', 'Execution', 'ExecutionProperty',
      'Event', 'EventPath', 'MLMDEnv', 'Context', 'ContextProperty', 'ParentContext', 'Association', 'Attribution',
    ]);
    // No foreign keys and no CHECK constraints in MLMD's DDL.
    for (const table of tables) assert.deepEqual(db.prepare(`PRAGMA foreign_key_list(\`${table}\`)`).all(), []);
    assert.ok(rows.every((r) => !/CHECK\s*\(/i.test(r.sql ?? '')));
  } finally {
    db.close();
  }
});

test('a new database has exactly 40 indexes: 16 automatic and the 24 named ones', () => {
  const file = newDatabase();
  const rows = master(file);
  const indexes = rows.filter((r) => r.type === 'index');
  assert.equal(indexes.length, 40);
  const db = new Database(file, { readonly: true });
  try {
    const auto = indexes.filter((r) => r.name.startsWith('sqlite_autoindex_'));
    assert.equal(auto.length, 16);
    const autoByTable: Record<string, string[][]> = {};
    for (const idx of auto) {
      const cols = (db.prepare(`PRAGMA index_info(\`${idx.name}\`)`).all() as Array<{ name: string }>).map((c) => c.name);
      (autoByTable[idx.tbl_name] ??= []).push(cols);
    }
    for (const list of Object.values(autoByTable)) list.sort((a, b) => a.join().localeCompare(b.join()));
    const expectedAuto = Object.fromEntries(
      Object.entries(EXPECTED_AUTO_INDEXES).map(([t, l]) => [t, [...l].sort((a, b) => a.join().localeCompare(b.join()))]),
    );
    assert.deepEqual(autoByTable, expectedAuto);

    const named = indexes.filter((r) => !r.name.startsWith('sqlite_autoindex_'));
    assert.equal(named.length, 24);
    assert.deepEqual(named.map((r) => r.name).sort(), Object.keys(EXPECTED_NAMED_INDEXES).sort());
    for (const idx of named) {
      const expected = EXPECTED_NAMED_INDEXES[idx.name]!;
      assert.equal(idx.tbl_name, expected.table, idx.name);
      const cols = (db.prepare(`PRAGMA index_info(\`${idx.name}\`)`).all() as Array<{ name: string }>).map((c) => c.name);
      assert.deepEqual(cols, expected.columns, idx.name);
      const list = db.prepare(`PRAGMA index_list(\`${idx.tbl_name}\`)`).all() as Array<{ name: string; unique: number; partial: number }>;
      const entry = list.find((l) => l.name === idx.name)!;
      assert.equal(entry.unique, 0, `${idx.name} is not unique (uniqueness is enforced in code)`);
      assert.equal(entry.partial, expected.partial ? 1 : 0, `${idx.name} partial`);
      if (expected.partial) assert.match(idx.sql ?? '', new RegExp(`WHERE \`${expected.partial}\` IS NOT NULL`));
    }
  } finally {
    db.close();
  }
});

test('a new database records schema version 10 and the 9 seeded mlmd.* types as ids 1–9', () => {
  const file = newDatabase();
  const db = new Database(file, { readonly: true });
  try {
    assert.deepEqual(db.prepare('SELECT schema_version FROM MLMDEnv').all(), [{ schema_version: 10 }]);
    assert.deepEqual(db.prepare('SELECT id, name, version, type_kind, description, input_type, output_type, external_id FROM Type ORDER BY id').all(), [
      ['mlmd.Dataset', 1], ['mlmd.Model', 1], ['mlmd.Metrics', 1], ['mlmd.Statistics', 1],
      ['mlmd.Train', 0], ['mlmd.Transform', 0], ['mlmd.Process', 0], ['mlmd.Evaluate', 0], ['mlmd.Deploy', 0],
    ].map(([name, kind], i) => ({
      id: i + 1, name, version: null, type_kind: kind, description: null, input_type: null, output_type: null, external_id: null,
    })));
    assert.deepEqual(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'Type'").get(), { seq: 9 });
    for (const table of ['TypeProperty', 'ParentType', 'Artifact', 'Execution', 'Context', 'Event', 'EventPath']) {
      assert.deepEqual(db.prepare(`SELECT COUNT(*) AS n FROM \`${table}\``).get(), { n: 0 }, table);
    }
    // Files we create use WAL (see store.ts); user_version stays MLMD's 0.
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('user_version', { simple: true }), 0);
  } finally {
    db.close();
  }
  const store = MetadataStore.open(file, { readonly: true });
  assert.equal(store.schemaVersion, 10);
  store.close();
});

test('where v8 and v10 agree, sqlite_master matches a database written by ml-metadata itself', (t) => {
  if (!existsSync(FIXTURE)) {
    t.skip(`fixture ${FIXTURE} is absent`);
    return;
  }
  const ours = new Map(master(newDatabase()).map((r) => [r.name, normalise(r.sql)]));
  const theirs = master(FIXTURE);
  // Tables whose columns did not change between v8 and v10 must be statement-for-statement identical.
  const unchanged = ['TypeProperty', 'ParentType', 'Event', 'EventPath', 'MLMDEnv', 'ParentContext', 'Association', 'Attribution'];
  for (const name of unchanged) {
    assert.equal(ours.get(name), normalise(theirs.find((r) => r.name === name)!.sql), name);
  }
  // All 32 v8 indexes exist with the same statement; v9 added only the 4 external_id indexes + 4 autoindexes.
  const v8Indexes = theirs.filter((r) => r.type === 'index');
  assert.equal(v8Indexes.length, 32);
  for (const idx of v8Indexes) {
    if (idx.name.startsWith('sqlite_autoindex_')) continue;
    assert.equal(ours.get(idx.name), normalise(idx.sql), idx.name);
  }
  // Changed tables: the v8 statement plus exactly the v9/v10 columns.
  const withExtra = (sql: string | null, afterColumn: string, extra: string): string | null =>
    normalise(sql)!.replace(`${afterColumn},`, `${afterColumn}, ${extra},`);
  for (const table of ['Artifact', 'Execution', 'Context']) {
    const after = table === 'Artifact' || table === 'Execution' ? '`name` VARCHAR(255)' : '`name` VARCHAR(255) NOT NULL';
    const v8 = theirs.find((r) => r.name === table)!.sql;
    assert.equal(ours.get(table), withExtra(v8, after, '`external_id` VARCHAR(255) UNIQUE'), table);
  }
  for (const table of ['ArtifactProperty', 'ExecutionProperty', 'ContextProperty']) {
    const v8 = theirs.find((r) => r.name === table)!.sql;
    assert.equal(ours.get(table), withExtra(v8, '`byte_value` BLOB', '`proto_value` BLOB, `bool_value` BOOLEAN'), table);
  }
  assert.equal(ours.get('Type'), normalise(theirs.find((r) => r.name === 'Type')!.sql)!.replace('`output_type` TEXT)', '`output_type` TEXT, `external_id` VARCHAR(255) UNIQUE)'));
});

test('the rollback journal can be chosen for a new file, and an existing file keeps its journal mode', () => {
  const dir = tempDir();
  const rollback = join(dir, 'rollback.sqlite');
  MetadataStore.open(rollback, { journalMode: 'delete' }).close();
  const check = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return db.pragma('journal_mode', { simple: true });
    } finally {
      db.close();
    }
  };
  assert.equal(check(rollback), 'delete');
  // Reopening with the default (WAL) does not convert a file we did not just create.
  const store = MetadataStore.open(rollback);
  store.beginRun('p', 'r');
  store.close();
  assert.equal(check(rollback), 'delete');
  // Same layout either way.
  const strip = (rows: ReturnType<typeof master>) => rows.map((r) => [r.type, r.name, normalise(r.sql)]);
  assert.deepEqual(strip(master(rollback)), strip(master(newDatabase())));
});

test('opening an existing database again changes nothing in it', () => {
  const file = newDatabase();
  const before = readFileSync(file);
  const store = MetadataStore.open(file);
  assert.equal(store.schemaVersion, 10);
  assert.deepEqual(store.listRuns({}).items, []);
  store.close();
  assert.ok(readFileSync(file).equals(before));
});

test('files that are not ML Metadata databases get a clear error, not a crash', () => {
  const dir = tempDir();
  const missing = join(dir, 'missing.sqlite');
  assert.throws(() => MetadataStore.open(missing, { readonly: true }), (err: unknown) => {
    assert.ok(err instanceof MetadataStoreError);
    assert.equal(err.code, 'open');
    assert.match(err.message, /does not exist/);
    return true;
  });
  assert.equal(existsSync(missing), false, 'a read-only open never creates the file');

  const junk = join(dir, 'junk.sqlite');
  writeFileSync(junk, 'this is a text file, not a database, and it is long enough to have a header'.repeat(10));
  assert.throws(() => MetadataStore.open(junk), (err: unknown) => err instanceof MetadataStoreError && err.code === 'not-mlmd' && /not an SQLite database/.test(err.message));

  const other = join(dir, 'other.sqlite');
  const db = new Database(other);
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  db.close();
  assert.throws(() => MetadataStore.open(other), (err: unknown) => err instanceof MetadataStoreError && err.code === 'not-mlmd' && /MLMDEnv/.test(err.message));

  const empty = join(dir, 'empty.sqlite');
  writeFileSync(empty, '');
  assert.throws(() => MetadataStore.open(empty, { readonly: true }), (err: unknown) => err instanceof MetadataStoreError && err.code === 'not-mlmd');
  assert.equal(readFileSync(empty).length, 0, 'read-only open of an empty file leaves it empty');
});
