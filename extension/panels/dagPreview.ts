// The DAG preview: opens beside a pipeline file (like Markdown's preview), follows the active pipeline
// editor, re-validates as you type (debounced) through the runtime, keeps the last good graph while the
// file has errors, patches step states live from run events, and turns node actions into runs, logs
// and panels.
import * as vscode from 'vscode';
import type { PipelineIR } from '../../runtime/server/protocol';
import type { RunEvent } from '../../runtime/server/protocol';
import type { DagAction, DagGraph, DagNodeStatus, DagProblem, DagSnapshot, DagToHost, ViewState } from '../../webviews/protocol';
import type { DagPreviewArgs, PanelDeps } from '../panelDeps';
import { rememberInstructions } from './approvalPanel';
import { componentAt, dagStatus, graphFor, rowsPerSplit, toDagProblems } from './dagGraph';
import { DataGridPanel } from './dataGridPanel';
import { EvaluationPanel } from './evaluationPanel';
import { LineagePanel } from './lineagePanel';
import { createPanel, errorMessage, isString, TypedWebview } from './panelHost';
import { StatisticsPanel } from './statisticsPanel';
import { ReportPanel } from './reportPanel';
import { REPORT_TYPE } from '../../common/artifacts';

/** Debounce of as-you-type updates: long enough to skip most intermediate keystrokes, short enough to feel live. */
export const TYPING_DEBOUNCE_MS = 120;

export function isPipelineFile(uri: vscode.Uri): boolean {
  return /\.pipeline\.(ya?ml|json|ts)$/.test(uri.path);
}

export class DagPreview {
  private static current: DagPreview | undefined;
  private readonly view: TypedWebview<'dag'>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private graph: DagGraph | null = null;
  private ir: PipelineIR | undefined;
  private problems: DagProblem[] = [];
  private status: Record<string, DagNodeStatus> = {};
  private highlighted: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private validation = 0;

  static async show(deps: PanelDeps, args: DagPreviewArgs): Promise<void> {
    if (DagPreview.current) {
      DagPreview.current.panel.reveal(DagPreview.current.panel.viewColumn, true);
      await DagPreview.current.switchTo(args.file);
      return;
    }
    const panel = createPanel('dag', 'Pipeline Preview', deps.extensionUri, vscode.ViewColumn.Beside, true);
    const preview = new DagPreview(deps, panel, args.file);
    await preview.load();
  }

  static async restore(deps: PanelDeps, panel: vscode.WebviewPanel, state: Partial<ViewState['dag']> | undefined): Promise<void> {
    const file = state?.snapshot?.graph?.file ?? vscode.window.activeTextEditor?.document.uri.fsPath;
    if (!file) {
      panel.dispose();
      return;
    }
    const preview = new DagPreview(deps, panel, vscode.Uri.file(file));
    await preview.load();
  }

  private constructor(
    private readonly deps: PanelDeps,
    private readonly panel: vscode.WebviewPanel,
    private file: vscode.Uri,
  ) {
    DagPreview.current = this;
    this.view = new TypedWebview('dag', panel.webview, deps.extensionUri, 'Pipeline Preview');
    this.view.onMessage((m) => this.onMessage(m));
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() !== this.file.toString()) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.revalidate(false), TYPING_DEBOUNCE_MS);
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isPipelineFile(editor.document.uri) && editor.document.uri.toString() !== this.file.toString()) void this.switchTo(editor.document.uri);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document.uri.toString() !== this.file.toString()) return;
        const pos = e.selections[0]?.active;
        const id = pos ? componentAt(this.ir, pos.line + 1, pos.character + 1) : null;
        if (id !== this.highlighted) {
          this.highlighted = id;
          this.view.post({ type: 'dag/highlight', component: id });
        }
      }),
      deps.onRunEvent((e) => {
        if (e.kind === 'step-waiting') rememberInstructions(e.executionId, e.instructions);
      }),
      // The same states as the trees and CodeLens, live and after runs made elsewhere.
      deps.onDidChangeStepViews(() => this.refreshStatus()),
    );
    panel.onDidDispose(() => this.dispose());
  }

  private dispose(): void {
    clearTimeout(this.timer);
    if (DagPreview.current === this) DagPreview.current = undefined;
    for (const d of this.subscriptions) d.dispose();
    this.view.dispose();
  }

  private async switchTo(file: vscode.Uri): Promise<void> {
    if (file.toString() === this.file.toString()) return;
    this.file = file;
    this.graph = null;
    this.ir = undefined;
    this.status = {};
    this.highlighted = null;
    await this.load();
  }

  private snapshot(): DagSnapshot {
    return { graph: this.graph, status: this.status, problems: this.problems, highlighted: this.highlighted, canRun: this.deps.isTrusted() };
  }

  private async load(): Promise<void> {
    this.panel.title = `Preview ${this.file.path.split('/').pop() ?? ''}`;
    await this.revalidate(true);
    await this.loadStatus();
    this.view.post({ type: 'dag/snapshot', snapshot: this.snapshot() });
  }

  private async text(): Promise<string> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.file.toString());
    if (open) return open.getText();
    return Buffer.from(await vscode.workspace.fs.readFile(this.file)).toString('utf8');
  }

  /** Validate the current text; post the graph (or keep the last good one) and the problems. */
  private async revalidate(quiet: boolean): Promise<void> {
    const mine = ++this.validation;
    let text: string;
    try {
      text = await this.text();
    } catch (e) {
      this.problems = [{ line: 1, column: 1, severity: 'error', message: `The file could not be read: ${errorMessage(e)}` }];
      if (!quiet) this.view.post({ type: 'dag/graph', graph: null, problems: this.problems });
      return;
    }
    try {
      const result = await this.deps.client.request('mlpipe/validate', { file: this.file.fsPath, text, trusted: this.deps.isTrusted() });
      if (mine !== this.validation) return; // a newer keystroke already won
      const graph = graphFor(result);
      this.problems = toDagProblems(result);
      if (result.pipeline) this.ir = result.pipeline;
      if (graph) this.graph = graph;
      if (!quiet) {
        this.view.post({ type: 'dag/graph', graph, problems: this.problems });
        this.refreshStatus();
      }
    } catch (e) {
      this.problems = [{ line: 1, column: 1, severity: 'error', message: `The runtime could not check this file: ${errorMessage(e)}` }];
      if (!quiet) this.view.post({ type: 'dag/graph', graph: null, problems: this.problems });
    }
  }

  private async loadStatus(): Promise<void> {
    this.status = this.ir ? this.withRows(dagStatus(this.ir, this.deps.stepViews(this.file))) : {};
    void this.fetchRows();
  }

  /** Posts the nodes whose status changed. */
  private refreshStatus(): void {
    if (!this.ir) return;
    const next = this.withRows(dagStatus(this.ir, this.deps.stepViews(this.file)));
    const changed: Record<string, DagNodeStatus> = {};
    for (const [id, st] of Object.entries(next)) if (JSON.stringify(st) !== JSON.stringify(this.status[id])) changed[id] = st;
    this.status = next;
    if (Object.keys(changed).length) this.view.post({ type: 'dag/status', status: changed });
    void this.fetchRows();
  }

  /** Rows per split of data steps, read once per execution, shown while that execution is the node's. */
  private readonly rows = new Map<string, { executionId: number; rows: Record<string, number> | null }>();

  private withRows(status: Record<string, DagNodeStatus>): Record<string, DagNodeStatus> {
    for (const [id, st] of Object.entries(status)) {
      const r = this.rows.get(id);
      if (r?.rows && st.executionId === r.executionId) st.rows = r.rows;
    }
    return status;
  }

  /**
   * Rows per split for the data steps (those with an Examples output), from their last successful
   * outputs: one small request per data step and execution, in parallel.
   */
  private async fetchRows(): Promise<void> {
    const db = this.deps.dbFor(this.file);
    const pipeline = this.graph?.pipeline ?? this.ir?.name;
    if (!db || !pipeline) return;
    const dataSteps = new Set(this.graph?.nodes.filter((n) => n.outputs.some((o) => o.artifactType === 'Examples')).map((n) => n.id) ?? []);
    const wanted = Object.entries(this.status).filter(
      ([id, st]) => dataSteps.has(id) && st.executionId !== undefined && ['complete', 'cached'].includes(st.state) && this.rows.get(id)?.executionId !== st.executionId,
    );
    if (!wanted.length) return;
    await Promise.all(
      wanted.map(async ([id, st]) => {
        this.rows.set(id, { executionId: st.executionId!, rows: null });
        const outputs = await this.deps.client.request('mlpipe/latestNodeOutputs', { db, pipeline, nodeId: id }).catch(() => null);
        this.rows.set(id, { executionId: st.executionId!, rows: rowsPerSplit(outputs) ?? null });
      }),
    );
    this.refreshStatus();
  }

  private async onMessage(m: DagToHost): Promise<void> {
    switch (m.type) {
      case 'dag/ready':
        // A (re)loaded page: always a full snapshot, never the deltas it missed.
        this.view.post({ type: 'dag/snapshot', snapshot: this.snapshot() });
        return;
      case 'dag/laidOut':
        return;
      case 'dag/reveal':
        if (isString(m.component)) await this.reveal(m.component);
        return;
      case 'dag/action':
        if (isString(m.component)) await this.action(m.action, m.component);
        return;
    }
  }

  /**
   * Select the component's id in the editor that already shows the file (never in the preview's own
   * column, which would hide the preview); without IR positions, fall back to the extension's reveal.
   */
  private async reveal(component: string): Promise<void> {
    const range = this.ir?.components.find((c) => c.id === component)?.idRange;
    if (!range) return this.deps.revealComponent(this.file, component);
    const selection = new vscode.Range(range.start.line - 1, range.start.column - 1, range.end.line - 1, range.end.column - 1);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.file.toString() && e.viewColumn !== this.panel.viewColumn);
    const column = shown?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
    const document = shown?.document ?? (await vscode.workspace.openTextDocument(this.file));
    const editor = await vscode.window.showTextDocument(document, { viewColumn: column, selection, preserveFocus: false });
    editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async action(action: DagAction, component: string): Promise<void> {
    if (!this.graph?.nodes.some((n) => n.id === component)) return;
    const runs: Partial<Record<DagAction, () => Promise<void>>> = {
      'run-step': () => this.deps.runPipeline(this.file, { step: component }),
      'run-from': () => this.deps.runPipeline(this.file, { from: component }),
      'rerun-no-cache': () => this.deps.runPipeline(this.file, { step: component }, true),
      'debug-step': async () => void (await vscode.commands.executeCommand('mlpipe.debugStep', this.file, component)),
    };
    const run = runs[action];
    if (run) {
      if (!this.deps.isTrusted()) {
        void vscode.window.showWarningMessage('ML Pipelines: nothing runs in Restricted Mode. Trust this workspace to run steps.');
        return;
      }
      await run();
      return;
    }
    const db = this.deps.dbFor(this.file);
    const pipeline = this.graph.pipeline;
    if (!db) {
      void vscode.window.showInformationMessage(`ML Pipelines: ${component} has not run yet (no metadata database).`);
      return;
    }
    if (action === 'open-log') {
      const executionId = this.status[component]?.executionId;
      const root = this.deps.rootFor(this.file);
      if (executionId === undefined || !root) {
        void vscode.window.showInformationMessage(`ML Pipelines: ${component} has no log yet; run it first.`);
        return;
      }
      await this.deps.openLog(root, executionId);
      return;
    }
    if (action === 'show-anomalies') {
      await vscode.commands.executeCommand('mlpipe.showAnomalies', this.file, component, this.status[component]?.executionId);
      return;
    }
    const outputs = await this.deps.client.request('mlpipe/latestNodeOutputs', { db, pipeline, nodeId: component });
    const artifacts = Object.values(outputs ?? {}).flat();
    const pick = (...types: string[]) => artifacts.find((a) => types.includes(a.type));
    if (action === 'show-statistics') {
      const a = pick('ExampleStatistics', 'Examples');
      if (a) return StatisticsPanel.show(this.deps, { db, artifactId: a.id });
    } else if (action === 'show-evaluation') {
      const a = pick('ModelEvaluation', 'Model', 'ModelBlessing', 'PushedModel');
      if (a) return EvaluationPanel.show(this.deps, { db, artifactId: a.id });
    } else if (action === 'open-data-grid') {
      const a = pick('ModelEvaluation', 'Examples');
      if (a) return DataGridPanel.show(this.deps, { db, artifactId: a.id });
    } else if (action === 'show-report') {
      const a = pick(REPORT_TYPE);
      if (a) return ReportPanel.show(this.deps, { db, artifactId: a.id });
    } else if (action === 'show-lineage') {
      const a = pick('Model', 'PushedModel') ?? artifacts[0];
      if (a) return LineagePanel.show(this.deps, { db, artifactId: a.id });
    }
    const what = action === 'show-statistics' ? 'statistics' : action === 'show-evaluation' ? 'an evaluation' : action === 'show-report' ? 'report' : 'outputs';
    void vscode.window.showInformationMessage(`ML Pipelines: ${component} has no ${what} from a successful run yet.`);
  }
}
