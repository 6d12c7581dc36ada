// The run comparison beside the editor: what changed between two runs per component, with the metrics
// of the pipeline across its runs below. One panel, re-pointed on each request (like the lineage panel).
import * as vscode from 'vscode';
import type { DbRef } from '../../runtime/server/protocol';
import type { RunDiffSnapshot, ViewState } from '../../webviews/protocol';
import type { CompareRunsArgs, CompareStatisticsArgs, PanelDeps, RunTimelineArgs, StatisticsArgs } from '../panelDeps';
import { createPanel, errorMessage, isId, TypedWebview } from './panelHost';

interface RunDiffOpeners {
  showStatistics(args: StatisticsArgs): Promise<void>;
  compareStatistics(args: CompareStatisticsArgs): Promise<void>;
  showRunTimeline(args: RunTimelineArgs): Promise<void>;
}

let openers: () => RunDiffOpeners | undefined = () => undefined;

/** The panels module hands over the openers the comparison's links use. */
export function setRunDiffOpeners(get: () => RunDiffOpeners): void {
  openers = get;
}

export async function loadRunDiff(deps: PanelDeps, args: CompareRunsArgs): Promise<RunDiffSnapshot> {
  const source = { db: args.db, ...(args.root ? { root: args.root } : {}) };
  const diff = await deps.client.request('mlpipe/runDiff', { db: args.db, right: args.right, ...(args.left !== undefined ? { left: args.left } : {}) });
  try {
    const history = await deps.client.request('mlpipe/metricHistory', { db: args.db, pipeline: diff.right.pipeline, limit: 100 });
    return { diff, history, source };
  } catch (e) {
    return { diff, history: null, source, error: `The metrics over runs could not be read: ${errorMessage(e)}` };
  }
}

export class RunDiffPanel {
  private static current: RunDiffPanel | undefined;
  private readonly view: TypedWebview<'runDiff'>;
  private snapshot: RunDiffSnapshot | undefined;

  static async show(deps: PanelDeps, args: CompareRunsArgs): Promise<void> {
    const snapshot = await loadRunDiff(deps, args);
    const p = RunDiffPanel.current ?? new RunDiffPanel(deps, createPanel('runDiff', 'Compare Runs', deps.extensionUri));
    p.update(snapshot);
    p.panel.reveal(p.panel.viewColumn);
  }

  static async restore(deps: PanelDeps, panel: vscode.WebviewPanel, state: Partial<ViewState['runDiff']> | undefined): Promise<void> {
    const p = new RunDiffPanel(deps, panel);
    const old = state?.snapshot;
    if (!old?.diff || !old.source) return;
    try {
      p.update(await loadRunDiff(deps, { db: old.source.db, left: old.diff.left.runContextId, right: old.diff.right.runContextId, ...(old.source.root ? { root: old.source.root } : {}) }));
    } catch {
      // The view keeps what it restored from its own state.
    }
  }

  private constructor(
    private readonly deps: PanelDeps,
    private readonly panel: vscode.WebviewPanel,
  ) {
    this.view = new TypedWebview('runDiff', panel.webview, deps.extensionUri, 'Compare Runs');
    RunDiffPanel.current = this;
    this.view.onMessage(async (m) => {
      const source = this.snapshot?.source;
      if (m.type === 'runDiff/ready' && this.snapshot) this.view.post({ type: 'runDiff/snapshot', snapshot: this.snapshot });
      if (!source) return;
      const db: DbRef = source.db;
      if (m.type === 'runDiff/compareStatistics' && isId(m.left) && isId(m.right)) {
        // A step answered from the cache has the very same statistics in both runs: show them once.
        if (m.left === m.right) await openers()?.showStatistics({ db, artifactId: m.left });
        else await openers()?.compareStatistics({ db, left: m.left, right: m.right });
      }
      if (m.type === 'runDiff/openTimeline' && isId(m.runContextId)) await openers()?.showRunTimeline({ db, runContextId: m.runContextId, ...(source.root ? { root: source.root } : {}) });
    });
    panel.onDidDispose(() => {
      if (RunDiffPanel.current === this) RunDiffPanel.current = undefined;
      this.view.dispose();
    });
  }

  private update(snapshot: RunDiffSnapshot): void {
    this.snapshot = snapshot;
    const d = snapshot.diff;
    this.panel.title = d ? `Compare ${shortRun(d.left.name)} ↔ ${shortRun(d.right.name)}` : 'Compare Runs';
    this.view.post({ type: 'runDiff/snapshot', snapshot });
  }
}

/** A run id for a tab title: TFX's ISO-time ids shortened to the time of day. */
export function shortRun(name: string): string {
  const m = /T(\d\d:\d\d:\d\d)/.exec(name) ?? /^\d{8}-(\d{6})/.exec(name);
  return m ? m[1]!.replace(/^(\d\d)(\d\d)(\d\d)$/, '$1:$2:$3') : name.length > 16 ? `${name.slice(0, 15)}…` : name;
}
