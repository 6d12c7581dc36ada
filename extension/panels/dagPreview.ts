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
import { componentAt, graphFor, rowsPerSplit, stateOfExecution, toDagProblems } from './dagGraph';
import { EvaluationPanel } from './evaluationPanel';
import { LineagePanel } from './lineagePanel';
import { createPanel, errorMessage, isString, TypedWebview } from './panelHost';
import { StatisticsPanel } from './statisticsPanel';

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
  private readonly runs = new Set<string>();
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
      deps.onRunEvent((e) => this.onRunEvent(e)),
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
      if (!quiet) this.view.post({ type: 'dag/graph', graph, problems: this.problems });
    } catch (e) {
      this.problems = [{ line: 1, column: 1, severity: 'error', message: `The runtime could not check this file: ${errorMessage(e)}` }];
      if (!quiet) this.view.post({ type: 'dag/graph', graph: null, problems: this.problems });
    }
  }

  private async loadStatus(): Promise<void> {
    const db = this.deps.dbFor(this.file);
    const pipeline = this.graph?.pipeline ?? this.ir?.name;
    if (!db || !pipeline) return;
    try {
      const states = await this.deps.client.request('mlpipe/nodeStates', { db, pipeline });
      this.status = Object.fromEntries(Object.entries(states).map(([id, e]) => [id, stateOfExecution(e)]));
    } catch {
      // No database yet (never run): every node shows "never run".
      return;
    }
    Object.assign(this.status, await this.rowsOf(Object.keys(this.status)));
  }

  /**
   * Rows per split for the data steps among `steps` (those with an Examples output), from their last
   * successful outputs: one small request per data step, in parallel.
   */
  private async rowsOf(steps: string[]): Promise<Record<string, DagNodeStatus>> {
    const db = this.deps.dbFor(this.file);
    const pipeline = this.graph?.pipeline ?? this.ir?.name;
    const dataSteps = new Set(this.graph?.nodes.filter((n) => n.outputs.some((o) => o.artifactType === 'Examples')).map((n) => n.id) ?? []);
    if (!db || !pipeline) return {};
    const found = await Promise.all(
      steps
        .filter((id) => dataSteps.has(id) && ['complete', 'cached'].includes(this.status[id]?.state ?? ''))
        .map(async (id) => {
          const outputs = await this.deps.client.request('mlpipe/latestNodeOutputs', { db, pipeline, nodeId: id }).catch(() => null);
          return [id, rowsPerSplit(outputs)] as const;
        }),
    );
    const out: Record<string, DagNodeStatus> = {};
    for (const [id, rows] of found) if (rows) out[id] = { ...this.status[id]!, rows };
    return out;
  }

  private onRunEvent(e: RunEvent): void {
    if (e.kind === 'run-started') {
      if (e.file !== this.file.fsPath) return;
      this.runs.add(e.runId);
      const pending = Object.fromEntries(e.steps.map((s) => [s, { state: 'pending' as const }]));
      this.patch(pending);
      return;
    }
    if (!this.runs.has(e.runId)) return;
    switch (e.kind) {
      case 'step-started':
        this.patch({ [e.step]: { state: 'running', executionId: e.executionId } });
        break;
      case 'step-finished':
        this.patch({ [e.step]: { state: e.state === 'pending' ? 'pending' : e.state, durationMs: e.durationMs, executionId: e.executionId, reason: e.reason } });
        break;
      case 'step-waiting':
        rememberInstructions(e.executionId, e.instructions);
        this.patch({ [e.step]: { state: 'waiting', executionId: e.executionId } });
        break;
      case 'run-finished': {
        this.runs.delete(e.runId);
        const final: Record<string, DagNodeStatus> = {};
        for (const [step, state] of Object.entries(e.steps)) final[step] = { ...this.status[step], state };
        this.patch(final);
        void this.rowsOf(Object.keys(e.steps)).then((rows) => Object.keys(rows).length && this.patch(rows));
        break;
      }
      default:
        break;
    }
  }

  private patch(status: Record<string, DagNodeStatus>): void {
    this.status = { ...this.status, ...status };
    this.view.post({ type: 'dag/status', status });
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
    const outputs = await this.deps.client.request('mlpipe/latestNodeOutputs', { db, pipeline, nodeId: component });
    const artifacts = Object.values(outputs ?? {}).flat();
    const pick = (...types: string[]) => artifacts.find((a) => types.includes(a.type));
    if (action === 'show-statistics') {
      const a = pick('ExampleStatistics', 'Examples');
      if (a) return StatisticsPanel.show(this.deps, { db, artifactId: a.id });
    } else if (action === 'show-evaluation') {
      const a = pick('ModelEvaluation', 'Model', 'ModelBlessing', 'PushedModel');
      if (a) return EvaluationPanel.show(this.deps, { db, artifactId: a.id });
    } else if (action === 'show-lineage') {
      const a = pick('Model', 'PushedModel') ?? artifacts[0];
      if (a) return LineagePanel.show(this.deps, { db, artifactId: a.id });
    }
    const what = action === 'show-statistics' ? 'statistics' : action === 'show-evaluation' ? 'an evaluation' : 'outputs';
    void vscode.window.showInformationMessage(`ML Pipelines: ${component} has no ${what} from a successful run yet.`);
  }
}
