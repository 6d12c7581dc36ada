// Report panels beside the editor: one per Report artifact (Markdown, HTML or Vega-Lite a step wrote).
import * as vscode from 'vscode';
import { REPORT_TYPE } from '../../common/artifacts';
import type { DbRef } from '../../runtime/server/protocol';
import type { ReportSnapshot, ViewState } from '../../webviews/protocol';
import type { PanelDeps } from '../panelDeps';
import { LineagePanel } from './lineagePanel';
import { createPanel, TypedWebview } from './panelHost';
import { readReport, reportFilePath } from './reportPayload';

export interface ReportArgs {
  db: DbRef;
  /** A Report artifact. */
  artifactId: number;
}

/** The report with a header naming the step and run that wrote it. */
export async function loadReport(deps: PanelDeps, db: DbRef, artifactId: number): Promise<ReportSnapshot> {
  const artifact = await deps.client.request('mlpipe/artifact', { db, id: artifactId });
  if (!artifact) throw new Error(`Artifact ${artifactId} is not in the metadata database ${db.path}.`);
  if (artifact.type !== REPORT_TYPE) throw new Error(`Artifact ${artifactId} is a ${artifact.type}, not a ${REPORT_TYPE}.`);
  const graph = await deps.client.request('mlpipe/lineage', { db, artifactId, direction: 'upstream', maxDepth: 1 });
  const producer = graph.nodes.find((n) => n.kind === 'execution');
  const detail = producer ? await deps.client.request('mlpipe/execution', { db, id: producer.id }) : null;
  const key = detail?.outputs.find((o) => o.artifact.id === artifactId)?.key;
  const step = detail?.nodeId ? `${detail.nodeId}${key ? `.${key}` : ''}` : artifact.name || 'report';
  const label = detail?.runName ? `${step} · run ${detail.runName}` : step;
  return { ...readReport(artifact.uri, label), artifactId };
}

export class ReportPanel {
  private static readonly open = new Map<string, ReportPanel>();
  private readonly view: TypedWebview<'report'>;
  private snapshot: ReportSnapshot | undefined;

  static async show(deps: PanelDeps, args: ReportArgs): Promise<void> {
    const snapshot = await loadReport(deps, args.db, args.artifactId);
    const key = `${args.db.path}#${args.artifactId}`;
    const existing = ReportPanel.open.get(key);
    if (existing) {
      existing.update(snapshot);
      existing.panel.reveal(existing.panel.viewColumn);
      return;
    }
    new ReportPanel(deps, createPanel('report', 'Report', deps.extensionUri), key, args.db).update(snapshot);
  }

  static async restore(deps: PanelDeps, panel: vscode.WebviewPanel, state: Partial<ViewState['report']> | undefined): Promise<void> {
    const old = state?.snapshot;
    const db = old?.uri ? deps.dbFor(vscode.Uri.file(old.uri)) : undefined;
    const p = new ReportPanel(deps, panel, `restored#${Date.now()}`, db);
    if (!db || !old?.artifactId) return;
    try {
      p.update(await loadReport(deps, db, old.artifactId));
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
    this.view = new TypedWebview('report', panel.webview, deps.extensionUri, 'Report');
    ReportPanel.open.set(key, this);
    this.view.onMessage(async (m) => {
      const s = this.snapshot;
      if (m.type === 'report/ready' && s) this.view.post({ type: 'report/snapshot', snapshot: s });
      if (m.type === 'report/openFile' && s?.uri) {
        const path = reportFilePath(s.uri, s.file);
        if (path) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(path), { viewColumn: vscode.ViewColumn.Active });
      }
      if (m.type === 'report/showLineage' && s?.artifactId !== undefined && this.db) await LineagePanel.show(this.deps, { db: this.db, artifactId: s.artifactId });
    });
    panel.onDidDispose(() => {
      ReportPanel.open.delete(this.key);
      this.view.dispose();
    });
  }

  private update(snapshot: ReportSnapshot): void {
    this.snapshot = snapshot;
    this.panel.title = `Report: ${snapshot.label.split(' · ')[0]}`;
    this.view.post({ type: 'report/snapshot', snapshot });
  }
}
