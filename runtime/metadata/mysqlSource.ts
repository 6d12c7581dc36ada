// The MySQL/MariaDB backend of the store: connect, create the database and ML Metadata's v10 MySQL layout
// (mysqlSchema.ts) as MLMD does, or check an existing one's schema version, and run read and write
// transactions through the synchronous client (mysqlClient.ts). The queries themselves are the shared
// ones, translated by MYSQL_DIALECT (dialect.ts).
//
// Transactions and concurrency (issue 14: 8 `mlpipe run`s on one database, no duplicate artifacts for one
// cache key under a race). SQLite's BEGIN IMMEDIATE makes every write transaction exclusive, and the
// publish code relies on that: "look for a cached execution with this key, else record a new one" is one
// transaction that no other writer interleaves with. InnoDB's row locks do not give that for a lookup
// that finds nothing (a REPEATABLE READ snapshot read takes no lock, and gap locks under FOR UPDATE
// deadlock each other). The equivalent here: every write transaction first takes a named lock,
// GET_LOCK('mlpipe-mlmd:<database>'), for the database, held until after COMMIT, so mlpipe's writers are
// serialized exactly as on SQLite, while readers read consistent snapshots without waiting (InnoDB
// MVCC, as WAL readers do). A writer that dies loses its connection, and the server rolls the open
// transaction back and frees the lock: a kill -9 leaves no half-written execution. Writers that do not
// take the lock (MLMD itself, other tools) are isolated by InnoDB's row locks; a deadlock with one of
// them (ER_LOCK_DEADLOCK) retries the whole transaction, which is safe because a transaction's only
// effects are its statements (the type cache is dropped on rollback, connection.ts).
import { describeLocation, type StoreLocation } from './location';
import { MYSQL_DIALECT } from './dialect';
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
import { MysqlError, SyncMysqlClient } from './mysqlClient';
import { MYSQL_V10_SECONDARY_INDICES, MYSQL_V10_TABLES } from './mysqlSchema';
import { SCHEMA_VERSION, SEEDED_TYPES } from './schema';

type MysqlLocation = Extract<StoreLocation, { kind: 'mysql' }>;

/** MySQL's error numbers the store tells apart. */
const ER = {
  DBACCESS_DENIED: 1044,
  ACCESS_DENIED: 1045,
  BAD_DB: 1049,
  DUP_KEYNAME: 1061,
  TABLEACCESS_DENIED: 1142,
  LOCK_WAIT_TIMEOUT: 1205,
  LOCK_DEADLOCK: 1213,
  SPECIFIC_ACCESS_DENIED: 1227,
} as const;

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST']);

const WRITE_ATTEMPTS = 3;

export function openMysqlSource(location: MysqlLocation, opts: OpenOptions): MetadataSource {
  const url = describeLocation(location);
  const readonly = opts.readonly === true;
  const busyTimeoutMs = Math.max(0, Math.floor(opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));
  let client: SyncMysqlClient;
  try {
    client = SyncMysqlClient.connect(
      {
        host: location.host,
        port: location.port,
        user: location.user,
        ...(location.password !== undefined ? { password: location.password } : {}),
        connectTimeout: 10_000,
        ...(location.tls ? { ssl: { ...location.tls } } : {}),
      },
      // The reply wait is a safety net for a worker that hangs; lock waits are bounded by the server.
      busyTimeoutMs + 300_000,
    );
  } catch (err) {
    throw connectError(err, location, url);
  }
  try {
    const version = prepareDatabase(client, location, url, readonly);
    const columns = propertyColumns(client);
    return new MysqlSource(url, client, location.database, version, readonly, columns, busyTimeoutMs);
  } catch (err) {
    client.close();
    if (err instanceof MetadataStoreError) throw err;
    throw mysqlError(err, location, url);
  }
}

export function quoteName(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

class MysqlStatement implements Statement {
  constructor(
    private readonly source: MysqlSource,
    private readonly sql: string,
    private readonly names: readonly string[] | undefined,
  ) {}

  run(...params: unknown[]): { changes: number; lastInsertRowid: number } {
    const r = this.source.query(this.sql, this.values(params));
    return { changes: r.affectedRows ?? 0, lastInsertRowid: r.insertId ?? 0 };
  }

  get(...params: unknown[]): unknown {
    return this.source.query(this.sql, this.values(params)).rows?.[0];
  }

  all(...params: unknown[]): unknown[] {
    return this.source.query(this.sql, this.values(params)).rows ?? [];
  }

  private values(params: unknown[]): unknown[] {
    if (!this.names) return params.map((p) => (p === undefined ? null : p));
    const named = (params[0] ?? {}) as Record<string, unknown>;
    return this.names.map((n) => named[n] ?? null);
  }
}

class MysqlSource implements MetadataSource {
  readonly dialect = MYSQL_DIALECT;
  /** 0 outside a transaction; 1 in one; more inside savepoints. */
  private depth = 0;
  private readonly lockName: string;

  constructor(
    readonly description: string,
    private readonly client: SyncMysqlClient,
    private readonly database: string,
    readonly schemaVersion: number,
    readonly readonly: boolean,
    readonly columns: SchemaColumns,
    private readonly busyTimeoutMs: number,
  ) {
    // GET_LOCK names are at most 64 characters; database names are too.
    this.lockName = `mlpipe-mlmd:${database}`.slice(0, 64);
  }

  prepare(sql: string, names?: readonly string[]): Statement {
    return new MysqlStatement(this, sql, names);
  }

  query(sql: string, values: readonly unknown[]): { rows?: Array<Record<string, unknown>>; affectedRows?: number; insertId?: number } {
    try {
      return this.client.query(sql, values);
    } catch (err) {
      throw this.translateError(err);
    }
  }

  /** A consistent snapshot (InnoDB's REPEATABLE READ), read-only; inside a write, part of it. */
  read<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY', []);
    this.depth = 1;
    try {
      const result = fn();
      this.depth = 0;
      this.query('COMMIT', []);
      return result;
    } catch (err) {
      this.depth = 0;
      this.rollbackQuietly('ROLLBACK');
      throw err;
    }
  }

  write<T>(fn: () => T): T {
    if (this.depth > 0) return this.savepoint(fn);
    for (let attempt = 1; ; attempt++) {
      this.begin();
      this.depth = 1;
      try {
        const result = fn();
        this.depth = 0;
        this.query('COMMIT; DO RELEASE_LOCK(?)', [this.lockName]);
        return result;
      } catch (err) {
        this.depth = 0;
        this.rollbackQuietly('ROLLBACK; DO RELEASE_LOCK(?)');
        const errno = (err as { errno?: number }).errno;
        if ((errno === ER.LOCK_DEADLOCK || errno === ER.LOCK_WAIT_TIMEOUT) && attempt < WRITE_ATTEMPTS) continue;
        throw err;
      }
    }
  }

  close(): void {
    this.client.close();
  }

  /** Takes the database's write lock (see the top of this file), then starts the transaction. */
  private begin(): void {
    const seconds = Math.max(1, Math.ceil(this.busyTimeoutMs / 1000));
    // One round trip: wait for the lock, begin (InnoDB takes the snapshot at the first read, after the
    // lock), and report whether the lock is ours (GET_LOCK returns 0 on timeout).
    const held = this.query('DO GET_LOCK(?, ?); START TRANSACTION; SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [this.lockName, seconds, this.lockName]).rows?.[0]?.['mine'];
    if (Number(held) !== 1) {
      this.rollbackQuietly('ROLLBACK');
      throw new MetadataStoreError(
        `Another process has been writing to ${this.description} for more than ${seconds} s (mlpipe's write lock ${this.lockName} is held). Try again when it has finished.`,
        'open',
      );
    }
  }

  private savepoint<T>(fn: () => T): T {
    const name = `mlpipe_${this.depth}`;
    this.query(`SAVEPOINT ${name}`, []);
    this.depth++;
    try {
      const result = fn();
      this.depth--;
      this.query(`RELEASE SAVEPOINT ${name}`, []);
      return result;
    } catch (err) {
      this.depth--;
      this.rollbackQuietly(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    }
  }

  private rollbackQuietly(sql: string): void {
    if (this.client.isClosed) return;
    try {
      this.client.query(sql, sql.includes('?') ? [this.lockName] : []);
    } catch {
      // The connection is gone: the server has rolled back and released the lock itself.
    }
  }

  private translateError(err: unknown): unknown {
    if (!(err instanceof MysqlError)) return err;
    if (err.errno === ER.TABLEACCESS_DENIED || err.errno === ER.DBACCESS_DENIED || err.errno === ER.SPECIFIC_ACCESS_DENIED) {
      return new MetadataStoreError(`The MySQL user may not do this in ${this.description}: ${err.message}. Ask the database's administrator for the privilege.`, 'privilege');
    }
    if (err.fatal && (UNREACHABLE_CODES.has(err.code ?? '') || err.code === 'CLOSED')) {
      return new MetadataStoreError(`Lost the connection to ${this.description} (${err.code}): ${err.message}. Nothing half-written is kept: the server rolled the open transaction back. Check the server and run again.`, 'unreachable');
    }
    return err;
  }
}

function connectError(err: unknown, location: MysqlLocation, url: string): unknown {
  if (!(err instanceof MysqlError)) return err;
  const code = err.code ?? '';
  if (UNREACHABLE_CODES.has(code)) {
    return new MetadataStoreError(
      `Cannot reach the MySQL server at ${location.host}:${location.port} (${code}) for ${url}. Check that the server runs and that the host and port in --db or MLPIPE_METADATA_URL are right (for a Kubeflow cluster, start \`kubectl port-forward\` first).`,
      'unreachable',
    );
  }
  if (err.errno === ER.ACCESS_DENIED) {
    return new MetadataStoreError(
      `The MySQL server at ${location.host}:${location.port} refused user "${location.user}" (${location.password === undefined ? 'no password was given' : 'wrong password, or the user may not connect from this host'}). Give the password in MYSQL_PWD or a file named by --db-password-file (VS Code asks for it once and keeps it in its secret storage).`,
      'auth',
    );
  }
  return mysqlError(err, location, url);
}

function mysqlError(err: unknown, location: MysqlLocation, url: string): unknown {
  if (!(err instanceof MysqlError)) return err;
  if (err.errno === ER.TABLEACCESS_DENIED || err.errno === ER.DBACCESS_DENIED || err.errno === ER.SPECIFIC_ACCESS_DENIED) {
    return new MetadataStoreError(
      `MySQL user "${location.user}" may not create ML Metadata's tables in ${url}: ${err.message}. Ask the administrator to GRANT CREATE, ALTER, INDEX, SELECT, INSERT, UPDATE, DELETE ON \`${location.database}\`.* TO the user, or let a user who has them open the database once (mlpipe creates the tables on first use).`,
      'privilege',
    );
  }
  if (UNREACHABLE_CODES.has(err.code ?? '')) {
    return new MetadataStoreError(`Lost the connection to ${url} (${err.code}): ${err.message}.`, 'unreachable');
  }
  return new MetadataStoreError(`Cannot open the metadata database ${url}: ${err.message}`, 'open');
}

/** Creates the database and MLMD's v10 layout where missing (as MLMD does), or checks an existing one; returns its schema version. */
function prepareDatabase(client: SyncMysqlClient, location: MysqlLocation, url: string, readonly: boolean): number {
  const db = location.database;
  const exists = (client.query('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db]).rows ?? []).length > 0;
  if (!exists) {
    if (readonly) {
      throw new MetadataStoreError(`${url}: the server has no database "${db}" (or the user may not see it). Check the name in the URL; nothing is created when opening read-only.`, 'open');
    }
    // MLMD's MySQL source creates the database it is pointed at, too.
    client.query(`CREATE DATABASE IF NOT EXISTS ${quoteName(db)}`);
  }
  client.query(`USE ${quoteName(db)}`);
  const tables = (): Set<string> =>
    new Set((client.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()').rows ?? []).map((r) => String(r['name'])));
  const envRows = (): number => Number(client.query('SELECT COUNT(*) AS n FROM `MLMDEnv`').rows?.[0]?.['n'] ?? 0);
  const mlmdNames = new Set(MYSQL_V10_TABLES.map((t) => t.name));
  // Empty, or a creation under way or stopped half-way (only MLMD's tables, no schema version yet).
  const needsLayout = (): boolean => {
    const existing = tables();
    if (existing.size === 0) return true;
    if (![...existing].every((t) => mlmdNames.has(t))) return false;
    return !existing.has('MLMDEnv') || envRows() === 0;
  };
  if (needsLayout()) {
    if (readonly) {
      throw new MetadataStoreError(`${url} is an empty database, not an ML Metadata one. Run a pipeline against it first, or check the database name.`, 'not-mlmd');
    }
    // Decided again under the creation lock: another process may be creating it right now.
    withNamedLock(client, `mlpipe-mlmd-init:${db}`, () => {
      if (needsLayout()) createLayout(client);
    });
  }
  const now = tables();
  if (!now.has('MLMDEnv')) {
    throw new MetadataStoreError(`${url} is a MySQL database but not an ML Metadata one (it has no MLMDEnv table). Use a database of its own for the metadata.`, 'not-mlmd');
  }
  const rows = client.query('SELECT schema_version FROM `MLMDEnv`').rows ?? [];
  if (rows.length !== 1) {
    throw new MetadataStoreError(`${url}: MLMDEnv must hold exactly one schema version, found ${rows.length}. The database may be damaged.`, 'not-mlmd');
  }
  const version = Number(rows[0]!['schema_version']);
  if (version < MIN_READABLE_VERSION) {
    throw new MetadataStoreError(
      `${url} has ML Metadata schema version ${version}; mlpipe reads versions ${MIN_READABLE_VERSION} to ${SCHEMA_VERSION}. Upgrade it with a current ml-metadata release.`,
      'version',
    );
  }
  const missing = MLMD_CORE_TABLES.filter((t) => !now.has(t));
  if (missing.length) {
    throw new MetadataStoreError(`${url} says ML Metadata schema version ${version} but has no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''}: it is damaged or was not written by ML Metadata.`, 'not-mlmd');
  }
  return version;
}

/**
 * MLMD's InitMetadataSource and UpsertSimpleTypes: the 15 tables, the secondary indexes (a duplicate
 * index name is skipped, as MLMD does, so an interrupted creation can be finished), the schema version
 * and the seeded types. DDL commits implicitly in MySQL, so two processes creating one database at once
 * are serialized by a named lock instead of a transaction.
 */
function withNamedLock(client: SyncMysqlClient, name: string, fn: () => void): void {
  const lock = name.slice(0, 64);
  const got = client.query('SELECT GET_LOCK(?, 120) AS got', [lock]).rows?.[0]?.['got'];
  if (Number(got) !== 1) throw new MetadataStoreError(`Another process has been creating ML Metadata's tables in this database for more than 2 minutes (lock ${lock}).`, 'open');
  try {
    fn();
  } finally {
    client.query('DO RELEASE_LOCK(?)', [lock]);
  }
}

function createLayout(client: SyncMysqlClient): void {
  for (const t of MYSQL_V10_TABLES) client.query(t.sql);
  for (const index of MYSQL_V10_SECONDARY_INDICES) {
    try {
      client.query(index);
    } catch (err) {
      if (!(err instanceof MysqlError && err.errno === ER.DUP_KEYNAME)) throw err;
    }
  }
  client.query('START TRANSACTION');
  try {
    const env = Number(client.query('SELECT COUNT(*) AS n FROM `MLMDEnv` FOR UPDATE').rows?.[0]?.['n'] ?? 0);
    if (env === 0) {
      client.query('INSERT INTO `MLMDEnv`(`schema_version`) VALUES (?)', [SCHEMA_VERSION]);
      for (const t of SEEDED_TYPES) client.query('INSERT INTO `Type`(`name`, `type_kind`) VALUES (?, ?)', [t.name, t.kind]);
    }
    client.query('COMMIT');
  } catch (err) {
    client.query('ROLLBACK');
    throw err;
  }
}

function propertyColumns(client: SyncMysqlClient): SchemaColumns {
  const rows = client.query(
    "SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('ArtifactProperty', 'ExecutionProperty', 'ContextProperty') ORDER BY ORDINAL_POSITION",
  ).rows ?? [];
  const of = (table: string): string[] => rows.filter((r) => r['t'] === table).map((r) => String(r['c']));
  return { ArtifactProperty: of('ArtifactProperty'), ExecutionProperty: of('ExecutionProperty'), ContextProperty: of('ContextProperty') };
}
