// The `mlpipe.runs` view: runs newest first with "load more", their executions (state, duration,
// cached), and the input/output artifacts of each. Refreshes while runs are going.
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { ArtifactEvent, ExecutionSummary, RunSummary } from '../runtime/server/protocol';
import type { DbRef } from '../runtime/server/protocol';
import type { RuntimeClient } from './runtimeClient';
import { formatDuration } from '../common/format';
import { STEP_STATE_TEXT, stepStateOf } from '../common/stepStates';
import { STATE_ICONS } from './stepStates';

const PAGE_SIZE = 20;

/** A database the view browses: a workspace folder's own, or one opened read-only. */
export interface RunsSource {
  id: string;
  label: string;
  db: DbRef;
  /** Workspace root (for logs); undefined for a database opened from elsewhere. */
  root?: string;
}

export type RunsNode =
  | { kind: 'source'; source: RunsSource }
  | { kind: 'run'; source: RunsSource; run: RunSummary }
  | { kind: 'execution'; source: RunsSource; execution: ExecutionSummary }
  | { kind: 'artifact'; source: RunsSource; direction: 'input' | 'output'; event: ArtifactEvent; executionId: number }
  | { kind: 'more'; source: RunsSource }
  | { kind: 'message'; text: string; icon?: string };

interface Loaded {
  runs: RunSummary[];
  next?: number;
  total: number;
}

export class RunsTree implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new Map<string, Loaded>();
  private readonly extraSources: RunsSource[] = [];
  private readonly disposables: vscode.Disposable[];
  private pendingRefresh: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: RuntimeClient,
    private readonly folderSources: () => RunsSource[],
  ) {
    this.disposables = [
      client.onRunEvent((e) => {
        if (e.kind === 'run-started' || e.kind === 'step-finished' || e.kind === 'step-waiting' || e.kind === 'run-finished') this.refresh();
      }),
    ];
  }

  sources(): RunsSource[] {
    return [...this.folderSources(), ...this.extraSources];
  }

  /** Adds a database opened with mlpipe.openMetadataDatabase (read-only). */
  addSource(source: RunsSource): void {
    if (!this.extraSources.some((s) => s.id === source.id)) this.extraSources.push(source);
    this.refresh(true);
  }

  /** Reloads the loaded pages (newest runs first, so new runs appear on top). */
  refresh(immediate = false): void {
    if (this.pendingRefresh) clearTimeout(this.pendingRefresh);
    this.pendingRefresh = setTimeout(
      () => {
        this.pendingRefresh = undefined;
        for (const [id, l] of this.loaded) this.loaded.set(id, { ...l, next: undefined, runs: [], total: -Math.max(PAGE_SIZE, l.runs.length) });
        this.changed.fire(undefined);
      },
      immediate ? 0 : 500,
    );
  }

  private async page(source: RunsSource): Promise<Loaded> {
    const l = this.loaded.get(source.id);
    // A negative total marks "reload this many after a refresh".
    if (l && l.total >= 0) return l;
    const want = l ? -l.total : PAGE_SIZE;
    const page = await this.client.request('mlpipe/listRuns', { db: source.db, limit: want, offset: 0 });
    const fresh: Loaded = { runs: page.items, next: page.next, total: page.total };
    this.loaded.set(source.id, fresh);
    return fresh;
  }

  async loadMore(source: RunsSource): Promise<void> {
    const l = this.loaded.get(source.id);
    if (!l || l.next === undefined) return;
    const page = await this.client.request('mlpipe/listRuns', { db: source.db, limit: PAGE_SIZE, offset: l.next });
    this.loaded.set(source.id, { runs: [...l.runs, ...page.items], next: page.next, total: page.total });
    this.changed.fire(undefined);
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    try {
      if (!node) {
        const sources = this.sources();
        if (sources.length === 1) {
          // An empty list lets the view show its welcome content.
          const runs = await this.runsOf(sources[0]!);
          return runs.length === 1 && runs[0]!.kind === 'message' ? [] : runs;
        }
        return sources.map((source) => ({ kind: 'source', source }));
      }
      switch (node.kind) {
        case 'source':
          return this.runsOf(node.source);
        case 'run': {
          const executions = await this.client.request('mlpipe/runExecutions', { db: node.source.db, runContextId: node.run.id });
          return executions.map((execution) => ({ kind: 'execution', source: node.source, execution }));
        }
        case 'execution': {
          const detail = await this.client.request('mlpipe/execution', { db: node.source.db, id: node.execution.id });
          if (!detail) return [{ kind: 'message', text: 'This execution is no longer in the database.' }];
          const items: RunsNode[] = [
            ...detail.inputs.map((event): RunsNode => ({ kind: 'artifact', source: node.source, direction: 'input', event, executionId: detail.id })),
            ...detail.outputs.map((event): RunsNode => ({ kind: 'artifact', source: node.source, direction: 'output', event, executionId: detail.id })),
          ];
          return items.length ? items : [{ kind: 'message', text: 'No input or output artifacts.' }];
        }
        default:
          return [];
      }
    } catch (e) {
      return [{ kind: 'message', text: e instanceof Error ? e.message : String(e), icon: 'error' }];
    }
  }

  private async runsOf(source: RunsSource): Promise<RunsNode[]> {
    const l = await this.page(source);
    const nodes: RunsNode[] = l.runs.map((run) => ({ kind: 'run', source, run }));
    if (l.next !== undefined) nodes.push({ kind: 'more', source });
    if (nodes.length === 0) nodes.push({ kind: 'message', text: 'No runs yet.' });
    return nodes;
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'source': {
        const item = new vscode.TreeItem(node.source.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `source:${node.source.id}`;
        item.description = node.source.db.readonly ? 'read-only' : undefined;
        item.tooltip = node.source.db.path;
        item.iconPath = new vscode.ThemeIcon('database');
        item.contextValue = node.source.db.readonly ? 'mlpipe.source.readonly' : 'mlpipe.source';
        return item;
      }
      case 'run': {
        const r = node.run;
        const item = new vscode.TreeItem(`${r.pipeline} · ${new Date(r.createTime).toLocaleString()}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `run:${node.source.id}:${r.id}`;
        item.description = `${r.state.toLowerCase()} · ${r.executionCount} executions · ${formatDuration(Math.max(0, r.updateTime - r.createTime))}`;
        item.tooltip = `Run ${r.name}\n${r.state}\n${node.source.db.path}`;
        const icon = r.state === 'COMPLETE' ? STATE_ICONS.complete : r.state === 'FAILED' ? STATE_ICONS.failed : r.state === 'CANCELED' ? STATE_ICONS.canceled : r.state === 'WAITING' ? STATE_ICONS.waiting : STATE_ICONS.running;
        item.iconPath = new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
        item.contextValue = r.state === 'RUNNING' || r.state === 'WAITING' ? 'mlpipe.run.active' : 'mlpipe.run';
        return item;
      }
      case 'execution': {
        const e = node.execution;
        const state = stepStateOf(e);
        const item = new vscode.TreeItem(e.nodeId || e.type, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `execution:${node.source.id}:${e.id}`;
        item.description = `${STEP_STATE_TEXT[state]} · ${formatDuration(e.durationMs)}${state === 'cached' ? ' · from cache' : ''}`;
        item.tooltip = `Execution ${e.id} (${e.type})${e.error ? `\n${e.error}` : ''}`;
        const icon = STATE_ICONS[state];
        item.iconPath = new vscode.ThemeIcon(icon.icon, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
        item.contextValue = `mlpipe.execution${state === 'waiting' ? '.waiting' : ''}${node.source.root ? '.log' : ''}`;
        if (node.source.root) item.command = { title: 'Open log', command: 'mlpipe.openLog', arguments: [node] };
        return item;
      }
      case 'artifact': {
        const a = node.event.artifact;
        const item = new vscode.TreeItem(`${node.direction === 'input' ? '→' : '←'} ${node.event.key}`, vscode.TreeItemCollapsibleState.None);
        item.id = `artifact:${node.source.id}:${node.executionId}:${node.direction}:${node.event.key}:${node.event.index}:${a.id}`;
        item.description = `${a.type} #${a.id}${a.state && a.state !== 'LIVE' ? ` · ${a.state.toLowerCase()}` : ''}`;
        item.tooltip = `${a.type} ${a.id}\n${a.uri}`;
        item.iconPath = new vscode.ThemeIcon(node.direction === 'input' ? 'arrow-right' : 'package');
        item.contextValue = `mlpipe.artifact.${a.type}`;
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `more:${node.source.id}`;
        const l = this.loaded.get(node.source.id);
        item.description = l ? `${l.runs.length} of ${l.total}` : undefined;
        item.command = { title: 'Load more runs', command: 'mlpipe.loadMoreRuns', arguments: [node] };
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon ?? 'info');
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

/** A label for a database opened from elsewhere: `<folder>/<file>`. */
export function sourceLabel(path: string): string {
  return `${basename(dirname(path))}/${basename(path)}`;
}
