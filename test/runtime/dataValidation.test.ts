// ExampleValidator: each TFDV anomaly type from its trigger, drift against the previous span, skew
// between splits, and fail_on. Data comes from a seeded generator written as CSV spans in a temp folder.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { csvExampleGenSpec } from '../../runtime/components/exampleGen';
import { exampleValidatorSpec } from '../../runtime/components/exampleValidator';
import { schemaGenSpec } from '../../runtime/components/schemaGen';
import { schemaImporterSpec } from '../../runtime/components/schemaImporter';
import type { ComponentEvent, InputArtifact } from '../../runtime/components/spec';
import { statisticsGenSpec } from '../../runtime/components/statisticsGen';
import type { Schema } from '../../runtime/data/schemaTypes';
import { readSchemaFile } from '../../runtime/data/schemaInference';
import type { AnomalySummaryRow } from '../../common/anomalies';
import type { Anomalies } from '../../runtime/data/validation';
import { runComponent, tempWorkspace, type Workspace } from './dataHarness';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';
import { seededRandom } from '../../runtime/model/seededRandom';

const rng = seededRandom;

interface GenOptions {
  rows?: number;
  seed?: number;
  /** Columns to leave out entirely. */
  drop?: string[];
  extraColumn?: boolean;
  /** Fraction of `size` cells left empty. */
  sizeMissing?: number;
  colors?: string[];
  colorWeights?: number[];
  priceShift?: number;
  countAsText?: boolean;
  nanPrice?: boolean;
}

/** A small shop dataset: color (categorical), price (float), count (int), size (float). */
function makeCsv(o: GenOptions = {}): string {
  const r = rng(o.seed ?? 1);
  const colors = o.colors ?? ['red', 'green', 'blue'];
  const weights = o.colorWeights ?? colors.map(() => 1);
  const total = weights.reduce((s, w) => s + w, 0);
  const cols = ['color', 'price', 'count', 'size', ...(o.extraColumn ? ['discount'] : [])].filter((c) => !o.drop?.includes(c));
  const lines = [cols.join(',')];
  for (let i = 0; i < (o.rows ?? 600); i++) {
    let u = r() * total;
    let color = colors[colors.length - 1]!;
    for (const [k, w] of weights.entries()) {
      if (u < w) {
        color = colors[k]!;
        break;
      }
      u -= w;
    }
    const price = (10 + r() * 10 + (o.priceShift ?? 0)).toFixed(2);
    const values: Record<string, string> = {
      color,
      price: o.nanPrice && i === 3 ? 'NaN' : price,
      count: o.countAsText && i % 7 === 0 ? 'n/a' : String(1 + Math.floor(r() * 9)),
      size: r() < (o.sizeMissing ?? 0) ? '' : (1 + r()).toFixed(3),
      discount: (r() * 0.3).toFixed(2),
    };
    lines.push(cols.map((c) => values[c]).join(','));
  }
  return `${lines.join('\n')}\n`;
}

describe('ExampleValidator', () => {
  let ws: Workspace;
  let baseStats: InputArtifact;
  let baseSchemaJson: Schema;

  async function statsOf(csv: string, name: string, params: Record<string, unknown> = {}): Promise<InputArtifact> {
    const dir = join(ws.dir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'data.csv'), csv);
    const ex = (await runComponent(ws, csvExampleGenSpec, { input: `${name}/data.csv`, splits: { all: 1 }, ...params })).outputs['examples']!;
    return (await runComponent(ws, statisticsGenSpec, {}, { examples: [ex] })).outputs['statistics']!;
  }

  async function importSchema(schema: Schema | string, file: string): Promise<InputArtifact> {
    writeFileSync(join(ws.dir, file), typeof schema === 'string' ? schema : JSON.stringify(schema));
    return (await runComponent(ws, schemaImporterSpec, { schema: file })).outputs['schema']!;
  }

  async function validate(stats: InputArtifact, schema: InputArtifact, params: Record<string, unknown> = { fail_on: 'none' }, extra: Record<string, InputArtifact[]> = {}): Promise<{ summary: AnomalySummaryRow[]; anomalies: (split: string) => Anomalies; artifact: InputArtifact }> {
    const out = (await runComponent(ws, exampleValidatorSpec, params, { statistics: [stats], schema: [schema], ...extra })).outputs['anomalies']!;
    return {
      summary: JSON.parse(readFileSync(join(out.uri, 'anomalies_summary.json'), 'utf8')),
      anomalies: (split) => JSON.parse(readFileSync(join(out.uri, `Split-${split}`, 'anomalies.json'), 'utf8')),
      artifact: out,
    };
  }

  const types = (summary: AnomalySummaryRow[]): string[] => summary.map((s) => `${s.feature}:${s.type}`).sort();

  before(async () => {
    ws = tempWorkspace();
    baseStats = await statsOf(makeCsv(), 'base');
    const schemaArtifact = (await runComponent(ws, schemaGenSpec, {}, { statistics: [baseStats] })).outputs['schema']!;
    baseSchemaJson = JSON.parse(readFileSync(join(schemaArtifact.uri, 'schema.json'), 'utf8'));
  });
  after(() => ws?.cleanup());

  const withFeature = (edit: (f: Schema['feature'][number]) => void, name: string): Schema => {
    const s = structuredClone(baseSchemaJson);
    edit(s.feature.find((f) => f.name === name)!);
    return s;
  };

  test('a fresh sample of the same distribution has no anomalies', async () => {
    const schema = await importSchema(baseSchemaJson, 'same.json');
    const { summary } = await validate(await statsOf(makeCsv({ seed: 2 }), 'same'), schema, {});
    assert.deepEqual(summary, []);
  });

  test('a dropped column: SCHEMA_MISSING_COLUMN; fail_on error stops the step with the names in the message', async () => {
    const schema = await importSchema(baseSchemaJson, 'drop.json');
    const stats = await statsOf(makeCsv({ seed: 3, drop: ['size'] }), 'dropped');
    await assert.rejects(validate(stats, schema, { fail_on: 'error' }), (err: Error) => err.name === 'ComponentError' && /found 1 anomaly in all: size: not in the data at all, the schema requires it/.test(err.message));
    const { summary, anomalies } = await validate(stats, schema);
    assert.deepEqual(types(summary), ['size:SCHEMA_MISSING_COLUMN']);
    const a = anomalies('all');
    assert.equal(a.anomalyInfo['size']!.severity, 'ERROR');
    assert.match(a.anomalyInfo['size']!.description, /completely missing/);
  });

  test('the executor reports its anomalies as a component event, also when fail_on stops the step', async () => {
    const schema = await importSchema(baseSchemaJson, 'event.json');
    const stats = await statsOf(makeCsv({ seed: 3, drop: ['size'] }), 'event');
    const events: ComponentEvent[] = [];
    await assert.rejects(runComponent(ws, exampleValidatorSpec, { fail_on: 'error' }, { statistics: [stats], schema: [schema] }, { events }));
    const reported = events.flatMap((e) => (e.kind === 'anomalies' ? e.anomalies : []));
    assert.deepEqual(reported.map((a) => `${a.feature}:${a.type}:${a.severity}`), ['size:SCHEMA_MISSING_COLUMN:ERROR']);
    const quiet: ComponentEvent[] = [];
    await runComponent(ws, exampleValidatorSpec, {}, { statistics: [await statsOf(makeCsv({ seed: 2 }), 'event-same')], schema: [schema] }, { events: quiet });
    assert.deepEqual(quiet.filter((e) => e.kind === 'anomalies'), [], 'no anomalies, no event');
  });

  test('a new column: SCHEMA_NEW_COLUMN, a warning: fail_on error passes, fail_on warning fails', async () => {
    const schema = await importSchema(baseSchemaJson, 'new.json');
    const stats = await statsOf(makeCsv({ seed: 4, extraColumn: true }), 'newcol');
    const { summary } = await validate(stats, schema, { fail_on: 'error' });
    assert.deepEqual(types(summary), ['discount:SCHEMA_NEW_COLUMN']);
    assert.equal(summary[0]!.severity, 'WARNING');
    await assert.rejects(validate(stats, schema, { fail_on: 'warning' }), /discount: in the data but not in the schema/);
  });

  test('a dense feature becomes sparse: FEATURE_TYPE_LOW_FRACTION_PRESENT with the fractions', async () => {
    const schema = await importSchema(baseSchemaJson, 'sparse.json');
    const { summary, anomalies } = await validate(await statsOf(makeCsv({ seed: 5, sizeMissing: 0.3 }), 'sparse'), schema);
    assert.deepEqual(types(summary), ['size:FEATURE_TYPE_LOW_FRACTION_PRESENT']);
    const m = anomalies('all').anomalyInfo['size']!.reason[0]!.measurements!;
    assert.equal(m['min_fraction'], 1);
    assert.ok((m['actual_fraction'] as number) > 0.6 && (m['actual_fraction'] as number) < 0.8);
  });

  test('a feature with no values at all: FEATURE_TYPE_NOT_PRESENT', async () => {
    const schema = await importSchema(baseSchemaJson, 'empty.json');
    const { summary } = await validate(await statsOf(makeCsv({ seed: 6, sizeMissing: 1 }), 'nosize'), schema);
    // The empty column is read as text, so the type changes too.
    assert.ok(types(summary).includes('size:FEATURE_TYPE_NOT_PRESENT'), types(summary).join());
  });

  test('a new category: ENUM_TYPE_UNEXPECTED_STRING_VALUES naming the value', async () => {
    const schema = await importSchema(baseSchemaJson, 'enum.json');
    const { summary } = await validate(await statsOf(makeCsv({ seed: 7, colors: ['red', 'green', 'blue', 'mauve'] }), 'mauve'), schema);
    assert.deepEqual(types(summary), ['color:ENUM_TYPE_UNEXPECTED_STRING_VALUES']);
    assert.match(summary[0]!.description, /"mauve"/);
  });

  test('min_domain_mass tolerates a small fraction of unexpected values', async () => {
    const schema = await importSchema(withFeature((f) => (f.distributionConstraints = { minDomainMass: 0.5 }), 'color'), 'mass.json');
    const { summary } = await validate(await statsOf(makeCsv({ seed: 7, colors: ['red', 'green', 'blue', 'mauve'] }), 'mauve2'), schema);
    assert.deepEqual(summary, []);
  });

  test('int and float domains (from a schema.pbtxt): INT_TYPE_BIG_INT, INT_TYPE_SMALL_INT, FLOAT_TYPE_BIG_FLOAT, FLOAT_TYPE_SMALL_FLOAT', async () => {
    const pbtxt = `# proto-message: Schema
feature { name: "color" type: BYTES }
feature { name: "count" type: INT int_domain { min: 2 max: 5 } }
feature { name: "price" type: FLOAT float_domain { min: 12.5 max: 15.0 } }
feature { name: "size" type: FLOAT }
`;
    const schema = await importSchema(pbtxt, 'domains.pbtxt');
    const { summary, anomalies } = await validate(baseStats, schema);
    assert.deepEqual(types(summary), ['count:INT_TYPE_BIG_INT', 'count:INT_TYPE_SMALL_INT', 'price:FLOAT_TYPE_BIG_FLOAT', 'price:FLOAT_TYPE_SMALL_FLOAT']);
    assert.equal(anomalies('all').anomalyInfo['count']!.shortDescription, 'Multiple errors');
  });

  test('NaN in a float feature whose domain disallows it: FLOAT_TYPE_HAS_NAN', async () => {
    const schema = await importSchema(withFeature((f) => (f.floatDomain = { disallowNan: true }), 'price'), 'nan.json');
    const { summary } = await validate(await statsOf(makeCsv({ seed: 8, nanPrice: true }), 'nan'), schema);
    assert.deepEqual(types(summary), ['price:FLOAT_TYPE_HAS_NAN']);
  });

  test('a numeric column that turns to text: UNEXPECTED_DATA_TYPE (INT expected, STRING found)', async () => {
    const schema = await importSchema(baseSchemaJson, 'text.json');
    const { summary } = await validate(await statsOf(makeCsv({ seed: 9, countAsText: true }), 'text'), schema);
    assert.deepEqual(types(summary), ['count:UNEXPECTED_DATA_TYPE']);
    assert.match(summary[0]!.description, /Expected data of type: INT but got STRING/);
  });

  test('too few examples for the dataset constraints: DATASET_LOW_NUM_EXAMPLES', async () => {
    const schema = await importSchema({ ...baseSchemaJson, datasetConstraints: { minExamplesCount: 1000 } }, 'few.json');
    const { summary } = await validate(baseStats, schema);
    assert.deepEqual(summary.map((s) => s.type), ['DATASET_LOW_NUM_EXAMPLES']);
  });

  describe('drift against the previous span', () => {
    let driftSchema: InputArtifact;
    let span1: InputArtifact;
    before(async () => {
      const s = structuredClone(baseSchemaJson);
      s.feature.find((f) => f.name === 'color')!.driftComparator = { infinityNorm: { threshold: 0.1 } };
      s.feature.find((f) => f.name === 'price')!.driftComparator = { jensenShannonDivergence: { threshold: 0.1 } };
      driftSchema = await importSchema(s, 'drift.json');
      const spans: Array<[number, GenOptions]> = [
        [1, { seed: 10 }],
        [2, { seed: 11, colorWeights: [6, 1, 1], priceShift: 6 }],
      ];
      for (const [span, opts] of spans) {
        mkdirSync(join(ws.dir, 'spans', `span-${span}`), { recursive: true });
        writeFileSync(join(ws.dir, 'spans', `span-${span}`, 'data.csv'), makeCsv(opts));
      }
      const ex1 = (await runComponent(ws, csvExampleGenSpec, { input: 'spans/span-{SPAN}/*.csv', span: 1, splits: { all: 1 } })).outputs['examples']!;
      span1 = (await runComponent(ws, statisticsGenSpec, {}, { examples: [ex1] })).outputs['statistics']!;
    });

    test('the newest span is picked and recorded; a shifted distribution raises L-infinity and JS divergence anomalies with numbers', async () => {
      const ex2 = (await runComponent(ws, csvExampleGenSpec, { input: 'spans/span-{SPAN}/*.csv', splits: { all: 1 } })).outputs['examples']!;
      assert.equal(ex2.properties['span'], 2);
      const span2 = (await runComponent(ws, statisticsGenSpec, {}, { examples: [ex2] })).outputs['statistics']!;
      assert.equal(span2.properties['span'], 2);
      const { summary, anomalies } = await validate(span2, driftSchema, { fail_on: 'none' }, { baseline_statistics: [span1] });
      assert.deepEqual(types(summary), ['color:COMPARATOR_L_INFTY_HIGH', 'price:COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH']);
      const info = anomalies('all').driftSkewInfo;
      const color = info.find((d) => d.path.step[0] === 'color')!.driftMeasurements[0]!;
      assert.equal(color.type, 'L_INFTY');
      assert.equal(color.threshold, 0.1);
      assert.ok(color.value > 0.3, `L∞ ${color.value}`);
      const price = info.find((d) => d.path.step[0] === 'price')!.driftMeasurements[0]!;
      assert.ok(price.value > 0.1 && price.value <= 1, `JSD ${price.value}`);
    });

    test('a later span from the same distribution stays under the thresholds (measured, not flagged)', async () => {
      const again = await statsOf(makeCsv({ seed: 12 }), 'span1-again');
      const { summary, anomalies } = await validate(again, driftSchema, { fail_on: 'error' }, { baseline_statistics: [span1] });
      assert.deepEqual(summary, []);
      const measured = anomalies('all').driftSkewInfo.flatMap((d) => d.driftMeasurements);
      assert.equal(measured.length, 2);
      for (const m of measured) assert.ok(m.value < m.threshold, `${m.type} ${m.value}`);
    });

    test('a span that drops a drift-compared column: SCHEMA_MISSING_COLUMN', async () => {
      const dropped = await statsOf(makeCsv({ seed: 13, drop: ['color'] }), 'span3');
      const { summary } = await validate(dropped, driftSchema, { fail_on: 'none' }, { baseline_statistics: [span1] });
      assert.deepEqual(types(summary), ['color:SCHEMA_MISSING_COLUMN']);
    });
  });

  test('skew between splits with a skew_comparator: params.skew {train: eval}', async () => {
    const train = makeCsv({ seed: 20 }).trim().split('\n');
    const evalRows = makeCsv({ seed: 21, colorWeights: [1, 1, 8] }).trim().split('\n').slice(1);
    const csv = [`${train[0]},split`, ...train.slice(1).map((l) => `${l},train`), ...evalRows.map((l) => `${l},eval`)].join('\n');
    const stats = await statsOf(csv, 'skew', { split_column: 'split' });
    const s = structuredClone(baseSchemaJson);
    s.feature.push({ name: 'split', type: 'BYTES' });
    s.feature.find((f) => f.name === 'color')!.skewComparator = { infinityNorm: { threshold: 0.2 } };
    const schema = await importSchema(s, 'skew.json');
    const { summary, anomalies } = await validate(stats, schema, { fail_on: 'none', skew: { train: 'eval' } });
    assert.deepEqual(summary.map((x) => `${x.split}/${x.feature}:${x.type}`), ['eval/color:COMPARATOR_L_INFTY_HIGH']);
    assert.equal(anomalies('eval').driftSkewInfo[0]!.skewMeasurements[0]!.type, 'L_INFTY');
    assert.deepEqual(anomalies('train').driftSkewInfo, []);
  });
});

describe('SchemaImporter reads TFX schema.pbtxt files', { skip: skipWithoutFixture('tfx') }, () => {
  test("TFX's taxi and penguin schemas parse with their types, presence, shapes and domains", () => {
    const taxi = readSchemaFile(sharedFixture('tfx/schema_gen_schema.pbtxt'));
    assert.equal(taxi.feature.length, 18);
    const company = taxi.feature.find((f) => f.name === 'company')!;
    assert.equal(company.type, 'BYTES');
    assert.equal(company.domain, 'company');
    assert.deepEqual(company.presence, { minFraction: 1, minCount: 1 });
    assert.ok(taxi.stringDomain!.find((d) => d.name === 'payment_type')!.value.includes('Credit Card'));
    const penguin = readSchemaFile(sharedFixture('tfx/penguin_schema_schema.pbtxt'));
    assert.deepEqual(penguin.feature.map((f) => `${f.name}:${f.type}`), ['body_mass_g:FLOAT', 'culmen_depth_mm:FLOAT', 'culmen_length_mm:FLOAT', 'flipper_length_mm:FLOAT', 'species:INT']);
    assert.deepEqual(penguin.feature[0]!.shape, { dim: [{ size: 1 }] });
  });

  test("TFX's penguin data validates clean against TFX's penguin schema", async () => {
    const ws = tempWorkspace();
    try {
      const ex = (await runComponent(ws, csvExampleGenSpec, { input: sharedFixture('tfx/penguins_processed.csv') })).outputs['examples']!;
      const stats = (await runComponent(ws, statisticsGenSpec, {}, { examples: [ex] })).outputs['statistics']!;
      const schema = (await runComponent(ws, schemaImporterSpec, { schema: sharedFixture('tfx/penguin_schema_schema.pbtxt') })).outputs['schema']!;
      const v = await runComponent(ws, exampleValidatorSpec, {}, { statistics: [stats], schema: [schema] });
      assert.equal(v.outputs['anomalies']!.customProperties['anomalies_count'], 0);
    } finally {
      ws.cleanup();
    }
  });

  test('a broken schema.pbtxt names the file, line and column', () => {
    const ws = tempWorkspace();
    try {
      const file = join(ws.dir, 'bad.pbtxt');
      writeFileSync(file, 'feature {\n  name: "a"\n  type INT\n}\n');
      assert.throws(() => readSchemaFile(file), (err: Error) => err.name === 'ComponentError' && err.message.includes(`${file}:3:8`));
    } finally {
      ws.cleanup();
    }
  });
});
