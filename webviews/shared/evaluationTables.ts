// Evaluation tables shared by the evaluation and approval views: candidate against baseline.
import type { EvaluationSnapshot, MetricThresholdView, SliceKey } from '../protocol';
import { h } from './elementBuilder';
import { formatNumber, formatSlice } from '../../common/format';

export function sameSlice(a: SliceKey, b: SliceKey): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && String(a[k]) === String(b[k]));
}

export function metricNames(snapshot: EvaluationSnapshot): string[] {
  const names = new Set<string>(Object.keys(snapshot.candidate.overall));
  for (const s of snapshot.candidate.slices) for (const k of Object.keys(s.metrics)) names.add(k);
  names.delete('example_count');
  return [...names];
}

function signed(v: number): string {
  return `${v > 0 ? '+' : ''}${formatNumber(v)}`;
}

export function failedMetric(snapshot: EvaluationSnapshot, slice: SliceKey, metric: string): boolean {
  return snapshot.failures.some((f) => f.metric === metric && sameSlice(f.slice, slice));
}

export function verdict(snapshot: EvaluationSnapshot): HTMLElement {
  const blessed = snapshot.blessed;
  const ok = snapshot.validationOk;
  return h(
    'div',
    { class: 'verdict', id: 'verdict' },
    h('span', { class: `flag ${blessed === false ? 'error' : ''}` }, blessed === null ? 'blessing unknown' : blessed ? 'BLESSED' : 'NOT BLESSED'),
    ' ',
    h('span', { class: ok === false ? 'bad' : ok ? 'ok' : 'muted' }, ok === null ? 'no thresholds configured' : ok ? 'all thresholds passed' : `${snapshot.failures.length} threshold check${snapshot.failures.length === 1 ? '' : 's'} failed`),
  );
}

export function overallTable(snapshot: EvaluationSnapshot): HTMLTableElement {
  const table = h('table', { class: 'grid', id: 'overall' });
  table.appendChild(h('tr', {}, h('th', {}, 'metric'), h('th', {}, 'candidate'), h('th', {}, 'baseline'), h('th', {}, 'change'), h('th', {}, '')));
  for (const metric of metricNames(snapshot)) {
    const c = snapshot.candidate.overall[metric];
    const b = snapshot.baseline?.overall[metric];
    const failed = failedMetric(snapshot, {}, metric);
    table.appendChild(
      h(
        'tr',
        { 'data-metric': metric, class: failed ? 'failed' : '' },
        h('td', {}, h('span', { class: 'name', title: metric }, metric)),
        h('td', {}, formatNumber(c)),
        h('td', {}, snapshot.baseline ? formatNumber(b) : '–'),
        h('td', {}, c !== undefined && b !== undefined ? signed(c - b) : '–'),
        h('td', { class: failed ? 'bad' : '' }, failed ? 'failed' : ''),
      ),
    );
  }
  return table;
}

export function thresholdText(t: MetricThresholdView): string {
  const parts: string[] = [];
  if (t.lowerBound !== undefined) parts.push(`≥ ${formatNumber(t.lowerBound)}`);
  if (t.upperBound !== undefined) parts.push(`≤ ${formatNumber(t.upperBound)}`);
  if (t.change) {
    const dir = t.change.direction === 'higher_is_better' ? 'higher is better' : 'lower is better';
    if (t.change.absolute !== undefined) parts.push(`change ${t.change.absolute >= 0 ? '≥' : '≥'} ${formatNumber(t.change.absolute)} (${dir})`);
    if (t.change.relative !== undefined) parts.push(`relative change ${formatNumber(t.change.relative)} (${dir})`);
    if (t.change.absolute === undefined && t.change.relative === undefined) parts.push(dir);
  }
  return parts.join(', ') || 'none';
}

export function failureList(snapshot: EvaluationSnapshot): HTMLElement {
  const ul = h('ul', { id: 'failures' });
  for (const f of snapshot.failures) ul.appendChild(h('li', { class: 'bad' }, h('strong', {}, formatSlice(f.slice)), `: ${f.message || `${f.metric} = ${formatNumber(f.value)}`}`));
  return ul;
}

/** Metrics where a smaller value is the better one (TFMA's defaults for these names). */
const LOWER_IS_BETTER = new Set(['log_loss', 'rmse', 'mae', 'mse', 'mean_squared_error', 'mean_absolute_error', 'binary_crossentropy']);

/** Which way is better for a metric: the threshold's change direction, else the metric's convention. */
export function higherIsBetter(snapshot: EvaluationSnapshot, metric: string): boolean {
  const t = snapshot.thresholds.find((x) => x.metric === metric && x.change);
  if (t?.change) return t.change.direction === 'higher_is_better';
  return !LOWER_IS_BETTER.has(metric);
}

export interface SliceReviewRow {
  slice: SliceKey;
  count: number;
  metric: string;
  candidate: number | undefined;
  baseline: number | undefined;
  failed: boolean;
  /** Worse than the baseline in this metric's better direction. */
  worse: boolean;
  small: boolean;
}

/** The metrics a sign-off looks at per slice: those with thresholds, else the first one. */
export function reviewMetrics(snapshot: EvaluationSnapshot): string[] {
  const names = metricNames(snapshot);
  const thresholded = snapshot.thresholds.map((t) => t.metric).filter((m) => names.includes(m));
  return thresholded.length ? [...new Set(thresholded)] : names.slice(0, 1);
}

/** Every slice × review metric, candidate against baseline, with what is wrong; failing and worse rows first. */
export function sliceReviewRows(snapshot: EvaluationSnapshot): SliceReviewRow[] {
  const rows: SliceReviewRow[] = [];
  // Overall first, also when the evaluation lists it only as `overall` (no `[]` slicing spec).
  const overall = { slice: {}, count: snapshot.candidate.count ?? 0, metrics: snapshot.candidate.overall };
  const slices = snapshot.candidate.slices.some((x) => Object.keys(x.slice).length === 0) ? snapshot.candidate.slices : [overall, ...snapshot.candidate.slices];
  for (const slice of slices) {
    const base = snapshot.baseline?.slices.find((b) => sameSlice(b.slice, slice.slice)) ?? (Object.keys(slice.slice).length === 0 && snapshot.baseline ? { metrics: snapshot.baseline.overall } : undefined);
    for (const metric of reviewMetrics(snapshot)) {
      const c = slice.metrics[metric];
      const b = base?.metrics[metric];
      const diff = c !== undefined && b !== undefined ? c - b : 0;
      rows.push({
        slice: slice.slice,
        count: slice.count,
        metric,
        candidate: c,
        baseline: b,
        failed: failedMetric(snapshot, slice.slice, metric),
        worse: higherIsBetter(snapshot, metric) ? diff < -1e-9 : diff > 1e-9,
        small: slice.count < snapshot.minSliceSize,
      });
    }
  }
  const rank = (r: SliceReviewRow): number => (r.failed ? 0 : r.worse ? 1 : r.small ? 2 : 3);
  return rows.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map((x) => x.r);
}

/** One line: how many slices fail, got worse, are small. */
export function sliceReviewSummary(snapshot: EvaluationSnapshot, rows: SliceReviewRow[]): string {
  const slices = new Set(rows.map((r) => formatSlice(r.slice))).size;
  const count = (f: (r: SliceReviewRow) => boolean): number => new Set(rows.filter(f).map((r) => formatSlice(r.slice))).size;
  const parts = [`${count((r) => r.failed)} failing a threshold`];
  parts.push(snapshot.baseline ? `${count((r) => r.worse)} worse than the baseline` : 'no baseline to compare with');
  parts.push(`${count((r) => r.small)} under ${snapshot.minSliceSize} examples`);
  return `${slices} slice${slices === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}

/** The slices a reviewer signs off: candidate and baseline side by side, the failing or worsened ones flagged. */
export function sliceReviewTable(snapshot: EvaluationSnapshot, rows: SliceReviewRow[]): HTMLTableElement {
  const table = h('table', { class: 'grid', id: 'slice-review' });
  table.appendChild(h('tr', {}, h('th', {}, 'slice'), h('th', {}, 'examples'), h('th', {}, 'metric'), h('th', {}, 'candidate'), h('th', {}, 'baseline'), h('th', {}, 'change'), h('th', { class: 'flags' }, 'flags')));
  for (const r of rows) {
    const label = formatSlice(r.slice);
    const flags = [
      r.failed ? h('span', { class: 'flag error' }, 'fails threshold') : null,
      r.worse ? h('span', { class: 'flag warning' }, 'worse than baseline') : null,
      r.small ? h('span', { class: 'flag' }, 'small') : null,
    ];
    table.appendChild(
      h(
        'tr',
        { class: r.failed ? 'failed' : r.worse ? 'worse' : '', 'data-slice': label, 'data-metric': r.metric },
        h('td', {}, h('span', { class: 'name', title: label }, label)),
        h('td', {}, formatNumber(r.count)),
        h('td', {}, r.metric),
        h('td', {}, formatNumber(r.candidate)),
        h('td', {}, snapshot.baseline ? formatNumber(r.baseline) : '–'),
        h('td', {}, r.candidate !== undefined && r.baseline !== undefined ? signed(r.candidate - r.baseline) : '–'),
        h('td', { class: 'flags' }, ...flags),
      ),
    );
  }
  return table;
}
