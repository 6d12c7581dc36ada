// Entry point of the webview panels: serializers (panels survive a reload), the panel-area statistics
// view, and the openers the extension's commands call.
import * as vscode from 'vscode';
import type { ViewKind, ViewState } from '../../webviews/protocol';
import type { PanelDeps, StatisticsArgs } from '../panelDeps';
import { ApprovalPanel } from './approvalPanel';
import { DagPreview } from './dagPreview';
import { EvaluationPanel } from './evaluationPanel';
import { LineagePanel, setLineageOpeners } from './lineagePanel';
import { RunDiffPanel, setRunDiffOpeners } from './runDiffPanel';
import { TimelinePanel } from './timelinePanel';
import { showError } from '../errors';
import { PANEL_VIEW_TYPES } from './panelHost';
import { StatisticsPanel } from './statisticsPanel';
import { STATISTICS_VIEW_ID, StatisticsViewProvider } from './statisticsView';

let statisticsView: StatisticsViewProvider | undefined;

/** Show an artifact's statistics in the panel-area view (the Runs tree calls this on selection). */
export function followArtifact(args: StatisticsArgs): Promise<void> {
  return statisticsView?.follow(args) ?? Promise.resolve();
}

function serializer<K extends ViewKind>(restore: (panel: vscode.WebviewPanel, state: Partial<ViewState[K]> | undefined) => Promise<void>): vscode.WebviewPanelSerializer<unknown> {
  return {
    deserializeWebviewPanel: async (panel, state) => {
      try {
        await restore(panel, typeof state === 'object' && state !== null ? (state as Partial<ViewState[K]>) : undefined);
      } catch (e) {
        await showError(e);
      }
    },
  };
}

export function registerPanels(context: vscode.ExtensionContext, deps: PanelDeps): void {
  const guard =
    <A>(open: (deps: PanelDeps, args: A) => Promise<void>) =>
    async (args: A) => {
      try {
        await open(deps, args);
      } catch (e) {
        await showError(e);
      }
    };
  const openers = {
    openDagPreview: guard(DagPreview.show),
    showStatistics: guard(StatisticsPanel.show),
    compareStatistics: guard(StatisticsPanel.show),
    showLineage: guard(LineagePanel.show),
    showEvaluation: guard(EvaluationPanel.show),
    showApproval: guard(ApprovalPanel.show),
    compareRuns: guard(RunDiffPanel.show),
    showRunTimeline: guard(TimelinePanel.show),
  };
  setRunDiffOpeners(() => ({ showStatistics: openers.showStatistics, compareStatistics: openers.compareStatistics, showRunTimeline: openers.showRunTimeline }));
  setLineageOpeners(() => ({ showStatistics: openers.showStatistics, showEvaluation: openers.showEvaluation }));
  deps.setOpeners(openers);
  statisticsView = new StatisticsViewProvider(deps);
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPES.dag, serializer<'dag'>((p, s) => DagPreview.restore(deps, p, s))),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPES.statistics, serializer<'statistics'>((p, s) => StatisticsPanel.restore(deps, p, s))),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPES.lineage, serializer<'lineage'>((p, s) => LineagePanel.restore(deps, p, s))),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPES.evaluation, serializer<'evaluation'>((p, s) => EvaluationPanel.restore(deps, p, s))),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPES.approval, serializer<'approval'>((p, s) => ApprovalPanel.restore(deps, p, s))),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPES.runDiff, serializer<'runDiff'>((p, s) => RunDiffPanel.restore(deps, p, s))),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPES.timeline, serializer<'timeline'>((p, s) => TimelinePanel.restore(deps, p, s))),
    vscode.window.registerWebviewViewProvider(STATISTICS_VIEW_ID, statisticsView),
  );
}
