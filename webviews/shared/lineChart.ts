// Small SVG line charts on the unit square (ROC, precision-recall, calibration): axes from 0 to 1, an
// optional diagonal for reference, one polyline per series, and dots where a series asks for them.
// Built with the text-only `s()` builder: labels are text nodes, never markup.
import { s } from './elementBuilder';
import { formatNumber } from '../../common/format';

export interface LineSeries {
  label: string;
  /** Points in [0, 1] × [0, 1]. */
  points: Array<{ x: number; y: number; title?: string }>;
  className: 'main' | 'compare';
  dots?: boolean;
}

export interface LineChartOptions {
  xLabel: string;
  yLabel: string;
  /** Accessible name of the chart. */
  title: string;
  diagonal?: boolean;
  width?: number;
  height?: number;
}

export function lineChartSvg(series: LineSeries[], options: LineChartOptions): SVGSVGElement {
  const width = options.width ?? 260;
  const height = options.height ?? 230;
  const left = 38;
  const bottom = 32;
  const top = 8;
  const right = 10;
  const w = width - left - right;
  const hgt = height - top - bottom;
  const px = (x: number): number => left + Math.max(0, Math.min(1, x)) * w;
  const py = (y: number): number => top + (1 - Math.max(0, Math.min(1, y))) * hgt;
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': options.title, class: 'line-chart' });
  svg.appendChild(s('title', {}, options.title));
  svg.appendChild(s('rect', { class: 'chart-frame', x: left, y: top, width: w, height: hgt }));
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    svg.appendChild(s('line', { class: 'chart-grid', x1: px(t), x2: px(t), y1: top, y2: top + hgt }));
    svg.appendChild(s('line', { class: 'chart-grid', x1: left, x2: left + w, y1: py(t), y2: py(t) }));
    if (t === 0.25 || t === 0.75) continue;
    svg.appendChild(s('text', { class: 'chart-label', x: px(t), y: top + hgt + 12, 'text-anchor': 'middle' }, String(t)));
    svg.appendChild(s('text', { class: 'chart-label', x: left - 4, y: py(t) + 3, 'text-anchor': 'end' }, String(t)));
  }
  svg.appendChild(s('text', { class: 'chart-label axis-title', x: left + w / 2, y: height - 4, 'text-anchor': 'middle' }, options.xLabel));
  svg.appendChild(s('text', { class: 'chart-label axis-title', x: 10, y: top + hgt / 2, 'text-anchor': 'middle', transform: `rotate(-90 10 ${top + hgt / 2})` }, options.yLabel));
  if (options.diagonal) svg.appendChild(s('line', { class: 'chart-reference', x1: px(0), y1: py(0), x2: px(1), y2: py(1) }));
  // The compared series first, so the main one stays on top where they coincide.
  const ordered = [...series.filter((x) => x.className === 'compare'), ...series.filter((x) => x.className !== 'compare')];
  for (const sr of ordered) {
    if (!sr.points.length) continue;
    const d = sr.points.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
    const line = s('polyline', { class: `chart-line ${sr.className}`, points: d });
    line.appendChild(s('title', {}, sr.label));
    svg.appendChild(line);
    if (!sr.dots) continue;
    for (const p of sr.points) {
      const dot = s('circle', { class: `chart-dot ${sr.className}`, cx: px(p.x).toFixed(1), cy: py(p.y).toFixed(1), r: 3 });
      dot.appendChild(s('title', {}, p.title ?? `${sr.label}: ${formatNumber(p.x)}, ${formatNumber(p.y)}`));
      svg.appendChild(dot);
    }
  }
  return svg;
}
