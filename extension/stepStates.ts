// The last known state of every step of every pipeline: the metadata store's last execution per node,
// overlaid with the live events of runs in progress. Trees and CodeLens show it.
import * as vscode from 'vscode';
import { stepStateOf, type StepState } from '../common/stepStates';
import type { RunEvent } from '../runtime/server/protocol';
import type { DbRef } from '../runtime/server/protocol';
import type { RuntimeClient } from './runtimeClient';

export interface StepView {
  state: StepState;
  durationMs?: number;
  executionId?: number;
  /** Live: the step is part of a run in progress. */
  live: boolean;
  reason?: string;
}

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

function key(db: DbRef, pipeline: string): string {
  return `${db.path}\u0000${pipeline}`;
}

export class StepStates implements vscode.Disposable {
  private readonly stored = new Map<string, Record<string, StepView>>();
  private readonly live = new Map<string, Record<string, StepView>>();
  private readonly loading = new Map<string, Promise<void>>();
  /** runId -> state key of its pipeline. */
  private readonly runs = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly client: RuntimeClient,
    /** The database a pipeline file's runs are recorded in. */
    private readonly dbForFile: (file: string) => DbRef | undefined,
  ) {
    this.subscription = client.onRunEvent((e) => this.apply(e));
  }

  /** States of a pipeline's steps (may be empty until loaded; onDidChange fires when it is). */
  get(db: DbRef, pipeline: string): Record<string, StepView> {
    const k = key(db, pipeline);
    if (!this.stored.has(k) && !this.loading.has(k)) void this.load(db, pipeline);
    return { ...this.stored.get(k), ...this.live.get(k) };
  }

  load(db: DbRef, pipeline: string): Promise<void> {
    const k = key(db, pipeline);
    const job = this.client
      .request('mlpipe/nodeStates', { db, pipeline })
      .then(
        (states) => {
          const views: Record<string, StepView> = {};
          for (const [node, e] of Object.entries(states)) {
            views[node] = { state: stepStateOf(e), durationMs: e.durationMs, executionId: e.id, live: false, reason: e.error };
          }
          this.stored.set(k, views);
        },
        () => {
          // No runtime or no database yet: nothing ran, which is what an empty record says.
          this.stored.set(k, {});
        },
      )
      .finally(() => {
        this.loading.delete(k);
        this.changed.fire();
      });
    this.loading.set(k, job);
    return job;
  }

  /** Forgets stored states (after a run, a database switch, a refresh). */
  invalidate(): void {
    this.stored.clear();
    this.changed.fire();
  }

  private apply(e: RunEvent): void {
    if (e.kind === 'run-started') {
      const db = this.dbForFile(e.file);
      if (!db) return;
      const k = key(db, e.pipeline);
      this.runs.set(e.runId, k);
      const views: Record<string, StepView> = {};
      for (const step of e.steps) views[step] = { state: 'pending', live: true };
      this.live.set(k, views);
      this.changed.fire();
      return;
    }
    const k = this.runs.get(e.runId);
    if (!k) return;
    const views = this.live.get(k) ?? {};
    switch (e.kind) {
      case 'step-started':
        views[e.step] = { state: 'running', executionId: e.executionId, live: true };
        break;
      case 'step-finished':
        views[e.step] = { state: e.state, executionId: e.executionId, durationMs: e.durationMs, live: true, reason: e.reason };
        break;
      case 'step-waiting':
        views[e.step] = { state: 'waiting', executionId: e.executionId, live: true };
        break;
      case 'run-finished': {
        this.runs.delete(e.runId);
        // Steps that never started keep their last stored state.
        for (const [step, v] of Object.entries(views)) if (v.state === 'pending') delete views[step];
        const [dbPath, pipeline] = k.split('\u0000');
        void this.load({ path: dbPath!, readonly: false }, pipeline!).then(() => {
          if (![...this.runs.values()].includes(k)) this.live.delete(k);
          this.changed.fire();
        });
        break;
      }
      default:
        return;
    }
    this.live.set(k, views);
    this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
