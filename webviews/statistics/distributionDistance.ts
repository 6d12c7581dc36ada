// Distances between two distributions, as TFDV's drift/skew comparators define them (tfx-reference §3.2):
// L-infinity over normalised value counts for categorical features, Jensen–Shannon divergence (base 2,
// so it lies in [0, 1]) over histograms for numeric ones.
import type { Histogram, HistogramBucket } from '../protocol';

/** max_i |p_i − q_i| over the union of values, each side normalised by its own total. */
export function lInfinity(a: Map<string, number>, b: Map<string, number>, totalA?: number, totalB?: number): number {
  const ta = totalA && totalA > 0 ? totalA : sum(a.values());
  const tb = totalB && totalB > 0 ? totalB : sum(b.values());
  if (ta <= 0 || tb <= 0) return ta === tb ? 0 : 1;
  let worst = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    worst = Math.max(worst, Math.abs((a.get(key) ?? 0) / ta - (b.get(key) ?? 0) / tb));
  }
  return worst;
}

export function jensenShannon(p: number[], q: number[]): number {
  const tp = sum(p);
  const tq = sum(q);
  if (tp <= 0 || tq <= 0) return tp === tq ? 0 : 1;
  let js = 0;
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    const pi = (p[i] ?? 0) / tp;
    const qi = (q[i] ?? 0) / tq;
    const m = (pi + qi) / 2;
    if (pi > 0) js += 0.5 * pi * Math.log2(pi / m);
    if (qi > 0) js += 0.5 * qi * Math.log2(qi / m);
  }
  return Math.min(1, Math.max(0, js));
}

/**
 * Both histograms re-bucketed onto the union of their boundaries, spreading each bucket's count
 * uniformly over its width (two runs' histograms almost never share edges).
 */
export function alignHistograms(a: HistogramBucket[], b: HistogramBucket[]): { edges: number[]; a: number[]; b: number[] } {
  const edges = [...new Set([...a, ...b].flatMap((bk) => [bk.low, bk.high]).filter(Number.isFinite))].sort((x, y) => x - y);
  if (edges.length < 2) {
    return { edges: [edges[0] ?? 0, edges[0] ?? 0], a: [sum(a.map((bk) => bk.count))], b: [sum(b.map((bk) => bk.count))] };
  }
  const spread = (buckets: HistogramBucket[]): number[] => {
    const out = new Array<number>(edges.length - 1).fill(0);
    for (const bk of buckets) {
      const width = bk.high - bk.low;
      for (let i = 0; i < out.length; i++) {
        const lo = edges[i]!;
        const hi = edges[i + 1]!;
        if (width <= 0) {
          // A point bucket (constant feature) falls in the interval holding it.
          if (bk.low >= lo && (bk.low < hi || (i === out.length - 1 && bk.low <= hi))) {
            out[i]! += bk.count;
            break;
          }
          continue;
        }
        const overlap = Math.min(hi, bk.high) - Math.max(lo, bk.low);
        if (overlap > 0) out[i]! += (bk.count * overlap) / width;
      }
    }
    return out;
  };
  return { edges, a: spread(a), b: spread(b) };
}

export function histogramDistance(a: Histogram | undefined, b: Histogram | undefined): number | null {
  if (!a || !b) return null;
  const aligned = alignHistograms(a.buckets, b.buckets);
  return jensenShannon(aligned.a, aligned.b);
}

/** 1 − normalised entropy: 0 for a uniform distribution, 1 when everything is in one bucket. */
export function nonUniformity(counts: number[]): number {
  const positive = counts.filter((c) => c > 0);
  const total = sum(positive);
  if (counts.length < 2 || total <= 0) return 0;
  let entropy = 0;
  for (const c of positive) entropy -= (c / total) * Math.log(c / total);
  return Math.max(0, 1 - entropy / Math.log(counts.length));
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
