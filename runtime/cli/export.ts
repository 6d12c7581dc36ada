// `mlpipe export <file> --to argo`: writes the pipeline as an Argo Workflow (runtime/export/argoWorkflow.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { formatDiagnostic } from '../definition/ir';
import { loadPipelineFile } from '../definition/load';
import { getComponent } from '../components/registry';
import { argoWorkflowYaml, DEFAULT_CLAIM, DEFAULT_MOUNT_PATH, pathsOutsideRoot } from '../export/argoWorkflow';
import { isInside, rootForPipelineFile } from '../workspace';
import { UsageError } from '../errors';
import { parseArgs } from './args';

const TARGETS = ['argo'];

export async function cmdExport(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const a = parseArgs(argv, { values: ['to', 'image', 'claim', 'mount', 'command', 'service-account', 'root', 'out'], switches: [] });
  const file = a.positionals[0];
  if (!file) throw new UsageError('mlpipe export needs a pipeline file');
  if (a.positionals.length > 1) throw new UsageError(`unexpected argument ${a.positionals[1]}`);
  const target = a.values['to'] ?? 'argo';
  if (!TARGETS.includes(target)) throw new UsageError(`--to ${target} is not supported; targets: ${TARGETS.join(', ')}`);
  const image = a.values['image'];
  if (!image) throw new UsageError('mlpipe export needs --image <image>: a container image with Node 20+ and this runtime (mlpipe on its PATH, or give --command)');
  const mount = a.values['mount'] ?? DEFAULT_MOUNT_PATH;
  if (!mount.startsWith('/')) throw new UsageError(`--mount ${mount} must be an absolute path in the container`);
  const loaded = await loadPipelineFile(resolve(file), { trusted: true });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !loaded.pipeline) {
    for (const d of loaded.diagnostics) err.write(`${formatDiagnostic(d)}\n`);
    return 1;
  }
  const root = resolve(a.values['root'] ?? rootForPipelineFile(file, process.cwd()));
  const rel = relative(root, resolve(file));
  if (!isInside(root, file)) throw new UsageError(`${file} is not inside the workspace root ${root}; give --root <dir> holding it`);
  const command = a.values['command']?.trim().split(/\s+/).filter(Boolean);
  const text = argoWorkflowYaml(loaded.pipeline, {
    pipelinePath: rel.split(sep).join('/'),
    image,
    claim: a.values['claim'] ?? DEFAULT_CLAIM,
    mountPath: mount,
    ...(command && command.length > 0 ? { command } : {}),
    ...(a.values['service-account'] ? { serviceAccount: a.values['service-account'] } : {}),
  });
  for (const warning of pathsOutsideRoot(loaded.pipeline, root, getComponent)) err.write(`mlpipe: warning: ${warning}\n`);
  const outFile = a.values['out'];
  if (!outFile) {
    out.write(text);
    return 0;
  }
  mkdirSync(dirname(resolve(outFile)), { recursive: true });
  writeFileSync(outFile, text);
  err.write(`wrote ${outFile}\n`);
  return 0;
}
