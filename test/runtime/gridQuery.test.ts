// The data grid's queries (runtime/data/gridQuery.ts) on a real 5,000,000-row Parquet file written by
// DuckDB into a temp folder: pages anywhere in the file, sort, filters, the hostile column name and value,
// "where the model is wrong" for classification and regression, column statistics and clear refusals.
// Every expected value follows from the generator's formulas (test/gridParquet.ts); nothing is timed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GridDatabase } from '../../runtime/data/gridQuery';
import { UserError } from '../../runtime/errors';
import { HOSTILE_COLUMN, HOSTILE_VALUE, writeGridParquet } from '../gridParquet';

const ROWS = 5_000_000;

describe('data grid queries on a 5,000,000-row Parquet artifact', () => {
  let dir: string;
  let file: string;
  let grid: GridDatabase;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlpipe-grid-'));
    file = join(dir, 'Split-train', 'data.parquet');
    await writeGridParquet(file, ROWS);
    grid = new GridDatabase();
  });
  after(() => {
    grid.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages anywhere in the file in its own order, with the columns and the row count', async () => {
    const first = await grid.page({ file, offset: 0, limit: 3 });
    assert.equal(first.total, ROWS);
    assert.deepEqual(
      first.columns.map((c) => [c.name, c.numeric]),
      [['id', true], ['species', false], ['prediction', false], ['bill_length_mm', true], ['island', false], [HOSTILE_COLUMN, false]],
    );
    assert.deepEqual(first.rows[1], [1, 'Chinstrap', 'Chinstrap', 3.7, 'Dream', 'n1']);
    const deep = await grid.page({ file, offset: 4_999_998, limit: 10 });
    assert.deepEqual(deep.rows.map((r) => r[0]), [4_999_998, 4_999_999]);
    assert.equal(deep.rows[1]![5], HOSTILE_VALUE);
  });

  it('sorts by a column in DuckDB, ties in the file order, across pages without overlap', async () => {
    const sort = [{ column: 'bill_length_mm', descending: true }];
    const top = await grid.page({ file, offset: 0, limit: 3, sort });
    // 99.9 is (id * 37) % 1000 == 999: id = 27, 1027, 2027 …
    assert.deepEqual(top.rows.map((r) => [r[0], r[3]]), [[27, 99.9], [1027, 99.9], [2027, 99.9]]);
    const deep = await grid.page({ file, offset: 5000, limit: 2, sort });
    // 99.8 is (id * 37) % 1000 == 998: id = 54, 1054 …; offset 5000 is past the 5000 rows of 99.9.
    assert.deepEqual(deep.rows.map((r) => [r[0], r[3]]), [[54, 99.8], [1054, 99.8]]);
    // Every 99.9 row (5000 of them) comes before the first 99.8 row; pages stitch together exactly.
    const around = await grid.page({ file, offset: 4998, limit: 4, sort });
    assert.deepEqual(around.rows.map((r) => r[3]), [99.9, 99.9, 99.8, 99.8]);
    const asc = await grid.page({ file, offset: 0, limit: 2, sort: [{ column: 'bill_length_mm', descending: false }] });
    assert.deepEqual(asc.rows.map((r) => [r[0], r[3]]), [[0, 0], [1000, 0]]);
    assert.equal(asc.total, ROWS);
  });

  it('filters with bound values (numbers, text, contains, null) and sorts the filtered rows', async () => {
    const gt = await grid.page({ file, offset: 0, limit: 20, filters: [{ column: 'id', op: 'gt', value: '4999990' }], sort: [{ column: 'id', descending: true }] });
    assert.equal(gt.total, 9);
    assert.deepEqual(gt.rows.map((r) => r[0]), [4_999_999, 4_999_998, 4_999_997, 4_999_996, 4_999_995, 4_999_994, 4_999_993, 4_999_992, 4_999_991]);
    const eq = await grid.page({ file, offset: 0, limit: 1, filters: [{ column: 'island', op: 'eq', value: 'Dream' }, { column: 'species', op: 'eq', value: 'Gentoo' }] });
    // island Dream: id % 5 == 1; Gentoo: id % 3 == 2, so id % 15 == 11.
    assert.equal(eq.total, Math.floor(ROWS / 15) + (ROWS % 15 > 11 ? 1 : 0));
    assert.equal(eq.rows[0]![0], 11);
    // A value that would be SQL if it were spliced is only a value: it matches nothing and drops nothing.
    const injection = await grid.page({ file, offset: 0, limit: 1, filters: [{ column: 'island', op: 'eq', value: "x' OR '1'='1" }] });
    assert.equal(injection.total, 0);
    assert.equal((await grid.page({ file, offset: 0, limit: 1 })).total, ROWS);
    const none = await grid.page({ file, offset: 0, limit: 1, filters: [{ column: 'species', op: 'null' }] });
    assert.equal(none.total, 0);
  });

  it('takes the hostile column name as a column, and returns the hostile value as plain data', async () => {
    const filters = [{ column: HOSTILE_COLUMN, op: 'contains' as const, value: '<IMG' }];
    const page = await grid.page({ file, offset: 0, limit: 2, filters, sort: [{ column: HOSTILE_COLUMN, descending: false }] });
    assert.equal(page.total, ROWS / 1000);
    assert.deepEqual(page.rows.map((r) => [r[0], r[5]]), [[999, HOSTILE_VALUE], [1999, HOSTILE_VALUE]]);
    const deep = await grid.page({ file, offset: 4999, limit: 5, filters });
    assert.deepEqual(deep.rows.map((r) => r[0]), [4_999_999]);
    const stats = await grid.columnStats({ file, column: HOSTILE_COLUMN });
    assert.equal(stats.count, ROWS);
    assert.equal(stats.distinct > 40, true);
    assert.equal(stats.top.length, 5);
  });

  it('shows where the model is wrong: misclassified rows, or the largest absolute errors first', async () => {
    const wrong = await grid.page({ file, offset: 0, limit: 3, wrong: { label: 'species', prediction: 'prediction', task: 'classification' } });
    // The generator predicts the next species when id % 7 == 0.
    assert.equal(wrong.total, Math.ceil(ROWS / 7));
    assert.deepEqual(wrong.rows.map((r) => r[0]), [0, 7, 14]);
    const sorted = await grid.page({ file, offset: 0, limit: 2, wrong: { label: 'species', prediction: 'prediction', task: 'classification' }, sort: [{ column: 'id', descending: true }] });
    assert.deepEqual(sorted.rows.map((r) => r[0]), [4_999_995, 4_999_988]);
    // Regression: bill_length_mm "predicts" id; the error is largest where id is largest and the bill smallest.
    const regression = await grid.page({ file, offset: 0, limit: 2, wrong: { label: 'id', prediction: 'bill_length_mm', task: 'regression' } });
    assert.equal(regression.columns.at(-1)?.name, 'abs_error');
    assert.equal(regression.rows[0]![0], 4_999_973);
    assert.ok(Math.abs((regression.rows[0]!.at(-1) as number) - (4_999_973 - 0.1)) < 1e-6);
    const deepRegression = await grid.page({ file, offset: 20_000, limit: 1, wrong: { label: 'id', prediction: 'bill_length_mm', task: 'regression' } });
    assert.equal(deepRegression.total, ROWS);
    assert.equal(deepRegression.columns.at(-1)?.name, 'abs_error');
    assert.ok((deepRegression.rows[0]!.at(-1) as number) < (regression.rows[0]!.at(-1) as number));
  });

  it('computes a column\'s statistics over the filtered rows', async () => {
    const stats = await grid.columnStats({ file, column: 'bill_length_mm', filters: [{ column: 'island', op: 'eq', value: 'Biscoe' }] });
    assert.equal(stats.count, ROWS / 5);
    assert.equal(stats.nulls, 0);
    assert.equal(stats.min, 0);
    assert.equal(stats.max, 99.5);
    assert.ok(stats.mean !== null && Math.abs(stats.mean - 49.75) < 0.01);
    const island = await grid.columnStats({ file, column: 'island' });
    assert.deepEqual(island.top.map((t) => [t.value, t.count]), [['Anvers', 1e6], ['Biscoe', 1e6], ['Brabant', 1e6], ['Dream', 1e6], ['Torgersen', 1e6]]);
  });

  it('refuses an unknown column, a non-number for a number column and a missing file, saying what to do', async () => {
    await assert.rejects(grid.page({ file, offset: 0, limit: 1, sort: [{ column: 'nope', descending: false }] }), (e: unknown) => e instanceof UserError && /"nope" is not in/.test(e.message) && /species/.test(e.hint ?? ''));
    await assert.rejects(grid.page({ file, offset: 0, limit: 1, filters: [{ column: 'id', op: 'lt', value: 'ten' }] }), (e: unknown) => e instanceof UserError && /not a number/.test(e.message));
    await assert.rejects(grid.page({ file: join(dir, 'missing.parquet'), offset: 0, limit: 1 }), (e: unknown) => e instanceof UserError && /does not exist/.test(e.message));
  });
});
