// What a user sees of runs in progress: a notification with Cancel per run, a status bar item, the
// step logs in the "ML Pipelines" LogOutputChannel, an error with "Open log" / "Re-run" for a failed
// step, and a prompt with Approve / Reject for a waiting HumanApproval step.
import { formatDuration } from '../common/format';
import * as vscode from 'vscode';
import type { RunEvent, RunState, StepState } from '../runtime/server/protocol';
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
}

export interface RunProgressActions {
  rootFor(file: string): string | undefined;
  openLog(root: string, executionId: number): Promise<void>;
  rerun(file: string, step: string): Promise<void>;
  /** Approve/Reject a waiting step from the notification. */
  decide(file: string, executionId: number, decision: 'approved' | 'rejected', comment: string | undefined): Promise<void>;
  /** Open the approval panel, when there is one. */
  review?(file: string, executionId: number): Promise<void>;
  anomalies(file: string, step: string, anomalies: Extract<RunEvent, { kind: 'anomalies' }>['anomalies']): void;
}

export class RunProgress implements vscode.Disposable {
  private readonly runs = new Map<string, RunView>();
  private readonly finishers = new Map<string, (s: RunState) => void>();
  private readonly statusItem: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;
  private readonly stopSubscription: vscode.Disposable;

  constructor(
    private readonly client: RuntimeClient,
    private readonly log: vscode.LogOutputChannel,
    private readonly actions: RunProgressActions,
  ) {
    this.statusItem = vscode.window.createStatusBarItem('mlpipe.runs', vscode.StatusBarAlignment.Left, 10);
    this.statusItem.name = 'ML Pipelines runs';
    this.statusItem.command = 'mlpipe.showLog';
    this.subscription = client.onRunEvent((e) => this.apply(e));
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

  /** Shows a cancellable progress notification for a run until it ends; resolves with its final state. */
  track(runId: string, title: string): Promise<RunState> {
    const run = this.view(runId);
    if (run.finished) return Promise.resolve(run.finished);
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => {
            void this.client.request('mlpipe/cancel', { runId }).catch(() => undefined);
          });
          let reported = 0;
          const tick = setInterval(() => {
            const total = Math.max(1, run.steps.length);
            const ended = Object.values(run.states).filter((s) => s !== 'running' && s !== 'pending').length;
            const pct = Math.min(100, Math.round((100 * ended) / total));
            const running = [...run.running].join(', ');
            progress.report({ increment: pct - reported, message: `${ended}/${total} steps${running ? ` — ${running}` : ''}` });
            reported = pct;
          }, 250);
          return run.done.finally(() => clearInterval(tick));
        },
      ),
    );
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
        const line = `[${run.pipeline}/${e.step}] ${e.state} in ${formatDuration(e.durationMs)}${e.reason ? `: ${e.reason}` : ''}`;
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
        void this.askApproval(run, e.step, e.executionId, e.instructions);
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
        const run = this.view(e.runId);
        const metrics = Object.entries(e.metrics)
          .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
          .join(' ');
        this.log.info(`[${run.pipeline}/${e.step}] epoch ${e.epoch}/${e.epochs} ${metrics}`);
        break;
      }
      case 'progress':
        break;
      case 'anomalies': {
        const run = this.view(e.runId);
        if (run.file) this.actions.anomalies(run.file, e.step, e.anomalies);
        if (e.anomalies.length) this.log.warn(`[${run.pipeline}/${e.step}] ${e.anomalies.length} anomalies (see Problems)`);
        break;
      }
      case 'run-finished': {
        const run = this.view(e.runId);
        Object.assign(run.states, e.steps);
        this.finish(run, e.state, undefined, e.durationMs);
        break;
      }
    }
    this.updateStatus();
  }

  private finish(run: RunView, state: RunState, why?: string, durationMs?: number): void {
    run.finished = state;
    run.running.clear();
    this.log.info(`run ${run.runId} of ${run.pipeline} ${state}${durationMs !== undefined ? ` in ${formatDuration(durationMs)}` : ''}${why ? ` (${why})` : ''}`);
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
      const ended = Object.values(r.states).filter((s) => s !== 'running' && s !== 'pending' && s !== 'waiting').length;
      const waiting = Object.values(r.states).includes('waiting');
      return `${r.pipeline || 'run'} ${ended}/${r.steps.length || '?'}${waiting ? ' (waiting for approval)' : ''}`;
    });
    this.statusItem.text = `$(sync~spin) ${parts.join(' · ')}`;
    this.statusItem.tooltip = 'ML Pipelines: runs in progress. Click to show the log.';
    this.statusItem.show();
  }

  private async reportFailure(run: RunView, step: string, executionId: number | undefined, reason: string | undefined): Promise<void> {
    const root = this.actions.rootFor(run.file);
    const buttons = [...(executionId !== undefined && root ? ['Open log'] : []), 'Re-run'];
    const choice = await vscode.window.showErrorMessage(
      `ML Pipelines: step "${step}" of ${run.pipeline} failed${reason ? `: ${reason}` : '.'}`,
      ...buttons,
    );
    if (choice === 'Open log' && executionId !== undefined && root) await this.actions.openLog(root, executionId);
    if (choice === 'Re-run') await this.actions.rerun(run.file, step);
  }

  private async askApproval(run: RunView, step: string, executionId: number, instructions?: string): Promise<void> {
    const buttons = ['Approve', 'Reject', ...(this.actions.review ? ['Review…'] : [])];
    const choice = await vscode.window.showInformationMessage(
      `ML Pipelines: "${step}" of ${run.pipeline} waits for your approval.${instructions ? ` ${instructions}` : ''}`,
      ...buttons,
    );
    if (choice === 'Review…' && this.actions.review) {
      await this.actions.review(run.file, executionId);
      return;
    }
    if (choice !== 'Approve' && choice !== 'Reject') return;
    const decision = choice === 'Approve' ? 'approved' : 'rejected';
    const comment = await vscode.window.showInputBox({
      title: `${choice} ${step}`,
      prompt: `A comment recorded with the decision (optional)`,
      placeHolder: decision === 'approved' ? 'Checked the island slices.' : 'Why is it rejected?',
    });
    if (comment === undefined) return;
    await this.actions.decide(run.file, executionId, decision, comment || undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.stopSubscription.dispose();
    this.statusItem.dispose();
  }
}
