// A run's timeline: one Gantt bar per step on a shared clock, so what ran in parallel lines up. Each bar
// shows the time queued (its inputs were ready, it had not started), running, or waiting for a person;
// cached steps are marked. Hover for rows and sizes of the outputs; click (or Enter) to open the step's log.
import type { TimelineBar, TimelineSnapshot } from '../protocol';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, h, s } from '../shared/elementBuilder';
import { formatDuration, formatNumber } from '../../common/format';
import { STEP_STATE_TEXT } from '../../common/stepStates';
import css from './timeline.css';

adoptStyles(css);
const channel = connect('timeline');
let snapshot: TimelineSnapshot | null = channel.getState()?.snapshot ?? null;
const root = h('main', { id: 'root' });
document.body.appendChild(root);

const ROW = 26;
const LABEL = 150;
const CHART_WIDTH = 620;
const AXIS = 22;

function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

function tooltip(b: TimelineBar, start: number): string {
  const lines = [
    `${b.nodeId} · ${STEP_STATE_TEXT[b.state]}${b.cached ? ' (from the cache)' : ''} · execution ${b.executionId}`,
    `queued ${formatDuration(b.startTime - b.readyTime)}, ${b.waiting ? `waited for approval ${formatDuration(b.waiting.until - b.waiting.from)}` : `ran ${formatDuration(b.endTime - b.startTime)}`}`,
    `started at +${formatDuration(b.startTime - start)}, ended at +${formatDuration(b.endTime - start)}`,
  ];
  for (const o of b.outputs) {
    const rows = o.rows ? Object.entries(o.rows).map(([split, n]) => `${split} ${formatNumber(n)} rows`).join(', ') : '';
    lines.push(`→ ${o.key} (${o.type} #${o.artifactId})${rows ? `: ${rows}` : ''}${o.bytes !== undefined ? `${rows ? ',' : ':'} ${bytesText(o.bytes)}` : ''}`);
  }
  if (b.error) lines.push(b.error.split('\n')[0]!);
  return lines.join('\n');
}

/** A round step for the time axis: about five ticks. */
function tickStep(spanMs: number): number {
  const raw = spanMs / 5;
  const pow = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function render(): void {
  clear(root);
  if (!snapshot) {
    root.appendChild(h('p', { class: 'muted' }, 'Loading the timeline…'));
    return;
  }
  if (snapshot.error) root.appendChild(h('div', { class: 'banner error', role: 'alert' }, snapshot.error));
  const t = snapshot.timeline;
  if (!t) return;
  const canOpen = snapshot.canOpenLogs;
  root.appendChild(h('h1', {}, `Run ${t.run.name}`));
  const executed = t.bars.filter((b) => !b.cached).length;
  root.appendChild(
    h(
      'p',
      { class: 'muted', id: 'timeline-summary' },
      `${t.run.pipeline} · ${new Date(t.start).toLocaleString()} · ${formatDuration(t.end - t.start)} · ${t.bars.length} steps, ${executed} executed, ${t.bars.length - executed} cached · up to ${t.maxParallel} at once`,
    ),
  );
  root.appendChild(
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'key queued' }), ' queued ',
      h('span', { class: 'key running' }), ' running ',
      h('span', { class: 'key waiting' }), ' waiting for approval ',
      h('span', { class: 'key cached' }), ' cached ',
      h('span', { class: 'key failed' }), ' failed',
      canOpen ? h('span', { class: 'muted' }, ' · click a step for its log') : null,
    ),
  );
  const span = Math.max(1, t.end - t.start);
  const x = (ms: number) => LABEL + ((ms - t.start) / span) * CHART_WIDTH;
  // Room on the right for the last bar's duration label.
  const width = LABEL + CHART_WIDTH + 64;
  const height = AXIS + t.bars.length * ROW + 4;
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, id: 'gantt', role: 'list', 'aria-label': `Timeline of run ${t.run.name}` });
  const step = tickStep(span);
  for (let ms = 0; ms <= span + 1; ms += step) {
    svg.appendChild(s('line', { x1: x(t.start + ms), x2: x(t.start + ms), y1: AXIS - 4, y2: height, class: 'tick' }));
    svg.appendChild(s('text', { x: x(t.start + ms), y: AXIS - 8, 'text-anchor': 'middle', class: 'axis' }, formatDuration(ms)));
  }
  t.bars.forEach((b, i) => {
    const y = AXIS + i * ROW;
    const cls = ['bar', `state-${b.state}`, b.cached ? 'cached' : '', canOpen ? 'clickable' : ''].filter(Boolean).join(' ');
    const g = s('g', { class: cls, 'data-step': b.nodeId, 'data-execution': b.executionId, role: 'listitem', tabindex: 0, 'aria-label': `${b.nodeId}: ${STEP_STATE_TEXT[b.state]}${b.cached ? ', cached' : ''}, ${formatDuration(b.endTime - b.startTime)}` });
    g.appendChild(s('title', {}, tooltip(b, t.start)));
    g.appendChild(s('rect', { x: 0, y, width, height: ROW, class: 'row-bg' }));
    g.appendChild(s('text', { x: 6, y: y + ROW / 2 + 4, class: 'label' }, b.nodeId.length > 20 ? `${b.nodeId.slice(0, 19)}…` : b.nodeId));
    const mid = y + 5;
    const hgt = ROW - 10;
    if (b.startTime > b.readyTime) g.appendChild(s('rect', { x: x(b.readyTime), y: mid + hgt / 3, width: Math.max(1, x(b.startTime) - x(b.readyTime)), height: hgt / 3, class: 'seg queued' }));
    const runFrom = b.startTime;
    const runTo = b.endTime;
    if (b.waiting) {
      g.appendChild(s('rect', { x: x(b.waiting.from), y: mid, width: Math.max(2, x(b.waiting.until) - x(b.waiting.from)), height: hgt, class: 'seg waiting' }));
      if (runTo > b.waiting.until) g.appendChild(s('rect', { x: x(b.waiting.until), y: mid, width: Math.max(1, x(runTo) - x(b.waiting.until)), height: hgt, class: 'seg running' }));
    } else {
      g.appendChild(s('rect', { x: x(runFrom), y: mid, width: Math.max(3, x(runTo) - x(runFrom)), height: hgt, class: `seg ${b.cached ? 'cached' : b.state === 'failed' || b.state === 'canceled' || b.state === 'rejected' ? 'failed' : 'running'}` }));
    }
    const label = b.cached ? 'cached' : b.waiting ? formatDuration(b.waiting.until - b.waiting.from) : formatDuration(runTo - runFrom);
    g.appendChild(s('text', { x: x(runTo) + 4, y: y + ROW / 2 + 4, class: 'duration' }, label));
    if (canOpen) {
      const open = () => channel.post({ type: 'timeline/openLog', executionId: b.executionId });
      g.addEventListener('click', open);
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          open();
        }
      });
    }
    svg.appendChild(g);
  });
  root.appendChild(h('div', { class: 'chart' }, svg));
  document.body.dataset['rendered'] = String(Date.now());
}

channel.onMessage((message) => {
  if (message.type === 'timeline/snapshot') {
    snapshot = message.snapshot;
    channel.setState({ snapshot });
    render();
  }
});

render();
channel.post({ type: 'timeline/ready' });
