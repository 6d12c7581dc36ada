// The penguin sample against a real MariaDB from the CLI, as a team or a CI job would use it: `mlpipe run
// --db mysql://…` with the password in MYSQL_PWD, a HumanApproval decided by a second process (`mlpipe
// approve` with --db-password-file) while the run waits, a second run served from cache, and the reading
// commands (runs, show, lineage) through MLPIPE_METADATA_URL. The errors a user meets (wrong password,
// missing database, unreachable server) are one clear message each, exit 1, no stack.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MysqlTestServer, skipWithoutMariadb } from '../mysqlServer';
import { cliPath, ensureBuilt, repoRoot, tempWorkspace, type TempWorkspace } from './workspaceFixture';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}, onLine?: (line: string) => void): Promise<Result> {
  ensureBuilt();
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, MLPIPE_METADATA_URL: undefined, MYSQL_PWD: undefined, ...env })) if (v !== undefined) childEnv[k] = v;
  return new Promise((done) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const l of lines) onLine?.(l);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function events(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const skip = skipWithoutMariadb();

describe('CLI on a MySQL store (MariaDB)', { skip }, () => {
  let server: MysqlTestServer;
  let ws: TempWorkspace;
  let url: string;
  let pwFile: string;
  before(async () => {
    server = await MysqlTestServer.start();
    url = server.url(server.newDatabase('penguin'));
    ws = tempWorkspace('mlpipe-climysql-');
    cpSync(join(repoRoot, 'samples', 'penguin'), join(ws.root, 'penguin'), { recursive: true });
    pwFile = join(ws.root, 'db-password');
    writeFileSync(pwFile, `${server.password}\n`);
  });
  after(async () => {
    ws?.dispose();
    await server?.stop();
  });

  /** `mlpipe run`, approving (from a second process, with --db-password-file) each HumanApproval it waits on. */
  async function runApproving(args: string[], env: Record<string, string>): Promise<{ result: Result; approved: Result[]; finished: { state: string; steps: Record<string, string> } }> {
    const approvals: Array<Promise<Result>> = [];
    const result = await cli(['run', 'penguin/penguin.pipeline.yaml', '--json', ...args], ws.root, env, (line) => {
      if (!line.startsWith('{')) return;
      const e = JSON.parse(line) as { kind: string; executionId?: number };
      if (e.kind === 'step-waiting') approvals.push(cli(['approve', String(e.executionId), '--approve', '--by', 'reviewer', '--db', url, '--db-password-file', pwFile], ws.root));
    });
    const finished = events(result.stdout).find((e) => e['kind'] === 'run-finished') as { state: string; steps: Record<string, string> };
    return { result, approved: await Promise.all(approvals), finished };
  }

  it('the penguin sample runs, a second process approves while it waits, and the third run is served from cache', { timeout: 600_000 }, async () => {
    // Run 1: everything runs; the approval is decided by `mlpipe approve` while `mlpipe run` waits.
    const first = await runApproving(['--db', url], { MYSQL_PWD: server.password });
    assert.equal(first.result.code, 0, first.result.stderr);
    assert.equal(first.approved.length, 1, 'the HumanApproval step waited once');
    assert.equal(first.approved[0]!.code, 0, first.approved[0]!.stderr);
    assert.match(first.approved[0]!.stdout, /approved by reviewer/);
    assert.equal(first.finished.state, 'complete', JSON.stringify(first.finished));
    assert.equal(first.finished.steps['pusher'], 'complete');
    // Nothing went to a SQLite file or a folder named after the URL.
    assert.equal(existsSync(join(ws.root, '.mlpipe', 'metadata.sqlite')), false);
    assert.equal(existsSync(join(ws.root, 'mysql:')), false);

    // Run 2 (the store named by MLPIPE_METADATA_URL): as TFX does, the Evaluator compares with run 1's
    // blessed model, so it and the approval run again; run 3 is fully cached.
    const env = { MLPIPE_METADATA_URL: url, MYSQL_PWD: server.password };
    const second = await runApproving([], env);
    assert.equal(second.result.code, 0, second.result.stderr);
    assert.equal(second.finished.state, 'complete', JSON.stringify(second.finished));
    assert.equal(second.finished.steps['trainer'], 'cached');
    const third = await runApproving([], env);
    assert.equal(third.result.code, 0, third.result.stderr);
    assert.equal(third.approved.length, 0, 'the decision is reused from the cache');
    const notCached = Object.entries(third.finished.steps).filter(([step, state]) => state !== 'cached' && step !== 'latest_blessed');
    assert.deepEqual(notCached, [], `every step from cache: ${JSON.stringify(third.finished.steps)}`);
  });

  it('runs, show and lineage read the MySQL store through MLPIPE_METADATA_URL (no file is looked for)', { timeout: 120_000 }, async () => {
    const env = { MLPIPE_METADATA_URL: url, MYSQL_PWD: server.password };
    const runs = await cli(['runs', '--json'], ws.root, env);
    assert.equal(runs.code, 0, runs.stderr);
    const page = JSON.parse(runs.stdout) as { items: Array<{ name: string; pipeline: string }>; total: number };
    assert.equal(page.total, 3);
    assert.ok(page.items.every((r) => r.pipeline === 'penguin'));
    assert.doesNotMatch(runs.stderr, /using /, 'no database was looked for below the folder');
    const shown = await cli(['show', page.items[1]!.name, '--json'], ws.root, env);
    assert.equal(shown.code, 0, shown.stderr);
    const run = JSON.parse(shown.stdout) as { executions: Array<{ nodeId: string; outputs?: unknown }> };
    assert.ok(run.executions.some((e) => e.nodeId === 'trainer'));
    const trainer = await cli(['show', String((run.executions.find((e) => e.nodeId === 'trainer') as unknown as { id: number }).id), '--json'], ws.root, env);
    const model = (JSON.parse(trainer.stdout) as { outputs: Array<{ key: string; artifact: { id: number } }> }).outputs.find((o) => o.key === 'model')!.artifact.id;
    const lineage = await cli(['lineage', String(model)], ws.root, env);
    assert.equal(lineage.code, 0, lineage.stderr);
    assert.match(lineage.stdout, /execution \d+ transform/);
  });

  it('a wrong password, a missing database and an unreachable server are one clear message each, exit 1', { timeout: 120_000 }, async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['runs', '--db', url], { MYSQL_PWD: 'not-the-password' }, /refused user "mlpipe" \(wrong password/],
      [['runs', '--db', url], {}, /refused user "mlpipe" \(no password was given\)/],
      [['runs', '--db', url.replace(/\/[^/]+$/, '/no_such_db')], { MYSQL_PWD: server.password }, /has no database "no_such_db"/],
      [['runs', '--db', `mysql://mlpipe@127.0.0.1:1/mlmd`], { MYSQL_PWD: server.password }, /Cannot reach the MySQL server at 127\.0\.0\.1:1/],
    ];
    for (const [args, env, message] of cases) {
      const r = await cli(args, ws.root, env);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      assert.doesNotMatch(r.stderr, new RegExp(server.password), 'the password is never printed');
    }
  });
});
