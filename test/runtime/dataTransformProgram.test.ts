// The shared applyTransform: edge cases a served model meets on raw records.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyTransform, categoryKey, fnv1a32, parseTransformProgram, toNumber, transformedFeatureInfo, type TransformProgram } from '../../runtime/data/transformProgram';

const program: TransformProgram = {
  version: 1,
  analysedRows: 10,
  features: [
    { op: 'zscore', name: 'z', source: 'a', mean: 10, std: 0, fill: 10 },
    { op: 'minmax', name: 'm', source: 'a', min: 5, max: 5, fill: 5 },
    { op: 'log', name: 'l', source: 'a', fill: 0 },
    { op: 'bucketize', name: 'b', source: 'a', boundaries: [1, 2, 3], fill: 2 },
    { op: 'vocabulary', name: 'v', source: 'c', vocabulary: ['x', 'y'], numOovBuckets: 3 },
    { op: 'fill', name: 'f', source: 'c', fill: 'none' },
    { op: 'passthrough', name: 'p', source: 'p', numeric: true },
  ],
  label: { kind: 'classes', name: 'y', source: 'y', classes: ['no', 'yes'] },
};

describe('applyTransform', () => {
  test('degenerate constants do not produce NaN or Infinity: std 0 scales by 1, a zero range maps to 0', () => {
    const [out] = applyTransform(program, [{ a: 12, c: 'x', p: '3', y: 'yes' }]);
    assert.deepEqual(out, { z: 2, m: 0, l: Math.log1p(12), b: 3, v: 0, f: 'x', p: 3, y: 1 });
  });

  test('missing, NaN and unparseable inputs are filled; log of a negative is 0; boundaries are inclusive on the left', () => {
    const rows = applyTransform(program, [{ a: null, c: null }, { a: Number.NaN, c: '' }, { a: 'abc' }, { a: -5 }, { a: 2 }]);
    assert.equal(rows[0]!['z'], 0);
    assert.equal(rows[0]!['f'], 'none');
    assert.equal(rows[1]!['b'], 2);
    assert.equal(rows[2]!['z'], 0);
    assert.equal(rows[3]!['l'], 0);
    assert.equal(rows[4]!['b'], 2);
    assert.equal('y' in rows[0]!, false, 'no label in the row, none in the output (serving)');
  });

  test('out-of-vocabulary values spread over the OOV buckets by a stable hash; missing goes to the first', () => {
    const [a, b, missing] = applyTransform(program, [{ c: 'zebra' }, { c: 'zebra' }, {}]);
    assert.equal(a!['v'], b!['v']);
    assert.equal(a!['v'], 2 + (fnv1a32('zebra') % 3));
    assert.equal(missing!['v'], 2);
    assert.equal(fnv1a32(''), 0x811c9dc5);
  });

  test('an unknown label class is -1, numbers and bigints give the same category keys', () => {
    assert.equal(applyTransform(program, [{ y: 'maybe' }])[0]!['y'], -1);
    assert.equal(categoryKey(3n), categoryKey(3));
    assert.equal(categoryKey('3'), categoryKey(3));
    assert.equal(toNumber(' 2.5 '), 2.5);
    assert.equal(toNumber(true), 1);
  });

  test('transformedFeatureInfo and parseTransformProgram', () => {
    const info = transformedFeatureInfo(program);
    assert.deepEqual(info.map((i) => `${i.name}:${i.kind}`), ['z:numeric', 'm:numeric', 'l:numeric', 'b:categorical', 'v:categorical', 'f:passthrough', 'p:passthrough', 'y:categorical']);
    assert.equal(info.find((i) => i.name === 'v')!.vocabularySize, 5);
    assert.equal(info.find((i) => i.name === 'b')!.vocabularySize, 4);
    assert.throws(() => parseTransformProgram('{"version": 2, "features": []}'), /version 2/);
    assert.deepEqual(parseTransformProgram(JSON.stringify(program)), program);
  });
});
