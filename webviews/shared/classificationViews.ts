// What a classifier got right and wrong, as the evaluation view shows it: the confusion matrix (counts
// and row-normalised), per-class precision, recall and F1 with their averages, how those averages are
// taken, ROC and precision-recall curves (binary) and the calibration plot. Reads the optional
// `details` of a model's metrics (common/artifacts.ts); evaluations recorded before them get a note.
import type { ModelMetrics } from '../protocol';
import type { ClassScoresPayload } from '../../common/artifacts';
import { h } from './elementBuilder';
import { formatNumber, formatPercent } from '../../common/format';
import { lineChartSvg, type LineSeries } from './lineChart';

function f1Of(c: ClassScoresPayload): number {
  if (c.f1 !== undefined) return c.f1;
  return c.precision + c.recall > 0 ? (2 * c.precision * c.recall) / (c.precision + c.recall) : 0;
}

/** The classes in the matrix's order: the block's own list, else the per-class names. */
export function classNames(m: ModelMetrics): string[] {
  const n = m.details?.confusion_matrix?.length ?? 0;
  if (m.classes && m.classes.length === n) return m.classes;
  const named = Object.keys(m.details?.per_class ?? {});
  return named.length === n ? named : Array.from({ length: n }, (_, i) => `class ${i}`);
}

/** One sentence: how the averages in the overall table and below are taken. */
export function averagingStatement(m: ModelMetrics): string {
  const a = m.details?.averaging;
  const classes = a?.classes.length ?? Object.keys(m.details?.per_class ?? {}).length;
  if (!a) {
    return `Precision and recall are macro averages (TFMA macro_average): each of the ${classes} classes counts once. (This evaluation was written before the Evaluator recorded its averaging; that is how it computed them.)`;
  }
  const names = a.metrics.filter((x) => x !== 'auc').map((x) => (x === 'f1' ? 'F1' : x));
  const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
  const what = listed.charAt(0).toUpperCase() + listed.slice(1);
  const auc = a.metrics.includes('auc') ? '; auc is the macro average of one-vs-rest ROC AUCs' : '';
  const kind = a.type === 'macro_average' ? `macro averages (TFMA macro_average): each of the ${a.classes.length} classes (${a.classes.join(', ')}) counts once, whatever its size` : 'micro averages (TFMA micro_average): counts pooled over the classes';
  return `${what} are ${kind}${auc}. The micro average of precision, recall and F1 equals accuracy here (one label per example).`;
}

function heat(fraction: number): string {
  return `heat heat-${Math.max(0, Math.min(5, Math.round(fraction * 5)))}`;
}

/** The confusion matrix, rows the actual class and columns the predicted one; normalised: each row's share. */
export function confusionTable(m: ModelMetrics, normalised: boolean): HTMLTableElement | null {
  const matrix = m.details?.confusion_matrix;
  if (!matrix?.length) return null;
  const classes = classNames(m);
  const table = h('table', { class: 'grid confusion', id: normalised ? 'confusion-normalised' : 'confusion-counts', 'aria-label': normalised ? 'Confusion matrix, share of each actual class' : 'Confusion matrix, counts' });
  table.appendChild(h('tr', {}, h('th', { scope: 'col' }, 'actual \\ predicted'), ...classes.map((c) => h('th', { scope: 'col' }, h('span', { class: 'name', title: c }, c))), normalised ? null : h('th', { scope: 'col' }, 'total')));
  matrix.forEach((row, a) => {
    const total = row.reduce((x, y) => x + y, 0);
    const max = Math.max(1, ...matrix.flat());
    table.appendChild(
      h(
        'tr',
        { 'data-actual': classes[a] ?? '' },
        h('th', { scope: 'row' }, h('span', { class: 'name', title: classes[a] ?? '' }, classes[a] ?? '')),
        ...row.map((v, p) => {
          const share = total > 0 ? v / total : 0;
          const text = normalised ? (total > 0 ? formatPercent(share) : '–') : formatNumber(v);
          return h('td', { class: `${heat(normalised ? share : v / max)}${a === p ? ' diagonal' : ''}`, title: `actual ${classes[a]}, predicted ${classes[p]}: ${formatNumber(v)} of ${formatNumber(total)}` }, text);
        }),
        normalised ? null : h('td', { class: 'muted' }, formatNumber(total)),
      ),
    );
  });
  return table;
}

/** Precision, recall, F1 and support per class, then the macro and micro averages. */
export function perClassTable(m: ModelMetrics): HTMLTableElement | null {
  const perClass = m.details?.per_class;
  if (!perClass || !Object.keys(perClass).length) return null;
  const table = h('table', { class: 'grid', id: 'per-class' });
  table.appendChild(h('tr', {}, h('th', {}, 'class'), h('th', {}, 'precision'), h('th', {}, 'recall'), h('th', {}, 'F1'), h('th', {}, 'support')));
  const entries = Object.entries(perClass);
  for (const [name, c] of entries) {
    table.appendChild(h('tr', { 'data-class': name }, h('td', {}, h('span', { class: 'name', title: name }, name)), h('td', {}, formatNumber(c.precision)), h('td', {}, formatNumber(c.recall)), h('td', {}, formatNumber(f1Of(c))), h('td', {}, formatNumber(c.support))));
  }
  const mean = (f: (c: ClassScoresPayload) => number): number => entries.reduce((s, [, c]) => s + f(c), 0) / entries.length;
  const support = entries.reduce((s, [, c]) => s + c.support, 0);
  table.appendChild(h('tr', { class: 'average', 'data-class': 'macro average' }, h('td', {}, 'macro average'), h('td', {}, formatNumber(mean((c) => c.precision))), h('td', {}, formatNumber(mean((c) => c.recall))), h('td', {}, formatNumber(mean(f1Of))), h('td', {}, formatNumber(support))));
  const matrix = m.details?.confusion_matrix;
  if (matrix?.length) {
    const correct = matrix.reduce((s, row, i) => s + (row[i] ?? 0), 0);
    const all = matrix.flat().reduce((s, v) => s + v, 0);
    const micro = all > 0 ? correct / all : Number.NaN;
    table.appendChild(h('tr', { class: 'average', 'data-class': 'micro average' }, h('td', {}, 'micro average'), h('td', {}, formatNumber(micro)), h('td', {}, formatNumber(micro)), h('td', {}, formatNumber(micro)), h('td', {}, formatNumber(all))));
  }
  return table;
}

function chartBox(id: string, title: string, chart: SVGSVGElement, caption: string): HTMLElement {
  return h('figure', { class: 'chart-box', id }, h('figcaption', {}, h('strong', {}, title), h('div', { class: 'muted' }, caption)), chart);
}

function legend(withBaseline: boolean): HTMLElement {
  return h('div', { class: 'legend' }, h('span', {}, h('span', { class: 'swatch main' }), 'candidate'), withBaseline ? h('span', {}, h('span', { class: 'swatch compare' }), 'baseline (dashed)') : null);
}

/** ROC and precision-recall curves of a binary model, the baseline's dashed beside it. */
export function curveCharts(candidate: ModelMetrics, baseline: ModelMetrics | null): HTMLElement | null {
  const c = candidate.details?.curves;
  if (!c) return null;
  const b = baseline?.details?.curves;
  const roc: LineSeries[] = [{ label: 'candidate', className: 'main', points: c.roc.map((p) => ({ x: p.fpr, y: p.tpr })) }];
  const pr: LineSeries[] = [{ label: 'candidate', className: 'main', points: c.pr.map((p) => ({ x: p.recall, y: p.precision })) }];
  if (b) {
    roc.push({ label: 'baseline', className: 'compare', points: b.roc.map((p) => ({ x: p.fpr, y: p.tpr })) });
    pr.push({ label: 'baseline', className: 'compare', points: b.pr.map((p) => ({ x: p.recall, y: p.precision })) });
  }
  const auc = candidate.overall['auc'];
  return h(
    'div',
    { class: 'charts' },
    chartBox('roc-curve', `ROC curve${auc !== undefined ? ` (AUC ${formatNumber(auc)})` : ''}`, lineChartSvg(roc, { title: 'ROC curve', xLabel: 'false positive rate', yLabel: 'true positive rate', diagonal: true }), `positive class: ${c.positive_class}; thresholds 0–1, step 0.01`),
    chartBox('pr-curve', 'Precision-recall curve', lineChartSvg(pr, { title: 'Precision-recall curve', xLabel: 'recall', yLabel: 'precision' }), `positive class: ${c.positive_class}`),
    legend(Boolean(b)),
  );
}

/** The calibration plot: mean predicted probability against the observed rate, per bucket; the diagonal is perfect calibration. */
export function calibrationChart(candidate: ModelMetrics, baseline: ModelMetrics | null): HTMLElement | null {
  const cal = candidate.details?.calibration;
  if (!cal) return null;
  const series = (m: ModelMetrics, label: string, className: 'main' | 'compare'): LineSeries | null => {
    const c = m.details?.calibration;
    if (!c) return null;
    return { label, className, dots: true, points: c.buckets.map((b) => ({ x: b.mean_predicted, y: b.observed, title: `${label}, predictions ${formatNumber(b.low)}–${formatNumber(b.high)}: ${formatNumber(b.count)} examples, mean ${formatNumber(b.mean_predicted)}, observed ${formatNumber(b.observed)}` })) };
  };
  const lines = [series(candidate, 'candidate', 'main'), baseline ? series(baseline, 'baseline', 'compare') : null].filter((x): x is LineSeries => x !== null);
  const what = cal.of === 'positive_class' ? `the score of ${cal.positive_class ?? 'the positive class'} against the share of examples that are ${cal.positive_class ?? 'positive'}` : 'the probability of the predicted class against the share predicted right (top-label calibration)';
  return h(
    'div',
    { class: 'charts' },
    chartBox(
      'calibration',
      'Calibration',
      lineChartSvg(lines, { title: 'Calibration plot', xLabel: cal.of === 'positive_class' ? 'mean predicted probability' : 'mean confidence', yLabel: cal.of === 'positive_class' ? 'observed share positive' : 'observed share right', diagonal: true }),
      `${what}, in buckets of 0.1 (${cal.buckets.length} not empty); on the dashed diagonal the model is calibrated`,
    ),
    lines.length > 1 ? legend(true) : null,
  );
}

/** The whole classification section, or a note saying what this evaluation does not record. */
export function classificationSection(candidate: ModelMetrics, baseline: ModelMetrics | null): HTMLElement | null {
  const details = candidate.details;
  const classification = candidate.task === 'classification' || details?.confusion_matrix !== undefined;
  if (!classification) return null;
  const section = h('section', { id: 'classification' }, h('h2', {}, 'Classes'));
  if (!details?.confusion_matrix) {
    section.appendChild(h('p', { class: 'muted', id: 'classification-note' }, 'This evaluation does not record a confusion matrix (it was written by an older Evaluator). Re-run the Evaluator step to see the confusion matrix, per-class scores and the plots.'));
    return section;
  }
  section.appendChild(h('p', { id: 'averaging' }, averagingStatement(candidate)));
  const counts = confusionTable(candidate, false);
  const normalised = confusionTable(candidate, true);
  section.appendChild(
    h(
      'div',
      { class: 'tables' },
      h('div', {}, h('h3', {}, 'Confusion matrix (counts)'), counts),
      h('div', {}, h('h3', {}, 'Confusion matrix (share of each actual class)'), normalised),
      h('div', {}, h('h3', {}, 'Per class'), perClassTable(candidate)),
    ),
  );
  const curves = curveCharts(candidate, baseline);
  const calibration = calibrationChart(candidate, baseline);
  if (curves || calibration) section.appendChild(h('h3', {}, 'Plots'));
  if (curves) section.appendChild(curves);
  else if ((candidate.classes?.length ?? classNames(candidate).length) === 2 || !details.calibration) {
    section.appendChild(h('p', { class: 'muted', id: 'plots-note' }, details.calibration ? 'ROC and precision-recall curves are recorded for binary models.' : 'This evaluation does not record ROC, precision-recall or calibration data (older Evaluator): re-run the Evaluator step to see them.'));
  } else section.appendChild(h('p', { class: 'muted', id: 'plots-note' }, `ROC and precision-recall curves are drawn for binary models; this one has ${classNames(candidate).length} classes.`));
  if (calibration) section.appendChild(calibration);
  return section;
}
