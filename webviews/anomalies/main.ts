// Anomalies view: what an ExampleValidator found in one ExampleAnomalies artifact, per split and
// feature: severity, TFDV's type, the measured sentence, a link to the feature's statistics and, for a
// curated schema, "Accept into schema". Also shown when `fail_on` stopped the pipeline.
import type { AnomaliesSnapshot, AnomalyRowView } from '../protocol';
import { anomaliesNotice } from '../../common/anomalies';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, h } from '../shared/elementBuilder';
import { ANOMALY_ROW_CSS, anomalyTable, sortAnomalyRows } from '../shared/anomalyRows';
import '../shared/vscodeElements';
import css from './anomalies.css';

adoptStyles(ANOMALY_ROW_CSS, css);
const channel = connect('anomalies');
let snapshot: AnomaliesSnapshot | null = channel.getState()?.snapshot ?? null;
const root = h('main', { id: 'root' });
document.body.appendChild(root);

function header(s: AnomaliesSnapshot): HTMLElement {
  const where = [s.pipeline, s.step].filter(Boolean).join(' / ');
  const title = h('h1', {}, where ? `Anomalies of ${where}` : s.label);
  const facts: string[] = [];
  if (s.runName) facts.push(`run ${s.runName}`);
  if (s.executionId !== undefined) facts.push(`execution ${s.executionId}`);
  if (s.artifactId !== undefined) facts.push(`ExampleAnomalies #${s.artifactId}`);
  const line = h('div', { class: 'muted' }, facts.join(' · '));
  const schema = h('div', { class: 'muted', id: 'schema-source' }, 'Schema: ');
  if (s.schemaFile) {
    const link = h('a', { href: '#', id: 'open-schema', title: s.schemaFile }, s.schemaSource ?? s.schemaFile);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      channel.post({ type: 'anomalies/openSchema' });
    });
    schema.append(link, ' (curated: accepting a change edits this file)');
  } else schema.append(s.schemaSource ?? 'unknown', ' (inferred: curate it with a SchemaImporter to accept changes here)');
  return h('header', {}, title, line, schema);
}

function verdict(s: AnomaliesSnapshot): HTMLElement {
  if (s.rows.length === 0) return h('div', { class: 'banner ok', id: 'verdict', role: 'status' }, `No anomalies in ${s.splits.join(' and ') || 'the validated splits'}.`);
  const sentence = anomaliesNotice(s.step ?? 'The validator', s.rows, 1);
  const text = s.failed ? `${sentence}. It stopped the pipeline (fail_on: ${s.failOn ?? 'error'}); the anomalies were recorded.` : `${sentence}.`;
  return h('div', { class: `banner${s.failed ? ' error' : ''}`, id: 'verdict', role: s.failed ? 'alert' : 'status' }, text);
}

function render(): void {
  clear(root);
  const s = snapshot;
  if (!s) {
    root.appendChild(h('p', { class: 'muted' }, 'Loading anomalies…'));
    return;
  }
  root.append(header(s));
  if (s.error) root.appendChild(h('div', { class: 'banner error', role: 'alert' }, s.error));
  root.appendChild(verdict(s));
  if (s.notice) root.appendChild(h('div', { class: `banner ${s.notice.ok ? 'ok' : 'error'}`, id: 'notice', role: 'status' }, s.notice.message));
  const indexed = s.rows.map((row, index) => ({ ...row, index }));
  for (const split of s.splits) {
    const rows = sortAnomalyRows(indexed.filter((r) => r.split === split));
    const section = h('section', { class: 'split', 'data-split': split }, h('h2', {}, `Split ${split}`, h('span', { class: 'muted' }, rows.length ? ` · ${rows.length} anomal${rows.length === 1 ? 'y' : 'ies'}` : ' · no anomalies')));
    if (rows.length) {
      section.appendChild(
        anomalyTable(rows, {
          showSplit: false,
          openFeature: s.statisticsArtifactId !== undefined ? (r) => channel.post({ type: 'anomalies/openStatistics', split: r.split, feature: r.feature }) : undefined,
          action: s.schemaFile ? (r: AnomalyRowView & { index: number }) => (r.accept ? { label: r.accept, run: () => accept(r.index) } : r.acceptNote ? { note: r.acceptNote } : undefined) : undefined,
        }),
      );
    }
    root.appendChild(section);
  }
  document.body.dataset['rendered'] = String(Date.now());
}

function accept(index: number): void {
  if (!snapshot?.canEdit) return;
  channel.post({ type: 'anomalies/accept', index });
}

channel.onMessage((m) => {
  if (m.type === 'anomalies/snapshot') {
    snapshot = m.snapshot;
    channel.setState({ snapshot });
    render();
  }
});

render();
channel.post({ type: 'anomalies/ready' });
