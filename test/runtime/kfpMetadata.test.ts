// A Kubeflow Pipelines cluster's ML Metadata (MySQL; reached through `kubectl port-forward` in real use),
// opened read-only as a TFX SQLite file is: a MariaDB database laid out by MLMD's MySQL DDL, filled the
// way KFP v2 records a run (kfpMlmdFixture.ts), read by a MariaDB user that has only SELECT. Its run,
// executions (by task name), artifacts (minio:// URIs, shown as text) and lineage come out of the CLI and
// of the runtime server as the extension asks for them; nothing is ever written (table checksums before
// and after), and the commands that would write refuse with one clear message.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { MetadataStore } from '../../runtime/metadata/store';
import type { RequestParams, RequestResult, RuntimeMethod } from '../../runtime/server/protocol';
import { MysqlTestServer, skipWithoutMariadb } from '../mysqlServer';
import { KFP_PIPELINE, KFP_RUN_ID, kfpRunSql } from './kfpMlmdFixture';
import { cliPath, ensureBuilt, repoRoot, tempWorkspace, type TempWorkspace } from './workspaceFixture';

const skip = skipWithoutMariadb();
const READER = 'kfpreader';
const READER_PW = 'reader-only-pw';
const TABLES = ['Type', 'Context', 'ContextProperty', 'ParentContext', 'Execution', 'ExecutionProperty', 'Artifact', 'ArtifactProperty', 'Event', 'EventPath', 'Association', 'Attribution', 'MLMDEnv'];

function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  ensureBuilt();
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, MLPIPE_METADATA_URL: undefined, MYSQL_PWD: undefined, ...env })) if (v !== undefined) childEnv[k] = v;
  return new Promise((done) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe("a Kubeflow Pipelines cluster's ML Metadata on MySQL, read-only", { skip }, () => {
  let server: MysqlTestServer;
  let ws: TempWorkspace;
  let url: string;
  let database: string;
  let before_: string;
  const rows = kfpRunSql();

  const checksums = (): Promise<string> =>
    server.asRoot(async (c) => JSON.stringify((await c.query(`CHECKSUM TABLE ${TABLES.map((t) => `\`${database}\`.\`${t}\``).join(', ')}`))[0]));

  before(async () => {
    server = await MysqlTestServer.start();
    const location = server.newDatabase('metadb');
    database = location.database;
    // MLMD's own MySQL layout, created by the store as MLMD creates it; then KFP's rows, as root.
    MetadataStore.open(location).close();
    await server.asRoot((c) => c.query(rows.sql), database);
    await server.asRoot((c) => c.query(`CREATE USER '${READER}'@'%' IDENTIFIED BY '${READER_PW}'; GRANT SELECT ON \`${database}\`.* TO '${READER}'@'%'`));
    url = `mysql://${READER}@${server.host}:${server.port}/${database}?readonly=true`;
    ws = tempWorkspace('mlpipe-kfp-');
    before_ = await checksums();
  });
  after(async () => {
    ws?.dispose();
    await server?.stop();
  });

  it('the CLI lists the run, its executions by task name, an artifact with its minio:// URI, and the lineage', { timeout: 120_000 }, async () => {
    const env = { MYSQL_PWD: READER_PW };
    const runs = await cli(['runs', '--db', url], ws.root, env);
    assert.equal(runs.code, 0, runs.stderr);
    assert.match(runs.stdout, new RegExp(`${KFP_RUN_ID}\\s+${KFP_PIPELINE}\\s+complete\\s+\\S+\\s+4\\s`));
    const shown = await cli(['show', KFP_RUN_ID, '--db', url, '--json'], ws.root, env);
    assert.equal(shown.code, 0, shown.stderr);
    const run = JSON.parse(shown.stdout) as { run: { pipeline: string }; executions: Array<{ nodeId: string; type: string; state: string }> };
    assert.equal(run.run.pipeline, KFP_PIPELINE);
    assert.deepEqual(
      run.executions.map((e) => [e.nodeId, e.type, e.state]).sort(),
      [
        ['create-dataset', 'system.ContainerExecution', 'COMPLETE'],
        [KFP_PIPELINE, 'system.DAGExecution', 'COMPLETE'],
        ['normalize-dataset', 'system.ContainerExecution', 'COMPLETE'],
        ['train-model', 'system.ContainerExecution', 'COMPLETE'],
      ].sort(),
    );
    const artifact = await cli(['show', '--artifact', String(rows.modelArtifactId), '--db', url], ws.root, env);
    assert.equal(artifact.code, 0, artifact.stderr);
    assert.match(artifact.stdout, /artifact 3 system\.Model LIVE/);
    assert.ok(artifact.stdout.includes(`uri: ${rows.modelUri}`));
    const lineage = await cli(['lineage', String(rows.modelArtifactId), '--db', url], ws.root, env);
    assert.equal(lineage.code, 0, lineage.stderr);
    for (const edge of [
      /artifact 1 system\.Dataset --INPUT input_iris_dataset--> execution 3 normalize-dataset COMPLETE/,
      /execution 3 normalize-dataset COMPLETE --OUTPUT normalized_iris_dataset--> artifact 2 system\.Dataset/,
      /execution 4 train-model COMPLETE --OUTPUT model--> artifact 3 system\.Model/,
      /execution 2 create-dataset COMPLETE --OUTPUT iris_dataset--> artifact 1 system\.Dataset/,
    ]) assert.match(lineage.stdout, edge);
  });

  it('the runtime server answers the Runs view and the lineage panel for it, with the password sent over its stdin', { timeout: 120_000 }, async () => {
    ensureBuilt();
    // No MYSQL_PWD in its environment and none on its command line: the password arrives as a request.
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'MYSQL_PWD' && k !== 'MLPIPE_METADATA_URL') env[k] = v;
    const child: ChildProcess = spawn(process.execPath, [cliPath, 'serve', '--stdio'], { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    const connection: MessageConnection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.listen();
    const request = <M extends RuntimeMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> => connection.sendRequest(method, params);
    try {
      const db = { path: url, readonly: true };
      await assert.rejects(request('mlpipe/listRuns', { db, limit: 10, offset: 0 }), (e: Error & { data?: { code?: string } }) => e.data?.code === 'auth' && /refused user "kfpreader" \(no password was given\)/.test(e.message));
      await request('mlpipe/storePassword', { url: url.split('?')[0]!, password: READER_PW });
      const page = await request('mlpipe/listRuns', { db, limit: 10, offset: 0 });
      assert.equal(page.total, 1);
      assert.equal(page.items[0]!.name, KFP_RUN_ID);
      assert.equal(page.items[0]!.pipeline, KFP_PIPELINE);
      assert.deepEqual(await request('mlpipe/listPipelines', { db }), [KFP_PIPELINE]);
      const executions = await request('mlpipe/runExecutions', { db, runContextId: page.items[0]!.id });
      assert.deepEqual(executions.map((e) => e.nodeId).sort(), ['create-dataset', KFP_PIPELINE, 'normalize-dataset', 'train-model'].sort());
      const train = await request('mlpipe/execution', { db, id: rows.trainExecutionId });
      assert.deepEqual(train?.outputs.map((o) => [o.key, o.artifact.type, o.artifact.uri.split(':')[0]]), [
        ['metrics', 'system.ClassificationMetrics', 'minio'],
        ['model', 'system.Model', 'minio'],
      ]);
      assert.equal(train?.runName, KFP_RUN_ID);
      const graph = await request('mlpipe/lineage', { db, artifactId: rows.modelArtifactId, direction: 'upstream' });
      assert.deepEqual(graph.nodes.filter((n) => n.kind === 'execution').map((n) => n.nodeId).sort(), ['create-dataset', 'normalize-dataset', 'train-model']);
      // Runs and approvals are refused before anything is opened for writing.
      await assert.rejects(request('mlpipe/run', { file: join(repoRoot, 'samples', 'basic', 'basic.pipeline.yaml'), root: ws.root, dbPath: url, trusted: true }), /marked read-only/);
      await assert.rejects(request('mlpipe/approve', { db, decision: { executionId: 4, decision: 'approved', by: 'me' } }), /read-only/);
    } finally {
      connection.dispose();
      child.kill();
    }
  });

  it('nothing is ever written: run and approve refuse, a SELECT-only user without ?readonly gets the privilege error, and the tables are unchanged', { timeout: 120_000 }, async () => {
    const env = { MYSQL_PWD: READER_PW };
    const file = join(repoRoot, 'samples', 'basic', 'basic.pipeline.yaml');
    const run = await cli(['run', file, '--db', url, '--root', ws.root], ws.root, env);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /marked read-only/);
    const approve = await cli(['approve', '4', '--approve', '--by', 'me', '--db', url], ws.root, env);
    assert.equal(approve.code, 2, approve.stderr);
    // Forgetting ?readonly: the server's own privileges still stop it, with a message saying what to do.
    const unmarked = await cli(['run', file, '--db', url.replace('?readonly=true', ''), '--root', ws.root], ws.root, env);
    assert.equal(unmarked.code, 1, unmarked.stderr);
    assert.match(unmarked.stderr, /may not|privilege/i);
    assert.doesNotMatch(unmarked.stderr, /internal error|\n\s+at /);
    assert.equal(await checksums(), before_, 'no table of the Kubeflow store changed');
  });
});
