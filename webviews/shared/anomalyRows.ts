// One anomaly as a table row, for every view that lists anomalies (the anomalies panel, the approval
// panel): severity, feature, TFDV's type name, the measured sentence (common/anomalies.ts) and the
// actions the caller offers (a link to the feature's statistics, "Accept into schema"). Text only,
// through h(): a feature called `<img onerror=…>` is shown, never run.
import { anomalySentence, anomalySubject, severityRank, type AnomalySummaryRow } from '../../common/anomalies';
import { h } from './elementBuilder';

/** The views' per-feature entries as one row per reason (from common/anomalies.ts, shared with the host). */
export { rowsFromEntries } from '../../common/anomalies';

export interface AnomalyRowActions<R extends AnomalySummaryRow> {
  /** Shown as the feature's link; absent: the feature is plain text. */
  openFeature?: (row: R) => void;
  /** A button per row, when the row can be acted on (e.g. accept into the schema). */
  action?: (row: R) => { label: string; title?: string; run: () => void } | { note: string } | undefined;
  /** Show the split column (off when a table lists one split). */
  showSplit?: boolean;
}

/** Errors first, then by split and feature. */
export function sortAnomalyRows<R extends AnomalySummaryRow>(rows: readonly R[]): R[] {
  return [...rows].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.split.localeCompare(b.split) || a.feature.localeCompare(b.feature) || a.type.localeCompare(b.type));
}

export function anomalyRow<R extends AnomalySummaryRow>(row: R, actions: AnomalyRowActions<R> = {}): HTMLTableRowElement {
  const level = row.severity === 'ERROR' ? 'error' : row.severity === 'WARNING' ? 'warning' : 'unknown';
  const subject = anomalySubject(row.feature);
  const feature = actions.openFeature && row.feature
    ? h('a', { href: '#', class: 'feature-link', title: `Show the statistics of ${subject} (${row.split})`, 'data-feature': row.feature, 'data-split': row.split }, subject)
    : h('span', { class: 'feature' }, subject);
  if (actions.openFeature && row.feature) {
    feature.addEventListener('click', (event) => {
      event.preventDefault();
      actions.openFeature!(row);
    });
  }
  const act = actions.action?.(row);
  const actionCell = h('td', { class: 'action' });
  if (act && 'label' in act) {
    const button = h('vscode-button', { secondary: true, title: act.title ?? act.label, class: 'accept' }, 'Accept into schema');
    button.addEventListener('click', () => act.run());
    actionCell.append(button, h('div', { class: 'muted small' }, act.label));
  } else if (act && 'note' in act) actionCell.appendChild(h('span', { class: 'muted small' }, act.note));
  return h(
    'tr',
    { class: `anomaly-row ${level}`, 'data-type': row.type, 'data-split': row.split, 'data-feature': row.feature },
    h('td', { class: 'severity' }, h('span', { class: `flag ${level === 'unknown' ? '' : level}` }, row.severity.toLowerCase())),
    actions.showSplit === false ? null : h('td', { class: 'split' }, row.split),
    h('td', { class: 'feature-cell' }, feature),
    h('td', { class: 'sentence' }, h('div', {}, anomalySentence(row)), h('code', { class: 'type muted', title: row.description }, row.type)),
    actions.action ? actionCell : null,
  );
}

/** A whole table of anomaly rows with its header. */
export function anomalyTable<R extends AnomalySummaryRow>(rows: readonly R[], actions: AnomalyRowActions<R> = {}): HTMLTableElement {
  const head = h('tr', {}, h('th', {}, 'severity'), actions.showSplit === false ? null : h('th', {}, 'split'), h('th', {}, 'feature'), h('th', {}, 'what was measured · TFDV type'), actions.action ? h('th', {}, '') : null);
  return h('table', { class: 'anomalies' }, h('thead', {}, head), h('tbody', {}, ...rows.map((r) => anomalyRow(r, actions))));
}

/** The styles of the rows (adopt them with adoptStyles in a view that uses the table). */
export const ANOMALY_ROW_CSS = `
table.anomalies { border-collapse: collapse; width: 100%; }
table.anomalies th { text-align: left; font-weight: normal; color: var(--vscode-descriptionForeground); padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,0.35)); }
table.anomalies td { vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,0.35)); overflow-wrap: anywhere; }
table.anomalies td.severity, table.anomalies td.split { white-space: nowrap; }
table.anomalies td.feature-cell { font-weight: 600; min-width: 6em; }
table.anomalies td.sentence { min-width: 16em; }
table.anomalies .type { display: block; margin-top: 2px; font-size: 0.85em; }
table.anomalies td.action { width: 11em; }
table.anomalies .small { font-size: 0.85em; }
table.anomalies a.feature-link { color: var(--vscode-textLink-foreground); }
table.anomalies a.feature-link:hover { color: var(--vscode-textLink-activeForeground); }
table.anomalies a.feature-link:focus { outline: 1px solid var(--vscode-focusBorder); }
table.anomalies .flag { margin-left: 0; }
`;
