// Reads a Parquet split into plain JS rows for training and prediction (DuckDB does the reading).
import * as fs from 'node:fs';
import { ComponentError } from '../components/spec';
import { withDuckDb } from '../data/duckdbEngine';

// Arrays appear for one-hot vectors written by Transform.
export type CellValue = string | number | boolean | null | number[];
export type Row = Record<string, CellValue>;

export interface RowTable {
  columns: string[];
  rows: Row[];
}

/** DuckDB hands back bigint, Date, nested values: flatten them to what a feature can hold. */
export function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' || typeof v === 'bigint')) return value.map((v) => Number(v));
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

export async function readParquetRows(file: string): Promise<RowTable> {
  if (!fs.existsSync(file)) {
    throw new ComponentError(`Examples file ${file} does not exist`, 'Re-run the upstream component that produces these examples.');
  }
  return withDuckDb(async (connection) => {
    const reader = await connection.runAndReadAll('SELECT * FROM read_parquet($1)', [file]);
    const columns = reader.columnNames();
    const rows = reader.getRowObjectsJS().map((raw) => {
      const row: Row = {};
      for (const c of columns) row[c] = toCell(raw[c]);
      return row;
    });
    return { columns, rows };
  });
}
