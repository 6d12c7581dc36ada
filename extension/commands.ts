// Every command of DESIGN §8 (and the few internal ones the views use). Commands accept what the
// palette, the editor title, CodeLens and the trees give them, and normalise it here.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { RunScope } from '../runtime/server/protocol';
import type { DbRef } from '../runtime/server/protocol';
import * as config from './config';
import { isPipelineFile, type Discovery } from './discovery';
import { logUri } from './logDocuments';
import type { PanelOpeners } from './panelDeps';
import type { PipelineNode, PipelinesTree } from './pipelinesTree';
import { toRange, type PipelineIndex } from './pipelineIndex';
import type { RunProgress } from './runProgress';
import { showError } from './errors';
import type { RuntimeClient } from './runtimeClient';
import { sourceLabel, type RunsNode, type RunsTree } from './runsTree';
import { registerRunComparisonCommands } from './runComparisonCommands';
import type { StepStates } from './stepStates';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  client: RuntimeClient;
  discovery: Discovery;
  index: PipelineIndex;
  states: StepStates;
  progress: RunProgress;
  pipelinesTree: PipelinesTree;
  runsTree: RunsTree;
  log: vscode.LogOutputChannel;
  panels: Partial<PanelOpeners>;
  dbFor(uri: vscode.Uri): DbRef | undefined;
  rootFor(uri: vscode.Uri): string | undefined;
  approve(db: DbRef, executionId: number, decision: 'approved' | 'rejected', comment?: string): Promise<void>;
}

type TreeNode = PipelineNode | RunsNode;

function isTreeNode(x: unknown): x is TreeNode {
  return typeof x === 'object' && x !== null && 'kind' in x && typeof (x as { kind: unknown }).kind === 'string';
}

export function registerCommands(d: CommandDeps): void {
  const { context, client, discovery, index, progress, log } = d;

  const register = (id: string, f: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await f(...args);
        } catch (e) {
          await showError(e, `${id.replace('mlpipe.', '')} failed`);
        }
      }),
    );
  };

  /** The pipeline file a command is about. */
  async function fileArg(arg: unknown): Promise<vscode.Uri | undefined> {
    if (arg instanceof vscode.Uri) return arg;
    if (isTreeNode(arg) && 'file' in arg && arg.file && typeof arg.file === 'object' && 'uri' in arg.file) return arg.file.uri;
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active && isPipelineFile(active)) return active;
    await discovery.start();
    const files = discovery.list();
    if (files.length === 1) return files[0]!.uri;
    if (files.length === 0) {
      void vscode.window.showInformationMessage('ML Pipelines: no pipeline file (*.pipeline.yaml, .yml, .json, .ts) in this workspace.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      files.map((f) => ({ label: index.pipeline(f.uri)?.name ?? vscode.workspace.asRelativePath(f.uri), description: vscode.workspace.asRelativePath(f.uri), uri: f.uri })),
      { title: 'Which pipeline?' },
    );
    return pick?.uri;
  }

  /** The component a step command is about: (uri, id) from CodeLens, a tree node, the cursor, or a pick. */
  async function stepArgs(args: unknown[]): Promise<{ file: vscode.Uri; step: string } | undefined> {
    const [a, b] = args;
    if (a instanceof vscode.Uri && typeof b === 'string') return { file: a, step: b };
    if (isTreeNode(a) && a.kind === 'component') return { file: a.file.uri, step: a.componentId };
    const file = await fileArg(a);
    if (!file) return undefined;
    const entry = await index.ensure(file);
    const pipeline = entry.result?.pipeline;
    if (!pipeline) throw new Error(`${vscode.workspace.asRelativePath(file)} has errors: fix them first (see Problems).`);
    const editor = vscode.window.activeTextEditor;
    const atCursor =
      editor && editor.document.uri.toString() === file.toString()
        ? pipeline.components.find((c) => c.range && toRange(c.range).contains(editor.selection.active))
        : undefined;
    if (atCursor) return { file, step: atCursor.id };
    const pick = await vscode.window.showQuickPick(
      pipeline.components.map((c) => ({ label: c.id, description: c.type })),
      { title: 'Which step?' },
    );
    return pick ? { file, step: pick.label } : undefined;
  }

  async function run(file: vscode.Uri, scope: RunScope | undefined, noCache: boolean): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showWarningMessage('ML Pipelines: nothing runs in Restricted Mode. Trust this workspace to run pipelines.', 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    const doc = vscode.workspace.textDocuments.find((t) => t.uri.toString() === file.toString());
    if (doc?.isDirty) await doc.save();
    const entry = await index.update(file);
    const errors = entry.result?.diagnostics.filter((x) => x.severity === 'error') ?? [];
    if (errors.length) {
      const choice = await vscode.window.showErrorMessage(
        `ML Pipelines: ${vscode.workspace.asRelativePath(file)} has ${errors.length} error(s): ${errors[0]!.message}`,
        'Show Problems',
      );
      if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
      return;
    }
    const root = d.rootFor(file);
    const db = d.dbFor(file);
    if (!root || !db) throw new Error(`${file.fsPath} is not inside a workspace folder.`);
    const folder = vscode.workspace.getWorkspaceFolder(file);
    const { runId } = await client.request('mlpipe/run', {
      file: file.fsPath,
      root,
      dbPath: db.path,
      scope,
      noCache: noCache || !config.cacheEnabled(folder),
      parallelism: config.parallelism(folder),
      trusted: true,
    });
    const name = index.pipeline(file)?.name ?? vscode.workspace.asRelativePath(file);
    const what = scope?.step ? `step ${scope.step} of ${name}` : scope?.from ? `${name} from ${scope.from}` : name;
    const state = await progress.track(runId, `Running ${what}${noCache ? ' without cache' : ''}`);
    if (state === 'complete') void vscode.window.setStatusBarMessage(`$(pass) ML Pipelines: ${what} complete`, 5000);
    if (state === 'canceled') void vscode.window.showInformationMessage(`ML Pipelines: ${what} was canceled.`);
  }

  register('mlpipe.runPipeline', async (a) => {
    const file = await fileArg(a);
    if (file) await run(file, undefined, false);
  });
  register('mlpipe.runStep', async (...args) => {
    const s = await stepArgs(args);
    if (s) await run(s.file, { step: s.step }, false);
  });
  register('mlpipe.runFromStep', async (...args) => {
    const s = await stepArgs(args);
    if (s) await run(s.file, { from: s.step }, false);
  });
  register('mlpipe.rerunStep', async (...args) => {
    const s = await stepArgs(args);
    if (s) await run(s.file, { step: s.step }, true);
  });

  register('mlpipe.cancelRun', async (a) => {
    // From the Runs view: that run (a run's context name is its run id); else the one in progress, or a pick.
    if (isTreeNode(a) && a.kind === 'run') {
      const { canceled } = await client.request('mlpipe/cancel', { runId: a.run.name });
      if (!canceled) void vscode.window.showInformationMessage(`ML Pipelines: run ${a.run.name} is not running in this window.`);
      return;
    }
    const active = progress.active();
    if (active.length === 0) {
      void vscode.window.showInformationMessage('ML Pipelines: no run is in progress.');
      return;
    }
    const pick =
      active.length === 1
        ? active[0]
        : (await vscode.window.showQuickPick(active.map((r) => ({ label: r.pipeline, description: r.runId, run: r })), { title: 'Cancel which run?' }))?.run;
    if (pick) await client.request('mlpipe/cancel', { runId: pick.runId });
  });

  /** Executions: (uri, executionId) from CodeLens, a runs-tree execution, or a pipelines-tree component. */
  async function executionArg(args: unknown[]): Promise<{ root: string; executionId: number; db: DbRef } | undefined> {
    const [a, b] = args;
    // (root, executionId): from the run notifications and the panels.
    if (typeof a === 'string' && typeof b === 'number') {
      const db = d.dbFor(vscode.Uri.file(join(a, 'x')));
      return db ? { root: a, executionId: b, db } : undefined;
    }
    if (a instanceof vscode.Uri && typeof b === 'number') {
      const root = d.rootFor(a);
      const db = d.dbFor(a);
      return root && db ? { root, executionId: b, db } : undefined;
    }
    if (isTreeNode(a) && a.kind === 'execution' && a.source.root) return { root: a.source.root, executionId: a.execution.id, db: a.source.db };
    if (isTreeNode(a) && a.kind === 'component') {
      const root = d.rootFor(a.file.uri);
      const db = d.dbFor(a.file.uri);
      const executionId = d.states.step(a.file.uri, a.componentId)?.executionId;
      if (executionId === undefined) {
        void vscode.window.showInformationMessage(`ML Pipelines: ${a.componentId} has not run yet.`);
        return undefined;
      }
      return root && db ? { root, executionId, db } : undefined;
    }
    return undefined;
  }

  async function openLog(root: string, executionId: number, db?: DbRef): Promise<void> {
    const log = await client.request('mlpipe/readLog', { root, executionId, maxBytes: 1 });
    if (!log.exists) {
      void vscode.window.showInformationMessage(`ML Pipelines: no log was saved for execution ${executionId} (${log.path}).`);
      return;
    }
    // Named `<pipeline>/<step> #<execution id>` in its tab (extension/logDocuments.ts).
    const where = db ? await client.request('mlpipe/execution', { db, id: executionId }).catch(() => null) : null;
    const doc = await vscode.workspace.openTextDocument(logUri(root, executionId, where?.pipeline, where?.nodeId));
    await vscode.languages.setTextDocumentLanguage(doc, 'log');
    await vscode.window.showTextDocument(doc, { preview: true });
  }
  register('mlpipe.openLog', async (...args) => {
    const e = await executionArg(args);
    if (e) await openLog(e.root, e.executionId, e.db);
  });
  register('mlpipe.showLog', () => log.show(true));

  register('mlpipe.revealComponent', async (a, b) => {
    if (!(a instanceof vscode.Uri) || typeof b !== 'string') return;
    const entry = await index.ensure(a);
    const c = entry.result?.pipeline?.components.find((x) => x.id === b);
    const doc = await vscode.workspace.openTextDocument(a);
    const range = c?.idRange ?? c?.range;
    const at = range ? toRange(range) : new vscode.Range(0, 0, 0, 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at.start, at.start.line === at.end.line ? at.end : at.start), preview: true });
  });

  // Both exports: ask for the image, export through the runtime, open the YAML unsaved beside the pipeline
  // (nothing is overwritten; Save proposes the name), and say what the check of it found.
  const exportTo = async (a: unknown, target: 'argo' | 'kfp') => {
    const file = await fileArg(a);
    if (!file) return;
    const root = d.rootFor(file);
    if (!root) throw new Error(`${file.fsPath} is not inside a workspace folder.`);
    const doc = vscode.workspace.textDocuments.find((t) => t.uri.toString() === file.toString());
    if (doc?.isDirty) await doc.save();
    const stateKey = target === 'kfp' ? 'mlpipe.export.kfpImage' : 'mlpipe.export.image';
    // The setting first, then the image used last in this workspace; asked for when neither is set.
    const remembered = config.exportImage(file) || context.workspaceState.get<string>(stateKey, '');
    const image = await vscode.window.showInputBox({
      title: `Export ${vscode.workspace.asRelativePath(file)} to ${target === 'kfp' ? 'Kubeflow Pipelines' : 'an Argo Workflow'}`,
      prompt: target === 'kfp' ? 'Container image with Node 20+, the mlpipe runtime and this workspace at /workspace' : 'Container image with Node 20+ and the mlpipe runtime (mlpipe on its PATH)',
      placeHolder: 'registry.example.com/team/mlpipe:0.1.0',
      value: remembered,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : `An image is needed: each step of the ${target === 'kfp' ? 'pipeline' : 'workflow'} runs in it.`),
    });
    if (!image?.trim()) return;
    await context.workspaceState.update(stateKey, image.trim());
    const params = { file: file.fsPath, root, image: image.trim(), trusted: vscode.workspace.isTrusted };
    const result = target === 'kfp' ? await client.request('mlpipe/exportKfp', params) : await client.request('mlpipe/exportArgo', { ...params, claim: config.exportVolumeClaim(file) });
    const name = basename(file.fsPath).replace(/\.pipeline\.(ya?ml|json|ts)$/, '');
    const exportUri = vscode.Uri.file(join(dirname(file.fsPath), `${name}.${target === 'kfp' ? 'kfp' : 'argo'}.yaml`)).with({ scheme: 'untitled' });
    const exported = await vscode.workspace.openTextDocument(exportUri);
    const editor = await vscode.window.showTextDocument(exported, { preview: false });
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, exported.lineCount, 0), result.yaml));
    await vscode.languages.setTextDocumentLanguage(exported, 'yaml');
    for (const w of result.warnings) log.warn(`export: ${w}`);
    for (const p of result.problems) log.error(`export check: ${p.path}: ${p.message}`);
    if (result.problems.length > 0) void vscode.window.showErrorMessage(`ML Pipelines: ${result.summary}`);
    else void vscode.window.showInformationMessage(`ML Pipelines: ${result.summary}`);
    if (result.warnings.length > 0) {
      void vscode.window.showWarningMessage(`ML Pipelines: ${result.warnings[0]}${result.warnings.length > 1 ? ` (and ${result.warnings.length - 1} more in the ML Pipelines output)` : ''}`);
    }
  };
  register('mlpipe.exportArgo', (a) => exportTo(a, 'argo'));
  register('mlpipe.exportKfp', (a) => exportTo(a, 'kfp'));

  register('mlpipe.openDagPreview', async (a) => {
    const file = await fileArg(a);
    if (!file) return;
    if (!d.panels.openDagPreview) {
      void vscode.window.showInformationMessage('ML Pipelines: the DAG preview is not part of this build.');
      return;
    }
    await d.panels.openDagPreview({ file });
  });

  /** An artifact from a runs-tree node, or the latest output of a given type of a pipelines-tree component. */
  async function artifactArg(a: unknown, types: string[]): Promise<{ db: DbRef; artifactId: number; splitNames?: string[] } | undefined> {
    if (isTreeNode(a) && a.kind === 'artifact') {
      const raw = a.event.artifact.properties['split_names'] ?? a.event.artifact.customProperties['split_names'];
      return { db: a.source.db, artifactId: a.event.artifact.id, splitNames: typeof raw === 'string' ? parseSplits(raw) : undefined };
    }
    let file: vscode.Uri | undefined;
    let nodeId: string | undefined;
    if (isTreeNode(a) && a.kind === 'component') {
      file = a.file.uri;
      nodeId = a.componentId;
    } else if (a instanceof vscode.Uri) file = a;
    file ??= await fileArg(undefined);
    if (!file) return undefined;
    const db = d.dbFor(file);
    const pipeline = (await index.ensure(file)).result?.pipeline;
    if (!db || !pipeline) return undefined;
    const candidates: Array<{ label: string; description: string; id: number; split?: string }> = [];
    for (const c of pipeline.components) {
      if (nodeId && c.id !== nodeId) continue;
      const outputs = await client.request('mlpipe/latestNodeOutputs', { db, pipeline: pipeline.name, nodeId: c.id });
      for (const [key, artifacts] of Object.entries(outputs ?? {})) {
        for (const art of artifacts) {
          if (types.includes(art.type)) {
            const raw = art.properties['split_names'] ?? art.customProperties['split_names'];
            candidates.push({ label: `${c.id}.${key}`, description: `${art.type} #${art.id}`, id: art.id, split: typeof raw === 'string' ? raw : undefined });
          }
        }
      }
    }
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`ML Pipelines: no ${types.join(' or ')} artifact yet${nodeId ? ` from ${nodeId}` : ''}: run the pipeline first.`);
      return undefined;
    }
    const pick = candidates.length === 1 ? candidates[0] : await vscode.window.showQuickPick(candidates, { title: `Which ${types[0]}?` });
    return pick ? { db, artifactId: pick.id, splitNames: pick.split ? parseSplits(pick.split) : undefined } : undefined;
  }

  function unavailable(what: string): void {
    void vscode.window.showInformationMessage(`ML Pipelines: ${what} is not part of this build.`);
  }

  register('mlpipe.showStatistics', async (a) => {
    const art = await artifactArg(a, ['ExampleStatistics', 'Examples']);
    if (!art) return;
    if (!d.panels.showStatistics) return unavailable('the statistics view');
    await d.panels.showStatistics({ db: art.db, artifactId: art.artifactId });
  });
  register('mlpipe.compareStatistics', async (a, selected) => {
    // Two statistics artifacts selected together in the Runs view: compare them with each other.
    const picked = (Array.isArray(selected) ? selected : []).filter(
      (n): n is Extract<TreeNode, { kind: 'artifact' }> => isTreeNode(n) && n.kind === 'artifact' && n.event.artifact.type === 'ExampleStatistics',
    );
    if (picked.length === 2 && d.panels.compareStatistics) {
      await d.panels.compareStatistics({ db: picked[0]!.source.db, left: picked[0]!.event.artifact.id, right: picked[1]!.event.artifact.id });
      return;
    }
    const art = await artifactArg(a, ['ExampleStatistics']);
    if (!art) return;
    if (!d.panels.compareStatistics) return unavailable('the statistics comparison');
    const splits = art.splitNames ?? [];
    if (splits.length >= 2) {
      const pairs = splits.flatMap((x, i) => splits.slice(i + 1).map((y) => ({ label: `${x} vs ${y}`, pair: [x, y] as [string, string] })));
      const pick = pairs.length === 1 ? pairs[0] : await vscode.window.showQuickPick(pairs, { title: 'Compare which splits?' });
      if (!pick) return;
      await d.panels.compareStatistics({ db: art.db, left: art.artifactId, splits: pick.pair });
      return;
    }
    await d.panels.compareStatistics({ db: art.db, left: art.artifactId });
  });
  register('mlpipe.showLineage', async (a) => {
    const art = await artifactArg(a, ['Model', 'ModelBlessing', 'ModelEvaluation', 'PushedModel', 'Examples', 'ExampleStatistics', 'Schema', 'ExampleAnomalies', 'TransformGraph', 'Approval']);
    if (!art) return;
    if (!d.panels.showLineage) return unavailable('the lineage view');
    await d.panels.showLineage({ db: art.db, artifactId: art.artifactId });
  });
  register('mlpipe.showEvaluation', async (a) => {
    const art = await artifactArg(a, ['ModelEvaluation']);
    if (!art) return;
    if (!d.panels.showEvaluation) return unavailable('the evaluation view');
    await d.panels.showEvaluation({ db: art.db, artifactId: art.artifactId });
  });

  register('mlpipe.approve', async (...args) => {
    let target = await (async () => {
      const [a] = args;
      if ((isTreeNode(a) && (a.kind === 'execution' || a.kind === 'component')) || (a instanceof vscode.Uri && typeof args[1] === 'number')) return executionArg(args);
      return undefined;
    })();
    if (!target) {
      const sources = d.runsTree.sources().filter((s) => !s.db.readonly && s.root);
      const waiting: Array<{ label: string; description: string; root: string; db: DbRef; executionId: number }> = [];
      for (const s of sources) {
        for (const e of await client.request('mlpipe/waitingApprovals', { db: s.db })) {
          waiting.push({ label: e.nodeId, description: `execution ${e.id} · ${s.label}`, root: s.root!, db: s.db, executionId: e.id });
        }
      }
      if (waiting.length === 0) {
        void vscode.window.showInformationMessage('ML Pipelines: no step is waiting for approval.');
        return;
      }
      const pick = waiting.length === 1 ? waiting[0] : await vscode.window.showQuickPick(waiting, { title: 'Approve which step?' });
      if (!pick) return;
      target = pick;
    }
    if (d.panels.showApproval) {
      await d.panels.showApproval({ db: target.db, root: target.root, executionId: target.executionId });
      return;
    }
    const choice = await vscode.window.showQuickPick(['Approve', 'Reject'], { title: `Execution ${target.executionId}` });
    if (!choice) return;
    const comment = await vscode.window.showInputBox({ title: `${choice}: comment (optional)` });
    if (comment === undefined) return;
    await d.approve(target.db, target.executionId, choice === 'Approve' ? 'approved' : 'rejected', comment || undefined);
  });

  register('mlpipe.openMetadataDatabase', async (a) => {
    const picked =
      a instanceof vscode.Uri
        ? [a]
        : await vscode.window.showOpenDialog({
            title: 'Open an ML Metadata database (read-only)',
            canSelectMany: false,
            filters: { 'ML Metadata (SQLite)': ['sqlite', 'db', 'sqlite3'], 'All files': ['*'] },
          });
    const uri = picked?.[0];
    if (!uri) return;
    const db: DbRef = { path: uri.fsPath, readonly: true };
    // Fail here, with the reason, rather than in the tree.
    await client.request('mlpipe/listRuns', { db, limit: 1, offset: 0 });
    d.runsTree.addSource({ id: `ro:${uri.fsPath}`, label: sourceLabel(uri.fsPath), db });
    await vscode.commands.executeCommand('mlpipe.runs.focus');
  });

  register('mlpipe.refresh', async () => {
    await discovery.rescan(false);
    d.states.invalidate();
    d.runsTree.refresh(true);
    await Promise.all(discovery.list().map((f) => index.update(f.uri)));
    d.pipelinesTree.refresh();
  });
  register('mlpipe.loadMoreRuns', async (a) => {
    if (isTreeNode(a) && a.kind === 'more') await d.runsTree.loadMore(a.source);
  });

  register('mlpipe.openArtifactFiles', async (a) => {
    if (!(isTreeNode(a) && a.kind === 'artifact')) return;
    const path = a.event.artifact.uri;
    if (!existsSync(path)) {
      void vscode.window.showInformationMessage(`ML Pipelines: ${path} does not exist on this machine.`);
      return;
    }
    const files = statSync(path).isDirectory() ? listFiles(path, 200) : [path];
    if (files.length === 0) {
      void vscode.window.showInformationMessage(`ML Pipelines: ${path} is empty.`);
      return;
    }
    const pick = files.length === 1 ? files[0] : (await vscode.window.showQuickPick(files.map((f) => ({ label: f.slice(path.length + 1) || f, path: f })), { title: path }))?.path;
    if (pick) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(pick));
  });

  register('mlpipe.createSampleWorkspace', async (which) => {
    // `basic` (three Command steps) or `penguin` (the whole TFX loop; the walkthrough's sample).
    const name = which === 'penguin' ? 'penguin' : 'basic';
    const sample = join(context.extensionPath, 'samples', name);
    if (!existsSync(sample)) throw new Error(`the sample is missing from the extension (${sample}).`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    let target: vscode.Uri | undefined = folder?.uri;
    if (!target) {
      const picked = await vscode.window.showOpenDialog({ title: 'Create the sample workspace in…', canSelectFolders: true, canSelectFiles: false, openLabel: 'Create here' });
      target = picked?.[0];
    }
    if (!target) return;
    const dest = join(target.fsPath, name);
    const pipelineFile = vscode.Uri.file(join(dest, `${name}.pipeline.yaml`));
    if (existsSync(dest)) {
      if (!existsSync(pipelineFile.fsPath)) throw new Error(`${dest} already exists: remove it or pick another folder.`);
      // Already created (the walkthrough's button pressed twice): open it.
      await vscode.window.showTextDocument(pipelineFile);
      return;
    }
    cpSync(sample, dest, { recursive: true, filter: (src) => !src.includes(`${join('samples', name, '.mlpipe')}`) && !src.includes(join('samples', name, 'serving')) });
    if (!folder) {
      await vscode.commands.executeCommand('vscode.openFolder', target);
      return;
    }
    await discovery.rescan(false);
    await vscode.window.showTextDocument(pipelineFile);
  });

  registerRunComparisonCommands(register, d);
}

function parseSplits(raw: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
  } catch {
    return raw.split(',').map((s) => s.trim()).filter(Boolean);
  }
}

function listFiles(dir: string, limit: number): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (out.length >= limit) return;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

