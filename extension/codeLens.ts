// CodeLens over a pipeline ("Run pipeline", "DAG preview") and over every component ("Run step",
// "Run from here", "Re-run without cache", and the last state and duration). In Restricted Mode only
// the states and the preview are shown: nothing runs.
import * as vscode from 'vscode';
import type { DbRef } from '../runtime/server/protocol';
import { toRange, type PipelineIndex } from './pipelineIndex';
import { factsOf, stepActions } from './model/stepActions';
import { stepDetail, stepLabel } from './model/stepView';
import type { StepStates } from './stepStates';

export class PipelineCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly index: PipelineIndex,
    private readonly states: StepStates,
    private readonly dbFor: (uri: vscode.Uri) => DbRef | undefined,
    private readonly trusted: () => boolean,
  ) {
    this.disposables = [
      index.onDidChange(() => this.changed.fire()),
      states.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const pipeline = this.index.pipeline(document.uri);
    if (!pipeline) {
      void this.index.ensure(document.uri);
      return [];
    }
    const trusted = this.trusted();
    const uri = document.uri;
    const lenses: vscode.CodeLens[] = [];
    const top = pipeline.nameRange ? toRange(pipeline.nameRange) : new vscode.Range(0, 0, 0, 0);
    if (trusted) lenses.push(new vscode.CodeLens(top, { title: '$(play) Run pipeline', command: 'mlpipe.runPipeline', arguments: [uri] }));
    lenses.push(new vscode.CodeLens(top, { title: '$(type-hierarchy) DAG preview', command: 'mlpipe.openDagPreview', arguments: [uri] }));
    const states = this.states.get(uri);
    for (const c of pipeline.components) {
      const at = c.idRange ?? c.range;
      if (!at) continue;
      const range = toRange(at);
      const s = states[c.id];
      const actions = stepActions(factsOf(c), s, states);
      if (trusted) {
        if (actions.includes('run-step')) {
          lenses.push(new vscode.CodeLens(range, { title: '$(play) Run step', command: 'mlpipe.runStep', arguments: [uri, c.id], tooltip: `Run only ${c.id}, on its inputs' latest outputs` }));
        }
        lenses.push(
          new vscode.CodeLens(range, { title: 'Run from here', command: 'mlpipe.runFromStep', arguments: [uri, c.id], tooltip: `Run ${c.id} and everything downstream` }),
          new vscode.CodeLens(range, { title: 'Re-run without cache', command: 'mlpipe.rerunStep', arguments: [uri, c.id] }),
        );
        if (actions.includes('debug-step')) lenses.push(new vscode.CodeLens(range, { title: '$(debug-alt) Debug step', command: 'mlpipe.debugStep', arguments: [uri, c.id], tooltip: `Run only ${c.id} under the debugger, on its inputs' latest outputs` }));
        if (actions.includes('approve')) lenses.push(new vscode.CodeLens(range, { title: '$(person) Approve or reject…', command: 'mlpipe.approve', arguments: [uri, s!.executionId] }));
        if (actions.includes('ask-again')) {
          lenses.push(new vscode.CodeLens(range, { title: 'Ask again', command: 'mlpipe.rerunStep', arguments: [uri, c.id], tooltip: 'The decision was reused from the cache: run this approval without cache to ask for a new one' }));
        }
      }
      if (actions.includes('open-data-grid')) {
        lenses.push(new vscode.CodeLens(range, { title: '$(table) Data', command: 'mlpipe.openDataGrid', arguments: [uri, c.id], tooltip: `Open ${c.id}'s last Parquet output in the data grid` }));
      }
      if (actions.includes('show-anomalies')) {
        lenses.push(new vscode.CodeLens(range, { title: '$(warning) Show anomalies', command: 'mlpipe.showAnomalies', arguments: [uri, c.id], tooltip: `What ${c.id} found in the data, per split and feature` }));
      }
      if (actions.includes('show-report')) lenses.push(new vscode.CodeLens(range, { title: '$(book) Report', command: 'mlpipe.showReport', arguments: [uri, c.id], tooltip: `Show the report ${c.id} wrote in its last run` }));
      if (s) {
        const canOpenLog = actions.includes('open-log') && s.executionId !== undefined;
        lenses.push(
          new vscode.CodeLens(range, {
            title: stepLabel(s),
            tooltip: `${stepDetail(c.id, s)}${canOpenLog ? '\nClick to open its log.' : ''}`,
            command: canOpenLog ? 'mlpipe.openLog' : '',
            arguments: canOpenLog ? [uri, s.executionId] : [],
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
