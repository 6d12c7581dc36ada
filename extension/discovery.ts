// Finds pipeline files in every workspace folder and keeps up with creates, edits, renames and
// deletes. A FileSystemWatcher can miss events silently (inotify limits, excluded folders), so a
// periodic rescan compares what the watcher reported with what is on disk and says so when they differ.
import * as vscode from 'vscode';

export const PIPELINE_GLOB = '**/*.pipeline.{yaml,yml,json,ts}';
const EXCLUDE_GLOB = '{**/node_modules/**,**/.mlpipe/**,**/.git/**}';
const RESCAN_MS = 60_000;

export function isPipelineFile(uri: vscode.Uri): boolean {
  return /\.pipeline\.(ya?ml|json|ts)$/.test(uri.path);
}

export interface PipelineFile {
  uri: vscode.Uri;
  folder: vscode.WorkspaceFolder;
}

export class Discovery implements vscode.Disposable {
  private readonly files = new Map<string, PipelineFile>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly changedFile = new vscode.EventEmitter<vscode.Uri>();
  private readonly removedFile = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private warned = false;
  private scanned: Promise<void> | undefined;
  /** The set of files changed (added, removed, rescanned). */
  readonly onDidChange = this.changed.event;
  /** A known pipeline file's content changed on disk. */
  readonly onDidChangeFile = this.changedFile.event;
  /** A pipeline file was deleted (or renamed away): its problems and states must go. */
  readonly onDidRemoveFile = this.removedFile.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Starts scanning and watching; resolves after the first scan. */
  start(): Promise<void> {
    if (this.scanned) return this.scanned;
    try {
      const watcher = vscode.workspace.createFileSystemWatcher(PIPELINE_GLOB);
      this.disposables.push(
        watcher,
        watcher.onDidCreate((uri) => this.add(uri)),
        watcher.onDidDelete((uri) => this.remove(uri)),
        watcher.onDidChange((uri) => this.changedFile.fire(uri)),
      );
    } catch (e) {
      this.reportWatcherProblem(`the file watcher could not be created (${e instanceof Error ? e.message : String(e)})`);
    }
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rescan(false)));
    this.timer = setInterval(() => {
      if (vscode.window.state.focused) void this.rescan(true);
    }, RESCAN_MS);
    this.scanned = this.rescan(false);
    return this.scanned;
  }

  list(): PipelineFile[] {
    return [...this.files.values()].sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
  }

  get(uri: vscode.Uri): PipelineFile | undefined {
    return this.files.get(uri.toString());
  }

  private add(uri: vscode.Uri): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || !isPipelineFile(uri) || /\/(node_modules|\.mlpipe|\.git)\//.test(uri.path)) return false;
    if (this.files.has(uri.toString())) return false;
    this.files.set(uri.toString(), { uri, folder });
    this.changed.fire();
    return true;
  }

  private remove(uri: vscode.Uri): void {
    if (this.files.delete(uri.toString())) {
      this.removedFile.fire(uri);
      this.changed.fire();
    }
  }

  /** Scans all folders. With `audit`, a difference from the watcher's view is a watcher failure. */
  async rescan(audit: boolean): Promise<void> {
    let found: vscode.Uri[];
    try {
      found = await vscode.workspace.findFiles(PIPELINE_GLOB, EXCLUDE_GLOB);
    } catch (e) {
      this.log.error(`searching for pipeline files failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const onDisk = new Map(found.map((u) => [u.toString(), u]));
    const missed = [...onDisk.keys()].filter((k) => !this.files.has(k)).length + [...this.files.keys()].filter((k) => !onDisk.has(k)).length;
    const before = this.files.size;
    for (const [key, f] of [...this.files]) {
      if (!onDisk.has(key)) {
        this.files.delete(key);
        this.removedFile.fire(f.uri);
      }
    }
    for (const uri of onDisk.values()) {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (folder && !this.files.has(uri.toString())) this.files.set(uri.toString(), { uri, folder });
    }
    if (audit && missed > 0) {
      this.reportWatcherProblem(`${missed} pipeline file change(s) were found by a rescan but not reported by the file watcher`);
    }
    if (missed > 0 || before !== this.files.size || !audit) this.changed.fire();
  }

  private reportWatcherProblem(what: string): void {
    this.log.warn(`file watcher: ${what}`);
    if (this.warned) return;
    this.warned = true;
    void vscode.window
      .showWarningMessage(
        `ML Pipelines: ${what}. The pipeline list may lag behind the disk; it is rescanned every minute. Check the "files.watcherExclude" setting or raise the system's inotify limit.`,
        'Refresh now',
      )
      .then((choice) => {
        if (choice === 'Refresh now') void this.rescan(false);
      });
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
    this.changedFile.dispose();
    this.removedFile.dispose();
  }
}
