// One short-lived in-process DuckDB per executor run, with quoting that every SQL text in runtime/data
// goes through: column names are data (`Beak Length (mm)`, `"; DROP TABLE x; --`), never SQL.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** A SQL identifier: double-quoted, inner quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal (used where DuckDB takes no bound parameter, e.g. file names in COPY / read_csv). */
export function quoteString(text: string): string {
  if (text.includes('\0')) throw new Error('a NUL character cannot appear in a SQL string');
  return `'${text.replace(/'/g, "''")}'`;
}

/** A list literal of strings, e.g. the files of a read_csv. */
export function quoteStringList(items: readonly string[]): string {
  return `[${items.map(quoteString).join(', ')}]`;
}

export interface DuckDbOptions {
  /** Spill folder for large sorts/aggregations (the execution's scratch folder). */
  tmpDir?: string;
  /** Interrupts the running query when aborted. */
  signal?: AbortSignal;
  /** DuckDB memory_limit, e.g. '1GB'. Keeps the runtime under its memory budget on large inputs. */
  memoryLimit?: string;
}

/** Run `fn` with a fresh in-memory DuckDB connection, closed afterwards whatever happens. */
export async function withDuckDb<T>(fn: (con: DuckDBConnection) => Promise<T>, options: DuckDbOptions = {}): Promise<T> {
  const config: Record<string, string> = { memory_limit: options.memoryLimit ?? '1500MB' };
  if (options.tmpDir) config['temp_directory'] = options.tmpDir;
  const instance = await DuckDBInstance.create(':memory:', config);
  const con = await instance.connect();
  const onAbort = (): void => con.interrupt();
  options.signal?.addEventListener('abort', onAbort);
  try {
    if (options.signal?.aborted) throw new Error('canceled');
    return await fn(con);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    con.closeSync();
    instance.closeSync();
  }
}

/** Rows of a query as plain JS objects (bigint stays bigint, decimals become numbers). */
export async function queryRows(con: DuckDBConnection, sql: string, params?: Array<string | number | boolean | null>): Promise<Record<string, unknown>[]> {
  const reader = await con.runAndReadAll(sql, params as never);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

/** Column names and DuckDB type names of a relation (table, view or a query in parentheses). */
export async function describeRelation(con: DuckDBConnection, relation: string): Promise<Array<{ name: string; type: string }>> {
  const reader = await con.runAndReadAll(`SELECT * FROM ${relation} LIMIT 0`);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  return names.map((name, i) => ({ name, type: String(types[i]) }));
}
