// Anomalies panels beside the editor: one per ExampleAnomalies artifact, found from the artifact itself
// (Runs tree), or from a validator's execution (Pipelines tree, DAG, CodeLens, the failure notification),
// also when `fail_on` failed it: its outputs are then recorded ABANDONED, and read all the same.
// "Accept into schema" edits the curated schema file a SchemaImporter read, as a WorkspaceEdit.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { rowsFromEntries } from '../../common/anomalies';
import type { ArtifactSummary, DbRef, ExecutionDetail } from '../../runtime/server/protocol';
import type { AnomaliesSnapshot, AnomalyRowView, ViewState } from '../../webviews/protocol';
import { planSchemaEdit, schemaFormatOf } from '../model/schemaEdits';
import type { AnomaliesArgs, PanelDeps } from '../panelDeps';
import { readAnomalies, splitsIn } from './artifactPayloads';
import { createPanel, errorMessage, isString, TypedWebview } from './panelHost';
import { StatisticsPanel } from './statisticsPanel';

interface Loaded {
  snapshot: AnomaliesSnapshot;
  db: DbRef;
}

/** The text of the curated schema file: the open editor's (unsaved edits count), else the file on disk. */
function schemaText(file: string): string {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
  return open ? open.getText() : readFileSync(file, 'utf8');
}

function withAccepts(rows: AnomalyRowView[], schemaFile: string | null): AnomalyRowView[] {
  if (!schemaFile) return rows;
  let text: string;
  try {
    text = schemaText(schemaFile);
  } catch (e) {
    return rows.map((r) => ({ ...r, acceptNote: `the schema file cannot be read: ${errorMessage(e)}` }));
  }
  const format = schemaFormatOf(schemaFile, text);
  return rows.map((r) => {
    const plan = planSchemaEdit(text, format, r);
    return plan.ok ? { ...r, accept: plan.label } : { ...r, acceptNote: plan.note };
  });
}

async function producerOf(deps: PanelDeps, db: DbRef, artifact: ArtifactSummary): Promise<ExecutionDetail | null> {
  const graph = await deps.client.request('mlpipe/lineage', { db, artifactId: artifact.id, direction: 'upstream', maxDepth: 1 });
  const producer = graph.nodes.find((n) => n.kind === 'execution');
  return producer ? deps.client.request('mlpipe/execution', { db, id: producer.id }) : null;
}

/** The snapshot of an ExampleAnomalies artifact, or of the one a validator execution wrote. */
export async function loadAnomalies(deps: PanelDeps, args: AnomaliesArgs): Promise<Loaded> {
  const { db } = args;
  let artifact: ArtifactSummary | null | undefined;
  let execution: ExecutionDetail | null;
  if ('executionId' in args) {
    execution = await deps.client.request('mlpipe/execution', { db, id: args.executionId });
    if (!execution) throw new Error(`Execution ${args.executionId} is not in the metadata database ${db.path}.`);
    artifact = execution.outputs.find((o) => o.artifact.type === 'ExampleAnomalies')?.artifact;
    if (!artifact) {
      const why = execution.state === 'FAILED' && execution.error ? `: it failed before validating (${execution.error})` : '';
      throw new Error(`${execution.nodeId} (execution ${execution.id}) recorded no anomalies${why}.`);
    }
  } else {
    artifact = await deps.client.request('mlpipe/artifact', { db, id: args.artifactId });
    if (!artifact) throw new Error(`Artifact ${args.artifactId} is not in the metadata database ${db.path}.`);
    if (artifact.type !== 'ExampleAnomalies') throw new Error(`Artifact ${artifact.id} is ${artifact.type}, not ExampleAnomalies.`);
    execution = await producerOf(deps, db, artifact);
  }
  const splits = splitsIn(artifact.uri);
  const rows: AnomalyRowView[] = [];
  let error: string | undefined;
  try {
    for (const split of splits) rows.push(...rowsFromEntries(readAnomalies(artifact.uri, split).map((e) => ({ ...e, split }))));
  } catch (e) {
    error = errorMessage(e);
  }
  const statistics = execution?.inputs.find((i) => i.key === 'statistics')?.artifact;
  const schema = execution?.inputs.find((i) => i.key === 'schema')?.artifact;
  // A SchemaImporter records the file it read; a SchemaGen's schema is inferred and has nothing to edit.
  const source = schema?.customProperties['source'];
  const schemaFile = typeof source === 'string' && existsSync(source) ? source : null;
  const failed = execution?.state === 'FAILED';
  const snapshot: AnomaliesSnapshot = {
    label: `${artifact.name || 'anomalies'} #${artifact.id}`,
    artifactId: artifact.id,
    uri: artifact.uri,
    ...(execution?.pipeline ? { pipeline: execution.pipeline } : {}),
    ...(execution?.nodeId ? { step: execution.nodeId } : {}),
    ...(execution?.runName ? { runName: execution.runName } : {}),
    ...(execution ? { executionId: execution.id } : {}),
    failed,
    ...(failed ? { failOn: /fail_on: (\w+)/.exec(execution?.error ?? '')?.[1] ?? 'error' } : {}),
    splits,
    rows: withAccepts(rows, schemaFile),
    ...(statistics ? { statisticsArtifactId: statistics.id } : {}),
    schemaFile,
    schemaSource: schemaFile ? vscode.workspace.asRelativePath(schemaFile) : schema ? `${schema.name || 'Schema'} #${schema.id} (inferred)` : undefined,
    canEdit: deps.isTrusted() && !db.readonly,
    ...(error ? { error } : {}),
  };
  return { snapshot, db };
}

export class AnomaliesPanel {
  private static readonly open = new Map<string, AnomaliesPanel>();
  private readonly view: TypedWebview<'anomalies'>;
  private snapshot: AnomaliesSnapshot | undefined;

  static async show(deps: PanelDeps, args: AnomaliesArgs): Promise<void> {
    const loaded = await loadAnomalies(deps, args);
    const key = `${args.db.path}#${loaded.snapshot.artifactId}`;
    const existing = AnomaliesPanel.open.get(key);
    if (existing) {
      existing.update(loaded.snapshot);
      existing.panel.reveal(existing.panel.viewColumn);
      return;
    }
    const p = new AnomaliesPanel(deps, createPanel('anomalies', 'Anomalies', deps.extensionUri), key, args.db);
    p.update(loaded.snapshot);
  }

  static async restore(deps: PanelDeps, panel: vscode.WebviewPanel, state: Partial<ViewState['anomalies']> | undefined): Promise<void> {
    const old = state?.snapshot;
    const db = old?.uri ? deps.dbFor(vscode.Uri.file(old.uri)) : undefined;
    const p = new AnomaliesPanel(deps, panel, `restored#${Date.now()}`, db);
    if (!db || !old?.artifactId) return;
    try {
      p.update((await loadAnomalies(deps, { db, artifactId: old.artifactId })).snapshot);
    } catch {
      // The view keeps what it restored from its own state.
    }
  }

  private constructor(
    private readonly deps: PanelDeps,
    private readonly panel: vscode.WebviewPanel,
    private readonly key: string,
    private readonly db: DbRef | undefined,
  ) {
    this.view = new TypedWebview('anomalies', panel.webview, deps.extensionUri, 'Anomalies');
    AnomaliesPanel.open.set(key, this);
    this.view.onMessage((m) => this.onMessage(m));
    panel.onDidDispose(() => {
      AnomaliesPanel.open.delete(this.key);
      this.view.dispose();
    });
  }

  private update(snapshot: AnomaliesSnapshot): void {
    this.snapshot = snapshot;
    this.panel.title = `Anomalies${snapshot.step ? `: ${snapshot.step}` : ''} #${snapshot.artifactId ?? ''}`;
    this.view.post({ type: 'anomalies/snapshot', snapshot });
  }

  private async onMessage(m: import('../../webviews/protocol').AnomaliesToHost): Promise<void> {
    const s = this.snapshot;
    switch (m.type) {
      case 'anomalies/ready':
        if (s) this.view.post({ type: 'anomalies/snapshot', snapshot: s });
        return;
      case 'anomalies/openStatistics':
        if (!s || !this.db || !isString(m.split) || !isString(m.feature)) return;
        if (s.statisticsArtifactId === undefined) {
          void vscode.window.showInformationMessage('ML Pipelines: the statistics these anomalies were found in are not recorded.');
          return;
        }
        await StatisticsPanel.show(this.deps, { db: this.db, artifactId: s.statisticsArtifactId, split: m.split, feature: m.feature, ...(s.artifactId !== undefined ? { anomaliesArtifactId: s.artifactId } : {}) });
        return;
      case 'anomalies/openSchema':
        if (s?.schemaFile) await vscode.window.showTextDocument(vscode.Uri.file(s.schemaFile), { viewColumn: vscode.ViewColumn.One, preview: false });
        return;
      case 'anomalies/accept':
        if (s && typeof m.index === 'number' && Number.isInteger(m.index) && m.index >= 0) await this.accept(s, m.index);
        return;
    }
  }

  /** Edit the curated schema so this anomaly is accepted: shown in an editor, saved, undoable there. */
  private async accept(s: AnomaliesSnapshot, index: number): Promise<void> {
    const row = s.rows[index];
    if (!row || !s.schemaFile || !this.db) return;
    if (!s.canEdit) {
      void vscode.window.showInformationMessage('ML Pipelines: the schema is not edited in restricted mode or from a read-only database.');
      return;
    }
    const uri = vscode.Uri.file(s.schemaFile);
    const doc = await vscode.workspace.openTextDocument(uri);
    const plan = planSchemaEdit(doc.getText(), schemaFormatOf(s.schemaFile, doc.getText()), row);
    if (!plan.ok) {
      this.update({ ...s, notice: { ok: false, message: `Not accepted: ${plan.note}.` } });
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    const ranges = plan.edits.map((e) => new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)));
    plan.edits.forEach((e, i) => edit.replace(uri, ranges[i]!, e.newText, { label: plan.label, needsConfirmation: false }));
    if (!(await vscode.workspace.applyEdit(edit))) {
      this.update({ ...s, notice: { ok: false, message: `The edit of ${basename(s.schemaFile)} was not applied.` } });
      return;
    }
    await doc.save();
    // Show what changed, in the first column; Undo (Ctrl+Z) there takes it back.
    const first = plan.edits[0]!;
    const start = doc.positionAt(first.offset);
    const end = doc.positionAt(first.offset + first.newText.length);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false, preserveFocus: true, selection: new vscode.Range(start, end) });
    const message = `${plan.label}: ${basename(s.schemaFile)} edited and saved (undo in its editor). Run the pipeline again to validate with it.`;
    const reloaded = (await loadAnomalies(this.deps, { db: this.db, artifactId: s.artifactId! })).snapshot;
    this.update({ ...reloaded, notice: { ok: true, message } });
  }
}
