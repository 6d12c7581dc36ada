// What the webview panels (extension/panels/, owned by the webview side) get from the rest of the
// extension. The panels register no commands of their own: commands.ts owns every command id of
// DESIGN §8 and, for the panel commands, calls the openers the panels hand back with `setOpeners`.
// That keeps argument parsing (tree items, CodeLens, palette) in one place and lets the extension
// work, with a clear message, in a build without panels.
import type * as vscode from 'vscode';
import type { DbRef } from '../runtime/server/protocol';
import type { RunScope } from '../runtime/server/protocol';
import type { RunEvent } from '../runtime/server/protocol';
import type { RuntimeClient } from './runtimeClient';
import type { StepViews } from './model/stepView';

export interface DagPreviewArgs {
  /** The pipeline file (`*.pipeline.{yaml,yml,json,ts}`). */
  file: vscode.Uri;
}

export interface StatisticsArgs {
  db: DbRef;
  /** An ExampleStatistics artifact (or an Examples artifact: the panel finds its statistics). */
  artifactId: number;
}

export interface CompareStatisticsArgs {
  db: DbRef;
  /** Two ExampleStatistics artifacts, or one artifact and two of its splits (`splits`). */
  left: number;
  right?: number;
  splits?: [string, string];
}

export interface LineageArgs {
  db: DbRef;
  artifactId: number;
}

export interface EvaluationArgs {
  db: DbRef;
  /** A ModelEvaluation artifact. */
  artifactId: number;
}

export interface ApprovalArgs {
  db: DbRef;
  /** Workspace folder of the run (logs, artifacts). */
  root: string;
  /** The waiting HumanApproval execution. */
  executionId: number;
}

export interface CompareRunsArgs {
  db: DbRef;
  /** Run context ids; without `left`, `right` is compared with the run of its pipeline before it. */
  left?: number;
  right: number;
  /** Workspace root of the database (logs); undefined for a database opened from elsewhere. */
  root?: string;
}

export interface RunTimelineArgs {
  db: DbRef;
  runContextId: number;
  root?: string;
}

/** What the panels module provides. Missing entries fall back to a message (or, for approval, a notification). */
export interface PanelOpeners {
  openDagPreview(args: DagPreviewArgs): void | Promise<void>;
  showStatistics(args: StatisticsArgs): void | Promise<void>;
  compareStatistics(args: CompareStatisticsArgs): void | Promise<void>;
  showLineage(args: LineageArgs): void | Promise<void>;
  showEvaluation(args: EvaluationArgs): void | Promise<void>;
  showApproval(args: ApprovalArgs): void | Promise<void>;
  compareRuns(args: CompareRunsArgs): void | Promise<void>;
  showRunTimeline(args: RunTimelineArgs): void | Promise<void>;
}

export interface PanelDeps {
  extensionUri: vscode.Uri;
  /** The runtime (JSON-RPC). Started lazily on the first request; every metadata query goes through it. */
  client: RuntimeClient;
  /** Every event of every run (step states, logs, anomalies …), as the runtime sends them. */
  onRunEvent: vscode.Event<RunEvent>;
  /** The metadata database of the workspace folder holding `file` (setting `mlpipe.metadataPath`). */
  dbFor(file: vscode.Uri): DbRef | undefined;
  /** The workspace folder (root holding `.mlpipe/`) of `file`. */
  rootFor(file: vscode.Uri): string | undefined;
  /** False in restricted mode: hide or disable run actions. */
  isTrusted(): boolean;
  /** Runs a pipeline (or a scope of it) with progress UI, like the commands do. */
  runPipeline(file: vscode.Uri, scope?: RunScope, noCache?: boolean): Promise<void>;
  /** Opens an execution's saved log in an editor. */
  openLog(root: string, executionId: number): Promise<void>;
  /** Moves the cursor to a component in its pipeline file. */
  revealComponent(file: vscode.Uri, componentId: string): Promise<void>;
  /** Records an approval decision as the current user (git user.name, else the OS user). */
  approve(db: DbRef, executionId: number, decision: 'approved' | 'rejected', comment?: string): Promise<void>;
  /** Each step's state as every view shows it (the trees' and CodeLens' source, extension/stepStates.ts). */
  stepViews(file: vscode.Uri): StepViews;
  /** Fires when any step state changed (a run's events, a database written by anyone). */
  onDidChangeStepViews: vscode.Event<void>;
  /** Called once by registerPanels with the panel openers the commands should use. */
  setOpeners(openers: Partial<PanelOpeners>): void;
}
