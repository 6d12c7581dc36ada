// Compare Runs: what changed between two runs, per component (params, state, outputs, metrics with their
// thresholds, schema, anomalies, a link to the statistics comparison), "only differences" on by default,
// and a chart of one metric across the pipeline's runs with blessed runs marked (TFMA's time series).
import type { ComponentDiff, MetricHistory, RunDiff, RunDiffSnapshot } from '../protocol';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, h, s } from '../shared/elementBuilder';
import { formatDuration, formatNumber } from '../../common/format';
import { STEP_STATE_TEXT } from '../../common/stepStates';
import css from './runDiff.css';

adoptStyles(css);
const channel = connect('runDiff');
const saved = channel.getState();
let snapshot: RunDiffSnapshot | null = saved?.snapshot ?? null;
let onlyDifferences = saved?.onlyDifferences ?? true;
let metric: string | null = saved?.metric ?? null;
let slice: string | null = saved?.slice ?? null;
const root = h('main', { id: 'root' });
document.body.appendChild(root);

function persist(): void {
  channel.setState({ snapshot, onlyDifferences, metric, slice });
}

function text(v: unknown): string {
  if (v === undefined) return '(not set)';
  return typeof v === 'string' ? v : String(v);
}

function signed(n: number | undefined): string {
  if (n === undefined) return '–';
  return `${n > 0 ? '+' : ''}${formatNumber(n)}`;
}

function shortType(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1);
}

/** A column header for a run: which of the two, and when it started (the full id is in the title). */
function runLabel(r: RunDiff['left'], d?: RunDiff): string {
  const which = d ? (r === d.left ? 'first run' : 'second run') : 'run';
  return `${which} · ${new Date(r.createTime).toLocaleTimeString()}`;
}

function stateCell(c: ComponentDiff['left']): HTMLElement {
  if (!c) return h('span', { class: 'muted' }, 'not in this run');
  const kind = c.cached ? 'cached' : c.state === 'complete' ? 'executed' : STEP_STATE_TEXT[c.state];
  return h('span', { class: `state state-${c.cached ? 'cached' : c.state}` }, kind, h('span', { class: 'muted' }, ` ${formatDuration(c.durationMs)}`));
}

const VERDICT_TEXT: Record<string, string> = {
  'same-artifact': 'same artifact',
  'same-content': 'same content',
  'different-content': 'different content',
  unknown: 'not compared',
  'only-left': 'only in the first run',
  'only-right': 'only in the second run',
};

function thresholdText(t: NonNullable<ComponentDiff['metrics']>['deltas'][number]['threshold']): string {
  if (!t) return '';
  const parts: string[] = [];
  if (t.lowerBound !== undefined) parts.push(`≥ ${formatNumber(t.lowerBound)}`);
  if (t.upperBound !== undefined) parts.push(`≤ ${formatNumber(t.upperBound)}`);
  if (t.change) parts.push(`change ${t.change.direction === 'higher_is_better' ? 'higher is better' : 'lower is better'}${t.change.absolute !== undefined ? ` (${formatNumber(t.change.absolute)})` : ''}`);
  return parts.join(', ');
}

function componentSection(c: ComponentDiff, d: RunDiff): HTMLElement | null {
  if (onlyDifferences && !c.changed) return null;
  const section = h('section', { class: `component${c.changed ? ' changed' : ''}`, 'data-node': c.nodeId });
  section.appendChild(
    h(
      'h2',
      {},
      h('span', { class: 'node' }, c.nodeId),
      h('span', { class: 'muted type' }, ` ${shortType(c.type)}`),
      c.changed ? null : h('span', { class: 'flag' }, 'unchanged'),
    ),
  );
  section.appendChild(h('div', { class: 'states' }, stateCell(c.left), h('span', { class: 'arrow', 'aria-label': 'then' }, ' → '), stateCell(c.right)));
  const params = c.params.filter((p) => !onlyDifferences || p.changed);
  if (params.length) {
    const t = h('table', { class: 'grid params' }, h('tr', {}, h('th', {}, 'param'), h('th', {}, runLabel(d.left, d)), h('th', {}, runLabel(d.right, d))));
    for (const p of params) t.appendChild(h('tr', { class: p.changed ? 'diff' : '', 'data-param': p.name }, h('td', {}, p.name), h('td', { class: 'value' }, text(p.left)), h('td', { class: 'value' }, text(p.right))));
    section.appendChild(t);
  }
  const outputs = c.outputs.filter((o) => !onlyDifferences || (o.verdict !== 'same-artifact' && o.verdict !== 'same-content'));
  if (outputs.length) {
    const t = h('table', { class: 'grid outputs' }, h('tr', {}, h('th', {}, 'output'), h('th', {}, 'artifacts'), h('th', {}, 'content'), h('th', {}, 'how we know')));
    for (const o of outputs) {
      t.appendChild(
        h(
          'tr',
          { 'data-output': o.key },
          h('td', {}, `${o.key} `, h('span', { class: 'muted' }, o.type)),
          h('td', {}, `${o.left ? `#${o.left.artifactId}` : '–'} → ${o.right ? `#${o.right.artifactId}` : '–'}`),
          h('td', { class: `verdict ${o.verdict}` }, VERDICT_TEXT[o.verdict] ?? o.verdict),
          h('td', { class: 'how muted' }, o.how),
        ),
      );
    }
    section.appendChild(t);
  }
  if (c.metrics) {
    const m = c.metrics;
    if (!onlyDifferences || m.blessed.left !== m.blessed.right) {
      const word = (b: boolean | null) => (b === null ? 'not validated' : b ? 'blessed' : 'not blessed');
      section.appendChild(h('p', { class: 'blessing' }, 'Blessing: ', h('span', { class: m.blessed.left ? 'ok' : 'bad' }, word(m.blessed.left)), ' → ', h('span', { class: m.blessed.right ? 'ok' : 'bad' }, word(m.blessed.right))));
    }
    const deltas = m.deltas.filter((x) => !onlyDifferences || (x.delta !== undefined && x.delta !== 0) || x.delta === undefined);
    if (deltas.length) {
      const t = h('table', { class: 'grid metrics' }, h('tr', {}, h('th', {}, 'slice'), h('th', {}, 'metric'), h('th', {}, runLabel(d.left, d)), h('th', {}, runLabel(d.right, d)), h('th', {}, 'change'), h('th', {}, 'threshold')));
      for (const x of deltas) {
        const fails = x.rightPasses === false;
        t.appendChild(
          h(
            'tr',
            { 'data-metric': x.metric, 'data-slice': x.slice, class: fails ? 'fails' : '' },
            h('td', {}, x.slice),
            h('td', {}, x.metric),
            h('td', {}, formatNumber(x.left)),
            h('td', {}, formatNumber(x.right)),
            h('td', { class: x.delta === undefined || x.delta === 0 ? 'muted' : 'delta' }, signed(x.delta)),
            h('td', { class: fails ? 'bad' : 'muted' }, x.threshold ? `${thresholdText(x.threshold)}${fails ? ' · fails' : x.rightPasses ? ' · passes' : ''}` : ''),
          ),
        );
      }
      section.appendChild(t);
    }
    if (m.note) section.appendChild(h('p', { class: 'muted note' }, m.note));
  }
  if (c.schema) {
    for (const f of c.schema.changes) {
      section.appendChild(h('p', { class: 'schema-change' }, h('span', { class: `flag kind-${f.kind}` }, f.kind), ' ', h('span', { class: 'mono' }, f.feature), f.kind === 'added' ? ` ${text(f.right)}` : f.kind === 'removed' ? ` ${text(f.left)}` : `: ${text(f.left)} → ${text(f.right)}`));
    }
    if (c.schema.note) section.appendChild(h('p', { class: 'muted note' }, c.schema.note));
  }
  if (c.anomalies) {
    for (const a of c.anomalies.changes) {
      section.appendChild(
        h(
          'p',
          { class: `anomaly ${a.change}` },
          h('span', { class: `flag ${a.change === 'appeared' ? 'error' : ''}` }, a.change === 'appeared' ? 'appeared' : 'went away'),
          ' ',
          h('span', { class: 'mono' }, a.feature || '(dataset)'),
          ` ${a.type} (${a.split}): ${a.description}`,
        ),
      );
    }
    if (!onlyDifferences && c.anomalies.unchanged) section.appendChild(h('p', { class: 'muted' }, `${c.anomalies.unchanged} anomal${c.anomalies.unchanged === 1 ? 'y' : 'ies'} in both runs`));
    if (c.anomalies.note) section.appendChild(h('p', { class: 'muted note' }, c.anomalies.note));
  }
  if (c.statistics) {
    const { left, right } = c.statistics;
    const link = h('a', { href: '#', class: 'open-statistics', role: 'button' }, left === right ? 'Open the statistics (the same artifact in both runs)' : `Compare the statistics (#${left} ↔ #${right})`);
    link.addEventListener('click', (ev) => {
      ev.preventDefault();
      channel.post({ type: 'runDiff/compareStatistics', left, right });
    });
    section.appendChild(h('p', {}, link));
  }
  return section;
}

const CHART = { width: 560, height: 200, left: 52, right: 16, top: 14, bottom: 28 };

function historySection(history: MetricHistory, d: RunDiff): HTMLElement {
  const section = h('section', { id: 'history' }, h('h2', {}, `Metrics over runs · ${history.pipeline}`));
  if (history.points.length === 0) {
    section.appendChild(h('p', { class: 'muted' }, 'No run of this pipeline has an evaluation whose metrics can be read.'));
    return section;
  }
  const m = metric && history.metrics.includes(metric) ? metric : (history.metrics.includes('accuracy') ? 'accuracy' : history.metrics[0]!);
  const sl = slice && history.slices.includes(slice) ? slice : 'Overall';
  const metricSelect = h('select', { id: 'history-metric', 'aria-label': 'Metric' });
  for (const name of history.metrics) metricSelect.appendChild(h('option', { value: name, selected: name === m }, name));
  const sliceSelect = h('select', { id: 'history-slice', 'aria-label': 'Slice' });
  for (const name of history.slices) sliceSelect.appendChild(h('option', { value: name, selected: name === sl }, name));
  metricSelect.addEventListener('change', () => {
    metric = metricSelect.value;
    persist();
    render();
  });
  sliceSelect.addEventListener('change', () => {
    slice = sliceSelect.value;
    persist();
    render();
  });
  section.appendChild(h('div', { class: 'controls' }, h('label', {}, 'Metric ', metricSelect), h('label', {}, 'Slice ', sliceSelect)));
  const points = history.points.map((p, i) => ({ p, i, v: p.values[sl]?.[m] })).filter((x): x is typeof x & { v: number } => typeof x.v === 'number' && Number.isFinite(x.v));
  if (points.length === 0) {
    section.appendChild(h('p', { class: 'muted' }, `No run has ${m} for ${sl}.`));
    return section;
  }
  const { width, height, left, right, top, bottom } = CHART;
  let lo = Math.min(...points.map((x) => x.v));
  let hi = Math.max(...points.map((x) => x.v));
  if (hi - lo < 1e-9) {
    lo -= Math.abs(lo) * 0.05 || 0.5;
    hi += Math.abs(hi) * 0.05 || 0.5;
  }
  const n = history.points.length;
  // Inset from the axis, so the first point does not sit on the axis labels.
  const inset = 16;
  const x = (i: number) => left + inset + (n === 1 ? (width - left - right - inset) / 2 : (i * (width - left - right - inset)) / (n - 1));
  const y = (v: number) => top + ((hi - v) * (height - top - bottom)) / (hi - lo);
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${m} (${sl}) across ${n} runs`, id: 'history-chart' });
  for (const v of [lo, (lo + hi) / 2, hi]) {
    svg.appendChild(s('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), class: 'gridline' }));
    svg.appendChild(s('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, formatNumber(v)));
  }
  svg.appendChild(s('polyline', { points: points.map((q) => `${x(q.i)},${y(q.v)}`).join(' '), class: 'series' }));
  const compared = new Set([d.left.runContextId, d.right.runContextId]);
  for (const q of points) {
    const cls = ['point', q.p.blessed ? 'blessed' : q.p.blessed === false ? 'not-blessed' : 'unvalidated', compared.has(q.p.runContextId) ? 'compared' : '', q.p.cached ? 'cached' : ''].filter(Boolean).join(' ');
    const tip = `run ${q.p.runName}\n${new Date(q.p.createTime).toLocaleString()}\n${m} (${sl}) = ${formatNumber(q.v)}\n${q.p.blessed ? 'blessed' : q.p.blessed === false ? 'not blessed' : 'not validated'}${q.p.cached ? ' · evaluation from the cache' : ''}`;
    const g = s('g', { class: cls, 'data-run': q.p.runName, tabindex: 0 }, s('title', {}, tip));
    if (q.p.blessed) g.appendChild(s('polygon', { points: star(x(q.i), y(q.v), 7) }));
    else g.appendChild(s('circle', { cx: x(q.i), cy: y(q.v), r: 4.5 }));
    if (compared.has(q.p.runContextId)) g.appendChild(s('circle', { cx: x(q.i), cy: y(q.v), r: 9, class: 'ring' }));
    svg.appendChild(g);
  }
  svg.appendChild(s('text', { x: left, y: height - 8, class: 'axis' }, new Date(history.points[0]!.createTime).toLocaleDateString()));
  svg.appendChild(s('text', { x: width - right, y: height - 8, 'text-anchor': 'end', class: 'axis' }, `${n} run${n === 1 ? '' : 's'} · newest`));
  section.appendChild(svg);
  section.appendChild(
    h(
      'p',
      { class: 'legend muted' },
      h('span', { class: 'swatch blessed' }, '★'),
      ' blessed  ',
      h('span', { class: 'swatch not-blessed' }, '●'),
      ' not blessed  ',
      h('span', { class: 'swatch ring' }, '◯'),
      ' the two runs compared',
    ),
  );
  for (const note of history.notes.slice(0, 3)) section.appendChild(h('p', { class: 'muted note' }, note));
  return section;
}

function star(cx: number, cy: number, r: number): string {
  const pts: string[] = [];
  for (let k = 0; k < 10; k++) {
    const rad = k % 2 === 0 ? r : r * 0.45;
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    pts.push(`${(cx + rad * Math.cos(a)).toFixed(1)},${(cy + rad * Math.sin(a)).toFixed(1)}`);
  }
  return pts.join(' ');
}

function render(): void {
  clear(root);
  if (!snapshot) {
    root.appendChild(h('p', { class: 'muted' }, 'Loading the comparison…'));
    return;
  }
  const snap = snapshot;
  if (snap.error) root.appendChild(h('div', { class: 'banner error', role: 'alert' }, snap.error));
  const d = snap.diff;
  if (!d) return;
  root.appendChild(
    h(
      'h1',
      {},
      h('span', { class: 'run', title: `${d.left.pipeline} · ${new Date(d.left.createTime).toLocaleString()}` }, d.left.name),
      ' → ',
      h('span', { class: 'run', title: `${d.right.pipeline} · ${new Date(d.right.createTime).toLocaleString()}` }, d.right.name),
    ),
  );
  root.appendChild(h('p', { class: 'muted' }, d.samePipeline ? `pipeline ${d.right.pipeline} · ${new Date(d.left.createTime).toLocaleString()} → ${new Date(d.right.createTime).toLocaleString()}` : ''));
  if (!d.samePipeline) root.appendChild(h('div', { class: 'banner', role: 'note' }, `These runs belong to two pipelines (${d.left.pipeline} and ${d.right.pipeline}): components are matched by id.`));
  const sum = d.summary;
  root.appendChild(
    h(
      'dl',
      { class: 'summary', id: 'summary' },
      h('dt', {}, 'Changed params'),
      h('dd', { id: 'changed-params' }, sum.changedParams.length ? sum.changedParams.join(', ') : 'none'),
      h('dt', {}, `Executed in the second run`),
      h('dd', { id: 'executed' }, sum.executed.length ? sum.executed.join(', ') : 'nothing: every step came from the cache'),
      h('dt', {}, 'Different outputs'),
      h('dd', {}, sum.differentOutputs.length ? sum.differentOutputs.join(', ') : 'none'),
      h('dt', {}, 'Metric changes'),
      h('dd', { id: 'metric-changes' }, String(sum.metricChanges)),
    ),
  );
  const toggle = h('input', { type: 'checkbox', id: 'only-differences', checked: onlyDifferences });
  toggle.addEventListener('change', () => {
    onlyDifferences = toggle.checked;
    persist();
    render();
    document.getElementById('only-differences')?.focus();
  });
  const timelineButton = (label: string, runContextId: number) => {
    const b = h('button', { type: 'button', class: 'secondary' }, label);
    b.addEventListener('click', () => channel.post({ type: 'runDiff/openTimeline', runContextId }));
    return b;
  };
  root.appendChild(
    h('div', { class: 'toolbar' }, h('label', { for: 'only-differences' }, toggle, ' Only differences'), timelineButton('Timeline of the first run', d.left.runContextId), timelineButton('Timeline of the second run', d.right.runContextId)),
  );
  const sections = d.components.map((c) => componentSection(c, d)).filter((x): x is HTMLElement => x !== null);
  const list = h('div', { id: 'components' }, ...sections);
  root.appendChild(list);
  const hidden = d.components.length - sections.length;
  if (hidden) root.appendChild(h('p', { class: 'muted', id: 'hidden-count' }, `${hidden} component${hidden === 1 ? '' : 's'} unchanged (untick "Only differences" to see them)`));
  if (snap.history) root.appendChild(historySection(snap.history, d));
  document.body.dataset['rendered'] = String(Date.now());
}

channel.onMessage((message) => {
  if (message.type === 'runDiff/snapshot') {
    snapshot = message.snapshot;
    persist();
    render();
  }
});

render();
channel.post({ type: 'runDiff/ready' });
