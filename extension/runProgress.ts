// What a user sees of runs in progress: a notification with Cancel per run, a status bar item, the
// step logs in the "ML Pipelines" LogOutputChannel, an error with "Open log" / "Re-run" for a failed
// step, and a prompt with Approve / Reject for a waiting HumanApproval step.
import { anomaliesNotice, failingAnomalies, type AnomalySummaryRow } from '../common/anomalies';
import { formatDuration } from '../common/format';
import * as vscode from 'vscode';
import type { RunEvent, RunState, StepState } from '../runtime/server/protocol';
import type { DbRef } from '../runtime/server/protocol';
import { onlyWaiting, progressCounts, progressMessage, type ProgressCounts } from './model/runView';
import type { RuntimeClient } from './runtimeClient';

export interface RunView {
  runId: string;
  pipeline: string;
  file: string;
  steps: string[];
  states: Record<string, StepState>;
  running: Set<string>;
  finished?: RunState;
  startTime: number;
  done: Promise<RunState>;
  /** The latest epoch line of a training step, for the notification. */
  detail?: string;
  /** Anomalies each validator step reported in this run, for its failure notification. */
  anomalies?: Record<string, AnomalySummaryRow[]>;
}

/** A HumanApproval execution waiting for a decision, from a run in this window or one made elsewhere. */
export interface WaitingApproval {
  db: DbRef;
  root: string;
  executionId: number;
  step: string;
  pipeline: string;
  instructions?: string;
}

export interface RunProgressActions {
  rootFor(file: string): string | undefined;
  openLog(root: string, executionId: number): Promise<void>;
  rerun(file: string, step: string): Promise<void>;
  /** Approve/Reject a waiting step from the notification. */
  decide(db: DbRef, executionId: number, decision: 'approved' | 'rejected', comment: string | undefined): Promise<void>;
  /** Open the approval panel, when there is one. */
  review?(w: WaitingApproval): Promise<void>;
  /** The database and workspace folder of a pipeline file. */
  placeOf(file: string): { db: DbRef; root: string } | undefined;
  /** The workspace folders' own databases (whose waiting approvals, made by any process, are asked for). */
  folderDbs(): Array<{ db: DbRef; root: string }>;
  anomalies(file: string, step: string, anomalies: Extract<RunEvent, { kind: 'anomalies' }>['anomalies']): void;
  /** A step failed with `reason` (a Problems entry on its line), or finished well (undefined: clear it). */
  stepFailed?(file: string, step: string, reason: string | undefined): void;
}

export class RunProgress implements vscode.Disposable {
  private readonly runs = new Map<string, RunView>();
  private readonly finishers = new Map<string, (s: RunState) => void>();
  private readonly statusItem: vscode.StatusBarItem;
  private readonly approvalItem: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;
  private readonly stopSubscription: vscode.Disposable;
  private readonly dbSubscription: vscode.Disposable;
  private readonly commandRegistration: vscode.Disposable;
  /** Approvals asked for, by execution id, with what closes their notification. */
  private readonly asking = new Map<number, { wait: WaitingApproval; close: () => void }>();
  private readonly waitChanged = new vscode.EventEmitter<string>();

  constructor(
    private readonly client: RuntimeClient,
    private readonly log: vscode.LogOutputChannel,
    private readonly actions: RunProgressActions,
  ) {
    this.statusItem = vscode.window.createStatusBarItem('mlpipe.runs', vscode.StatusBarAlignment.Left, 10);
    this.statusItem.name = 'ML Pipelines runs';
    this.statusItem.command = 'mlpipe.showLog';
    this.approvalItem = vscode.window.createStatusBarItem('mlpipe.approvals', vscode.StatusBarAlignment.Left, 9);
    this.approvalItem.name = 'ML Pipelines approvals';
    this.approvalItem.command = 'mlpipe.approve';
    this.subscription = client.onRunEvent((e) => this.apply(e));
    // Waits recorded by any process (a CLI run, another window) are asked for like this window's own.
    this.dbSubscription = client.onDidChangeDatabase(({ path }) => void this.checkWaiting(path));
    this.commandRegistration = vscode.commands.registerCommand('mlpipe.answerApproval', (executionId: unknown, choice: unknown) => {
      if (typeof executionId === 'number' && (choice === 'Approve' || choice === 'Reject' || choice === 'Review…')) return this.answer(executionId, choice);
      return undefined;
    });
    this.stopSubscription = client.onDidStop(() => {
      for (const run of this.runs.values()) {
        if (!run.finished) this.finish(run, 'failed', 'the runtime stopped');
      }
    });
  }

  active(): RunView[] {
    return [...this.runs.values()].filter((r) => !r.finished);
  }

  get(runId: string): RunView | undefined {
    return this.runs.get(runId);
  }

  private view(runId: string, init?: Extract<RunEvent, { kind: 'run-started' }>): RunView {
    let run = this.runs.get(runId);
    if (!run) {
      let finish: (s: RunState) => void = () => undefined;
      const done = new Promise<RunState>((resolve) => (finish = resolve));
      run = {
        runId,
        pipeline: init?.pipeline ?? '',
        file: init?.file ?? '',
        steps: init?.steps ?? [],
        states: {},
        running: new Set(),
        startTime: init?.time ?? Date.now(),
        done,
      };
      this.finishers.set(runId, finish);
      this.runs.set(runId, run);
    } else if (init) {
      Object.assign(run, { pipeline: init.pipeline, file: init.file, steps: init.steps, startTime: init.time });
    }
    return run;
  }

  counts(run: RunView): ProgressCounts {
    return progressCounts(run.steps, run.states);
  }

  /** The step count of a run in progress in this window (for the Runs tree: the same as the notification). */
  countsOf(runId: string): ProgressCounts | undefined {
    const run = this.runs.get(runId);
    return run && !run.finished ? this.counts(run) : undefined;
  }

  /**
   * Shows a cancellable progress notification for a run until it ends; resolves with its final state.
   * While the run does nothing but wait for a person, the toast goes away (a wait may last hours, and it
   * would cover the panels the reviewer reads): the approval's own notification and the status bar say so.
   */
  async track(runId: string, title: string): Promise<RunState> {
    const run = this.view(runId);
    while (!run.finished) {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => {
          void this.client.request('mlpipe/cancel', { runId }).catch(() => undefined);
        });
        let reported = 0;
        const tick = setInterval(() => {
          const c = this.counts(run);
          const pct = Math.min(100, Math.round((100 * c.ended) / Math.max(1, c.total)));
          progress.report({ increment: pct - reported, message: progressMessage(c, run.detail) });
          reported = pct;
        }, 250);
        return this.until(run, (r) => r.finished !== undefined || onlyWaiting(this.counts(r))).finally(() => clearInterval(tick));
      });
      if (run.finished) break;
      await this.until(run, (r) => r.finished !== undefined || !onlyWaiting(this.counts(r)));
    }
    return run.finished!;
  }

  private until(run: RunView, done: (r: RunView) => boolean): Promise<void> {
    if (done(run)) return Promise.resolve();
    return new Promise((resolve) => {
      const sub = this.waitChanged.event((id) => {
        if (id === run.runId && done(run)) {
          sub.dispose();
          resolve();
        }
      });
    });
  }

  private apply(e: RunEvent): void {
    switch (e.kind) {
      case 'run-started': {
        this.view(e.runId, e);
        this.log.info(`run ${e.runId} of ${e.pipeline} started: ${e.steps.join(', ')}`);
        break;
      }
      case 'step-started': {
        const run = this.view(e.runId);
        run.running.add(e.step);
        run.states[e.step] = 'running';
        // A fresh execution of a validator replaces its anomalies; the runtime only reports non-empty lists.
        if (run.file) this.actions.anomalies(run.file, e.step, []);
        this.log.info(`[${run.pipeline}/${e.step}] started (execution ${e.executionId})`);
        break;
      }
      case 'step-finished': {
        const run = this.view(e.runId);
        run.running.delete(e.step);
        run.states[e.step] = e.state;
        run.detail = undefined;
        if (e.executionId !== undefined) this.asking.get(e.executionId)?.close();
        const line = `[${run.pipeline}/${e.step}] ${e.state} in ${formatDuration(e.durationMs)}${e.reason ? `: ${e.reason}` : ''}`;
        if (run.file && (e.state === 'failed' || e.state === 'complete' || e.state === 'cached')) this.actions.stepFailed?.(run.file, e.step, e.state === 'failed' ? (e.reason ?? '') : undefined);
        if (e.state === 'failed') {
          this.log.error(line);
          void this.reportFailure(run, e.step, e.executionId, e.reason);
        } else this.log.info(line);
        break;
      }
      case 'step-waiting': {
        const run = this.view(e.runId);
        run.running.delete(e.step);
        run.states[e.step] = 'waiting';
        this.log.info(`[${run.pipeline}/${e.step}] waiting for approval (execution ${e.executionId})`);
        const place = this.actions.placeOf(run.file);
        if (place) this.askApproval({ ...place, executionId: e.executionId, step: e.step, pipeline: run.pipeline, instructions: e.instructions });
        break;
      }
      case 'log': {
        const run = this.view(e.runId);
        const line = `[${run.pipeline}/${e.step}#${e.executionId}] ${e.line}`;
        if (e.stream === 'stderr') this.log.warn(line);
        else this.log.info(line);
        break;
      }
      case 'epoch': {
        // The step's own log line says the same (a 'log' event): printing both showed every epoch twice.
        const run = this.view(e.runId);
        run.detail = `${e.step} epoch ${e.epoch}/${e.epochs}`;
        break;
      }
      case 'progress':
        break;
      case 'anomalies': {
        const run = this.view(e.runId);
        if (run.file) this.actions.anomalies(run.file, e.step, e.anomalies);
        run.anomalies = { ...run.anomalies, [e.step]: e.anomalies };
        if (e.anomalies.length) this.log.warn(`[${run.pipeline}/${e.step}] ${e.anomalies.length} anomalies (see Problems)`);
        break;
      }
      case 'run-finished': {
        const run = this.view(e.runId);
        Object.assign(run.states, e.steps);
        this.finish(run, e.state, undefined, e.durationMs);
        this.waitChanged.fire(run.runId);
        break;
      }
    }
    if ('runId' in e) this.waitChanged.fire(e.runId);
    this.updateStatus();
  }

  private finish(run: RunView, state: RunState, why?: string, durationMs?: number): void {
    run.finished = state;
    run.running.clear();
    this.log.info(`run ${run.runId} of ${run.pipeline} ${state}${durationMs !== undefined ? ` in ${formatDuration(durationMs)}` : ''}${why ? ` (${why})` : ''}`);
    this.waitChanged.fire(run.runId);
    this.finishers.get(run.runId)?.(state);
    this.finishers.delete(run.runId);
    // Keep a bounded history for `get`.
    if (this.runs.size > 50) {
      for (const [id, r] of this.runs) if (r.finished && this.runs.size > 50) this.runs.delete(id);
    }
    this.updateStatus();
  }

  private updateStatus(): void {
    const active = this.active();
    if (active.length === 0) {
      this.statusItem.hide();
      return;
    }
    const parts = active.map((r) => {
      const c = this.counts(r);
      return `${r.pipeline || 'run'} ${c.ended}/${c.total || '?'}${c.waiting.length ? ' (waiting for approval)' : ''}`;
    });
    this.statusItem.text = `$(sync~spin) ${parts.join(' · ')}`;
    this.statusItem.tooltip = 'ML Pipelines: runs in progress. Click to show the log.';
    this.statusItem.show();
  }

  private async reportFailure(run: RunView, step: string, executionId: number | undefined, reason: string | undefined): Promise<void> {
    const root = this.actions.rootFor(run.file);
    const found = run.anomalies?.[step];
    if (found?.length && executionId !== undefined) {
      // A validator stopped by fail_on: one sentence and the way to the anomalies, not the whole list.
      const failOn = /\(fail_on: (\w+)\)/.exec(reason ?? '')?.[1] ?? 'error';
      const failing = failingAnomalies(found, failOn);
      const choice = await vscode.window.showErrorMessage(`ML Pipelines: ${anomaliesNotice(step, failing.length ? failing : found)}.`, 'Show anomalies', ...(root ? ['Open log'] : []));
      if (choice === 'Show anomalies') await vscode.commands.executeCommand('mlpipe.showAnomalies', vscode.Uri.file(run.file), step, executionId);
      if (choice === 'Open log' && root) await this.actions.openLog(root, executionId);
      return;
    }
    const buttons = [...(executionId !== undefined && root ? ['Open log'] : []), 'Re-run'];
    const choice = await vscode.window.showErrorMessage(
      `ML Pipelines: step "${step}" of ${run.pipeline} failed${reason ? `: ${reason}` : '.'}`,
      ...buttons,
    );
    if (choice === 'Open log' && executionId !== undefined && root) await this.actions.openLog(root, executionId);
    if (choice === 'Re-run') await this.actions.rerun(run.file, step);
  }

  /**
   * One notification per waiting approval, which stays until the decision is made (here, in the panel,
   * with `mlpipe approve`, or in another window): a progress notification is the one kind VS Code keeps
   * on screen, and its links answer it. A status bar item counts the waits.
   */
  askApproval(w: WaitingApproval): void {
    if (this.asking.has(w.executionId)) return;
    let close: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (close = resolve));
    this.asking.set(w.executionId, {
      wait: w,
      close: () => {
        this.asking.delete(w.executionId);
        this.updateApprovals();
        close();
      },
    });
    this.updateApprovals();
    const link = (label: string): string => `[${label}](command:mlpipe.answerApproval?${encodeURIComponent(JSON.stringify([w.executionId, label]))})`;
    // The answers first: a collapsed notification shows only its first line.
    const title =
      `ML Pipelines: "${w.step}" of ${w.pipeline} waits for your approval: ` +
      `${this.actions.review ? `${link('Review…')} · ` : ''}${link('Approve')} · ${link('Reject')}.${w.instructions ? ` ${w.instructions}` : ''}`;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, () => closed);
  }

  /** Answers a waiting approval from its notification's links. */
  private async answer(executionId: number, choice: 'Approve' | 'Reject' | 'Review…'): Promise<void> {
    const w = this.asking.get(executionId)?.wait;
    if (!w) return;
    if (choice === 'Review…' && this.actions.review) {
      await this.actions.review(w);
      return;
    }
    if (choice !== 'Approve' && choice !== 'Reject') return;
    const decision = choice === 'Approve' ? 'approved' : 'rejected';
    const comment = await vscode.window.showInputBox({
      title: `${choice} ${w.step}`,
      prompt: `A comment recorded with the decision (optional)`,
      placeHolder: decision === 'approved' ? 'Checked the island slices.' : 'Why is it rejected?',
    });
    if (comment === undefined) return;
    await this.actions.decide(w.db, executionId, decision, comment || undefined);
    this.asking.get(executionId)?.close();
  }

  /** After a database changed: asks for new waits (from any process), closes the ones decided elsewhere. */
  private async checkWaiting(path: string): Promise<void> {
    const place = this.actions.folderDbs().find((p) => p.db.path === path && !p.db.readonly);
    if (!place) return;
    let waiting;
    try {
      waiting = await this.client.request('mlpipe/waitingApprovals', { db: place.db });
    } catch {
      return;
    }
    // A decision recorded while no run was waiting is published by the next run: nothing to ask.
    waiting = waiting.filter((e) => !e.decision);
    const ids = new Set(waiting.map((e) => e.id));
    for (const [id, a] of this.asking) if (a.wait.db.path === path && !ids.has(id)) a.close();
    for (const e of waiting) {
      const run = await this.client.request('mlpipe/execution', { db: place.db, id: e.id }).catch(() => null);
      const instructions = e.customProperties['instructions'];
      this.askApproval({
        ...place,
        executionId: e.id,
        step: e.nodeId,
        pipeline: run?.pipeline ?? 'a pipeline',
        ...(typeof instructions === 'string' ? { instructions } : {}),
      });
    }
  }

  private updateApprovals(): void {
    const n = this.asking.size;
    if (n === 0) {
      this.approvalItem.hide();
      return;
    }
    const first = [...this.asking.values()][0]!.wait;
    this.approvalItem.text = n === 1 ? `$(person) ${first.pipeline}/${first.step} waits for approval` : `$(person) ${n} approvals waiting`;
    this.approvalItem.tooltip = 'ML Pipelines: click to review and decide';
    this.approvalItem.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.stopSubscription.dispose();
    this.dbSubscription.dispose();
    this.commandRegistration.dispose();
    for (const a of [...this.asking.values()]) a.close();
    this.waitChanged.dispose();
    this.approvalItem.dispose();
    this.statusItem.dispose();
  }
}
