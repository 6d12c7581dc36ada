// The typed event stream of a run. The CLI renders it; the server forwards it to the extension.
import type { AnomalySummaryRow } from '../../common/anomalies';
import type { StepState } from '../../common/stepStates';

export type { StepState };

/** How a run ended. `rejected`: an approval was rejected, so the steps after it did not run. */
export type RunState = 'complete' | 'failed' | 'canceled' | 'waiting' | 'rejected';

export type RunEvent =
  | {
      kind: 'run-started';
      runId: string;
      pipeline: string;
      file: string;
      /** Component ids in this run's scope, in plan order. */
      steps: string[];
      time: number;
    }
  | { kind: 'step-started'; runId: string; step: string; executionId: number; time: number }
  | {
      kind: 'step-finished';
      runId: string;
      step: string;
      executionId?: number;
      state: StepState;
      durationMs: number;
      /** For failed/skipped/rejected steps: why. */
      reason?: string;
      time: number;
    }
  | { kind: 'step-waiting'; runId: string; step: string; executionId: number; instructions?: string; time: number }
  | {
      kind: 'log';
      runId: string;
      step: string;
      executionId: number;
      stream: 'stdout' | 'stderr' | 'info';
      line: string;
    }
  | {
      kind: 'epoch';
      runId: string;
      step: string;
      executionId: number;
      epoch: number;
      epochs: number;
      metrics: Record<string, number>;
    }
  | { kind: 'progress'; runId: string; step: string; executionId: number; message: string; fraction?: number }
  | {
      kind: 'anomalies';
      runId: string;
      step: string;
      executionId: number;
      /** Anomalies found by an ExampleValidator, for the Problems panel. */
      anomalies: AnomalySummaryRow[];
    }
  | {
      kind: 'run-finished';
      runId: string;
      state: RunState;
      durationMs: number;
      /** Per-step final states. */
      steps: Record<string, StepState>;
      time: number;
    };

export type RunEventListener = (event: RunEvent) => void;
