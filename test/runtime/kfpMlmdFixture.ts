// A Kubeflow Pipelines v2 cluster's ML Metadata, built the way KFP records a run (its driver's metadata
// client, kubeflow/pipelines backend/src/v2/metadata/client.go): context types system.Pipeline and
// system.PipelineRun (the run under the pipeline through ParentContext; the run context named by the run's
// UUID, with namespace, resource_name and pipeline_root), a root system.DAGExecution, one
// system.ContainerExecution per task (custom properties task_name, display_name, parent_dag_id, pod_name,
// image, cache_fingerprint), artifacts of types system.Dataset / system.Model / system.ClassificationMetrics
// at minio:// URIs with a display_name, events whose path is the artifact's name in that task, and every
// execution and output artifact associated/attributed to both contexts. The run is the iris pipeline of
// the shared KFP fixtures (create-dataset → normalize-dataset → train-model). Types are schemaless, as KFP's
// are. No MLMD server is available here, so the rows are written with SQL into tables that the store
// created from MLMD's MySQL DDL.

export const KFP_RUN_ID = '3f6b1c2e-8d4a-4c1e-9b7a-5e2d1f0a9c31';
export const KFP_PIPELINE = 'iris-training-pipeline';
const ROOT = `minio://mlpipeline/v2/artifacts/${KFP_PIPELINE}/${KFP_RUN_ID}`;

export interface KfpRows {
  sql: string;
  modelArtifactId: number;
  datasetArtifactId: number;
  trainExecutionId: number;
  modelUri: string;
}

const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** The SQL (one multi-statement string) that records the run; ids start high, clear of MLMD's seeded types. */
export function kfpRunSql(t0 = Date.UTC(2026, 10, 30, 9, 0, 0)): KfpRows {
  const s: string[] = [];
  const type = (id: number, name: string, kind: 0 | 1 | 2) => s.push(`INSERT INTO \`Type\` (id, name, type_kind) VALUES (${id}, ${q(name)}, ${kind})`);
  type(901, 'system.Pipeline', 2);
  type(902, 'system.PipelineRun', 2);
  type(903, 'system.DAGExecution', 0);
  type(904, 'system.ContainerExecution', 0);
  type(905, 'system.Dataset', 1);
  type(906, 'system.Model', 1);
  type(907, 'system.ClassificationMetrics', 1);
  const prop = (table: 'ContextProperty' | 'ExecutionProperty' | 'ArtifactProperty', owner: string, id: number, name: string, value: string | number) =>
    s.push(`INSERT INTO \`${table}\` (${owner}, name, is_custom_property, ${typeof value === 'number' ? 'int_value' : 'string_value'}) VALUES (${id}, ${q(name)}, 1, ${typeof value === 'number' ? value : q(value)})`);

  s.push(`INSERT INTO \`Context\` (id, type_id, name, create_time_since_epoch, last_update_time_since_epoch) VALUES (1, 901, ${q(KFP_PIPELINE)}, ${t0}, ${t0})`);
  s.push(`INSERT INTO \`Context\` (id, type_id, name, create_time_since_epoch, last_update_time_since_epoch) VALUES (2, 902, ${q(KFP_RUN_ID)}, ${t0}, ${t0})`);
  s.push('INSERT INTO `ParentContext` (context_id, parent_context_id) VALUES (2, 1)');
  prop('ContextProperty', 'context_id', 2, 'namespace', 'kubeflow');
  prop('ContextProperty', 'context_id', 2, 'resource_name', 'iris-training-pipeline-x7k2p');
  prop('ContextProperty', 'context_id', 2, 'pipeline_root', `minio://mlpipeline/v2/artifacts/${KFP_PIPELINE}/${KFP_RUN_ID}`);
  prop('ContextProperty', 'context_id', 2, 'store_session_info', '{"Provider":"minio","Params":{"endpoint":"minio-service.kubeflow:9000","region":"minio","disableSSL":"true"}}');

  const execution = (id: number, typeId: number, state: number, start: number, end: number, props: Record<string, string | number>) => {
    s.push(`INSERT INTO \`Execution\` (id, type_id, last_known_state, create_time_since_epoch, last_update_time_since_epoch) VALUES (${id}, ${typeId}, ${state}, ${t0 + start}, ${t0 + end})`);
    for (const [k, v] of Object.entries(props)) prop('ExecutionProperty', 'execution_id', id, k, v);
    s.push(`INSERT INTO \`Association\` (context_id, execution_id) VALUES (1, ${id}), (2, ${id})`);
  };
  const COMPLETE = 3;
  execution(1, 903, COMPLETE, 0, 95_000, { display_name: KFP_PIPELINE, task_name: '', total_dag_tasks: 3 });
  const task = (id: number, name: string, start: number, end: number) =>
    execution(id, 904, COMPLETE, start, end, { display_name: name, task_name: name, parent_dag_id: 1, pod_name: `${KFP_PIPELINE}-x7k2p-${id}`, pod_uid: `uid-${id}`, namespace: 'kubeflow', image: 'python:3.11', cache_fingerprint: `fp-${name}` });
  task(2, 'create-dataset', 5_000, 30_000);
  task(3, 'normalize-dataset', 31_000, 60_000);
  task(4, 'train-model', 61_000, 95_000);

  const LIVE = 2;
  const artifact = (id: number, typeId: number, taskName: string, execId: number, name: string, at: number) => {
    const uri = `${ROOT}/${taskName}/${execId}/${name}`;
    s.push(`INSERT INTO \`Artifact\` (id, type_id, uri, state, create_time_since_epoch, last_update_time_since_epoch) VALUES (${id}, ${typeId}, ${q(uri)}, ${LIVE}, ${t0 + at}, ${t0 + at})`);
    prop('ArtifactProperty', 'artifact_id', id, 'display_name', name);
    s.push(`INSERT INTO \`Attribution\` (context_id, artifact_id) VALUES (1, ${id}), (2, ${id})`);
    return uri;
  };
  let eventId = 0;
  const event = (artifactId: number, execId: number, type: 3 | 4, key: string, at: number) => {
    eventId++;
    s.push(`INSERT INTO \`Event\` (id, artifact_id, execution_id, type, milliseconds_since_epoch) VALUES (${eventId}, ${artifactId}, ${execId}, ${type}, ${t0 + at})`);
    s.push(`INSERT INTO \`EventPath\` (event_id, is_index_step, step_key) VALUES (${eventId}, 0, ${q(key)})`);
  };
  const INPUT = 3;
  const OUTPUT = 4;
  artifact(1, 905, 'create-dataset', 2, 'iris_dataset', 30_000);
  event(1, 2, OUTPUT, 'iris_dataset', 30_000);
  event(1, 3, INPUT, 'input_iris_dataset', 31_000);
  artifact(2, 905, 'normalize-dataset', 3, 'normalized_iris_dataset', 60_000);
  event(2, 3, OUTPUT, 'normalized_iris_dataset', 60_000);
  event(2, 4, INPUT, 'normalized_iris_dataset', 61_000);
  const modelUri = artifact(3, 906, 'train-model', 4, 'model', 95_000);
  event(3, 4, OUTPUT, 'model', 95_000);
  artifact(4, 907, 'train-model', 4, 'metrics', 95_000);
  event(4, 4, OUTPUT, 'metrics', 95_000);
  return { sql: `${s.join(';\n')};`, modelArtifactId: 3, datasetArtifactId: 1, trainExecutionId: 4, modelUri };
}
