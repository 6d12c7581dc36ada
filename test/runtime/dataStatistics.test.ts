// StatisticsGen against TFX itself: our statistics of the whole Chicago taxi CSV must agree with the two
// split files TFX's StatisticsGen wrote for the same CSV, combined.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { csvExampleGenSpec } from '../../runtime/components/exampleGen';
import { statisticsGenSpec } from '../../runtime/components/statisticsGen';
import { computeDatasetStatistics, statisticsOfParquet } from '../../runtime/data/statistics';
import { describeRelation, queryRows, quoteIdent, quoteString, withDuckDb } from '../../runtime/data/duckdbEngine';
import type { DatasetFeatureStatistics, FeatureNameStatistics } from '../../runtime/data/statisticsTypes';
import { featureName } from '../../runtime/data/statisticsTypes';
import { runComponent, tempWorkspace, type Workspace } from './dataHarness';
import { decodeStatisticsPb } from '../../runtime/data/statisticsProto';
import { sharedFixture } from '../sharedFixtures';

const FIXTURES = sharedFixture('tfx');
const hasFixtures = existsSync(join(FIXTURES, 'chicago_taxi_simple.csv'));
const skip = hasFixtures ? false : `fixtures folder ${FIXTURES} is absent`;

/** TFX's statistics of one split, decoded by the same reader the runtime uses for imported FeatureStats.pb. */
function loadTfx(split: string): DatasetFeatureStatistics {
  const list = decodeStatisticsPb(readFileSync(join(FIXTURES, `statistics_gen_Split-${split}_FeatureStats.pb`)));
  return list.datasets[0] as DatasetFeatureStatistics;
}

interface Combined {
  type: string;
  values: number;
  examples: number;
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  zeros?: number;
  counts?: Map<string, number>;
}

/** Combine TFX's per-split statistics into whole-file figures (moments combined exactly). */
function combine(splits: DatasetFeatureStatistics[]): Map<string, Combined> {
  const out = new Map<string, Combined>();
  const names = new Set(splits.flatMap((s) => s.features.map((f) => featureName(f))));
  for (const name of names) {
    const parts = splits.map((s) => ({ ds: s, f: s.features.find((f) => featureName(f) === name) as FeatureNameStatistics }));
    const c: Combined = { type: parts[0]!.f.type, values: 0, examples: 0 };
    for (const { ds, f } of parts) {
      const common = (f.numStats ?? f.stringStats)!.commonStats;
      c.values += common.totNumValues;
      c.examples += ds.numExamples;
    }
    if (parts[0]!.f.numStats) {
      const withValues = parts.filter((p) => p.f.numStats!.commonStats.totNumValues > 0);
      const n = withValues.map((p) => p.f.numStats!.commonStats.totNumValues);
      const total = n.reduce((a, b) => a + b, 0);
      if (total > 0) {
        c.min = Math.min(...withValues.map((p) => p.f.numStats!.min));
        c.max = Math.max(...withValues.map((p) => p.f.numStats!.max));
        c.mean = withValues.reduce((s, p, i) => s + n[i]! * p.f.numStats!.mean, 0) / total;
        // Σ n_i (σ_i² + (μ_i − μ)²) / N: the population variance of the union, without cancellation.
        const variance = withValues.reduce((s, p, i) => s + n[i]! * (p.f.numStats!.stdDev ** 2 + (p.f.numStats!.mean - c.mean!) ** 2), 0) / total;
        c.std = Math.sqrt(variance);
        c.zeros = withValues.reduce((s, p) => s + p.f.numStats!.numZeros, 0);
      }
    } else {
      c.counts = new Map();
      for (const { f } of parts) for (const b of f.stringStats!.rankHistogram.buckets) c.counts.set(b.label, (c.counts.get(b.label) ?? 0) + b.sampleCount);
    }
    out.set(name, c);
  }
  return out;
}

function relClose(actual: number, expected: number, tol: number, what: string): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) / scale <= tol || Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs TFX ${expected} (relative ${Math.abs(actual - expected) / scale})`);
}

describe('StatisticsGen matches TFX on the Chicago taxi CSV', { skip }, () => {
  let ws: Workspace;
  let ours: DatasetFeatureStatistics;
  let ours32: DatasetFeatureStatistics;
  let tfx: Map<string, Combined>;
  let tfxExamples = 0;

  before(async () => {
    ws = tempWorkspace();
    // One split holding the whole file, so our figures are for the same rows as TFX's two splits together.
    const gen = await runComponent(ws, csvExampleGenSpec, { input: join(FIXTURES, 'chicago_taxi_simple.csv'), splits: { all: 1 } });
    const stats = await runComponent(ws, statisticsGenSpec, {}, { examples: [gen.outputs['examples']!] });
    ours = JSON.parse(readFileSync(join(stats.outputs['statistics']!.uri, 'Split-all', 'FeatureStats.json'), 'utf8')).datasets[0];
    // TFX stores floats in tf.Example as float32: the same statistics code over float32-rounded floats is
    // what its moments must match (std of latitudes differs ~1e-5 relative otherwise).
    const parquet = join(gen.outputs['examples']!.uri, 'Split-all', 'data.parquet');
    ours32 = await withDuckDb(async (con) => {
      const cols = await describeRelation(con, `read_parquet(${quoteString(parquet)})`);
      const select = cols.map((c) => (c.type === 'DOUBLE' ? `CAST(${quoteIdent(c.name)} AS FLOAT) AS ${quoteIdent(c.name)}` : quoteIdent(c.name))).join(', ');
      return computeDatasetStatistics(con, `(SELECT ${select} FROM read_parquet(${quoteString(parquet)}))`);
    });
    const splits = [loadTfx('train'), loadTfx('eval')];
    tfxExamples = splits.reduce((s, d) => s + d.numExamples, 0);
    tfx = combine(splits);
  });
  after(() => ws?.cleanup());

  const ourFeature = (name: string): FeatureNameStatistics => {
    const f = ours.features.find((x) => featureName(x) === name);
    assert.ok(f, `our statistics lack ${name}`);
    return f;
  };

  test('num_examples and the feature set agree', () => {
    assert.equal(ours.numExamples, tfxExamples);
    assert.equal(ours.numExamples, 15002);
    assert.deepEqual(ours.features.map(featureName).sort(), [...tfx.keys()].sort());
  });

  test('types agree (INT, FLOAT, STRING)', () => {
    for (const [name, c] of tfx) assert.equal(ourFeature(name).type, c.type, name);
  });

  test('missing counts agree (TFX records an empty CSV cell as an empty value list: examples − values)', () => {
    for (const [name, c] of tfx) {
      const f = ourFeature(name);
      const common = (f.numStats ?? f.stringStats)!.commonStats;
      assert.equal(common.numMissing, c.examples - c.values, `${name} missing`);
      assert.equal(common.totNumValues, c.values, `${name} values`);
    }
    assert.equal(ourFeature('company').stringStats!.commonStats.numMissing, 5140);
  });

  test('min and max agree exactly (FLOAT compared at tf.Example float32 precision)', () => {
    let checked = 0;
    for (const [name, c] of tfx) {
      if (c.min === undefined) continue;
      const s = ourFeature(name).numStats!;
      const round = c.type === 'FLOAT' ? Math.fround : (x: number) => x;
      assert.equal(round(s.min), c.min, `${name} min`);
      assert.equal(round(s.max), c.max, `${name} max`);
      assert.equal(s.numZeros, c.zeros, `${name} zeros`);
      checked++;
    }
    assert.ok(checked >= 15, `checked ${checked} numeric features`);
  });

  test('mean and std_dev within 1e-6 relative of the combined split moments (at float32 precision)', () => {
    for (const [name, c] of tfx) {
      if (c.mean === undefined) continue;
      const s = ours32.features.find((x) => featureName(x) === name)!.numStats!;
      relClose(s.mean, c.mean, 1e-6, `${name} mean`);
      relClose(s.stdDev, c.std!, 1e-6, `${name} std_dev`);
    }
  });

  test('top values agree exactly, unique counts too', () => {
    for (const [name, c] of tfx) {
      if (!c.counts) continue;
      const s = ourFeature(name).stringStats!;
      const expected = [...c.counts.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0))
        .slice(0, 20)
        .map(([value, frequency]) => ({ value, frequency }));
      assert.deepEqual(s.topValues, expected, `${name} top values`);
      assert.equal(s.unique, c.counts.size, `${name} unique`);
    }
  });

  test('histograms: a STANDARD and a QUANTILES one of 10 buckets covering every value', () => {
    const fare = ourFeature('fare').numStats!;
    assert.deepEqual(fare.histograms.map((h) => h.type), ['STANDARD', 'QUANTILES']);
    for (const h of fare.histograms) assert.equal(h.buckets.length, 10);
    const std = fare.histograms[0]!;
    assert.equal(std.buckets.reduce((s, b) => s + b.sampleCount, 0), 15002);
    assert.equal(std.buckets[0]!.lowValue, fare.min);
    assert.equal(std.buckets[9]!.highValue, fare.max);
  });
});

describe('statistics of awkward data', () => {
  test('NaN, booleans, all-missing and hostile names', async () => {
    const ws = tempWorkspace();
    try {
      const file = join(ws.dir, 'x.parquet');
      await withDuckDb(async (con) => {
        await con.run(
          `COPY (SELECT * FROM (VALUES (1.0::DOUBLE, true, NULL::VARCHAR, 'a'), ('nan'::DOUBLE, false, NULL, 'b'), (3.0, true, NULL, 'a'), (NULL, NULL, NULL, NULL)) t(x, "b""ool", "all missing", "<img src=x onerror=alert(1)>")) TO ${quoteString(file)} (FORMAT parquet)`,
        );
      });
      const ds = (await statisticsOfParquet(file)).datasets[0]!;
      const x = ds.features.find((f) => featureName(f) === 'x')!.numStats!;
      assert.equal(x.histograms[0]!.numNan, 1);
      assert.equal(x.mean, 2);
      assert.equal(x.commonStats.numMissing, 1);
      const b = ds.features.find((f) => featureName(f) === 'b"ool')!;
      assert.equal(b.type, 'INT');
      assert.equal(b.numStats!.mean, 2 / 3);
      const missing = ds.features.find((f) => featureName(f) === 'all missing')!;
      assert.equal(missing.stringStats!.commonStats.numNonMissing, 0);
      assert.equal(missing.stringStats!.unique, 0);
      const html = ds.features.find((f) => featureName(f) === '<img src=x onerror=alert(1)>')!;
      assert.deepEqual(html.stringStats!.topValues, [{ value: 'a', frequency: 2 }, { value: 'b', frequency: 1 }]);
    } finally {
      ws.cleanup();
    }
  });

  test('a split over 1M rows: exact counts and moments from the full scan, quantiles and histograms from the sample within 1%', async () => {
    const ws = tempWorkspace();
    try {
      const file = join(ws.dir, 'big.parquet');
      const rows = 1_200_000;
      // i: 0..rows-1; x: a float with every 1000th value NaN and every 1001st missing; flag: a boolean; s: 7 strings.
      const exact = await withDuckDb(async (con) => {
        await con.run(
          `COPY (SELECT i, CASE WHEN i % 1001 = 0 THEN NULL WHEN i % 1000 = 0 THEN 'nan'::DOUBLE ELSE (i % 977) / 7.0 END AS x, i % 3 = 0 AS flag, 'v' || (i % 7) AS s FROM range(${rows}) t(i)) TO ${quoteString(file)} (FORMAT parquet)`,
        );
        const [r] = await queryRows(
          con,
          `SELECT count(x) AS c, count_if(isnan(x)) AS nan, avg(x) FILTER (WHERE NOT isnan(x)) AS mean, stddev_pop(x) FILTER (WHERE NOT isnan(x)) AS sd, count_if(x = 0) AS z, quantile_disc(i, 0.5) AS med FROM read_parquet(${quoteString(file)})`,
        );
        return r!;
      });
      const ds = (await statisticsOfParquet(file)).datasets[0]!;
      assert.equal(ds.numExamples, rows);
      const i = ds.features.find((f) => featureName(f) === 'i')!.numStats!;
      assert.equal(i.min, 0);
      assert.equal(i.max, rows - 1);
      assert.equal(i.mean, (rows - 1) / 2);
      assert.ok(Math.abs(i.median - Number(exact['med'])) <= rows * 0.01, `median ${i.median}`);
      const iq = i.histograms[1]!;
      iq.buckets.forEach((b, k) => assert.ok(Math.abs(b.highValue - ((k + 1) * rows) / 10) <= rows * 0.01, `quantile bucket ${k} ends at ${b.highValue}`));
      const x = ds.features.find((f) => featureName(f) === 'x')!.numStats!;
      assert.equal(x.commonStats.numNonMissing, Number(exact['c']));
      assert.equal(x.histograms[0]!.numNan, Number(exact['nan']));
      assert.equal(x.numZeros, Number(exact['z']));
      relClose(x.mean, Number(exact['mean']), 1e-12, 'x mean');
      relClose(x.stdDev, Number(exact['sd']), 1e-12, 'x std');
      const valued = Number(exact['c']) - Number(exact['nan']);
      const histTotal = x.histograms[0]!.buckets.reduce((sum, b) => sum + b.sampleCount, 0);
      assert.ok(Math.abs(histTotal - valued) <= valued * 0.01, `histogram counts ${histTotal} vs ${valued}`);
      const flag = ds.features.find((f) => featureName(f) === 'flag')!;
      assert.equal(flag.type, 'INT');
      assert.equal(flag.numStats!.numZeros, rows - rows / 3);
      const str = ds.features.find((f) => featureName(f) === 's')!.stringStats!;
      assert.equal(str.unique, 7);
      assert.equal(str.avgLength, 2);
      assert.equal(str.topValues.reduce((sum, t) => sum + t.frequency, 0), rows);
    } finally {
      ws.cleanup();
    }
  });
});
