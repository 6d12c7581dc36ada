// Statistics panels beside the editor: one per statistics artifact, with comparison against another
// split, the same step's previous run, or any statistics artifact picked by the user.
import * as vscode from 'vscode';
import type { DbRef } from '../../runtime/server/protocol';
import type { StatisticsSnapshot, StatisticsToHost, ViewState } from '../../webviews/protocol';
import type { CompareStatisticsArgs, PanelDeps, StatisticsArgs } from '../panelDeps';
import { createPanel, errorMessage, isString, TypedWebview } from './panelHost';
import { splitsIn } from './artifactPayloads';
import { resolveStatistics, snapshotFor, type StatisticsSource } from './statisticsSources';

interface Selection {
  main: StatisticsSource;
  split?: string;
  compare?: { source: StatisticsSource; split: string };
  /** The feature an anomaly's link asked for; cleared by any other selection. */
  focus?: string;
}

/** Statistics artifacts of the same pipeline node in earlier runs (newest first), for "compare with previous run". */
async function previousRuns(deps: PanelDeps, db: DbRef, source: StatisticsSource): Promise<Array<{ id: number; label: string }>> {
  const out: Array<{ id: number; label: string }> = [];
  const lineage = await deps.client.request('mlpipe/lineage', { db, artifactId: source.artifact.id, direction: 'upstream', maxDepth: 1 });
  const producer = lineage.nodes.find((n) => n.kind === 'execution');
  if (!producer?.nodeId) return out;
  const detail = await deps.client.request('mlpipe/execution', { db, id: producer.id });
  if (!detail?.pipeline) return out;
  const runs = await deps.client.request('mlpipe/listRuns', { db, pipeline: detail.pipeline, limit: 10, offset: 0 });
  for (const run of runs.items) {
    const execs = await deps.client.request('mlpipe/runExecutions', { db, runContextId: run.id });
    for (const e of execs.filter((x) => x.nodeId === producer.nodeId && x.id !== producer.id)) {
      const d = await deps.client.request('mlpipe/execution', { db, id: e.id });
      for (const o of d?.outputs ?? []) if (o.artifact.type === 'ExampleStatistics' && o.artifact.id !== source.artifact.id) out.push({ id: o.artifact.id, label: `run ${run.name} · ${producer.nodeId} (#${o.artifact.id})` });
    }
  }
  return out;
}

export class StatisticsPanel {
  private static readonly open = new Map<string, StatisticsPanel>();
  private readonly view: TypedWebview<'statistics'>;
  private selection: Selection | undefined;

  static async show(deps: PanelDeps, args: StatisticsArgs | CompareStatisticsArgs): Promise<void> {
    const isCompare = 'left' in args;
    const main = await resolveStatistics(deps, args.db, isCompare ? args.left : args.artifactId, isCompare ? undefined : args.anomaliesArtifactId);
    const splits = splitsIn(main.artifact.uri);
    let selection: Selection = isCompare ? { main } : { main, split: args.split, focus: args.feature };
    if (isCompare && args.right !== undefined) {
      const other = await resolveStatistics(deps, args.db, args.right);
      const split = args.splits?.[1] ?? (splitsIn(other.artifact.uri).includes('train') ? 'train' : splitsIn(other.artifact.uri)[0] ?? 'train');
      selection = { main, split: args.splits?.[0], compare: { source: other, split } };
    } else if (isCompare && args.splits) {
      selection = { main, split: args.splits[0], compare: { source: main, split: args.splits[1] } };
    } else if (isCompare && splits.length > 1) {
      // One artifact and no splits named: the usual question is train against eval.
      selection = { main, split: splits[0], compare: { source: main, split: splits[1]! } };
    }
    const key = `${args.db.path}#${main.artifact.id}`;
    const existing = StatisticsPanel.open.get(key);
    if (existing) {
      existing.select(selection);
      existing.panel.reveal(existing.panel.viewColumn);
      return;
    }
    const panel = createPanel('statistics', `Statistics #${main.artifact.id}`, deps.extensionUri);
    const p = new StatisticsPanel(deps, panel, key);
    p.select(selection);
  }

  /** After a reload: the view restores itself from its state; the host re-reads the files when it can. */
  static async restore(deps: PanelDeps, panel: vscode.WebviewPanel, state: Partial<ViewState['statistics']> | undefined): Promise<void> {
    const main = state?.snapshot?.main;
    const p = new StatisticsPanel(deps, panel, `restored#${Date.now()}`);
    if (!main?.artifactId || !main.uri) return;
    const db = deps.dbFor(vscode.Uri.file(main.uri));
    if (!db) return;
    try {
      const source = await resolveStatistics(deps, db, main.artifactId);
      const cmp = state?.snapshot?.compare;
      const compare = cmp?.artifactId ? { source: await resolveStatistics(deps, db, cmp.artifactId), split: cmp.split } : undefined;
      StatisticsPanel.open.delete(p.key);
      p.key = `${db.path}#${source.artifact.id}`;
      StatisticsPanel.open.set(p.key, p);
      p.select({ main: source, split: main.split, compare });
    } catch {
      // Keep what the view restored from its own state.
    }
  }

  private constructor(
    private readonly deps: PanelDeps,
    private readonly panel: vscode.WebviewPanel,
    private key: string,
  ) {
    this.view = new TypedWebview('statistics', panel.webview, deps.extensionUri, 'Statistics');
    StatisticsPanel.open.set(key, this);
    this.view.onMessage((m) => this.onMessage(m));
    panel.onDidDispose(() => {
      StatisticsPanel.open.delete(this.key);
      this.view.dispose();
    });
  }

  private snapshot(): StatisticsSnapshot | undefined {
    return this.selection ? snapshotFor(this.selection.main, this.selection.split, this.selection.compare, this.selection.focus) : undefined;
  }

  private select(selection: Selection): void {
    this.selection = selection;
    const snap = this.snapshot();
    if (!snap) return;
    this.panel.title = snap.compare ? `Statistics: ${snap.main?.split ?? ''} vs ${snap.compare.label}` : `Statistics #${selection.main.artifact.id}${snap.main ? ` · ${snap.main.split}` : ''}`;
    this.view.post({ type: 'statistics/snapshot', snapshot: snap });
  }

  private async onMessage(m: StatisticsToHost): Promise<void> {
    const sel = this.selection;
    switch (m.type) {
      case 'statistics/ready': {
        const snap = this.snapshot();
        if (snap) this.view.post({ type: 'statistics/snapshot', snapshot: snap });
        return;
      }
      case 'statistics/selectSplit':
        if (sel && isString(m.split)) this.select({ ...sel, split: m.split, focus: undefined });
        return;
      case 'statistics/compareSplit':
        if (sel && isString(m.split)) this.select({ ...sel, compare: { source: sel.main, split: m.split }, focus: undefined });
        return;
      case 'statistics/clearCompare':
        if (sel) this.select({ main: sel.main, split: sel.split });
        return;
      case 'statistics/pickCompare':
        if (sel) await this.pickCompare(sel);
        return;
    }
  }

  private async pickCompare(sel: Selection): Promise<void> {
    type Item = vscode.QuickPickItem & { pick?: () => Promise<Selection['compare']> };
    const items: Item[] = splitsIn(sel.main.artifact.uri).map((split) => ({
      label: `Split ${split}`,
      description: 'of this artifact',
      pick: async () => ({ source: sel.main, split }),
    }));
    try {
      const prev = await previousRuns(this.deps, sel.main.db, sel.main);
      for (const p of prev) {
        items.push({
          label: p.label,
          description: 'same step, earlier run',
          pick: async () => {
            const source = await resolveStatistics(this.deps, sel.main.db, p.id);
            return { source, split: sel.split ?? 'train' };
          },
        });
      }
    } catch (e) {
      items.push({ label: `Earlier runs could not be listed: ${errorMessage(e)}`, kind: vscode.QuickPickItemKind.Separator });
    }
    // Every other statistics artifact of this database, named by where it came from: no typed ids.
    try {
      const all = await this.deps.client.request('mlpipe/artifactsOfType', { db: sel.main.db, type: 'ExampleStatistics', limit: 200 });
      const others = all.filter((p) => p.artifact.id !== sel.main.artifact.id);
      if (others.length) items.push({ label: 'Statistics of any step and run', kind: vscode.QuickPickItemKind.Separator });
      for (const p of others) {
        for (const split of splitsIn(p.artifact.uri)) {
          items.push({
            label: `${p.pipeline ?? '?'} / ${p.nodeId ?? '?'} · ${split}`,
            description: `run ${p.runName ?? '?'}`,
            detail: `ExampleStatistics #${p.artifact.id}, ${new Date(p.artifact.createTime).toLocaleString()}`,
            pick: async () => ({ source: await resolveStatistics(this.deps, sel.main.db, p.artifact.id), split }),
          });
        }
      }
    } catch (e) {
      items.push({ label: `Other statistics could not be listed: ${errorMessage(e)}`, kind: vscode.QuickPickItemKind.Separator });
    }
    const chosen = await vscode.window.showQuickPick(items, { title: 'Compare these statistics with…' });
    const compare = await chosen?.pick?.();
    if (compare) this.select({ ...sel, compare });
  }
}
