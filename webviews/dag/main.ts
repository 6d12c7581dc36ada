// DAG preview: the pipeline as a graph beside its file, laid out by ELK in a worker, with live step
// states patched in place (no re-layout), every readable component shown while the file has errors
// (broken ones marked), and node actions posted to the host. The direction comes from the graph's shape
// and the fitted zoom never goes below readable text (a large graph scrolls); the last layout is kept in
// webview state, so a tab shown again draws at once.
import type { DagAction, DagGraph, DagNode, DagNodeStatus, DagProblem, DagSnapshot, ViewState } from '../protocol';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, fill, h, s } from '../shared/elementBuilder';
import { formatDuration } from '../../common/format';
import { NEVER_RUN_TEXT, STEP_STATE_TEXT } from '../../common/stepStates';
import { onWheelPanZoom, viewportTransform, zoomedAt } from '../shared/panZoom';
import css from './dag.css';
import { collapseGraph, groupStatus, sameShape, shapeKey, type CollapsedGraph } from './collapseGraph';
import { isDataStep, layoutGraph, NODE_HEADER, PORT_ROW, restoreLayout, saveLayout, warmUp, type Direction, type Layout } from '../shared/graphLayout';
import { chooseDirection, fittedView, graphShape, neighbourInDirection, READABLE_ZOOM, startAnchor } from '../shared/graphGeometry';
import { Minimap, MINIMAP_MIN_NODES } from './minimap';

adoptStyles(css);
const channel = connect('dag');
const saved = channel.getState();

let snapshot: DagSnapshot | null = saved?.snapshot ?? null;
let view = { zoom: saved?.zoom ?? 1, panX: saved?.panX ?? 20, panY: saved?.panY ?? 20 };
let shown: CollapsedGraph | null = null;
let layout: Layout | null = null;
let layoutSeq = 0;
let fitPending = !saved?.snapshot;
/** The view follows the graph's size (re-fits after each layout and resize) until the user pans or zooms. */
let autoFit = saved?.autoFit ?? !saved?.snapshot;
/** Smallest zoom the user can reach with buttons, keys and the wheel (the fitted zoom stays readable). */
const MIN_ZOOM = 0.1;

// The last layout of this graph, from webview state: drawn at once, no worker round trip.
if (snapshot?.graph && saved?.layout) {
  const collapsed = collapseGraph(snapshot.graph);
  if (shapeKey(collapsed.graph) === saved.layout.shape) {
    shown = collapsed;
    layout = restoreLayout(saved.layout);
  }
}

const top = h('div', { id: 'top' });
const stage = h('div', { id: 'stage', tabindex: -1 });
const svg = s('svg', { id: 'canvas', role: 'application', 'aria-label': 'Pipeline graph' });
const viewport = s('g', { id: 'viewport' });
svg.appendChild(viewport);
const tip = h('div', { id: 'tip', hidden: true, role: 'tooltip' });
const zoomLabel = h('span', { id: 'zoom-level', class: 'muted', 'aria-live': 'polite' });
const tools = h(
  'div',
  { id: 'tools', role: 'toolbar', 'aria-label': 'Graph view' },
  h('button', { id: 'zoom-out', title: 'Zoom out (-)', 'aria-label': 'Zoom out' }, '−'),
  zoomLabel,
  h('button', { id: 'zoom-in', title: 'Zoom in (+)', 'aria-label': 'Zoom in' }, '+'),
  h('button', { id: 'fit', title: 'Fit: the whole graph if it stays readable, else readable size from the top (0)' }, 'Fit'),
);
stage.append(svg, tip, tools);
document.body.append(top, stage);

const nodeEls = new Map<string, SVGGElement>();
const edgeEls: SVGGElement[] = [];
/** The node the pointer is over, and the one clicked or focused: their edges and neighbours are highlighted. */
let hovered: string | null = null;
let selected: string | null = null;
const minimap = new Minimap(stage, (x, y) => centreOn(x, y));

// The shared wording, plus the DAG's own: a node with no execution, and an ellipsis on a running node
// (the trees show a spinning icon instead).
const STATE_LABEL: Record<DagNodeStatus['state'], string> = {
  'never-run': NEVER_RUN_TEXT,
  ...STEP_STATE_TEXT,
  running: 'running…',
};

const ACTIONS: Array<{ action: DagAction; label: string; run: boolean } | 'separator'> = [
  { action: 'run-step', label: 'Run step', run: true },
  { action: 'run-from', label: 'Run from here', run: true },
  { action: 'rerun-no-cache', label: 'Re-run without cache', run: true },
  { action: 'debug-step', label: 'Debug step', run: true },
  'separator',
  { action: 'show-statistics', label: 'Show statistics of last outputs', run: false },
  { action: 'show-evaluation', label: 'Show evaluation of last outputs', run: false },
  { action: 'show-anomalies', label: 'Show anomalies', run: false },
  { action: 'show-lineage', label: 'Show lineage of last outputs', run: false },
  { action: 'open-data-grid', label: 'Open last outputs in data grid', run: false },
  { action: 'show-report', label: 'Show report', run: false },
  { action: 'open-log', label: 'Open log', run: false },
];

/** The saved layout is re-serialised only when the layout changes, not on every pan or status patch. */
let savedLayout: ViewState['dag']['layout'] = saved?.layout && layout ? saved.layout : null;

function persist(): void {
  channel.setState({ snapshot, ...view, autoFit, layout: savedLayout });
}

function statusOf(id: string): DagNodeStatus {
  const members = shown?.groups.get(id);
  if (members) return groupStatus(members, snapshot?.status ?? {});
  return snapshot?.status[id] ?? { state: 'never-run' };
}

function statusText(st: DagNodeStatus): string {
  // The host's label is the trees' and CodeLens' wording (rejected, skipped and why, will re-run).
  if (st.label !== undefined && st.state !== 'never-run') return st.label;
  const d = st.durationMs !== undefined && st.state !== 'never-run' ? ` · ${formatDuration(st.durationMs)}` : '';
  return `${STATE_LABEL[st.state]}${d}`;
}

/** What a data step's last run wrote: `train 258 · eval 86 rows`; empty before it ran. */
function rowsText(st: DagNodeStatus): string {
  const splits = Object.entries(st.rows ?? {});
  if (!splits.length || st.state === 'never-run') return '';
  return `${splits.map(([split, n]) => `${split} ${n.toLocaleString('en-US')}`).join(' · ')} rows`;
}

function describe(node: DagNode, st: DagNodeStatus): string {
  const rows = isDataStep(node) ? rowsText(st) : '';
  return `${node.id}, ${node.type}, ${statusText(st)}${rows ? `, ${rows}` : ''}`;
}

function renderTop(): void {
  clear(top);
  const graph = snapshot?.graph;
  const title = h('div', { class: 'title' });
  if (graph) title.append(h('h2', { class: 'name', title: graph.pipeline, id: 'pipeline-name' }, graph.pipeline), h('span', { class: 'muted name', title: graph.file }, graph.file));
  else title.append(h('h2', {}, 'Pipeline preview'));
  top.appendChild(title);
  if (shown && shown.groups.size > 0) {
    top.appendChild(
      h('div', { class: 'banner', id: 'collapsed-warning', role: 'status' }, `This pipeline has ${snapshot?.graph?.nodes.length} components; more than 300 are grouped by id prefix to keep the graph usable.`),
    );
  }
  const problems = snapshot?.problems ?? [];
  if (problems.length) {
    const errors = problems.filter((p) => p.severity === 'error');
    const box = h('div', { class: `banner${errors.length ? ' error' : ''}`, id: 'problems', role: 'alert' });
    const marked = graph?.nodes.some((n) => n.broken) ?? false;
    box.appendChild(
      h('div', {}, errors.length ? (marked ? 'The file has errors; the components with errors are marked.' : graph ? 'The file has errors; showing the graph as far as it could be read.' : 'The file has errors; no graph yet.') : 'Warnings:'),
    );
    const ul = h('ul', {});
    for (const p of problems.slice(0, 20)) ul.appendChild(problemItem(p));
    if (problems.length > 20) ul.appendChild(h('li', {}, `… and ${problems.length - 20} more in the Problems panel`));
    box.appendChild(ul);
    top.appendChild(box);
  }
  if (!graph && !problems.length) top.appendChild(h('p', { class: 'muted' }, 'Open a pipeline file (*.pipeline.yaml, .json or .ts) to see its graph.'));
}

function problemItem(p: DagProblem): HTMLElement {
  const li = h('li', {}, h('span', { class: 'mono' }, `${p.line}:${p.column}`), ` ${p.severity}: ${p.message}`);
  if (p.component) {
    li.appendChild(h('span', { class: 'muted' }, ` (${p.component})`));
  }
  return li;
}


function nodeElement(node: DagNode, placed: Layout['nodes'] extends Map<string, infer P> ? P : never): SVGGElement {
  const st = statusOf(node.id);
  const g = s('g', {
    class: `node state-${st.state}${node.enabled ? '' : ' disabled'}${node.broken ? ' broken' : ''}`,
    transform: `translate(${placed.x},${placed.y})`,
    tabindex: 0,
    role: 'button',
    'data-id': node.id,
    'aria-label': node.broken ? `${node.id}, ${node.type}, has errors: ${node.broken}` : describe(node, st),
  });
  g.append(
    s('title', {}, node.broken ? `${node.id} (${node.type || 'no type'}): ${node.broken}` : `${node.id} (${node.type})${st.detail ? `\n${st.detail}` : ''}`),
    s('rect', { class: 'box', width: placed.width, height: placed.height }),
    s('rect', { class: 'stripe', width: 5, height: placed.height }),
    nodeText('id', 12, 17, node.id, placed.width - 20),
    nodeText('type', 12, 32, node.enabled ? node.type : `${node.type} (disabled)`, placed.width - 20),
  );
  node.outputs.forEach((o, i) => {
    const y = NODE_HEADER + i * PORT_ROW + PORT_ROW / 2;
    g.append(nodeText('port', placed.width - 10, y + 4, `${o.key}: ${o.artifactType}`, placed.width - 20, 'end'));
  });
  if (isDataStep(node)) g.appendChild(s('text', { class: 'rows', x: 12, y: NODE_HEADER + node.outputs.length * PORT_ROW + PORT_ROW / 2 + 4 }, rowsText(st)));
  for (const p of placed.ports) g.appendChild(s('circle', { class: `port-dot ${p.kind}`, cx: p.x, cy: p.y, r: 3 }, s('title', {}, p.kind === 'in' ? `input ${p.key}` : `output ${p.key}`)));
  g.appendChild(nodeText('status', 12, placed.height - 9, node.broken ? '✕ has errors (see Problems)' : statusText(st), placed.width - 20));
  g.addEventListener('mouseenter', () => setHovered(node.id));
  g.addEventListener('mouseleave', () => setHovered(null));
  g.addEventListener('focus', () => {
    select(node.id);
    // Reached by keyboard (Tab, arrows): brought into view; a click leaves the view where it is.
    if (g.matches(':focus-visible')) ensureVisible(placed);
  });
  return g;
}

/**
 * Texts whose estimated width could overflow their node are measured and cut with an ellipsis (the
 * full text stays in the node's tooltip and aria-label). Only long texts are measured: measuring
 * forces layout, and a 300-node graph has few long names.
 */
function fitTexts(layer: SVGGElement): void {
  for (const text of layer.querySelectorAll<SVGTextElement>('text[data-full]')) {
    const full = text.getAttribute('data-full') ?? '';
    const max = Number(text.getAttribute('data-max'));
    if (text.getComputedTextLength() <= max) continue;
    let lo = 1;
    let hi = full.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      text.textContent = `${full.slice(0, mid)}…`;
      if (text.getComputedTextLength() <= max) lo = mid;
      else hi = mid - 1;
    }
    text.textContent = `${full.slice(0, lo)}…`;
  }
}

/** A node text, marked for measuring when it might not fit `max` pixels. */
function nodeText(cls: string, x: number, y: number, full: string, max: number, anchor?: 'end'): SVGTextElement {
  const attrs: Record<string, string | number> = { class: cls, x, y };
  if (anchor) attrs['text-anchor'] = anchor;
  // 6 px is below any character's width at these sizes: shorter texts certainly fit.
  if (full.length * 6 > max) Object.assign(attrs, { 'data-full': full, 'data-max': max });
  return s('text', attrs, full);
}

function edgePath(points: Array<{ x: number; y: number }>): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

function renderGraph(): void {
  clear(viewport);
  nodeEls.clear();
  edgeEls.length = 0;
  if (!shown || !layout) {
    minimap.update(null, view, stage);
    return;
  }
  const graph = shown.graph;
  const edgeLayer = s('g', { class: 'edges' });
  for (const placed of layout.edges) {
    const e = graph.edges[placed.index];
    if (!e || placed.points.length < 2) continue;
    const d = edgePath(placed.points);
    const end = placed.points[placed.points.length - 1]!;
    const prev = placed.points[placed.points.length - 2]!;
    // The arrowhead points along the last segment, into the input port.
    const down = Math.abs(end.y - prev.y) >= Math.abs(end.x - prev.x);
    const label = `${e.from}${e.output ? `.${e.output}` : ''} → ${e.to}${e.input ? `.${e.input}` : ''}: ${e.artifactType}`;
    const g = s('g', { class: 'edge', 'data-from': e.from, 'data-to': e.to, 'data-type': e.artifactType });
    g.append(
      s('path', { class: 'line', d }),
      s('path', { class: 'arrow', d: down ? `M${end.x},${end.y} l-4,-7 l8,0 z` : `M${end.x},${end.y} l-7,-4 l0,8 z` }),
      s('path', { class: 'hit', d }, s('title', {}, label)),
    );
    g.addEventListener('mouseenter', (ev) => {
      g.classList.add('hover');
      fill(tip, label);
      tip.hidden = false;
      moveTip(ev);
    });
    g.addEventListener('mousemove', moveTip);
    g.addEventListener('mouseleave', () => {
      g.classList.remove('hover');
      tip.hidden = true;
    });
    edgeLayer.appendChild(g);
    edgeEls.push(g);
  }
  const nodeLayer = s('g', { class: 'nodes' });
  for (const node of graph.nodes) {
    const placed = layout.nodes.get(node.id);
    if (!placed) continue;
    const el = nodeElement(node, placed);
    nodeEls.set(node.id, el);
    nodeLayer.appendChild(el);
  }
  viewport.append(edgeLayer, nodeLayer);
  fitTexts(nodeLayer);
  applyHighlight();
  applyFocus();
  minimap.setGraph(shown.graph.nodes.length > MINIMAP_MIN_NODES ? layout : null);
  applyView();
  document.body.dataset['rendered'] = String(Number(document.body.dataset['rendered'] ?? 0) + 1);
  if (!document.body.dataset['firstGraphMs']) document.body.dataset['firstGraphMs'] = String(Math.round(performance.now()));
}

/** Hover or selection: that node's edges and neighbours stand out, the rest steps back. */
function applyFocus(): void {
  const id = hovered ?? selected;
  const neighbours = new Set<string>();
  for (const g of edgeEls) {
    const related = id !== null && (g.dataset['from'] === id || g.dataset['to'] === id);
    g.classList.toggle('related', related);
    if (related) neighbours.add(g.dataset['from'] === id ? g.dataset['to']! : g.dataset['from']!);
  }
  for (const [nid, el] of nodeEls) {
    el.classList.toggle('neighbour', neighbours.has(nid));
    el.classList.toggle('focus-node', nid === id);
  }
  stage.classList.toggle('focusing', id !== null && nodeEls.has(id));
}

function setHovered(id: string | null): void {
  if (drag?.moved) return;
  hovered = id;
  applyFocus();
}

function select(id: string | null): void {
  selected = id;
  for (const [nid, el] of nodeEls) el.classList.toggle('selected', nid === id);
  applyFocus();
}

function moveTip(ev: MouseEvent): void {
  const r = stage.getBoundingClientRect();
  tip.style.left = `${ev.clientX - r.left + 12}px`;
  tip.style.top = `${ev.clientY - r.top + 12}px`;
}

/** Live status: text and classes of the affected nodes only. */
function patchStatus(ids: Iterable<string>): void {
  const touched = new Set<string>();
  for (const id of ids) touched.add(shown?.shownAs.get(id) ?? id);
  for (const id of touched) {
    const el = nodeEls.get(id);
    if (!el) continue;
    const st = statusOf(id);
    for (const c of [...el.classList]) if (c.startsWith('state-')) el.classList.remove(c);
    el.classList.add(`state-${st.state}`);
    const text = el.querySelector<SVGTextElement>('text.status');
    if (text) {
      const full = statusText(st);
      text.textContent = full;
      const box = el.querySelector('rect.box');
      const max = Number(box?.getAttribute('width') ?? 0) - 20;
      if (max > 0 && full.length * 6 > max) {
        text.setAttribute('data-full', full);
        text.setAttribute('data-max', String(max));
        fitTexts(el);
      }
    }
    const title = el.querySelector('title');
    const shownNode = shown?.graph.nodes.find((n) => n.id === id);
    if (title && shownNode) title.textContent = `${shownNode.id} (${shownNode.type})${st.detail ? `\n${st.detail}` : ''}`;
    const rows = el.querySelector('text.rows');
    if (rows) rows.textContent = rowsText(st);
    const node = shown?.graph.nodes.find((n) => n.id === id);
    if (node) el.setAttribute('aria-label', describe(node, st));
  }
}

function applyHighlight(): void {
  const target = snapshot?.highlighted ? shown?.shownAs.get(snapshot.highlighted) ?? snapshot.highlighted : null;
  for (const [id, el] of nodeEls) el.classList.toggle('highlighted', id === target);
  if (target && layout) {
    const placed = layout.nodes.get(target);
    if (placed) ensureVisible(placed);
  }
}

function ensureVisible(p: { x: number; y: number; width: number; height: number }): void {
  const w = stage.clientWidth;
  const hgt = stage.clientHeight;
  const x0 = p.x * view.zoom + view.panX;
  const y0 = p.y * view.zoom + view.panY;
  const x1 = (p.x + p.width) * view.zoom + view.panX;
  const y1 = (p.y + p.height) * view.zoom + view.panY;
  if (x0 >= 0 && y0 >= 0 && x1 <= w && y1 <= hgt) return;
  view.panX = w / 2 - (p.x + p.width / 2) * view.zoom;
  view.panY = hgt / 2 - (p.y + p.height / 2) * view.zoom;
  applyView();
}

function applyView(): void {
  viewport.setAttribute('transform', viewportTransform(view));
  zoomLabel.textContent = `${Math.round(view.zoom * 100)}%`;
  minimap.update(layout, view, stage);
}

function stageSize(): { width: number; height: number } {
  return { width: stage.clientWidth || window.innerWidth, height: stage.clientHeight || window.innerHeight };
}

/** The whole graph if it fits with readable text, else readable text from the top (the rest scrolls). */
function fit(): void {
  if (!layout) return;
  const size = stageSize();
  // What the first screen shows at readable zoom, centred across the flow when the graph is wider.
  const span = (layout.direction === 'DOWN' ? size.height - 44 : size.width) / READABLE_ZOOM - 60;
  view = fittedView(layout, size, { top: 44, anchor: startAnchor(layout.nodes.values(), layout.direction, span) });
  autoFit = true;
  applyView();
  persist();
}

function centreOn(x: number, y: number): void {
  const { width, height } = stageSize();
  autoFit = false;
  view = { ...view, panX: width / 2 - x * view.zoom, panY: height / 2 - y * view.zoom };
  applyView();
  persist();
}

function panBy(dx: number, dy: number): void {
  autoFit = false;
  view = { ...view, panX: view.panX + dx, panY: view.panY + dy };
  applyView();
  persistSoon();
}

let persistTimer: ReturnType<typeof setTimeout> | undefined;
function persistSoon(): void {
  clearTimeout(persistTimer);
  persistTimer = setTimeout(persist, 200);
}

async function relayout(graph: DagGraph): Promise<void> {
  const seq = ++layoutSeq;
  const collapsed = collapseGraph(graph);
  // The direction follows the graph's shape, with hysteresis: never the pane's size, which changes
  // whenever a panel opens beside the preview.
  const previous = layout && shown?.graph.file === graph.file ? layout.direction : undefined;
  const dir: Direction = chooseDirection(graphShape(collapsed.graph.nodes.map((n) => n.id), collapsed.graph.edges), previous);
  const result = await layoutGraph(collapsed.graph, undefined, dir).catch((e: unknown) => {
    top.appendChild(h('div', { class: 'banner error' }, `Layout failed: ${e instanceof Error ? e.message : String(e)}`));
    return null;
  });
  // A newer graph arrived while this one was laid out: drop the stale result.
  if (!result || seq !== layoutSeq) return;
  shown = collapsed;
  layout = result;
  savedLayout = saveLayout(result, shapeKey(collapsed.graph));
  document.body.dataset['direction'] = dir;
  renderTop();
  renderGraph();
  if (fitPending || autoFit) {
    fitPending = false;
    fit();
  } else persist();
  channel.post({ type: 'dag/laidOut', nodes: collapsed.graph.nodes.length, collapsed: collapsed.groups.size > 0, layoutMs: Math.round(result.ms) });
  document.body.dataset['layoutSeq'] = String(seq);
}

// ---- interaction -------------------------------------------------------------------------------

let menu: HTMLElement | null = null;

function closeMenu(focusBack = true): void {
  if (!menu) return;
  const id = menu.dataset['node'];
  menu.remove();
  menu = null;
  if (focusBack && id) nodeEls.get(id)?.focus();
}

/** Members listed in a group's menu; the rest are counted. */
const GROUP_MENU_MEMBERS = 12;

function openMenu(id: string, x: number, y: number): void {
  closeMenu(false);
  const members = shown?.groups.get(id);
  const m = h('div', { class: 'menu', role: 'menu', 'data-node': id, 'aria-label': members ? `Components in ${id}` : `Actions for ${id}` });
  if (members) {
    // A group stands for many components: its menu goes to one of them in the pipeline file.
    m.appendChild(h('div', { class: 'menu-title', role: 'presentation' }, `${members.length} components`));
    for (const member of members.slice(0, GROUP_MENU_MEMBERS)) {
      const b = h('button', { role: 'menuitem', 'data-member': member }, `Go to ${member}`);
      b.addEventListener('click', () => {
        channel.post({ type: 'dag/reveal', component: member });
        closeMenu();
      });
      m.appendChild(b);
    }
    if (members.length > GROUP_MENU_MEMBERS) m.appendChild(h('div', { class: 'menu-title', role: 'presentation' }, `… and ${members.length - GROUP_MENU_MEMBERS} more`));
  }
  for (const item of members ? [] : ACTIONS) {
    if (item === 'separator') {
      if (snapshot?.canRun) m.appendChild(h('hr', {}));
      continue;
    }
    if (item.run && !snapshot?.canRun) continue;
    // Only what can work on this step (the host derives it from the component's outputs and state).
    const offered = snapshot?.status[id]?.actions;
    if (offered && !offered.includes(item.action)) continue;
    const b = h('button', { role: 'menuitem', 'data-action': item.action }, item.label);
    b.addEventListener('click', () => {
      channel.post({ type: 'dag/action', action: item.action, component: id });
      closeMenu();
    });
    m.appendChild(b);
  }
  // One highlighted item at a time: the pointer moves the focus, and only the focused item is highlighted.
  m.addEventListener('pointermove', (ev) => {
    const b = (ev.target as Element).closest('button');
    if (b && document.activeElement !== b) b.focus();
  });
  m.addEventListener('keydown', (ev) => {
    const buttons = [...m.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (ev.key === 'ArrowDown') buttons[(i + 1) % buttons.length]?.focus();
    else if (ev.key === 'ArrowUp') buttons[(i - 1 + buttons.length) % buttons.length]?.focus();
    else if (ev.key === 'Escape') closeMenu();
    else return;
    ev.preventDefault();
    ev.stopPropagation();
  });
  const r = stage.getBoundingClientRect();
  stage.appendChild(m);
  // Placed by its measured size, so a long menu (a group's) opens upwards near the bottom edge.
  m.style.left = `${Math.max(0, Math.min(x - r.left, r.width - m.offsetWidth - 4))}px`;
  m.style.top = `${Math.max(0, Math.min(y - r.top, r.height - m.offsetHeight - 4))}px`;
  menu = m;
  m.querySelector('button')?.focus();
}

function nodeIdOf(target: EventTarget | null): string | null {
  const el = (target as Element | null)?.closest?.('.node');
  return el?.getAttribute('data-id') ?? null;
}

function reveal(id: string): void {
  const members = shown?.groups.get(id);
  if (members) {
    // Clicking a group goes to its first component; its menu lists the others.
    if (members[0]) channel.post({ type: 'dag/reveal', component: members[0] });
    return;
  }
  select(id);
  channel.post({ type: 'dag/reveal', component: id });
}

let drag: { x: number; y: number; panX: number; panY: number; moved: boolean } | null = null;

stage.addEventListener('pointerdown', (ev) => {
  if ((ev.target as Element).closest('.menu, #tools, #minimap')) return;
  closeMenu(false);
  if (ev.button !== 0) return;
  drag = { x: ev.clientX, y: ev.clientY, panX: view.panX, panY: view.panY, moved: false };
});
window.addEventListener('pointermove', (ev) => {
  if (!drag) return;
  const dx = ev.clientX - drag.x;
  const dy = ev.clientY - drag.y;
  if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
  drag.moved = true;
  autoFit = false;
  stage.classList.add('panning');
  view.panX = drag.panX + dx;
  view.panY = drag.panY + dy;
  applyView();
});
window.addEventListener('pointerup', (ev) => {
  const wasDrag = drag?.moved;
  drag = null;
  stage.classList.remove('panning');
  if (wasDrag) {
    persist();
    return;
  }
  if ((ev.target as Element).closest?.('#tools, #minimap, .menu')) return;
  const id = nodeIdOf(ev.target);
  if (id && ev.button === 0) reveal(id);
  else if (!id && ev.button === 0 && (ev.target as Element).closest?.('#stage')) select(null);
});
stage.addEventListener('contextmenu', (ev) => {
  const id = nodeIdOf(ev.target);
  ev.preventDefault();
  if (id) openMenu(id, ev.clientX, ev.clientY);
});
onWheelPanZoom(stage, zoomAt, panBy);

function zoomAt(factor: number, mx: number, my: number): void {
  autoFit = false;
  view = zoomedAt(view, factor, mx, my, MIN_ZOOM);
  applyView();
  persistSoon();
}

function zoomCentred(factor: number): void {
  const { width, height } = stageSize();
  zoomAt(factor, width / 2, height / 2);
}

tools.querySelector('#zoom-in')!.addEventListener('click', () => zoomCentred(1.25));
tools.querySelector('#zoom-out')!.addEventListener('click', () => zoomCentred(1 / 1.25));
tools.querySelector('#fit')!.addEventListener('click', fit);

/** The nearest node in an arrow key's direction, by laid-out centres. */
function neighbour(from: string, key: string): string | null {
  return layout ? neighbourInDirection(layout.nodes, from, key) : null;
}

document.addEventListener('keydown', (ev) => {
  if (menu) return;
  const id = nodeIdOf(document.activeElement);
  if (id && ev.key.startsWith('Arrow')) {
    const next = neighbour(id, ev.key);
    if (next) {
      const el = nodeEls.get(next);
      el?.focus();
      const placed = layout?.nodes.get(next);
      if (placed) ensureVisible(placed);
    }
    ev.preventDefault();
    return;
  }
  if (id && (ev.key === 'Enter' || ev.key === ' ')) {
    reveal(id);
    ev.preventDefault();
    return;
  }
  if (id && (ev.key === 'ContextMenu' || (ev.key === 'F10' && ev.shiftKey))) {
    const r = nodeEls.get(id)!.getBoundingClientRect();
    openMenu(id, r.left + 10, r.bottom);
    ev.preventDefault();
    return;
  }
  if ((ev.target as Element | null)?.closest?.('#tools') && (ev.key === 'Enter' || ev.key === ' ')) return;
  if (ev.key === 'Escape' && selected) {
    select(null);
    ev.preventDefault();
    return;
  }
  if (ev.key === '+' || ev.key === '=') zoomCentred(1.2);
  else if (ev.key === '-') zoomCentred(1 / 1.2);
  else if (ev.key === '0') fit();
  else if (ev.key === 'PageDown' || ev.key === 'PageUp') panBy(0, (ev.key === 'PageDown' ? -0.8 : 0.8) * stageSize().height);
  else if (!id && ev.key.startsWith('Arrow')) {
    const first = shown?.graph.nodes[0];
    if (first) nodeEls.get(first.id)?.focus();
  } else return;
  ev.preventDefault();
});
// A resize (a panel opened, the pane dragged) never lays the graph out again: it only re-fits a view
// the user has not panned or zoomed.
window.addEventListener('resize', () => {
  if (autoFit && layout && stage.clientWidth > 0) fit();
  else applyView();
});

// ---- messages ---------------------------------------------------------------------------------

channel.onMessage((message) => {
  switch (message.type) {
    case 'dag/snapshot': {
      const previous = snapshot?.graph ?? null;
      snapshot = message.snapshot;
      persist();
      if (snapshot.graph && !(sameShape(previous, snapshot.graph) && layout)) {
        if (!previous || previous.file !== snapshot.graph.file) fitPending = true;
        void relayout(snapshot.graph);
      } else {
        renderTop();
        renderGraph();
      }
      renderTop();
      break;
    }
    case 'dag/graph': {
      if (!snapshot) snapshot = { graph: null, status: {}, problems: [], highlighted: null, canRun: false };
      const previous = snapshot.graph;
      snapshot = { ...snapshot, problems: message.problems, graph: message.graph ?? previous };
      persist();
      renderTop();
      if (message.graph && !sameShape(previous, message.graph)) {
        if (!previous) fitPending = true;
        void relayout(message.graph);
      } else if (message.graph) {
        // Same shape: nothing to lay out, only names/labels could differ.
        shown = collapseGraph(message.graph);
        renderGraph();
      }
      document.body.dataset['problems'] = String(message.problems.length);
      // Counts handled updates, so tests and benchmarks can see when a change reached the screen.
      document.body.dataset['graphSeq'] = String(Number(document.body.dataset['graphSeq'] ?? 0) + 1);
      break;
    }
    case 'dag/status': {
      if (!snapshot) return;
      snapshot = { ...snapshot, status: message.replace ? message.status : { ...snapshot.status, ...message.status } };
      persist();
      patchStatus(message.replace ? nodeEls.keys() : Object.keys(message.status));
      break;
    }
    case 'dag/highlight': {
      if (!snapshot) return;
      snapshot = { ...snapshot, highlighted: message.component };
      persist();
      applyHighlight();
      break;
    }
  }
});

renderTop();
if (layout) {
  document.body.dataset['direction'] = layout.direction;
  document.body.dataset['restored'] = 'layout';
  renderGraph();
  warmUp();
} else {
  applyView();
  if (snapshot?.graph) void relayout(snapshot.graph);
  else warmUp();
}
channel.post({ type: 'dag/ready' });
