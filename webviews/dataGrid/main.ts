// Data grid: the rows of a Parquet artifact (an Examples split, transformed examples, predictions), any
// number of them. Only the visible rows exist in the DOM (a fixed pool of row elements whose text is
// replaced as the user scrolls); rows arrive in pages the host fetches from the runtime on demand, with a
// page prefetched on each side of the viewport. Sort, filters and "where the model is wrong" are sent to
// the host and evaluated by DuckDB; this view only shows what comes back, always as text.
import type { DataGridSnapshot, DataGridStats, DataGridView, GridCell, GridColumn, GridFilter, GridFilterOp } from '../protocol';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, fill, h } from '../shared/elementBuilder';
import { formatNumber } from '../../common/format';
import css from './dataGrid.css';

adoptStyles(css);
const channel = connect('dataGrid');
const saved = channel.getState();

const ROW_HEIGHT = 24;
const PAGE_ROWS = 200;
/** Chromium stops growing an element somewhere above 30,000,000 px: beyond this the scroll range is scaled. */
const MAX_SCROLL_PX = 8_000_000;
/** Pages kept in memory (200 rows each); the farthest from the viewport go first. */
const MAX_PAGES = 40;
const OPS: Array<{ op: GridFilterOp; label: string }> = [
  { op: 'eq', label: '=' },
  { op: 'ne', label: '≠' },
  { op: 'lt', label: '<' },
  { op: 'le', label: '≤' },
  { op: 'gt', label: '>' },
  { op: 'ge', label: '≥' },
  { op: 'contains', label: 'contains' },
  { op: 'null', label: 'is null' },
  { op: 'notnull', label: 'is not null' },
];

let snapshot: DataGridSnapshot | null = saved?.snapshot ?? null;
let view: DataGridView = saved?.view ?? { sort: [], filters: [], wrong: false };
let total = snapshot?.total ?? 0;
let columns: GridColumn[] = snapshot?.columns ?? [];
/** Bumped on every change of view: answers for an older view are dropped. */
let generation = 0;
let nextRequest = 1;
const pages = new Map<number, GridCell[][]>();
const inFlight = new Map<number, { page: number; generation: number }>();
let lastQueryMs: number | null = null;
let error: string | null = null;

const root = h('main', { id: 'root' });
document.body.appendChild(root);
const toolbar = h('div', { class: 'toolbar', id: 'toolbar' });
const filterBar = h('div', { class: 'filters', id: 'filters' });
const status = h('div', { class: 'status muted', id: 'status', role: 'status' });
const scroller = h('div', { class: 'scroller', id: 'grid', role: 'grid', tabindex: 0, 'aria-rowcount': 0 });
const windowLayer = h('div', { class: 'window' });
const header = h('div', { class: 'row header', role: 'row' });
const body = h('div', { class: 'rows', role: 'rowgroup' });
const spacer = h('div', { class: 'spacer' });
const tooltip = h('div', { class: 'stats-tip', id: 'stats-tip', role: 'tooltip', hidden: true });
windowLayer.append(header, body);
scroller.append(windowLayer, spacer);
root.append(toolbar, filterBar, status, scroller, tooltip);

let rowPool: HTMLElement[] = [];
let widths: number[] = [];

function persist(): void {
  channel.setState({ snapshot, view, scrollTop: scroller.scrollTop });
}

function pageOf(row: number): number {
  return Math.floor(row / PAGE_ROWS);
}

function visibleRows(): number {
  return Math.max(1, Math.ceil((scroller.clientHeight - ROW_HEIGHT) / ROW_HEIGHT) + 1);
}

/** Height of the scrolled content, and the first row shown for a scroll position (scaled past MAX_SCROLL_PX). */
function contentHeight(): number {
  return Math.min(total * ROW_HEIGHT, MAX_SCROLL_PX) + ROW_HEIGHT;
}

function firstRowAt(scrollTop: number): { row: number; shift: number } {
  const exact = total * ROW_HEIGHT <= MAX_SCROLL_PX;
  if (exact) return { row: Math.floor(scrollTop / ROW_HEIGHT), shift: scrollTop % ROW_HEIGHT };
  const range = Math.max(1, contentHeight() - scroller.clientHeight);
  const rows = Math.max(0, total - visibleRows() + 1);
  return { row: Math.min(rows, Math.round((scrollTop / range) * rows)), shift: 0 };
}

/** A count in full, with separators: 5,000,000 (formatNumber would write 1.20e+7 past ten million). */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

function cellText(v: GridCell | undefined): string {
  if (v === null) return 'null';
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  return String(v);
}

function columnWidth(c: GridColumn, sample: GridCell[][], i: number): number {
  const longest = Math.max(c.name.length + 3, ...sample.slice(0, 50).map((r) => cellText(r[i]).length));
  return Math.max(64, Math.min(320, Math.round(longest * 7.5 + 18)));
}

function sortMark(name: string): string {
  const s = view.sort.find((x) => x.column === name);
  return s ? (s.descending ? ' ▼' : ' ▲') : '';
}

function buildHeader(): void {
  clear(header);
  const sample = pages.get(0) ?? snapshot?.firstRows ?? [];
  widths = columns.map((c, i) => columnWidth(c, sample, i));
  const totalWidth = widths.reduce((a, b) => a + b, 0);
  windowLayer.style.width = `${totalWidth}px`;
  spacer.style.width = `${totalWidth}px`;
  columns.forEach((c, i) => {
    const slice = snapshot?.predictions?.sliceColumns.includes(c.name);
    const cell = h(
      'div',
      { class: `cell head${c.numeric ? ' num' : ''}${slice ? ' slice' : ''}`, role: 'columnheader', tabindex: 0, 'data-column': c.name, title: `${c.name} (${c.type}): click to sort, hover for statistics`, 'aria-sort': view.sort[0]?.column === c.name ? (view.sort[0].descending ? 'descending' : 'ascending') : 'none' },
      h('span', { class: 'label' }, c.name),
      h('span', { class: 'mark' }, sortMark(c.name)),
    );
    cell.style.width = `${widths[i]}px`;
    cell.addEventListener('click', () => cycleSort(c.name));
    cell.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        cycleSort(c.name);
      }
    });
    cell.addEventListener('mouseenter', () => askStats(c.name, cell));
    cell.addEventListener('focus', () => askStats(c.name, cell));
    cell.addEventListener('mouseleave', hideStats);
    cell.addEventListener('blur', hideStats);
    header.appendChild(cell);
  });
}

function buildRows(): void {
  const count = visibleRows() + 1;
  clear(body);
  rowPool = [];
  for (let r = 0; r < count; r++) {
    const row = h('div', { class: 'row', role: 'row' });
    widths.forEach((w, i) => {
      const cell = h('div', { class: `cell${columns[i]?.numeric ? ' num' : ''}`, role: 'gridcell' });
      cell.style.width = `${w}px`;
      row.appendChild(cell);
    });
    body.appendChild(row);
    rowPool.push(row);
  }
}

/** Fills the pooled rows for the scroll position: text only, nothing created. */
function paint(): void {
  spacer.style.height = `${Math.max(0, contentHeight() - scroller.clientHeight)}px`;
  const { row: first, shift } = firstRowAt(scroller.scrollTop);
  body.style.transform = `translateY(${-shift}px)`;
  let missing = false;
  rowPool.forEach((el, k) => {
    const index = first + k;
    const rowData = index < total ? pages.get(pageOf(index))?.[index % PAGE_ROWS] : undefined;
    el.hidden = index >= total;
    el.dataset['row'] = String(index);
    el.setAttribute('aria-rowindex', String(index + 2));
    el.classList.toggle('loading', index < total && !rowData);
    if (index < total && !rowData) missing = true;
    const cells = el.children;
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i] as HTMLElement;
      const v = rowData?.[i];
      const text = rowData ? cellText(v) : '';
      if (c.textContent !== text) c.textContent = text;
      c.classList.toggle('null', rowData !== undefined && v === null);
    }
  });
  document.body.dataset['firstRow'] = String(first);
  document.body.dataset['complete'] = String(!missing);
  // When the first screen was whole (ms since navigation), for the benchmark.
  if (!missing && snapshot && document.body.dataset['completeAt'] === undefined) document.body.dataset['completeAt'] = String(performance.now());
  request(first);
}

/** Fetches the pages under the viewport, then one on each side. */
function request(first: number): void {
  if (!snapshot || error) return;
  const last = Math.min(total - 1, first + visibleRows());
  const wanted: number[] = [];
  for (let p = pageOf(first); p <= pageOf(Math.max(first, last)); p++) wanted.push(p);
  wanted.push(pageOf(first) - 1, pageOf(last) + 1);
  for (const p of wanted) {
    if (p < 0 || p * PAGE_ROWS >= total || pages.has(p)) continue;
    if ([...inFlight.values()].some((f) => f.page === p && f.generation === generation)) continue;
    const requestId = nextRequest++;
    inFlight.set(requestId, { page: p, generation });
    channel.post({ type: 'dataGrid/fetch', requestId, view, offset: p * PAGE_ROWS, limit: PAGE_ROWS });
  }
  // Keep memory bounded: drop the pages farthest from the viewport.
  if (pages.size > MAX_PAGES) {
    const here = pageOf(first);
    const far = [...pages.keys()].sort((a, b) => Math.abs(b - here) - Math.abs(a - here));
    for (const p of far.slice(0, pages.size - MAX_PAGES)) pages.delete(p);
  }
}

function describeView(): string {
  const parts = [`${count(total)} rows`];
  if (snapshot && total !== snapshot.total) parts[0] = `${count(total)} of ${count(snapshot.total)} rows`;
  if (view.wrong && snapshot?.predictions) parts.push(snapshot.predictions.task === 'classification' ? `where ${snapshot.predictions.prediction} ≠ ${snapshot.predictions.label}` : `largest |${snapshot.predictions.prediction} − ${snapshot.predictions.label}| first`);
  for (const s of view.sort) parts.push(`sorted by ${s.column} ${s.descending ? '↓' : '↑'}`);
  if (lastQueryMs !== null) parts.push(`last page ${Math.round(lastQueryMs)} ms in DuckDB`);
  return parts.join(' · ');
}

function renderStatus(): void {
  if (error) {
    status.className = 'status banner error';
    status.textContent = error;
  } else {
    status.className = 'status muted';
    status.textContent = describeView();
  }
  scroller.setAttribute('aria-rowcount', String(total + 1));
}

/** A new sort/filter/view: every page is fetched again, from the top. */
function changeView(next: DataGridView): void {
  view = next;
  generation++;
  pages.clear();
  inFlight.clear();
  error = null;
  scroller.scrollTop = 0;
  persist();
  renderToolbar();
  renderFilters();
  buildHeader();
  buildRows();
  renderStatus();
  paint();
}

function cycleSort(column: string): void {
  const current = view.sort.find((s) => s.column === column);
  const sort = !current ? [{ column, descending: false }] : !current.descending ? [{ column, descending: true }] : [];
  changeView({ ...view, sort });
}

function renderToolbar(): void {
  clear(toolbar);
  if (!snapshot) return;
  const s = snapshot;
  toolbar.appendChild(h('h1', { class: 'name', title: s.label }, s.label));
  if (s.sources.length > 1) {
    const select = h('select', { id: 'source', 'aria-label': 'Split or file' });
    for (const name of s.sources) select.appendChild(h('option', { value: name, selected: name === s.source }, name));
    select.addEventListener('change', () => channel.post({ type: 'dataGrid/selectSource', source: select.value }));
    toolbar.append(h('label', { class: 'muted', for: 'source' }, 'Split'), select);
  } else {
    toolbar.appendChild(h('span', { class: 'muted' }, s.source));
  }
  if (s.predictions) {
    const wrong = h('button', { id: 'where-wrong', class: view.wrong ? 'primary pressed' : 'primary', 'aria-pressed': view.wrong ? 'true' : 'false', title: s.predictions.task === 'classification' ? 'Only the rows the model got wrong' : 'Rows by the largest absolute error first' }, view.wrong ? 'Show all rows' : 'Where is the model wrong?');
    wrong.addEventListener('click', () => changeView({ ...view, wrong: !view.wrong, sort: [] }));
    toolbar.appendChild(wrong);
  }
  // The filter form: column, operator, value.
  const column = h('select', { id: 'filter-column', 'aria-label': 'Filter column' });
  for (const c of columns) if (c.name !== 'abs_error') column.appendChild(h('option', { value: c.name }, c.name));
  const op = h('select', { id: 'filter-op', 'aria-label': 'Filter operator' });
  for (const o of OPS) op.appendChild(h('option', { value: o.op }, o.label));
  const value = h('input', { id: 'filter-value', type: 'text', placeholder: 'value', 'aria-label': 'Filter value', spellcheck: 'false' });
  const add = h('button', { id: 'filter-add', class: 'secondary' }, 'Filter');
  const submit = (): void => {
    const o = op.value as GridFilterOp;
    const f: GridFilter = o === 'null' || o === 'notnull' ? { column: column.value, op: o } : { column: column.value, op: o, value: value.value };
    changeView({ ...view, filters: [...view.filters, f] });
  };
  add.addEventListener('click', submit);
  value.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') submit();
  });
  filterForm = h('div', { class: 'filter-form' }, h('label', { class: 'muted', for: 'filter-column' }, 'Filter'), column, op, value, add);
}

let filterForm: HTMLElement | null = null;

function renderFilters(): void {
  clear(filterBar);
  if (filterForm) filterBar.appendChild(filterForm);
  view.filters.forEach((f, i) => {
    const label = `${f.column} ${OPS.find((o) => o.op === f.op)?.label ?? f.op}${f.op === 'null' || f.op === 'notnull' ? '' : ` ${String(f.value ?? '')}`}`;
    const remove = h('button', { class: 'chip-x', 'aria-label': `Remove filter ${label}`, title: 'Remove this filter' }, '×');
    remove.addEventListener('click', () => changeView({ ...view, filters: view.filters.filter((_, k) => k !== i) }));
    filterBar.appendChild(h('span', { class: 'chip', 'data-filter': String(i) }, h('span', {}, label), remove));
  });
}

let statsFor: string | null = null;
let statsTimer: ReturnType<typeof setTimeout> | undefined;
const statsCache = new Map<string, DataGridStats>();

function statsKey(column: string): string {
  return JSON.stringify([column, view.filters, view.wrong]);
}

function askStats(column: string, anchor: HTMLElement): void {
  statsFor = column;
  clearTimeout(statsTimer);
  const rect = anchor.getBoundingClientRect();
  tooltip.style.left = `${Math.max(4, Math.min(rect.left, window.innerWidth - 300))}px`;
  tooltip.style.top = `${rect.bottom + 4}px`;
  const known = statsCache.get(statsKey(column));
  if (known) return showStats(known);
  statsTimer = setTimeout(() => {
    fill(tooltip, h('div', { class: 'muted' }, `${column}: computing statistics…`));
    tooltip.hidden = false;
    channel.post({ type: 'dataGrid/columnStats', column, filters: view.filters, wrong: view.wrong });
  }, 250);
}

function showStats(stats: DataGridStats): void {
  if (stats.column !== statsFor) return;
  const line = (k: string, v: string): HTMLElement => h('div', { class: 'kv' }, h('span', { class: 'muted' }, k), h('span', {}, v));
  const numeric = stats.mean !== null;
  const parts: HTMLElement[] = [
    h('div', { class: 'tip-title' }, h('span', { class: 'name' }, stats.column), h('span', { class: 'muted' }, ` ${stats.type}`)),
    line('rows', count(stats.count)),
    line('missing', `${count(stats.nulls)}${stats.count ? ` (${((100 * stats.nulls) / stats.count).toFixed(1)}%)` : ''}`),
    line('distinct', `≈ ${count(stats.distinct)}`),
  ];
  if (numeric) parts.push(line('min', cellText(stats.min)), line('max', cellText(stats.max)), line('mean', formatNumber(stats.mean)), line('std dev', formatNumber(stats.stddev)));
  for (const t of stats.top) parts.push(line(cellText(t.value), count(t.count)));
  parts.push(h('div', { class: 'muted origin' }, `from ${stats.origin}`));
  fill(tooltip, ...parts);
  tooltip.hidden = false;
}

function hideStats(): void {
  statsFor = null;
  clearTimeout(statsTimer);
  tooltip.hidden = true;
}

function start(s: DataGridSnapshot, keepView: boolean): void {
  snapshot = s;
  columns = s.columns;
  total = s.total;
  generation++;
  pages.clear();
  inFlight.clear();
  statsCache.clear();
  error = s.error ?? null;
  if (!keepView) view = { sort: [], filters: [], wrong: false };
  const plain = !view.sort.length && !view.filters.length && !view.wrong;
  if (plain && s.firstRows.length) pages.set(0, s.firstRows);
  persist();
  renderToolbar();
  renderFilters();
  buildHeader();
  buildRows();
  renderStatus();
  paint();
}

channel.onMessage((m) => {
  if (m.type === 'dataGrid/snapshot') {
    const sameData = snapshot !== null && snapshot.artifactId === m.snapshot.artifactId && snapshot.source === m.snapshot.source;
    start(m.snapshot, sameData);
    document.body.dataset['rendered'] = String(Date.now());
  } else if (m.type === 'dataGrid/page') {
    const asked = inFlight.get(m.requestId);
    inFlight.delete(m.requestId);
    if (!asked || asked.generation !== generation) return;
    pages.set(asked.page, m.rows);
    lastQueryMs = m.queryMs;
    const columnsChanged = m.columns.length !== columns.length || m.columns.some((c, i) => c.name !== columns[i]?.name);
    const totalChanged = m.total !== total;
    total = m.total;
    if (columnsChanged) {
      columns = m.columns;
      buildHeader();
      buildRows();
    }
    if (totalChanged && scroller.scrollTop > contentHeight()) scroller.scrollTop = 0;
    renderStatus();
    paint();
  } else if (m.type === 'dataGrid/stats') {
    statsCache.set(statsKey(m.column), m.stats);
    showStats(m.stats);
  } else if (m.type === 'dataGrid/error') {
    if (m.requestId !== undefined) inFlight.delete(m.requestId);
    error = m.message;
    renderStatus();
  }
});

let frame = 0;
scroller.addEventListener('scroll', () => {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    paint();
    hideStats();
  });
});
scroller.addEventListener('keydown', (ev) => {
  const page = scroller.clientHeight - ROW_HEIGHT;
  const step: Record<string, number> = { ArrowDown: ROW_HEIGHT, ArrowUp: -ROW_HEIGHT, PageDown: page, PageUp: -page };
  if (ev.key in step) {
    ev.preventDefault();
    scroller.scrollTop += step[ev.key]!;
  } else if (ev.key === 'Home' && ev.ctrlKey) scroller.scrollTop = 0;
  else if (ev.key === 'End' && ev.ctrlKey) scroller.scrollTop = scroller.scrollHeight;
});
window.addEventListener('resize', () => {
  buildRows();
  paint();
});

if (snapshot) {
  start(snapshot, true);
  if (saved?.scrollTop) scroller.scrollTop = saved.scrollTop;
} else {
  status.textContent = 'Loading the rows…';
}
channel.post({ type: 'dataGrid/ready' });
