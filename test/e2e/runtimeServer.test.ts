// The runtime's JSON-RPC server, spoken to exactly as the extension does: the built CLI started as
// `mlpipe serve --stdio`, requests from runtime/server/protocol.ts, a real SQLite database in a temp
// copy of the sample workspace.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection, ResponseError } from 'vscode-jsonrpc/node';
import type { RunEvent } from '../../runtime/orchestrator/events';
import {
  PROTOCOL_VERSION,
  RUN_EVENT_NOTIFICATION,
  RuntimeErrorCode,
  type RequestParams,
  type RequestResult,
  type RuntimeMethod,
} from '../../runtime/server/protocol';
import { sharedFixture } from '../sharedFixtures';

const repo = join(__dirname, '..', '..');
const cli = join(repo, 'dist', 'runtime', 'cli.js');
const MLMD_FIXTURE = sharedFixture('mlmd/mlmd-v8-getting-started.db');

describe('mlpipe serve --stdio', () => {
  let child: ChildProcess;
  let connection: MessageConnection;
  let workspace: string;
  const events: RunEvent[] = [];
  let stderr = '';

  function request<M extends RuntimeMethod>(method: M, params: RequestParams<M>): Promise<RequestResult<M>> {
    return connection.sendRequest(method, params);
  }

  function runFinished(runId: string, timeoutMs = 60_000): Promise<Extract<RunEvent, { kind: 'run-finished' }>> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const e = events.find((x): x is Extract<RunEvent, { kind: 'run-finished' }> => x.kind === 'run-finished' && x.runId === runId);
        if (e) {
          clearInterval(poll);
          resolve(e);
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(poll);
          reject(new Error(`run ${runId} did not finish in ${timeoutMs} ms; stderr:\n${stderr}`));
        }
      }, 20);
    });
  }

  before(() => {
    assert.ok(existsSync(cli), `build first: ${cli} is missing (node scripts/build.mjs)`);
    workspace = mkdtempSync(join(tmpdir(), 'mlpipe-server-'));
    cpSync(join(repo, 'samples', 'basic'), workspace, { recursive: true });
    child = spawn(process.execPath, [cli, 'serve', '--stdio'], { cwd: workspace, stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => (stderr += s));
    connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.onNotification(RUN_EVENT_NOTIFICATION, (e: RunEvent) => events.push(e));
    connection.listen();
  });

  after(() => {
    connection?.dispose();
    if (child && child.exitCode === null) child.kill();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  const file = (): string => join(workspace, 'basic.pipeline.yaml');
  const db = (): { path: string; readonly: boolean } => ({ path: join(workspace, '.mlpipe', 'metadata.sqlite'), readonly: false });

  it('answers hello with the protocol version this extension speaks', async () => {
    const hello = await request('mlpipe/hello', {});
    assert.equal(hello.protocolVersion, PROTOCOL_VERSION);
    assert.equal(hello.nodeVersion, process.versions.node);
    assert.equal(hello.pid, child.pid);
  });

  it('validates unsaved text and points at the exact range of a mistake, with a quick fix', async () => {
    const good = await request('mlpipe/validate', { file: file(), text: readFileSync(file(), 'utf8'), trusted: false });
    assert.deepEqual(good.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(good.pipeline?.components.map((c) => c.id), ['prepare', 'count', 'report']);
    const text = readFileSync(file(), 'utf8').replace('type: Command\n    inputs: {data: prepare.data}', 'type: Comand\n    inputs: {data: prepare.data}');
    const bad = await request('mlpipe/validate', { file: file(), text, trusted: false });
    const error = bad.diagnostics.find((d) => d.code.includes('unknown') && d.message.includes('Comand'));
    assert.ok(error, JSON.stringify(bad.diagnostics));
    const line = text.split('\n').findIndex((l) => l.includes('Comand')) + 1;
    assert.equal(error.range.start.line, line);
    assert.equal(error.fixes?.[0]?.replacement, 'Command');
  });

  it('never evaluates a TypeScript pipeline for an untrusted workspace', async () => {
    const marker = join(workspace, 'evaluated.txt');
    const tsFile = join(workspace, 'evil.pipeline.ts');
    writeFileSync(tsFile, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nexport default {};\n`);
    const result = await request('mlpipe/validate', { file: tsFile, trusted: false });
    assert.equal(existsSync(marker), false, 'the file was not run');
    assert.equal(result.pipeline, undefined);
    assert.ok(result.diagnostics.some((d) => /trust/i.test(d.message + (d.hint ?? ''))), JSON.stringify(result.diagnostics));
    rmSync(tsFile);
  });

  it('exports a pipeline as an Argo Workflow, never evaluating a TypeScript one when untrusted', async () => {
    const { yaml, warnings } = await request('mlpipe/exportArgo', { file: file(), root: workspace, image: 'registry.example/mlpipe:1', trusted: false });
    assert.deepEqual(warnings, []);
    assert.match(yaml, /^kind: Workflow$/m);
    assert.match(yaml, /^ {8}image: registry\.example\/mlpipe:1$/m);
    assert.match(yaml, /claimName: mlpipe-workspace/);
    assert.match(yaml, /- \/workspace\/basic\.pipeline\.yaml$/m);
    const argo = await request('mlpipe/exportArgo', { file: file(), root: workspace, image: 'registry.example/mlpipe:1', trusted: false });
    assert.match(argo.summary, /^valid Argo Workflow/);
    assert.deepEqual(argo.problems, []);
    const kfp = await request('mlpipe/exportKfp', { file: file(), root: workspace, image: 'registry.example/mlpipe:1', trusted: false });
    assert.match(kfp.yaml, /^schemaVersion: 2\.1\.0$/m);
    assert.match(kfp.summary, /^valid PipelineSpec 2\.1\.0/);
    const marker = join(workspace, 'exported.txt');
    const tsFile = join(workspace, 'evil2.pipeline.ts');
    writeFileSync(tsFile, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nexport default {};\n`);
    await assert.rejects(
      request('mlpipe/exportArgo', { file: tsFile, root: workspace, image: 'x', trusted: false }),
      (e: unknown) => e instanceof ResponseError && e.code === RuntimeErrorCode.UserError && /has errors; fix them first/.test(e.message),
    );
    assert.equal(existsSync(marker), false, 'the file was not run');
    rmSync(tsFile);
    await assert.rejects(
      request('mlpipe/exportArgo', { file: file(), root: workspace, image: '  ', trusted: true }),
      (e: unknown) => e instanceof ResponseError && /needs a container image/.test(e.message),
    );
    assert.equal(existsSync(db().path), false, 'exporting creates no database');
  });

  it('lists nothing, and creates no database, before anything ran', async () => {
    const page = await request('mlpipe/listRuns', { db: db(), limit: 10, offset: 0 });
    assert.deepEqual(page, { items: [], total: 0 });
    assert.equal(existsSync(db().path), false);
  });

  it('refuses to run in an untrusted workspace', async () => {
    await assert.rejects(
      request('mlpipe/run', { file: file(), root: workspace, dbPath: db().path, trusted: false }),
      (e: unknown) => e instanceof ResponseError && e.code === RuntimeErrorCode.Untrusted && /Restricted Mode/.test(e.message),
    );
  });

  it('runs the pipeline, streams its events, and records it in the database', async () => {
    const { runId } = await request('mlpipe/run', { file: file(), root: workspace, dbPath: db().path, trusted: true });
    const finished = await runFinished(runId);
    assert.equal(finished.state, 'complete', stderr);
    assert.deepEqual(finished.steps, { prepare: 'complete', count: 'complete', report: 'complete' });
    const mine = events.filter((e) => e.runId === runId);
    assert.equal(mine[0]?.kind, 'run-started');
    assert.ok(mine.some((e) => e.kind === 'log' && e.step === 'count' && e.line.includes('Biscoe: 10')), 'the step output arrives as log events');

    const runs = await request('mlpipe/listRuns', { db: db(), limit: 10, offset: 0 });
    assert.equal(runs.total, 1);
    assert.equal(runs.items[0]!.name, runId);
    const executions = await request('mlpipe/runExecutions', { db: db(), runContextId: runs.items[0]!.id });
    assert.deepEqual(executions.map((e) => e.nodeId).sort(), ['count', 'prepare', 'report']);
    const states = await request('mlpipe/nodeStates', { db: db(), pipeline: 'basic' });
    assert.equal(states['report']?.state, 'COMPLETE');

    const count = executions.find((e) => e.nodeId === 'count')!;
    const detail = await request('mlpipe/execution', { db: db(), id: count.id });
    assert.equal(detail?.inputs[0]?.key, 'data');
    assert.equal(detail?.outputs[0]?.key, 'counts');
    const counts = JSON.parse(readFileSync(join(detail!.outputs[0]!.artifact.uri, 'counts.json'), 'utf8')) as Record<string, number>;
    assert.deepEqual(counts, { Biscoe: 10, Dream: 10, Torgersen: 10 });

    const log = await request('mlpipe/readLog', { root: workspace, executionId: count.id });
    assert.equal(log.exists, true);
    assert.match(log.text, /Torgersen: 10/);
    const lineage = await request('mlpipe/lineage', { db: db(), artifactId: detail!.outputs[0]!.artifact.id });
    assert.ok(lineage.nodes.some((n) => n.kind === 'execution' && n.nodeId === 'prepare'), 'lineage reaches the upstream step');
  });

  it('serves an unchanged re-run from cache, and re-runs one step without cache', async () => {
    const cached = await request('mlpipe/run', { file: file(), root: workspace, dbPath: db().path, trusted: true });
    assert.deepEqual((await runFinished(cached.runId)).steps, { prepare: 'cached', count: 'cached', report: 'cached' });
    const fresh = await request('mlpipe/run', { file: file(), root: workspace, dbPath: db().path, trusted: true, scope: { step: 'count' }, noCache: true });
    assert.deepEqual((await runFinished(fresh.runId)).steps, { count: 'complete' });
    const runs = await request('mlpipe/listRuns', { db: db(), limit: 2, offset: 0 });
    assert.equal(runs.total, 3);
    assert.equal(runs.items.length, 2);
    assert.equal(runs.next, 2);
    assert.equal(runs.items[0]!.name, fresh.runId, 'newest first');
  });

  it('runs several pipelines at once and cancels one of them', async () => {
    const slow = join(workspace, 'slow.pipeline.yaml');
    writeFileSync(
      slow,
      [
        'pipeline: slow',
        'components:',
        '  wait:',
        '    type: Command',
        '    params:',
        '      command: [node, -e, "setTimeout(() => {}, 30000)"]',
      ].join('\n'),
    );
    const a = await request('mlpipe/run', { file: slow, root: workspace, dbPath: db().path, trusted: true });
    const b = await request('mlpipe/run', { file: file(), root: workspace, dbPath: db().path, trusted: true, noCache: true });
    assert.notEqual(a.runId, b.runId);
    const active = await request('mlpipe/activeRuns', {});
    assert.ok(active.runIds.includes(a.runId));
    assert.equal((await runFinished(b.runId)).state, 'complete');
    assert.deepEqual(await request('mlpipe/cancel', { runId: a.runId }), { canceled: true });
    const canceled = await runFinished(a.runId, 15_000);
    assert.equal(canceled.state, 'canceled');
    assert.deepEqual(await request('mlpipe/cancel', { runId: a.runId }), { canceled: false });
  });

  it('opens a database read-only and answers clearly for one that does not exist', async () => {
    const ro = { path: db().path, readonly: true };
    assert.ok((await request('mlpipe/listPipelines', { db: ro })).includes('basic'));
    await assert.rejects(
      request('mlpipe/listRuns', { db: { path: join(workspace, 'nope.sqlite'), readonly: true }, limit: 5, offset: 0 }),
      (e: unknown) => e instanceof ResponseError && e.code === RuntimeErrorCode.NotFound && e.message.includes('nope.sqlite'),
    );
    await assert.rejects(
      request('mlpipe/approve', { db: ro, decision: { executionId: 1, decision: 'approved', by: 'me' } }),
      (e: unknown) => e instanceof ResponseError && /read-only/.test(e.message),
    );
  });

  it("answers a user's mistake with its code and no stack, and a run refused before it started likewise", async () => {
    const notes = join(workspace, 'notes.txt');
    writeFileSync(notes, 'not a database\n');
    const stderrBefore = stderr.length;
    await assert.rejects(
      request('mlpipe/listRuns', { db: { path: notes, readonly: true }, limit: 5, offset: 0 }),
      (e: unknown) => e instanceof ResponseError && e.code === RuntimeErrorCode.UserError && /notes\.txt is not an SQLite database/.test(e.message) && (e.data as { code?: string }).code === 'not-mlmd',
    );
    await assert.rejects(
      request('mlpipe/run', { file: file(), root: workspace, dbPath: db().path, scope: { step: 'nonexistent' }, trusted: true }),
      (e: unknown) => e instanceof ResponseError && e.code === RuntimeErrorCode.UserError && /nonexistent/.test(e.message),
    );
    assert.doesNotMatch(stderr.slice(stderrBefore), /\n\s+at /, 'no stack trace for a user error');
  });

  it('waits for a human approval, lists it, and records the decision with who made it', async () => {
    const approvalFile = join(workspace, 'approval.pipeline.yaml');
    writeFileSync(
      approvalFile,
      [
        'pipeline: signoff',
        'components:',
        '  train:',
        '    type: Command',
        '    params:',
        '      command: [node, -e, "require(\'fs\').writeFileSync(process.argv[1] + \'/model.txt\', \'m\')", "{{outputs.model}}"]',
        '    outputs: {model: Model}',
        '  approval:',
        '    type: HumanApproval',
        '    inputs: {model: train.model}',
        '    params: {instructions: Look at it.}',
      ].join('\n'),
    );
    const { runId } = await request('mlpipe/run', { file: approvalFile, root: workspace, dbPath: db().path, trusted: true });
    const started = Date.now();
    let waiting: Extract<RunEvent, { kind: 'step-waiting' }> | undefined;
    while (!waiting && Date.now() - started < 30_000) {
      waiting = events.find((e): e is Extract<RunEvent, { kind: 'step-waiting' }> => e.kind === 'step-waiting' && e.runId === runId);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(waiting, `no step-waiting event; stderr:\n${stderr}`);
    assert.equal(waiting.step, 'approval');
    assert.equal(waiting.instructions, 'Look at it.');
    const listed = await request('mlpipe/waitingApprovals', { db: db() });
    assert.deepEqual(listed.map((e) => e.id), [waiting.executionId]);
    await assert.rejects(
      request('mlpipe/approve', { db: db(), decision: { executionId: waiting.executionId, decision: 'approved', by: '  ' } }),
      (e: unknown) => e instanceof ResponseError && /who decided/.test(e.message),
    );
    await request('mlpipe/approve', { db: db(), decision: { executionId: waiting.executionId, decision: 'approved', by: 'Ada Lovelace', comment: 'fine' } });
    const finished = await runFinished(runId, 30_000);
    assert.equal(finished.state, 'complete');
    assert.deepEqual(await request('mlpipe/waitingApprovals', { db: db() }), []);
    const detail = await request('mlpipe/execution', { db: db(), id: waiting.executionId });
    const approval = detail?.outputs.find((o) => o.key === 'approval')?.artifact;
    assert.equal(approval?.customProperties['approved_by'], 'Ada Lovelace');
    assert.equal(approval?.customProperties['decision'], 'approved');
  });

  it('browses a database written by ML Metadata itself, read-only', { skip: existsSync(MLMD_FIXTURE) ? false : `${MLMD_FIXTURE} is absent` }, async () => {
    const copy = join(workspace, 'mlmd-v8.db');
    cpSync(MLMD_FIXTURE, copy);
    const before = readFileSync(copy);
    const ro = { path: copy, readonly: true };
    const pipelines = await request('mlpipe/listPipelines', { db: ro });
    const runs = await request('mlpipe/listRuns', { db: ro, limit: 5, offset: 0 });
    assert.ok(Array.isArray(pipelines));
    assert.equal(runs.items.length, Math.min(5, runs.total));
    for (const run of runs.items) await request('mlpipe/runExecutions', { db: ro, runContextId: run.id });
    assert.ok(readFileSync(copy).equals(before), 'a read-only database is not modified');
  });

  it('gives hover docs from the registry', async () => {
    const { markdown } = await request('mlpipe/hover', { type: 'Command' });
    assert.ok(markdown && markdown.length > 20);
    assert.equal((await request('mlpipe/hover', { type: 'NoSuchComponent' })).markdown, null);
  });
});
