// The store's SQLite driver (runtime/metadata/sqlite.ts, @photostructure/sqlite): what it writes is a
// plain SQLite/MLMD file that another SQLite build reads as it is (better-sqlite3, run in a child process:
// two SQLite libraries in one process would break each other's POSIX locks), and rows come back the way
// the store's code expects (plain objects, Buffers, numbers), with savepoints inside transactions.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from '../../runtime/metadata/sqlite';
import { MetadataStore } from '../../runtime/metadata/store';

const repo = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'mlpipe-sqlite-driver-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the metadata store on @photostructure/sqlite', () => {
  it('writes an MLMD file that better-sqlite3 reads as it is: intact, WAL, schema 10, the same rows', () => {
    const file = join(dir, 'compat', 'metadata.sqlite');
    const store = MetadataStore.open(file);
    const { runContextId } = store.beginRun('penguin', 'run-1');
    const e = store.registerExecution({ pipeline: 'penguin', runContextId, nodeId: 'example_gen', executionType: 'CsvExampleGen', customProperties: { seed: 7, ratio: 0.75 }, inputs: {} });
    store.publishSucceeded(e, 'cache-1', { examples: [{ type: 'Examples', uri: join(dir, 'a'), properties: { span: 0 }, customProperties: { file_format: 'parquet' } }] });
    const counts = store.counts();
    store.close();
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1], { readonly: true });
      const n = (t) => db.prepare('SELECT COUNT(*) AS n FROM ' + t).get().n;
      console.log(JSON.stringify({
        integrity: db.pragma('integrity_check', { simple: true }),
        journal: db.pragma('journal_mode', { simple: true }),
        version: db.prepare('SELECT schema_version FROM MLMDEnv').get().schema_version,
        artifacts: n('Artifact'), executions: n('Execution'), contexts: n('Context'),
        seed: db.prepare("SELECT int_value FROM ExecutionProperty WHERE name = 'seed'").get().int_value,
      }));`;
    const seen = JSON.parse(execFileSync(process.execPath, ['-e', script, file], { cwd: repo, encoding: 'utf8' })) as Record<string, unknown>;
    assert.deepEqual(seen, { integrity: 'ok', journal: 'wal', version: 10, ...counts, seed: 7 });
  });

  it('returns plain rows, BLOBs as Buffers and large INTEGERs as numbers', () => {
    const db = new Database(join(dir, 'rows.sqlite'));
    try {
      db.exec('CREATE TABLE t (i INTEGER, b BLOB, s TEXT)');
      db.prepare('INSERT INTO t VALUES (?, ?, ?)').run(2 ** 53 + 2, Buffer.from('any'), 'x');
      const row = db.prepare('SELECT i, b, s FROM t').get() as { i: unknown; b: unknown; s: unknown };
      assert.equal(Object.getPrototypeOf(row), Object.prototype);
      assert.ok(Buffer.isBuffer(row.b));
      assert.equal((row.b as Buffer).toString('base64'), Buffer.from('any').toString('base64'));
      assert.equal(typeof row.i, 'number');
      assert.equal(row.s, 'x');
      assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
    } finally {
      db.close();
    }
  });

  it('nests a transaction inside another as a savepoint, and rolls back only what threw', () => {
    const db = new Database(join(dir, 'tx.sqlite'));
    try {
      db.exec('CREATE TABLE t (x INTEGER)');
      const insert = db.prepare('INSERT INTO t VALUES (?)');
      db.transaction(() => {
        insert.run(1);
        assert.throws(() =>
          db
            .transaction(() => {
              insert.run(2);
              throw new Error('inner');
            })
            .deferred(),
        );
        assert.equal(db.inTransaction, true);
      }).immediate();
      assert.throws(() =>
        db
          .transaction(() => {
            insert.run(3);
            throw new Error('outer');
          })
          .immediate(),
      );
      assert.equal(db.inTransaction, false);
      assert.deepEqual(db.prepare('SELECT x FROM t ORDER BY x').all(), [{ x: 1 }]);
    } finally {
      db.close();
    }
  });

  it('opens read-only without creating a missing file', () => {
    assert.throws(() => new Database(join(dir, 'missing.sqlite'), { readonly: true }), /unable to open/);
  });
});
