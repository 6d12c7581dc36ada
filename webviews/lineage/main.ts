// Lineage view: artifacts and executions upstream to the source data and downstream to pushed models,
// cached executions marked, and the audit questions answered beside the graph. The graph flows from
// the sources towards the traced artifact and opens fitted to the whole lineage; repeated runs of one
// node that share their outputs (cache hits of later runs) are folded into one group a click expands;
// hovering or focusing a node highlights its path to the traced artifact.
import type { AuditArtifactRef, AuditSummary, DagGraph, LineageEdge, LineageNode, LineageSnapshot } from '../protocol';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, h, s } from '../shared/elementBuilder';
import { formatNumber } from '../../common/format';
import { layoutGraph, type Direction, type Layout } from '../shared/graphLayout';
import { chooseDirection, fittedView, graphShape, neighbourInDirection, pathBetween } from '../shared/graphGeometry';
import { onWheelPanZoom, viewportTransform, zoomedAt } from '../shared/panZoom';
import { foldLineage, type FoldedLineage } from './foldLineage';
import css from './lineage.css';

adoptStyles(css);
const channel = connect('lineage');
let snapshot: LineageSnapshot | null = channel.getState()?.snapshot ?? null;
let layout: Layout | null = null;
let folded: FoldedLineage | null = null;
let seq = 0;
let view = { zoom: 1, panX: 20, panY: 20 };
/** Groups the user expanded (by group key), kept while the same artifact is traced. */
const expanded = new Set<string>();
let hovered: string | null = null;
let focused: string | null = null;

const toolbar = h('div', { class: 'toolbar' });
const hint = h('span', { class: 'muted' }, 'Click: open (a folded group: expand) · F: trace from a node · hover: its path to the traced artifact · dashed: served from cache');
const tools = h(
  'span',
  { id: 'tools', role: 'toolbar', 'aria-label': 'Graph view' },
  h('button', { id: 'zoom-out', title: 'Zoom out (-)', 'aria-label': 'Zoom out' }, '\u2212'),
  h('button', { id: 'zoom-in', title: 'Zoom in (+)', 'aria-label': 'Zoom in' }, '+'),
  h('button', { id: 'fit', title: 'Fit the whole lineage (0)' }, 'Fit'),
  h('button', { id: 'fold', title: 'Fold repeated runs again', hidden: true }, 'Fold runs'),
);
toolbar.append(hint, tools);
const stage = h('div', { id: 'stage' });
const svg = s('svg', { id: 'canvas', role: 'application', 'aria-label': 'Lineage graph' });
const viewport = s('g', {});
svg.appendChild(viewport);
stage.appendChild(svg);
const audit = h('aside', { id: 'audit', 'aria-label': 'Audit summary' });
document.body.append(toolbar, h('div', { id: 'layout' }, stage, audit));
const nodeEls = new Map<string, SVGGElement>();
const edgeEls: Array<{ el: SVGPathElement; from: string; to: string }> = [];

const W = 200;
const H = 44;

function toGraph(f: FoldedLineage): DagGraph {
  // Ports: an input per event key into a node, an output per key out of it (one for an artifact).
  const outs = new Map<string, Map<string, string>>();
  for (const e of f.edges) {
    const m = outs.get(e.from) ?? new Map<string, string>();
    m.set(portKey(e), e.type);
    outs.set(e.from, m);
  }
  const nodes = f.nodes.map((n) => ({ id: n.key, type: n.kind, enabled: true, outputs: [...(outs.get(n.key) ?? [])].map(([key, artifactType]) => ({ key, artifactType })) }));
  const edges = f.edges.map((e) => ({ from: e.from, output: portKey(e), to: e.to, input: e.key, artifactType: e.type }));
  return { pipeline: '', file: '', nodes, edges };
}

/** An artifact has one output port; an execution one per output key. */
function portKey(e: Pick<LineageEdge, 'from' | 'key'>): string {
  return e.from.startsWith('a') ? 'out' : e.key;
}

function renderGraph(): void {
  clear(viewport);
  nodeEls.clear();
  edgeEls.length = 0;
  if (!snapshot || !layout || !folded) return;
  for (const e of layout.edges) {
    if (e.points.length < 2) continue;
    const edge = folded.edges[e.index];
    if (!edge) continue;
    const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const end = e.points[e.points.length - 1]!;
    const prev = e.points[e.points.length - 2]!;
    // The arrowhead points along the last segment (right or down, depending on the layout direction).
    const a = Math.atan2(end.y - prev.y, end.x - prev.x);
    const side = (t: number) => `${(end.x - 7 * Math.cos(a) + 3.5 * Math.cos(a + t)).toFixed(1)},${(end.y - 7 * Math.sin(a) + 3.5 * Math.sin(a + t)).toFixed(1)}`;
    const line = s('path', { class: 'ledge', d, 'data-from': edge.from, 'data-to': edge.to });
    const arrow = s('path', { class: 'ledge arrow', d: `M${end.x},${end.y} L${side(Math.PI / 2)} L${side(-Math.PI / 2)} z`, 'data-from': edge.from, 'data-to': edge.to });
    viewport.append(line, arrow);
    edgeEls.push({ el: line, from: edge.from, to: edge.to }, { el: arrow, from: edge.from, to: edge.to });
  }
  for (const n of folded.nodes) {
    const p = layout.nodes.get(n.key);
    if (!p) continue;
    const g = s('g', {
      class: `lnode ${n.kind === 'group' ? 'execution group' : n.kind}${n.cached ? ' cached' : ''}${n.failed ? ' failed' : ''}${n.key === snapshot.graph.root ? ' root' : ''}`,
      transform: `translate(${p.x},${p.y})`,
      tabindex: 0,
      role: 'button',
      'data-key': n.key,
      'aria-label': `${n.kind === 'group' ? `${n.members.length} executions` : n.kind} ${n.title}, ${n.name}`,
      'aria-expanded': n.kind === 'group' ? 'false' : null,
    });
    g.append(s('title', {}, n.tooltip), s('rect', { width: W, height: H }), s('text', { class: 'kind', x: 10, y: 15 }, truncate(n.title, 32)), s('text', { class: 'name', x: 10, y: 32 }, truncate(n.name, 28)));
    if (n.kind === 'group') g.append(s('rect', { class: 'stack', x: 4, y: H, width: W - 8, height: 4 }));
    g.addEventListener('mouseenter', () => ((hovered = n.key), applyPath()));
    g.addEventListener('mouseleave', () => ((hovered = null), applyPath()));
    g.addEventListener('focus', () => ((focused = n.key), applyPath()));
    g.addEventListener('blur', () => ((focused = null), applyPath()));
    nodeEls.set(n.key, g);
    viewport.appendChild(g);
  }
  applyPath();
}

/** The path between the hovered (or focused) node and the traced artifact stands out. */
function applyPath(): void {
  const from = hovered ?? focused;
  const root = snapshot?.graph.root;
  const path = from && root && folded ? pathBetween(folded.edges, from, root) : new Set<string>();
  const on = path.size > 1;
  stage.classList.toggle('tracing', on);
  for (const [k, el] of nodeEls) el.classList.toggle('on-path', on && path.has(k));
  for (const e of edgeEls) e.el.classList.toggle('on-path', on && path.has(e.from) && path.has(e.to));
}

function truncate(text: string, n = 26): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function applyView(): void {
  viewport.setAttribute('transform', viewportTransform(view));
}

/** The whole lineage in the pane (shrinking a large one: the lineage is read as a whole first). */
function fit(): void {
  if (!layout) return;
  view = fittedView(layout, { width: stage.clientWidth || 600, height: stage.clientHeight || 400 }, { minZoom: 0.2, maxZoom: 1.1, margin: 10 });
  applyView();
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
        : h('span', { class: appr.decision === 'approved' ? 'ok' : 'bad' }, `${appr.decision} by ${appr.reviewer} on ${new Date(appr.time).toISOString().slice(0, 16).replace('T', ' ')} UTC`, appr.comment ? h('div', { class: 'muted' }, `“${appr.comment}”`) : null)
      : h('span', { class: 'muted' }, 'no approval step recorded'),
  );
  if (a.pushed.length) {
    const p = h('span', {});
    a.pushed.forEach((x, i) => p.append(i ? ', ' : '', link(x)));
    item('Pushed as', 'audit-pushed', p);
  }
  audit.appendChild(dl);
}

let direction: Direction | undefined;
let tracedRoot: string | undefined;

async function render(): Promise<void> {
  const mine = ++seq;
  if (!snapshot) {
    renderAudit(null);
    return;
  }
  renderAudit(snapshot.audit);
  if (snapshot.error) audit.prepend(h('div', { class: 'banner error', role: 'alert' }, snapshot.error));
  if (tracedRoot !== snapshot.graph.root) {
    // Another artifact traced: its groups start folded, and it opens fitted.
    expanded.clear();
    tracedRoot = snapshot.graph.root;
  }
  const f = foldLineage(snapshot.graph, expanded);
  const graph = toGraph(f);
  // From the lineage's shape, never the pane's size; kept while the user expands groups.
  direction = chooseDirection(graphShape(graph.nodes.map((n) => n.id), graph.edges), direction);
  // Tighter than the DAG: the lineage opens fitted whole, so every pixel saved is larger text.
  const result = await layoutGraph(graph, () => ({ width: W, height: H }), direction, { betweenLayers: 36, nodeNode: 20 });
  if (mine !== seq) return;
  layout = result;
  folded = f;
  tools.querySelector<HTMLElement>('#fold')!.hidden = expanded.size === 0;
  renderGraph();
  fit();
  // Counts finished layouts, so tests can wait for the next one.
  document.body.dataset['layoutSeq'] = String(Number(document.body.dataset['layoutSeq'] ?? 0) + 1);
  document.body.dataset['direction'] = direction;
}

function open(key: string): void {
  const group = folded?.nodes.find((n) => n.key === key && n.kind === 'group');
  if (group) {
    // A folded group opens into its executions.
    expanded.add(group.key);
    void render().then(() => nodeEls.get(group.members[0]!)?.focus());
    return;
  }
  channel.post({ type: 'lineage/open', key });
}

const zoomBy = (factor: number) => {
  view = zoomedAt(view, factor, stage.clientWidth / 2, stage.clientHeight / 2, 0.1);
  applyView();
};
tools.querySelector('#zoom-in')!.addEventListener('click', () => zoomBy(1.25));
tools.querySelector('#zoom-out')!.addEventListener('click', () => zoomBy(1 / 1.25));
tools.querySelector('#fit')!.addEventListener('click', fit);
tools.querySelector('#fold')!.addEventListener('click', () => {
  expanded.clear();
  void render();
});

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
  if (!key || el?.closest('#tools')) {
    if (ev.key === '0') fit();
    else if (ev.key === '+' || ev.key === '=') zoomBy(1.2);
    else if (ev.key === '-') zoomBy(1 / 1.2);
    else return;
    ev.preventDefault();
    return;
  }
  if (ev.key === 'Enter' || ev.key === ' ') open(key);
  else if ((ev.key === 'f' || ev.key === 'F') && el?.classList.contains('lnode')) {
    const node = folded?.nodes.find((n) => n.key === key);
    channel.post({ type: 'lineage/focus', key: node?.kind === 'group' ? node.members[0]! : key });
  } else if (ev.key.startsWith('Arrow') && layout && el?.classList.contains('lnode')) {
    const best = neighbourInDirection(layout.nodes, key, ev.key);
    if (best) nodeEls.get(best)?.focus();
  } else if (ev.key === '0') fit();
  else return;
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
  applyView();
});
window.addEventListener('pointerup', () => (drag = null));
onWheelPanZoom(
  stage,
  (factor, mx, my) => {
    view = zoomedAt(view, factor, mx, my, 0.1);
    applyView();
  },
  (dx, dy) => {
    view = { ...view, panX: view.panX + dx, panY: view.panY + dy };
    applyView();
  },
);

channel.onMessage((message) => {
  if (message.type === 'lineage/snapshot') {
    snapshot = message.snapshot;
    channel.setState({ snapshot });
    void render();
  }
});

void render();
channel.post({ type: 'lineage/ready' });
