// The store's backends for the suites that run on both (issue 14: "the same suites, not a subset"):
// SQLite files and MariaDB databases (test/mysqlServer.ts). A suite wraps its tests in
// `for (const backend of storeBackends()) describe(…, { skip: backend.skip }, () => { … })`, starts the
// backend in `before` and stops it in `after`; each test gets a fresh location. Assertions that read
// the database directly use `backend.raw(location)`: the same SQL (SQLite's dialect, translated for
// MySQL as the store's own statements are), so they check what MLMD's own tools would see on either.
//
// MLPIPE_TEST_STORE=sqlite or =mysql runs one backend only (default: both).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from '../runtime/metadata/sqlite';
import { MYSQL_DIALECT, SQLITE_DIALECT, type SqlDialect } from '../runtime/metadata/dialect';
import { SyncMysqlClient } from '../runtime/metadata/mysqlClient';
import { MYSQL_V10_TABLES } from '../runtime/metadata/mysqlSchema';
import type { StoreLocation } from '../runtime/metadata/location';
import { MysqlTestServer, skipWithoutMariadb } from './mysqlServer';

export interface RawStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

export interface RawDb {
  prepare(sql: string): RawStatement;
  /** One or more statements separated by semicolons, no parameters. */
  exec(sql: string): void;
  /** better-sqlite3's form: returns a function that runs `fn` in one transaction. */
  transaction<T>(fn: () => T): () => T;
  close(): void;
}

export interface StoreBackend {
  readonly name: 'sqlite' | 'mysql';
  /** false, or why this backend's tests skip here. */
  readonly skip: false | string;
  readonly dialect: SqlDialect;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A fresh, not yet created store: a SQLite file in `dir`, or a new MariaDB database. */
  newLocation(dir: string): StoreLocation;
  /** A direct connection to the database (reads and, for tests that simulate other tools, writes). */
  raw(location: StoreLocation): RawDb;
  /** A digest of the whole database's content, to show that something left it unchanged. */
  fingerprint(location: StoreLocation): string;
  /** The MySQL server, for tests that need its URL or root; undefined for SQLite. */
  readonly server: MysqlTestServer | undefined;
}

/** The value for --db / MetadataStore.open: a path stays a string (the pre-issue-14 form), a database is its location. */
export function openArg(location: StoreLocation): string | StoreLocation {
  return location.kind === 'sqlite' ? location.path : location;
}

class SqliteBackend implements StoreBackend {
  readonly name = 'sqlite' as const;
  readonly skip = false as const;
  readonly dialect = SQLITE_DIALECT;
  readonly server = undefined;
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  newLocation(dir: string): StoreLocation {
    return { kind: 'sqlite', path: join(dir, '.mlpipe', 'metadata.sqlite') };
  }
  raw(location: StoreLocation): RawDb {
    if (location.kind !== 'sqlite') throw new Error('not a SQLite location');
    return new Database(location.path) as unknown as RawDb;
  }
  fingerprint(location: StoreLocation): string {
    if (location.kind !== 'sqlite') throw new Error('not a SQLite location');
    return createHash('sha256').update(readFileSync(location.path)).digest('hex');
  }
}

class MysqlBackend implements StoreBackend {
  readonly name = 'mysql' as const;
  readonly skip = skipWithoutMariadb();
  readonly dialect = MYSQL_DIALECT;
  server: MysqlTestServer | undefined;
  async start(): Promise<void> {
    this.server = await MysqlTestServer.start();
  }
  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
  newLocation(): StoreLocation {
    if (!this.server) throw new Error('MysqlBackend.start() was not awaited in before()');
    return this.server.newDatabase();
  }
  raw(location: StoreLocation): RawDb {
    if (location.kind !== 'mysql') throw new Error('not a MySQL location');
    const client = SyncMysqlClient.connect(
      { host: location.host, port: location.port, user: location.user, database: location.database, ...(location.password ? { password: location.password } : {}) },
      120_000,
    );
    const values = (names: readonly string[] | undefined, params: unknown[]): unknown[] =>
      names ? names.map((n) => ((params[0] ?? {}) as Record<string, unknown>)[n] ?? null) : params;
    return {
      prepare(sql: string): RawStatement {
        const t = MYSQL_DIALECT.translate(sql);
        return {
          get: (...p) => client.query(t.sql, values(t.names, p)).rows?.[0],
          all: (...p) => client.query(t.sql, values(t.names, p)).rows ?? [],
          run: (...p) => {
            const r = client.query(t.sql, values(t.names, p));
            return { changes: r.affectedRows ?? 0, lastInsertRowid: r.insertId ?? 0 };
          },
        };
      },
      exec: (sql: string) => void client.query(sql),
      transaction:
        <T>(fn: () => T) =>
        (): T => {
          client.query('START TRANSACTION');
          try {
            const result = fn();
            client.query('COMMIT');
            return result;
          } catch (err) {
            client.query('ROLLBACK');
            throw err;
          }
        },
      close: () => client.close(),
    };
  }
  fingerprint(location: StoreLocation): string {
    const raw = this.raw(location);
    try {
      const sums = raw.prepare('CHECKSUM TABLE ' + MYSQL_V10_TABLES.map((t) => '`' + t.name + '`').join(', ') + ' EXTENDED').all();
      return JSON.stringify(sums);
    } finally {
      raw.close();
    }
  }
}

export function storeBackends(): StoreBackend[] {
  const only = process.env['MLPIPE_TEST_STORE']?.toLowerCase();
  const all: StoreBackend[] = [new SqliteBackend(), new MysqlBackend()];
  return only === 'sqlite' || only === 'mysql' ? all.filter((b) => b.name === only) : all;
}
