// Distances between two features' distributions, as TFDV's comparators measure them: L-infinity over
// normalised value counts, and Jensen–Shannon divergence (base 2, so in [0, 1]) over histograms.
import type { FeatureNameStatistics, Histogram } from './statisticsTypes';

/** Two aligned probability vectors over the same support. */
export interface AlignedDistributions {
  control: number[];
  treatment: number[];
  labels: string[];
}

function normalise(v: number[]): number[] {
  const total = v.reduce((s, x) => s + x, 0);
  return total > 0 ? v.map((x) => x / total) : v.map(() => 0);
}

function categoricalCounts(f: FeatureNameStatistics): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of f.stringStats?.rankHistogram.buckets ?? []) m.set(b.label, (m.get(b.label) ?? 0) + b.sampleCount);
  if (m.size === 0) for (const t of f.stringStats?.topValues ?? []) m.set(t.value, t.frequency);
  return m;
}

function standardHistogram(f: FeatureNameStatistics): Histogram | undefined {
  return f.numStats?.histograms.find((h) => h.type === 'STANDARD' && h.buckets.length > 0);
}

/** Spread a histogram's counts over new boundaries, assuming values uniform inside each bucket. */
function rebucket(h: Histogram, edges: number[]): number[] {
  const out = new Array<number>(edges.length - 1).fill(0);
  for (const b of h.buckets) {
    const width = b.highValue - b.lowValue;
    for (let i = 0; i < edges.length - 1; i++) {
      const lo = edges[i] as number;
      const hi = edges[i + 1] as number;
      if (width <= 0) {
        // A point mass (all values equal): it belongs to the bucket containing it.
        if (b.lowValue >= lo && (b.lowValue < hi || (i === edges.length - 2 && b.lowValue <= hi))) {
          out[i] = (out[i] as number) + b.sampleCount;
          break;
        }
        continue;
      }
      const overlap = Math.min(hi, b.highValue) - Math.max(lo, b.lowValue);
      if (overlap > 0) out[i] = (out[i] as number) + (b.sampleCount * overlap) / width;
    }
  }
  return out;
}

/** Align two features' distributions: categorical by value, numeric by merged histogram boundaries. */
export function alignDistributions(control: FeatureNameStatistics, treatment: FeatureNameStatistics): AlignedDistributions | undefined {
  if (control.stringStats || treatment.stringStats) {
    const a = categoricalCounts(control);
    const b = categoricalCounts(treatment);
    const labels = [...new Set([...a.keys(), ...b.keys()])].sort();
    return { labels, control: normalise(labels.map((l) => a.get(l) ?? 0)), treatment: normalise(labels.map((l) => b.get(l) ?? 0)) };
  }
  const ha = standardHistogram(control);
  const hb = standardHistogram(treatment);
  if (!ha || !hb) return undefined;
  const edges = [...new Set([...ha.buckets.flatMap((x) => [x.lowValue, x.highValue]), ...hb.buckets.flatMap((x) => [x.lowValue, x.highValue])])].sort((x, y) => x - y);
  if (edges.length < 2) return { labels: [String(edges[0])], control: [1], treatment: [1] };
  const labels = edges.slice(0, -1).map((e, i) => `[${e}, ${edges[i + 1]}]`);
  return { labels, control: normalise(rebucket(ha, edges)), treatment: normalise(rebucket(hb, edges)) };
}

export function lInfinity(d: AlignedDistributions): { value: number; label: string } {
  let best = 0;
  let label = '';
  d.control.forEach((p, i) => {
    const diff = Math.abs(p - (d.treatment[i] as number));
    if (diff > best) {
      best = diff;
      label = d.labels[i] as string;
    }
  });
  return { value: best, label };
}

export function jensenShannon(d: AlignedDistributions): number {
  let js = 0;
  d.control.forEach((p, i) => {
    const q = d.treatment[i] as number;
    const m = (p + q) / 2;
    if (p > 0) js += 0.5 * p * Math.log2(p / m);
    if (q > 0) js += 0.5 * q * Math.log2(q / m);
  });
  return Math.max(0, Math.min(1, js));
}
