// The Evaluator's classification plots (confusion matrix, per-class precision/recall/F1, how averages are
// taken, ROC and PR curves, calibration), checked against brute-force computations in this file on a
// hand-wired model whose scores are known in closed form: p(b) = sigmoid(x).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { InputArtifact } from '../../runtime/components/spec';
import { runEvaluator, type MetricsFile } from '../../runtime/components/evaluator.executor';
import { calibration, CURVE_THRESHOLDS } from '../../runtime/model/classificationCurves';
import { withDuckDb } from '../../runtime/data/duckdbEngine';
import { artifact, context, handModel, tempDir, writeSplit } from './modelFixtures';

// x, label, group (one row without a group: its slice key is a missing value).
const ROWS = [
  { x: -2, y: 'a', g: 'p' },
  { x: -1, y: 'a', g: 'p' },
  { x: -0.5, y: 'b', g: 'p' },
  { x: 0.5, y: 'a', g: 'q' },
  { x: 1, y: 'b', g: 'q' },
  { x: 2, y: 'b', g: 'q' },
  { x: 3, y: 'b', g: 'q' },
  { x: -3, y: 'a', g: 'q' },
  { x: 0.2, y: 'b', g: null },
  { x: -0.2, y: 'b', g: null },
];
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const close = (a: number, b: number, what: string, eps = 1e-6): void => assert.ok(Math.abs(a - b) <= eps, `${what}: ${a} vs ${b}`);

let root: string;
let examples: InputArtifact;
let model: InputArtifact;

async function evaluate(): Promise<MetricsFile> {
  const ctx = context(root, {
    componentId: 'evaluator',
    params: { label: 'y', slices: [[], ['g']] },
    inputs: { examples: [examples], model: [model] },
    outputs: { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' },
  });
  await runEvaluator(ctx);
  return JSON.parse(fs.readFileSync(path.join(ctx.outputs['evaluation']!.uri, 'metrics.json'), 'utf8')) as MetricsFile;
}

describe('Evaluator plots', () => {
  let metrics: MetricsFile;
  before(async () => {
    root = tempDir('evaluation-plots');
    const uri = path.join(root, 'examples');
    await writeSplit(uri, 'eval', ROWS);
    examples = artifact('Examples', uri, {}, { split_names: '["eval"]' });
    model = await handModel(root, 'good', { task: 'classification', slope: 1 });
    metrics = await evaluate();
  });

  it('records the confusion matrix, per-class precision, recall and F1, and how they average', () => {
    const c = metrics.candidate;
    const classes = ['a', 'b'];
    const truth = ROWS.map((r) => classes.indexOf(r.y));
    const predicted = ROWS.map((r) => (sigmoid(r.x) > 0.5 ? 1 : 0));
    const matrix = classes.map((_, a) => classes.map((_, p) => truth.filter((t, i) => t === a && predicted[i] === p).length));
    assert.deepEqual(c.confusion_matrix, matrix);
    for (const [k, name] of classes.entries()) {
      const tp = truth.filter((t, i) => t === k && predicted[i] === k).length;
      const precision = tp / predicted.filter((p) => p === k).length;
      const recall = tp / truth.filter((t) => t === k).length;
      const scores = c.per_class?.[name];
      assert.ok(scores, `per_class.${name}`);
      close(scores.precision, precision, `${name} precision`);
      close(scores.recall, recall, `${name} recall`);
      close(scores.f1, (2 * precision * recall) / (precision + recall), `${name} f1`);
      assert.equal(scores.support, truth.filter((t) => t === k).length);
    }
    assert.deepEqual(c.averaging, { type: 'macro_average', classes, metrics: ['precision', 'recall', 'f1', 'auc'] });
    close(c.overall['precision']!, (c.per_class!['a']!.precision + c.per_class!['b']!.precision) / 2, 'macro precision');
  });

  it('records ROC and precision-recall curves of the positive class, on the 0.01 threshold grid', () => {
    const curves = metrics.candidate.curves;
    assert.ok(curves, 'a binary model has curves');
    assert.equal(curves.positive_class, 'b');
    const scores = ROWS.map((r) => sigmoid(r.x));
    const positive = ROWS.map((r) => r.y === 'b');
    const P = positive.filter(Boolean).length;
    const N = positive.length - P;
    assert.equal(curves.roc.length, CURVE_THRESHOLDS.length);
    CURVE_THRESHOLDS.forEach((t, i) => {
      let tp = 0;
      let fp = 0;
      scores.forEach((s, j) => {
        if (s > t && positive[j]) tp++;
        if (s > t && !positive[j]) fp++;
      });
      const point = curves.roc[i]!;
      close(point.threshold, t, 'threshold', 1e-12);
      assert.equal(point.tpr, tp / P, `tpr at ${t}`);
      assert.equal(point.fpr, fp / N, `fpr at ${t}`);
      const pr = curves.pr.find((q) => Math.abs(q.threshold - t) < 1e-12);
      if (tp + fp === 0) assert.equal(pr, undefined, `no PR point where nothing is positive (${t})`);
      else {
        assert.ok(pr, `PR point at ${t}`);
        assert.equal(pr.precision, tp / (tp + fp));
        assert.equal(pr.recall, tp / P);
      }
    });
    // The ends of the ROC curve: everything positive, then nothing.
    assert.deepEqual([curves.roc[0]!.fpr, curves.roc[0]!.tpr], [1, 1]);
    assert.deepEqual([curves.roc.at(-1)!.fpr, curves.roc.at(-1)!.tpr], [0, 0]);
  });

  it('records calibration buckets of the positive-class score', () => {
    const cal = metrics.candidate.calibration;
    assert.ok(cal);
    assert.equal(cal.of, 'positive_class');
    const buckets = new Map<number, { n: number; sum: number; hits: number }>();
    for (const r of ROWS) {
      const s = sigmoid(r.x);
      const b = Math.min(Math.floor(s * 10), 9);
      const e = buckets.get(b) ?? { n: 0, sum: 0, hits: 0 };
      e.n++;
      e.sum += s;
      if (r.y === 'b') e.hits++;
      buckets.set(b, e);
    }
    const expected = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
    assert.deepEqual(cal.buckets.map((b) => [b.low, b.count]), expected.map(([b, e]) => [b / 10, e.n]));
    cal.buckets.forEach((b, i) => {
      const e = expected[i]![1];
      close(b.mean_predicted, e.sum / e.n, `mean predicted in [${b.low}, ${b.high})`);
      assert.equal(b.observed, e.hits / e.n);
    });
  });

  it('keeps a missing slice value as null (the views label it "(missing)")', () => {
    const missing = metrics.candidate.slices.find((s) => 'g' in s.slice && s.slice['g'] === null);
    assert.ok(missing, JSON.stringify(metrics.candidate.slices.map((s) => s.slice)));
    assert.equal(missing.count, 2);
  });

  it('calibrates a multiclass model on the predicted class probability (top label)', async () => {
    // Brute force on a table with three classes.
    const rows = [
      { label: 0, pred: 0, top: 0.95 },
      { label: 1, pred: 0, top: 0.55 },
      { label: 2, pred: 2, top: 0.4 },
      { label: 2, pred: 1, top: 0.45 },
      { label: 1, pred: 1, top: 1.0 },
      { label: null, pred: 1, top: 0.7 },
    ];
    const result = await withDuckDb(async (con) => {
      await con.run('CREATE TABLE preds (__label INTEGER, __pred INTEGER, __p_top DOUBLE, __p_pos DOUBLE)');
      for (const r of rows) await con.run(`INSERT INTO preds VALUES (${r.label ?? 'NULL'}, ${r.pred}, ${r.top}, NULL)`);
      return calibration(con, { table: 'preds', label: '__label', predicted: '__pred', topScore: '__p_top', positiveScore: '__p_pos' }, undefined);
    });
    assert.equal(result.of, 'top_label');
    // Buckets: 0.4 and 0.45 -> [0.4, 0.5); 0.55 -> [0.5, 0.6); 0.95 and 1.0 -> [0.9, 1] (1 closes the last bucket).
    assert.deepEqual(
      result.buckets.map((b) => [b.low, b.count, b.observed]),
      [
        [0.4, 2, 0.5],
        [0.5, 1, 0],
        [0.9, 2, 1],
      ],
    );
    close(result.buckets[0]!.mean_predicted, 0.425, 'mean of 0.4 and 0.45');
  });
});
