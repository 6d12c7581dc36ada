// Evaluator on hand-wired models whose predictions are known in closed form: metrics, slices, thresholds
// and blessing are checked against values computed here, independently of the implementation.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ComponentError, type InputArtifact } from '../../runtime/components/spec';
import { evaluatorSpec } from '../../runtime/components/evaluator';
import { runEvaluator, type MetricsFile } from '../../runtime/components/evaluator.executor';
import type { ValidationResult } from '../../runtime/model/thresholds';
import { artifact, context, handModel, tempDir, writeSplit } from './modelFixtures';

// x, label, group. With p(b) = sigmoid(x) the model predicts b iff x > 0.
const ROWS = [
  { x: -2, y: 'a', g: 'p' },
  { x: -1, y: 'a', g: 'p' },
  { x: -0.5, y: 'b', g: 'p' },
  { x: 0.5, y: 'a', g: 'q' },
  { x: 1, y: 'b', g: 'q' },
  { x: 2, y: 'b', g: 'q' },
  { x: 3, y: 'b', g: 'q' },
  { x: -3, y: 'a', g: 'q' },
];
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

let root: string;
let examples: InputArtifact;
let good: InputArtifact;
let inverted: InputArtifact;

async function evaluate(params: Record<string, unknown>, model: InputArtifact, baseline?: InputArtifact) {
  const ctx = context(root, {
    componentId: 'evaluator',
    params: { label: 'y', ...params },
    inputs: { examples: [examples], model: [model], ...(baseline ? { baseline_model: [baseline] } : {}) },
    outputs: { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' },
  });
  await runEvaluator(ctx);
  const evaluation = ctx.outputs['evaluation']!;
  const blessing = ctx.outputs['blessing']!;
  return {
    ctx,
    metrics: JSON.parse(fs.readFileSync(path.join(evaluation.uri, 'metrics.json'), 'utf8')) as MetricsFile,
    validation: JSON.parse(fs.readFileSync(path.join(evaluation.uri, 'validation.json'), 'utf8')) as ValidationResult,
    files: fs.readdirSync(blessing.uri),
    blessing: blessing.customProperties,
  };
}

describe('Evaluator', () => {
  before(async () => {
    root = tempDir('evaluator');
    const uri = path.join(root, 'examples');
    await writeSplit(uri, 'eval', ROWS);
    examples = artifact('Examples', uri, {}, { split_names: '["eval"]' });
    good = await handModel(root, 'good', { task: 'classification', slope: 1 });
    inverted = await handModel(root, 'inverted', { task: 'classification', slope: -1 });
  });

  it('computes classification metrics overall and per slice', async () => {
    const { metrics } = await evaluate({ slices: [[], ['g']] }, good);
    const c = metrics.candidate;
    assert.equal(c.count, 8);
    // confusion [actual][predicted]: a -> 3 a, 1 b (x=0.5); b -> 1 a (x=-0.5), 3 b
    assert.deepEqual(c.confusion_matrix, [
      [3, 1],
      [1, 3],
    ]);
    assert.equal(c.overall['accuracy'], 6 / 8);
    assert.equal(c.overall['precision'], 0.75);
    assert.equal(c.overall['recall'], 0.75);
    // positives -0.5, 1, 2, 3 against negatives -3, -2, -1, 0.5: 15 of 16 pairs ordered
    assert.equal(c.overall['auc'], 15 / 16);
    const logLoss = ROWS.reduce((s, r) => s - Math.log(r.y === 'b' ? sigmoid(r.x) : 1 - sigmoid(r.x)), 0) / ROWS.length;
    assert.ok(Math.abs((c.overall['log_loss'] as number) - logLoss) < 1e-5, `${c.overall['log_loss']} vs ${logLoss}`);
    assert.equal(metrics.baseline, null);

    assert.deepEqual(
      c.slices.map((s) => [s.slice, s.count]),
      [
        [{}, 8],
        [{ g: 'p' }, 3],
        [{ g: 'q' }, 5],
      ],
    );
    const p = c.slices[1]!;
    assert.equal(p.metrics['accuracy'], 2 / 3);
    assert.deepEqual(p.confusion_matrix, [
      [2, 0],
      [1, 0],
    ]);
    assert.equal(p.metrics['precision'], (2 / 3 + 0) / 2);
    assert.equal(p.metrics['recall'], (1 + 0) / 2);
    assert.equal(p.metrics['auc'], 1);
    assert.equal(c.slices[2]!.metrics['accuracy'], 4 / 5);
  });

  it('computes crossed slices', async () => {
    const { metrics } = await evaluate({ slices: [['g', 'y']] }, good);
    assert.deepEqual(
      metrics.candidate.slices.map((s) => [s.slice, s.count, s.metrics['accuracy']]),
      [
        [{ g: 'p', y: 'a' }, 2, 1],
        [{ g: 'p', y: 'b' }, 1, 0],
        [{ g: 'q', y: 'a' }, 2, 0.5],
        [{ g: 'q', y: 'b' }, 3, 1],
      ],
    );
  });

  it('blesses when value thresholds pass and lists failures when they do not', async () => {
    const pass = await evaluate({ thresholds: { accuracy: { lower_bound: 0.7 } } }, good);
    assert.deepEqual(pass.files, ['BLESSED']);
    assert.equal(pass.blessing['blessed'], 1);
    assert.equal(pass.blessing['current_model_id'], good.id);
    assert.equal(pass.blessing['baseline_model_id'], undefined);

    assert.deepEqual(Object.keys((pass.validation as unknown as { thresholds: object }).thresholds), ['accuracy'], 'validation.json lists the thresholds checked');
    const fail = await evaluate({ slices: [[], ['g']], thresholds: { accuracy: { lower_bound: 0.7, per_slice: true }, auc: { lower_bound: 0.99 } } }, good);
    assert.deepEqual(fail.files, ['NOT_BLESSED']);
    assert.equal(fail.blessing['blessed'], 0);
    assert.equal(fail.validation.validation_ok, false);
    assert.deepEqual(
      fail.validation.failures.map((f) => [f.slice, f.metric]),
      [
        [{}, 'auc'],
        [{ g: 'p' }, 'accuracy'],
      ],
    );
  });

  it('drops change thresholds on the first run and applies them against a baseline', async () => {
    const thresholds = { accuracy: { lower_bound: 0.1, change: { direction: 'higher_is_better', absolute: -1e-10 } } };
    const first = await evaluate({ thresholds }, inverted);
    assert.deepEqual(first.files, ['BLESSED']);
    assert.deepEqual(first.validation.dropped_change_thresholds, ['accuracy']);

    // A regression: the inverted model against the good one must come out NOT_BLESSED.
    const regression = await evaluate({ thresholds }, inverted, good);
    assert.deepEqual(regression.files, ['NOT_BLESSED']);
    assert.equal(regression.blessing['baseline_model_id'], good.id);
    assert.equal(regression.blessing['baseline_model'], good.uri);
    assert.equal(regression.metrics.baseline?.overall['accuracy'], 0.75);
    assert.equal(regression.metrics.candidate.overall['accuracy'], 0.25);
    assert.equal(regression.validation.failures[0]?.kind, 'change');

    const improvement = await evaluate({ thresholds }, good, inverted);
    assert.deepEqual(improvement.files, ['BLESSED']);
  });

  it('does not validate without thresholds, as TFX', async () => {
    const r = await evaluate({}, good);
    assert.deepEqual(r.files, []);
    assert.equal(r.blessing['blessed'], undefined);
    assert.equal(r.blessing['current_model_id'], good.id);
  });

  it('computes regression metrics', async () => {
    const model = await handModel(root, 'linear', { task: 'regression', slope: 2, intercept: 1 });
    const rows = [
      { x: 0, y: 1.5, g: 'p' },
      { x: 1, y: 2, g: 'p' },
      { x: 2, y: 5, g: 'q' },
      { x: 3, y: 8, g: 'q' },
    ];
    const uri = path.join(root, 'regression-examples');
    await writeSplit(uri, 'eval', rows);
    const ctx = context(root, {
      componentId: 'evaluator',
      params: { label: 'y', slices: [['g']], thresholds: { rmse: { upper_bound: 1 } } },
      inputs: { examples: [artifact('Examples', uri)], model: [model] },
      outputs: { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' },
    });
    await runEvaluator(ctx);
    const m = JSON.parse(fs.readFileSync(path.join(ctx.outputs['evaluation']!.uri, 'metrics.json'), 'utf8')) as MetricsFile;
    const errors = rows.map((r) => 2 * r.x + 1 - r.y);
    const mean = rows.reduce((s, r) => s + r.y, 0) / rows.length;
    const sst = rows.reduce((s, r) => s + (r.y - mean) ** 2, 0);
    const close = (a: number | undefined, b: number): void => assert.ok(Math.abs((a as number) - b) < 1e-6, `${a} vs ${b}`);
    close(m.candidate.overall['rmse'], Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length));
    close(m.candidate.overall['mae'], errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length);
    close(m.candidate.overall['r2'], 1 - errors.reduce((s, e) => s + e * e, 0) / sst);
    assert.deepEqual(m.candidate.slices.map((s) => s.count), [2, 2]);
    assert.deepEqual(fs.readdirSync(ctx.outputs['blessing']!.uri), ['BLESSED']);
  });

  it('says which column is wrong when a slice names a missing feature', async () => {
    await assert.rejects(
      evaluate({ slices: [['island']] }, good),
      (e: unknown) => e instanceof ComponentError && e.message.includes('"island"') && e.message.includes('columns: x, y, g'),
    );
  });

  it('explains transformed examples wired in place of raw ones', async () => {
    const uri = path.join(root, 'encoded-examples');
    await writeSplit(uri, 'eval', ROWS.map((r) => ({ ...r, y: r.y === 'a' ? 0 : 1 })));
    const ctx = context(root, {
      componentId: 'evaluator',
      params: { label: 'y' },
      inputs: { examples: [artifact('Examples', uri)], model: [good] },
      outputs: { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' },
    });
    await assert.rejects(runEvaluator(ctx), (e: unknown) => e instanceof ComponentError && e.message.includes('none of the 8 eval rows') && /raw examples/.test(e.hint ?? ''));
  });

  it('reports threshold and slice mistakes at authoring time, per param', () => {
    const validate = evaluatorSpec.validate as NonNullable<typeof evaluatorSpec.validate>;
    assert.deepEqual(validate({ thresholds: { accuracy: { lower_bound: 0.6, change: { direction: 'higher_is_better', absolute: -1e-10 } } }, slices: [[], ['g']] }, {}), []);
    const problems = validate({ thresholds: { acuracy: { lower_bound: 0.6 } }, slices: ['g'] }, {});
    assert.deepEqual(problems.map((p) => p.param), ['thresholds', 'slices']);
    assert.match(problems[0]?.message ?? '', /unknown metric "acuracy"/);
  });
});
