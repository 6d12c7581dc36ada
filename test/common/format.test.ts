// common/format.ts: the one way durations and numbers are written, in the CLI, the trees, CodeLens and the views.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, formatNumber, formatPercent, formatSlice } from '../../common/format';

describe('formatDuration', () => {
  it('writes a 12.3 s step as "12.3 s" and 65 s as "1 min 5 s"', () => {
    assert.equal(formatDuration(12_300), '12.3 s');
    assert.equal(formatDuration(65_000), '1 min 5 s');
  });

  it('keeps one decimal below a minute, whole milliseconds below a second', () => {
    assert.equal(formatDuration(0), '0 ms');
    assert.equal(formatDuration(311.4), '311 ms');
    assert.equal(formatDuration(1_250), '1.3 s');
    assert.equal(formatDuration(9_950), '10.0 s');
    assert.equal(formatDuration(42_000), '42.0 s');
  });

  it('rounds before choosing the unit, so no "1000 ms", "60.0 s" or "1 min 60 s"', () => {
    assert.equal(formatDuration(999.6), '1.0 s');
    assert.equal(formatDuration(59_960), '1 min 0 s');
    assert.equal(formatDuration(119_600), '2 min 0 s');
    assert.equal(formatDuration(3_599_600), '1 h 0 min');
    assert.equal(formatDuration(3_723_000), '1 h 2 min');
  });

  it("says nothing for a missing value and 0 ms for a negative one (another process's clock)", () => {
    assert.equal(formatDuration(undefined), '');
    assert.equal(formatDuration(null), '');
    assert.equal(formatDuration(Number.NaN), '');
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), '');
    assert.equal(formatDuration(-5), '0 ms');
  });
});

describe('number formats', () => {
  it('formats numbers compactly and honestly', () => {
    assert.equal(formatNumber(undefined), '–');
    assert.equal(formatNumber(Number.NaN), 'NaN');
    assert.equal(formatNumber(-Infinity), '-∞');
    assert.equal(formatNumber(1234567), '1,234,567');
    assert.equal(formatNumber(0.123456), '0.123');
    assert.equal(formatNumber(1e-5), '1.00e-5');
    // Codes and ids stay whole and comparable: the taxi sample's census tracts.
    assert.equal(formatNumber(17031081500), '17,031,081,500');
    assert.equal(formatNumber(17031480234.6), '17,031,480,235');
    assert.equal(formatNumber(2.5e17), '2.50e+17');
  });

  it('formats percentages and slices', () => {
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(0.0004), '<0.1%');
    assert.equal(formatPercent(0.032), '3.2%');
    assert.equal(formatPercent(0.45), '45%');
    assert.equal(formatSlice({}), 'Overall');
    assert.equal(formatSlice({ island: 'Biscoe', sex: 'FEMALE' }), 'island = Biscoe, sex = FEMALE');
    assert.equal(formatSlice({ sex: null }), 'sex = (missing)');
    assert.equal(formatSlice({ island: 'Dream', sex: '' }), 'island = Dream, sex = (missing)');
  });
});
