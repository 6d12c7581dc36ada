// Model-agnostic evaluation (no model input, params.prediction_column): every expected value is computed
// here by brute force from the rows (pairwise AUC, direct sums), independently of weightedMetrics.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ComponentError, type InputArtifact } from '../../runtime/components/spec';
import { runEvaluator, type MetricsFile } from '../../runtime/components/evaluator.executor';
import { artifact, context, tempDir, writeSplit } from './modelFixtures';

interface BinaryRow {
  y: number;
  score: number;
  other: number;
  w: number;
  g: string;
}
// A deterministic spread of scores, weights and two groups (ties included: 0.5 appears twice).
const BINARY: BinaryRow[] = [
  { y: 1, score: 0.9, other: 0.6, w: 1, g: 'p' },
  { y: 0, score: 0.2, other: 0.4, w: 2, g: 'p' },
  { y: 1, score: 0.4, other: 0.7, w: 0.5, g: 'p' },
  { y: 0, score: 0.6, other: 0.3, w: 3, g: 'q' },
  { y: 1, score: 0.5, other: 0.55, w: 1, g: 'q' },
  { y: 0, score: 0.5, other: 0.2, w: 1.5, g: 'q' },
  { y: 1, score: 0.8, other: 0.9, w: 2, g: 'q' },
  { y: 0, score: 0.1, other: 0.45, w: 1, g: 'p' },
];

function expectedBinary(rows: BinaryRow[], weighted: boolean, score: (r: BinaryRow) => number) {
  const w = (r: BinaryRow) => (weighted ? r.w : 1);
  const total = rows.reduce((s, r) => s + w(r), 0);
  const pred = (r: BinaryRow) => (score(r) > 0.5 ? 1 : 0);
  const accuracy = rows.reduce((s, r) => s + (pred(r) === r.y ? w(r) : 0), 0) / total;
  let pairs = 0;
  let ordered = 0;
  for (const a of rows) for (const b of rows) {
    if (a.y !== 1 || b.y !== 0) continue;
    pairs += w(a) * w(b);
    ordered += w(a) * w(b) * (score(a) > score(b) ? 1 : score(a) === score(b) ? 0.5 : 0);
  }
  const logLoss = -rows.reduce((s, r) => s + w(r) * Math.log(r.y === 1 ? score(r) : 1 - score(r)), 0) / total;
  // macro precision/recall over the two classes
  const tp = (c: number) => rows.reduce((s, r) => s + (r.y === c && pred(r) === c ? w(r) : 0), 0);
  const predicted = (c: number) => rows.reduce((s, r) => s + (pred(r) === c ? w(r) : 0), 0);
  const actual = (c: number) => rows.reduce((s, r) => s + (r.y === c ? w(r) : 0), 0);
  const precision = (tp(0) / predicted(0) + tp(1) / predicted(1)) / 2;
  const recall = (tp(0) / actual(0) + tp(1) / actual(1)) / 2;
  return { accuracy, auc: ordered / pairs, log_loss: logLoss, precision, recall, total };
}

function close(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} vs ${expected}`);
}

let root: string;
let binary: InputArtifact;
let multiclass: InputArtifact;
let regression: InputArtifact;

async function evaluate(examples: InputArtifact, params: Record<string, unknown>) {
  const ctx = context(root, { componentId: 'evaluator', params, inputs: { examples: [examples] }, outputs: { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' } });
  await runEvaluator(ctx);
  return {
    metrics: JSON.parse(fs.readFileSync(path.join(ctx.outputs['evaluation']!.uri, 'metrics.json'), 'utf8')) as MetricsFile,
    blessing: ctx.outputs['blessing']!.customProperties,
  };
}

const MULTI = [
  { y: 'a', p: 'a', w: 1, g: 'p' },
  { y: 'a', p: 'b', w: 2, g: 'p' },
  { y: 'b', p: 'b', w: 1, g: 'q' },
  { y: 'c', p: 'c', w: 3, g: 'q' },
  { y: 'c', p: 'a', w: 1, g: 'p' },
  { y: 'b', p: 'b', w: 0.5, g: 'q' },
];
const REG = [
  { y: 1, p: 1.5, w: 1, g: 'p' },
  { y: 2, p: 1.0, w: 2, g: 'p' },
  { y: 3, p: 3.5, w: 1, g: 'q' },
  { y: 5, p: 4.0, w: 0.5, g: 'q' },
];

describe('Evaluator on prediction columns (model-agnostic)', () => {
  before(async () => {
    root = tempDir('agnostic');
    for (const [name, rows] of [
      ['binary', BINARY],
      ['multi', MULTI],
      ['reg', REG],
    ] as const) {
      await writeSplit(path.join(root, name), 'eval', rows as unknown as Array<Record<string, unknown>>);
    }
    binary = artifact('Examples', path.join(root, 'binary'));
    multiclass = artifact('Examples', path.join(root, 'multi'));
    regression = artifact('Examples', path.join(root, 'reg'));
  });

  for (const weighted of [false, true]) {
    it(`binary scores, ${weighted ? 'weighted' : 'unweighted'}, overall and per slice`, async () => {
      const { metrics } = await evaluate(binary, { label: 'y', prediction_column: 'score', slices: [[], ['g']], ...(weighted ? { example_weight_column: 'w' } : {}) });
      const c = metrics.candidate;
      assert.equal(c.task, 'classification');
      assert.deepEqual(c.classes, ['0', '1']);
      const all = expectedBinary(BINARY, weighted, (r) => r.score);
      for (const k of ['accuracy', 'auc', 'log_loss', 'precision', 'recall'] as const) close(c.overall[k], all[k], `overall ${k}`);
      if (weighted) close(c.overall['weighted_example_count'], all.total, 'weighted_example_count');
      else assert.equal(c.overall['weighted_example_count'], undefined);
      assert.equal(c.count, BINARY.length);
      for (const g of ['p', 'q']) {
        const rows = BINARY.filter((r) => r.g === g);
        const e = expectedBinary(rows, weighted, (r) => r.score);
        const s = c.slices.find((x) => x.slice['g'] === g);
        assert.ok(s, `slice ${g}`);
        assert.equal(s.count, rows.length);
        for (const k of ['accuracy', 'auc', 'log_loss'] as const) close(s.metrics[k], e[k], `slice ${g} ${k}`);
      }
    });
  }

  it('compares a baseline prediction column with change thresholds and blesses by them', async () => {
    const cand = expectedBinary(BINARY, true, (r) => r.score);
    const base = expectedBinary(BINARY, true, (r) => r.other);
    const { metrics, blessing } = await evaluate(binary, {
      label: 'y',
      prediction_column: 'score',
      baseline_prediction_column: 'other',
      example_weight_column: 'w',
      thresholds: { auc: { change: { direction: 'higher_is_better', absolute: 0 } } },
    });
    close(metrics.baseline?.overall['auc'], base.auc, 'baseline auc');
    assert.equal(blessing['blessed'], cand.auc >= base.auc ? 1 : 0);
    assert.notEqual(cand.auc, base.auc, 'the fixture must tell the two apart');
  });

  for (const weighted of [false, true]) {
    it(`multiclass hard predictions, ${weighted ? 'weighted' : 'unweighted'}, per slice`, async () => {
      const { metrics } = await evaluate(multiclass, { label: 'y', prediction_column: 'p', slices: [[], ['g']], ...(weighted ? { example_weight_column: 'w' } : {}) });
      const w = (r: (typeof MULTI)[number]) => (weighted ? r.w : 1);
      const acc = (rows: typeof MULTI) => rows.reduce((s, r) => s + (r.y === r.p ? w(r) : 0), 0) / rows.reduce((s, r) => s + w(r), 0);
      const c = metrics.candidate;
      assert.deepEqual(c.classes, ['a', 'b', 'c']);
      close(c.overall['accuracy'], acc(MULTI), 'accuracy');
      const recall = (['a', 'b', 'c'] as const).map((k) => MULTI.filter((r) => r.y === k && r.p === k).reduce((s, r) => s + w(r), 0) / MULTI.filter((r) => r.y === k).reduce((s, r) => s + w(r), 0));
      close(c.overall['recall'], (recall[0]! + recall[1]! + recall[2]!) / 3, 'macro recall');
      assert.equal(c.overall['auc'], undefined, 'no scores, no AUC');
      for (const g of ['p', 'q']) close(c.slices.find((s) => s.slice['g'] === g)?.metrics['accuracy'], acc(MULTI.filter((r) => r.g === g)), `slice ${g}`);
    });
  }

  for (const weighted of [false, true]) {
    it(`regression values, ${weighted ? 'weighted' : 'unweighted'}`, async () => {
      const { metrics } = await evaluate(regression, { label: 'y', prediction_column: 'p', slices: [[], ['g']], ...(weighted ? { example_weight_column: 'w' } : {}) });
      const w = (r: (typeof REG)[number]) => (weighted ? r.w : 1);
      const total = REG.reduce((s, r) => s + w(r), 0);
      const mean = REG.reduce((s, r) => s + w(r) * r.y, 0) / total;
      const se = REG.reduce((s, r) => s + w(r) * (r.p - r.y) ** 2, 0);
      const c = metrics.candidate;
      assert.equal(c.task, 'regression');
      close(c.overall['rmse'], Math.sqrt(se / total), 'rmse');
      close(c.overall['mae'], REG.reduce((s, r) => s + w(r) * Math.abs(r.p - r.y), 0) / total, 'mae');
      close(c.overall['r2'], 1 - se / REG.reduce((s, r) => s + w(r) * (r.y - mean) ** 2, 0), 'r2');
    });
  }

  it('says what to set when neither a model nor a prediction column is given, and names missing columns', async () => {
    await assert.rejects(evaluate(binary, { label: 'y' }), (e: unknown) => e instanceof ComponentError && /prediction_column/.test(e.hint ?? ''));
    await assert.rejects(evaluate(binary, { label: 'y', prediction_column: 'nope' }), (e: unknown) => e instanceof ComponentError && /"nope"/.test(e.message));
  });
});
