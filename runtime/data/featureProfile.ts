// The numbers behind "this feature will hurt the model", from one split of an Examples artifact with
// DuckDB: per column the rows, non-missing values and distinct values, and how well the column alone
// predicts the label. Two queries over the Parquet file; cached by file and modification time, so the
// editor's as-you-type validation pays for them once per new artifact.
import { statSync } from 'node:fs';
import { describeRelation, queryRows, quoteIdent, quoteString, withDuckDb } from './duckdbEngine';

export interface ColumnProfile {
  name: string;
  /** DuckDB type name, e.g. VARCHAR, BIGINT, DOUBLE. */
  type: string;
  nonMissing: number;
  distinct: number;
  /**
   * Against the label (absent for the label itself or when it is not in the data): `groups` distinct
   * values of the column, `mixed` of them seen with more than one label value, and for a numeric column
   * with a numeric label the Pearson correlation.
   */
  vsLabel?: { groups: number; mixed: number; rows: number; correlation?: number };
}

export interface ExamplesProfile {
  rows: number;
  label?: string;
  /** Distinct label values (when the label is in the data). */
  labelDistinct?: number;
  columns: ColumnProfile[];
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/i;
export const isNumericType = (type: string): boolean => NUMERIC.test(type);
export const isIntegerType = (type: string): boolean => /INT/i.test(type);

const cache = new Map<string, ExamplesProfile>();
const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number(v ?? 0));

/** Profile of a Parquet split against `label` (leave it undefined for counts only). */
export async function profileExamples(file: string, label: string | undefined): Promise<ExamplesProfile> {
  const key = `${file}\0${statSync(file).mtimeMs}\0${label ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const profile = await withDuckDb(async (con) => {
    const rel = `read_parquet(${quoteString(file)})`;
    const described = (await describeRelation(con, rel)).filter((c) => !/\[\]$|STRUCT|MAP|LIST/i.test(c.type));
    const counts = described.map((c, i) => `count(${quoteIdent(c.name)}) AS n${i}, count(DISTINCT ${quoteIdent(c.name)}) AS d${i}`);
    const [row] = await queryRows(con, `SELECT count(*) AS rows${counts.length ? `, ${counts.join(', ')}` : ''} FROM ${rel}`);
    const columns: ColumnProfile[] = described.map((c, i) => ({ name: c.name, type: c.type, nonMissing: num(row[`n${i}`]), distinct: num(row[`d${i}`]) }));
    const labelColumn = label !== undefined ? columns.find((c) => c.name === label) : undefined;
    const result: ExamplesProfile = { rows: num(row['rows']), label, columns };
    if (!labelColumn) return result;
    result.labelDistinct = labelColumn.distinct;
    const l = quoteIdent(labelColumn.name);
    const numericLabel = isNumericType(labelColumn.type);
    // One pass per column: how many of its values go with more than one label value.
    const parts = columns
      .filter((c) => c !== labelColumn)
      .map((c) => {
        const f = quoteIdent(c.name);
        const corr = numericLabel && isNumericType(c.type) ? `(SELECT corr(${f}::DOUBLE, ${l}::DOUBLE) FROM ${rel})` : 'NULL';
        return `SELECT ${quoteString(c.name)} AS name, count(*) AS groups, count(*) FILTER (WHERE labels > 1) AS mixed, coalesce(sum(rows), 0) AS rows, ${corr} AS correlation
          FROM (SELECT ${f} AS v, count(DISTINCT ${l}) AS labels, count(*) AS rows FROM ${rel} WHERE ${f} IS NOT NULL AND ${l} IS NOT NULL GROUP BY ${f})`;
      });
    if (parts.length) {
      for (const r of await queryRows(con, parts.join(' UNION ALL '))) {
        const c = columns.find((x) => x.name === r['name']);
        if (c) c.vsLabel = { groups: num(r['groups']), mixed: num(r['mixed']), rows: num(r['rows']), ...(r['correlation'] !== null && r['correlation'] !== undefined ? { correlation: num(r['correlation']) } : {}) };
      }
    }
    return result;
  });
  cache.set(key, profile);
  return profile;
}
