// Distances between two distributions, as TFDV's drift and skew comparators define them
// (tfx-reference §3.2): L-infinity, max_i |p_i − q_i| over normalised counts, and the Jensen–Shannon
// divergence in base 2 (so in [0, 1]). One implementation for the validator's anomalies (Problems) and
// the statistics view's distance column, so the two always agree on the same data.
//
// Decided edge cases (test/runtime/common.test.ts):
// - each side is normalised by the sum of its own listed counts (TFDV normalises the rank histogram);
// - both sides empty: distance 0; exactly one side empty: distance 1 (everything moved);
// - histograms with different boundaries are re-bucketed onto the union of their boundaries, each
//   bucket's count spread uniformly over its width; a bucket of zero width (a constant feature) is a
//   point mass in the interval that holds it;
// - a non-finite boundary (an open-ended bucket, −∞ or +∞) is clamped to the outermost finite boundary
//   of the two histograms, so its count is kept, not dropped; with no finite boundary at all, or when
//   every boundary is the same value, both sides are one bucket.

/** A histogram bucket: [low, high] holding `count` values. */
export interface Bucket {
  low: number;
  high: number;
  count: number;
}

/** Two probability vectors over the same support, with a label per position. */
export interface AlignedDistributions {
  labels: string[];
  control: number[];
  treatment: number[];
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) if (Number.isFinite(v)) total += v;
  return total;
}

function normalise(v: number[]): number[] {
  const total = sum(v);
  return total > 0 ? v.map((x) => (Number.isFinite(x) ? x / total : 0)) : v.map(() => 0);
}

/** Categorical features: aligned by value (labels sorted), each side normalised by its own total. */
export function alignCategorical(control: ReadonlyMap<string, number>, treatment: ReadonlyMap<string, number>): AlignedDistributions {
  const labels = [...new Set([...control.keys(), ...treatment.keys()])].sort();
  return {
    labels,
    control: normalise(labels.map((l) => control.get(l) ?? 0)),
    treatment: normalise(labels.map((l) => treatment.get(l) ?? 0)),
  };
}

/** Spread buckets' counts over new boundaries, assuming values uniform inside each bucket. */
export function rebucket(buckets: readonly Bucket[], edges: readonly number[], lowest = edges[0] ?? 0, highest = edges[edges.length - 1] ?? 0): number[] {
  const out = new Array<number>(Math.max(0, edges.length - 1)).fill(0);
  for (const raw of buckets) {
    if (!(raw.count > 0)) continue;
    const low = clamp(raw.low, lowest, highest);
    const high = clamp(raw.high, lowest, highest);
    const width = high - low;
    for (let i = 0; i < out.length; i++) {
      const lo = edges[i]!;
      const hi = edges[i + 1]!;
      if (width <= 0) {
        // A point mass (all values equal): it belongs to the bucket containing it; the last is closed.
        if (low >= lo && (low < hi || (i === out.length - 1 && low <= hi))) {
          out[i]! += raw.count;
          break;
        }
        continue;
      }
      const overlap = Math.min(hi, high) - Math.max(lo, low);
      if (overlap > 0) out[i]! += (raw.count * overlap) / width;
    }
  }
  return out;
}

function clamp(x: number, lowest: number, highest: number): number {
  if (Number.isNaN(x)) return lowest;
  return Math.min(highest, Math.max(lowest, x));
}

/** Numeric features: both histograms re-bucketed onto the union of their boundaries, then normalised. */
export function alignHistograms(control: readonly Bucket[], treatment: readonly Bucket[]): AlignedDistributions {
  const edges = [...new Set([...control, ...treatment].flatMap((b) => [b.low, b.high]).filter(Number.isFinite))].sort((x, y) => x - y);
  if (edges.length < 2) {
    const single = (bs: readonly Bucket[]) => [sum(bs.map((b) => b.count))];
    return { labels: [edges.length ? String(edges[0]) : 'all values'], control: normalise(single(control)), treatment: normalise(single(treatment)) };
  }
  const labels = edges.slice(0, -1).map((e, i) => `[${e}, ${edges[i + 1]}]`);
  return { labels, control: normalise(rebucket(control, edges)), treatment: normalise(rebucket(treatment, edges)) };
}

/** 0 when both sides are empty, 1 when exactly one is, undefined when both have data. */
function emptiness(d: AlignedDistributions): number | undefined {
  const a = sum(d.control) > 0;
  const b = sum(d.treatment) > 0;
  if (a && b) return undefined;
  return a === b ? 0 : 1;
}

/** L-infinity distance, and the label (value or bucket) where the difference is largest. */
export function lInfinity(d: AlignedDistributions): { value: number; label: string } {
  const empty = emptiness(d);
  if (empty !== undefined) return { value: empty, label: '' };
  let best = 0;
  let label = '';
  d.control.forEach((p, i) => {
    const diff = Math.abs(p - (d.treatment[i] ?? 0));
    if (diff > best) {
      best = diff;
      label = d.labels[i] ?? '';
    }
  });
  return { value: best, label };
}

/** Jensen–Shannon divergence in base 2, in [0, 1]. */
export function jensenShannon(d: AlignedDistributions): number {
  const empty = emptiness(d);
  if (empty !== undefined) return empty;
  let js = 0;
  d.control.forEach((p, i) => {
    const q = d.treatment[i] ?? 0;
    const m = (p + q) / 2;
    if (p > 0) js += 0.5 * p * Math.log2(p / m);
    if (q > 0) js += 0.5 * q * Math.log2(q / m);
  });
  return Math.max(0, Math.min(1, js));
}

/** 1 − normalised entropy of counts: 0 for a uniform distribution, 1 when everything is in one bucket. */
export function nonUniformity(counts: readonly number[]): number {
  const positive = counts.filter((c) => c > 0);
  const total = sum(positive);
  if (counts.length < 2 || total <= 0) return 0;
  let entropy = 0;
  for (const c of positive) entropy -= (c / total) * Math.log(c / total);
  return Math.max(0, 1 - entropy / Math.log(counts.length));
}
