// The Runs view's comparison commands: Compare Runs (two runs selected together), Compare with Previous
// Run and Show Run Timeline (on any run). From the palette, they ask which run(s).
import * as vscode from 'vscode';
import type { PanelOpeners } from './panelDeps';
import type { RunsNode, RunsSource, RunsTree } from './runsTree';
import type { RuntimeClient } from './runtimeClient';

type RunNode = Extract<RunsNode, { kind: 'run' }>;

function isRunNode(x: unknown): x is RunNode {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'run' && 'run' in x && 'source' in x;
}

export interface RunComparisonDeps {
  client: RuntimeClient;
  runsTree: RunsTree;
  panels: Partial<PanelOpeners>;
}

export function registerRunComparisonCommands(register: (id: string, f: (...args: unknown[]) => unknown) => void, d: RunComparisonDeps): void {
  /** Runs chosen from a quick pick, for the palette. */
  async function pickRuns(count: 1 | 2, title: string): Promise<RunNode[] | undefined> {
    const sources = d.runsTree.sources();
    const items: Array<vscode.QuickPickItem & { node: RunNode }> = [];
    for (const source of sources) {
      const page = await d.client.request('mlpipe/listRuns', { db: source.db, limit: 50, offset: 0 });
      for (const run of page.items) {
        items.push({ label: `${run.pipeline} · ${new Date(run.createTime).toLocaleString()}`, description: `${run.name} · ${run.state.toLowerCase()}`, detail: sources.length > 1 ? source.label : undefined, node: { kind: 'run', source, run } });
      }
    }
    if (items.length < count) {
      void vscode.window.showInformationMessage(count === 2 ? 'ML Pipelines: comparing needs two runs; run a pipeline twice first.' : 'ML Pipelines: no runs yet; run a pipeline first.');
      return undefined;
    }
    if (count === 1) {
      const one = await vscode.window.showQuickPick(items, { title });
      return one ? [one.node] : undefined;
    }
    const two = await vscode.window.showQuickPick(items, { title, canPickMany: true });
    if (!two) return undefined;
    if (two.length !== 2) {
      void vscode.window.showInformationMessage(`ML Pipelines: pick exactly two runs to compare (${two.length} picked).`);
      return undefined;
    }
    return two.map((i) => i.node);
  }

  const rootOf = (source: RunsSource) => (source.root ? { root: source.root } : {});

  register('mlpipe.compareRuns', async (clicked, selected) => {
    let runs = (Array.isArray(selected) ? selected : [clicked]).filter(isRunNode);
    if (runs.length === 1 && !Array.isArray(selected)) runs = [];
    if (runs.length !== 2) {
      if (runs.length > 2 || (Array.isArray(selected) && selected.length > 0)) {
        void vscode.window.showInformationMessage(`ML Pipelines: select exactly two runs to compare (${runs.length} selected), or use Compare with Previous Run.`);
        return;
      }
      runs = (await pickRuns(2, 'Compare which two runs?')) ?? [];
      if (runs.length !== 2) return;
    }
    const [a, b] = runs as [RunNode, RunNode];
    if (a.source.db.path !== b.source.db.path) {
      void vscode.window.showInformationMessage('ML Pipelines: the two runs are in different metadata databases; compare runs of one database.');
      return;
    }
    if (!d.panels.compareRuns) return;
    // The older run on the left: deltas read "what the newer run changed".
    const [left, right] = a.run.createTime <= b.run.createTime ? [a, b] : [b, a];
    await d.panels.compareRuns({ db: a.source.db, left: left.run.id, right: right.run.id, ...rootOf(a.source) });
  });

  register('mlpipe.compareWithPreviousRun', async (clicked) => {
    const node = isRunNode(clicked) ? clicked : (await pickRuns(1, 'Compare which run with the one before it?'))?.[0];
    if (!node || !d.panels.compareRuns) return;
    await d.panels.compareRuns({ db: node.source.db, right: node.run.id, ...rootOf(node.source) });
  });

  register('mlpipe.showRunTimeline', async (clicked) => {
    const node = isRunNode(clicked) ? clicked : (await pickRuns(1, 'Show the timeline of which run?'))?.[0];
    if (!node || !d.panels.showRunTimeline) return;
    await d.panels.showRunTimeline({ db: node.source.db, runContextId: node.run.id, ...rootOf(node.source) });
  });
}
