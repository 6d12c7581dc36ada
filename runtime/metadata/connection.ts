// The connection to an ML Metadata file: open or create it, check its schema version, and run read and
// write transactions, with the prepared-statement and type caches every query shares. This is the only
// file that knows the database is SQLite (PRAGMAs, journal mode, sqlite_master, SQLite's error codes) and
// the only one that talks to the driver (./sqlite.ts): a second dialect (MySQL, DESIGN §1) plugs in here,
// as MLMD's metadata sources do under its query executor. The MLMD primitives (mlmdWrites.ts), the reads (mlmdReads.ts) and TFX's publish
// semantics (executionPublish.ts) sit on top; MetadataStore (store.ts) is the façade.
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
//    'delete' or MLPIPE_METADATA_JOURNAL=delete when the file is created.
// What keeps SQLITE_BUSY away in both modes: every write transaction is BEGIN IMMEDIATE (it takes the
// write lock before reading, so no transaction ever has to upgrade a read snapshot, the case where SQLite
// returns BUSY without waiting), no transaction spans an await, and every connection waits up to
// busy_timeout (15 s by default; MLMD itself gives up after ~2 s) for a lock.

import Database from './sqlite';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors';
import { PropertyTypeError } from './propertyCodec';
import {
  PropertyType,
  SCHEMA_VERSION,
  SEEDED_TYPES,
  V10_INDEXES,
  V10_TABLES,
  type PropertyTable,
  type PropertyTypeValue,
  type TypeKindValue,
} from './schema';

/** A problem the user can act on (bad path, not an MLMD file, unsupported version, missing id). */
export class MetadataStoreError extends UserError {
  declare readonly code: 'open' | 'not-mlmd' | 'version' | 'readonly' | 'not-found' | 'invalid';
  constructor(message: string, code: MetadataStoreError['code']) {
    super(message, { code });
  }
}

export interface OpenOptions {
  readonly?: boolean;
  /** How long to wait for another process's lock, in ms (default 15,000). */
  busyTimeoutMs?: number;
  /**
   * Journal mode of a database this call creates (existing files keep theirs). Default: the
   * MLPIPE_METADATA_JOURNAL environment variable, else 'wal'. Use 'delete' on network file systems.
   */
  journalMode?: 'wal' | 'delete';
}

/** A prepared statement, as the layers above use it: the part of a driver's API they may rely on. */
export interface Statement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** Which optional columns the property tables have in this file (they grew with schema versions). */
export type SchemaColumns = Readonly<Record<PropertyTable, readonly string[]>>;

const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

/** The tables of every ML Metadata schema version mlpipe reads (6 and up). */
const MLMD_CORE_TABLES = ['Type', 'Artifact', 'ArtifactProperty', 'Execution', 'ExecutionProperty', 'Context', 'ContextProperty', 'Event', 'EventPath', 'Association', 'Attribution'];

export class MetadataConnection {
  private readonly statements = new Map<string, Statement>();
  private typesById = new Map<number, { name: string; kind: number }>();
  private typesByKey = new Map<string, number>();
  /** Declared properties per type id (types are never deleted, so caching is safe). */
  private readonly declared = new Map<number, Record<string, PropertyTypeValue>>();

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
    readonly schemaVersion: number,
    readonly readonly: boolean,
    readonly columns: SchemaColumns,
  ) {}

  static open(path: string, opts: OpenOptions = {}): MetadataConnection {
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
      const version = prepare(db, file, readonly, journalModeFor(opts));
      // In WAL mode NORMAL cannot corrupt the file; it only skips the fsync per commit.
      if (!readonly && String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal') db.pragma('synchronous = NORMAL');
      const columns: SchemaColumns = {
        ArtifactProperty: columnNames(db, 'ArtifactProperty'),
        ExecutionProperty: columnNames(db, 'ExecutionProperty'),
        ContextProperty: columnNames(db, 'ContextProperty'),
      };
      return new MetadataConnection(file, db, version, readonly, columns);
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

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** A prepared statement for `sql`, prepared once per connection. */
  stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql) as Statement;
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * Several statements that must see one snapshot. A deferred transaction only takes a shared lock, so
   * it never blocks on, or is blocked by, another reader; it nests as a savepoint when called inside a write.
   */
  read<T>(fn: () => T): T {
    try {
      if (this.db.inTransaction) return fn();
      return this.db.transaction(fn).deferred();
    } catch (err) {
      // Damage found while reading is the file's, not a fault of mlpipe.
      if ((err as { code?: unknown }).code === 'SQLITE_CORRUPT' || (err as { code?: unknown }).code === 'SQLITE_NOTADB') {
        throw new MetadataStoreError(`${this.path} is damaged (${(err as Error).message}); open a copy with sqlite3 and run .recover, or use another file.`, 'not-mlmd');
      }
      throw err;
    }
  }

  /** One write transaction, BEGIN IMMEDIATE (see the top of this file), in a version-10 file opened for writing. */
  write<T>(fn: () => T): T {
    if (this.readonly) throw new MetadataStoreError(`${this.path} was opened read-only; nothing can be recorded in it.`, 'readonly');
    if (this.schemaVersion !== SCHEMA_VERSION) {
      throw new MetadataStoreError(
        `${this.path} has ML Metadata schema version ${this.schemaVersion}; mlpipe records runs only in version ${SCHEMA_VERSION} databases (TFX would refuse a mixed file). Use a new database file for mlpipe runs.`,
        'version',
      );
    }
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      // Anything registered inside the rolled-back transaction is gone: forget cached ids.
      this.forgetTypes();
      if (err instanceof PropertyTypeError) throw new MetadataStoreError(err.message, 'invalid');
      throw err;
    }
  }

  /** Whether this connection may record runs (opened for writing, schema version 10). */
  get writable(): boolean {
    return !this.readonly && this.schemaVersion === SCHEMA_VERSION;
  }

  // ---- the type cache ----------------------------------------------------------------------------

  private loadTypes(): void {
    const rows = this.stmt('SELECT id, name, type_kind FROM `Type` WHERE version IS NULL OR version = \'\'').all() as Array<{
      id: number;
      name: string;
      type_kind: number;
    }>;
    this.typesById = new Map();
    this.typesByKey = new Map();
    for (const r of rows) {
      this.typesById.set(r.id, { name: r.name, kind: r.type_kind });
      if (!this.typesByKey.has(`${r.type_kind}:${r.name}`)) this.typesByKey.set(`${r.type_kind}:${r.name}`, r.id);
    }
  }

  /** Type id by name and kind; reloads once on a miss, since another process may have added it. */
  typeId(name: string, kind: TypeKindValue): number | undefined {
    const key = `${kind}:${name}`;
    let id = this.typesByKey.get(key);
    if (id === undefined) {
      this.loadTypes();
      id = this.typesByKey.get(key);
    }
    return id;
  }

  typeName(id: number): string {
    let t = this.typesById.get(id);
    if (!t) {
      // Versioned types are not in the name map; look them up directly.
      this.loadTypes();
      t = this.typesById.get(id);
      if (!t) {
        const row = this.stmt('SELECT name, type_kind FROM `Type` WHERE id = ?').get(id) as { name: string; type_kind: number } | undefined;
        if (!row) return `type#${id}`;
        t = { name: row.name, kind: row.type_kind };
        this.typesById.set(id, t);
      }
    }
    return t.name;
  }

  /** The declared properties of a type (TypeProperty), cached. The returned record may be extended by its writer. */
  declaredProperties(typeId: number): Record<string, PropertyTypeValue> {
    let d = this.declared.get(typeId);
    if (!d) {
      d = {};
      const rows = this.stmt('SELECT name, data_type FROM `TypeProperty` WHERE type_id = ?').all(typeId) as Array<{ name: string; data_type: number | null }>;
      for (const r of rows) d[r.name] = (r.data_type ?? PropertyType.UNKNOWN) as PropertyTypeValue;
      this.declared.set(typeId, d);
    }
    return d;
  }

  /** Forgets cached types and their properties (a type was added, or a write that added some rolled back). */
  forgetTypes(): void {
    this.typesById = new Map();
    this.typesByKey = new Map();
    this.declared.clear();
  }
}

/** Creates the v10 layout in an empty file, or checks an existing one; returns its schema version. */
function prepare(db: Database.Database, file: string, readonly: boolean, journalMode: 'wal' | 'delete'): number {
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
  // Versions 6 and 7 lack only columns the reads look for before using (byte_value, bool_value …);
  // before 6 there is no ParentContext, which every run lookup needs.
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

const MIN_READABLE_VERSION = 6;

function journalModeFor(opts: OpenOptions): 'wal' | 'delete' {
  if (opts.journalMode) return opts.journalMode;
  const env = process.env.MLPIPE_METADATA_JOURNAL?.toLowerCase();
  return env === 'delete' || env === 'rollback' ? 'delete' : 'wal';
}

function columnNames(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(\`${table}\`)`).all() as Array<{ name: string }>).map((r) => r.name);
}
