// `mlpipe export <file> --to argo|kfp`: writes the pipeline as an Argo Workflow (runtime/export/argoWorkflow.ts)
// or a Kubeflow Pipelines PipelineSpec (runtime/export/kfpPipeline.ts), then checks what it wrote and says so
// on stderr ("valid …", or each error with its JSON path). --schema adds Argo's own schema.json to the check.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { formatDiagnostic } from '../definition/ir';
import { loadPipelineFile } from '../definition/load';
import { getComponent } from '../components/registry';
import { registryCatalog } from '../components/registryCatalog';
import { argoWorkflow, argoWorkflowYaml, DEFAULT_CLAIM, DEFAULT_MOUNT_PATH, pathsOutsideRoot } from '../export/argoWorkflow';
import { formatProblems, summarizeCheck } from '../export/exportCheck';
import { checkArgo, loadArgoSchema } from '../export/validateArgo';
import { DEFAULT_KFP_WORKDIR, KfpExportError, kfpPipelineYaml, kfpRecurringRun } from '../export/kfpPipeline';
import { checkKfpPipelineSpec } from '../export/validateKfp';
import type { ExportCheck } from '../export/exportCheck';
import { isInside, rootForPipelineFile } from '../workspace';
import { UsageError } from '../errors';
import { parseArgs } from './args';

const TARGETS = ['argo', 'kfp'];

/** A Kubernetes Secret's name (a DNS subdomain), checked here so a typo is not found only when the pods fail. */
function secretName(name: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) || name.length > 253) {
    throw new UsageError(`--db-url-secret ${name} is not a Kubernetes Secret name`, { hint: 'use lower-case letters, digits, - and ., e.g. --db-url-secret mlpipe-metadata' });
  }
  return name;
}

export async function cmdExport(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const a = parseArgs(argv, { values: ['to', 'image', 'claim', 'mount', 'command', 'service-account', 'root', 'out', 'schema', 'workdir', 'pipeline-root', 'recurring-run', 'db-url-secret'], switches: [] });
  const file = a.positionals[0];
  if (!file) throw new UsageError('mlpipe export needs a pipeline file');
  if (a.positionals.length > 1) throw new UsageError(`unexpected argument ${a.positionals[1]}`);
  const target = a.values['to'] ?? 'argo';
  if (!TARGETS.includes(target)) throw new UsageError(`--to ${target} is not supported; targets: ${TARGETS.join(', ')}`);
  const image = a.values['image'];
  if (!image) throw new UsageError('mlpipe export needs --image <image>: a container image with Node 20+ and this runtime (mlpipe on its PATH, or give --command)');
  const argoOnly = ['claim', 'mount', 'service-account', 'schema', 'db-url-secret'].filter((k) => a.values[k] !== undefined);
  const kfpOnly = ['workdir', 'pipeline-root', 'recurring-run'].filter((k) => a.values[k] !== undefined);
  if (target === 'kfp' && argoOnly.length) throw new UsageError(`--${argoOnly[0]} is for --to argo`);
  if (target === 'argo' && kfpOnly.length) throw new UsageError(`--${kfpOnly[0]} is for --to kfp`);
  const metadataSecret = a.values['db-url-secret'] !== undefined ? secretName(a.values['db-url-secret']) : undefined;
  const mount = a.values['mount'] ?? a.values['workdir'] ?? (target === 'kfp' ? DEFAULT_KFP_WORKDIR : DEFAULT_MOUNT_PATH);
  if (!mount.startsWith('/')) throw new UsageError(`--${a.values['workdir'] ? 'workdir' : 'mount'} ${mount} must be an absolute path in the container`);
  let schema: Record<string, unknown> | undefined;
  if (a.values['schema']) {
    try {
      schema = loadArgoSchema(a.values['schema']);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  const loaded = await loadPipelineFile(resolve(file), { trusted: true, catalog: registryCatalog });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !loaded.pipeline) {
    for (const d of loaded.diagnostics) err.write(`${formatDiagnostic(d)}\n`);
    return 1;
  }
  const root = resolve(a.values['root'] ?? rootForPipelineFile(file, process.cwd()));
  const rel = relative(root, resolve(file));
  if (!isInside(root, file)) throw new UsageError(`${file} is not inside the workspace root ${root}; give --root <dir> holding it`);
  const command = a.values['command']?.trim().split(/\s+/).filter(Boolean);
  const pipelinePath = rel.split(sep).join('/');
  let text: string;
  let check: ExportCheck;
  if (target === 'kfp') {
    let exported: ReturnType<typeof kfpPipelineYaml>;
    try {
      exported = kfpPipelineYaml(loaded.pipeline, { pipelinePath, image, workdir: mount, ...(command && command.length > 0 ? { command } : {}), ...(a.values['pipeline-root'] ? { pipelineRoot: a.values['pipeline-root'] } : {}) });
    } catch (e) {
      if (e instanceof KfpExportError) {
        err.write(`mlpipe: cannot export to KFP: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    text = exported.text;
    for (const warning of exported.warnings) err.write(`mlpipe: warning: ${warning}\n`);
    const recurring = kfpRecurringRun(loaded.pipeline, exported.spec);
    const recurringFile = a.values['recurring-run'];
    if (recurringFile && !recurring) throw new UsageError(`--recurring-run needs a schedule in ${file} (schedule: {cron: "0 3 * * *"})`);
    if (recurring) {
      for (const warning of recurring.warnings) err.write(`mlpipe: warning: ${warning}\n`);
      if (recurringFile) {
        mkdirSync(dirname(resolve(recurringFile)), { recursive: true });
        writeFileSync(recurringFile, `${JSON.stringify(recurring.body, null, 2)}\n`);
        err.write(`wrote ${recurringFile}: POST it to <KFP>/apis/v2beta1/recurringruns to run on the schedule\n`);
      } else err.write(`mlpipe: the pipeline has a schedule (${loaded.pipeline.schedule!.cron}); --recurring-run <file> writes KFP's recurring-run request for it\n`);
    }
    // The document itself is checked: plainYaml writes exactly it (test/runtime/plainYaml.test.ts).
    check = checkKfpPipelineSpec(exported.spec);
  } else {
    const options = {
      pipelinePath,
      image,
      claim: a.values['claim'] ?? DEFAULT_CLAIM,
      mountPath: mount,
      ...(command && command.length > 0 ? { command } : {}),
      ...(a.values['service-account'] ? { serviceAccount: a.values['service-account'] } : {}),
      ...(metadataSecret !== undefined ? { metadataSecret } : {}),
    };
    const doc = argoWorkflow(loaded.pipeline, options);
    text = argoWorkflowYaml(loaded.pipeline, options, doc);
    check = checkArgo(doc, schema);
  }
  for (const warning of pathsOutsideRoot(loaded.pipeline, root, getComponent)) err.write(`mlpipe: warning: ${warning}\n`);
  err.write(`mlpipe: ${summarizeCheck(check)}\n`);
  for (const line of formatProblems(check)) err.write(`  ${line}\n`);
  const outFile = a.values['out'];
  if (!outFile) out.write(text);
  else {
    mkdirSync(dirname(resolve(outFile)), { recursive: true });
    writeFileSync(outFile, text);
    err.write(`wrote ${outFile}\n`);
  }
  // The document is still written: the errors point into it, and they are a bug of the exporter to report.
  return check.problems.length > 0 ? 1 : 0;
}
