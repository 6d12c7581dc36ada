// Accepting an anomaly into a curated schema, on the file formats SchemaImporter reads: TFX's own
// schema.pbtxt files (the shared fixtures, read in place) and schema.json in both key spellings. Each
// edited file is read back by the runtime's schema reader and validated again by the real validator.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { AnomalySummaryRow } from '../../common/anomalies';
import { readSchemaFile } from '../../runtime/data/schemaInference';
import { applyEdits, planSchemaEdit, schemaFormatOf } from '../../extension/model/schemaEdits';
import { sharedFixture, skipWithoutFixture } from '../sharedFixtures';

const dir = mkdtempSync(join(tmpdir(), 'mlpipe-schema-edits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function edited(name: string, text: string, row: AnomalySummaryRow): { text: string; label: string; schema: ReturnType<typeof readSchemaFile> } {
  const plan = planSchemaEdit(text, schemaFormatOf(name, text), row);
  assert.ok(plan.ok, plan.ok ? '' : plan.note);
  const out = applyEdits(text, plan.edits);
  const file = join(dir, name);
  writeFileSync(file, out);
  return { text: out, label: plan.label, schema: readSchemaFile(file) };
}

const newCompany: AnomalySummaryRow = {
  split: 'eval',
  feature: 'payment_type',
  type: 'ENUM_TYPE_UNEXPECTED_STRING_VALUES',
  severity: 'ERROR',
  description: 'Examples contain values missing from the schema: "Mobile" (12).',
  measurements: { unexpected_values: 1, fraction: 0.01, min_domain_mass: 1 },
  unexpectedValues: [{ value: 'Mobile', count: 12 }, { value: 'Way "quoted"', count: 1 }],
};

describe('accepting an anomaly into a curated schema', () => {
  const taxi = 'tfx/schema_gen_schema.pbtxt';
  test('TFX pbtxt: new values join the named string_domain, after its last value, and nothing else changes', { skip: skipWithoutFixture(taxi) }, () => {
    const original = readFileSync(sharedFixture(taxi), 'utf8');
    const { text, label, schema } = edited('taxi.pbtxt', original, newCompany);
    assert.equal(label, 'Add "Mobile", "Way \\"quoted\\"" to the domain of payment_type');
    const domain = schema.stringDomain?.find((d) => d.name === 'payment_type');
    assert.deepEqual(domain?.value.slice(-3), ['Prcard', 'Mobile', 'Way "quoted"']);
    // Only lines were added: every original line is still there, in order.
    const added = text.split('\n').filter((l) => !original.split('\n').includes(l));
    assert.deepEqual(added, ['  value: "Mobile"', '  value: "Way \\"quoted\\""']);
    assert.equal(text.split('\n').length, original.split('\n').length + 2);
  });

  const penguin = 'tfx/penguin_schema_schema.pbtxt';
  test('TFX pbtxt with comments: presence lowered in place, a deprecated feature, comments kept', { skip: skipWithoutFixture(penguin) }, () => {
    const original = readFileSync(sharedFixture(penguin), 'utf8');
    const low: AnomalySummaryRow = { split: 'eval', feature: 'body_mass_g', type: 'FEATURE_TYPE_LOW_FRACTION_PRESENT', severity: 'ERROR', description: '', measurements: { min_fraction: 1, actual_fraction: 0.9733, num_missing: 2, num_examples: 75 } };
    const first = edited('penguin.pbtxt', original, low);
    assert.match(first.label, /to 0\.97 \(min_fraction\)/);
    assert.equal(first.schema.feature.find((f) => f.name === 'body_mass_g')?.presence?.minFraction, 0.97);
    assert.equal(first.schema.feature.find((f) => f.name === 'culmen_depth_mm')?.presence?.minFraction, 1, 'other features untouched');
    assert.ok(first.text.startsWith('# proto-file: tensorflow_metadata/proto/v0/schema.proto\n# proto-message: Schema\n'), 'the header comments stay');
    const gone: AnomalySummaryRow = { split: 'eval', feature: 'culmen_depth_mm', type: 'SCHEMA_MISSING_COLUMN', severity: 'ERROR', description: '' };
    const second = edited('penguin2.pbtxt', first.text, gone);
    assert.equal(second.schema.feature.find((f) => f.name === 'culmen_depth_mm')?.lifecycleStage, 'DEPRECATED');
    assert.match(second.text, /name: "culmen_depth_mm"[\s\S]*?\n {2}lifecycle_stage: DEPRECATED\n\}/);
  });

  test('pbtxt: a missing sub-message is created with the file’s indentation (a drift threshold raised)', () => {
    const original = '# curated by hand\nfeature {\n  name: "island"  # the island\n  type: BYTES\n}\n';
    const drift: AnomalySummaryRow = { split: 'train', feature: 'island', type: 'COMPARATOR_L_INFTY_HIGH', severity: 'ERROR', description: '', measurements: { distance: 0.234, threshold: 0.1, against: 'previous span' } };
    const { text, schema } = edited('drift.pbtxt', original, drift);
    assert.equal(text, '# curated by hand\nfeature {\n  name: "island"  # the island\n  type: BYTES\n  drift_comparator {\n    infinity_norm {\n      threshold: 0.24\n    }\n  }\n}\n');
    assert.equal(schema.feature[0]?.driftComparator?.infinityNorm?.threshold, 0.24);
  });

  test('schema.json in camelCase (as mlpipe writes it) and snake_case (as TFDV writes it): values appended, presence set', () => {
    const camel = JSON.stringify({ feature: [{ name: 'payment_type', type: 'BYTES', stringDomain: { value: ['Cash'] }, presence: { minFraction: 1, minCount: 1 } }] }, null, 2);
    const a = edited('camel.json', camel, newCompany);
    assert.deepEqual(a.schema.feature[0]?.stringDomain?.value, ['Cash', 'Mobile', 'Way "quoted"']);
    const snake = JSON.stringify({ feature: [{ name: 'payment_type', type: 'BYTES', domain: 'payment_type', presence: { min_fraction: 1 } }], string_domain: [{ name: 'payment_type', value: ['Cash'] }] }, null, 4);
    const b = edited('snake.json', snake, newCompany);
    assert.deepEqual(b.schema.stringDomain?.[0]?.value, ['Cash', 'Mobile', 'Way "quoted"']);
    assert.match(b.text, /\n {4}"string_domain"/, 'four-space indentation kept');
    const low: AnomalySummaryRow = { split: 'eval', feature: 'payment_type', type: 'FEATURE_TYPE_LOW_FRACTION_PRESENT', severity: 'ERROR', description: '', measurements: { min_fraction: 1, actual_fraction: 0.5 } };
    const c = edited('snake2.json', b.text, low);
    assert.match(c.text, /"min_fraction": 0\.5/);
    assert.equal(c.schema.feature[0]?.presence?.minFraction, 0.5);
  });

  test('what cannot be accepted says why', () => {
    const plan = planSchemaEdit('feature {\n  name: "x"\n  type: INT\n}\n', 'pbtxt', { split: 'train', feature: 'y', type: 'SCHEMA_NEW_COLUMN', severity: 'WARNING', description: '' });
    assert.equal(plan.ok, false);
    const missing = planSchemaEdit('feature {\n  name: "x"\n  type: INT\n}\n', 'pbtxt', { split: 'train', feature: 'y', type: 'SCHEMA_MISSING_COLUMN', severity: 'ERROR', description: '' });
    assert.deepEqual(missing, { ok: false, note: 'the schema file has no feature named "y"' });
  });
});
