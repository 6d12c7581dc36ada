// Statistics view: the Facets Overview rebuilt natively, for one dataset or two compared.
// The feature list is virtualised (fixed row height, only visible rows in the DOM), so 500 features
// render their first screen as fast as 10.
import type { FeatureStatistics, StatisticsSide, StatisticsSnapshot, StatisticsSort } from '../protocol';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { h, fill, clear } from '../shared/elementBuilder';
import { formatNumber, formatPercent } from '../../common/format';
import { histogramSvg, horizontalBarsSvg } from '../shared/histogramChart';
import '../shared/vscodeElements';
import css from './statistics.css';
import { anomalySentences, buildRows, commonOf, filterRows, histogramOf, HIGH_MISSING, sortRows, type FeatureRow } from '../../common/featureRows';

adoptStyles(css);
const channel = connect('statistics');
const saved = channel.getState();

const state = {
  snapshot: saved?.snapshot ?? null as StatisticsSnapshot | null,
  sort: (saved?.sort ?? 'name') as StatisticsSort,
  search: saved?.search ?? '',
  logScale: saved?.logScale ?? false,
  quantiles: saved?.quantiles ?? false,
};

const ROW_HEIGHT_WIDE = 118;
const ROW_HEIGHT_NARROW = 210;
/** Must match the media query in statistics.css that stacks the chart under the figures. */
const NARROW = '(max-width: 699px)';
let ROW_HEIGHT = matchMedia(NARROW).matches ? ROW_HEIGHT_NARROW : ROW_HEIGHT_WIDE;
const SECTION_HEIGHT = 30;
const OVERSCAN = 4;

type ListItem = { kind: 'section'; title: string } | { kind: 'feature'; row: FeatureRow };

let items: ListItem[] = [];
let offsets: number[] = [];
let active = 0;

const header = h('div', { id: 'header' });
const list = h('div', { id: 'list', role: 'list', tabindex: 0, 'aria-label': 'Features' });
const spacer = h('div', { id: 'spacer' });
list.appendChild(spacer);
document.body.append(header, list);

function persist(): void {
  channel.setState({ snapshot: state.snapshot, sort: state.sort, search: state.search, logScale: state.logScale, quantiles: state.quantiles });
}

function toolbar(snapshot: StatisticsSnapshot): HTMLElement {
  const search = h('vscode-textfield', { id: 'search', placeholder: 'Search features', 'aria-label': 'Search features' }) as HTMLElement & { value: string };
  search.value = state.search;
  search.addEventListener('input', () => {
    state.search = search.value;
    persist();
    rebuild();
  });
  const sort = h('vscode-single-select', { id: 'sort', 'aria-label': 'Sort by' }) as HTMLElement & { value: string };
  const sorts: Array<[StatisticsSort, string]> = [
    ['name', 'Sort: name'],
    ['missing', 'Sort: missing'],
    ['non-uniformity', 'Sort: non-uniformity'],
    ['distance', 'Sort: distribution distance'],
  ];
  for (const [value, label] of sorts) {
    if (value === 'distance' && !snapshot.compare) continue;
    sort.appendChild(h('vscode-option', { value, selected: value === state.sort }, label));
  }
  sort.addEventListener('change', () => {
    state.sort = sort.value as StatisticsSort;
    persist();
    rebuild();
  });
  const log = h('vscode-checkbox', { id: 'log', label: 'Log scale', checked: state.logScale }) as HTMLElement & { checked: boolean };
  log.addEventListener('change', () => {
    state.logScale = log.checked;
    persist();
    renderVisible(true);
  });
  const quant = h('vscode-checkbox', { id: 'quantiles', label: 'Quantiles', checked: state.quantiles }) as HTMLElement & { checked: boolean };
  quant.addEventListener('change', () => {
    state.quantiles = quant.checked;
    persist();
    renderVisible(true);
  });
  const compareButton = h('vscode-button', { id: 'pick-compare', secondary: true }, snapshot.compare ? 'Compare with…' : 'Compare…');
  compareButton.addEventListener('click', () => channel.post({ type: 'statistics/pickCompare' }));
  const bar = h('div', { class: 'toolbar' }, search, sort, log, quant, compareButton);
  if (snapshot.compare) {
    const clearButton = h('vscode-button', { id: 'clear-compare', secondary: true }, 'Stop comparing');
    clearButton.addEventListener('click', () => channel.post({ type: 'statistics/clearCompare' }));
    bar.appendChild(clearButton);
  }
  if (snapshot.splits.length > 1 && snapshot.main) {
    const main = snapshot.main;
    const splitSelect = h('vscode-single-select', { id: 'split', 'aria-label': 'Split shown' }) as HTMLElement & { value: string };
    for (const split of snapshot.splits) splitSelect.appendChild(h('vscode-option', { value: split, selected: split === main.split }, `Split: ${split}`));
    splitSelect.addEventListener('change', () => channel.post({ type: 'statistics/selectSplit', split: splitSelect.value }));
    bar.insertBefore(splitSelect, bar.firstChild);
    for (const split of snapshot.splits.filter((sp) => sp !== main.split)) {
      const b = h('vscode-button', { secondary: true, 'data-split': split }, `Compare with ${split}`);
      b.addEventListener('click', () => channel.post({ type: 'statistics/compareSplit', split }));
      bar.appendChild(b);
    }
  }
  return bar;
}

function describe(side: StatisticsSide, cls: 'main' | 'compare'): HTMLElement {
  return h('span', { class: 'legend' }, h('span', { class: `swatch ${cls}` }), h('span', { class: 'name', title: side.label }, side.label), h('span', { class: 'muted' }, ` ${formatNumber(side.dataset.numExamples)} examples`));
}

const attention = h('div', { id: 'attention', class: 'banner', hidden: true });

function renderAttention(): void {
  const flagged = items.filter((i) => i.kind === 'feature' && i.row.flags.length > 0).length;
  attention.hidden = flagged === 0;
  fill(attention, `${flagged} feature${flagged === 1 ? ' needs' : 's need'} attention (flagged below).`);
}

/** Toolbar and titles: rebuilt only for a new snapshot, so typing in the search box keeps its focus. */
function renderHeader(): void {
  const snapshot = state.snapshot;
  clear(header);
  if (!snapshot || (!snapshot.main && !snapshot.error)) {
    // An empty view says how to fill it.
    header.appendChild(
      h(
        'div',
        { class: 'muted empty', id: 'statistics-empty' },
        h('p', {}, 'No statistics shown yet.'),
        h('p', {}, 'Run a pipeline with a StatisticsGen step, then select one of its ExampleStatistics (or Examples) artifacts in the Runs view, or use "Show Statistics" on that step in the Pipelines view.'),
      ),
    );
    return;
  }
  header.appendChild(toolbar(snapshot));
  if (snapshot.error) header.appendChild(h('div', { class: 'banner error', role: 'alert' }, snapshot.error));
  if (snapshot.main) {
    const line = h('div', {}, describe(snapshot.main, 'main'));
    if (snapshot.compare) line.append(h('span', { class: 'muted' }, ' vs '), describe(snapshot.compare, 'compare'));
    header.appendChild(line);
  }
  header.appendChild(attention);
}

function rebuild(): void {
  const snapshot = state.snapshot;
  items = [];
  offsets = [];
  if (snapshot?.main) {
    const rows = sortRows(
      filterRows(buildRows(snapshot.main.dataset, snapshot.compare?.dataset ?? null, snapshot.main.anomalies, snapshot.compare?.anomalies ?? []), state.search),
      state.sort,
    );
    const numeric = rows.filter((r) => r.kind === 'numeric');
    const categorical = rows.filter((r) => r.kind === 'categorical');
    if (numeric.length) items.push({ kind: 'section', title: `Numeric features (${numeric.length})` }, ...numeric.map((row) => ({ kind: 'feature' as const, row })));
    if (categorical.length) items.push({ kind: 'section', title: `Categorical features (${categorical.length})` }, ...categorical.map((row) => ({ kind: 'feature' as const, row })));
  }
  let y = 0;
  for (const item of items) {
    offsets.push(y);
    y += item.kind === 'section' ? SECTION_HEIGHT : ROW_HEIGHT;
  }
  spacer.style.height = `${y}px`;
  active = Math.min(active, Math.max(0, items.length - 1));
  renderAttention();
  renderVisible(true);
}

const rendered = new Map<number, HTMLElement>();

function numericFigures(row: FeatureRow, compare: boolean): HTMLElement {
  const table = h('table', { class: 'figures' });
  const head = h('tr', {}, h('th', {}, ''), ...['count', 'missing', 'mean', 'std dev', 'zeros', 'min', 'median', 'max'].map((t) => h('th', {}, t)));
  table.appendChild(head);
  const line = (f: FeatureStatistics | null, label: string) => {
    const c = commonOf(f);
    // With no values at all, proto3's zero defaults are not figures: show dashes.
    const n = c && c.numNonMissing > 0 ? f?.num : undefined;
    const missing = c ? c.numMissing / Math.max(1, c.numMissing + c.numNonMissing) : 1;
    return h(
      'tr',
      {},
      h('td', { class: 'which muted' }, label),
      h('td', {}, formatNumber(c?.numNonMissing)),
      h('td', { class: missing >= HIGH_MISSING ? 'high' : '' }, formatPercent(missing)),
      h('td', {}, formatNumber(n?.mean)),
      h('td', {}, formatNumber(n?.stdDev)),
      h('td', {}, n && c ? formatPercent(n.numZeros / Math.max(1, c.numNonMissing)) : '–'),
      h('td', {}, formatNumber(n?.min)),
      h('td', {}, formatNumber(n?.median)),
      h('td', {}, formatNumber(n?.max)),
    );
  };
  table.appendChild(line(row.main, compare ? 'this' : ''));
  if (compare) table.appendChild(line(row.compare, 'other'));
  return table;
}

function categoricalFigures(row: FeatureRow, compare: boolean): HTMLElement {
  const table = h('table', { class: 'figures' });
  table.appendChild(h('tr', {}, h('th', {}, ''), ...['count', 'missing', 'unique', 'top', 'freq top', 'avg length'].map((t) => h('th', {}, t))));
  const line = (f: FeatureStatistics | null, label: string) => {
    const st = f?.string;
    const c = commonOf(f);
    const missing = c ? c.numMissing / Math.max(1, c.numMissing + c.numNonMissing) : 1;
    const top = st?.topValues[0];
    return h(
      'tr',
      {},
      h('td', { class: 'which muted' }, label),
      h('td', {}, formatNumber(c?.numNonMissing)),
      h('td', { class: missing >= HIGH_MISSING ? 'high' : '' }, formatPercent(missing)),
      h('td', {}, formatNumber(st?.unique)),
      h('td', {}, h('span', { class: 'name', title: top?.value ?? '' }, top ? top.value : '–')),
      h('td', {}, formatNumber(top?.frequency)),
      h('td', {}, formatNumber(st?.avgLength)),
    );
  };
  table.appendChild(line(row.main, compare ? 'this' : ''));
  if (compare) table.appendChild(line(row.compare, 'other'));
  return table;
}

function chart(row: FeatureRow, compare: boolean): HTMLElement {
  const box = h('div', { class: 'chart' });
  if (row.kind === 'numeric') {
    const type = state.quantiles ? 'QUANTILES' : 'STANDARD';
    const a = histogramOf(row.main, type);
    const b = compare ? histogramOf(row.compare, type) : undefined;
    const base = a ?? b;
    if (!base) return fill(box, h('span', { class: 'muted' }, 'no histogram')), box;
    const labels = base.buckets.map((bk) => `${formatNumber(bk.low)} – ${formatNumber(bk.high)}`);
    const series = [];
    if (a) series.push({ values: a.buckets.map((bk) => bk.count), className: 'main' as const });
    if (b) series.push({ values: b.buckets.map((bk) => bk.count), className: 'compare' as const });
    box.append(
      h('div', { class: 'chart-title' }, `${type === 'QUANTILES' ? 'quantiles' : 'histogram'}${state.logScale ? ' (log)' : ''} ${formatNumber(base.buckets[0]?.low)} … ${formatNumber(base.buckets[base.buckets.length - 1]?.high)}`),
      histogramSvg(series, { width: 240, height: 70, logScale: state.logScale, labels, normalise: series.length > 1 }),
    );
  } else {
    const main = row.main?.string?.topValues ?? [];
    const other = new Map((row.compare?.string?.topValues ?? []).map((t) => [t.value, t.frequency]));
    const totalA = main.reduce((acc, t) => acc + t.frequency, 0) || 1;
    const totalB = [...other.values()].reduce((acc, t) => acc + t, 0) || 1;
    const values = (main.length ? main : row.compare?.string?.topValues ?? []).slice(0, 4);
    box.append(
      h('div', { class: 'chart-title' }, compare ? 'top values (share)' : 'top values'),
      horizontalBarsSvg(
        values.map((t) => (compare ? { label: t.value, value: (main.find((m) => m.value === t.value)?.frequency ?? 0) / totalA, compare: (other.get(t.value) ?? 0) / totalB } : { label: t.value, value: t.frequency })),
        240,
        compare ? { max: 1, format: formatPercent } : {},
      ),
    );
  }
  return box;
}

function featureRowElement(row: FeatureRow, index: number): HTMLElement {
  const compare = Boolean(state.snapshot?.compare);
  const hasError = row.flags.some((f) => f.level === 'error');
  const el = h('div', {
    class: `row${row.flags.length ? ' flagged' : ''}${hasError ? ' error' : ''}`,
    role: 'listitem',
    tabindex: -1,
    'data-index': index,
    'data-feature': row.name,
  });
  const title = h('div', {}, h('span', { class: 'feature-name name', title: row.name }, row.name), h('span', { class: 'muted' }, ` ${(row.main ?? row.compare)?.type ?? ''}`));
  for (const flag of row.flags) title.appendChild(h('span', { class: `flag ${flag.level}`, title: flag.type ?? '', 'data-type': flag.type ?? '' }, flag.text));
  if (row.distance !== null) title.appendChild(h('span', { class: 'muted' }, ` · ${row.distanceKind === 'jensen-shannon' ? 'JS divergence' : 'L∞ distance'} ${formatNumber(row.distance)}`));
  const left = h('div', {}, title, row.main || row.compare ? (row.kind === 'numeric' ? numericFigures(row, compare) : categoricalFigures(row, compare)) : h('div', { class: 'muted' }, 'no statistics for this feature'));
  // What was measured against what the schema wants (common/anomalies.ts), TFDV's type name on hover.
  const sentences = row.anomalies.flatMap((a) => anomalySentences(a).map((text, i) => ({ text, type: a.reasons?.[i]?.type ?? a.types[i] ?? '', level: a.severity === 'ERROR' ? 'error' : 'warning' })));
  for (const m of sentences.slice(0, 2)) left.appendChild(h('div', { class: `anomaly-sentence ${m.level}`, title: `${m.type}: ${m.text}` }, m.text));
  if (sentences.length > 2) left.appendChild(h('div', { class: 'muted' }, `and ${sentences.length - 2} more`));
  el.append(left, chart(row, compare));
  return el;
}

function itemElement(index: number): HTMLElement {
  const item = items[index]!;
  const el = item.kind === 'section' ? h('div', { class: 'row section', role: 'heading', 'aria-level': 2 }, item.title) : featureRowElement(item.row, index);
  el.style.top = `${offsets[index]}px`;
  el.style.height = `${item.kind === 'section' ? SECTION_HEIGHT : ROW_HEIGHT}px`;
  if (index === active) el.classList.add('active');
  return el;
}

function firstIndexAt(y: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

/** Rows built once stay cached (detached) until the list changes: scrolling back costs no rebuild. */
const built = new Map<number, HTMLElement>();

function renderVisible(force = false): void {
  if (force) {
    for (const el of rendered.values()) el.remove();
    rendered.clear();
    built.clear();
  }
  if (items.length === 0) {
    if (state.snapshot?.main) spacer.appendChild(h('p', { class: 'muted empty', 'data-empty': '' }, 'No feature matches the search.'));
    return;
  }
  spacer.querySelector('[data-empty]')?.remove();
  const top = list.scrollTop;
  const bottom = top + (list.clientHeight || window.innerHeight);
  const from = Math.max(0, firstIndexAt(top) - OVERSCAN);
  const to = Math.min(items.length - 1, firstIndexAt(bottom) + OVERSCAN);
  for (const [i, el] of rendered) {
    if (i < from || i > to) {
      el.remove();
      rendered.delete(i);
    }
  }
  for (let i = from; i <= to; i++) {
    if (rendered.has(i)) continue;
    let el = built.get(i);
    if (!el) {
      el = itemElement(i);
      built.set(i, el);
    }
    el.classList.toggle('active', i === active);
    rendered.set(i, el);
    spacer.appendChild(el);
  }
}

list.addEventListener('scroll', () => renderVisible());
matchMedia(NARROW).addEventListener('change', (e) => {
  ROW_HEIGHT = e.matches ? ROW_HEIGHT_NARROW : ROW_HEIGHT_WIDE;
  rebuild();
});
window.addEventListener('resize', () => renderVisible());

function focusItem(index: number): void {
  if (items.length === 0) return;
  active = Math.max(0, Math.min(items.length - 1, index));
  const y = offsets[active]!;
  const h0 = items[active]!.kind === 'section' ? SECTION_HEIGHT : ROW_HEIGHT;
  if (y < list.scrollTop) list.scrollTop = y;
  else if (y + h0 > list.scrollTop + list.clientHeight) list.scrollTop = y + h0 - list.clientHeight;
  renderVisible();
  for (const [i, el] of rendered) el.classList.toggle('active', i === active);
  rendered.get(active)?.focus();
}

list.addEventListener('keydown', (event) => {
  const page = Math.max(1, Math.floor(list.clientHeight / ROW_HEIGHT));
  const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + page, PageUp: active - page, Home: 0, End: items.length - 1 };
  const next = moves[event.key];
  if (next === undefined) return;
  event.preventDefault();
  focusItem(next);
});
list.addEventListener('click', (event) => {
  const row = (event.target as Element).closest<HTMLElement>('.row[data-index]');
  if (row) focusItem(Number(row.dataset['index']));
});

channel.onMessage((message) => {
  switch (message.type) {
    case 'statistics/snapshot':
      state.snapshot = message.snapshot;
      if (!message.snapshot.compare && state.sort === 'distance') state.sort = 'name';
      if (message.snapshot.compare && state.sort === 'name') state.sort = 'distance';
      break;
    case 'statistics/compare':
      if (!state.snapshot) return;
      state.snapshot = { ...state.snapshot, compare: message.compare };
      state.sort = message.compare ? 'distance' : state.sort === 'distance' ? 'name' : state.sort;
      break;
    case 'statistics/error':
      state.snapshot = { main: state.snapshot?.main ?? null, compare: state.snapshot?.compare ?? null, splits: state.snapshot?.splits ?? [], error: message.message };
      break;
  }
  persist();
  list.scrollTop = 0;
  rebuild();
  renderHeader();
  revealFocus();
  document.body.dataset['rendered'] = String(Date.now());
});

/** A snapshot that names a feature (the anomalies panel's link) scrolls to it and marks it. */
function revealFocus(): void {
  const feature = state.snapshot?.focus;
  if (!feature) return;
  const index = items.findIndex((i) => i.kind === 'feature' && i.row.name === feature);
  if (index < 0) return;
  list.scrollTop = Math.max(0, offsets[index]! - SECTION_HEIGHT);
  focusItem(index);
  rendered.get(index)?.classList.add('focused');
}

rebuild();
renderHeader();
channel.post({ type: 'statistics/ready' });
