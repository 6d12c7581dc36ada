// What a backend of the store provides (MLMD's "metadata source": SQLite in sqliteSource.ts, MySQL/MariaDB
// in mysqlSource.ts): an opened, schema-checked database with prepared statements in its dialect and
// read/write transactions. Everything above (connection.ts's caches, the MLMD primitives, the reads,
// TFX's publish semantics) is written once against this.
import { UserError } from '../errors';
import type { SqlDialect } from './dialect';
import type { PropertyTable } from './schema';

/** A problem the user can act on (bad path or URL, not an MLMD database, unsupported version, missing id, no access). */
export class MetadataStoreError extends UserError {
  declare readonly code: 'open' | 'not-mlmd' | 'version' | 'readonly' | 'not-found' | 'invalid' | 'unreachable' | 'auth' | 'privilege';
  constructor(message: string, code: MetadataStoreError['code']) {
    super(message, { code });
  }
}

export interface OpenOptions {
  readonly?: boolean;
  /** How long to wait for another process's lock, in ms (default 15,000). */
  busyTimeoutMs?: number;
  /**
   * Journal mode of a SQLite database this call creates (existing files keep theirs). Default: the
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

/** Which optional columns the property tables have in this database (they grew with schema versions). */
export type SchemaColumns = Readonly<Record<PropertyTable, readonly string[]>>;

export interface MetadataSource {
  readonly dialect: SqlDialect;
  /** The database as messages name it: a SQLite path, or the URL without the password. */
  readonly description: string;
  readonly schemaVersion: number;
  readonly readonly: boolean;
  readonly columns: SchemaColumns;
  /** A statement for SQL already in this source's dialect (connection.ts translates and caches). */
  prepare(sql: string, names?: readonly string[]): Statement;
  /** Statements that see one snapshot; inside a write it is part of the write. */
  read<T>(fn: () => T): T;
  /** One write transaction, exclusive among mlpipe's writers of this database; nested, a savepoint. */
  write<T>(fn: () => T): T;
  close(): void;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 15_000;

/** The tables of every ML Metadata schema version mlpipe reads (6 and up). */
export const MLMD_CORE_TABLES = ['Type', 'Artifact', 'ArtifactProperty', 'Execution', 'ExecutionProperty', 'Context', 'ContextProperty', 'Event', 'EventPath', 'Association', 'Attribution'];

/** Versions 6 and 7 lack only columns the reads look for before using; before 6 there is no ParentContext. */
export const MIN_READABLE_VERSION = 6;
