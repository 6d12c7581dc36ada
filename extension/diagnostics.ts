// Problems for pipeline files: validation errors at their exact range, updated as you type
// (debounced), with quick fixes where the runtime knows the fix; and ExampleValidator anomalies from
// runs, on the ExampleValidator component's line.
import * as vscode from 'vscode';
import type { PipelineDiagnostic, QuickFix } from '../runtime/server/protocol';
import type { RunEvent } from '../runtime/server/protocol';
import { isPipelineFile } from './discovery';
import { failureCause } from './model/stepFailure';
import { toRange, type PipelineIndex } from './pipelineIndex';

const DEBOUNCE_MS = 250;
const SOURCE = 'ML Pipelines';

type Anomaly = Extract<RunEvent, { kind: 'anomalies' }>['anomalies'][number];

function severityOf(s: PipelineDiagnostic['severity']): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

export class PipelineDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly problems = vscode.languages.createDiagnosticCollection('mlpipe');
  private readonly anomalies = vscode.languages.createDiagnosticCollection('mlpipe-anomalies');
  /** Steps whose last run failed, with the one-line cause, on the step's line; cleared when it next succeeds. */
  private readonly failures = vscode.languages.createDiagnosticCollection('mlpipe-failures');
  private readonly fixes = new WeakMap<vscode.Diagnostic, QuickFix[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly index: PipelineIndex) {
    this.disposables.push(
      index.onDidChange((uri) => this.publish(uri)),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length) this.schedule(e.document, DEBOUNCE_MS);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        // TypeScript pipelines are evaluated from disk (in the runtime, only when trusted).
        if (d.uri.path.endsWith('.ts')) this.schedule(d, 0);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (isPipelineFile(d.uri)) void this.index.update(d.uri);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!isPipelineFile(document.uri) || document.uri.scheme !== 'file') return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.index.update(document.uri, document);
      }, delay),
    );
  }

  private publish(uri: vscode.Uri): void {
    const entry = this.index.get(uri);
    if (!entry) {
      // The file is gone: so are its problems and anomalies.
      this.problems.delete(uri);
      this.anomalies.delete(uri);
      this.failures.delete(uri);
      return;
    }
    if (entry.error) {
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `This pipeline file could not be checked: ${entry.error}`, vscode.DiagnosticSeverity.Warning);
      d.source = SOURCE;
      this.problems.set(uri, [d]);
      return;
    }
    const list = (entry.result?.diagnostics ?? []).map((p) => {
      const message = p.hint ? `${p.message}\n${p.hint}` : p.message;
      const d = new vscode.Diagnostic(toRange(p.range), message, severityOf(p.severity));
      d.source = SOURCE;
      d.code = p.code;
      if (p.fixes?.length) this.fixes.set(d, p.fixes);
      return d;
    });
    this.problems.set(uri, list);
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      for (const fix of this.fixes.get(d) ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, toRange(fix.range), fix.replacement);
        // The runtime lists the likeliest fix first.
        action.isPreferred = fix === this.fixes.get(d)?.[0];
        actions.push(action);
      }
    }
    return actions;
  }

  /** Anomalies of one ExampleValidator step, replacing that step's previous ones. */
  setAnomalies(file: vscode.Uri, step: string, found: Anomaly[]): void {
    const component = this.index.component(file, step);
    const range = component?.idRange ?? component?.range;
    const at = range ? toRange(range) : new vscode.Range(0, 0, 0, 0);
    const others = (this.anomalies.get(file) ?? []).filter((d) => d.code !== `anomaly:${step}`);
    const mine = found.map((a) => {
      const d = new vscode.Diagnostic(
        new vscode.Range(at.start, at.start.line === at.end.line ? at.end : at.start.translate(0, 1)),
        `${step}: ${a.feature} (${a.split}): ${a.type}: ${a.description}`,
        /error/i.test(a.severity) ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = `${SOURCE} anomalies`;
      d.code = `anomaly:${step}`;
      return d;
    });
    this.anomalies.set(file, [...others, ...mine]);
  }

  /** A step's failure (its one-line cause), replacing its previous one; `reason` undefined clears it. */
  setFailure(file: vscode.Uri, step: string, reason: string | undefined): void {
    const others = (this.failures.get(file) ?? []).filter((d) => d.code !== `failed:${step}`);
    if (reason === undefined) {
      this.failures.set(file, others);
      return;
    }
    const component = this.index.component(file, step);
    const range = component?.idRange ?? component?.range;
    const at = range ? toRange(range) : new vscode.Range(0, 0, 0, 0);
    const d = new vscode.Diagnostic(new vscode.Range(at.start, at.start.line === at.end.line ? at.end : at.start.translate(0, 1)), failureCause(step, reason), vscode.DiagnosticSeverity.Error);
    d.source = `${SOURCE} run`;
    d.code = `failed:${step}`;
    this.failures.set(file, [...others, d]);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
    this.problems.dispose();
    this.anomalies.dispose();
    this.failures.dispose();
  }
}
