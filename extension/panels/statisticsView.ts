// The statistics webview view in the panel area: it follows the artifact selected in the Runs view
// (the tree calls `followArtifact`). The view needs this contribution in package.json:
//   "views": { "mlpipe-panel": [{ "type": "webview", "id": "mlpipe.statisticsView", "name": "Statistics" }] }
//   "viewsContainers": { "panel": [{ "id": "mlpipe-panel", "title": "ML Pipelines", "icon": "$(graph)" }] }
import * as vscode from 'vscode';
import type { StatisticsSnapshot, StatisticsToHost } from '../../webviews/protocol';
import type { PanelDeps, StatisticsArgs } from '../panelDeps';
import { splitsIn } from './artifactPayloads';
import { isString, TypedWebview } from './panelHost';
import { resolveStatistics, snapshotFor, type StatisticsSource } from './statisticsSources';

export const STATISTICS_VIEW_ID = 'mlpipe.statisticsView';

export class StatisticsViewProvider implements vscode.WebviewViewProvider {
  private view: TypedWebview<'statistics'> | undefined;
  private source: StatisticsSource | undefined;
  private split: string | undefined;
  private compareSplit: string | undefined;

  constructor(private readonly deps: PanelDeps) {}

  resolveWebviewView(webviewView: vscode.WebviewView): void {
    const view = new TypedWebview('statistics', webviewView.webview, this.deps.extensionUri, 'Statistics');
    this.view = view;
    view.onMessage((m) => this.onMessage(m));
    webviewView.onDidDispose(() => {
      view.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  /** Show the statistics of an artifact (ExampleStatistics, or Examples with statistics downstream). Non-statistics artifacts are ignored. */
  async follow(args: StatisticsArgs): Promise<void> {
    try {
      this.source = await resolveStatistics(this.deps, args.db, args.artifactId);
    } catch {
      return;
    }
    this.split = undefined;
    this.compareSplit = undefined;
    this.post();
  }

  private snapshot(): StatisticsSnapshot {
    if (!this.source) return { main: null, compare: null, splits: [] };
    return snapshotFor(this.source, this.split, this.compareSplit ? { source: this.source, split: this.compareSplit } : undefined);
  }

  private post(): void {
    this.view?.post({ type: 'statistics/snapshot', snapshot: this.snapshot() });
  }

  private async onMessage(m: StatisticsToHost): Promise<void> {
    switch (m.type) {
      case 'statistics/ready':
        this.post();
        return;
      case 'statistics/selectSplit':
        if (isString(m.split)) this.split = m.split;
        break;
      case 'statistics/compareSplit':
        if (isString(m.split)) this.compareSplit = m.split;
        break;
      case 'statistics/clearCompare':
        this.compareSplit = undefined;
        break;
      case 'statistics/pickCompare': {
        // The small view offers the other splits; the full picker lives in the panel.
        if (!this.source) return;
        const picked = await vscode.window.showQuickPick(splitsIn(this.source.artifact.uri), { title: 'Compare with split…' });
        if (picked) this.compareSplit = picked;
        break;
      }
    }
    this.post();
  }
}
