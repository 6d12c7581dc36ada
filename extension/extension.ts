// Activation: wires the thin client together. Nothing here starts the runtime or loads a native
// module; the runtime starts on the first request (a tree expanding, a file validated, a run).
import { moduleLoadCpuStart, moduleLoadStart } from './loadClock';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { DbRef } from '../runtime/server/protocol';
import { registerCommands } from './commands';
import { registerDebugStep } from './debugStep';
import { setErrorLog, showError } from './errors';
import * as config from './config';
import { currentUser } from './currentUser';
import { PipelineCodeLens } from './codeLens';
import { COMPLETION_TRIGGERS, PipelineCompletion } from './completion';
import { PipelineDiagnostics } from './diagnostics';
import { Discovery, PIPELINE_GLOB } from './discovery';
import { PipelineHovers } from './hovers';
import type { PanelDeps, PanelOpeners, StatisticsArgs } from './panelDeps';
import { LOG_SCHEME, LogDocuments } from './logDocuments';
import { PipelineIndex } from './pipelineIndex';
import { PipelinesTree } from './pipelinesTree';
import { RunProgress } from './runProgress';
import { RuntimeClient } from './runtimeClient';
import { registerStorePasswords } from './storePasswords';
import { RunsTree, type RunsSource } from './runsTree';
import { StepStates } from './stepStates';

/** After every imported module was evaluated: loading cost = this - moduleLoadStart. */
const moduleEvaluated = performance.now();
const moduleEvaluatedCpu = process.cpuUsage(moduleLoadCpuStart);

interface PanelsModule {
  registerPanels(context: vscode.ExtensionContext, deps: PanelDeps): void;
  /** Shows an artifact's statistics in the panel-area view (on Runs-tree selection). */
  followArtifact?(args: StatisticsArgs): Promise<void>;
}

/** The panels module (extension/panels/panels.ts) when this build has it. */
function loadPanels(log: vscode.LogOutputChannel): PanelsModule | undefined {
  try {
    // esbuild bundles this when the file exists; an unresolvable require inside `try` is left as is.
    const m = require('./panels/panels') as Partial<PanelsModule>;
    return typeof m.registerPanels === 'function' ? (m as PanelsModule) : undefined;
  } catch (e) {
    log.info(`no webview panels in this build (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    return undefined;
  }
}

export function activate(context: vscode.ExtensionContext): void {
  const activateStart = performance.now();
  const activateCpuStart = process.cpuUsage();
  const log = vscode.window.createOutputChannel('ML Pipelines', { log: true });
  setErrorLog(log);
  const client = new RuntimeClient(context.extensionPath, log, config.nodePath, config.pythonPath);
  registerStorePasswords(context, client);
  const trusted = (): boolean => vscode.workspace.isTrusted;

  const folderOf = (uri: vscode.Uri): vscode.WorkspaceFolder | undefined => vscode.workspace.getWorkspaceFolder(uri);
  const rootFor = (uri: vscode.Uri): string | undefined => folderOf(uri)?.uri.fsPath ?? (uri.scheme === 'file' ? dirname(uri.fsPath) : undefined);
  const dbFor = (uri: vscode.Uri): DbRef | undefined => {
    const folder = folderOf(uri);
    if (folder) return config.folderDb(folder);
    return uri.scheme === 'file' ? { path: join(dirname(uri.fsPath), '.mlpipe', 'metadata.sqlite'), readonly: false } : undefined;
  };
  const folderSources = (): RunsSource[] =>
    (vscode.workspace.workspaceFolders ?? []).map((folder) => ({ id: folder.uri.toString(), label: folder.name, db: config.folderDb(folder), root: folder.uri.fsPath }));

  const discovery = new Discovery(log);
  const index = new PipelineIndex(client, trusted, dbFor);
  const states = new StepStates(
    client,
    (file) => dbFor(vscode.Uri.file(file)),
    (file) => rootFor(vscode.Uri.file(file)),
    trusted,
  );
  const diagnostics = new PipelineDiagnostics(index);
  const pipelinesTree = new PipelinesTree(discovery, index, states, dbFor);
  // The progress (created below) gives the Runs tree the same step count as its notification.
  let countsOf: (runId: string) => ReturnType<RunProgress['countsOf']> = () => undefined;
  const runsTree = new RunsTree(client, folderSources, (runId) => countsOf(runId));
  const panels: Partial<PanelOpeners> = {};

  const approve = async (db: DbRef, executionId: number, decision: 'approved' | 'rejected', comment?: string): Promise<void> => {
    const root = folderSources().find((s) => s.db.path === db.path)?.root;
    const by = await currentUser(root);
    await client.request('mlpipe/approve', { db, decision: { executionId, decision, by, comment } });
    log.info(`execution ${executionId} ${decision} by ${by}${comment ? `: ${comment}` : ''}`);
    void vscode.window.setStatusBarMessage(`ML Pipelines: ${decision} by ${by}`, 5000);
  };

  const openLog = (root: string, executionId: number): Promise<void> =>
    Promise.resolve(vscode.commands.executeCommand('mlpipe.openLog', root, executionId)).then(() => undefined);

  const progress = new RunProgress(client, log, {
    rootFor: (file) => rootFor(vscode.Uri.file(file)),
    openLog,
    rerun: async (file, step) => {
      await vscode.commands.executeCommand('mlpipe.rerunStep', vscode.Uri.file(file), step);
    },
    decide: async (db, executionId, decision, comment) => {
      await approve(db, executionId, decision, comment).catch((e: unknown) => showError(e, 'recording the decision failed'));
    },
    review: async (w) => {
      if (panels.showApproval) await panels.showApproval({ db: w.db, root: w.root, executionId: w.executionId });
      else await vscode.commands.executeCommand('mlpipe.approve');
    },
    placeOf: (file) => {
      const db = dbFor(vscode.Uri.file(file));
      const root = rootFor(vscode.Uri.file(file));
      return db && root ? { db, root } : undefined;
    },
    folderDbs: () => folderSources().map((s) => ({ db: s.db, root: s.root! })),
    anomalies: (file, step, found) => diagnostics.setAnomalies(vscode.Uri.file(file), step, found),
    stepFailed: (file, step, reason) => diagnostics.setFailure(vscode.Uri.file(file), step, reason),
  });

  countsOf = (runId) => progress.countsOf(runId);

  // Several rows can be selected, so two statistics artifacts can be compared from the tree.
  const runsView = vscode.window.createTreeView('mlpipe.runs', { treeDataProvider: runsTree, showCollapseAll: true, canSelectMany: true });
  const selector: vscode.DocumentSelector = [{ scheme: 'file', pattern: PIPELINE_GLOB }];
  const yamlJson: vscode.DocumentSelector = [{ scheme: 'file', pattern: '**/*.pipeline.{yaml,yml,json}' }];
  const codeLens = new PipelineCodeLens(index, states, dbFor, trusted);

  context.subscriptions.push(
    log,
    client,
    discovery,
    index,
    states,
    diagnostics,
    pipelinesTree,
    runsTree,
    progress,
    codeLens,
    vscode.window.createTreeView('mlpipe.pipelines', { treeDataProvider: pipelinesTree, showCollapseAll: true }),
    runsView,
    vscode.languages.registerCodeLensProvider(selector, codeLens),
    (() => {
      const logs = new LogDocuments(client);
      return vscode.Disposable.from(logs, vscode.workspace.registerTextDocumentContentProvider(LOG_SCHEME, logs));
    })(),
    vscode.languages.registerHoverProvider(yamlJson, new PipelineHovers(index, client)),
    vscode.languages.registerCompletionItemProvider([{ scheme: 'file', pattern: '**/*.pipeline.{yaml,yml}' }], new PipelineCompletion(client, dbFor), ...COMPLETION_TRIGGERS),
    vscode.languages.registerCodeActionsProvider(selector, diagnostics, { providedCodeActionKinds: PipelineDiagnostics.providedCodeActionKinds }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (config.RUNTIME_SETTINGS.some((s) => e.affectsConfiguration(s))) client.restart();
      if (config.VIEW_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        states.invalidate();
        runsTree.refresh(true);
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // TypeScript pipelines can now be evaluated.
      for (const f of discovery.list()) void index.update(f.uri);
    }),
    client.onDidStop(() => states.invalidate()),
    // Saved params or module files change cache keys: the stale marks follow.
    vscode.workspace.onDidSaveTextDocument(() => states.invalidate()),
    discovery.onDidChangeFile(() => states.invalidate()),
    // A finished run brings new data: check the features of the open pipelines against it.
    client.onRunEvent((e) => {
      if (e.kind === 'run-finished') for (const d of vscode.workspace.textDocuments) if (/\.pipeline\.(ya?ml|json)$/.test(d.uri.path)) void index.update(d.uri, d);
    }),
    discovery.onDidRemoveFile((uri) => index.forget(uri)),
  );

  registerCommands({ context, client, discovery, index, states, progress, pipelinesTree, runsTree, log, panels, dbFor, rootFor, approve });
  registerDebugStep({ context, index, log, dbFor, rootFor, refresh: () => void vscode.commands.executeCommand('mlpipe.refresh') });

  const panelsModule = loadPanels(log);
  if (panelsModule) {
    try {
      panelsModule.registerPanels(context, {
        extensionUri: context.extensionUri,
        client,
        onRunEvent: client.onRunEvent,
        dbFor,
        rootFor,
        isTrusted: trusted,
        runPipeline: async (file, scope, noCache) => {
          const command = scope?.step ? (noCache ? 'mlpipe.rerunStep' : 'mlpipe.runStep') : scope?.from ? 'mlpipe.runFromStep' : 'mlpipe.runPipeline';
          await vscode.commands.executeCommand(command, file, scope?.step ?? scope?.from);
        },
        openLog,
        revealComponent: async (file, componentId) => {
          await vscode.commands.executeCommand('mlpipe.revealComponent', file, componentId);
        },
        approve,
        stepViews: (file) => states.get(file),
        onDidChangeStepViews: states.onDidChange,
        setOpeners: (openers) => Object.assign(panels, openers),
      });
      // The panel-area statistics view follows the dataset selected in the Runs view.
      context.subscriptions.push(
        runsView.onDidChangeSelection((e) => {
          const node = e.selection[0];
          if (node?.kind === 'artifact' && (node.event.artifact.type === 'ExampleStatistics' || node.event.artifact.type === 'Examples')) {
            void panelsModule.followArtifact?.({ db: node.source.db, artifactId: node.event.artifact.id });
          }
        }),
      );
    } catch (e) {
      log.error(`the webview panels failed to register: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  void discovery.start();
  const end = performance.now();
  // Measured from the start of this module's evaluation: what the extension adds to VS Code's startup.
  const loadMs = moduleEvaluated - moduleLoadStart;
  const activateMs = end - activateStart;
  // What the extension adds to startup: evaluating its bundle plus activate(); the gap between the
  // two is VS Code's own work (creating the extension context), not ours.
  const activateCpu = process.cpuUsage(activateCpuStart);
  const cpuMs = (moduleEvaluatedCpu.user + moduleEvaluatedCpu.system + activateCpu.user + activateCpu.system) / 1000;
  const figure =
    `activated in ${(loadMs + activateMs).toFixed(1)} ms (loading ${loadMs.toFixed(1)} ms, activate() ${activateMs.toFixed(1)} ms; ` +
    `CPU ${cpuMs.toFixed(1)} ms; trusted: ${trusted()})`;
  log.info(figure);
  // For the e2e tests: VS Code forwards the extension host's console to the workbench's.
  if (process.env.MLPIPE_REPORT_ACTIVATION) console.log(`mlpipe: ${figure}`);
}

export function deactivate(): void {
  // Subscriptions dispose the runtime client, which stops the runtime process.
}
