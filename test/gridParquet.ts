// A deterministic Parquet artifact of any size for the data grid's tests and benchmark, written by DuckDB
// from range() (seconds for 5,000,000 rows; never committed). Every value is a function of the row
// number, so tests can state what a sort or filter must return. One column has a hostile name and a few
// rows a hostile value: both must reach the user as text.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const HOSTILE_COLUMN = 'a"; DROP TABLE x; --';
export const HOSTILE_VALUE = '<img src=x onerror=alert(1)>';
export const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'];

/**
 * Columns: `id` (the row number), `species` (row % 3), `prediction` (the species, wrong when id % 7 == 0),
 * `bill_length_mm` ((id * 37) % 1000 / 10), `island` (id % 5 names), and the hostile column: the hostile
 * value on rows where id % 1000 == 999, else `n<id % 50>`.
 */
export async function writeGridParquet(file: string, rows: number): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '1GB' });
  const con = await instance.connect();
  try {
    const species = `['${SPECIES.join("','")}']`;
    await con.run(
      `COPY (SELECT range AS id,
          ${species}[range % 3 + 1] AS species,
          ${species}[(range + CASE WHEN range % 7 = 0 THEN 1 ELSE 0 END) % 3 + 1] AS prediction,
          ((range * 37) % 1000) / 10.0 AS bill_length_mm,
          ['Biscoe','Dream','Torgersen','Anvers','Brabant'][range % 5 + 1] AS island,
          CASE WHEN range % 1000 = 999 THEN $hostile ELSE 'n' || (range % 50) END AS "${HOSTILE_COLUMN.replace(/"/g, '""')}"
        FROM range(${Math.floor(rows)}) ORDER BY range) TO '${file.replace(/'/g, "''")}' (FORMAT parquet, ROW_GROUP_SIZE 122880)`,
      { hostile: HOSTILE_VALUE },
    );
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
