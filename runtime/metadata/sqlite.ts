// The SQLite driver of the metadata store, behind the small part of better-sqlite3's API the store uses
// (open, prepare/get/all/run, pragma, transaction().immediate()/.deferred(), close), so the store's code
// keeps one API whatever the driver.
//
// Driver (issue 16, README "Which Node runs the runtime"): @photostructure/sqlite, node:sqlite's
// DatabaseSync API as a Node-API module with prebuilt binaries for every platform inside its npm package.
// Node-API is ABI-stable, so one binary loads under Node 20, 22, 24 and the editor's Electron alike;
// better-sqlite3 is built against one Node ABI and fails to load under any other (measured by
// test/bench/sqliteDriver.bench.ts). node:sqlite itself is missing from Node 20, which is what VS Code's
// Electron and code-server run. The file format is SQLite's: files stay byte-compatible either way
// (the tests read what the store writes with better-sqlite3, an independent build of SQLite).
//
// Differences the wrapper absorbs, so rows look as they did: DatabaseSync returns null-prototype rows,
// BLOBs as Uint8Array (the store decodes them as Buffer) and throws on INTEGERs beyond 2^53 unless asked
// for bigints; rows here are plain objects, BLOBs Buffers, INTEGERs numbers (better-sqlite3's default).
import { DatabaseSync, type DatabaseSyncInstance, type StatementSyncInstance } from '@photostructure/sqlite';

type Row = Record<string, unknown>;
type Params = unknown[];

function plainRow(row: unknown): Row | undefined {
  if (row === undefined || row === null) return undefined;
  const out: Row = {};
  const source = row as Row;
  for (const key in source) {
    const v = source[key];
    out[key] = typeof v === 'bigint' ? Number(v) : v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
  }
  return out;
}

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

export class Statement {
  constructor(private readonly statement: StatementSyncInstance) {
    statement.setReadBigInts(true);
  }

  get(...params: Params): unknown {
    return plainRow(this.statement.get(...(params as never[])));
  }

  all(...params: Params): unknown[] {
    return this.statement.all(...(params as never[])).map((r: unknown) => plainRow(r)!);
  }

  run(...params: Params): RunResult {
    const r = this.statement.run(...(params as never[]));
    return { changes: Number(r.changes), lastInsertRowid: Number(r.lastInsertRowid) };
  }
}

export interface OpenFlags {
  readonly?: boolean;
  /** Fail instead of creating the file (always so for a read-only open). */
  fileMustExist?: boolean;
}

class SqliteDatabase {
  private readonly db: DatabaseSyncInstance;
  private savepoints = 0;
  readonly readonly: boolean;

  constructor(file: string, flags: OpenFlags = {}) {
    this.readonly = flags.readonly === true;
    // A read-only open never creates the file: SQLite opens it without SQLITE_OPEN_CREATE.
    this.db = new DatabaseSync(file, { readOnly: this.readonly });
  }

  get open(): boolean {
    return this.db.isOpen;
  }

  get inTransaction(): boolean {
    return this.db.isTransaction;
  }

  prepare(sql: string): Statement {
    return new Statement(this.db.prepare(sql));
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** `PRAGMA <text>`: all rows, or with `simple` the first column of the first row. */
  pragma(text: string, options: { simple?: boolean } = {}): unknown {
    const rows = this.prepare(`PRAGMA ${text}`).all() as Row[];
    if (!options.simple) return rows;
    const first = rows[0];
    return first ? Object.values(first)[0] : undefined;
  }

  /**
   * better-sqlite3's transaction functions: `BEGIN IMMEDIATE` / `BEGIN` … `COMMIT`, `ROLLBACK` when `fn`
   * throws; inside a transaction already, a savepoint (so a read inside a write nests).
   */
  transaction<T>(fn: () => T): (() => T) & { immediate(): T; deferred(): T } {
    return Object.assign(() => this.within('BEGIN', fn), {
      immediate: () => this.within('BEGIN IMMEDIATE', fn),
      deferred: () => this.within('BEGIN DEFERRED', fn),
    });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private within<T>(begin: string, fn: () => T): T {
    if (this.db.isTransaction) {
      const name = `mlpipe_${++this.savepoints}`;
      this.db.exec(`SAVEPOINT ${name}`);
      try {
        const result = fn();
        this.db.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        this.db.exec(`ROLLBACK TO ${name}`);
        this.db.exec(`RELEASE ${name}`);
        throw err;
      } finally {
        this.savepoints--;
      }
    }
    this.db.exec(begin);
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      // SQLite may have rolled back already (e.g. after SQLITE_FULL); only roll back what is still open.
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }
}

// better-sqlite3's type names (`Database.Database`, `Database.Statement`), so the store's code reads the same.
// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace SqliteDatabase {
  type Database = SqliteDatabase;
  type Statement = import('./sqlite').Statement;
}

export default SqliteDatabase;
