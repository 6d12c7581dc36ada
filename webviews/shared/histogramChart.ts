// Small SVG bar charts: histograms (optionally two overlaid) and labelled horizontal bars.
import { s } from './elementBuilder';
import { formatNumber } from '../../common/format';

export interface BarSeries {
  /** Heights, one per bucket. */
  values: number[];
  className: 'main' | 'compare';
}

export interface HistogramOptions {
  width: number;
  height: number;
  logScale: boolean;
  /** Bucket labels for tooltips. */
  labels: string[];
  /** Heights are fractions of each series' total (needed to overlay datasets of different sizes). */
  normalise: boolean;
}

function scaled(value: number, log: boolean): number {
  return log ? Math.log10(1 + Math.max(0, value)) : Math.max(0, value);
}

export function histogramSvg(series: BarSeries[], options: HistogramOptions): SVGSVGElement {
  const { width, height } = options;
  const n = Math.max(1, ...series.map((sr) => sr.values.length));
  const prepared = series.map((sr) => {
    const total = sr.values.reduce((a, b) => a + b, 0) || 1;
    const vals = sr.values.map((v) => scaled(options.normalise ? v / total : v, options.logScale && !options.normalise ? true : false));
    return { ...sr, vals, raw: sr.values, total };
  });
  // Log scale of fractions: scale the fractions by 1000 first so small buckets stay visible.
  if (options.logScale && options.normalise) {
    for (const p of prepared) p.vals = p.raw.map((v) => Math.log10(1 + (1000 * Math.max(0, v)) / p.total));
  }
  const max = Math.max(1e-12, ...prepared.flatMap((p) => p.vals));
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'histogram' });
  const barW = width / n;
  prepared.forEach((p, si) => {
    p.vals.forEach((v, i) => {
      const h = (v / max) * (height - 12);
      const inset = series.length > 1 ? (si === 0 ? 0.5 : barW * 0.25) : 0.5;
      const rect = s('rect', {
        class: `chart-bar ${p.className}`,
        x: (i * barW + inset).toFixed(2),
        y: (height - 10 - h).toFixed(2),
        width: Math.max(1, barW - inset - 1).toFixed(2),
        height: Math.max(0, h).toFixed(2),
      });
      rect.appendChild(s('title', {}, `${options.labels[i] ?? ''}: ${formatNumber(p.raw[i] ?? 0)}`));
      svg.appendChild(rect);
    });
  });
  svg.appendChild(s('line', { class: 'chart-axis', x1: 0, x2: width, y1: height - 10, y2: height - 10 }));
  return svg;
}

export interface HorizontalBar {
  label: string;
  value: number;
  compare?: number;
}

/** Labelled horizontal bars (top values, per-slice metrics). Labels are SVG text nodes, never markup. */
export function horizontalBarsSvg(bars: HorizontalBar[], width: number, options: { max?: number; format?: (v: number) => string } = {}): SVGSVGElement {
  const rowH = bars.some((b) => b.compare !== undefined) ? 22 : 16;
  const height = bars.length * rowH + 4;
  const labelW = Math.min(160, width * 0.4);
  const max = options.max ?? Math.max(1e-12, ...bars.flatMap((b) => [b.value, b.compare ?? 0]));
  const fmt = options.format ?? ((v: number) => formatNumber(v));
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'hbars' });
  const barSpace = width - labelW - 60;
  bars.forEach((bar, i) => {
    const y = i * rowH + 2;
    const label = bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label;
    const text = s('text', { class: 'chart-label', x: labelW - 4, y: y + 11, 'text-anchor': 'end' }, label);
    text.appendChild(s('title', {}, bar.label));
    svg.appendChild(text);
    const split = bar.compare !== undefined;
    const h = split ? (rowH - 4) / 2 : rowH - 4;
    svg.appendChild(s('rect', { class: 'chart-bar main', x: labelW, y, height: h, width: Math.max(1, (bar.value / max) * barSpace).toFixed(2) }));
    if (split) {
      svg.appendChild(s('rect', { class: 'chart-bar compare', x: labelW, y: y + h, height: h, width: Math.max(1, ((bar.compare ?? 0) / max) * barSpace).toFixed(2) }));
    }
    svg.appendChild(s('text', { class: 'chart-label', x: labelW + Math.max(1, (Math.max(bar.value, bar.compare ?? 0) / max) * barSpace) + 4, y: y + 11 }, fmt(bar.value) + (split ? ` / ${fmt(bar.compare ?? 0)}` : '')));
  });
  return svg;
}
