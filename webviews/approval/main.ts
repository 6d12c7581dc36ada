// Approval view: what a reviewer needs before signing off a model (its evaluation against the baseline,
// the slices with the failing or worsened ones flagged, the anomalies and statistics highlights of its
// data) and the Approve / Reject decision with a comment. One function per section.
import type { ApprovalDecision, ApprovalSnapshot } from '../protocol';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, h } from '../shared/elementBuilder';
import { failureList, overallTable, sliceReviewRows, sliceReviewSummary, sliceReviewTable, verdict } from '../shared/evaluationTables';
import '../shared/vscodeElements';
import css from './approval.css';

adoptStyles(css);
const channel = connect('approval');
const saved = channel.getState();
let snapshot: ApprovalSnapshot | null = saved?.snapshot ?? null;
let comment = saved?.comment ?? '';
let pending = false;
let result: { ok: boolean; message: string } | null = null;
const root = h('main', { id: 'root' });
document.body.appendChild(root);

function persist(): void {
  channel.setState({ snapshot, comment });
}

function decisionForm(s: ApprovalSnapshot): HTMLElement {
  const form = h('section', { class: 'decision', id: 'decision' }, h('h2', {}, 'Decision'));
  if (s.decided) {
    const when = new Date(s.decided.time).toISOString().replace('T', ' ').slice(0, 16);
    form.appendChild(h('div', { id: 'decided', class: s.decided.decision === 'approved' ? 'ok' : 'bad' }, `${s.decided.decision === 'approved' ? 'Approved' : 'Rejected'} by ${s.decided.reviewer} on ${when} UTC`));
    if (s.decided.comment) form.appendChild(h('div', { class: 'instructions' }, s.decided.comment));
    return form;
  }
  const textarea = h('vscode-textarea', { id: 'comment', rows: 4, placeholder: 'Comment (required to reject): what you checked, why you decided', 'aria-label': 'Comment' }) as HTMLElement & { value: string };
  textarea.value = comment;
  textarea.addEventListener('input', () => {
    comment = textarea.value;
    persist();
  });
  const note = h('div', { id: 'form-note', role: 'status', class: result ? (result.ok ? 'ok' : 'bad') : 'muted' }, result?.message ?? (s.canDecide ? '' : 'Decisions are disabled in restricted mode.'));
  const decide = (decision: ApprovalDecision) => {
    if (pending || !s.canDecide) return;
    if (decision === 'rejected' && !comment.trim()) {
      result = { ok: false, message: 'Say why in the comment before rejecting.' };
      render();
      return;
    }
    pending = true;
    result = { ok: true, message: decision === 'approved' ? 'Recording the approval…' : 'Recording the rejection…' };
    channel.post({ type: 'approval/decide', executionId: s.executionId, decision, comment: comment.trim() });
    render();
  };
  const approve = h('vscode-button', { id: 'approve', disabled: pending || !s.canDecide }, 'Approve');
  const reject = h('vscode-button', { id: 'reject', secondary: true, disabled: pending || !s.canDecide }, 'Reject');
  approve.addEventListener('click', () => decide('approved'));
  reject.addEventListener('click', () => decide('rejected'));
  form.append(textarea, h('div', { class: 'buttons' }, approve, reject), note);
  return form;
}

function evaluationSection(s: ApprovalSnapshot): HTMLElement {
  const ev = s.evaluation;
  const section = h('section', { id: 'evaluation' }, h('h2', {}, 'Evaluation: candidate against baseline'));
  if (!ev) {
    section.appendChild(h('p', { class: 'muted' }, 'No evaluation found for this model.'));
    return section;
  }
  section.append(verdict(ev));
  const candidate = ev.candidate.modelId !== undefined ? `candidate: model ${ev.candidate.modelId}` : 'candidate: this model';
  const baseline = ev.baseline ? `baseline: ${ev.baseline.modelId !== undefined ? `model ${ev.baseline.modelId}` : 'the model it was compared with'} (the latest blessed model when it was evaluated)` : 'no baseline: there was no blessed model to compare with when this model was evaluated';
  section.appendChild(h('p', { class: 'muted', id: 'models' }, `${candidate} · ${baseline}`));
  if (ev.failures.length) section.appendChild(failureList(ev));
  section.appendChild(overallTable(ev));
  if (ev.artifactId !== undefined) {
    const id = ev.artifactId;
    const open = h('vscode-button', { id: 'open-evaluation', secondary: true }, 'Open the full evaluation');
    open.addEventListener('click', () => channel.post({ type: 'approval/openEvaluation', artifactId: id }));
    section.appendChild(h('p', {}, open));
  }
  return section;
}

function slicesSection(ev: NonNullable<ApprovalSnapshot['evaluation']>): HTMLElement {
  const rows = sliceReviewRows(ev);
  return h(
    'section',
    { id: 'slices' },
    h('h2', {}, 'Slices'),
    h('p', { id: 'slice-summary', class: rows.some((r) => r.failed) ? 'bad' : '' }, sliceReviewSummary(ev, rows)),
    sliceReviewTable(ev, rows),
  );
}

function anomaliesSection(s: ApprovalSnapshot): HTMLElement {
  const section = h('section', { id: 'anomalies' }, h('h2', {}, 'Data anomalies'));
  const source = s.anomaliesArtifact;
  if (source === null || (source === undefined && !s.anomalies.length)) {
    section.appendChild(h('p', { class: 'muted' }, 'No ExampleValidator upstream of this model: its data was not checked against a schema.'));
    return section;
  }
  if (source) {
    const named = source.label && !source.label.includes(String(source.artifactId)) ? ` (${source.label})` : '';
    section.appendChild(h('p', { class: 'muted' }, `From ExampleAnomalies ${source.artifactId}${named}, the ExampleValidator's check of this model's data against the schema.`));
  }
  if (!s.anomalies.length) {
    section.appendChild(h('p', { class: 'ok', id: 'no-anomalies' }, 'The ExampleValidator found no anomalies in any split.'));
    return section;
  }
  const table = h('table', { class: 'grid', id: 'anomaly-table' });
  table.appendChild(h('tr', {}, h('th', {}, 'feature'), h('th', {}, 'split'), h('th', {}, 'severity'), h('th', { class: 'what' }, 'what')));
  const rank = (a: ApprovalSnapshot['anomalies'][number]): number => (a.severity === 'ERROR' ? 0 : a.severity === 'WARNING' ? 1 : 2);
  for (const a of [...s.anomalies].sort((x, y) => rank(x) - rank(y))) {
    const level = a.severity === 'ERROR' ? 'error' : 'warning';
    table.appendChild(
      h(
        'tr',
        { class: `anomaly ${level}`, 'data-feature': a.feature },
        h('td', {}, h('span', { class: 'name', title: a.feature }, a.feature)),
        h('td', {}, a.split),
        h('td', {}, h('span', { class: `flag ${level}` }, a.severity.toLowerCase())),
        h('td', { class: 'what' }, `${a.shortDescription ?? a.types.join(', ')}${a.description ? `: ${a.description}` : ''}`),
      ),
    );
  }
  section.appendChild(table);
  return section;
}

function highlightsSection(s: ApprovalSnapshot): HTMLElement {
  const section = h('section', { id: 'highlights' }, h('h2', {}, 'Data: statistics highlights'));
  if (!s.highlights.length) {
    section.appendChild(h('p', { class: 'muted' }, 'Nothing flagged in the statistics.'));
    return section;
  }
  const ul = h('ul', {});
  for (const hl of s.highlights) ul.appendChild(h('li', { class: `highlight ${hl.level}` }, h('strong', {}, hl.feature), ` (${hl.split}): ${hl.message}`));
  section.appendChild(ul);
  return section;
}

function render(): void {
  clear(root);
  if (!snapshot) {
    root.appendChild(h('p', { class: 'muted' }, 'Loading the approval request…'));
    return;
  }
  const s = snapshot;
  root.append(
    h('h1', { class: 'name', title: `${s.pipeline} · ${s.component}` }, `Approve model: ${s.pipeline} · ${s.component}`),
    h('div', { class: 'muted' }, `run ${s.runName} · execution ${s.executionId}${s.model ? ` · model artifact ${s.model.artifactId}` : ''}`),
  );
  if (s.instructions) root.appendChild(h('section', {}, h('h2', {}, 'Instructions'), h('div', { class: 'instructions', id: 'instructions' }, s.instructions)));
  root.appendChild(evaluationSection(s));
  if (s.evaluation) root.appendChild(slicesSection(s.evaluation));
  root.appendChild(anomaliesSection(s));
  root.appendChild(highlightsSection(s));
  root.appendChild(decisionForm(s));
  document.body.dataset['rendered'] = String(Date.now());
}

channel.onMessage((message) => {
  switch (message.type) {
    case 'approval/snapshot':
      snapshot = message.snapshot;
      pending = false;
      break;
    case 'approval/result':
      pending = false;
      result = message;
      if (message.ok) comment = '';
      break;
  }
  persist();
  render();
});

render();
channel.post({ type: 'approval/ready' });
