// The launcher of an executor node, after TFX's launcher.py: register the execution, reuse the cache
// when the key matches, else run the executor in a staging folder of its own (fresh empty output
// folders, a scratch folder, the log file and live log stream, cancel wiring) and map how it ended.
// The publisher then moves the outputs into place and records them.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ComponentError, type ComponentEvent, type ExecutorComponentSpec, type OutputArtifact } from '../components/spec';
import type { Properties } from '../../common/artifacts';
import { UserError } from '../errors';
import { logPath, stagingDir } from '../workspace';
import { announceStarted, registerStepExecution, reuseCached } from './driver';
import type { RunEvent } from './events';
import { publishFailed, publishOutputs } from './publisher';
import type { StepContext, StepOutcome } from './step';

/** What an executor left behind in its staging folder, or how it failed. */
export type ExecutorRun =
  | { ok: true; staging: string; outputs: Record<string, OutputArtifact>; executionProperties?: Properties; failedWithOutputs?: string }
  | { ok: false; staging: string; state: 'failed' | 'canceled'; message: string };

/** Driver, executor, publisher: one executor node from start to its published outcome. */
export async function launchExecutorNode(step: StepContext<ExecutorComponentSpec>): Promise<StepOutcome> {
  const executionId = registerStepExecution(step, step.inputs, {}, false);
  const cached = reuseCached(step, executionId);
  if (cached) return cached;
  announceStarted(step, executionId);
  const ran = await runExecutor(step, executionId);
  return ran.ok ? publishOutputs(step, executionId, ran) : publishFailed(step, executionId, ran);
}

/** The component events the run stream carries; anything else a user module emits is dropped. */
const FORWARDED_EVENTS: { [K in ComponentEvent['kind']]: true } = { epoch: true, progress: true, anomalies: true };

/** Run the step's executor in its staging folder (TFX's _run_executor). */
export async function runExecutor(step: StepContext<ExecutorComponentSpec>, executionId: number): Promise<ExecutorRun> {
  const id = step.component.id;
  const staging = stagingDir(step.root, executionId);
  const tmpDir = join(staging, 'scratch');
  mkdirSync(tmpDir, { recursive: true });
  const outputs: Record<string, OutputArtifact> = {};
  for (const [k, type] of Object.entries(step.outputTypes)) {
    const uri = join(staging, 'outputs', k);
    mkdirSync(uri, { recursive: true });
    outputs[k] = { type, uri, properties: {}, customProperties: {} };
  }
  const logFile = logPath(step.root, executionId);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const stepAbort = new AbortController();
  const onAbort = () => stepAbort.abort();
  step.signal.addEventListener('abort', onAbort, { once: true });
  const writeLog = (line: string, stream: 'stdout' | 'stderr' | 'info' = 'info') => {
    log.write(`${line}\n`);
    step.emit({ kind: 'log', runId: step.runId, step: id, executionId, stream, line });
  };
  const forward = (e: ComponentEvent) => {
    // Typed components only emit known kinds; a Function module is plain JS and may emit anything.
    if (!Object.hasOwn(FORWARDED_EVENTS, (e as { kind?: unknown }).kind as string)) return;
    const event: RunEvent = { ...e, runId: step.runId, step: id, executionId };
    step.emit(event);
  };

  let failure: { state: 'failed' | 'canceled'; message: string } | undefined;
  let executionProperties: Properties | undefined;
  let failedWithOutputs: string | undefined;
  try {
    const run = step.spec.executor({
      pipelineName: step.pipeline.name,
      componentId: id,
      executionId,
      params: step.params,
      inputs: step.inputs,
      outputs,
      pipelineDir: dirname(step.pipeline.file),
      root: step.root,
      tmpDir,
      signal: stepAbort.signal,
      trusted: step.trusted,
      log: (line, stream) => writeLog(line, stream),
      emit: forward,
    });
    // A component that ignores the signal must not hold a canceled run hostage.
    const canceled = new Promise<never>((_, reject) => stepAbort.signal.addEventListener('abort', () => reject(new ComponentError('canceled')), { once: true }));
    const result = await Promise.race([run, canceled]);
    executionProperties = result?.executionProperties;
    if (result?.failedWithOutputs) {
      const f = result.failedWithOutputs;
      failedWithOutputs = f.hint ? `${f.message} (${f.hint})` : f.message;
      writeLog(`FAILED: ${failedWithOutputs}`, 'stderr');
    }
  } catch (err) {
    if (stepAbort.signal.aborted) failure = { state: 'canceled', message: 'canceled by the user' };
    else if (err instanceof UserError) failure = { state: 'failed', message: err.hint ? `${err.message} (${err.hint})` : err.message };
    else failure = { state: 'failed', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    writeLog(`${failure.state === 'canceled' ? 'CANCELED' : 'FAILED'}: ${failure.message}`, 'stderr');
    if (!(err instanceof UserError) && err instanceof Error && err.stack) log.write(`${err.stack}\n`);
  } finally {
    step.signal.removeEventListener('abort', onAbort);
  }
  await new Promise<void>((r) => log.end(r));
  if (failure) return { ok: false, staging, ...failure };
  return { ok: true, staging, outputs, executionProperties, ...(failedWithOutputs !== undefined ? { failedWithOutputs } : {}) };
}
