// The `mlpipe.pipelines` view: pipeline files, then their components with the last execution state
// (icon and duration). Inline actions: run, DAG preview, reveal in file.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { describeSchedule } from '../common/cron';
import type { DbRef } from '../runtime/server/protocol';
import type { Discovery, PipelineFile } from './discovery';
import type { PipelineIndex } from './pipelineIndex';
import { componentContextValue, factsOf, stepActions } from './model/stepActions';
import { stepDetail, stepLabel } from './model/stepView';
import { STATE_ICONS, type StepStates } from './stepStates';

export type PipelineNode =
  | { kind: 'pipeline'; file: PipelineFile }
  | { kind: 'component'; file: PipelineFile; componentId: string; type: string; executionId?: number }
  | { kind: 'message'; file: PipelineFile; text: string };

export class PipelinesTree implements vscode.TreeDataProvider<PipelineNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PipelineNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[];
  private pendingRefresh: NodeJS.Timeout | undefined;

  constructor(
    private readonly discovery: Discovery,
    private readonly index: PipelineIndex,
    private readonly states: StepStates,
    private readonly dbFor: (uri: vscode.Uri) => DbRef | undefined,
  ) {
    this.disposables = [
      discovery.onDidChange(() => this.refresh()),
      discovery.onDidChangeFile((uri) => {
        // Open documents are validated as they are edited; closed ones when they change on disk.
        if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) void index.update(uri);
      }),
      index.onDidChange(() => this.refresh()),
      states.onDidChange(() => this.refresh()),
    ];
  }

  /** Coalesces bursts (a run's events) into one repaint. */
  refresh(): void {
    if (this.pendingRefresh) return;
    this.pendingRefresh = setTimeout(() => {
      this.pendingRefresh = undefined;
      this.changed.fire(undefined);
    }, 100);
  }

  async getChildren(node?: PipelineNode): Promise<PipelineNode[]> {
    if (!node) {
      await this.discovery.start();
      return this.discovery.list().map((file) => ({ kind: 'pipeline', file }));
    }
    if (node.kind !== 'pipeline') return [];
    const entry = await this.index.ensure(node.file.uri);
    if (entry.error) return [{ kind: 'message', file: node.file, text: entry.error }];
    const pipeline = entry.result?.pipeline;
    if (!pipeline) {
      const first = entry.result?.diagnostics[0];
      return [{ kind: 'message', file: node.file, text: first ? first.message : 'This file has no pipeline.' }];
    }
    const states = this.states.get(node.file.uri);
    return pipeline.components.map((c) => ({ kind: 'component', file: node.file, componentId: c.id, type: c.type, executionId: states[c.id]?.executionId }));
  }

  getTreeItem(node: PipelineNode): vscode.TreeItem {
    switch (node.kind) {
      case 'pipeline': {
        const entry = this.index.get(node.file.uri);
        const pipeline = entry?.result?.pipeline;
        const errors = entry?.result?.diagnostics.filter((d) => d.severity === 'error').length ?? 0;
        const item = new vscode.TreeItem(pipeline?.name ?? basename(node.file.uri.fsPath), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `pipeline:${node.file.uri.toString()}`;
        item.resourceUri = node.file.uri;
        const schedule = pipeline?.schedule ? describeSchedule(pipeline.schedule) : undefined;
        item.description = `${vscode.workspace.asRelativePath(node.file.uri, vscode.workspace.workspaceFolders !== undefined && vscode.workspace.workspaceFolders.length > 1)}${schedule ? ` · schedule ${schedule.label}` : ''}`;
        item.tooltip = new vscode.MarkdownString(
          `**${pipeline?.name ?? basename(node.file.uri.fsPath)}**${pipeline?.description ? `\n\n${pipeline.description}` : ''}${schedule ? `\n\n${schedule.markdown}` : ''}${errors ? `\n\n$(error) ${errors} problem(s): see Problems` : ''}`,
          true,
        );
        item.iconPath = errors ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('type-hierarchy');
        item.contextValue = node.file.uri.path.endsWith('.ts') ? 'mlpipe.pipeline.ts' : 'mlpipe.pipeline';
        return item;
      }
      case 'component': {
        const component = this.index.component(node.file.uri, node.componentId);
        const views = this.states.get(node.file.uri);
        const s = views[node.componentId];
        const item = new vscode.TreeItem(node.componentId, vscode.TreeItemCollapsibleState.None);
        item.id = `component:${node.file.uri.toString()}#${node.componentId}`;
        item.description = `${node.type} · ${stepLabel(s)}`;
        const icon = s ? STATE_ICONS[s.state] : { icon: 'circle-large-outline', color: undefined };
        item.iconPath = new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
        item.tooltip = `${stepDetail(node.componentId, s)}\n(${node.type})${component?.enabled === false ? '\ndisabled' : ''}`;
        // The menus offer what can work on this step (package.json matches these).
        item.contextValue = component ? componentContextValue(stepActions(factsOf(component), s, views)) : 'mlpipe.component';
        item.command = { title: 'Reveal in file', command: 'mlpipe.revealComponent', arguments: [node.file.uri, node.componentId] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        item.tooltip = node.text;
        return item;
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
