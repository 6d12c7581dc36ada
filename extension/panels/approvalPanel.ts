// The approval panel: a waiting HumanApproval step's model with its evaluation and data highlights,
// and the reviewer's decision, recorded through the runtime (as `mlpipe approve` does).
import * as vscode from 'vscode';
import type { ExecutionDetail } from '../../runtime/server/protocol';
import type { ApprovalSnapshot, ApprovalToHost, EvaluationSnapshot, ViewState } from '../../webviews/protocol';
import type { ApprovalArgs, PanelDeps } from '../panelDeps';
import { buildAudit } from './auditSummary';
import { EvaluationPanel, loadEvaluation } from './evaluationPanel';
import { lineageForAudit } from './lineagePanel';
import { createPanel, errorMessage, isId, TypedWebview } from './panelHost';

/** Instructions seen in `step-waiting` events (the pipeline file's params.instructions), by execution id. */
const instructionsByExecution = new Map<number, string>();
export function rememberInstructions(executionId: number, instructions: string | undefined): void {
  if (instructions) instructionsByExecution.set(executionId, instructions);
}

function decidedOf(detail: ExecutionDetail): ApprovalSnapshot['decided'] {
  const p = detail.customProperties;
  const d = String(p['__approval_decision__'] ?? p['decision'] ?? '');
  if (d !== 'approved' && d !== 'rejected') return null;
  const t = Date.parse(String(p['decided_at'] ?? ''));
  return { decision: d === 'approved' ? 'approved' : 'rejected', reviewer: String(p['approved_by'] ?? 'unknown'), comment: String(p['comment'] ?? ''), time: Number.isFinite(t) ? t : detail.updateTime };
}

/**
 * The evaluation this approval is about: the one it reads (its `evaluation` input), else the one that
 * produced the blessing it reads. A model evaluated more than once (a cached Trainer, a first run without
 * a baseline, then one with) has several; the model's lineage alone would pick any of them.
 */
async function evaluationOfApproval(deps: PanelDeps, args: ApprovalArgs, detail: ExecutionDetail): Promise<EvaluationSnapshot | null> {
  const evaluation = detail.inputs.find((i) => i.artifact.type === 'ModelEvaluation')?.artifact;
  if (evaluation) return loadEvaluation(deps, args.db, evaluation.id);
  const blessing = detail.inputs.find((i) => i.artifact.type === 'ModelBlessing')?.artifact;
  if (!blessing) return null;
  const graph = await deps.client.request('mlpipe/lineage', { db: args.db, artifactId: blessing.id, direction: 'upstream', maxDepth: 1 });
  const evaluator = graph.nodes.find((n) => n.kind === 'execution');
  if (!evaluator) return null;
  const produced = await deps.client.request('mlpipe/execution', { db: args.db, id: evaluator.id });
  const output = produced?.outputs.find((o) => o.artifact.type === 'ModelEvaluation')?.artifact;
  return output ? loadEvaluation(deps, args.db, output.id) : null;
}

export async function loadApproval(deps: PanelDeps, args: ApprovalArgs): Promise<ApprovalSnapshot> {
  const detail = await deps.client.request('mlpipe/execution', { db: args.db, id: args.executionId });
  if (!detail) throw new Error(`Execution ${args.executionId} is not in the metadata database ${args.db.path}.`);
  const modelInput = detail.inputs.find((i) => i.artifact.type === 'Model')?.artifact;
  let audit = null;
  if (modelInput) {
    const graph = await lineageForAudit(deps, args.db, modelInput.id);
    audit = buildAudit({ ...graph, root: `a${modelInput.id}` });
  }
  let evaluation: EvaluationSnapshot | null = null;
  try {
    evaluation = await evaluationOfApproval(deps, args, detail);
  } catch {
    // Fall back to the model's lineage below.
  }
  const instructions = instructionsByExecution.get(detail.id) ?? (typeof detail.customProperties['instructions'] === 'string' ? detail.customProperties['instructions'] : undefined);
  return {
    pipeline: detail.pipeline ?? '',
    runName: detail.runName ?? '',
    component: detail.nodeId,
    executionId: detail.id,
    instructions,
    model: modelInput ? { artifactId: modelInput.id, uri: modelInput.uri } : null,
    evaluation: evaluation ?? audit?.evaluation ?? null,
    highlights: audit?.audit.distribution.highlights ?? [],
    anomalies: audit?.anomalies ?? [],
    anomaliesArtifact: audit ? audit.audit.dataValidation.anomalies : null,
    decided: decidedOf(detail),
    canDecide: deps.isTrusted() && detail.state === 'RUNNING',
  };
}

export class ApprovalPanel {
  private static readonly open = new Map<number, ApprovalPanel>();
  private readonly view: TypedWebview<'approval'>;
  private snapshot: ApprovalSnapshot | undefined;

  static async show(deps: PanelDeps, args: ApprovalArgs): Promise<void> {
    const snapshot = await loadApproval(deps, args);
    const existing = ApprovalPanel.open.get(args.executionId);
    if (existing) {
      existing.update(snapshot);
      existing.panel.reveal(existing.panel.viewColumn);
      return;
    }
    new ApprovalPanel(deps, createPanel('approval', 'Approval', deps.extensionUri), args).update(snapshot);
  }

  static async restore(deps: PanelDeps, panel: vscode.WebviewPanel, state: Partial<ViewState['approval']> | undefined): Promise<void> {
    const old = state?.snapshot;
    const uri = old?.model?.uri;
    const db = uri ? deps.dbFor(vscode.Uri.file(uri)) : undefined;
    const root = uri ? deps.rootFor(vscode.Uri.file(uri)) : undefined;
    if (!old || !db || !root) {
      // Nothing to reconnect to: the restored page stays read-only.
      new TypedWebview('approval', panel.webview, deps.extensionUri, 'Approval');
      return;
    }
    const p = new ApprovalPanel(deps, panel, { db, root, executionId: old.executionId });
    try {
      p.update(await loadApproval(deps, p.args));
    } catch {
      // Keep the restored view.
    }
  }

  private constructor(
    private readonly deps: PanelDeps,
    private readonly panel: vscode.WebviewPanel,
    private readonly args: ApprovalArgs,
  ) {
    this.view = new TypedWebview('approval', panel.webview, deps.extensionUri, 'Approval');
    ApprovalPanel.open.set(args.executionId, this);
    this.view.onMessage((m) => this.onMessage(m));
    panel.onDidDispose(() => {
      ApprovalPanel.open.delete(args.executionId);
      this.view.dispose();
    });
  }

  private update(snapshot: ApprovalSnapshot): void {
    this.snapshot = snapshot;
    this.panel.title = `Approve: ${snapshot.pipeline} · ${snapshot.component}`;
    this.view.post({ type: 'approval/snapshot', snapshot });
  }

  private async onMessage(m: ApprovalToHost): Promise<void> {
    switch (m.type) {
      case 'approval/ready':
        if (this.snapshot) this.view.post({ type: 'approval/snapshot', snapshot: this.snapshot });
        return;
      case 'approval/openEvaluation':
        if (isId(m.artifactId)) await EvaluationPanel.show(this.deps, { db: this.args.db, artifactId: m.artifactId });
        return;
      case 'approval/decide': {
        if (m.executionId !== this.args.executionId || (m.decision !== 'approved' && m.decision !== 'rejected')) return;
        const comment = typeof m.comment === 'string' ? m.comment.slice(0, 10_000) : '';
        if (!this.deps.isTrusted()) {
          this.view.post({ type: 'approval/result', ok: false, message: 'Decisions are disabled in restricted mode: trust the workspace first.' });
          return;
        }
        try {
          await this.deps.approve(this.args.db, this.args.executionId, m.decision, comment);
          this.view.post({ type: 'approval/result', ok: true, message: m.decision === 'approved' ? 'Approved. The run continues.' : 'Rejected. Downstream steps will not run.' });
          this.update(await loadApproval(this.deps, this.args));
        } catch (e) {
          this.view.post({ type: 'approval/result', ok: false, message: errorMessage(e) });
        }
        return;
      }
    }
  }
}
