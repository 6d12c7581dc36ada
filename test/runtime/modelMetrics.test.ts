// Pure metric and threshold logic, checked against values worked out by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binaryAuc, classifierAuc, precisionRecall } from '../../runtime/model/classificationMetrics';
import { ComponentError } from '../../runtime/components/spec';
import { parseThresholds, validateMetrics, type SliceMetrics } from '../../runtime/model/thresholds';

describe('AUC', () => {
  it('matches the pair count on a tiny known case', () => {
    // sklearn's roc_auc_score example: 3 of the 4 positive/negative pairs are ordered correctly.
    assert.equal(binaryAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.75);
  });
  it('counts ties as one half', () => {
    // pairs: (0.5 vs 0.5) tie = 0.5, (0.9 vs 0.5) = 1 -> 1.5 / 2
    assert.equal(binaryAuc([0.5, 0.5, 0.9], [false, true, true]), 0.75);
  });
  it('is undefined with a single class', () => {
    assert.ok(Number.isNaN(binaryAuc([0.2, 0.3], [true, true])));
  });
  it('averages one-vs-rest AUCs for multiclass', () => {
    const probs = [
      [0.8, 0.1, 0.1],
      [0.2, 0.7, 0.1],
      [0.3, 0.3, 0.4],
      [0.5, 0.1, 0.4],
    ];
    const labels = [0, 1, 2, 2];
    const expected = (binaryAuc([0.8, 0.2, 0.3, 0.5], [true, false, false, false]) + binaryAuc([0.1, 0.7, 0.3, 0.1], [false, true, false, false]) + binaryAuc([0.1, 0.1, 0.4, 0.4], [false, false, true, true])) / 3;
    assert.equal(classifierAuc(probs, labels, 3), expected);
    assert.equal(binaryAuc([0.1, 0.1, 0.4, 0.4], [false, false, true, true]), 1);
  });
});

describe('precision and recall', () => {
  it('come from a hand-made confusion matrix', () => {
    // actual x predicted: a: 5 right, 1 as b; b: 2 as a, 2 right; c: never seen nor predicted
    const { perClass, precision, recall } = precisionRecall(
      [
        [5, 1, 0],
        [2, 2, 0],
        [0, 0, 0],
      ],
      ['a', 'b', 'c'],
    );
    assert.deepEqual(perClass['a'], { precision: 5 / 7, recall: 5 / 6, f1: (2 * (5 / 7) * (5 / 6)) / (5 / 7 + 5 / 6), support: 6 });
    assert.deepEqual(perClass['b'], { precision: 2 / 3, recall: 2 / 4, f1: (2 * (2 / 3) * (2 / 4)) / (2 / 3 + 2 / 4), support: 4 });
    assert.equal(perClass['c'], undefined);
    assert.equal(precision, (5 / 7 + 2 / 3) / 2);
    assert.equal(recall, (5 / 6 + 1 / 2) / 2);
  });
});

function slices(accuracy: number, sliceAccuracy = accuracy): SliceMetrics[] {
  return [
    { slice: {}, count: 10, metrics: { accuracy, log_loss: 0.3 } },
    { slice: { island: 'Dream' }, count: 4, metrics: { accuracy: sliceAccuracy, log_loss: 0.3 } },
  ];
}

describe('thresholds', () => {
  it('parses the DESIGN syntax', () => {
    const t = parseThresholds({ accuracy: { lower_bound: 0.6, change: { direction: 'higher_is_better', absolute: -1e-10 } } });
    assert.deepEqual(t['accuracy']?.change, { direction: 'higher_is_better', absolute: -1e-10, relative: undefined });
  });
  it('refuses unknown metrics, keys and directions with the key at fault', () => {
    assert.throws(() => parseThresholds({ acc: { lower_bound: 1 } }), (e: unknown) => e instanceof ComponentError && e.message.includes('params.thresholds.acc'));
    assert.throws(() => parseThresholds({ accuracy: { lower: 1 } }), /unknown key "lower"/);
    assert.throws(() => parseThresholds({ accuracy: { change: { direction: 'up', absolute: 0 } } }), /direction/);
    assert.throws(() => parseThresholds({ accuracy: { change: { direction: 'higher_is_better' } } }), /absolute and\/or relative/);
    assert.throws(() => parseThresholds({ accuracy: { lower_bound: 'high' } }), /lower_bound must be a number/);
  });
  it('passes and fails value thresholds (bounds inclusive)', () => {
    const t = parseThresholds({ accuracy: { lower_bound: 0.8, upper_bound: 0.95 } });
    assert.equal(validateMetrics(t, slices(0.8), null).validation_ok, true);
    assert.equal(validateMetrics(t, slices(0.95), null).validation_ok, true);
    const low = validateMetrics(t, slices(0.79), null);
    assert.equal(low.validation_ok, false);
    assert.equal(low.failures.length, 1);
    assert.equal(low.failures[0]?.kind, 'value');
    assert.equal(validateMetrics(t, slices(0.96), null).validation_ok, false);
  });
  it('applies thresholds to the overall slice unless per_slice is set', () => {
    assert.equal(validateMetrics(parseThresholds({ accuracy: { lower_bound: 0.8 } }), slices(0.9, 0.5), null).validation_ok, true);
    const r = validateMetrics(parseThresholds({ accuracy: { lower_bound: 0.8, per_slice: true } }), slices(0.9, 0.5), null);
    assert.equal(r.validation_ok, false);
    assert.deepEqual(r.failures[0]?.slice, { island: 'Dream' });
  });
  it('drops change thresholds without a baseline and applies them with one', () => {
    const t = parseThresholds({ accuracy: { change: { direction: 'higher_is_better', absolute: -1e-10 } } });
    const none = validateMetrics(t, slices(0.5), null);
    assert.equal(none.validation_ok, true);
    assert.equal(none.rubber_stamp, true);
    assert.deepEqual(none.dropped_change_thresholds, ['accuracy']);
    assert.equal(validateMetrics(t, slices(0.9), slices(0.9)).validation_ok, true, 'no change passes -1e-10');
    const worse = validateMetrics(t, slices(0.89), slices(0.9));
    assert.equal(worse.validation_ok, false);
    assert.equal(worse.failures[0]?.kind, 'change');
    assert.equal(worse.failures[0]?.baseline_value, 0.9);
  });
  it('checks relative changes and lower_is_better', () => {
    const rel = parseThresholds({ accuracy: { change: { direction: 'higher_is_better', relative: 0.1 } } });
    assert.equal(validateMetrics(rel, slices(0.9), slices(0.8)).validation_ok, true); // +12.5%
    assert.equal(validateMetrics(rel, slices(0.87), slices(0.8)).validation_ok, false); // +8.75%
    const loss = parseThresholds({ log_loss: { change: { direction: 'lower_is_better', absolute: 0 } } });
    const better: SliceMetrics[] = [{ slice: {}, count: 1, metrics: { log_loss: 0.2 } }];
    const worse: SliceMetrics[] = [{ slice: {}, count: 1, metrics: { log_loss: 0.4 } }];
    assert.equal(validateMetrics(loss, better, worse).validation_ok, true);
    assert.equal(validateMetrics(loss, worse, better).validation_ok, false);
  });
  it('fails a threshold whose metric is missing (TFMA: metric not found)', () => {
    const r = validateMetrics(parseThresholds({ rmse: { upper_bound: 1 } }), slices(0.9), null);
    assert.equal(r.validation_ok, false);
    assert.equal(r.failures[0]?.kind, 'missing');
  });
});
