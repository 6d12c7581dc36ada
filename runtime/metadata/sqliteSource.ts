// The SQLite backend of the store: open or create an ML Metadata file, check its schema version, and run
// read and write transactions over the driver in ./sqlite.ts. This is the only file that knows the
// database is SQLite (PRAGMAs, journal mode, sqlite_master, SQLite's error codes); the MySQL backend is
// mysqlSource.ts, and both plug in under connection.ts, as MLMD's metadata sources do under its query
// executor.
//
// Concurrency and journal mode (tfx-reference §1.7.6). Several processes use one file at once: `mlpipe
// run`s from terminals or CI and the extension's runtime, all on the machine that holds the workspace
// (DESIGN §2: the runtime runs where the workspace is). Decision:
//  - A database mlpipe CREATES is switched to WAL. Measured here (test/bench/metadata.bench.ts and
//    variants, other jobs sharing the disk): 13–50 ms per recorded execution with the rollback journal
//    (DELETE or TRUNCATE, synchronous FULL or NORMAL) against 1.9–5.7 ms in WAL with synchronous=NORMAL,
//    because MLMD's 40 indexes make every small transaction touch ~40 pages that the rollback journal
//    copies and fsyncs twice. WAL also lets the extension read while runs write (readers never block
//    the writer), which is exactly our access pattern. The caution in the reference is about writers on
//    other machines (WAL needs shared memory); ours are local. TFX/MLMD open WAL files normally: journal
//    mode is not part of the schema, and the layout stays MLMD's.
//  - A database we did NOT create (a TFX metadata.sqlite, the v8 fixture) keeps its journal mode: we
//    never change a file's persistent properties, and a read-only open never writes.
//  - Workspaces on a network file system can ask for the rollback journal: OpenOptions.journalMode
//    'delete' or MLPIPE_METADATA_JOURNAL=delete when the file is created. (A team shares a MySQL store.)
// What keeps SQLITE_BUSY away in both modes: every write transaction is BEGIN IMMEDIATE (it takes the
// write lock before reading, so no transaction ever has to upgrade a read snapshot, the case where SQLite
// returns BUSY without waiting), no transaction spans an await, and every connection waits up to
// busy_timeout (15 s by default; MLMD itself gives up after ~2 s) for a lock.

import Database from './sqlite';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SQLITE_DIALECT } from './dialect';
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  MetadataStoreError,
  MIN_READABLE_VERSION,
  MLMD_CORE_TABLES,
  type MetadataSource,
  type OpenOptions,
  type SchemaColumns,
  type Statement,
} from './metadataSource';
import { SCHEMA_VERSION, SEEDED_TYPES, V10_INDEXES, V10_TABLES } from './schema';

export function openSqliteSource(path: string, opts: OpenOptions): MetadataSource {
  const file = resolve(path);
  const readonly = opts.readonly === true;
  let db: Database.Database;
  try {
    if (readonly) {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } else {
      mkdirSync(dirname(file), { recursive: true });
      db = new Database(file);
    }
  } catch (err) {
    const hint = readonly && !existsSync(file) ? 'The file does not exist: check the path (--db or mlpipe.metadataPath).' : 'Check the path and its permissions.';
    throw new MetadataStoreError(`Cannot open the metadata database ${file}: ${(err as Error).message}. ${hint}`, 'open');
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    const version = prepareSchema(db, file, readonly, journalModeFor(opts));
    // In WAL mode NORMAL cannot corrupt the file; it only skips the fsync per commit.
    if (!readonly && String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal') db.pragma('synchronous = NORMAL');
    const columns: SchemaColumns = {
      ArtifactProperty: columnNames(db, 'ArtifactProperty'),
      ExecutionProperty: columnNames(db, 'ExecutionProperty'),
      ContextProperty: columnNames(db, 'ContextProperty'),
    };
    return new SqliteSource(file, db, version, readonly, columns);
  } catch (err) {
    db.close();
    if (err instanceof MetadataStoreError) throw err;
    const message = (err as Error).message;
    if (/not a database|file is encrypted/i.test(message)) {
      throw new MetadataStoreError(`${file} is not an SQLite database. Point --db (or mlpipe.metadataPath) at an ML Metadata file.`, 'not-mlmd');
    }
    throw new MetadataStoreError(`Cannot read the metadata database ${file}: ${message}`, 'open');
  }
}

class SqliteSource implements MetadataSource {
  readonly dialect = SQLITE_DIALECT;

  constructor(
    readonly description: string,
    private readonly db: Database.Database,
    readonly schemaVersion: number,
    readonly readonly: boolean,
    readonly columns: SchemaColumns,
  ) {}

  prepare(sql: string): Statement {
    return this.db.prepare(sql) as Statement;
  }

  /**
   * A deferred transaction only takes a shared lock, so it never blocks on, or is blocked by, another
   * reader; it nests as a savepoint when called inside a write.
   */
  read<T>(fn: () => T): T {
    try {
      if (this.db.inTransaction) return fn();
      return this.db.transaction(fn).deferred();
    } catch (err) {
      // Damage found while reading is the file's, not a fault of mlpipe.
      if ((err as { code?: unknown }).code === 'SQLITE_CORRUPT' || (err as { code?: unknown }).code === 'SQLITE_NOTADB') {
        throw new MetadataStoreError(`${this.description} is damaged (${(err as Error).message}); open a copy with sqlite3 and run .recover, or use another file.`, 'not-mlmd');
      }
      throw err;
    }
  }

  /** BEGIN IMMEDIATE (see the top of this file). */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Creates the v10 layout in an empty file, or checks an existing one; returns its schema version. */
function prepareSchema(db: Database.Database, file: string, readonly: boolean, journalMode: 'wal' | 'delete'): number {
  const hasTables = (): boolean =>
    (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").get() as { n: number }).n > 0;
  if (!hasTables()) {
    if (readonly) {
      throw new MetadataStoreError(`${file} is empty, not an ML Metadata database. Run a pipeline first or choose another file.`, 'not-mlmd');
    }
    // Two processes may create the same new file at once: the IMMEDIATE lock makes one of them do it.
    let created = false;
    db.transaction(() => {
      if (hasTables()) return;
      created = true;
      for (const t of V10_TABLES) db.exec(t.sql);
      for (const i of V10_INDEXES) db.exec(i.sql);
      db.prepare('INSERT INTO `MLMDEnv`(`schema_version`) VALUES (?)').run(SCHEMA_VERSION);
      const insertType = db.prepare('INSERT INTO `Type`(`name`, `type_kind`) VALUES (?, ?)');
      for (const t of SEEDED_TYPES) insertType.run(t.name, t.kind);
    }).immediate();
    // Outside the transaction (SQLite requires it); only the creator chooses the mode. It needs an
    // exclusive lock: if other processes keep reading past the busy timeout, the file simply stays in
    // rollback mode, which is slower but just as correct.
    if (created && journalMode === 'wal') {
      try {
        db.pragma('journal_mode = WAL');
      } catch (err) {
        if (!/busy|locked/i.test((err as Error).message)) throw err;
      }
    }
  }
  const env = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'MLMDEnv'").get();
  if (!env) {
    throw new MetadataStoreError(`${file} is an SQLite database but not an ML Metadata one (it has no MLMDEnv table).`, 'not-mlmd');
  }
  const rows = db.prepare('SELECT schema_version FROM `MLMDEnv`').all() as Array<{ schema_version: number }>;
  if (rows.length !== 1) {
    throw new MetadataStoreError(`${file}: MLMDEnv must hold exactly one schema version, found ${rows.length}. The file may be damaged.`, 'not-mlmd');
  }
  const version = Number(rows[0]!.schema_version);
  if (version < MIN_READABLE_VERSION) {
    throw new MetadataStoreError(
      `${file} has ML Metadata schema version ${version}; mlpipe reads versions ${MIN_READABLE_VERSION} to ${SCHEMA_VERSION}. Upgrade it with a current ml-metadata release.`,
      'version',
    );
  }
  // Every version mlpipe reads has these tables; a file that lacks one is damaged, not ours to guess at.
  const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
  const missing = MLMD_CORE_TABLES.filter((t) => !tables.has(t));
  if (missing.length) {
    throw new MetadataStoreError(`${file} says ML Metadata schema version ${version} but has no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''}: the file is damaged or was not written by ML Metadata.`, 'not-mlmd');
  }
  return version;
}

function journalModeFor(opts: OpenOptions): 'wal' | 'delete' {
  if (opts.journalMode) return opts.journalMode;
  const env = process.env.MLPIPE_METADATA_JOURNAL?.toLowerCase();
  return env === 'delete' || env === 'rollback' ? 'delete' : 'wal';
}

function columnNames(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(\`${table}\`)`).all() as Array<{ name: string }>).map((r) => r.name);
}
