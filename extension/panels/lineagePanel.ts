// Lineage panels beside the editor: the graph around an artifact across runs, and the audit answers.
import { REPORT_TYPE } from '../../common/artifacts';
import * as vscode from 'vscode';
import type { LineageGraph } from '../../runtime/server/protocol';
import type { DbRef } from '../../runtime/server/protocol';
import type { LineageSnapshot, LineageToHost, ViewState } from '../../webviews/protocol';
import type { LineageArgs, PanelDeps } from '../panelDeps';
import { buildAudit, mergeGraphs, trainingExamples } from './auditSummary';
import { createPanel, errorMessage, isString, TypedWebview } from './panelHost';

const MAX_DEPTH = 12;

/** The model's lineage plus what was computed from its training data (statistics, anomalies) for the audit. */
export async function lineageForAudit(deps: PanelDeps, db: DbRef, artifactId: number, maxDepth = MAX_DEPTH): Promise<LineageGraph> {
  const graph = await deps.client.request('mlpipe/lineage', { db, artifactId, direction: 'both', maxDepth });
  const extra = await Promise.all(trainingExamples(graph).map((id) => deps.client.request('mlpipe/lineage', { db, artifactId: id, direction: 'downstream', maxDepth: 4 })));
  return mergeGraphs(graph, ...extra);
}

export async function loadLineage(deps: PanelDeps, db: DbRef, artifactId: number): Promise<LineageSnapshot> {
  const graph = await deps.client.request('mlpipe/lineage', { db, artifactId, direction: 'both', maxDepth: MAX_DEPTH });
  let audit = null;
  let error: string | undefined;
  try {
    // The audit also looks beside the lineage (the training data's statistics); the graph shown stays the lineage.
    const examples = trainingExamples(graph);
    const auditGraph = examples.length ? await lineageForAudit(deps, db, artifactId) : graph;
    audit = buildAudit(auditGraph)?.audit ?? null;
  } catch (e) {
    error = `The audit summary could not be built: ${errorMessage(e)}`;
  }
  return { graph, audit, error };
}

export class LineagePanel {
  private static current: LineagePanel | undefined;
  private readonly view: TypedWebview<'lineage'>;
  private snapshot: LineageSnapshot | undefined;

  /** One lineage panel, re-rooted on each request (like a "go to" view). */
  static async show(deps: PanelDeps, args: LineageArgs): Promise<void> {
    const snapshot = await loadLineage(deps, args.db, args.artifactId);
    const panel = LineagePanel.current ?? new LineagePanel(deps, createPanel('lineage', 'Lineage', deps.extensionUri), args.db);
    panel.db = args.db;
    panel.update(snapshot);
    panel.panel.reveal(panel.panel.viewColumn, true);
  }

  static async restore(deps: PanelDeps, panel: vscode.WebviewPanel, state: Partial<ViewState['lineage']> | undefined): Promise<void> {
    const old = state?.snapshot;
    const anyUri = old?.graph.nodes.find((n) => n.uri)?.uri;
    const db = anyUri ? deps.dbFor(vscode.Uri.file(anyUri)) : undefined;
    const p = new LineagePanel(deps, panel, db);
    const root = old?.graph.root;
    if (!db || !root?.startsWith('a')) return;
    try {
      p.update(await loadLineage(deps, db, Number(root.slice(1))));
    } catch {
      // Keep the restored view.
    }
  }

  private constructor(
    private readonly deps: PanelDeps,
    private readonly panel: vscode.WebviewPanel,
    private db: DbRef | undefined,
  ) {
    LineagePanel.current = this;
    this.view = new TypedWebview('lineage', panel.webview, deps.extensionUri, 'Lineage');
    this.view.onMessage((m) => this.onMessage(m));
    panel.onDidDispose(() => {
      if (LineagePanel.current === this) LineagePanel.current = undefined;
      this.view.dispose();
    });
  }

  private update(snapshot: LineageSnapshot): void {
    this.snapshot = snapshot;
    const root = snapshot.graph.nodes.find((n) => `${n.kind === 'artifact' ? 'a' : 'e'}${n.id}` === snapshot.graph.root);
    this.panel.title = `Lineage: ${root?.label || root?.type || snapshot.graph.root}`;
    this.view.post({ type: 'lineage/snapshot', snapshot });
  }

  private async onMessage(m: LineageToHost): Promise<void> {
    if (m.type === 'lineage/ready') {
      if (this.snapshot) this.view.post({ type: 'lineage/snapshot', snapshot: this.snapshot });
      return;
    }
    if (!isString(m.key) || !/^[ae]\d+$/.test(m.key) || !this.db || !this.snapshot) return;
    const id = Number(m.key.slice(1));
    const node = this.snapshot.graph.nodes.find((n) => n.id === id && n.kind === (m.key.startsWith('a') ? 'artifact' : 'execution'));
    if (!node) return;
    const db = this.db;
    if (m.type === 'lineage/focus') {
      // Re-root on an artifact; for an execution, on its first output.
      const artifactId = node.kind === 'artifact' ? node.id : Number(this.snapshot.graph.edges.find((e) => e.from === m.key)?.to.slice(1));
      if (Number.isInteger(artifactId) && artifactId > 0) this.update(await loadLineage(this.deps, db, artifactId));
      return;
    }
    if (node.kind === 'execution') {
      const root = node.uri ? this.deps.rootFor(vscode.Uri.file(node.uri)) : this.snapshot.graph.nodes.map((n) => n.uri && this.deps.rootFor(vscode.Uri.file(n.uri))).find(Boolean);
      if (root) await this.deps.openLog(root, node.id);
      return;
    }
    const openers = openersFor(this.deps);
    if (node.type === 'ExampleStatistics' || node.type === 'Examples') await openers.showStatistics({ db, artifactId: node.id });
    else if (node.type === 'ModelEvaluation') await openers.showEvaluation({ db, artifactId: node.id });
    else if (node.type === REPORT_TYPE) await openers.showReport({ db, artifactId: node.id });
    else if (node.uri) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(node.uri));
  }
}

/** Set by panels.ts: the same openers the commands use (avoids an import cycle between panels). */
let openerSource: ((deps: PanelDeps) => { showStatistics(a: { db: DbRef; artifactId: number }): Promise<void>; showEvaluation(a: { db: DbRef; artifactId: number }): Promise<void>; showReport(a: { db: DbRef; artifactId: number }): Promise<void> }) | undefined;
export function setLineageOpeners(source: typeof openerSource): void {
  openerSource = source;
}
function openersFor(deps: PanelDeps) {
  if (!openerSource) throw new Error('panels are not registered');
  return openerSource(deps);
}
