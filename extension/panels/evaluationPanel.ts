// Evaluation panels beside the editor: one per ModelEvaluation artifact.
import * as vscode from 'vscode';
import { blessingVerdict } from '../../common/blessing';
import type { DbRef } from '../../runtime/server/protocol';
import type { EvaluationSnapshot, ViewState } from '../../webviews/protocol';
import type { EvaluationArgs, PanelDeps } from '../panelDeps';
import { readEvaluation } from './artifactPayloads';
import { buildAudit } from './auditSummary';
import { createPanel, errorMessage, isId, TypedWebview } from './panelHost';

/** The evaluation with its blessing (from the Evaluator's other output). */
export async function loadEvaluation(deps: PanelDeps, db: DbRef, artifactId: number): Promise<EvaluationSnapshot> {
  const artifact = await deps.client.request('mlpipe/artifact', { db, id: artifactId });
  if (!artifact) throw new Error(`Artifact ${artifactId} is not in the metadata database ${db.path}.`);
  if (artifact.type !== 'ModelEvaluation') {
    // A model, blessing or pushed model: find its evaluation through the lineage.
    const graph = await deps.client.request('mlpipe/lineage', { db, artifactId, direction: 'both', maxDepth: 6 });
    const found = buildAudit(graph)?.evaluation;
    if (!found) throw new Error(`No evaluation found for ${artifact.type} artifact ${artifactId}. Run an Evaluator step on it.`);
    return found;
  }
  const label = `${artifact.name || 'evaluation'} #${artifact.id}`;
  let snapshot: EvaluationSnapshot;
  try {
    snapshot = { ...readEvaluation(artifact.uri, label), artifactId, uri: artifact.uri };
  } catch (e) {
    return { label, artifactId, uri: artifact.uri, candidate: { overall: {}, slices: [] }, baseline: null, thresholds: [], validationOk: null, failures: [], blessed: null, minSliceSize: 10, error: errorMessage(e) };
  }
  const graph = await deps.client.request('mlpipe/lineage', { db, artifactId, direction: 'upstream', maxDepth: 1 });
  const producer = graph.nodes.find((n) => n.kind === 'execution');
  if (producer) {
    const detail = await deps.client.request('mlpipe/execution', { db, id: producer.id });
    const blessing = detail?.outputs.find((o) => o.artifact.type === 'ModelBlessing')?.artifact;
    const verdict = blessing ? blessingVerdict(blessing.customProperties) : null;
    if (verdict !== null) snapshot.blessed = verdict;
  }
  return snapshot;
}

export class EvaluationPanel {
  private static readonly open = new Map<string, EvaluationPanel>();
  private readonly view: TypedWebview<'evaluation'>;
  private snapshot: EvaluationSnapshot | undefined;

  static async show(deps: PanelDeps, args: EvaluationArgs): Promise<void> {
    const snapshot = await loadEvaluation(deps, args.db, args.artifactId);
    const key = `${args.db.path}#${snapshot.artifactId ?? args.artifactId}`;
    const existing = EvaluationPanel.open.get(key);
    if (existing) {
      existing.update(snapshot);
      existing.panel.reveal(existing.panel.viewColumn);
      return;
    }
    const p = new EvaluationPanel(deps, createPanel('evaluation', 'Evaluation', deps.extensionUri), key, args.db);
    p.update(snapshot);
  }

  static async restore(deps: PanelDeps, panel: vscode.WebviewPanel, state: Partial<ViewState['evaluation']> | undefined): Promise<void> {
    const old = state?.snapshot;
    const db = old?.uri ? deps.dbFor(vscode.Uri.file(old.uri)) : undefined;
    const p = new EvaluationPanel(deps, panel, `restored#${Date.now()}`, db);
    if (!db || !old?.artifactId) return;
    try {
      p.update(await loadEvaluation(deps, db, old.artifactId));
    } catch {
      // The view keeps what it restored from its own state.
    }
  }

  private constructor(
    private readonly deps: PanelDeps,
    private readonly panel: vscode.WebviewPanel,
    private readonly key: string,
    private readonly db: DbRef | undefined,
  ) {
    this.view = new TypedWebview('evaluation', panel.webview, deps.extensionUri, 'Evaluation');
    EvaluationPanel.open.set(key, this);
    this.view.onMessage(async (m) => {
      if (m.type === 'evaluation/ready' && this.snapshot) this.view.post({ type: 'evaluation/snapshot', snapshot: this.snapshot });
      if (m.type === 'evaluation/openArtifact' && isId(m.artifactId) && this.snapshot?.uri) {
        await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(this.snapshot.uri));
      }
    });
    panel.onDidDispose(() => {
      EvaluationPanel.open.delete(this.key);
      this.view.dispose();
    });
  }

  private update(snapshot: EvaluationSnapshot): void {
    this.snapshot = snapshot;
    this.panel.title = `Evaluation #${snapshot.artifactId ?? ''}`;
    this.view.post({ type: 'evaluation/snapshot', snapshot });
  }
}
