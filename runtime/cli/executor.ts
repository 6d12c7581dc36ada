// `mlpipe executor --executor-input <json> --component <type>`: the command a Kubeflow Pipelines task's
// container runs (runtime/export/kfpExecutor.ts). Exit codes: 0 done, 1 the component failed, 2 usage.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getComponent } from '../components/registry';
import { ComponentError } from '../components/spec';
import { executeForKfp, ExecutorInputError, parseExecutorInput } from '../export/kfpExecutor';
import { UsageError } from '../errors';
import { parseArgs } from './args';

export async function cmdExecutor(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const a = parseArgs(argv, { values: ['executor-input', 'executor-input-file', 'component', 'task-name', 'pipeline', 'pipeline-dir'], switches: [] });
  if (a.positionals.length > 0) throw new UsageError(`unexpected argument ${a.positionals[0]}`);
  const type = a.values['component'];
  if (!type) throw new UsageError('mlpipe executor needs --component <type> (the exported PipelineSpec gives it)');
  const spec = getComponent(type);
  if (!spec) throw new UsageError(`unknown component type ${type}`);
  const text = a.values['executor-input'] ?? (a.values['executor-input-file'] ? readFileSync(a.values['executor-input-file'], 'utf8') : undefined);
  if (text === undefined) throw new UsageError("mlpipe executor needs --executor-input '{{$}}' (KFP's ExecutorInput as JSON)");
  const abort = new AbortController();
  process.once('SIGTERM', () => abort.abort());
  try {
    const input = parseExecutorInput(text);
    const taskName = a.values['task-name'] ?? type.toLowerCase();
    await executeForKfp({
      spec,
      input,
      pipelineName: a.values['pipeline'] ?? 'pipeline',
      taskName,
      pipelineDir: resolve(a.values['pipeline-dir'] ?? process.cwd()),
      signal: abort.signal,
      log: (line, stream) => (stream === 'stderr' ? err : out).write(`${line}\n`),
    });
    out.write(`mlpipe: ${taskName} (${type}) done${input.outputs?.outputFile ? `; ExecutorOutput in ${input.outputs.outputFile}` : ''}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ExecutorInputError) throw new UsageError(e.message);
    if (e instanceof ComponentError) {
      err.write(`mlpipe: ${type} failed: ${e.message}${e.hint ? ` (${e.hint})` : ''}\n`);
      return 1;
    }
    throw e;
  }
}
