// The data grid's queries over one Parquet file (an Examples split, transformed examples, an Evaluator's
// predictions.parquet): its columns and row count, a page of rows under a sort and filters, one column's
// statistics, and "where the model is wrong". Everything is evaluated by DuckDB here, never in a view.
// Values are always bound parameters; column names go through quoteIdent and must name a real column
// (a name like `a"; DROP TABLE x; --` is a column like any other). The file path is a string literal:
// DuckDB's read_parquet takes no bound parameter for it.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync, statSync } from 'node:fs';
import { UserError } from '../errors';
import { quoteIdent, quoteString } from './duckdbEngine';

/** A cell as JSON carries it: numbers that fit, big integers as decimal strings, lists/structs as JSON text. */
export type GridCell = string | number | boolean | null;

export interface GridColumn {
  name: string;
  /** DuckDB's type name, e.g. BIGINT, DOUBLE, VARCHAR. */
  type: string;
  /** Whether the column sorts and filters as a number. */
  numeric: boolean;
}

export type GridFilterOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'contains' | 'null' | 'notnull';

export interface GridFilter {
  column: string;
  op: GridFilterOp;
  /** Compared as the column's type (numbers for numeric columns); unused by `null`/`notnull`. */
  value?: string | number | boolean | null;
}

export interface GridSort {
  column: string;
  descending: boolean;
}

/** "Where the model is wrong" on predictions: misclassified rows, or rows by the largest absolute error. */
export interface GridWrongView {
  label: string;
  prediction: string;
  task: 'classification' | 'regression';
}

export interface GridQuery {
  file: string;
  sort?: GridSort[];
  filters?: GridFilter[];
  wrong?: GridWrongView;
}

export interface GridPageRequest extends GridQuery {
  offset: number;
  limit: number;
}

export interface GridPage {
  offset: number;
  rows: GridCell[][];
  /** Rows matching the filters (all of them when there is none). */
  total: number;
  /** Columns of `rows`, in order: the file's, then `abs_error` in the regression wrong view. */
  columns: GridColumn[];
  queryMs: number;
}

export interface GridColumnStats {
  column: string;
  type: string;
  count: number;
  nulls: number;
  distinct: number;
  min: GridCell;
  max: GridCell;
  mean: number | null;
  stddev: number | null;
  /** Most frequent values (strings and booleans), with counts. */
  top: Array<{ value: GridCell; count: number }>;
}

export const MAX_PAGE_ROWS = 2000;
/** Pages above this offset of a new sorted/filtered view are answered by a top-N query while its ordering builds. */
const DIRECT_PAGE_LIMIT = 10_000;
/** Sorted/filtered views whose ordering is kept (8 bytes a row: 40 MB for 5,000,000 rows). */
const MAX_ORDERINGS = 4;

interface QueryPlan {
  key: string;
  from: string;
  where: string;
  params: GridCell[];
  extra: GridColumn[];
  order: string;
}

interface Ordering {
  promise: Promise<{ name: string; rows: number }>;
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/;
const ERROR_COLUMN = 'abs_error';

function cell(v: unknown): GridCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

/**
 * One DuckDB for every grid the server shows, created on first use: a grid's first screen must not pay
 * for starting a database. Column lists are cached per file (by modification time).
 */
export class GridDatabase {
  private instance: Promise<{ instance: DuckDBInstance; con: DuckDBConnection }> | undefined;
  private readonly schemas = new Map<string, GridColumn[]>();
  /** Ordering tables of recent sorted/filtered views, least recently used first. */
  private readonly orderings = new Map<string, Ordering>();
  private orderingSeq = 0;

  private opened(): Promise<{ instance: DuckDBInstance; con: DuckDBConnection }> {
    this.instance ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:', { memory_limit: '1GB', threads: '2' });
      return { instance, con: await instance.connect() };
    })();
    return this.instance;
  }

  private connection(): Promise<DuckDBConnection> {
    return this.opened().then((i) => i.con);
  }

  private database(): Promise<DuckDBInstance> {
    return this.opened().then((i) => i.instance);
  }

  async columns(file: string): Promise<GridColumn[]> {
    const known = this.schemas.get(file);
    if (known) return known;
    if (!existsSync(file)) throw new UserError(`${file} does not exist.`, { hint: 'The artifact may have been deleted; run the step again.', code: 'not-found' });
    const con = await this.connection();
    let reader;
    try {
      reader = await con.runAndReadAll(`SELECT * FROM read_parquet(${quoteString(file)}) LIMIT 0`);
    } catch (e) {
      throw new UserError(`${file} is not a readable Parquet file: ${e instanceof Error ? e.message : String(e)}`);
    }
    const names = reader.columnNames();
    const types = reader.columnTypes().map((t) => String(t));
    const columns = names.map((name, i) => ({ name, type: types[i]!, numeric: NUMERIC.test(types[i]!) }));
    this.schemas.set(file, columns);
    return columns;
  }

  /** The named column of the file, or a UserError naming the columns there are. */
  private async column(file: string, name: string): Promise<GridColumn> {
    const columns = await this.columns(file);
    const found = columns.find((c) => c.name === name);
    if (!found) throw new UserError(`The column "${name}" is not in ${file}.`, { hint: `Its columns: ${columns.map((c) => c.name).join(', ')}` });
    return found;
  }

  /** FROM … WHERE … with its bound parameters, for a query's filters and view. */
  private async relation(q: GridQuery): Promise<{ from: string; where: string; params: GridCell[]; extra: GridColumn[]; wrongOrder: string | null }> {
    const params: GridCell[] = [];
    const conditions: string[] = [];
    for (const f of q.filters ?? []) {
      const column = await this.column(q.file, f.column);
      const id = quoteIdent(column.name);
      if (f.op === 'null' || f.op === 'notnull') {
        conditions.push(`${id} IS ${f.op === 'null' ? '' : 'NOT '}NULL`);
        continue;
      }
      if (f.op === 'contains') {
        conditions.push(`contains(lower(CAST(${id} AS VARCHAR)), lower(?))`);
        params.push(String(f.value ?? ''));
        continue;
      }
      const op = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' }[f.op];
      if (!op) throw new UserError(`Unknown filter "${String(f.op)}".`);
      if (column.numeric) {
        const n = typeof f.value === 'number' ? f.value : Number(String(f.value ?? '').trim());
        if (String(f.value ?? '').trim() === '' || !Number.isFinite(n)) throw new UserError(`"${String(f.value)}" is not a number, and the column "${column.name}" holds numbers.`, { hint: 'Type a number, or use "contains".' });
        conditions.push(`${id} ${op} CAST(? AS DOUBLE)`);
        params.push(n);
      } else {
        // Compared as text, whatever the type (booleans, dates, strings): what the user typed is what is compared.
        conditions.push(`CAST(${id} AS VARCHAR) ${op} ?`);
        params.push(f.value === null || f.value === undefined ? '' : String(f.value));
      }
    }
    let extra: GridColumn[] = [];
    let wrongOrder: string | null = null;
    let select = '*';
    if (q.wrong) {
      const label = quoteIdent((await this.column(q.file, q.wrong.label)).name);
      const prediction = quoteIdent((await this.column(q.file, q.wrong.prediction)).name);
      if (q.wrong.task === 'classification') {
        conditions.push(`${label} IS NOT NULL AND CAST(${prediction} AS VARCHAR) IS DISTINCT FROM CAST(${label} AS VARCHAR)`);
      } else {
        select = `*, abs(CAST(${prediction} AS DOUBLE) - CAST(${label} AS DOUBLE)) AS ${quoteIdent(ERROR_COLUMN)}`;
        conditions.push(`${label} IS NOT NULL AND ${prediction} IS NOT NULL`);
        extra = [{ name: ERROR_COLUMN, type: 'DOUBLE', numeric: true }];
        wrongOrder = `${quoteIdent(ERROR_COLUMN)} DESC`;
      }
    }
    const from = `(SELECT ${select}, file_row_number AS __grid_row FROM read_parquet(${quoteString(q.file)}, file_row_number = true))`;
    return { from, where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params, extra, wrongOrder };
  }

  async page(req: GridPageRequest): Promise<GridPage> {
    const started = performance.now();
    const offset = Math.max(0, Math.floor(req.offset));
    const limit = Math.max(0, Math.min(MAX_PAGE_ROWS, Math.floor(req.limit)));
    const columns = await this.columns(req.file);
    const con = await this.connection();
    const plain = !req.sort?.length && !req.filters?.length && !req.wrong;
    if (plain) {
      // The file's own order: DuckDB prunes row groups on file_row_number, so any page costs the same.
      const list = columns.map((c) => quoteIdent(c.name)).join(', ');
      const src = `read_parquet(${quoteString(req.file)}, file_row_number = true)`;
      const rows = await con.runAndReadAll(`SELECT ${list} FROM ${src} WHERE file_row_number >= ${offset} AND file_row_number < ${offset + limit} ORDER BY file_row_number`);
      const total = Number((await con.runAndReadAll(`SELECT count(*) FROM read_parquet(${quoteString(req.file)})`)).getRowsJS()[0]?.[0] ?? 0);
      return { offset, rows: (rows.getRowsJS() as unknown[][]).map((r) => r.map(cell)), total, columns, queryMs: performance.now() - started };
    }
    const plan = await this.plan(req);
    const all = [...columns, ...plan.extra];
    const ordering = this.orderings.get(plan.key);
    if (ordering || offset >= DIRECT_PAGE_LIMIT) {
      // A view seen before, or deep in a new one: the ordering (row numbers in view order) is computed
      // once, and a page is its slice joined back to the file by row number.
      const table = await this.ordering(plan).promise;
      const list = [...columns.map((c) => `t.${quoteIdent(c.name)}`), ...plan.extra.map((c) => `o.${quoteIdent(c.name)}`)].join(', ');
      const rows = await con.runAndReadAll(
        `SELECT ${list} FROM (SELECT *, rowid AS __pos FROM ${table.name} WHERE rowid >= ${offset} AND rowid < ${offset + limit}) o JOIN read_parquet(${quoteString(req.file)}, file_row_number = true) t ON t.file_row_number = o.__grid_row ORDER BY o.__pos`,
      );
      return { offset, rows: (rows.getRowsJS() as unknown[][]).map((r) => r.map(cell)), total: table.rows, columns: all, queryMs: performance.now() - started };
    }
    // The first screen of a new view: DuckDB's top-N answers at once; the ordering is built after it,
    // not beside it, so the two do not share the cores while the user waits.
    const list = all.map((c) => quoteIdent(c.name)).join(', ');
    const reader = await con.runAndReadAll(`SELECT ${list} FROM ${plan.from} ${plan.where} ORDER BY ${plan.order} LIMIT ${limit} OFFSET ${offset}`, plan.params as never);
    const total = Number((await con.runAndReadAll(`SELECT count(*) FROM ${plan.from} ${plan.where}`, plan.params as never)).getRowsJS()[0]?.[0] ?? 0);
    this.ordering(plan);
    return { offset, rows: (reader.getRowsJS() as unknown[][]).map((r) => r.map(cell)), total, columns: all, queryMs: performance.now() - started };
  }

  /** The SQL of a sorted/filtered view: relation, condition, order (always total: the file's order breaks ties). */
  private async plan(q: GridQuery): Promise<QueryPlan> {
    const { from, where, params, extra, wrongOrder } = await this.relation(q);
    const order: string[] = [];
    for (const s of q.sort ?? []) {
      const c = s.column === ERROR_COLUMN && extra.length ? extra[0]! : await this.column(q.file, s.column);
      order.push(`${quoteIdent(c.name)} ${s.descending ? 'DESC' : 'ASC'} NULLS LAST`);
    }
    if (wrongOrder && !order.length) order.push(wrongOrder);
    order.push('__grid_row');
    const key = JSON.stringify([q.file, mtime(q.file), q.sort ?? [], q.filters ?? [], q.wrong ?? null]);
    return { key, from, where, params, extra, order: order.join(', ') };
  }

  /** The view's ordering table, built once per view on its own connection (so pages keep answering meanwhile). */
  private ordering(plan: QueryPlan): Ordering {
    const existing = this.orderings.get(plan.key);
    if (existing) {
      // Most recently used last: the oldest is dropped first.
      this.orderings.delete(plan.key);
      this.orderings.set(plan.key, existing);
      return existing;
    }
    const name = `grid_order_${++this.orderingSeq}`;
    const extraList = plan.extra.map((c) => `, ${quoteIdent(c.name)}`).join('');
    const entry: Ordering = {
      promise: (async () => {
        const own = await (await this.database()).connect();
        try {
          await own.run(`CREATE TABLE ${name} AS SELECT __grid_row${extraList} FROM ${plan.from} ${plan.where} ORDER BY ${plan.order}`, plan.params as never);
          const rows = Number((await own.runAndReadAll(`SELECT count(*) FROM ${name}`)).getRowsJS()[0]?.[0] ?? 0);
          return { name, rows };
        } finally {
          own.closeSync();
        }
      })(),
    };
    entry.promise.catch(() => this.orderings.delete(plan.key));
    this.orderings.set(plan.key, entry);
    while (this.orderings.size > MAX_ORDERINGS) {
      const [oldKey, old] = this.orderings.entries().next().value as [string, Ordering];
      this.orderings.delete(oldKey);
      void old.promise.then((t) => this.connection().then((c) => c.run(`DROP TABLE IF EXISTS ${t.name}`))).catch(() => undefined);
    }
    return entry;
  }

  /** One column's statistics over the rows the filters (and the wrong view) keep. */
  async columnStats(q: GridQuery & { column: string }): Promise<GridColumnStats> {
    const column = await this.column(q.file, q.column);
    const { from, where, params } = await this.relation(q);
    const id = quoteIdent(column.name);
    const con = await this.connection();
    const numeric = column.numeric;
    const summary = await con.runAndReadAll(
      `SELECT count(*) AS n, count(*) - count(${id}) AS nulls, approx_count_distinct(${id}) AS d, min(${id}) AS lo, max(${id}) AS hi, ${numeric ? `avg(${id}), stddev_samp(${id})` : 'NULL, NULL'} FROM ${from} ${where}`,
      params as never,
    );
    const [n, nulls, d, lo, hi, mean, sd] = summary.getRowsJS()[0] ?? [];
    let top: GridColumnStats['top'] = [];
    if (!numeric) {
      const topRows = await con.runAndReadAll(`SELECT ${id} AS v, count(*) AS c FROM ${from} ${where} GROUP BY ALL ORDER BY c DESC, v NULLS LAST LIMIT 5`, params as never);
      top = topRows.getRowsJS().map(([v, c]) => ({ value: cell(v), count: Number(c) }));
    }
    const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    return { column: column.name, type: column.type, count: Number(n ?? 0), nulls: Number(nulls ?? 0), distinct: Number(d ?? 0), min: cell(lo), max: cell(hi), mean: num(mean), stddev: num(sd), top };
  }

  close(): void {
    const pending = this.instance;
    this.instance = undefined;
    this.schemas.clear();
    this.orderings.clear();
    void pending?.then(({ instance, con }) => {
      con.closeSync();
      instance.closeSync();
    });
  }
}
