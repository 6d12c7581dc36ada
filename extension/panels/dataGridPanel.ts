// Data grid panels: one per artifact with Parquet files (Examples splits, transformed examples, the
// Evaluator's predictions.parquet, any *.parquet output). The rows come from the runtime page by page
// (dataGridSession.ts); the artifact's ExampleStatistics, where lineage finds one, answer column hovers.
import * as vscode from 'vscode';
import type { DbRef } from '../../runtime/server/protocol';
import type { ViewState } from '../../webviews/protocol';
import type { DataGridArgs, PanelDeps } from '../panelDeps';
import { readFeatureStats } from './artifactPayloads';
import { DataGridSession, gridSources, predictionsOf, type GridTarget } from './dataGridSession';
import { createPanel, TypedWebview } from './panelHost';

/** The artifact's sources and, for Examples, the statistics StatisticsGen computed of it. */
async function targetOf(deps: PanelDeps, db: DbRef, artifactId: number): Promise<GridTarget> {
  const artifact = await deps.client.request('mlpipe/artifact', { db, id: artifactId });
  if (!artifact) throw new Error(`Artifact ${artifactId} is not in the metadata database ${db.path}.`);
  const sources = gridSources(artifact.uri);
  if (!sources.length) throw new Error(`${artifact.type} artifact ${artifactId} holds no Parquet file (${artifact.uri}). The data grid shows Examples splits and Parquet outputs.`);
  const target: GridTarget = { label: `${artifact.name || artifact.type} #${artifact.id}`, artifactId, artifactType: artifact.type, sources, predictions: predictionsOf(artifact.uri) };
  if (artifact.type === 'Examples') {
    try {
      const graph = await deps.client.request('mlpipe/lineage', { db, artifactId, direction: 'downstream', maxDepth: 2 });
      const stats = graph.nodes.find((n) => n.kind === 'artifact' && n.type === 'ExampleStatistics');
      const statsArtifact = stats ? await deps.client.request('mlpipe/artifact', { db, id: stats.id }) : null;
      if (statsArtifact) {
        target.statistics = {};
        for (const s of sources) {
          try {
            target.statistics[s.name] = { origin: `ExampleStatistics #${statsArtifact.id}`, dataset: readFeatureStats(statsArtifact.uri, s.name) };
          } catch {
            // No statistics of this split: DuckDB computes them on hover.
          }
        }
      }
    } catch {
      // Statistics are a shortcut for hovers, never a reason not to show the rows.
    }
  }
  return target;
}

export class DataGridPanel {
  private static readonly open = new Map<string, DataGridPanel>();
  private readonly view: TypedWebview<'dataGrid'>;

  static async show(deps: PanelDeps, args: DataGridArgs): Promise<void> {
    const key = `${args.db.path}#${args.artifactId}`;
    const existing = DataGridPanel.open.get(key);
    if (existing) {
      existing.panel.reveal(existing.panel.viewColumn);
      return;
    }
    const target = await targetOf(deps, args.db, args.artifactId);
    const panel = createPanel('dataGrid', `Data: ${target.label}`, deps.extensionUri);
    new DataGridPanel(deps, panel, key, target, args.split);
  }

  static async restore(deps: PanelDeps, panel: vscode.WebviewPanel, state: Partial<ViewState['dataGrid']> | undefined): Promise<void> {
    const old = state?.snapshot;
    const uri = vscode.workspace.workspaceFolders?.[0]?.uri;
    const db = uri ? deps.dbFor(uri) : undefined;
    if (!db || !old) {
      panel.dispose();
      return;
    }
    const target = await targetOf(deps, db, old.artifactId);
    new DataGridPanel(deps, panel, `${db.path}#${old.artifactId}`, target, old.source);
  }

  private constructor(
    deps: PanelDeps,
    private readonly panel: vscode.WebviewPanel,
    private readonly key: string,
    target: GridTarget,
    source: string | undefined,
  ) {
    this.view = new TypedWebview('dataGrid', panel.webview, deps.extensionUri, `Data: ${target.label}`);
    const session = new DataGridSession(
      target,
      { page: (p) => deps.client.request('mlpipe/gridPage', p), columnStats: (q) => deps.client.request('mlpipe/gridColumnStats', q) },
      (m) => this.view.post(m),
      source,
    );
    DataGridPanel.open.set(key, this);
    this.view.onMessage((m) => session.handle(m));
    panel.onDidDispose(() => {
      DataGridPanel.open.delete(this.key);
      this.view.dispose();
    });
  }
}
