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
