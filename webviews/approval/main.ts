// Approval view: what a reviewer needs before signing off a model (its evaluation, the statistics
// highlights and anomalies of its data) and the Approve / Reject decision with a comment.
import type { ApprovalDecision, ApprovalSnapshot } from '../protocol';
import { connect } from '../shared/vscodeApi';
import { adoptStyles } from '../shared/styles';
import { clear, h } from '../shared/elementBuilder';
import { failureList, overallTable, verdict } from '../shared/evaluationTables';
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
  const ev = s.evaluation;
  const evalSection = h('section', { id: 'evaluation' }, h('h2', {}, 'Evaluation'));
  if (ev) {
    evalSection.append(verdict(ev));
    if (ev.failures.length) evalSection.appendChild(failureList(ev));
    evalSection.appendChild(overallTable(ev));
    if (ev.artifactId !== undefined) {
      const id = ev.artifactId;
      const open = h('vscode-button', { id: 'open-evaluation', secondary: true }, 'Open the full evaluation');
      open.addEventListener('click', () => channel.post({ type: 'approval/openEvaluation', artifactId: id }));
      evalSection.appendChild(h('p', {}, open));
    }
  } else evalSection.appendChild(h('p', { class: 'muted' }, 'No evaluation found for this model.'));
  root.appendChild(evalSection);
  const stats = h('section', { id: 'highlights' }, h('h2', {}, 'Data used: statistics highlights and anomalies'));
  if (!s.highlights.length && !s.anomalies.length) stats.appendChild(h('p', { class: 'muted' }, 'Nothing flagged in the statistics or by the ExampleValidator.'));
  const ul = h('ul', {});
  for (const a of s.anomalies) ul.appendChild(h('li', { class: `anomaly ${a.severity === 'ERROR' ? 'error' : 'warning'}` }, h('strong', {}, a.feature), ` (${a.split}): ${a.shortDescription ?? a.types.join(', ')} — ${a.description}`));
  for (const hl of s.highlights) ul.appendChild(h('li', { class: `highlight ${hl.level}` }, h('strong', {}, hl.feature), ` (${hl.split}): ${hl.message}`));
  stats.appendChild(ul);
  root.appendChild(stats);
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
