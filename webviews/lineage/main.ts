// Lineage view: artifacts and executions upstream to the source data and downstream to pushed models,
// cached executions marked, and the audit questions answered beside the graph.
import type { AuditArtifactRef, AuditSummary, DagGraph, LineageSnapshot } from '../protocol';
import type { LineageNode } from '../../runtime/metadata/types';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, h, s } from '../shared/elementBuilder';
import { formatNumber } from '../../common/format';
import { layoutGraph, type Layout } from '../shared/graphLayout';
import { onWheelZoom, viewportTransform, zoomedAt } from '../shared/panZoom';
import css from './lineage.css';

adoptStyles(css);
const channel = connect('lineage');
let snapshot: LineageSnapshot | null = channel.getState()?.snapshot ?? null;
let layout: Layout | null = null;
let seq = 0;
let view = { zoom: 1, panX: 20, panY: 20 };

const toolbar = h('div', { class: 'toolbar muted' }, 'Click a node to open it; press F on a node to trace from it. Dashed executions were served from cache.');
const stage = h('div', { id: 'stage' });
const svg = s('svg', { id: 'canvas', role: 'application', 'aria-label': 'Lineage graph' });
const viewport = s('g', {});
svg.appendChild(viewport);
stage.appendChild(svg);
const audit = h('aside', { id: 'audit', 'aria-label': 'Audit summary' });
document.body.append(toolbar, h('div', { id: 'layout' }, stage, audit));
const nodeEls = new Map<string, SVGGElement>();

function keyOf(n: LineageNode): string {
  return `${n.kind === 'artifact' ? 'a' : 'e'}${n.id}`;
}

function labelOf(n: LineageNode): string {
  return n.kind === 'execution' ? n.nodeId ?? n.label ?? n.type : n.label || n.type;
}

const W = 190;
const H = 44;

function toGraph(snap: LineageSnapshot): DagGraph {
  const nodes = snap.graph.nodes.map((n) => ({ id: keyOf(n), type: n.type, enabled: true, outputs: [] }));
  const ids = new Set(nodes.map((n) => n.id));
  const edges = snap.graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to)).map((e) => ({ from: e.from, output: e.key, to: e.to, input: e.key, artifactType: e.type }));
  return { pipeline: '', file: '', nodes, edges };
}

function truncate(text: string, n = 26): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function renderGraph(): void {
  clear(viewport);
  nodeEls.clear();
  if (!snapshot || !layout) return;
  for (const e of layout.edges) {
    if (e.points.length < 2) continue;
    const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const end = e.points[e.points.length - 1]!;
    const prev = e.points[e.points.length - 2]!;
    // The arrowhead points along the last segment (right or down, depending on the layout direction).
    const a = Math.atan2(end.y - prev.y, end.x - prev.x);
    const side = (t: number) => `${(end.x - 7 * Math.cos(a) + 3.5 * Math.cos(a + t)).toFixed(1)},${(end.y - 7 * Math.sin(a) + 3.5 * Math.sin(a + t)).toFixed(1)}`;
    viewport.append(s('path', { class: 'ledge', d }), s('path', { class: 'ledge', d: `M${end.x},${end.y} L${side(Math.PI / 2)} L${side(-Math.PI / 2)} z` }));
  }
  for (const n of snapshot.graph.nodes) {
    const key = keyOf(n);
    const p = layout.nodes.get(key);
    if (!p) continue;
    const state = (n.state ?? '').toLowerCase();
    const g = s('g', {
      class: `lnode ${n.kind}${n.cached || state === 'cached' ? ' cached' : ''}${state === 'failed' ? ' failed' : ''}${key === snapshot.graph.root ? ' root' : ''}`,
      transform: `translate(${p.x},${p.y})`,
      tabindex: 0,
      role: 'button',
      'data-key': key,
      'aria-label': `${n.kind} ${n.id} ${n.type} ${labelOf(n)}`,
    });
    g.append(
      s('title', {}, `${n.kind} ${n.id}: ${n.type}${n.uri ? `\n${n.uri}` : ''}${n.state ? `\nstate ${n.state}` : ''}`),
      s('rect', { width: W, height: H }),
      s('text', { class: 'kind', x: 10, y: 15 }, `${n.kind === 'artifact' ? n.type : `${n.type.split('.').pop()} · ${n.state ?? ''}`}${n.cached ? ' · cached' : ''} #${n.id}`),
      s('text', { x: 10, y: 32 }, truncate(labelOf(n))),
    );
    nodeEls.set(key, g);
    viewport.appendChild(g);
  }
  const rootPlaced = layout.nodes.get(snapshot.graph.root);
  fit(rootPlaced);
}

function fit(focus?: { x: number; y: number }): void {
  if (!layout) return;
  const w = stage.clientWidth || 600;
  const hh = stage.clientHeight || 400;
  // Fit the whole graph when it stays readable; otherwise centre the traced node at a readable zoom.
  const fitZoom = Math.min(1.1, (w - 40) / Math.max(1, layout.width), (hh - 40) / Math.max(1, layout.height));
  const zoom = Math.max(0.6, fitZoom);
  view = { zoom, panX: (w - layout.width * zoom) / 2, panY: Math.max(10, (hh - layout.height * zoom) / 2) };
  if (focus && fitZoom < 0.6) {
    view.panX = w / 2 - (focus.x + W / 2) * zoom;
    view.panY = hh / 2 - (focus.y + H / 2) * zoom;
  }
  viewport.setAttribute('transform', viewportTransform(view));
}

function link(ref: AuditArtifactRef | null, fallback = 'unknown'): Node {
  if (!ref) return h('span', { class: 'muted' }, fallback);
  const a = h('a', { role: 'link', tabindex: 0, 'data-open': `a${ref.artifactId}`, title: ref.uri }, `${ref.label} (#${ref.artifactId})`);
  return a;
}

function renderAudit(a: AuditSummary | null): void {
  clear(audit);
  audit.appendChild(h('h2', {}, 'Audit'));
  if (!a) {
    audit.appendChild(h('p', { class: 'muted' }, 'The audit summary is shown for models (trace a Model or PushedModel artifact).'));
    return;
  }
  const dl = h('dl', {});
  const item = (q: string, id: string, ...answer: Array<Node | string>) => dl.append(h('dt', {}, q), h('dd', { id }, ...answer));
  item('Model', 'audit-model', link(a.model));
  const data = h('span', {});
  if (a.trainingData.length === 0) data.appendChild(h('span', { class: 'muted' }, 'not found in the lineage'));
  a.trainingData.forEach((d, i) => data.append(i ? ', ' : '', link(d)));
  item('Which data trained it?', 'audit-data', data);
  const dist = h('span', {}, link(a.distribution.statistics, 'no statistics recorded'));
  const counts = Object.entries(a.distribution.numExamples);
  if (counts.length) dist.append(h('div', { class: 'muted' }, counts.map(([split, n]) => `${split}: ${formatNumber(n)} examples`).join(' · ')));
  const hl = h('ul', {});
  for (const x of a.distribution.highlights.slice(0, 8)) hl.appendChild(h('li', { class: x.level === 'error' ? 'bad' : '' }, h('strong', {}, x.feature), ` (${x.split}): ${x.message}`));
  if (a.distribution.highlights.length) dist.appendChild(hl);
  item("What was that data's distribution?", 'audit-distribution', dist);
  const val = h('span', {}, link(a.dataValidation.anomalies, 'no ExampleValidator run'));
  if (a.dataValidation.anomalies) {
    if (!a.dataValidation.entries.length) val.appendChild(h('div', { class: 'ok' }, 'no anomalies'));
    const ul = h('ul', {});
    for (const e of a.dataValidation.entries) ul.appendChild(h('li', { class: e.severity === 'ERROR' ? 'bad' : '' }, h('strong', {}, e.feature), ` (${e.split}): ${e.shortDescription ?? e.types.join(', ')}`));
    val.appendChild(ul);
  }
  item('What were its validation results?', 'audit-validation', val);
  const cmp = h('span', {}, link(a.evaluation.evaluation, 'not evaluated'));
  if (a.evaluation.evaluation) {
    cmp.appendChild(h('div', { class: a.evaluation.blessed ? 'ok' : 'bad' }, a.evaluation.blessed === null ? '' : a.evaluation.blessed ? 'blessed' : 'not blessed'));
    const t = h('table', { class: 'grid' }, h('tr', {}, h('th', {}, 'metric'), h('th', {}, 'this'), h('th', {}, 'previous')));
    for (const c of a.evaluation.comparison) t.appendChild(h('tr', {}, h('td', {}, c.metric), h('td', {}, formatNumber(c.candidate)), h('td', {}, formatNumber(c.baseline))));
    if (a.evaluation.comparison.length) cmp.appendChild(t);
  }
  item('How did it compare with the previous model?', 'audit-evaluation', cmp);
  const appr = a.approval;
  item(
    'Who approved it?',
    'audit-approval',
    appr
      ? appr.decision === 'waiting'
        ? h('span', { class: 'muted' }, 'waiting for a decision')
        : h('span', { class: appr.decision === 'approve' ? 'ok' : 'bad' }, `${appr.decision === 'approve' ? 'approved' : 'rejected'} by ${appr.reviewer} on ${new Date(appr.time).toISOString().slice(0, 16).replace('T', ' ')} UTC`, appr.comment ? h('div', { class: 'muted' }, `“${appr.comment}”`) : null)
      : h('span', { class: 'muted' }, 'no approval step recorded'),
  );
  if (a.pushed.length) {
    const p = h('span', {});
    a.pushed.forEach((x, i) => p.append(i ? ', ' : '', link(x)));
    item('Pushed as', 'audit-pushed', p);
  }
  audit.appendChild(dl);
}

async function render(): Promise<void> {
  const mine = ++seq;
  if (!snapshot) {
    renderAudit(null);
    return;
  }
  renderAudit(snapshot.audit);
  if (snapshot.error) audit.prepend(h('div', { class: 'banner error', role: 'alert' }, snapshot.error));
  // A tall, narrow stage (a side column) reads better top-down.
  const direction = stage.clientHeight > stage.clientWidth * 1.2 ? 'DOWN' : 'RIGHT';
  const result = await layoutGraph(toGraph(snapshot), () => ({ width: W, height: H }), direction);
  if (mine !== seq) return;
  layout = result;
  renderGraph();
  document.body.dataset['layoutSeq'] = String(mine);
}

function open(key: string): void {
  channel.post({ type: 'lineage/open', key });
}

document.addEventListener('click', (ev) => {
  const target = ev.target as Element;
  const node = target.closest('.lnode');
  if (node) return open(node.getAttribute('data-key')!);
  const a = target.closest('a[data-open]');
  if (a) open(a.getAttribute('data-open')!);
});
document.addEventListener('keydown', (ev) => {
  const el = document.activeElement;
  const key = el?.getAttribute('data-key') ?? el?.getAttribute('data-open');
  if (!key) return;
  if (ev.key === 'Enter' || ev.key === ' ') open(key);
  else if ((ev.key === 'f' || ev.key === 'F') && el?.classList.contains('lnode')) channel.post({ type: 'lineage/focus', key });
  else if (ev.key.startsWith('Arrow') && layout && el?.classList.contains('lnode')) {
    const from = layout.nodes.get(key);
    if (!from) return;
    let best: string | null = null;
    let score = Infinity;
    for (const [k, p] of layout.nodes) {
      const dx = p.x - from.x;
      const dy = p.y - from.y;
      const along = ev.key === 'ArrowRight' ? dx : ev.key === 'ArrowLeft' ? -dx : ev.key === 'ArrowDown' ? dy : -dy;
      const across = ev.key === 'ArrowRight' || ev.key === 'ArrowLeft' ? Math.abs(dy) : Math.abs(dx);
      if (along > 1 && along + 2 * across < score) {
        score = along + 2 * across;
        best = k;
      }
    }
    if (best) nodeEls.get(best)?.focus();
  } else return;
  ev.preventDefault();
});

let drag: { x: number; y: number; px: number; py: number } | null = null;
stage.addEventListener('pointerdown', (ev) => {
  if ((ev.target as Element).closest('.lnode')) return;
  drag = { x: ev.clientX, y: ev.clientY, px: view.panX, py: view.panY };
});
window.addEventListener('pointermove', (ev) => {
  if (!drag) return;
  view.panX = drag.px + ev.clientX - drag.x;
  view.panY = drag.py + ev.clientY - drag.y;
  viewport.setAttribute('transform', viewportTransform(view));
});
window.addEventListener('pointerup', () => (drag = null));
onWheelZoom(stage, (factor, mx, my) => {
  view = zoomedAt(view, factor, mx, my, 0.1);
  viewport.setAttribute('transform', viewportTransform(view));
});

channel.onMessage((message) => {
  if (message.type === 'lineage/snapshot') {
    snapshot = message.snapshot;
    channel.setState({ snapshot });
    void render();
  }
});

void render();
channel.post({ type: 'lineage/ready' });
