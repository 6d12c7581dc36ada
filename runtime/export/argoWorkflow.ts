// `mlpipe export --to argo`: the same pipeline as an Argo Workflow, for when one machine is not enough.
// Each component becomes one task of a DAG, with the pipeline's data dependencies as task dependencies,
// and each task runs this runtime on one step: `mlpipe run <file> --step <id> --run-id {{workflow.name}}`.
// The tasks share the workspace (pipeline file, data, .mlpipe/ with artifacts and the metadata
// database) through a ReadWriteMany volume, so caching, lineage and approvals work as they do locally,
// and all tasks of one workflow are recorded as one pipeline run. The database is opened with a rollback
// journal (MLPIPE_METADATA_JOURNAL=delete): WAL needs shared memory, which network file systems lack.
// Even so, SQLite's locking on a network file system is only as good as that file system's: with
// `metadataSecret` (CLI `--db-url-secret`) every task records into one shared MySQL store instead, named by
// a Kubernetes Secret's `url` key (MLPIPE_METADATA_URL) with its password in the `password` key (MYSQL_PWD),
// both read through secretKeyRef so neither appears in the workflow. Artifacts stay on the volume.
import { dirname, posix, resolve } from 'node:path';
import { plainYaml } from './plainYaml';
import type { PipelineIR } from '../definition/ir';
import type { ComponentDescription } from '../components/spec';
import { skippedComponents, topologicalOrder, upstreamEdges } from '../definition/graph';
import { isInside } from '../workspace';

export interface ArgoExportOptions {
  /** The pipeline file as the tasks see it: relative to the workspace root, with `/` separators. */
  pipelinePath: string;
  /** A container image with Node 20+ and this runtime, `mlpipe` on its PATH (or see `command`). */
  image: string;
  /** The PersistentVolumeClaim (ReadWriteMany) holding the workspace. */
  claim: string;
  /** Where the workspace is mounted in the task containers. */
  mountPath?: string;
  /** How the image starts the runtime, e.g. ['node', '/opt/mlpipe/dist/runtime/cli.js']. */
  command?: string[];
  serviceAccount?: string;
  /** A Kubernetes Secret with keys `url` (mysql://user@host:3306/db) and `password`: the tasks' shared MySQL store. */
  metadataSecret?: string;
}

/** The keys of the `--db-url-secret` Secret. */
export const METADATA_SECRET_KEYS = { url: 'url', password: 'password' } as const;

export const DEFAULT_MOUNT_PATH = '/workspace';
export const DEFAULT_CLAIM = 'mlpipe-workspace';

/** An Argo/Kubernetes name: lowercase letters, digits and '-', starting and ending alphanumeric. */
export function dnsLabel(text: string, maxLength = 63): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
  return label === '' ? 'mlpipe' : label;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The Workflow (a CronWorkflow when the pipeline has a schedule) as a plain object (YAML-ready). Disabled components, and what reads from them, are left out, as a local run skips them. */
export function argoWorkflow(pipeline: PipelineIR, o: ArgoExportOptions): { [key: string]: Json } {
  const mountPath = o.mountPath ?? DEFAULT_MOUNT_PATH;
  const skipped = skippedComponents(pipeline);
  const ups = upstreamEdges(pipeline);
  const order = topologicalOrder(pipeline).filter((id) => !skipped.has(id));
  // Component ids are [a-z][a-z0-9_]*, so replacing '_' keeps task names distinct.
  const taskName = (id: string): string => id.replace(/_/g, '-');
  const tasks: Json[] = order.map((id) => {
    const deps = (ups.get(id) ?? []).filter((u) => !skipped.has(u)).map(taskName);
    return {
      name: taskName(id),
      template: 'step',
      ...(deps.length > 0 ? { dependencies: deps } : {}),
      arguments: { parameters: [{ name: 'step', value: id }] },
    };
  });
  const command = o.command && o.command.length > 0 ? o.command : ['mlpipe'];
  const pipelineFile = posix.join(mountPath, o.pipelinePath);
  const labels = { 'mlpipe/pipeline': dnsLabel(pipeline.name) };
  const annotations = {
    'mlpipe/pipeline-name': pipeline.name,
    'mlpipe/pipeline-file': o.pipelinePath,
    'mlpipe/exported-by': 'mlpipe export --to argo',
  };
  const spec: { [key: string]: Json } = {
    entrypoint: 'pipeline',
    ...(o.serviceAccount ? { serviceAccountName: o.serviceAccount } : {}),
    volumes: [{ name: 'workspace', persistentVolumeClaim: { claimName: o.claim } }],
    templates: [
      { name: 'pipeline', dag: { tasks } },
      {
        name: 'step',
        inputs: { parameters: [{ name: 'step' }] },
        container: {
          image: o.image,
          command: command.slice(0, 1),
          // No shell anywhere: Argo passes these as the process's argv.
          args: [...command.slice(1), 'run', pipelineFile, '--step', '{{inputs.parameters.step}}', '--run-id', '{{workflow.name}}', '--root', mountPath],
          workingDir: mountPath,
          env: taskEnv(o.metadataSecret),
          volumeMounts: [{ name: 'workspace', mountPath }],
        },
      },
    ],
  };
  if (pipeline.schedule) {
    // A scheduled pipeline is a CronWorkflow: Argo creates one Workflow (one mlpipe run) per tick.
    // Forbid: a run still going when the next tick comes is not doubled (two runs would share one volume).
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'CronWorkflow',
      metadata: { name: dnsLabel(pipeline.name, 52), labels, annotations },
      spec: {
        schedules: [pipeline.schedule.cron],
        ...(pipeline.schedule.timezone ? { timezone: pipeline.schedule.timezone } : {}),
        concurrencyPolicy: 'Forbid',
        workflowMetadata: { labels },
        workflowSpec: spec,
      },
    };
  }
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${dnsLabel(pipeline.name, 50)}-`, labels, annotations },
    spec,
  };
}

/** Where a task records: the shared MySQL store named by the Secret, else SQLite on the volume with a rollback journal. */
function taskEnv(secret: string | undefined): Json[] {
  if (secret === undefined) return [{ name: 'MLPIPE_METADATA_JOURNAL', value: 'delete' }];
  return [
    // The names are those storeUrl.ts reads: METADATA_URL_ENV and MYSQL_PASSWORD_ENV.
    { name: 'MLPIPE_METADATA_URL', valueFrom: { secretKeyRef: { name: secret, key: METADATA_SECRET_KEYS.url } } },
    // Optional: a store user without a password still works.
    { name: 'MYSQL_PWD', valueFrom: { secretKeyRef: { name: secret, key: METADATA_SECRET_KEYS.password, optional: true } } },
  ];
}

/** The Workflow as the YAML file `mlpipe export` writes, with a header saying how to submit it. */
export function argoWorkflowYaml(pipeline: PipelineIR, o: ArgoExportOptions, doc: { [key: string]: Json } = argoWorkflow(pipeline, o)): string {
  const mountPath = o.mountPath ?? DEFAULT_MOUNT_PATH;
  const header = [
    `# ${pipeline.name} as an Argo Workflow, written by mlpipe export. Each task runs one step with`,
    `# \`mlpipe run --step <id> --run-id {{workflow.name}}\`; the workspace (${o.pipelinePath}, its data and`,
    `# .mlpipe/) must be on the ReadWriteMany volume claim ${o.claim}, mounted at ${mountPath}.`,
    ...(o.metadataSecret
      ? [`# Metadata: the MySQL store named by Secret ${o.metadataSecret} (keys ${METADATA_SECRET_KEYS.url}, ${METADATA_SECRET_KEYS.password}): kubectl create secret generic ${o.metadataSecret} --from-literal=${METADATA_SECRET_KEYS.url}=mysql://user@host:3306/mlmd --from-file=${METADATA_SECRET_KEYS.password}=<file>`]
      : []),
    pipeline.schedule
      ? `# A CronWorkflow: one run per schedule tick (${pipeline.schedule.cron}${pipeline.schedule.timezone ? `, ${pipeline.schedule.timezone}` : ''}). Install: argo cron create <this file>`
      : '# Submit: argo submit <this file>',
  ];
  return `${header.map((l) => l.replace(/\n/g, ' ')).join('\n')}\n${plainYaml(doc)}`;
}

/**
 * Path params (inputs, modules, schemas) that point outside the workspace root: the workflow's tasks
 * see only the volume, so these would be missing there. One sentence per path, for the user.
 */
export function pathsOutsideRoot(pipeline: PipelineIR, root: string, specOf: (type: string) => ComponentDescription | undefined): string[] {
  const out: string[] = [];
  const skipped = skippedComponents(pipeline);
  for (const c of pipeline.components) {
    if (skipped.has(c.id)) continue;
    const spec = specOf(c.type);
    for (const [key, value] of Object.entries(c.params)) {
      if (spec?.params[key]?.type !== 'path' || typeof value !== 'string' || value === '') continue;
      if (!isInside(root, resolve(dirname(pipeline.file), value))) out.push(`${c.id}.params.${key} (${value}) is outside the workspace root ${root}: the workflow's tasks will not find it on the volume`);
    }
  }
  return out;
}
