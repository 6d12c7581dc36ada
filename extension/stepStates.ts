// The state of every step of every pipeline file, for the Pipelines tree, CodeLens and the DAG preview:
// the runtime's step status (the latest run that covered each step, rejected and skipped steps, stale
// marks), overlaid with the live events of runs in progress in this window (extension/model/stepView.ts).
// It reloads when the database changes on disk, whoever wrote it (the CLI, another window, an exported
// workflow), so runs made elsewhere appear without Refresh.
import * as vscode from 'vscode';
import type { StepState } from '../common/stepStates';
import type { RunEvent } from '../runtime/server/protocol';
import type { DbRef } from '../runtime/server/protocol';
import { overlay, reduceLive, storedViews, type StepView, type StepViews } from './model/stepView';
import type { RuntimeClient } from './runtimeClient';

export type { StepView } from './model/stepView';

export const STATE_ICONS: Record<StepState, { icon: string; color?: string }> = {
  pending: { icon: 'circle-outline' },
  running: { icon: 'sync~spin', color: 'charts.blue' },
  complete: { icon: 'pass', color: 'testing.iconPassed' },
  cached: { icon: 'archive', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  canceled: { icon: 'circle-slash', color: 'disabledForeground' },
  skipped: { icon: 'debug-step-over', color: 'disabledForeground' },
  waiting: { icon: 'person', color: 'charts.yellow' },
  rejected: { icon: 'thumbsdown', color: 'testing.iconFailed' },
};

/** Reloads of one file's stored states are at most this often while its database keeps changing. */
const RELOAD_MS = 250;

interface Stored {
  db: DbRef;
  views: StepViews;
}

export class StepStates implements vscode.Disposable {
  /** By pipeline file path. */
  private readonly stored = new Map<string, Stored>();
  private readonly live = new Map<string, StepViews>();
  private readonly loading = new Map<string, Promise<void>>();
  /** Files whose stored states are to be reloaded once the load in flight ends. */
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** runId -> pipeline file of the run. */
  private readonly runs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly client: RuntimeClient,
    /** The database a pipeline file's runs are recorded in. */
    private readonly dbForFile: (file: string) => DbRef | undefined,
    private readonly rootForFile: (file: string) => string | undefined,
    private readonly trusted: () => boolean,
  ) {
    this.subscriptions = [
      client.onRunEvent((e) => this.apply(e)),
      client.onDidChangeDatabase(({ path }) => {
        for (const [file, s] of this.stored) if (s.db.path === path) this.reloadSoon(file);
      }),
    ];
  }

  /** States of a pipeline file's steps (empty until loaded; onDidChange fires when they are). */
  get(file: vscode.Uri | string): StepViews {
    const path = typeof file === 'string' ? file : file.fsPath;
    if (!this.stored.has(path) && !this.loading.has(path)) void this.load(path);
    return overlay(this.stored.get(path)?.views ?? {}, this.live.get(path));
  }

  load(file: string): Promise<void> {
    const running = this.loading.get(file);
    if (running) {
      this.again.add(file);
      return running;
    }
    const db = this.dbForFile(file);
    const root = this.rootForFile(file);
    if (!db || !root) {
      this.stored.set(file, { db: db ?? { path: '', readonly: true }, views: {} });
      return Promise.resolve();
    }
    let unchanged = false;
    const job = this.client
      .request('mlpipe/stepStatus', { db, file, root, trusted: this.trusted() })
      .then(
        (result) => {
          const views = storedViews(result.steps);
          // Unchanged states change nothing: the trees are not rebuilt under the user's pointer.
          if (JSON.stringify(this.stored.get(file)?.views) === JSON.stringify(views)) unchanged = true;
          this.stored.set(file, { db, views });
        },
        () => {
          // No runtime or no database yet: nothing ran, which is what an empty record says.
          if (!this.stored.has(file)) this.stored.set(file, { db, views: {} });
        },
      )
      .finally(() => {
        this.loading.delete(file);
        if (!unchanged) this.changed.fire();
        if (this.again.delete(file)) this.reloadSoon(file);
      });
    this.loading.set(file, job);
    return job;
  }

  private reloadSoon(file: string): void {
    if (this.timers.has(file)) return;
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        void this.load(file);
      }, RELOAD_MS),
    );
  }

  /** Reloads every stored state (after a database switch, a refresh, a saved pipeline file). */
  invalidate(file?: string): void {
    for (const f of file ? [file] : [...this.stored.keys()]) this.reloadSoon(f);
    if (!file) this.changed.fire();
  }

  private apply(e: RunEvent): void {
    if (e.kind === 'run-started') {
      this.runs.set(e.runId, e.file);
      this.live.set(e.file, reduceLive({}, e));
      this.changed.fire();
      return;
    }
    const file = this.runs.get(e.runId);
    if (!file) return;
    if (e.kind === 'run-finished') {
      this.runs.delete(e.runId);
      // The database now has the whole story (skipped steps too): drop the overlay once it is read.
      void this.load(file).then(() => {
        if (![...this.runs.values()].includes(file)) this.live.delete(file);
        this.changed.fire();
      });
      return;
    }
    const before = this.live.get(file) ?? {};
    const after = reduceLive(before, e);
    if (after === before) return;
    this.live.set(file, after);
    this.changed.fire();
  }

  /** The live or stored view of one step. */
  step(file: vscode.Uri | string, step: string): StepView | undefined {
    return this.get(file)[step];
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
