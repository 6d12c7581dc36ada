// How a run looks in a terminal: one live line per step on a TTY, plain lines otherwise, JSON lines with --json.
import { anomalyLine } from '../../common/anomalies';
import { formatDuration } from '../../common/format';
import type { RunEvent, StepState } from '../orchestrator/events';

const ICON: Record<StepState, string> = {
  pending: '·',
  running: '▶',
  complete: '✔',
  cached: '↺',
  failed: '✘',
  canceled: '■',
  skipped: '-',
  waiting: '⏸',
  rejected: '✘',
};


/** How to decide a waiting approval from a shell, for the database this run writes to. */
export type ApproveCommand = (executionId: number) => string;

const defaultApproveCommand: ApproveCommand = (id) => `mlpipe approve ${id} --approve|--reject --by <name> [--comment <text>]`;

export interface Display {
  onEvent(e: RunEvent): void;
  close(): void;
}

export function jsonDisplay(out: NodeJS.WritableStream): Display {
  return { onEvent: (e) => out.write(`${JSON.stringify(e)}\n`), close: () => undefined };
}

/** Plain lines: for pipes, CI logs and files. */
export function plainDisplay(out: NodeJS.WritableStream, verbose: boolean, approveCommand: ApproveCommand = defaultApproveCommand): Display {
  return {
    onEvent(e) {
      switch (e.kind) {
        case 'run-started':
          out.write(`run ${e.runId} of ${e.pipeline}: ${e.steps.length} step(s)\n`);
          break;
        case 'step-started':
          out.write(`${e.step}: running (execution ${e.executionId})\n`);
          break;
        case 'step-waiting':
          out.write(`${e.step}: waiting for approval (execution ${e.executionId})${e.instructions ? ` — ${e.instructions}` : ''}\n  decide with: ${approveCommand(e.executionId)}\n`);
          break;
        case 'step-finished':
          out.write(`${e.step}: ${e.state} in ${formatDuration(e.durationMs)}${e.reason ? ` — ${e.reason}` : ''}\n`);
          break;
        case 'log':
          if (verbose) out.write(`  [${e.step}] ${e.line}\n`);
          break;
        case 'epoch':
          if (verbose) out.write(`  [${e.step}] epoch ${e.epoch}/${e.epochs} ${Object.entries(e.metrics).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ')}\n`);
          break;
        case 'anomalies':
          for (const a of e.anomalies) out.write(`  [${e.step}] ${a.severity} ${a.type} (${a.split}) ${anomalyLine(a)}\n`);
          break;
        case 'run-finished':
          out.write(`run ${e.state} in ${formatDuration(e.durationMs)}\n`);
          break;
        default:
          break;
      }
    },
    close: () => undefined,
  };
}

/** A live table on a terminal: one line per step, redrawn in place. */
export function ttyDisplay(out: NodeJS.WriteStream, approveCommand: ApproveCommand = defaultApproveCommand): Display {
  const order: string[] = [];
  const rows = new Map<string, { state: StepState; started?: number; durationMs?: number; note?: string }>();
  let header = '';
  let drawn = 0;
  const footer: string[] = [];
  const draw = () => {
    if (drawn) out.write(`\x1b[${drawn}A`);
    const width = Math.max(...order.map((s) => s.length), 4);
    const lines = [header];
    for (const step of order) {
      const r = rows.get(step)!;
      const ms = r.durationMs ?? (r.started ? Date.now() - r.started : undefined);
      const note = r.note ? `  ${r.note}` : '';
      lines.push(`  ${ICON[r.state]} ${step.padEnd(width)}  ${r.state.padEnd(9)} ${ms !== undefined ? formatDuration(ms).padStart(8) : ''.padStart(8)}${note}`.slice(0, (out.columns || 120) - 1));
    }
    for (const line of lines) out.write(`\x1b[2K${line}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(() => order.length && draw(), 250);
  timer.unref();
  return {
    onEvent(e) {
      switch (e.kind) {
        case 'run-started':
          header = `run ${e.runId} of ${e.pipeline}`;
          for (const s of e.steps) {
            order.push(s);
            rows.set(s, { state: 'pending' });
          }
          break;
        case 'step-started':
          rows.set(e.step, { state: 'running', started: Date.now() });
          break;
        case 'step-waiting':
          rows.set(e.step, { state: 'waiting', started: rows.get(e.step)?.started, note: approveCommand(e.executionId) });
          break;
        case 'step-finished':
          rows.set(e.step, { state: e.state, durationMs: e.durationMs, note: e.state === 'complete' ? undefined : e.reason?.split('\n')[0] });
          break;
        case 'anomalies':
          for (const a of e.anomalies) footer.push(`${e.step}: ${a.severity} ${a.type} (${a.split}) ${anomalyLine(a)}`);
          break;
        case 'run-finished':
          draw();
          for (const line of footer) out.write(`${line}\n`);
          out.write(`run ${e.state} in ${formatDuration(e.durationMs)}\n`);
          drawn = 0;
          order.length = 0;
          return;
        default:
          return;
      }
      draw();
    },
    close: () => clearInterval(timer),
  };
}
