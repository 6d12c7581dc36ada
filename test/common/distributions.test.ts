// common/distributions.ts: TFDV's L-infinity and Jensen–Shannon distances, with the edge cases decided
// once for the validator (Problems) and the statistics view (distance column).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignCategorical, alignHistograms, jensenShannon, lInfinity, nonUniformity, rebucket } from '../../common/distributions';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

describe('distribution distances', () => {
  it('L-infinity is the largest share difference, with the value where it is', () => {
    const d = lInfinity(alignCategorical(new Map([['a', 50], ['b', 50]]), new Map([['a', 80], ['b', 20]])));
    close(d.value, 0.3);
    assert.equal(d.label, 'a');
    // A value only one side has counts fully on that side.
    close(lInfinity(alignCategorical(new Map([['a', 10]]), new Map([['a', 5], ['b', 5]]))).value, 0.5);
  });

  it('Jensen–Shannon is 0 for proportional, 1 for disjoint, and in between otherwise', () => {
    const h = (counts: number[]) => counts.map((count, i) => ({ low: i, high: i + 1, count }));
    close(jensenShannon(alignHistograms(h([1, 2, 3]), h([2, 4, 6]))), 0);
    close(jensenShannon(alignHistograms(h([5, 0]), h([0, 5]))), 1);
    const mid = jensenShannon(alignHistograms(h([3, 1]), h([1, 3])));
    assert.ok(mid > 0.1 && mid < 0.3, String(mid));
  });

  it('re-buckets histograms with different edges by spreading counts over their width', () => {
    const aligned = alignHistograms([{ low: 0, high: 10, count: 10 }], [{ low: 5, high: 15, count: 10 }]);
    assert.deepEqual(aligned.labels, ['[0, 5]', '[5, 10]', '[10, 15]']);
    assert.deepEqual(aligned.control, [0.5, 0.5, 0]);
    assert.deepEqual(aligned.treatment, [0, 0.5, 0.5]);
    close(lInfinity(aligned).value, 0.5);
  });

  it('puts a point mass (a constant feature) in the interval that holds it, the last one closed', () => {
    assert.deepEqual(rebucket([{ low: 5, high: 5, count: 4 }], [0, 5, 10]), [0, 4]);
    assert.deepEqual(rebucket([{ low: 10, high: 10, count: 4 }], [0, 5, 10]), [0, 4]);
  });

  it('decided: both sides empty is distance 0, one side empty is 1', () => {
    const none = alignCategorical(new Map(), new Map());
    assert.equal(lInfinity(none).value, 0);
    assert.equal(jensenShannon(none), 0);
    const oneSide = alignCategorical(new Map([['a', 3]]), new Map());
    assert.equal(lInfinity(oneSide).value, 1);
    assert.equal(jensenShannon(oneSide), 1);
    assert.equal(jensenShannon(alignHistograms([{ low: 0, high: 1, count: 3 }], [])), 1);
  });

  it('decided: the same single value on both sides is one bucket, distance 0', () => {
    const same = alignHistograms([{ low: 7, high: 7, count: 3 }], [{ low: 7, high: 7, count: 9 }]);
    assert.deepEqual(same, { labels: ['7'], control: [1], treatment: [1] });
    assert.equal(jensenShannon(same), 0);
  });

  it('decided: an open-ended bucket (±∞) is clamped to the outermost finite edge, its count kept', () => {
    const aligned = alignHistograms(
      [
        { low: -Infinity, high: 0, count: 5 },
        { low: 0, high: 10, count: 5 },
      ],
      [{ low: -5, high: 10, count: 10 }],
    );
    assert.deepEqual(aligned.labels, ['[-5, 0]', '[0, 10]']);
    assert.deepEqual(aligned.control, [0.5, 0.5]);
    close(aligned.treatment[0]!, 1 / 3);
    // Nothing is lost to an infinite width: both sides still sum to 1.
    close(aligned.control.reduce((s, x) => s + x, 0), 1);
  });

  it('measures non-uniformity as 1 − normalised entropy', () => {
    assert.equal(nonUniformity([5, 5, 5, 5]), 0);
    assert.equal(nonUniformity([10, 0, 0, 0]), 1);
    assert.equal(nonUniformity([3]), 0);
  });
});
