// Evaluation view: a ModelEvaluation's overall and per-slice metrics, candidate against baseline,
// the thresholds and which failed, a bar chart per slice, and example counts with small slices flagged.
import type { EvaluationSnapshot } from '../protocol';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, h } from '../shared/elementBuilder';
import { formatNumber, formatSlice } from '../../common/format';
import { horizontalBarsSvg } from '../shared/histogramChart';
import { failedMetric, failureList, metricNames, overallTable, thresholdText, verdict } from '../shared/evaluationTables';
import { classificationSection } from '../shared/classificationViews';
import '../shared/vscodeElements';
import css from './evaluation.css';

adoptStyles(css);
const channel = connect('evaluation');
const saved = channel.getState();
let snapshot: EvaluationSnapshot | null = saved?.snapshot ?? null;
let metric: string | null = saved?.metric ?? null;
const root = h('main', { id: 'root' });
document.body.appendChild(root);

function persist(): void {
  channel.setState({ snapshot, metric });
}

function chosenMetric(s: EvaluationSnapshot): string | null {
  const names = metricNames(s);
  if (metric && names.includes(metric)) return metric;
  return s.thresholds.find((t) => names.includes(t.metric))?.metric ?? names[0] ?? null;
}

function sliceSection(s: EvaluationSnapshot, m: string): HTMLElement {
  const section = h('section', {}, h('h2', {}, 'Slices'));
  const select = h('vscode-single-select', { id: 'metric', 'aria-label': 'Metric' }) as HTMLElement & { value: string };
  for (const name of metricNames(s)) select.appendChild(h('vscode-option', { value: name, selected: name === m }, name));
  select.addEventListener('change', () => {
    metric = select.value;
    persist();
    render();
  });
  section.appendChild(h('div', { class: 'toolbar' }, h('span', {}, 'Metric'), select, h('span', { class: 'muted' }, `slices under ${s.minSliceSize} examples are flagged`)));
  const table = h('table', { class: 'grid', id: 'slices', role: 'grid' });
  table.appendChild(h('tr', {}, h('th', {}, 'slice'), h('th', {}, 'examples'), h('th', {}, 'candidate'), h('th', {}, 'baseline'), h('th', {}, 'change'), h('th', {}, '')));
  const bars: Array<{ label: string; value: number; compare?: number }> = [];
  s.candidate.slices.forEach((slice, i) => {
    const base = s.baseline?.slices.find((b) => formatSlice(b.slice) === formatSlice(slice.slice));
    const c = slice.metrics[m];
    const b = base?.metrics[m];
    const small = slice.count < s.minSliceSize;
    const failed = failedMetric(s, slice.slice, m);
    const label = formatSlice(slice.slice);
    table.appendChild(
      h(
        'tr',
        { class: `${small ? 'small' : ''} ${failed ? 'failed' : ''}`, tabindex: i === 0 ? 0 : -1, 'data-slice': label },
        h('td', {}, h('span', { class: 'name', title: label }, label)),
        h('td', { class: 'count' }, formatNumber(slice.count), small ? h('span', { class: 'flag warning' }, 'small') : null),
        h('td', {}, formatNumber(c)),
        h('td', {}, formatNumber(b)),
        h('td', {}, c !== undefined && b !== undefined ? `${c - b > 0 ? '+' : ''}${formatNumber(c - b)}` : '–'),
        h('td', {}, failed ? 'failed' : ''),
      ),
    );
    bars.push({ label, value: c ?? 0, ...(s.baseline ? { compare: b ?? 0 } : {}) });
  });
  table.addEventListener('keydown', (ev) => {
    const rows = [...table.querySelectorAll<HTMLTableRowElement>('tr[tabindex]')];
    const i = rows.indexOf(document.activeElement as HTMLTableRowElement);
    const next = ev.key === 'ArrowDown' ? i + 1 : ev.key === 'ArrowUp' ? i - 1 : ev.key === 'Home' ? 0 : ev.key === 'End' ? rows.length - 1 : null;
    if (next === null || i < 0) return;
    ev.preventDefault();
    const target = rows[Math.max(0, Math.min(rows.length - 1, next))]!;
    rows.forEach((r) => r.setAttribute('tabindex', r === target ? '0' : '-1'));
    target.focus();
  });
  const maxValue = Math.max(1e-12, ...bars.flatMap((b) => [b.value, b.compare ?? 0]));
  const chart = h(
    'div',
    { id: 'slice-chart' },
    h('div', { class: 'legend' }, h('span', {}, h('span', { class: 'swatch main' }), 'candidate'), s.baseline ? h('span', {}, h('span', { class: 'swatch compare' }), 'baseline') : null),
    horizontalBarsSvg(bars, 420, { max: maxValue }),
  );
  section.appendChild(h('div', { class: 'slices' }, table, chart));
  return section;
}

function render(): void {
  clear(root);
  if (!snapshot) {
    root.appendChild(h('p', { class: 'muted' }, 'Loading the evaluation…'));
    return;
  }
  const s = snapshot;
  root.appendChild(h('h1', { class: 'name', title: s.label }, s.label));
  if (s.error) root.appendChild(h('div', { class: 'banner error', role: 'alert' }, s.error));
  root.appendChild(verdict(s));
  if (s.artifactId !== undefined) {
    const id = s.artifactId;
    const open = h('vscode-button', { id: 'open-artifact', secondary: true }, 'Open artifact');
    open.addEventListener('click', () => channel.post({ type: 'evaluation/openArtifact', artifactId: id }));
    root.appendChild(open);
  }
  if (s.failures.length) root.appendChild(h('section', {}, h('h2', {}, 'Failed checks'), failureList(s)));
  root.appendChild(h('section', {}, h('h2', {}, s.baseline ? 'Overall: candidate vs baseline' : 'Overall (no baseline model yet)'), overallTable(s)));
  if (s.thresholds.length) {
    const t = h('table', { class: 'grid', id: 'thresholds' });
    t.appendChild(h('tr', {}, h('th', {}, 'metric'), h('th', {}, 'threshold'), h('th', {}, 'result')));
    for (const th of s.thresholds) {
      const fails = s.failures.filter((f) => f.metric === th.metric).length;
      t.appendChild(h('tr', { class: fails ? 'failed' : '' }, h('td', {}, th.metric), h('td', {}, thresholdText(th)), h('td', { class: fails ? 'bad' : 'ok' }, fails ? `failed on ${fails} check${fails === 1 ? '' : 's'}` : 'passed')));
    }
    root.appendChild(h('section', {}, h('h2', {}, 'Thresholds'), t));
  }
  const classes = classificationSection(s.candidate, s.baseline);
  if (classes) root.appendChild(classes);
  const m = chosenMetric(s);
  if (m && s.candidate.slices.length) root.appendChild(sliceSection(s, m));
  document.body.dataset['rendered'] = String(Date.now());
}

channel.onMessage((message) => {
  if (message.type === 'evaluation/snapshot') {
    snapshot = message.snapshot;
    persist();
    render();
  }
});

render();
channel.post({ type: 'evaluation/ready' });
