// The local orchestrator's entry: load and plan the pipeline, open the store, recover what a killed
// runtime left behind, and hand the plan to the scheduler. For each step the orchestrator does what TFX's
// launcher does, in its own files: driver.ts (resolve inputs from metadata, cache key and lookup),
// launcher.ts (run the executor in a staging folder), publisher.ts (move outputs into place, record them),
// and systemNodes.ts for the nodes it runs itself (Resolver, HumanApproval). Components never touch the
// database; the orchestrator does.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadPipelineFile } from '../definition/load';
import { registryCatalog } from '../components/registryCatalog';
import type { PipelineDiagnostic, PipelineIR } from '../definition/ir';
import { MetadataStore } from '../metadata/store';
import { defaultDbPath, findRoot } from '../workspace';
import { RUN_ID_PATTERN, type RunOptions, type RunResult } from './api';
import { APPROVAL_WAIT } from './approval';
import { planRun, RunRequestError } from './plan';
import { Scheduler } from './scheduler';
import { UserError } from '../errors';

/** The pipeline file has errors: nothing ran. */
export class PipelineInvalidError extends UserError {
  constructor(readonly diagnostics: PipelineDiagnostic[]) {
    super(`the pipeline has ${diagnostics.length} error(s)`, diagnostics[0] ? { where: { file: diagnostics[0].file, line: diagnostics[0].range.start.line, column: diagnostics[0].range.start.column } } : {});
  }
}

export { RunRequestError };

const INTERRUPTED = 'The runtime stopped while this step was running (killed or crashed); run the step again.';

/** Remove staging folders of executions that are no longer running (left by a killed runtime). */
function cleanStaging(store: MetadataStore, root: string): void {
  const tmp = join(root, '.mlpipe', 'tmp');
  if (!existsSync(tmp)) return;
  for (const name of readdirSync(tmp)) {
    const m = /^execution-(\d+)$/.exec(name);
    if (!m) continue;
    const exec = store.execution(Number(m[1]));
    if (!exec || exec.state !== 'RUNNING') rmSync(join(tmp, name), { recursive: true, force: true });
  }
}

export async function loadForRun(file: string, trusted: boolean): Promise<PipelineIR> {
  const loaded = await loadPipelineFile(file, { trusted, catalog: registryCatalog });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !loaded.pipeline) throw new PipelineInvalidError(errors.length ? errors : loaded.diagnostics);
  return loaded.pipeline;
}

export async function runPipeline(opts: RunOptions): Promise<RunResult> {
  if (opts.runId !== undefined && !RUN_ID_PATTERN.test(opts.runId)) {
    throw new RunRequestError(`run id ${JSON.stringify(opts.runId)} is not usable: use letters, digits and . _ : - (at most 128, starting with a letter or digit)`);
  }
  const file = resolve(opts.file);
  const pipeline = await loadForRun(file, opts.trusted ?? true);
  const root = resolve(opts.root ?? findRoot(dirname(file)));
  const where = typeof opts.dbPath === 'object' ? opts.dbPath : resolve(opts.dbPath ?? defaultDbPath(root));
  const plan = planRun(pipeline, opts.scope);
  const store = MetadataStore.open(where);
  try {
    store.recoverInterrupted(INTERRUPTED, [APPROVAL_WAIT]);
    cleanStaging(store, root);
    return await new Scheduler(pipeline, plan.steps, plan.disabled, plan.upstream, store, root, opts, plan.pulledIn).start();
  } finally {
    store.close();
  }
}
