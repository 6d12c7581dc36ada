// A run's timeline beside the editor: a Gantt chart of its steps, live while the run goes on.
import * as vscode from 'vscode';
import type { TimelineSnapshot, ViewState } from '../../webviews/protocol';
import type { PanelDeps, RunTimelineArgs } from '../panelDeps';
import { createPanel, isId, TypedWebview } from './panelHost';
import { shortRun } from './runDiffPanel';

export async function loadTimeline(deps: PanelDeps, args: RunTimelineArgs): Promise<TimelineSnapshot> {
  const timeline = await deps.client.request('mlpipe/runTimeline', { db: args.db, runContextId: args.runContextId });
  return { timeline, canOpenLogs: args.root !== undefined, source: { db: args.db, ...(args.root ? { root: args.root } : {}) } };
}

export class TimelinePanel {
  private static readonly open = new Map<string, TimelinePanel>();
  private readonly view: TypedWebview<'timeline'>;
  private snapshot: TimelineSnapshot | undefined;
  private args: RunTimelineArgs | undefined;
  private reload: NodeJS.Timeout | undefined;

  static async show(deps: PanelDeps, args: RunTimelineArgs): Promise<void> {
    const key = `${args.db.path}#${args.runContextId}`;
    const snapshot = await loadTimeline(deps, args);
    const p = TimelinePanel.open.get(key) ?? new TimelinePanel(deps, createPanel('timeline', 'Run Timeline', deps.extensionUri), key);
    p.args = args;
    p.update(snapshot);
    p.panel.reveal(p.panel.viewColumn);
  }

  static async restore(deps: PanelDeps, panel: vscode.WebviewPanel, state: Partial<ViewState['timeline']> | undefined): Promise<void> {
    const old = state?.snapshot;
    const p = new TimelinePanel(deps, panel, `restored#${Date.now()}`);
    if (!old?.timeline || !old.source) return;
    p.args = { db: old.source.db, runContextId: old.timeline.run.runContextId, ...(old.source.root ? { root: old.source.root } : {}) };
    try {
      p.update(await loadTimeline(deps, p.args));
    } catch {
      // The view keeps what it restored from its own state.
    }
  }

  private constructor(
    private readonly deps: PanelDeps,
    private readonly panel: vscode.WebviewPanel,
    private readonly key: string,
  ) {
    this.view = new TypedWebview('timeline', panel.webview, deps.extensionUri, 'Run Timeline');
    TimelinePanel.open.set(key, this);
    this.view.onMessage(async (m) => {
      if (m.type === 'timeline/ready' && this.snapshot) this.view.post({ type: 'timeline/snapshot', snapshot: this.snapshot });
      if (m.type === 'timeline/openLog' && isId(m.executionId) && this.args?.root) await this.deps.openLog(this.args.root, m.executionId);
    });
    // A run still going grows its bars: reload (coalesced) on its events.
    const events = deps.onRunEvent((e) => {
      if (!this.snapshot?.timeline || e.runId !== this.snapshot.timeline.run.name) return;
      if (this.reload) clearTimeout(this.reload);
      this.reload = setTimeout(() => {
        if (this.args) void loadTimeline(deps, this.args).then((s) => this.update(s), () => undefined);
      }, 300);
    });
    panel.onDidDispose(() => {
      TimelinePanel.open.delete(this.key);
      events.dispose();
      if (this.reload) clearTimeout(this.reload);
      this.view.dispose();
    });
  }

  private update(snapshot: TimelineSnapshot): void {
    this.snapshot = snapshot;
    if (snapshot.timeline) this.panel.title = `Timeline ${shortRun(snapshot.timeline.run.name)}`;
    this.view.post({ type: 'timeline/snapshot', snapshot });
  }
}
